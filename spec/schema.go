package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

//go:generate go test -run TestTimeZoneNames -update
//go:generate go test -run TestSchemaFile -update

// SchemaID is the $id of the spec's JSON Schema.
const SchemaID = "https://github.com/orgbackup/orgbackup/schema/orgbackup.schema.json"

// comparisonsVocabulary is the URL of the vocabulary of the schema's
// x-orgbackup- keywords (package schema/vocab).
const comparisonsVocabulary = "https://github.com/orgbackup/orgbackup/schema/vocab/comparisons"

// Patterns of spec values, shared by the JSON Schema and validation.
const (
	retentionPattern = `^[1-9][0-9]{0,8}[dwy]$`
	windowPattern    = `^[1-9][0-9]{0,8}[mhdw]$`
	tierNamePattern  = `^[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}$`
)

// schema is a JSON Schema (draft 2020-12) node; fields marshal in a fixed
// order and maps sort their keys, so the output is deterministic.
//
// PatternErrorMessage and ErrorMessage are what editors
// (yaml-language-server, VS Code) show instead of a failed pattern or
// rule; validators ignore them.
type schema struct {
	Schema               string             `json:"$schema,omitempty"`
	ID                   string             `json:"$id,omitempty"`
	Comment              string             `json:"$comment,omitempty"`
	Title                string             `json:"title,omitempty"`
	Description          string             `json:"description,omitempty"`
	Type                 any                `json:"type,omitempty"` // a type name, or a list of them
	Enum                 []any              `json:"enum,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	PatternErrorMessage  string             `json:"patternErrorMessage,omitempty"`
	Format               string             `json:"format,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	Minimum              *int               `json:"minimum,omitempty"`
	Maximum              *int               `json:"maximum,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MinProperties        *int               `json:"minProperties,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	UniqueItems          bool               `json:"uniqueItems,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	Contains             *schema            `json:"contains,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	PropertyNames        *schema            `json:"propertyNames,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"`
	Not                  *schema            `json:"not,omitempty"`
	AnyOf                []*schema          `json:"anyOf,omitempty"`
	AllOf                []*schema          `json:"allOf,omitempty"`
	If                   *schema            `json:"if,omitempty"`
	Then                 *schema            `json:"then,omitempty"`
	ErrorMessage         string             `json:"errorMessage,omitempty"`

	// Keywords of the comparisons vocabulary (schema/vocab), which
	// compare two values of the instance; validators without the
	// vocabulary ignore them.
	Distinct      [][]string      `json:"x-orgbackup-distinct,omitempty"`
	Equal         [][]string      `json:"x-orgbackup-equal,omitempty"`
	DurationOrder []durationOrder `json:"x-orgbackup-durationOrder,omitempty"`
	DateOrder     []dateOrder     `json:"x-orgbackup-dateOrder,omitempty"`
	MemberOf      []memberOf      `json:"x-orgbackup-memberOf,omitempty"`
	UniqueBy      string          `json:"x-orgbackup-uniqueBy,omitempty"`
}

// dateOrder is an entry of x-orgbackup-dateOrder: every date at Earlier is
// on or before every date at Later.
type dateOrder struct {
	Earlier string `json:"earlier"`
	Later   string `json:"later"`
}

// memberOf is an entry of x-orgbackup-memberOf: the strings at Values, or
// the member names of the objects at Names, name members of an object at
// Of.
type memberOf struct {
	Values string `json:"values,omitempty"`
	Names  string `json:"names,omitempty"`
	Of     string `json:"of"`
}

// durationOrder is an entry of x-orgbackup-durationOrder: every duration at
// Shorter, plus Plus, is at most every duration at Longer.
type durationOrder struct {
	Shorter string `json:"shorter"`
	Longer  string `json:"longer"`
	Plus    string `json:"plus,omitempty"`
}

// JSONSchema returns the JSON Schema (draft 2020-12) of the spec format,
// generated from the Spec types: their JSON names, required fields, the
// documentation in fieldDocs and the constraints in fieldConstraints.
// Editors use it to complete and check .github/aws-backup.yaml; Load
// remains the authority. The schema refuses what Load refuses; the rules
// that compare two values of the spec are keywords of the comparisons
// vocabulary (schema/vocab), which editors ignore.
func JSONSchema() ([]byte, error) {
	root, err := schemaOf(reflect.TypeFor[Spec](), "")
	if err != nil {
		return nil, err
	}
	root.Schema = "https://json-schema.org/draft/2020-12/schema"
	root.ID = SchemaID
	root.Title = "orgbackup spec"
	root.Description = "The backup architecture of an AWS organization, as kept in .github/aws-backup.yaml. See Defaults for omitted fields."
	root.Comment = "The x-orgbackup- keywords compare two values of the spec; they belong to the vocabulary " + comparisonsVocabulary +
		" (meta-schema schema/vocab/comparisons.schema.json), which validators and editors without it ignore."
	root.AllOf = append(root.AllOf, specRules()...)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encoding JSON Schema: %w", err)
	}
	return buf.Bytes(), nil
}

func schemaOf(t reflect.Type, field string) (*schema, error) {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), field)
	case reflect.Struct:
		s := &schema{Type: "object", AdditionalProperties: false, Properties: map[string]*schema{}}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omit := jsonName(f)
			key := t.Name() + "." + f.Name
			doc, ok := fieldDocs(key)
			if !ok {
				return nil, fmt.Errorf("field %s has no schema documentation", key)
			}
			fs, err := schemaOf(f.Type, key)
			if err != nil {
				return nil, err
			}
			fs.Description = doc
			fieldConstraints(key, fs)
			s.Properties[name] = fs
			if !omit && !isOptionalField(key) {
				s.Required = append(s.Required, name)
			} else if typ, ok := fs.Type.(string); ok {
				// Load reads an empty value (null) as an absent key.
				fs.Type = []string{typ, "null"}
				if fs.Enum != nil {
					fs.Enum = append(fs.Enum, nil)
				}
			}
		}
		sort.Strings(s.Required)
		return s, nil
	case reflect.Map:
		elem, err := schemaOf(t.Elem(), field+"[]")
		if err != nil {
			return nil, err
		}
		fieldConstraints(field+"[]", elem)
		return &schema{Type: "object", AdditionalProperties: elem}, nil
	case reflect.Slice:
		elem, err := schemaOf(t.Elem(), field+"[]")
		if err != nil {
			return nil, err
		}
		fieldConstraints(field+"[]", elem)
		return &schema{Type: "array", Items: elem}, nil
	case reflect.String:
		return &schema{Type: "string"}, nil
	case reflect.Int:
		return &schema{Type: "integer"}, nil
	case reflect.Float64:
		return &schema{Type: "number"}, nil
	case reflect.Bool:
		return &schema{Type: "boolean"}, nil
	}
	return nil, fmt.Errorf("field %s: no JSON Schema for kind %s", field, t.Kind())
}

func ptr(i int) *int { return &i }

func enumOf(values ...string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// fieldConstraints adds the enums, patterns and bounds of a field ("Type.Field",
// or "Type.Field[]" for the elements of a list or map).
func fieldConstraints(key string, s *schema) {
	vault := `^[a-zA-Z0-9_-]{2,50}$`
	role := `^[\w+=,.@-]{1,64}$`
	costFieldConstraints(key, s)
	s.AllOf = append(s.AllOf, comparisonRules(key)...)
	switch key {
	case "Spec.Version":
		s.Enum = []any{1}
	case "Spec.Tiers":
		s.PropertyNames = &schema{Pattern: tierNamePattern}
		s.MinProperties = ptr(1) // at least one tier
		s.AllOf = append(s.AllOf, tiersRules())
	case "Spec.Name", "Spec.Tags[]", "Selection.Tags[]":
		s.Pattern = tagCharsRE.String() // used as a tag value
	case "Spec.Tags", "Selection.Tags":
		// Keys starting with aws: are AWS's.
		s.PropertyNames = &schema{Pattern: tagCharsRE.String(), Not: &schema{Pattern: "^[aA][wW][sS]:"}}
	case "Organization.ManagementAccount", "Organization.BackupAccount":
		s.Pattern = "^[0-9]{12}$"
	case "Organization.ExecutionRole", "Local.BackupRole":
		s.Pattern = role
	case "Organization.Distribution":
		s.Enum = enumOf(DistributionPolicies, DistributionDirect)
	case "Regions.Primary", "Regions.Secondary", "Regions.Additional[]":
		s.Enum = enumOf(CommercialRegions()...)
	case "Regions.Additional":
		s.UniqueItems = true
	case "Tier.Preset":
		s.Enum = enumOf(PresetNone, "production", "staging", "development")
	case "Tier.Schedule", "RestoreTesting.Schedule":
		s.Pattern = cronPattern()
		s.PatternErrorMessage = "an AWS cron expression, cron(minutes hours day-of-month month day-of-week year), one of day-of-month and day-of-week ?, one minute of the hour (at most hourly), e.g. cron(0 2 * * ? *)"
	case "Tier.Timezone", "RestoreTesting.Timezone":
		s.Enum = enumOf(timeZoneNames()...)
	case "Tier.StartWindow":
		s.Pattern = startWindowPattern()
		s.PatternErrorMessage = "a whole number and m, h, d or w, from 60m to 100 years, e.g. 1h"
	case "Tier.CompletionWindow":
		s.Pattern = completionWindowPattern()
		s.PatternErrorMessage = "a whole number and m, h, d or w, at most 100 years, e.g. 8h"
	case "Tier.RPO", "Tier.RTO":
		s.Pattern = windowPattern
	case "Tier.LocalRetention", "Tier.ColdAfter", "Tier.CentralRetention", "Tier.SecondaryRetention",
		"Lock.MinRetention":
		s.Pattern = retentionPattern
	case "Lock.MaxRetention", "AirGapped.MaxRetention":
		s.Pattern = lockMaxPattern()
		s.PatternErrorMessage = "a whole number and d, w or y, at most 36500 days, e.g. 3650d"
	case "AirGapped.MinRetention":
		s.Pattern = airGappedMinPattern()
		s.PatternErrorMessage = "a whole number and d, w or y, at least 7 days, e.g. 7d"
	case "Tier.Encryption":
		s.Enum = enumOf("customer-managed", "aws-managed")
	case "Tier.Targets":
		s.MinItems = ptr(1)
		s.UniqueItems = true
	case "Tier.Targets[]":
		targetSchema(s)
		s.ErrorMessage = "a 12-digit account ID, an OU ID (ou-...) or an OU name (not all digits, not starting with ou-)"
	case "RestoreTesting.Lookback":
		s.Pattern = retentionPattern
	case "RestoreTesting.ValidationWindow", "RestoreTesting.KeepRestored":
		s.Pattern = windowPattern
	case "RestoreTesting.Count":
		s.Minimum = ptr(0) // 0 is unset
	case "RestoreTesting.Percent":
		s.Minimum, s.Maximum = ptr(0), ptr(100) // 0 is unset
	case "RestoreTesting.Metadata":
		s.PropertyNames = &schema{Enum: enumOf(knownResourceTypes()...)}
	case "RestoreTesting.Vaults":
		s.UniqueItems = true
	case "RestoreTesting.Vaults[]":
		s.Enum = enumOf(RestoreVaultLocal, RestoreVaultCentral, RestoreVaultSecondary)
	case "Selection.ResourceTypes[]", "RestoreTesting.ResourceTypes[]":
		s.Enum = enumOf(knownResourceTypes()...)
	case "Central.Vault", "Local.Vault", "AirGapped.Vault":
		s.Pattern = vault
	case "Lock.Mode":
		s.Enum = enumOf(LockGovernance, LockCompliance)
	case "Lock.ChangeableForDays":
		s.Minimum, s.Maximum = ptr(MinLockChangeableForDays), ptr(MaxLockDays)
	case "KMS.Alias":
		s.Pattern = kmsAliasRE.String()
		s.Not = &schema{Pattern: "^alias/aws/"} // AWS-managed keys' aliases
	case "Notifications.Topic":
		s.Pattern = topicNameRE.String()
	case "Notifications.Events":
		s.MinItems = ptr(1)
		s.UniqueItems = true
	case "Notifications.Events[]":
		s.Enum = enumOf(BackupVaultEvents()...)
	case "Notifications.Emails[]", "Notifications.TierEmails[][]", "BreakGlass.Recipients[]":
		s.Format = "email"
		s.Pattern = emailRE.String() // with a dotted domain
	case "AccessRole.Principals", "BreakGlass.Principals", "Notifications.TierEmails[]":
		s.MinItems = ptr(1)
	case "TeamRoles.Operators", "TeamRoles.BreakGlass":
		s.AllOf = append(s.AllOf, withMessages([]*schema{{
			Comment: "{account} stands for a workload account and is allowed only in workload_restore.",
			Properties: map[string]*schema{"principals": {Items: &schema{
				Not: &schema{Pattern: `:iam::\{account\}:`},
			}}},
		}})...)
	case "Spec.LegalHolds[]":
		selects := func(key string) *schema {
			return &schema{Required: []string{key}, Properties: map[string]*schema{key: {Type: "array", MinItems: ptr(1)}}}
		}
		s.AllOf = append(s.AllOf, withMessages([]*schema{{
			Comment: "A legal hold selects accounts with tiers, accounts or both.",
			AnyOf:   []*schema{selects("tiers"), selects("accounts")},
		}})...)
	case "AccessRole.Principals[]", "BreakGlass.Principals[]":
		s.Pattern = accessPrincipalRE.String()
	case "LegalHold.From", "LegalHold.To":
		// time.DateOnly; format date adds the days of each month.
		s.Pattern = `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`
		s.Format = "date"
	case "LegalHold.Title":
		s.Pattern = legalHoldTitleRE.String()
	case "Reports.Bucket":
		bucketSchema(s)
		s.ErrorMessage = "an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, no two adjacent periods, not an IP address, no reserved prefix or suffix"
	case "Reports.Frameworks":
		// Two identical frameworks; two of one name are refused by
		// comparisonRules.
		s.UniqueItems = true
	case "Central.Lock":
		s.AllOf = append(s.AllOf, lockRules()...)
	case "Reports.Formats", "Reports.Templates", "Framework.Controls":
		s.UniqueItems = true
		if key == "Framework.Controls" {
			s.MinItems = ptr(1)
		}
	case "Reports.Formats[]":
		s.Enum = enumOf(ReportFormats()...)
	case "Reports.Templates[]":
		s.Enum = enumOf(ReportTemplates()...)
	case "Framework.Controls[]":
		s.Enum = enumOf(FrameworkControls()...)
	case "Framework.Name":
		s.Pattern = frameworkNameRE.String()
	case "AirGapped.ShareWith":
		s.UniqueItems = true
	case "AirGapped.ShareWith[]":
		s.Pattern = "^[0-9]{12}$"
	case "Tier.ChildPolicies":
		s.Enum = enumOf(ChildPoliciesFree, ChildPoliciesLockPlan, ChildPoliciesLockAll)
	case "Guardrails.DeployRole", "Guardrails.BreakGlassRole":
		s.Pattern = role
	}
}

// fieldDocs returns the description of a field ("Type.Field") in the JSON
// Schema; it follows the field's doc comment in spec.go.
func fieldDocs(key string) (string, bool) {
	if d, ok := costFieldDocs(key); ok {
		return d, true
	}
	d, ok := map[string]string{
		"Spec.Version":       "Spec format version; must be 1.",
		"Spec.Name":          "Identifies the spec; resources orgbackup manages are tagged orgbackup:spec=NAME. Default orgbackup.",
		"Spec.Organization":  "Which accounts play which role, and where.",
		"Spec.Tiers":         "Backup tiers by name. production, staging and development start from the presets of the same name; other names are custom tiers.",
		"Spec.Central":       "The backup account's central vaults.",
		"Spec.Local":         "The vault in each workload account.",
		"Spec.KMS":           "Customer-managed KMS keys.",
		"Spec.Notifications": "SNS notifications of backup events.",
		"Spec.Reports":       "Backup reports delivered to S3, and audit frameworks.",
		"Spec.Tags":          "Tags added to every resource orgbackup creates.",
		"Spec.Guardrails":    "Service control policies, vault and key policy denies and child-policy locks that keep the accounts' own administrators from deleting or weakening backups; off when omitted.",

		"Guardrails.Enabled":        "Turn the guardrails on. Default true when the section is present.",
		"Guardrails.DeployRole":     "Role orgbackup deploys with in every account (must be organization.execution_role); exempt from the guardrails on what orgbackup changes. Default orgbackup-deploy.",
		"Guardrails.BreakGlassRole": "Emergency role exempt from every guardrail. Default orgbackup-break-glass.",
		"Spec.TeamRoles":            "IAM roles people use: backup operators, workload restore, break-glass.",
		"Spec.LegalHolds":           "Legal holds: recovery points AWS Backup keeps past their lifecycle until released with a reason.",

		"TeamRoles.Operators":       "Backup operators in the backup account: operate backup, copy and restore jobs, read everything, delete nothing.",
		"TeamRoles.WorkloadRestore": "A restore role in each workload account, for that account's recovery points. {account} in a principal is the account ID.",
		"TeamRoles.BreakGlass":      "Emergency administrator role in every member account: MFA required, one-hour sessions, use alerted to recipients.",
		"AccessRole.Principals":     "ARN patterns of the IAM roles or users that may assume the role.",
		"AccessRole.MFA":            "Require multi-factor authentication to assume the role.",
		"BreakGlass.Principals":     "ARN patterns of who may assume the role, with MFA.",
		"BreakGlass.Recipients":     "E-mail addresses alerted when the role is assumed.",

		"LegalHold.Title":         "Names the hold; unique in the spec.",
		"LegalHold.Description":   "Why the recovery points are held.",
		"LegalHold.Tiers":         "Hold the recovery points of these tiers' accounts.",
		"LegalHold.Accounts":      "Hold the recovery points of these accounts.",
		"LegalHold.ResourceTypes": "Only recovery points of these resource types (EC2, RDS, S3...).",
		"LegalHold.Tags":          "Only recovery points of resources with all these tags.",
		"LegalHold.From":          "Only recovery points created on or after this date (YYYY-MM-DD).",
		"LegalHold.To":            "Only recovery points created on or before this date (YYYY-MM-DD).",

		"Organization.ManagementAccount": "The organization's management account ID.",
		"Organization.BackupAccount":     "The central backup account ID, registered as AWS Backup's delegated administrator.",
		"Organization.Regions":           "The primary, secondary (DR) and additional workload regions.",
		"Organization.ExecutionRole":     "Name of the role orgbackup assumes in each account. Default OrganizationAccountAccessRole.",
		"Organization.Distribution":      "How plans reach workload accounts: policies (Organizations backup policies, the default) or direct (plans created in every target account).",

		"Regions.Primary":    "Where workloads run and backups are first taken; holds a central vault.",
		"Regions.Secondary":  "Receives cross-region copies for disaster recovery; holds a central vault.",
		"Regions.Additional": "Other workload regions, backed up like the primary.",

		"Tier.Preset":             "Preset the tier starts from: production, staging, development or none. Default: the tier's name if it names a preset, else none.",
		"Tier.Schedule":           "AWS cron expression, e.g. cron(0 2 * * ? *); at most hourly.",
		"Tier.Timezone":           "IANA time zone of the schedule. Default UTC.",
		"Tier.StartWindow":        "How long after the scheduled time a job may start, e.g. 1h. Default: the preset's (1h daily, 4h development); AWS's 8h for custom tiers.",
		"Tier.CompletionWindow":   "How long after starting a job must complete, e.g. 8h. Default: the preset's (8h daily, 1d development); AWS's 7d for custom tiers.",
		"Tier.RPO":                "Recovery point objective: the oldest the newest usable recovery point may be, e.g. 36h; at least the schedule's largest gap plus both windows. Default: the preset's (36h production and staging, 9d development); for custom tiers that guarantee.",
		"Tier.RTO":                "Recovery time objective, e.g. 4h; reported. Default: the preset's (4h production, 24h staging, 72h development); none for custom tiers.",
		"Tier.LocalRetention":     "How long recovery points stay in the workload account's vault, e.g. 30d. A year is 365 days.",
		"Tier.ColdAfter":          "When local recovery points move to cold storage (at least 90 days before deletion).",
		"Tier.CentralRetention":   "How long copies stay in the central vault, e.g. 7y; empty means no central copy.",
		"Tier.CrossRegion":        "Copy to the secondary region's central vault.",
		"Tier.SecondaryRetention": "How long cross-region copies are kept. Default: central_retention.",
		"Tier.Continuous":         "Continuous backup (point-in-time recovery); retention at most 35 days.",
		"Tier.Encryption":         "customer-managed or aws-managed KMS keys.",
		"Tier.Selection":          "Resources of the tier, by tag. Default: tag backup-tier equal to the tier's name.",
		"Tier.Targets":            "OU IDs (ou-...), OU names or account IDs the tier applies to; each belongs to one tier.",
		"Tier.RestoreTesting":     "Restore tests of the tier's recovery points. Default: the preset's (production monthly, every type it protects, one resource per type).",

		"RestoreTesting.Enabled":          "Turn restore testing on or off. Default: on for production and for tiers with restore_testing.",
		"RestoreTesting.Schedule":         "AWS cron expression. Default cron(0 5 1 * ? *), monthly.",
		"RestoreTesting.Timezone":         "IANA time zone of the schedule. Default UTC.",
		"RestoreTesting.ResourceTypes":    "Resource types tested. Default: every type the tier protects.",
		"RestoreTesting.Count":            "Resources of each type tested per account and Region. Default 1; exclusive with percent and all.",
		"RestoreTesting.Percent":          "Share (1-100) of each type's resources tested per account and Region.",
		"RestoreTesting.All":              "Test every resource of each type.",
		"RestoreTesting.Vaults":           "Vaults restored from: local, central, secondary. Default [local].",
		"RestoreTesting.Lookback":         "How old a tested recovery point may be, 1d to 365d. Default 7d.",
		"RestoreTesting.ValidationWindow": "How long validation may take after the restore, e.g. 2h. Default 2h.",
		"RestoreTesting.KeepRestored":     "How long restored resources live before deletion, whole hours, at most 168h. Default: the validation window.",
		"RestoreTesting.Metadata":         "Restore metadata overrides by resource type, e.g. {RDS: {DBInstanceClass: db.t3.small}}.",
		"Tier.AirGappedCopy":              "Also copy the tier's recovery points to the central logically air-gapped vault, kept central_retention (within the vault's retention). Default false.",
		"Tier.ChildPolicies":              "What backup policies below the tier's targets may change in its plan: free, lock-plan (add plans only) or lock-all. Default lock-plan with guardrails, else free.",

		"Selection.Tags":          "Tag key/value pairs; a resource with any of them is selected.",
		"Selection.ResourceTypes": "Limit the selection to these resource types. Default all.",

		"Central.Vault":     "Central vault name, in the primary and secondary regions. Default orgbackup-central.",
		"Central.Lock":      "Vault lock on the central vaults.",
		"Central.AirGapped": "A logically air-gapped vault in the primary region.",

		"Lock.Mode":              "governance or compliance.",
		"Lock.MinRetention":      "Shortest retention the vault accepts, e.g. 1d.",
		"Lock.MaxRetention":      "Longest retention the vault accepts, e.g. 3650d (at most 36500d).",
		"Lock.ChangeableForDays": "Compliance mode: days (3 to 36500) before the lock becomes immutable.",

		"AirGapped.Vault":        "Air-gapped vault name.",
		"AirGapped.MinRetention": "Shortest retention, at least 7d.",
		"AirGapped.MaxRetention": "Longest retention.",
		"AirGapped.ShareWith":    "Recovery account IDs the vault is shared with through AWS RAM, so they can restore from it.",

		"Local.Vault":      "Local vault name. Default orgbackup-local.",
		"Local.BackupRole": "IAM role AWS Backup assumes in each workload account. Default OrgBackupServiceRole.",

		"KMS.Alias":    "Alias of the key in each account and region. Default alias/orgbackup.",
		"KMS.Rotation": "Automatic key rotation. Default true.",

		"Notifications.Topic":      "SNS topic name. Default orgbackup-notifications.",
		"Notifications.Events":     "AWS Backup vault events, e.g. BACKUP_JOB_COMPLETED, COPY_JOB_FAILED.",
		"Notifications.Emails":     "E-mail addresses subscribed to the backup account's topic.",
		"Notifications.TierEmails": "Per tier, e-mail addresses told about the job failures of that tier's accounts only.",

		"Reports.Bucket":     "Reports bucket in the backup account.",
		"Reports.Formats":    "Report formats: CSV, JSON. Default [CSV].",
		"Reports.Templates":  "Report templates. Default [BACKUP_JOB_REPORT, COPY_JOB_REPORT, RESOURCE_COMPLIANCE_REPORT].",
		"Reports.Frameworks": "Audit Manager frameworks to create.",

		"Framework.Name":     "Framework name: a letter, then letters, digits and '_'.",
		"Framework.Controls": "Audit Manager control names.",
	}[key]
	return d, ok
}
