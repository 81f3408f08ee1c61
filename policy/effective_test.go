package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/google/go-cmp/cmp"
)

const testAccount = "123456789012"

func pol(name, content string) PolicySource {
	return PolicySource{Name: name, Content: []byte(content)}
}

func at(target string, policies ...PolicySource) PolicyLevel {
	return PolicyLevel{Target: target, Policies: policies}
}

// effectiveCase is one EffectivePolicy scenario. want is the expected
// effective policy, written by hand from AWS's documented behaviour and
// compared as JSON; violations list "SOURCE OPERATOR PATH" of each expected
// violation, in order. The full output, messages included, is also kept in
// testdata/effective/NAME.golden.
type effectiveCase struct {
	name         string
	levels       []PolicyLevel
	want         string
	wantResolved string // compared only when set
	violations   []string
	wantErr      error
}

var effectiveCases = []effectiveCase{
	{
		name: "assign_overwrites_inherited_value",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1","eu-west-1"]},
				"rules":{"daily":{"target_backup_vault_name":{"@@assign":"Default"}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@assign":["us-west-2"]},
				"rules":{"daily":{"target_backup_vault_name":{"@@assign":"FortKnox"}}}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-west-2"],"rules":{"daily":{"target_backup_vault_name":"FortKnox"}}}}}`,
	},
	{
		name: "assign_adds_setting_not_inherited",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"rules":{"daily":{"schedule_expression":{"@@assign":"cron(0 5 ? * * *)"}}}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1"],"rules":{"daily":{"schedule_expression":"cron(0 5 ? * * *)"}}}}}`,
	},
	{
		name: "append_adds_values_and_skips_those_present",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1","eu-west-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@append":["eu-west-1","ap-south-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","eu-west-1","ap-south-1"]}}}`,
	},
	{
		name: "append_creates_list_not_inherited",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@append":["us-east-1","eu-north-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","eu-north-1"]}}}`,
	},
	{
		name: "remove_drops_only_the_named_values",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"selections":{"tags":{"t":{"tag_value":{"@@assign":["PII","RED","GREEN"]}}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"selections":{"tags":{"t":{"tag_value":{"@@remove":["RED","BLUE"]}}}}}}}`)),
		},
		want: `{"plans":{"p":{"selections":{"tags":{"t":{"tag_value":["PII","GREEN"]}}}}}}`,
	},
	{
		name: "remove_of_a_single_value_drops_the_setting",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1"]},"rules":{"r":{"target_backup_vault_name":{"@@assign":"Old"}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":{"@@remove":["Old"]}}}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1"]}}}`,
	},
	{
		name: "child_control_all_allows_every_operator",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@all"],"@@assign":["us-east-1","eu-west-1"]}}}}`)),
			at("ou-a", pol("ou.json", `{"plans":{"p":{"regions":{"@@remove":["eu-west-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@append":["ap-south-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","ap-south-1"]}}}`,
	},
	{
		name: "child_control_none_locks_the_value",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":["us-east-1"]}}}}`)),
			at("ou-a", pol("ou.json", `{"plans":{"p":{"regions":{"@@assign":["eu-west-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@append":["ap-south-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1"]}}}`,
		violations: []string{
			"ou.json @@assign plans.p.regions",
			"account.json @@append plans.p.regions",
		},
	},
	{
		name: "child_control_list_allows_only_listed_operators",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append"],"@@assign":["us-east-1"]}}}}`)),
			at("ou-a", pol("ou.json", `{"plans":{"p":{"regions":{"@@append":["eu-west-1"]}}}}`)),
			at("ou-b", pol("ou-b.json", `{"plans":{"p":{"regions":{"@@remove":["us-east-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@assign":["ap-south-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","eu-west-1"]}}}`,
		violations: []string{
			"ou-b.json @@remove plans.p.regions",
			"account.json @@assign plans.p.regions",
		},
	},
	{
		name: "child_cannot_lift_an_inherited_restriction",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append"],"@@assign":["us-east-1"]}}}}`)),
			at("ou-a", pol("ou.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@all"],"@@assign":["eu-west-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@assign":["ap-south-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1"]}}}`,
		violations: []string{
			"ou.json @@assign plans.p.regions",
			"account.json @@assign plans.p.regions",
		},
	},
	{
		name: "most_restrictive_limit_wins_down_the_tree",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append","@@remove"],"@@assign":["us-east-1","eu-west-1"]}}}}`)),
			at("ou-a", pol("ou.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append","@@assign"],"@@remove":["eu-west-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@remove":["us-east-1"],"@@operators_allowed_for_child_policies":["@@none"]}}}}`),
				pol("account-2.json", `{"plans":{"p":{"regions":{"@@append":["ap-south-1"]}}}}`)),
		},
		// OU narrows root's [append, remove] to [append]: the account may
		// append but no longer remove.
		want: `{"plans":{"p":{"regions":["us-east-1","ap-south-1"]}}}`,
		violations: []string{
			"account.json @@remove plans.p.regions",
		},
	},
	{
		name: "limits_apply_from_the_next_level_down",
		levels: []PolicyLevel{
			at("r-root",
				pol("root-1.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":["us-east-1"]}}}}`),
				pol("root-2.json", `{"plans":{"p":{"regions":{"@@append":["eu-west-1"]}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","eu-west-1"]}}}`,
	},
	{
		// "Inheritance examples", example 5: child control operators of
		// policies attached to one target intersect.
		name: "same_target_limits_intersect",
		levels: []PolicyLevel{
			at("r-root",
				pol("policy-g.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append"],"@@assign":["us-east-1"]}}}}`),
				pol("policy-h.json", `{"plans":{"p":{"regions":{"@@operators_allowed_for_child_policies":["@@append","@@remove"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@remove":["us-east-1"]}}}}`),
				pol("account-2.json", `{"plans":{"p":{"regions":{"@@append":["eu-west-1"]}}}}`)),
		},
		want:       `{"plans":{"p":{"regions":["us-east-1","eu-west-1"]}}}`,
		violations: []string{"account.json @@remove plans.p.regions"},
	},
	{
		// "Inheritance examples", example 6: policies attached to one target
		// apply in attachment order and the first assignment stands.
		name: "same_target_first_assign_stands",
		levels: []PolicyLevel{
			at("r-root",
				pol("policy-j.json", `{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":{"@@assign":"PROJECT"}}},"regions":{"@@append":["us-east-1"]}}}}`),
				pol("policy-k.json", `{"plans":{"p":{"rules":{"r":{"target_backup_vault_name":{"@@assign":"project"}}},"regions":{"@@append":["eu-west-1"]}}}}`)),
		},
		want:       `{"plans":{"p":{"regions":["us-east-1","eu-west-1"],"rules":{"r":{"target_backup_vault_name":"PROJECT"}}}}}`,
		violations: []string{"policy-k.json @@assign plans.p.rules.r.target_backup_vault_name"},
	},
	{
		name: "same_target_policies_combine_plans",
		levels: []PolicyLevel{
			at("ou-a",
				pol("daily.json", `{"plans":{"daily":{"regions":{"@@assign":["us-east-1"]}}}}`),
				pol("monthly.json", `{"plans":{"monthly":{"regions":{"@@assign":["eu-west-1"]}}}}`)),
		},
		want: `{"plans":{"daily":{"regions":["us-east-1"]},"monthly":{"regions":["eu-west-1"]}}}`,
	},
	{
		name: "chain_root_ou_nested_ou_account",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{
				"regions":{"@@operators_allowed_for_child_policies":["@@append"],"@@assign":["us-east-1"]},
				"rules":{"r":{"schedule_expression":{"@@assign":"cron(0 5 ? * * *)"},
					"lifecycle":{"delete_after_days":{"@@operators_allowed_for_child_policies":["@@assign"],"@@assign":"35"}}}}}}}`)),
			at("ou-prod", pol("prod.json", `{"plans":{"p":{"regions":{"@@append":["us-west-2"]},
				"rules":{"r":{"lifecycle":{"delete_after_days":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"90"}}}}}}}`)),
			at("ou-prod-eu", pol("prod-eu.json", `{"plans":{"p":{"regions":{"@@append":["eu-central-1"]},
				"rules":{"r":{"schedule_expression":{"@@assign":"cron(0 3 ? * * *)"}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@append":["eu-west-1"]},
				"rules":{"r":{"lifecycle":{"delete_after_days":{"@@assign":"7"}}}}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1","us-west-2","eu-central-1","eu-west-1"],
			"rules":{"r":{"lifecycle":{"delete_after_days":"90"},"schedule_expression":"cron(0 3 ? * * *)"}}}}}`,
		violations: []string{"account.json @@assign plans.p.rules.r.lifecycle.delete_after_days"},
	},
	{
		name: "locked_plans_refuse_new_plans",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"@@operators_allowed_for_child_policies":["@@none"],
				"base":{"regions":{"@@assign":["us-east-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"extra":{"regions":{"@@assign":["eu-west-1"]}},
				"base":{"regions":{"@@append":["eu-west-1"]}}}}`)),
		},
		// The lock is on the plans collection only: the existing plan's
		// regions carry no limit of their own.
		want:       `{"plans":{"base":{"regions":["us-east-1","eu-west-1"]}}}`,
		violations: []string{"account.json @@assign plans.extra"},
	},
	{
		// "Backup policy syntax and examples", example 4.
		name: "append_on_plans_lets_children_add_plans",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"@@operators_allowed_for_child_policies":["@@append"],
				"PII_Backup_Plan":{"@@operators_allowed_for_child_policies":["@@none"],
					"regions":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":["us-east-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"MonthlyBackupPlan":{"regions":{"@@assign":["eu-central-1"]}},
				"PII_Backup_Plan":{"rules":{"r":{"target_backup_vault_name":{"@@assign":"Default"}}},"regions":{"@@append":["eu-west-1"]}}}}`)),
		},
		want: `{"plans":{"monthlybackupplan":{"regions":["eu-central-1"]},"pii_backup_plan":{"regions":["us-east-1"]}}}`,
		violations: []string{
			"account.json @@assign plans.PII_Backup_Plan.rules",
			"account.json @@append plans.PII_Backup_Plan.regions",
		},
	},
	{
		name: "keys_are_case_insensitive_and_lower_cased",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"Plans":{"PII_Plan":{"Rules":{"Hourly":{"Target_Backup_Vault_Name":{"@@assign":"FortKnox"}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"pii_plan":{"rules":{"hourly":{"target_backup_vault_name":{"@@assign":"Default"}}}}}}`)),
		},
		want: `{"plans":{"pii_plan":{"rules":{"hourly":{"target_backup_vault_name":"Default"}}}}}`,
	},
	{
		name: "account_variable_kept_in_json_and_resolved_in_arns",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{
				"rules":{"r":{"copy_actions":{"arn:aws:backup:us-west-2:$account:backup-vault:Second":{
					"target_backup_vault_arn":{"@@assign":"arn:aws:backup:us-west-2:$account:backup-vault:Second"}}}}},
				"selections":{"tags":{"t":{"iam_role_arn":{"@@assign":"arn:aws:iam::$account:role/Backup"},
					"tag_value":{"@@assign":["$account"]}}}}}}}`)),
		},
		want: `{"plans":{"p":{
			"rules":{"r":{"copy_actions":{"arn:aws:backup:us-west-2:$account:backup-vault:second":{
				"target_backup_vault_arn":"arn:aws:backup:us-west-2:$account:backup-vault:Second"}}}},
			"selections":{"tags":{"t":{"iam_role_arn":"arn:aws:iam::$account:role/Backup","tag_value":["$account"]}}}}}}`,
		wantResolved: `{"plans":{"p":{
			"rules":{"r":{"copy_actions":{"arn:aws:backup:us-west-2:123456789012:backup-vault:second":{
				"target_backup_vault_arn":"arn:aws:backup:us-west-2:123456789012:backup-vault:Second"}}}},
			"selections":{"tags":{"t":{"iam_role_arn":"arn:aws:iam::123456789012:role/Backup","tag_value":["$account"]}}}}}}`,
	},
	{
		name: "values_keep_their_json_type",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"rules":{"r":{"start_backup_window_minutes":{"@@assign":"60"},
				"complete_backup_window_minutes":{"@@assign":120},"enable_continuous_backup":{"@@assign":true}}}}}}`)),
		},
		want: `{"plans":{"p":{"rules":{"r":{"complete_backup_window_minutes":120,"enable_continuous_backup":true,"start_backup_window_minutes":"60"}}}}}`,
	},
	{
		name: "strings_are_escaped_as_json_not_html",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"\u00c9T\u00c9 <&>":{"backup_plan_tags":{"t":{"tag_value":{"@@assign":"a<b>&\"c\"\n"}}}}}}`)),
		},
		want:         `{"plans":{"\u00e9t\u00e9 <&>":{"backup_plan_tags":{"t":{"tag_value":"a<b>&\"c\"\n"}}}}}`,
		wantResolved: `{"plans":{"été <&>":{"backup_plan_tags":{"t":{"tag_value":"a<b>&\"c\"\n"}}}}}`,
	},
	{
		name: "shape_conflict_is_reported",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1"]},"rules":{"r":{"target_backup_vault_name":{"@@assign":"V"}}}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"rules":{"@@assign":"none"},"regions":{"eu":{"@@assign":"x"}}}}}`)),
		},
		want: `{"plans":{"p":{"regions":["us-east-1"],"rules":{"r":{"target_backup_vault_name":"V"}}}}}`,
		violations: []string{
			"account.json @@assign plans.p.rules",
			"account.json @@assign plans.p.regions.eu",
		},
	},
	{
		name:    "no_policies",
		levels:  []PolicyLevel{at("r-root"), at("ou-a"), at(testAccount)},
		wantErr: ErrNoEffectivePolicy,
	},
	{
		name: "remove_can_leave_an_empty_list",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["us-east-1"]}}}}`)),
			at(testAccount, pol("account.json", `{"plans":{"p":{"regions":{"@@remove":["us-east-1"]}}}}`)),
		},
		// @@remove leaves an empty list, which still counts as a plan.
		want: `{"plans":{"p":{"regions":[]}}}`,
	},
	{
		name: "only_child_controls_give_no_plans",
		levels: []PolicyLevel{
			at("r-root", pol("root.json", `{"plans":{"@@operators_allowed_for_child_policies":["@@none"]}}`)),
		},
		wantErr: ErrNoEffectivePolicy,
	},
	{
		// "Backup policy syntax and examples", example 2 (a parent policy
		// merged with a child policy), with the example's JSON typos fixed:
		// each policy contributes its own plan.
		name: "aws_docs_backup_example_2",
		levels: []PolicyLevel{
			at("r-root", pol("parent.json", awsDocsParentPolicy)),
			at(testAccount, pol("child.json", `{
    "plans": {
       "Monthly_Backup_Plan": {
            "regions": {
                "@@append":[ "us-east-1", "eu-central-1" ] },
            "rules": {
                "Monthly": {
                    "schedule_expression": { "@@assign": "cron(0 5 1 * ? *)" },
                    "start_backup_window_minutes": { "@@assign": "480" },
                    "target_backup_vault_name": { "@@assign": "Default" },
                    "lifecycle": {
                        "delete_after_days": { "@@assign": "365" },
                        "move_to_cold_storage_after_days": { "@@assign": "30" }
                    }
                }
            },
            "selections": {
                "tags": {
                    "MonthlyDatatype": {
                        "iam_role_arn": { "@@assign": "arn:aws:iam::$account:role/MyMonthlyBackupIamRole" },
                        "tag_key": { "@@assign": "BackupType" },
                        "tag_value": { "@@assign": [ "MONTHLY", "RED" ] }
                    }
                }
            }
        }
    }
}`)),
		},
		want: `{"plans":{
			"monthly_backup_plan":{"regions":["us-east-1","eu-central-1"],
				"rules":{"monthly":{"lifecycle":{"delete_after_days":"365","move_to_cold_storage_after_days":"30"},
					"schedule_expression":"cron(0 5 1 * ? *)","start_backup_window_minutes":"480","target_backup_vault_name":"Default"}},
				"selections":{"tags":{"monthlydatatype":{"iam_role_arn":"arn:aws:iam::$account:role/MyMonthlyBackupIamRole","tag_key":"BackupType","tag_value":["MONTHLY","RED"]}}}},
			"pii_backup_plan":` + awsDocsParentEffective + `}}`,
	},
	{
		// "Backup policy syntax and examples", example 5 (a child policy
		// overrides settings in a parent policy): the regions list is
		// replaced, the schedule, start window, vault and lifecycle take the
		// child's values, and the copy action and selection are inherited.
		name: "aws_docs_backup_example_5",
		levels: []PolicyLevel{
			at("r-root", pol("parent.json", awsDocsParentPolicy)),
			at("ou-child", pol("child.json", `{
    "plans": {
       "PII_Backup_Plan": {
            "regions": { "@@assign":[ "us-west-2", "eu-central-1" ] },
            "rules": {
                "Hourly": {
                    "schedule_expression": { "@@assign": "cron(0 0/2 ? * * *)" },
                    "start_backup_window_minutes": { "@@assign": "80" },
                    "target_backup_vault_name": { "@@assign": "Default" },
                    "lifecycle": {
                        "delete_after_days": { "@@assign": "365" },
                        "move_to_cold_storage_after_days": { "@@assign": "30" }
                    }
                }
            }
        }
    }
}`)),
			at(testAccount),
		},
		want: `{"plans":{"pii_backup_plan":{
			"regions":["us-west-2","eu-central-1"],
			"rules":{"hourly":{
				"copy_actions":{"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault":{
					"lifecycle":{"delete_after_days":"28","move_to_cold_storage_after_days":"180"},
					"target_backup_vault_arn":"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"}},
				"lifecycle":{"delete_after_days":"365","move_to_cold_storage_after_days":"30"},
				"schedule_expression":"cron(0 0/2 ? * * *)","start_backup_window_minutes":"80","target_backup_vault_name":"Default"}},
			"selections":{"tags":{"datatype":{"iam_role_arn":"arn:aws:iam::$account:role/MyIamRole","tag_key":"dataType","tag_value":["PII","RED"]}}}}}}`,
		wantResolved: `{"plans":{"pii_backup_plan":{
			"regions":["us-west-2","eu-central-1"],
			"rules":{"hourly":{
				"copy_actions":{"arn:aws:backup:us-east-1:123456789012:backup-vault:secondary_vault":{
					"lifecycle":{"delete_after_days":"28","move_to_cold_storage_after_days":"180"},
					"target_backup_vault_arn":"arn:aws:backup:us-east-1:123456789012:backup-vault:secondary_vault"}},
				"lifecycle":{"delete_after_days":"365","move_to_cold_storage_after_days":"30"},
				"schedule_expression":"cron(0 0/2 ? * * *)","start_backup_window_minutes":"80","target_backup_vault_name":"Default"}},
			"selections":{"tags":{"datatype":{"iam_role_arn":"arn:aws:iam::123456789012:role/MyIamRole","tag_key":"dataType","tag_value":["PII","RED"]}}}}}}`,
	},
	{
		// "Backup policy syntax and examples", example 3: a parent with
		// @@none at every level makes child policies ineffective.
		name: "aws_docs_backup_example_3",
		levels: []PolicyLevel{
			at("r-root", pol("parent.json", `{
    "plans": {
       "@@operators_allowed_for_child_policies": ["@@none"],
       "PII_Backup_Plan": {
           "@@operators_allowed_for_child_policies": ["@@none"],
           "regions": {
               "@@operators_allowed_for_child_policies": ["@@none"],
               "@@append":[ "us-east-1", "ap-northeast-3", "eu-north-1" ]
           },
           "rules": {
               "@@operators_allowed_for_child_policies": ["@@none"],
               "Hourly": {
                   "@@operators_allowed_for_child_policies": ["@@none"],
                   "schedule_expression": {
                        "@@operators_allowed_for_child_policies": ["@@none"],
                        "@@assign": "cron(0 0/1 ? * * *)"
                    },
                    "target_backup_vault_name": {
                        "@@operators_allowed_for_child_policies": ["@@none"],
                        "@@assign": "FortKnox"
                    }
                }
            }
        }
    }
}`)),
			at(testAccount, pol("child.json", `{"plans":{"PII_Backup_Plan":{"regions":{"@@append":["us-west-2"]},
				"rules":{"Hourly":{"schedule_expression":{"@@assign":"cron(0 0/2 ? * * *)"}},"Daily":{"target_backup_vault_name":{"@@assign":"Default"}}}},
				"Other":{"regions":{"@@assign":["us-west-2"]}}}}`)),
		},
		want: `{"plans":{"pii_backup_plan":{"regions":["us-east-1","ap-northeast-3","eu-north-1"],
			"rules":{"hourly":{"schedule_expression":"cron(0 0/1 ? * * *)","target_backup_vault_name":"FortKnox"}}}}}`,
		violations: []string{
			"child.json @@append plans.PII_Backup_Plan.regions",
			"child.json @@assign plans.PII_Backup_Plan.rules.Hourly.schedule_expression",
			"child.json @@assign plans.PII_Backup_Plan.rules.Daily",
			"child.json @@assign plans.Other",
		},
	},
}

// awsDocsParentPolicy is the parent policy of "Backup policy syntax and
// examples", example 5, with the example's JSON typos fixed.
const awsDocsParentPolicy = `{
    "plans": {
       "PII_Backup_Plan": {
            "regions": {
                "@@append":[ "us-east-1", "ap-northeast-3", "eu-north-1" ]
            },
            "rules": {
                "Hourly": {
                    "schedule_expression": { "@@assign": "cron(0 0/1 ? * * *)" },
                    "start_backup_window_minutes": { "@@assign": "60" },
                    "target_backup_vault_name": { "@@assign": "FortKnox" },
                    "lifecycle": {
                        "delete_after_days": { "@@assign": "2" },
                        "move_to_cold_storage_after_days": { "@@assign": "180" }
                    },
                    "copy_actions": {
                        "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault" : {
                            "target_backup_vault_arn" : {
                                "@@assign" : "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"
                            },
                            "lifecycle": {
                                "delete_after_days": { "@@assign": "28" },
                                "move_to_cold_storage_after_days": { "@@assign": "180" }
                            }
                        }
                    }
                }
            },
            "selections": {
                "tags": {
                    "datatype": {
                        "iam_role_arn": { "@@assign": "arn:aws:iam::$account:role/MyIamRole" },
                        "tag_key": { "@@assign": "dataType" },
                        "tag_value": { "@@assign": [ "PII", "RED" ] }
                    }
                }
            }
        }
    }
}`

// awsDocsParentEffective is awsDocsParentPolicy's plan on its own.
const awsDocsParentEffective = `{
	"regions":["us-east-1","ap-northeast-3","eu-north-1"],
	"rules":{"hourly":{
		"copy_actions":{"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault":{
			"lifecycle":{"delete_after_days":"28","move_to_cold_storage_after_days":"180"},
			"target_backup_vault_arn":"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"}},
		"lifecycle":{"delete_after_days":"2","move_to_cold_storage_after_days":"180"},
		"schedule_expression":"cron(0 0/1 ? * * *)","start_backup_window_minutes":"60","target_backup_vault_name":"FortKnox"}},
	"selections":{"tags":{"datatype":{"iam_role_arn":"arn:aws:iam::$account:role/MyIamRole","tag_key":"dataType","tag_value":["PII","RED"]}}}}`

func TestEffectivePolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range effectiveCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := EffectivePolicy(tc.levels, testAccount)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("EffectivePolicy() error = %v, want %v", err, tc.wantErr)
			}
			if got == nil {
				t.Fatalf("EffectivePolicy() = nil, %v; want an Effective", err)
			}
			if tc.wantErr == nil {
				assertSameJSON(t, "JSON", tc.want, got.JSON)
				if tc.wantResolved != "" {
					assertSameJSON(t, "Resolved", tc.wantResolved, got.Resolved)
				}
				if !bytes.Equal(compactJSON(t, got.JSON), got.JSON) {
					t.Errorf("JSON is not compact: %s", got.JSON)
				}
			}

			var short []string
			for _, v := range got.Violations {
				short = append(short, v.Source+" "+v.Operator+" "+strings.Join(v.Path, "."))
				checkViolationPosition(t, tc.levels, v)
			}
			if diff := cmp.Diff(tc.violations, short); diff != "" {
				t.Errorf("Violations mismatch (-want +got):\n%s", diff)
			}

			checkGolden(t, filepath.Join("testdata", "effective", tc.name+".golden"), renderEffective(got, err))
		})
	}
}

// checkViolationPosition checks that a violation points at the operator or
// key it is about.
func checkViolationPosition(t *testing.T, levels []PolicyLevel, v InheritanceViolation) {
	t.Helper()
	var content []byte
	for _, lv := range levels {
		for _, p := range lv.Policies {
			if p.Name == v.Source {
				content = p.Content
			}
		}
	}
	if content == nil {
		t.Errorf("violation %v names an unknown source", v)
		return
	}
	lines := strings.Split(string(content), "\n")
	if v.Line < 1 || v.Line > len(lines) || v.Col < 1 || v.Col > len(lines[v.Line-1]) {
		t.Errorf("violation %v: position out of range", v)
		return
	}
	text := lines[v.Line-1][v.Col-1:]
	wantOp := strconv.Quote(v.Operator)
	wantKey := strconv.Quote(v.Path[len(v.Path)-1])
	if !strings.HasPrefix(text, wantOp) && !strings.HasPrefix(text, wantKey) {
		t.Errorf("violation %v points at %.30q, want %s or %s", v, text, wantOp, wantKey)
	}
}

func renderEffective(e *Effective, err error) []byte {
	var b bytes.Buffer
	if err != nil {
		fmt.Fprintf(&b, "-- error --\n%v\n", err)
	}
	if e.JSON != nil {
		b.WriteString("-- effective --\n")
		_ = json.Indent(&b, e.JSON, "", "  ")
		b.WriteString("\n")
		if !bytes.Equal(e.JSON, e.Resolved) {
			b.WriteString("-- resolved --\n")
			_ = json.Indent(&b, e.Resolved, "", "  ")
			b.WriteString("\n")
		}
	}
	if len(e.Violations) > 0 {
		b.WriteString("-- violations --\n")
		for _, v := range e.Violations {
			b.WriteString(v.String())
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

func compactJSON(t *testing.T, s []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, s); err != nil {
		t.Fatalf("invalid JSON %s: %v", s, err)
	}
	return b.Bytes()
}

func assertSameJSON(t *testing.T, what, want string, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", what, err, got)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}

func TestEffectivePolicyDeterministic(t *testing.T) {
	t.Parallel()
	levels := []PolicyLevel{
		at("r-root", pol("a.json", `{"plans":{"z":{"regions":{"@@assign":["b","a"]}},"a":{"regions":{"@@assign":["c"]}},"m":{"rules":{"y":{"x":{"@@assign":"1"}},"b":{"x":{"@@assign":"2"}}}}}}`)),
	}
	first, err := EffectivePolicy(levels, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"plans":{"a":{"regions":["c"]},"m":{"rules":{"b":{"x":"2"},"y":{"x":"1"}}},"z":{"regions":["b","a"]}}}`
	if string(first.JSON) != want {
		t.Errorf("JSON = %s, want %s", first.JSON, want)
	}
	for i := 0; i < 20; i++ {
		again, err := EffectivePolicy(levels, testAccount)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.JSON, again.JSON) {
			t.Fatalf("run %d gave %s, first gave %s", i, again.JSON, first.JSON)
		}
	}
}

func TestEffectivePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		levels  []PolicyLevel
		account string
		want    []string // one line per *ParseError, or the error text
	}{
		{
			name:    "bad_account_id",
			levels:  []PolicyLevel{at("r-root", pol("root.json", `{"plans":{}}`))},
			account: "12345",
			want:    []string{`computing effective backup policy: account ID "12345" is not 12 digits`},
		},
		{
			name:   "malformed_json",
			levels: []PolicyLevel{at("r-root", pol("root.json", "{\"plans\": {\n  \"p\": {\"regions\": {\"@@assign\": [\"us-east-1\",]}}}}"))},
			want:   []string{`root.json:2:46: unexpected ']', want a JSON value`},
		},
		{
			name:   "not_an_object",
			levels: []PolicyLevel{at("r-root", pol("root.json", `["plans"]`))},
			want:   []string{`root.json:1:1: policy must be a JSON object, not array`},
		},
		{
			name: "unknown_operators",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@replace":["x"]},
"rules":{"@@operators_allowed_for_child_policies":["@@merge"]}}}}`))},
			want: []string{
				`root.json:1:27: plans.p.regions.@@replace: unknown operator "@@replace"; want @@assign, @@append, @@remove or @@operators_allowed_for_child_policies`,
				`root.json:2:52: plans.p.rules.@@operators_allowed_for_child_policies: unknown operator "@@merge"; want @@all, @@none, @@assign, @@append or @@remove`,
			},
		},
		{
			name:   "operator_at_top_level",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"@@assign":{"plans":{}}}`))},
			want:   []string{`root.json:1:2: @@assign: @@assign cannot be used at the top level of a policy`},
		},
		{
			name:   "operator_next_to_keys",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{"@@assign":"x","regions":{"@@assign":["a"]}}}}`))},
			want:   []string{`root.json:1:31: plans.p.regions: key "regions" cannot be next to @@assign: a setting holds either a value-setting operator or nested keys`},
		},
		{
			name:   "two_value_operators",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["a"],"@@append":["b"]}}}}`))},
			want:   []string{`root.json:1:44: plans.p.regions.@@append: @@append cannot be combined with @@assign on one setting`},
		},
		{
			name: "wrong_operands",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{
"a":{"@@append":"x"},
"b":{"@@remove":{"k":"v"}},
"c":{"@@assign":null},
"d":{"@@assign":[["nested"]]},
"e":{"@@assign":{"k":"v"}}}}}`))},
			want: []string{
				`root.json:2:17: plans.p.a.@@append: @@append takes a list of values, not string`,
				`root.json:3:17: plans.p.b.@@remove: @@remove takes a list of values, not object`,
				`root.json:4:17: plans.p.c.@@assign: @@assign takes a string, number, boolean or list of them, not null`,
				`root.json:5:18: plans.p.d.@@assign: list values must be strings, numbers or booleans, not array`,
				`root.json:6:17: plans.p.e.@@assign: @@assign takes a string, number, boolean or list of them, not object`,
			},
		},
		{
			name: "bad_child_controls",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{
"a":{"@@operators_allowed_for_child_policies":"@@none"},
"b":{"@@operators_allowed_for_child_policies":[]},
"c":{"@@operators_allowed_for_child_policies":["@@none","@@append"]},
"d":{"@@operators_allowed_for_child_policies":[1]}}}`))},
			want: []string{
				`root.json:2:47: plans.a.@@operators_allowed_for_child_policies: want a non-empty list such as ["@@none"], ["@@all"] or ["@@append", "@@remove"], not string`,
				`root.json:3:47: plans.b.@@operators_allowed_for_child_policies: want a non-empty list such as ["@@none"], ["@@all"] or ["@@append", "@@remove"], not an empty list`,
				`root.json:4:47: plans.c.@@operators_allowed_for_child_policies: @@none must be the only entry of the list`,
				`root.json:5:48: plans.d.@@operators_allowed_for_child_policies: want an operator name, not number`,
			},
		},
		{
			name:   "duplicate_keys_ignoring_case",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"Daily":{"regions":{"@@assign":["a"]}},"daily":{"regions":{"@@assign":["b"]}}}}`))},
			want:   []string{`root.json:1:50: plans.daily: duplicate key "daily" (keys are not case sensitive; first at 1:11)`},
		},
		{
			name:   "plain_value_instead_of_operator",
			levels: []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{"regions":["us-east-1"]}}}`))},
			want:   []string{`root.json:1:26: plans.p.regions: setting must be an object holding an inheritance operator, such as {"@@assign": ...}, not array`},
		},
		{
			name: "every_policy_is_checked",
			levels: []PolicyLevel{
				at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@append":"x"}}}}`)),
				at("ou-a", pol("ou.json", `{"plans":`)),
				at(testAccount, pol("", `{"plans":{"@@bogus":1}}`)),
			},
			want: []string{
				`root.json:1:38: plans.p.regions.@@append: @@append takes a list of values, not string`,
				`ou.json:1:10: unexpected end of input, want a JSON value`,
				`123456789012 policy 1:1:11: plans.@@bogus: unknown operator "@@bogus"; want @@assign, @@append, @@remove or @@operators_allowed_for_child_policies`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			account := tc.account
			if account == "" {
				account = testAccount
			}
			got, err := EffectivePolicy(tc.levels, account)
			if err == nil {
				t.Fatalf("EffectivePolicy() = %s, want an error", got.JSON)
			}
			if got != nil {
				t.Errorf("EffectivePolicy() returned %+v with error %v, want nil", got, err)
			}
			if errors.Is(err, ErrNoEffectivePolicy) {
				t.Errorf("error %v is ErrNoEffectivePolicy", err)
			}
			var lines []string
			if pes := parseErrors(err); len(pes) > 0 {
				for _, pe := range pes {
					lines = append(lines, pe.Error())
				}
			} else {
				lines = []string{err.Error()}
			}
			if diff := cmp.Diff(tc.want, lines); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func parseErrors(err error) []*ParseError {
	var out []*ParseError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, parseErrors(e)...)
		}
		return out
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		out = append(out, pe)
	}
	return out
}

