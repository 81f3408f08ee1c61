package cost

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// Kinds of plan changes that carry a tier's backup plan: an Organizations
// backup policy (distribution "policies") and a backup plan created in an
// account (distribution "direct"); see package distribution.
const (
	kindPolicy = "backup_policy"
	kindPlan   = "backup_plan"
)

// FromSpec returns the cost model of s: each tier's plan as the spec
// compiles it, the workloads of cost.workloads (in the primary region
// unless they name another), the change rate overrides and the allocation
// tag, priced with prices.
func FromSpec(s *spec.Spec, prices *Prices) (*Model, error) {
	m := &Model{Prices: prices}
	for _, name := range s.TierNames() {
		p, err := s.TierPlan(name)
		if err != nil {
			return nil, fmt.Errorf("modelling cost of tier %s: %w", name, err)
		}
		t, err := TierFromPlan(name, p, roleOf(s))
		if err != nil {
			return nil, fmt.Errorf("modelling cost of tier %s: %w", name, err)
		}
		addCopierSecondary(s, &t)
		m.Tiers = append(m.Tiers, t)
	}
	c := s.Cost
	if c == nil {
		return m, nil
	}
	m.AllocationTag = c.AllocationTag
	for _, w := range c.Workloads {
		region := w.Region
		if region == "" {
			region = s.Organization.Regions.Primary
		}
		m.Workloads = append(m.Workloads, Workload{
			Tier: w.Tier, Account: w.Account, Region: region, ResourceType: w.ResourceType,
			Count: w.Count, SizeGB: w.SizeGB, DailyChangeRate: w.DailyChangeRate, Tags: maps.Clone(w.Tags),
			RestoresPerMonth: w.RestoresPerMonth, RestoreTestsPerMonth: w.RestoreTestsPerMonth,
		})
	}
	for _, r := range c.ChangeRates {
		m.ChangeRates = append(m.ChangeRates, ChangeRate{Tier: r.Tier, ResourceType: r.ResourceType, Tags: maps.Clone(r.Tags), Daily: r.Daily})
	}
	return m, nil
}

// roleOf tells the secondary region's vault from the central one.
func roleOf(s *spec.Spec) RoleOf {
	secondary := s.Organization.Regions.Secondary
	return func(v policy.VaultARN) Role {
		if secondary != "" && v.Region == secondary {
			return Secondary
		}
		return Central
	}
}

// PlanCost prices a plan of spec s: the steady-state monthly cost of the
// spec as the live organization runs it (before) and as the spec wants it
// (after), per tier. Before takes each tier's plan from the Before of the
// plan's backup policy or backup plan change (the live policy), a tier the
// plan creates costing nothing before and one it deletes nothing after;
// tiers the plan does not touch cost the same on both sides. The workloads
// are the spec's cost.workloads on both sides, so the difference is the
// price of the plan's changes.
func PlanCost(p *plan.Plan, s *spec.Spec, prices *Prices) (*plan.CostSummary, error) {
	after, err := FromSpec(s, prices)
	if err != nil {
		return nil, err
	}
	before := *after
	before.Tiers = nil
	live, created, err := liveTiers(p, s)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, t := range after.Tiers {
		names[t.Name] = true
		switch lt, ok := live[t.Name]; {
		case ok:
			before.Tiers = append(before.Tiers, lt)
		case !created[t.Name]:
			before.Tiers = append(before.Tiers, t)
		}
	}
	for name, lt := range live {
		if !names[name] {
			before.Tiers = append(before.Tiers, lt)
		}
	}
	sum := &plan.CostSummary{Currency: prices.Currency, Basis: "steady state (longest retention filled); " + prices.Label()}
	if len(after.Workloads) == 0 {
		sum.Notes = append(sum.Notes, "cost.workloads is empty: with no workloads sized, every tier is priced at 0")
	}
	sized := map[string]bool{}
	for _, w := range after.Workloads {
		sized[w.Tier] = true
	}
	for _, name := range s.TierNames() {
		if len(after.Workloads) > 0 && !sized[name] {
			sum.Notes = append(sum.Notes, fmt.Sprintf("tier %s has no workloads in cost.workloads and is priced at 0", name))
		}
	}
	b, err := tierTotals(&before)
	if err != nil {
		return nil, fmt.Errorf("pricing the live organization: %w", err)
	}
	a, err := tierTotals(after)
	if err != nil {
		return nil, fmt.Errorf("pricing the spec: %w", err)
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		sum.Lines = append(sum.Lines, plan.CostLine{Name: k, Before: b[k], After: a[k]})
		sum.Before += b[k]
		sum.After += a[k]
	}
	return sum, nil
}

