package spec

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orgbackup/orgbackup/policy"
)

// Validate checks a spec (with defaults applied) against every rule of the
// format and of AWS, returning all problems at once, joined with
// errors.Join, each a *SpecError. Load and Parse call it.
func (s *Spec) Validate() error {
	errs := s.validate()
	if len(errs) == 0 {
		return nil
	}
	return joinSpecErrors(errs)
}

// Limits AWS enforces that the spec checks.
const (
	// MinLockChangeableForDays is the smallest ChangeableForDays: "Backup
	// enforces a 72-hour cooling-off period before Vault Lock takes effect
	// and becomes immutable. Therefore, you must set ChangeableForDays to 3
	// or greater" (PutBackupVaultLockConfiguration, AWS Backup API
	// Reference).
	MinLockChangeableForDays = 3
	// MaxLockDays is the largest ChangeableForDays and MaxRetentionDays
	// of a vault lock, "36,500 days (approximately 100 years)"; the same
	// reference gives 1 day as the shortest MinRetentionDays.
	MaxLockDays = 36_500
	// MinAirGappedRetentionDays is the smallest MinRetentionDays of a
	// logically air-gapped vault: "The minimum value accepted is 7 days"
	// (CreateLogicallyAirGappedBackupVault, AWS Backup API Reference).
	MinAirGappedRetentionDays = 7
)