func TestInheritanceViolationString(t *testing.T) {
	t.Parallel()
	v := InheritanceViolation{Source: "ou.json", Line: 3, Col: 7, Path: []string{"plans", "p", "regions"}, Operator: "@@assign", Message: "ignored"}
	if got, want := v.String(), "ou.json:3:7: plans.p.regions: ignored"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func ExampleEffectivePolicy() {
	levels := []PolicyLevel{
		{Target: "r-a1b2", Policies: []PolicySource{{Name: "org.json", Content: []byte(`{"plans": {"Daily": {
			"regions": {"@@operators_allowed_for_child_policies": ["@@append"], "@@assign": ["us-east-1"]},
			"selections": {"tags": {"all": {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/Backup"}}}}}}}`)}}},
		{Target: "ou-a1b2-prod1234", Policies: []PolicySource{{Name: "prod.json", Content: []byte(`{"plans": {"Daily": {
			"regions": {"@@append": ["eu-west-1"]}}}}`)}}},
		{Target: "111122223333", Policies: []PolicySource{{Name: "account.json", Content: []byte(`{"plans": {"Daily": {
			"regions": {"@@assign": ["ap-south-1"]}}}}`)}}},
	}
	eff, err := EffectivePolicy(levels, "111122223333")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(eff.JSON))
	fmt.Println(string(eff.Resolved))
	for _, v := range eff.Violations {
		fmt.Println(v)
	}
	// Output:
	// {"plans":{"daily":{"regions":["us-east-1","eu-west-1"],"selections":{"tags":{"all":{"iam_role_arn":"arn:aws:iam::$account:role/Backup"}}}}}}
	// {"plans":{"daily":{"regions":["us-east-1","eu-west-1"],"selections":{"tags":{"all":{"iam_role_arn":"arn:aws:iam::111122223333:role/Backup"}}}}}}
	// account.json:2:16: plans.Daily.regions: ignored: the policy at org.json:2:16 (attached to r-a1b2) allows child policies only ["@@append"] on plans.Daily.regions
}

