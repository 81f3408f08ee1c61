package cost

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// DaysPerMonth is the length of the month prices are per: 365/12 days
// (730 hours, the month AWS prices GB-months in).
const DaysPerMonth = 365.0 / 12

// Role is the part a vault plays for a tier's recovery points.
type Role string

// Vault roles.
const (
	// Local is the workload account's vault, where backups are taken.
	Local Role = "local"
	// Central is the backup account's vault in the workload's region.
	Central Role = "central"
	// Secondary is the backup account's vault in the secondary region.
	Secondary Role = "secondary"
)

// Unallocated is the allocation of a workload without the allocation tag.
const Unallocated = "(unallocated)"

// Placement is where a tier's recovery points are kept and for how long.
type Placement struct {
	// Role is the vault's role.
	Role Role
	// Account and Region are the vault's; "" means the workload's own.
	// A Region other than the workload's makes the copy a cross-region
	// copy, charged data transfer.
	Account, Region string
	// Keep is how long recovery points are kept; 0 keeps them forever,
	// which has no steady state.
	Keep policy.Days
	// ColdAfter moves recovery points to cold storage after so many days
	// (0 never) for the types that support it; Archive opts EBS in to the
	// archive tier (OptInToArchiveForSupportedResources).
	ColdAfter policy.Days
	Archive   bool
}

// Rule is one backup rule of a tier: how often it backs up and where the
// recovery points go (the local vault first, then each copy).
type Rule struct {
	// Name names the rule.
	Name string
	// BackupsPerMonth is how many backups the schedule takes in a month
	// (see BackupsPerMonth).
	BackupsPerMonth float64
	// Placements are the local vault and the copies' vaults.
	Placements []Placement
}

// Tier is a tier's rules.
type Tier struct {
	Name  string
	Rules []Rule
}

// Workload is a set of like resources of a tier: Count resources of
// ResourceType, each SizeGB, in one account and region.
type Workload struct {
	// Tier is the tier that backs the resources up.
	Tier string
	// Account and Region are where the resources run. Account "" stands
	// for the tier's accounts as a whole.
	Account, Region string
	// ResourceType is an AWS Backup resource type ("EBS", "RDS", ...).
	ResourceType string
	// Count is the number of resources; SizeGB each one's size.
	Count  int
	SizeGB float64
	// DailyChangeRate overrides every other change rate when > 0.
	DailyChangeRate float64
	// Tags are the resources' tags; the allocation tag's value attributes
	// their cost.
	Tags map[string]string
	// RestoresPerMonth and RestoreTestsPerMonth are the expected restores
	// and restore tests of each resource per month.
	RestoresPerMonth, RestoreTestsPerMonth float64
}

// ChangeRate overrides the default daily change rate of the workloads it
// matches: those of Tier (if set), of ResourceType (if set) and carrying
// every tag of Tags. The most specific match wins (most criteria set);
// among equally specific ones, the later.
type ChangeRate struct {
	Tier, ResourceType string
	Tags               map[string]string
	Daily              float64
}

// Model is what the cost of a backup architecture is computed from.
type Model struct {
	// Prices is the price file; required.
	Prices *Prices
	// Tiers are the tiers' rules.
	Tiers []Tier
	// Workloads are the resources the tiers back up.
	Workloads []Workload
	// ChangeRates override the types' default change rates.
	ChangeRates []ChangeRate
	// AllocationTag is the tag key whose value attributes cost; "" for
	// none.
	AllocationTag string
}

// Line is the monthly cost of one tier's resources of one type, of one
// allocation value, in one vault role, account and region. Storage is
// charged where the vault is; cross-region transfer, restores and restore
// tests where the resources are.
type Line struct {
	Tier, Account, Region, Allocation string
	Role                              Role
	ResourceType                      string
	// WarmGB and ColdGB are the stored GB.
	WarmGB, ColdGB float64
	// Storage, Transfer, Restore and RestoreTesting are monthly amounts.
	Storage, Transfer, Restore, RestoreTesting float64
}

