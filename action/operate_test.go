package action

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

const (
	testBackupAccount = "222222222222"
	testProdAccount   = "333333333333"
	testRegion        = "us-east-1"
)

// operated is a fixture whose spec is applied, with one production
// volume and the emulator's clock as the action's clock and sleep. Copy
// and remediate modes take their routes and targets from the spec.
func operated(t *testing.T) (*fixture, *spec.Spec, string) {
	t.Helper()
	f := newFixture(t)
	f.push("c0ffee")
	if r := f.run(map[string]string{"role-to-assume": f.apply, "acknowledge-irreversible": "true"}); r.err != nil {
		t.Fatalf("apply: %v\n%s", r.err, r.stdout)
	}
	sp, err := spec.Load(f.spec)
	if err != nil {
		t.Fatal(err)
	}
	tier, err := sp.Tier("production")
	if err != nil {
		t.Fatal(err)
	}
	vol := f.srv.AddResource(testProdAccount, testRegion, emulator.EBSVolume, "", tier.SelectionTags, 1<<30)
	if vol == "" {
		t.Fatal("AddResource failed")
	}
	f.opts = append(f.opts, func(o *Options) {
		o.Clock = f.srv.Now
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			f.srv.Advance(d)
			return ctx.Err()
		}
	})
	return f, sp, vol
}

// callCount counts the emulator's calls of operation op.
func callCount(srv *emulator.Server, op string) int {
	n := 0
	for _, c := range srv.CallStats() {
		if c.Operation == op {
			n += c.Calls
		}
	}
	return n
}

func TestReportMode(t *testing.T) {
	f, sp, vol := operated(t)
	// The daily copy mode makes production's secondary copies from the
	// central vault (spec.SecondaryFromCentral).
	for _, d := range []time.Duration{26 * time.Hour, 24 * time.Hour} {
		f.srv.Advance(d)
		if r := f.run(map[string]string{"mode": "copy", "copy-to": CopyToSecondary, "role-to-assume": f.apply}); r.err != nil {
			t.Fatalf("copy to secondary: %v\n%s", r.err, r.stdout)
		}
	}
	f.srv.ResetCallStats()
	r := f.run(map[string]string{"mode": "report", "role-to-assume": f.apply, "upload-report": "true", "report-days": "3"})
	if r.err != nil {
		t.Fatalf("Run: %v\n%s", r.err, r.stdout)
	}
	if r.res.Mode != ModeReport || r.res.Report == nil {
		t.Fatalf("Mode = %s, Report = %v", r.res.Mode, r.res.Report)
	}
	o := r.outputs
	if o[OutCompliancePercent] != "100" {
		t.Errorf("compliance-percent = %q, want 100 (one production volume backed up and copied for 2 days)", o[OutCompliancePercent])
	}
	if want := map[bool]string{true: "true", false: "false"}[r.res.Report.Compliant()]; o[OutCompliant] != want {
		t.Errorf("compliant = %q, want %q", o[OutCompliant], want)
	}
	found := false
	for _, res := range r.res.Report.Resources {
		if res.ARN == vol {
			found = res.Status == report.StatusCompliant && res.CentralCopy == report.CopyOK && res.SecondaryCopy == report.CopyOK
		}
	}
	if !found {
		t.Errorf("the production volume is not in the report as compliant with both copies: %+v", r.res.Report.Resources)
	}
	for out, ext := range map[string]string{OutReportMarkdownPath: ".md", OutReportJSONPath: ".json", OutReportCSVPath: ".csv", OutReportHTMLPath: ".html"} {
		p := o[out]
		if !strings.HasPrefix(p, f.dir) || !strings.HasSuffix(p, ext) {
			t.Errorf("%s = %q, want a %s file under RUNNER_TEMP", out, p, ext)
			continue
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", out, err)
		}
	}
	if html := readFile(t, o[OutReportHTMLPath]); !strings.Contains(html, "<svg") {
		t.Errorf("the HTML report has no chart")
	}
	if !strings.Contains(r.summary, "Backup compliance: central-backup") || !strings.Contains(r.summary, "report-html-path") {
		t.Errorf("step summary lacks the report:\n%.800s", r.summary)
	}
	for _, format := range report.AllFormats() {
		key := report.ObjectKey(r.res.Report.GeneratedAt, reportName, format)
		if _, ok := f.srv.S3Object(sp.Reports.Bucket, key); !ok {
			t.Errorf("s3://%s/%s was not uploaded", sp.Reports.Bucket, key)
		}
	}
	for _, m := range mutatingCalls(f.srv) {
		if !strings.HasSuffix(m, ":PutObject") {
			t.Errorf("report made a mutating call other than the upload: %s", m)
		}
	}
}

