package crossaccount_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestRemediatorWaits checks that the Remediator waits for the backups it
// starts, in the emulator's virtual time, and reports what became of them:
// completed, failed for a cause a retry cannot fix (with the fix, and no
// second start), or still running when the wait ends.
func TestRemediatorWaits(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		// failRole is the role of the failed job found (the target's
		// when empty); deleteRole deletes the target's role after it.
		failRole   string
		deleteRole bool
		wait       time.Duration
		// fixed creates the role again after the failed job.
		fixed, force bool

		want      crossaccount.RemediationOutcome
		starts    int
		cause     crossaccount.FailureCause
		state     string
		inReason  string
		protected bool
	}{
		"completes": {failRole: "Missing", wait: 30 * time.Minute,
			want: crossaccount.RemediationCompleted, starts: 1, state: "COMPLETED", protected: true},
		"started job fails: role deleted": {failRole: "Missing", deleteRole: true, wait: 30 * time.Minute,
			want: crossaccount.RemediationJobFailed, starts: 1, cause: crossaccount.CauseRole, state: "FAILED", inReason: "Unable to assume role"},
		"failed job's role is missing: not started": {deleteRole: true, wait: 30 * time.Minute,
			want: crossaccount.RemediationNeedsFix, starts: 0, cause: crossaccount.CauseRole, inReason: "a retry cannot fix"},
		"not started before the fix": {deleteRole: true, fixed: true, wait: 30 * time.Minute,
			want: crossaccount.RemediationNeedsFix, starts: 0, cause: crossaccount.CauseRole, inReason: "a retry cannot fix"},
		"forced after the fix": {deleteRole: true, fixed: true, wait: 30 * time.Minute, force: true,
			want: crossaccount.RemediationCompleted, starts: 1, state: "COMPLETED", protected: true},
		"wait ends first": {failRole: "Missing", wait: 5 * time.Minute,
			want: crossaccount.RemediationStillRunning, starts: 1, state: "RUNNING", inReason: "still RUNNING when the wait of 5m0s ended"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newCopyWorld(t, 1, 0)
			a := w.accounts[0]
			ctx := context.Background()
			vol := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0failed", nil, 1<<30)
			failRole := w.role(a)
			if tc.failRole != "" {
				failRole = "arn:aws:iam::" + a + ":role/" + tc.failRole
			}
			if tc.deleteRole {
				cwMust[*awsiam.DeleteRoleOutput](t, "DeleteRole")(awsiam.NewFromConfig(w.srv.Config(a, cwRegion)).DeleteRole(ctx,
					&awsiam.DeleteRoleInput{RoleName: aws.String("BackupRole")}))
			}
			cwMust[*awsbackup.StartBackupJobOutput](t, "StartBackupJob")(w.backup(a, cwRegion).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
				BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol), IamRoleArn: aws.String(failRole)}))
			if tc.fixed {
				cwMust[*awsiam.CreateRoleOutput](t, "CreateRole")(awsiam.NewFromConfig(w.srv.Config(a, cwRegion)).CreateRole(ctx,
					&awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(cwTrust)}))
			}
			w.srv.Advance(time.Hour)

			var mu sync.Mutex
			var events []crossaccount.Event
			var log bytes.Buffer
			printer := crossaccount.NewProgressPrinter(&log, crossaccount.ProgressPrinterOptions{Label: "remediate", Interval: time.Nanosecond, Now: w.srv.Now})
			target := crossaccount.RemediationTarget{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), RPO: 24 * time.Hour, Label: "production"}
			start := w.srv.Now()
			rep, err := crossaccount.NewRemediator(direct{w.srv}, []crossaccount.RemediationTarget{target}, func(o *crossaccount.RemediateOptions) {
				o.Clock = w.srv.Now
				o.Sleep = func(ctx context.Context, d time.Duration) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					w.srv.Advance(d)
					return nil
				}
				o.Wait, o.Force = tc.wait, tc.force
				o.Progress = func(e crossaccount.Event) {
					mu.Lock()
					events = append(events, e)
					mu.Unlock()
					printer.Event(e)
				}
			}).Run(ctx)
			printer.Close()
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(rep.Results) != 1 {
				t.Fatalf("%d results, want 1: %+v", len(rep.Results), rep.Results)
			}
			res := rep.Results[0]
			if res.Outcome != tc.want || res.Cause != tc.cause || res.JobState != tc.state || !strings.Contains(res.Reason, tc.inReason) {
				t.Errorf("result: outcome %s, cause %q, state %q, reason %q; want %s, %q, %q, reason with %q", res.Outcome, res.Cause, res.JobState, res.Reason, tc.want, tc.cause, tc.state, tc.inReason)
			}
			if n := rep.Calls["StartBackupJob"]; n != tc.starts {
				t.Errorf("%d StartBackupJob calls, want %d", n, tc.starts)
			}
			if rep.Protected() != tc.protected || (len(rep.Failures()) == 0) != tc.protected {
				t.Errorf("Protected() = %v with %d failures, want %v", rep.Protected(), len(rep.Failures()), tc.protected)
			}
			if tc.cause != "" && !strings.Contains(res.Fix, "orgbackup plan --out plan.json && orgbackup apply plan.json") {
				t.Errorf("fix %q does not say how to apply the spec again", res.Fix)
			}
			if tc.cause == "" && res.Fix != "" {
				t.Errorf("fix %q for a failure without a cause", res.Fix)
			}
			// The wait is bounded and measured in virtual time.
			if waited := w.srv.Now().Sub(start); waited > tc.wait {
				t.Errorf("waited %s, more than %s", waited, tc.wait)
			}
			var out bytes.Buffer
			if err := rep.OutcomesText(&out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), string(tc.want)) || (tc.cause != "" && !strings.Contains(out.String(), "orgbackup apply plan.json")) {
				t.Errorf("outcomes lack the outcome or the fix:\n%s", out.String())
			}
			if tc.starts > 0 {
				waiting := 0
				for _, e := range events {
					if e.Kind == crossaccount.EventWaiting {
						waiting++
					}
				}
				if tc.want != crossaccount.RemediationJobFailed && waiting == 0 {
					t.Errorf("no waiting events while the job ran: %+v", events)
				}
				if !strings.Contains(log.String(), "remediate: ") {
					t.Errorf("no progress lines:\n%s", log.String())
				}
			}
			if tc.cause != "" && !strings.Contains(log.String(), "(fix: orgbackup plan") {
				t.Errorf("progress does not name the fix:\n%s", log.String())
			}
		})
	}
}

