package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/githubiam"
)

func TestActionCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nname: x\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		spec     string
		mode     string
		wantCode int
		wantOut  string
	}{
		"valid spec":        {spec: "../../examples/central-backup/backup.yaml", mode: "validate", wantCode: exitOK, wantOut: "is valid"},
		"invalid spec":      {spec: bad, mode: "validate", wantCode: exitProblem, wantOut: ",file=" + strings.ReplaceAll(bad, ":", "%3A") + ",line=3,title=orgbackup spec::bogus"},
		"invalid mode":      {spec: bad, mode: "destroy", wantCode: exitProblem, wantOut: "::error::orgbackup: invalid-inputs"},
		"apply on a branch": {spec: bad, mode: "apply", wantCode: exitProblem, wantOut: "apply-not-allowed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			outFile := filepath.Join(t.TempDir(), "out")
			vars := map[string]string{
				"INPUT_SPEC": tc.spec, "INPUT_MODE": tc.mode, "GITHUB_OUTPUT": outFile,
				"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/feature",
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}, []string{"action"})
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d\n%s%s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, stdout.String())
			}
			out, _ := os.ReadFile(outFile)
			if got := strings.Contains(string(out), "failure-reason<<"); got != (tc.wantCode != exitOK) {
				t.Errorf("failure-reason set = %v, want %v:\n%s", got, tc.wantCode != exitOK, out)
			}
		})
	}
}

func TestGitHubRolesCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"iam", "github-roles", "--repo", "acme/infra", "--account", "111111111111", "--environment", "production", "--format", "json"}); code != exitOK {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	var roles []githubiam.Role
	if err := json.Unmarshal(stdout.Bytes(), &roles); err != nil {
		t.Fatalf("output is not the roles as JSON: %v", err)
	}
	if len(roles) != 2 || !strings.Contains(stdout.String(), "repo:acme/infra:environment:production") || !strings.Contains(stdout.String(), "repo:acme/infra:pull_request") {
		t.Errorf("unexpected roles:\n%s", stdout.String())
	}
	stdout.Reset()
	if code := run(context.Background(), e, []string{"iam", "github-roles"}); code != exitUsage {
		t.Errorf("without --repo: exit code %d, want %d", code, exitUsage)
	}
}
