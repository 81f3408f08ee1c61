package policy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreSDK ignores the SDK's unexported serde markers.
var ignoreSDK = cmpopts.IgnoreUnexported(
	backuptypes.BackupPlanInput{}, backuptypes.BackupRuleInput{}, backuptypes.BackupPlan{}, backuptypes.BackupRule{},
	backuptypes.Lifecycle{}, backuptypes.CopyAction{}, backuptypes.AdvancedBackupSetting{}, backuptypes.BackupSelection{},
	backuptypes.Condition{}, backuptypes.Conditions{}, backuptypes.ConditionParameter{}, awsbackup.CreateBackupPlanInput{},
)

func compileTestPlan() *Plan {
	return NewPlan("prod",
		Daily("daily", 2, 0).InVault("local").KeepDays(30).
			CopyTo(vTestCentral, Years(7)).
			Timezone("Europe/Paris").
			Tag("tier", "production"),
		Weekly("weekly", 0, 4, 0).InVault("local").ColdAfter(30).Keep(Days(120)).Archive().
			Copy(CopyAction{DestinationVaultARN: vTestCentral}),
		Hourly("pitr", 15).InVault("local").Continuous().KeepDays(35).
			Windows(time.Hour, 3*time.Hour),
	).Select(
		ByTag("backup", "prod", vTestRole).OrTag("backup", "all"),
		ByResources(vTestRole, "arn:aws:dynamodb:us-east-1:111111111111:table/*").Named("tables").
			Where(StringEquals, "env", "prod").
			Where(StringLike, "team", "data-*").
			Where(StringEquals, "owner", "x").
			Except("arn:aws:dynamodb:us-east-1:111111111111:table/scratch"),
	).WindowsVSS(true).Tag("orgbackup:managed", "true")
}

func TestBackupPlanInput(t *testing.T) {
	t.Parallel()
	got, err := compileTestPlan().BackupPlanInput()
	if err != nil {
		t.Fatal(err)
	}
	want := &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("prod"),
		Rules: []backuptypes.BackupRuleInput{{
			RuleName:                   aws.String("daily"),
			TargetBackupVaultName:      aws.String("local"),
			ScheduleExpression:         aws.String("cron(0 2 * * ? *)"),
			ScheduleExpressionTimezone: aws.String("Europe/Paris"),
			Lifecycle:                  &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(30)},
			CopyActions: []backuptypes.CopyAction{{
				DestinationBackupVaultArn: aws.String(vTestCentral),
				Lifecycle:                 &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(2555)},
			}},
			RecoveryPointTags: map[string]string{"tier": "production"},
		}, {
			RuleName:              aws.String("weekly"),
			TargetBackupVaultName: aws.String("local"),
			ScheduleExpression:    aws.String("cron(0 4 ? * SUN *)"),
			Lifecycle: &backuptypes.Lifecycle{
				MoveToColdStorageAfterDays:          aws.Int64(30),
				DeleteAfterDays:                     aws.Int64(120),
				OptInToArchiveForSupportedResources: aws.Bool(true),
			},
			CopyActions: []backuptypes.CopyAction{{DestinationBackupVaultArn: aws.String(vTestCentral)}},
		}, {
			RuleName:                aws.String("pitr"),
			TargetBackupVaultName:   aws.String("local"),
			ScheduleExpression:      aws.String("cron(15 * * * ? *)"),
			StartWindowMinutes:      aws.Int64(60),
			CompletionWindowMinutes: aws.Int64(180),
			Lifecycle:               &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			EnableContinuousBackup:  aws.Bool(true),
		}},
		AdvancedBackupSettings: []backuptypes.AdvancedBackupSetting{{
			ResourceType:  aws.String("EC2"),
			BackupOptions: map[string]string{"WindowsVSS": "enabled"},
		}},
	}
	if diff := cmp.Diff(want, got, ignoreSDK); diff != "" {
		t.Errorf("BackupPlanInput() mismatch (-want +got):\n%s", diff)
	}
}

func TestBackupPlanInputInvalid(t *testing.T) {
	t.Parallel()
	p := compileTestPlan()
	p.Rules[0].StartWindowMinutes = 10
	got, err := p.BackupPlanInput()
	if got != nil {
		t.Errorf("BackupPlanInput() = %v, want nil", got)
	}
	fes := FieldErrors(err)
	if len(fes) != 1 || cmp.Diff([]string{"rules", "daily", "start_backup_window_minutes"}, fes[0].Path) != "" {
		t.Errorf("BackupPlanInput() error = %v, want one FieldError at rules.daily.start_backup_window_minutes", err)
	}
	// $account is for policies only.
	p = compileTestPlan()
	p.Rules[0].CopyActions[0].DestinationVaultARN = NewVaultARN("us-east-1", AccountVariable, "central")
	if _, err := p.BackupPlanInput(); err == nil {
		t.Error("BackupPlanInput() with $account = nil error, want one")
	}
}

func TestCreateBackupPlanInput(t *testing.T) {
	t.Parallel()
	got, err := compileTestPlan().CreateBackupPlanInput("req-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"orgbackup:managed": "true"}, got.BackupPlanTags); diff != "" {
		t.Errorf("BackupPlanTags mismatch (-want +got):\n%s", diff)
	}
	if aws.ToString(got.CreatorRequestId) != "req-1" || aws.ToString(got.BackupPlan.BackupPlanName) != "prod" {
		t.Errorf("CreateBackupPlanInput() = %+v, want request ID req-1 and plan prod", got)
	}
}

