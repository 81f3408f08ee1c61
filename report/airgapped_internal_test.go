package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/spec"
)

func TestEvaluateAirGapped(t *testing.T) {
	t.Parallel()
	sp := &spec.Spec{Central: spec.Central{AirGapped: &spec.AirGapped{Vault: "ag", MinRetention: "7d", MaxRetention: "3650d", ShareWith: []string{"666666666666"}}}}
	good := AirGappedVault{Exists: true, MinRetentionDays: 7, MaxRetentionDays: 3650, RecoveryPoints: 2, CopyingTiers: []string{"production"},
		SharedWith: []string{"666666666666"}, WantSharedWith: []string{"666666666666"}}
	tests := map[string]struct {
		edit func(a *AirGappedVault)
		want []string
	}{
		"as the spec says": {edit: func(*AirGappedVault) {}},
		"missing": {edit: func(a *AirGappedVault) {
			a.Exists, a.RecoveryPoints, a.MinRetentionDays, a.MaxRetentionDays = false, 0, 0, 0
		}, want: []string{"the air-gapped vault does not exist"}},
		"empty": {edit: func(a *AirGappedVault) { a.RecoveryPoints = 0 },
			want: []string{"tiers production copy to the air-gapped vault, but it holds no recovery points"}},
		"not shared": {edit: func(a *AirGappedVault) { a.SharedWith = []string{} },
			want: []string{"not shared with recovery account 666666666666: it cannot restore from the vault"}},
		"other retention": {edit: func(a *AirGappedVault) { a.MaxRetentionDays = 30 }, want: []string{"retention is 7..30 days; the spec says 7..3650"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := good
			tc.edit(&a)
			got := evaluateAirGapped(sp, &a)
			if diff := cmp.Diff(tc.want, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if got.OK != (len(tc.want) == 0) {
				t.Errorf("OK = %v", got.OK)
			}
		})
	}
	if evaluateAirGapped(sp, nil) != nil {
		t.Error("no air-gapped vault evaluates to a section")
	}
}
