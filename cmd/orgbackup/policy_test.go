package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"
)

func TestPolicyCommands(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args      []string
		code      int
		golden    string // compared with stdout when set
		errGolden string // compared with stderr when set
		stdout    string // substring of stdout
		stderr    string // substring of stderr
	}{
		"validate valid":      {args: []string{"policy", "validate", "testdata/policy/valid.json"}, code: exitOK},
		"validate typos":      {args: []string{"policy", "validate", "testdata/policy/valid.json", "testdata/policy/typos.json"}, code: exitProblem, errGolden: "validate-typos.txt"},
		"validate missing":    {args: []string{"policy", "validate", "testdata/policy/nope.json"}, code: exitProblem, stderr: "testdata/policy/nope.json: reading policy:"},
		"validate no files":   {args: []string{"policy", "validate"}, code: exitUsage, stderr: "no files given"},
		"validate bad flag":   {args: []string{"policy", "validate", "--nope"}, code: exitUsage, stderr: "unknown flag: --nope"},
		"compile production":  {args: []string{"policy", "compile", "--tier", "production", "--backup-account", "222222222222"}, code: exitOK, golden: "compile-production.json"},
		"compile locked":      {args: []string{"policy", "compile", "--tier=development", "--compact", "--child-control=lock-plan", "--regions=eu-west-1,eu-central-1"}, code: exitOK, golden: "compile-development-locked.json"},
		"compile no account":  {args: []string{"policy", "compile", "--tier", "staging"}, code: exitUsage, stderr: "give --backup-account"},
		"compile bad tier":    {args: []string{"policy", "compile", "--tier", "gold"}, code: exitUsage, stderr: "--tier must be production, staging or development"},
		"compile invalid":     {args: []string{"policy", "compile", "--tier", "development", "--local-vault", "x"}, code: exitProblem, stderr: `vault name "x" must be 2 to 50`},
		"compile help":        {args: []string{"policy", "compile", "--help"}, code: exitOK, stdout: "--backup-account ID"},
		"effective":           {args: []string{"policy", "effective", "--account-id", "123456789012", "testdata/policy/valid.json"}, code: exitOK, golden: "effective.json"},
		"effective bad id":    {args: []string{"policy", "effective", "--account-id", "12", "testdata/policy/valid.json"}, code: exitUsage, stderr: "12 digits"},
		"effective bad input": {args: []string{"policy", "effective", "testdata/policy/typos.json"}, code: exitProblem, stderr: "typos.json:"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			if code := run(context.Background(), e, tc.args); code != tc.code {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tc.stdout, &stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.stderr, &stderr)
			}
			if tc.golden != "" {
				checkPolicyGolden(t, tc.golden, stdout.Bytes())
			}
			if tc.errGolden != "" {
				checkPolicyGolden(t, tc.errGolden, stderr.Bytes())
			}
		})
	}
}

func checkPolicyGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "policy", "golden", name), got)
}

// TestPolicyValidatePartialNote checks that a policy AWS accepts although
// inheritance must complete it passes validate, with a note per missing
// setting on stderr.
func TestPolicyValidatePartialNote(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "partial.json")
	if err := os.WriteFile(path, []byte(`{"plans":{"prod":{"rules":{"daily":{"lifecycle":{"delete_after_days":{"@@assign":"35"}}}}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"policy", "validate", path}); code != exitOK {
		t.Fatalf("policy validate: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if n := strings.Count(stderr.String(), "note: "); n != 3 || !strings.Contains(stderr.String(), "plans.prod.selections") {
		t.Errorf("stderr = %q, want 3 notes naming the missing settings", stderr.String())
	}
}
