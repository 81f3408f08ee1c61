package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseOrganizationsPolicyErrors checks every problem of a document is
// reported at once, each with its position and path.
func TestParseOrganizationsPolicyErrors(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"typos.json": {
			`typos.json:9:55: plans.Daily.rules.daily.start_backup_window_minutes.@@assign: "start_backup_window_minutes" must be a whole number such as "60", not "sixty"`,
			`typos.json:10:40: plans.Daily.rules.daily.enable_continuous_backup.@@append: @@append works only on multi-valued (list) settings; "enable_continuous_backup" holds a single value, use @@assign`,
			`typos.json:12:13: plans.Daily.rules.daily.lifecycle.to_delete_after_days: unknown key "to_delete_after_days" in lifecycle; did you mean "delete_after_days"?`,
			`typos.json:24:30: plans.Daily.selections.tags.all.iam_role_arn.@@asign: unknown operator "@@asign"; did you mean "@@assign"?`,
			`typos.json:26:39: plans.Daily.selections.tags.all.tag_value.@@assign: "tag_value" must be a list of strings, not string`,
			`typos.json:30:49: plans.Daily.@@operators_allowed_for_child_policies: @@none must be the only operator in @@operators_allowed_for_child_policies`,
		},
		"semantic.json": {
			`semantic.json:4:45: plans.Daily.regions.@@append.1: "mars-1" is not a region code such as us-east-1`,
			`semantic.json:11:13: plans.Daily.rules.daily.lifecycle.delete_after_days: 60 days must be at least 90 days after move_to_cold_storage_after_days (30): at least 120`,
			`semantic.json:15:15: plans.Daily.rules.daily.copy_actions.central.target_backup_vault_arn: "arn:aws:backup:us-east-1:$account:vault:central" is not a valid backup vault ARN: resource type is "vault", want "backup-vault"`,
		},
		"pairs.json": {
			`pairs.json:6:9: plans.Daily.backup_plan_tags.owner: tag needs both tag_key and tag_value`,
			`pairs.json:8:48: plans.Daily.backup_plan_tags.team-again: tag key "team" is set twice`,
			`pairs.json:9:41: plans.Daily.backup_plan_tags.bad.tag_key.@@assign: "tag_key" must be a string, not array`,
			`pairs.json:24:17: plans.Daily.selections.resources.all.conditions.string_equals.condition_01: condition needs both condition_key and condition_value`,
			`pairs.json:25:64: plans.Daily.selections.resources.all.conditions.string_equals.condition_02.condition_key.@@assign: condition_key "backup" must be aws:ResourceTag/TAG-KEY`,
			`pairs.json:26:33: plans.Daily.selections.resources.all.conditions.string_equals.condition_03: condition "condition_03" must be an object, not string`,
		},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "orgpolicy", "invalid", name))
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseOrganizationsPolicy(name, data)
			if err == nil {
				t.Fatal("ParseOrganizationsPolicy accepted the document")
			}
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var pe *ParseError
				if !errors.As(e, &pe) {
					t.Errorf("error %v is a %T, want *ParseError", e, e)
				}
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOrganizationsPolicyStructure(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want string
	}{
		"not json":                {`{"plans": }`, `f.json:1:11: unexpected '}', want a JSON value`},
		"not an object":           {`[]`, `f.json:1:1: the policy must be an object, not array`},
		"no plans":                {`{}`, `f.json:1:1: a backup policy needs a "plans" object`},
		"unknown root":            {`{"plan": {}}`, `f.json:1:2: plan: unknown key "plan" in the policy; did you mean "plans"?`},
		"root operator":           {`{"plans": {}, "@@operators_allowed_for_child_policies": ["@@none"]}`, `f.json:1:15: @@operators_allowed_for_child_policies: @@operators_allowed_for_child_policies cannot be used at the top level of a policy; put it on "plans" or below`},
		"assign on plans":         {`{"plans": {"@@assign": {}}}`, `f.json:1:12: plans.@@assign: @@assign cannot be used on plans, which holds settings rather than a value; use it on one of its settings`},
		"duplicate key":           {`{"plans": {"a": {}, "A": {}}}`, `f.json:1:21: plans.A: duplicate key "A" (keys are not case sensitive; first at 1:12)`},
		"bare value":              {`{"plans": {"p": {"regions": ["us-east-1"]}}}`, `f.json:1:29: plans.p.regions: setting "regions" must be an object holding an inheritance operator, such as {"@@assign": ...}, not array`},
		"unmodeled not an object": {`{"plans": {"p": {"scan_settings": 1}}}`, `f.json:1:18: plans.p.scan_settings: scan_settings must be an object, not number`},
		"upper ec2":               {`{"plans": {"p": {"advanced_backup_settings": {"EC2": {}}}}}`, `f.json:1:47: plans.p.advanced_backup_settings.EC2: resource type "EC2" must be written in lower case, "ec2"`},
		"condition key":           {`{"plans": {"p": {"selections": {"resources": {"s": {"conditions": {"string_equals": {"c": {"condition_key": {"@@assign": "backup"}, "condition_value": {"@@assign": "x"}}}}}}}}}}`, `condition_key "backup" must be aws:ResourceTag/TAG-KEY`},
		"child op value":          {`{"plans": {"@@operators_allowed_for_child_policies": "@@none"}}`, `f.json:1:54: plans.@@operators_allowed_for_child_policies: @@operators_allowed_for_child_policies must be a list of operators, such as ["@@none"], not string`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseOrganizationsPolicy("f.json", []byte(tc.doc))
			if err == nil {
				t.Fatal("ParseOrganizationsPolicy accepted the document")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tc.want)
			}
		})
	}
}

// TestParseInheritedOperators checks that a policy using @@append and
// @@remove on lists parses, with those settings listed as inherited.
func TestParseInheritedOperators(t *testing.T) {
	t.Parallel()
	plans := presetPlans()[:1]
	docs, err := CompileOrganizationsPolicy(plans, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(docs[0]), `"regions":{"@@assign"`, `"regions":{"@@append"`, 1)
	doc = strings.Replace(doc, `"tag_value":{"@@assign":[`, `"tag_value":{"@@remove":[`, 1)
	pol, err := ParseOrganizationsPolicy("child.json", []byte(doc))
	if err != nil {
		t.Fatalf("ParseOrganizationsPolicy: %v\n%s", err, doc)
	}
	want := [][]string{
		{"plans", "orgbackup-production", "regions"},
		{"plans", "orgbackup-production", "selections", "tags", "backup-tier-production", "tag_value"},
	}
	if diff := cmp.Diff(want, pol.Inherited); diff != "" {
		t.Errorf("Inherited mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"us-east-1"}, pol.Plans[0].Regions); diff != "" {
		t.Errorf("regions from @@append mismatch (-want +got):\n%s", diff)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	known := []string{"move_to_cold_storage_after_days", "delete_after_days", "opt_in_to_archive_for_supported_resources"}
	tests := map[string]string{
		"to_delete_after_days":       "delete_after_days",
		"delete_after_day":           "delete_after_days",
		"Delete_After_Days":          "delete_after_days",
		"move_to_cold_storage_after": "move_to_cold_storage_after_days",
		"retention":                  "",
		"opt_in_to_archive":          "",
	}
	for word, want := range tests {
		if got := Suggest(word, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", word, got, want)
		}
	}
}
