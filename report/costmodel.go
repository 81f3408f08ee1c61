package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/orgbackup/orgbackup/cost"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// CostModel is the report's cost section from the cost model: what the
// spec's sized workloads (cost.workloads) cost per month at steady state,
// broken down for a finance team, and how each vault's storage grows to
// get there.
type CostModel struct {
	// Currency and Prices say what the amounts are in and rest on.
	Currency, Prices string
	// SteadyDay is the day steady state is reached (the longest
	// retention).
	SteadyDay float64
	// Total is the monthly amount at steady state.
	Total float64
	// ByTier, ByAccount, ByRegion and ByAllocation break Total down.
	ByTier, ByAccount, ByRegion, ByAllocation []cost.Group
	// AllocationTag is the spec's cost.allocation_tag.
	AllocationTag string
	// AllocationGaps are the workloads whose allocation value their
	// recovery points are not proven to carry; ByAllocation counts their
	// amounts under "VALUE (not proven)".
	AllocationGaps []AllocationGap
	// Lines are the steady state's lines, for the finance CSV.
	Lines []cost.Line
	// Vaults forecast each vault's storage.
	Vaults []VaultGrowth
}

// AllocationGap is a tier's resources of one type and allocation value
// whose recovery points are not proven to carry the allocation tag, so
// AWS's cost allocation and the spec's allocation budgets may not
// attribute them.
type AllocationGap struct {
	Tier, ResourceType, Allocation string
	// Reason says why.
	Reason string
	// Monthly is their amount at steady state.
	Monthly float64
}

// notProven marks an allocation value whose recovery points are not
// proven to carry it.
const notProven = " (not proven)"

// VaultGrowth is one vault's stored GB as the model forecasts it after
// 1, 3 and 12 months and at steady state, with what the inventory holds
// now where the report collected it.
type VaultGrowth struct {
	Role, Account, Region string
	// NowGB is the stored GB the inventory found; -1 when unknown.
	NowGB                         float64
	Month1GB, Month3GB, Month12GB float64
	SteadyGB                      float64
	SteadyMonth                   int
}

