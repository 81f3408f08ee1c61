package action

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWorkflowDispatch checks that mode auto applies a dispatched run only
// when its apply input is true, plans otherwise, and says which first in
// the step summary.
func TestWorkflowDispatch(t *testing.T) {
	tests := map[string]struct {
		inputs  map[string]any // the event payload's inputs; nil for none
		ref     string
		mode    string // the mode input; "" for auto
		want    Mode
		summary string
		reason  string // failure-reason, "" for success
	}{
		"apply true":          {inputs: map[string]any{"apply": "true"}, want: ModeApply, summary: "> orgbackup **apply**: the workflow was dispatched with apply true."},
		"apply boolean true":  {inputs: map[string]any{"apply": true}, want: ModeApply, summary: "> orgbackup **apply**: the workflow was dispatched with apply true."},
		"apply false":         {inputs: map[string]any{"apply": "false"}, want: ModePlan, summary: "> orgbackup **plan**: the workflow was dispatched without apply true, so nothing is applied"},
		"no inputs":           {want: ModePlan, summary: "> orgbackup **plan**: the workflow was dispatched without apply true"},
		"not a boolean":       {inputs: map[string]any{"apply": "yes please"}, want: ModePlan, summary: "**plan**"},
		"mode input wins":     {inputs: map[string]any{"apply": "true"}, mode: "plan", want: ModePlan, summary: "> orgbackup **plan**: the mode input is plan."},
		"apply on a branch":   {inputs: map[string]any{"apply": "true"}, ref: "refs/heads/feature", want: ModeApply, reason: reasonApplyNotAllowed},
		"other input ignored": {inputs: map[string]any{"applied": "true"}, want: ModePlan, summary: "**plan**"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			ref := tc.ref
			if ref == "" {
				ref = "refs/heads/main"
			}
			payload := map[string]any{
				"ref":        ref,
				"repository": map[string]any{"full_name": testRepo, "default_branch": "main"},
			}
			if tc.inputs != nil {
				payload["inputs"] = tc.inputs
			}
			f.event("workflow_dispatch", ref, "d15a7c4", payload)
			f.sub = "repo:" + testRepo + ":environment:production"
			in := map[string]string{"role-to-assume": f.apply, "acknowledge-irreversible": "true"}
			if tc.mode != "" {
				in["mode"] = tc.mode
			}
			r := f.run(in)
			if r.res.Mode != tc.want {
				t.Errorf("Mode = %s, want %s", r.res.Mode, tc.want)
			}
			if tc.reason != "" {
				if r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], tc.reason+":") {
					t.Fatalf("Run = %v, failure-reason %q; want %s", r.err, r.outputs[OutFailureReason], tc.reason)
				}
				if m := mutatingCalls(f.srv); len(m) > 0 {
					t.Errorf("refused run made mutating calls: %v", m)
				}
				return
			}
			if r.err != nil {
				t.Fatalf("Run: %v\n%s", r.err, r.stdout)
			}
			applied := len(mutatingCalls(f.srv)) > 0
			if applied != (tc.want == ModeApply) || (r.res.Applied != nil) != (tc.want == ModeApply) {
				t.Errorf("mode %s: mutating calls %v, Applied %v", tc.want, applied, r.res.Applied != nil)
			}
			if !strings.HasPrefix(r.summary, "> orgbackup **") || !strings.Contains(r.summary, tc.summary) {
				t.Errorf("step summary does not start by saying %q:\n%.300s", tc.summary, r.summary)
			}
		})
	}
}

func TestDispatchApply(t *testing.T) {
	t.Parallel()
	for payload, want := range map[string]bool{
		`{}`:                           false,
		`{"inputs":{}}`:                false,
		`{"inputs":{"apply":"true"}}`:  true,
		`{"inputs":{"apply":"TRUE"}}`:  true,
		`{"inputs":{"apply":true}}`:    true,
		`{"inputs":{"apply":"1 "}}`:    false,
		`{"inputs":{"apply":1}}`:       false,
		`{"inputs":{"apply":null}}`:    false,
		`{"inputs":{"apply":"false"}}`: false,
	} {
		var ev event
		if err := json.Unmarshal([]byte(payload), &ev); err != nil {
			t.Fatal(err)
		}
		if got := ev.dispatchApply(); got != want {
			t.Errorf("%s: dispatchApply = %v, want %v", payload, got, want)
		}
	}
}
