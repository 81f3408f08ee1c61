package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/emutest"
	"github.com/orgbackup/orgbackup/internal/orgtest"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

const recoverabilitySpec = `version: 1
name: recoverability-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]}
  staging: {targets: [Staging]}
local:
  vault: local-backup
`

// recoverability collects and evaluates the restore evidence at the
// emulator's time.
func recoverability(t *testing.T, srv *emulator.Server, sp *spec.Spec) *report.Recoverability {
	t.Helper()
	tiers := map[string][]string{"production": {"333333333333", "333333333334"}, "staging": {"444444444444"}}
	ev, err := report.CollectRestores(context.Background(), sp, orgtest.Fleet(srv, sp, true), tiers)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := report.EvaluateRecoverability(sp, ev, srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestRecoverability runs the production restore tests of a month on the
// emulator and checks the evidence: the measured restore time per type
// against the objective; a tier is not compliant before its first test,
// and again once an account lost its restore role, with the cause named.
func TestRecoverability(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	sp, err := spec.Parse("inline.yaml", []byte(recoverabilitySpec))
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{"backup-tier": "production"}
	for _, account := range []string{"333333333333", "333333333334"} {
		srv.AddResource(account, "us-east-1", emulator.RDSInstance, "db-"+account, tags, 50<<30)
		srv.AddResource(account, "us-east-1", emulator.EFSFileSystem, "", tags, 10<<30)
	}
	orgtest.Converge(t, srv, sp)
	srv.Advance(26 * time.Hour)
	orgtest.Converge(t, srv, sp) // the selections, now that the vaults hold recovery points

	rec := recoverability(t, srv, sp)
	if rec.Compliant || !strings.Contains(strings.Join(rec.Tiers[0].Reasons, "\n"), "333333333333/us-east-1 EFS: no restore test has run") {
		t.Errorf("before the first test: compliant %v, reasons %v; want not compliant, no test run", rec.Compliant, rec.Tiers[0].Reasons)
	}

	srv.AdvanceTo(time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC)) // day 35
	rec = recoverability(t, srv, sp)
	prod := rec.Tiers[0]
	if !rec.Compliant || prod.Tier != "production" || !prod.Compliant || len(prod.Types) != 2 {
		t.Fatalf("after the February tests: %+v", rec)
	}
	for _, ty := range prod.Types {
		if ty.Tests != 2 || ty.Failed != 0 || ty.LastSuccess == nil || ty.Max < 10*time.Minute || ty.Max > prod.Objective {
			t.Errorf("%s: %+v, want 2 successful tests measured under the objective %s", ty.ResourceType, ty, prod.Objective)
		}
	}
	if staging := rec.Tiers[1]; staging.Tested || !staging.Compliant {
		t.Errorf("staging: %+v, want untested (a warning, not a failure)", staging)
	}

	// The role is deleted the day before the March tests, whose recovery
	// points are then still within the 7-day lookback.
	srv.AdvanceTo(time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC))
	emutest.DeleteRole(t, srv.Config("333333333334", "us-east-1"), "OrgBackupServiceRole")
	srv.AdvanceTo(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	rec = recoverability(t, srv, sp)
	prod = rec.Tiers[0]
	reasons := strings.Join(prod.Reasons, "\n")
	if rec.Compliant || prod.Compliant || !strings.Contains(reasons, "333333333334/us-east-1 RDS: the last restore test") ||
		!strings.Contains(reasons, "cannot be assumed by AWS Backup") || !strings.Contains(reasons, "recreate the backup role OrgBackupServiceRole in account 333333333334") {
		t.Errorf("after the role was deleted: compliant %v, reasons:\n%s", prod.Compliant, reasons)
	}
	if strings.Contains(reasons, "333333333333/") {
		t.Errorf("the account that kept its role is blamed:\n%s", reasons)
	}

	rep := &report.Report{Spec: sp.Name, Verdict: report.Verdict{Status: report.VerdictProtected}}
	rep.AddRecoverability(rec)
	var md bytes.Buffer
	if err := report.Markdown(&md, rep, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep.Compliant() || !strings.Contains(strings.Join(rep.Verdict.Reasons, "\n"), "cannot be assumed by AWS Backup") || !strings.Contains(md.String(), "### Recoverability") || !strings.Contains(md.String(), "| production | RDS |") || !strings.Contains(md.String(), "restore-not-proven") {
		t.Errorf("report: compliant %v, Markdown:\n%s", rep.Compliant(), md.String())
	}
}
