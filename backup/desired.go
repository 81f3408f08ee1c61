package backup

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/budgets"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/legalhold"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// desired is everything the spec implies, per account.
type desired struct {
	orgID    string
	accounts map[string]*accountDesired
	policies []distribution.Policy
	// tierOf maps workload accounts to their tiers, sorted: several tiers
	// may target one account, their plans side by side.
	tierOf map[string][]string
	// guardTargets are the tiers' targets (OU and account IDs) the
	// guardrail SCPs are attached to; copySources who may copy into
	// the central vaults.
	guardTargets []string
	copySources  vault.CopySources
	// tierSources are each tier's copy sources.
	tierSources map[string]*vault.CopySources
	// guardrails are the guardrail SCPs (nil without guardrails).
	guardrails []guardrails.Policy
	// uncovered maps the accounts a tier's backup policy reaches but
	// that get no local vault or backup role (the management and backup
	// accounts) to that tier.
	uncovered map[string]string
}

// accountDesired is one account's desired resources, each planned by the
// package that owns its kinds.
type accountDesired struct {
	role *servicerole.Role
	// tiers are the workload account's tiers (none for other accounts),
	// which the WorkloadPlanners plan from (spec.Layered).
	tiers  []string
	vaults []vault.Desired
	direct map[string][]policy.Plan // region → plans (direct mode)
	// share is the air-gapped vault's RAM share (backup account).
	share   *vault.Share
	bucket  *auditreports.Bucket
	reports []auditreports.ReportPlan
	frames  []auditreports.Framework
}

// account returns the desired state of account id, creating it.
func (d *desired) account(id string) *accountDesired {
	a := d.accounts[id]
	if a == nil {
		a = &accountDesired{direct: map[string][]policy.Plan{}}
		d.accounts[id] = a
	}
	return a
}

// desiredState computes the desired state from a resolved spec and the
// organization's topology. Problems that only the topology reveals
// (unknown targets) become checks.
func desiredState(sp *spec.Spec, topo *crossaccount.Topology) (*desired, []plan.Check) {
	d := &desired{orgID: topo.OrganizationID(), accounts: map[string]*accountDesired{}, tierOf: map[string][]string{}, uncovered: map[string]string{}}
	tags := managedtags.For(sp.Name, sp.Tags)
	var checks []plan.Check
	for _, name := range sp.TierNames() {
		checks = append(checks, d.tier(sp, topo, name, tags)...)
	}
	// After the tiers: the central vaults admit copies from their
	// targets only.
	d.backupAccount(sp, tags)
	checks = append(checks, d.guardrailPolicies(sp, tags)...)
	if sp.Organization.Distribution == spec.DistributionDirect {
		d.abandonedDirectPlans(sp, topo)
	}
	for a, tiers := range d.tierOf {
		d.workload(sp, a, tiers, tags)
	}
	return d, checks
}

