// Package spec is the spec a platform team keeps in its repository
// (.github/aws-backup.yaml): its types, loading with file:line:col for
// every problem, defaults, validation against the format's and AWS's
// rules, and the JSON Schema for editors.
//
// A loaded spec is resolved once: its tiers become typed, fully defaulted
// EffectiveTier values and its durations days (see Resolve), so no later
// stage parses a tier again. It makes no AWS calls.
package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Spec is the whole desired backup architecture of an organization, as
// written in .github/aws-backup.yaml (YAML or JSON). Load reads and
// validates one; Defaults documents what an omitted field means.
type Spec struct {
	// Version is the spec format version; must be 1.
	Version int `json:"version" yaml:"version"`
	// Name identifies the spec; resources orgbackup manages are tagged
	// orgbackup:spec=NAME. Default "orgbackup".
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Organization says which accounts play which role and where.
	Organization Organization `json:"organization" yaml:"organization"`
	// Tiers are the backup tiers, keyed by tier name. The names
	// production, staging and development start from the presets of the
	// same name; other names are custom tiers.
	Tiers map[string]Tier `json:"tiers" yaml:"tiers"`
	// Central configures the backup account's central vaults.
	Central Central `json:"central" yaml:"central"`
	// Local configures the vault in each workload account.
	Local Local `json:"local,omitempty" yaml:"local,omitempty"`
	// KMS configures customer-managed keys.
	KMS KMS `json:"kms,omitempty" yaml:"kms,omitempty"`
	// Notifications configures SNS notifications of backup events.
	Notifications *Notifications `json:"notifications,omitempty" yaml:"notifications,omitempty"`
	// Reports configures backup reports and audit frameworks.
	Reports *Reports `json:"reports,omitempty" yaml:"reports,omitempty"`
	// Tags are added to every resource orgbackup creates.
	Tags map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// Guardrails protects the backups from the accounts' own
	// administrators (see Guardrails); off when omitted.
	Guardrails *Guardrails `json:"guardrails,omitempty" yaml:"guardrails,omitempty"`
	// TeamRoles configures the roles people use (see TeamRoles).
	TeamRoles *TeamRoles `json:"team_roles,omitempty" yaml:"team_roles,omitempty"`
	// LegalHolds are the legal holds the spec declares (see LegalHold).
	LegalHolds []LegalHold `json:"legal_holds,omitempty" yaml:"legal_holds,omitempty"`
	// Cost configures the cost model, allocation and budgets (see Cost).
	Cost *Cost `json:"cost,omitempty" yaml:"cost,omitempty"`

	// file is where the spec was loaded from, for messages.
	file string
	// pos locates each key and value of the file (see Parse).
	pos *positions
	// resolved holds what Resolve computed; nil before.
	resolved *resolution
}

// Organization names the accounts and regions of the architecture.
type Organization struct {
	// ManagementAccount is the organization's management account ID.
	ManagementAccount string `json:"management_account" yaml:"management_account"`
	// BackupAccount is the central backup account ID, registered as the
	// delegated administrator for AWS Backup.
	BackupAccount string `json:"backup_account" yaml:"backup_account"`
	// Regions are the primary region, the secondary (DR) region, and any
	// additional regions workloads run in.
	Regions Regions `json:"regions" yaml:"regions"`
	// ExecutionRole is the name of the role orgbackup assumes in each
	// account. Default "OrganizationAccountAccessRole".
	ExecutionRole string `json:"execution_role,omitempty" yaml:"execution_role,omitempty"`
	// Distribution is how backup plans reach workload accounts:
	// "policies" (Organizations backup policies, the default) or "direct"
	// (plans and selections created in every target account).
	Distribution string `json:"distribution,omitempty" yaml:"distribution,omitempty"`
}

// Regions lists the regions the architecture spans.
type Regions struct {
	// Primary is where workloads run and backups are first taken.
	Primary string `json:"primary" yaml:"primary"`
	// Secondary receives cross-region copies for disaster recovery.
	Secondary string `json:"secondary,omitempty" yaml:"secondary,omitempty"`
	// Additional are other workload regions, backed up like Primary.
	Additional []string `json:"additional,omitempty" yaml:"additional,omitempty"`
}