func FuzzEffectivePolicy(f *testing.F) {
	for _, tc := range effectiveCases {
		var docs [][]byte
		for _, lv := range tc.levels {
			for _, p := range lv.Policies {
				docs = append(docs, p.Content)
			}
		}
		for len(docs) < 3 {
			docs = append(docs, []byte(`{}`))
		}
		f.Add(docs[0], docs[1], docs[2])
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "effective", "fuzz", "*.json"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, data, []byte(`{"plans":{}}`))
	}
	f.Fuzz(func(t *testing.T, root, ou, account []byte) {
		levels := []PolicyLevel{
			at("r-root", PolicySource{Name: "root.json", Content: root}),
			at("ou-a", PolicySource{Name: "ou-1.json", Content: ou}, PolicySource{Name: "ou-2.json", Content: account}),
			at(testAccount, PolicySource{Name: "account.json", Content: account}),
		}
		eff, err := EffectivePolicy(levels, testAccount)
		if err != nil {
			if errors.Is(err, ErrNoEffectivePolicy) {
				if eff == nil {
					t.Fatal("ErrNoEffectivePolicy without an Effective")
				}
				return
			}
			if eff != nil {
				t.Fatalf("error %v with non-nil Effective", err)
			}
			if len(parseErrors(err)) == 0 {
				t.Fatalf("error %v holds no *ParseError", err)
			}
			return
		}
		for _, out := range [][]byte{eff.JSON, eff.Resolved} {
			var v any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			if k := operatorKey(v); k != "" {
				t.Fatalf("output keeps operator key %q: %s", k, out)
			}
		}
		for _, v := range eff.Violations {
			if v.Line < 1 || v.Col < 1 || v.Operator == "" || len(v.Path) == 0 {
				t.Fatalf("incomplete violation %+v", v)
			}
		}
		again, err := EffectivePolicy(levels, testAccount)
		if err != nil || !bytes.Equal(again.JSON, eff.JSON) || len(again.Violations) != len(eff.Violations) {
			t.Fatalf("second run differs: %v\n%s\n%s", err, eff.JSON, again.JSON)
		}
	})
}

// operatorKey returns a key of v that starts with "@@", or "".
func operatorKey(v any) string {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if strings.HasPrefix(k, "@@") {
				return k
			}
			if k := operatorKey(c); k != "" {
				return k
			}
		}
	case []any:
		for _, c := range x {
			if k := operatorKey(c); k != "" {
				return k
			}
		}
	}
	return ""
}

func TestEffectivePolicyNoHTMLEscaping(t *testing.T) {
	t.Parallel()
	levels := []PolicyLevel{at("r-root", pol("root.json", `{"plans":{"p":{"regions":{"@@assign":["<&>"]}}}}`))}
	got, err := EffectivePolicy(levels, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"plans":{"p":{"regions":["<&>"]}}}`; string(got.JSON) != want {
		t.Errorf("JSON = %s, want %s", got.JSON, want)
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got)
}
