package spec

import (
	"github.com/orgbackup/orgbackup/policy"
)

// Guardrails protects the backups from the administrators of the accounts
// they protect: service control policies on the tiers' targets, deny
// statements in the vaults' access policies and the keys' policies, and a
// lock on the tiers' backup policies against child policies. Only the
// deploy role (orgbackup itself) and the break-glass role are exempt.
//
// Guardrails are off unless the spec has a guardrails section: turning
// them on enables service control policies in the organization and
// denies the workload accounts' own administrators, which an
// organization must choose. With the section, enabled defaults to true.
type Guardrails struct {
	// Enabled turns the guardrails on. Default true when the section is
	// present.
	Enabled *bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// DeployRole is the name of the role orgbackup deploys with in every
	// account; the guardrails exempt it from what orgbackup itself
	// changes (vaults, their policies, plans, roles, key policies), never
	// from deleting recovery points, keys or leaving the organization.
	// It must be organization.execution_role. Default orgbackup-deploy.
	DeployRole string `json:"deploy_role,omitempty" yaml:"deploy_role,omitempty"`
	// BreakGlassRole is the name of the emergency role, exempt from every
	// guardrail. Default orgbackup-break-glass.
	BreakGlassRole string `json:"break_glass_role,omitempty" yaml:"break_glass_role,omitempty"`
}

// Defaults of the guardrails section.
const (
	DefaultDeployRole     = "orgbackup-deploy"
	DefaultBreakGlassRole = "orgbackup-break-glass"
)

// Child-policy locks of a tier's backup policy (tiers.*.child_policies):
// what an Organizations backup policy attached below the tier's targets
// may change in the tier's plan (@@operators_allowed_for_child_policies,
// "Backup policy syntax and examples", AWS Organizations User Guide).
const (
	// ChildPoliciesFree writes no lock: child policies may change
	// anything, including shortening retention.
	ChildPoliciesFree = "free"
	// ChildPoliciesLockPlan lets child policies add plans of their own but
	// change nothing of the tier's plan.
	ChildPoliciesLockPlan = "lock-plan"
	// ChildPoliciesLockAll lets child policies change nothing.
	ChildPoliciesLockAll = "lock-all"
)

// GuardrailsEnabled reports whether the spec asks for guardrails.
func (s *Spec) GuardrailsEnabled() bool {
	g := s.Guardrails
	return g != nil && (g.Enabled == nil || *g.Enabled)
}

// ChildPolicies returns the child-policy lock of the tier named name: its
// child_policies, else lock-plan with guardrails and free without.
func (s *Spec) ChildPolicies(name string) string {
	if t, ok := s.Tiers[name]; ok && t.ChildPolicies != "" {
		return t.ChildPolicies
	}
	if s.GuardrailsEnabled() {
		return ChildPoliciesLockPlan
	}
	return ChildPoliciesFree
}

// ChildControl returns the child-policy lock of the tier named name as
// the policy compiler's option.
func (s *Spec) ChildControl(name string) policy.ChildControl {
	switch s.ChildPolicies(name) {
	case ChildPoliciesLockPlan:
		return policy.ChildControl{Plans: policy.ChildOperators{policy.OperatorAppend}, Plan: policy.Locked, Settings: policy.Locked}
	case ChildPoliciesLockAll:
		return policy.ChildControl{Plans: policy.Locked, Plan: policy.Locked, Settings: policy.Locked}
	}
	return policy.ChildControl{}
}

// setGuardrailDefaults fills in the guardrails section's defaults.
func (s *Spec) setGuardrailDefaults() {
	g := s.Guardrails
	if g == nil {
		return
	}
	if g.DeployRole == "" {
		g.DeployRole = DefaultDeployRole
	}
	if g.BreakGlassRole == "" {
		g.BreakGlassRole = DefaultBreakGlassRole
	}
}

// guardrails validates the guardrails section and the tiers' child-policy
// locks.
func (v *validator) guardrails() {
	s := v.s
	for _, name := range s.TierNames() {
		if cp := s.Tiers[name].ChildPolicies; cp != "" {
			v.oneOf("tiers."+name+".child_policies", cp, []string{ChildPoliciesFree, ChildPoliciesLockPlan, ChildPoliciesLockAll})
		}
	}
	g := s.Guardrails
	if g == nil {
		return
	}
	for _, f := range []struct{ path, role string }{{"guardrails.deploy_role", g.DeployRole}, {"guardrails.break_glass_role", g.BreakGlassRole}} {
		if !roleNameRE.MatchString(f.role) {
			v.add(f.path, "%q is not an IAM role name (1 to 64 letters, digits or +=,.@_-)", f.role)
		}
	}
	if !s.GuardrailsEnabled() {
		return
	}
	if g.DeployRole == g.BreakGlassRole {
		v.add("guardrails.break_glass_role", "the break-glass role must differ from the deploy role %q", g.DeployRole)
	}
	// The guardrails deny every other role, so orgbackup must run as the
	// deploy role or it would lock itself out of what it manages.
	if s.Organization.ExecutionRole != g.DeployRole {
		v.add("organization.execution_role", "%q is denied by the guardrails, which exempt only the deploy role %q: set organization.execution_role to %q (create it first), or guardrails.deploy_role to the execution role", s.Organization.ExecutionRole, g.DeployRole, g.DeployRole)
	}
	for _, role := range []string{g.DeployRole, g.BreakGlassRole} {
		if role == DefaultExecutionRole {
			v.add("guardrails", "%s is every account's administrator role; exempting it from the guardrails would exempt the workload administrators they guard against", DefaultExecutionRole)
		}
	}
}
