package action

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/recovery"
)

// TestDrillMode drills the production tier of the applied example spec:
// the volume's backup is restored, validated and cleaned up, the evidence
// written and summarised; a drill that cannot meet the objective fails.
func TestDrillMode(t *testing.T) {
	f, sp, vol := operated(t)
	f.opts = append(f.opts, func(o *Options) {
		o.DrillCleanup = func(_ context.Context, r recovery.DrillResult) error { return f.srv.RemoveResource(r.Restored) }
	})
	f.srv.Advance(26 * time.Hour) // the production plan's first backup

	// Pull requests never restore.
	f.pullRequest(12, "drill", testRepo)
	if r := f.run(map[string]string{"mode": "drill", "role-to-assume": f.plan}); r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonNotOnPullRequest+":") {
		t.Fatalf("drill on pull_request: %v, failure-reason %q; want %s", r.err, r.outputs[OutFailureReason], reasonNotOnPullRequest)
	}
	f.push("c0ffee")
	if r := f.run(map[string]string{"mode": "drill", "role-to-assume": f.apply, "drill-tiers": "nosuchtier"}); r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonInputs+":") {
		t.Errorf("drill of an unknown tier: %v, failure-reason %q; want %s", r.err, r.outputs[OutFailureReason], reasonInputs)
	}

	// A tier with nothing backed up proves no objective.
	empty := f.run(map[string]string{"mode": "drill", "role-to-assume": f.apply, "drill-tiers": "staging"})
	if empty.err == nil || !strings.HasPrefix(empty.outputs[OutFailureReason], reasonDrillMissed+":") || empty.outputs[OutTiersMet] != "false" || empty.outputs[OutRestoresPassed] != "0" {
		t.Errorf("drill of a tier with no backups: %v, outputs %v; want %s, tiers-met false, 0 passed", empty.err, empty.outputs, reasonDrillMissed)
	}

	f.srv.ResetCallStats()
	r := f.run(map[string]string{"mode": "drill", "role-to-assume": f.apply, "drill-tiers": "production", "drill-pick": "all"})
	if r.err != nil {
		t.Fatalf("drill: %v\n%s", r.err, r.stdout)
	}
	if r.res.Mode != ModeDrill || r.res.Drill == nil || len(r.res.Drill.Results) != 1 {
		t.Fatalf("Mode = %s, Drill = %+v; want one drilled resource", r.res.Mode, r.res.Drill)
	}
	res := r.res.Drill.Results[0]
	if res.Source != vol || res.Outcome != recovery.DrillPassed || !res.CleanedUp {
		t.Errorf("drilled %s: %s (%s), cleaned up %v; want %s passed and cleaned up", res.Source, res.Outcome, res.Error, res.CleanedUp, vol)
	}
	if n := callCount(f.srv, "StartRestoreJob"); n != 1 {
		t.Errorf("%d StartRestoreJob calls, want 1", n)
	}
	o := r.outputs
	if o[OutTiersMet] != "true" || o[OutRestoresPassed] != "1" || o[OutRestoresFailed] != "0" {
		t.Errorf("tiers-met %q, restores-passed %q, restores-failed %q; want true, 1, 0", o[OutTiersMet], o[OutRestoresPassed], o[OutRestoresFailed])
	}
	for out, name := range map[string]string{OutDrillJSONPath: "drill.json", OutDrillMarkdownPath: "drill.md"} {
		if p := o[out]; filepath.Dir(p) != o[OutDrillDir] || filepath.Base(p) != name || !strings.HasPrefix(p, f.dir) {
			t.Errorf("%s = %q, want %s in drill-dir %q under RUNNER_TEMP", out, p, name, o[OutDrillDir])
		}
	}
	var ev recovery.DrillReport
	if err := json.Unmarshal([]byte(readFile(t, o[OutDrillJSONPath])), &ev); err != nil {
		t.Fatalf("drill.json: %v", err)
	}
	if ev.Spec != sp.Name || len(ev.Tiers) != 1 || !ev.Tiers[0].Met || ev.Tiers[0].Max <= 0 || ev.Tiers[0].Max > ev.Tiers[0].Objective {
		t.Errorf("drill.json tiers %+v; want production met with a measured RTO", ev.Tiers)
	}
	md := readFile(t, o[OutDrillMarkdownPath])
	for _, want := range []string{"| production | 1 | 1 | 0 |", vol} {
		if !strings.Contains(md, want) || !strings.Contains(r.summary, want) {
			t.Errorf("drill.md or the summary lacks %q:\nsummary:\n%s", want, r.summary)
		}
	}
	if !strings.Contains(r.summary, "orgbackup **drill**") || !strings.Contains(r.summary, "drill-json-path") {
		t.Errorf("summary lacks the mode or the pointer to the evidence:\n%s", r.summary)
	}

	// An objective no restore can meet fails the step with its reason.
	src, err := os.ReadFile(f.spec)
	if err != nil {
		t.Fatal(err)
	}
	const prod = "    targets: [Production]\n"
	if !strings.Contains(string(src), prod) {
		t.Fatal("the example spec has no production targets line")
	}
	f.writeSpec(strings.Replace(string(src), prod, prod+"    rto: 1m\n", 1))
	missed := f.run(map[string]string{"mode": "drill", "role-to-assume": f.apply, "drill-tiers": "production", "drill-pick": "count", "drill-n": "1"})
	var failure *Failure
	if !errors.As(missed.err, &failure) || failure.Reason != reasonDrillMissed {
		t.Fatalf("drill over the objective: %v, want a %s failure\n%s", missed.err, reasonDrillMissed, missed.stdout)
	}
	if missed.outputs[OutTiersMet] != "false" || missed.outputs[OutRestoresPassed] != "1" || !strings.HasPrefix(missed.outputs[OutFailureReason], reasonDrillMissed+":") {
		t.Errorf("outputs %v; want tiers-met false, restores-passed 1 and the reason", missed.outputs)
	}
	if !strings.Contains(missed.summary, "**no**") || !strings.Contains(missed.summary, "orgbackup failed") {
		t.Errorf("summary lacks the missed objective or the failure:\n%s", missed.summary)
	}
}