// Tier is a class of workloads with one schedule, retention and placement.
type Tier struct {
	// Preset is the preset the tier starts from: production, staging,
	// development, or "none". Default: the tier's name when it names a
	// preset, else none.
	Preset string `json:"preset,omitempty" yaml:"preset,omitempty"`
	// Schedule is an AWS cron expression.
	Schedule string `json:"schedule,omitempty" yaml:"schedule,omitempty"`
	// Timezone is the schedule's IANA time zone. Default UTC.
	Timezone string `json:"timezone,omitempty" yaml:"timezone,omitempty"`
	// StartWindow and CompletionWindow are durations such as "1h", "8h",
	// "7d". Default: the preset's (see Defaults); AWS Backup's 8 hours
	// and 7 days for custom tiers.
	StartWindow      string `json:"start_window,omitempty" yaml:"start_window,omitempty"`
	CompletionWindow string `json:"completion_window,omitempty" yaml:"completion_window,omitempty"`
	// RPO is the tier's recovery point objective: the oldest its newest
	// usable recovery point may ever be, e.g. "36h". It must be at least
	// the schedule's largest gap plus the start and completion windows,
	// which is what the schedule can guarantee. Default: the preset's;
	// for custom tiers that guarantee.
	RPO string `json:"rpo,omitempty" yaml:"rpo,omitempty"`
	// RTO is the tier's recovery time objective, e.g. "4h": how long a
	// restore may take. It is reported, not enforced. Default: the
	// preset's; none for custom tiers.
	RTO string `json:"rto,omitempty" yaml:"rto,omitempty"`
	// LocalRetention is how long recovery points stay in the workload
	// account's vault, e.g. "30d".
	LocalRetention string `json:"local_retention,omitempty" yaml:"local_retention,omitempty"`
	// ColdAfter moves local recovery points to cold storage.
	ColdAfter string `json:"cold_after,omitempty" yaml:"cold_after,omitempty"`
	// ColdStorage moves recovery points to cold storage per vault role.
	ColdStorage *ColdStorage `json:"cold_storage,omitempty" yaml:"cold_storage,omitempty"`
	// CentralRetention is how long copies stay in the central vault, e.g.
	// "7y"; empty means no central copy.
	CentralRetention string `json:"central_retention,omitempty" yaml:"central_retention,omitempty"`
	// CrossRegion copies to the secondary region's central vault.
	CrossRegion *bool `json:"cross_region,omitempty" yaml:"cross_region,omitempty"`
	// SecondaryRetention is how long cross-region copies are kept.
	// Default: CentralRetention.
	SecondaryRetention string `json:"secondary_retention,omitempty" yaml:"secondary_retention,omitempty"`
	// Continuous enables continuous backup (point-in-time recovery).
	Continuous bool `json:"continuous,omitempty" yaml:"continuous,omitempty"`
	// Encryption is "customer-managed" or "aws-managed".
	Encryption string `json:"encryption,omitempty" yaml:"encryption,omitempty"`
	// Selection chooses the resources of the tier by tag. Default: tag
	// backup-tier equal to the tier's name.
	Selection *Selection `json:"selection,omitempty" yaml:"selection,omitempty"`
	// Targets are OU IDs (ou-...), OU names, or account IDs the tier
	// applies to.
	Targets []string `json:"targets" yaml:"targets"`
	// RestoreTesting configures the tier's restore tests. Default: the
	// preset's (production monthly, every type it protects).
	RestoreTesting *RestoreTesting `json:"restore_testing,omitempty" yaml:"restore_testing,omitempty"`
	// ChildPolicies is the lock on the tier's backup policy against
	// policies attached below its targets: free, lock-plan or lock-all.
	// Default lock-plan with guardrails, else free.
	ChildPolicies string `json:"child_policies,omitempty" yaml:"child_policies,omitempty"`
	// AirGappedCopy also copies the tier's recovery points to the
	// central logically air-gapped vault, kept CentralRetention (which
	// must lie within the vault's retention). Default false.
	AirGappedCopy bool `json:"air_gapped_copy,omitempty" yaml:"air_gapped_copy,omitempty"`
}

// Selection chooses resources by tags.
type Selection struct {
	// Tags are tag key/value pairs; a resource matching any of them is
	// selected.
	Tags map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// ResourceTypes limits the selection, e.g. [EC2, RDS]. Default all.
	ResourceTypes []string `json:"resource_types,omitempty" yaml:"resource_types,omitempty"`
}

