package spec

import (
	"github.com/orgbackup/orgbackup/policy"
)

// Default values of a spec's optional fields.
const (
	DefaultName             = "orgbackup"
	DefaultExecutionRole    = "OrganizationAccountAccessRole"
	DefaultDistribution     = DistributionPolicies
	DefaultCentralVault     = "orgbackup-central"
	DefaultLocalVault       = policy.DefaultLocalVault
	DefaultBackupRole       = policy.DefaultBackupRole
	DefaultKMSAlias         = "alias/orgbackup"
	DefaultTopic            = "orgbackup-notifications"
	DefaultSelectionTagKey  = policy.DefaultSelectionTagKey
	DefaultReportFormat     = "CSV"
	DefaultCustomEncryption = policy.CustomerManagedKey
)

// Distributions: how backup plans reach the workload accounts.
const (
	// DistributionPolicies attaches Organizations backup policies to the
	// tiers' targets.
	DistributionPolicies = "policies"
	// DistributionDirect creates backup plans and selections in every
	// target account and workload region through the Backup API.
	DistributionDirect = "direct"
)

// PresetNone is the preset of a custom tier: nothing is inherited.
const PresetNone = "none"

// defaultReportTemplates are the report plans created when reports.templates
// is omitted.
func defaultReportTemplates() []string {
	return []string{"BACKUP_JOB_REPORT", "COPY_JOB_REPORT", "RESOURCE_COMPLIANCE_REPORT"}
}

// Default is one documented default: what an omitted field means.
type Default struct {
	// Path is the field's path in the spec; "*" stands for any tier name.
	Path string
	// Value is the value used, or a description of how it is derived.
	Value string
}

