package report

import "time"

// SchemaVersion is the version of the JSON schema of Report. It changes
// only when a field is removed or changes meaning; new fields may be added
// within a version.
const SchemaVersion = 1

// Resource statuses.
const (
	// StatusCompliant: in a tier, a good backup within the tier's RPO and
	// every copy the tier requires.
	StatusCompliant = "compliant"
	// StatusNoncompliant: in a tier, backed up at some point, but the
	// newest backup is older than the RPO or a required copy is missing
	// or stale.
	StatusNoncompliant = "noncompliant"
	// StatusUnprotected: in a tier, with no good backup at all.
	StatusUnprotected = "unprotected"
	// StatusUntiered: matches no tier of its account; a decision is
	// needed (tag it into a tier, or exclude it).
	StatusUntiered = "untiered"
	// StatusNotProven: in a tier, but its account and region could not
	// be read, so nothing proves it protected.
	StatusNotProven = "not-proven"
)

// Verdicts of a report.
const (
	// VerdictProtected: every tiered resource met every objective of its
	// tier over the whole window, and nothing failed.
	VerdictProtected = "protected"
	// VerdictNeedsDecision: every tiered resource is protected, but some
	// resources match no tier.
	VerdictNeedsDecision = "needs-decision"
	// VerdictNotProtected: some tiered resource missed an objective, or a
	// finding failed.
	VerdictNotProtected = "not-protected"
	// VerdictNotProven: nothing failed that was read, but some accounts
	// or regions could not be read.
	VerdictNotProven = "not-proven"
)

// Verdict is the report's conclusion, in words.
type Verdict struct {
	// Status is one of the Verdict constants.
	Status string `json:"status"`
	// Headline is one sentence that says it, with counts.
	Headline string `json:"headline"`
	// Reasons say why, most important first.
	Reasons []string `json:"reasons,omitempty"`
}

// Copy statuses of a resource.
const (
	CopyOK          = "ok"
	CopyStale       = "stale"
	CopyMissing     = "missing"
	CopyNotRequired = "not-required"
)

// Severities of findings.
const (
	SeverityFail = "fail"
	SeverityWarn = "warn"
)

// Report is the evaluated state of an organization's backups: compliance
// per resource, account, tier and region, vault posture, job outcomes per
// account and day, storage and cost. It is data: the renderers only read
// it. Its JSON form is documented in the package documentation.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Spec          string    `json:"spec"`
	GeneratedAt   time.Time `json:"generated_at"`
	Window        Window    `json:"window"`
	// Verdict is the conclusion: protected, or what needs attention.
	Verdict Verdict `json:"verdict"`
	// Summary counts every resource of the organization.
	Summary   Stats          `json:"summary"`
	Tiers     []TierStats    `json:"tiers"`
	Accounts  []AccountStats `json:"accounts"`
	Regions   []RegionStats  `json:"regions"`
	Resources []Resource     `json:"resources"`
	Vaults    []Vault        `json:"vaults"`
	// AirGapped is the logically air-gapped vault's state; absent when
	// the spec has none.
	AirGapped *AirGappedVault `json:"air_gapped,omitempty"`
	Heatmap   Heatmap         `json:"heatmap"`
	Cost      Cost            `json:"cost"`
	// Findings are problems beyond single resources (vault posture,
	// failing copies, unreadable accounts), failures first.
	Findings []Finding `json:"findings"`
	// Recoverability is the restore evidence, when collected (see
	// AddRecoverability).
	Recoverability *Recoverability `json:"recoverability,omitempty"`
	// LegalHolds are the organization's legal holds and the recovery
	// points they keep, when collected (see CollectLegalHolds).
	LegalHolds *LegalHolds `json:"legal_holds,omitempty"`
}

