package emulator

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

// TestResetForgetsEverything checks that Reset leaves the state of a new
// server: the organization-wide job index and AWS Budgets included, which
// live apart from the per-account state.
func TestResetForgetsEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	t.Cleanup(s.Close)
	const member = "333333333333"
	s.mu.Lock()
	s.addBackupJobLocked(member, "us-east-1", backuptypes.BackupJob{State: backuptypes.BackupJobStateCreated})
	s.mu.Unlock()
	budgets := awsbudgets.NewFromConfig(s.Config(member, "us-east-1"))
	if _, err := budgets.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(member), Budget: &budgettypes.Budget{
		BudgetName: aws.String("b"), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
		BudgetLimit: &budgettypes.Spend{Amount: aws.String("1"), Unit: aws.String("USD")}}}); err != nil {
		t.Fatalf("CreateBudget: %v", err)
	}
	counts := func() (jobs, budgetCount int) {
		out, err := awsbackup.NewFromConfig(s.Config(ManagementAccountID, "us-east-1")).ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*")})
		if err != nil {
			t.Fatalf("ListBackupJobs: %v", err)
		}
		bs, err := budgets.DescribeBudgets(ctx, &awsbudgets.DescribeBudgetsInput{AccountId: aws.String(member)})
		if err != nil {
			t.Fatalf("DescribeBudgets: %v", err)
		}
		return len(out.BackupJobs), len(bs.Budgets)
	}
	if jobs, b := counts(); jobs != 1 || b != 1 {
		t.Fatalf("before Reset: %d organization jobs and %d budgets, want 1 and 1", jobs, b)
	}
	s.Reset()
	if jobs, b := counts(); jobs != 0 || b != 0 {
		t.Errorf("after Reset: %d organization jobs and %d budgets, want none", jobs, b)
	}
}
