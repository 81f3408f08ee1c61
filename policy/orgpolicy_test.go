package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/google/go-cmp/cmp"
)

// fullPlan sets every field CompileOrganizationsPolicy writes.
func fullPlan() Plan {
	return Plan{
		Name:    "Everything",
		Regions: []string{"us-east-1", "eu-north-1"},
		Rules: []Rule{{
			Name:                    "Hourly",
			Schedule:                "cron(0 5/1 ? * * *)",
			ScheduleTimezone:        "Europe/Paris",
			StartWindowMinutes:      480,
			CompletionWindowMinutes: 10080,
			TargetVault:             "FortKnox",
			Lifecycle:               Lifecycle{MoveToColdStorageAfterDays: 180, DeleteAfterDays: 270, OptInToArchiveForSupportedResources: true},
			CopyActions: []CopyAction{
				{DestinationVaultARN: "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault",
					Lifecycle: Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}},
				{DestinationVaultARN: "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault"},
			},
			RecoveryPointTags: map[string]string{"owner": "backup-team", "tier": "gold"},
		}, {
			Name:             "pitr",
			Schedule:         "cron(0 3 * * ? *)",
			TargetVault:      "FortKnox",
			ContinuousBackup: true,
			Lifecycle:        Lifecycle{DeleteAfterDays: 35},
		}},
		Selections: []Selection{{
			Name:       "datatype",
			IAMRoleARN: "arn:aws:iam::$account:role/MyIamRole",
			ListOfTags: []TagCondition{{Type: StringEquals, Key: "dataType", Value: "PII"}, {Type: StringEquals, Key: "dataType", Value: "RED"}},
			Conditions: []TagCondition{{Type: StringNotEquals, Key: "backup", Value: "false"}},
		}, {
			Name:         "volumes",
			IAMRoleARN:   "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole",
			Resources:    []string{"arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"},
			NotResources: []string{"arn:aws:rds:*:*:db:scratch*"},
			Conditions: []TagCondition{
				{Type: StringEquals, Key: "backup", Value: "true"},
				{Type: StringEquals, Key: "stage", Value: "prod"},
				{Type: StringLike, Key: "key1", Value: "include*"},
				{Type: StringNotLike, Key: "key2", Value: "*exclude*"},
			},
		}},
		AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}},
		Tags:             map[string]string{"cost-center": "1234", "orgbackup:managed": "true"},
	}
}

func presetPlans() []Plan {
	var out []Plan
	for _, t := range Tiers() {
		out = append(out, *Preset(t, PresetOptions{
			CentralVaultARN:   NewVaultARN("us-east-1", "222222222222", "central-backup"),
			SecondaryVaultARN: NewVaultARN("us-west-2", "222222222222", "central-backup"),
			RoleARN:           NewRoleARN(AccountVariable, "service-role/AWSBackupDefaultServiceRole"),
			Regions:           []string{"us-east-1"},
		}))
	}
	return out
}

func TestCompileOrganizationsPolicyGolden(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		plans []Plan
		opts  CompileOptions
	}{
		"full.json":    {[]Plan{fullPlan()}, CompileOptions{Indent: "  "}},
		"presets.json": {presetPlans(), CompileOptions{Indent: "  "}},
		"locked.json": {presetPlans()[:1], CompileOptions{Indent: "  ", ChildControl: ChildControl{
			Plans: ChildOperators{OperatorAppend}, Plan: Locked, Settings: Locked}}},
		"compact.json": {presetPlans()[2:], CompileOptions{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			docs, err := CompileOrganizationsPolicy(tc.plans, tc.opts)
			if err != nil {
				t.Fatalf("CompileOrganizationsPolicy: %v", err)
			}
			if len(docs) != 1 {
				t.Fatalf("got %d documents, want 1", len(docs))
			}
			if !json.Valid(docs[0]) {
				t.Fatalf("output is not valid JSON:\n%s", docs[0])
			}
			checkOrgGolden(t, name, append(docs[0], '\n'))
		})
	}
}

