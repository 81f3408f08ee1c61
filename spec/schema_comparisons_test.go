package spec

import (
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/schema/vocab"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSchemaBeyondCorpus checks the schema's rules on specs beyond the
// corpus's, on either side of each rule: Load and the schema agree, and a
// spec the schema refuses only through the comparisons vocabulary is
// accepted by the schema without it (so the rule is the vocabulary's, and
// editors, which lack it, accept the spec).
func TestSchemaBeyondCorpus(t *testing.T) {
	t.Parallel()
	withVocab := compileSchema(t, true)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	withoutVocab, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	regions := func(r string) string {
		return strings.Replace(base, "regions: {primary: us-east-1, secondary: us-west-2}", "regions: "+r, 1)
	}
	gold := "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, targets: [X], "
	tested := "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 30d, targets: [Gold], selection: {resource_types: [RDS, EFS]}, restore_testing: "
	airGapped := "central: {air_gapped: {vault: ag, min_retention: 7d, max_retention: 30d}}\n"
	tests := map[string]struct {
		yaml string
		// refused: Load and the schema refuse the spec; vocabOnly: the
		// schema without the vocabulary accepts it.
		refused, vocabOnly bool
	}{
		"additional is primary":               {regions("{primary: us-east-1, secondary: us-west-2, additional: [us-east-1]}"), true, true},
		"additional is secondary":             {regions("{primary: us-east-1, secondary: us-west-2, additional: [eu-west-1, us-west-2]}"), true, true},
		"additional regions differ":           {regions("{primary: us-east-1, secondary: us-west-2, additional: [eu-west-1]}"), false, false},
		"null secondary":                      {strings.Replace(regions("{primary: us-east-1, secondary: null}"), "{targets: [Production]}", "{targets: [Production], cross_region: false}", 1), false, false},
		"air gap min over max":                {base + "central: {air_gapped: {vault: ag, min_retention: 1y, max_retention: 30d}}\n", true, true},
		"air gap min equals max":              {base + "central: {air_gapped: {vault: ag, min_retention: 30d, max_retention: 30d}}\n", false, false},
		"air gap default vault name":          {base + strings.Replace(airGapped, "vault: ag", "vault: "+DefaultCentralVault, 1), true, false},
		"air gap null vault name":             {base + strings.Replace(airGapped, "{air_gapped", "{vault: null, air_gapped", 1), false, false},
		"air gap default, central null":       {base + strings.Replace(strings.Replace(airGapped, "vault: ag", "vault: "+DefaultCentralVault, 1), "{air_gapped", "{vault: null, air_gapped", 1), true, false},
		"air gap default, renamed":            {base + strings.Replace(strings.Replace(airGapped, "vault: ag", "vault: "+DefaultCentralVault, 1), "{air_gapped", "{vault: cv, air_gapped", 1), false, false},
		"shared with the backup account":      {base + strings.Replace(airGapped, "}}", ", share_with: [\"333333333333\", \"222222222222\"]}}", 1), true, true},
		"shared with another account":         {base + strings.Replace(airGapped, "}}", ", share_with: [\"333333333333\"]}}", 1), false, false},
		"target in two tiers":                 {base + "  staging: {targets: [Production]}\n", false, false},
		"management account, 2nd target":      {base + "  staging: {targets: [X, \"111111111111\"]}\n", true, true},
		"secondary over lock max":             {strings.Replace(base, "{targets: [Production]}", "{targets: [Production], secondary_retention: 10y}", 1) + "central: {lock: {mode: governance, max_retention: 8y}}\n", true, true},
		"secondary within lock":               {strings.Replace(base, "{targets: [Production]}", "{targets: [Production], secondary_retention: 8y}", 1) + "central: {lock: {mode: governance, max_retention: 8y}}\n", false, false},
		"central over lock max":               {base + "  staging: {central_retention: 10y, targets: [X]}\ncentral: {lock: {mode: governance, max_retention: 8y}}\n", true, true},
		"lock min equals max":                 {base + "central: {lock: {mode: governance, min_retention: 7y, max_retention: 7y}}\n", false, false},
		"cold storage 90 days":                {base + "  staging: {cold_after: 30d, local_retention: 120d, targets: [X]}\n", false, false},
		"cold storage 89 days":                {base + "  staging: {cold_after: 31d, local_retention: 120d, targets: [X]}\n", true, true},
		"cold storage in weeks":               {base + "  staging: {cold_after: 2w, local_retention: 104d, targets: [X]}\n", false, false},
		"cold_storage.local 89 days":          {base + "  staging: {cold_storage: {local: 31d}, local_retention: 120d, targets: [X]}\n", true, true},
		"cold_storage.local 90 days":          {base + "  staging: {cold_storage: {local: 30d}, local_retention: 120d, targets: [X]}\n", false, false},
		"cold_storage.central 89 days":        {base + "  staging: {cold_storage: {central: 31d}, central_retention: 120d, targets: [X]}\n", true, true},
		"cold_storage.central 90 days":        {base + "  staging: {cold_storage: {central: 30d}, central_retention: 120d, targets: [X]}\n", false, false},
		"cold_storage.central, no copy":       {base + gold + "cold_storage: {central: 31d}}\n", false, false},
		"cold_storage.secondary 89 days":      {base + gold + "cross_region: true, central_retention: 2y, cold_storage: {secondary: 31d}, secondary_retention: 120d}\n", true, true},
		"secondary cold from central":         {base + gold + "cross_region: true, central_retention: 2y, cold_storage: {central: 31d}, secondary_retention: 120d}\n", true, true},
		"secondary cold never":                {base + gold + "cross_region: true, central_retention: 2y, cold_storage: {central: 31d, secondary: never}, secondary_retention: 120d}\n", false, false},
		"secondary keeps central":             {base + gold + "cross_region: true, central_retention: 120d, cold_storage: {central: 30d, secondary: 31d}}\n", true, true},
		"secondary cold, no cross":            {base + gold + "cross_region: false, central_retention: 120d, cold_storage: {central: 30d, secondary: 31d}}\n", false, false},
		"preset local, cold 10d":              {base + "  staging: {cold_storage: {local: 10d}, targets: [X]}\n", true, false},
		"legal hold of an unknown tier":       {base + "legal_holds: [{title: h, description: d, tiers: [production, gold]}]\n", true, true},
		"legal hold of a tier":                {base + "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, targets: [X]}\nlegal_holds: [{title: h, description: d, tiers: [production, gold]}]\n", false, false},
		"tier_emails of an unknown tier":      {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: [a@example.com], prod: [a@example.com]}}\n", true, true},
		"tier_emails of a tier":               {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: [a@example.com]}}\n", false, false},
		"legal hold dates reversed":           {base + "legal_holds: [{title: h, description: d, tiers: [production], from: \"2026-02-01\", to: \"2026-01-31\"}]\n", true, true},
		"legal hold dates in order":           {base + "legal_holds: [{title: h, description: d, tiers: [production], from: \"2026-01-31\", to: \"2026-01-31\"}]\n", false, false},
		"legal hold date not a date":          {base + "legal_holds: [{title: h, description: d, tiers: [production], from: \"2026-1-31\"}]\n", true, false},
		"legal hold date out of month":        {base + "legal_holds: [{title: h, description: d, tiers: [production], to: \"2026-02-29\"}]\n", true, false},
		"legal hold date, leap year":          {base + "legal_holds: [{title: h, description: d, tiers: [production], to: \"2028-02-29\"}]\n", false, false},
		"air gap copy without the vault":      {base + "  staging: {targets: [X], air_gapped_copy: true}\n", true, false},
		"air gap copy with the vault":         {base + "  staging: {targets: [X], air_gapped_copy: true}\ncentral: {air_gapped: {vault: ag, min_retention: 7d, max_retention: 1y}}\n", false, false},
		"guardrails, default roles":           {guardedSpec("", "", "guardrails: {}\n"), true, false},
		"guardrails, deploy role":             {guardedSpec("orgbackup-deploy", "", "guardrails: {}\n"), false, false},
		"guardrails, written deploy":          {guardedSpec("ops-deploy", "", "guardrails: {deploy_role: ops-deploy}\n"), false, false},
		"guardrails, other execution":         {guardedSpec("ops", "", "guardrails: {deploy_role: ops-deploy}\n"), true, true},
		"guardrails off, other":               {guardedSpec("ops", "", "guardrails: {enabled: false, deploy_role: ops-deploy}\n"), false, false},
		"guardrails null, other":              {guardedSpec("ops", "", "guardrails: null\n"), false, false},
		"guardrails, admin exempt":            {guardedSpec("orgbackup-deploy", "", "guardrails: {break_glass_role: OrganizationAccountAccessRole}\n"), true, false},
		"guardrails, default deploy":          {guardedSpec("orgbackup-deploy", "", "guardrails: {break_glass_role: orgbackup-deploy}\n"), true, false},
		"guardrails, default glass":           {guardedSpec("orgbackup-break-glass", "", "guardrails: {deploy_role: orgbackup-break-glass}\n"), true, false},
		"guardrails, same roles":              {guardedSpec("x-deploy", "", "guardrails: {deploy_role: x-deploy, break_glass_role: x-deploy}\n"), true, true},
		"guardrails, swapped defaults":        {guardedSpec("x-deploy", "", "guardrails: {deploy_role: x-deploy, break_glass_role: orgbackup-deploy}\n"), false, false},
		"restore test of a selected type":     {base + tested + "{resource_types: [EFS]}}\n", false, false},
		"restore test of an unselected type":  {base + tested + "{resource_types: [RDS, DynamoDB]}}\n", true, true},
		"restore test of any type":            {base + strings.Replace(tested, "selection: {resource_types: [RDS, EFS]}", "selection: {resource_types: []}", 1) + "{resource_types: [DynamoDB]}}\n", false, false},
		"restore test, central without copy":  {base + tested + "{vaults: [local, central]}}\n", true, false},
		"restore test, central with copy":     {base + strings.Replace(tested, "local_retention: 30d", "local_retention: 30d, central_retention: 1y", 1) + "{vaults: [central]}}\n", false, false},
		"restore test, central of a preset":   {base + "  staging: {targets: [X], restore_testing: {vaults: [central]}}\n", false, false},
		"restore test, secondary without":     {base + "  staging: {targets: [X], restore_testing: {vaults: [secondary]}}\n", true, false},
		"restore test, secondary of a preset": {strings.Replace(base, "{targets: [Production]}", "{targets: [Production], restore_testing: {vaults: [secondary]}}", 1), false, false},
		"restore test kept < validation":      {base + tested + "{validation_window: 4h, keep_restored: 2h}}\n", true, true},
		"restore test kept = validation":      {base + tested + "{validation_window: 1d, keep_restored: 24h}}\n", false, false},
		"restore test kept < default":         {base + tested + "{keep_restored: 90m}}\n", true, false},
		"restore test kept = default":         {base + tested + "{keep_restored: 120m}}\n", false, false},
		"restore test off, kept < validation": {base + tested + "{enabled: false, validation_window: 4h, keep_restored: 2h}}\n", false, false},
		"restore test off, kept < default":    {base + tested + "{enabled: false, keep_restored: 1h}}\n", false, false},
		"restore test off, kept minutes":      {base + tested + "{enabled: false, keep_restored: 90m}}\n", false, false},
		"restore test off, lookback 400d":     {base + tested + "{enabled: false, lookback: 400d}}\n", false, false},
		"restore test lookback 400d":          {base + tested + "{lookback: 400d}}\n", true, false},
		"restore test lookback 365d":          {base + tested + "{lookback: 365d}}\n", false, false},
		"restore test kept 8d":                {base + tested + "{keep_restored: 8d}}\n", true, false},
		"restore test kept 1w":                {base + tested + "{keep_restored: 1w}}\n", false, false},
		"restore test validation 90m":         {base + tested + "{validation_window: 90m}}\n", true, false},
		"restore test validation 90m, kept":   {base + tested + "{validation_window: 90m, keep_restored: 2h}}\n", false, false},
		"restore test count 0":                {base + tested + "{count: 0, percent: 5}}\n", false, false},
		"restore test percent 0":              {base + tested + "{percent: 0, all: true}}\n", false, false},
		"restore test count and all":          {base + tested + "{all: true, count: 1}}\n", true, false},
		"restore test off, count and percent": {base + tested + "{enabled: false, count: 1, percent: 5}}\n", true, false},
		"restore test all false, percent":     {base + tested + "{all: false, percent: 5}}\n", false, false},
		"restore metadata of an unknown type": {base + tested + "{metadata: {Redshift: {a: b}}}}\n", true, false},
		"restore metadata of a type":          {base + tested + "{metadata: {RDS: {a: b}}}}\n", false, false},
		"legal hold without accounts":         {base + "legal_holds: [{title: h, description: d, tiers: []}]\n", true, false},
		"legal hold of accounts":              {base + "legal_holds: [{title: h, description: d, tiers: null, accounts: [\"333333333333\"]}]\n", false, false},
		"tier_emails without addresses":       {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: []}}\n", true, false},
		"operators without principals":        {base + "team_roles: {operators: {principals: []}}\n", true, false},
		"break-glass without principals":      {base + "team_roles: {break_glass: {principals: []}}\n", true, false},
		"operators of {account}":              {base + "team_roles: {operators: {principals: [\"arn:aws:iam::{account}:role/x\"]}}\n", true, false},
		"break-glass of {account}":            {base + "team_roles: {break_glass: {principals: [\"arn:aws:iam::{account}:role/x\"]}}\n", true, false},
		"workload restore of {account}":       {base + "team_roles: {workload_restore: {principals: [\"arn:aws:iam::{account}:role/x\"]}}\n", false, false},
		"air gap copy, preset out of range":   {base + "  staging: {targets: [X], air_gapped_copy: true}\n" + airGapped, true, false},
		"air gap copy, preset in range":       {base + "  staging: {targets: [X], air_gapped_copy: true}\n" + strings.Replace(airGapped, "30d}", "1y}", 1), false, false},
		"air gap copy, no central copy":       {base + gold + "air_gapped_copy: true}\n" + airGapped, true, false},
		"air gap, preset out of range":        {base + "  staging: {targets: [X]}\n" + airGapped, false, false},
		"legal hold title twice":              {base + "legal_holds: [{title: h, description: d, tiers: [production]}, {title: h, description: e, tiers: [production]}]\n", true, true},
		"legal hold titles differ":            {base + "legal_holds: [{title: h, description: d, tiers: [production]}, {title: i, description: d, tiers: [production]}]\n", false, false},
		"framework names differ":              {base + "reports: {bucket: reports, frameworks: [{name: f, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}, {name: g, controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]}]}\n", false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, loadErr := Parse("spec.yaml", []byte(tc.yaml))
			if (loadErr != nil) != tc.refused {
				t.Fatalf("Load error %v, want refused %v", loadErr, tc.refused)
			}
			schemaErr := validateWithSchema(withVocab, []byte(tc.yaml))
			if (schemaErr != nil) != tc.refused {
				t.Errorf("schema error %v, want refused %v", schemaErr, tc.refused)
			}
			plainErr := validateWithSchema(withoutVocab, []byte(tc.yaml))
			if want := tc.refused && !tc.vocabOnly; (plainErr != nil) != want {
				t.Errorf("schema without the vocabulary: error %v, want refused %v", plainErr, want)
			}
		})
	}
}

// TestSchemaVocabularyURL: the schema names the vocabulary package's URL.
func TestSchemaVocabularyURL(t *testing.T) {
	t.Parallel()
	if comparisonsVocabulary != vocab.URL {
		t.Errorf("comparisonsVocabulary = %q, vocab.URL = %q", comparisonsVocabulary, vocab.URL)
	}
}