// Total is the line's monthly amount.
func (l Line) Total() float64 { return l.Storage + l.Transfer + l.Restore + l.RestoreTesting }

// Estimate is the monthly cost on one day of the architecture's life.
type Estimate struct {
	// Day is the number of days since the first backup.
	Day float64
	// Currency and Prices (Prices.Label) say what the amounts are in.
	Currency, Prices string
	// Lines are sorted by tier, account, region, allocation, role, type.
	Lines []Line
}

// Total is the estimate's monthly amount.
func (e *Estimate) Total() float64 {
	var t float64
	for _, l := range e.Lines {
		t += l.Total()
	}
	return t
}

// Dimension is a way to break an estimate down.
type Dimension string

// Dimensions of an estimate.
const (
	ByTier         Dimension = "tier"
	ByAccount      Dimension = "account"
	ByRegion       Dimension = "region"
	ByAllocation   Dimension = "allocation"
	ByRole         Dimension = "role"
	ByResourceType Dimension = "resource_type"
)

// Group is the monthly amount of one value of a dimension.
type Group struct {
	Key     string
	Monthly float64
	// WarmGB and ColdGB are the stored GB of the group.
	WarmGB, ColdGB float64
}

// By sums the estimate by dimension d, sorted by key.
func (e *Estimate) By(d Dimension) []Group {
	sums := map[string]*Group{}
	for _, l := range e.Lines {
		k := l.key(d)
		g := sums[k]
		if g == nil {
			g = &Group{Key: k}
			sums[k] = g
		}
		g.Monthly += l.Total()
		g.WarmGB += l.WarmGB
		g.ColdGB += l.ColdGB
	}
	out := make([]Group, 0, len(sums))
	for _, k := range slices.Sorted(maps.Keys(sums)) {
		out = append(out, *sums[k])
	}
	return out
}

func (l Line) key(d Dimension) string {
	switch d {
	case ByTier:
		return l.Tier
	case ByAccount:
		return l.Account
	case ByRegion:
		return l.Region
	case ByAllocation:
		return l.Allocation
	case ByRole:
		return string(l.Role)
	case ByResourceType:
		return l.ResourceType
	}
	return ""
}

// SteadyDay returns the day the architecture reaches steady state: when
// the longest retention has filled. It is an error when a placement keeps
// recovery points forever.
func (m *Model) SteadyDay() (float64, error) {
	var longest policy.Days
	for _, t := range m.Tiers {
		for _, r := range t.Rules {
			for _, p := range r.Placements {
				if p.Keep == 0 {
					return 0, fmt.Errorf("tier %s rule %s keeps %s recovery points forever: storage grows without end, there is no steady state", t.Name, r.Name, p.Role)
				}
				longest = max(longest, p.Keep)
			}
		}
	}
	return float64(longest), nil
}

// SteadyState returns the monthly cost once the longest retention has
// filled.
func (m *Model) SteadyState() (*Estimate, error) {
	day, err := m.SteadyDay()
	if err != nil {
		return nil, err
	}
	return m.At(day)
}

// Point is the monthly cost at the end of one month of the curve.
type Point struct {
	// Month counts from 1, the month of the first backup.
	Month int
	// Total is the month's amount; Tiers its breakdown by tier.
	Total float64
	Tiers []Group
}

// Curve returns the monthly cost at the end of each month from the first
// backup until steady state (the last point).
func (m *Model) Curve() ([]Point, error) {
	day, err := m.SteadyDay()
	if err != nil {
		return nil, err
	}
	months := int(math.Ceil(day / DaysPerMonth))
	out := make([]Point, 0, months)
	for i := 1; i <= months; i++ {
		e, err := m.At(min(float64(i)*DaysPerMonth, day))
		if err != nil {
			return nil, err
		}
		out = append(out, Point{Month: i, Total: e.Total(), Tiers: e.By(ByTier)})
	}
	return out, nil
}

