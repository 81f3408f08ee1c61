package guardrails_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/guardrails"
)

func TestPoliciesFitAWSLimits(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		vaults  int
		wantErr string
	}{
		"example":         {vaults: 3},
		"many vaults":     {vaults: 40},
		"too many vaults": {vaults: 400, wantErr: "over the SCP limit"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := guardrails.Desired{Management: "111111111111", Targets: []string{"ou-b", "ou-a", "ou-a"}, Roles: []string{"OrgBackupServiceRole"},
				DeployRole: "orgbackup-deploy", BreakGlassRole: "orgbackup-break-glass", SpecName: "s"}
			for i := range tc.vaults {
				d.Vaults = append(d.Vaults, "vault-with-a-rather-long-name-"+strings.Repeat("x", 10)+string(rune('a'+i%26))+string(rune('a'+i/26)))
			}
			ps, err := d.Policies()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Policies() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sids []string
			for i, p := range ps {
				if len(p.Content) > guardrails.MaxSCPSize {
					t.Errorf("%s is %d characters, over %d", p.Name, len(p.Content), guardrails.MaxSCPSize)
				}
				if want := guardrails.NamePrefix + string(rune('1'+i)); p.Name != want {
					t.Errorf("policy %d is named %s, want %s", i, p.Name, want)
				}
				if !slices.Equal(p.Targets, []string{"ou-a", "ou-b"}) {
					t.Errorf("%s targets %v", p.Name, p.Targets)
				}
				var doc struct{ Statement []struct{ Sid string } }
				if err := json.Unmarshal(p.Content, &doc); err != nil {
					t.Fatal(err)
				}
				for _, st := range doc.Statement {
					sids = append(sids, st.Sid)
				}
			}
			want := []string{guardrails.SidRecoveryPoints, guardrails.SidVaults, guardrails.SidPlans, guardrails.SidKeyDeletion, guardrails.SidKeys, guardrails.SidRoles, guardrails.SidOrganization}
			if !slices.Equal(sids, want) {
				t.Errorf("statements %v, want %v", sids, want)
			}
			if tc.vaults > 10 && len(ps) < 2 {
				t.Errorf("%d vaults fit in %d document(s)", tc.vaults, len(ps))
			}
		})
	}
}
