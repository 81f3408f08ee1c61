package crossaccount

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestAdaptiveLimiter drives one adaptive bucket through a service that
// throttles above 10 requests per second: the rate grows from the start
// rate, is cut once per burst of throttles, and settles between the cut
// and the service's rate.
func TestAdaptiveLimiter(t *testing.T) {
	f := NewFleet(aws.Config{})
	l := f.limiter("123456789012", "Backup", "us-east-1")
	if !l.adaptive || float64(l.bucket.Limit()) != DefaultStartRate {
		t.Fatalf("new limiter: adaptive %v at %v/s, want adaptive at %v/s", l.adaptive, l.bucket.Limit(), DefaultStartRate)
	}
	const service = 10.0
	now := time.Unix(0, 0)
	var low, high float64 = 1e9, 0
	for i := range 2000 {
		r := float64(l.bucket.Limit())
		if i > 500 {
			low, high = min(low, r), max(high, r)
		}
		now = now.Add(time.Duration(float64(time.Second) / r))
		l.observe(now, r > service)
	}
	if low < service*rateCut*0.95 || high > service*rateGrowth*1.05 {
		t.Errorf("settled between %.2f/s and %.2f/s, want within [%.2f, %.2f] around the service's %v/s", low, high, service*rateCut, service*rateGrowth, service)
	}

	// Many throttles at once (attempts in flight at the old rate) cut
	// the rate once.
	before := float64(l.bucket.Limit())
	later := now.Add(10 * time.Second)
	for range 20 {
		l.observe(later, true)
	}
	if got, want := float64(l.bucket.Limit()), before*rateCut; got < want*0.999 || got > want*1.001 {
		t.Errorf("after 20 throttles at once: %.3f/s, want one cut to %.3f/s", got, want)
	}

	// Other keys, the global services' Regions, and fixed rates.
	if f.limiter("123456789012", "Backup", "us-west-2") == l {
		t.Error("two Regions share one bucket; AWS's quotas are per Region")
	}
	if f.limiter("123456789012", "IAM", "us-east-1") != f.limiter("123456789012", "IAM", "us-west-2") {
		t.Error("IAM has one bucket per Region; its quotas are global")
	}
	fixed := NewFleet(aws.Config{}, func(o *Options) { o.RatePerSecond = 3 }).limiter("123456789012", "Backup", "us-east-1")
	fixed.observe(now, true)
	if fixed.adaptive || float64(fixed.bucket.Limit()) != 3 {
		t.Errorf("fixed rate: adaptive %v at %v/s, want fixed at 3/s", fixed.adaptive, fixed.bucket.Limit())
	}
}

// TestAdaptiveLimiterGrowsOnlyWhenClean checks that a rate grows only
// after a rate's worth of attempts in a row went unthrottled: with one
// attempt in five throttled it never grows, however long it runs.
func TestAdaptiveLimiterGrowsOnlyWhenClean(t *testing.T) {
	l := NewFleet(aws.Config{}).limiter("123456789012", "STS", "us-east-1")
	start := float64(l.bucket.Limit())
	now := time.Unix(0, 0)
	for i := range 1000 {
		now = now.Add(10 * time.Millisecond) // faster than cuts may come
		l.observe(now, i%5 == 4)
	}
	if got := float64(l.bucket.Limit()); got > start {
		t.Errorf("rate grew from %.2f/s to %.2f/s with a fifth of its attempts throttled", start, got)
	}
}
