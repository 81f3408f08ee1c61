package emulator_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// rtPlan creates a restore testing plan running daily at 05:00 UTC.
func rtPlan(t *testing.T, c *awsbackup.Client, name string, sel backuptypes.RestoreTestingRecoveryPointSelection) string {
	t.Helper()
	out := must(c.CreateRestoreTestingPlan(context.Background(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &backuptypes.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String(name), ScheduleExpression: aws.String("cron(0 5 ? * * *)"), RecoveryPointSelection: &sel,
	}}))(t, "CreateRestoreTestingPlan")
	return aws.ToString(out.RestoreTestingPlanArn)
}

func rtSelection(t *testing.T, c *awsbackup.Client, plan string, sel backuptypes.RestoreTestingSelectionForCreate) {
	t.Helper()
	must(c.CreateRestoreTestingSelection(context.Background(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String(plan), RestoreTestingSelection: &sel}))(t, "CreateRestoreTestingSelection")
}

// rtJobs lists the restore jobs a restore testing plan started, by source
// resource.
func rtJobs(t *testing.T, c *awsbackup.Client, planARN string) map[string][]backuptypes.RestoreJobsListMember {
	t.Helper()
	out := map[string][]backuptypes.RestoreJobsListMember{}
	p := awsbackup.NewListRestoreJobsPaginator(c, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String(planARN)})
	for p.HasMorePages() {
		for _, j := range must(p.NextPage(context.Background()))(t, "ListRestoreJobs").RestoreJobs {
			out[aws.ToString(j.SourceResourceArn)] = append(out[aws.ToString(j.SourceResourceArn)], j)
		}
	}
	return out
}

