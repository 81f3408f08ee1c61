//go:build unix

package main

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
)

// cpuTime is the CPU time the process used so far, user and system, all
// threads: on a shared machine it moves with the work, not with the
// other processes.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSimulateDays runs the seed's spec with the command's defaults
// for 7 to 366 days of virtual time and reports, per row, in CPU time:
// the whole run, the days' loop (without the apply before and the report
// after), its cost per simulated day overall, over the first 30 days and
// over the last 30, the ratio of the last 30 to the first 30 (1 when a
// day costs what happened in it, not what happened before), and the
// loop's ratio to its ideal, the first 30 days' cost per day times the
// days; and the events per day (backup and copy jobs completed, recovery
// points expired) over the first and last 30 days, with the ratio of the
// cost per event: recovery points start to expire after the first 30
// days, so the last 30 have more to do. Run it with -benchtime=1x and GOMAXPROCS=1: each row is then one
// run on one core.
func BenchmarkSimulateDays(b *testing.B) {
	for _, days := range []int{7, 30, 90, 180, 366} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := newSimSession(b)
				ends := make([]time.Duration, days+1)
				events := make([]int, days+1) // backup and copy jobs completed, recovery points expired
				opts := simOptions{Days: days, ResourcesPerAccount: defaultSimResources, Untagged: defaultSimUntagged,
					DayDone: func(day int, c emulator.AdvanceReport) {
						ends[day] = cpuTime(b)
						events[day] = c.BackupJobsCompleted + c.CopyJobsCompleted + c.Expirations
					}}
				b.StartTimer()
				start := cpuTime(b)
				res, err := simulate(context.Background(), s, opts)
				b.StopTimer()
				total := cpuTime(b) - start
				if err != nil {
					b.Fatalf("simulate: %v", err)
				}
				if !res.Report.Compliant() {
					b.Errorf("not compliant after %d days", days)
				}
				window := min(days, 30)
				perDay := func(from, to int) float64 {
					return float64((ends[to] - ends[from]).Microseconds()) / 1000 / float64(to-from)
				}
				first, last := perDay(0, window), perDay(days-window, days)
				eventsPerDay := func(from, to int) float64 { return float64(events[to]-events[from]) / float64(to-from) }
				firstEvents, lastEvents := eventsPerDay(0, window), eventsPerDay(days-window, days)
				loop := ends[days] - ends[0]
				b.ReportMetric(total.Seconds(), "cpu-s/run")
				b.ReportMetric(loop.Seconds(), "cpu-s/days")
				b.ReportMetric(perDay(0, days), "cpu-ms/day")
				b.ReportMetric(first, "cpu-ms/day-first30")
				b.ReportMetric(last, "cpu-ms/day-last30")
				b.ReportMetric(last/first, "x-last/first")
				b.ReportMetric(firstEvents, "events/day-first30")
				b.ReportMetric(lastEvents, "events/day-last30")
				b.ReportMetric((last/lastEvents)/(first/firstEvents), "x-last/first-per-event")
				b.ReportMetric(loop.Seconds()*1000/(first*float64(days)), "x-ideal")
				b.ReportMetric(float64(res.Clock.BackupJobsCompleted+res.Clock.CopyJobsCompleted), "jobs")
			}
		})
	}
}