// TestRemediatorNoWait checks that without Wait the Remediator starts the
// backup and returns without looking at it again.
func TestRemediatorNoWait(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 1, 0)
	a := w.accounts[0]
	vol := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0failed", nil, 1<<30)
	ctx := context.Background()
	cwMust[*awsbackup.StartBackupJobOutput](t, "StartBackupJob")(w.backup(a, cwRegion).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))
	w.srv.Advance(time.Hour)
	target := crossaccount.RemediationTarget{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), RPO: 24 * time.Hour}
	rep, err := crossaccount.NewRemediator(direct{w.srv}, []crossaccount.RemediationTarget{target}, func(o *crossaccount.RemediateOptions) {
		o.Clock = w.srv.Now
		o.Sleep = func(context.Context, time.Duration) error { t.Error("slept without Wait"); return nil }
	}).Run(ctx)
	if err != nil || rep.Count(crossaccount.RemediationStarted) != 1 || rep.Calls["DescribeBackupJob"] != 0 {
		t.Errorf("Run: %v, %d started, %d DescribeBackupJob calls; want nil, 1, 0", err, rep.Count(crossaccount.RemediationStarted), rep.Calls["DescribeBackupJob"])
	}
}

func TestClassifyBackupFailure(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]crossaccount.FailureCause{
		"Unable to assume role arn:aws:iam::111111111111:role/BackupRole. The role does not exist.":                                 crossaccount.CauseRole,
		"Unable to assume role arn:aws:iam::1:role/R. Its trust policy does not allow backup.amazonaws.com to assume it.":           crossaccount.CauseRole,
		"User: arn:aws:sts::1:assumed-role/BackupRole/x is not authorized to perform: kms:CreateGrant on resource: arn:aws:kms:...": crossaccount.CauseKeyAccess,
		"The KMS key arn:aws:kms:us-east-1:1:key/k is disabled.":                                                                    crossaccount.CauseKeyAccess,
		"Backup vault local does not exist in account 1 and region us-east-1.":                                                      crossaccount.CauseVaultAccess,
		"Access denied to backup vault local by its access policy.":                                                                 crossaccount.CauseVaultAccess,
		"Backup job expired before completion.":                                                                                     "",
		"Backup job failed to start within the start window.":                                                                       "",
		"Resource is busy: a backup of it is in progress.":                                                                          "",
	} {
		got := crossaccount.ClassifyBackupFailure(msg)
		if got.Cause != want || (want != "") != (got.Fix != "") {
			t.Errorf("ClassifyBackupFailure(%q) = %+v, want cause %q", msg, got, want)
		}
	}
}

