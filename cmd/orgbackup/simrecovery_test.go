package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/emutest"
	"github.com/orgbackup/orgbackup/report"
)

// TestSimulateRestoreTests simulates 35 days of the example spec: the
// production restore tests of February 1 run, and the report shows their
// measured restore time per resource type against the objective. Once an
// account loses its restore role before the tests, the production tier is
// not compliant and the report names the cause.
func TestSimulateRestoreTests(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		breakRole bool
	}{
		"role kept":    {},
		"role deleted": {breakRole: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSimSession(t)
			opts := simOptions{Days: 35, ResourcesPerAccount: 2}
			if tc.breakRole {
				opts.DayDone = func(day int, _ emulator.AdvanceReport) {
					if day == 29 { // January 30: the lookback still holds recovery points
						emutest.DeleteRole(t, s.srv.Config("333333333334", "us-east-1"), s.spec.Local.BackupRole)
					}
				}
			}
			res, err := simulate(context.Background(), s, opts)
			if err != nil {
				t.Fatalf("simulate: %v", err)
			}
			rec := res.Report.Recoverability
			if rec == nil {
				t.Fatal("the report has no recoverability section")
			}
			var prod *report.TierRecoverability
			for i := range rec.Tiers {
				if rec.Tiers[i].Tier == "production" {
					prod = &rec.Tiers[i]
				}
			}
			if prod == nil || !prod.Tested || len(prod.Types) == 0 {
				t.Fatalf("production recoverability: %+v", prod)
			}
			for _, ty := range prod.Types {
				if tc.breakRole && ty.Failed == ty.Tests {
					continue // only tested in the account that lost its role
				}
				if ty.Tests == 0 || ty.LastSuccess == nil || ty.Max == 0 || ty.Max > prod.Objective {
					t.Errorf("production %s: %+v, want a measured successful test within %s", ty.ResourceType, ty, prod.Objective)
				}
			}
			var md bytes.Buffer
			if err := report.Markdown(&md, res.Report, report.MarkdownOptions{}); err != nil {
				t.Fatal(err)
			}
			reasons := strings.Join(prod.Reasons, "\n")
			switch {
			case !tc.breakRole && (!prod.Compliant || !rec.Compliant):
				t.Errorf("production not compliant: %s", reasons)
			case tc.breakRole && (prod.Compliant || res.Report.Compliant() || !strings.Contains(reasons, "333333333334/us-east-1") || !strings.Contains(reasons, "cannot be assumed by AWS Backup")):
				t.Errorf("with the role deleted: tier compliant %v, report compliant %v, reasons:\n%s", prod.Compliant, res.Report.Compliant(), reasons)
			case !strings.Contains(md.String(), "### Recoverability") || !strings.Contains(md.String(), "| production | RDS |"):
				t.Errorf("the Markdown report lacks the measured RTO per type:\n%s", md.String())
			}
		})
	}
}

// TestSimulateDrill checks that simulate --drill ends with a drill whose
// evidence is written beside the report.
func TestSimulateDrill(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "simulate", "--spec", seedSpec, "--days", "2", "--resources-per-account", "1", "--drill", "--out", out)
	if code != exitOK || !strings.Contains(stdout, "Drill: ") || !strings.Contains(stdout, "production: 2 of 2 restored") {
		t.Fatalf("simulate --drill: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "drill.md")); err != nil {
		t.Error(err)
	}
}