// EvaluateCost builds the cost section of spec sp priced with prices; inv,
// when not nil, gives each vault's stored bytes now.
func EvaluateCost(sp *spec.Spec, inv *Inventory, prices *cost.Prices) (*CostModel, error) {
	m, err := cost.FromSpec(sp, prices)
	if err != nil {
		return nil, err
	}
	steady, err := m.SteadyState()
	if err != nil {
		return nil, fmt.Errorf("evaluating cost: %w", err)
	}
	c := &CostModel{
		Currency: steady.Currency, Prices: steady.Prices, SteadyDay: steady.Day, Total: steady.Total(),
		ByTier: steady.By(cost.ByTier), ByAccount: steady.By(cost.ByAccount), ByRegion: steady.By(cost.ByRegion),
		Lines: steady.Lines, AllocationTag: m.AllocationTag, AllocationGaps: allocationGaps(sp),
	}
	// The breakdown by allocation keeps apart what is not proven.
	byAllocation := cost.Estimate{Lines: slices.Clone(steady.Lines)}
	for i, l := range byAllocation.Lines {
		if g := c.gap(l); g != nil {
			g.Monthly += l.Total()
			byAllocation.Lines[i].Allocation += notProven
		}
	}
	c.ByAllocation = byAllocation.By(cost.ByAllocation)
	type key struct{ role, account, region string }
	vaults := map[key]*VaultGrowth{}
	at := func(day float64, set func(*VaultGrowth, float64)) error {
		e, err := m.At(min(day, steady.Day))
		if err != nil {
			return err
		}
		for _, l := range e.Lines {
			if l.WarmGB+l.ColdGB == 0 {
				continue
			}
			k := key{string(l.Role), l.Account, l.Region}
			v := vaults[k]
			if v == nil {
				v = &VaultGrowth{Role: k.role, Account: k.account, Region: k.region, NowGB: -1}
				vaults[k] = v
			}
			set(v, l.WarmGB+l.ColdGB)
		}
		return nil
	}
	for _, s := range []struct {
		months float64
		set    func(*VaultGrowth, float64)
	}{
		{1, func(v *VaultGrowth, gb float64) { v.Month1GB += gb }},
		{3, func(v *VaultGrowth, gb float64) { v.Month3GB += gb }},
		{12, func(v *VaultGrowth, gb float64) { v.Month12GB += gb }},
		{math.Inf(1), func(v *VaultGrowth, gb float64) { v.SteadyGB += gb }},
	} {
		if err := at(s.months*cost.DaysPerMonth, s.set); err != nil {
			return nil, err
		}
	}
	// The month each vault fills: the first whose storage is its steady
	// state's.
	months := int(math.Ceil(steady.Day / cost.DaysPerMonth))
	filled := map[key]int{}
	for i := 1; i <= months && len(filled) < len(vaults); i++ {
		e, err := m.At(min(float64(i)*cost.DaysPerMonth, steady.Day))
		if err != nil {
			return nil, err
		}
		gb := map[key]float64{}
		for _, l := range e.Lines {
			gb[key{string(l.Role), l.Account, l.Region}] += l.WarmGB + l.ColdGB
		}
		for k, v := range vaults {
			if _, done := filled[k]; !done && gb[k] >= v.SteadyGB-0.5 {
				filled[k] = i
				v.SteadyMonth = i
			}
		}
	}
	if inv != nil {
		now := map[key]float64{}
		for _, r := range inv.Resources {
			now[key{"local", r.Account, r.Region}] += float64(r.LocalWarm+r.LocalCold) / gib
			now[key{"central", sp.Organization.BackupAccount, sp.Organization.Regions.Primary}] += float64(r.CentralWarm+r.CentralCold) / gib
			now[key{"secondary", sp.Organization.BackupAccount, sp.Organization.Regions.Secondary}] += float64(r.SecondaryWarm+r.SecondaryCold) / gib
		}
		for k, v := range vaults {
			if gb, ok := now[k]; ok {
				v.NowGB = gb
			}
		}
	}
	keys := slices.SortedFunc(maps.Keys(vaults), func(a, b key) int {
		return slices.Compare([]string{a.role, a.account, a.region}, []string{b.role, b.account, b.region})
	})
	for _, k := range keys {
		c.Vaults = append(c.Vaults, *vaults[k])
	}
	return c, nil
}

// allocationGaps returns the workloads of sp's cost.workloads whose
// recovery points are not proven to carry their allocation tag: where AWS
// Backup does not copy the resource's tags onto what the backup stores
// (policy.AllocatedByResourceTags), or where the tag does not fit among a
// recovery point's tags (policy.Rule.RecoveryPointTagsOf). Copies carry
// their source's tags. orgbackup turns on advanced DynamoDB backup only
// in the accounts of tiers that copy to the backup account
// (regionsettings.PlanWorkload), so only there are DynamoDB backups
// proven to carry tags.
func allocationGaps(sp *spec.Spec) []AllocationGap {
	if sp.Cost == nil || sp.Cost.AllocationTag == "" {
		return nil
	}
	key := sp.Cost.AllocationTag
	seen := map[AllocationGap]bool{}
	var out []AllocationGap
	for _, w := range sp.Cost.Workloads {
		value := w.Tags[key]
		if value == "" {
			continue // unallocated: nothing is claimed
		}
		t, err := sp.Tier(w.Tier)
		if err != nil {
			continue
		}
		advanced := t.CentralRetention > 0
		ok, why := policy.AllocatedByResourceTags(w.ResourceType, advanced)
		if p, err := sp.TierPlan(w.Tier); ok && err == nil {
			for _, r := range p.Rules {
				if r.RecoveryPointTagsOf(w.ResourceType, w.Tags, advanced)[key] != value {
					ok, why = false, fmt.Sprintf("the resources carry more tags than fit beside rule %s's on a recovery point (%d at most), and %s is left off", r.Name, policy.MaxRecoveryPointTags, key)
					break
				}
			}
		}
		g := AllocationGap{Tier: w.Tier, ResourceType: w.ResourceType, Allocation: value, Reason: why}
		if !ok && !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b AllocationGap) int {
		return slices.Compare([]string{a.Tier, a.ResourceType, a.Allocation}, []string{b.Tier, b.ResourceType, b.Allocation})
	})
	return out
}