// TestRestoreTestingRun: a restore testing plan runs on its schedule and
// restores, per selection, the resources it chooses from the recovery
// points its RecoveryPointSelection allows; the restored resources live
// for the validation window, during which PutRestoreValidationResult is
// accepted, and are then deleted (RestoreTestingPlanForCreate,
// RestoreTestingSelectionForCreate, PutRestoreValidationResult,
// DescribeRestoreJob DeletionStatus: AWS Backup API Reference; "Restore
// testing", AWS Backup Developer Guide).
func TestRestoreTestingRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t) // the clock starts at 2026-01-01T00:00Z
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault, "excluded")
	prod := map[string]string{"env": "prod"}
	volProd := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "vol-prod", prod, rsGiB)
	volDev := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "vol-dev", map[string]string{"env": "dev"}, rsGiB)
	volExcluded := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "vol-excl", prod, rsGiB)
	volOld := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "vol-old", prod, rsGiB)
	db := srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "orders", nil, 10*rsGiB)
	rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volOld) // 2026-01-01, outside a 3-day window on the 6th
	srv.AdvanceTo(time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC))
	older := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volProd)
	latest := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volProd)
	rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volDev)
	rsRecoveryPoint(t, srv, c, rsAcct, "excluded", volExcluded)
	dbRP := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, db)

	plan := rtPlan(t, c, "daily", backuptypes.RestoreTestingRecoveryPointSelection{
		Algorithm:           backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
		IncludeVaults:       []string{"*"},
		ExcludeVaults:       []string{"arn:aws:backup:us-east-1:111111111111:backup-vault:excluded"},
		RecoveryPointTypes:  []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeSnapshot},
		SelectionWindowDays: 3,
	})
	rtSelection(t, c, "daily", backuptypes.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("prod_volumes"), ProtectedResourceType: aws.String("EBS"), IamRoleArn: vtRole(rsAcct),
		ProtectedResourceArns:       []string{"*"},
		ProtectedResourceConditions: &backuptypes.ProtectedResourceConditions{StringEquals: []backuptypes.KeyValue{{Key: aws.String("env"), Value: aws.String("prod")}}},
		ValidationWindowHours:       aws.Int32(2),
	})
	rtSelection(t, c, "daily", backuptypes.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("orders_db"), ProtectedResourceType: aws.String("RDS"), IamRoleArn: vtRole(rsAcct),
		ProtectedResourceArns:    []string{db},
		RestoreMetadataOverrides: map[string]string{"dbinstanceidentifier": "orders-restore-test"},
	})

	// Nothing runs before the schedule; on the 6th at 05:00 the plan runs
	// (the 4th's and 5th's runs restore too, the window holding the 4th's
	// recovery points: look at the 6th's run alone).
	srv.AdvanceTo(time.Date(2026, 1, 6, 4, 59, 0, 0, time.UTC))
	before := rtJobs(t, c, plan)
	srv.AdvanceTo(time.Date(2026, 1, 6, 5, 0, 0, 0, time.UTC))
	after := rtJobs(t, c, plan)
	run := map[string]backuptypes.RestoreJobsListMember{}
	for arn, jobs := range after {
		if len(jobs) > len(before[arn]) {
			run[arn] = jobs[0] // newest first
		}
	}
	var chosen []string
	for arn := range run {
		chosen = append(chosen, arn)
	}
	sort.Strings(chosen)
	want := []string{volProd, db}
	sort.Strings(want)
	if len(chosen) != 2 || chosen[0] != want[0] || chosen[1] != want[1] {
		t.Fatalf("the 6th's run restored %v, want %v (dev: conditions; excluded vault; window)", chosen, want)
	}
	if got := aws.ToString(run[volProd].RecoveryPointArn); got != latest || got == older {
		t.Errorf("LATEST_WITHIN_WINDOW restored %s, want the latest %s", got, latest)
	}
	if aws.ToString(run[db].RecoveryPointArn) != dbRP || aws.ToString(run[volProd].IamRoleArn) != aws.ToString(vtRole(rsAcct)) ||
		run[volProd].CreatedBy == nil || aws.ToString(run[volProd].CreatedBy.RestoreTestingPlanArn) != plan {
		t.Errorf("restore testing jobs = %+v / %+v", run[volProd], run[db])
	}

	ebsID, dbID := aws.ToString(run[volProd].RestoreJobId), aws.ToString(run[db].RestoreJobId)
	ebs := rsWait(t, srv, c, ebsID)
	if ebs.Status != backuptypes.RestoreJobStatusCompleted {
		t.Fatalf("EBS restore test %s %s", ebs.Status, aws.ToString(ebs.StatusMessage))
	}
	dbJob := rsWait(t, srv, c, dbID)
	if aws.ToString(dbJob.CreatedResourceArn) != "arn:aws:rds:us-east-1:111111111111:db:orders-restore-test" {
		t.Errorf("RestoreMetadataOverrides: created %s", aws.ToString(dbJob.CreatedResourceArn))
	}
	exists := func(arn string) bool {
		for _, r := range srv.Resources(rsAcct, rsRegion) {
			if r.ARN == arn {
				return true
			}
		}
		return false
	}
	restored := aws.ToString(ebs.CreatedResourceArn)
	// VALIDATING keeps the restored volume during the window.
	must(c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(ebsID), ValidationStatus: backuptypes.RestoreValidationStatusValidating}))(t, "PutRestoreValidationResult VALIDATING")
	srv.AdvanceTo(ebs.CompletionDate.Add(time.Hour))
	if j := rsDescribe(t, c, ebsID); j.ValidationStatus != backuptypes.RestoreValidationStatusValidating || j.DeletionStatus != "" || !exists(restored) {
		t.Fatalf("validating within the window: %s, deletion %q, volume present %v", j.ValidationStatus, j.DeletionStatus, exists(restored))
	}
	// A completed validation ends the window: deletion starts at once
	// ("once the optional validation completes or the validation window
	// closes, AWS Backup deletes the resources").
	must(c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(ebsID), ValidationStatus: backuptypes.RestoreValidationStatusSuccessful, ValidationStatusMessage: aws.String("checksums match")}))(t, "PutRestoreValidationResult")
	if j := rsDescribe(t, c, ebsID); j.ValidationStatus != backuptypes.RestoreValidationStatusSuccessful || aws.ToString(j.ValidationStatusMessage) != "checksums match" || j.DeletionStatus != backuptypes.RestoreDeletionStatusDeleting {
		t.Errorf("after validation: %s %q deletion %q, want SUCCESSFUL and DELETING", j.ValidationStatus, aws.ToString(j.ValidationStatusMessage), j.DeletionStatus)
	}
	srv.Advance(restoreDeletion)
	if j := rsDescribe(t, c, ebsID); j.DeletionStatus != backuptypes.RestoreDeletionStatusSuccessful || exists(restored) {
		t.Errorf("after deletion: DeletionStatus %q, resource present %v", j.DeletionStatus, exists(restored))
	}
	srv.AdvanceTo(ebs.CompletionDate.Add(2 * time.Hour)) // the window's end changes nothing
	if j := rsDescribe(t, c, ebsID); j.DeletionStatus != backuptypes.RestoreDeletionStatusSuccessful || j.ValidationStatus != backuptypes.RestoreValidationStatusSuccessful {
		t.Errorf("at the window's end: %s, deletion %q", j.ValidationStatus, j.DeletionStatus)
	}
	_, err := c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(ebsID), ValidationStatus: backuptypes.RestoreValidationStatusFailed})
	wantErr[*backuptypes.InvalidRequestException](t, "PutRestoreValidationResult after the validation window", err)
	// ValidationWindowHours 0 (the default): the DB is deleted at once.
	if j := rsDescribe(t, c, dbID); j.DeletionStatus != backuptypes.RestoreDeletionStatusSuccessful || exists(aws.ToString(j.CreatedResourceArn)) {
		t.Errorf("DB restore test without validation window: DeletionStatus %q", j.DeletionStatus)
	}

	// The schedule: one run a day, and none once the plan is deleted.
	count := func() int {
		n := 0
		for _, jobs := range rtJobs(t, c, plan) {
			n += len(jobs)
		}
		return n
	}
	// On the 7th the 4th's recovery points are out of the 3-day window:
	// only new ones are restored.
	n := count()
	rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volProd)
	srv.AdvanceTo(time.Date(2026, 1, 7, 5, 0, 0, 0, time.UTC))
	if got := count(); got != n+1 {
		t.Errorf("the 7th's run started %d jobs, want 1 (the new recovery point)", got-n)
	}
	for _, s := range []string{"prod_volumes", "orders_db"} {
		must(c.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("daily"), RestoreTestingSelectionName: aws.String(s)}))(t, "DeleteRestoreTestingSelection")
	}
	must(c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("daily")}))(t, "DeleteRestoreTestingPlan")
	n = count()
	srv.Advance(3 * 24 * time.Hour)
	if got := count(); got != n {
		t.Errorf("a deleted plan started %d jobs", got-n)
	}
}