// Central configures the central vaults in the backup account, one per
// region (primary and secondary).
type Central struct {
	// Vault is the central vault name. Default "orgbackup-central".
	Vault string `json:"vault,omitempty" yaml:"vault,omitempty"`
	// Lock configures vault lock on the central vaults.
	Lock *Lock `json:"lock,omitempty" yaml:"lock,omitempty"`
	// AirGapped adds a logically air-gapped vault in the primary region.
	AirGapped *AirGapped `json:"air_gapped,omitempty" yaml:"air_gapped,omitempty"`
}

// Lock is a vault lock configuration.
type Lock struct {
	// Mode is "governance" or "compliance".
	Mode string `json:"mode" yaml:"mode"`
	// MinRetention and MaxRetention bound the retention of recovery points
	// in the vault, e.g. "1d", "3650d".
	MinRetention string `json:"min_retention,omitempty" yaml:"min_retention,omitempty"`
	MaxRetention string `json:"max_retention,omitempty" yaml:"max_retention,omitempty"`
	// ChangeableForDays is the compliance-mode grace period (at least 3).
	ChangeableForDays int `json:"changeable_for_days,omitempty" yaml:"changeable_for_days,omitempty"`
}

// AirGapped is a logically air-gapped vault.
type AirGapped struct {
	Vault        string `json:"vault" yaml:"vault"`
	MinRetention string `json:"min_retention" yaml:"min_retention"`
	MaxRetention string `json:"max_retention" yaml:"max_retention"`
	// ShareWith are the recovery accounts the vault is shared with
	// through AWS RAM, so they can restore from it. Default none.
	ShareWith []string `json:"share_with,omitempty" yaml:"share_with,omitempty"`
}

// Local configures each workload account's vault.
type Local struct {
	// Vault is the local vault name. Default "orgbackup-local".
	Vault string `json:"vault,omitempty" yaml:"vault,omitempty"`
	// BackupRole is the name of the IAM role AWS Backup assumes in each
	// workload account. Default "OrgBackupServiceRole".
	BackupRole string `json:"backup_role,omitempty" yaml:"backup_role,omitempty"`
}

// KMS configures the customer-managed keys.
type KMS struct {
	// Alias is the alias of the key in each account and region. Default
	// "alias/orgbackup".
	Alias string `json:"alias,omitempty" yaml:"alias,omitempty"`
	// Rotation enables automatic key rotation. Default true.
	Rotation *bool `json:"rotation,omitempty" yaml:"rotation,omitempty"`
}

// Notifications sends backup events to an SNS topic in each account.
type Notifications struct {
	// Topic is the SNS topic name. Default "orgbackup-notifications".
	Topic string `json:"topic,omitempty" yaml:"topic,omitempty"`
	// Events are AWS Backup vault events, e.g. BACKUP_JOB_COMPLETED,
	// COPY_JOB_FAILED; deprecated events are refused (they never notify).
	Events []string `json:"events" yaml:"events"`
	// Emails subscribe to the backup account's topic.
	Emails []string `json:"emails,omitempty" yaml:"emails,omitempty"`
	// TierEmails are, per tier, the addresses of the teams that own the
	// tier's accounts: they hear about the job failures of those accounts
	// only, besides Emails, which hear about all of them.
	TierEmails map[string][]string `json:"tier_emails,omitempty" yaml:"tier_emails,omitempty"`
}

// Reports configures backup reports delivered to S3 and audit frameworks.
type Reports struct {
	// Bucket is the reports bucket in the backup account.
	Bucket string `json:"bucket" yaml:"bucket"`
	// Formats are report formats: CSV, JSON.
	Formats []string `json:"formats,omitempty" yaml:"formats,omitempty"`
	// Templates are AWS Backup report templates. Default
	// [BACKUP_JOB_REPORT, COPY_JOB_REPORT, RESOURCE_COMPLIANCE_REPORT].
	Templates []string `json:"templates,omitempty" yaml:"templates,omitempty"`
	// Frameworks are Audit Manager frameworks to create.
	Frameworks []Framework `json:"frameworks,omitempty" yaml:"frameworks,omitempty"`
}

// Framework is an AWS Backup Audit Manager framework.
type Framework struct {
	Name     string   `json:"name" yaml:"name"`
	Controls []string `json:"controls" yaml:"controls"`
}

// Digest identifies the spec's content: the SHA-256 of its canonical JSON,
// with defaults applied, so that the file's formatting, comments and key
// order do not count but every value does.
func (s *Spec) Digest() string {
	b, err := json.Marshal(s)
	if err != nil {
		// A Spec holds strings, numbers, lists and maps only.
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
