package backup

import (
	"context"
	"fmt"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Ownership: orgbackup touches only what it owns. A change to a resource
// that exists is allowed only when the resource (or, for what has no tags
// of its own — a vault's access policy, lock and notifications, a policy's
// attachments — the resource it belongs to) carries managedtags.Managed
// "true" and managedtags.Spec naming the plan's spec; organization and
// Region settings, of which there is one each and which orgbackup manages
// by design, are exempt. Planning flags a change to a resource someone
// else owns as a check; Apply looks at the live resource again and refuses
// the whole plan, so an edited plan file cannot reach a resource orgbackup
// does not own.

// Owns reports whether tags mark a resource as managed by the spec named
// specName.
func Owns(tags map[string]string, specName string) bool {
	return tags[managedtags.Managed] == "true" && tags[managedtags.Spec] == specName
}

// unowned returns why change c touches a live resource the spec specName
// does not own, or "" when it may proceed: its kind is a setting, the
// resource it concerns does not exist, or carries the spec's ownership
// tags.
func unowned(ctx context.Context, src crossaccount.ConfigSource, kinds *plan.Kinds, specName string, c plan.Change) (string, error) {
	if c.Action == plan.NoOp {
		return "", nil
	}
	k, ok := kinds.Lookup(c.Kind)
	if !ok {
		return "", fmt.Errorf("%s: unknown resource kind %q", c.Address, c.Kind)
	}
	if k.Setting {
		return "", nil
	}
	owner := c.Address
	if k.Owner != nil {
		owner = k.Owner(c.Address)
		if k, ok = kinds.Lookup(owner.Kind); !ok || k.Tags == nil {
			return "", fmt.Errorf("%s: its owner %s is of a kind that has no tags", c.Address, owner)
		}
	}
	region := owner.Region
	if region == plan.Global {
		region = "us-east-1"
	}
	cfg, err := src.Config(ctx, owner.Account, region)
	if err != nil {
		return "", fmt.Errorf("getting credentials for %s in %s: %w", owner.Account, region, err)
	}
	tags, exists, err := k.Tags(ctx, cfg, owner)
	if err != nil {
		return "", fmt.Errorf("%s: reading who owns %s: %w", c.Address, owner, err)
	}
	if !exists || Owns(tags, specName) {
		return "", nil
	}
	who := "no owner tags"
	if tags[managedtags.Spec] != "" {
		who = fmt.Sprintf("%s=%s", managedtags.Spec, tags[managedtags.Spec])
	}
	return fmt.Sprintf("%s exists and is not orgbackup's for spec %q (%s); orgbackup will not %s it: "+
		"rename it in the spec, or, if it is meant to be orgbackup's, tag it %s=true and %s=%s",
		owner, specName, who, c.Action, managedtags.Managed, managedtags.Spec, specName), nil
}

// ownershipChecks returns a check for every change of p that touches a
// resource p's spec does not own.
func ownershipChecks(ctx context.Context, src crossaccount.ConfigSource, kinds *plan.Kinds, p *plan.Plan, concurrency int) ([]plan.Check, error) {
	found := make([]string, len(p.Changes))
	idx := make([]int, len(p.Changes))
	for i := range idx {
		idx[i] = i
	}
	err := crossaccount.ForEach(ctx, concurrency, idx, func(ctx context.Context, i int) error {
		why, err := unowned(ctx, src, kinds, p.Spec, p.Changes[i])
		found[i] = why
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []plan.Check
	for i, why := range found {
		if why != "" {
			out = append(out, plan.Check{Code: "unowned-resource", Address: p.Changes[i].Address.String(), Message: why})
		}
	}
	return out, nil
}
