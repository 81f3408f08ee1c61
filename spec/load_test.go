package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// base is a small valid spec; the invalid cases start from it.
const base = `version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]}
`

// problems renders Parse's errors as "LINE:COL PATH: MESSAGE".
func problems(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, e := range SpecErrors(err) {
		if e.File != "spec.yaml" {
			t.Errorf("error %v has file %q, want spec.yaml", e, e.File)
		}
		out = append(out, fmt.Sprintf("%d:%d %s: %s", e.Line, e.Col, e.Path, e.Message))
	}
	return out
}

// matchProblems compares got with want, where each want entry is
// "LINE:COL PATH: fragment" and matches a got entry with that position and
// path whose message contains the fragment.
func matchProblems(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		loc, frag, _ := strings.Cut(want[i], ": ")
		gotLoc, gotMsg, _ := strings.Cut(got[i], ": ")
		ok = loc == gotLoc && strings.Contains(gotMsg, frag)
	}
	if !ok {
		t.Errorf("problems mismatch\ngot:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// parseValidCases are specs Parse accepts, by name; the schema corpus
// test checks that the JSON Schema accepts them too.
func parseValidCases() map[string]string {
	return map[string]string{
		"base": base,
		"custom tier": base + `  gold:
    preset: none
    schedule: "cron(30 1 ? * MON-FRI *)"
    timezone: Europe/Paris
    start_window: 1h
    completion_window: 8h
    local_retention: 150d
    cold_after: 30d
    central_retention: 1y
    cross_region: true
    secondary_retention: 180d
    encryption: customer-managed
    selection: {tags: {tier: gold, criticality: high}, resource_types: [EC2, RDS]}
    targets: ["333333333334", ou-abcd-12345678]
`,
		"continuous": base + `  pitr: {schedule: "cron(0 * * * ? *)", local_retention: 35d, continuous: true, targets: [Data]}
`,
		"preset override": base + `  staging: {schedule: "cron(0 5 * * ? *)", central_retention: 2y, targets: [Staging]}
  development: {preset: development, local_retention: 14d, targets: ["555555555555"]}
`,
		"direct distribution and extra regions": `version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: eu-west-1, secondary: eu-central-1, additional: [eu-west-2, eu-north-1]}
  execution_role: OrgBackupExecution
  distribution: direct
tiers:
  development: {targets: [Development]}
`,
		"governance lock and air gap": base + `central:
  vault: central
  lock: {mode: governance, min_retention: 7d, max_retention: 10y}
  air_gapped: {vault: vault-ag, min_retention: 7d, max_retention: 10y}
`,
		"everything else": base + `name: acme-backup
local: {vault: local-vault, backup_role: BackupRole}
kms: {alias: alias/acme/backup, rotation: false}
notifications: {topic: backup-events, events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED], emails: [ops@example.com]}
reports:
  bucket: acme.backup-reports
  formats: [JSON]
  templates: [CONTROL_COMPLIANCE_REPORT]
  frameworks: [{name: acme_controls, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}]
tags: {team: platform, "cost center": "42"}
`,
		"nulls are absent": base + `central:
kms:
`,
		"compliance lock": base + `central: {lock: {mode: compliance, min_retention: 1d, max_retention: 100y, changeable_for_days: 3}}
`,
		"development with a central copy": base + `  development: {encryption: customer-managed, central_retention: 30d, cross_region: true, targets: [Dev]}
`,
		"cross region from the workload accounts": base + `  dr: {schedule: "cron(0 1 * * ? *)", local_retention: 7d, cross_region: true, secondary_retention: 30d, selection: {resource_types: [EC2, S3]}, targets: [DR]}
`,
		"preset by name": base + `  gold: {preset: production, cross_region: false, targets: [Gold]}
`,
		"schedules": base + `  weekly:
    schedule: "cron(15 2 ? * 6#3 *)"
    timezone: America/New_York
    local_retention: 35d
    start_window: 2h
    completion_window: 100w
    restore_testing: {schedule: "cron(0 5 L * ? *)", timezone: Asia/Tokyo}
    targets: [Weekly]
`,
	}
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := parseValidCases()

	for name, yaml := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Parse("spec.yaml", []byte(yaml)); err != nil {
				t.Errorf("Parse() error:\n%v", err)
			}
		})
	}
}

