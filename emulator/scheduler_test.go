package emulator_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestSchedulerTimezoneAndWindow: a weekday rule at 09:00 New York time
// runs at 14:00 UTC in winter, on weekdays only, and its jobs must start
// within the rule's start window.
func TestSchedulerTimezoneAndWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const acct = "333333333333"
	c := vtAccount(t, srv, acct, "us-east-1", "local")
	fs := srv.AddResource(acct, "us-east-1", emulator.EFSFileSystem, "", map[string]string{"tier": "gold"}, 1<<30)
	plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("weekdays"),
		Rules: []backuptypes.BackupRuleInput{{
			RuleName: aws.String("nine"), TargetBackupVaultName: aws.String("local"),
			ScheduleExpression: aws.String("cron(0 9 ? * MON-FRI *)"), ScheduleExpressionTimezone: aws.String("America/New_York"),
			StartWindowMinutes: aws.Int64(90),
		}},
	}}))(t, "CreateBackupPlan")
	must(c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{
		BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("gold"), IamRoleArn: vtRole(acct),
			ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("tier"), ConditionValue: aws.String("gold")}}}}))(t, "CreateBackupSelection")

	// 2026-01-01 is a Thursday: runs on Thu 1, Fri 2, Mon 5, Tue 6, Wed 7.
	srv.Advance(7 * 24 * time.Hour)
	var got []string
	for _, j := range vtBackupJobs(t, c) {
		got = append(got, j.CreationDate.UTC().Format("Mon 02 15:04"))
		if d := j.StartBy.Sub(*j.CreationDate); d != 90*time.Minute {
			t.Errorf("job %s: StartBy - CreationDate = %v, want 90m", *j.BackupJobId, d)
		}
		if aws.ToString(j.ResourceArn) != fs || j.State != backuptypes.BackupJobStateCompleted || aws.ToString(j.CreatedBy.BackupPlanId) != *plan.BackupPlanId {
			t.Errorf("job %+v", j)
		}
	}
	want := []string{"Thu 01 14:00", "Fri 02 14:00", "Mon 05 14:00", "Tue 06 14:00", "Wed 07 14:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backup job times (-want +got):\n%s", diff)
	}
	p := must(c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId}))(t, "GetBackupPlan")
	if p.LastExecutionDate == nil || p.LastExecutionDate.UTC().Format("Mon 02 15:04") != "Wed 07 14:00" {
		t.Errorf("LastExecutionDate = %v, want Wed 07 14:00", p.LastExecutionDate)
	}
}

