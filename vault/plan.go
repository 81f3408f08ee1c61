package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/orgbackup/orgbackup/plan"
)

// Plan reads the live state of d's account+region and returns the changes
// that bring it to d, in apply order. It never mutates anything.
func Plan(ctx context.Context, c Readers, d Desired, optFns ...func(*Options)) ([]plan.Change, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("validating vault %q of %s/%s: %w", d.Vault, d.Account, d.Region, err)
	}
	if d.Notifications != nil && c.SNS == nil {
		return nil, fmt.Errorf("planning vault %q of %s/%s: notifications need an SNS client", d.Vault, d.Account, d.Region)
	}
	var alias, topic string
	if d.Key != nil {
		alias = aliasName(d.Key.Alias)
	}
	if d.Notifications != nil {
		topic = d.Notifications.Topic
	}
	st, err := Read(ctx, c, d.Account, d.Region, d.Vault, alias, topic)
	if err != nil {
		return nil, fmt.Errorf("planning vault %q: %w", d.Vault, err)
	}
	p := planner{ctx: ctx, c: c, d: d, st: st, now: o.Now()}
	if err := p.plan(); err != nil {
		return nil, fmt.Errorf("planning vault %q of %s/%s: %w", d.Vault, d.Account, d.Region, err)
	}
	return p.changes, nil
}

type planner struct {
	ctx     context.Context
	c       Readers
	d       Desired
	st      *State
	now     time.Time
	changes []plan.Change
}

// addr is the address of a resource of the desired account and region.
func (p *planner) addr(kind, name string) plan.Address {
	return plan.Address{Account: p.d.Account, Region: p.d.Region, Kind: kind, Name: name}
}

func (p *planner) add(ch plan.Change) { p.changes = append(p.changes, ch) }

// dependsOn returns the addresses among refs that have a change in the
// plan.
func (p *planner) dependsOn(refs ...plan.Address) []plan.Address {
	var out []plan.Address
	for _, r := range refs {
		for _, ch := range p.changes {
			if ch.Address == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (p *planner) plan() error {
	if err := p.planKey(); err != nil {
		return err
	}
	live, err := p.planVault()
	if err != nil {
		return err
	}
	if err := p.planAirGapped(); err != nil {
		return err
	}
	if err := p.planAccessPolicy(live); err != nil {
		return err
	}
	p.planLock(live)
	if err := p.planTopic(); err != nil {
		return err
	}
	p.planNotifications(live)
	return nil
}

// compactJSON compacts a JSON document for embedding in a change.
func compactJSON(doc string) (json.RawMessage, error) {
	if doc == "" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortedUnique(l []string) []string {
	out := slices.Clone(l)
	sort.Strings(out)
	return slices.Compact(out)
}