// Stats are the counts of a group of resources (the whole organization,
// a tier, an account or a region). Percentages are absent when their
// denominator is zero.
type Stats struct {
	// Resources counts the resources in a tier; Untiered those in none.
	Resources int `json:"resources"`
	Untiered  int `json:"untiered"`
	// Untagged counts the untiered resources with no tags at all.
	Untagged    int `json:"untagged"`
	Compliant   int `json:"compliant"`
	Unprotected int `json:"unprotected"`
	NotProven   int `json:"not_proven"`
	RPOMet      int `json:"rpo_met"`
	// Required and covered copies to the central vault (primary region)
	// and to the secondary region's central vault.
	CentralRequired   int `json:"central_required"`
	CentralCovered    int `json:"central_covered"`
	SecondaryRequired int `json:"secondary_required"`
	SecondaryCovered  int `json:"secondary_covered"`
	// Jobs created in the window, by outcome.
	JobsCompleted   int `json:"jobs_completed"`
	JobsFailed      int `json:"jobs_failed"`
	CopiesCompleted int `json:"copies_completed"`
	CopiesFailed    int `json:"copies_failed"`
	// Stored bytes at the end of the window and their monthly cost.
	WarmBytes   int64   `json:"warm_bytes"`
	ColdBytes   int64   `json:"cold_bytes"`
	MonthlyCost float64 `json:"monthly_cost"`

	CompliancePercent        *float64 `json:"compliance_percent,omitempty"`
	CentralCoveragePercent   *float64 `json:"central_coverage_percent,omitempty"`
	SecondaryCoveragePercent *float64 `json:"secondary_coverage_percent,omitempty"`
	JobSuccessPercent        *float64 `json:"job_success_percent,omitempty"`
	CopySuccessPercent       *float64 `json:"copy_success_percent,omitempty"`
}

// TierStats are a tier's rule and counts.
type TierStats struct {
	Name     string `json:"name"`
	Schedule string `json:"schedule"`
	Timezone string `json:"timezone"`
	// RPOSeconds is the objective resources are judged against (the
	// tier's rpo, else ScheduleLimitSeconds); ScheduleLimitSeconds what
	// the schedule guarantees (RPO.Limit); MaxGapSeconds the largest gap
	// between scheduled runs; RTOSeconds the tier's rto (0: none).
	RPOSeconds           int64 `json:"rpo_seconds"`
	ScheduleLimitSeconds int64 `json:"schedule_limit_seconds"`
	MaxGapSeconds        int64 `json:"max_gap_seconds"`
	RTOSeconds           int64 `json:"rto_seconds,omitempty"`
	// Achieved is the distribution of the tier's resources' achieved
	// RPO in their local vaults; Worst the resources with the largest,
	// worst first (at most 5).
	Achieved Distribution    `json:"achieved"`
	Worst    []WorstResource `json:"worst"`
	Stats
}

// WorstResource is a resource with one of the largest achieved RPOs of
// its tier.
type WorstResource struct {
	ARN             string `json:"arn"`
	Account         string `json:"account"`
	AchievedSeconds int64  `json:"achieved_seconds"`
}

// Objective is one recovery point objective of a resource, measured in
// one location over the window.
type Objective struct {
	// Location is "local", "central" or "secondary".
	Location string `json:"location"`
	// ObjectiveSeconds is the oldest the newest usable recovery point may
	// be: the tier's rpo locally, plus the copy allowance for copies.
	ObjectiveSeconds int64 `json:"objective_seconds"`
	// AchievedSeconds is the largest age the newest usable recovery point
	// reached at any moment from MeasuredFrom to the window's end, at
	// WorstAt; nil when there was no usable recovery point.
	AchievedSeconds *int64     `json:"achieved_seconds,omitempty"`
	WorstAt         *time.Time `json:"worst_at,omitempty"`
	MeasuredFrom    *time.Time `json:"measured_from,omitempty"`
	Met             bool       `json:"met"`
}

// AccountStats are an account's counts.
type AccountStats struct {
	Account string   `json:"account"`
	Name    string   `json:"name,omitempty"`
	Tiers   []string `json:"tiers"`
	Stats
}

// RegionStats are a region's counts.
type RegionStats struct {
	Region string `json:"region"`
	Stats
}

