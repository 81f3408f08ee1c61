package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// ColdStorage moves a tier's recovery points to cold storage, per vault
// role, for the resource types AWS Backup moves (EFS, DynamoDB with
// advanced backup, and with Archive EBS snapshots to the archive tier);
// AWS Backup ignores the setting for other types. Each value is a
// retention such as "90d" or "never"; a recovery point must stay in cold
// storage at least 90 days, so the role's retention must be at least that
// much longer.
type ColdStorage struct {
	// Local moves local recovery points; the same as the tier's
	// cold_after (set one of them).
	Local string `json:"local,omitempty" yaml:"local,omitempty"`
	// Central moves the central copies. Default: the preset's (production
	// 90d when central_retention allows it), else never.
	Central string `json:"central,omitempty" yaml:"central,omitempty"`
	// Secondary moves the cross-region copies. Default: central.
	Secondary string `json:"secondary,omitempty" yaml:"secondary,omitempty"`
	// Archive opts EBS snapshots in to the archive tier
	// (OptInToArchiveForSupportedResources); archived snapshots are stored
	// in full. Default false.
	Archive bool `json:"archive,omitempty" yaml:"archive,omitempty"`
}

// Never disables a cold-storage move the preset would make.
const Never = "never"

// Cost configures the cost model: the allocation tag, the workloads the
// estimate prices, change rates and budgets.
type Cost struct {
	// AllocationTag is the resource tag whose value attributes cost (a
	// business unit, an application). AWS Backup copies a resource's tags
	// onto its recovery points, and copies carry their source's tags, so
	// the value reaches local, central and secondary recovery points for
	// AWS's cost allocation and the allocation budgets; the report's cost
	// breakdown marks "not proven" what it may not reach (DynamoDB
	// backups without advanced DynamoDB backup, EC2 backups' snapshots,
	// resources with more tags than fit on a recovery point). Activate it
	// as a cost allocation tag in the Billing console.
	AllocationTag string `json:"allocation_tag,omitempty" yaml:"allocation_tag,omitempty"`
	// Workloads size what each tier backs up.
	Workloads []CostWorkload `json:"workloads,omitempty" yaml:"workloads,omitempty"`
	// ChangeRates override the default daily change rate per tier, type
	// or tag.
	ChangeRates []CostChangeRate `json:"change_rates,omitempty" yaml:"change_rates,omitempty"`
	// Budgets are AWS Budgets for backup spend.
	Budgets []Budget `json:"budgets,omitempty" yaml:"budgets,omitempty"`
	// RetentionMinimums are regulatory minimums: how long a tier must keep
	// recovery points in a vault role. The tier's retention must meet
	// them, and recommendations never cut below them.
	RetentionMinimums []RetentionMinimum `json:"retention_minimums,omitempty" yaml:"retention_minimums,omitempty"`
}

// RetentionMinimum is a regulatory minimum retention of one tier in one
// vault role.
type RetentionMinimum struct {
	// Tier and Role (local, central or secondary) say which recovery
	// points it concerns.
	Tier string `json:"tier" yaml:"tier"`
	Role string `json:"role" yaml:"role"`
	// Retention is the minimum, e.g. "6y".
	Retention string `json:"retention" yaml:"retention"`
	// Source names the regulation, e.g. "SOX 802".
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
}

// VaultRoles are the roles a retention minimum or cold storage applies to.
func VaultRoles() []string { return []string{"local", "central", "secondary"} }

// RoleRetention returns how long tier e keeps recovery points in role.
func (e EffectiveTier) RoleRetention(role string) policy.Days {
	switch role {
	case "local":
		return e.LocalRetention
	case "central":
		return e.CentralRetention
	case "secondary":
		return e.SecondaryRetention
	}
	return 0
}

