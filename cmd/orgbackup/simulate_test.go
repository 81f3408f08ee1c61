package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/report"
)

const seedSpec = "../../examples/central-backup/backup.yaml"

// newSimSession opens an emulated session for the seed's spec.
func newSimSession(t testing.TB) *session {
	t.Helper()
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
	s, code := openSession(context.Background(), e, &engineFlags{specFile: seedSpec, emulator: true}, false)
	if s == nil {
		t.Fatalf("openSession: exit %d: %s", code, stderr.String())
	}
	t.Cleanup(s.close)
	return s
}

// tierCoverage is what the report says about one tier's resources.
type tierCoverage struct {
	Resources, Compliant, RPOMet int
	Central, Secondary           map[string]int // copy status → resources
}

func coverageByTier(rep *report.Report) map[string]tierCoverage {
	out := map[string]tierCoverage{}
	for _, r := range rep.Resources {
		c := out[r.Tier]
		if c.Central == nil {
			c.Central, c.Secondary = map[string]int{}, map[string]int{}
		}
		c.Resources++
		if r.Status == report.StatusCompliant {
			c.Compliant++
		}
		if r.RPOMet {
			c.RPOMet++
		}
		c.Central[r.CentralCopy]++
		c.Secondary[r.SecondaryCopy]++
		out[r.Tier] = c
	}
	return out
}

// TestSimulateSeedSpecCompliant runs the seed's spec for 8 days: every
// sample resource of a tier is compliant, with the copies its tier asks
// for (production: central and secondary; staging: central; development:
// local only), and the untagged ones match no tier.
func TestSimulateSeedSpecCompliant(t *testing.T) {
	t.Parallel()
	s := newSimSession(t)
	res, err := simulate(context.Background(), s, simOptions{Days: 8, ResourcesPerAccount: 2, Untagged: 2})
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	rep := res.Report
	// The example organization: two production accounts, one staging,
	// one development, one workload region.
	for tier, want := range map[string]int{"production": 4, "staging": 2, "development": 2, "": 2} {
		if got := len(res.Resources[tier]); got != want {
			t.Errorf("%d sample resources of tier %q, want %d", got, tier, want)
		}
	}
	want := map[string]tierCoverage{
		"production":  {Resources: 4, Compliant: 4, RPOMet: 4, Central: map[string]int{report.CopyOK: 4}, Secondary: map[string]int{report.CopyOK: 4}},
		"staging":     {Resources: 2, Compliant: 2, RPOMet: 2, Central: map[string]int{report.CopyOK: 2}, Secondary: map[string]int{report.CopyNotRequired: 2}},
		"development": {Resources: 2, Compliant: 2, RPOMet: 2, Central: map[string]int{report.CopyNotRequired: 2}, Secondary: map[string]int{report.CopyNotRequired: 2}},
		"":            {Resources: 2, Central: map[string]int{report.CopyNotRequired: 2}, Secondary: map[string]int{report.CopyNotRequired: 2}},
	}
	if diff := cmp.Diff(want, coverageByTier(rep)); diff != "" {
		t.Errorf("coverage by tier (-want +got):\n%s", diff)
	}
	for _, r := range rep.Resources {
		if r.Tier == "" && r.Status != report.StatusUntiered {
			t.Errorf("untagged %s has status %s, want %s", r.ARN, r.Status, report.StatusUntiered)
		}
	}
	for _, f := range rep.Findings {
		if f.Severity == report.SeverityFail {
			t.Errorf("failing finding %s %s: %s", f.Code, f.Subject, f.Message)
		}
	}
	s100 := func(p *float64) bool { return p != nil && *p == 100 }
	if sum := rep.Summary; sum.Compliant != sum.Resources || sum.Untiered != 2 || !s100(sum.CentralCoveragePercent) || !s100(sum.SecondaryCoveragePercent) || !s100(sum.JobSuccessPercent) {
		t.Errorf("summary = %+v", sum)
	}
	if res.Clock.BackupJobsCompleted == 0 || res.Clock.CopyJobsCompleted == 0 || res.Clock.BackupJobsFailed+res.Clock.CopyJobsFailed > 0 {
		t.Errorf("virtual time: %d backups and %d copies completed, %d and %d failed", res.Clock.BackupJobsCompleted, res.Clock.CopyJobsCompleted, res.Clock.BackupJobsFailed, res.Clock.CopyJobsFailed)
	}
	// Eight days, and the last day's copies from the central vault to the
	// secondary Region.
	if got := res.Clock.To.Sub(res.Clock.From); got < 8*24*time.Hour || got >= 9*24*time.Hour {
		t.Errorf("simulated %s, want 8 days and the last copier run", got)
	}
	// The copier ran both routes, to the central vault and from it to the
	// secondary region, every day. The plans had copied everything to the
	// central vault; production can select RDS and Aurora, which AWS
	// Backup does not copy to another account and Region at once, so its
	// copies to the secondary Region are the copier's, one per backup.
	if len(res.Copy) != 2 {
		t.Errorf("the copier ran %d groups of routes, want 2 (central and secondary)", len(res.Copy))
	}
	production := 0
	for _, r := range rep.Resources {
		if r.Tier == "production" {
			production += r.JobsCompleted
		}
	}
	if res.CopiesStarted != production || res.BackupsStarted != 0 {
		t.Errorf("with every job succeeding the copier started %d copies and the remediation %d backups, want %d (production's secondary copies) and none", res.CopiesStarted, res.BackupsStarted, production)
	}
	copiesPerBackup := map[string]int{"production": 2, "staging": 1, "development": 0}
	for _, r := range rep.Resources {
		if r.Tier == "" {
			continue
		}
		if want := r.JobsCompleted * copiesPerBackup[r.Tier]; r.JobsCompleted == 0 || r.CopiesCompleted != want {
			t.Errorf("%s (%s): %d backups and %d copies, want %d copies (each backup to each of its tier's destinations once)", r.ARN, r.Tier, r.JobsCompleted, r.CopiesCompleted, want)
		}
	}
}

