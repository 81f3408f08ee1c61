package cost

import (
	"fmt"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

// BackupsPerMonth returns how many backups an AWS cron schedule takes in an
// average month (DaysPerMonth days), counted over a year of runs in tz (""
// for UTC).
func BackupsPerMonth(schedule, tz string) (float64, error) {
	s, err := policy.ParseSchedule(schedule)
	if err != nil {
		return 0, fmt.Errorf("counting backups of schedule %q: %w", schedule, err)
	}
	loc := time.UTC
	if tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return 0, fmt.Errorf("counting backups of schedule %q: %w", schedule, err)
		}
	}
	from := time.Date(2025, time.January, 1, 0, 0, 0, 0, loc)
	end := from.AddDate(1, 0, 0)
	runs := 0
	for t := s.Next(from.Add(-time.Minute), loc); !t.IsZero() && t.Before(end); t = s.Next(t, loc) {
		runs++
	}
	return float64(runs) / 12, nil
}

// RoleOf says which role the vault of a copy action plays for a workload in
// region.
type RoleOf func(vault policy.VaultARN) Role

// TierFromPlan returns the cost model's view of tier's backup plan: for
// each rule, its backups per month, the local vault with the rule's
// lifecycle, and each copy's vault with the copy's lifecycle (the source's
// when the copy sets none, as AWS Backup does: "If you don't specify a
// lifecycle, Backup applies the lifecycle policy of the source backup to
// the destination backup", CopyAction, AWS Backup API Reference). A copy
// vault whose account is the policy's $account is the workload's own.
func TierFromPlan(tier string, p *policy.Plan, role RoleOf) (Tier, error) {
	t := Tier{Name: tier}
	for _, r := range p.Rules {
		per, err := BackupsPerMonth(r.Schedule, r.ScheduleTimezone)
		if err != nil {
			return Tier{}, fmt.Errorf("tier %s rule %s: %w", tier, r.Name, err)
		}
		m := Rule{Name: r.Name, BackupsPerMonth: per}
		m.Placements = append(m.Placements, placement(Local, "", "", r.Lifecycle))
		for _, c := range r.CopyActions {
			v, err := policy.ParseVaultARN(c.DestinationVaultARN, true)
			if err != nil {
				return Tier{}, fmt.Errorf("tier %s rule %s: %w", tier, r.Name, err)
			}
			l := c.Lifecycle
			if l.IsZero() {
				l = r.Lifecycle
			}
			account := v.Account
			if account == policy.AccountVariable {
				account = ""
			}
			m.Placements = append(m.Placements, placement(role(v), account, v.Region, l))
		}
		t.Rules = append(t.Rules, m)
	}
	return t, nil
}

func placement(role Role, account, region string, l policy.Lifecycle) Placement {
	return Placement{
		Role: role, Account: account, Region: region,
		Keep:      policy.Days(l.DeleteAfterDays),
		ColdAfter: policy.Days(l.MoveToColdStorageAfterDays),
		Archive:   l.OptInToArchiveForSupportedResources,
	}
}
