package policy

import (
	"time"
)

// Defaults of a tier's plan, shared by the spec and PresetOptions so that
// every way of building a tier's plan names things alike.
const (
	// DefaultLocalVault is the vault of each workload account.
	DefaultLocalVault = "orgbackup-local"
	// DefaultSelectionTagKey is the tag key that selects a tier's
	// resources; its value is the tier's name.
	DefaultSelectionTagKey = "backup-tier"
	// DefaultBackupRole is the IAM role AWS Backup assumes in each
	// workload account.
	DefaultBackupRole = "OrgBackupServiceRole"
	// TierTagKey tags every recovery point with its tier.
	TierTagKey = "orgbackup:tier"
)

// TierPlanOptions is everything a tier's backup plan is built from, fully
// resolved: TierPlan is the one builder of a tier's plan, used by the spec
// (every tier, preset or custom) and by Preset.
type TierPlanOptions struct {
	// Tier names the tier: the rule is TIER-FREQUENCY ("production-daily")
	// and recovery points are tagged TierTagKey=TIER.
	Tier string
	// PlanName names the plan.
	PlanName string
	// Schedule is the AWS cron expression; Timezone its IANA zone ("" for
	// UTC).
	Schedule, Timezone string
	// StartWindow and CompletionWindow are 0 for AWS Backup's defaults.
	StartWindow, CompletionWindow time.Duration
	// LocalVault receives the recovery points, kept LocalRetention and
	// moved to cold storage after ColdAfter (0: never).
	LocalVault                string
	LocalRetention, ColdAfter Days
	// Archive opts every lifecycle that moves to cold storage in to the
	// archive tier for the types that need it (EBS):
	// OptInToArchiveForSupportedResources.
	Archive bool
	// Continuous enables continuous backup.
	Continuous bool
	// Copies are the rule's copy actions, in order.
	Copies []TierCopy
	// Regions are the Regions an Organizations policy deploys the plan to.
	Regions []string
	// Selections select the resources.
	Selections []Selection
	// Tags are the plan's tags.
	Tags map[string]string
}

// TierCopy is one copy action of a tier's rule: the copy is kept Keep and
// moves to cold storage after ColdAfter (0: never).
type TierCopy struct {
	VaultARN  string
	Keep      Days
	ColdAfter Days
}

// TierPlan builds a tier's plan: one rule backing up to the local vault
// with the tier's copies, recovery points tagged with the tier, and the
// selections.
func TierPlan(o TierPlanOptions) *Plan {
	rule := Cron(o.Tier+"-"+ScheduleFrequency(o.Schedule), o.Schedule).
		InVault(o.LocalVault).
		Keep(o.LocalRetention).
		Timezone(o.Timezone).
		Windows(o.StartWindow, o.CompletionWindow).
		Tag(TierTagKey, o.Tier)
	if o.ColdAfter > 0 {
		rule = rule.ColdAfter(o.ColdAfter)
		if o.Archive {
			rule = rule.Archive()
		}
	}
	if o.Continuous {
		rule = rule.Continuous()
	}
	for _, c := range o.Copies {
		l := Lifecycle{DeleteAfterDays: int64(c.Keep), MoveToColdStorageAfterDays: int64(c.ColdAfter)}
		l.OptInToArchiveForSupportedResources = o.Archive && c.ColdAfter > 0
		rule = rule.Copy(CopyAction{DestinationVaultARN: c.VaultARN, Lifecycle: l})
	}
	p := NewPlan(o.PlanName, rule).InRegions(o.Regions...).Select(o.Selections...)
	for k, v := range o.Tags {
		p = p.Tag(k, v)
	}
	return p
}

// ScheduleFrequency names how often a schedule runs, for rule names:
// "hourly", "daily", "weekly", "monthly", or "backup" when it is rarer or
// does not parse.
func ScheduleFrequency(expr string) string {
	sched, err := ParseSchedule(expr)
	if err != nil {
		return "backup"
	}
	from := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	gap := sched.MaxInterval(from, time.UTC, 366*24*time.Hour)
	switch {
	case gap <= 0:
		return "backup"
	case gap <= time.Hour:
		return "hourly"
	case gap <= 24*time.Hour:
		return "daily"
	case gap <= 7*24*time.Hour:
		return "weekly"
	case gap <= 31*24*time.Hour:
		return "monthly"
	}
	return "backup"
}