// TestRemediatorWaitBounded checks that the wait ends when the context
// does and when Sleep does not move the clock (a host timer against a
// served emulator), with the job reported still running.
func TestRemediatorWaitBounded(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		// sleep is the Sleep option; calls counts its calls.
		sleep    func(w *copyWorld, cancel context.CancelFunc, calls int) error
		maxCalls int
		inReason string
	}{
		"context canceled": {
			sleep: func(w *copyWorld, cancel context.CancelFunc, calls int) error {
				if calls == 2 {
					cancel()
					return context.Canceled
				}
				w.srv.Advance(time.Minute)
				return nil
			},
			maxCalls: 2, inReason: "when the wait ended: context canceled",
		},
		"clock stands still": {
			sleep:    func(*copyWorld, context.CancelFunc, int) error { return nil },
			maxCalls: 8, inReason: "when the wait of 30m0s ended", // 1+2+4+5+5+5+5+3 minutes
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newCopyWorld(t, 1, 0)
			a := w.accounts[0]
			vol := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0failed", nil, 1<<30)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cwMust[*awsbackup.StartBackupJobOutput](t, "StartBackupJob")(w.backup(a, cwRegion).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
				BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))
			w.srv.Advance(time.Hour)
			target := crossaccount.RemediationTarget{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), RPO: 24 * time.Hour}
			calls := 0
			rep, err := crossaccount.NewRemediator(direct{w.srv}, []crossaccount.RemediationTarget{target}, func(o *crossaccount.RemediateOptions) {
				o.Clock = w.srv.Now
				o.Wait = 30 * time.Minute
				o.Sleep = func(context.Context, time.Duration) error {
					calls++
					return tc.sleep(w, cancel, calls)
				}
			}).Run(ctx)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if calls > tc.maxCalls {
				t.Errorf("slept %d times, want at most %d", calls, tc.maxCalls)
			}
			if res := rep.Results[0]; res.Outcome != crossaccount.RemediationStillRunning || !strings.Contains(res.Reason, tc.inReason) {
				t.Errorf("outcome %s, reason %q; want still-running, %q", res.Outcome, res.Reason, tc.inReason)
			}
		})
	}
}

// TestRemediatorJobAborted checks that a started backup that is stopped
// while the Remediator waits is reported ABORTED, as a failure without a
// cause a retry cannot fix.
func TestRemediatorJobAborted(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 1, 0)
	a := w.accounts[0]
	vol := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0failed", nil, 1<<30)
	ctx := context.Background()
	c := w.backup(a, cwRegion)
	cwMust[*awsbackup.StartBackupJobOutput](t, "StartBackupJob")(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))
	w.srv.Advance(time.Hour)
	target := crossaccount.RemediationTarget{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), RPO: 24 * time.Hour}
	rep, err := crossaccount.NewRemediator(direct{w.srv}, []crossaccount.RemediationTarget{target}, func(o *crossaccount.RemediateOptions) {
		o.Clock = w.srv.Now
		o.Wait = 30 * time.Minute
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			running := cwMust[*awsbackup.ListBackupJobsOutput](t, "ListBackupJobs")(c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByState: backuptypes.BackupJobStateRunning}))
			for _, j := range running.BackupJobs {
				cwMust[*awsbackup.StopBackupJobOutput](t, "StopBackupJob")(c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: j.BackupJobId}))
			}
			w.srv.Advance(d)
			return nil
		}
	}).Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	res := rep.Results[0]
	if res.Outcome != crossaccount.RemediationJobFailed || res.JobState != "ABORTED" || res.Cause != "" || len(rep.Failures()) != 1 || rep.Protected() {
		t.Errorf("outcome %s, state %s, cause %q, %d failures, protected %v; want job-failed, ABORTED, none, 1, false",
			res.Outcome, res.JobState, res.Cause, len(rep.Failures()), rep.Protected())
	}
}
