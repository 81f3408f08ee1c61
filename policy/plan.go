// Package policy models AWS Backup plans and AWS Organizations backup policies
// without touching the network. It offers typed plans with builders and tier
// presets, AWS's cron schedules, validation of every rule AWS enforces,
// compilation to Backup API inputs and to Organizations BACKUP_POLICY JSON,
// strict parsing of such JSON, and effective-policy (inheritance) computation.
package policy

// Plan is an AWS Backup plan: when to back up, where to keep recovery points
// and for how long (rules), and which resources it protects (selections).
//
// The same Plan compiles to the Backup API (CreateBackupPlan and
// CreateBackupSelection inputs) and to an Organizations backup policy.
type Plan struct {
	// Name is the backup plan name (BackupPlanName).
	Name string
	// Regions lists the regions an Organizations backup policy deploys the
	// plan to. The Backup API ignores it: a plan created directly lives in the
	// region of the client that creates it.
	Regions []string
	// Rules are the plan's backup rules; AWS allows at most 10 per plan.
	Rules []Rule
	// Selections choose the resources the plan protects.
	Selections []Selection
	// AdvancedSettings holds per-resource-type options such as EC2 WindowsVSS.
	AdvancedSettings []AdvancedSetting
	// Tags are applied to the backup plan itself.
	Tags map[string]string
}

// AdvancedSetting is one entry of a plan's AdvancedBackupSettings.
type AdvancedSetting struct {
	// ResourceType is the Backup resource type, for example "EC2".
	ResourceType string
	// Options are the type's backup options, for example
	// {"WindowsVSS": "enabled"}.
	Options map[string]string
}

// Rule is one backup rule of a plan.
type Rule struct {
	// Name is the rule name (RuleName), ^[a-zA-Z0-9\-\_\.]{1,50}$.
	Name string
	// Schedule is an AWS cron expression, "cron(0 2 * * ? *)".
	Schedule string
	// ScheduleTimezone is the IANA time zone of Schedule; empty means UTC.
	ScheduleTimezone string
	// StartWindowMinutes is how long after the scheduled time a job may
	// start before it is cancelled; 0 leaves AWS's default.
	StartWindowMinutes int64
	// CompletionWindowMinutes is how long after the scheduled time a job
	// must complete or be cancelled; 0 leaves AWS's default.
	CompletionWindowMinutes int64
	// TargetVault is the name of the vault the rule's recovery points go to.
	TargetVault string
	// Lifecycle is when recovery points move to cold storage and expire.
	Lifecycle Lifecycle
	// CopyActions copy each new recovery point to other vaults; at most 5.
	CopyActions []CopyAction
	// RecoveryPointTags are added to the recovery points the rule creates.
	RecoveryPointTags map[string]string
	// ContinuousBackup enables point-in-time recovery for the resource
	// types that support it.
	ContinuousBackup bool
}

// Lifecycle says when a recovery point moves to cold storage and when it is
// deleted. Zero values mean never.
type Lifecycle struct {
	// MoveToColdStorageAfterDays moves recovery points to cold storage.
	MoveToColdStorageAfterDays int64
	// DeleteAfterDays deletes recovery points.
	DeleteAfterDays int64
	// OptInToArchiveForSupportedResources moves recovery points of
	// supported resource types to archive tier rather than cold storage.
	OptInToArchiveForSupportedResources bool
}

// IsZero reports whether the lifecycle keeps recovery points forever in warm
// storage.
func (l Lifecycle) IsZero() bool { return l == Lifecycle{} }

// CopyAction copies a new recovery point to another vault, possibly in
// another account or region.
type CopyAction struct {
	// DestinationVaultARN is the destination vault,
	// arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME; in an Organizations
	// backup policy ACCOUNT may be the variable $account.
	DestinationVaultARN string
	// Lifecycle applies to the copy.
	Lifecycle Lifecycle
}

// ConditionType is the operator of a selection's tag condition.
type ConditionType string

// Condition operators that AWS Backup selections support.
const (
	StringEquals    ConditionType = "STRINGEQUALS"
	StringNotEquals ConditionType = "STRINGNOTEQUALS"
	StringLike      ConditionType = "STRINGLIKE"
	StringNotLike   ConditionType = "STRINGNOTLIKE"
)

// TagCondition matches resources by one tag.
type TagCondition struct {
	// Type is the operator. ListOfTags accepts only StringEquals.
	Type ConditionType
	// Key is the tag key.
	Key string
	// Value is the tag value; StringLike and StringNotLike accept "*".
	Value string
}

// Selection chooses the resources a plan protects and the IAM role AWS
// Backup assumes to back them up.
type Selection struct {
	// Name is the selection name (SelectionName), ^[a-zA-Z0-9\-\_\.]{1,50}$.
	Name string
	// IAMRoleARN is the role AWS Backup assumes; in an Organizations backup
	// policy its account may be $account.
	IAMRoleARN string
	// Resources are resource ARNs (or "*" / ARN patterns) to include.
	Resources []string
	// NotResources are resource ARNs to exclude.
	NotResources []string
	// ListOfTags are OR-ed tag matches (StringEquals only).
	ListOfTags []TagCondition
	// Conditions are AND-ed tag conditions of any ConditionType.
	Conditions []TagCondition
}
