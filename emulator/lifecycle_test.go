package emulator_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/emulator"
)

const lcAcct, lcRegion = "333333333333", "us-east-1"

func lcDescribe(t *testing.T, c *awsbackup.Client, vault string, rp *string) (*awsbackup.DescribeRecoveryPointOutput, error) {
	t.Helper()
	return c.DescribeRecoveryPoint(context.Background(), &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String(vault), RecoveryPointArn: rp})
}

// TestLifecycleColdAndExpiry: fully managed types move to cold storage;
// EBS snapshots only to the archive tier when opted in; recovery points
// are deleted DeleteAfterDays after their creation.
func TestLifecycleColdAndExpiry(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "local")
	lifecycle := &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(100)}
	archive := &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(100), OptInToArchiveForSupportedResources: aws.Bool(true)}
	jobs := map[string]string{
		"efs":         vtOnDemand(t, c, lcAcct, "local", srv.AddResource(lcAcct, lcRegion, emulator.EFSFileSystem, "", nil, 1<<30), lifecycle),
		"ebs":         vtOnDemand(t, c, lcAcct, "local", srv.AddResource(lcAcct, lcRegion, emulator.EBSVolume, "", nil, 1<<30), lifecycle),
		"ebs-archive": vtOnDemand(t, c, lcAcct, "local", srv.AddResource(lcAcct, lcRegion, emulator.EBSVolume, "", nil, 1<<30), archive),
		"s3":          vtOnDemand(t, c, lcAcct, "local", srv.AddResource(lcAcct, lcRegion, emulator.S3Bucket, "", nil, 1<<30), lifecycle),
	}
	srv.Advance(time.Hour)
	rps := map[string]*string{}
	for name, id := range jobs {
		rps[name] = vtJob(t, c, id).RecoveryPointArn
	}
	efs := must(lcDescribe(t, c, "local", rps["efs"]))(t, "DescribeRecoveryPoint")
	if got, want := efs.CalculatedLifecycle.DeleteAt.Sub(*efs.CreationDate), 100*24*time.Hour; got != want {
		t.Errorf("DeleteAt - CreationDate = %v, want %v", got, want)
	}
	if efs.StorageClass != backuptypes.StorageClassWarm {
		t.Errorf("new recovery point in %s storage", efs.StorageClass)
	}

	rep := srv.Advance(10 * 24 * time.Hour)
	if rep.ColdMoves != 2 {
		t.Errorf("cold moves = %d, want 2 (EFS and the archived EBS snapshot)", rep.ColdMoves)
	}
	for name, want := range map[string]backuptypes.StorageClass{"efs": backuptypes.StorageClassCold, "ebs": backuptypes.StorageClassWarm, "ebs-archive": backuptypes.StorageClassCold, "s3": backuptypes.StorageClassWarm} {
		got := must(lcDescribe(t, c, "local", rps[name]))(t, "DescribeRecoveryPoint")
		if got.StorageClass != want {
			t.Errorf("%s: storage class %s, want %s", name, got.StorageClass, want)
		}
	}
	// "The transition to cold after days setting cannot be changed after
	// a backup has been transitioned to cold."
	var param *backuptypes.InvalidParameterValueException
	if _, err := c.UpdateRecoveryPointLifecycle(context.Background(), &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("local"), RecoveryPointArn: rps["efs"],
		Lifecycle: &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(20), DeleteAfterDays: aws.Int64(200)}}); !errors.As(err, &param) {
		t.Errorf("changing MoveToColdStorageAfterDays of a cold recovery point: got %v, want InvalidParameterValueException", err)
	}

	rep = srv.Advance(90 * 24 * time.Hour)
	if rep.Expirations != 4 {
		t.Errorf("expirations = %d, want 4", rep.Expirations)
	}
	if got := scnRecoveryPoints(t, srv, lcAcct, lcRegion, "local"); len(got) != 0 {
		t.Errorf("%d recovery points left after 101 days, want 0", len(got))
	}
}

