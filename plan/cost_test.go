package plan

import (
	"bytes"
	"testing"
)

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v      float64
		signed bool
		want   string
	}{
		{0, true, "0.00"},
		{-0.001, true, "0.00"},
		{14943.7, false, "14,943.70"},
		{1234567.891, true, "+1,234,567.89"},
		{-999.999, true, "-1,000.00"},
		{100, false, "100.00"},
	} {
		if got := Money(tc.v, tc.signed); got != tc.want {
			t.Errorf("Money(%v, %v) = %q, want %q", tc.v, tc.signed, got, tc.want)
		}
	}
}

func TestCostSummaryRendered(t *testing.T) {
	t.Parallel()
	p := samplePlan(t)
	fp := p.Fingerprint
	p.Cost = &CostSummary{
		Currency: "USD", Basis: "prices 2026-02-01 as of 2026-02-01 (USD), https://aws.amazon.com/backup/pricing/",
		Before: 15000, After: 21000.5,
		Lines: []CostLine{{Name: "production", Before: 14000, After: 20000.5}, {Name: "staging", Before: 1000, After: 1000}},
		Notes: []string{"development: no workloads in cost.workloads"},
	}
	if err := p.Verify(); err != nil || p.computeFingerprint() != fp {
		t.Errorf("the cost summary changed the fingerprint: %v", err)
	}
	var text, md bytes.Buffer
	if err := Text(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, p, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "render/plan-cost.txt", text.Bytes())
	golden(t, "render/plan-cost.md", md.Bytes())
}
