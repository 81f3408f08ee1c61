package report

import (
	"testing"
	"time"
)

// TestAchievedRPO checks the largest age the newest usable recovery point
// reaches over a window, from the points' data and ready times.
func TestAchievedRPO(t *testing.T) {
	t.Parallel()
	w := Window{Start: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 17, 0, 0, 0, 0, time.UTC)}
	day := func(d, h int) time.Time { return time.Date(2026, 1, d, h, 0, 0, 0, time.UTC) }
	type pt struct{ data, ready time.Time }
	daily := func(from, to int) []pt {
		var out []pt
		for d := from; d <= to; d++ {
			out = append(out, pt{day(d, 2), day(d, 3)})
		}
		return out
	}
	tests := map[string]struct {
		points   []pt
		anchor   time.Time
		want     time.Duration
		wantAt   time.Time
		wantFrom time.Time
		wantOK   bool
	}{
		// Daily at 02:00, ready at 03:00: just before each point is ready
		// the newest is a day and an hour old.
		"daily": {points: daily(5, 16), want: 25 * time.Hour, wantAt: day(10, 3), wantFrom: w.Start, wantOK: true},
		// Five runs missed (11th to 15th): the age peaks just before the
		// 16th's point, however new the resource's newest point is at the
		// end of the window.
		"gap in the window, good at the end": {points: append(daily(5, 10), pt{day(16, 2), day(16, 3)}), want: 6*24*time.Hour + time.Hour, wantAt: day(16, 3), wantFrom: w.Start, wantOK: true},
		// Stopped on the 12th: the age at the window's end.
		"stopped": {points: daily(5, 12), want: 4*24*time.Hour + 22*time.Hour, wantAt: w.End, wantFrom: w.Start, wantOK: true},
		// A point whose data is old but ready late does not make the age
		// smaller than its data's.
		"slow point": {points: []pt{{day(9, 2), day(9, 3)}, {day(10, 2), day(11, 20)}, {day(16, 2), day(16, 3)}}, want: 6*24*time.Hour + time.Hour, wantAt: day(16, 3), wantFrom: w.Start, wantOK: true},
		// Nothing before the window (retention shorter than the window):
		// measured from the first job of the window.
		"first job in the window": {points: daily(12, 16), anchor: day(12, 2), want: 25 * time.Hour, wantAt: day(13, 3), wantFrom: day(12, 2), wantOK: true},
		// Jobs failing from the window's start until the 15th: the age is
		// counted from the first job.
		"failing from the first job": {points: daily(15, 16), anchor: day(10, 2), want: 5*24*time.Hour + time.Hour, wantAt: day(15, 3), wantFrom: day(10, 2), wantOK: true},
		// Points after the window's end do not count.
		"after the end": {points: []pt{{day(17, 2), day(17, 3)}}, wantOK: false},
		"none":          {wantOK: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var p points
			for _, x := range tc.points {
				p.add(w, x.data, x.ready)
			}
			got, at, from, ok := p.achieved(w, tc.anchor)
			if ok != tc.wantOK {
				t.Fatalf("achieved() ok = %v, want %v", ok, tc.wantOK)
			}
			if ok && (got != tc.want || !at.Equal(tc.wantAt) || !from.Equal(tc.wantFrom)) {
				t.Errorf("achieved() = %s at %s from %s, want %s at %s from %s", got, at, from, tc.want, tc.wantAt, tc.wantFrom)
			}
		})
	}
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	var ages []int64
	for i := int64(100); i >= 1; i-- {
		ages = append(ages, i)
	}
	if got, want := distribution(ages), (Distribution{Measured: 100, P50Seconds: 50, P95Seconds: 95, MaxSeconds: 100}); got != want {
		t.Errorf("distribution() = %+v, want %+v", got, want)
	}
	if got := distribution(nil); got != (Distribution{}) {
		t.Errorf("distribution(nil) = %+v", got)
	}
}

func TestFailureCause(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ state, msg, want string }{
		"role missing":  {"FAILED", "Unable to assume role arn:aws:iam::333333333333:role/OrgBackupServiceRole. The role does not exist.", CauseRoleMissing},
		"role trust":    {"FAILED", "Unable to assume role arn:aws:iam::333333333333:role/R. Its trust policy does not allow backup.amazonaws.com to assume it.", CauseRoleMissing},
		"key":           {"FAILED", "AccessDeniedException: User is not authorized to perform kms:CreateGrant", CauseKeyAccess},
		"vault missing": {"FAILED", "Backup vault orgbackup-local does not exist in account 333333333333 and region us-east-1.", CauseVaultAccess},
		"vault lock":    {"FAILED", "The retention period of 7 days is shorter than the minimum retention of 30 days that the Vault Lock of backup vault central requires.", CauseVaultAccess},
		"expired":       {"EXPIRED", "Backup job failed to start within the start window.", CauseWindowExpired},
		"aborted":       {"ABORTED", "Backup job was stopped by the user.", CauseOther},
		"unknown":       {"FAILED", "An internal error occurred.", CauseOther},
	}
	for name, tc := range tests {
		if got := FailureCause(tc.state, tc.msg); got != tc.want {
			t.Errorf("%s: FailureCause() = %q, want %q", name, got, tc.want)
		}
	}
}