// TestSimulateMissingCentralVaultPolicy breaks the spec's central vault
// after the apply, as if its access policy were missing: no workload
// account can copy to it, the report's central coverage is 0% and its
// Markdown says why the copies failed.
func TestSimulateMissingCentralVaultPolicy(t *testing.T) {
	t.Parallel()
	s := newSimSession(t)
	res, err := simulate(context.Background(), s, simOptions{Days: 3, ResourcesPerAccount: 1, AfterApply: func(ctx context.Context, s *session) error {
		org := s.spec.Organization
		cfg, err := s.fleet.Config(ctx, org.BackupAccount, org.Regions.Primary)
		if err != nil {
			return err
		}
		_, err = awsbackup.NewFromConfig(cfg).DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(s.spec.Central.Vault)})
		return err
	}})
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	rep := res.Report
	sum := rep.Summary
	if sum.CentralRequired == 0 || sum.CentralCovered != 0 || sum.CentralCoveragePercent == nil || *sum.CentralCoveragePercent != 0 {
		t.Fatalf("central coverage %d of %d (%v), want 0 of some", sum.CentralCovered, sum.CentralRequired, sum.CentralCoveragePercent)
	}
	if rep.Compliant() || sum.Compliant == sum.Resources {
		t.Errorf("report compliant with no central copy")
	}
	// The secondary region's central vault kept its policy, but
	// production's copies reach it from the central vault, which has none.
	if sum.SecondaryCoveragePercent == nil || *sum.SecondaryCoveragePercent != 0 {
		t.Errorf("secondary coverage %v, want 0%%", sum.SecondaryCoveragePercent)
	}
	var reason string
	for _, r := range rep.Resources {
		if r.CentralCopy == report.CopyNotRequired {
			continue
		}
		if r.CopiesFailed == 0 || r.LastCopyFailure == "" {
			t.Errorf("%s: %d failed copies, last failure %q; want the failures recorded", r.ARN, r.CopiesFailed, r.LastCopyFailure)
			continue
		}
		reason = r.LastCopyFailure
	}
	var md bytes.Buffer
	if err := report.Markdown(&md, rep, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if reason == "" || !strings.Contains(md.String(), reason) {
		t.Errorf("the Markdown report does not show the copy failure reason %q:\n%s", reason, md.String())
	}
	// The copier tried the missing copies and was refused for good.
	if res.CopiesStarted == 0 {
		t.Errorf("the copier started no copy of the missing central copies")
	}
	// Its first group of routes is to the central vault.
	if len(res.Copy) == 0 || res.Copy[0].Protected() {
		t.Errorf("the copier reports every recovery point copied to the central vault")
	}
	// The central vault holds nothing to copy to the secondary region.
	if len(res.Copy) == 2 && (len(res.Copy[1].Results) != 0 || !res.Copy[1].Protected()) {
		t.Errorf("central to secondary: %d results, protected %v; want none, true", len(res.Copy[1].Results), res.Copy[1].Protected())
	}
	t.Logf("copy failure reason: %s", reason)
}