// TestSchedulerSelections: which resources a selection chooses.
func TestSchedulerSelections(t *testing.T) {
	t.Parallel()
	const acct, region = "333333333333", "us-east-1"
	resources := []struct {
		typ  emulator.ResourceType
		id   string
		tags map[string]string
	}{
		{emulator.EBSVolume, "vol-0a", map[string]string{"backup": "daily", "env": "prod"}},
		{emulator.EBSVolume, "vol-0b", map[string]string{"backup": "weekly", "env": "dev"}},
		{emulator.EFSFileSystem, "fs-0c", map[string]string{"env": "prod-eu"}},
		{emulator.DynamoDBTable, "orders", nil},
		{emulator.S3Bucket, "logs-bucket", map[string]string{"backup": "daily"}},
	}
	tests := []struct {
		name string
		sel  backuptypes.BackupSelection
		want []string // resource IDs backed up
	}{
		{"all by wildcard", backuptypes.BackupSelection{Resources: []string{"*"}}, []string{"fs-0c", "orders", "vol-0a", "vol-0b"}},
		{"ARN pattern less NotResources", backuptypes.BackupSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, NotResources: []string{"arn:aws:ec2:us-east-1:333333333333:volume/vol-0b"}}, []string{"vol-0a"}},
		{"ListOfTags are OR-ed", backuptypes.BackupSelection{ListOfTags: []backuptypes.Condition{
			{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("weekly")},
			{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("env"), ConditionValue: aws.String("prod-eu")}}}, []string{"fs-0c", "vol-0b"}},
		{"Conditions are AND-ed", backuptypes.BackupSelection{Resources: []string{"*"}, Conditions: &backuptypes.Conditions{
			StringLike:      []backuptypes.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("prod*")}},
			StringNotEquals: []backuptypes.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/backup"), ConditionValue: aws.String("weekly")}}}}, []string{"fs-0c", "vol-0a"}},
		{"Conditions alone start from everything", backuptypes.BackupSelection{Conditions: &backuptypes.Conditions{
			StringEquals: []backuptypes.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("dev")}}}}, []string{"vol-0b"}},
		{"nothing matches", backuptypes.BackupSelection{Resources: []string{"arn:aws:rds:*"}}, nil},
		// A type named in the assignment is backed up although the
		// account is not opted in to it (UpdateRegionSettings API
		// reference, ResourceTypeOptInPreference).
		{"a type named explicitly skips the opt-in", backuptypes.BackupSelection{Resources: []string{"arn:aws:s3:::*"}, Conditions: &backuptypes.Conditions{
			StringEquals: []backuptypes.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/backup"), ConditionValue: aws.String("daily")}}}}, []string{"logs-bucket"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			c := vtAccount(t, srv, acct, region, "local")
			for _, r := range resources {
				if srv.AddResource(acct, region, r.typ, r.id, r.tags, 1<<20) == "" {
					t.Fatalf("AddResource %s", r.id)
				}
			}
			plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
				BackupPlanName: aws.String("p"), Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String("local"), ScheduleExpression: aws.String("cron(0 1 * * ? *)")}}}}))(t, "CreateBackupPlan")
			sel := tc.sel
			sel.SelectionName, sel.IamRoleArn = aws.String("s"), vtRole(acct)
			must(c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &sel}))(t, "CreateBackupSelection")
			srv.Advance(2 * time.Hour)
			var got []string
			for _, j := range vtBackupJobs(t, c) {
				arn := aws.ToString(j.ResourceArn)
				got = append(got, arn[strings.LastIndexAny(arn, "/:")+1:])
			}
			sort.Strings(got)
			// S3 is not opted in by default ("Service opt-in"), so the
			// tagged bucket is never backed up.
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("backed up (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSchedulerJobFailures: jobs fail with a status message when the
// vault, the role or the role's trust is missing, or when the retention
// is outside the vault's lock.
func TestSchedulerJobFailures(t *testing.T) {
	t.Parallel()
	const acct, region = "333333333333", "us-east-1"
	tests := []struct {
		name      string
		vault     string
		role      string
		lifecycle *backuptypes.Lifecycle
		want      string // substring of the status message; "" for success
	}{
		{"completes", "local", "BackupRole", &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(14)}, ""},
		{"vault missing", "gone", "BackupRole", nil, "Backup vault gone does not exist"},
		{"role missing", "local", "NoSuchRole", nil, "The role does not exist"},
		{"role not trusting AWS Backup", "local", "Ec2Role", nil, "does not allow backup.amazonaws.com"},
		{"retention below the lock minimum", "locked", "BackupRole", &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(3)}, "shorter than the minimum retention of 7 days"},
		{"retention above the lock maximum", "locked", "BackupRole", &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(400)}, "longer than the maximum retention of 35 days"},
		{"kept forever in a vault with a maximum", "locked", "BackupRole", nil, "exceed the maximum retention of 35 days"},
		{"within the lock", "locked", "BackupRole", &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(30)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			c := vtAccount(t, srv, acct, region, "local", "locked")
			must(c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
				BackupVaultName: aws.String("locked"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(35)}))(t, "PutBackupVaultLockConfiguration")
			must(awsiam.NewFromConfig(srv.Config(acct, region)).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Ec2Role"),
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t, "CreateRole")
			fs := srv.AddResource(acct, region, emulator.EFSFileSystem, "", map[string]string{"b": "y"}, 1<<20)
			plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
				BackupPlanName: aws.String("p"), Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String(tc.vault),
					ScheduleExpression: aws.String("cron(0 1 * * ? *)"), Lifecycle: tc.lifecycle}}}}))(t, "CreateBackupPlan")
			must(c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId,
				BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String("arn:aws:iam::" + acct + ":role/" + tc.role), Resources: []string{fs}}}))(t, "CreateBackupSelection")
			rep := srv.Advance(2 * time.Hour)
			jobs := vtBackupJobs(t, c)
			if len(jobs) != 1 {
				t.Fatalf("%d jobs, want 1", len(jobs))
			}
			j := jobs[0]
			if tc.want == "" {
				if j.State != backuptypes.BackupJobStateCompleted || rep.BackupJobsCompleted != 1 || aws.ToString(j.RecoveryPointArn) == "" {
					t.Errorf("job %s: %s (%s), want COMPLETED with a recovery point", *j.BackupJobId, j.State, aws.ToString(j.StatusMessage))
				}
				return
			}
			if j.State != backuptypes.BackupJobStateFailed || !strings.Contains(aws.ToString(j.StatusMessage), tc.want) || rep.BackupJobsFailed != 1 {
				t.Errorf("job: %s (%q), want FAILED with %q", j.State, aws.ToString(j.StatusMessage), tc.want)
			}
		})
	}
}

