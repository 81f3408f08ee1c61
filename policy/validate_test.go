package policy

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	vTestRole    = "arn:aws:iam::111111111111:role/BackupRole"
	vTestCentral = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
)

// validTestPlan returns a plan valid for both targets; each case breaks one rule.
func validTestPlan() *Plan {
	return NewPlan("prod",
		Daily("daily", 2, 0).InVault("local").KeepDays(30).CopyTo(vTestCentral, Years(7)),
	).InRegions("us-east-1").Select(ByTag("backup", "prod", vTestRole))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	manyRules := func(n int) []Rule {
		var rules []Rule
		for i := range n {
			rules = append(rules, Daily(fmt.Sprintf("r%d", i), i%24, 0).InVault("local"))
		}
		return rules
	}
	arns := func(n int, wildcard bool) []string {
		var out []string
		for i := range n {
			a := fmt.Sprintf("arn:aws:ec2:us-east-1:111111111111:volume/vol-%d", i)
			if wildcard {
				a += "*"
			}
			out = append(out, a)
		}
		return out
	}
	tags := func(n int) []TagCondition {
		var out []TagCondition
		for i := range n {
			out = append(out, TagCondition{Type: StringEquals, Key: fmt.Sprintf("k%d", i), Value: "v"})
		}
		return out
	}

	tests := map[string]struct {
		target Target
		edit   func(p *Plan)
		want   [][]string // paths of the expected errors, in order; nil means valid
	}{
		"valid api":    {target: TargetAPI, edit: func(*Plan) {}},
		"valid policy": {target: TargetPolicy, edit: func(*Plan) {}},

		// Plan name.
		"plan name 50 chars": {edit: func(p *Plan) { p.Name = strings.Repeat("a", 50) }},
		"plan name 51 chars": {edit: func(p *Plan) { p.Name = strings.Repeat("a", 51) }, want: [][]string{nil}},
		"plan name empty":    {edit: func(p *Plan) { p.Name = "" }, want: [][]string{nil}},
		"plan name space":    {edit: func(p *Plan) { p.Name = "my plan" }, want: [][]string{nil}},

		// Regions (policy only).
		"regions ignored by api": {edit: func(p *Plan) { p.Regions = nil }},
		"regions missing":        {target: TargetPolicy, edit: func(p *Plan) { p.Regions = nil }, want: [][]string{{"regions"}}},
		"region invalid":         {target: TargetPolicy, edit: func(p *Plan) { p.Regions = []string{"us-east-1", "useast1"} }, want: [][]string{{"regions", "1"}}},
		"region twice":           {target: TargetPolicy, edit: func(p *Plan) { p.Regions = []string{"us-east-1", "us-east-1"} }, want: [][]string{{"regions", "1"}}},
		"region gov":             {target: TargetPolicy, edit: func(p *Plan) { p.Regions = []string{"us-gov-west-1"} }},

		// Rules.
		"no rules":               {edit: func(p *Plan) { p.Rules = nil }, want: [][]string{{"rules"}}},
		"10 rules policy":        {target: TargetPolicy, edit: func(p *Plan) { p.Rules = manyRules(10) }},
		"11 rules policy":        {target: TargetPolicy, edit: func(p *Plan) { p.Rules = manyRules(11) }, want: [][]string{{"rules"}}},
		"rule name 50":           {edit: func(p *Plan) { p.Rules[0].Name = strings.Repeat("r", 50) }},
		"rule name 51":           {edit: func(p *Plan) { p.Rules[0].Name = strings.Repeat("r", 51) }, want: [][]string{{"rules", strings.Repeat("r", 51)}}},
		"rule name empty":        {edit: func(p *Plan) { p.Rules[0].Name = "" }, want: [][]string{{"rules", "#0"}}},
		"rule name dot ok":       {edit: func(p *Plan) { p.Rules[0].Name = "daily.v2_a-b" }},
		"duplicate rule":         {edit: func(p *Plan) { p.Rules = append(p.Rules, p.Rules[0]) }, want: [][]string{{"rules", "daily"}}},
		"rule names differ case": {edit: func(p *Plan) { p.Rules = append(p.Rules, p.Rules[0].InVault("local")); p.Rules[1].Name = "Daily" }},
		"rule names collide org": {target: TargetPolicy, edit: func(p *Plan) { p.Rules = append(p.Rules, p.Rules[0]); p.Rules[1].Name = "Daily" }, want: [][]string{{"rules", "Daily"}}},
		"vault missing":          {edit: func(p *Plan) { p.Rules[0].TargetVault = "" }, want: [][]string{{"rules", "daily", "target_backup_vault_name"}}},
		"vault 1 char":           {edit: func(p *Plan) { p.Rules[0].TargetVault = "v" }, want: [][]string{{"rules", "daily", "target_backup_vault_name"}}},
		"vault dot":              {edit: func(p *Plan) { p.Rules[0].TargetVault = "my.vault" }, want: [][]string{{"rules", "daily", "target_backup_vault_name"}}},
		"vault underscore":       {edit: func(p *Plan) { p.Rules[0].TargetVault = "My_Backup_Vault" }},
		"vault account variable": {target: TargetPolicy, edit: func(p *Plan) { p.Rules[0].TargetVault = "vault-$account" }, want: [][]string{{"rules", "daily", "target_backup_vault_name"}}},
		"schedule empty default": {edit: func(p *Plan) { p.Rules[0].Schedule = "" }},
		"schedule invalid":       {edit: func(p *Plan) { p.Rules[0].Schedule = "cron(0 2 * *)" }, want: [][]string{{"rules", "daily", "schedule_expression"}}},
		"schedule rate":          {edit: func(p *Plan) { p.Rules[0].Schedule = "rate(1 day)" }, want: [][]string{{"rules", "daily", "schedule_expression"}}},
		"schedule too frequent":  {edit: func(p *Plan) { p.Rules[0].Schedule = "cron(0/30 * * * ? *)" }, want: [][]string{{"rules", "daily", "schedule_expression"}}},
		"timezone valid":         {edit: func(p *Plan) { p.Rules[0].ScheduleTimezone = "Europe/Paris" }},
		"timezone invalid":       {edit: func(p *Plan) { p.Rules[0].ScheduleTimezone = "Europe/Atlantis" }, want: [][]string{{"rules", "daily", "schedule_expression_timezone"}}},
		"timezone Local":         {edit: func(p *Plan) { p.Rules[0].ScheduleTimezone = "Local" }, want: [][]string{{"rules", "daily", "schedule_expression_timezone"}}},
		"start window 60":        {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes = 60 }},
		"start window 59":        {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes = 59 }, want: [][]string{{"rules", "daily", "start_backup_window_minutes"}}},
		"start window max":       {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes = MaxWindowMinutes }},
		"start window over max":  {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes = MaxWindowMinutes + 1 }, want: [][]string{{"rules", "daily", "start_backup_window_minutes"}}},
		"completion window max":  {edit: func(p *Plan) { p.Rules[0].CompletionWindowMinutes = MaxWindowMinutes }},
		"completion over max":    {edit: func(p *Plan) { p.Rules[0].CompletionWindowMinutes = MaxWindowMinutes + 1 }, want: [][]string{{"rules", "daily", "complete_backup_window_minutes"}}},
		"completion negative":    {edit: func(p *Plan) { p.Rules[0].CompletionWindowMinutes = -1 }, want: [][]string{{"rules", "daily", "complete_backup_window_minutes"}}},
		"completion start+60":    {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes, p.Rules[0].CompletionWindowMinutes = 60, 120 }},
		"completion start+59":    {edit: func(p *Plan) { p.Rules[0].StartWindowMinutes, p.Rules[0].CompletionWindowMinutes = 60, 119 }, want: [][]string{{"rules", "daily", "complete_backup_window_minutes"}}},
		"lifecycle max": {edit: func(p *Plan) {
			p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 36_410, DeleteAfterDays: 36_500}
		}},
		"delete over max":         {edit: func(p *Plan) { p.Rules[0].Lifecycle.DeleteAfterDays = 36_501 }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}}},
		"delete negative":         {edit: func(p *Plan) { p.Rules[0].Lifecycle.DeleteAfterDays = -1 }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}}},
		"cold over max":           {edit: func(p *Plan) { p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 36_501} }, want: [][]string{{"rules", "daily", "lifecycle", "move_to_cold_storage_after_days"}}},
		"cold without delete":     {edit: func(p *Plan) { p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 30} }},
		"delete cold+90":          {edit: func(p *Plan) { p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120} }},
		"delete cold+89":          {edit: func(p *Plan) { p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 119} }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}}},
		"continuous 35 days":      {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(35) }},
		"continuous 36 days":      {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(36) }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}}},
		"continuous forever":      {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(0) }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}}},
		"continuous cold":         {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(35).ColdAfter(1) }, want: [][]string{{"rules", "daily", "lifecycle", "delete_after_days"}, {"rules", "daily", "lifecycle", "move_to_cold_storage_after_days"}}},
		"continuous archive":      {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(35).Archive() }, want: [][]string{{"rules", "daily", "lifecycle", "opt_in_to_archive_for_supported_resources"}}},
		"continuous copy 7 years": {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].Continuous().KeepDays(35) }},
		"recovery point tags 10":  {target: TargetPolicy, edit: func(p *Plan) { p.Rules[0].RecoveryPointTags = nTestTags(10) }},
		"recovery point tags 11":  {target: TargetPolicy, edit: func(p *Plan) { p.Rules[0].RecoveryPointTags = nTestTags(11) }, want: [][]string{{"rules", "daily", "recovery_point_tags"}}},
		"recovery point tag key":  {edit: func(p *Plan) { p.Rules[0].RecoveryPointTags = map[string]string{"": "v"} }, want: [][]string{{"rules", "daily", "recovery_point_tags"}}},

		// Copy actions.
		"copy 5 policy": {target: TargetPolicy, edit: func(p *Plan) {
			p.Rules[0].CopyActions = nil
			for i := range 5 {
				p.Rules[0] = p.Rules[0].CopyTo(NewVaultARN("us-east-1", AccountVariable, fmt.Sprintf("v%d", i)), 0)
			}
		}},
		"copy 6 policy": {target: TargetPolicy, edit: func(p *Plan) {
			p.Rules[0].CopyActions = nil
			for i := range 6 {
				p.Rules[0] = p.Rules[0].CopyTo(NewVaultARN("us-east-1", AccountVariable, fmt.Sprintf("v%d", i)), 0)
			}
		}, want: [][]string{{"rules", "daily", "copy_actions"}}},
		"copy arn missing": {edit: func(p *Plan) { p.Rules[0].CopyActions[0].DestinationVaultARN = "" },
			want: [][]string{{"rules", "daily", "copy_actions", "#0", "target_backup_vault_arn"}}},
		"copy arn :vault:": {edit: func(p *Plan) {
			p.Rules[0].CopyActions[0].DestinationVaultARN = "arn:aws:backup:us-east-1:222222222222:vault:central"
		}, want: [][]string{{"rules", "daily", "copy_actions", "arn:aws:backup:us-east-1:222222222222:vault:central", "target_backup_vault_arn"}}},
		"copy arn $account api": {edit: func(p *Plan) {
			p.Rules[0].CopyActions[0].DestinationVaultARN = "arn:aws:backup:us-west-2:$account:backup-vault:dr"
		}, want: [][]string{{"rules", "daily", "copy_actions", "arn:aws:backup:us-west-2:$account:backup-vault:dr", "target_backup_vault_arn"}}},
		"copy arn $account policy": {target: TargetPolicy, edit: func(p *Plan) {
			p.Rules[0].CopyActions[0].DestinationVaultARN = "arn:aws:backup:us-west-2:$account:backup-vault:dr"
		}},
		"copy arn $region policy": {target: TargetPolicy, edit: func(p *Plan) {
			p.Rules[0].CopyActions[0].DestinationVaultARN = "arn:aws:backup:$region:$account:backup-vault:dr"
		}, want: [][]string{{"rules", "daily", "copy_actions", "arn:aws:backup:$region:$account:backup-vault:dr", "target_backup_vault_arn"}}},
		"copy case api": {edit: func(p *Plan) {
			p.Rules[0] = p.Rules[0].CopyTo(strings.Replace(vTestCentral, "central", "Central", 1), 0)
		}},
		"copy case policy": {target: TargetPolicy, edit: func(p *Plan) {
			p.Rules[0] = p.Rules[0].CopyTo(strings.Replace(vTestCentral, "central", "Central", 1), 0)
		},
			want: [][]string{{"rules", "daily", "copy_actions", strings.Replace(vTestCentral, "central", "Central", 1)}}},
		"copy duplicate exact": {edit: func(p *Plan) { p.Rules[0] = p.Rules[0].CopyTo(vTestCentral, 0) },
			want: [][]string{{"rules", "daily", "copy_actions", vTestCentral}}},
		"copy lifecycle cold+89": {edit: func(p *Plan) {
			p.Rules[0].CopyActions[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 119}
		}, want: [][]string{{"rules", "daily", "copy_actions", vTestCentral, "lifecycle", "delete_after_days"}}},
		"copy lifecycle over max": {edit: func(p *Plan) { p.Rules[0].CopyActions[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 40_000} },
			want: [][]string{{"rules", "daily", "copy_actions", vTestCentral, "lifecycle", "move_to_cold_storage_after_days"}}},

		// Selections.
		"no selections api":     {edit: func(p *Plan) { p.Selections = nil }},
		"no selections policy":  {target: TargetPolicy, edit: func(p *Plan) { p.Selections = nil }, want: [][]string{{"selections"}}},
		"100 selections":        {edit: func(p *Plan) { p.Selections = nTestSelections(100, false) }},
		"101 selections":        {edit: func(p *Plan) { p.Selections = nTestSelections(101, false) }, want: [][]string{{"selections"}}},
		"10 tag selections":     {target: TargetPolicy, edit: func(p *Plan) { p.Selections = nTestSelections(10, true) }},
		"11 tag selections":     {target: TargetPolicy, edit: func(p *Plan) { p.Selections = nTestSelections(11, true) }, want: [][]string{{"selections"}}},
		"selection name 51":     {edit: func(p *Plan) { p.Selections[0].Name = strings.Repeat("s", 51) }, want: [][]string{{"selections", strings.Repeat("s", 51)}}},
		"selection name empty":  {edit: func(p *Plan) { p.Selections[0].Name = "" }, want: [][]string{{"selections", "#0"}}},
		"duplicate selection":   {edit: func(p *Plan) { p.Selections = append(p.Selections, p.Selections[0]) }, want: [][]string{{"selections", "backup-prod"}}},
		"selection case api":    {edit: func(p *Plan) { p.Selections = append(p.Selections, p.Selections[0].Named("Backup-Prod")) }},
		"selection case policy": {target: TargetPolicy, edit: func(p *Plan) { p.Selections = append(p.Selections, p.Selections[0].Named("Backup-Prod")) }, want: [][]string{{"selections", "Backup-Prod"}}},
		"role missing":          {edit: func(p *Plan) { p.Selections[0].IAMRoleARN = "" }, want: [][]string{{"selections", "backup-prod", "iam_role_arn"}}},
		"role not a role":       {edit: func(p *Plan) { p.Selections[0].IAMRoleARN = "arn:aws:iam::111111111111:user/bob" }, want: [][]string{{"selections", "backup-prod", "iam_role_arn"}}},
		"role short account":    {edit: func(p *Plan) { p.Selections[0].IAMRoleARN = "arn:aws:iam::1111:role/r" }, want: [][]string{{"selections", "backup-prod", "iam_role_arn"}}},
		"role service path": {edit: func(p *Plan) {
			p.Selections[0].IAMRoleARN = NewRoleARN("111111111111", "service-role/AWSBackupDefaultServiceRole")
		}},
		"role $account api":      {edit: func(p *Plan) { p.Selections[0].IAMRoleARN = NewRoleARN(AccountVariable, "r") }, want: [][]string{{"selections", "backup-prod", "iam_role_arn"}}},
		"role $account policy":   {target: TargetPolicy, edit: func(p *Plan) { p.Selections[0].IAMRoleARN = NewRoleARN(AccountVariable, "r") }},
		"resources all":          {edit: func(p *Plan) { p.Selections[0].Resources = []string{"*"} }},
		"resource prefix":        {edit: func(p *Plan) { p.Selections[0].Resources = []string{"arn:aws:s3:::my-bucket-*"} }},
		"resource inner star":    {edit: func(p *Plan) { p.Selections[0].Resources = []string{"arn:aws:s3:::*-logs"} }, want: [][]string{{"selections", "backup-prod", "resources", "0"}}},
		"resource not arn":       {edit: func(p *Plan) { p.Selections[0].NotResources = []string{"vol-123"} }, want: [][]string{{"selections", "backup-prod", "not_resources", "0"}}},
		"resource $account api":  {edit: func(p *Plan) { p.Selections[0].Resources = []string{"arn:aws:ec2:us-east-1:$account:volume/*"} }, want: [][]string{{"selections", "backup-prod", "resources", "0"}}},
		"resource $account pol":  {target: TargetPolicy, edit: func(p *Plan) { p.Selections[0].Resources = []string{"arn:aws:ec2:us-east-1:$account:volume/*"} }},
		"500 arns":               {edit: func(p *Plan) { p.Selections[0].Resources = arns(500, false) }},
		"501 arns":               {edit: func(p *Plan) { p.Selections[0].Resources = arns(501, false) }, want: [][]string{{"selections", "backup-prod", "resources"}}},
		"30 wildcard arns":       {edit: func(p *Plan) { p.Selections[0].NotResources = arns(30, true) }},
		"31 wildcard arns":       {edit: func(p *Plan) { p.Selections[0].NotResources = arns(31, true) }, want: [][]string{{"selections", "backup-prod", "not_resources"}}},
		"30 tags":                {edit: func(p *Plan) { p.Selections[0].ListOfTags = tags(30) }},
		"31 tags":                {edit: func(p *Plan) { p.Selections[0].ListOfTags = tags(31) }, want: [][]string{{"selections", "backup-prod", "tags"}}},
		"list of tags like":      {edit: func(p *Plan) { p.Selections[0].ListOfTags[0].Type = StringLike }, want: [][]string{{"selections", "backup-prod", "tags", "0"}}},
		"list of tags empty key": {edit: func(p *Plan) { p.Selections[0].ListOfTags[0].Key = "" }, want: [][]string{{"selections", "backup-prod", "tags", "0"}}},
		"30 conditions":          {edit: func(p *Plan) { p.Selections[0].Conditions = tags(30) }},
		"31 conditions":          {edit: func(p *Plan) { p.Selections[0].Conditions = tags(31) }, want: [][]string{{"selections", "backup-prod", "conditions"}}},
		"condition like":         {edit: func(p *Plan) { p.Selections[0] = p.Selections[0].Where(StringNotLike, "env", "dev*") }},
		"condition bad type":     {edit: func(p *Plan) { p.Selections[0] = p.Selections[0].Where("STRINGMATCHES", "env", "x") }, want: [][]string{{"selections", "backup-prod", "conditions", "0"}}},
		"condition prefixed key": {edit: func(p *Plan) { p.Selections[0] = p.Selections[0].Where(StringEquals, "aws:ResourceTag/env", "x") }, want: [][]string{{"selections", "backup-prod", "conditions", "0"}}},

		// Advanced settings and plan tags.
		"vss enabled": {edit: func(p *Plan) { p.WindowsVSS(true) }},
		"vss bad value": {edit: func(p *Plan) {
			p.AdvancedSettings = []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "on"}}}
		}, want: [][]string{{"advanced_backup_settings", "ec2", "windows_vss"}}},
		"ec2 unknown option": {edit: func(p *Plan) {
			p.AdvancedSettings = []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"Fast": "enabled"}}}
		}, want: [][]string{{"advanced_backup_settings", "ec2", "Fast"}}},
		"s3 acls disabled": {edit: func(p *Plan) {
			p.AdvancedSettings = []AdvancedSetting{{ResourceType: "S3", Options: map[string]string{"BackupACLs": "disabled"}}}
		}},
		"rds no options": {edit: func(p *Plan) {
			p.AdvancedSettings = []AdvancedSetting{{ResourceType: "RDS", Options: map[string]string{"X": "enabled"}}}
		}, want: [][]string{{"advanced_backup_settings", "rds"}}},
		"ec2 twice": {edit: func(p *Plan) {
			p.WindowsVSS(true)
			p.AdvancedSettings = append(p.AdvancedSettings, p.AdvancedSettings[0])
		}, want: [][]string{{"advanced_backup_settings", "ec2"}}},
		"ec2 empty options":  {edit: func(p *Plan) { p.AdvancedSettings = []AdvancedSetting{{ResourceType: "EC2"}} }, want: [][]string{{"advanced_backup_settings", "ec2"}}},
		"plan tag empty key": {edit: func(p *Plan) { p.Tag("", "x") }, want: [][]string{{"backup_plan_tags"}}},
		"several at once":    {edit: func(p *Plan) { p.Name = ""; p.Rules[0].StartWindowMinutes = 1; p.Selections[0].IAMRoleARN = "" }, want: [][]string{nil, {"rules", "daily", "start_backup_window_minutes"}, {"selections", "backup-prod", "iam_role_arn"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := validTestPlan()
			tc.edit(p)
			err := p.Validate(tc.target)
			var got [][]string
			for _, fe := range FieldErrors(err) {
				got = append(got, fe.Path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate(%v) paths mismatch (-want +got):\n%s\nerror: %v", tc.target, diff, err)
			}
			if len(tc.want) == 0 && err != nil {
				t.Errorf("Validate(%v) = %v, want nil", tc.target, err)
			}
		})
	}
}

