package action

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/spec"
)

func TestMarkerRoundTrip(t *testing.T) {
	t.Parallel()
	fp, dg := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for _, name := range []string{"central-backup", "prod eu", "x --> <!-- y", "a=b fingerprint=" + fp, "naïve/ünïcode+1"} {
		m := planMarker{Spec: name, Digest: dg, Fingerprint: fp}
		body := "<!-- " + m.text() + " -->\n### plan"
		if strings.Count(body, "-->") != 1 {
			t.Errorf("name %q ends the HTML comment early: %q", name, body)
		}
		got, ok := parseMarker(body)
		if !ok || got != m {
			t.Errorf("name %q: parsed %+v, %v; want %+v", name, got, ok, m)
		}
	}
	// A marker written before markers named the spec still parses.
	if got, ok := parseMarker("<!-- orgbackup-plan fingerprint=" + fp + " -->"); !ok || got != (planMarker{Fingerprint: fp}) {
		t.Errorf("legacy marker: %+v, %v", got, ok)
	}
	for _, bad := range []string{
		"<!-- orgbackup-plan spec=x fingerprint=" + fp + " -->",                        // spec without digest
		"<!-- orgbackup-plan spec=x digest=" + dg[:63] + " fingerprint=" + fp + " -->", // short digest
		"<!-- orgbackup-plan spec=%zz digest=" + dg + " fingerprint=" + fp + " -->",    // bad escape
		"text <!-- orgbackup-plan fingerprint=" + fp + " -->",                          // not at the start
	} {
		if m, ok := parseMarker(bad); ok {
			t.Errorf("parseMarker(%q) = %+v, want no marker", bad, m)
		}
	}
}

func TestPlanComment(t *testing.T) {
	t.Parallel()
	fp, dg := strings.Repeat("a", 64), strings.Repeat("b", 64)
	mk := func(id int64, typ, name, updated string) comment {
		c := comment{ID: id, Body: "<!-- " + planMarker{Spec: name, Digest: dg, Fingerprint: fp}.text() + " -->\nplan", UpdatedAt: updated}
		c.User.Type = typ
		return c
	}
	legacy := comment{ID: 9, Body: "<!-- orgbackup-plan fingerprint=" + fp + " -->\nold", UpdatedAt: "2026-01-09"}
	legacy.User.Type = "Bot"
	cs := []comment{
		mk(1, "Bot", "prod", "2026-01-01"),
		mk(2, "Bot", "staging", "2026-01-05"),
		mk(3, "User", "prod", "2026-01-07"), // quoted by a user
		mk(4, "Bot", "prod", "2026-01-03"),
		legacy,
	}
	tests := []struct {
		name   string
		legacy bool
		want   int64
	}{
		{"prod", false, 4},
		{"staging", true, 2},
		{"dev", false, 0},
		{"dev", true, 9},
	}
	for _, tt := range tests {
		c, m := planComment(cs, tt.name, tt.legacy)
		var got int64
		if c != nil {
			got = c.ID
		}
		if got != tt.want {
			t.Errorf("planComment(%s, legacy %v) = comment %d, want %d", tt.name, tt.legacy, got, tt.want)
		}
		if c != nil && c.ID != 9 && m.Spec != tt.name {
			t.Errorf("planComment(%s) marker names %q", tt.name, m.Spec)
		}
	}
}

