package cost

import (
	"fmt"
	"slices"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// Kinds of recommendation.
const (
	// KindColdStorage moves older recovery points to cold storage.
	KindColdStorage = "cold-storage"
	// KindArchive opts EBS snapshots in to the archive tier.
	KindArchive = "archive"
	// KindRetention cuts a retention down to what the spec requires.
	KindRetention = "retention"
	// KindDuplicateCopy removes a copy that duplicates another.
	KindDuplicateCopy = "duplicate-copy"
)

// RecommendOptions are what Recommend must respect beyond the spec.
type RecommendOptions struct {
	// LegalHolds are the tiers whose recovery points are under legal hold
	// ("*" for every tier): nothing shortens their retention or removes
	// their copies.
	LegalHolds []string
}

// Recommendation is a saving and the spec change that realises it.
type Recommendation struct {
	Kind string
	Tier string
	Role Role
	// Monthly is the saving per month at steady state.
	Monthly float64
	// Change is the spec change, e.g. "tiers.production.cold_storage.central: 90d".
	Change string
	// Reason says why the change is safe.
	Reason string
}

// Refusal is a saving Recommend found and will not recommend, with why.
type Refusal struct {
	Kind   string
	Tier   string
	Role   Role
	Reason string
}

// Recommendations are Recommend's findings.
type Recommendations struct {
	// Currency and Basis say what the amounts are in and rest on.
	Currency, Basis string
	// Savings are sorted by monthly amount, largest first.
	Savings []Recommendation
	// Refused are sorted by tier, role and kind.
	Refused []Refusal
}

// Total is the sum of the savings per month.
func (r *Recommendations) Total() float64 {
	var t float64
	for _, s := range r.Savings {
		t += s.Monthly
	}
	return t
}

// coldCandidate is the day recommended cold moves happen: the newest 90
// days stay warm, so the recovery points that meet a tier's RPO and RTO
// are never in cold storage.
const coldCandidate policy.Days = 90

// Recommend lists the savings of s at steady state, each with its monthly
// amount and the spec change that realises it:
//
//   - cold storage for vault roles that keep recovery points long enough
//     (the move after 90 days, deletion at least 90 days later) and hold
//     types AWS Backup moves, and the EBS archive tier where it pays;
//   - retention beyond every regulatory minimum the spec declares
//     (cost.retention_minimums) and the central vault lock's minimum, cut
//     to the largest of them;
//   - copies that duplicate another copy in the same account and region.
//
// It never recommends what breaks a lock (a retention under the central
// vault lock's min_retention), a legal hold (opts.LegalHolds), a tier's
// objectives (its cross-region copy) or a declared regulatory minimum;
// such savings are listed in Refused with the reason.
func Recommend(s *spec.Spec, prices *Prices, opts RecommendOptions) (*Recommendations, error) {
	base, err := FromSpec(s, prices)
	if err != nil {
		return nil, err
	}
	baseTotals, err := tierTotals(base)
	if err != nil {
		return nil, fmt.Errorf("recommending savings: %w", err)
	}
	out := &Recommendations{Currency: prices.Currency, Basis: "steady state; " + prices.Label()}
	saving := func(tier string, edit func(*Placement, Role)) (float64, error) {
		m := cloneModel(base)
		for i := range m.Tiers {
			if m.Tiers[i].Name != tier {
				continue
			}
			for j := range m.Tiers[i].Rules {
				r := &m.Tiers[i].Rules[j]
				for k := range r.Placements {
					edit(&r.Placements[k], r.Placements[k].Role)
				}
			}
		}
		totals, err := tierTotals(m)
		if err != nil {
			return 0, err
		}
		return baseTotals[tier] - totals[tier], nil
	}
	held := func(tier string) bool {
		return slices.Contains(opts.LegalHolds, tier) || slices.Contains(opts.LegalHolds, "*")
	}
	lockMin := policy.Days(0)
	if l := s.Central.Lock; l != nil && l.MinRetention != "" {
		if d, err := spec.ParseRetention(l.MinRetention); err == nil {
			lockMin = d
		}
	}
	for _, name := range s.TierNames() {
		t, err := s.Tier(name)
		if err != nil {
			return nil, err
		}
		for _, role := range []Role{Local, Central, Secondary} {
			keep := t.RoleRetention(string(role))
			if keep == 0 {
				continue
			}
			cold := map[Role]policy.Days{Local: t.ColdAfter, Central: t.CentralColdAfter, Secondary: t.SecondaryColdAfter}[role]
			// Cold storage.
			if cold == 0 && keep >= coldCandidate+policy.MinColdStorageDays && !t.Continuous {
				amt, err := saving(name, func(p *Placement, r Role) {
					if r == role {
						p.ColdAfter = coldCandidate
					}
				})
				if err != nil {
					return nil, err
				}
				if amt >= 0.01 {
					out.Savings = append(out.Savings, Recommendation{
						Kind: KindColdStorage, Tier: name, Role: role, Monthly: amt,
						Change: fmt.Sprintf("tiers.%s.cold_storage.%s: %s", name, role, spec.FormatDays(coldCandidate)),
						Reason: fmt.Sprintf("recovery points older than %d days move to cold storage for the types AWS Backup moves; the newest stay warm for the tier's RPO and RTO, and each stays in cold storage at least %d days before its deletion at %s",
							coldCandidate, policy.MinColdStorageDays, spec.FormatDays(keep)),
					})
				}
			}
			// Retention beyond what the spec requires.
			if err := recommendRetention(out, s, name, role, keep, cold, lockMin, held(name), saving); err != nil {
				return nil, err
			}
		}
		// The EBS archive tier, where a lifecycle moves to cold storage.
		if !t.Archive && (t.ColdAfter > 0 || t.CentralColdAfter > 0 || t.SecondaryColdAfter > 0) {
			amt, err := saving(name, func(p *Placement, _ Role) {
				if p.ColdAfter > 0 {
					p.Archive = true
				}
			})
			if err != nil {
				return nil, err
			}
			if amt >= 0.01 {
				out.Savings = append(out.Savings, Recommendation{
					Kind: KindArchive, Tier: name, Monthly: amt,
					Change: fmt.Sprintf("tiers.%s.cold_storage.archive: true", name),
					Reason: "archived EBS snapshots are stored in full at the archive price, which costs less here than their increments in warm storage",
				})
			}
		}
		// A cross-region copy is a second copy of each recovery point, and
		// the tier's disaster-recovery objective.
		if t.CrossRegion && t.SecondaryRetention > 0 {
			out.Refused = append(out.Refused, Refusal{Kind: KindDuplicateCopy, Tier: name, Role: Secondary,
				Reason: "the cross-region copy repeats the central copy, but the tier declares cross_region: it is the tier's disaster-recovery objective"})
		}
	}
	if err := recommendDuplicates(out, base, held); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out.Savings, func(a, b Recommendation) int {
		switch {
		case a.Monthly > b.Monthly:
			return -1
		case a.Monthly < b.Monthly:
			return 1
		}
		return 0
	})
	slices.SortStableFunc(out.Refused, func(a, b Refusal) int {
		return slices.Compare([]string{a.Tier, string(a.Role), a.Kind}, []string{b.Tier, string(b.Role), b.Kind})
	})
	return out, nil
}