// TestSchedulerStartWindowExpires: AWS Backup runs one job per resource
// at a time; a job that cannot start within its start window EXPIRES.
func TestSchedulerStartWindowExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const acct = "333333333333"
	srv.SetJobDurations(emulator.JobDurations{Backup: 3 * time.Hour})
	c := vtAccount(t, srv, acct, "us-east-1", "local")
	fs := srv.AddResource(acct, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<20)
	first := vtOnDemand(t, c, acct, "local", fs, nil)
	second := must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(fs), IamRoleArn: vtRole(acct), StartWindowMinutes: aws.Int64(60)}))(t, "StartBackupJob")
	if got := vtJob(t, c, first).State; got != backuptypes.BackupJobStateRunning {
		t.Errorf("first job %s, want RUNNING", got)
	}
	if got := vtJob(t, c, *second.BackupJobId).State; got != backuptypes.BackupJobStateCreated {
		t.Errorf("second job %s, want CREATED while the first runs", got)
	}
	rep := srv.Advance(4 * time.Hour)
	if got := vtJob(t, c, *second.BackupJobId); got.State != backuptypes.BackupJobStateExpired || rep.BackupJobsExpired != 1 {
		t.Errorf("second job %s (%s), want EXPIRED", got.State, aws.ToString(got.StatusMessage))
	}
	if got := vtJob(t, c, first).State; got != backuptypes.BackupJobStateCompleted {
		t.Errorf("first job %s, want COMPLETED", got)
	}
	// On demand, with a key it lets AWS Backup use: the recovery point of
	// an EFS file system is returned up front.
	if second.RecoveryPointArn == nil || !strings.HasPrefix(*second.RecoveryPointArn, "arn:aws:backup:us-east-1:333333333333:recovery-point:") {
		t.Errorf("StartBackupJob of EFS: RecoveryPointArn = %v", second.RecoveryPointArn)
	}
	var nf *backuptypes.ResourceNotFoundException
	if _, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("nope"), ResourceArn: aws.String(fs), IamRoleArn: vtRole(acct)}); !errors.As(err, &nf) {
		t.Errorf("StartBackupJob to a missing vault: got %v, want ResourceNotFoundException", err)
	}
}

