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
// its resource types if it lists any. Its recovery point objectives are
// measured in each location the tier keeps recovery points in (the local
// vault; the central vault for tiers with a central retention; the
// secondary region's for cross-region tiers): the achieved RPO is the
// largest age its newest usable (COMPLETED) recovery point reached at any
// moment of the window, from completed backup and copy jobs, recovery
// points and ListProtectedResources. The local objective is the tier's rpo
// (the schedule's guarantee, RPO.Limit, for a tier without one); a copy's
// is that plus CopyAllowance. A resource is compliant only when every
// objective held over the whole window; one whose account and region could
// not be read is not proven. Failed, expired and aborted jobs become
// findings per cause and account with the command that fixes them, runs of
// consecutive failures a finding of their own, and the verdict says in
// words whether every tiered resource is protected.
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
	tierAges := map[string][]int64{}
	for _, name := range sp.TierNames() {
		t, r := e.tiers[name], e.rpo[name]
		tz := t.Timezone
		if tz == "" {
			tz = "UTC"
		}
		tierStats[name] = &TierStats{Name: name, Schedule: t.Schedule, Timezone: tz,
			RPOSeconds: int64(r.Target() / time.Second), ScheduleLimitSeconds: int64(r.Limit() / time.Second),
			MaxGapSeconds: int64(r.MaxGap / time.Second), RTOSeconds: int64(r.RTO / time.Second), Worst: []WorstResource{}}
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
			if len(res.Objectives) > 0 && res.Objectives[0].AchievedSeconds != nil {
				a := *res.Objectives[0].AchievedSeconds
				tierAges[res.Tier] = append(tierAges[res.Tier], a)
				ts.Worst = addWorst(ts.Worst, WorstResource{ARN: res.ARN, Account: res.Account, AchievedSeconds: a})
			}
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
		tierStats[name].Achieved = distribution(tierAges[name])
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
	rep.AirGapped = evaluateAirGapped(sp, inv.AirGapped)
	var agFindings []Finding // failures, first with the vaults'
	if a := rep.AirGapped; a != nil {
		for _, p := range a.Problems {
			agFindings = append(agFindings, Finding{Severity: SeverityFail, Code: "vault-air-gapped", Subject: a.Account + "/" + a.Region + "/" + a.Name, Message: p})
		}
	}
	rep.Findings = append(agFindings, e.findings(rep)...)
	rep.Verdict = verdict(rep)
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
		res.FailureCause = FailureCause(d.LastFailureState, d.LastFailureMessage)
	}
	res.ConsecutiveFailures = consecutiveFailures(d)
	last := later(later(d.LastJobSuccess, d.LastRecoveryPoint), d.LastProtected)
	res.LastBackup = timePtr(last)
	if !last.IsZero() {
		age := int64(e.now.Sub(last) / time.Second)
		res.BackupAgeSeconds = &age
	}
	res.Tier = e.tierOf(d)
	if tiers := e.tiersOf(d); len(tiers) > 1 {
		res.Tiers = tiers
	}
	if res.Tier == "" && !d.Tagged && !d.NeverTagged && len(e.inv.Accounts[d.Account]) > 0 {
		// Its account's tags could not be read: its tier is unknown.
		if unreadable, why := e.unreadable(d); unreadable {
			res.Status = StatusNotProven
			res.Reasons = append(res.Reasons, "not proven: its tier is unknown because "+why)
			return res
		}
	}
	if res.Tier == "" {
		res.Status = StatusUntiered
		res.Untagged = (d.Tagged || d.NeverTagged) && len(d.Tags) == 0
		res.Reasons = append(res.Reasons, untieredReason(d, e.inv.Accounts[d.Account]))
		return res
	}
	res.Flags = e.flags(d, res.Tier)
	t, rpo := e.tiers[res.Tier], e.rpo[res.Tier]
	target := rpo.Target()
	res.RPOMet = true
	measure := func(location string, pts *points, objective time.Duration) (Objective, bool) {
		o := Objective{Location: location, ObjectiveSeconds: int64(objective / time.Second)}
		age, at, from, ok := pts.achieved(e.inv.Window, d.FirstJob)
		if !ok {
			res.RPOMet = false
			return o, false
		}
		a := int64(age / time.Second)
		o.AchievedSeconds, o.WorstAt, o.MeasuredFrom = &a, timePtr(at), timePtr(from)
		o.Met = age <= objective
		if !o.Met {
			res.RPOMet = false
			res.Reasons = append(res.Reasons, fmt.Sprintf("%s: the newest usable recovery point was %s old at %s; the objective is %s",
				location, FormatDuration(age), at.UTC().Format("2006-01-02 15:04"), FormatDuration(objective)))
		}
		return o, true
	}
	local, hasLocal := measure("local", &d.Local, target)
	res.Objectives = append(res.Objectives, local)
	if !hasLocal {
		res.Reasons = append(res.Reasons, "no usable recovery point in the local vault")
	}
	copyStatus := func(required bool, location, what string, pts *points) string {
		if !required {
			return CopyNotRequired
		}
		o, ok := measure(location, pts, target+e.opts.CopyAllowance)
		res.Objectives = append(res.Objectives, o)
		switch {
		case !ok:
			msg := "no " + what + " copy"
			if d.LastCopyFailureMessage != "" {
				msg += " (last copy failure: " + d.LastCopyFailureMessage + ")"
			}
			res.Reasons = append(res.Reasons, msg)
			return CopyMissing
		case !o.Met:
			return CopyStale
		}
		return CopyOK
	}
	res.CentralCopy = copyStatus(t.CentralRetention > 0, "central", "central", &d.Central)
	res.SecondaryCopy = copyStatus(t.CrossRegion && e.sp.Organization.Regions.Secondary != "", "secondary", "secondary-region", &d.Secondary)
	if len(res.Reasons) > 0 && d.LastFailureState != "" && d.LastFailure.After(d.LastJobSuccess) {
		res.Reasons = append(res.Reasons, fmt.Sprintf("last %d backup job(s) failed (%s): %s", max(res.ConsecutiveFailures, 1), res.FailureCause, res.LastFailure))
	}
	unreadable, why := e.unreadable(d)
	switch {
	case d.Local.newest().IsZero() && d.Central.newest().IsZero() && d.Secondary.newest().IsZero() && last.IsZero():
		res.Status = StatusUnprotected
	case len(res.Reasons) > 0:
		res.Status = StatusNoncompliant
	case unreadable:
		res.Status = StatusNotProven
		res.RPOMet = false
		res.Reasons = append(res.Reasons, "not proven: "+why)
	default:
		res.Status = StatusCompliant
	}
	return res
}