func TestCopyMode(t *testing.T) {
	f, sp, vol := operated(t)
	// Without the central vault's access policy the plan's copies fail.
	central := awsbackup.NewFromConfig(f.srv.Config(testBackupAccount, testRegion))
	ctx := context.Background()
	pol, err := central.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := central.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault)}); err != nil {
		t.Fatal(err)
	}
	if rep := f.srv.Advance(30 * time.Hour); rep.CopyJobsFailed == 0 {
		t.Fatalf("no copy failed without the central vault's access policy: %+v", rep)
	}
	if _, err := central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault), Policy: pol.Policy}); err != nil {
		t.Fatal(err)
	}

	// Pull requests never start jobs.
	f.pullRequest(12, "copy", testRepo)
	if r := f.run(map[string]string{"mode": "copy", "role-to-assume": f.plan}); r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonNotOnPullRequest+":") {
		t.Fatalf("copy on pull_request: %v, failure-reason %q; want %s", r.err, r.outputs[OutFailureReason], reasonNotOnPullRequest)
	}

	f.push("c0ffee")
	f.srv.ResetCallStats()
	dry := f.run(map[string]string{"mode": "copy", "role-to-assume": f.apply, "dry-run": "true"})
	if dry.err != nil {
		t.Fatalf("dry run: %v\n%s", dry.err, dry.stdout)
	}
	if dry.outputs[OutProtected] != "false" || dry.res.Copy.Count(crossaccount.CopyWouldCopy) == 0 {
		t.Errorf("dry run: protected %q, %d would copy; want false and some", dry.outputs[OutProtected], dry.res.Copy.Count(crossaccount.CopyWouldCopy))
	}
	if m := mutatingCalls(f.srv); len(m) > 0 {
		t.Errorf("dry run made mutating calls: %v", m)
	}
	if !strings.Contains(dry.summary, "### orgbackup copy") || !strings.Contains(dry.summary, "Dry run") {
		t.Errorf("dry run summary:\n%s", dry.summary)
	}

	r := f.run(map[string]string{"mode": "copy", "role-to-assume": f.apply})
	if r.err != nil {
		t.Fatalf("copy: %v\n%s", r.err, r.stdout)
	}
	if r.outputs[OutProtected] != "true" || r.res.Copy.Count(crossaccount.CopyCopied) == 0 {
		t.Errorf("copy: protected %q, %d copied; want true and some\n%s", r.outputs[OutProtected], r.res.Copy.Count(crossaccount.CopyCopied), r.summary)
	}
	for _, res := range r.res.Copy.Results {
		if res.ResourceARN != vol {
			t.Errorf("copied a recovery point of %s, want only %s's", res.ResourceARN, vol)
		}
	}
	if n := callCount(f.srv, "StartCopyJob"); n == 0 {
		t.Errorf("no StartCopyJob call")
	}

	// Everything copied: a second run starts nothing.
	f.srv.ResetCallStats()
	again := f.run(map[string]string{"mode": "copy", "role-to-assume": f.apply})
	if again.err != nil || again.outputs[OutProtected] != "true" || callCount(f.srv, "StartCopyJob") != 0 {
		t.Errorf("second copy: %v, protected %q, %d StartCopyJob calls; want nil, true, 0", again.err, again.outputs[OutProtected], callCount(f.srv, "StartCopyJob"))
	}

	// Production may select RDS and Aurora, which AWS Backup copies across
	// accounts or Regions but not both at once, so its secondary copies
	// are this mode's, from the central vault (spec.SecondaryFromCentral):
	// the first run copies every central point, the next one nothing.
	f.srv.ResetCallStats()
	sec := f.run(map[string]string{"mode": "copy", "copy-to": CopyToSecondary, "role-to-assume": f.apply})
	if sec.err != nil {
		t.Fatalf("copy to secondary: %v\n%s", sec.err, sec.stdout)
	}
	if n := len(sec.res.Copy.Results); n == 0 || sec.res.Copy.Count(crossaccount.CopyCopied) != n || sec.outputs[OutProtected] != "true" || callCount(f.srv, "StartCopyJob") != n {
		t.Errorf("copy to secondary: %d of %d copied, protected %q, %d StartCopyJob calls; want all of some, true, one each",
			sec.res.Copy.Count(crossaccount.CopyCopied), n, sec.outputs[OutProtected], callCount(f.srv, "StartCopyJob"))
	}
	f.srv.ResetCallStats()
	again = f.run(map[string]string{"mode": "copy", "copy-to": CopyToSecondary, "role-to-assume": f.apply})
	if again.err != nil || again.outputs[OutProtected] != "true" || callCount(f.srv, "StartCopyJob") != 0 {
		t.Errorf("second copy to secondary: %v, protected %q, %d StartCopyJob calls; want nil, true, 0", again.err, again.outputs[OutProtected], callCount(f.srv, "StartCopyJob"))
	}
}

