package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// emulatedOrganization returns the organization to emulate for a spec.
// A spec whose management account is the built-in organization's gets that
// organization as it is, so a target it lacks (a mistyped OU) is reported
// by plan as it would be on AWS, not invented. A spec of another
// organization gets one built from it on purpose: its management and
// backup accounts, and for every tier target an OU (with the target's ID or
// name) holding synthesised workload accounts, or the target account
// itself.
func emulatedOrganization(s *spec.Spec) *emulator.Organization {
	if def := emulator.DefaultOrganization(); fitsOrganization(s, def) || def.ManagementAccount == s.Organization.ManagementAccount {
		return def
	}
	return specOrganization(s)
}

// specOrganization returns an organization built from a spec on purpose:
// its management and backup accounts, and for every tier target an OU
// (with the target's ID or name) holding synthesised workload accounts,
// or the target account itself.
func specOrganization(s *spec.Spec) *emulator.Organization {
	org := &emulator.Organization{
		ID:                "o-orgbackup1",
		RootID:            "r-root",
		ManagementAccount: s.Organization.ManagementAccount,
		Accounts:          []emulator.Account{{ID: s.Organization.ManagementAccount, Name: "management"}},
	}
	used := map[string]bool{s.Organization.ManagementAccount: true, s.Organization.BackupAccount: true}
	org.Units = append(org.Units, emulator.Unit{ID: "ou-root-security", Name: "Security", Accounts: []emulator.Account{{ID: s.Organization.BackupAccount, Name: "backup"}}})
	next := 100000000000
	newAccount := func() string {
		for used[fmt.Sprintf("%012d", next)] {
			next++
		}
		id := fmt.Sprintf("%012d", next)
		used[id] = true
		return id
	}
	var direct []emulator.Account
	units := map[string]*emulator.Unit{}
	var order []string
	for _, tier := range s.TierNames() {
		for _, target := range s.Tiers[tier].Targets {
			switch {
			case rootID.MatchString(target):
				// The root itself: the organization's root gets its ID.
				org.RootID = target
			case policy.IsAccountID(target):
				if !used[target] {
					used[target] = true
					direct = append(direct, emulator.Account{ID: target, Name: tier + "-" + target})
				}
			default:
				if _, ok := units[target]; ok {
					continue
				}
				u := &emulator.Unit{Name: target}
				if strings.HasPrefix(target, "ou-") {
					u.ID, u.Name = target, tier
				}
				for i := range 2 {
					u.Accounts = append(u.Accounts, emulator.Account{ID: newAccount(), Name: fmt.Sprintf("%s-%d", tier, i+1)})
				}
				units[target] = u
				order = append(order, target)
			}
		}
	}
	sort.Strings(order)
	for _, t := range order {
		org.Units = append(org.Units, *units[t])
	}
	if len(direct) > 0 {
		org.Units = append(org.Units, emulator.Unit{Name: "Workloads", Accounts: direct})
	}
	return org
}

// rootID matches an organization root's ID ("Organizations API
// Reference", Root: r- followed by 4 to 32 lower-case letters or digits).
var rootID = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)

// fitsOrganization reports whether org already has the spec's accounts and
// every tier target (as an account ID, OU ID or OU name).
func fitsOrganization(s *spec.Spec, org *emulator.Organization) bool {
	if org.ManagementAccount != s.Organization.ManagementAccount {
		return false
	}
	names := map[string]bool{}
	var walk func(us []emulator.Unit)
	walk = func(us []emulator.Unit) {
		for _, u := range us {
			names[u.ID], names[u.Name] = true, true
			for _, a := range u.Accounts {
				names[a.ID] = true
			}
			walk(u.Units)
		}
	}
	for _, a := range org.Accounts {
		names[a.ID] = true
	}
	walk(org.Units)
	if !names[s.Organization.BackupAccount] {
		return false
	}
	for _, t := range s.Tiers {
		for _, target := range t.Targets {
			if !names[target] {
				return false
			}
		}
	}
	return true
}
