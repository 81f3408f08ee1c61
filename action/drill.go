package action

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

// drillSeed is the seed of pick sample: the month of the run, so a monthly
// drill samples other resources each month and a re-run within the month
// samples the same ones.
func (r *runner) drillSeed() string {
	return "orgbackup/" + r.opts.Clock().UTC().Format("2006-01")
}

// drill restores the chosen resources of the tiers from their local
// vaults (recovery.Drill), writes the evidence as drill.json and drill.md,
// puts the Markdown in the step summary, and fails when a restore failed
// or a tier's measured RTO is over its objective.
func (r *runner) drill(ctx context.Context, sp *spec.Spec, src *crossaccount.Fleet) error {
	names := sp.TierNames()
	for _, tier := range r.in.DrillTiers {
		if !slices.Contains(names, tier) {
			return fail(reasonInputs, fmt.Errorf("input drill-tiers: the spec has no tier %q (its tiers: %s)", tier, strings.Join(names, ", ")))
		}
	}
	topo, err := backup.DiscoverTopology(ctx, sp, src)
	if err != nil {
		return fail(reasonDrill, err)
	}
	accounts, err := sp.TierAccountsIn(topo, r.in.DrillTiers)
	if err != nil {
		return fail(reasonDrill, err)
	}
	seed := r.drillSeed()
	rep, err := recovery.Drill(ctx, sp, src, accounts, func(d *recovery.DrillOptions) {
		d.Tiers, d.Pick, d.N, d.Seed = r.in.DrillTiers, r.in.DrillPick, r.in.DrillN, seed
		d.Concurrency = r.in.DrillConcurrency
		d.Now = r.opts.Clock
		d.Sleep = r.opts.Sleep
		d.Cleanup = r.opts.DrillCleanup
		d.Progress = func(res recovery.DrillResult) {
			// Untrusted text (ARNs, AWS's errors) goes through logText.
			r.logText(fmt.Sprintf("drill: %s %s %s: %s %s", res.Tier, res.Account, res.Source, res.Outcome, strings.TrimSpace(res.RTO.String()+" "+res.Error)))
		}
	})
	if err != nil {
		return fail(reasonDrill, err)
	}
	r.res.Drill = rep

	dir, err := os.MkdirTemp(r.opts.TempDir, "orgbackup-drill-")
	if err != nil {
		return fail(reasonDrill, fmt.Errorf("creating the drill directory: %w", err))
	}
	jsonPath, mdPath := filepath.Join(dir, "drill.json"), filepath.Join(dir, "drill.md")
	if err := writeFile(jsonPath, func(f *os.File) error { return rep.JSON(f) }); err != nil {
		return fail(reasonDrill, err)
	}
	if err := writeFile(mdPath, func(f *os.File) error { return rep.Markdown(f) }); err != nil {
		return fail(reasonDrill, err)
	}
	passed, failed := 0, 0
	for _, t := range rep.Tiers {
		passed += t.Passed
		failed += t.Failed
	}
	var missed []string
	for _, t := range rep.Tiers {
		if !t.Met {
			missed = append(missed, t.Tier)
		}
	}
	// A drill that restored nothing proves no objective.
	met := len(rep.Results) > 0 && len(missed) == 0
	out := r.res.Outputs
	out[OutDrillDir] = dir
	out[OutDrillJSONPath] = jsonPath
	out[OutDrillMarkdownPath] = mdPath
	out[OutTiersMet] = strconv.FormatBool(met)
	out[OutRestoresPassed] = strconv.Itoa(passed)
	out[OutRestoresFailed] = strconv.Itoa(failed)

	pick := r.in.DrillPick
	if pick != recovery.PickAll {
		pick += " " + strconv.Itoa(r.in.DrillN) + " per tier"
	}
	if r.in.DrillPick == recovery.PickSample {
		pick += ", seed " + seed
	}
	fmt.Fprintf(&r.summary, "Resources picked: %s. The evidence is in the drill-json-path and drill-markdown-path files of this step.\n\n", pick)
	if err := rep.Markdown(&r.summary); err != nil {
		return fail(reasonDrill, err)
	}
	left := 0
	for _, res := range rep.Results {
		if res.Restored != "" && !res.CleanedUp {
			left++
		}
	}
	if left > 0 {
		r.gha.Warningf("orgbackup: drill: %d restored resource(s) were left in place; delete them (see the Cleaned up column of the job summary)", left)
	}
	switch {
	case len(rep.Results) == 0:
		return fail(reasonDrillMissed, errors.New("the drill restored nothing: no tier has a protected resource in its local vaults"))
	case len(missed) > 0:
		return fail(reasonDrillMissed, fmt.Errorf("%d restore(s) passed, %d failed; tier(s) %s missed their objective", passed, failed, strings.Join(missed, ", ")))
	}
	return nil
}