// backupAccount adds the backup account's resources: its backup role,
// central vaults and reports.
func (d *desired) backupAccount(sp *spec.Spec, tags map[string]string) {
	org := sp.Organization
	b := d.account(org.BackupAccount)
	// The backup account needs the backup role too: AWS Backup assumes it
	// to copy central recovery points to the secondary region and to
	// restore from the central vaults.
	role := servicerole.BackupRole(org.BackupAccount, sp.Local.BackupRole, tags)
	b.role = &role
	for _, region := range sp.CentralRegions() {
		vd := vault.Desired{
			Account: org.BackupAccount, Region: region, Vault: sp.Central.Vault,
			Key:          &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup central vault key", Policy: vault.CentralKeyPolicy(org.BackupAccount, region, d.orgID), Rotation: sp.KMSRotation()},
			AccessPolicy: vault.CentralVaultCopyPolicy(d.copySources, protection(sp).vault...),
			Tags:         tags,
		}
		vd.Key.Policy = vault.WithStatements(vd.Key.Policy, protection(sp).key...)
		if l := sp.Central.Lock; l != nil {
			lo, hi := sp.CentralLockDays()
			vd.Lock = &vault.Lock{MinRetentionDays: int64(lo), MaxRetentionDays: int64(hi)}
			if l.Mode == spec.LockCompliance {
				vd.Lock.ChangeableForDays = int64(l.ChangeableForDays)
			}
		}
		if ag := sp.Central.AirGapped; ag != nil && region == org.Regions.Primary {
			lo, hi := sp.AirGappedDays()
			vd.AirGapped = &vault.AirGapped{Name: ag.Vault, MinRetentionDays: int64(lo), MaxRetentionDays: int64(hi), AccessPolicy: d.airGappedPolicy(sp)}
			if len(ag.ShareWith) > 0 {
				b.share = &vault.Share{Name: airGappedShareName, VaultARN: sp.AirGappedVaultARN(), Principals: slices.Clone(ag.ShareWith), Tags: tags}
			}
		}
		if n := sp.Notifications; n != nil {
			vd.Notifications = &vault.Notifications{Topic: n.Topic, Events: slices.Clone(n.Events), Emails: slices.Clone(n.Emails)}
			if alerting.Enabled(sp) && region == org.Regions.Primary {
				vd.Notifications.TopicPolicy = alerting.CentralTopicPolicy(alerting.CentralTopicARN(sp), org.BackupAccount, alerting.CentralRuleARNs(sp))
			}
		}
		b.vaults = append(b.vaults, vd)
	}
	r := sp.Reports
	if r == nil {
		return
	}
	b.bucket = &auditreports.Bucket{Name: r.Bucket, Region: org.Regions.Primary, Policy: auditreports.BucketPolicy(org.BackupAccount, r.Bucket), Encryption: "AES256", BlockPublicAccess: true, Tags: tags}
	formats := slices.Sorted(slices.Values(r.Formats))
	for _, tmpl := range r.Templates {
		accounts, regions := auditreports.Scope(tmpl, sp.Regions(), sp.WorkloadRegions())
		b.reports = append(b.reports, auditreports.ReportPlan{
			Name: "orgbackup_" + strings.ToLower(tmpl), Template: tmpl, Bucket: r.Bucket, KeyPrefix: "orgbackup",
			Formats: formats, Accounts: accounts, Regions: regions, Tags: tags,
		})
	}
	// Frameworks are planned in every account and Region they evaluate
	// (planFrameworks), not here.
}

// frameworks returns the spec's frameworks, tagged.
func frameworks(sp *spec.Spec) []auditreports.Framework {
	if sp.Reports == nil {
		return nil
	}
	tags := managedtags.For(sp.Name, sp.Tags)
	var out []auditreports.Framework
	for _, f := range sp.Reports.Frameworks {
		out = append(out, auditreports.Framework{Name: f.Name, Controls: slices.Sorted(slices.Values(f.Controls)), Tags: tags})
	}
	return out
}

// tier resolves a tier's targets to its workload accounts and, in policy
// distribution, compiles its backup policy attached to those targets.
func (d *desired) tier(sp *spec.Spec, topo *crossaccount.Topology, tierName string, tags map[string]string) []plan.Check {
	org := sp.Organization
	var checks []plan.Check
	t, err := sp.Tier(tierName)
	if err != nil {
		return []plan.Check{{Code: "tier-invalid", Address: "tiers." + tierName, Message: err.Error()}}
	}
	var attach []string
	for _, target := range t.Targets {
		ids, err := topo.Resolve(target)
		if err != nil {
			checks = append(checks, plan.Check{Code: "target-not-in-organization", Address: "tiers." + tierName, Message: err.Error()})
			continue
		}
		attach = append(attach, targetID(topo, target))
		d.addGuarded(topo, org.ManagementAccount, tierName, targetID(topo, target))
		for _, a := range ids {
			if a == org.ManagementAccount || a == org.BackupAccount {
				if org.Distribution != spec.DistributionDirect {
					d.uncovered[a] = tierName
				}
				continue
			}
			if !slices.Contains(d.tierOf[a], tierName) {
				d.tierOf[a] = append(d.tierOf[a], tierName) // tiers come in order
			}
		}
	}
	if org.Distribution == spec.DistributionDirect {
		return checks
	}
	p, err := sp.TierPlan(tierName)
	if err != nil {
		return append(checks, plan.Check{Code: "tier-invalid", Address: "tiers." + tierName, Message: err.Error()})
	}
	docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{*p}, policy.CompileOptions{ChildControl: sp.ChildControl(tierName)})
	if err != nil {
		return append(checks, plan.Check{Code: "policy-compile", Address: "tiers." + tierName, Message: err.Error()})
	}
	sort.Strings(attach)
	for i, doc := range docs {
		name := spec.PlanName(tierName)
		if len(docs) > 1 {
			name = fmt.Sprintf("%s-%d", name, i+1)
		}
		d.policies = append(d.policies, distribution.Policy{
			Name: name, Description: "Backup policy of tier " + tierName + ", managed by orgbackup (spec " + sp.Name + ")",
			Content: doc, Tags: tags, Targets: slices.Compact(attach),
		})
	}
	return checks
}

