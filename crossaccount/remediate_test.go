package crossaccount_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

func TestRemediator(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 1, 0)
	a := w.accounts[0]
	ctx := context.Background()
	c := w.backup(a, cwRegion)
	failWith := func(arn string) {
		t.Helper()
		// A role that does not exist makes the job fail at once.
		cwMust[*awsbackup.StartBackupJobOutput](t, "StartBackupJob")(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))
	}
	old := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0old", nil, 1<<30)
	failWith(old) // outside the window
	w.srv.Advance(48 * time.Hour)
	failed := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0failed", nil, 1<<30)
	covered := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0covered", nil, 1<<30)
	w.backupNow(t, a, covered, nil)
	w.srv.Advance(time.Hour)
	failWith(failed)
	failWith(failed)
	failWith(covered)
	w.srv.Advance(time.Hour)

	target := crossaccount.RemediationTarget{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), RPO: 24 * time.Hour, Label: "production",
		Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)}, RecoveryPointTags: map[string]string{"orgbackup:tier": "production"}}
	run := func(dry bool) *crossaccount.RemediationReport {
		t.Helper()
		rep, err := crossaccount.NewRemediator(direct{w.srv}, []crossaccount.RemediationTarget{target}, func(o *crossaccount.RemediateOptions) {
			o.Clock = w.srv.Now
			o.DryRun = dry
		}).Run(ctx)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return rep
	}
	outcomes := func(rep *crossaccount.RemediationReport) map[string]crossaccount.RemediationOutcome {
		m := map[string]crossaccount.RemediationOutcome{}
		for _, r := range rep.Results {
			m[r.ResourceARN[strings.LastIndex(r.ResourceARN, "/")+1:]] = r.Outcome
		}
		return m
	}

	dry := run(true)
	if diff := cmp.Diff(map[string]crossaccount.RemediationOutcome{"vol-0failed": crossaccount.RemediationWouldStart, "vol-0covered": crossaccount.RemediationProtected}, outcomes(dry)); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	if dry.Calls["StartBackupJob"] != 0 || dry.Protected() {
		t.Errorf("dry run: %d StartBackupJob calls, protected %v; want 0, false", dry.Calls["StartBackupJob"], dry.Protected())
	}
	for _, r := range dry.Results {
		if r.ResourceARN == failed && (r.FailedJobs != 2 || r.FailedState != "FAILED" || !strings.Contains(r.FailedMessage, "Unable to assume role")) {
			t.Errorf("failed resource: %d failed jobs, state %s, message %q", r.FailedJobs, r.FailedState, r.FailedMessage)
		}
	}

	rep := run(false)
	if diff := cmp.Diff(map[string]crossaccount.RemediationOutcome{"vol-0failed": crossaccount.RemediationStarted, "vol-0covered": crossaccount.RemediationProtected}, outcomes(rep)); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
	if !rep.Protected() {
		t.Error("Protected() = false after starting the backup")
	}
	// A second run while the backup runs starts nothing.
	again := run(false)
	if got := outcomes(again)["vol-0failed"]; got != crossaccount.RemediationInProgress || again.Calls["StartBackupJob"] != 0 {
		t.Errorf("second run: %s with %d StartBackupJob calls; want in-progress, 0", got, again.Calls["StartBackupJob"])
	}
	w.srv.Advance(time.Hour)
	rps := cwMust[*awsbackup.ListRecoveryPointsByBackupVaultOutput](t, "ListRecoveryPointsByBackupVault")(c.ListRecoveryPointsByBackupVault(ctx,
		&awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local"), ByResourceArn: aws.String(failed)}))
	if len(rps.RecoveryPoints) != 1 || aws.ToInt64(rps.RecoveryPoints[0].Lifecycle.DeleteAfterDays) != 35 {
		t.Fatalf("recovery points of the remediated resource: %+v, want one kept 35 days", rps.RecoveryPoints)
	}
	if got := outcomes(run(false))["vol-0failed"]; got != crossaccount.RemediationProtected {
		t.Errorf("after the backup: %s, want protected", got)
	}
}
