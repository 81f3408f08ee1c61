package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// Action is what a change does to a resource.
type Action rune

// Actions, as Terraform draws them.
const (
	NoOp    Action = ' '
	Create  Action = '+'
	Update  Action = '~'
	Replace Action = '±'
	Delete  Action = '-'
)

// String returns the action's word.
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Replace:
		return "replace"
	case Delete:
		return "delete"
	}
	return "no-op"
}

// MarshalJSON writes the action's word.
func (a Action) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON reads the action's word.
func (a *Action) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, x := range []Action{NoOp, Create, Update, Replace, Delete} {
		if x.String() == s {
			*a = x
			return nil
		}
	}
	return fmt.Errorf("unknown action %q", s)
}

// Change is one change to one resource. Apply reads only Kind, Account,
// Region, Action and After (Before is for review and safety checks).
type Change struct {
	// Address names the resource uniquely and sorts changes for display:
	// "ACCOUNT/REGION/KIND/NAME" ("global" for global resources).
	Address string `json:"address"`
	// Kind is the resource kind, e.g. "backup_vault", "kms_key".
	Kind string `json:"kind"`
	// Account and Region locate the resource.
	Account string `json:"account"`
	Region  string `json:"region"`
	// Name is the resource's name within its kind.
	Name string `json:"name"`
	// Action is what happens.
	Action Action `json:"action"`
	// Before and After are the resource's state now and after the change,
	// as plain JSON values; nil for absent.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	// Destructive changes need AllowDestructive.
	Destructive bool `json:"destructive,omitempty"`
	// Irreversible changes need AcknowledgeIrreversible.
	Irreversible bool `json:"irreversible,omitempty"`
	// Reason explains the change for humans; display only.
	Reason string `json:"reason,omitempty"`
	// DependsOn lists the addresses that must be applied first.
	DependsOn []string `json:"depends_on,omitempty"`
}

// Plan is the ordered list of changes that would bring the organization to
// the spec. It is data: rendering and applying read it, nothing else.
type Plan struct {
	// FormatVersion is the plan JSON format version (1).
	FormatVersion int `json:"format_version"`
	// Spec is the spec's name.
	Spec string `json:"spec"`
	// Changes are sorted by stage, then address.
	Changes []Change `json:"changes"`
	// Checks are consistency problems found across accounts; a plan with
	// checks cannot be applied.
	Checks []Check `json:"checks,omitempty"`
	// Fingerprint is the SHA-256 of the canonical JSON of everything above.
	Fingerprint string `json:"fingerprint"`
}

// Check is a consistency problem that would make the architecture fail.
type Check struct {
	// Code is a stable identifier, e.g. "central-retention-outside-lock".
	Code string `json:"code"`
	// Address is the resource concerned.
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

// Seal sorts the changes and computes the fingerprint.
func (p *Plan) Seal() {
	p.FormatVersion = 1
	sort.SliceStable(p.Changes, func(i, j int) bool {
		si, sj := stageOf(p.Changes[i].Kind), stageOf(p.Changes[j].Kind)
		if si != sj {
			return si < sj
		}
		return p.Changes[i].Address < p.Changes[j].Address
	})
	p.Changes = orderDependencies(p.Changes)
	sort.SliceStable(p.Checks, func(i, j int) bool {
		if p.Checks[i].Address != p.Checks[j].Address {
			return p.Checks[i].Address < p.Checks[j].Address
		}
		return p.Checks[i].Code < p.Checks[j].Code
	})
	p.Fingerprint = p.computeFingerprint()
}

func (p *Plan) computeFingerprint() string {
	c := *p
	c.Fingerprint = ""
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
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

// stages are the apply order of resource kinds: organization settings,
// roles and keys, vaults, access policies and locks, notifications, backup
// policies and plans, reports.
var stages = map[string]int{
	"org_service_access":       0,
	"org_policy_type":          0,
	"org_delegated_admin":      0,
	"org_resource_policy":      0,
	"backup_global_settings":   0,
	"backup_region_settings":   0,
	"iam_role":                 1,
	"kms_key":                  1,
	"backup_vault":             2,
	"air_gapped_vault":         2,
	"vault_access_policy":      3,
	"vault_lock":               3,
	"sns_topic":                4,
	"vault_notifications":      4,
	"backup_policy":            5,
	"backup_policy_attachment": 5,
	"backup_plan":              5,
	"backup_selection":         5,
	"s3_bucket":                6,
	"report_plan":              6,
	"framework":                6,
}

// stageOf returns the apply stage of a kind; unknown kinds go last.
func stageOf(kind string) int {
	if s, ok := stages[kind]; ok {
		return s
	}
	return 1 << 20
}

// orderDependencies moves every change after the changes it depends on,
// keeping the given order otherwise (a stable topological sort). Cycles,
// which the planner never produces, keep their given order.
func orderDependencies(changes []Change) []Change {
	pos := map[string]int{}
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
