package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/internal/emutest"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/report"
)

// TestReportBackupRoleDeleted is issue 13's first scenario: the example
// spec applied, one production account's backup role deleted, three days
// of virtual time. The report is not compliant for exactly that account's
// resources, and every format names the cause and the fix.
func TestReportBackupRoleDeleted(t *testing.T) {
	t.Parallel()
	const broken = "333333333333"
	srv, sp, fleet := emulatedOrg(t, 2, 1)
	emutest.DeleteRole(t, srv.Config(broken, sp.Organization.Regions.Primary), sp.Local.BackupRole)
	advance(t, srv, sp, 3*24*time.Hour)

	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 3), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if rep.Compliant() || rep.Verdict.Status != report.VerdictNotProtected {
		t.Errorf("verdict %s (%s), want %s", rep.Verdict.Status, rep.Verdict.Headline, report.VerdictNotProtected)
	}
	brokenResources := 0
	for _, r := range rep.Resources {
		switch {
		case r.Tier == "":
			if r.Status != report.StatusUntiered {
				t.Errorf("untiered %s has status %s", r.ARN, r.Status)
			}
		case r.Account == broken:
			brokenResources++
			if r.Status != report.StatusNoncompliant || r.RPOMet || r.FailureCause != report.CauseRoleMissing || r.ConsecutiveFailures < 3 {
				t.Errorf("%s: status %s, RPO met %v, cause %q, %d failures in a row; want noncompliant, role-missing, at least 3; reasons %v",
					r.ARN, r.Status, r.RPOMet, r.FailureCause, r.ConsecutiveFailures, r.Reasons)
			}
		case r.Status != report.StatusCompliant:
			t.Errorf("%s in %s (tier %s) is %s: %v", r.ARN, r.Account, r.Tier, r.Status, r.Reasons)
		}
	}
	if brokenResources < 2 {
		t.Errorf("%d resources of %s in the report, want at least 2", brokenResources, broken)
	}
	var found bool
	for _, f := range rep.Findings {
		if f.Code == "job-"+report.CauseRoleMissing {
			found = true
			if f.Severity != report.SeverityFail || f.Subject != "account "+broken || !strings.Contains(f.Fix, "orgbackup apply") {
				t.Errorf("role finding %+v", f)
			}
		} else if strings.HasPrefix(f.Code, "job-") {
			t.Errorf("unexpected job finding %+v", f)
		}
	}
	if !found {
		t.Errorf("no %s finding in %+v", report.CauseRoleMissing, rep.Findings)
	}
	// The fix's plan recreates the role.
	p, err := backup.PlanChanges(context.Background(), sp, fleet)
	if err != nil {
		t.Fatalf("PlanChanges: %v", err)
	}
	recreated := false
	for _, c := range p.Changes {
		if c.Account == broken && c.Name == sp.Local.BackupRole && c.Action == plan.Create {
			recreated = true
		}
	}
	if !recreated {
		t.Errorf("the plan does not recreate role %s in %s", sp.Local.BackupRole, broken)
	}
	for _, format := range report.AllFormats() {
		out, err := report.Render(rep, format)
		if err != nil {
			t.Fatalf("Render(%s): %v", format, err)
		}
		for _, want := range []string{
			"job-role-missing", "Unable to assume role arn:aws:iam::" + broken + ":role/" + sp.Local.BackupRole,
			"orgbackup plan --out plan.json &amp;&amp; orgbackup apply plan.json &amp;&amp; orgbackup remediate --account " + broken + " --dry-run=false",
		} {
			if format != report.FormatHTML {
				want = strings.ReplaceAll(want, "&amp;", "&")
			}
			if format == report.FormatJSON {
				want = strings.ReplaceAll(want, "&", `\u0026`)
			}
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("the %s report does not say %q", format, want)
			}
		}
	}
}

// TestReportUnreadableAccountNotProven checks that the report fails
// closed: an account whose resources cannot be listed makes the verdict
// "not proven", never compliant, and says which and why.
func TestReportUnreadableAccountNotProven(t *testing.T) {
	t.Parallel()
	const unreadable = "444444444444"
	// Four days: the weekly development tier has run once (Sunday).
	srv, sp, fleet := emulatedOrg(t, 4, 0)
	srv.AddFault(emulator.Fault{Service: "tagging", Operation: "GetResources", Account: unreadable, ErrorRate: 1})
	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 2), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if rep.Compliant() || rep.Verdict.Status != report.VerdictNotProven {
		t.Errorf("verdict %s (%s), want %s", rep.Verdict.Status, rep.Verdict.Headline, report.VerdictNotProven)
	}
	var finding bool
	for _, f := range rep.Findings {
		if f.Code == "not-proven" && f.Subject == unreadable+"/us-east-1" && f.Severity == report.SeverityFail {
			finding = true
		}
	}
	if !finding {
		t.Errorf("no not-proven finding for %s: %+v", unreadable, rep.Findings)
	}
	seen := 0
	for _, r := range rep.Resources {
		if r.Account == unreadable {
			seen++ // known from its jobs, listed organization-wide
		}
		if r.Account == unreadable && r.Status != report.StatusNotProven {
			t.Errorf("%s in the unreadable account is %s: %v", r.ARN, r.Status, r.Reasons)
		}
		if r.Account != unreadable && r.Tier != "" && r.Status != report.StatusCompliant {
			t.Errorf("%s is %s: %v", r.ARN, r.Status, r.Reasons)
		}
	}
	if seen == 0 {
		t.Errorf("no resource of %s in the report", unreadable)
	}
}

// TestReportNoncompliantOnTime checks issue 13's second condition: with
// the example's daily production tier (rpo 36h), a resource whose newest
// good backup is older than the objective is non-compliant as soon as it
// is, not a week later. Its last backup ran at 02:00 on the 2nd; the
// role is deleted at midnight, so the 3rd's run fails.
func TestReportNoncompliantOnTime(t *testing.T) {
	t.Parallel()
	const broken = "333333333333"
	tests := map[string]struct {
		after time.Duration // after midnight on the 3rd
		want  string
	}{
		"35h after the last backup": {13 * time.Hour, report.StatusCompliant},
		"37h after the last backup": {15 * time.Hour, report.StatusNoncompliant},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, sp, fleet := emulatedOrg(t, 2, 0)
			emutest.DeleteRole(t, srv.Config(broken, sp.Organization.Regions.Primary), sp.Local.BackupRole)
			advance(t, srv, sp, tc.after)
			inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 1), func(o *report.Options) {
				o.MonitoringAccount = sp.Organization.ManagementAccount
			})
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			rep, err := report.Evaluate(sp, inv)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			n := 0
			for _, r := range rep.Resources {
				if r.Account != broken || r.Tier != "production" {
					continue
				}
				n++
				if r.Status != tc.want {
					t.Errorf("%s: %s, want %s; reasons %v", r.ARN, r.Status, tc.want, r.Reasons)
				}
			}
			if n == 0 {
				t.Fatalf("no production resource of %s", broken)
			}
			// The failed run is a failing finding either way.
			if rep.Compliant() {
				t.Errorf("verdict %s with the backup role gone", rep.Verdict.Status)
			}
		})
	}
}
