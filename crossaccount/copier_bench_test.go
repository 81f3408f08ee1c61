package crossaccount_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// copyDurations draws the duration of one copy from a uniform number in
// [0, 1); BenchmarkCopier10k sizes the recovery points to match.
type copyDurations struct {
	name string
	draw func(u float64) time.Duration
}

// benchCopyDurations are the distributions BenchmarkCopier10k draws copy
// durations from: one constant, which lands every wave of copies on the
// same instant, and two spreads.
var benchCopyDurations = []copyDurations{
	{"constant-1h", func(float64) time.Duration { return time.Hour }},
	{"uniform-8-61m", func(u float64) time.Duration { return 8*time.Minute + time.Duration(u*float64(53*time.Minute)) }},
	// Log-normal, median 30 minutes, σ 0.75 (5% under 9 minutes, 5%
	// over 1h42), cut to [2m, 6h]: a few copies of large volumes.
	{"lognormal-30m", func(u float64) time.Duration {
		z := math.Sqrt2 * math.Erfinv(2*u-1)
		d := time.Duration(float64(30*time.Minute) * math.Exp(0.75*z))
		return min(max(d, 2*time.Minute), 6*time.Hour)
	}},
}

// copyRate is the bytes a copy moves per minute in BenchmarkCopier10k:
// a copy's duration is its recovery point's size over it.
const copyRate = 1 << 30

// timedCopies starts every copy job after setting the emulator's copy
// duration to its recovery point's size over copyRate. It records, per
// source account, the sum and the longest of the durations it set, and
// their order.
type timedCopies struct {
	crossaccount.CopierAPI
	srv   *emulator.Server
	sizes map[string]int64 // by recovery point ARN

	mu       *sync.Mutex
	started  map[string]bool
	sum, top map[string]time.Duration
	order    map[string][]time.Duration // by account, in the order started
}

// greedy returns the makespan of starting each account's copies in the
// order the Copier started them, each the instant one of limit slots is
// free: the Copier's schedule had it seen every completion at once.
func (t timedCopies) greedy(limit int) time.Duration {
	var span time.Duration
	for _, ds := range t.order {
		free := make([]time.Duration, limit)
		for _, d := range ds {
			i := 0
			for j := range free {
				if free[j] < free[i] {
					i = j
				}
			}
			free[i] += d
			span = max(span, free[i])
		}
	}
	return span
}

func (t timedCopies) StartCopyJob(ctx context.Context, in *awsbackup.StartCopyJobInput, optFns ...func(*awsbackup.Options)) (*awsbackup.StartCopyJobOutput, error) {
	arn := aws.ToString(in.RecoveryPointArn)
	d := time.Duration(float64(t.sizes[arn]) / copyRate * float64(time.Minute))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.srv.SetJobDurations(emulator.JobDurations{Copy: d})
	out, err := t.CopierAPI.StartCopyJob(ctx, in, optFns...)
	if err == nil && !t.started[arn] {
		// The role is the source account's (an EBS snapshot's ARN names
		// no account).
		account := strings.SplitN(aws.ToString(in.IamRoleArn), ":", 6)[4]
		t.started[arn] = true
		t.sum[account] += d
		t.top[account] = max(t.top[account], d)
		t.order[account] = append(t.order[account], d)
	}
	return out, err
}

// BenchmarkCopier10k backfills a central vault with 10,000 recovery points
// from 100 accounts, at most 10 copies running per account, copy durations
// (recovery point sizes over copyRate) drawn, seeded, from each of
// benchCopyDurations. It reports the virtual makespan;
// its ratio to the greedy schedule (each account's copies started in the
// Copier's order the instant a slot is free: what the Copier would do if
// it saw every completion at once) and to the lower bound (over the
// accounts, the longest of the sum of an account's copy durations divided
// by 10 and its longest copy: no schedule can beat it); the API calls and
// the duplicate copy jobs. It fails above 1.1× the lower bound or with a
// duplicate.
func BenchmarkCopier10k(b *testing.B) {
	const accounts, perAccount, limit, seed = 100, 100, 10, 19
	for _, dist := range benchCopyDurations {
		b.Run(dist.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := newSizedCopyWorld(b, accounts, perAccount, func(i, j int) int64 {
					u := rand.New(rand.NewPCG(seed, uint64(i)<<32|uint64(j))).Float64()
					return int64(dist.draw(u).Minutes() * copyRate)
				})
				w.srv.SetCopyJobLimit(limit)
				sizes := map[string]int64{}
				for _, a := range w.accounts {
					for _, rp := range w.recoveryPoints(b, a, cwRegion, "local") {
						sizes[aws.ToString(rp.RecoveryPointArn)] = aws.ToInt64(rp.BackupSizeInBytes)
					}
				}
				w.srv.ResetCallStats()
				timed := timedCopies{srv: w.srv, sizes: sizes, mu: &sync.Mutex{}, started: map[string]bool{}, order: map[string][]time.Duration{}, sum: map[string]time.Duration{}, top: map[string]time.Duration{}}
				fleet := crossaccount.NewFleet(w.srv.Config(emulator.ManagementAccountID, cwRegion), func(o *crossaccount.Options) { o.RatePerSecond = -1 })
				c := crossaccount.NewCopier(fleet, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
					w.virtual(o)
					o.MaxRunning = limit
					o.NewClient = func(cfg aws.Config) crossaccount.CopierAPI {
						t := timed
						t.CopierAPI = awsbackup.NewFromConfig(cfg)
						return t
					}
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
				if len(timed.sum) != accounts {
					b.Fatalf("copy durations recorded for %d accounts, want %d", len(timed.sum), accounts)
				}
				var ideal time.Duration
				for a, sum := range timed.sum {
					ideal = max(ideal, sum/limit, timed.top[a])
				}
				greedy := timed.greedy(limit)
				dups := len(duplicates(w.copyJobs(b)))
				// The Copier's own calls, every page and start counted.
				calls := 0
				for _, n := range rep.Calls {
					calls += n
				}
				ratio := span.Seconds() / ideal.Seconds()
				b.ReportMetric(span.Hours(), "virtual-h")
				b.ReportMetric(ideal.Hours(), "ideal-h")
				b.ReportMetric(ratio, "x-ideal")
				b.ReportMetric(greedy.Hours(), "greedy-h")
				b.ReportMetric(span.Seconds()/greedy.Seconds(), "x-greedy")
				b.ReportMetric(float64(calls), "api-calls")
				b.ReportMetric(float64(dups), "duplicates")
				if ratio > 1.1 || dups > 0 {
					b.Errorf("makespan %v is %.3f× the lower bound %v (want ≤ 1.1×) and %.3f× the greedy schedule's %v; %d duplicate copy jobs",
						span, ratio, ideal, span.Seconds()/greedy.Seconds(), greedy, dups)
				}
				w.srv.Close()
			}
		})
	}
}