// unreadable reports whether the resource's account and region could not
// be read, and why.
func (e *evaluator) unreadable(d *ResourceData) (bool, string) {
	why, ok := e.inv.Unreadable[d.Account+"/"+d.Region]
	if !ok {
		return false, ""
	}
	return true, fmt.Sprintf("account %s could not be read in %s: %s", d.Account, d.Region, why)
}

// consecutiveFailures counts the failed jobs created after the newest
// completed one.
func consecutiveFailures(d *ResourceData) int {
	n := 0
	ok := d.LastJobSuccess.Unix()
	if d.LastJobSuccess.IsZero() {
		ok = -1 << 62
	}
	for _, f := range d.failures {
		if f > ok {
			n++
		}
	}
	return n
}

// maxWorst is how many worst resources a tier lists.
const maxWorst = 5

// addWorst keeps the maxWorst largest achieved RPOs, largest first, ties
// by ARN.
func addWorst(ws []WorstResource, w WorstResource) []WorstResource {
	less := func(a, b WorstResource) bool {
		if a.AchievedSeconds != b.AchievedSeconds {
			return a.AchievedSeconds > b.AchievedSeconds
		}
		return a.ARN < b.ARN
	}
	if len(ws) == maxWorst && !less(w, ws[maxWorst-1]) {
		return ws
	}
	i := sort.Search(len(ws), func(i int) bool { return less(w, ws[i]) })
	ws = slices.Insert(ws, i, w)
	if len(ws) > maxWorst {
		ws = ws[:maxWorst]
	}
	return ws
}

