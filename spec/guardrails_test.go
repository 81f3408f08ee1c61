package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/orgbackup/orgbackup/policy"
)

// guardedSpec is a small spec with the given execution role, production
// child-policy lock and guardrails section ("" omits each).
func guardedSpec(execRole, child, guardrails string) string {
	doc := "version: 1\norganization:\n  management_account: \"111111111111\"\n  backup_account: \"222222222222\"\n  regions: {primary: us-east-1, secondary: us-west-2}\n"
	if execRole != "" {
		doc += "  execution_role: " + execRole + "\n"
	}
	doc += "tiers:\n  production:\n    targets: [Production]\n"
	if child != "" {
		doc += "    child_policies: " + child + "\n"
	}
	return doc + guardrails
}

func TestGuardrails(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc      string
		enabled  bool
		child    string
		problems []string // "path: message fragment"
	}{
		"omitted":   {doc: guardedSpec("", "", ""), child: ChildPoliciesFree},
		"on":        {doc: guardedSpec("orgbackup-deploy", "", "guardrails: {}\n"), enabled: true, child: ChildPoliciesLockPlan},
		"off":       {doc: guardedSpec("", "", "guardrails: {enabled: false}\n"), child: ChildPoliciesFree},
		"tier lock": {doc: guardedSpec("orgbackup-deploy", "lock-all", "guardrails: {}\n"), enabled: true, child: ChildPoliciesLockAll},
		"execution role not exempt": {
			doc:      guardedSpec("", "", "guardrails: {}\n"),
			problems: []string{"organization.execution_role: \"OrganizationAccountAccessRole\" is denied by the guardrails"},
		},
		"administrator role exempt": {
			doc:      guardedSpec("orgbackup-deploy", "", "guardrails: {break_glass_role: OrganizationAccountAccessRole}\n"),
			problems: []string{"guardrails: OrganizationAccountAccessRole is every account's administrator role"},
		},
		"same roles": {
			doc:      guardedSpec("orgbackup-deploy", "", "guardrails: {break_glass_role: orgbackup-deploy}\n"),
			problems: []string{"guardrails.break_glass_role: the break-glass role must differ"},
		},
		"bad role name": {
			doc:      guardedSpec("orgbackup-deploy", "", "guardrails: {break_glass_role: \"a b\"}\n"),
			problems: []string{"guardrails.break_glass_role: \"a b\" is not an IAM role name"},
		},
		"bad lock": {
			doc:      guardedSpec("", "lock-everything", ""),
			problems: []string{"tiers.production.child_policies: \"lock-everything\" is not one of"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("spec.yaml", []byte(tc.doc))
			var got []string
			for _, e := range SpecErrors(err) {
				got = append(got, e.Path+": "+e.Message)
			}
			if len(got) != len(tc.problems) {
				t.Fatalf("problems = %q, want %q", got, tc.problems)
			}
			for i, want := range tc.problems {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("problem %q does not start with %q", got[i], want)
				}
			}
			if err != nil {
				return
			}
			if s.GuardrailsEnabled() != tc.enabled {
				t.Errorf("GuardrailsEnabled() = %v, want %v", s.GuardrailsEnabled(), tc.enabled)
			}
			if got := s.ChildPolicies("production"); got != tc.child {
				t.Errorf("ChildPolicies() = %q, want %q", got, tc.child)
			}
		})
	}
}

func TestChildControl(t *testing.T) {
	t.Parallel()
	for lock, want := range map[string]policy.ChildControl{
		ChildPoliciesFree:     {},
		ChildPoliciesLockPlan: {Plans: policy.ChildOperators{policy.OperatorAppend}, Plan: policy.Locked, Settings: policy.Locked},
		ChildPoliciesLockAll:  {Plans: policy.Locked, Plan: policy.Locked, Settings: policy.Locked},
	} {
		s := &Spec{Tiers: map[string]Tier{"t": {ChildPolicies: lock}}}
		if diff := cmp.Diff(want, s.ChildControl("t")); diff != "" {
			t.Errorf("ChildControl(%s) mismatch (-want +got):\n%s", lock, diff)
		}
	}
}