// Defaults lists what every optional field means when it is omitted.
// SetDefaults applies the first group to the spec itself; the tier values
// are resolved with the tier's preset by Spec.Tier and never written back,
// so a spec keeps saying only what its author wrote.
//
//	name                             orgbackup
//	organization.execution_role      OrganizationAccountAccessRole
//	organization.distribution        policies
//	central                          vault orgbackup-central, no lock, no air-gapped vault
//	central.vault                    orgbackup-central
//	local.vault                      orgbackup-local
//	local.backup_role                OrgBackupServiceRole
//	kms.alias                        alias/orgbackup
//	kms.rotation                     true
//	notifications                    none
//	notifications.topic              orgbackup-notifications
//	reports                          none
//	reports.formats                  [CSV]
//	reports.templates                [BACKUP_JOB_REPORT, COPY_JOB_REPORT, RESOURCE_COMPLIANCE_REPORT]
//	tiers.*.preset                   the tier's name if it names a preset, else none
//	tiers.*.schedule                 the preset's; required for custom tiers
//	tiers.*.timezone                 UTC
//	tiers.*.start_window             the preset's (production, staging 1h; development 4h); for custom tiers AWS Backup's 8h
//	tiers.*.completion_window        the preset's (production, staging 8h; development 1d); for custom tiers AWS Backup's 7d
//	tiers.*.rpo                      the preset's (production, staging 36h; development 9d); for custom tiers the schedule's largest gap + both windows
//	tiers.*.rto                      the preset's (production 4h; staging 24h; development 72h); for custom tiers none
//	tiers.*.local_retention          the preset's; required for custom tiers
//	tiers.*.cold_after               never
//	tiers.*.cold_storage.central     the preset's (production 90d where central_retention is at least 180d); else never
//	tiers.*.cold_storage.secondary   cold_storage.central
//	tiers.*.cold_storage.archive     false
//	tiers.*.central_retention        the preset's; for custom tiers no central copy
//	tiers.*.cross_region             the preset's; for custom tiers false
//	tiers.*.secondary_retention      central_retention
//	tiers.*.continuous               false
//	tiers.*.encryption               the preset's; for custom tiers customer-managed
//	tiers.*.selection.tags           {backup-tier: TIER}
//	tiers.*.selection.resource_types all resource types
//	tiers.*.restore_testing          the preset's (production: on); off for other tiers without the key
//	tiers.*.restore_testing.schedule cron(0 5 1 * ? *)
//	tiers.*.restore_testing.resource_types every type the tier protects
//	tiers.*.restore_testing.count    1
//	tiers.*.restore_testing.vaults   [local]
//	tiers.*.restore_testing.lookback 7d
//	tiers.*.restore_testing.validation_window 2h
//	tiers.*.restore_testing.keep_restored the validation window
//	tiers.*.child_policies           lock-plan with guardrails, else free
//	tiers.*.air_gapped_copy          false
//	guardrails                       none (off)
//	guardrails.enabled               true
//	guardrails.deploy_role           orgbackup-deploy
//	guardrails.break_glass_role      orgbackup-break-glass
//	cost                             no workloads, no allocation tag, no budgets
//	cost.workloads.*.region          the primary region
//	cost.workloads.*.daily_change_rate the type's (cost.Types)
//	cost.budgets.*.thresholds        [80, 100]
//	cost.budgets.*.recipients        notifications.emails
func Defaults() []Default {
	return []Default{
		{"name", DefaultName},
		{"organization.execution_role", DefaultExecutionRole},
		{"organization.distribution", DefaultDistribution},
		{"central", "vault " + DefaultCentralVault + ", no lock, no air-gapped vault"},
		{"central.vault", DefaultCentralVault},
		{"local.vault", DefaultLocalVault},
		{"local.backup_role", DefaultBackupRole},
		{"kms.alias", DefaultKMSAlias},
		{"kms.rotation", "true"},
		{"notifications", "none"},
		{"notifications.topic", DefaultTopic},
		{"reports", "none"},
		{"reports.formats", "[" + DefaultReportFormat + "]"},
		{"reports.templates", "[BACKUP_JOB_REPORT, COPY_JOB_REPORT, RESOURCE_COMPLIANCE_REPORT]"},
		{"tiers.*.preset", "the tier's name if it names a preset, else " + PresetNone},
		{"tiers.*.schedule", "the preset's; required for custom tiers"},
		{"tiers.*.timezone", "UTC"},
		{"tiers.*.start_window", "the preset's (production, staging 1h; development 4h); for custom tiers AWS Backup's 8h"},
		{"tiers.*.completion_window", "the preset's (production, staging 8h; development 1d); for custom tiers AWS Backup's 7d"},
		{"tiers.*.rpo", "the preset's (production, staging 36h; development 9d); for custom tiers the schedule's largest gap + both windows"},
		{"tiers.*.rto", "the preset's (production 4h; staging 24h; development 72h); for custom tiers none"},
		{"tiers.*.local_retention", "the preset's; required for custom tiers"},
		{"tiers.*.cold_after", "never"},
		{"tiers.*.cold_storage.central", "the preset's (production 90d where central_retention is at least 180d); else never"},
		{"tiers.*.cold_storage.secondary", "cold_storage.central"},
		{"tiers.*.cold_storage.archive", "false"},
		{"tiers.*.central_retention", "the preset's; for custom tiers no central copy"},
		{"tiers.*.cross_region", "the preset's; for custom tiers false"},
		{"tiers.*.secondary_retention", "central_retention"},
		{"tiers.*.continuous", "false"},
		{"tiers.*.encryption", "the preset's; for custom tiers " + string(DefaultCustomEncryption)},
		{"tiers.*.selection.tags", "{" + DefaultSelectionTagKey + ": TIER}"},
		{"tiers.*.selection.resource_types", "all resource types"},
		{"tiers.*.restore_testing", "the preset's (production: on); off for other tiers without the key"},
		{"tiers.*.restore_testing.schedule", DefaultRestoreTestingSchedule},
		{"tiers.*.restore_testing.resource_types", "every type the tier protects"},
		{"tiers.*.restore_testing.count", "1"},
		{"tiers.*.restore_testing.vaults", "[" + RestoreVaultLocal + "]"},
		{"tiers.*.restore_testing.lookback", "7d"},
		{"tiers.*.restore_testing.validation_window", "2h"},
		{"tiers.*.restore_testing.keep_restored", "the validation window"},
		{"tiers.*.child_policies", ChildPoliciesLockPlan + " with guardrails, else " + ChildPoliciesFree},
		{"tiers.*.air_gapped_copy", "false"},
		{"guardrails", "none (off)"},
		{"guardrails.enabled", "true"},
		{"guardrails.deploy_role", DefaultDeployRole},
		{"guardrails.break_glass_role", DefaultBreakGlassRole},
		{"cost", "no workloads, no allocation tag, no budgets"},
		{"cost.workloads.*.region", "the primary region"},
		{"cost.workloads.*.daily_change_rate", "the type's (cost.Types)"},
		{"cost.budgets.*.thresholds", "[80, 100]"},
		{"cost.budgets.*.recipients", "notifications.emails"},
	}
}

// SetDefaults fills in the omitted fields of s that Defaults lists outside
// tiers, and each tier's preset. Load and Parse call it; it is idempotent.
func (s *Spec) SetDefaults() {
	if s.Name == "" {
		s.Name = DefaultName
	}
	if s.Organization.ExecutionRole == "" {
		s.Organization.ExecutionRole = DefaultExecutionRole
	}
	if s.Organization.Distribution == "" {
		s.Organization.Distribution = DefaultDistribution
	}
	for name, t := range s.Tiers {
		if t.Preset == "" {
			t.Preset = PresetNone
			if _, ok := policy.ParseTier(name); ok {
				t.Preset = name
			}
			s.Tiers[name] = t
		}
	}
	if s.Central.Vault == "" {
		s.Central.Vault = DefaultCentralVault
	}
	if s.Local.Vault == "" {
		s.Local.Vault = DefaultLocalVault
	}
	if s.Local.BackupRole == "" {
		s.Local.BackupRole = DefaultBackupRole
	}
	if s.KMS.Alias == "" {
		s.KMS.Alias = DefaultKMSAlias
	}
	if s.KMS.Rotation == nil {
		rotate := true
		s.KMS.Rotation = &rotate
	}
	if n := s.Notifications; n != nil && n.Topic == "" {
		n.Topic = DefaultTopic
	}
	s.setGuardrailDefaults()
	if r := s.Reports; r != nil {
		if len(r.Formats) == 0 {
			r.Formats = []string{DefaultReportFormat}
		}
		if len(r.Templates) == 0 {
			r.Templates = defaultReportTemplates()
		}
	}
}
