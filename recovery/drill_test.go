package recovery_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/internal/emutest"
	"github.com/orgbackup/orgbackup/internal/orgtest"
	"github.com/orgbackup/orgbackup/recovery"
)

// emulatorDrill returns the drill options that run a drill on o's
// emulator: its clock, restored resources removed through its control.
func (o *testOrg) emulatorDrill(extra func(*recovery.DrillOptions)) func(*recovery.DrillOptions) {
	return func(d *recovery.DrillOptions) {
		d.Now = o.srv.Now
		d.Sleep = func(context.Context, time.Duration) error { o.srv.Advance(time.Minute); return nil }
		d.PollInterval = time.Minute
		d.Cleanup = func(_ context.Context, r recovery.DrillResult) error { return o.srv.RemoveResource(r.Restored) }
		if extra != nil {
			extra(d)
		}
	}
}

// TestDrill drills every tier: each resource restored from its local
// vault, validated, cleaned up, with its RTO measured; a tier whose
// account lost its restore role fails with AWS's reason.
func TestDrill(t *testing.T) {
	t.Parallel()
	o := newTestOrg(t)
	o.srv.AdvanceTo(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)) // development backs up on Sundays
	ctx := context.Background()
	accounts := map[string][]string{"production": {"333333333333", "333333333334"}, "development": {"555555555555"}}
	rep, err := recovery.Drill(ctx, o.sp, orgtest.Fleet(o.srv, o.sp, false), accounts, o.emulatorDrill(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d drilled resources, want 3 (RDS and EFS of production, RDS of development)", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Outcome != recovery.DrillPassed || !r.CleanedUp {
			t.Errorf("%s: outcome %s (%s), cleaned up %v", r.Source, r.Outcome, r.Error, r.CleanedUp)
		}
		if r.RTO < r.RestoreDuration || r.RestoreDuration < 10*time.Minute {
			t.Errorf("%s: RTO %s, restore %s; want RTO >= restore >= 10m", r.Source, r.RTO, r.RestoreDuration)
		}
		for _, res := range o.srv.Resources(r.Account, r.Region) {
			if res.ARN == r.Restored {
				t.Errorf("restored %s left after cleanup", r.Restored)
			}
		}
	}
	for _, tier := range rep.Tiers {
		if !tier.Met || tier.Max == 0 || tier.Max > tier.Objective {
			t.Errorf("tier %s: %+v, want met within its objective", tier.Tier, tier)
		}
	}
	var md, js bytes.Buffer
	if err := rep.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.JSON(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| production | 2 | 2 | 0 |") || !strings.Contains(js.String(), `"rto_ns"`) {
		t.Errorf("evidence lacks the production summary or RTOs:\n%s", md.String())
	}

	// Without the restore role, the development restore fails with the
	// cause AWS gives.
	emutest.DeleteRole(t, o.srv.Config("555555555555", "us-east-1"), "OrgBackupServiceRole")
	rep, err = recovery.Drill(ctx, o.sp, orgtest.Fleet(o.srv, o.sp, false), accounts, o.emulatorDrill(func(d *recovery.DrillOptions) { d.Tiers = []string{"development"} }))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tiers) != 1 || rep.Tiers[0].Met || len(rep.Failed()) != 1 || !strings.Contains(rep.Failed()[0], "cannot be assumed by AWS Backup") {
		t.Errorf("drill without the role: tiers %+v, failed %v; want development not met, the role named", rep.Tiers, rep.Failed())
	}
}

// TestIdealMakespan checks the ideal schedule the drill is held against.
func TestIdealMakespan(t *testing.T) {
	t.Parallel()
	m := time.Minute
	tests := map[string]struct {
		d           []time.Duration
		accounts    []string
		conc, per   int
		want, lower time.Duration
	}{
		"one slot":            {d: []time.Duration{10 * m, 20 * m}, conc: 1, want: 30 * m, lower: 30 * m},
		"two slots":           {d: []time.Duration{10 * m, 20 * m, 10 * m}, conc: 2, want: 20 * m, lower: 20 * m},
		"longest dominates":   {d: []time.Duration{60 * m, 5 * m, 5 * m}, conc: 3, want: 60 * m, lower: 60 * m},
		"in order, not best":  {d: []time.Duration{10 * m, 10 * m, 20 * m}, conc: 2, want: 30 * m, lower: 20 * m},
		"per account":         {d: []time.Duration{10 * m, 10 * m, 10 * m}, accounts: []string{"a", "a", "b"}, conc: 3, per: 1, want: 20 * m, lower: 10 * m},
		"per account, spread": {d: []time.Duration{10 * m, 10 * m}, accounts: []string{"a", "b"}, conc: 3, per: 1, want: 10 * m, lower: 10 * m},
	}
	for name, tc := range tests {
		if got := recovery.IdealMakespan(tc.d, tc.accounts, tc.conc, tc.per); got != tc.want {
			t.Errorf("%s: IdealMakespan = %s, want %s", name, got, tc.want)
		}
		if got := recovery.LowerBound(tc.d, tc.conc); got != tc.lower {
			t.Errorf("%s: LowerBound = %s, want %s", name, got, tc.lower)
		}
	}
}
