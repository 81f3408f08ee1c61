package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoTierSpec's staging tier targets the organization's root, so its
// policy reaches the management and backup accounts, which have no local
// vault: the spec's own validation cannot see it, plan's checks do, and
// validate must report them, at the target, as plan does.
const twoTierSpec = `version: 1
name: two-tiers
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production:
    targets: [Production]
  staging:
    targets:
      - Staging
      - r-root
central:
  vault: central-backup
`

// TestValidateRunsPlanChecks checks that validate runs the consistency
// checks plan runs, and prints them on stderr at FILE:LINE:COL; and that
// plan prints them on stderr after the plan.
func TestValidateRunsPlanChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "backup.yaml")
	if err := os.WriteFile(file, []byte(twoTierSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "validate", "--spec", file)
	if code != exitProblem || stdout != "" {
		t.Errorf("validate: exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	want := file + ":13:9: tiers.staging.targets[1]: policy-target-without-vault: tier staging's backup policy reaches the management account 111111111111"
	if !strings.Contains(stderr, want) {
		t.Errorf("validate stderr:\n%s\nwant a line starting %q", stderr, want)
	}
	code, stdout, stderr = runCLI(t, "plan", "--spec", file, "--emulator")
	if code != exitProblem {
		t.Errorf("plan: exit %d, want 1", code)
	}
	if !strings.HasPrefix(stdout, "check failed: ") || !strings.Contains(stdout, "check failed: policy-target-without-vault") {
		t.Errorf("plan's output does not start with the failed check:\n%.300s", stdout)
	}
	if i, j := strings.Index(stderr, "consistency check(s) failed"), strings.Index(stderr, "check failed: policy-target-without-vault 222222222222"); i < 0 || j < i {
		t.Errorf("plan stderr lacks the count then the check:\n%s", stderr)
	}
	// A spec whose checks pass stays valid.
	if code, _, stderr := runCLI(t, "validate", "--spec", seedSpec); code != exitOK {
		t.Errorf("validate of the seed spec: exit %d: %s", code, stderr)
	}
}

// TestEmulatorUnknownOU checks that on the emulator an OU the spec names
// but the organization fixture lacks is an error: with the built-in
// organization and with --emulator-org; only an organization built from
// the spec on purpose has every target.
func TestEmulatorUnknownOU(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	typo := write("typo.yaml", strings.NewReplacer("      - r-root\n", "", "targets: [Production]", "targets: [Prodution]").Replace(twoTierSpec))
	fixture := write("org.yaml", "management_account: \"111111111111\"\nunits:\n  - {name: Security, accounts: [{id: \"222222222222\"}]}\n  - {name: Staging, accounts: [{id: \"444444444444\"}]}\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"built-in organization", []string{"plan", "--spec", typo, "--emulator"}, `target-not-in-organization tiers.production`},
		{"fixture", []string{"plan", "--spec", seedSpec, "--emulator", "--emulator-org", fixture}, `target-not-in-organization tiers.production`},
		{"fixture without --emulator", []string{"plan", "--spec", seedSpec, "--emulator-org", fixture}, "--emulator-org needs --emulator"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != exitProblem || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant 1 and %q", tc.name, code, stderr, tc.want)
		}
	}
}