func nTestTags(n int) map[string]string {
	out := make(map[string]string, n)
	for i := range n {
		out[fmt.Sprintf("k%d", i)] = "v"
	}
	return out
}

func nTestSelections(n int, tagged bool) []Selection {
	var out []Selection
	for i := range n {
		s := ByResources(vTestRole, "*").Named(fmt.Sprintf("s%d", i))
		if tagged {
			s = ByTag("backup", fmt.Sprintf("v%d", i), vTestRole)
		}
		out = append(out, s)
	}
	return out
}

func TestValidateErrorsAreFieldErrors(t *testing.T) {
	t.Parallel()
	p := validTestPlan()
	p.Rules[0].Lifecycle = Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 30}
	err := p.Validate(TargetAPI)
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("Validate() = %v, want a *FieldError inside", err)
	}
	want := "rules.daily.lifecycle.delete_after_days: 30 days must be at least 90 days after move_to_cold_storage_after_days (10): at least 100"
	if got := err.Error(); got != want {
		t.Errorf("Validate() error = %q, want %q", got, want)
	}
}

func TestValidateNilPlan(t *testing.T) {
	t.Parallel()
	var p *Plan
	if err := p.Validate(TargetAPI); err == nil {
		t.Error("Validate() on a nil plan = nil, want an error")
	}
}

func TestTargetString(t *testing.T) {
	t.Parallel()
	for target, want := range map[Target]string{TargetAPI: "api", TargetPolicy: "policy", Target(7): "Target(7)"} {
		if got := target.String(); got != want {
			t.Errorf("Target(%d).String() = %q, want %q", int(target), got, want)
		}
	}
}
