package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/internal/emutest"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestRemediateWaits runs remediate against a served emulator with the
// seed's spec applied and a production volume whose backup job failed: it
// waits for the backup it starts (advancing the emulator's clock), prints
// the outcome, and exits 1 when the backup failed (naming the cause and
// the fix, and starting nothing more on the next run) or was still
// running when the wait ended.
func TestRemediateWaits(t *testing.T) {
	const prod = "333333333333"
	tests := map[string]struct {
		deleteRole bool
		args       []string
		code       int
		starts     int
		inStdout   []string
		inStderr   []string
		// again runs remediate a second time: it must start nothing and
		// exit with againCode.
		again     bool
		againCode int
	}{
		"completes": {code: exitOK, starts: 1, inStdout: []string{"1 completed, 0 failed, 0 still running", "completed", "COMPLETED", "1 backed up, 0 backups failed"}},
		"role deleted": {deleteRole: true, code: exitProblem, starts: 1,
			inStdout: []string{"0 completed, 1 failed", "job-failed", "Unable to assume role"},
			inStderr: []string{"1 resources are not protected", "job-failed", "(role, a retry cannot fix it)", "fix: orgbackup plan --out plan.json && orgbackup apply plan.json"},
			again:    true, againCode: exitProblem},
		"wait ends first": {args: []string{"--wait", "5m"}, code: exitProblem, starts: 1,
			inStdout: []string{"still-running"}, inStderr: []string{"still-running", "still RUNNING when the wait of 5m0s ended"}},
		"no wait": {args: []string{"--no-wait"}, code: exitOK, starts: 1, inStdout: []string{"1 started"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newSimSession(t)
			ctx := context.Background()
			p, err := backup.PlanChanges(ctx, s.spec, s.newFleet(true), s.planOptions)
			if err != nil {
				t.Fatal(err)
			}
			res, err := backup.Apply(ctx, s.fleet, p, func(o *backup.ApplyOptions) {
				o.AcknowledgeIrreversible = true
				o.Now = s.clock()
			})
			if err != nil || res.Err() != nil {
				t.Fatalf("Apply: %v, %v", err, res.Err())
			}
			tier, err := s.spec.Tier("production")
			if err != nil {
				t.Fatal(err)
			}
			region := s.spec.Organization.Regions.Primary
			vol := s.srv.AddResource(prod, region, emulator.EBSVolume, "", tier.SelectionTags, 1<<30)
			// A job of the volume failed with a role that does not exist.
			if _, err := awsbackup.NewFromConfig(s.srv.Config(prod, region)).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
				BackupVaultName: aws.String(s.spec.Local.Vault), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + prod + ":role/Missing"),
			}); err != nil {
				t.Fatal(err)
			}
			if tc.deleteRole {
				emutest.DeleteRole(t, s.srv.Config(prod, "us-east-1"), s.spec.Local.BackupRole)
			}
			s.srv.Advance(time.Hour)

			t.Setenv("AWS_ENDPOINT_URL", s.srv.URL)
			t.Setenv("AWS_ACCESS_KEY_ID", s.spec.Organization.ManagementAccount)
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			t.Setenv("AWS_SESSION_TOKEN", "")
			t.Setenv("AWS_PROFILE", "")
			t.Setenv("AWS_CONFIG_FILE", "/dev/null")
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
			remediate := func() (int, string, string, int) {
				t.Helper()
				s.srv.ResetCallStats()
				var stdout, stderr bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
				code := run(ctx, e, append([]string{"remediate", "--spec", seedSpec, "--dry-run=false", "--tier", "production", "--account", prod}, tc.args...))
				starts := 0
				for _, c := range s.srv.CallStats() {
					if c.Operation == "StartBackupJob" {
						starts += c.Calls
					}
				}
				return code, stdout.String(), stderr.String(), starts
			}
			before := s.srv.Now()
			code, stdout, stderr, starts := remediate()
			if code != tc.code || starts != tc.starts {
				t.Errorf("exit %d with %d StartBackupJob calls, want %d with %d\nstdout:\n%s\nstderr:\n%s", code, starts, tc.code, tc.starts, stdout, stderr)
			}
			for _, want := range tc.inStdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tc.inStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if waited := s.srv.Now().Sub(before); waited > 30*time.Minute {
				t.Errorf("the emulator's clock moved %s, more than the wait", waited)
			}
			if !tc.again {
				return
			}
			code, stdout, stderr, starts = remediate()
			if code != tc.againCode || starts != 0 || !strings.Contains(stdout, "needs-fix") || !strings.Contains(stderr, "fix: orgbackup plan") {
				t.Errorf("second run: exit %d with %d StartBackupJob calls, want %d with 0 and the fix\nstdout:\n%s\nstderr:\n%s", code, starts, tc.againCode, stdout, stderr)
			}
		})
	}
}
