package emulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"
)

// These tests seed jobs and recovery points through the unexported helpers
// the job engine uses, then read them back through the SDK.

func bkClient(s *Server, account string) *awsbackup.Client {
	return awsbackup.NewFromConfig(s.Config(account, "us-east-1"), func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
}

func bkWant[T error](t *testing.T, op string, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: error = %v, want %T", op, err, target)
	}
}

func (s *Server) advanceForTest(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

type seeded struct {
	rpOld, rpNew, rpOther string
	jobEBS, jobRDS        string
	copyJob, restoreJob   string
	testingPlanARN        string
}

func seedJobs(t *testing.T, s *Server) seeded {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	const acct, region = "333333333333", "us-east-1"
	b := s.backupRegionLocked(acct, region)
	b.vaults["local"] = &backupVault{name: "local", arn: b.arn("backup-vault", "local"), vaultType: backuptypes.VaultTypeBackupVault, state: backuptypes.VaultStateAvailable, created: s.now}
	vol1 := "arn:aws:ec2:us-east-1:333333333333:volume/vol-1"
	vol2 := "arn:aws:ec2:us-east-1:333333333333:volume/vol-2"
	var out seeded
	var err error
	t0 := s.now
	add := func(resource string, at time.Time, plan string) string {
		arn, e := s.addRecoveryPointLocked(acct, region, backuptypes.RecoveryPointByBackupVault{
			BackupVaultName: aws.String("local"), ResourceArn: aws.String(resource), ResourceType: aws.String("EBS"),
			CreationDate: timePtr(at), CreatedBy: &backuptypes.RecoveryPointCreator{BackupPlanId: aws.String(plan)},
		})
		if e != nil {
			err = e
		}
		return arn
	}
	out.rpOld = add(vol1, t0, "plan-a")
	out.rpNew = add(vol1, t0.Add(time.Hour), "plan-a")
	out.rpOther = add(vol2, t0.Add(30*time.Minute), "plan-b")
	if err != nil {
		t.Fatalf("addRecoveryPointLocked: %v", err)
	}
	out.jobEBS = s.addBackupJobLocked(acct, region, backuptypes.BackupJob{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol1), ResourceType: aws.String("EBS"),
		State: backuptypes.BackupJobStateCompleted, CreationDate: timePtr(t0), CompletionDate: timePtr(t0.Add(10 * time.Minute)),
		RecoveryPointArn: aws.String(out.rpOld),
	})
	out.jobRDS = s.addBackupJobLocked(acct, region, backuptypes.BackupJob{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String("arn:aws:rds:us-east-1:333333333333:db:app"), ResourceType: aws.String("RDS"),
		State: backuptypes.BackupJobStateFailed, CreationDate: timePtr(t0.Add(2 * time.Hour)), StatusMessage: aws.String("boom"),
	})
	s.addBackupJobLocked("444444444444", region, backuptypes.BackupJob{BackupVaultName: aws.String("local"), ResourceType: aws.String("EBS"), State: backuptypes.BackupJobStateRunning})
	out.copyJob = s.addCopyJobLocked(acct, region, backuptypes.CopyJob{
		SourceRecoveryPointArn: aws.String(out.rpOld), DestinationBackupVaultArn: aws.String("arn:aws:backup:us-east-1:222222222222:backup-vault:central"),
		ResourceType: aws.String("EBS"), State: backuptypes.CopyJobStateCompleted, CompletionDate: timePtr(t0.Add(time.Hour)),
	})
	out.testingPlanARN = "arn:aws:backup:us-east-1:333333333333:restore-testing-plan:weekly-abcdef"
	out.restoreJob = s.addRestoreJobLocked(acct, region, backuptypes.RestoreJobsListMember{
		RecoveryPointArn: aws.String(out.rpOld), ResourceType: aws.String("EBS"), Status: backuptypes.RestoreJobStatusCompleted,
		CreatedBy: &backuptypes.RestoreJobCreator{RestoreTestingPlanArn: aws.String(out.testingPlanARN)},
	})
	s.addRestoreJobLocked(acct, region, backuptypes.RestoreJobsListMember{RecoveryPointArn: aws.String(out.rpOther), ResourceType: aws.String("EBS"), Status: backuptypes.RestoreJobStatusFailed})
	return out
}