// CostWorkload is a set of like resources of one tier.
type CostWorkload struct {
	// Tier is the tier backing the resources up.
	Tier string `json:"tier" yaml:"tier"`
	// ResourceType is an AWS Backup resource type (EBS, RDS, ...).
	ResourceType string `json:"resource_type" yaml:"resource_type"`
	// Count is the number of resources; SizeGB each one's size.
	Count  int     `json:"count" yaml:"count"`
	SizeGB float64 `json:"size_gb" yaml:"size_gb"`
	// Account is the workload account; default: the tier's accounts as a
	// whole.
	Account string `json:"account,omitempty" yaml:"account,omitempty"`
	// Region is the workload region; default the primary region.
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// DailyChangeRate is the share of data changing per day, 0 to 1.
	DailyChangeRate float64 `json:"daily_change_rate,omitempty" yaml:"daily_change_rate,omitempty"`
	// Tags are the resources' tags (the allocation tag among them).
	Tags map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// RestoresPerMonth and RestoreTestsPerMonth are expected per resource.
	RestoresPerMonth     float64 `json:"restores_per_month,omitempty" yaml:"restores_per_month,omitempty"`
	RestoreTestsPerMonth float64 `json:"restore_tests_per_month,omitempty" yaml:"restore_tests_per_month,omitempty"`
}

// CostChangeRate overrides the daily change rate of the workloads of Tier,
// of ResourceType and with all of Tags (each optional); the most specific
// match wins.
type CostChangeRate struct {
	Tier         string            `json:"tier,omitempty" yaml:"tier,omitempty"`
	ResourceType string            `json:"resource_type,omitempty" yaml:"resource_type,omitempty"`
	Tags         map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Daily        float64           `json:"daily" yaml:"daily"`
}

// Budget is an AWS Budgets cost budget for the backup spend of one tier,
// of one allocation value, or of the whole spec. A tier's budget counts
// the recovery points tagged orgbackup:tier=TIER, which every tier's rule
// sets and the central and secondary copies carry; an allocation value's
// counts those carrying AllocationTag=VALUE.
type Budget struct {
	// Name is the budget's name in AWS Budgets.
	Name string `json:"name" yaml:"name"`
	// Tier limits the budget to a tier's spend; Allocation to an
	// allocation tag value. At most one of them.
	Tier       string `json:"tier,omitempty" yaml:"tier,omitempty"`
	Allocation string `json:"allocation,omitempty" yaml:"allocation,omitempty"`
	// MonthlyLimit is the limit in the price file's currency.
	MonthlyLimit float64 `json:"monthly_limit" yaml:"monthly_limit"`
	// Thresholds are percentages of the limit that alert. Default [80,
	// 100].
	Thresholds []float64 `json:"thresholds,omitempty" yaml:"thresholds,omitempty"`
	// Recipients are e-mail addresses. Default notifications.emails.
	Recipients []string `json:"recipients,omitempty" yaml:"recipients,omitempty"`
}

// Budget limits AWS Budgets enforces.
const (
	// MaxBudgetEmailRecipients is the number of e-mail subscribers of one
	// budget notification: "Each notification can have ... up to 10 email
	// subscribers" (Subscriber, AWS Budgets API Reference; "Quotas and
	// restrictions", AWS Billing and Cost Management User Guide).
	MaxBudgetEmailRecipients = 10
	// MaxBudgetNotifications is the number of notifications of one budget
	// ("Quotas and restrictions": up to 5 notifications per budget).
	MaxBudgetNotifications = 5
)

// budgetNameRE is BudgetName's pattern (Budget, AWS Budgets API
// Reference): no ':' or '\', 1 to 100 characters.
var budgetNameRE = regexp.MustCompile(`^[^:\\]{1,100}$`)

// DefaultBudgetThresholds are the alert thresholds of a budget that sets
// none, in percent of its limit.
func DefaultBudgetThresholds() []float64 { return []float64{80, 100} }

// BudgetThresholds returns b's thresholds or the default.
func (b Budget) BudgetThresholds() []float64 {
	if len(b.Thresholds) == 0 {
		return DefaultBudgetThresholds()
	}
	return slices.Clone(b.Thresholds)
}

