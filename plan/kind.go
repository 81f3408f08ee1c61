package plan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Stage orders the kinds when a plan is applied: every change of a stage
// is applied before any change of a later stage.
type Stage int

// Stages, in apply order.
const (
	// StageOrganization: trusted access, policy types, delegated
	// administration, organization-wide and per-region settings.
	StageOrganization Stage = iota
	// StageIdentity: IAM roles and KMS keys, which vaults and plans use.
	StageIdentity
	// StageVault: backup vaults.
	StageVault
	// StageVaultPolicy: what guards a vault (access policy, Vault Lock).
	StageVaultPolicy
	// StageNotification: SNS topics and vault notifications.
	StageNotification
	// StageDistribution: backup policies and plans, which need everything
	// above to exist in the accounts they reach.
	StageDistribution
	// StageReporting: report buckets, report plans and frameworks.
	StageReporting
)

// ApplyEnv is what a kind's Apply gets besides the change.
type ApplyEnv struct {
	// Config is the aws.Config of the change's account, in its Region
	// (us-east-1 for Global changes).
	Config aws.Config
	// Now returns the current time (the emulator's clock against it).
	Now func() time.Time
}

// Kind is one resource kind: its name in addresses, when it is applied and
// how one of its changes is applied. The package that reconciles the kind
// defines it next to the kind's desired state, reader and planner.
type Kind struct {
	// Name is the kind's name in addresses, e.g. "backup_vault".
	Name string
	// Stage is when its changes are applied.
	Stage Stage
	// Apply applies one change of this kind. It must be idempotent: a
	// change applied again after a failure converges.
	Apply func(ctx context.Context, env ApplyEnv, c Change) error

	// Who owns a live resource of this kind, so that orgbackup updates
	// and deletes only what carries its ownership tags. Every kind says
	// one of three things (NewKinds refuses a kind that says none):
	//
	// Setting: there is one per organization, or per account and Region,
	// and orgbackup manages it by design; nobody owns it.
	Setting bool
	// Owner: the resource has no tags of its own (a vault's access
	// policy, a policy's attachment); Owner returns the address of the
	// resource whose tags say who owns it, a kind with Tags.
	Owner func(Address) Address
	// Tags reads the live resource's tags in cfg (the address's account,
	// in its Region or us-east-1 for Global), with exists false when the
	// resource does not exist.
	Tags func(ctx context.Context, cfg aws.Config, a Address) (tags map[string]string, exists bool, err error)
}

// Kinds is a table of resource kinds by name.
type Kinds struct {
	byName map[string]Kind
}

// NewKinds builds the table of the given kinds, refusing a name given
// twice or a kind without Apply.
func NewKinds(groups ...[]Kind) (*Kinds, error) {
	t := &Kinds{byName: map[string]Kind{}}
	for _, g := range groups {
		for _, k := range g {
			if k.Name == "" || k.Apply == nil {
				return nil, fmt.Errorf("kind %q has no name or no Apply", k.Name)
			}
			if !k.Setting && k.Owner == nil && k.Tags == nil {
				return nil, fmt.Errorf("kind %q does not say who owns its resources (Setting, Owner or Tags)", k.Name)
			}
			if _, dup := t.byName[k.Name]; dup {
				return nil, fmt.Errorf("kind %q is registered twice", k.Name)
			}
			t.byName[k.Name] = k
		}
	}
	return t, nil
}

// Lookup returns the kind named name.
func (t *Kinds) Lookup(name string) (Kind, bool) {
	k, ok := t.byName[name]
	return k, ok
}

// Names returns the kinds' names, sorted.
func (t *Kinds) Names() []string {
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Check returns an error naming the first change of p whose kind the table
// lacks.
func (t *Kinds) Check(p *Plan) error {
	for _, c := range p.Changes {
		if _, ok := t.byName[c.Kind]; !ok {
			return fmt.Errorf("%s: unknown resource kind %q", c.Address, c.Kind)
		}
	}
	return nil
}