// Resource is the evaluation of one resource.
type Resource struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	// Tier is "" for untiered resources.
	Tier string `json:"tier"`
	// Tiers, set when more than one tier selects the resource (tiers
	// side by side in its account), are all of them, sorted; Tier is the
	// first, whose objectives the resource is evaluated against.
	Tiers []string `json:"tiers,omitempty"`
	// Flags name what AWS will refuse for the resource whatever its
	// backups so far (see flags.go): its type opted out of AWS Backup in
	// its Region, or an AWS managed key that keeps its backups from the
	// central account.
	Flags  []string `json:"flags,omitempty"`
	Status string   `json:"status"`
	// Reasons say why a resource is not compliant.
	Reasons []string `json:"reasons,omitempty"`
	// Untagged is true for an untiered resource with no tags at all: no
	// tier can select it, so it is unprotected until someone decides.
	Untagged bool `json:"untagged,omitempty"`
	// LastBackup is the creation time of the newest good backup (job,
	// recovery point or protected-resource record), nil when none.
	LastBackup *time.Time `json:"last_backup,omitempty"`
	// BackupAgeSeconds is the age of LastBackup at the end of the window.
	BackupAgeSeconds *int64 `json:"backup_age_seconds,omitempty"`
	// Objectives are the tier's recovery point objectives, measured over
	// the window; RPOMet is true when every one held.
	Objectives []Objective `json:"objectives,omitempty"`
	RPOMet     bool        `json:"rpo_met"`
	// ConsecutiveFailures counts the backup jobs that failed since the
	// newest completed one (in the window); FailureCause classifies the
	// newest failure (see FailureCause).
	ConsecutiveFailures int        `json:"consecutive_failures"`
	FailureCause        string     `json:"failure_cause,omitempty"`
	CentralCopy         string     `json:"central_copy"`
	SecondaryCopy       string     `json:"secondary_copy"`
	LastCentralCopy     *time.Time `json:"last_central_copy,omitempty"`
	LastSecondaryCopy   *time.Time `json:"last_secondary_copy,omitempty"`
	JobsCompleted       int        `json:"jobs_completed"`
	JobsFailed          int        `json:"jobs_failed"`
	LastFailure         string     `json:"last_failure,omitempty"`
	CopiesCompleted     int        `json:"copies_completed"`
	CopiesFailed        int        `json:"copies_failed"`
	LastCopyFailure     string     `json:"last_copy_failure,omitempty"`
	WarmBytes           int64      `json:"warm_bytes"`
	ColdBytes           int64      `json:"cold_bytes"`
	MonthlyCost         float64    `json:"monthly_cost"`
}

// Vault is the posture of one vault against the spec.
type Vault struct {
	VaultData
	// OK is true when the vault meets the spec; Problems say why not.
	OK       bool     `json:"ok"`
	Problems []string `json:"problems,omitempty"`
}

// Heatmap is the job outcomes of every account on every day of the window.
type Heatmap struct {
	// Days are the UTC days of the window, "YYYY-MM-DD".
	Days []string     `json:"days"`
	Rows []HeatmapRow `json:"rows"`
}

// HeatmapRow is one account's days, one cell per entry of Heatmap.Days.
type HeatmapRow struct {
	Account string      `json:"account"`
	Name    string      `json:"name,omitempty"`
	Cells   []DayCounts `json:"cells"`
}

// Cost is the monthly storage cost estimate.
type Cost struct {
	Currency string     `json:"currency"`
	Source   string     `json:"source"`
	AsOf     string     `json:"as_of"`
	Lines    []CostLine `json:"lines"`
	Total    float64    `json:"total"`
}

// CostLine is the storage of one tier, resource type, location and region.
type CostLine struct {
	Tier         string `json:"tier"`
	ResourceType string `json:"resource_type"`
	// Location is "local", "central" or "secondary".
	Location  string  `json:"location"`
	Region    string  `json:"region"`
	WarmBytes int64   `json:"warm_bytes"`
	ColdBytes int64   `json:"cold_bytes"`
	Monthly   float64 `json:"monthly"`
}

// Finding is a problem the report found beyond a single resource.
type Finding struct {
	Severity string `json:"severity"`
	// Code is a stable identifier, e.g. "vault-not-locked".
	Code    string `json:"code"`
	Subject string `json:"subject"`
	Message string `json:"message"`
	// Fix is the command line that fixes it, when there is one.
	Fix string `json:"fix,omitempty"`
}

// Compliant reports whether the organization meets its spec: the
// verdict is protected, or needs a decision about untiered resources only.
// Every tiered resource met every objective, every account was read and no
// finding failed.
func (r *Report) Compliant() bool {
	return r.Verdict.Status == VerdictProtected || r.Verdict.Status == VerdictNeedsDecision
}