// TestLifecycleVaultLock: a locked vault keeps its recovery points: they
// cannot be deleted and their retention can be lengthened, not shortened.
func TestLifecycleVaultLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "locked")
	must(c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String("locked"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(30)}))(t, "PutBackupVaultLockConfiguration")
	id := vtOnDemand(t, c, lcAcct, "locked", srv.AddResource(lcAcct, lcRegion, emulator.EFSFileSystem, "", nil, 1<<30), &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(14)})
	srv.Advance(time.Hour)
	rp := vtJob(t, c, id).RecoveryPointArn
	update := func(days int64) error {
		_, err := c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("locked"), RecoveryPointArn: rp,
			Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(days)}})
		return err
	}
	var invalid *backuptypes.InvalidRequestException
	if _, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("locked"), RecoveryPointArn: rp}); !errors.As(err, &invalid) {
		t.Errorf("DeleteRecoveryPoint in a locked vault: got %v, want InvalidRequestException", err)
	}
	if err := update(10); !errors.As(err, &invalid) {
		t.Errorf("shortening retention to 10 days: got %v, want InvalidRequestException", err)
	}
	if err := update(60); !errors.As(err, &invalid) {
		t.Errorf("lengthening retention past the lock's maximum: got %v, want InvalidRequestException", err)
	}
	if err := update(21); err != nil {
		t.Errorf("lengthening retention to 21 days: %v", err)
	}
	// The recovery point now expires 21 days after its creation.
	if rep := srv.Advance(20 * 24 * time.Hour); rep.Expirations != 0 {
		t.Errorf("expired after 20 days")
	}
	if rep := srv.Advance(24 * time.Hour); rep.Expirations != 1 {
		t.Errorf("not expired after 21 days")
	}

	// Removing a governance-mode lock makes deletion possible again.
	id = vtOnDemand(t, c, lcAcct, "locked", srv.AddResource(lcAcct, lcRegion, emulator.EFSFileSystem, "", nil, 1<<30), &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(14)})
	srv.Advance(time.Hour)
	must(c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("locked")}))(t, "DeleteBackupVaultLockConfiguration")
	if _, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("locked"), RecoveryPointArn: vtJob(t, c, id).RecoveryPointArn}); err != nil {
		t.Errorf("DeleteRecoveryPoint after removing the lock: %v", err)
	}
}

// TestLifecycleComplianceLock: a compliance-mode lock can be changed or
// removed during its grace time, never after.
func TestLifecycleComplianceLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "vault")
	lock := func(min int64) error {
		_, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
			BackupVaultName: aws.String("vault"), MinRetentionDays: aws.Int64(min), ChangeableForDays: aws.Int64(3)})
		return err
	}
	if err := lock(7); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * 24 * time.Hour)
	if err := lock(14); err != nil { // within the grace time: allowed, and restarts it
		t.Fatalf("changing the lock during its grace time: %v", err)
	}
	srv.Advance(3*24*time.Hour + time.Minute)
	var invalid *backuptypes.InvalidRequestException
	if err := lock(1); !errors.As(err, &invalid) {
		t.Errorf("changing a compliance lock after its grace time: got %v, want InvalidRequestException", err)
	}
	if _, err := c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("vault")}); !errors.As(err, &invalid) {
		t.Errorf("removing a compliance lock after its grace time: got %v, want InvalidRequestException", err)
	}
}

// TestLifecycleLegalHold: a legal hold keeps recovery points past their
// retention; once it is cancelled they expire.
func TestLifecycleLegalHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "local")
	fs := srv.AddResource(lcAcct, lcRegion, emulator.EFSFileSystem, "", nil, 1<<30)
	id := vtOnDemand(t, c, lcAcct, "local", fs, &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(1)})
	hold := must(c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{
		Title: aws.String("case"), Description: aws.String("litigation"),
		RecoveryPointSelection: &backuptypes.RecoveryPointSelection{ResourceIdentifiers: []string{fs}}}))(t, "CreateLegalHold")
	srv.Advance(time.Hour)
	rp := vtJob(t, c, id).RecoveryPointArn
	held := must(c.ListRecoveryPointsByLegalHold(ctx, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: hold.LegalHoldId}))(t, "ListRecoveryPointsByLegalHold")
	if len(held.RecoveryPoints) != 1 || aws.ToString(held.RecoveryPoints[0].RecoveryPointArn) != aws.ToString(rp) || aws.ToString(held.RecoveryPoints[0].BackupVaultName) != "local" {
		t.Errorf("ListRecoveryPointsByLegalHold = %+v, want the held point in vault local", held.RecoveryPoints)
	}
	var state *backuptypes.InvalidResourceStateException
	if _, err := c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: rp}); !errors.As(err, &state) {
		t.Errorf("DeleteRecoveryPoint under a legal hold: got %v, want InvalidResourceStateException", err)
	}
	if rep := srv.Advance(5 * 24 * time.Hour); rep.Expirations != 0 {
		t.Errorf("a held recovery point expired")
	}
	must(c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: hold.LegalHoldId, CancelDescription: aws.String("settled")}))(t, "CancelLegalHold")
	if rep := srv.Advance(24 * time.Hour); rep.Expirations != 1 {
		t.Errorf("expirations within a day of releasing the hold = %d, want 1", rep.Expirations)
	}
	if _, err := lcDescribe(t, c, "local", rp); err == nil {
		t.Errorf("the recovery point still exists")
	}
}

