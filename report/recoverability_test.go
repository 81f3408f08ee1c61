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

	// The first test is not due before a period has passed.
	if rec := recoverability(t, srv, sp); !rec.Compliant {
		t.Errorf("before the first test: reasons %v; want compliant, the first test not due", rec.Tiers[0].Reasons)
	}

	srv.AdvanceTo(time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC)) // day 35
	rec := recoverability(t, srv, sp)
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

// TestRecoverabilityMissing checks the rules on evidence built in the
// test: a type with no restore test a period after the plan was created,
// or without a plan, fails, naming the account; an RTO over the objective
// fails.
func TestRecoverabilityMissing(t *testing.T) {
	t.Parallel()
	sp, err := spec.Parse("inline.yaml", []byte(recoverabilitySpec))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	done := now.Add(-24 * time.Hour)
	tests := map[string]struct {
		ev   report.RestoreEvidence
		want string
	}{
		"no test a period after the plan": {
			ev: report.RestoreEvidence{
				Protected:   map[string]map[string][]string{"production": {"333333333333/us-east-1": {"RDS"}}},
				PlanCreated: map[string]map[string]time.Time{"production": {"333333333333/us-east-1": now.Add(-40 * 24 * time.Hour)}},
			},
			want: "333333333333/us-east-1 RDS: no restore test has run in the 40d since the restore testing plan was created",
		},
		"no plan": {
			ev:   report.RestoreEvidence{Protected: map[string]map[string][]string{"production": {"333333333334/us-east-1": {"EFS"}}}},
			want: "333333333334/us-east-1 EFS: there is no restore testing plan orgbackup_production",
		},
		"last success too old": {
			ev: report.RestoreEvidence{
				Protected:   map[string]map[string][]string{"production": {"333333333333/us-east-1": {"RDS"}}},
				PlanCreated: map[string]map[string]time.Time{"production": {"333333333333/us-east-1": now.Add(-200 * 24 * time.Hour)}},
				Jobs: []report.RestoreJob{{Tier: "production", Account: "333333333333", Region: "us-east-1", ResourceType: "RDS", JobID: "j1", Status: "COMPLETED",
					Created: now.Add(-100 * 24 * time.Hour), Completed: ptrTime(now.Add(-100*24*time.Hour + 30*time.Minute))}},
			},
			want: "the last successful restore test was 99d23h30m ago, longer than the restore testing period 32d",
		},
		"over the objective": {
			ev: report.RestoreEvidence{
				Protected:   map[string]map[string][]string{"production": {"333333333333/us-east-1": {"RDS"}}},
				PlanCreated: map[string]map[string]time.Time{"production": {"333333333333/us-east-1": now.Add(-200 * 24 * time.Hour)}},
				Jobs: []report.RestoreJob{{Tier: "production", Account: "333333333333", Region: "us-east-1", ResourceType: "RDS", JobID: "j1", Status: "COMPLETED",
					Created: done.Add(-5 * time.Hour), Completed: &done}},
			},
			want: "RDS: measured restore time 5h (p95 5h) is over the RTO objective 4h",
		},
	}
	for name, tc := range tests {
		rec, err := report.EvaluateRecoverability(sp, &tc.ev, now)
		if err != nil {
			t.Fatal(err)
		}
		if reasons := strings.Join(rec.Tiers[0].Reasons, "\n"); rec.Compliant || !strings.Contains(reasons, tc.want) {
			t.Errorf("%s: compliant %v, reasons:\n%s\nwant %q", name, rec.Compliant, reasons, tc.want)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
