package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

const copySpec = "../../spec/testdata/spec/valid.json"

func TestCopyCommands(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		"bad destination": {[]string{"copy", "--emulator", "--spec", copySpec, "--to", "elsewhere"}, exitUsage, "", "--to must be central or secondary"},
		"bad time":        {[]string{"copy", "--emulator", "--spec", copySpec, "--created-after", "yesterday"}, exitUsage, "", "neither an RFC 3339 time"},
		"unknown tier":    {[]string{"copy", "--emulator", "--spec", copySpec, "--tier", "gold"}, exitUsage, "", `tier "gold" is not in the spec`},
		// The emulated organization has no vaults yet: the copy cannot
		// list them and says so.
		"copy before apply":       {[]string{"copy", "--emulator", "--spec", copySpec, "--dry-run"}, exitProblem, "Dry run", "listing recovery points"},
		"remediate (dry run)":     {[]string{"remediate", "--emulator", "--spec", copySpec}, exitOK, "Dry run: nothing was started. Every resource with failed backup jobs is protected", ""},
		"remediate, unknown tier": {[]string{"remediate", "--emulator", "--spec", copySpec, "--tier", "production,gold"}, exitProblem, "", `tier "gold" is not in the spec`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, tc.args)
		if code != tc.code || !strings.Contains(stdout.String(), tc.inStdout) || !strings.Contains(stderr.String(), tc.inStderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d with %q and %q", name, code, stdout.String(), stderr.String(), tc.code, tc.inStdout, tc.inStderr)
		}
	}
}
