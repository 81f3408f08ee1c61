package backup

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// crossChecks are the consistency checks across accounts that block a plan
// that cannot work.
func crossChecks(sp *spec.Spec, d *desired, changes []plan.Change, now time.Time) []plan.Check {
	var checks []plan.Check
	// (Tiers copying to the central account with AWS managed keys are
	// refused by spec validation.)
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			continue
		}
		if (t.CentralRetention > 0 || t.CrossRegion) && d.orgID == "" {
			checks = append(checks, plan.Check{Code: "no-organization-id", Address: "tiers." + name, Message: "the organization's ID is unknown, so the central vault access policy cannot admit its accounts"})
		}
	}
	// A policy region without a vault or role in a target account.
	for account, tiers := range d.tierOf {
		da := d.accounts[account]
		if da.role == nil {
			checks = append(checks, plan.Check{Code: "missing-backup-role", Address: account, Message: "tier " + strings.Join(tiers, ", ") + " has no backup role in " + account})
		}
		for _, region := range sp.WorkloadRegions() {
			if !slices.ContainsFunc(da.vaults, func(v vault.Desired) bool { return v.Region == region }) {
				checks = append(checks, plan.Check{Code: "missing-local-vault", Address: account + "/" + region, Message: "the tier's plan runs in " + region + " but account " + account + " has no local vault there"})
			}
		}
	}
	// A backup policy inherited by the management or backup account: its
	// plan runs there too (management policies apply to every account
	// they are attached to or inherited by, "Understanding management
	// policy inheritance"), but orgbackup creates no local vault in those
	// accounts, so every job would fail.
	for _, account := range slices.Sorted(maps.Keys(d.uncovered)) {
		tierName := d.uncovered[account]
		role := "management"
		if account == sp.Organization.BackupAccount {
			role = "backup"
		}
		checks = append(checks, plan.Check{Code: "policy-target-without-vault", Address: account,
			Message: fmt.Sprintf("tier %s's backup policy reaches the %s account %s (through its targets %v), which has no local vault %s in %v: its backup jobs would fail; target OUs or accounts that do not contain it",
				tierName, role, account, d.tierTargets(sp, tierName), sp.Local.Vault, sp.WorkloadRegions())})
	}
	checks = append(checks, immutableLockChecks(sp, changes, now)...)
	return checks
}

// tierTargets returns a tier's targets as written in the spec.
func (d *desired) tierTargets(sp *spec.Spec, tierName string) []string {
	return sp.Tiers[tierName].Targets
}

// liveLock is the Before of a vault_lock change: the lock as it is.
type liveLock struct {
	MinRetentionDays int64      `json:"min_retention_days"`
	MaxRetentionDays int64      `json:"max_retention_days"`
	LockDate         *time.Time `json:"lock_date"`
}

// immutableLockChecks finds the central vaults whose compliance-mode lock
// is past its grace period and differs from the spec: AWS refuses to
// change it, so its bounds stay, and a tier whose copies to that vault
// are kept for a retention outside them would have every copy job fail
// (PutBackupVaultLockConfiguration: a lock's minimum and maximum
// retention apply to every recovery point copied into the vault). Spec
// validation already checks the spec's own lock.
func immutableLockChecks(sp *spec.Spec, changes []plan.Change, now time.Time) []plan.Check {
	var checks []plan.Check
	org := sp.Organization
	for _, c := range changes {
		if c.Kind != vault.KindLock || c.Account != org.BackupAccount || c.Name != sp.Central.Vault || c.Before == nil {
			continue
		}
		var l liveLock
		if err := json.Unmarshal(c.Before, &l); err != nil || l.LockDate == nil || now.Before(*l.LockDate) {
			continue
		}
		for _, name := range sp.TierNames() {
			t, err := sp.Tier(name)
			if err != nil {
				continue
			}
			var days policy.Days
			switch {
			case c.Region == org.Regions.Primary:
				days = t.CentralRetention
			case c.Region == org.Regions.Secondary && t.CrossRegion:
				days = t.SecondaryRetention
			}
			if days <= 0 {
				continue
			}
			if (l.MinRetentionDays > 0 && int64(days) < l.MinRetentionDays) || (l.MaxRetentionDays > 0 && int64(days) > l.MaxRetentionDays) {
				checks = append(checks, plan.Check{Code: "central-retention-outside-lock", Address: "tiers." + name,
					Message: fmt.Sprintf("tier %s keeps copies in %s for %d days, outside the %d..%d days of the compliance-mode Vault Lock of %s in %s, which is immutable since %s: AWS Backup would fail every copy job; keep the tier's retention within the lock's bounds",
						name, c.Address, days, l.MinRetentionDays, l.MaxRetentionDays, sp.Central.Vault, c.Region, l.LockDate.UTC().Format(time.RFC3339))})
			}
		}
	}
	return checks
}
