package spec

import (
	"testing"
	"time"
)

// TestObjectivesValidated checks that a tier's rpo must be keepable by its
// schedule and windows, reported where the spec says it.
func TestObjectivesValidated(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		tier string
		want []string
	}{
		"weekly schedule, daily rpo": {
			tier: "  weekly: {schedule: \"cron(0 4 ? * SUN *)\", local_retention: 30d, rpo: 24h, targets: [Weekly]}\n",
			want: []string{"8:72 tiers.weekly.rpo: rpo 1d is shorter than the 14d8h the schedule can guarantee (largest gap between runs 7d + start window 8h + completion window 7d)"},
		},
		"daily schedule, AWS's default windows": {
			tier: "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 30d, rpo: 36h, targets: [Gold]}\n",
			want: []string{"8:68 tiers.gold.rpo: rpo 1d12h is shorter than the 8d8h the schedule can guarantee"},
		},
		"preset rpo, schedule made weekly": {
			tier: "  staging: {schedule: \"cron(0 3 ? * SUN *)\", targets: [Staging]}\n",
			want: []string{"8:3 tiers.staging.rpo: rpo 1d12h is shorter than the 7d9h the schedule can guarantee"},
		},
		"rpo in years": {
			tier: "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 30d, rto: 1y, targets: [Gold]}\n",
			want: []string{"8:68 tiers.gold.rto: window \"1y\" is too long to be useful"},
		},
		"daily schedule, windows and rpo that fit": {
			tier: "  gold: {schedule: \"cron(0 1 * * ? *)\", start_window: 1h, completion_window: 4h, local_retention: 30d, rpo: 29h, rto: 2h, targets: [Gold]}\n",
		},
		"custom tier without rpo": {
			tier: "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 30d, targets: [Gold]}\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("spec.yaml", []byte(base+tc.tier))
			matchProblems(t, problems(t, err), tc.want)
		})
	}
}

// TestPresetObjectives checks the effective windows and objectives of the
// presets and that each preset's schedule can meet its rpo.
func TestPresetObjectives(t *testing.T) {
	t.Parallel()
	s, err := Parse("spec.yaml", []byte(base+"  staging: {targets: [Staging]}\n  development: {targets: [Development]}\n  gold: {schedule: \"cron(0 1 * * ? *)\", start_window: 2h, local_retention: 7d, targets: [Gold]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := time.Hour
	tests := map[string]struct {
		start, completion, rpo, rto, limit time.Duration
	}{
		"production":  {h, 8 * h, 36 * h, 4 * h, 33 * h},
		"staging":     {h, 8 * h, 36 * h, 24 * h, 33 * h},
		"development": {4 * h, 24 * h, 9 * 24 * h, 72 * h, 8*24*h + 4*h},
		// A custom tier keeps AWS's default completion window.
		"gold": {2 * h, 0, 0, 0, 24*h + 2*h + 7*24*h},
	}
	for name, want := range tests {
		e, err := s.Tier(name)
		if err != nil {
			t.Fatal(err)
		}
		limit, err := e.ScheduleLimit(time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if e.StartWindow != want.start || e.CompletionWindow != want.completion || e.RPO != want.rpo || e.RTO != want.rto || limit != want.limit {
			t.Errorf("%s: start %s completion %s rpo %s rto %s limit %s; want %+v", name, e.StartWindow, e.CompletionWindow, e.RPO, e.RTO, limit, want)
		}
		if e.RPO != 0 && e.RPO < limit {
			t.Errorf("%s: preset rpo %s cannot be met (limit %s)", name, e.RPO, limit)
		}
	}
}