func TestBackupSelection(t *testing.T) {
	t.Parallel()
	sels := compileTestPlan().BackupSelections()
	want := []backuptypes.BackupSelection{{
		SelectionName: aws.String("backup-prod"),
		IamRoleArn:    aws.String(vTestRole),
		ListOfTags: []backuptypes.Condition{
			{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("prod")},
			{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("all")},
		},
	}, {
		SelectionName: aws.String("tables"),
		IamRoleArn:    aws.String(vTestRole),
		Resources:     []string{"arn:aws:dynamodb:us-east-1:111111111111:table/*"},
		NotResources:  []string{"arn:aws:dynamodb:us-east-1:111111111111:table/scratch"},
		Conditions: &backuptypes.Conditions{
			StringEquals: []backuptypes.ConditionParameter{
				{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("prod")},
				{ConditionKey: aws.String("aws:ResourceTag/owner"), ConditionValue: aws.String("x")},
			},
			StringLike: []backuptypes.ConditionParameter{
				{ConditionKey: aws.String("aws:ResourceTag/team"), ConditionValue: aws.String("data-*")},
			},
		},
	}}
	if diff := cmp.Diff(want, sels, ignoreSDK); diff != "" {
		t.Errorf("BackupSelections() mismatch (-want +got):\n%s", diff)
	}
}

// TestPlanFromAPIRoundTrip feeds the compiled plan back through the shapes
// GetBackupPlan and GetBackupSelection return.
func TestPlanFromAPIRoundTrip(t *testing.T) {
	t.Parallel()
	p := compileTestPlan()
	in, err := p.BackupPlanInput()
	if err != nil {
		t.Fatal(err)
	}
	live := &backuptypes.BackupPlan{BackupPlanName: in.BackupPlanName, AdvancedBackupSettings: in.AdvancedBackupSettings}
	for i, r := range in.Rules {
		live.Rules = append(live.Rules, backuptypes.BackupRule{
			RuleId:                     aws.String("id-" + string(rune('a'+i))),
			RuleName:                   r.RuleName,
			TargetBackupVaultName:      r.TargetBackupVaultName,
			ScheduleExpression:         r.ScheduleExpression,
			ScheduleExpressionTimezone: r.ScheduleExpressionTimezone,
			StartWindowMinutes:         r.StartWindowMinutes,
			CompletionWindowMinutes:    r.CompletionWindowMinutes,
			Lifecycle:                  r.Lifecycle,
			CopyActions:                r.CopyActions,
			RecoveryPointTags:          r.RecoveryPointTags,
			EnableContinuousBackup:     r.EnableContinuousBackup,
		})
	}
	got, err := PlanFromAPI(live, nil, p.BackupSelections()...)
	if err != nil {
		t.Fatal(err)
	}
	want := compileTestPlan()
	want.Tags = nil // not part of GetBackupPlan
	// Conditions come back grouped by operator.
	c := want.Selections[1].Conditions
	want.Selections[1].Conditions = []TagCondition{c[0], c[2], c[1]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PlanFromAPI() mismatch (-want +got):\n%s", diff)
	}
}

func TestPlanFromAPINormalizes(t *testing.T) {
	t.Parallel()
	live := &backuptypes.BackupPlan{
		BackupPlanName: aws.String("p"),
		Rules: []backuptypes.BackupRule{{
			RuleName:              aws.String("r"),
			TargetBackupVaultName: aws.String("v1"),
			Lifecycle:             &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(-1), DeleteAfterDays: aws.Int64(-1)},
		}},
		AdvancedBackupSettings: []backuptypes.AdvancedBackupSetting{{ResourceType: aws.String("EC2"), BackupOptions: map[string]string{"WindowsVSS": "disabled"}}},
	}
	sel := backuptypes.BackupSelection{
		SelectionName: aws.String("s"),
		IamRoleArn:    aws.String(vTestRole),
		Conditions:    &backuptypes.Conditions{StringEquals: []backuptypes.ConditionParameter{}, StringNotLike: []backuptypes.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("dev*")}}},
	}
	got, err := PlanFromAPI(live, []backuptypes.AdvancedBackupSetting{{ResourceType: aws.String("EC2"), BackupOptions: map[string]string{"WindowsVSS": "enabled"}}}, sel)
	if err != nil {
		t.Fatal(err)
	}
	want := &Plan{
		Name:             "p",
		Rules:            []Rule{{Name: "r", TargetVault: "v1"}},
		AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}},
		Selections:       []Selection{{Name: "s", IAMRoleARN: vTestRole, Conditions: []TagCondition{{Type: StringNotLike, Key: "env", Value: "dev*"}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PlanFromAPI() mismatch (-want +got):\n%s", diff)
	}

	if _, err := PlanFromAPI(nil, nil); err == nil {
		t.Error("PlanFromAPI(nil) = nil error, want one")
	}
	bad := backuptypes.BackupSelection{SelectionName: aws.String("s"), ListOfTags: []backuptypes.Condition{{ConditionType: "STRINGLIKE"}}}
	if _, err := PlanFromAPI(live, nil, bad); err == nil {
		t.Error("PlanFromAPI() with an unknown ListOfTags type = nil error, want one")
	}
}
