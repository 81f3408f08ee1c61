package report

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// DefaultCopyAllowance is how much older than the RPO limit a resource's
// newest copy may be: copies start after the backup completes and take
// their own time.
const DefaultCopyAllowance = 24 * time.Hour

// EvaluateOptions configure Evaluate.
type EvaluateOptions struct {
	// Prices is the price table of the cost estimate. Default
	// DefaultPrices().
	Prices *Prices
	// CopyAllowance is added to a tier's RPO limit for its copies.
	// Default DefaultCopyAllowance.
	CopyAllowance time.Duration
}

// Evaluate judges an inventory against the spec at the end of its window.
//
// A resource belongs to the first tier (by name) that targets its account
// and whose selection matches it: any of the tier's selection tags, and
// its resource types if it lists any. Its newest good backup is the
// newest of: the creation time of its COMPLETED backup jobs, of its
// COMPLETED recovery points in the local vault and its LastBackupTime in
// ListProtectedResources. The RPO is met when that backup is no older than
// the tier's RPO limit (TierRPO). Copies to the central vault (tiers with
// a central retention) and to the secondary region (cross-region tiers)
// are "ok" when the newest is no older than the RPO limit plus
// CopyAllowance, "stale" when older, "missing" when there is none. A
// resource is compliant when its RPO is met and its required copies are
// ok.
func Evaluate(sp *spec.Spec, inv *Inventory, optFns ...func(*EvaluateOptions)) (*Report, error) {
	o := EvaluateOptions{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Prices == nil {
		o.Prices = DefaultPrices()
	}
	if o.CopyAllowance == 0 {
		o.CopyAllowance = DefaultCopyAllowance
	}
	now := inv.Window.End
	e := &evaluator{sp: sp, inv: inv, opts: o, now: now, tiers: map[string]spec.EffectiveTier{}, rpo: map[string]RPO{}}
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			return nil, err
		}
		r, err := TierRPO(t, now)
		if err != nil {
			return nil, err
		}
		e.tiers[name], e.rpo[name] = t, r
	}

	rep := &Report{
		SchemaVersion: SchemaVersion,
		Spec:          sp.Name,
		GeneratedAt:   now,
		Window:        inv.Window,
		Cost:          Cost{Currency: o.Prices.Currency, Source: o.Prices.Source, AsOf: o.Prices.AsOf},
	}
	tierStats := map[string]*TierStats{}
	for _, name := range sp.TierNames() {
		t, r := e.tiers[name], e.rpo[name]
		tz := t.Timezone
		if tz == "" {
			tz = "UTC"
		}
		tierStats[name] = &TierStats{Name: name, Schedule: t.Schedule, Timezone: tz,
			RPOSeconds: int64(r.Limit() / time.Second), MaxGapSeconds: int64(r.MaxGap / time.Second)}
	}
	accounts := map[string]*AccountStats{}
	for a, tiers := range inv.Accounts {
		accounts[a] = &AccountStats{Account: a, Name: inv.AccountNames[a], Tiers: slices.Sorted(slices.Values(tiers))}
	}
	regions := map[string]*RegionStats{}
	costs := map[[4]string]*CostLine{}

	for _, arn := range slices.Sorted(maps.Keys(inv.Resources)) {
		d := inv.Resources[arn]
		res := e.resource(d)
		res.MonthlyCost = e.cost(d, res.Tier, costs)
		rep.Resources = append(rep.Resources, res)

		groups := []*Stats{&rep.Summary}
		if ts := tierStats[res.Tier]; ts != nil {
			groups = append(groups, &ts.Stats)
		}
		if res.Account != "" {
			as := accounts[res.Account]
			if as == nil {
				as = &AccountStats{Account: res.Account, Name: inv.AccountNames[res.Account], Tiers: []string{}}
				accounts[res.Account] = as
			}
			groups = append(groups, &as.Stats)
		}
		if res.Region != "" {
			rs := regions[res.Region]
			if rs == nil {
				rs = &RegionStats{Region: res.Region}
				regions[res.Region] = rs
			}
			groups = append(groups, &rs.Stats)
		}
		for _, g := range groups {
			g.add(&res)
		}
	}

	for _, name := range sp.TierNames() {
		rep.Tiers = append(rep.Tiers, *tierStats[name])
	}
	for _, a := range slices.Sorted(maps.Keys(accounts)) {
		rep.Accounts = append(rep.Accounts, *accounts[a])
	}
	for _, r := range slices.Sorted(maps.Keys(regions)) {
		rep.Regions = append(rep.Regions, *regions[r])
	}
	rep.Summary.finish()
	for i := range rep.Tiers {
		rep.Tiers[i].finish()
	}
	for i := range rep.Accounts {
		rep.Accounts[i].finish()
	}
	for i := range rep.Regions {
		rep.Regions[i].finish()
	}

	keys := slices.SortedFunc(maps.Keys(costs), func(a, b [4]string) int {
		return strings.Compare(strings.Join(a[:], "\x00"), strings.Join(b[:], "\x00"))
	})
	for _, k := range keys {
		rep.Cost.Lines = append(rep.Cost.Lines, *costs[k])
		rep.Cost.Total += costs[k].Monthly
	}
	rep.Cost.Total = round2(rep.Cost.Total)

	rep.Heatmap.Days = inv.Window.days()
	for _, a := range slices.Sorted(maps.Keys(inv.Days)) {
		rep.Heatmap.Rows = append(rep.Heatmap.Rows, HeatmapRow{Account: a, Name: inv.AccountNames[a], Cells: slices.Clone(inv.Days[a])})
	}
	if rep.Heatmap.Rows == nil {
		rep.Heatmap.Rows = []HeatmapRow{}
	}

	rep.Vaults = e.vaults()
	rep.Findings = e.findings(rep)
	if rep.Resources == nil {
		rep.Resources = []Resource{}
	}
	if rep.Cost.Lines == nil {
		rep.Cost.Lines = []CostLine{}
	}
	return rep, nil
}