func TestSimulateCommand(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, []string{"simulate", "--spec", seedSpec, "--days", "2", "--resources-per-account", "1", "--out", dir, "--detailed-exitcode"})
	// Untagged sample resources make the organization non-compliant.
	if code != 2 {
		t.Fatalf("simulate exit %d, want 2 (not compliant: untagged resources); stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"Plan: ", "Apply complete: ", "day  2 2026-01-03", "Backup compliance: central-backup", "3 untiered (match no tier)", "Estimated storage cost: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "orgbackup-report.html"))
	if err != nil {
		t.Fatalf("no HTML report: %v", err)
	}
	if !bytes.Contains(html, []byte("<svg")) {
		t.Errorf("the HTML report has no chart")
	}
	f, err := os.Open(filepath.Join(dir, "orgbackup-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := report.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Resources != 4 || rep.Summary.Untiered != 3 {
		t.Errorf("JSON report: %d tiered and %d untiered resources, want 4 and 3", rep.Summary.Resources, rep.Summary.Untiered)
	}
}

func TestSimulateUsage(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"no days":        {"simulate", "--days", "0"},
		"too many days":  {"simulate", "--days", "367"},
		"negative count": {"simulate", "--resources-per-account", "-1"},
		"empty out":      {"simulate", "--out", ""},
		"unknown flag":   {"simulate", "--bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			if code := run(context.Background(), e, args); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
		})
	}
}

// TestSimulateEveryResourceType: with enough samples every tier gets every
// type the emulator knows (EC2, EBS, RDS, Aurora, EFS, DynamoDB, S3), the
// development tier's encrypted with AWS managed keys, and the simulation
// stays compliant: AWS copies all of them where the spec asks, RDS and
// Aurora to the secondary Region through the central vault.
func TestSimulateEveryResourceType(t *testing.T) {
	t.Parallel()
	s := newSimSession(t)
	res, err := simulate(context.Background(), s, simOptions{Days: 8, ResourcesPerAccount: len(simResourceTypes)})
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	types := map[string]map[string]bool{}
	for _, r := range res.Report.Resources {
		if types[r.Tier] == nil {
			types[r.Tier] = map[string]bool{}
		}
		types[r.Tier][r.Type] = true
		if r.Status != report.StatusCompliant || len(r.Flags) > 0 {
			t.Errorf("%s (%s, %s): %s, flags %v, reasons %v", r.ARN, r.Type, r.Tier, r.Status, r.Flags, r.Reasons)
		}
	}
	for _, tier := range []string{"production", "staging", "development"} {
		for _, typ := range simResourceTypes {
			if !types[tier][string(typ)] {
				t.Errorf("tier %s has no %s sample", tier, typ)
			}
		}
	}
	keys := 0
	for _, arn := range res.Resources["development"] {
		for _, r := range s.srv.Resources(arnAccount(arn), s.spec.Organization.Regions.Primary) {
			if r.ARN == arn && strings.Contains(r.KMSKeyARN, ":key/") {
				keys++
			}
		}
	}
	if keys == 0 {
		t.Error("no development sample is encrypted with an AWS managed key")
	}
	if res.Clock.BackupJobsFailed+res.Clock.CopyJobsFailed > 0 {
		t.Errorf("%d backups and %d copies failed", res.Clock.BackupJobsFailed, res.Clock.CopyJobsFailed)
	}
}

// arnAccount is the account field of an ARN.
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
