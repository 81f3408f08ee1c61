package spec

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/policy"
)

// EffectiveTier is a tier with its preset and defaults resolved: what the
// tier actually does.
type EffectiveTier struct {
	// Name is the tier's key in the spec.
	Name string
	// Preset is the preset the tier starts from, or PresetNone.
	Preset string
	// Schedule is the AWS cron expression; Timezone its IANA zone ("" for
	// UTC).
	Schedule, Timezone string
	// StartWindow and CompletionWindow are the preset's or the spec's;
	// 0 for AWS Backup's defaults (see Windows).
	StartWindow, CompletionWindow time.Duration
	// RPO is the recovery point objective: the oldest the newest usable
	// recovery point may be. 0 for a custom tier that sets none: then the
	// schedule's guarantee (ScheduleLimit) is the objective.
	RPO time.Duration
	// RTO is the recovery time objective; 0 when none. Reported only.
	RTO time.Duration
	// LocalRetention is how long recovery points stay in the local vault.
	LocalRetention policy.Days
	// ColdAfter moves local recovery points to cold storage; 0 never.
	ColdAfter policy.Days
	// CentralRetention is how long the central copy is kept; 0 means no
	// central copy.
	CentralRetention policy.Days
	// CrossRegion copies to the secondary region's central vault, kept
	// SecondaryRetention.
	CrossRegion        bool
	SecondaryRetention policy.Days
	// CentralColdAfter and SecondaryColdAfter move the central and the
	// cross-region copies to cold storage; 0 never. Archive opts EBS in
	// to the archive tier wherever a lifecycle moves to cold storage.
	CentralColdAfter, SecondaryColdAfter policy.Days
	Archive                              bool
	// Continuous enables continuous backup.
	Continuous bool
	// Encryption is the kind of KMS key of the tier's vaults.
	Encryption policy.Encryption
	// SelectionTags select resources by tag (any of them); ResourceTypes,
	// if any, limit the selection to those types.
	SelectionTags map[string]string
	ResourceTypes []string
	// Targets are the OUs and accounts the tier applies to.
	Targets []string
	// RestoreTesting is the tier's restore testing; nil when it has none.
	RestoreTesting *EffectiveRestoreTesting
}

// TierNames returns the spec's tier names, sorted.
func (s *Spec) TierNames() []string { return slices.Sorted(maps.Keys(s.Tiers)) }

// tierProblem is a problem found while resolving a tier, at a path
// relative to the spec.
type tierProblem struct{ path, msg string }

func (s *Spec) effectiveTier(name string, t Tier) (EffectiveTier, []tierProblem) {
	base := "tiers." + name
	var probs []tierProblem
	add := func(field string, err error) {
		probs = append(probs, tierProblem{joinPath(base, field), err.Error()})
	}
	e := EffectiveTier{
		Name:       name,
		Preset:     t.Preset,
		Schedule:   t.Schedule,
		Timezone:   t.Timezone,
		Continuous: t.Continuous,
		Encryption: policy.Encryption(t.Encryption),
		Targets:    slices.Clone(t.Targets),
	}
	if e.Preset == "" {
		e.Preset = PresetNone
		if _, ok := policy.ParseTier(name); ok {
			e.Preset = name
		}
	}
	if pt, ok := policy.ParseTier(e.Preset); ok {
		if e.Schedule == "" {
			e.Schedule = pt.Schedule()
		}
		e.LocalRetention = pt.LocalRetention()
		e.CentralRetention = pt.CentralRetention()
		e.CrossRegion = pt.CrossRegion()
		if e.Encryption == "" {
			e.Encryption = pt.Encryption()
		}
	}
	if o, ok := PresetObjectives(e.Preset); ok {
		e.StartWindow, e.CompletionWindow, e.RPO, e.RTO = o.StartWindow, o.CompletionWindow, o.RPO, o.RTO
	}
	if e.Encryption == "" {
		e.Encryption = DefaultCustomEncryption
	}
	if t.CrossRegion != nil {
		e.CrossRegion = *t.CrossRegion
	}
	days := func(field, v string, dst *policy.Days) {
		if v == "" {
			return
		}
		d, err := ParseRetention(v)
		if err != nil {
			add(field, err)
			return
		}
		*dst = d
	}
	window := func(field, v string, dst *time.Duration) {
		if v == "" {
			return
		}
		d, err := ParseWindow(v)
		if err != nil {
			add(field, err)
			return
		}
		*dst = d
	}
	window("start_window", t.StartWindow, &e.StartWindow)
	window("completion_window", t.CompletionWindow, &e.CompletionWindow)
	window("rpo", t.RPO, &e.RPO)
	window("rto", t.RTO, &e.RTO)
	days("local_retention", t.LocalRetention, &e.LocalRetention)
	days("cold_after", t.ColdAfter, &e.ColdAfter)
	days("central_retention", t.CentralRetention, &e.CentralRetention)
	e.SecondaryRetention = e.CentralRetention
	days("secondary_retention", t.SecondaryRetention, &e.SecondaryRetention)
	if !e.CrossRegion {
		e.SecondaryRetention = 0
	}
	coldStorage(&e, t, add)
	if t.Selection != nil {
		e.SelectionTags = maps.Clone(t.Selection.Tags)
		e.ResourceTypes = slices.Clone(t.Selection.ResourceTypes)
	}
	if len(e.SelectionTags) == 0 {
		e.SelectionTags = map[string]string{DefaultSelectionTagKey: name}
	}
	e.RestoreTesting = s.effectiveRestoreTesting(e, t, add)
	return e, probs
}

