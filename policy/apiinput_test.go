package policy

import (
	"strings"
	"testing"

	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func ptr[T any](v T) *T { return &v }

// validInput is a plan AWS accepts; the cases below break one rule each.
func validInput() *backuptypes.BackupPlanInput {
	return &backuptypes.BackupPlanInput{
		BackupPlanName: ptr("daily"),
		Rules: []backuptypes.BackupRuleInput{{
			RuleName:              ptr("daily"),
			TargetBackupVaultName: ptr("Default"),
			ScheduleExpression:    ptr("cron(0 5 ? * * *)"),
			Lifecycle:             &backuptypes.Lifecycle{DeleteAfterDays: ptr(int64(35))},
		}},
	}
}

func TestValidateBackupPlanInput(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		edit func(in *backuptypes.BackupPlanInput)
		want string // substring of the first error; "" means valid
	}{
		"valid":                {edit: func(*backuptypes.BackupPlanInput) {}},
		"hourly":               {edit: func(in *backuptypes.BackupPlanInput) { in.Rules[0].ScheduleExpression = ptr("cron(15 * ? * * *)") }},
		"every 30 minutes":     {edit: func(in *backuptypes.BackupPlanInput) { in.Rules[0].ScheduleExpression = ptr("cron(0/30 * ? * * *)") }, want: "at least 60 minutes"},
		"retention 36500 days": {edit: func(in *backuptypes.BackupPlanInput) { in.Rules[0].Lifecycle.DeleteAfterDays = ptr(int64(36500)) }},
		"retention 36501 days": {edit: func(in *backuptypes.BackupPlanInput) { in.Rules[0].Lifecycle.DeleteAfterDays = ptr(int64(36501)) }, want: "outside 1 to 36500 days"},
		"continuous 35 days":   {edit: func(in *backuptypes.BackupPlanInput) { in.Rules[0].EnableContinuousBackup = ptr(true) }},
		"continuous 36 days": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].EnableContinuousBackup = ptr(true)
			in.Rules[0].Lifecycle.DeleteAfterDays = ptr(int64(36))
		}, want: "kept 1 to 35 days"},
		"continuous cold storage": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].EnableContinuousBackup = ptr(true)
			in.Rules[0].Lifecycle.MoveToColdStorageAfterDays = ptr(int64(1))
			in.Rules[0].Lifecycle.DeleteAfterDays = ptr(int64(91))
		}, want: "cannot move to cold storage"},
		"index EBS and S3": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].IndexActions = []backuptypes.IndexAction{{ResourceTypes: []string{"EBS", "S3"}}}
		}},
		"index EFS": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].IndexActions = []backuptypes.IndexAction{{ResourceTypes: []string{"EFS"}}}
		}, want: `not "EFS"`},
		"two index actions": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].IndexActions = []backuptypes.IndexAction{{ResourceTypes: []string{"EBS"}}, {ResourceTypes: []string{"S3"}}}
		}, want: "2 index actions"},
		"cold then delete too soon": {edit: func(in *backuptypes.BackupPlanInput) {
			in.Rules[0].Lifecycle.MoveToColdStorageAfterDays = ptr(int64(30))
		}, want: "at least 90 days after"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := validInput()
			tc.edit(in)
			err := ValidateBackupPlanInput(in)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("ValidateBackupPlanInput() = %v, want nil", err)
			case tc.want != "" && err == nil:
				t.Fatalf("ValidateBackupPlanInput() = nil, want an error containing %q", tc.want)
			case tc.want != "" && !strings.Contains(FieldErrors(err)[0].Message, tc.want):
				t.Fatalf("ValidateBackupPlanInput() = %v, want %q first", err, tc.want)
			}
		})
	}
}
