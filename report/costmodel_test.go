package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/cost"
	"github.com/orgbackup/orgbackup/spec"
)

func TestEvaluateCost(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b) + `
cost:
  allocation_tag: business-unit
  workloads:
    - {tier: production, resource_type: RDS, count: 10, size_gb: 100, account: "333333333333", tags: {business-unit: payments}}
    - {tier: staging, resource_type: EBS, count: 4, size_gb: 200, account: "444444444444", tags: {business-unit: retail}}
`
	sp, err := spec.Parse("backup.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	prices, err := cost.DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	// The inventory holds 50 GiB in account 333333333333's local vault.
	inv := &Inventory{Resources: map[string]*ResourceData{"arn:db": {Account: "333333333333", Region: "us-east-1", LocalWarm: 50 << 30}}}
	c, err := EvaluateCost(sp, inv, prices)
	if err != nil {
		t.Fatal(err)
	}
	// Production 14,943.70 (cost.TestWorkedExampleProduction) + staging
	// 376.00 (cost.TestExampleSpecProduction).
	if got := round2(c.Total); got != 15319.70 {
		t.Errorf("Total = %.2f, want 15319.70", got)
	}
	var md, fin bytes.Buffer
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| business-unit | warm GB | cold GB | cost/month |",
		"| payments | 157110 | 0 | $14943.70 |",
		"| retail | 7520 | 0 | $376.00 |",
		"| local | 333333333333 | us-east-1 | 50 | 1870 | 1870 | 1870 | 1870 (1) |",
		"| central | 222222222222 | us-east-1 | 0 | 3153 | 5952 | 18544 | 84244 (84) |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := c.WriteFinanceCSV(&fin); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&fin).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(c.Lines) || strings.Join(rows[0], ",") != strings.Join(financeCSVHeader, ",") {
		t.Fatalf("CSV has %d rows, header %v", len(rows), rows[0])
	}
	var sum float64
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[12], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	if round2(sum) != 15319.70 {
		t.Errorf("CSV totals sum to %.2f, want 15319.70", sum)
	}
}

// TestEvaluateCostAllocationNotProven: the cost breakdown and the finance
// CSV keep apart the workloads whose recovery points are not proven to
// carry the allocation tag: DynamoDB backups of a tier that does not turn
// on advanced DynamoDB backup carry no tags, EC2 backups' snapshots get
// tags only best-effort, and a resource with 50 tags leaves a late one off
// its recovery points.
func TestEvaluateCostAllocationNotProven(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var many strings.Builder
	for i := range 49 {
		fmt.Fprintf(&many, "app-%02d: x, ", i)
	}
	doc := string(b) + `
cost:
  allocation_tag: business-unit
  workloads:
    - {tier: production, resource_type: RDS, count: 2, size_gb: 100, tags: {business-unit: payments}}
    - {tier: production, resource_type: DynamoDB, count: 2, size_gb: 100, tags: {business-unit: payments}}
    - {tier: development, resource_type: DynamoDB, count: 2, size_gb: 100, tags: {business-unit: payments}}
    - {tier: staging, resource_type: EC2, count: 2, size_gb: 100, tags: {business-unit: retail}}
    - {tier: staging, resource_type: EBS, count: 2, size_gb: 100, tags: {` + many.String() + `business-unit: retail}}
    - {tier: development, resource_type: EFS, count: 1, size_gb: 100}
`
	sp, err := spec.Parse("backup.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	prices, err := cost.DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	c, err := EvaluateCost(sp, nil, prices)
	if err != nil {
		t.Fatal(err)
	}
	type gap struct{ Tier, ResourceType, Allocation string }
	var got []gap
	for _, g := range c.AllocationGaps {
		got = append(got, gap{g.Tier, g.ResourceType, g.Allocation})
		if g.Reason == "" || g.Monthly <= 0 {
			t.Errorf("gap %+v lacks a reason or an amount", g)
		}
	}
	want := []gap{{"development", "DynamoDB", "payments"}, {"staging", "EBS", "retail"}, {"staging", "EC2", "retail"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllocationGaps mismatch (-want +got):\n%s", diff)
	}
	var keys []string
	for _, g := range c.ByAllocation {
		keys = append(keys, g.Key)
	}
	if diff := cmp.Diff([]string{"(unallocated)", "payments", "payments (not proven)", "retail (not proven)"}, keys); diff != "" {
		t.Errorf("ByAllocation keys mismatch (-want +got):\n%s", diff)
	}
	var md, fin bytes.Buffer
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if want := "Allocation not proven: tier development, DynamoDB, business-unit payments"; !strings.Contains(md.String(), want) {
		t.Errorf("Markdown lacks %q:\n%s", want, md.String())
	}
	if err := c.WriteFinanceCSV(&fin); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&fin).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	proven := map[string]string{}
	for _, r := range rows[1:] {
		k := r[0] + "/" + r[5]
		if p, ok := proven[k]; ok && p != r[15] {
			t.Errorf("%s: allocation_proven both %q and %q", k, p, r[15])
		}
		proven[k] = r[15]
	}
	wantProven := map[string]string{"production/RDS": "true", "production/DynamoDB": "true", "development/DynamoDB": "false",
		"staging/EC2": "false", "staging/EBS": "false", "development/EFS": ""}
	if diff := cmp.Diff(wantProven, proven); diff != "" {
		t.Errorf("allocation_proven by tier/type mismatch (-want +got):\n%s", diff)
	}
}
