package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/recovery"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/restoretesting"
)

// simRestoreTesting plans and applies the restore testing kinds again,
// as the scheduled apply of a repository does the day after the first
// backups: restore testing selections name the protected resources the
// local vaults hold, which the first apply, before any backup, could not
// see. Only these kinds are applied, so that what a simulation broke
// after the first apply stays broken.
func simRestoreTesting(ctx context.Context, s *session, byTier map[string][]string, log io.Writer) error {
	kinds := map[string]plan.Kind{}
	for _, k := range restoretesting.Kinds() {
		kinds[k.Name] = k
	}
	applied := 0
	for _, tier := range slices.Sorted(maps.Keys(byTier)) {
		t, err := s.spec.Tier(tier)
		if err != nil {
			return err
		}
		for _, account := range byTier[tier] {
			for _, region := range s.spec.WorkloadRegions() {
				cfg, err := s.fleet.Config(ctx, account, region)
				if err != nil {
					return err
				}
				changes, err := restoretesting.PlanWorkload(ctx, cfg, t, account, region)
				if err != nil {
					return fmt.Errorf("planning restore testing of %s in %s: %w", account, region, err)
				}
				for _, c := range changes {
					if err := kinds[c.Kind].Apply(ctx, plan.ApplyEnv{Config: cfg, Now: s.clock()}, c); err != nil {
						return fmt.Errorf("applying %s: %w", c.Address, err)
					}
					applied++
				}
			}
		}
	}
	fmt.Fprintf(log, "  restore testing re-planned after the first backups: %d changes applied\n", applied)
	return nil
}

// simRecoverability adds the restore tests the simulation ran to rep.
func simRecoverability(ctx context.Context, s *session, byTier map[string][]string, rep *report.Report) error {
	ev, err := report.CollectRestores(ctx, s.spec, s.newFleet(true), byTier)
	if err != nil {
		return fmt.Errorf("collecting restore tests: %w", err)
	}
	rec, err := report.EvaluateRecoverability(s.spec, ev, s.srv.Now())
	if err != nil {
		return err
	}
	rep.AddRecoverability(rec)
	return nil
}

// simDrill drills every tier of the simulated organization at the end of
// the run, writes its evidence as drill.json and drill.md in out, prints
// the per-tier RTO and returns the paths written.
func simDrill(ctx context.Context, s *session, out string, w io.Writer) ([]string, error) {
	topo, err := backup.DiscoverTopology(ctx, s.spec, s.fleet)
	if err != nil {
		return nil, err
	}
	byTier, err := s.spec.TierAccounts(topo)
	if err != nil {
		return nil, err
	}
	rep, err := recovery.Drill(ctx, s.spec, s.fleet, byTier, func(d *recovery.DrillOptions) {
		d.Now, d.Sleep, d.PollInterval = s.srv.Now, s.sleep, time.Minute
		d.Cleanup = func(_ context.Context, r recovery.DrillResult) error { return s.srv.RemoveResource(r.Restored) }
	})
	if err != nil {
		return nil, fmt.Errorf("drilling: %w", err)
	}
	fmt.Fprintf(w, "\nDrill: %d restores in %s of virtual time (ideal %s).\n", len(rep.Results), rep.Elapsed, rep.Ideal)
	for _, t := range rep.Tiers {
		fmt.Fprintf(w, "  %s: %d of %d restored, RTO p50 %s, p95 %s, max %s, objective %s, met %v\n", t.Tier, t.Passed, t.Resources, t.P50, t.P95, t.Max, t.Objective, t.Met)
	}
	var paths []string
	for name, write := range map[string]func(io.Writer) error{"drill.json": rep.JSON, "drill.md": rep.Markdown} {
		path := filepath.Join(out, name)
		if err := writeFile(path, func(f *os.File) error { return write(f) }); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	slices.Sort(paths)
	return paths, nil
}
