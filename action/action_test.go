package action

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestPullRequestPlan(t *testing.T) {
	f := newFixture(t)
	// A user quoting the marker must not be taken for the plan comment.
	f.gh.addComment(7, "mallory", "User", "<!-- orgbackup-plan fingerprint="+strings.Repeat("0", 64)+" -->\nfake")
	f.pullRequest(7, "Back up production", testRepo)
	r := f.run(map[string]string{"role-to-assume": f.plan, "allowed-account-ids": testManagement})
	if r.err != nil {
		t.Fatalf("Run: %v\n%s", r.err, r.stdout)
	}
	if r.res.Mode != ModePlan {
		t.Errorf("Mode = %s, want plan", r.res.Mode)
	}
	if m := mutatingCalls(f.srv); len(m) > 0 {
		t.Errorf("planning made mutating calls: %v", m)
	}
	o := r.outputs
	if o[OutHasChanges] != "true" || o[OutToCreate] == "0" || o[OutToDelete] != "0" || !hex64.MatchString(o[OutPlanFingerprint]) {
		t.Errorf("outputs = %v", o)
	}
	if _, ok := o[OutFailureReason]; ok {
		t.Errorf("failure-reason set on success: %q", o[OutFailureReason])
	}
	for _, k := range []string{OutPlanJSONPath, OutPlanMarkdownPath} {
		if !strings.HasPrefix(o[k], f.dir) {
			t.Errorf("%s = %q, want a file under RUNNER_TEMP", k, o[k])
		}
	}
	if !strings.Contains(r.summary, "### orgbackup plan") || !strings.Contains(r.summary, o[OutPlanFingerprint]) {
		t.Errorf("step summary lacks the plan:\n%.500s", r.summary)
	}
	cs := f.gh.comments[7]
	if len(cs) != 2 || f.gh.posts != 1 {
		t.Fatalf("comments = %d (posts %d), want the user's and one plan comment", len(cs), f.gh.posts)
	}
	if got := markerFingerprint(cs[1].Body); got != o[OutPlanFingerprint] {
		t.Errorf("comment marker fingerprint = %q, want %q", got, o[OutPlanFingerprint])
	}
	if len(cs[1].Body) > commentMaxBytes {
		t.Errorf("comment is %d bytes, more than %d", len(cs[1].Body), commentMaxBytes)
	}
	if cs[0].Body != "<!-- orgbackup-plan fingerprint="+strings.Repeat("0", 64)+" -->\nfake" {
		t.Errorf("the user's comment was changed")
	}

	// A second run after the spec changed updates the same comment.
	src := strings.Replace(readFile(t, f.spec), "cost-center: platform", "cost-center: backup", 1)
	f.writeSpec(src)
	r2 := f.run(map[string]string{"role-to-assume": f.plan})
	if r2.err != nil {
		t.Fatalf("second Run: %v", r2.err)
	}
	if r2.outputs[OutPlanFingerprint] == o[OutPlanFingerprint] {
		t.Fatalf("the spec change did not change the plan")
	}
	cs = f.gh.comments[7]
	if len(cs) != 2 || f.gh.posts != 1 || f.gh.patches != 1 {
		t.Fatalf("after the second run: %d comments, %d posts, %d patches; want 2, 1, 1", len(cs), f.gh.posts, f.gh.patches)
	}
	if got := markerFingerprint(cs[1].Body); got != r2.outputs[OutPlanFingerprint] {
		t.Errorf("updated comment fingerprint = %q, want %q", got, r2.outputs[OutPlanFingerprint])
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPushApplies(t *testing.T) {
	f := newFixture(t)
	f.push("c0ffee")
	r := f.run(map[string]string{"role-to-assume": f.apply, "acknowledge-irreversible": "true"})
	if r.err != nil {
		t.Fatalf("Run: %v\n%s", r.err, r.stdout)
	}
	if r.res.Mode != ModeApply || r.res.Applied == nil {
		t.Fatalf("Mode = %s, Applied = %v; want apply to have run", r.res.Mode, r.res.Applied)
	}
	if applied, failed, skipped := r.res.Applied.Counts(); applied == 0 || failed+skipped > 0 {
		t.Errorf("apply: %d applied, %d failed, %d skipped", applied, failed, skipped)
	}
	if len(mutatingCalls(f.srv)) == 0 {
		t.Errorf("apply made no mutating call")
	}
	// Converged: planning again finds nothing to do.
	f.pullRequest(8, "noop", testRepo)
	r2 := f.run(map[string]string{"role-to-assume": f.plan, "comment": "changes-only"})
	if r2.err != nil {
		t.Fatalf("plan after apply: %v", r2.err)
	}
	if r2.outputs[OutHasChanges] != "false" {
		t.Errorf("has-changes after apply = %q, want false", r2.outputs[OutHasChanges])
	}
	if len(f.gh.comments[8]) != 0 {
		t.Errorf("comment: changes-only commented on a plan without changes")
	}
}

func TestApplyRefused(t *testing.T) {
	tests := map[string]struct {
		setup  func(f *fixture)
		inputs func(f *fixture) map[string]string
		reason string
	}{
		"apply on pull_request": {
			setup: func(f *fixture) { f.pullRequest(9, "apply please", testRepo) },
			inputs: func(f *fixture) map[string]string {
				return map[string]string{"mode": "apply", "role-to-assume": f.apply}
			},
			reason: reasonApplyNotAllowed,
		},
		"apply on push to another branch": {
			setup: func(f *fixture) {
				f.push("abc")
				f.env["GITHUB_REF"] = "refs/heads/feature"
			},
			inputs: func(f *fixture) map[string]string {
				return map[string]string{"mode": "apply", "role-to-assume": f.apply}
			},
			reason: reasonApplyNotAllowed,
		},
		"irreversible changes without acknowledgement": {
			setup:  func(f *fixture) { f.push("abc") },
			inputs: func(f *fixture) map[string]string { return map[string]string{"role-to-assume": f.apply} },
			reason: reasonRefused,
		},
		"account not allowed": {
			setup: func(f *fixture) { f.push("abc") },
			inputs: func(f *fixture) map[string]string {
				return map[string]string{"role-to-assume": f.apply, "allowed-account-ids": "999999999999"}
			},
			reason: reasonAccountNotAllowed,
		},
		"plan role cannot be assumed on push": {
			setup:  func(f *fixture) { f.push("abc") },
			inputs: func(f *fixture) map[string]string { return map[string]string{"role-to-assume": f.plan} },
			reason: reasonCredentials,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			tc.setup(f)
			r := f.run(tc.inputs(f))
			if r.err == nil {
				t.Fatalf("Run succeeded, want %s", tc.reason)
			}
			if got := r.outputs[OutFailureReason]; !strings.HasPrefix(got, tc.reason+":") {
				t.Errorf("failure-reason = %q, want %s", got, tc.reason)
			}
			if m := mutatingCalls(f.srv); len(m) > 0 {
				t.Errorf("refused run made mutating calls: %v", m)
			}
			if !strings.Contains(r.stdout, "::error::orgbackup: "+tc.reason) {
				t.Errorf("no error annotation for %s in:\n%s", tc.reason, r.stdout)
			}
		})
	}
}

func TestRequireReviewedPlan(t *testing.T) {
	for name, changeSpec := range map[string]bool{"matching plan applies": false, "different plan refused": true} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.pullRequest(11, "Back up", testRepo)
			pr := f.run(map[string]string{"role-to-assume": f.plan})
			if pr.err != nil {
				t.Fatalf("PR plan: %v", pr.err)
			}
			merged := "2026-01-02T00:00:00Z"
			f.gh.pulls["m3rged"] = []map[string]any{{"number": 11, "merged_at": merged, "merge_commit_sha": "m3rged", "base": map[string]any{"ref": "main"}}}
			if changeSpec {
				f.writeSpec(strings.Replace(readFile(t, f.spec), "cost-center: platform", "cost-center: other", 1))
			}
			f.srv.ResetCallStats()
			f.push("m3rged")
			r := f.run(map[string]string{"role-to-assume": f.apply, "require-reviewed-plan": "true", "acknowledge-irreversible": "true"})
			if !changeSpec {
				if r.err != nil {
					t.Fatalf("apply of the reviewed plan: %v", r.err)
				}
				if r.outputs[OutPlanFingerprint] != pr.outputs[OutPlanFingerprint] || r.res.Applied == nil {
					t.Errorf("reviewed plan not applied")
				}
				return
			}
			if r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonReviewMismatch+":") {
				t.Fatalf("Run = %v, failure-reason %q; want %s", r.err, r.outputs[OutFailureReason], reasonReviewMismatch)
			}
			if m := mutatingCalls(f.srv); len(m) > 0 {
				t.Errorf("refused apply made mutating calls: %v", m)
			}
		})
	}
}