type evaluator struct {
	sp    *spec.Spec
	inv   *Inventory
	opts  EvaluateOptions
	now   time.Time
	tiers map[string]spec.EffectiveTier
	rpo   map[string]RPO
}

// tierOf returns the tier of a resource, "" when none matches.
func (e *evaluator) tierOf(d *ResourceData) string {
	tiers := slices.Sorted(slices.Values(e.inv.Accounts[d.Account]))
	for _, name := range tiers {
		t := e.tiers[name]
		if len(t.ResourceTypes) > 0 && !slices.Contains(t.ResourceTypes, d.Type) {
			continue
		}
		for k, v := range t.SelectionTags {
			if got, ok := d.Tags[k]; ok && got == v {
				return name
			}
		}
	}
	return ""
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (e *evaluator) resource(d *ResourceData) Resource {
	res := Resource{
		ARN: d.ARN, Account: d.Account, Region: d.Region, Type: d.Type, Name: d.Name,
		JobsCompleted: d.JobsCompleted, JobsFailed: d.JobsFailed, CopiesCompleted: d.CopiesCompleted, CopiesFailed: d.CopiesFailed,
		WarmBytes:   d.LocalWarm + d.CentralWarm + d.SecondaryWarm,
		ColdBytes:   d.LocalCold + d.CentralCold + d.SecondaryCold,
		CentralCopy: CopyNotRequired, SecondaryCopy: CopyNotRequired,
		LastCentralCopy: timePtr(d.LastCentralCopy), LastSecondaryCopy: timePtr(d.LastSecondaryCopy),
		LastCopyFailure: d.LastCopyFailureMessage,
	}
	if d.LastFailureState != "" {
		res.LastFailure = d.LastFailureState
		if d.LastFailureMessage != "" {
			res.LastFailure += ": " + d.LastFailureMessage
		}
	}
	last := later(later(d.LastJobSuccess, d.LastRecoveryPoint), d.LastProtected)
	res.LastBackup = timePtr(last)
	if !last.IsZero() {
		age := int64(e.now.Sub(last) / time.Second)
		res.BackupAgeSeconds = &age
	}
	res.Tier = e.tierOf(d)
	if res.Tier == "" {
		res.Status = StatusUntiered
		res.Reasons = append(res.Reasons, untieredReason(d, e.inv.Accounts[d.Account]))
		return res
	}
	t, rpo := e.tiers[res.Tier], e.rpo[res.Tier]
	limit := rpo.Limit()
	switch {
	case last.IsZero():
		res.Reasons = append(res.Reasons, "no backup")
	case e.now.Sub(last) > limit:
		res.Reasons = append(res.Reasons, fmt.Sprintf("newest backup is %s old; the tier's RPO limit is %s", FormatDuration(e.now.Sub(last)), FormatDuration(limit)))
	default:
		res.RPOMet = true
	}
	copyStatus := func(required bool, lastCopy time.Time, what string) string {
		if !required {
			return CopyNotRequired
		}
		switch {
		case lastCopy.IsZero():
			msg := "no " + what + " copy"
			if d.LastCopyFailureMessage != "" {
				msg += " (last copy failure: " + d.LastCopyFailureMessage + ")"
			}
			res.Reasons = append(res.Reasons, msg)
			return CopyMissing
		case e.now.Sub(lastCopy) > limit+e.opts.CopyAllowance:
			res.Reasons = append(res.Reasons, fmt.Sprintf("newest %s copy is %s old", what, FormatDuration(e.now.Sub(lastCopy))))
			return CopyStale
		}
		return CopyOK
	}
	res.CentralCopy = copyStatus(t.CentralRetention > 0, d.LastCentralCopy, "central")
	res.SecondaryCopy = copyStatus(t.CrossRegion && e.sp.Organization.Regions.Secondary != "", d.LastSecondaryCopy, "secondary-region")
	switch {
	case last.IsZero():
		res.Status = StatusUnprotected
	case len(res.Reasons) == 0:
		res.Status = StatusCompliant
	default:
		res.Status = StatusNoncompliant
	}
	return res
}

func untieredReason(d *ResourceData, tiers []string) string {
	if len(tiers) == 0 {
		return "account is targeted by no tier"
	}
	if !d.Tagged {
		return "no tags found for the resource (known only from backups)"
	}
	return "tags match no selection of tier " + strings.Join(slices.Sorted(slices.Values(tiers)), ", ")
}

// add counts a resource into s.
func (s *Stats) add(r *Resource) {
	s.JobsCompleted += r.JobsCompleted
	s.JobsFailed += r.JobsFailed
	s.CopiesCompleted += r.CopiesCompleted
	s.CopiesFailed += r.CopiesFailed
	s.WarmBytes += r.WarmBytes
	s.ColdBytes += r.ColdBytes
	s.MonthlyCost += r.MonthlyCost
	if r.Status == StatusUntiered {
		s.Untiered++
		return
	}
	s.Resources++
	switch r.Status {
	case StatusCompliant:
		s.Compliant++
	case StatusUnprotected:
		s.Unprotected++
	}
	if r.RPOMet {
		s.RPOMet++
	}
	if r.CentralCopy != CopyNotRequired {
		s.CentralRequired++
		if r.CentralCopy == CopyOK {
			s.CentralCovered++
		}
	}
	if r.SecondaryCopy != CopyNotRequired {
		s.SecondaryRequired++
		if r.SecondaryCopy == CopyOK {
			s.SecondaryCovered++
		}
	}
}

func percent(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	p := float64(int64(float64(n)*10000/float64(d)+0.5)) / 100
	return &p
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// finish computes the percentages.
func (s *Stats) finish() {
	s.MonthlyCost = round2(s.MonthlyCost)
	s.CompliancePercent = percent(s.Compliant, s.Resources)
	s.CentralCoveragePercent = percent(s.CentralCovered, s.CentralRequired)
	s.SecondaryCoveragePercent = percent(s.SecondaryCovered, s.SecondaryRequired)
	s.JobSuccessPercent = percent(s.JobsCompleted, s.JobsCompleted+s.JobsFailed)
	s.CopySuccessPercent = percent(s.CopiesCompleted, s.CopiesCompleted+s.CopiesFailed)
}

// cost prices a resource's storage by location and adds it to the lines.
func (e *evaluator) cost(d *ResourceData, tier string, lines map[[4]string]*CostLine) float64 {
	total := 0.0
	for _, loc := range []struct {
		name, region string
		warm, cold   int64
	}{
		{"local", d.Region, d.LocalWarm, d.LocalCold},
		{"central", e.sp.Organization.Regions.Primary, d.CentralWarm, d.CentralCold},
		{"secondary", e.sp.Organization.Regions.Secondary, d.SecondaryWarm, d.SecondaryCold},
	} {
		if loc.warm == 0 && loc.cold == 0 {
			continue
		}
		rate, _ := e.opts.Prices.Rate(loc.region, d.Type)
		m := rate.monthly(loc.warm, loc.cold)
		total += m
		k := [4]string{tier, d.Type, loc.name, loc.region}
		l := lines[k]
		if l == nil {
			l = &CostLine{Tier: tier, ResourceType: d.Type, Location: loc.name, Region: loc.region}
			lines[k] = l
		}
		l.WarmBytes += loc.warm
		l.ColdBytes += loc.cold
		l.Monthly = round2(rate.monthly(l.WarmBytes, l.ColdBytes))
	}
	return round2(total)
}

// vaults judges every vault against the spec.
func (e *evaluator) vaults() []Vault {
	// Accounts whose tiers want customer-managed keys.
	cmk := map[string]bool{}
	anyCMK := false
	for a, tiers := range e.inv.Accounts {
		for _, t := range tiers {
			if e.tiers[t].Encryption == policy.CustomerManagedKey {
				cmk[a], anyCMK = true, true
			}
		}
	}
	rotation := e.sp.KMS.Rotation == nil || *e.sp.KMS.Rotation
	var out []Vault
	for _, d := range e.inv.Vaults {
		v := Vault{VaultData: d}
		if d.Error != "" {
			v.Problems = append(v.Problems, d.Error)
		}
		if !d.Exists {
			if d.Error == "" {
				v.Problems = append(v.Problems, "vault does not exist")
			}
		} else {
			wantCMK := cmk[d.Account]
			if d.Role == "central" {
				wantCMK = anyCMK
				if l := e.sp.Central.Lock; l != nil {
					switch {
					case !d.Locked:
						v.Problems = append(v.Problems, "vault lock is not set; the spec requires "+l.Mode+" mode")
					case l.Mode == spec.LockCompliance && d.LockDate == nil:
						v.Problems = append(v.Problems, "vault lock is in governance mode; the spec requires compliance mode")
					}
				}
			}
			if wantCMK && d.KeyManager != string(kmstypes.KeyManagerTypeCustomer) {
				v.Problems = append(v.Problems, fmt.Sprintf("encrypted with an AWS managed key (%s); the spec requires a customer managed key", d.KeyARN))
			}
			if d.KeyManager == string(kmstypes.KeyManagerTypeCustomer) && rotation && !d.KeyRotation {
				v.Problems = append(v.Problems, "automatic rotation of the customer managed key is disabled")
			}
		}
		v.OK = len(v.Problems) == 0
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	if out == nil {
		out = []Vault{}
	}
	return out
}

// findings lists vault problems, failing copies grouped by message, and
// collection warnings, failures first.
func (e *evaluator) findings(rep *Report) []Finding {
	var out []Finding
	for _, v := range rep.Vaults {
		for _, p := range v.Problems {
			out = append(out, Finding{Severity: SeverityFail, Code: "vault-" + v.Role, Subject: v.Account + "/" + v.Region + "/" + v.Name, Message: p})
		}
	}
	type group struct{ n int }
	copyFailures := map[string]*group{}
	for _, r := range rep.Resources {
		if r.LastCopyFailure != "" && (r.CentralCopy == CopyMissing || r.SecondaryCopy == CopyMissing || r.CentralCopy == CopyStale || r.SecondaryCopy == CopyStale) {
			g := copyFailures[r.LastCopyFailure]
			if g == nil {
				g = &group{}
				copyFailures[r.LastCopyFailure] = g
			}
			g.n++
		}
	}
	for _, msg := range slices.Sorted(maps.Keys(copyFailures)) {
		out = append(out, Finding{Severity: SeverityFail, Code: "copy-failing", Subject: fmt.Sprintf("%d resources", copyFailures[msg].n),
			Message: "copies fail: " + msg})
	}
	if n := rep.Summary.Untiered; n > 0 {
		out = append(out, Finding{Severity: SeverityWarn, Code: "untiered-resources", Subject: fmt.Sprintf("%d resources", n),
			Message: "resources match no tier: tag them with a tier's selection tags or exclude them"})
	}
	for _, w := range e.inv.Warnings {
		out = append(out, Finding{Severity: SeverityWarn, Code: "collection", Subject: "collector", Message: w})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity < out[j].Severity }) // "fail" < "warn"
	if out == nil {
		out = []Finding{}
	}
	return out
}

// FormatDuration writes a duration in days, hours, minutes and seconds,
// leaving out zero units: "1d3h", "7d3h0m1s" is "7d3h1s", "45m".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return "-" + FormatDuration(-d)
	}
	if d < time.Second {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		unit   time.Duration
		suffix string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.suffix)
			d -= n * u.unit
		}
	}
	return b.String()
}