func TestDrillInputs(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"pick":              {env: map[string]string{"INPUT_DRILL_PICK": "some"}, want: "input drill-pick"},
		"n zero":            {env: map[string]string{"INPUT_DRILL_N": "0"}, want: "input drill-n"},
		"n word":            {env: map[string]string{"INPUT_DRILL_N": "few"}, want: "input drill-n"},
		"concurrency zero":  {env: map[string]string{"INPUT_DRILL_CONCURRENCY": "0"}, want: "input drill-concurrency"},
		"concurrency large": {env: map[string]string{"INPUT_DRILL_CONCURRENCY": "101"}, want: "input drill-concurrency"},
		"tiers":             {env: map[string]string{"INPUT_DRILL_TIERS": "production,bad/name"}, want: "input drill-tiers"},
		"dry-run":           {env: map[string]string{"INPUT_MODE": "drill", "INPUT_DRY_RUN": "true"}, want: "input dry-run"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadInputs(func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadInputs = %v, want an error about %s", err, tc.want)
			}
		})
	}
	in, err := ReadInputs(func(k string) string { return map[string]string{"INPUT_MODE": "drill"}[k] })
	if err != nil || in.Mode != ModeDrill || in.DrillPick != recovery.PickSample || in.DrillN != 1 || in.DrillConcurrency != 5 || len(in.DrillTiers) != 0 {
		t.Errorf("defaults: ReadInputs = %+v, %v", in, err)
	}
	in, err = ReadInputs(func(k string) string {
		return map[string]string{"INPUT_MODE": "drill", "INPUT_DRILL_TIERS": "production, development", "INPUT_DRILL_PICK": "count", "INPUT_DRILL_N": "3", "INPUT_DRILL_CONCURRENCY": "20"}[k]
	})
	if err != nil || strings.Join(in.DrillTiers, "|") != "production|development" || in.DrillPick != recovery.PickCount || in.DrillN != 3 || in.DrillConcurrency != 20 {
		t.Errorf("ReadInputs = %+v, %v", in, err)
	}
}
