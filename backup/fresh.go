package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// StaleError says why a saved plan cannot be applied as it is: it was made
// for another spec, or the live state moved since it was made. Nothing has
// been applied.
type StaleError struct {
	// Reasons say what differs, one line each.
	Reasons []string
}

func (e *StaleError) Error() string {
	const most = 10
	reasons := e.Reasons
	more := ""
	if len(reasons) > most {
		more = fmt.Sprintf("; and %d more", len(reasons)-most)
		reasons = reasons[:most]
	}
	return "refusing a stale plan: " + strings.Join(reasons, "; ") + more + "; plan again and review the new plan; nothing was applied"
}

// CheckFresh refuses a saved plan made for another spec than sp, or whose
// changes no longer match the organization: it plans again (read-only, as
// PlanChanges) and compares every change — address, action, the live state
// it was computed from (Before), the desired state (After) and its safety
// flags. A plan applied already, a resource someone changed since, and a
// plan edited after review (even with its fingerprint recomputed) are all
// refused.
func CheckFresh(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, p *plan.Plan, optFns ...func(*PlanOptions)) error {
	if p.Spec != sp.Name || (p.SpecDigest != "" && p.SpecDigest != sp.Digest()) {
		return &StaleError{Reasons: []string{fmt.Sprintf("the plan was made for spec %q (digest %.12s), not for this spec %q (digest %.12s)", p.Spec, p.SpecDigest, sp.Name, sp.Digest())}}
	}
	if p.SpecDigest == "" {
		return &StaleError{Reasons: []string{"the plan does not say which spec it was made for"}}
	}
	fresh, err := PlanChanges(ctx, sp, src, optFns...)
	if err != nil {
		return fmt.Errorf("planning again to check the saved plan: %w", err)
	}
	if reasons := planDifferences(p, fresh); len(reasons) > 0 {
		return &StaleError{Reasons: reasons}
	}
	return nil
}

// planDifferences lists how saved differs from fresh, by address.
func planDifferences(saved, fresh *plan.Plan) []string {
	index := func(p *plan.Plan) map[plan.Address]plan.Change {
		m := make(map[plan.Address]plan.Change, len(p.Changes))
		for _, c := range p.Changes {
			m[c.Address] = c
		}
		return m
	}
	s, f := index(saved), index(fresh)
	var out []string
	for _, c := range saved.Changes {
		n, ok := f[c.Address]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s is no longer needed (applied already, or the live state changed)", c.Address, c.Action))
		case n.Action != c.Action:
			out = append(out, fmt.Sprintf("%s: the plan says %s, the organization now needs %s", c.Address, c.Action, n.Action))
		case !plan.JSONEqual(n.Before, c.Before):
			out = append(out, fmt.Sprintf("%s: the live state changed since planning", c.Address))
		case !plan.JSONEqual(n.After, c.After):
			out = append(out, fmt.Sprintf("%s: the desired state differs from the plan's", c.Address))
		case n.Destructive != c.Destructive || n.Irreversible != c.Irreversible:
			out = append(out, fmt.Sprintf("%s: the plan marks it destructive=%t irreversible=%t, it is destructive=%t irreversible=%t", c.Address, c.Destructive, c.Irreversible, n.Destructive, n.Irreversible))
		case !slices.Equal(n.DependsOn, c.DependsOn):
			out = append(out, fmt.Sprintf("%s: its dependencies differ from the plan's", c.Address))
		}
	}
	for _, c := range fresh.Changes {
		if _, ok := s[c.Address]; !ok {
			out = append(out, fmt.Sprintf("%s: the organization now needs %s, which the plan lacks", c.Address, c.Action))
		}
	}
	codes := func(p *plan.Plan) []string {
		var l []string
		for _, c := range p.Checks {
			l = append(l, c.Code+" "+c.Address)
		}
		return l
	}
	if !slices.Equal(codes(saved), codes(fresh)) {
		out = append(out, fmt.Sprintf("the consistency checks differ: the plan has %v, the organization now gives %v", codes(saved), codes(fresh)))
	}
	return out
}