// At returns the monthly cost day days after the first backup of every
// workload: the storage held then, the month's transfers (including the
// first full copies while day is within the first month), restores and
// restore tests.
func (m *Model) At(day float64) (*Estimate, error) {
	if m.Prices == nil {
		return nil, errors.New("estimating cost: no price file")
	}
	tiers := map[string]Tier{}
	for _, t := range m.Tiers {
		tiers[t.Name] = t
	}
	lines := map[[6]string]*Line{}
	line := func(tier, account, region, alloc string, role Role, typ string) *Line {
		k := [6]string{tier, account, region, alloc, string(role), typ}
		l := lines[k]
		if l == nil {
			l = &Line{Tier: tier, Account: account, Region: region, Allocation: alloc, Role: role, ResourceType: typ}
			lines[k] = l
		}
		return l
	}
	var errs []error
	for i, w := range m.Workloads {
		if err := m.workload(day, w, tiers, line); err != nil {
			errs = append(errs, fmt.Errorf("workloads[%d] (tier %s, %s in %s): %w", i, w.Tier, w.ResourceType, w.Region, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("estimating cost: %w", err)
	}
	e := &Estimate{Day: day, Currency: m.Prices.Currency, Prices: m.Prices.Label()}
	keys := slices.SortedFunc(maps.Keys(lines), func(a, b [6]string) int { return slices.Compare(a[:], b[:]) })
	for _, k := range keys {
		e.Lines = append(e.Lines, *lines[k])
	}
	return e, nil
}

// workload adds one workload's cost on day to the lines.
func (m *Model) workload(day float64, w Workload, tiers map[string]Tier, line func(tier, account, region, alloc string, role Role, typ string) *Line) error {
	info, ok := Types()[w.ResourceType]
	if !ok {
		return fmt.Errorf("unknown resource type %q (known: %s)", w.ResourceType, strings.Join(slices.Sorted(maps.Keys(Types())), ", "))
	}
	t, ok := tiers[w.Tier]
	if !ok {
		return fmt.Errorf("unknown tier %q", w.Tier)
	}
	if w.Region == "" {
		return errors.New("the workload has no region")
	}
	if w.Count < 0 || w.SizeGB < 0 {
		return errors.New("count and size must not be negative")
	}
	src, err := m.Prices.Region(w.Region)
	if err != nil {
		return err
	}
	account := w.Account
	if account == "" {
		account = "(tier accounts)"
	}
	alloc := Unallocated
	if v, ok := w.Tags[m.AllocationTag]; ok && m.AllocationTag != "" && v != "" {
		alloc = v
	}
	n := float64(w.Count)
	size := w.SizeGB
	rate := m.changeRate(w, info)
	for _, r := range t.Rules {
		if r.BackupsPerMonth <= 0 {
			continue
		}
		interval := DaysPerMonth / r.BackupsPerMonth
		// Each backup after the first stores (and copies) the data changed
		// since the one before, at most the whole resource.
		delta := size
		if info.Incremental {
			delta = size * min(1, rate*interval)
		}
		for _, p := range r.Placements {
			region, acct := p.Region, p.Account
			if region == "" {
				region = w.Region
			}
			if acct == "" {
				acct = account
			}
			price, err := m.Prices.storage(region, w.ResourceType)
			if err != nil {
				return err
			}
			warm, cold, err := stored(day, p, w.ResourceType, info, size, delta, interval)
			if err != nil {
				return fmt.Errorf("rule %s, %s vault: %w", r.Name, p.Role, err)
			}
			l := line(w.Tier, acct, region, alloc, p.Role, w.ResourceType)
			l.WarmGB += n * warm
			l.ColdGB += n * cold
			l.Storage += n * warm * price.Warm
			if cold > 0 {
				l.Storage += n * cold * *price.Cold
			}
			if region != w.Region {
				// A cross-region copy transfers each new recovery point's
				// data; the first one in full.
				gb := r.BackupsPerMonth * delta
				if day <= DaysPerMonth {
					gb += size - delta
				}
				tl := line(w.Tier, account, w.Region, alloc, p.Role, w.ResourceType)
				tl.Transfer += n * gb * src.CrossRegionTransfer
			}
		}
	}
	if w.RestoresPerMonth > 0 || w.RestoreTestsPerMonth > 0 {
		perGB := src.Restore[w.ResourceType].Warm
		l := line(w.Tier, account, w.Region, alloc, Local, w.ResourceType)
		l.Restore += n * w.RestoresPerMonth * size * perGB
		l.RestoreTesting += n * w.RestoreTestsPerMonth * (src.RestoreTestingJob + size*perGB)
	}
	return nil
}

// stored returns the warm and cold GB one resource's recovery points take
// in a placement on day: the recovery points younger than both day and
// the retention, those older than ColdAfter in cold storage when the type
// supports it.
//
// A chain of n recovery points of an incremental type holds one full copy
// and n-1 increments; each storage class holds its own chain (a recovery
// point moved to cold storage no longer shares blocks with warm ones), and
// an EBS snapshot in the archive tier is stored in full ("Archive Amazon
// EBS snapshots", Amazon EBS User Guide). Counts are time averages, so a
// weekly backup kept 7 days is one recovery point.
func stored(day float64, p Placement, typ string, info TypeInfo, size, delta, interval float64) (warm, cold float64, err error) {
	keep := float64(p.Keep)
	if p.Keep == 0 {
		keep = math.Inf(1)
	}
	age := min(day, keep)
	coldAfter := float64(p.ColdAfter)
	if p.ColdAfter > 0 && SupportsCold(typ, p.Archive) {
		// "Backups transitioned to cold storage must be stored in cold
		// storage for a minimum of 90 days" (Lifecycle, AWS Backup API
		// Reference).
		if p.Keep > 0 && p.Keep < p.ColdAfter+policy.MinColdStorageDays {
			return 0, 0, fmt.Errorf("retention %dd is less than cold_after %dd + the %d days AWS keeps recovery points in cold storage",
				p.Keep, p.ColdAfter, policy.MinColdStorageDays)
		}
		warmPoints := min(age, coldAfter) / interval
		coldPoints := max(0, age-coldAfter) / interval
		warm = chain(warmPoints, size, delta, info.Incremental)
		cold = chain(coldPoints, size, delta, info.Incremental && info.Cold != Archive)
		return warm, cold, nil
	}
	return chain(age/interval, size, delta, info.Incremental), 0, nil
}

// chain is the GB of n recovery points (a time average, possibly
// fractional): the first full, each further one delta when incremental,
// full otherwise.
func chain(n, size, delta float64, incremental bool) float64 {
	if n <= 0 {
		return 0
	}
	if !incremental {
		return n * size
	}
	return size*min(n, 1) + delta*max(n-1, 0)
}

// changeRate resolves a workload's daily change rate.
func (m *Model) changeRate(w Workload, info TypeInfo) float64 {
	if w.DailyChangeRate > 0 {
		return w.DailyChangeRate
	}
	rate, best := info.DailyChangeRate, -1
	for _, c := range m.ChangeRates {
		if c.Tier != "" && c.Tier != w.Tier || c.ResourceType != "" && c.ResourceType != w.ResourceType {
			continue
		}
		matches := true
		for k, v := range c.Tags {
			if w.Tags[k] != v {
				matches = false
			}
		}
		if !matches {
			continue
		}
		spec := len(c.Tags)
		if c.Tier != "" {
			spec++
		}
		if c.ResourceType != "" {
			spec++
		}
		if spec >= best {
			rate, best = c.Daily, spec
		}
	}
	return rate
}