// Regions returns every region of the architecture: the primary, the
// secondary (if any), then the additional regions.
func (s *Spec) Regions() []string {
	r := s.Organization.Regions
	out := []string{r.Primary}
	if r.Secondary != "" {
		out = append(out, r.Secondary)
	}
	return append(out, r.Additional...)
}

// WorkloadRegions returns the regions workloads are backed up in: the
// primary and the additional regions.
func (s *Spec) WorkloadRegions() []string {
	r := s.Organization.Regions
	return append([]string{r.Primary}, r.Additional...)
}

// CentralRegions returns the regions that have a central vault: the
// primary and, if set, the secondary region.
func (s *Spec) CentralRegions() []string {
	r := s.Organization.Regions
	if r.Secondary == "" {
		return []string{r.Primary}
	}
	return []string{r.Primary, r.Secondary}
}

// CentralVaultARN returns the ARN of the backup account's central vault in
// region.
func (s *Spec) CentralVaultARN(region string) string {
	return policy.NewVaultARN(region, s.Organization.BackupAccount, s.Central.Vault)
}

// BackupRoleARN returns the ARN of the role AWS Backup assumes in account;
// account may be policy.AccountVariable.
func (s *Spec) BackupRoleARN(account string) string {
	return policy.NewRoleARN(account, s.Local.BackupRole)
}

// PlanName returns the name of the backup plan of a tier.
func PlanName(tier string) string { return "orgbackup-" + tier }

// TierPlan returns the backup plan of tier as an Organizations backup
// policy deploys it: in every workload region, with the IAM role of the
// account it runs in ($account).
func (s *Spec) TierPlan(tier string) (*policy.Plan, error) {
	return s.tierPlan(tier, policy.AccountVariable)
}

// TierPlanForAccount returns the backup plan of tier as it is created
// directly in account through the Backup API (distribution "direct"), in
// each workload region.
func (s *Spec) TierPlanForAccount(tier, account string) (*policy.Plan, error) {
	return s.tierPlan(tier, account)
}

// tierPlan builds a tier's plan: one rule backing up to the local vault,
// with copies to the primary region's central vault (if the tier keeps a
// central copy) and to the secondary region's central vault (if it copies
// cross-region, unless that copy is made from the central vault:
// SecondaryFromCentral), recovery points tagged with the tier, and a tag
// selection.
func (s *Spec) tierPlan(tier, account string) (*policy.Plan, error) {
	t, err := s.Tier(tier)
	if err != nil {
		return nil, err
	}
	var copies []policy.TierCopy
	if t.CentralRetention > 0 {
		copies = append(copies, policy.TierCopy{VaultARN: s.CentralVaultARN(s.Organization.Regions.Primary), Keep: t.CentralRetention, ColdAfter: t.CentralColdAfter})
	}
	if t.CrossRegion && s.Organization.Regions.Secondary != "" && !s.SecondaryFromCentral(t) {
		copies = append(copies, policy.TierCopy{VaultARN: s.CentralVaultARN(s.Organization.Regions.Secondary), Keep: t.SecondaryRetention, ColdAfter: t.SecondaryColdAfter})
	}
	copies = append(copies, s.airGappedCopies(tier, t)...)
	return policy.TierPlan(policy.TierPlanOptions{
		Tier: tier, PlanName: PlanName(tier), Schedule: t.Schedule, Timezone: t.Timezone,
		StartWindow: t.StartWindow, CompletionWindow: t.CompletionWindow,
		LocalVault: s.Local.Vault, LocalRetention: t.LocalRetention, ColdAfter: t.ColdAfter, Archive: t.Archive, Continuous: t.Continuous,
		Copies: copies, Regions: s.WorkloadRegions(), Selections: tierSelections(t, s.BackupRoleARN(account)),
		Tags: map[string]string{managedtags.Managed: "true", managedtags.Spec: s.Name},
	}), nil
}

