package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

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
