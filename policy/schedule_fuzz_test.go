package policy

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fuzzZones are the locations FuzzParseSchedule evaluates schedules in.
var fuzzZones = []string{"UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "Europe/London"}

// FuzzParseSchedule checks that parsing never panics, that every error is a
// located *ScheduleError, that String re-parses to an equal schedule, that
// ParseSchedule accepts exactly the single-minute cron expressions, and
// that Next is strictly increasing and lands on matching wall-clock times.
func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{
		"cron(0 5 ? * * *)",
		"cron(15 * ? * * *)",
		"cron(0/15 * * * ? *)",
		"cron(0 12 ? * 6L *)",
		"cron(0 0 LW * ? *)",
		"cron(0 0 15W * ? *)",
		"cron(0 9 ? * MON#5 2024-2030)",
		"cron(30 2 * * ? *)",
		"cron(0 0 29 2 ? 2100-2199/4)",
		"cron(0 5 * * MON *)",
		"rate(1 day)",
		"cron(0 5 ? * 3#1,6#3 *)",
	} {
		f.Add(seed, int64(1710000000), uint8(1))
	}
	f.Fuzz(func(t *testing.T, expr string, unix int64, zone uint8) {
		s, err := ParseCron(expr)
		if err != nil {
			if s != nil {
				t.Fatalf("ParseCron(%q) returned a schedule and an error", expr)
			}
			var se *ScheduleError
			if !errors.As(err, &se) {
				t.Fatalf("ParseCron(%q) error %v is not a *ScheduleError", expr, err)
			}
			for _, e := range scheduleErrors(err) {
				if e.Column < 0 || e.Column > len(expr)+1 {
					t.Fatalf("ParseCron(%q): column %d outside the expression", expr, e.Column)
				}
			}
			if _, err := ParseSchedule(expr); err == nil {
				t.Fatalf("ParseSchedule(%q) accepted what ParseCron rejects", expr)
			}
			return
		}
		again, err := ParseCron(s.String())
		if err != nil {
			t.Fatalf("ParseCron(%q) (String of %q): %v", s.String(), expr, err)
		}
		if diff := cmp.Diff(s, again, cmp.AllowUnexported(Schedule{})); diff != "" {
			t.Fatalf("%q: re-parsed String differs (-first +again):\n%s", expr, diff)
		}
		if _, err := ParseSchedule(expr); (err == nil) != (s.minutes.count() == 1) {
			t.Fatalf("ParseSchedule(%q) error %v, but minutes field has %d values", expr, err, s.minutes.count())
		}

		loc, err := time.LoadLocation(fuzzZones[int(zone)%len(fuzzZones)])
		if err != nil {
			t.Fatal(err)
		}
		// Map unix onto 1900-2250, around the years cron accepts.
		const start, span = -2208988800, 11045116800
		after := time.Unix(start+(unix%span+span)%span, 0)
		prev := after
		for range 5 {
			next := s.Next(prev, loc)
			if next.IsZero() {
				break
			}
			if !next.After(prev) {
				t.Fatalf("%q in %s: Next(%v) = %v, not after it", expr, loc, prev, next)
			}
			if !naiveMatch(s, next.In(loc)) {
				t.Fatalf("%q in %s: Next(%v) = %v does not match", expr, loc, prev, next)
			}
			prev = next
		}
	})
}