// TestSchedulerPolicyPlans: plans from Organizations backup policies
// follow the policy (created, versioned, deleted) and members cannot
// change them.
func TestSchedulerPolicyPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	mgmt := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	doc := strings.Replace(scnBackupPolicy, `["us-east-1"]`, `["us-east-1","us-west-2"]`, 1)
	pol := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("p"), Description: aws.String("p"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(doc)}))(t, "CreatePolicy")
	must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: aws.String("444444444444")}))(t, "AttachPolicy")
	srv.SyncBackupPolicies()

	plans := func(region string) []backuptypes.BackupPlansListMember {
		return must(scnBackup(srv, "444444444444", region).ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{}))(t, "ListBackupPlans").BackupPlansList
	}
	for _, region := range []string{"us-east-1", "us-west-2"} {
		if got := plans(region); len(got) != 1 || aws.ToString(got[0].BackupPlanName) != "daily" {
			t.Fatalf("plans in %s = %+v, want daily", region, got)
		}
	}
	c := scnBackup(srv, "444444444444", "us-east-1")
	id := plans("us-east-1")[0].BackupPlanId
	got := must(c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: id}))(t, "GetBackupPlan")
	rule := got.BackupPlan.Rules[0]
	if aws.ToString(rule.ScheduleExpression) != "cron(0 5 ? * * *)" || len(rule.CopyActions) != 2 ||
		aws.ToString(rule.CopyActions[1].DestinationBackupVaultArn) != "arn:aws:backup:us-west-2:444444444444:backup-vault:local" {
		t.Errorf("policy plan rule = %+v", rule)
	}
	sels := must(c.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: id}))(t, "ListBackupSelections")
	if len(sels.BackupSelectionsList) != 1 || aws.ToString(sels.BackupSelectionsList[0].IamRoleArn) != "arn:aws:iam::444444444444:role/BackupRole" {
		t.Errorf("policy plan selections = %+v", sels.BackupSelectionsList)
	}
	var invalid *backuptypes.InvalidRequestException
	if _, err := c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: id, BackupPlan: &backuptypes.BackupPlanInput{BackupPlanName: aws.String("daily"),
		Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("x"), TargetBackupVaultName: aws.String("local")}}}}); !errors.As(err, &invalid) {
		t.Errorf("UpdateBackupPlan of a policy plan: got %v, want InvalidRequestException", err)
	}

	// Changing the policy adds a plan version; detaching it deletes the
	// plans.
	must(mgmt.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: pol.Policy.PolicySummary.Id,
		Content: aws.String(strings.Replace(doc, "cron(0 5 ? * * *)", "cron(0 6 ? * * *)", 1))}))(t, "UpdatePolicy")
	srv.SyncBackupPolicies()
	versions := must(c.ListBackupPlanVersions(ctx, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: id}))(t, "ListBackupPlanVersions")
	if len(versions.BackupPlanVersionsList) != 2 {
		t.Errorf("%d plan versions after the policy changed, want 2", len(versions.BackupPlanVersionsList))
	}
	must(mgmt.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: aws.String("444444444444")}))(t, "DetachPolicy")
	srv.SyncBackupPolicies()
	for _, region := range []string{"us-east-1", "us-west-2"} {
		if got := plans(region); len(got) != 0 {
			t.Errorf("plans in %s after detaching = %+v, want none", region, got)
		}
	}
}

// TestSchedulerFaults: injected faults and call counters apply to the
// job operations like any other.
func TestSchedulerFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const acct = "333333333333"
	c := vtAccount(t, srv, acct, "us-east-1", "local")
	fs := srv.AddResource(acct, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<20)
	srv.AddFault(emulator.Fault{Service: "backup", Operation: "StartBackupJob", FailNext: 1,
		Err: emulator.Errorf(400, "LimitExceededException", "Too many jobs")})
	noRetry := func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 }
	_, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(fs), IamRoleArn: vtRole(acct)}, noRetry)
	var limit *backuptypes.LimitExceededException
	if !errors.As(err, &limit) {
		t.Fatalf("first StartBackupJob: got %v, want LimitExceededException", err)
	}
	vtOnDemand(t, c, acct, "local", fs, nil)
	var stats emulator.CallStats
	for _, s := range srv.CallStats() {
		if s.Account == acct && s.Operation == "StartBackupJob" {
			stats = s
		}
	}
	if stats.Calls != 2 || stats.Failed != 1 {
		t.Errorf("StartBackupJob stats = %+v, want 2 calls, 1 failed", stats)
	}
	if jobs := vtBackupJobs(t, c); len(jobs) != 1 {
		t.Errorf("%d jobs, want only the one that got through", len(jobs))
	}
}

