package policy

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // so schedule time zones validate on machines without a zoneinfo database
)

// Target says what a plan is validated for: the Backup API or an
// Organizations backup policy. They differ in where $account is allowed and
// in the quotas that apply.
type Target int

const (
	// TargetAPI validates a plan for CreateBackupPlan and
	// CreateBackupSelection.
	TargetAPI Target = iota
	// TargetPolicy validates a plan for an Organizations backup policy.
	TargetPolicy
)

// String returns "api" or "policy".
func (t Target) String() string {
	switch t {
	case TargetAPI:
		return "api"
	case TargetPolicy:
		return "policy"
	default:
		return "Target(" + strconv.Itoa(int(t)) + ")"
	}
}

// Limits AWS enforces on backup plans. Sources: the Backup API reference
// (BackupRuleInput, Lifecycle, BackupSelection), "AWS Backup quotas" (the
// Backup and Policy quotas tables) and "Backup plan resource assignments
// quotas" in the AWS Backup Developer Guide.
const (
	// MaxWindowMinutes is the largest start or completion window, 100 years.
	MaxWindowMinutes = 52_560_000
	// MinStartWindowMinutes is the smallest start window.
	MinStartWindowMinutes = 60
	// MinCompletionAfterStartMinutes is how much longer than the start
	// window the completion window must be.
	MinCompletionAfterStartMinutes = 60
	// MaxLifecycleDays is the largest lifecycle value, 100 years.
	MaxLifecycleDays = 36_500
	// MinColdStorageDays is how long a recovery point stays in cold storage
	// at least: deletion must come at least that long after the move.
	MinColdStorageDays = 90
	// MaxContinuousRetentionDays is the longest retention of continuous
	// backups.
	MaxContinuousRetentionDays = 35
	// MaxRulesPerPolicyPlan is the "Backup plan rules in a plan" policy quota.
	MaxRulesPerPolicyPlan = 10
	// MaxCopyActionsPerPolicyRule is the "Copy actions per backup rule"
	// policy quota.
	MaxCopyActionsPerPolicyRule = 5
	// MaxRecoveryPointTagsPerPolicyRule is the "Tags added to a recovery
	// point" policy quota.
	MaxRecoveryPointTagsPerPolicyRule = 10
	// MaxSelectionsPerPlan is the "Resource assignments per backup plan"
	// quota.
	MaxSelectionsPerPlan = 100
	// MaxTagSelectionsPerPolicyPlan is the "Resource selections that use
	// tags in a plan" policy quota.
	MaxTagSelectionsPerPolicyPlan = 10
	// MaxTagsPerSelection is the quota of tags (ListOfTags) in one
	// resource assignment.
	MaxTagsPerSelection = 30
	// MaxConditionsPerSelection is the quota of conditions in one resource
	// assignment.
	MaxConditionsPerSelection = 30
	// MaxResourceARNs is the quota of ARNs without wildcards in one list of
	// a resource assignment (Resources or NotResources).
	MaxResourceARNs = 500
	// MaxWildcardResourceARNs is the quota of ARNs with wildcards in one
	// list of a resource assignment.
	MaxWildcardResourceARNs = 30
)

