package cost

import (
	"os"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/spec"
)

// recSpec is the example spec with its central lock's min_retention set
// to lockMin, sized workloads and the extra lines of the cost section.
func recSpec(t *testing.T, lockMin, extra string) *spec.Spec {
	t.Helper()
	b, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), "    min_retention: 1d\n", "    min_retention: "+lockMin+"\n", 1)
	doc += `
cost:
  workloads:
    - {tier: production, resource_type: RDS, count: 10, size_gb: 100}
    - {tier: staging, resource_type: EBS, count: 4, size_gb: 200}
    - {tier: staging, resource_type: EFS, count: 1, size_gb: 1000, daily_change_rate: 0.01}
` + extra
	s, err := spec.Parse("backup.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("spec.Parse() error:\n%v", err)
	}
	return s
}

func find[T any](xs []T, ok func(T) bool) (T, bool) {
	for _, x := range xs {
		if ok(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

func TestRecommendColdStorage(t *testing.T) {
	t.Parallel()
	r, err := Recommend(recSpec(t, "1d", ""), defaultPrices(t), RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Staging's central copies of the EFS file system (1000 GB, 10 GB a
	// day, 365 daily copies): warm (1000 + 364*10) * 0.05 = 232.00 now;
	// after 90 days in cold: warm (1000 + 89*10) * 0.05 = 94.50 and cold
	// (1000 + 274*10) * 0.01 = 37.40, 100.10 less. EBS ignores the move.
	rec, ok := find(r.Savings, func(s Recommendation) bool {
		return s.Kind == KindColdStorage && s.Tier == "staging" && s.Role == Central
	})
	if !ok {
		t.Fatalf("no cold storage recommendation for staging's central copies: %+v", r.Savings)
	}
	if cents(rec.Monthly) != 100.10 || rec.Change != "tiers.staging.cold_storage.central: 90d" {
		t.Errorf("recommendation = %+v, want 100.10 a month by tiers.staging.cold_storage.central: 90d", rec)
	}
	// Production's copies already move after 90 days (the preset), and its
	// 30 days of local recovery points cannot stay 90 days in cold.
	if rec, ok := find(r.Savings, func(s Recommendation) bool { return s.Tier == "production" && s.Kind == KindColdStorage }); ok {
		t.Errorf("unexpected production recommendation %+v", rec)
	}
	// The archive tier costs more than RDS or EFS increments: not offered.
	if rec, ok := find(r.Savings, func(s Recommendation) bool { return s.Kind == KindArchive }); ok {
		t.Errorf("unexpected archive recommendation %+v", rec)
	}
}

func TestRecommendRetention(t *testing.T) {
	t.Parallel()
	const minimums = `  retention_minimums:
    - {tier: production, role: central, retention: 6y, source: SOX 802}
    - {tier: staging, role: central, retention: 100d}
`
	tests := map[string]struct {
		lockMin    string
		extra      string
		opts       RecommendOptions
		wantSaving map[string]string // tier -> change
		wantAmount map[string]float64
		wantRefuse map[string]string // tier -> reason fragment
	}{
		"cut to the regulatory minimum": {
			lockMin: "1d", extra: minimums,
			// Production central at 6 years: (100 + 2189*3) * 10 * 0.095 =
			// 6,333.65 instead of 7,373.90; the secondary copy keeps 7y.
			wantSaving: map[string]string{
				"production": "tiers.production.central_retention: 6y, tiers.production.secondary_retention: 7y",
				"staging":    "tiers.staging.central_retention: 100d",
			},
			wantAmount: map[string]float64{"production": 1040.25},
		},
		"never under the lock's minimum": {
			lockMin: "200d", extra: minimums,
			wantSaving: map[string]string{
				"production": "tiers.production.central_retention: 6y, tiers.production.secondary_retention: 7y",
				"staging":    "tiers.staging.central_retention: 200d",
			},
			wantRefuse: map[string]string{"staging": "the central vault lock's min_retention is 200d"},
		},
		"never under a legal hold": {
			lockMin: "1d", extra: minimums, opts: RecommendOptions{LegalHolds: []string{"production"}},
			wantSaving: map[string]string{"staging": "tiers.staging.central_retention: 100d"},
			wantRefuse: map[string]string{"production": "tier production is under legal hold"},
		},
		"never under a regulatory minimum": {
			lockMin: "1d", extra: "  retention_minimums:\n    - {tier: production, role: central, retention: 7y, source: SEC 17a-4}\n",
			wantRefuse: map[string]string{"production": "central retention 7y is at the declared regulatory minimum (SEC 17a-4) of 7y"},
		},
		"nothing declared, nothing cut": {lockMin: "1d"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := Recommend(recSpec(t, tc.lockMin, tc.extra), defaultPrices(t), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, s := range r.Savings {
				if s.Kind == KindRetention {
					got[s.Tier] = s.Change
					if want, ok := tc.wantAmount[s.Tier]; ok && cents(s.Monthly) != want {
						t.Errorf("%s saves %.2f, want %.2f", s.Tier, s.Monthly, want)
					}
				}
			}
			if len(got) != len(tc.wantSaving) {
				t.Errorf("retention savings = %v, want %v", got, tc.wantSaving)
			}
			for tier, change := range tc.wantSaving {
				if got[tier] != change {
					t.Errorf("%s: change %q, want %q", tier, got[tier], change)
				}
			}
			for tier, reason := range tc.wantRefuse {
				if _, ok := find(r.Refused, func(f Refusal) bool {
					return f.Kind == KindRetention && f.Tier == tier && strings.Contains(f.Reason, reason)
				}); !ok {
					t.Errorf("no retention refusal for %s containing %q: %+v", tier, reason, r.Refused)
				}
			}
		})
	}
}

// TestRecommendKeepsObjectives: the cross-region copy is a second copy of
// production's recovery points, but the tier's disaster-recovery
// objective: refused.
func TestRecommendKeepsObjectives(t *testing.T) {
	t.Parallel()
	r, err := Recommend(recSpec(t, "1d", ""), defaultPrices(t), RecommendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(r.Refused, func(f Refusal) bool {
		return f.Kind == KindDuplicateCopy && f.Tier == "production" && strings.Contains(f.Reason, "disaster-recovery objective")
	}); !ok {
		t.Errorf("no refusal to drop production's cross-region copy: %+v", r.Refused)
	}
	if _, ok := find(r.Savings, func(s Recommendation) bool { return s.Kind == KindDuplicateCopy }); ok {
		t.Errorf("recommended dropping a copy: %+v", r.Savings)
	}
}

func TestRecommendDuplicates(t *testing.T) {
	t.Parallel()
	tier := productionTier()
	// A second copy to the central vault's account and region.
	tier.Rules[0].Placements = append(tier.Rules[0].Placements, Placement{Role: Central, Account: "222222222222", Region: "us-east-1", Keep: 365})
	m := &Model{Prices: defaultPrices(t), Tiers: []Tier{tier},
		Workloads: []Workload{{Tier: "production", Account: "333333333333", Region: "us-east-1", ResourceType: "RDS", Count: 10, SizeGB: 100}}}
	for name, held := range map[string]bool{"recommended": false, "refused under legal hold": true} {
		out := &Recommendations{}
		if err := recommendDuplicates(out, m, func(string) bool { return held }); err != nil {
			t.Fatal(err)
		}
		switch {
		case held && (len(out.Savings) != 0 || len(out.Refused) != 1 || !strings.Contains(out.Refused[0].Reason, "legal hold")):
			t.Errorf("%s: savings %+v, refused %+v", name, out.Savings, out.Refused)
		case !held && (len(out.Savings) != 1 || out.Savings[0].Monthly <= 0):
			t.Errorf("%s: savings %+v", name, out.Savings)
		}
	}
	// The 365-day duplicate holds (100 + 364*3) * 10 GB at 0.095: 1,132.40.
	out := &Recommendations{}
	if err := recommendDuplicates(out, m, func(string) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if got := cents(out.Savings[0].Monthly); got != 1132.40 {
		t.Errorf("duplicate saves %.2f, want 1132.40", got)
	}
}