func TestRemediateMode(t *testing.T) {
	f, sp, vol := operated(t)
	// A backup job of the volume fails (its role does not exist) before
	// the first scheduled backup.
	ctx := context.Background()
	if _, err := awsbackup.NewFromConfig(f.srv.Config(testProdAccount, testRegion)).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String(sp.Local.Vault), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + testProdAccount + ":role/Missing"),
	}); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(time.Hour)

	f.srv.ResetCallStats()
	dry := f.run(map[string]string{"mode": "remediate", "role-to-assume": f.apply, "dry-run": "true"})
	if dry.err != nil {
		t.Fatalf("dry run: %v\n%s", dry.err, dry.stdout)
	}
	if dry.outputs[OutProtected] != "false" || dry.res.Remediation.Count(crossaccount.RemediationWouldStart) != 1 {
		t.Errorf("dry run: protected %q, %d would start; want false, 1", dry.outputs[OutProtected], dry.res.Remediation.Count(crossaccount.RemediationWouldStart))
	}
	if m := mutatingCalls(f.srv); len(m) > 0 {
		t.Errorf("dry run made mutating calls: %v", m)
	}

	// The remediation waits for the backup it starts (in the emulator's
	// time) and reports it completed.
	r := f.run(map[string]string{"mode": "remediate", "role-to-assume": f.apply})
	if r.err != nil {
		t.Fatalf("remediate: %v\n%s", r.err, r.stdout)
	}
	if r.outputs[OutProtected] != "true" || r.res.Remediation.Count(crossaccount.RemediationCompleted) != 1 || callCount(f.srv, "StartBackupJob") != 1 {
		t.Errorf("remediate: protected %q, %d completed, %d StartBackupJob calls; want true, 1, 1", r.outputs[OutProtected], r.res.Remediation.Count(crossaccount.RemediationCompleted), callCount(f.srv, "StartBackupJob"))
	}
	if !strings.Contains(r.summary, "### orgbackup remediate") || !strings.Contains(r.summary, vol) || !strings.Contains(r.summary, "1 completed, 0 failed") {
		t.Errorf("summary lacks the remediated volume or its outcome:\n%s", r.summary)
	}
}

// TestRemediateModeFails checks that a remediation whose backup fails
// because the backup role is gone fails the step, naming the cause and
// the fix in the error and the summary.
func TestRemediateModeFails(t *testing.T) {
	f, sp, vol := operated(t)
	ctx := context.Background()
	if _, err := awsbackup.NewFromConfig(f.srv.Config(testProdAccount, testRegion)).StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String(sp.Local.Vault), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + testProdAccount + ":role/Missing"),
	}); err != nil {
		t.Fatal(err)
	}
	iam := awsiam.NewFromConfig(f.srv.Config(testProdAccount, testRegion))
	role := aws.String(sp.Local.BackupRole)
	attached, err := iam.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: role})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range attached.AttachedPolicies {
		if _, err := iam.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: role, PolicyArn: p.PolicyArn}); err != nil {
			t.Fatal(err)
		}
	}
	inline, err := iam.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: role})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range inline.PolicyNames {
		if _, err := iam.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: role, PolicyName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := iam.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: role}); err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(time.Hour)
	f.srv.ResetCallStats()

	r := f.run(map[string]string{"mode": "remediate", "role-to-assume": f.apply})
	var failure *Failure
	if !errors.As(r.err, &failure) || failure.Reason != reasonRemediate {
		t.Fatalf("remediate: %v, want a %s failure\n%s", r.err, reasonRemediate, r.stdout)
	}
	for _, want := range []string{"job-failed", "Unable to assume role", "fix: orgbackup plan --out plan.json && orgbackup apply plan.json"} {
		if !strings.Contains(r.err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, r.err)
		}
	}
	if r.outputs[OutProtected] != "false" || !strings.Contains(r.summary, "0 completed, 1 failed") || !strings.Contains(r.summary, "orgbackup apply plan.json") {
		t.Errorf("protected %q; summary lacks the failure or its fix:\n%s", r.outputs[OutProtected], r.summary)
	}
	if n := callCount(f.srv, "StartBackupJob"); n != 1 {
		t.Errorf("%d StartBackupJob calls, want 1 (no retry)", n)
	}
}

func TestOperateInputs(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"copy-to":          {env: map[string]string{"INPUT_COPY_TO": "elsewhere"}, want: "input copy-to"},
		"report-days zero": {env: map[string]string{"INPUT_REPORT_DAYS": "0"}, want: "input report-days"},
		"report-days 31":   {env: map[string]string{"INPUT_REPORT_DAYS": "31"}, want: "input report-days"},
		"dry-run":          {env: map[string]string{"INPUT_DRY_RUN": "maybe"}, want: "input dry-run"},
		"upload-report":    {env: map[string]string{"INPUT_UPLOAD_REPORT": "yes please"}, want: "input upload-report"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadInputs(func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadInputs = %v, want an error about %s", err, tc.want)
			}
		})
	}
	in, err := ReadInputs(func(k string) string {
		return map[string]string{"INPUT_MODE": "remediate", "INPUT_REPORT_DAYS": "30", "INPUT_DRY_RUN": "true"}[k]
	})
	if err != nil || in.Mode != ModeRemediate || in.ReportDays != 30 || !in.DryRun || in.CopyTo != CopyToCentral || in.UploadReport {
		t.Errorf("ReadInputs = %+v, %v", in, err)
	}
}