// recommendRetention recommends cutting a role's retention to the largest
// of the declared regulatory minimums and the lock's minimum, or refuses.
func recommendRetention(out *Recommendations, s *spec.Spec, tier string, role Role, keep, cold, lockMin policy.Days, held bool,
	saving func(string, func(*Placement, Role)) (float64, error)) error {
	var floor policy.Days
	var source string
	if s.Cost != nil {
		for _, m := range s.Cost.RetentionMinimums {
			if m.Tier != tier || m.Role != string(role) {
				continue
			}
			d, err := spec.ParseRetention(m.Retention)
			if err != nil {
				return err
			}
			if d > floor {
				floor, source = d, m.Source
			}
		}
	}
	if floor == 0 {
		return nil // nothing declared: the spec's retention is the requirement
	}
	refuse := func(reason string) {
		out.Refused = append(out.Refused, Refusal{Kind: KindRetention, Tier: tier, Role: role, Reason: reason})
	}
	regulation := "the declared regulatory minimum"
	if source != "" {
		regulation += " (" + source + ")"
	}
	if keep <= floor {
		refuse(fmt.Sprintf("%s retention %s is at %s of %s", role, spec.FormatDays(keep), regulation, spec.FormatDays(floor)))
		return nil
	}
	if held {
		refuse(fmt.Sprintf("tier %s is under legal hold: its %s retention (%s, above %s of %s) is not cut", tier, role, spec.FormatDays(keep), regulation, spec.FormatDays(floor)))
		return nil
	}
	target := floor
	if role != Local && lockMin > target {
		refuse(fmt.Sprintf("%s retention cannot go down to %s of %s: the central vault lock's min_retention is %s, and AWS Backup fails copies kept less",
			role, regulation, spec.FormatDays(floor), spec.FormatDays(lockMin)))
		target = lockMin
	}
	if cold > 0 && target < cold+policy.MinColdStorageDays {
		target = cold + policy.MinColdStorageDays
	}
	if target >= keep {
		return nil
	}
	amt, err := saving(tier, func(p *Placement, r Role) {
		if r == role {
			p.Keep = target
		}
	})
	if err != nil {
		return err
	}
	if amt < 0.01 {
		return nil
	}
	field := map[Role]string{Local: "local_retention", Central: "central_retention", Secondary: "secondary_retention"}[role]
	change := fmt.Sprintf("tiers.%s.%s: %s", tier, field, spec.FormatDays(target))
	if e, err := s.Tier(tier); err == nil && role == Central && e.CrossRegion && s.Tiers[tier].SecondaryRetention == "" {
		// secondary_retention defaults to central_retention: keep it as
		// it is, its own minimums decide its cut.
		change += fmt.Sprintf(", tiers.%s.secondary_retention: %s", tier, spec.FormatDays(e.SecondaryRetention))
	}
	out.Savings = append(out.Savings, Recommendation{
		Kind: KindRetention, Tier: tier, Role: role, Monthly: amt,
		Change: change,
		Reason: fmt.Sprintf("%s of %s and the lock's minimum need no more than %s", regulation, spec.FormatDays(floor), spec.FormatDays(target)),
	})
	return nil
}

