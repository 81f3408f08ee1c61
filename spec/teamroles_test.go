package spec

import (
	"strings"
	"testing"
)

// TestTeamRolesAndLegalHolds checks the team_roles and legal_holds
// sections: valid ones load, each invalid one is reported where it is.
func TestTeamRolesAndLegalHolds(t *testing.T) {
	t.Parallel()
	valid := base + `team_roles:
  operators: {principals: ["arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_*"], mfa: true}
  workload_restore: {principals: ["arn:aws:iam::{account}:role/WorkloadAdmin"]}
  break_glass: {principals: ["arn:aws:iam::333333333333:role/Emergency"], recipients: [security@example.com]}
legal_holds:
  - {title: case-42, description: litigation, tiers: [production], resource_types: [RDS], tags: {app: billing}, from: "2026-01-01", to: "2026-06-30"}
`
	s, err := Parse("spec.yaml", []byte(valid))
	if err != nil {
		t.Fatalf("Parse(valid) = %v", err)
	}
	if s.TeamRoles == nil || !s.TeamRoles.Operators.MFA || len(s.LegalHolds) != 1 || s.LegalHolds[0].Tags["app"] != "billing" {
		t.Errorf("parsed %+v, %+v", s.TeamRoles, s.LegalHolds)
	}
	tests := map[string]struct {
		yaml string
		want []string
	}{
		"principal not an ARN":     {base + "team_roles: {operators: {principals: [admin]}}\n", []string{"team_roles.operators.principals[0]: \"admin\" is not an IAM role or user ARN pattern"}},
		"no principals":            {base + "team_roles: {break_glass: {principals: []}}\n", []string{"team_roles.break_glass.principals: list at least one principal"}},
		"placeholder outside":      {base + "team_roles: {operators: {principals: [\"arn:aws:iam::{account}:role/x\"]}}\n", []string{"team_roles.operators.principals[0]: {account} stands for a workload account"}},
		"recipient":                {base + "team_roles: {break_glass: {principals: [\"arn:aws:iam::333333333333:role/x\"], recipients: [nobody]}}\n", []string{"team_roles.break_glass.recipients[0]: \"nobody\" is not an e-mail address"}},
		"hold without accounts":    {base + "legal_holds: [{title: h, description: d}]\n", []string{"legal_holds[0]: select accounts"}},
		"hold unknown tier":        {base + "legal_holds: [{title: h, description: d, tiers: [gold]}]\n", []string{"legal_holds[0].tiers[0]: \"gold\" is not a tier"}},
		"hold dates reversed":      {base + "legal_holds: [{title: h, description: d, accounts: [\"333333333333\"], from: \"2026-02-01\", to: \"2026-01-01\"}]\n", []string{"legal_holds[0].to: 2026-01-01 is before from"}},
		"hold twice":               {base + "legal_holds: [{title: h, description: d, tiers: [production]}, {title: h, description: d, tiers: [production]}]\n", []string{"legal_holds[1].title: \"h\" is declared twice"}},
		"hold without description": {base + "legal_holds: [{title: h, tiers: [production]}]\n", []string{"legal_holds[0].description"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("spec.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse() succeeded, want %q", tc.want)
			}
			got := strings.Join(problems(t, err), "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q lack %q", got, w)
				}
			}
		})
	}
}