var (
	// Organizations' OrganizationalUnitId pattern (AWS Organizations API
	// Reference).
	ouIDRE = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	// A region code: two letters, a direction, a number.
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// BackupVaultName (AWS Backup API Reference).
	vaultNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-\_]{2,50}$`)
	// IAM role names (CreateRole, IAM API Reference).
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// AliasName (CreateAlias, AWS KMS API Reference): alias/ then letters,
	// digits, '/', '_' and '-'; "alias/aws/" is reserved for AWS-managed
	// keys.
	kmsAliasRE = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]+$`)
	// SNS topic names (CreateTopic, Amazon SNS API Reference).
	topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	// FrameworkName and ReportPlanName (AWS Backup API Reference).
	frameworkNameRE = regexp.MustCompile(`^[a-zA-Z][_a-zA-Z0-9]{0,255}$`)
	// Tag keys and values ("Tag naming limits and requirements", Tagging
	// AWS Resources): letters, numbers and spaces in UTF-8, and _ . : / = + - @.
	tagCharsRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	// Tier names become part of plan, rule and selection names.
	tierNameRE = regexp.MustCompile(tierNamePattern)
	// An e-mail address, loosely: one @, a dotted domain, no spaces.
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`)
	// S3 bucket names: 3 to 63 lowercase letters, digits, dots and
	// hyphens, beginning and ending with a letter or digit.
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// CommercialRegions returns the regions of the standard AWS partition, as
// listed in the AWS SDK's partitions.json (aws-sdk-go-v2
// internal/endpoints/awsrulesfn). A region outside this list is reported,
// so a typo such as us-east-3 is caught before anything is deployed.
func CommercialRegions() []string {
	return []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	}
}

// BackupVaultEvents returns the vault notification events AWS Backup
// supports. PutBackupVaultNotifications documents them ("The following
// events are supported"); the rest of the BackupVaultEvent enum is
// deprecated and never notifies (see DeprecatedBackupVaultEvents).
func BackupVaultEvents() []string {
	return []string{
		"BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED",
		"COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED",
		"RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED",
		"S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED",
		"CONTINUOUS_BACKUP_INTERRUPTED", "RECOVERY_POINT_INDEX_COMPLETED", "RECOVERY_POINT_INDEX_DELETED", "RECOVERY_POINT_INDEXING_FAILED",
	}
}

// DeprecatedBackupVaultEvents maps the deprecated values of the
// BackupVaultEvent enum to the supported event to use instead. AWS's
// PutBackupVaultNotifications reference: "Deprecated events do not return
// statuses or notifications." A spec listing BACKUP_JOB_FAILED would never
// hear of a failed backup, so orgbackup refuses it.
func DeprecatedBackupVaultEvents() map[string]string {
	return map[string]string{
		"BACKUP_JOB_SUCCESSFUL":  "BACKUP_JOB_COMPLETED (its message carries the job's state)",
		"BACKUP_JOB_FAILED":      "BACKUP_JOB_COMPLETED (its message carries the job's state, FAILED included)",
		"BACKUP_JOB_EXPIRED":     "BACKUP_JOB_COMPLETED (its message carries the job's state)",
		"RESTORE_JOB_SUCCESSFUL": "RESTORE_JOB_COMPLETED (its message carries the job's state)",
		"RESTORE_JOB_FAILED":     "RESTORE_JOB_COMPLETED (its message carries the job's state, FAILED included)",
		"BACKUP_PLAN_CREATED":    "nothing: plan changes are not notified any more",
		"BACKUP_PLAN_MODIFIED":   "nothing: plan changes are not notified any more",
	}
}

// ReportTemplates returns the AWS Backup report templates (ReportSetting's
// ReportTemplate, AWS Backup API Reference).
func ReportTemplates() []string {
	return []string{
		"RESOURCE_COMPLIANCE_REPORT", "CONTROL_COMPLIANCE_REPORT", "BACKUP_JOB_REPORT",
		"COPY_JOB_REPORT", "RESTORE_JOB_REPORT", "SCAN_JOB_REPORT",
	}
}

// ReportFormats returns the formats of report delivery (ReportDeliveryChannel
// Formats: "CSV, JSON, or both").
func ReportFormats() []string { return []string{"CSV", "JSON"} }

// FrameworkControls returns the AWS Backup Audit Manager control names
// ("Choosing your controls" and "Using AWS Backup Audit Manager with AWS
// CloudFormation", AWS Backup Developer Guide).
func FrameworkControls() []string {
	return []string{
		"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
		"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
		"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
		"BACKUP_RECOVERY_POINT_ENCRYPTED",
		"BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
		"BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
		"BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT",
		"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
		"BACKUP_LAST_RECOVERY_POINT_CREATED",
		"RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
	}
}

// Lock modes.
const (
	LockGovernance = "governance"
	LockCompliance = "compliance"
)

type validator struct {
	s    *Spec
	errs []*SpecError
	// planInputsOK is false when a field every tier plan uses (regions,
	// accounts, vault and role names) is invalid: compiling the plans
	// would only report the same problem again.
	planInputsOK bool
}

func (s *Spec) validate() []*SpecError {
	v := &validator{s: s}
	v.spec()
	return v.errs
}

// add reports a problem with path's value, unless decoding already
// reported one there.
func (v *validator) add(path, format string, args ...any) {
	v.addAt(path, path, false, format, args...)
}

// addKey reports a problem at path's key rather than its value.
func (v *validator) addKey(path, format string, args ...any) {
	v.addAt(path, path, true, format, args...)
}

// addAt reports a problem named path at where's position.
func (v *validator) addAt(path, where string, key bool, format string, args ...any) {
	if v.s.pos.isBad(path) {
		return
	}
	e := &SpecError{File: v.s.file, Path: path, Message: fmt.Sprintf(format, args...)}
	var p position
	var ok bool
	if key {
		p, ok = v.s.pos.key(where)
	} else {
		p, ok = v.s.pos.lookup(where)
	}
	if ok {
		e.Line, e.Col = p.line, p.col
	}
	v.errs = append(v.errs, e)
}

// required reports path as missing when it is empty.
func (v *validator) required(path, value string) bool {
	if value == "" {
		v.add(path, "is required")
		return false
	}
	return true
}

func (v *validator) oneOf(path, value string, allowed []string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	msg := fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", "))
	if s := policy.Suggest(value, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	v.add(path, "%s", msg)
	return false
}

func (v *validator) spec() {
	s := v.s
	if s.Version != 1 {
		if s.pos.has("version") {
			v.add("version", "%d is not supported; the only format version is 1", s.Version)
		}
	}
	v.tagValue("name", s.Name)
	n := len(v.errs)
	v.organization()
	v.central()
	v.local()
	v.planInputsOK = len(v.errs) == n && !s.pos.isBad("organization") && !s.pos.isBad("central") && !s.pos.isBad("local")
	v.tiers()
	v.consistency()
	v.kms()
	v.notifications()
	v.reports()
	v.guardrails()
	v.airGapped()
	v.tags("tags", s.Tags)
	v.teamRoles()
	v.legalHolds()
	v.cost()
}

func (v *validator) accountID(path, id string) bool {
	if !v.required(path, id) {
		return false
	}
	if !policy.IsAccountID(id) {
		v.add(path, "%q is not a 12-digit AWS account ID", id)
		return false
	}
	return true
}

func (v *validator) organization() {
	o := v.s.Organization
	mgmt := v.accountID("organization.management_account", o.ManagementAccount)
	backup := v.accountID("organization.backup_account", o.BackupAccount)
	if mgmt && backup && o.ManagementAccount == o.BackupAccount {
		v.add("organization.backup_account", "the backup account must not be the management account (%s): AWS Backup's delegated administrator is a member account", o.ManagementAccount)
	}
	if !roleNameRE.MatchString(o.ExecutionRole) {
		v.add("organization.execution_role", "%q is not an IAM role name (1 to 64 letters, digits or +=,.@_-)", o.ExecutionRole)
	}
	v.oneOf("organization.distribution", o.Distribution, []string{DistributionPolicies, DistributionDirect})

	r := o.Regions
	seen := map[string]string{}
	check := func(path, region string) {
		if !v.region(path, region) {
			return
		}
		if first, dup := seen[region]; dup {
			v.add(path, "region %s is already %s", region, first)
			return
		}
		seen[region] = path
	}
	if v.required("organization.regions.primary", r.Primary) {
		check("organization.regions.primary", r.Primary)
	}
	if r.Secondary != "" {
		check("organization.regions.secondary", r.Secondary)
	}
	for i, region := range r.Additional {
		check(indexPath("organization.regions.additional", i), region)
	}
}

func (v *validator) region(path, region string) bool {
	known := CommercialRegions()
	switch {
	case !regionRE.MatchString(region):
		msg := fmt.Sprintf("%q is not an AWS region code such as us-east-1", region)
		if s := policy.Suggest(region, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add(path, "%s", msg)
		return false
	case !slices.Contains(known, region):
		msg := fmt.Sprintf("%q is not a commercial AWS region", region)
		if s := policy.Suggest(region, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add(path, "%s", msg)
		return false
	}
	return true
}

func (v *validator) tiers() {
	s := v.s
	if len(s.Tiers) == 0 {
		if s.pos.has("tiers") {
			v.add("tiers", "at least one tier is required")
		}
		return
	}
	targets := map[string]string{} // tier and target -> the path naming it
	for _, name := range s.TierNames() {
		v.tier(name, s.Tiers[name], targets)
	}
}

func (v *validator) tier(name string, t Tier, targets map[string]string) {
	s := v.s
	base := "tiers." + name
	nameOK := tierNameRE.MatchString(name)
	if !nameOK {
		v.addKey(base, "tier name %q must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit", name)
	}
	presets := []string{PresetNone}
	for _, pt := range policy.Tiers() {
		presets = append(presets, pt.String())
	}
	presetOK := v.oneOf(base+".preset", t.Preset, presets)
	if t.Encryption != "" {
		v.oneOf(base+".encryption", t.Encryption, []string{string(policy.CustomerManagedKey), string(policy.AWSManagedKey)})
	}
	if t.Preset == PresetNone {
		if t.Schedule == "" {
			v.add(base+".schedule", "is required for a tier without a preset")
		}
		if t.LocalRetention == "" {
			v.add(base+".local_retention", "is required for a tier without a preset")
		}
	}
	e, probs := s.effectiveTier(name, t)
	for _, p := range probs {
		v.add(p.path, "%s", p.msg)
	}
	if e.CrossRegion && s.Organization.Regions.Secondary == "" {
		v.add(v.written(base+".cross_region", base), "cross_region needs organization.regions.secondary")
	}
	if e.CrossRegion && e.SecondaryRetention == 0 && len(probs) == 0 {
		v.add(v.written(base+".cross_region", base), "cross_region needs central_retention or secondary_retention")
	}
	if t.SecondaryRetention != "" && !e.CrossRegion {
		v.add(base+".secondary_retention", "has no effect without cross_region: true")
	}
	if t.Schedule != "" {
		if _, err := policy.ParseSchedule(t.Schedule); err != nil {
			v.add(base+".schedule", "%v", err)
		}
	}
	if len(probs) == 0 && e.RPO > 0 && e.Schedule != "" {
		v.objective(name, base, e)
	}
	v.restoreTesting(base, t, e)
	v.lockRange(base, "central_retention", e.CentralRetention)
	if e.CrossRegion && t.SecondaryRetention != "" {
		v.lockRange(base, "secondary_retention", e.SecondaryRetention)
	}
	if t.Selection != nil {
		for _, k := range slices.Sorted(maps.Keys(t.Selection.Tags)) {
			path := base + ".selection.tags." + k
			switch {
			case k == "" || utf8.RuneCountInString(k) > 128:
				v.addKey(path, "tag key must be 1 to 128 characters")
			case utf8.RuneCountInString(t.Selection.Tags[k]) > 256:
				v.add(path, "tag value is longer than 256 characters")
			}
		}
		for i, rt := range t.Selection.ResourceTypes {
			v.oneOf(indexPath(base+".selection.resource_types", i), rt, knownResourceTypes())
		}
	}
	if len(t.Targets) == 0 {
		if s.pos.has(base + ".targets") {
			v.add(base+".targets", "a tier needs at least one target: an OU ID (ou-...), an OU name or an account ID")
		}
	}
	for i, target := range t.Targets {
		path := indexPath(base+".targets", i)
		switch {
		case target == "":
			v.add(path, "target must not be empty")
			continue
		case strings.HasPrefix(target, "ou-") && !ouIDRE.MatchString(target):
			v.add(path, "%q is not an OU ID (AWS: ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$)", target)
			continue
		case isDigits(target) && !policy.IsAccountID(target):
			v.add(path, "%q is not a 12-digit account ID", target)
			continue
		case target == s.Organization.ManagementAccount:
			v.add(path, "the management account %s cannot be a target: orgbackup keeps workloads out of the management account (AWS recommends it hold none), so it gets no local vault or backup role", target)
			continue
		}
		// Several tiers may target one OU or account (a base tier and a
		// data-class tier, say): their plans run there side by side. A
		// tier names a target once.
		key := name + "\x00" + target
		if first, dup := targets[key]; dup {
			v.add(path, "%s is already a target of %s", target, first)
			continue
		}
		targets[key] = path
	}
	if v.planInputsOK && nameOK && presetOK && len(probs) == 0 && e.Schedule != "" && e.LocalRetention > 0 {
		v.tierPlan(name, base)
	}
}

// objective checks that the tier's schedule can meet its RPO: the newest
// backup of a tier can be as old as the schedule's largest gap plus the
// start and completion windows (EffectiveTier.ScheduleLimit) without any
// job failing, so a smaller RPO is a promise the plan cannot keep.
func (v *validator) objective(name, base string, e EffectiveTier) {
	limit, err := e.ScheduleLimit(time.Time{})
	if err != nil {
		return // the schedule or time zone is reported elsewhere
	}
	if e.RPO >= limit {
		return
	}
	gap, _ := e.MaxScheduleGap(time.Time{})
	start, completion := e.Windows()
	field := base + ".rpo"
	v.addAt(field, v.written(field, base), false,
		"rpo %s is shorter than the %s the schedule can guarantee (largest gap between runs %s + start window %s + completion window %s): raise rpo to at least %s, or run the schedule more often or shorten the windows",
		formatWindow(e.RPO), formatWindow(limit), formatWindow(gap), formatWindow(start), formatWindow(completion), formatWindow(limit))
}

// formatWindow writes a duration as a spec would: "36h", "8d4h", "90m".
func formatWindow(d time.Duration) string {
	if d <= 0 {
		return "0m"
	}
	out := ""
	if n := d / (24 * time.Hour); n > 0 {
		out += strconv.FormatInt(int64(n), 10) + "d"
		d -= n * 24 * time.Hour
	}
	if n := d / time.Hour; n > 0 {
		out += strconv.FormatInt(int64(n), 10) + "h"
		d -= n * time.Hour
	}
	if n := d / time.Minute; n > 0 {
		out += strconv.FormatInt(int64(n), 10) + "m"
	}
	return out
}

// written returns path if the file sets it, else fallback: a problem that
// comes from a preset is reported at the tier.
func (v *validator) written(path, fallback string) string {
	if v.s.pos.has(path) {
		return path
	}
	return fallback
}

// lockRange checks a central retention against the central vault lock:
// AWS Backup fails any copy job whose retention falls outside the lock's
// range (PutBackupVaultLockConfiguration).
func (v *validator) lockRange(base, field string, days policy.Days) {
	l := v.s.Central.Lock
	if l == nil || days == 0 {
		return
	}
	lo, errLo := optionalDays(l.MinRetention)
	hi, errHi := optionalDays(l.MaxRetention)
	if errLo != nil || errHi != nil || (lo > 0 && hi > 0 && lo > hi) {
		return
	}
	path := base + "." + field
	if (lo > 0 && days < lo) || (hi > 0 && days > hi) {
		v.addAt(path, v.written(path, base), false,
			"%s %d days (%s) is outside the central vault lock's retention range %s (central.lock): AWS Backup would fail the copy jobs",
			field, days, FormatDays(days), lockRangeText(lo, hi))
	}
}

func lockRangeText(lo, hi policy.Days) string {
	switch {
	case lo > 0 && hi > 0:
		return fmt.Sprintf("min_retention %s to max_retention %s", daysText(lo), daysText(hi))
	case lo > 0:
		return fmt.Sprintf("min_retention %s and up", daysText(lo))
	}
	return fmt.Sprintf("up to max_retention %s", daysText(hi))
}

func daysText(d policy.Days) string {
	if d == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

func optionalDays(s string) (policy.Days, error) {
	if s == "" {
		return 0, nil
	}
	return ParseRetention(s)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// tierPlan compiles the tier and validates the plan as an Organizations
// backup policy, reporting each problem at the spec field it comes from.
func (v *validator) tierPlan(name, base string) {
	p, err := v.s.TierPlan(name)
	if err != nil {
		return
	}
	errs := policy.FieldErrors(p.Validate(policy.TargetPolicy))
	for _, fe := range errs {
		field := v.planField(name, base, fe.Path)
		v.addAt(field, v.written(field, base), false, "%s", fe.Message)
	}
	// Secondary copies the copier makes from the central vault are not in
	// the plan; their lifecycle follows the same rule (Lifecycle, AWS
	// Backup API reference: 90 days in cold storage before deletion).
	if t, err := v.s.Tier(name); err == nil && v.s.SecondaryFromCentral(t) && t.SecondaryColdAfter > 0 && t.SecondaryRetention > 0 &&
		t.SecondaryRetention < t.SecondaryColdAfter+policy.MinColdStorageDays {
		field := base + ".secondary_retention"
		v.addAt(field, v.written(field, base), false, "%d days must be at least %d days after move_to_cold_storage_after_days (%d): at least %d",
			t.SecondaryRetention, policy.MinColdStorageDays, t.SecondaryColdAfter, t.SecondaryColdAfter+policy.MinColdStorageDays)
		return
	}
	if len(errs) > 0 {
		return
	}
	v.tierPlanCompiles(name, base, p)
}

// tierPlanCompiles checks the tier's plan the way plan and apply use it,
// so that plan finds no problem validate could have found: compiled to an
// Organizations backup policy, or, in direct distribution, validated as
// CreateBackupPlan input.
func (v *validator) tierPlanCompiles(name, base string, p *policy.Plan) {
	s := v.s
	for _, e := range v.errs {
		if e.Path == base || strings.HasPrefix(e.Path, base+".") {
			return // the tier's own problems come first
		}
	}
	if s.Organization.Distribution == DistributionDirect {
		ap, err := s.TierPlanForAccount(name, s.Organization.BackupAccount)
		if err != nil {
			return
		}
		for _, fe := range policy.FieldErrors(ap.Validate(policy.TargetAPI)) {
			field := v.planField(name, base, fe.Path)
			v.addAt(field, v.written(field, base), false, "%s (as a backup plan of the Backup API)", fe.Message)
		}
		return
	}
	if _, err := policy.CompileOrganizationsPolicy([]policy.Plan{*p}, policy.CompileOptions{}); err != nil {
		field := base + ".selection"
		v.addAt(field, v.written(field, base), false, "the tier's plan does not compile to an Organizations backup policy: %v", err)
	}
}

// planField maps the path of a plan FieldError to the spec field the plan
// value came from.
func (v *validator) planField(tier, base string, path []string) string {
	s := v.s
	last := ""
	if len(path) > 0 {
		last = path[len(path)-1]
	}
	has := func(elem string) bool { return slices.Contains(path, elem) }
	switch {
	case len(path) > 0 && path[0] == "regions":
		return "organization.regions"
	case has("copy_actions"):
		secondary := s.Organization.Regions.Secondary != "" && slices.Contains(path, s.CentralVaultARN(s.Organization.Regions.Secondary))
		switch {
		case last == "target_backup_vault_arn":
			if secondary {
				return "organization.regions.secondary"
			}
			return "central.vault"
		case last == "move_to_cold_storage_after_days" && secondary:
			return base + ".cold_storage.secondary"
		case last == "move_to_cold_storage_after_days":
			return base + ".cold_storage.central"
		case secondary:
			return base + ".secondary_retention"
		}
		return base + ".central_retention"
	case has("selections"):
		if last == "iam_role_arn" {
			return "local.backup_role"
		}
		return base + ".selection"
	}
	switch last {
	case "schedule_expression":
		return base + ".schedule"
	case "schedule_expression_timezone":
		return base + ".timezone"
	case "start_backup_window_minutes":
		return base + ".start_window"
	case "complete_backup_window_minutes":
		return base + ".completion_window"
	case "target_backup_vault_name":
		return "local.vault"
	case "move_to_cold_storage_after_days":
		if s.Tiers[tier].Continuous {
			return base + ".continuous"
		}
		if s.pos.has(base + ".cold_storage.local") {
			return base + ".cold_storage.local"
		}
		return base + ".cold_after"
	case "delete_after_days":
		return base + ".local_retention"
	}
	return base
}

func (v *validator) vaultName(path, name string) bool {
	if !vaultNameRE.MatchString(name) {
		v.add(path, "vault name %q must be 2 to 50 letters, digits, '-' or '_'", name)
		return false
	}
	return true
}

func (v *validator) central() {
	c := v.s.Central
	v.vaultName("central.vault", c.Vault)
	if l := c.Lock; l != nil {
		v.lock(l)
	}
	if a := c.AirGapped; a != nil {
		if v.required("central.air_gapped.vault", a.Vault) && v.vaultName("central.air_gapped.vault", a.Vault) && a.Vault == c.Vault {
			v.add("central.air_gapped.vault", "the air-gapped vault needs its own name, not the central vault's (%s)", c.Vault)
		}
		lo := v.days("central.air_gapped.min_retention", a.MinRetention, true)
		hi := v.days("central.air_gapped.max_retention", a.MaxRetention, true)
		if lo > 0 && lo < MinAirGappedRetentionDays {
			v.add("central.air_gapped.min_retention", "%d days is less than the %d days AWS requires of a logically air-gapped vault", lo, MinAirGappedRetentionDays)
		}
		if hi > MaxLockDays {
			v.add("central.air_gapped.max_retention", "%d days exceeds the maximum of %d days", hi, MaxLockDays)
		}
		if lo > 0 && hi > 0 && lo > hi {
			v.add("central.air_gapped.max_retention", "max_retention (%d days) is less than min_retention (%d days)", hi, lo)
		}
	}
}

// days parses a retention field, reporting errors; 0 if absent or invalid.
func (v *validator) days(path, value string, required bool) policy.Days {
	if value == "" {
		if required {
			v.required(path, value)
		}
		return 0
	}
	d, err := ParseRetention(value)
	if err != nil {
		v.add(path, "%v", err)
		return 0
	}
	return d
}

func (v *validator) lock(l *Lock) {
	if v.required("central.lock.mode", l.Mode) {
		v.oneOf("central.lock.mode", l.Mode, []string{LockGovernance, LockCompliance})
	}
	lo := v.days("central.lock.min_retention", l.MinRetention, false)
	hi := v.days("central.lock.max_retention", l.MaxRetention, false)
	if hi > MaxLockDays {
		v.add("central.lock.max_retention", "%d days exceeds the maximum of %d days (about 100 years)", hi, MaxLockDays)
	}
	if lo > 0 && hi > 0 && lo > hi {
		v.add("central.lock.max_retention", "max_retention (%d days) is less than min_retention (%d days)", hi, lo)
	}
	switch l.Mode {
	case LockCompliance:
		switch {
		case l.ChangeableForDays == 0:
			v.add("central.lock.changeable_for_days", "compliance mode needs changeable_for_days (at least %d): after that many days the lock can no longer be changed or removed, by anyone", MinLockChangeableForDays)
		case l.ChangeableForDays < MinLockChangeableForDays:
			v.add("central.lock.changeable_for_days", "%d is less than %d: AWS Backup enforces a 72-hour cooling-off period before the lock becomes immutable", l.ChangeableForDays, MinLockChangeableForDays)
		case l.ChangeableForDays > MaxLockDays:
			v.add("central.lock.changeable_for_days", "%d exceeds the maximum of %d days", l.ChangeableForDays, MaxLockDays)
		}
	case LockGovernance:
		if l.ChangeableForDays != 0 {
			v.add("central.lock.changeable_for_days", "is for compliance mode only: setting it makes the lock immutable after that many days")
		}
	}
}

func (v *validator) local() {
	l := v.s.Local
	v.vaultName("local.vault", l.Vault)
	if !roleNameRE.MatchString(l.BackupRole) {
		v.add("local.backup_role", "%q is not an IAM role name (1 to 64 letters, digits or +=,.@_-)", l.BackupRole)
	}
}

func (v *validator) kms() {
	a := v.s.KMS.Alias
	switch {
	case !kmsAliasRE.MatchString(a) || len(a) > 256:
		v.add("kms.alias", "%q is not a KMS alias name: alias/ followed by letters, digits, '/', '_' or '-'", a)
	case strings.HasPrefix(a, "alias/aws/"):
		v.add("kms.alias", "alias names starting with alias/aws/ are reserved for AWS-managed keys")
	}
}

func (v *validator) notifications() {
	n := v.s.Notifications
	if n == nil {
		return
	}
	if !topicNameRE.MatchString(n.Topic) {
		v.add("notifications.topic", "%q is not an SNS topic name (1 to 256 letters, digits, '-' or '_')", n.Topic)
	}
	if len(n.Events) == 0 && v.s.pos.has("notifications.events") {
		v.add("notifications.events", "at least one event is required")
	}
	seen := map[string]bool{}
	for i, ev := range n.Events {
		path := indexPath("notifications.events", i)
		if instead, ok := DeprecatedBackupVaultEvents()[ev]; ok {
			v.add(path, "%s is deprecated by AWS Backup and never sends a notification; use %s", ev, instead)
			continue
		}
		if !v.oneOf(path, ev, BackupVaultEvents()) {
			continue
		}
		if seen[ev] {
			v.add(path, "event %s is listed twice", ev)
		}
		seen[ev] = true
	}
	for i, addr := range n.Emails {
		if !emailRE.MatchString(addr) {
			v.add(indexPath("notifications.emails", i), "%q is not an e-mail address", addr)
		}
	}
	v.tierEmails()
}

func (v *validator) reports() {
	r := v.s.Reports
	if r == nil {
		return
	}
	if v.required("reports.bucket", r.Bucket) {
		if msg := checkBucketName(r.Bucket); msg != "" {
			v.add("reports.bucket", "%q is not a valid S3 bucket name: %s", r.Bucket, msg)
		}
	}
	v.uniqueOneOf("reports.formats", r.Formats, ReportFormats())
	v.uniqueOneOf("reports.templates", r.Templates, ReportTemplates())
	names := map[string]bool{}
	for i, f := range r.Frameworks {
		base := indexPath("reports.frameworks", i)
		if !frameworkNameRE.MatchString(f.Name) {
			v.add(base+".name", "framework name %q must start with a letter and contain only letters, digits and '_' (at most 256)", f.Name)
		} else if names[f.Name] {
			v.add(base+".name", "framework %s is defined twice", f.Name)
		}
		names[f.Name] = true
		if len(f.Controls) == 0 && v.s.pos.has(base+".controls") {
			v.add(base+".controls", "a framework needs at least one control")
		}
		v.uniqueOneOf(base+".controls", f.Controls, FrameworkControls())
	}
}

func (v *validator) uniqueOneOf(base string, values, allowed []string) {
	seen := map[string]bool{}
	for i, x := range values {
		path := indexPath(base, i)
		if !v.oneOf(path, x, allowed) {
			continue
		}
		if seen[x] {
			v.add(path, "%s is listed twice", x)
		}
		seen[x] = true
	}
}

// checkBucketName applies the general purpose bucket naming rules
// ("General purpose bucket naming rules", Amazon S3 User Guide) and returns
// what is wrong, or "".
func checkBucketName(b string) string {
	switch {
	case len(b) < 3 || len(b) > 63:
		return "it must be 3 to 63 characters long"
	case !bucketRE.MatchString(b):
		return "use lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit"
	case strings.Contains(b, ".."):
		return "it must not contain two adjacent periods"
	case isIPv4(b):
		return "it must not be formatted as an IP address"
	}
	for _, p := range bucketReservedPrefixes() {
		if strings.HasPrefix(b, p) {
			return "the prefix " + p + " is reserved"
		}
	}
	for _, sfx := range bucketReservedSuffixes() {
		if strings.HasSuffix(b, sfx) {
			return "the suffix " + sfx + " is reserved"
		}
	}
	return ""
}

// bucketReservedPrefixes are the prefixes S3 reserves ("General purpose
// bucket naming rules").
func bucketReservedPrefixes() []string { return []string{"xn--", "sthree-", "amzn-s3-demo-"} }

// bucketReservedSuffixes are the suffixes S3 reserves (same page).
func bucketReservedSuffixes() []string {
	return []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
}

func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// tags checks tags orgbackup puts on resources: keys of 1 to 128 and
// values of at most 256 characters of the allowed set, keys not starting
// with the reserved "aws:" ("Tag naming limits and requirements").
func (v *validator) tags(base string, tags map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		path := base + "." + k
		if v.tagKey(path, k) {
			v.tagValue(path, tags[k])
		}
	}
}

func (v *validator) tagKey(path, k string) bool {
	switch {
	case k == "" || utf8.RuneCountInString(k) > 128:
		v.addKey(path, "tag key must be 1 to 128 characters")
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		v.addKey(path, "tag keys starting with aws: are reserved for AWS")
	case strings.HasPrefix(k, "orgbackup:"):
		v.addKey(path, "tag keys starting with orgbackup: are set by orgbackup")
	case !tagCharsRE.MatchString(k):
		v.addKey(path, "tag key %q may contain only letters, digits, spaces and _ . : / = + - @", k)
	default:
		return true
	}
	return false
}

func (v *validator) tagValue(path, val string) {
	switch {
	case utf8.RuneCountInString(val) > 256:
		v.add(path, "is longer than 256 characters, the limit of a tag value")
	case !tagCharsRE.MatchString(val):
		v.add(path, "%s may contain only letters, digits, spaces and _ . : / = + - @ (it is used as a tag value)", strconv.Quote(val))
	}
}