// recommendDuplicates finds copies of a rule to the same account and
// region as another copy, or as the local vault.
func recommendDuplicates(out *Recommendations, m *Model, held func(string) bool) error {
	for ti, t := range m.Tiers {
		for ri, r := range t.Rules {
			seen := map[[2]string]Role{}
			for pi, p := range r.Placements {
				key := [2]string{p.Account, p.Region}
				first, dup := seen[key]
				if !dup {
					seen[key] = p.Role
					continue
				}
				if held(t.Name) {
					out.Refused = append(out.Refused, Refusal{Kind: KindDuplicateCopy, Tier: t.Name, Role: p.Role,
						Reason: fmt.Sprintf("tier %s is under legal hold: its duplicate %s copy is kept", t.Name, p.Role)})
					continue
				}
				// The saving is what the copy alone costs.
				only := cloneModel(m)
				rule := only.Tiers[ti].Rules[ri]
				rule.Placements = []Placement{rule.Placements[pi]}
				only.Tiers[ti].Rules = []Rule{rule}
				totals, err := tierTotals(only)
				if err != nil {
					return err
				}
				out.Savings = append(out.Savings, Recommendation{Kind: KindDuplicateCopy, Tier: t.Name, Role: p.Role, Monthly: totals[t.Name],
					Change: fmt.Sprintf("remove the %s copy of tier %s: it lands in the same account and region as the %s copy", p.Role, t.Name, first),
					Reason: "two copies in one account and region protect against nothing one does not"})
			}
		}
	}
	return nil
}

// cloneModel copies m deeply enough to edit its placements.
func cloneModel(m *Model) *Model {
	c := *m
	c.Tiers = slices.Clone(m.Tiers)
	for i := range c.Tiers {
		c.Tiers[i].Rules = slices.Clone(c.Tiers[i].Rules)
		for j := range c.Tiers[i].Rules {
			c.Tiers[i].Rules[j].Placements = slices.Clone(c.Tiers[i].Rules[j].Placements)
		}
	}
	return &c
}