func untieredReason(d *ResourceData, tiers []string) string {
	if len(tiers) == 0 {
		return "account is targeted by no tier"
	}
	if d.NeverTagged && !d.Tagged {
		return "untagged: needs a decision: the resource has never been tagged, so no tier selects it (fix: tag it with the selection tag of the tier that should protect it, or record that it needs no backup)"
	}
	if !d.Tagged {
		return "no tags found for the resource (known only from backups)"
	}
	if len(d.Tags) == 0 {
		return "unprotected: the resource has no tags at all, so no tier selects it"
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
		if r.Untagged {
			s.Untagged++
		}
		return
	}
	s.Resources++
	switch r.Status {
	case StatusCompliant:
		s.Compliant++
	case StatusUnprotected:
		s.Unprotected++
	case StatusNotProven:
		s.NotProven++
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

// DefaultConsecutiveFailures is the run of failed backup jobs in a row
// that is a finding of its own: one failure may be retried by the next
// run, two in a row mean the next run will fail too.
const DefaultConsecutiveFailures = 2

// findings lists vault problems, failed jobs by cause and account, runs of
// consecutive failures, failing copies grouped by message, untagged and
// untiered resources, and what could not be read, failures first.
func (e *evaluator) findings(rep *Report) []Finding {
	var out []Finding
	for _, v := range rep.Vaults {
		for _, p := range v.Problems {
			out = append(out, Finding{Severity: SeverityFail, Code: "vault-" + v.Role, Subject: v.Account + "/" + v.Region + "/" + v.Name, Message: p})
		}
	}
	out = append(out, e.failureFindings()...)
	out = append(out, consecutiveFindings(rep)...)
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
	if n := rep.Summary.Untagged; n > 0 {
		var arns []string
		for _, r := range rep.Resources {
			if r.Untagged {
				arns = append(arns, r.ARN)
			}
		}
		out = append(out, Finding{Severity: SeverityWarn, Code: "untagged-resources", Subject: fmt.Sprintf("%d resources", n),
			Message: "unprotected: no tags at all, so no tier selects them; tag each with a tier's selection tag, or record that it needs no backup: " + listSome(arns, 10)})
	}
	if n := rep.Summary.Untiered - rep.Summary.Untagged; n > 0 {
		out = append(out, Finding{Severity: SeverityWarn, Code: "untiered-resources", Subject: fmt.Sprintf("%d resources", n),
			Message: "resources match no tier: tag them with a tier's selection tags or exclude them"})
	}
	for _, k := range slices.Sorted(maps.Keys(e.inv.Unreadable)) {
		out = append(out, Finding{Severity: SeverityFail, Code: "not-proven", Subject: k,
			Message: "could not be read, so its resources are not proven protected (check that orgbackup's execution role can be assumed there and may read AWS Backup, tagging, AWS Config and KMS): " + e.inv.Unreadable[k]})
	}
	for _, w := range e.inv.Warnings {
		if k, _, ok := strings.Cut(w, ": "); ok {
			if _, unreadable := e.inv.Unreadable[k]; unreadable {
				continue
			}
		}
		out = append(out, Finding{Severity: SeverityWarn, Code: "collection", Subject: "collector", Message: w})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity < out[j].Severity }) // "fail" < "warn"
	if out == nil {
		out = []Finding{}
	}
	return out
}

// failureFindings turns the failed job groups into findings, by cause and
// account. A group fails when one of its resources' newest job failed;
// failures a later job made good are warnings.
func (e *evaluator) failureFindings() []Finding {
	keys := slices.SortedFunc(maps.Keys(e.inv.Failures), func(a, b FailureKey) int {
		if c := strings.Compare(a.Cause, b.Cause); c != 0 {
			return c
		}
		return strings.Compare(a.Account, b.Account)
	})
	var out []Finding
	for _, k := range keys {
		g := e.inv.Failures[k]
		sev := SeverityWarn
		for arn := range g.Resources {
			if d := e.inv.Resources[arn]; d != nil && d.LastFailure.After(d.LastJobSuccess) {
				sev = SeverityFail
				break
			}
		}
		var states []string
		for _, st := range slices.Sorted(maps.Keys(g.States)) {
			states = append(states, fmt.Sprintf("%d %s", g.States[st], st))
		}
		msg := fmt.Sprintf("%s: %s backup jobs of %d resources (newest %s, %s): %s", causeText(g.Cause), strings.Join(states, ", "), len(g.Resources),
			g.Last.UTC().Format("2006-01-02 15:04"), g.LastState, orDash(g.LastMessage))
		out = append(out, Finding{Severity: sev, Code: "job-" + g.Cause, Subject: "account " + g.Account, Message: msg, Fix: Fix(g.Cause, g.Account)})
	}
	return out
}

// consecutiveFindings reports, per account, the resources whose last
// DefaultConsecutiveFailures or more backup jobs all failed.
func consecutiveFindings(rep *Report) []Finding {
	type acct struct {
		n     int
		worst Resource
	}
	by := map[string]*acct{}
	for _, r := range rep.Resources {
		if r.ConsecutiveFailures < DefaultConsecutiveFailures {
			continue
		}
		a := by[r.Account]
		if a == nil {
			a = &acct{}
			by[r.Account] = a
		}
		a.n++
		if r.ConsecutiveFailures > a.worst.ConsecutiveFailures {
			a.worst = r
		}
	}
	var out []Finding
	for _, id := range slices.Sorted(maps.Keys(by)) {
		a := by[id]
		out = append(out, Finding{Severity: SeverityFail, Code: "consecutive-failures", Subject: fmt.Sprintf("account %s: %d resources", id, a.n),
			Message: fmt.Sprintf("backup jobs failed %d or more times in a row, each run leaving an older recovery point (longest: %d in a row for %s, %s)",
				DefaultConsecutiveFailures, a.worst.ConsecutiveFailures, a.worst.ARN, a.worst.LastFailure),
			Fix: Fix(a.worst.FailureCause, id)})
	}
	return out
}

// listSome joins up to n items, saying how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// verdict concludes the report: protected, needing a decision, not
// protected or not proven, with the reasons in words.
func verdict(rep *Report) Verdict {
	s := rep.Summary
	decision := ""
	if s.Untiered > 0 {
		decision = fmt.Sprintf("%d resources need a decision: they match no tier", s.Untiered)
		if s.Untagged > 0 {
			decision += fmt.Sprintf(" (%d have no tags at all and are unprotected)", s.Untagged)
		}
	}
	var failing, unproven []string
	for _, f := range rep.Findings {
		if f.Severity != SeverityFail {
			continue
		}
		line := f.Subject + ": " + f.Message
		if f.Code == "not-proven" {
			unproven = append(unproven, line)
		} else {
			failing = append(failing, line)
		}
	}
	missed := s.Resources - s.Compliant - s.NotProven
	v := Verdict{}
	switch {
	case missed > 0 || len(failing) > 0:
		v.Status = VerdictNotProtected
		v.Headline = fmt.Sprintf("Not protected: %d of %d tiered resources missed an objective of their tier", missed, s.Resources)
		if missed == 0 {
			v.Headline = fmt.Sprintf("Not protected: every tiered resource met its objectives, but %d findings failed", len(failing))
		}
		v.Reasons = append(failing, unproven...)
	case len(unproven) > 0 || s.NotProven > 0:
		v.Status = VerdictNotProven
		v.Headline = fmt.Sprintf("Not proven: %d accounts or regions could not be read; %d of %d tiered resources found are protected", len(unproven), s.Compliant, s.Resources)
		v.Reasons = unproven
	case s.Resources == 0:
		v.Status = VerdictNotProven
		v.Headline = "Not proven: no resource of any tier was found"
		v.Reasons = []string{"no workload account holds a resource whose tags select a tier"}
	case decision != "":
		v.Status = VerdictNeedsDecision
		v.Headline = fmt.Sprintf("Every tiered resource protected (%d of %d met every objective); %s", s.Compliant, s.Resources, decision)
	default:
		v.Status = VerdictProtected
		v.Headline = fmt.Sprintf("Every tiered resource protected: %d of %d met every objective of their tier over the window", s.Compliant, s.Resources)
	}
	if decision != "" && v.Status != VerdictNeedsDecision {
		v.Headline += "; " + decision
	}
	return v
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
