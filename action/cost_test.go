package action

import (
	"os"
	"strings"
	"testing"
)

// TestPullRequestCommentPricesChange applies the example spec with
// production's central copies kept 7 years, then plans 10 years in a pull
// request: the comment shows the steady-state monthly cost before and
// after, per tier (cost.TestPlanCostOfLongerRetention has the arithmetic).
func TestPullRequestCommentPricesChange(t *testing.T) {
	f := newFixture(t)
	src, err := os.ReadFile(f.spec)
	if err != nil {
		t.Fatal(err)
	}
	withCentral := func(central string) string {
		doc := strings.Replace(string(src), "    targets: [Production]\n", "    central_retention: "+central+"\n    targets: [Production]\n", 1)
		if doc == string(src) {
			t.Fatal("the example spec's production tier was not found")
		}
		return doc + "\ncost:\n  workloads:\n    - {tier: production, resource_type: RDS, count: 10, size_gb: 100}\n"
	}
	f.writeSpec(withCentral("7y"))
	f.push("c0ffee")
	if r := f.run(map[string]string{"role-to-assume": f.apply, "acknowledge-irreversible": "true"}); r.err != nil {
		t.Fatalf("apply: %v\n%s", r.err, r.stdout)
	}
	f.writeSpec(withCentral("10y"))
	f.pullRequest(9, "Keep production 10 years", testRepo)
	if r := f.run(map[string]string{"role-to-assume": f.plan}); r.err != nil {
		t.Fatalf("plan: %v\n%s", r.err, r.stdout)
	}
	cs := f.gh.comments[9]
	if len(cs) != 1 {
		t.Fatalf("%d comments, want the plan's", len(cs))
	}
	if !strings.Contains(cs[0].Body, "| production | 14,943.70 | 21,185.20 | +6,241.50 |") {
		t.Errorf("the comment does not price production's change:\n%s", cs[0].Body)
	}
}
