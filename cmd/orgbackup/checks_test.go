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