func TestMissingIDToken(t *testing.T) {
	tests := map[string]struct {
		head string
		want string
	}{
		"fork":            {head: "mallory/infra", want: "comes from a fork"},
		"same repository": {head: testRepo, want: "id-token: write"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.pullRequest(3, "x", tc.head)
			delete(f.env, "ACTIONS_ID_TOKEN_REQUEST_URL")
			delete(f.env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
			r := f.run(map[string]string{"role-to-assume": f.plan})
			if r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonNoIDToken+":") {
				t.Fatalf("Run = %v, failure-reason %q", r.err, r.outputs[OutFailureReason])
			}
			if !strings.Contains(r.err.Error(), tc.want) || !strings.Contains(r.summary, tc.want) {
				t.Errorf("message %q (summary %q) does not say %q", r.err, r.summary, tc.want)
			}
			if len(f.srv.CallStats()) > 0 {
				t.Errorf("AWS was called without credentials")
			}
		})
	}
}

func TestInjectionThroughPullRequestText(t *testing.T) {
	f := newFixture(t)
	evil := "x\nhas-changes=false\n" + fileCommandDelimiter + "\nplan-fingerprint=evil\n::error::owned\n::add-mask::plan"
	f.pullRequest(5, evil, testRepo)
	f.env["GITHUB_HEAD_REF"] = evil
	r := f.run(map[string]string{"role-to-assume": f.plan})
	if r.err != nil {
		t.Fatalf("Run: %v", r.err)
	}
	var keys []string
	for k := range r.outputs {
		keys = append(keys, k)
	}
	want := []string{OutHasChanges, OutToCreate, OutToUpdate, OutToDelete, OutHasDestructiveChanges, OutPlanFingerprint, OutPlanJSONPath, OutPlanMarkdownPath}
	if diff := cmp.Diff(sorted(want), sorted(keys)); diff != "" {
		t.Errorf("output names (-want +got):\n%s", diff)
	}
	if r.outputs[OutHasChanges] != "true" || !hex64.MatchString(r.outputs[OutPlanFingerprint]) {
		t.Errorf("outputs tampered: %v", r.outputs)
	}

	// The spec is the pull request's too: a value the spec errors quote.
	f.writeSpec(strings.Replace(readFile(t, f.spec), "cost-center: platform", "cost-center: "+quoteYAML(evil), 1))
	r = f.run(map[string]string{"role-to-assume": f.plan})
	if r.err == nil {
		t.Fatalf("Run accepted a tag value with line breaks")
	}
	if diff := cmp.Diff(map[string]string{OutFailureReason: reasonSpec + ": " + reasonText[reasonSpec]}, r.outputs); diff != "" {
		t.Errorf("outputs of the failed run (-want +got):\n%s", diff)
	}
	if strings.Contains(r.stdout, "\n::error::owned") || strings.Contains(r.stdout, "\n::add-mask::plan") {
		t.Errorf("spec text issued a workflow command:\n%s", r.stdout)
	}
}

func quoteYAML(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func TestSpecErrorsAnnotated(t *testing.T) {
	f := newFixture(t)
	f.pullRequest(4, "bad", testRepo)
	f.writeSpec(strings.Replace(readFile(t, f.spec), "version: 1", "version: 1\nbogus_key: 3", 1))
	r := f.run(map[string]string{"mode": "validate"})
	if r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonSpec+":") {
		t.Fatalf("Run = %v, failure-reason %q", r.err, r.outputs[OutFailureReason])
	}
	re := regexp.MustCompile(`(?m)^::error (?:[a-z]+=[^,:]*,)*file=` + regexp.QuoteMeta(escapeProp(f.spec)) + `,line=\d+,col=\d+[^:]*::.*bogus_key`)
	re2 := regexp.MustCompile(`(?m)^::error .*file=` + regexp.QuoteMeta(escapeProp(f.spec)) + `.*line=\d+.*::.*bogus_key`)
	if !re.MatchString(r.stdout) && !re2.MatchString(r.stdout) {
		t.Errorf("no annotation on the spec file in:\n%s", r.stdout)
	}
	if len(f.srv.CallStats()) > 0 {
		t.Errorf("validate called AWS")
	}
}

// escapeProp escapes a workflow command property as go-githubactions does.
func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
