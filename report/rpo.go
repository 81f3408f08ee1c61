package report

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/orgbackup/orgbackup/spec"
)

// AWS Backup's windows for a rule that sets none (spec.AWSDefaultStartWindow
// and spec.AWSDefaultCompletionWindow).
const (
	DefaultStartWindow      = spec.AWSDefaultStartWindow
	DefaultCompletionWindow = spec.AWSDefaultCompletionWindow
)

// rpoHorizon is how far back from the evaluation time the schedule's runs
// are examined: a year covers every weekday, month length and daylight
// saving transition a cron expression can meet.
const rpoHorizon = 366 * 24 * time.Hour

// RPO is the recovery point objective a tier is judged against at a point
// in time.
type RPO struct {
	// MaxGap is the largest time between two consecutive scheduled runs
	// in the year before the evaluation time, in the tier's time zone.
	MaxGap time.Duration
	// StartWindow and CompletionWindow are the tier's (AWS's defaults when
	// the tier sets none).
	StartWindow, CompletionWindow time.Duration
	// Objective is the tier's rpo; 0 when the tier sets none, and then
	// Limit is the objective.
	Objective time.Duration
	// RTO is the tier's recovery time objective, reported only; 0 when
	// none.
	RTO time.Duration
}

// Limit is what the schedule guarantees: MaxGap + StartWindow +
// CompletionWindow. A scheduled run at time s must start by s+StartWindow
// and complete CompletionWindow later, so at time now every run at or
// before now-StartWindow-CompletionWindow has completed, and the newest of
// those is at most MaxGap older.
func (r RPO) Limit() time.Duration { return r.MaxGap + r.StartWindow + r.CompletionWindow }

// Target is the age the newest usable recovery point must never exceed:
// the tier's rpo, or Limit for a tier without one.
func (r RPO) Target() time.Duration {
	if r.Objective > 0 {
		return r.Objective
	}
	return r.Limit()
}

// TierRPO derives a tier's RPO at time at from its objective, schedule and
// time zone. A continuous-backup tier's snapshots still follow the
// schedule, so the rule is the same.
func TierRPO(t spec.EffectiveTier, at time.Time) (RPO, error) {
	r := RPO{Objective: t.RPO, RTO: t.RTO}
	r.StartWindow, r.CompletionWindow = t.Windows()
	g, err := t.MaxScheduleGap(at.Add(-rpoHorizon))
	if err != nil {
		return RPO{}, fmt.Errorf("deriving the RPO of tier %s at %s: %w", t.Name, at.Format(time.RFC3339), err)
	}
	r.MaxGap = g
	return r, nil
}

// point is one usable recovery point of a resource in one location: the
// time its data is from and the time it could first be restored (its
// completion), in Unix seconds.
type point struct{ data, ready int64 }

// points are the usable recovery points of a resource in one location
// (local vault, central vault, secondary region's central vault) that
// matter to the window: the newest whose data was ready at the window's
// start, and each one that became ready inside the window. Their number
// grows with the backups in the window, never with older history.
type points struct {
	before point // data 0: none
	in     []point
}

// add records a recovery point with data from created, restorable from
// ready (created when unknown), judged for window w.
func (p *points) add(w Window, created, ready time.Time) {
	if created.IsZero() {
		return
	}
	if ready.Before(created) {
		ready = created
	}
	pt := point{created.Unix(), ready.Unix()}
	switch {
	case pt.ready > w.End.Unix():
		return
	case pt.ready <= w.Start.Unix():
		if pt.data > p.before.data {
			p.before = pt
		}
	default:
		p.in = append(p.in, pt)
	}
}

// newest returns the data time of the newest point ready by the window's
// end; zero when none.
func (p *points) newest() time.Time {
	n := p.before.data
	for _, pt := range p.in {
		n = max(n, pt.data)
	}
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// achieved measures the largest age the newest usable recovery point
// reached at any moment of [from, w.End]: just before each point became
// ready, and at the end. from is the window's start when a point was
// ready by then; otherwise the measurement starts at anchor (the
// resource's first backup job in the window, the first point's readiness
// when there was none), the first moment the report knows the resource
// was meant to be backed up, and the age until the first point is counted
// from there. ok is false when no point was ever ready.
func (p *points) achieved(w Window, anchor time.Time) (age time.Duration, at, from time.Time, ok bool) {
	in := p.in
	if !slices.IsSortedFunc(in, byReady) {
		// Collect sorts; an inventory built otherwise is not changed, so
		// that evaluations may share it.
		in = slices.SortedFunc(slices.Values(in), byReady)
	}
	end := w.End.Unix()
	best := p.before.data
	start := w.Start.Unix()
	if best == 0 {
		if len(in) == 0 {
			return 0, time.Time{}, time.Time{}, false
		}
		start = in[0].ready
		if !anchor.IsZero() && anchor.Unix() < start {
			start = max(anchor.Unix(), w.Start.Unix())
		}
	}
	var worst, worstAt int64 = -1, 0
	last := start // the age is measured from best, or from start before any point
	for _, pt := range in {
		ref := best
		if ref == 0 {
			ref = last
		}
		if a := pt.ready - ref; a > worst {
			worst, worstAt = a, pt.ready
		}
		best = max(best, pt.data)
	}
	if a := end - best; a > worst {
		worst, worstAt = a, end
	}
	return time.Duration(worst) * time.Second, time.Unix(worstAt, 0).UTC(), time.Unix(start, 0).UTC(), true
}

// sort orders the points by the time they became ready.
func (p *points) sort() { slices.SortFunc(p.in, byReady) }

func byReady(a, b point) int { return cmpInt64(a.ready, b.ready) }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Distribution summarizes the achieved RPOs of a tier's resources.
type Distribution struct {
	// Measured counts the resources with an achieved RPO; the others had
	// no usable recovery point.
	Measured int `json:"measured"`
	// P50Seconds, P95Seconds and MaxSeconds are nearest-rank percentiles.
	P50Seconds int64 `json:"p50_seconds"`
	P95Seconds int64 `json:"p95_seconds"`
	MaxSeconds int64 `json:"max_seconds"`
}

// distribution returns the nearest-rank percentiles of ages (sorted in
// place).
func distribution(ages []int64) Distribution {
	d := Distribution{Measured: len(ages)}
	if len(ages) == 0 {
		return d
	}
	sort.Slice(ages, func(i, j int) bool { return ages[i] < ages[j] })
	rank := func(p int) int64 {
		i := (p*len(ages)+99)/100 - 1
		return ages[max(i, 0)]
	}
	d.P50Seconds, d.P95Seconds, d.MaxSeconds = rank(50), rank(95), ages[len(ages)-1]
	return d
}

func secs(s int64) time.Duration { return time.Duration(s) * time.Second }