// tierSelections selects the resources tagged with any of the tier's
// selection tags: one selection per tag. Without resource types each has
// ListOfTags with its tag. With resource types each pairs the types' ARN patterns (Resources) with the tag
// (Conditions): AWS Backup ORs Resources with ListOfTags but ANDs Resources
// with Conditions ("Assigning resources programmatically", AWS Backup
// Developer Guide).
func tierSelections(t EffectiveTier, roleARN string) []policy.Selection {
	keys := slices.Sorted(maps.Keys(t.SelectionTags))
	if len(keys) == 0 {
		return nil
	}
	if len(t.ResourceTypes) == 0 {
		// One selection per tag key: an Organizations backup policy's tag
		// selection has one tag_key ("Backup policy syntax"), and a
		// resource that several selections of a plan match is backed up
		// once, so the plan still backs up what any tag selects.
		out := make([]policy.Selection, 0, len(keys))
		for _, k := range keys {
			out = append(out, policy.ByTag(k, t.SelectionTags[k], roleARN))
		}
		return out
	}
	var arns []string
	for _, rt := range t.ResourceTypes {
		arns = append(arns, resourceTypeARNs(rt)...)
	}
	sort.Strings(arns)
	arns = slices.Compact(arns)
	out := make([]policy.Selection, 0, len(keys))
	for _, k := range keys {
		sel := policy.ByResources(roleARN, arns...).Where(policy.StringEquals, k, t.SelectionTags[k])
		name := policy.ByTag(k, t.SelectionTags[k], roleARN).Name
		out = append(out, sel.Named(name))
	}
	return out
}

// resourceTypeARNs returns the ARN patterns that select every resource of
// an AWS Backup resource type, as in "Assigning resources
// programmatically" (arn:aws:ec2:*:*:volume/* for EBS volumes). The
// wildcard comes last, as BackupSelection requires.
func resourceTypeARNs(resourceType string) []string {
	switch resourceType {
	case "EC2":
		return []string{"arn:aws:ec2:*:*:instance/*"}
	case "EBS":
		return []string{"arn:aws:ec2:*:*:volume/*"}
	case "RDS":
		return []string{"arn:aws:rds:*:*:db:*"}
	case "Aurora":
		return []string{"arn:aws:rds:*:*:cluster:*"}
	case "DynamoDB":
		return []string{"arn:aws:dynamodb:*:*:table/*"}
	case "EFS":
		return []string{"arn:aws:elasticfilesystem:*:*:file-system/*"}
	case "FSx":
		return []string{"arn:aws:fsx:*:*:file-system/*"}
	case "S3":
		return []string{"arn:aws:s3:::*"}
	}
	return nil
}

// knownResourceTypes are the resource types selection.resource_types
// accepts.
func knownResourceTypes() []string {
	return []string{"Aurora", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "RDS", "S3"}
}

// KMSRotation is the spec's key rotation setting (default on).
func (s *Spec) KMSRotation() bool { return s.KMS.Rotation == nil || *s.KMS.Rotation }

// TargetResolver resolves a tier target (an OU ID or name, an account ID,
// or the root) to the IDs of the accounts under it; the organization's
// topology (crossaccount.Topology) is one.
type TargetResolver interface {
	Resolve(target string) ([]string, error)
}

// TierAccounts resolves every tier's targets in topo to the workload
// accounts the tier applies to, sorted, by tier name. The management and
// backup accounts hold no workloads of a tier, as in the plan.
func (s *Spec) TierAccounts(topo TargetResolver) (map[string][]string, error) {
	return s.TierAccountsIn(topo, nil)
}

// TierAccountsIn is TierAccounts of the named tiers only (all when none
// are named).
func (s *Spec) TierAccountsIn(topo TargetResolver, tiers []string) (map[string][]string, error) {
	org := s.Organization
	out := map[string][]string{}
	for _, name := range s.TierNames() {
		if len(tiers) > 0 && !slices.Contains(tiers, name) {
			continue
		}
		t, err := s.Tier(name)
		if err != nil {
			return nil, err
		}
		for _, target := range t.Targets {
			ids, err := topo.Resolve(target)
			if err != nil {
				return nil, fmt.Errorf("tier %s: %w", name, err)
			}
			for _, a := range ids {
				if a != org.ManagementAccount && a != org.BackupAccount && !slices.Contains(out[name], a) {
					out[name] = append(out[name], a)
				}
			}
		}
		slices.Sort(out[name])
	}
	return out, nil
}

// SelectedTypes returns the resource types the tier's plan can select:
// its resource_types, or every type a tier may name when it names none.
func (t EffectiveTier) SelectedTypes() []string {
	if len(t.ResourceTypes) > 0 {
		return slices.Sorted(slices.Values(t.ResourceTypes))
	}
	return knownResourceTypes()
}
