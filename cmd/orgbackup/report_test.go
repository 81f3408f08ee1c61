package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/report"
)

func TestReportCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, []string{"report", "--spec", "../../examples/central-backup/backup.yaml", "--emulator", "--format", "json", "--out", dir, "--days", "3"})
	if code != exitOK {
		t.Fatalf("report exit %d, stderr:\n%s", code, stderr.String())
	}
	rep, err := report.ReadJSON(&stdout)
	if err != nil {
		t.Fatalf("stdout is not a report: %v", err)
	}
	if rep.Spec != "central-backup" || len(rep.Tiers) != 3 {
		t.Errorf("report of spec %q with %d tiers, want central-backup with 3", rep.Spec, len(rep.Tiers))
	}
	// Nothing is applied in a fresh emulated organization: the vaults are
	// reported missing.
	if rep.Compliant() || len(rep.Findings) == 0 {
		t.Errorf("unapplied organization reported compliant; findings %+v", rep.Findings)
	}
	for _, f := range report.AllFormats() {
		if _, err := os.Stat(filepath.Join(dir, "orgbackup-report."+f)); err != nil {
			t.Errorf("--out did not write the %s report: %v", f, err)
		}
	}
}

func TestReportCommandUsage(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"unknown format": {"report", "--format", "pdf"},
		"days":           {"report", "--days", "31"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			if code := run(context.Background(), e, args); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
		})
	}
}
