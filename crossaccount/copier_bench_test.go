package crossaccount_test

import (
	"context"
	"hash/fnv"
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
// [0, 1).
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

// timedCopies starts every copy job after setting the emulator's copy
// duration to one drawn for its recovery point: seeded and keyed by the
// recovery point ARN, so a run's durations do not depend on the order of
// the starts. It records, per source account, the sum and the longest of
// the durations it set.
type timedCopies struct {
	crossaccount.CopierAPI
	srv  *emulator.Server
	seed uint64
	dist copyDurations

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
	h := fnv.New64a()
	h.Write([]byte(arn))
	d := t.dist.draw(rand.New(rand.NewPCG(t.seed, h.Sum64())).Float64())
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
// drawn from each of benchCopyDurations. It reports the virtual makespan;
// its ratio to the greedy schedule (each account's copies started in the
// Copier's order the instant a slot is free: what the Copier would do if
// it saw every completion at once) and to the lower bound (over the
// accounts, the longest of the sum of an account's copy durations divided
// by 10 and its longest copy: no schedule can beat it); the API calls and
// the duplicate copy jobs. It fails above 1.1× the greedy schedule or
// with a duplicate.
func BenchmarkCopier10k(b *testing.B) {
	const accounts, perAccount, limit, seed = 100, 100, 10, 19
	for _, dist := range benchCopyDurations {
		b.Run(dist.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := newCopyWorld(b, accounts, perAccount)
				w.srv.SetCopyJobLimit(limit)
				w.srv.ResetCallStats()
				timed := timedCopies{srv: w.srv, seed: seed, dist: dist, mu: &sync.Mutex{}, started: map[string]bool{}, order: map[string][]time.Duration{}, sum: map[string]time.Duration{}, top: map[string]time.Duration{}}
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
				// The Copier's own overhead is what it adds to the greedy
				// schedule of its start order; the lower bound needs the
				// durations known in advance.
				if over := span.Seconds() / greedy.Seconds(); over > 1.1 || dups > 0 {
					b.Errorf("makespan %v is %.3f× the greedy schedule's %v (want ≤ 1.1×) and %.3f× the lower bound %v; %d duplicate copy jobs",
						span, over, greedy, ratio, ideal, dups)
				}
				w.srv.Close()
			}
		})
	}
}
