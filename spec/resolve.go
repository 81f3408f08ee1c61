package spec

import (
	"fmt"

	"github.com/orgbackup/orgbackup/policy"
)

// resolution is the spec resolved into typed values.
type resolution struct {
	tiers map[string]EffectiveTier
	// lockMin and lockMax bound the central vaults' Vault Lock; agMin and
	// agMax the air-gapped vault's retention.
	lockMin, lockMax, agMin, agMax policy.Days
}

// Resolve validates the spec (with defaults applied) and resolves its
// tiers and durations into typed values, which Tier, CentralLockDays and
// AirGappedDays then return. Load and Parse call it; code that builds or
// edits a Spec calls it after the last edit.
func (s *Spec) Resolve() error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.resolved = s.resolution()
	return nil
}

// Resolved returns a validated, resolved copy of the spec and leaves s as
// it is, so that runs sharing one spec across goroutines never write it.
// The engine calls it once at the start of each run: a spec edited in
// code since it was loaded is planned as it is now.
func (s *Spec) Resolved() (*Spec, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	c := *s
	c.resolved = s.resolution()
	return &c, nil
}

// resolve records the resolution of a valid spec.
func (s *Spec) resolve() { s.resolved = s.resolution() }

// resolution computes the resolution of a valid spec.
func (s *Spec) resolution() *resolution {
	r := &resolution{tiers: make(map[string]EffectiveTier, len(s.Tiers))}
	for name, t := range s.Tiers {
		// Validation has reported every problem effectiveTier finds.
		e, _ := s.effectiveTier(name, t)
		r.tiers[name] = e
	}
	if l := s.Central.Lock; l != nil {
		r.lockMin, _ = optionalDays(l.MinRetention)
		r.lockMax, _ = optionalDays(l.MaxRetention)
	}
	if ag := s.Central.AirGapped; ag != nil {
		r.agMin, _ = optionalDays(ag.MinRetention)
		r.agMax, _ = optionalDays(ag.MaxRetention)
	}
	return r
}

// Tier returns the tier named name with its preset and defaults resolved.
// A spec that was not resolved (built in code without Resolve) has its
// tier resolved now, and a tier whose durations do not parse is an error;
// Load has reported those with their positions.
func (s *Spec) Tier(name string) (EffectiveTier, error) {
	t, ok := s.Tiers[name]
	if !ok {
		return EffectiveTier{}, fmt.Errorf("spec has no tier %q (tiers: %v)", name, s.TierNames())
	}
	if s.resolved != nil {
		if e, ok := s.resolved.tiers[name]; ok {
			return e, nil
		}
	}
	e, errs := s.effectiveTier(name, t)
	if len(errs) > 0 {
		return EffectiveTier{}, fmt.Errorf("resolving tier %q: %s: %s", name, errs[0].path, errs[0].msg)
	}
	return e, nil
}

// CentralLockDays returns the minimum and maximum retention of the central
// vaults' Vault Lock (0 for a bound not set, or no lock).
func (s *Spec) CentralLockDays() (minDays, maxDays policy.Days) {
	r := s.resolved
	if r == nil {
		r = s.resolution()
	}
	return r.lockMin, r.lockMax
}

// AirGappedDays returns the minimum and maximum retention of the
// logically air-gapped vault (0 when there is none).
func (s *Spec) AirGappedDays() (minDays, maxDays policy.Days) {
	r := s.resolved
	if r == nil {
		r = s.resolution()
	}
	return r.agMin, r.agMax
}
