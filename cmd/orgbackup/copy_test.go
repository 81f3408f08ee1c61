package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
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

// TestParseWhen checks that --since, --after and --before take the spec's
// durations (days and weeks included) as well as RFC 3339 times.
func TestParseWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"72h":                  now.Add(-72 * time.Hour),
		"7d":                   now.Add(-7 * 24 * time.Hour),
		"2w":                   now.Add(-14 * 24 * time.Hour),
		"2026-03-01T00:00:00Z": time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseWhen(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-3h", "yesterday", "3y"} {
		if _, err := parseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q) accepted it", bad)
		}
	}
}