// TestLifecycleRestore: a restore job runs for its expected duration and
// creates a new resource; vault notifications report it.
func TestLifecycleRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "local")
	snsc := awssns.NewFromConfig(srv.Config(lcAcct, lcRegion))
	topic := must(snsc.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("events")}))(t, "CreateTopic")
	must(snsc.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: topic.TopicArn, AttributeName: aws.String("Policy"),
		AttributeValue: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"SNS:Publish","Resource":"*"}]}`)}))(t, "SetTopicAttributes")
	must(c.PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{
		BackupVaultName: aws.String("local"), SNSTopicArn: topic.TopicArn,
		BackupVaultEvents: []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventRestoreJobStarted, backuptypes.BackupVaultEventRestoreJobCompleted}}))(t, "PutBackupVaultNotifications")
	vol := srv.AddResource(lcAcct, lcRegion, emulator.EBSVolume, "", nil, 8<<30)
	id := vtOnDemand(t, c, lcAcct, "local", vol, nil)
	srv.Advance(time.Hour)
	out := must(c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{
		RecoveryPointArn: vtJob(t, c, id).RecoveryPointArn, IamRoleArn: vtRole(lcAcct), Metadata: map[string]string{"availabilityZone": "us-east-1a"}}))(t, "StartRestoreJob")
	type restoreState struct {
		Status  backuptypes.RestoreJobStatus
		Created string
	}
	restore := func() *restoreState {
		jobs := must(c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{}))(t, "ListRestoreJobs")
		for _, j := range jobs.RestoreJobs {
			if aws.ToString(j.RestoreJobId) == *out.RestoreJobId {
				return &restoreState{Status: j.Status, Created: aws.ToString(j.CreatedResourceArn)}
			}
		}
		t.Fatalf("restore job %s not listed", *out.RestoreJobId)
		return nil
	}
	if got := restore(); got.Status != backuptypes.RestoreJobStatusRunning {
		t.Errorf("restore job %s, want RUNNING", got.Status)
	}
	expected := must(c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: out.RestoreJobId}))(t, "DescribeRestoreJob").ExpectedCompletionTimeMinutes
	rep := srv.Advance(time.Duration(aws.ToInt64(expected)) * time.Minute)
	got := restore()
	if got.Status != backuptypes.RestoreJobStatusCompleted || rep.RestoreJobsCompleted != 1 || !strings.HasPrefix(got.Created, "arn:aws:ec2:us-east-1:333333333333:volume/vol-") {
		t.Fatalf("restore job %s, created %q", got.Status, got.Created)
	}
	found := false
	for _, r := range srv.Resources(lcAcct, lcRegion) {
		if r.ARN == got.Created && r.RestoredBy == *out.RestoreJobId && r.SizeBytes == 8<<30 {
			found = true
		}
	}
	if !found {
		t.Errorf("restored volume %s not among the account's resources", got.Created)
	}
	var states []string
	for _, m := range srv.Published(*topic.TopicArn) {
		states = append(states, m.Attributes["EventType"]+" "+m.Attributes["State"])
	}
	if strings.Join(states, ", ") != "RESTORE_JOB RUNNING, RESTORE_JOB COMPLETED" {
		t.Errorf("notifications: %v", states)
	}
}

// TestLifecycleKeepIndefinitely: -1 removes the retention ("To remove the
// existing lifecycle and retention periods and keep your recovery points
// indefinitely, specify -1", Lifecycle in the AWS Backup API reference), so
// the recovery point outlives its former expiry; -2 is refused.
func TestLifecycleKeepIndefinitely(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "local")
	job := vtOnDemand(t, c, lcAcct, "local", srv.AddResource(lcAcct, lcRegion, emulator.EBSVolume, "", nil, 1<<30), &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(10)})
	srv.Advance(time.Hour)
	rp := vtJob(t, c, job).RecoveryPointArn
	var param *backuptypes.InvalidParameterValueException
	if _, err := c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("local"), RecoveryPointArn: rp,
		Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(-2)}}); !errors.As(err, &param) {
		t.Errorf("DeleteAfterDays -2: got %v, want InvalidParameterValueException", err)
	}
	out := must(c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("local"), RecoveryPointArn: rp,
		Lifecycle: &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(-1), DeleteAfterDays: aws.Int64(-1)}}))(t, "UpdateRecoveryPointLifecycle -1")
	if out.CalculatedLifecycle != nil && out.CalculatedLifecycle.DeleteAt != nil {
		t.Errorf("CalculatedLifecycle.DeleteAt = %v after -1, want none", out.CalculatedLifecycle.DeleteAt)
	}
	srv.Advance(30 * 24 * time.Hour)
	if _, err := lcDescribe(t, c, "local", rp); err != nil {
		t.Errorf("recovery point kept indefinitely is gone after 30 days: %v", err)
	}
}
