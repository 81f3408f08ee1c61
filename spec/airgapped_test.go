package spec

import (
	"strings"
	"testing"
)

func TestAirGappedCopy(t *testing.T) {
	t.Parallel()
	const head = "version: 1\norganization:\n  management_account: \"111111111111\"\n  backup_account: \"222222222222\"\n  regions: {primary: us-east-1, secondary: us-west-2}\n"
	tests := map[string]struct {
		doc     string
		problem string // "" when valid
		copies  int    // copy actions of the production rule: central, air-gapped
		// (the secondary copy of a tier that may select RDS-family types
		// is the copier's, from the central vault)
	}{
		"no copy": {doc: head + "tiers:\n  production: {targets: [P]}\ncentral:\n  air_gapped: {vault: ag, min_retention: 7d, max_retention: 3650d}\n", copies: 1},
		"copy":    {doc: head + "tiers:\n  production: {targets: [P], air_gapped_copy: true}\ncentral:\n  air_gapped: {vault: ag, min_retention: 7d, max_retention: 3650d}\n", copies: 2},
		"no vault": {doc: head + "tiers:\n  production: {targets: [P], air_gapped_copy: true}\n",
			problem: "tiers.production.air_gapped_copy: there is no air-gapped vault"},
		"retention outside the vault's": {doc: head + "tiers:\n  production: {targets: [P], air_gapped_copy: true}\ncentral:\n  air_gapped: {vault: ag, min_retention: 7d, max_retention: 365d}\n",
			problem: "tiers.production.air_gapped_copy: the copy is kept central_retention"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("spec.yaml", []byte(tc.doc))
			if tc.problem != "" {
				errs := SpecErrors(err)
				if len(errs) != 1 || !strings.HasPrefix(errs[0].Path+": "+errs[0].Message, tc.problem) {
					t.Fatalf("Parse() = %v, want %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.TierPlan("production")
			if err != nil {
				t.Fatal(err)
			}
			in := p.Rules[0].CopyActions
			if len(in) != tc.copies {
				t.Fatalf("%d copy actions, want %d", len(in), tc.copies)
			}
			if tc.copies == 2 && in[1].DestinationVaultARN != "arn:aws:backup:us-east-1:222222222222:backup-vault:ag" {
				t.Errorf("second copy goes to %s", in[1].DestinationVaultARN)
			}
		})
	}
}
