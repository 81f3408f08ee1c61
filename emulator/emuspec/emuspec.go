// Package emuspec builds the emulated organization a backup spec
// expects, and sets the engine up to run on it as fast as the CLI does:
// the emulator answers at once, so client-side rate limits only slow it
// down, and time-bound rules must be judged in its virtual time.
//
// It lives beside package emulator, which imports none of our packages
// but policy.
package emuspec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// NewServer starts an emulator of the organization For(s) returns, with
// the spec's execution role created in every member account; optFns
// adjust the emulator's options after that. Close it when done.
func NewServer(s *spec.Spec, optFns ...func(*emulator.Options)) *emulator.Server {
	return emulator.NewServer(append([]func(*emulator.Options){func(o *emulator.Options) {
		o.Organization = For(s)
		o.MemberRole = s.Organization.ExecutionRole
	}}, optFns...)...)
}

// Fleet returns a fleet over srv as the spec's management account in its
// primary region, assuming the spec's execution role, with FleetOptions;
// optFns adjust the options after that (ReadOnly for planning).
func Fleet(srv *emulator.Server, s *spec.Spec, optFns ...func(*crossaccount.Options)) *crossaccount.Fleet {
	base := srv.Config(s.Organization.ManagementAccount, s.Organization.Regions.Primary)
	return crossaccount.NewFleet(base, append([]func(*crossaccount.Options){func(o *crossaccount.Options) {
		o.ExecutionRole = s.Organization.ExecutionRole
		o.ManagementAccount = s.Organization.ManagementAccount
	}, FleetOptions(srv)}, optFns...)...)
}

// FleetOptions are the fleet options for an in-process emulator: no
// client-side rate limit (RatePerSecond -1). The emulator answers at once
// and throttles only when a fault tells it to; a limit would only slow
// the engine down several times over.
func FleetOptions(*emulator.Server) func(*crossaccount.Options) {
	return func(o *crossaccount.Options) { o.RatePerSecond = -1 }
}

// PlanOptions make plans and drift detection judge time-bound rules (a
// compliance-mode Vault Lock's grace period, RPOs) in the emulator's
// virtual time.
func PlanOptions(srv *emulator.Server) func(*backup.PlanOptions) {
	return func(o *backup.PlanOptions) { o.Now = srv.Now }
}

// ApplyOptions make Apply judge time-bound rules in the emulator's
// virtual time.
func ApplyOptions(srv *emulator.Server) func(*backup.ApplyOptions) {
	return func(o *backup.ApplyOptions) { o.Now = srv.Now }
}

// For returns the organization to emulate for a spec.
// A spec whose management account is the built-in organization's gets that
// organization as it is, so a target it lacks (a mistyped OU) is reported
// by plan as it would be on AWS, not invented. A spec of another
// organization gets one built from it on purpose: its management and
// backup accounts, and for every tier target an OU (with the target's ID or
// name) holding synthesised workload accounts, or the target account
// itself.
func For(s *spec.Spec) *emulator.Organization {
	if def := emulator.DefaultOrganization(); Fits(s, def) || def.ManagementAccount == s.Organization.ManagementAccount {
		return def
	}
	return Organization(s)
}

// Organization returns an organization built from a spec on purpose:
// its management and backup accounts, and for every tier target an OU
// (with the target's ID or name) holding synthesised workload accounts,
// or the target account itself.
func Organization(s *spec.Spec) *emulator.Organization {
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

// Fits reports whether org already has the spec's accounts and
// every tier target (as an account ID, OU ID or OU name).
func Fits(s *spec.Spec, org *emulator.Organization) bool {
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
	names[org.RootID] = true
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
