package cost

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// exampleSpec is the example spec (examples/central-backup/backup.yaml)
// with a cost section sizing its tiers, and production's central
// retention set to centralRetention when not empty.
func exampleSpec(t *testing.T, centralRetention string) *spec.Spec {
	t.Helper()
	b, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if centralRetention != "" {
		doc = strings.Replace(doc, "    targets: [Production]\n", "    central_retention: "+centralRetention+"\n    targets: [Production]\n", 1)
	}
	doc += `
cost:
  allocation_tag: business-unit
  workloads:
    - {tier: production, resource_type: RDS, count: 10, size_gb: 100, account: "333333333333", tags: {business-unit: payments}}
    - {tier: staging, resource_type: EBS, count: 4, size_gb: 200, tags: {business-unit: retail}}
    - {tier: development, resource_type: EC2, count: 5, size_gb: 50}
`
	s, err := spec.Parse("backup.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("spec.Parse() error:\n%v", err)
	}
	return s
}

// TestExampleSpecProduction prices the example spec's production tier
// from the spec: the figure of TestWorkedExampleProduction.
func TestExampleSpecProduction(t *testing.T) {
	t.Parallel()
	m, err := FromSpec(exampleSpec(t, ""), defaultPrices(t))
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.SteadyState()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, g := range e.By(ByTier) {
		got[g.Key] = cents(g.Monthly)
	}
	if got["production"] != 14943.70 {
		t.Errorf("production = %.2f a month, want 14943.70 (see TestWorkedExampleProduction)", got["production"])
	}
	// Staging: daily, 7 days local and 1 year central, EBS 200 GB at 2% a
	// day (4 GB increments), 4 volumes at 0.05:
	// local (200 + 6*4) * 4 * 0.05 = 44.80; central (200 + 364*4) * 4 *
	// 0.05 = 331.20.
	if got["staging"] != 376.00 {
		t.Errorf("staging = %.2f a month, want 376.00", got["staging"])
	}
	alloc := map[string]float64{}
	for _, g := range e.By(ByAllocation) {
		alloc[g.Key] = cents(g.Monthly)
	}
	if alloc["payments"] != 14943.70 || alloc["retail"] != 376.00 || alloc[Unallocated] != got["development"] {
		t.Errorf("By(ByAllocation) = %v", alloc)
	}
}

// policyChange returns the backup_policy change of the production tier
// from the live spec's policy to the wanted spec's, as package
// distribution plans it.
func policyChange(t *testing.T, live, want *spec.Spec) plan.Change {
	t.Helper()
	content := func(s *spec.Spec) map[string]json.RawMessage {
		p, err := s.TierPlan("production")
		if err != nil {
			t.Fatal(err)
		}
		docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{*p}, policy.CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]json.RawMessage{"content": docs[0]}
	}
	return plan.NewChange(plan.Address{Account: "111111111111", Region: "global", Kind: kindPolicy, Name: "orgbackup-production"},
		plan.Update, content(live), content(want), "the tier's backup policy or its tags differ from the spec")
}

// TestPlanCostOfLongerRetention: changing production's central retention
// from 7 to 10 years shows its monthly price in the plan's Markdown.
//
// At 10 years (3650 daily recovery points) each central and secondary
// vault holds 100 + 3649*3 = 11,047 GB per database, 110,470 GB for ten,
// 10,494.65 a month at 0.095; with the local vault (177.65) and transfer
// (18.25) production costs 2*10,494.65 + 177.65 + 18.25 = 21,185.20 a
// month, 6,241.50 more than the 14,943.70 of 7 years.
func TestPlanCostOfLongerRetention(t *testing.T) {
	t.Parallel()
	live, want := exampleSpec(t, ""), exampleSpec(t, "10y")
	p := &plan.Plan{Spec: want.Name, Changes: []plan.Change{policyChange(t, live, want)}}
	sum, err := PlanCost(p, want, defaultPrices(t))
	if err != nil {
		t.Fatalf("PlanCost() error = %v", err)
	}
	var prod plan.CostLine
	for _, l := range sum.Lines {
		if l.Name == "production" {
			prod = l
		}
		if l.Name != "production" && l.Before != l.After {
			t.Errorf("tier %s changed: %.2f → %.2f", l.Name, l.Before, l.After)
		}
	}
	if cents(prod.Before) != 14943.70 || cents(prod.After) != 21185.20 {
		t.Errorf("production %.2f → %.2f, want 14943.70 → 21185.20", prod.Before, prod.After)
	}
	if cents(sum.Delta()) != 6241.50 {
		t.Errorf("Delta() = %.2f, want 6241.50", sum.Delta())
	}
	p.Cost = sum
	var md bytes.Buffer
	if err := plan.Markdown(&md, p, plan.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"(+6,241.50).**",
		"| production | 14,943.70 | 21,185.20 | +6,241.50 |",
		"prices 2026-02-01 as of 2026-02-01",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
}

func TestPlanCostCreatedTier(t *testing.T) {
	t.Parallel()
	s := exampleSpec(t, "")
	create := plan.NewChange(plan.Address{Account: "111111111111", Region: "global", Kind: kindPolicy, Name: "orgbackup-staging"},
		plan.Create, nil, map[string]string{"name": "orgbackup-staging"}, "")
	p := &plan.Plan{Spec: s.Name, Changes: []plan.Change{create}}
	sum, err := PlanCost(p, s, defaultPrices(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sum.Lines {
		if l.Name == "staging" && (l.Before != 0 || cents(l.After) != 376.00) {
			t.Errorf("staging %.2f → %.2f, want 0 → 376.00", l.Before, l.After)
		}
		if l.Name == "production" && l.Before != l.After {
			t.Errorf("production changed without a change: %.2f → %.2f", l.Before, l.After)
		}
	}
}