var (
	// BackupPlanName: alphanumeric or '-_.'. AWS's pages disagree on the
	// length: BackupPlanInput, the shape CreateBackupPlan and
	// UpdateBackupPlan take, says "Must contain 1 to 50 alphanumeric or
	// '-_.' characters" (Backup API model); BackupPlan says 1 to 200 through
	// the API. The stricter rule is kept, here and in the emulator's
	// CreateBackupPlan, so that neither accepts a name AWS may refuse.
	planNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-\_\.]{1,50}$`)
	// BackupRuleName and BackupSelectionName in the Backup API model.
	ruleNameRE      = regexp.MustCompile(`^[a-zA-Z0-9\-\_\.]{1,50}$`)
	selectionNameRE = ruleNameRE
)

// conditionTagPrefix prefixes tag keys in a selection's Conditions
// (ConditionParameter in the Backup API reference).
const conditionTagPrefix = "aws:ResourceTag/"

// Validate checks p against every rule AWS enforces for target and returns
// all problems at once, joined with errors.Join, each a *FieldError whose
// Path locates it (see FieldErrors). It returns nil if p is valid.
func (p *Plan) Validate(target Target) error {
	v := planValidator{target: target}
	v.plan(p)
	return errors.Join(v.errs...)
}

type planValidator struct {
	target Target
	errs   []error
}

func (v *planValidator) policy() bool { return v.target == TargetPolicy }

func (v *planValidator) add(path []string, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// missing adds a FieldError about an absent required setting.
func (v *planValidator) missing(path []string, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: path, Message: fmt.Sprintf(format, args...), Missing: true})
}

// at returns a new path: base followed by more.
func fieldPath(base []string, more ...string) []string {
	out := make([]string, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// key names a rule, copy action or selection in a path: its name, or "#i"
// when it has none.
func pathKey(name string, i int) string {
	if name == "" {
		return "#" + strconv.Itoa(i)
	}
	return name
}

// nameSet reports duplicate names. Organizations policy keys are case
// insensitive (the effective policy lowercases rule and selection names), so
// names that differ only in case collide there.
type nameSet struct {
	fold  bool
	names map[string]bool
}

func (s *nameSet) dup(name string) bool {
	if s.fold {
		name = strings.ToLower(name)
	}
	if s.names == nil {
		s.names = make(map[string]bool)
	}
	if s.names[name] {
		return true
	}
	s.names[name] = true
	return false
}

func (v *planValidator) plan(p *Plan) {
	if p == nil {
		v.add(nil, "plan is missing")
		return
	}
	if !planNameRE.MatchString(p.Name) {
		v.add(nil, "backup plan name %q must be 1 to 50 letters, digits, '-', '_' or '.'", p.Name)
	}
	if v.policy() {
		v.regions(p.Regions)
	}
	v.rules(p.Rules)
	v.selections(p.Selections)
	v.advancedSettings(p.AdvancedSettings)
	for k := range p.Tags {
		if k == "" {
			v.add([]string{"backup_plan_tags"}, "tag key must not be empty")
		}
	}
}

func (v *planValidator) regions(regions []string) {
	if len(regions) == 0 {
		v.missing([]string{"regions"}, "an Organizations backup policy must name at least one region")
	}
	var dups nameSet
	for i, r := range regions {
		path := []string{"regions", strconv.Itoa(i)}
		switch {
		case !arnRegionPattern.MatchString(r):
			v.add(path, "%q is not a region code such as us-east-1", r)
		case dups.dup(r):
			v.add(path, "region %s is listed twice", r)
		}
	}
}

func (v *planValidator) rules(rules []Rule) {
	if len(rules) == 0 {
		v.missing([]string{"rules"}, "a backup plan needs at least one rule")
	}
	if v.policy() && len(rules) > MaxRulesPerPolicyPlan {
		v.add([]string{"rules"}, "%d rules exceed AWS's quota of %d rules per plan", len(rules), MaxRulesPerPolicyPlan)
	}
	dups := nameSet{fold: v.policy()}
	for i := range rules {
		r := &rules[i]
		base := []string{"rules", pathKey(r.Name, i)}
		if !ruleNameRE.MatchString(r.Name) {
			v.add(base, "rule name %q must be 1 to 50 letters, digits, '-', '_' or '.'", r.Name)
		} else if dups.dup(r.Name) {
			v.add(base, "duplicate rule name %q", r.Name)
		}
		v.rule(base, r)
	}
}

func (v *planValidator) rule(base []string, r *Rule) {
	switch {
	case r.TargetVault == "":
		v.missing(fieldPath(base, "target_backup_vault_name"), "target vault name is required")
	case strings.Contains(r.TargetVault, AccountVariable):
		v.add(fieldPath(base, "target_backup_vault_name"), "%s is only allowed in ARN fields, not in vault names", AccountVariable)
	case !vaultNameRE.MatchString(r.TargetVault):
		v.add(fieldPath(base, "target_backup_vault_name"), "vault name %q must be 2 to 50 letters, digits, '-' or '_'", r.TargetVault)
	}
	if r.Schedule != "" {
		if err := checkRuleSchedule(r.Schedule); err != nil {
			v.add(fieldPath(base, "schedule_expression"), "%v", err)
		}
	}
	if tz := r.ScheduleTimezone; tz != "" {
		if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
			v.add(fieldPath(base, "schedule_expression_timezone"), "%q is not an IANA time zone name", tz)
		}
	}
	v.windows(base, r.StartWindowMinutes, r.CompletionWindowMinutes)
	v.lifecycle(fieldPath(base, "lifecycle"), r.Lifecycle)
	if r.ContinuousBackup {
		v.continuous(base, r.Lifecycle)
	}
	v.copyActions(fieldPath(base, "copy_actions"), r.CopyActions)
	if v.policy() && len(r.RecoveryPointTags) > MaxRecoveryPointTagsPerPolicyRule {
		v.add(fieldPath(base, "recovery_point_tags"), "%d tags exceed AWS's quota of %d recovery point tags per rule",
			len(r.RecoveryPointTags), MaxRecoveryPointTagsPerPolicyRule)
	}
	for k := range r.RecoveryPointTags {
		if k == "" {
			v.add(fieldPath(base, "recovery_point_tags"), "tag key must not be empty")
		}
	}
}

// windows checks StartWindowMinutes ("if this value is included, it must be
// at least 60 minutes", at most 52,560,000) and CompletionWindowMinutes (at
// most 52,560,000, StartBackupJob; counted from the scheduled time, not from
// the start, so it must exceed the start window, by at least 60 minutes as
// AWS Backup rejects anything less).
func (v *planValidator) windows(base []string, start, completion int64) {
	if start != 0 {
		switch {
		case start < MinStartWindowMinutes:
			v.add(fieldPath(base, "start_backup_window_minutes"), "start window %d minutes must be at least %d minutes", start, MinStartWindowMinutes)
		case start > MaxWindowMinutes:
			v.add(fieldPath(base, "start_backup_window_minutes"), "start window %d minutes exceeds the maximum of %d minutes (100 years)", start, MaxWindowMinutes)
		}
	}
	if completion == 0 {
		return
	}
	switch {
	case completion < 0:
		v.add(fieldPath(base, "complete_backup_window_minutes"), "completion window %d minutes must be positive", completion)
	case completion > MaxWindowMinutes:
		v.add(fieldPath(base, "complete_backup_window_minutes"), "completion window %d minutes exceeds the maximum of %d minutes (100 years)", completion, MaxWindowMinutes)
	case start != 0 && completion < start+MinCompletionAfterStartMinutes:
		v.add(fieldPath(base, "complete_backup_window_minutes"), "completion window %d minutes must be at least %d minutes longer than the start window (%d minutes)",
			completion, MinCompletionAfterStartMinutes, start)
	}
}

// lifecycle checks the rules of the Lifecycle API reference: values up to
// 100 years (36,500 days), and deletion at least 90 days after the move to
// cold storage.
func (v *planValidator) lifecycle(base []string, l Lifecycle) {
	cold, del := l.MoveToColdStorageAfterDays, l.DeleteAfterDays
	if cold != 0 && (cold < 1 || cold > MaxLifecycleDays) {
		v.add(fieldPath(base, "move_to_cold_storage_after_days"), "%d days is outside 1 to %d days", cold, MaxLifecycleDays)
	}
	if del != 0 && (del < 1 || del > MaxLifecycleDays) {
		v.add(fieldPath(base, "delete_after_days"), "%d days is outside 1 to %d days", del, MaxLifecycleDays)
	}
	if cold > 0 && del > 0 && del < cold+MinColdStorageDays {
		v.add(fieldPath(base, "delete_after_days"), "%d days must be at least %d days after move_to_cold_storage_after_days (%d): at least %d",
			del, MinColdStorageDays, cold, cold+MinColdStorageDays)
	}
}

// continuous checks a continuous backup rule: continuous backups are kept 1
// to 35 days and cannot move to cold storage ("Continuous backups and
// point-in-time recovery", AWS Backup Developer Guide).
func (v *planValidator) continuous(base []string, l Lifecycle) {
	if l.MoveToColdStorageAfterDays != 0 {
		v.add(fieldPath(base, "lifecycle", "move_to_cold_storage_after_days"), "continuous backups cannot move to cold storage")
	}
	if l.OptInToArchiveForSupportedResources {
		v.add(fieldPath(base, "lifecycle", "opt_in_to_archive_for_supported_resources"), "continuous backups cannot move to the archive tier")
	}
	if l.DeleteAfterDays == 0 {
		v.missing(fieldPath(base, "lifecycle", "delete_after_days"), "continuous backups must be kept 1 to %d days, not %s",
			MaxContinuousRetentionDays, daysOrForever(l.DeleteAfterDays))
	} else if l.DeleteAfterDays > MaxContinuousRetentionDays {
		v.add(fieldPath(base, "lifecycle", "delete_after_days"), "continuous backups must be kept 1 to %d days, not %s",
			MaxContinuousRetentionDays, daysOrForever(l.DeleteAfterDays))
	}
}

func daysOrForever(d int64) string {
	if d == 0 {
		return "forever"
	}
	return strconv.FormatInt(d, 10) + " days"
}

func (v *planValidator) copyActions(base []string, actions []CopyAction) {
	if v.policy() && len(actions) > MaxCopyActionsPerPolicyRule {
		v.add(base, "%d copy actions exceed AWS's quota of %d per rule", len(actions), MaxCopyActionsPerPolicyRule)
	}
	// Organizations policies key copy actions by destination ARN, and
	// policy keys are case insensitive.
	dups := nameSet{fold: v.policy()}
	for i, c := range actions {
		cbase := fieldPath(base, pathKey(c.DestinationVaultARN, i))
		if c.DestinationVaultARN == "" {
			v.missing(fieldPath(cbase, "target_backup_vault_arn"), "destination vault ARN is required")
		} else if _, err := ParseVaultARN(c.DestinationVaultARN, v.policy()); err != nil {
			v.add(fieldPath(cbase, "target_backup_vault_arn"), "%v", err)
		} else if dups.dup(c.DestinationVaultARN) {
			v.add(cbase, "duplicate copy action to %s", c.DestinationVaultARN)
		}
		v.lifecycle(fieldPath(cbase, "lifecycle"), c.Lifecycle)
	}
}

func (v *planValidator) selections(selections []Selection) {
	if v.policy() && len(selections) == 0 {
		v.missing([]string{"selections"}, "an Organizations backup policy must select the resources to back up")
	}
	if len(selections) > MaxSelectionsPerPlan {
		v.add([]string{"selections"}, "%d selections exceed AWS's quota of %d per plan", len(selections), MaxSelectionsPerPlan)
	}
	if v.policy() {
		tagged := 0
		for _, s := range selections {
			if len(s.ListOfTags) > 0 || len(s.Conditions) > 0 {
				tagged++
			}
		}
		if tagged > MaxTagSelectionsPerPolicyPlan {
			v.add([]string{"selections"}, "%d selections use tags, more than AWS's quota of %d per plan", tagged, MaxTagSelectionsPerPolicyPlan)
		}
	}
	dups := nameSet{fold: v.policy()}
	for i := range selections {
		s := &selections[i]
		base := []string{"selections", pathKey(s.Name, i)}
		if !selectionNameRE.MatchString(s.Name) {
			v.add(base, "selection name %q must be 1 to 50 letters, digits, '-', '_' or '.'", s.Name)
		} else if dups.dup(s.Name) {
			v.add(base, "duplicate selection name %q", s.Name)
		}
		v.selection(base, s)
	}
}

func (v *planValidator) selection(base []string, s *Selection) {
	if s.IAMRoleARN == "" {
		v.missing(fieldPath(base, "iam_role_arn"), "IAM role ARN is required")
	} else if _, err := ParseRoleARN(s.IAMRoleARN, v.policy()); err != nil {
		v.add(fieldPath(base, "iam_role_arn"), "%v", err)
	}
	v.resources(fieldPath(base, "resources"), s.Resources)
	v.resources(fieldPath(base, "not_resources"), s.NotResources)

	if len(s.ListOfTags) > MaxTagsPerSelection {
		v.add(fieldPath(base, "tags"), "%d tags exceed AWS's quota of %d per selection", len(s.ListOfTags), MaxTagsPerSelection)
	}
	for i, c := range s.ListOfTags {
		path := fieldPath(base, "tags", strconv.Itoa(i))
		if c.Type != StringEquals {
			v.add(path, "ListOfTags supports only %s, not %q; use Conditions for other operators", StringEquals, c.Type)
		}
		if c.Key == "" {
			v.add(path, "tag key must not be empty")
		}
	}
	if len(s.Conditions) > MaxConditionsPerSelection {
		v.add(fieldPath(base, "conditions"), "%d conditions exceed AWS's quota of %d per selection", len(s.Conditions), MaxConditionsPerSelection)
	}
	for i, c := range s.Conditions {
		path := fieldPath(base, "conditions", strconv.Itoa(i))
		switch c.Type {
		case StringEquals, StringNotEquals, StringLike, StringNotLike:
		default:
			v.add(path, "condition type %q is not one of %s, %s, %s, %s", c.Type, StringEquals, StringNotEquals, StringLike, StringNotLike)
		}
		switch {
		case c.Key == "":
			v.add(path, "tag key must not be empty")
		case strings.HasPrefix(c.Key, conditionTagPrefix):
			v.add(path, "give the bare tag key: %q is added when compiling", conditionTagPrefix)
		}
	}
}

// resources checks the ARN patterns of Resources or NotResources: at most
// 500 ARNs without wildcards and 30 with, a wildcard only at the end
// (BackupSelection in the Backup API reference).
func (v *planValidator) resources(base []string, arns []string) {
	plain, wild := 0, 0
	for i, arn := range arns {
		if strings.Contains(arn, "*") {
			wild++
		} else {
			plain++
		}
		if err := checkResourceARN(arn, v.policy()); err != nil {
			v.add(fieldPath(base, strconv.Itoa(i)), "%v", err)
		}
	}
	if plain > MaxResourceARNs {
		v.add(base, "%d ARNs exceed AWS's quota of %d ARNs without wildcards", plain, MaxResourceARNs)
	}
	if wild > MaxWildcardResourceARNs {
		v.add(base, "%d ARNs with wildcards exceed AWS's quota of %d", wild, MaxWildcardResourceARNs)
	}
}

func checkResourceARN(arn string, allowAccountVariable bool) error {
	if arn == "*" {
		return nil
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] == "" {
		return fmt.Errorf("%q is neither \"*\" nor an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", arn)
	}
	if i := strings.IndexByte(arn, '*'); i >= 0 && !strings.HasSuffix(arn, "*") {
		return fmt.Errorf("%q: a wildcard must come at the end of the ARN (prefix match)", arn)
	}
	switch account := parts[4]; {
	case account == "" || account == "*" || arnAccountPattern.MatchString(account):
	case account == AccountVariable && allowAccountVariable:
	default:
		return fmt.Errorf("ARN %q: %w", arn, checkARNAccount(account, allowAccountVariable))
	}
	return nil
}

// Advanced backup options AWS documents (AdvancedBackupSetting in the Backup
// API reference): WindowsVSS for EC2, and for S3 the BackupACLs and
// BackupObjectTags options.
func knownBackupOptions(resourceType string) map[string]bool {
	switch resourceType {
	case "EC2":
		return map[string]bool{"WindowsVSS": true}
	case "S3":
		return map[string]bool{"BackupACLs": true, "BackupObjectTags": true}
	}
	return nil
}

// policyOptionKey returns the Organizations policy key of a backup option.
func policyOptionKey(option string) string {
	switch option {
	case "WindowsVSS":
		return "windows_vss"
	case "BackupACLs":
		return "backup_acls"
	case "BackupObjectTags":
		return "backup_object_tags"
	}
	return option
}

func (v *planValidator) advancedSettings(settings []AdvancedSetting) {
	var dups nameSet
	for _, s := range settings {
		base := []string{"advanced_backup_settings", strings.ToLower(s.ResourceType)}
		known := knownBackupOptions(s.ResourceType)
		if known == nil {
			v.add(base, "resource type %q has no advanced backup options; AWS supports EC2 (WindowsVSS) and S3 (BackupACLs, BackupObjectTags)", s.ResourceType)
			continue
		}
		if dups.dup(s.ResourceType) {
			v.add(base, "resource type %s is listed twice", s.ResourceType)
		}
		if len(s.Options) == 0 {
			v.add(base, "no backup options given")
		}
		for _, opt := range slices.Sorted(maps.Keys(s.Options)) {
			value := s.Options[opt]
			path := fieldPath(base, policyOptionKey(opt))
			switch {
			case !known[opt]:
				v.add(path, "%s has no backup option %q", s.ResourceType, opt)
			case value != "enabled" && value != "disabled":
				v.add(path, "%s must be \"enabled\" or \"disabled\", not %q", opt, value)
			}
		}
	}
}

func checkRuleSchedule(expr string) error {
	_, err := ParseSchedule(expr)
	return err
}
