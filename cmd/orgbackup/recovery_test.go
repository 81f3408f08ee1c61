package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecoveryCommands checks the restore, drill and runbook commands'
// outputs and usage errors on the in-process emulator.
func TestRecoveryCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := map[string]struct {
		args     []string
		code     int
		stdout   string
		stderr   string
		wantFile string
	}{
		"drill with nothing backed up": {
			args: []string{"drill", "--emulator", "--spec", seedSpec, "--out", filepath.Join(dir, "drill")}, code: exitOK,
			stdout: "# Recovery drill of central-backup", wantFile: filepath.Join(dir, "drill", "drill.json"),
		},
		"drill with an unknown pick": {
			args: []string{"drill", "--emulator", "--spec", seedSpec, "--pick", "most"}, code: exitProblem, stderr: `unknown pick "most"`,
		},
		"runbooks": {
			args: []string{"runbook", "--spec", seedSpec, "--out", filepath.Join(dir, "rb")}, code: exitOK,
			stdout: filepath.Join(dir, "rb", "runbook-production.md"), wantFile: filepath.Join(dir, "rb", "runbook-staging.md"),
		},
		"restore --all without an account": {
			args: []string{"restore", "--emulator", "--spec", seedSpec, "--all"}, code: exitUsage, stderr: "--all needs --account",
		},
		"restore from a vault that does not exist": {
			args: []string{"restore", "--emulator", "--spec", seedSpec, "--resource-arn", "arn:aws:rds:us-east-1:333333333333:db:none", "-q"}, code: exitProblem,
			stderr: "listing recovery points of arn:aws:rds:us-east-1:333333333333:db:none", // nothing was applied: no vault
		},
		"restore with bad metadata": {
			args: []string{"restore", "--emulator", "--spec", seedSpec, "--resource-arn", "arn:aws:rds:us-east-1:333333333333:db:none", "--metadata", "novalue"}, code: exitUsage,
			stderr: `"novalue" is not KEY=VALUE`,
		},
	}
	for name, tc := range tests {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q", name, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
		if tc.wantFile != "" {
			data, err := os.ReadFile(tc.wantFile)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if strings.HasSuffix(tc.wantFile, ".json") && !json.Valid(data) {
				t.Errorf("%s: %s is not JSON", name, tc.wantFile)
			}
		}
	}
}