// abandonedDirectPlans plans, in direct distribution, no backup plans in
// the accounts that left every tier: they still hold the plans orgbackup
// created there, which are then deleted.
func (d *desired) abandonedDirectPlans(sp *spec.Spec, topo *crossaccount.Topology) {
	org := sp.Organization
	for _, a := range topo.Accounts() {
		if _, ok := d.tierOf[a.ID]; ok || a.ID == org.ManagementAccount || a.ID == org.BackupAccount || a.Status != "ACTIVE" {
			continue
		}
		da := d.account(a.ID)
		for _, region := range sp.WorkloadRegions() {
			da.direct[region] = nil
		}
	}
}

// workload adds a workload account's resources: its backup role, a local
// vault in every workload Region, and in direct distribution its tiers'
// backup plans there, side by side.
func (d *desired) workload(sp *spec.Spec, a string, tierNames []string, tags map[string]string) {
	org := sp.Organization
	var layers []spec.EffectiveTier
	for _, name := range tierNames {
		t, err := sp.Tier(name)
		if err != nil {
			return // reported by tier
		}
		layers = append(layers, t)
	}
	t := spec.Layered(layers...)
	da := d.account(a)
	da.tiers = tierNames
	role := servicerole.BackupRole(a, sp.Local.BackupRole, tags)
	da.role = &role
	for _, region := range sp.WorkloadRegions() {
		vd := vault.Desired{Account: a, Region: region, Vault: sp.Local.Vault, AccessPolicy: vault.WorkloadVaultAccessPolicy(org.BackupAccount, protection(sp).vault...), Tags: tags}
		if t.Encryption == policy.CustomerManagedKey {
			vd.Key = &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup local vault key", Policy: vault.WithStatements(vault.WorkloadKeyPolicy(a, region, org.BackupAccount), protection(sp).key...), Rotation: sp.KMSRotation()}
		}
		if n := sp.Notifications; n != nil {
			vd.Notifications = &vault.Notifications{Topic: n.Topic, Events: slices.Clone(n.Events)}
		}
		da.vaults = append(da.vaults, vd)
		if org.Distribution == spec.DistributionDirect {
			for _, tierName := range tierNames {
				if p, err := sp.TierPlanForAccount(tierName, a); err == nil {
					if rp, err := distribution.ForAccount(*p, a); err == nil {
						da.direct[region] = append(da.direct[region], rp)
					}
				}
			}
		}
	}
}

// targetID turns a tier target (account ID, OU ID or OU name) into the ID
// a policy is attached to.
func targetID(topo *crossaccount.Topology, target string) string {
	if _, ok := topo.Account(target); ok {
		return target
	}
	if _, ok := topo.OU(target); ok || target == topo.RootID() {
		return target
	}
	for _, ou := range topo.OUs() {
		if ou.Name == target {
			return ou.ID
		}
	}
	return target
}

// planLegalHolds plans the spec's legal holds in the workload accounts of
// their tiers and accounts, and in the backup account for the central
// copies (package legalhold).
func planLegalHolds(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, d *desired, now func() time.Time) ([]plan.Change, error) {
	if len(sp.LegalHolds) == 0 {
		return nil, nil
	}
	return legalhold.Plan(ctx, src, sp.LegalHolds, d.tierOf, managedtags.For(sp.Name, sp.Tags), legalhold.Options{
		BackupAccount: sp.Organization.BackupAccount, Regions: sp.Regions(), Now: now,
	})
}

// planBudgets plans the spec's budgets (kind budget) in the management
// account, whose budgets see the organization's spend. Specs without a
// cost section leave AWS Budgets alone. Budgets are priced in USD, the
// currency of AWS's bills.
func planBudgets(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource) ([]plan.Change, error) {
	if sp.Cost == nil {
		return nil, nil
	}
	mgmt := sp.Organization.ManagementAccount
	cfg, err := src.Config(ctx, mgmt, "us-east-1")
	if err != nil {
		return nil, fmt.Errorf("getting credentials for the management account's budgets: %w", err)
	}
	return budgets.Plan(ctx, budgets.NewClient(cfg), mgmt, budgets.FromSpec(sp, "USD"))
}