// tierTotals is the steady-state monthly cost of each tier of m that has
// workloads; workloads of tiers m lacks are left out.
func tierTotals(m *Model) (map[string]float64, error) {
	has := map[string]bool{}
	for _, t := range m.Tiers {
		has[t.Name] = true
	}
	mm := *m
	mm.Workloads = slices.DeleteFunc(slices.Clone(m.Workloads), func(w Workload) bool { return !has[w.Tier] })
	e, err := mm.SteadyState()
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, g := range e.By(ByTier) {
		out[g.Key] = g.Monthly
	}
	return out, nil
}

// liveTiers reads the live plan of each tier a change of p touches: from
// the Before of Update, Replace and Delete changes of backup policies and
// backup plans. created lists the tiers whose plan p creates.
func liveTiers(p *plan.Plan, s *spec.Spec) (live map[string]Tier, created map[string]bool, err error) {
	live, created = map[string]Tier{}, map[string]bool{}
	for _, c := range p.Changes {
		if c.Kind != kindPolicy && c.Kind != kindPlan {
			continue
		}
		if c.Action == plan.Create {
			if tier, ok := strings.CutPrefix(planName(c), "orgbackup-"); ok {
				created[tier] = true
			}
			continue
		}
		if c.Action == plan.NoOp || len(c.Before) == 0 {
			continue
		}
		lp, err := livePlan(c)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the live plan of %s: %w", c.Address, err)
		}
		tier, ok := strings.CutPrefix(lp.Name, "orgbackup-")
		if !ok {
			continue
		}
		if _, seen := live[tier]; seen {
			continue // direct distribution: one plan per account and region, alike
		}
		t, err := TierFromPlan(tier, lp, roleOf(s))
		if err != nil {
			return nil, nil, fmt.Errorf("reading the live plan of %s: %w", c.Address, err)
		}
		addCopierSecondary(s, &t)
		live[tier] = t
	}
	return live, created, nil
}

func planName(c plan.Change) string { return c.Name }

// livePlan decodes the live plan in a change's Before.
func livePlan(c plan.Change) (*policy.Plan, error) {
	if c.Kind == kindPlan {
		var d struct {
			Plan policy.Plan `json:"plan"`
		}
		if err := json.Unmarshal(c.Before, &d); err != nil {
			return nil, err
		}
		return &d.Plan, nil
	}
	var d struct {
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(c.Before, &d); err != nil {
		return nil, err
	}
	op, err := policy.ParseOrganizationsPolicy(c.Name, d.Content)
	if err != nil {
		return nil, err
	}
	if len(op.Plans) != 1 {
		return nil, fmt.Errorf("the policy holds %d plans, not one", len(op.Plans))
	}
	return &op.Plans[0], nil
}

// addCopierSecondary adds the secondary Region's copy to the rules of a
// tier whose secondary copies the copier makes from the central vault
// (spec.SecondaryFromCentral): the plan has no copy action for it, the
// architecture has the copy. Where the spec leaves secondary_retention
// and cold_storage.secondary to follow the central copy, the copy follows
// the rule's central placement, so a live plan keeps its own values.
func addCopierSecondary(s *spec.Spec, t *Tier) {
	et, err := s.Tier(t.Name)
	if err != nil || !s.SecondaryFromCentral(et) {
		return
	}
	raw := s.Tiers[t.Name]
	for i := range t.Rules {
		r := &t.Rules[i]
		p := Placement{Role: Secondary, Account: s.Organization.BackupAccount, Region: s.Organization.Regions.Secondary,
			Keep: et.SecondaryRetention, ColdAfter: et.SecondaryColdAfter, Archive: et.Archive}
		for _, c := range r.Placements {
			if c.Role == Secondary {
				return // the plan copies to the secondary Region itself
			}
			if c.Role != Central {
				continue
			}
			if raw.SecondaryRetention == "" {
				p.Keep = c.Keep
			}
			if raw.ColdStorage == nil || raw.ColdStorage.Secondary == "" {
				p.ColdAfter = c.ColdAfter
			}
		}
		r.Placements = append(r.Placements, p)
	}
}