// gap returns the allocation gap line l belongs to, or nil.
func (c *CostModel) gap(l cost.Line) *AllocationGap {
	for i := range c.AllocationGaps {
		g := &c.AllocationGaps[i]
		if g.Tier == l.Tier && g.ResourceType == l.ResourceType && g.Allocation == l.Allocation {
			return g
		}
	}
	return nil
}

// WriteMarkdown writes the cost section.
func (c *CostModel) WriteMarkdown(w io.Writer) error {
	amt := func(v float64) string { return money(c.Currency, v) }
	b := &errWriter{w: w}
	b.printf("### Cost at steady state\n\n**%s per month** once the longest retention (%d days) has filled; %s.\n\n", amt(c.Total), int(c.SteadyDay), c.Prices)
	table := func(title string, groups []cost.Group) {
		b.printf("| %s | warm GB | cold GB | cost/month |\n|---|---:|---:|---:|\n", title)
		for _, g := range groups {
			b.printf("| %s | %.0f | %.0f | %s |\n", md(g.Key), g.WarmGB, g.ColdGB, amt(g.Monthly))
		}
		b.printf("\n")
	}
	table("tier", c.ByTier)
	alloc := "allocation"
	if c.AllocationTag != "" {
		alloc = c.AllocationTag
	}
	table(alloc, c.ByAllocation)
	for _, g := range c.AllocationGaps {
		b.printf("- Allocation not proven: tier %s, %s, %s %s (%s per month): %s.\n", md(g.Tier), md(g.ResourceType), md(alloc), md(g.Allocation), amt(g.Monthly), md(g.Reason))
	}
	if len(c.AllocationGaps) > 0 {
		b.printf("\n")
	}
	table("account", c.ByAccount)
	table("region", c.ByRegion)
	b.printf("### Storage growth per vault\n\n| vault | account | region | now GB | 1 month | 3 months | 12 months | steady state (month) |\n|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, v := range c.Vaults {
		now := "-"
		if v.NowGB >= 0 {
			now = fmt.Sprintf("%.0f", v.NowGB)
		}
		b.printf("| %s | %s | %s | %s | %.0f | %.0f | %.0f | %.0f (%d) |\n", v.Role, md(v.Account), v.Region, now, v.Month1GB, v.Month3GB, v.Month12GB, v.SteadyGB, v.SteadyMonth)
	}
	return b.err
}

// financeCSVHeader is the header of WriteFinanceCSV.
var financeCSVHeader = []string{
	"tier", "account", "region", "allocation", "vault_role", "resource_type",
	"warm_gb", "cold_gb", "storage", "transfer", "restore", "restore_testing", "total", "currency", "basis",
	"allocation_proven",
}

// WriteFinanceCSV writes the steady state's lines as CSV for a finance
// team: one row per tier, account, region, allocation value, vault role
// and resource type, amounts per month with two decimals.
// allocation_proven is "false" where the recovery points are not proven
// to carry the allocation value (AllocationGaps), "true" where they are,
// and empty for unallocated lines.
func (c *CostModel) WriteFinanceCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(financeCSVHeader); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64) }
	for _, l := range c.Lines {
		proven := ""
		if l.Allocation != cost.Unallocated {
			proven = strconv.FormatBool(c.gap(l) == nil)
		}
		if err := cw.Write([]string{l.Tier, l.Account, l.Region, l.Allocation, string(l.Role), l.ResourceType,
			f(l.WarmGB), f(l.ColdGB), f(l.Storage), f(l.Transfer), f(l.Restore), f(l.RestoreTesting), f(l.Total()), c.Currency, c.Prices,
			proven}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
