package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/spec"
)

// TestTiersOf attributes a resource to every tier of its account that
// selects it.
func TestTiersOf(t *testing.T) {
	t.Parallel()
	e := &evaluator{
		inv: &Inventory{Accounts: map[string][]string{"333333333333": {"production", "critical", "databases"}}},
		tiers: map[string]spec.EffectiveTier{
			"production": {Name: "production", SelectionTags: map[string]string{"backup-tier": "production"}},
			"critical":   {Name: "critical", SelectionTags: map[string]string{"data-class": "critical", "pci": "yes"}},
			"databases":  {Name: "databases", SelectionTags: map[string]string{"backup-tier": "production"}, ResourceTypes: []string{"RDS"}},
		},
	}
	tests := []struct {
		typ  string
		tags map[string]string
		want []string
	}{
		{"EBS", map[string]string{"backup-tier": "production"}, []string{"production"}},
		{"EBS", map[string]string{"backup-tier": "production", "pci": "yes"}, []string{"critical", "production"}},
		{"RDS", map[string]string{"backup-tier": "production", "data-class": "critical"}, []string{"critical", "databases", "production"}},
		{"RDS", map[string]string{"data-class": "public"}, nil},
	}
	for _, tc := range tests {
		got := e.tiersOf(&ResourceData{Account: "333333333333", Type: tc.typ, Tags: tc.tags})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("tiersOf(%s %v) mismatch (-want +got):\n%s", tc.typ, tc.tags, diff)
		}
	}
}