// TestSchedulerSmallSteps: advancing in small steps runs the same jobs at
// the same times as one large step, and a plan update takes effect at the
// next advance.
func TestSchedulerSmallSteps(t *testing.T) {
	t.Parallel()
	const acct = "333333333333"
	setup := func() (*emulator.Server, *awsbackup.Client, *string) {
		ctx := context.Background()
		srv := newTestServer(t)
		c := vtAccount(t, srv, acct, "us-east-1", "local")
		fs := srv.AddResource(acct, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<20)
		plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
			BackupPlanName: aws.String("p"), Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String("local"), ScheduleExpression: aws.String("cron(30 */6 * * ? *)")}}}}))(t, "CreateBackupPlan")
		must(c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId,
			BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: vtRole(acct), Resources: []string{fs}}}))(t, "CreateBackupSelection")
		return srv, c, plan.BackupPlanId
	}
	times := func(c *awsbackup.Client) []string {
		var out []string
		for _, j := range vtBackupJobs(t, c) {
			out = append(out, j.CreationDate.UTC().Format("02 15:04")+" "+string(j.State))
		}
		return out
	}
	big, bigC, _ := setup()
	big.Advance(48 * time.Hour)
	small, smallC, planID := setup()
	for i := 0; i < 48*4; i++ {
		small.Advance(15 * time.Minute)
	}
	want := times(bigC)
	if len(want) != 8 {
		t.Fatalf("%d jobs in 48 hours of a 6-hourly rule, want 8: %v", len(want), want)
	}
	if diff := cmp.Diff(want, times(smallC)); diff != "" {
		t.Errorf("jobs with 15-minute steps (-one step +small steps):\n%s", diff)
	}

	// Daily at 23:00 from now on.
	must(smallC.UpdateBackupPlan(context.Background(), &awsbackup.UpdateBackupPlanInput{BackupPlanId: planID,
		BackupPlan: &backuptypes.BackupPlanInput{BackupPlanName: aws.String("p"), Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String("local"), ScheduleExpression: aws.String("cron(0 23 * * ? *)")}}}}))(t, "UpdateBackupPlan")
	small.Advance(24 * time.Hour)
	got := times(smallC)
	if diff := cmp.Diff(append(want, "03 23:00 COMPLETED"), got); diff != "" {
		t.Errorf("jobs after the plan update (-want +got):\n%s", diff)
	}
}

// TestSchedulerStopBackupJob: a stopped job is ABORTED, creates no
// recovery point, and frees the resource for the next job.
func TestSchedulerStopBackupJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const acct = "333333333333"
	c := vtAccount(t, srv, acct, "us-east-1", "local")
	fs := srv.AddResource(acct, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<20)
	first := vtOnDemand(t, c, acct, "local", fs, nil)
	second := vtOnDemand(t, c, acct, "local", fs, nil)
	must(c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: aws.String(first)}))(t, "StopBackupJob")
	if got := vtJob(t, c, first).State; got != backuptypes.BackupJobStateAborted {
		t.Errorf("stopped job %s, want ABORTED", got)
	}
	if got := vtJob(t, c, second).State; got != backuptypes.BackupJobStateRunning {
		t.Errorf("waiting job %s after the first was stopped, want RUNNING", got)
	}
	srv.Advance(time.Hour)
	if got := scnRecoveryPoints(t, srv, acct, "us-east-1", "local"); len(got) != 1 {
		t.Errorf("%d recovery points, want 1 (from the second job only)", len(got))
	}
	var invalid *backuptypes.InvalidRequestException
	if _, err := c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: aws.String(second)}); !errors.As(err, &invalid) {
		t.Errorf("StopBackupJob of a completed job: got %v, want InvalidRequestException", err)
	}
}

