package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := write("bad.yaml", `version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production], encription: aws-managed}
central: {lock: {mode: compliance, changeable_for_days: 2}}
`)
	tests := map[string]struct {
		args          []string
		wantCode      int
		wantStdout    []string
		wantStdoutHas string // when set, a substring of stdout instead
		wantStderr    string
	}{
		"valid example": {
			args:       []string{"validate", "--spec", "../../examples/central-backup/backup.yaml"},
			wantCode:   exitOK,
			wantStdout: []string{`../../examples/central-backup/backup.yaml: valid: spec "central-backup", 3 tiers (development, production, staging), regions [us-east-1 us-west-2]`},
		},
		"problems": {
			args:     []string{"validate", "--spec", bad},
			wantCode: exitProblem,
			// Problems go to stderr, where CI logs and annotations read
			// them, each at its line and column.
			wantStderr: bad + `:7:39: tiers.production.encription: unknown key "encription"; did you mean "encryption"?` + "\n" +
				bad + `:8:57: central.lock.changeable_for_days: 2 is less than 3: AWS Backup enforces a 72-hour cooling-off period before the lock becomes immutable` + "\n" +
				bad + ": 2 problems",
		},
		"missing file": {
			args:       []string{"validate", "--spec", filepath.Join(dir, "nope.yaml")},
			wantCode:   exitProblem,
			wantStderr: "no such file",
		},
		"extra argument": {args: []string{"validate", "x.yaml"}, wantCode: exitUsage, wantStderr: "unexpected argument"},
		"bad flag":       {args: []string{"validate", "--nope"}, wantCode: exitUsage, wantStderr: "unknown flag: --nope"},
		"help":           {args: []string{"validate", "--help"}, wantCode: exitOK, wantStdoutHas: "orgbackup validate [flags]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			if code := run(context.Background(), e, tc.args); code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tc.wantCode, stderr.String())
			}
			var lines []string
			if out := strings.TrimSpace(stdout.String()); out != "" {
				lines = strings.Split(out, "\n")
			}
			if tc.wantStdoutHas != "" {
				if !strings.Contains(stdout.String(), tc.wantStdoutHas) {
					t.Errorf("stdout %q does not contain %q", stdout.String(), tc.wantStdoutHas)
				}
			} else if diff := cmp.Diff(tc.wantStdout, lines); diff != "" {
				t.Errorf("stdout mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// validate reads .github/aws-backup.yaml by default; this test changes
// directory, so it does not run in parallel.
func TestValidateDefaultFile(t *testing.T) {
	data, err := os.ReadFile("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "aws-backup.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"validate"}); code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), ".github/aws-backup.yaml: valid") {
		t.Errorf("stdout = %q", stdout.String())
	}
}