// TestRestoreTestingRandom: RANDOM_WITHIN_WINDOW picks among the recovery
// points of the window, from the server's seed (RestoreTestingRecoveryPointSelection
// Algorithm, AWS Backup API Reference).
func TestRestoreTestingRandom(t *testing.T) {
	t.Parallel()
	picks := func(seed int64) []string {
		srv := emulator.NewServer(func(o *emulator.Options) { o.Seed = seed })
		defer srv.Close()
		c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
		fs := srv.AddResource(rsAcct, rsRegion, emulator.EFSFileSystem, "", nil, rsGiB)
		inWindow := map[string]bool{}
		for i := 0; i < 5; i++ {
			inWindow[rsRecoveryPoint(t, srv, c, rsAcct, rsVault, fs)] = true
		}
		plan := rtPlan(t, c, "random", backuptypes.RestoreTestingRecoveryPointSelection{
			Algorithm:          backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow,
			IncludeVaults:      []string{"arn:aws:backup:us-east-1:111111111111:backup-vault:*"},
			RecoveryPointTypes: []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeSnapshot},
		})
		rtSelection(t, c, "random", backuptypes.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String("all_fs"), ProtectedResourceType: aws.String("EFS"), IamRoleArn: vtRole(rsAcct), ProtectedResourceArns: []string{"*"},
		})
		srv.Advance(8 * 24 * time.Hour)
		var out []string
		for _, j := range rtJobs(t, c, plan)[fs] {
			if !inWindow[aws.ToString(j.RecoveryPointArn)] {
				t.Fatalf("restored %s, not a recovery point of the window", aws.ToString(j.RecoveryPointArn))
			}
			out = append(out, aws.ToString(j.RecoveryPointArn))
		}
		return out
	}
	a, b := picks(3), picks(3)
	if len(a) != 8 {
		t.Fatalf("8 daily runs restored %d times", len(a))
	}
	distinct := map[string]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 3 picked %v, then %v", a, b)
		}
		distinct[a[i]] = true
	}
	if len(distinct) < 2 {
		t.Errorf("RANDOM_WITHIN_WINDOW picked one recovery point in 8 runs: %v", a)
	}
}