// TestCommentPerSpec plans two specs in one pull request: each keeps its
// own comment, updated in place, and the comment of an earlier version
// (no spec in its marker) is taken over rather than left beside it.
func TestCommentPerSpec(t *testing.T) {
	f := newFixture(t)
	const pr = 12
	f.gh.addComment(pr, "github-actions[bot]", "Bot", "<!-- orgbackup-plan fingerprint="+strings.Repeat("0", 64)+" -->\nold plan")
	f.pullRequest(pr, "Two specs", testRepo)
	src := readFile(t, f.spec)
	first := f.spec
	second := filepath.Join(f.dir, "eu.yaml")
	f.spec = second
	f.writeSpec(strings.Replace(src, "name: central-backup", "name: central-backup-eu", 1))
	f.spec = first

	markers := func() map[string]planMarker {
		got := map[string]planMarker{}
		for _, c := range f.gh.comments[pr] {
			m, ok := parseMarker(c.Body)
			if !ok {
				t.Fatalf("comment %d has no marker: %.80q", c.ID, c.Body)
			}
			got[m.Spec] = m
		}
		return got
	}
	digest := func(path string) string {
		sp, err := spec.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return sp.Digest()
	}

	r1 := f.run(map[string]string{"role-to-assume": f.plan})
	if r1.err != nil {
		t.Fatalf("first spec: %v", r1.err)
	}
	if n := len(f.gh.comments[pr]); n != 1 || f.gh.posts != 0 || f.gh.patches != 1 {
		t.Fatalf("first spec: %d comments, %d posts, %d patches; want the old comment updated", n, f.gh.posts, f.gh.patches)
	}
	r2 := f.run(map[string]string{"role-to-assume": f.plan, "spec": second})
	if r2.err != nil {
		t.Fatalf("second spec: %v", r2.err)
	}
	if n := len(f.gh.comments[pr]); n != 2 || f.gh.posts != 1 {
		t.Fatalf("second spec: %d comments, %d posts; want a second comment", n, f.gh.posts)
	}
	m := markers()
	if got := m["central-backup"]; got.Digest != digest(first) || got.Fingerprint != r1.outputs[OutPlanFingerprint] {
		t.Errorf("first spec's marker %+v, want digest %s and fingerprint %s", got, digest(first), r1.outputs[OutPlanFingerprint])
	}
	if got := m["central-backup-eu"]; got.Digest != digest(second) || got.Fingerprint != r2.outputs[OutPlanFingerprint] {
		t.Errorf("second spec's marker %+v, want digest %s and fingerprint %s", got, digest(second), r2.outputs[OutPlanFingerprint])
	}

	// A change to the first spec updates its comment only.
	f.writeSpec(strings.Replace(src, "cost-center: platform", "cost-center: backup", 1))
	r3 := f.run(map[string]string{"role-to-assume": f.plan})
	if r3.err != nil {
		t.Fatalf("first spec again: %v", r3.err)
	}
	if n := len(f.gh.comments[pr]); n != 2 || f.gh.posts != 1 || f.gh.patches != 2 {
		t.Fatalf("first spec again: %d comments, %d posts, %d patches; want 2, 1, 2", n, f.gh.posts, f.gh.patches)
	}
	m2 := markers()
	if m2["central-backup"].Fingerprint != r3.outputs[OutPlanFingerprint] || m2["central-backup"].Digest != digest(first) {
		t.Errorf("first spec's comment not updated: %+v", m2["central-backup"])
	}
	if m2["central-backup-eu"] != m["central-backup-eu"] {
		t.Errorf("second spec's comment changed: %+v", m2["central-backup-eu"])
	}
}

// TestReviewOfAnotherSpec checks that require-reviewed-plan takes only the
// comment for the spec being applied as its review: a pull request that
// planned another spec reviewed nothing of this one.
func TestReviewOfAnotherSpec(t *testing.T) {
	f := newFixture(t)
	first := f.spec
	f.spec = filepath.Join(f.dir, "eu.yaml")
	f.writeSpec(strings.Replace(readFile(t, first), "name: central-backup", "name: central-backup-eu", 1))
	f.pullRequest(13, "EU only", testRepo)
	if r := f.run(map[string]string{"role-to-assume": f.plan, "spec": f.spec}); r.err != nil {
		t.Fatalf("PR plan: %v", r.err)
	}
	f.gh.pulls["m3rged"] = []map[string]any{{"number": 13, "merged_at": "2026-01-02T00:00:00Z", "merge_commit_sha": "m3rged", "base": map[string]any{"ref": "main"}}}
	f.srv.ResetCallStats()
	f.push("m3rged")
	r := f.run(map[string]string{"role-to-assume": f.apply, "spec": first, "require-reviewed-plan": "true", "acknowledge-irreversible": "true"})
	if r.err == nil || !strings.HasPrefix(r.outputs[OutFailureReason], reasonNoReview+":") || !strings.Contains(r.err.Error(), `for spec "central-backup"`) {
		t.Fatalf("Run = %v, failure-reason %q; want %s naming the spec", r.err, r.outputs[OutFailureReason], reasonNoReview)
	}
	if m := mutatingCalls(f.srv); len(m) > 0 {
		t.Errorf("refused apply made mutating calls: %v", m)
	}
}