// TestCompileValueShapes checks the wire shapes against AWS's "Backup policy
// syntax and examples" independently of the golden files.
func TestCompileValueShapes(t *testing.T) {
	t.Parallel()
	docs, err := CompileOrganizationsPolicy([]Plan{fullPlan()}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(docs[0], &doc); err != nil {
		t.Fatal(err)
	}
	get := func(path ...string) any {
		var cur any = doc
		for _, p := range path {
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%v: %T at %q is not an object", path, cur, p)
			}
			cur = m[p]
		}
		return cur
	}
	plan := []string{"plans", "Everything"}
	rule := append(plan[:2:2], "rules", "Hourly")
	ca := append(rule[:4:4], "copy_actions", "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault")
	tests := map[string]struct {
		path []string
		want any
	}{
		"regions list":           {append(plan[:2:2], "regions", "@@assign"), []any{"us-east-1", "eu-north-1"}},
		"window as string":       {append(rule[:4:4], "start_backup_window_minutes", "@@assign"), "480"},
		"timezone":               {append(rule[:4:4], "schedule_expression_timezone", "@@assign"), "Europe/Paris"},
		"lifecycle days":         {append(rule[:4:4], "lifecycle", "delete_after_days", "@@assign"), "270"},
		"archive opt-in":         {append(rule[:4:4], "lifecycle", "opt_in_to_archive_for_supported_resources", "@@assign"), "true"},
		"copy target written":    {append(ca[:6:6], "target_backup_vault_arn", "@@assign"), "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"},
		"copy lifecycle":         {append(ca[:6:6], "lifecycle", "move_to_cold_storage_after_days", "@@assign"), "30"},
		"continuous":             {append(plan[:2:2], "rules", "pitr", "enable_continuous_backup", "@@assign"), "true"},
		"recovery point tag":     {append(rule[:4:4], "recovery_point_tags", "tier", "tag_value", "@@assign"), "gold"},
		"tag selection values":   {append(plan[:2:2], "selections", "tags", "datatype", "tag_value", "@@assign"), []any{"PII", "RED"}},
		"tag selection key":      {append(plan[:2:2], "selections", "tags", "datatype", "tag_key", "@@assign"), "dataType"},
		"condition key prefixed": {append(plan[:2:2], "selections", "tags", "datatype", "conditions", "string_not_equals", "condition_01", "condition_key", "@@assign"), "aws:ResourceTag/backup"},
		"resource types":         {append(plan[:2:2], "selections", "resources", "volumes", "resource_types", "@@assign"), []any{"arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"}},
		"not resource types":     {append(plan[:2:2], "selections", "resources", "volumes", "not_resource_types", "@@assign"), []any{"arn:aws:rds:*:*:db:scratch*"}},
		"second condition":       {append(plan[:2:2], "selections", "resources", "volumes", "conditions", "string_equals", "condition_02", "condition_value", "@@assign"), "prod"},
		"windows vss lower case": {append(plan[:2:2], "advanced_backup_settings", "ec2", "windows_vss", "@@assign"), "enabled"},
		"plan tags":              {append(plan[:2:2], "backup_plan_tags", "cost-center", "tag_key", "@@assign"), "cost-center"},
		"no copy lifecycle":      {append(rule[:4:4], "copy_actions", "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault", "lifecycle"), nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, get(tc.path...)); diff != "" {
				t.Errorf("%v mismatch (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func TestCompileRefusesInexpressiblePlans(t *testing.T) {
	t.Parallel()
	mixedKeys := fullPlan()
	mixedKeys.Selections[0].ListOfTags[1].Key = "other"
	tagsAndResources := fullPlan()
	tagsAndResources.Selections[0].Resources = []string{"*"}
	nothing := fullPlan()
	nothing.Selections[1].Resources = nil
	invalid := fullPlan()
	invalid.Rules[0].Lifecycle.DeleteAfterDays = 200
	tests := map[string]struct {
		plans []Plan
		opts  CompileOptions
		path  string // of the first FieldError, "" when there is none
		want  string
	}{
		"two tag keys":        {[]Plan{mixedKeys}, CompileOptions{}, "selections.datatype.tags.1", "one tag_key"},
		"tags and resources":  {[]Plan{tagsAndResources}, CompileOptions{}, "selections.datatype", "cannot select by tags"},
		"no resources":        {[]Plan{nothing}, CompileOptions{}, "selections.volumes.resources", "needs tags"},
		"invalid plan":        {[]Plan{invalid}, CompileOptions{}, "rules.Hourly.lifecycle.delete_after_days", "at least 90 days"},
		"no plans":            {nil, CompileOptions{}, "", "no plans"},
		"case collision":      {[]Plan{fullPlan(), func() Plan { p := fullPlan(); p.Name = "everything"; return p }()}, CompileOptions{}, "", "collide"},
		"bad child control":   {[]Plan{fullPlan()}, CompileOptions{ChildControl: ChildControl{Plan: ChildOperators{"@@none", "@@assign"}}}, "", "only operator"},
		"unknown child op":    {[]Plan{fullPlan()}, CompileOptions{ChildControl: ChildControl{Plan: ChildOperators{"@@apend"}}}, "", `did you mean "@@append"`},
		"plan alone too long": {[]Plan{fullPlan()}, CompileOptions{MaxSize: 500}, "", "more than the 500 allowed even on its own"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			docs, err := CompileOrganizationsPolicy(tc.plans, tc.opts)
			if err == nil {
				t.Fatalf("CompileOrganizationsPolicy succeeded:\n%s", docs)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if tc.path != "" {
				fes := FieldErrors(err)
				if len(fes) == 0 {
					t.Fatalf("no FieldError in %v", err)
				}
				if got := strings.Join(fes[0].Path, "."); got != tc.path {
					t.Errorf("FieldError path = %q, want %q", got, tc.path)
				}
			}
		})
	}
}

// namedPlans returns n valid plans, "plan-00", "plan-01", ... in reverse
// order, so that splitting has to sort them.
func namedPlans(n int) []Plan {
	var out []Plan
	for i := n - 1; i >= 0; i-- {
		p := fullPlan()
		p.Name = fmt.Sprintf("plan-%02d", i)
		out = append(out, p)
	}
	return out
}

func TestCompileSplitsBySize(t *testing.T) {
	t.Parallel()
	plans := namedPlans(10)
	single, err := CompileOrganizationsPolicy(plans[:1], CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	one := utf8.RuneCount(single[0])
	// Room for three plans per document, not four.
	maxSize := 3*one + 50
	docs, err := CompileOrganizationsPolicy(plans, CompileOptions{MaxSize: maxSize})
	if err != nil {
		t.Fatalf("CompileOrganizationsPolicy: %v", err)
	}
	var got [][]string
	for i, d := range docs {
		if n := utf8.RuneCount(d); n > maxSize {
			t.Errorf("document %d has %d characters, more than %d", i, n, maxSize)
		}
		pol, err := ParseOrganizationsPolicy(fmt.Sprintf("doc%d.json", i), d)
		if err != nil {
			t.Fatalf("document %d does not parse: %v", i, err)
		}
		var names []string
		for _, p := range pol.Plans {
			names = append(names, p.Name)
		}
		got = append(got, names)
	}
	want := [][]string{
		{"plan-00", "plan-01", "plan-02"},
		{"plan-03", "plan-04", "plan-05"},
		{"plan-06", "plan-07", "plan-08"},
		{"plan-09"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plans per document mismatch (-want +got):\n%s", diff)
	}
	again, err := CompileOrganizationsPolicy(namedPlans(10), CompileOptions{MaxSize: maxSize})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(docs, again); diff != "" {
		t.Errorf("second compilation differs (-first +second):\n%s", diff)
	}
}

func TestCompileDefaultSizeLimit(t *testing.T) {
	t.Parallel()
	docs, err := CompileOrganizationsPolicy(namedPlans(10), CompileOptions{Indent: "    "})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 2 {
		t.Fatalf("10 full plans indented by 4 fit in one document of %d characters; want a split", len(docs[0]))
	}
	for i, d := range docs {
		if n := utf8.RuneCount(d); n > MaxPolicySize {
			t.Errorf("document %d has %d characters, over the %d quota", i, n, MaxPolicySize)
		}
	}
}

// TestRoundTrip checks compile → parse → compile gives the same bytes, and
// that parsing recovers the plans.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		plans []Plan
		opts  CompileOptions
	}{
		"full":            {[]Plan{fullPlan()}, CompileOptions{}},
		"full indented":   {[]Plan{fullPlan()}, CompileOptions{Indent: "\t"}},
		"presets":         {presetPlans(), CompileOptions{}},
		"locked":          {presetPlans(), CompileOptions{ChildControl: ChildControl{Plans: ChildOperators{OperatorAppend}, Plan: Locked, Settings: Locked}}},
		"partially fixed": {[]Plan{fullPlan()}, CompileOptions{ChildControl: ChildControl{Settings: ChildOperators{OperatorAssign, OperatorRemove}}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			docs, err := CompileOrganizationsPolicy(tc.plans, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			pol, err := ParseOrganizationsPolicy("policy.json", docs[0])
			if err != nil {
				t.Fatalf("ParseOrganizationsPolicy: %v", err)
			}
			if diff := cmp.Diff(tc.opts.ChildControl, pol.ChildControl); diff != "" {
				t.Errorf("child control mismatch (-want +got):\n%s", diff)
			}
			again, err := CompileOrganizationsPolicy(pol.Plans, tc.opts)
			if err != nil {
				t.Fatalf("recompiling: %v", err)
			}
			if !bytes.Equal(docs[0], again[0]) {
				t.Errorf("recompiled policy differs:\nfirst:  %s\nsecond: %s", docs[0], again[0])
			}
			if diff := cmp.Diff(normalizePlans(tc.plans), normalizePlans(pol.Plans)); diff != "" {
				t.Errorf("parsed plans mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// normalizePlans orders what a policy document does not order: plans,
// selections (grouped by form and sorted by name in the document) and
// conditions (grouped by operator).
func normalizePlans(plans []Plan) map[string]Plan {
	out := map[string]Plan{}
	for _, p := range plans {
		sels := map[string]Selection{}
		for _, s := range p.Selections {
			conds := map[ConditionType][]TagCondition{}
			for _, c := range s.Conditions {
				conds[c.Type] = append(conds[c.Type], c)
			}
			s.Conditions = nil
			for _, ct := range []ConditionType{StringEquals, StringLike, StringNotEquals, StringNotLike} {
				s.Conditions = append(s.Conditions, conds[ct]...)
			}
			sels[s.Name] = s
		}
		p.Selections = nil
		rules := map[string]Rule{}
		for _, r := range p.Rules {
			rules[r.Name] = r
		}
		p.Rules = nil
		q := p
		out[p.Name] = q
		out[p.Name+"/selections"] = Plan{Selections: selectionsOf(sels)}
		out[p.Name+"/rules"] = Plan{Rules: rulesOf(rules)}
	}
	return out
}

func selectionsOf(m map[string]Selection) []Selection {
	var out []Selection
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func rulesOf(m map[string]Rule) []Rule {
	var out []Rule
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

func ExampleCompileOrganizationsPolicy() {
	plan := NewPlan("daily",
		Daily("daily", 2, 0).InVault("Default").KeepDays(35).
			CopyTo(NewVaultARN("us-east-1", "222222222222", "central-backup"), Days(365))).
		InRegions("us-east-1").
		Select(ByTag("backup", "daily", NewRoleARN(AccountVariable, "service-role/AWSBackupDefaultServiceRole")))
	docs, err := CompileOrganizationsPolicy([]Plan{*plan}, CompileOptions{Indent: " "})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(docs[0]))
	// Output:
	// {
	//  "plans": {
	//   "daily": {
	//    "regions": {
	//     "@@assign": [
	//      "us-east-1"
	//     ]
	//    },
	//    "rules": {
	//     "daily": {
	//      "copy_actions": {
	//       "arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup": {
	//        "lifecycle": {
	//         "delete_after_days": {
	//          "@@assign": "365"
	//         }
	//        },
	//        "target_backup_vault_arn": {
	//         "@@assign": "arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup"
	//        }
	//       }
	//      },
	//      "lifecycle": {
	//       "delete_after_days": {
	//        "@@assign": "35"
	//       }
	//      },
	//      "schedule_expression": {
	//       "@@assign": "cron(0 2 * * ? *)"
	//      },
	//      "target_backup_vault_name": {
	//       "@@assign": "Default"
	//      }
	//     }
	//    },
	//    "selections": {
	//     "tags": {
	//      "backup-daily": {
	//       "iam_role_arn": {
	//        "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole"
	//       },
	//       "tag_key": {
	//        "@@assign": "backup"
	//       },
	//       "tag_value": {
	//        "@@assign": [
	//         "daily"
	//        ]
	//       }
	//      }
	//     }
	//    }
	//   }
	//  }
	// }
}

func checkOrgGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "orgpolicy", name), got)
}
