package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/policy"
)

// TestBackupPlanRulesAgreeWithPolicy checks CreateBackupPlan and
// UpdateBackupPlan refuse the plans AWS refuses, with AWS's error type, and
// that they accept exactly what the offline validator
// (policy.ValidateBackupPlanInput) accepts.
func TestBackupPlanRulesAgreeWithPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rule := func(edit func(r *backuptypes.BackupRuleInput)) *backuptypes.BackupPlanInput {
		r := backuptypes.BackupRuleInput{
			RuleName:              aws.String("r"),
			TargetBackupVaultName: aws.String("Default"),
			ScheduleExpression:    aws.String("cron(0 5 ? * * *)"),
			Lifecycle:             &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
		}
		edit(&r)
		return &backuptypes.BackupPlanInput{BackupPlanName: aws.String("p"), Rules: []backuptypes.BackupRuleInput{r}}
	}
	tests := map[string]struct {
		in      *backuptypes.BackupPlanInput
		wantMsg string // "" means accepted
	}{
		"daily":            {in: rule(func(*backuptypes.BackupRuleInput) {})},
		"hourly":           {in: rule(func(r *backuptypes.BackupRuleInput) { r.ScheduleExpression = aws.String("cron(15 * ? * * *)") })},
		"every 30 minutes": {in: rule(func(r *backuptypes.BackupRuleInput) { r.ScheduleExpression = aws.String("cron(0/30 * ? * * *)") }), wantMsg: "The interval between backup jobs shouldn't be less than 60 minutes."},
		"kept 36501 days":  {in: rule(func(r *backuptypes.BackupRuleInput) { r.Lifecycle.DeleteAfterDays = aws.Int64(36501) }), wantMsg: "Error in rule r : Invalid lifecycle. DeleteAfterDays cannot be less than 1 or more than 36500 days"},
		"continuous 35":    {in: rule(func(r *backuptypes.BackupRuleInput) { r.EnableContinuousBackup = aws.Bool(true) })},
		"continuous 36": {in: rule(func(r *backuptypes.BackupRuleInput) {
			r.EnableContinuousBackup = aws.Bool(true)
			r.Lifecycle.DeleteAfterDays = aws.Int64(36)
		}), wantMsg: "kept 1 to 35 days"},
		"continuous cold": {in: rule(func(r *backuptypes.BackupRuleInput) {
			r.EnableContinuousBackup = aws.Bool(true)
			r.Lifecycle.MoveToColdStorageAfterDays = aws.Int64(1)
			r.Lifecycle.DeleteAfterDays = aws.Int64(91)
		}), wantMsg: "Error in rule r : Invalid lifecycle. MoveToColdStorageAfterDays is unavailable"},
		"index EBS": {in: rule(func(r *backuptypes.BackupRuleInput) {
			r.IndexActions = []backuptypes.IndexAction{{ResourceTypes: []string{"EBS"}}}
		})},
		"index EFS": {in: rule(func(r *backuptypes.BackupRuleInput) {
			r.IndexActions = []backuptypes.IndexAction{{ResourceTypes: []string{"EFS"}}}
		}), wantMsg: `not "EFS"`},
		"plan name 51 chars": {in: func() *backuptypes.BackupPlanInput {
			in := rule(func(*backuptypes.BackupRuleInput) {})
			in.BackupPlanName = aws.String(strings.Repeat("n", 51))
			return in
		}(), wantMsg: "1 to 50"},
		"cold 90 days short": {in: rule(func(r *backuptypes.BackupRuleInput) { r.Lifecycle.MoveToColdStorageAfterDays = aws.Int64(10) }), wantMsg: "Error in rule r : Invalid lifecycle. DeleteAfterDays cannot be less than 90 days apart from MoveToColdStorageAfterDays"},
	}
	srv := newTestServer(t)
	client := awsbackup.NewFromConfig(srv.Config(emulator.BackupAccountID, "eu-west-1"))
	base := must(client.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: rule(func(*backuptypes.BackupRuleInput) {})}))(t, "CreateBackupPlan")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			offline := policy.ValidateBackupPlanInput(tc.in)
			if (offline == nil) != (tc.wantMsg == "") {
				t.Errorf("policy.ValidateBackupPlanInput() = %v, want valid=%v", offline, tc.wantMsg == "")
			}
			in := *tc.in
			if aws.ToString(in.BackupPlanName) == "p" {
				in.BackupPlanName = aws.String(strings.ReplaceAll(name, " ", "-"))
			}
			_, createErr := client.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &in})
			_, updateErr := client.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: base.BackupPlanId, BackupPlan: &in})
			for op, err := range map[string]error{"CreateBackupPlan": createErr, "UpdateBackupPlan": updateErr} {
				if tc.wantMsg == "" {
					if err != nil {
						t.Errorf("%s: %v, want success", op, err)
					}
					continue
				}
				e := wantErrAs[*backuptypes.InvalidParameterValueException](t, op, err)
				if !strings.Contains(aws.ToString(e.Message), tc.wantMsg) {
					t.Errorf("%s: message %q, want it to contain %q", op, aws.ToString(e.Message), tc.wantMsg)
				}
			}
		})
	}
}