func TestBackupJobsReadSide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	seed := seedJobs(t, s)
	c := bkClient(s, "333333333333")

	ids := func(jobs []backuptypes.BackupJob) []string {
		var out []string
		for _, j := range jobs {
			out = append(out, aws.ToString(j.BackupJobId))
		}
		return out
	}
	tests := map[string]struct {
		account string
		in      awsbackup.ListBackupJobsInput
		want    int
	}{
		"own jobs":               {"333333333333", awsbackup.ListBackupJobsInput{}, 2},
		"by state":               {"333333333333", awsbackup.ListBackupJobsInput{ByState: backuptypes.BackupJobStateFailed}, 1},
		"by resource type":       {"333333333333", awsbackup.ListBackupJobsInput{ByResourceType: aws.String("EBS")}, 1},
		"by resource arn":        {"333333333333", awsbackup.ListBackupJobsInput{ByResourceArn: aws.String("arn:aws:rds:us-east-1:333333333333:db:app")}, 1},
		"by vault":               {"333333333333", awsbackup.ListBackupJobsInput{ByBackupVaultName: aws.String("other")}, 0},
		"created after":          {"333333333333", awsbackup.ListBackupJobsInput{ByCreatedAfter: aws.Time(s.Now().Add(time.Hour))}, 1},
		"complete before":        {"333333333333", awsbackup.ListBackupJobsInput{ByCompleteBefore: aws.Time(s.Now().Add(time.Hour))}, 1},
		"member asks for other":  {"333333333333", awsbackup.ListBackupJobsInput{ByAccountId: aws.String("444444444444")}, 0},
		"member asks for all":    {"333333333333", awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*")}, 0},
		"management, one member": {ManagementAccountID, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("444444444444")}, 1},
		"management, all":        {ManagementAccountID, awsbackup.ListBackupJobsInput{ByAccountId: aws.String("*")}, 3},
	}
	for name, tc := range tests {
		in := tc.in
		out, err := bkClient(s, tc.account).ListBackupJobs(ctx, &in)
		if err != nil {
			t.Fatalf("%s: ListBackupJobs: %v", name, err)
		}
		if len(out.BackupJobs) != tc.want {
			t.Errorf("%s: ListBackupJobs = %d jobs %v, want %d", name, len(out.BackupJobs), ids(out.BackupJobs), tc.want)
		}
	}
	all, _ := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{})
	if diff := cmp.Diff([]string{seed.jobRDS, seed.jobEBS}, ids(all.BackupJobs)); diff != "" {
		t.Errorf("ListBackupJobs order, newest first (-want +got):\n%s", diff)
	}
	page, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(page.BackupJobs) != 1 || page.NextToken == nil {
		t.Fatalf("ListBackupJobs page = %+v, %v", page, err)
	}

	d, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(seed.jobRDS)})
	if err != nil {
		t.Fatalf("DescribeBackupJob: %v", err)
	}
	if d.State != backuptypes.BackupJobStateFailed || aws.ToString(d.StatusMessage) != "boom" || aws.ToString(d.AccountId) != "333333333333" ||
		aws.ToString(d.BackupVaultArn) != "arn:aws:backup:us-east-1:333333333333:backup-vault:local" {
		t.Errorf("DescribeBackupJob = state %s message %q account %q vault %q", d.State, aws.ToString(d.StatusMessage), aws.ToString(d.AccountId), aws.ToString(d.BackupVaultArn))
	}
	_, err = c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String("NOPE")})
	bkWant[*backuptypes.ResourceNotFoundException](t, "DescribeBackupJob unknown", err)

	cj, err := c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{ByDestinationVaultArn: aws.String("arn:aws:backup:us-east-1:222222222222:backup-vault:central")})
	if err != nil || len(cj.CopyJobs) != 1 {
		t.Fatalf("ListCopyJobs = %+v, %v", cj, err)
	}
	none, _ := c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{ByState: backuptypes.CopyJobStateFailed})
	if len(none.CopyJobs) != 0 {
		t.Errorf("ListCopyJobs(FAILED) = %d, want 0", len(none.CopyJobs))
	}
	dc, err := c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: aws.String(seed.copyJob)})
	if err != nil || aws.ToString(dc.CopyJob.SourceRecoveryPointArn) != seed.rpOld {
		t.Errorf("DescribeCopyJob = %+v, %v", dc, err)
	}
	_, err = c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: aws.String("NOPE")})
	bkWant[*backuptypes.ResourceNotFoundException](t, "DescribeCopyJob unknown", err)

	rj, err := c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String(seed.testingPlanARN)})
	if err != nil || len(rj.RestoreJobs) != 1 || aws.ToString(rj.RestoreJobs[0].RestoreJobId) != seed.restoreJob {
		t.Errorf("ListRestoreJobs(ByRestoreTestingPlanArn) = %+v, %v", rj, err)
	}
	rjf, _ := c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByStatus: backuptypes.RestoreJobStatusFailed})
	if len(rjf.RestoreJobs) != 1 {
		t.Errorf("ListRestoreJobs(FAILED) = %d, want 1", len(rjf.RestoreJobs))
	}
}

