package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTierRPO(t *testing.T) {
	t.Parallel()
	spec := testSpec(t)
	tests := []struct {
		tier    string
		at      time.Time
		wantGap time.Duration
		want    time.Duration
	}{
		{"production", testEnd, 24 * time.Hour, 27 * time.Hour},
		{"development", testEnd, 7 * 24 * time.Hour, 7*24*time.Hour + 3*time.Hour},
		// 02:30 does not exist in New York on 2026-03-08 (clocks spring
		// forward at 02:00), so that run is skipped: from 2026-03-07
		// 02:30 EST to 2026-03-09 02:30 EDT is 47 hours.
		{"newyork", testEnd, 47 * time.Hour, 50 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.tier, func(t *testing.T) {
			t.Parallel()
			et, err := spec.Tier(tt.tier)
			if err != nil {
				t.Fatal(err)
			}
			r, err := TierRPO(et, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if r.MaxGap != tt.wantGap || r.Limit() != tt.want {
				t.Errorf("TierRPO(%s) gap %s limit %s, want %s and %s", tt.tier, r.MaxGap, r.Limit(), tt.wantGap, tt.want)
			}
		})
	}
}

func TestTierRPODefaultsWindows(t *testing.T) {
	t.Parallel()
	spec := testSpec(t)
	et, _ := spec.Tier("production")
	et.StartWindow, et.CompletionWindow = 0, 0
	r, err := TierRPO(et, testEnd)
	if err != nil {
		t.Fatal(err)
	}
	if want := 24*time.Hour + DefaultStartWindow + DefaultCompletionWindow; r.Limit() != want {
		t.Errorf("Limit() = %s, want %s", r.Limit(), want)
	}
}

func TestEvaluateResources(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(testSpec(t), testInventory())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Status, Tier, Central, Secondary string
		RPOMet                           bool
	}
	got := map[string]row{}
	for _, r := range rep.Resources {
		got[r.Name] = row{r.Status, r.Tier, r.CentralCopy, r.SecondaryCopy, r.RPOMet}
	}
	want := map[string]row{
		"i-ok": {StatusCompliant, "production", CopyOK, CopyOK, true},
		// Backup exactly at the objective; secondary copy 51h1m > 27h+24h:
		// not every objective held.
		"i-edge":   {StatusNoncompliant, "production", CopyOK, CopyStale, false},
		"i-late":   {StatusNoncompliant, "production", CopyOK, CopyOK, false}, // one minute past the limit
		"i-nocopy": {StatusNoncompliant, "production", CopyOK, CopyMissing, false},
		"i-never":  {StatusUnprotected, "production", CopyMissing, CopyMissing, false},
		"i-stray":  {StatusUntiered, "", CopyNotRequired, CopyNotRequired, false},
		"i-bare":   {StatusUntiered, "", CopyNotRequired, CopyNotRequired, false},
		// Weekly tier: 7d3h old is exactly at the limit, one second more
		// is not.
		"i-weekly":      {StatusCompliant, "development", CopyNotRequired, CopyNotRequired, true},
		"i-weekly-late": {StatusNoncompliant, "development", CopyNotRequired, CopyNotRequired, false},
		"i-ny":          {StatusCompliant, "newyork", CopyNotRequired, CopyNotRequired, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resource evaluation mismatch (-want +got):\n%s", diff)
	}
	s := rep.Summary
	gotSummary := []int{s.Resources, s.Compliant, s.Unprotected, s.Untiered, s.RPOMet, s.CentralRequired, s.CentralCovered, s.SecondaryRequired, s.SecondaryCovered, s.JobsCompleted, s.JobsFailed}
	if diff := cmp.Diff([]int{8, 3, 1, 2, 3, 5, 4, 5, 2, 6, 2}, gotSummary); diff != "" {
		t.Errorf("summary mismatch (-want +got):\n%s", diff)
	}
	if rep.Compliant() {
		t.Error("Compliant() = true for an organization with failing resources")
	}
}

func TestEvaluatePostureAndCost(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(testSpec(t), testInventory())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range rep.Findings {
		codes = append(codes, f.Severity+" "+f.Code+" "+f.Subject+": "+f.Message)
	}
	want := []string{
		"fail vault-central 222222222222/us-west-2/central: vault lock is in governance mode; the spec requires compliance mode",
		"fail vault-local 333333333333/us-east-1/local: encrypted with an AWS managed key (arn:aws:kms:us-east-1:333333333333:key/aws); the spec requires a customer managed key",
		"fail vault-local 555555555555/us-east-1/local: vault does not exist",
		"fail job-role-missing account 333333333333: AWS Backup cannot assume the backup role; applying the spec recreates the role and its trust policy: 2 FAILED backup jobs of 1 resources (newest 2026-03-15 10:00, FAILED): Unable to assume role arn:aws:iam::333333333333:role/OrgBackupServiceRole. The role does not exist.",
		"fail consecutive-failures account 333333333333: 1 resources: backup jobs failed 2 or more times in a row, each run leaving an older recovery point (longest: 2 in a row for arn:aws:ec2:us-east-1:333333333333:instance/i-late, FAILED: Unable to assume role arn:aws:iam::333333333333:role/OrgBackupServiceRole. The role does not exist.)",
		"fail copy-failing 1 resources: copies fail: Access denied to the destination vault",
		"warn untagged-resources 1 resources: unprotected: no tags at all, so no tier selects them; tag each with a tier's selection tag, or record that it needs no backup: arn:aws:ec2:us-east-1:333333333333:instance/i-bare",
		"warn untiered-resources 1 resources: resources match no tier: tag them with a tier's selection tags or exclude them",
		"warn collection collector: 444444444444/us-east-1: listing tagged resources: throttled",
	}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}
	for _, f := range rep.Findings {
		if f.Code == "job-role-missing" && f.Fix != "orgbackup plan --out plan.json && orgbackup apply plan.json && orgbackup remediate --account 333333333333 --dry-run=false" {
			t.Errorf("role-missing finding's fix %q does not apply the spec", f.Fix)
		}
	}
	// i-ok: 30 GiB warm EC2 at $0.05; i-edge 5 GiB; i-weekly 1 GiB warm
	// + 100 GiB cold EC2, which has no cold price in the default table.
	if want := round2(35*0.05 + 1*0.05); rep.Cost.Total != want {
		t.Errorf("Cost.Total = %v, want %v", rep.Cost.Total, want)
	}
	custom := &Prices{Currency: "EUR", Rates: []Rate{{Region: "*", ResourceType: "*", Warm: 1, Cold: 0.5}}}
	rep, err = Evaluate(testSpec(t), testInventory(), func(o *EvaluateOptions) { o.Prices = custom })
	if err != nil {
		t.Fatal(err)
	}
	if want := 36 + 50.0; rep.Cost.Total != want {
		t.Errorf("Cost.Total with custom prices = %v, want %v", rep.Cost.Total, want)
	}
}