// BudgetRecipients returns b's recipients, or the spec's notification
// e-mails when it names none.
func (s *Spec) BudgetRecipients(b Budget) []string {
	if len(b.Recipients) > 0 {
		return slices.Clone(b.Recipients)
	}
	if s.Notifications != nil {
		return slices.Clone(s.Notifications.Emails)
	}
	return nil
}

// coldStorage resolves a tier's cold storage per vault role into e: the
// preset's central move where the retention leaves the 90 days cold
// storage needs, then the spec's values.
func coldStorage(e *EffectiveTier, t Tier, add func(field string, err error)) {
	if pt, ok := policy.ParseTier(e.Preset); ok {
		if c := pt.CentralColdAfter(); c > 0 {
			if e.CentralRetention >= c+policy.MinColdStorageDays {
				e.CentralColdAfter = c
			}
			if e.SecondaryRetention >= c+policy.MinColdStorageDays {
				e.SecondaryColdAfter = c
			}
		}
	}
	cs := t.ColdStorage
	if cs == nil {
		return
	}
	e.Archive = cs.Archive
	set := func(field, v string, dst *policy.Days) bool {
		if v == "" {
			return false
		}
		if v == Never {
			*dst = 0
			return true
		}
		d, err := ParseRetention(v)
		if err != nil {
			add(field, err)
			return false
		}
		*dst = d
		return true
	}
	if cs.Local != "" && t.ColdAfter != "" {
		add("cold_storage.local", fmt.Errorf("set either cold_after or cold_storage.local, not both"))
	}
	set("cold_storage.local", cs.Local, &e.ColdAfter)
	if set("cold_storage.central", cs.Central, &e.CentralColdAfter) && cs.Secondary == "" {
		e.SecondaryColdAfter = e.CentralColdAfter
	}
	set("cold_storage.secondary", cs.Secondary, &e.SecondaryColdAfter)
	if !e.CrossRegion {
		e.SecondaryColdAfter = 0
	}
}

// cost validates the cost section.
func (v *validator) cost() {
	c := v.s.Cost
	if c == nil {
		return
	}
	if c.AllocationTag != "" {
		v.tagKey("cost.allocation_tag", c.AllocationTag)
	}
	regions := v.s.WorkloadRegions()
	for i, w := range c.Workloads {
		base := indexPath("cost.workloads", i)
		v.costTier(base+".tier", w.Tier, true)
		v.oneOf(base+".resource_type", w.ResourceType, knownResourceTypes())
		if w.Count < 1 {
			v.add(base+".count", "must be at least 1")
		}
		if w.SizeGB <= 0 {
			v.add(base+".size_gb", "must be more than 0")
		}
		if w.Account != "" && !policy.IsAccountID(w.Account) {
			v.add(base+".account", "%q is not a 12-digit AWS account ID", w.Account)
		}
		if w.Region != "" && !slices.Contains(regions, w.Region) {
			v.add(base+".region", "%q is not a workload region of the spec (%s)", w.Region, strings.Join(regions, ", "))
		}
		v.rate(base+".daily_change_rate", w.DailyChangeRate, false)
		if w.RestoresPerMonth < 0 || w.RestoreTestsPerMonth < 0 {
			v.add(base, "restores_per_month and restore_tests_per_month must not be negative")
		}
		v.tags(base+".tags", w.Tags)
	}
	for i, r := range c.ChangeRates {
		base := indexPath("cost.change_rates", i)
		v.costTier(base+".tier", r.Tier, false)
		if r.ResourceType != "" {
			v.oneOf(base+".resource_type", r.ResourceType, knownResourceTypes())
		}
		v.rate(base+".daily", r.Daily, true)
		v.tags(base+".tags", r.Tags)
	}
	for i, m := range c.RetentionMinimums {
		v.retentionMinimum(indexPath("cost.retention_minimums", i), m)
	}
	names := map[string]bool{}
	for i, b := range c.Budgets {
		v.budget(indexPath("cost.budgets", i), b, names)
	}
}

