package legalhold

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// KindHold is a legal hold the spec declares, in one account and Region;
// its name is the hold's title.
const KindHold = "backup_legal_hold"

// Kinds returns the kinds this package plans and applies. Holds come
// last: they hold points of vaults the earlier stages create.
func Kinds() []plan.Kind {
	return []plan.Kind{{Name: KindHold, Stage: plan.StageReporting, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return applyHold(ctx, awsbackup.NewFromConfig(env.Config), c)
	}, Tags: noLiveHold}}
}

// noLiveHold answers the ownership check: a declared hold is only ever
// created (its title is not unique, and planning never updates or
// releases one), so no change of this kind touches a live resource.
func noLiveHold(context.Context, aws.Config, plan.Address) (map[string]string, bool, error) {
	return nil, false, nil
}

// Desired is one declared hold in one account and Region.
type Desired struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Vaults      []string          `json:"vaults"`
	Resources   []string          `json:"resources,omitempty"`
	From        *time.Time        `json:"from,omitempty"`
	To          *time.Time        `json:"to,omitempty"`
	Points      int               `json:"points"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// SelectionOf turns a declared hold into a Selection: the accounts of its
// tiers (tierOf maps workload accounts to their tiers) and its accounts,
// its dates as whole UTC days.
func SelectionOf(h spec.LegalHold, tierOf map[string][]string) Selection {
	accounts := map[string]bool{}
	for _, a := range h.Accounts {
		accounts[a] = true
	}
	for a, tiers := range tierOf {
		for _, tier := range tiers {
			if slices.Contains(h.Tiers, tier) {
				accounts[a] = true
			}
		}
	}
	sel := Selection{Accounts: slices.Sorted(maps.Keys(accounts)), ResourceTypes: h.ResourceTypes, Tags: h.Tags}
	if t, err := time.Parse(time.DateOnly, h.From); err == nil {
		sel.From = t
	}
	if t, err := time.Parse(time.DateOnly, h.To); err == nil {
		sel.To = t.Add(24*time.Hour - time.Nanosecond)
	}
	return sel
}

// Plan plans the spec's holds: a hold is created in every account and
// Region where its selection has points and no active hold of its title
// exists. A hold is never released by planning: removing it from the spec
// leaves it in place until `legal-hold release` gives a reason.
func Plan(ctx context.Context, src crossaccount.ConfigSource, holds []spec.LegalHold, tierOf map[string][]string, tags map[string]string, o Options) ([]plan.Change, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	var out []plan.Change
	for _, h := range holds {
		sel := SelectionOf(h, tierOf)
		if len(sel.Accounts) == 0 {
			continue
		}
		targets, err := Resolve(ctx, src, sel, o)
		if err != nil {
			return nil, fmt.Errorf("planning legal hold %q: %w", h.Title, err)
		}
		for _, t := range targets {
			cfg, err := src.Config(ctx, t.Account, t.Region)
			if err != nil {
				return nil, err
			}
			id, err := activeHold(ctx, awsbackup.NewFromConfig(cfg), h.Title)
			if err != nil {
				return nil, fmt.Errorf("listing legal holds of %s in %s: %w", t.Account, t.Region, err)
			}
			if id != "" {
				continue
			}
			d := Desired{Title: h.Title, Description: h.Description, Vaults: t.Vaults, Resources: t.Resources, Points: len(t.Points), Tags: tags}
			if !sel.From.IsZero() || !sel.To.IsZero() {
				to := sel.To
				if to.IsZero() {
					to = o.Now().UTC().Truncate(time.Second)
				}
				d.From, d.To = aws.Time(sel.From), aws.Time(to)
			}
			addr := plan.Address{Account: t.Account, Region: t.Region, Kind: KindHold, Name: h.Title}
			out = append(out, plan.NewChange(addr, plan.Create, nil, d, fmt.Sprintf("legal hold %q keeps %d recovery point(s) here past their lifecycle", h.Title, len(t.Points))))
		}
	}
	return out, nil
}

// applyHold creates the hold; the idempotency token makes a retry return
// the hold already made.
func applyHold(ctx context.Context, api Writer, c plan.Change) error {
	var d Desired
	if err := c.Decode(&d); err != nil {
		return err
	}
	var from, to time.Time
	if d.From != nil {
		from = *d.From
	}
	if d.To != nil {
		to = *d.To
	}
	t := Target{Account: c.Account, Region: c.Region, Vaults: d.Vaults, Resources: d.Resources}
	if _, err := api.CreateLegalHold(ctx, createInput(d.Title, d.Description, t, from, to, d.Tags)); err != nil {
		return fmt.Errorf("creating legal hold %q: %w", d.Title, err)
	}
	return nil
}

// TierAccounts maps every workload account of the organization (topo) to
// the spec's tiers whose targets reach it; the management and backup
// accounts are not workload accounts.
func TierAccounts(sp *spec.Spec, topo *crossaccount.Topology) (map[string][]string, error) {
	out := map[string][]string{}
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			return nil, err
		}
		for _, target := range t.Targets {
			ids, err := topo.Resolve(target)
			if err != nil {
				return nil, err
			}
			for _, a := range ids {
				if a == sp.Organization.ManagementAccount || a == sp.Organization.BackupAccount || slices.Contains(out[a], name) {
					continue
				}
				out[a] = append(out[a], name)
			}
		}
	}
	return out, nil
}
