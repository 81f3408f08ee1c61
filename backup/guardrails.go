package backup

import (
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// protections are the deny statements the spec's guardrails add to the
// vaults' access policies and the keys' policies (none without them).
type protections struct {
	vault, key []vault.Statement
}

// protection returns the deny statements of sp's guardrails.
func protection(sp *spec.Spec) protections {
	if !sp.GuardrailsEnabled() {
		return protections{}
	}
	p := vault.Protection{DeployRole: sp.Guardrails.DeployRole, BreakGlassRole: sp.Guardrails.BreakGlassRole}
	return protections{vault: p.VaultStatements(), key: p.KeyStatements()}
}

// addGuarded records a tier's target (an OU, account or root ID) as a
// target of the guardrails (never the management account, which SCPs do
// not bind) and as a source of copies into the central vaults: the
// accounts below an OU by their aws:PrincipalOrgPaths, an account by its
// ID, the root as the whole organization.
func (d *desired) addGuarded(topo *crossaccount.Topology, mgmt, tierName, id string) {
	if id == mgmt {
		return
	}
	d.guardTargets = append(d.guardTargets, id)
	if d.tierSources == nil {
		d.tierSources = map[string]*vault.CopySources{}
	}
	ts := d.tierSources[tierName]
	if ts == nil {
		ts = &vault.CopySources{}
		d.tierSources[tierName] = ts
	}
	if _, ok := topo.Account(id); ok {
		d.copySources.Accounts = append(d.copySources.Accounts, id)
		ts.Accounts = append(ts.Accounts, id)
		return
	}
	// o-ID/r-ROOT/ou-A/ou-B/ for ou-B ("aws:PrincipalOrgPaths", AWS
	// global condition context keys); the accounts below it match
	// o-ID/r-ROOT/ou-A/ou-B/*.
	var path []string
	for n := id; n != "" && n != topo.RootID(); {
		ou, ok := topo.OU(n)
		if !ok {
			return
		}
		path = append(path, n)
		n = ou.Parent
	}
	path = append(path, topo.RootID(), d.orgID)
	slices.Reverse(path)
	d.copySources.OrgPaths = append(d.copySources.OrgPaths, strings.Join(path, "/")+"/*")
	ts.OrgPaths = append(ts.OrgPaths, strings.Join(path, "/")+"/*")
}

// guardrailPolicies computes the guardrail SCPs, attached to the tiers'
// targets; a check when they cannot be written.
func (d *desired) guardrailPolicies(sp *spec.Spec, tags map[string]string) []plan.Check {
	if !sp.GuardrailsEnabled() {
		return nil
	}
	vaults := []string{sp.Local.Vault, sp.Central.Vault}
	if ag := sp.Central.AirGapped; ag != nil {
		vaults = append(vaults, ag.Vault)
	}
	g := guardrails.Desired{
		Management: sp.Organization.ManagementAccount, Targets: slices.Compact(slices.Sorted(slices.Values(d.guardTargets))),
		Vaults: vaults, Roles: []string{sp.Local.BackupRole},
		DeployRole: sp.Guardrails.DeployRole, BreakGlassRole: sp.Guardrails.BreakGlassRole,
		SpecName: sp.Name, Tags: tags,
	}
	ps, err := g.Policies()
	if err != nil {
		return []plan.Check{{Code: "guardrails", Address: "guardrails", Message: err.Error()}}
	}
	d.guardrails = ps
	return nil
}

// airGappedPolicy is the access policy of the air-gapped vault: copies
// from the targets of the tiers that ask for one, and the guardrails'
// deny statements; none when neither applies.
func (d *desired) airGappedPolicy(sp *spec.Spec) string {
	var src vault.CopySources
	for _, name := range sp.TierNames() {
		if ts := d.tierSources[name]; ts != nil && sp.Tiers[name].AirGappedCopy {
			src.OrgPaths = append(src.OrgPaths, ts.OrgPaths...)
			src.Accounts = append(src.Accounts, ts.Accounts...)
		}
	}
	prot := protection(sp).vault
	if len(src.OrgPaths)+len(src.Accounts)+len(prot) == 0 {
		return ""
	}
	return vault.CentralVaultCopyPolicy(src, prot...)
}

// airGappedShareName names the RAM share of the air-gapped vault.
const airGappedShareName = "orgbackup-air-gapped"
