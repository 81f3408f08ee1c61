package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/spec"
)

// costSpec writes the example spec with production's central retention
// and a cost section sizing the tiers.
func costSpec(t *testing.T, dir, central string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), "    targets: [Production]\n", "    central_retention: "+central+"\n    targets: [Production]\n", 1) + `
cost:
  workloads:
    - {tier: production, resource_type: RDS, count: 10, size_gb: 100}
    - {tier: staging, resource_type: EBS, count: 4, size_gb: 200}
`
	path := filepath.Join(dir, "backup-"+central+".yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPlanShowsCostDelta applies the example with production's central
// copies kept 7 years, then plans 10 years: the Markdown a pull request
// comment shows prices the change (see cost.TestPlanCostOfLongerRetention
// for the arithmetic).
func TestPlanShowsCostDelta(t *testing.T) {
	dir := t.TempDir()
	seven, ten := costSpec(t, dir, "7y"), costSpec(t, dir, "10y")
	sp, err := spec.Load(seven)
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer(func(o *emulator.Options) {
		o.Organization = emuspec.For(sp)
		o.MemberRole = sp.Organization.ExecutionRole
	})
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", sp.Organization.ManagementAccount)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	cli := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		return run(context.Background(), e, args), stdout.String(), stderr.String()
	}
	if code, _, stderr := cli("apply", "--spec", seven, "--auto-approve", "--acknowledge-irreversible"); code != 0 {
		t.Fatalf("apply exit %d:\n%s", code, stderr)
	}
	md := filepath.Join(dir, "plan.md")
	code, stdout, stderr := cli("plan", "--spec", ten, "--markdown", md)
	if code != 0 {
		t.Fatalf("plan exit %d:\n%s", code, stderr)
	}
	comment, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| production | 14,943.70 | 21,185.20 | +6,241.50 |",
		"| staging | 376.00 | 376.00 | 0.00 |",
		"(+6,241.50).**",
	} {
		if !strings.Contains(string(comment), want) {
			t.Errorf("plan Markdown lacks %q:\n%s", want, comment)
		}
	}
	if !strings.Contains(stdout, "Monthly cost at steady state: 15,319.70 → 21,561.20 USD (+6,241.50)") {
		t.Errorf("plan text lacks the cost line:\n%s", stdout)
	}
}

func TestRecommendCommand(t *testing.T) {
	t.Parallel()
	path := costSpec(t, t.TempDir(), "7y")
	code, stdout, stderr := runCLI(t, "recommend", "--spec", path, "--legal-hold", "production")
	if code != 0 {
		t.Fatalf("recommend exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"Not recommended:", "disaster-recovery objective", "prices 2026-02-01"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("recommend output lacks %q:\n%s", want, stdout)
		}
	}
	code, _, stderr = runCLI(t, "recommend", "--spec", path, "--prices", filepath.Join(t.TempDir(), "missing.json"))
	if code != 1 || !strings.Contains(stderr, "opening price file") {
		t.Errorf("recommend with a missing price file: exit %d, stderr %q", code, stderr)
	}
}

func TestReportAndSimulateShowSteadyState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := costSpec(t, dir, "7y")
	code, stdout, stderr := runCLI(t, "report", "--emulator", "--spec", path, "--format", "md", "--out", dir, "--days", "1")
	if code != 0 {
		t.Fatalf("report exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"### Cost at steady state", "| production | 157110 | 0 | $14943.70 |", "### Storage growth per vault"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	csvFile, err := os.ReadFile(filepath.Join(dir, "orgbackup-report-cost.csv"))
	if err != nil || !strings.HasPrefix(string(csvFile), "tier,account,region,allocation,vault_role,resource_type,") {
		t.Errorf("finance CSV: %v\n%s", err, csvFile)
	}
	code, stdout, stderr = runCLI(t, "simulate", "--spec", path, "--days", "2", "--resources-per-account", "1", "--untagged", "0", "--out", filepath.Join(dir, "sim"))
	if code != 0 {
		t.Fatalf("simulate exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"Steady-state monthly cost per tier", "production", "14,943.70 USD", "staging", "376.00 USD"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("simulate lacks %q:\n%s", want, stdout[max(0, len(stdout)-2000):])
		}
	}
}

// TestSimulateBudgetAlert: simulate --days 60 with a budget below the
// steady-state cost shows the day its alert fires and the delivery to the
// spec's recipients.
func TestSimulateBudgetAlert(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := costSpec(t, dir, "7y")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, "  budgets:\n    - {name: backup-spend, monthly_limit: 5, thresholds: [80]}\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "simulate", "--spec", path, "--days", "60", "--resources-per-account", "1", "--untagged", "0", "--out", filepath.Join(dir, "sim"))
	if code != 0 {
		t.Fatalf("simulate exit %d:\n%s", code, stderr)
	}
	_, alerts, ok := strings.Cut(stdout, "\nBudget alerts:\n")
	if !ok {
		t.Fatalf("simulate shows no budget alert:\n%s", stdout[max(0, len(stdout)-3000):])
	}
	first, _, _ := strings.Cut(alerts, "\n")
	for _, want := range []string{"day ", "budget orgbackup-backup-spend passed 80% of 5.00", "delivered to email backup-team@example.com"} {
		if !strings.Contains(first, want) {
			t.Errorf("first alert %q lacks %q", first, want)
		}
	}
}
