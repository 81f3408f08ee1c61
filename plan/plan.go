package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// FormatVersion is the version of the plan file format this package writes
// and reads.
const FormatVersion = 1

// Plan is the ordered list of changes that would bring the organization to
// the spec. It is data: rendering and applying read it, nothing else.
type Plan struct {
	// FormatVersion is the plan file format's version (FormatVersion).
	FormatVersion int `json:"format_version"`
	// Spec is the spec's name.
	Spec string `json:"spec"`
	// SpecDigest identifies the spec's content (spec.Spec.Digest), so a
	// plan is never applied under another spec.
	SpecDigest string `json:"spec_digest,omitempty"`
	// Changes are sorted by stage, then address, each after the changes
	// it depends on.
	Changes []Change `json:"changes"`
	// Checks are consistency problems found across accounts; a plan with
	// checks cannot be applied.
	Checks []Check `json:"checks,omitempty"`
	// Notes are findings that do not block applying the plan but need
	// someone's attention, such as resources orgbackup created that
	// nothing uses (orphans), which it never deletes itself.
	Notes []Check `json:"notes,omitempty"`
	// Fingerprint is the SHA-256 of the canonical JSON of everything above.
	Fingerprint string `json:"fingerprint"`
	// Cost is the monthly cost at steady state before and after the plan,
	// for review; nil when not estimated. It is not fingerprinted.
	Cost *CostSummary `json:"cost,omitempty"`
}

// Check is a consistency problem that would make the architecture fail.
type Check struct {
	// Code is a stable identifier, e.g. "central-retention-outside-lock".
	Code string `json:"code"`
	// Address is what the problem concerns: a resource address, an
	// account, or a spec path such as "tiers.production".
	Address string `json:"address,omitempty"`
	// Message explains the problem and how to fix it.
	Message string `json:"message"`
}

// Summary counts a plan's changes by action.
type Summary struct {
	Create, Update, Replace, Delete, Destructive, Irreversible int
}

// Summary counts the plan's changes.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
		case Replace:
			s.Replace++
		case Delete:
			s.Delete++
		}
		if c.Destructive {
			s.Destructive++
		}
		if c.Irreversible {
			s.Irreversible++
		}
	}
	return s
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp {
			return true
		}
	}
	return false
}

// Seal checks that every change is of a kind in kinds, with valid JSON
// states; orders the changes by their kind's stage, then address, then
// moves each after the changes it depends on; sorts the checks; and
// computes the fingerprint.
func (p *Plan) Seal(kinds *Kinds) error {
	for _, c := range p.Changes {
		if _, ok := kinds.Lookup(c.Kind); !ok {
			return fmt.Errorf("sealing the plan: %s: unknown resource kind %q", c.Address, c.Kind)
		}
		for _, raw := range []json.RawMessage{c.Before, c.After} {
			if len(raw) > 0 && !json.Valid(raw) {
				return fmt.Errorf("sealing the plan: %s: a state is not valid JSON", c.Address)
			}
		}
	}
	p.FormatVersion = FormatVersion
	stage := func(kind string) Stage {
		k, _ := kinds.Lookup(kind)
		return k.Stage
	}
	sort.SliceStable(p.Changes, func(i, j int) bool {
		si, sj := stage(p.Changes[i].Kind), stage(p.Changes[j].Kind)
		if si != sj {
			return si < sj
		}
		return p.Changes[i].Address.String() < p.Changes[j].Address.String()
	})
	p.Changes = orderDependencies(p.Changes)
	for _, l := range [][]Check{p.Checks, p.Notes} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Address != l[j].Address {
				return l[i].Address < l[j].Address
			}
			return l[i].Code < l[j].Code
		})
	}
	p.Fingerprint = p.computeFingerprint()
	return nil
}

func (p *Plan) computeFingerprint() string {
	c := *p
	c.Fingerprint = ""
	c.Cost = nil
	sum := sha256.Sum256(JSON(c))
	return hex.EncodeToString(sum[:])
}

// Verify reports whether the fingerprint matches the plan's content, so a
// plan file that was edited after review is refused.
func (p *Plan) Verify() error {
	if got := p.computeFingerprint(); got != p.Fingerprint {
		return fmt.Errorf("plan fingerprint %s does not match its content (%s): the plan was modified", p.Fingerprint, got)
	}
	return nil
}

// orderDependencies moves every change after the changes it depends on,
// keeping the given order otherwise (a stable topological sort). Cycles,
// which planners never produce, keep their given order.
func orderDependencies(changes []Change) []Change {
	pos := map[Address]int{}
	for i, c := range changes {
		pos[c.Address] = i
	}
	done := make([]bool, len(changes))
	visiting := make([]bool, len(changes))
	out := make([]Change, 0, len(changes))
	var visit func(i int)
	visit = func(i int) {
		if done[i] || visiting[i] {
			return
		}
		visiting[i] = true
		for _, d := range changes[i].DependsOn {
			if j, ok := pos[d]; ok {
				visit(j)
			}
		}
		visiting[i] = false
		done[i] = true
		out = append(out, changes[i])
	}
	for i := range changes {
		visit(i)
	}
	return out
}