func TestBackupRecoveryPointsReadSide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	seed := seedJobs(t, s)
	c := bkClient(s, "333333333333")
	vault := aws.String("local")

	rps, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: vault})
	if err != nil {
		t.Fatalf("ListRecoveryPointsByBackupVault: %v", err)
	}
	var got []string
	for _, r := range rps.RecoveryPoints {
		got = append(got, aws.ToString(r.RecoveryPointArn))
	}
	if diff := cmp.Diff([]string{seed.rpNew, seed.rpOther, seed.rpOld}, got); diff != "" {
		t.Errorf("ListRecoveryPointsByBackupVault (-want +got):\n%s", diff)
	}
	for name, tc := range map[string]struct {
		in   awsbackup.ListRecoveryPointsByBackupVaultInput
		want int
	}{
		"by resource": {awsbackup.ListRecoveryPointsByBackupVaultInput{ByResourceArn: aws.String("arn:aws:ec2:us-east-1:333333333333:volume/vol-1")}, 2},
		"by plan":     {awsbackup.ListRecoveryPointsByBackupVaultInput{ByBackupPlanId: aws.String("plan-b")}, 1},
		"by type":     {awsbackup.ListRecoveryPointsByBackupVaultInput{ByResourceType: aws.String("RDS")}, 0},
		"before":      {awsbackup.ListRecoveryPointsByBackupVaultInput{ByCreatedBefore: aws.Time(s.Now().Add(45 * time.Minute))}, 2},
	} {
		in := tc.in
		in.BackupVaultName = vault
		out, err := c.ListRecoveryPointsByBackupVault(ctx, &in)
		if err != nil || len(out.RecoveryPoints) != tc.want {
			t.Errorf("%s: ListRecoveryPointsByBackupVault = %v, %v; want %d", name, out, err, tc.want)
		}
	}
	_, err = c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("missing")})
	bkWant[*backuptypes.ResourceNotFoundException](t, "ListRecoveryPointsByBackupVault missing vault", err)

	d, err := c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: vault, RecoveryPointArn: aws.String(seed.rpOld)})
	if err != nil {
		t.Fatalf("DescribeRecoveryPoint: %v", err)
	}
	if d.Status != backuptypes.RecoveryPointStatusCompleted || aws.ToString(d.BackupVaultArn) != "arn:aws:backup:us-east-1:333333333333:backup-vault:local" || d.VaultType != backuptypes.VaultTypeBackupVault {
		t.Errorf("DescribeRecoveryPoint = status %s vault %q type %s", d.Status, aws.ToString(d.BackupVaultArn), d.VaultType)
	}
	_, err = c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: vault, RecoveryPointArn: aws.String("arn:aws:backup:us-east-1:333333333333:recovery-point:nope")})
	bkWant[*backuptypes.ResourceNotFoundException](t, "DescribeRecoveryPoint unknown", err)

	pr, err := c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{})
	if err != nil {
		t.Fatalf("ListProtectedResources: %v", err)
	}
	if len(pr.Results) != 2 || aws.ToString(pr.Results[0].LastRecoveryPointArn) != seed.rpNew {
		t.Errorf("ListProtectedResources = %+v", pr.Results)
	}

	dv, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: vault})
	if err != nil || dv.NumberOfRecoveryPoints != 3 {
		t.Errorf("DescribeBackupVault NumberOfRecoveryPoints = %v, %v; want 3", dv, err)
	}
	_, err = c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: vault})
	bkWant[*backuptypes.InvalidRequestException](t, "DeleteBackupVault with recovery points", err)

	// Recovery points are taggable by ARN.
	if _, err := c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(seed.rpOld), Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatalf("TagResource(recovery point): %v", err)
	}
	tags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(seed.rpOld)})
	if err != nil || tags.Tags["k"] != "v" {
		t.Errorf("ListTags(recovery point) = %v, %v", tags, err)
	}

	// A legal hold on the vault covers its recovery points.
	if _, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("hold"), Description: aws.String("d"), RecoveryPointSelection: &backuptypes.RecoveryPointSelection{VaultNames: []string{"local"}}}); err != nil {
		t.Fatalf("CreateLegalHold: %v", err)
	}
	s.mu.Lock()
	held := s.recoveryPointHeldLocked("333333333333", "us-east-1", seed.rpOld)
	s.deleteRecoveryPointLocked("333333333333", "us-east-1", seed.rpOld)
	_, stillThere := s.recoveryPointLocked("333333333333", "us-east-1", seed.rpOld)
	s.mu.Unlock()
	if !held || stillThere {
		t.Errorf("recoveryPointHeldLocked = %v, after delete still there = %v", held, stillThere)
	}
}

