package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

const exampleSpec = "../examples/central-backup/backup.yaml"

// emulatedOrg applies the example spec to an emulated organization, adds
// tagged resources and lets virtual time run for days.
func emulatedOrg(t testing.TB, days, extra int) (*emulator.Server, *spec.Spec, *crossaccount.Fleet) {
	t.Helper()
	sp, err := spec.Load(exampleSpec)
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	base := srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	fleet := func(ro bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = ro
			o.RatePerSecond = -1
		})
	}
	ctx := context.Background()
	p, err := backup.PlanChanges(ctx, sp, fleet(true))
	if err != nil {
		t.Fatalf("PlanChanges: %v", err)
	}
	res, err := backup.Apply(ctx, fleet(false), p, func(o *backup.ApplyOptions) { o.AcknowledgeIrreversible = true })
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err := res.Err(); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for _, r := range []struct {
		account, tier string
		typ           emulator.ResourceType
	}{
		{"333333333333", "production", emulator.RDSInstance},
		{"333333333334", "production", emulator.DynamoDBTable},
		{"444444444444", "staging", emulator.EFSFileSystem},
		{"555555555555", "development", emulator.DynamoDBTable},
		{"555555555555", "experimental", emulator.DynamoDBTable},
	} {
		if arn := srv.AddResource(r.account, "us-east-1", r.typ, "", map[string]string{"backup-tier": r.tier}, 2<<30); arn == "" {
			t.Fatalf("AddResource(%s, %s) failed", r.account, r.typ)
		}
	}
	for _, account := range []string{"333333333333", "333333333334", "444444444444", "555555555555"} {
		tier := map[string]string{"333333333333": "production", "333333333334": "production", "444444444444": "staging", "555555555555": "development"}[account]
		for range extra {
			srv.AddResource(account, "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": tier}, 1<<30)
		}
	}
	advance(t, srv, sp, time.Duration(days)*24*time.Hour)
	return srv, sp, fleet(true)
}

func TestCollectFromEmulator(t *testing.T) {
	t.Parallel()
	srv, sp, fleet := emulatedOrg(t, 8, 0)
	window := report.LastDays(srv.Now(), 8)
	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), window, func(o *report.Options) {
		// The emulator admits organization-wide job listing from the
		// management account only.
		o.MonitoringAccount = sp.Organization.ManagementAccount
		o.PageSize = 2 // exercise pagination
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	for _, w := range inv.Warnings {
		t.Errorf("collection warning: %s", w)
	}
	byTier := map[string][]report.Resource{}
	for _, r := range rep.Resources {
		byTier[r.Tier] = append(byTier[r.Tier], r)
	}
	for _, tier := range []string{"production", "staging", "development"} {
		if len(byTier[tier]) == 0 {
			t.Errorf("no %s resource in the report", tier)
		}
		for _, r := range byTier[tier] {
			if r.JobsCompleted == 0 || r.LastBackup == nil || !r.RPOMet {
				t.Errorf("%s resource %s: %d jobs completed, last backup %v, RPO met %t; reasons %v", tier, r.ARN, r.JobsCompleted, r.LastBackup, r.RPOMet, r.Reasons)
			}
			if r.WarmBytes == 0 {
				t.Errorf("%s resource %s has no stored bytes", tier, r.ARN)
			}
		}
	}
	for _, r := range byTier["production"] {
		if r.CentralCopy != report.CopyOK || r.SecondaryCopy != report.CopyOK {
			t.Errorf("production resource %s: central %s, secondary %s; reasons %v", r.ARN, r.CentralCopy, r.SecondaryCopy, r.Reasons)
		}
	}
	if got := len(byTier[""]); got != 1 || byTier[""][0].Status != report.StatusUntiered {
		t.Errorf("untiered resources = %+v, want the experimental table", byTier[""])
	}
	// Daily tiers run every day: eight days of jobs for production.
	var prodRow *report.HeatmapRow
	for i := range rep.Heatmap.Rows {
		if rep.Heatmap.Rows[i].Account == "333333333333" {
			prodRow = &rep.Heatmap.Rows[i]
		}
	}
	if prodRow == nil {
		t.Fatalf("heat map has no row for 333333333333: %+v", rep.Heatmap)
	}
	days := 0
	for _, c := range prodRow.Cells {
		if c.Completed > 0 {
			days++
		}
	}
	if days < 7 {
		t.Errorf("production account has completed jobs on %d days of %d: %+v", days, len(prodRow.Cells), prodRow.Cells)
	}
	for _, v := range rep.Vaults {
		if v.Role == "central" && !v.Locked {
			t.Errorf("central vault %s/%s is not locked", v.Account, v.Region)
		}
	}
	var md strings.Builder
	if err := report.Markdown(&md, rep, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("report:\n%s", md.String())
}

// BenchmarkCollectEmulator collects and evaluates through the emulator over
// HTTP with real SDK clients: 4 workload accounts with 25 resources each
// after 30 days of virtual time.
func BenchmarkCollectEmulator(b *testing.B) {
	srv, sp, fleet := emulatedOrg(b, 30, 25)
	window := report.LastDays(srv.Now(), 30)
	var jobs int
	for b.Loop() {
		inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), window, func(o *report.Options) {
			o.MonitoringAccount = sp.Organization.ManagementAccount
		})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := report.Evaluate(sp, inv)
		if err != nil {
			b.Fatal(err)
		}
		jobs = rep.Summary.JobsCompleted + rep.Summary.JobsFailed + rep.Summary.CopiesCompleted + rep.Summary.CopiesFailed
	}
	b.ReportMetric(float64(jobs), "jobs")
}
