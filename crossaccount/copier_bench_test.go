package crossaccount_test

import (
	"context"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// BenchmarkCopier10k backfills a central vault with 10,000 recovery points
// from 100 accounts, copies lasting an hour of virtual time, at most 10
// running per account: the ideal makespan is 10,000 / (100 × 10) × 1h =
// 10h. It reports the virtual makespan, its ratio to the ideal, the API
// calls and the duplicate copy jobs.
func BenchmarkCopier10k(b *testing.B) {
	const accounts, perAccount, limit = 100, 100, 10
	ideal := time.Duration(accounts*perAccount/(accounts*limit)) * time.Hour
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newCopyWorld(b, accounts, perAccount)
		w.srv.SetCopyJobLimit(limit)
		w.srv.SetJobDurations(emulator.JobDurations{Copy: time.Hour})
		w.srv.ResetCallStats()
		fleet := crossaccount.NewFleet(w.srv.Config(emulator.ManagementAccountID, cwRegion), func(o *crossaccount.Options) { o.RatePerSecond = -1 })
		c := crossaccount.NewCopier(fleet, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
			w.virtual(o)
			o.MaxRunning = limit
		})
		start := w.srv.Now()
		b.StartTimer()
		rep, err := c.Run(context.Background())
		b.StopTimer()
		if err != nil {
			b.Fatalf("Run: %v", err)
		}
		span := w.srv.Now().Sub(start)
		if got := rep.Count(crossaccount.CopyCopied); got != accounts*perAccount {
			b.Fatalf("copied %d, want %d", got, accounts*perAccount)
		}
		dups := len(duplicates(w.copyJobs(b)))
		// The Copier's own calls, every page and start counted.
		calls := 0
		for _, n := range rep.Calls {
			calls += n
		}
		b.ReportMetric(span.Hours(), "virtual-h")
		b.ReportMetric(span.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(float64(calls), "api-calls")
		b.ReportMetric(float64(dups), "duplicates")
		if ratio := span.Seconds() / ideal.Seconds(); ratio > 1.1 || dups > 0 {
			b.Errorf("makespan %v is %.3f× the ideal %v (want ≤ 1.1×); %d duplicate copy jobs", span, ratio, ideal, dups)
		}
		w.srv.Close()
	}
}