func TestParseAnchorsAndMergeKeys(t *testing.T) {
	t.Parallel()
	yaml := `version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  a: &daily {schedule: "cron(0 1 * * ? *)", local_retention: 14d, targets: [A]}
  b:
    <<: *daily
    local_retention: 21d
    targets: [B]
`
	s, err := Parse("spec.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("Parse() error:\n%v", err)
	}
	want := Tier{Preset: PresetNone, Schedule: "cron(0 1 * * ? *)", LocalRetention: "21d", Targets: []string{"B"}}
	if diff := cmp.Diff(want, s.Tiers["b"]); diff != "" {
		t.Errorf("tier b mismatch (-want +got):\n%s", diff)
	}
}

// parseInvalidCase is a spec Parse refuses and the problems it reports.
type parseInvalidCase struct {
	yaml string
	want []string
}

// parseInvalidCases are specs Parse refuses, by name; the schema corpus
// test checks that the JSON Schema refuses them too, or that the rule is
// one across fields the schema cannot express.
func parseInvalidCases() map[string]parseInvalidCase {

	org := func(extra string) string {
		return "version: 1\norganization:\n" + extra + "tiers:\n  production: {targets: [Production]}\n"
	}
	accounts := "  management_account: \"111111111111\"\n  backup_account: \"222222222222\"\n"
	return map[string]parseInvalidCase{
		// Syntax and structure.
		"empty":          {"", []string{"1:1 : the spec is empty"}},
		"yaml syntax":    {"version: 1\norganization: {\n", []string{"2:15 : invalid YAML"}},
		"two documents":  {base + "---\nversion: 1\n", []string{"9:8 : one YAML document"}},
		"unknown key":    {base + "tier: {}\n", []string{"8:1 tier: did you mean \"tiers\"?"}},
		"unknown nested": {base + "central: {vualt: x}\n", []string{"8:11 central.vualt: did you mean \"vault\"?"}},
		"unknown far":    {base + "zzzzzzzz: 1\n", []string{"8:1 zzzzzzzz: known keys are central,"}},
		"duplicate key":  {base + "version: 1\n", []string{"8:1 : mapping key \"version\" already defined"}},
		"wrong type":     {base + "tags: [a, b]\n", []string{"8:7 tags: must be a mapping, not a list"}},
		// Strings are quoted where YAML would read a number, as the JSON
		// Schema says: other readers turn 012345678901 into an octal number.
		"unquoted account ID": {strings.Replace(base, `"222222222222"`, "022222222222", 1), []string{`4:19 organization.backup_account: must be a string: an account ID is 12 digits in quotes ("022222222222")`}},
		"number for string":   {base + "tags: {cost-center: 1234}\n", []string{`8:21 tags.cost-center: must be a string, not the number 1234; quote it: "1234"`}},
		"wrong scalar":        {strings.Replace(base, "version: 1", "version: one", 1), []string{"1:10 version: must be a whole number"}},
		"bool type":           {base + "kms: {rotation: yes}\n", []string{"8:17 kms.rotation: must be true or false"}},
		"missing keys":        {"version: 1\norganization: {management_account: \"111111111111\"}\n", []string{"1:1 tiers: missing required key \"tiers\"", "2:1 organization.backup_account: missing required key \"backup_account\"", "2:1 organization.regions: missing required key \"regions\""}},
		"bad alias":           {base + "name: *nothing\n", []string{"8:7 name: no anchor"}},

		// Semantic rules.
		"version":                            {strings.Replace(base, "version: 1", "version: 2", 1), []string{"1:10 version: 2 is not supported"}},
		"account id":                         {org("  management_account: \"11111111111\"\n  backup_account: \"222222222222\"\n  regions: {primary: us-east-1, secondary: us-west-2}\n"), []string{"3:23 organization.management_account: not a 12-digit"}},
		"same accounts":                      {org("  management_account: \"111111111111\"\n  backup_account: \"111111111111\"\n  regions: {primary: us-east-1, secondary: us-west-2}\n"), []string{"4:19 organization.backup_account: must not be the management account"}},
		"region pattern":                     {org(accounts + "  regions: {primary: useast1, secondary: us-west-2}\n"), []string{"5:22 organization.regions.primary: not an AWS region code"}},
		"unknown region":                     {org(accounts + "  regions: {primary: us-east-9, secondary: us-west-2}\n"), []string{"5:22 organization.regions.primary: not a commercial AWS region; did you mean \"us-east-1\"?"}},
		"secondary is primary":               {org(accounts + "  regions: {primary: us-east-1, secondary: us-east-1}\n"), []string{"5:44 organization.regions.secondary: already organization.regions.primary"}},
		"distribution":                       {org(accounts + "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: organizations\n"), []string{"6:17 organization.distribution: not one of policies, direct"}},
		"execution role":                     {org(accounts + "  regions: {primary: us-east-1, secondary: us-west-2}\n  execution_role: \"bad role\"\n"), []string{"6:19 organization.execution_role: not an IAM role name"}},
		"no tiers":                           {strings.Replace(base, "  production: {targets: [Production]}\n", "  {}\n", 1), []string{"6:1 tiers: at least one tier"}},
		"managed key copied across accounts": {strings.Replace(base, "  production: {targets: [Production]}\n", "  production: {targets: [Production], encryption: aws-managed}\n", 1), []string{"7:51 tiers.production.encryption: tier production copies to the central account but uses AWS managed keys"}},
		"tier name":                          {base + "  \"bad tier\": {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, targets: [X]}\n", []string{"8:3 tiers.bad tier: tier name"}},
		"preset":                             {base + "  gold: {preset: platinum, targets: [X]}\n", []string{"8:18 tiers.gold.preset: not one of none, production"}},
		"custom needs schedule":              {base + "  gold: {local_retention: 7d, targets: [X]}\n", []string{"8:3 tiers.gold.schedule: is required for a tier without a preset"}},
		"schedule":                           {base + "  staging: {schedule: \"cron(0/30 1 * * ? *)\", targets: [X]}\n", []string{"8:23 tiers.staging.schedule: at most once an hour"}},
		"retention unit":                     {base + "  staging: {local_retention: 12h, targets: [X]}\n", []string{"8:30 tiers.staging.local_retention: must be in days"}},
		"window unit":                        {base + "  staging: {start_window: 1y, targets: [X]}\n", []string{"8:27 tiers.staging.start_window: use m (minutes)"}},
		"window too short":                   {base + "  staging: {start_window: 30m, targets: [X]}\n", []string{"8:27 tiers.staging.start_window: at least 60 minutes"}},
		"timezone":                           {base + "  staging: {timezone: Mars/Olympus, targets: [X]}\n", []string{"8:23 tiers.staging.timezone: not an IANA time zone"}},
		"encryption":                         {base + "  staging: {encryption: kms, targets: [X]}\n", []string{"8:25 tiers.staging.encryption: not one of customer-managed, aws-managed"}},
		"cold storage":                       {base + "  staging: {cold_after: 30d, targets: [X]}\n", []string{"8:3 tiers.staging.local_retention: at least 90 days after"}},
		"cold storage written":               {base + "  staging: {cold_after: 30d, local_retention: 100d, targets: [X]}\n", []string{"8:47 tiers.staging.local_retention: at least 90 days after"}},
		"continuous retention":               {base + "  staging: {continuous: true, local_retention: 60d, targets: [X]}\n", []string{"8:48 tiers.staging.local_retention: continuous backups must be kept 1 to 35 days"}},
		"cross region needs secondary":       {"version: 1\norganization:\n" + accounts + "  regions: {primary: us-east-1}\ntiers:\n  production: {targets: [X]}\n", []string{"7:3 tiers.production: cross_region needs organization.regions.secondary"}},
		"cross region needs retention":       {base + "  dev: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, cross_region: true, targets: [X]}\n", []string{"8:75 tiers.dev.cross_region: needs central_retention or secondary_retention"}},
		"one-way types to the secondary":     {base + "  dr: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, cross_region: true, secondary_retention: 30d, targets: [X]}\n", []string{"8:74 tiers.dr.cross_region: tier dr copies Aurora, RDS recovery points from the workload accounts to the backup account's vault in us-west-2 in one copy job"}},
		"secondary without cross region":     {base + "  staging: {secondary_retention: 1y, targets: [X]}\n", []string{"8:34 tiers.staging.secondary_retention: no effect without cross_region"}},
		"no targets":                         {base + "  staging: {targets: []}\n", []string{"8:22 tiers.staging.targets: at least one target"}},
		"missing targets":                    {base + "  staging: {}\n", []string{"8:3 tiers.staging.targets: missing required key"}},
		"ou id":                              {base + "  staging: {targets: [ou-root-stage]}\n", []string{"8:23 tiers.staging.targets[0]: not an OU ID"}},
		"account target":                     {base + "  staging: {targets: [\"33333333333\"]}\n", []string{"8:23 tiers.staging.targets[0]: not a 12-digit account ID"}},
		"management target":                  {base + "  staging: {targets: [\"111111111111\"]}\n", []string{"8:23 tiers.staging.targets[0]: management account"}},
		"target twice in a tier":             {base + "  staging: {targets: [Staging, Staging]}\n", []string{"8:32 tiers.staging.targets[1]: Staging is already a target of tiers.staging.targets[0]"}},
		"resource type":                      {base + "  staging: {selection: {resource_types: [EC3]}, targets: [X]}\n", []string{"8:42 tiers.staging.selection.resource_types[0]: did you mean \"EC2\"?"}},
		"lock range":                         {base + "central: {lock: {mode: governance, max_retention: 5y}}\n", []string{"7:3 tiers.production.central_retention: 2555 days (7y) is outside the central vault lock's retention range up to max_retention 1825 days"}},
		"lock range from min":                {base + "  staging: {targets: [X]}\ncentral: {lock: {mode: governance, min_retention: 2y}}\n", []string{"8:3 tiers.staging.central_retention: outside the central vault lock's retention range min_retention 730 days and up"}},
		"lock range written":                 {base + "  staging: {central_retention: 30d, targets: [X]}\ncentral: {lock: {mode: governance, min_retention: 90d}}\n", []string{"8:32 tiers.staging.central_retention: outside the central vault lock's retention range min_retention 90 days and up"}},
		"lock mode":                          {base + "central: {lock: {mode: strict}}\n", []string{"8:24 central.lock.mode: not one of governance, compliance"}},
		"lock mode missing":                  {base + "central: {lock: {min_retention: 1d}}\n", []string{"8:11 central.lock.mode: missing required key"}},
		"compliance grace":                   {base + "central: {lock: {mode: compliance}}\n", []string{"8:11 central.lock.changeable_for_days: compliance mode needs changeable_for_days"}},
		"compliance too short":               {base + "central: {lock: {mode: compliance, changeable_for_days: 2}}\n", []string{"8:57 central.lock.changeable_for_days: 72-hour cooling-off"}},
		"compliance too long":                {base + "central: {lock: {mode: compliance, changeable_for_days: 36501}}\n", []string{"8:57 central.lock.changeable_for_days: exceeds the maximum"}},
		"governance grace":                   {base + "central: {lock: {mode: governance, changeable_for_days: 3}}\n", []string{"8:57 central.lock.changeable_for_days: compliance mode only"}},
		"lock min over max":                  {base + "central: {lock: {mode: governance, min_retention: 10y, max_retention: 1y}}\n", []string{"8:71 central.lock.max_retention: less than min_retention"}},
		"lock max too long":                  {base + "central: {lock: {mode: governance, max_retention: 101y}}\n", []string{"8:51 central.lock.max_retention: exceeds the maximum of 36500 days"}},
		"air gap minimum":                    {base + "central: {air_gapped: {vault: ag, min_retention: 3d, max_retention: 1y}}\n", []string{"8:50 central.air_gapped.min_retention: less than the 7 days"}},
		"air gap required":                   {base + "central: {air_gapped: {vault: ag}}\n", []string{"8:11 central.air_gapped.max_retention: missing required key", "8:11 central.air_gapped.min_retention: missing required key"}},
		"air gap same vault":                 {base + "central: {vault: cv, air_gapped: {vault: cv, min_retention: 7d, max_retention: 7d}}\n", []string{"8:42 central.air_gapped.vault: needs its own name"}},
		"vault name":                         {base + "central: {vault: \"central vault\"}\n", []string{"8:18 central.vault: must be 2 to 50 letters"}},
		"local vault":                        {base + "local: {vault: x}\n", []string{"8:16 local.vault: must be 2 to 50 letters"}},
		"backup role":                        {base + "local: {backup_role: \"a/b\"}\n", []string{"8:22 local.backup_role: not an IAM role name"}},
		"kms alias":                          {base + "kms: {alias: orgbackup}\n", []string{"8:14 kms.alias: not a KMS alias name"}},
		"kms reserved":                       {base + "kms: {alias: alias/aws/backup}\n", []string{"8:14 kms.alias: reserved for AWS-managed keys"}},
		"event":                              {base + "notifications: {events: [BACKUP_JOB_COMPLTED]}\n", []string{"8:26 notifications.events[0]: did you mean \"BACKUP_JOB_COMPLETED\"?"}},
		"deprecated event":                   {base + "notifications: {events: [BACKUP_JOB_FAILED]}\n", []string{"8:26 notifications.events[0]: BACKUP_JOB_FAILED is deprecated by AWS Backup and never sends a notification; use BACKUP_JOB_COMPLETED (its message carries the job's state, FAILED included)"}},
		"event twice":                        {base + "notifications: {events: [COPY_JOB_FAILED, COPY_JOB_FAILED]}\n", []string{"8:43 notifications.events[1]: listed twice"}},
		"no events":                          {base + "notifications: {events: []}\n", []string{"8:25 notifications.events: at least one event"}},
		"email":                              {base + "notifications: {events: [COPY_JOB_FAILED], emails: [ops@example]}\n", []string{"8:53 notifications.emails[0]: not an e-mail address"}},
		"topic":                              {base + "notifications: {topic: a.b, events: [COPY_JOB_FAILED]}\n", []string{"8:24 notifications.topic: not an SNS topic name"}},
		"bucket chars":                       {base + "reports: {bucket: Reports_Bucket}\n", []string{"8:19 reports.bucket: use lowercase letters"}},
		"bucket ip":                          {base + "reports: {bucket: 192.168.1.10}\n", []string{"8:19 reports.bucket: IP address"}},
		"bucket dots":                        {base + "reports: {bucket: a..b}\n", []string{"8:19 reports.bucket: two adjacent periods"}},
		"bucket suffix":                      {base + "reports: {bucket: reports-s3alias}\n", []string{"8:19 reports.bucket: suffix -s3alias is reserved"}},
		"bucket length":                      {base + "reports: {bucket: ab}\n", []string{"8:19 reports.bucket: 3 to 63 characters"}},
		"report format":                      {base + "reports: {bucket: reports, formats: [XML]}\n", []string{"8:38 reports.formats[0]: not one of CSV, JSON"}},
		"report template":                    {base + "reports: {bucket: reports, templates: [BACKUP_JOBS_REPORT]}\n", []string{"8:40 reports.templates[0]: did you mean \"BACKUP_JOB_REPORT\"?"}},
		"framework name":                     {base + "reports: {bucket: reports, frameworks: [{name: 1st, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}]}\n", []string{"8:48 reports.frameworks[0].name: must start with a letter"}},
		"framework control":                  {base + "reports: {bucket: reports, frameworks: [{name: f, controls: [BACKUP_RECOVERY_POINT_ENCRYPT]}]}\n", []string{"8:62 reports.frameworks[0].controls[0]: did you mean \"BACKUP_RECOVERY_POINT_ENCRYPTED\"?"}},
		"empty target":                       {base + "  staging: {targets: [\"\"]}\n", []string{"8:23 tiers.staging.targets[0]: must not be empty"}},
		"custom needs retention":             {base + "  gold: {schedule: \"cron(0 1 * * ? *)\", targets: [X]}\n", []string{"8:3 tiers.gold.local_retention: is required for a tier without a preset"}},
		"managed key by preset":              {base + "  development: {central_retention: 30d, targets: [X]}\n", []string{"8:36 tiers.development.central_retention: uses AWS managed keys"}},
		"completion window too long":         {base + "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, completion_window: 5215w, targets: [X]}\n", []string{"8:81 tiers.gold.completion_window: exceeds the maximum"}},
		"air gap max too long":               {base + "central: {air_gapped: {vault: ag, min_retention: 7d, max_retention: 36501d}}\n", []string{"8:69 central.air_gapped.max_retention: exceeds the maximum of 36500 days"}},
		"bucket prefix":                      {base + "reports: {bucket: xn--reports}\n", []string{"8:19 reports.bucket: prefix xn-- is reserved"}},
		"tier email":                         {base + "notifications: {events: [COPY_JOB_FAILED], tier_emails: {production: [ops@example]}}\n", []string{"8:71 notifications.tier_emails.production[0]: not an e-mail address"}},
		"restore testing schedule":           {base + "  staging: {restore_testing: {schedule: \"cron(0 5 1 * * *)\"}, targets: [X]}\n", []string{"8:41 tiers.staging.restore_testing.schedule: cannot both be set"}},
		"restore testing timezone":           {base + "  staging: {restore_testing: {timezone: Local}, targets: [X]}\n", []string{"8:41 tiers.staging.restore_testing.timezone: not an IANA time zone"}},
		"framework name twice":               {base + "reports: {bucket: reports, frameworks: [{name: f, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}, {name: f, controls: [BACKUP_LAST_RECOVERY_POINT_CREATED]}]}\n", []string{"8:104 reports.frameworks[1].name: defined twice"}},
		"framework twice":                    {base + "reports: {bucket: reports, frameworks: [{name: f, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}, {name: f, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}]}\n", []string{"8:104 reports.frameworks[1].name: defined twice"}},
		"tag key reserved":                   {base + "tags: {\"aws:owner\": me}\n", []string{"8:8 tags.aws:owner: reserved for AWS"}},
		"tag value chars":                    {base + "tags: {owner: \"a|b\"}\n", []string{"8:15 tags.owner: may contain only"}},
		"name as tag value":                  {base + "name: \"a;b\"\n", []string{"8:7 name: may contain only"}},

		// Without a preset's central retention, which the schema checks
		// against the lock's range, only the comparison of min and max is left.
		"lock min over max, custom tier": {"version: 1\norganization:\n" + accounts + "  regions: {primary: us-east-1}\ntiers:\n  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, targets: [X]}\ncentral: {lock: {mode: governance, min_retention: 10y, max_retention: 1y}}\n", []string{"8:71 central.lock.max_retention: less than min_retention"}},
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := parseInvalidCases()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("spec.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse() succeeded, want problems %q", tc.want)
			}
			if s != nil {
				t.Errorf("Parse() returned a spec with an error")
			}
			matchProblems(t, problems(t, err), tc.want)
		})
	}
}

// TestErrorsPrintOnOneLine checks that a key crafted with a line break
// cannot start a GitHub Actions workflow command when the error prints.
func TestErrorsPrintOnOneLine(t *testing.T) {
	t.Parallel()
	_, err := Parse("spec.yaml", []byte(base+"\"x\\n::add-mask::secret\": 1\n"))
	errs := SpecErrors(err)
	if len(errs) == 0 {
		t.Fatal("Parse accepted an unknown key")
	}
	for _, e := range errs {
		if strings.ContainsAny(e.Error(), "\n\r") || !strings.Contains(e.Error(), `\n::add-mask::secret`) {
			t.Errorf("error %q is not one line with the break escaped", e.Error())
		}
	}
}

// TestSpecSizeLimit checks that a spec over MaxSpecBytes is refused with
// a clear error before it is parsed.
func TestSpecSizeLimit(t *testing.T) {
	t.Parallel()
	big := base + "tags:\n" + strings.Repeat("  k: v\n", MaxSpecBytes/7+1)
	_, err := Parse("big.yaml", []byte(big))
	errs := SpecErrors(err)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "the spec is over") {
		t.Errorf("Parse(%d bytes) = %v, want one size error", len(big), err)
	}
}