// TestRestoreTestingS3: a restore test of an S3 bucket restores into a new
// bucket ("Restore testing inferred metadata": new resources), which is
// deleted after the validation window while the source bucket stays.
func TestRestoreTestingS3(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	bucket := srv.AddResource(rsAcct, rsRegion, emulator.S3Bucket, "data-bucket", nil, rsGiB)
	rsRecoveryPoint(t, srv, c, rsAcct, rsVault, bucket)
	plan := rtPlan(t, c, "s3", backuptypes.RestoreTestingRecoveryPointSelection{
		Algorithm:          backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
		IncludeVaults:      []string{"*"},
		RecoveryPointTypes: []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeSnapshot},
	})
	rtSelection(t, c, "s3", backuptypes.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("buckets"), ProtectedResourceType: aws.String("S3"), IamRoleArn: vtRole(rsAcct),
		ProtectedResourceArns: []string{bucket}, ValidationWindowHours: aws.Int32(1),
	})
	// A plan restoring only continuous recovery points restores nothing:
	// the emulator's recovery points are all snapshots
	// (RestoreTestingRecoveryPointSelection RecoveryPointTypes).
	continuous := rtPlan(t, c, "continuous", backuptypes.RestoreTestingRecoveryPointSelection{
		Algorithm:          backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
		IncludeVaults:      []string{"*"},
		RecoveryPointTypes: []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeContinuous},
	})
	rtSelection(t, c, "continuous", backuptypes.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("buckets"), ProtectedResourceType: aws.String("S3"), IamRoleArn: vtRole(rsAcct), ProtectedResourceArns: []string{"*"},
	})
	srv.AdvanceTo(time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC))
	if got := rtJobs(t, c, continuous); len(got) != 0 {
		t.Errorf("a CONTINUOUS-only plan restored %v", got)
	}
	jobs := rtJobs(t, c, plan)[bucket]
	if len(jobs) != 1 {
		t.Fatalf("restore tests of the bucket: %d", len(jobs))
	}
	j := rsWait(t, srv, c, aws.ToString(jobs[0].RestoreJobId))
	restored := aws.ToString(j.CreatedResourceArn)
	buckets := func() map[string]bool {
		out := map[string]bool{}
		for _, r := range srv.Resources(rsAcct, rsRegion) {
			out[r.ARN] = true
		}
		return out
	}
	if j.Status != backuptypes.RestoreJobStatusCompleted || restored == bucket || !buckets()[restored] {
		t.Fatalf("restore test %s created %s", j.Status, restored)
	}
	// A validation still VALIDATING when the window ends times out.
	id := aws.ToString(j.RestoreJobId)
	must(c.PutRestoreValidationResult(context.Background(), &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(id), ValidationStatus: backuptypes.RestoreValidationStatusValidating}))(t, "PutRestoreValidationResult")
	srv.AdvanceTo(j.CompletionDate.Add(time.Hour))
	if j := rsDescribe(t, c, id); j.DeletionStatus != backuptypes.RestoreDeletionStatusDeleting || j.ValidationStatus != backuptypes.RestoreValidationStatusTimedOut {
		t.Errorf("when the window closes: %s, deletion %q; want TIMED_OUT, DELETING", j.ValidationStatus, j.DeletionStatus)
	}
	srv.Advance(restoreDeletion)
	if got := buckets(); got[restored] || !got[bucket] {
		t.Errorf("after the validation window: restored bucket present %v, source present %v", got[restored], got[bucket])
	}
	if j := rsDescribe(t, c, id); j.ValidationStatus != backuptypes.RestoreValidationStatusTimedOut || j.DeletionStatus != backuptypes.RestoreDeletionStatusSuccessful {
		t.Errorf("after the window: ValidationStatus %q DeletionStatus %q, want TIMED_OUT and SUCCESSFUL", j.ValidationStatus, j.DeletionStatus)
	}
}

// restoreDeletion bounds how long deleting a restored resource takes.
const restoreDeletion = 10 * time.Minute

// TestRestoreTestingWithoutRole: a restore test whose selection's role is
// gone fails, as AWS Backup fails jobs with a role it cannot assume
// ("Restore testing failure troubleshooting", AWS Backup Developer Guide),
// and the advance reports it.
func TestRestoreTestingWithoutRole(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	vol := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB)
	rsRecoveryPoint(t, srv, c, rsAcct, rsVault, vol)
	plan := rtPlan(t, c, "norole", backuptypes.RestoreTestingRecoveryPointSelection{
		Algorithm:          backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
		IncludeVaults:      []string{"*"},
		RecoveryPointTypes: []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeSnapshot},
	})
	rtSelection(t, c, "norole", backuptypes.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("volumes"), ProtectedResourceType: aws.String("EBS"),
		IamRoleArn: aws.String("arn:aws:iam::111111111111:role/RestoreRole"), ProtectedResourceArns: []string{"*"},
	})
	rep := srv.AdvanceTo(time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC))
	jobs := rtJobs(t, c, plan)[vol]
	if len(jobs) != 1 || jobs[0].Status != backuptypes.RestoreJobStatusFailed ||
		aws.ToString(jobs[0].StatusMessage) != "The provided role arn:aws:iam::111111111111:role/RestoreRole cannot be assumed by AWS Backup." || rep.RestoreJobsFailed != 1 {
		t.Fatalf("restore tests %+v, report failed %d", jobs, rep.RestoreJobsFailed)
	}
}
