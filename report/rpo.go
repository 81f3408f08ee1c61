package report

import (
	"fmt"
	"time"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// AWS Backup's windows for a rule that sets none: a job must start within
// 8 hours of its scheduled time and complete within 7 days of starting
// (what GetBackupPlan reports for such rules; "Backup plan options and
// configuration", AWS Backup Developer Guide).
const (
	DefaultStartWindow      = 8 * time.Hour
	DefaultCompletionWindow = 7 * 24 * time.Hour
)

// rpoHorizon is how far back from the evaluation time the schedule's runs
// are examined: a year covers every weekday, month length and daylight
// saving transition a cron expression can meet.
const rpoHorizon = 366 * 24 * time.Hour

// RPO is the recovery point objective a tier promises at a point in time.
type RPO struct {
	// MaxGap is the largest time between two consecutive scheduled runs
	// in the year before the evaluation time, in the tier's time zone.
	MaxGap time.Duration
	// StartWindow and CompletionWindow are the tier's (AWS's defaults when
	// the tier sets none).
	StartWindow, CompletionWindow time.Duration
}

// Limit is the oldest a resource's newest good backup may be:
// MaxGap + StartWindow + CompletionWindow. A scheduled run at time s must
// start by s+StartWindow and complete CompletionWindow later, so at time
// now every run at or before now-StartWindow-CompletionWindow has
// completed, and the newest of those is at most MaxGap older.
func (r RPO) Limit() time.Duration { return r.MaxGap + r.StartWindow + r.CompletionWindow }

// TierRPO derives a tier's RPO at time at from its schedule and time zone.
// A continuous-backup tier's snapshots still follow the schedule, so the
// rule is the same.
func TierRPO(t spec.EffectiveTier, at time.Time) (RPO, error) {
	s, err := policy.ParseSchedule(t.Schedule)
	if err != nil {
		return RPO{}, fmt.Errorf("parsing schedule of tier %s: %w", t.Name, err)
	}
	loc := time.UTC
	if t.Timezone != "" {
		if loc, err = time.LoadLocation(t.Timezone); err != nil {
			return RPO{}, fmt.Errorf("loading time zone %q of tier %s: %w", t.Timezone, t.Name, err)
		}
	}
	r := RPO{StartWindow: t.StartWindow, CompletionWindow: t.CompletionWindow}
	if r.StartWindow == 0 {
		r.StartWindow = DefaultStartWindow
	}
	if r.CompletionWindow == 0 {
		r.CompletionWindow = DefaultCompletionWindow
	}
	r.MaxGap = s.MaxInterval(at.Add(-rpoHorizon), loc, rpoHorizon)
	if r.MaxGap == 0 {
		return RPO{}, fmt.Errorf("schedule %s of tier %s runs fewer than twice in the year before %s", t.Schedule, t.Name, at.Format(time.RFC3339))
	}
	return r, nil
}

func secs(s int64) time.Duration { return time.Duration(s) * time.Second }
