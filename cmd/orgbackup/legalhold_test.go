package main

import (
	"strings"
	"testing"
)

// TestLegalHoldCommands runs the legal-hold commands on an emulated
// organization (a fresh one each run, so without recovery points) and
// checks their refusals.
func TestLegalHoldCommands(t *testing.T) {
	t.Parallel()
	const sp = "../../examples/central-backup/backup.yaml"
	tests := map[string]struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		"create finds nothing":   {[]string{"legal-hold", "create", "--spec", sp, "--emulator", "--title", "case", "--description", "litigation", "--tier", "production", "--resource-type", "RDS", "--from", "2026-01-01"}, exitOK, "no recovery point matches; nothing held", ""},
		"create needs a title":   {[]string{"legal-hold", "create", "--spec", sp, "--emulator", "--description", "d"}, exitUsage, "", "--title and --description are required"},
		"create bad tag":         {[]string{"legal-hold", "create", "--spec", sp, "--emulator", "--title", "t", "--description", "d", "--tag", "novalue"}, exitUsage, "", "want KEY=VALUE"},
		"create bad date":        {[]string{"legal-hold", "create", "--spec", sp, "--emulator", "--title", "t", "--description", "d", "--to", "June"}, exitUsage, "", "is not a date"},
		"list":                   {[]string{"legal-hold", "list", "--spec", sp, "--emulator"}, exitOK, "0 active legal hold(s) keep 0 recovery point(s)", ""},
		"list json":              {[]string{"legal-hold", "list", "--spec", sp, "--emulator", "--format", "json"}, exitOK, `"holds"`, ""},
		"release needs a reason": {[]string{"legal-hold", "release", "--spec", sp, "--emulator", "--title", "case", "--reason", " "}, exitUsage, "", "--title and --reason are required"},
		"release nothing":        {[]string{"legal-hold", "release", "--spec", sp, "--emulator", "--title", "case", "--reason", "settled"}, exitOK, `no active legal hold titled "case"`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("orgbackup %v = %d\nstdout: %s\nstderr: %s\nwant %d, stdout with %q, stderr with %q", tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}