// TestSchedulerCompletionWindowExpires: a job still running when its
// completion window, counted from its creation, ends is EXPIRED without a
// recovery point, and the next job of the resource starts.
func TestSchedulerCompletionWindowExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const acct = "333333333333"
	start := func(c *awsbackup.Client, resource string, window int64) string {
		in := &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(resource), IamRoleArn: vtRole(acct)}
		if window > 0 {
			in.CompleteWindowMinutes = aws.Int64(window)
		}
		return *must(c.StartBackupJob(ctx, in))(t, "StartBackupJob").BackupJobId
	}
	for name, tc := range map[string]struct {
		window int64 // minutes; 0 for the default
		want   backuptypes.BackupJobState
	}{
		"window shorter than the backup": {120, backuptypes.BackupJobStateExpired},
		"window as long as the backup":   {180, backuptypes.BackupJobStateCompleted},
		"default window of 7 days":       {0, backuptypes.BackupJobStateCompleted},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			srv.SetJobDurations(emulator.JobDurations{Backup: 3 * time.Hour})
			c := vtAccount(t, srv, acct, "us-east-1", "local")
			vol := srv.AddResource(acct, "us-east-1", emulator.EBSVolume, "", nil, 1<<20)
			id := start(c, vol, tc.window)
			rep := srv.Advance(4 * time.Hour)
			job := vtJob(t, c, id)
			if job.State != tc.want {
				t.Fatalf("job %s (%s), want %s", job.State, aws.ToString(job.StatusMessage), tc.want)
			}
			rps := scnRecoveryPoints(t, srv, acct, "us-east-1", "local")
			if tc.want == backuptypes.BackupJobStateCompleted {
				if len(rps) != 1 || rep.BackupJobsExpired != 0 {
					t.Errorf("completed job: %d recovery points, %d expired jobs; want 1 and 0", len(rps), rep.BackupJobsExpired)
				}
				return
			}
			if got := aws.ToString(job.StatusMessage); got != "Backup job expired before completion." {
				t.Errorf("StatusMessage = %q", got)
			}
			if len(rps) != 0 || job.RecoveryPointArn != nil || rep.BackupJobsExpired != 1 {
				t.Errorf("expired job: %d recovery points, RecoveryPointArn %v, %d expired jobs; want none and 1", len(rps), job.RecoveryPointArn, rep.BackupJobsExpired)
			}
			// The resource is free again: the next job runs and completes.
			next := start(c, vol, 0)
			if got := vtJob(t, c, next).State; got != backuptypes.BackupJobStateRunning {
				t.Errorf("next job %s, want RUNNING", got)
			}
			srv.Advance(4 * time.Hour)
			if got := vtJob(t, c, next).State; got != backuptypes.BackupJobStateCompleted {
				t.Errorf("next job %s, want COMPLETED", got)
			}
		})
	}

	// A queued job's window counts from its creation, not from its start:
	// created with a 5-hour window behind a 3-hour backup, it would finish
	// after 6 hours.
	srv := newTestServer(t)
	srv.SetJobDurations(emulator.JobDurations{Backup: 3 * time.Hour})
	c := vtAccount(t, srv, acct, "us-east-1", "local")
	vol := srv.AddResource(acct, "us-east-1", emulator.EBSVolume, "", nil, 1<<20)
	first := start(c, vol, 0)
	queued := start(c, vol, 300)
	srv.Advance(3*time.Hour + time.Minute)
	if got := vtJob(t, c, queued).State; got != backuptypes.BackupJobStateRunning {
		t.Fatalf("queued job %s after the first completed, want RUNNING", got)
	}
	srv.Advance(2 * time.Hour)
	if got := vtJob(t, c, first).State; got != backuptypes.BackupJobStateCompleted {
		t.Errorf("first job %s, want COMPLETED", got)
	}
	if got := vtJob(t, c, queued); got.State != backuptypes.BackupJobStateExpired {
		t.Errorf("queued job %s (%s) 5 hours after its creation, want EXPIRED", got.State, aws.ToString(got.StatusMessage))
	}
}