func TestReadPrices(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		wantErr bool
	}{
		"valid":    {in: `{"source":"contract","as_of":"2026-01","currency":"USD","rates":[{"region":"eu-west-1","resource_type":"EBS","warm_per_gb_month":0.055,"cold_per_gb_month":0.014}]}`},
		"empty":    {in: `{"rates":[]}`, wantErr: true},
		"negative": {in: `{"rates":[{"region":"*","resource_type":"*","warm_per_gb_month":-1}]}`, wantErr: true},
		"unknown":  {in: `{"rates":[{"region":"*","resource_type":"*"}],"extra":1}`, wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := ReadPrices(stringsReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ReadPrices error = %v, wantErr %t", err, tt.wantErr)
			}
			if err == nil {
				r, ok := p.Rate("eu-west-1", "EBS")
				if !ok || r.Warm != 0.055 {
					t.Errorf("Rate(eu-west-1, EBS) = %+v, %t", r, ok)
				}
				if _, ok := p.Rate("us-east-1", "EBS"); ok {
					t.Error("Rate(us-east-1, EBS) found a rate the table does not have")
				}
			}
		})
	}
}

// TestVerdict checks the headline's four conclusions.
func TestVerdict(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		summary  Stats
		findings []Finding
		want     string
		headline string
	}{
		"protected":       {Stats{Resources: 3, Compliant: 3}, nil, VerdictProtected, "Every tiered resource protected: 3 of 3"},
		"needs decision":  {Stats{Resources: 3, Compliant: 3, Untiered: 2, Untagged: 1}, []Finding{{Severity: SeverityWarn}}, VerdictNeedsDecision, "Every tiered resource protected (3 of 3 met every objective); 2 resources need a decision: they match no tier (1 have no tags at all"},
		"missed":          {Stats{Resources: 3, Compliant: 2}, nil, VerdictNotProtected, "Not protected: 1 of 3"},
		"failing finding": {Stats{Resources: 3, Compliant: 3}, []Finding{{Severity: SeverityFail, Code: "vault-local"}}, VerdictNotProtected, "Not protected: every tiered resource met its objectives, but 1 findings failed"},
		"unreadable":      {Stats{Resources: 3, Compliant: 2, NotProven: 1}, []Finding{{Severity: SeverityFail, Code: "not-proven", Subject: "333333333333/us-east-1"}}, VerdictNotProven, "Not proven: 1 accounts or regions"},
		"nothing found":   {Stats{}, nil, VerdictNotProven, "Not proven: no resource of any tier was found"},
	}
	for name, tc := range tests {
		v := verdict(&Report{Summary: tc.summary, Findings: tc.findings})
		if v.Status != tc.want || !strings.HasPrefix(v.Headline, tc.headline) {
			t.Errorf("%s: verdict %s %q, want %s %q...", name, v.Status, v.Headline, tc.want, tc.headline)
		}
		if got := (&Report{Verdict: v}).Compliant(); got != (tc.want == VerdictProtected || tc.want == VerdictNeedsDecision) {
			t.Errorf("%s: Compliant() = %v", name, got)
		}
	}
}