func TestVaultLockBecomesImmutable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	c := bkClient(s, "222222222222")
	for _, name := range []string{"compliance", "governance"} {
		if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
			t.Fatalf("CreateBackupVault: %v", err)
		}
	}
	if _, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("compliance"), MinRetentionDays: aws.Int64(7), ChangeableForDays: aws.Int64(3)}); err != nil {
		t.Fatalf("PutBackupVaultLockConfiguration: %v", err)
	}
	if _, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("governance"), MinRetentionDays: aws.Int64(7)}); err != nil {
		t.Fatalf("PutBackupVaultLockConfiguration: %v", err)
	}
	s.mu.Lock()
	info, ok := s.vaultLockLocked("222222222222", "us-east-1", "compliance")
	s.mu.Unlock()
	if !ok || !info.Compliance || info.Immutable || aws.ToInt64(info.MinRetentionDays) != 7 {
		t.Errorf("vaultLockLocked before lock date = %+v, %v", info, ok)
	}

	s.advanceForTest(72*time.Hour - time.Second)
	if _, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("compliance"), MinRetentionDays: aws.Int64(7), ChangeableForDays: aws.Int64(3)}); err != nil {
		t.Fatalf("PutBackupVaultLockConfiguration before the lock date: %v", err)
	}
	// The put restarted the grace time: three more days.
	s.advanceForTest(72 * time.Hour)

	_, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("compliance"), MinRetentionDays: aws.Int64(1)})
	bkWant[*backuptypes.InvalidRequestException](t, "Put after lock date", err)
	_, err = c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("compliance")})
	bkWant[*backuptypes.InvalidRequestException](t, "Delete after lock date", err)
	_, err = c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("compliance")})
	bkWant[*backuptypes.InvalidRequestException](t, "DeleteBackupVault after lock date", err)
	s.mu.Lock()
	info, _ = s.vaultLockLocked("222222222222", "us-east-1", "compliance")
	s.mu.Unlock()
	if !info.Immutable {
		t.Errorf("vaultLockLocked after lock date: Immutable = false")
	}

	// Governance mode never becomes immutable.
	if _, err := c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("governance")}); err != nil {
		t.Errorf("DeleteBackupVaultLockConfiguration governance: %v", err)
	}
	if _, err := c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("governance")}); err != nil {
		t.Errorf("DeleteBackupVault governance: %v", err)
	}
}

func TestPolicyBackupPlanIsReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	in := &backuptypes.BackupPlanInput{BackupPlanName: aws.String("org-daily"), Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("local")}}}
	s.mu.Lock()
	p, err := s.createBackupPlanLocked("333333333333", "us-east-1", in, nil, "", "p-12345678")
	s.mu.Unlock()
	if err != nil {
		t.Fatalf("createBackupPlanLocked: %v", err)
	}
	c := bkClient(s, "333333333333")
	if _, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(p.id)}); err != nil {
		t.Fatalf("GetBackupPlan: %v", err)
	}
	_, err = c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(p.id), BackupPlan: in})
	bkWant[*backuptypes.InvalidRequestException](t, "UpdateBackupPlan", err)
	_, err = c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(p.id)})
	bkWant[*backuptypes.InvalidRequestException](t, "DeleteBackupPlan", err)
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: aws.String(p.id), BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String("arn:aws:iam::333333333333:role/r")}})
	bkWant[*backuptypes.InvalidRequestException](t, "CreateBackupSelection", err)
}

// TestRecoveryPointInAnotherVault: the operations that name a recovery
// point and its vault answer ResourceNotFoundException when the recovery
// point exists but in another vault.
func TestRecoveryPointInAnotherVault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	seed := seedJobs(t, s)
	c := bkClient(s, "333333333333")
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("other")}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	other, rp := aws.String("other"), aws.String(seed.rpOld)
	for name, call := range map[string]func() error{
		"DescribeRecoveryPoint": func() error {
			_, err := c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: other, RecoveryPointArn: rp})
			return err
		},
		"DeleteRecoveryPoint": func() error {
			_, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: other, RecoveryPointArn: rp})
			return err
		},
		"UpdateRecoveryPointLifecycle": func() error {
			_, err := c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: other, RecoveryPointArn: rp})
			return err
		},
		"StartCopyJob": func() error {
			_, err := c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: other, RecoveryPointArn: rp,
				DestinationBackupVaultArn: aws.String("arn:aws:backup:us-east-1:222222222222:backup-vault:central"),
				IamRoleArn:                aws.String("arn:aws:iam::333333333333:role/BackupRole")})
			return err
		},
	} {
		err := call()
		var nf *backuptypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("%s: error = %v, want ResourceNotFoundException", name, err)
			continue
		}
		if want := "Recovery point " + seed.rpOld + " does not exist in backup vault other."; aws.ToString(nf.Message) != want {
			t.Errorf("%s: message = %q, want %q", name, aws.ToString(nf.Message), want)
		}
	}
	s.mu.Lock()
	_, ok := s.recoveryPointLocked("333333333333", "us-east-1", seed.rpOld)
	s.mu.Unlock()
	if !ok {
		t.Errorf("the recovery point was removed by a call naming another vault")
	}
}
