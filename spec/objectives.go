package spec

import (
	"fmt"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

// AWS Backup's windows for a rule that sets none: a job must start within
// 8 hours of its scheduled time and complete within 7 days ("Backup plan
// options and configuration" and BackupRuleInput's StartWindowMinutes and
// CompletionWindowMinutes, AWS Backup Developer Guide and API Reference).
// With them a daily tier's newest backup may be 8 days 8 hours old without
// AWS reporting anything wrong, which is why the presets set their own.
const (
	AWSDefaultStartWindow      = 8 * time.Hour
	AWSDefaultCompletionWindow = 7 * 24 * time.Hour
)

// Objectives are what a preset promises and the windows that make the
// promise keepable.
type Objectives struct {
	// StartWindow and CompletionWindow are set on the preset's backup
	// rule.
	StartWindow, CompletionWindow time.Duration
	// RPO is the oldest the newest usable recovery point may be; RTO the
	// longest a restore may take.
	RPO, RTO time.Duration
}

// PresetObjectives returns the windows and objectives of a preset:
//
//	preset       schedule          start  completion  worst age  rpo  rto
//	production   daily 02:00 UTC   1h     8h          33h        36h  4h
//	staging      daily 03:00 UTC   1h     8h          33h        36h  24h
//	development  weekly, Sunday    4h     1d          8d4h       9d   72h
//
// A daily production tier is what a regulated organization would run: an
// RPO of a day and a half (one missed run is an incident the next morning,
// not a week later) and a restore within a working morning. The windows
// are long enough for a large volume's first full backup to start and
// finish, and short enough that the worst age (schedule gap + windows)
// stays under the RPO with a margin of a few hours.
func PresetObjectives(preset string) (Objectives, bool) {
	switch preset {
	case "production":
		return Objectives{StartWindow: time.Hour, CompletionWindow: 8 * time.Hour, RPO: 36 * time.Hour, RTO: 4 * time.Hour}, true
	case "staging":
		return Objectives{StartWindow: time.Hour, CompletionWindow: 8 * time.Hour, RPO: 36 * time.Hour, RTO: 24 * time.Hour}, true
	case "development":
		return Objectives{StartWindow: 4 * time.Hour, CompletionWindow: 24 * time.Hour, RPO: 9 * 24 * time.Hour, RTO: 72 * time.Hour}, true
	}
	return Objectives{}, false
}

// scheduleHorizon is the span of runs examined to find a schedule's
// largest gap: a year covers every weekday, month length and daylight
// saving transition a cron expression can meet.
const scheduleHorizon = 366 * 24 * time.Hour

// scheduleReference is the fixed start of the runs validation examines,
// so that a spec's validity does not depend on the day it is checked.
var scheduleReference = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxScheduleGap returns the largest time between two consecutive runs of
// the tier's schedule, in its time zone, over the year after from (the
// year from 2025-01-01 when from is zero).
func (t EffectiveTier) MaxScheduleGap(from time.Time) (time.Duration, error) {
	s, err := policy.ParseSchedule(t.Schedule)
	if err != nil {
		return 0, fmt.Errorf("parsing schedule of tier %s: %w", t.Name, err)
	}
	loc := time.UTC
	if t.Timezone != "" {
		if loc, err = time.LoadLocation(t.Timezone); err != nil {
			return 0, fmt.Errorf("loading time zone %q of tier %s: %w", t.Timezone, t.Name, err)
		}
	}
	if from.IsZero() {
		from = scheduleReference
	}
	g := s.MaxInterval(from, loc, scheduleHorizon)
	if g == 0 {
		return 0, fmt.Errorf("schedule %s of tier %s runs fewer than twice in a year", t.Schedule, t.Name)
	}
	return g, nil
}

// Windows returns the tier's start and completion windows, AWS's defaults
// for those it leaves unset.
func (t EffectiveTier) Windows() (start, completion time.Duration) {
	start, completion = t.StartWindow, t.CompletionWindow
	if start == 0 {
		start = AWSDefaultStartWindow
	}
	if completion == 0 {
		completion = AWSDefaultCompletionWindow
	}
	return start, completion
}

// ScheduleLimit is the oldest the tier's newest backup can be when every
// job runs as the schedule and windows allow: the largest gap between runs
// plus the start and completion windows. A run scheduled at s starts by
// s+start and completes by s+start+completion; until the next run's
// completes, the newest backup is that run's.
func (t EffectiveTier) ScheduleLimit(from time.Time) (time.Duration, error) {
	g, err := t.MaxScheduleGap(from)
	if err != nil {
		return 0, err
	}
	s, c := t.Windows()
	return g + s + c, nil
}
