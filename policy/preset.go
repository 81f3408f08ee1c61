package policy

import (
	"strconv"
	"time"
)

// Tier is a standard backup tier of the centralized architecture:
// Production, Staging or Development. Its methods give the tier's schedule,
// retention, cross-region copy and encryption.
type Tier int

// The standard tiers.
const (
	// Production backs up daily at 02:00 UTC, keeps 30 days locally and 7
	// years in the central vault, copies to a second region, moves the
	// copies to cold storage after 90 days where AWS allows it and
	// encrypts with customer-managed KMS keys.
	Production Tier = iota + 1
	// Staging backs up daily at 03:00 UTC, keeps 7 days locally and 1 year
	// in the central vault, without cross-region copy, and encrypts with
	// customer-managed KMS keys.
	Staging
	// Development backs up weekly, on Sunday at 04:00 UTC, keeps 7 days
	// locally only and encrypts with AWS-managed keys.
	Development
)

// Tiers returns the standard tiers, in order.
func Tiers() []Tier { return []Tier{Production, Staging, Development} }

// ParseTier returns the tier named name ("production", "staging",
// "development").
func ParseTier(name string) (Tier, bool) {
	for _, t := range Tiers() {
		if t.String() == name {
			return t, true
		}
	}
	return 0, false
}

// String returns the tier's name: "production", "staging" or "development".
func (t Tier) String() string {
	switch t {
	case Production:
		return "production"
	case Staging:
		return "staging"
	case Development:
		return "development"
	}
	return "Tier(" + strconv.Itoa(int(t)) + ")"
}

// Encryption says which kind of KMS key encrypts a tier's vaults.
type Encryption string

// Kinds of vault encryption.
const (
	// CustomerManagedKey encrypts with a KMS key the organization creates
	// and controls (key policy, rotation).
	CustomerManagedKey Encryption = "customer-managed"
	// AWSManagedKey encrypts with the AWS-managed key aws/backup.
	AWSManagedKey Encryption = "aws-managed"
)

// Schedule returns the tier's AWS cron schedule, in UTC.
func (t Tier) Schedule() string {
	switch t {
	case Production:
		return "cron(0 2 * * ? *)"
	case Staging:
		return "cron(0 3 * * ? *)"
	case Development:
		return "cron(0 4 ? * SUN *)"
	}
	return ""
}

// LocalRetention returns how long recovery points stay in the workload
// account's local vault.
func (t Tier) LocalRetention() Days {
	switch t {
	case Production:
		return 30
	case Staging, Development:
		return 7
	}
	return 0
}

// CentralRetention returns how long the copy in the central backup
// account's vault is kept; 0 means the tier makes no central copy.
func (t Tier) CentralRetention() Days {
	switch t {
	case Production:
		return Years(7)
	case Staging:
		return Years(1)
	}
	return 0
}

// CentralColdAfter returns when the tier's central and cross-region copies
// move to cold storage; 0 means never. Production keeps its copies seven
// years, so after 90 days they move to cold storage, for the resource
// types AWS Backup moves (the others ignore the setting: "Resource types
// that can transition to cold storage are listed in the Feature
// availability by resource table. AWS Backup ignores this expression for
// other resource types", Lifecycle, AWS Backup API Reference). Cold
// storage keeps a recovery point at least MinColdStorageDays, which seven
// years allow.
func (t Tier) CentralColdAfter() Days {
	if t == Production {
		return 90
	}
	return 0
}

// CrossRegion reports whether the tier also copies to a vault in a second
// region.
func (t Tier) CrossRegion() bool { return t == Production }

// Encryption returns the kind of KMS key the tier's vaults use.
func (t Tier) Encryption() Encryption {
	if t == Development {
		return AWSManagedKey
	}
	return CustomerManagedKey
}

// PresetOptions fills in the account-specific parts of a preset plan.
type PresetOptions struct {
	// PlanName names the plan; default "orgbackup-<tier>".
	PlanName string
	// LocalVault is the name of the vault in each workload account;
	// default DefaultLocalVault.
	LocalVault string
	// CentralVaultARN is the central backup account's vault in the primary
	// region. Required by tiers with central retention.
	CentralVaultARN string
	// SecondaryVaultARN is the central backup account's vault in the
	// secondary region. Required by tiers with cross-region copy; the copy
	// is kept as long as the central one.
	SecondaryVaultARN string
	// RoleARN is the IAM role AWS Backup assumes in each workload account;
	// in an Organizations policy its account is usually AccountVariable.
	RoleARN string
	// Regions are the regions an Organizations policy deploys the plan to.
	Regions []string
	// SelectionTagKey and SelectionTagValue select the resources to back
	// up; default key DefaultSelectionTagKey and value the tier's name.
	SelectionTagKey, SelectionTagValue string
	// Timezone is the IANA time zone of the schedule; default UTC.
	Timezone string
	// StartWindow and CompletionWindow set the rule's windows; zero leaves
	// AWS's defaults.
	StartWindow, CompletionWindow time.Duration
}

// Preset returns the plan of tier t: one rule named after the tier and its
// frequency ("production-daily", "development-weekly") backing up to the
// local vault, copies to the central vaults the tier calls for, recovery
// points tagged TierTagKey, and one tag selection. It is TierPlan with the
// preset's values; missing options that the tier needs show up when the
// plan is validated.
func Preset(t Tier, o PresetOptions) *Plan {
	name := o.PlanName
	if name == "" {
		name = "orgbackup-" + t.String()
	}
	vault := o.LocalVault
	if vault == "" {
		vault = DefaultLocalVault
	}
	var copies []TierCopy
	if keep := t.CentralRetention(); keep > 0 {
		copies = append(copies, TierCopy{o.CentralVaultARN, keep, t.CentralColdAfter()})
		if t.CrossRegion() {
			copies = append(copies, TierCopy{o.SecondaryVaultARN, keep, t.CentralColdAfter()})
		}
	}
	tagKey, tagValue := o.SelectionTagKey, o.SelectionTagValue
	if tagKey == "" {
		tagKey = DefaultSelectionTagKey
	}
	if tagValue == "" {
		tagValue = t.String()
	}
	return TierPlan(TierPlanOptions{
		Tier: t.String(), PlanName: name, Schedule: t.Schedule(), Timezone: o.Timezone,
		StartWindow: o.StartWindow, CompletionWindow: o.CompletionWindow,
		LocalVault: vault, LocalRetention: t.LocalRetention(), Copies: copies, Regions: o.Regions,
		Selections: []Selection{ByTag(tagKey, tagValue, o.RoleARN)},
	})
}