// retentionMinimum checks a regulatory minimum and that the tier meets it.
func (v *validator) retentionMinimum(base string, m RetentionMinimum) {
	v.costTier(base+".tier", m.Tier, true)
	roleOK := v.oneOf(base+".role", m.Role, VaultRoles())
	d, err := ParseRetention(m.Retention)
	if err != nil {
		v.add(base+".retention", "%v", err)
		return
	}
	if _, ok := v.s.Tiers[m.Tier]; !ok || !roleOK {
		return
	}
	e, err := v.s.Tier(m.Tier)
	if err != nil {
		return
	}
	if got := e.RoleRetention(m.Role); got < d {
		field := "tiers." + m.Tier + "." + m.Role + "_retention"
		v.add(base+".retention", "tier %s keeps %s recovery points %s (%s), less than this minimum of %s",
			m.Tier, m.Role, FormatDays(got), field, FormatDays(d))
	}
}

func (v *validator) costTier(path, tier string, required bool) {
	if tier == "" {
		if required {
			v.add(path, "is required")
		}
		return
	}
	if _, ok := v.s.Tiers[tier]; !ok {
		v.oneOf(path, tier, v.s.TierNames())
	}
}

func (v *validator) rate(path string, r float64, required bool) {
	if (required || r != 0) && (r <= 0 || r > 1) {
		v.add(path, "%g is not a daily change rate between 0 (exclusive) and 1 (the whole resource)", r)
	}
}

func (v *validator) budget(base string, b Budget, names map[string]bool) {
	switch {
	case !budgetNameRE.MatchString(b.Name):
		v.add(base+".name", "budget name %q must be 1 to 100 characters without ':' or '\\' (AWS Budgets BudgetName)", b.Name)
	case names[b.Name]:
		v.add(base+".name", "budget %s is defined twice", b.Name)
	}
	names[b.Name] = true
	if b.Tier != "" && b.Allocation != "" {
		v.add(base, "set tier or allocation, not both")
	}
	v.costTier(base+".tier", b.Tier, false)
	if b.Allocation != "" && (v.s.Cost.AllocationTag == "") {
		v.add(base+".allocation", "needs cost.allocation_tag")
	}
	if b.MonthlyLimit <= 0 {
		v.add(base+".monthly_limit", "must be more than 0")
	}
	th := b.BudgetThresholds()
	if len(th) > MaxBudgetNotifications {
		v.add(base+".thresholds", "AWS Budgets allows at most %d notifications per budget, one per threshold", MaxBudgetNotifications)
	}
	seen := map[float64]bool{}
	for i, t := range b.Thresholds {
		if t <= 0 || t > 1000 {
			v.add(indexPath(base+".thresholds", i), "%g is not a percentage of the limit above 0 and up to 1000", t)
		}
		if seen[t] {
			v.add(indexPath(base+".thresholds", i), "threshold %g is listed twice", t)
		}
		seen[t] = true
	}
	rcpt := v.s.BudgetRecipients(b)
	switch {
	case len(rcpt) == 0:
		v.add(v.written(base+".recipients", base), "a budget needs recipients: set recipients or notifications.emails")
	case len(rcpt) > MaxBudgetEmailRecipients:
		v.add(v.written(base+".recipients", base), "AWS Budgets notifies at most %d e-mail subscribers per notification", MaxBudgetEmailRecipients)
	}
	for i, addr := range b.Recipients {
		if !emailRE.MatchString(addr) {
			v.add(indexPath(base+".recipients", i), "%q is not an e-mail address", addr)
		}
	}
}

// costFieldDocs documents the cost fields in the JSON Schema.
func costFieldDocs(key string) (string, bool) {
	d, ok := map[string]string{
		"Spec.Cost":        "The cost model: allocation tag, workload sizes, change rates and budgets.",
		"Tier.ColdStorage": "Cold storage per vault role (local, central, secondary) for the types AWS Backup moves; at least 90 days before deletion.",

		"ColdStorage.Local":     "When local recovery points move to cold storage, e.g. 30d, or never; same as cold_after.",
		"ColdStorage.Central":   "When central copies move to cold storage, e.g. 90d, or never. Default: the preset's (production 90d), else never.",
		"ColdStorage.Secondary": "When cross-region copies move to cold storage. Default: central.",
		"ColdStorage.Archive":   "Opt EBS snapshots in to the archive tier (stored in full). Default false.",

		"Cost.AllocationTag":     "Resource tag whose value attributes cost, e.g. business-unit. AWS Backup copies it from resources onto their recovery points and copies; activate it as a cost allocation tag in the Billing console.",
		"Cost.Workloads":         "What each tier backs up: count, size and change rate of its resources.",
		"Cost.ChangeRates":       "Daily change rate overrides per tier, resource type or tags.",
		"Cost.Budgets":           "AWS Budgets for backup spend per tier or allocation value.",
		"Cost.RetentionMinimums": "Regulatory minimum retentions per tier and vault role; recommendations never cut below them.",

		"RetentionMinimum.Tier":      "Tier the minimum applies to.",
		"RetentionMinimum.Role":      "Vault role: local, central or secondary.",
		"RetentionMinimum.Retention": "Minimum retention, e.g. 6y.",
		"RetentionMinimum.Source":    "The regulation or policy requiring it.",

		"CostWorkload.Tier":                 "Tier that backs the resources up.",
		"CostWorkload.ResourceType":         "AWS Backup resource type.",
		"CostWorkload.Count":                "Number of resources.",
		"CostWorkload.SizeGB":               "Size of each resource in GB.",
		"CostWorkload.Account":              "Workload account ID. Default: the tier's accounts as a whole.",
		"CostWorkload.Region":               "Workload region. Default: the primary region.",
		"CostWorkload.DailyChangeRate":      "Share of data changing per day (0 to 1). Default: the type's.",
		"CostWorkload.Tags":                 "The resources' tags, the allocation tag among them.",
		"CostWorkload.RestoresPerMonth":     "Expected restores per resource per month.",
		"CostWorkload.RestoreTestsPerMonth": "Expected restore tests per resource per month.",

		"CostChangeRate.Tier":         "Tier the override applies to.",
		"CostChangeRate.ResourceType": "Resource type the override applies to.",
		"CostChangeRate.Tags":         "Tags the workloads must carry.",
		"CostChangeRate.Daily":        "Daily change rate, 0 to 1.",

		"Budget.Name":         "Budget name in AWS Budgets.",
		"Budget.Tier":         "Limit the budget to one tier.",
		"Budget.Allocation":   "Limit the budget to one allocation tag value.",
		"Budget.MonthlyLimit": "Monthly limit in the price file's currency.",
		"Budget.Thresholds":   "Alert thresholds in percent of the limit. Default [80, 100].",
		"Budget.Recipients":   "E-mail recipients. Default notifications.emails.",
	}[key]
	return d, ok
}

// costFieldConstraints adds the cost fields' constraints to the JSON
// Schema.
func costFieldConstraints(key string, s *schema) {
	switch key {
	case "ColdStorage.Local", "ColdStorage.Central", "ColdStorage.Secondary":
		s.Pattern = `^([1-9][0-9]{0,8}[dwy]|never)$`
	case "CostWorkload.ResourceType", "CostChangeRate.ResourceType":
		s.Enum = enumOf(knownResourceTypes()...)
	case "CostWorkload.Count":
		s.Minimum = ptr(1)
	case "CostWorkload.Account":
		s.Pattern = "^[0-9]{12}$"
	case "RetentionMinimum.Role":
		s.Enum = enumOf(VaultRoles()...)
	case "RetentionMinimum.Retention":
		s.Pattern = retentionPattern
	case "Budget.Recipients[]":
		s.Format = "email"
	case "Budget.Recipients":
		s.MaxItems = ptr(MaxBudgetEmailRecipients)
	case "Budget.Thresholds":
		s.MaxItems = ptr(MaxBudgetNotifications)
	}
}
