package crossaccount

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// rateLimitID names the rate-limit middleware in the stack.
const rateLimitID = "orgbackup.RateLimit"

// retryID is the ID of the SDK's retry middleware (aws/retry.Attempt).
const retryID = "Retry"

// Tuning of the adaptive rate (Options.RatePerSecond zero).
const (
	// DefaultStartRate is where an adaptive rate starts, per account,
	// service and Region: safe for any AWS API a fan-out calls.
	DefaultStartRate = 8
	// rateGrowth multiplies the rate after a rate's worth of attempts
	// (about a second of traffic at that rate) went unthrottled.
	rateGrowth = 1.1
	// rateCut multiplies the rate when the service throttles. A gentle
	// cut keeps a saturated bucket near the service's rate: the attempts
	// over it are throttled and retried, so throughput is the lower of
	// the two rates. (The SDK's adaptive retry mode cuts to 70% of the
	// measured rate and regrows on a cubic curve: 1.48 times the ideal
	// on the 50-account planning benchmark.)
	rateCut = 0.9
	// cutSpacing is the least time between two cuts: attempts already in
	// flight at the old rate are throttled too, and must not cut again.
	cutSpacing = time.Second
	// minRate is the floor of an adaptive rate.
	minRate = 0.5
)

// limiterKey names one rate: per account, service and Region, because AWS
// applies request quotas per account and Region unless it says otherwise
// ("Unless otherwise noted, each quota is Region-specific", Service Quotas
// User Guide), with Region "" for the global services IAM and
// Organizations, whose one endpoint serves every Region.
type limiterKey struct{ account, service, region string }

// globalServices are the SDK service IDs whose quotas are not per Region.
var globalServices = map[string]bool{"IAM": true, "Organizations": true}

// limiter is one (account, service, Region) token bucket. With a fixed
// rate (Options.RatePerSecond positive) it never changes; an adaptive one
// starts at DefaultStartRate, grows while attempts succeed and is cut when
// the service throttles, so it settles just under the service's own rate.
type limiter struct {
	bucket   *rate.Limiter
	adaptive bool

	mu      sync.Mutex // guards below
	streak  int        // unthrottled attempts since the last change
	lastCut time.Time
}

// limiter returns the bucket shared by every client of the Fleet that
// calls service with account's credentials in region.
func (f *Fleet) limiter(account, service, region string) *limiter {
	if globalServices[service] {
		region = ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	k := limiterKey{account, service, region}
	l := f.limiters[k]
	if l == nil {
		if f.opts.RatePerSecond > 0 {
			l = &limiter{bucket: rate.NewLimiter(rate.Limit(f.opts.RatePerSecond), f.opts.Burst)}
		} else {
			l = &limiter{bucket: rate.NewLimiter(DefaultStartRate, DefaultStartRate), adaptive: true}
		}
		f.limiters[k] = l
	}
	return l
}

// observe adapts the rate to one attempt's outcome.
func (l *limiter) observe(now time.Time, throttled bool) {
	if !l.adaptive {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := float64(l.bucket.Limit())
	switch {
	case throttled && now.Sub(l.lastCut) >= cutSpacing:
		l.set(now, max(minRate, r*rateCut))
		l.lastCut = now
	case throttled:
		// Growth needs a rate's worth of attempts in a row that the
		// service took: counting successes across throttles grew the
		// rate about as often as throttles cut it, and a fifth of role
		// assumptions were throttled at 5,000 accounts.
		l.streak = 0
	default:
		l.streak++
		if float64(l.streak) >= r {
			l.set(now, r*rateGrowth)
		}
	}
}

func (l *limiter) set(now time.Time, r float64) {
	l.bucket.SetLimitAt(now, rate.Limit(r))
	l.bucket.SetBurstAt(now, max(1, int(math.Ceil(r))))
	l.streak = 0
}

// throttles tells throttling errors: the SDK's, and the codes it does not
// know (extraThrottleCodes).
var throttles = retry.IsErrorThrottles(append([]retry.IsErrorThrottle{retry.ThrottleErrorCode{Codes: extraThrottleCodes}}, retry.DefaultThrottles...))

// addRateLimit returns the API option that makes every attempt (retries
// included) take a token from the (account, service, Region) bucket before
// it is signed and sent, and tells an adaptive bucket how the attempt
// went. It sits in the Finalize step right after the retry middleware,
// which runs the rest of the step once per attempt.
func (f *Fleet) addRateLimit(account string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc(rateLimitID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			l := f.limiter(account, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetRegion(ctx))
			if err := f.wait(ctx, l.bucket); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out, md, err := next.HandleFinalize(ctx, in)
			l.observe(f.opts.Clock(), err != nil && throttles.IsErrorThrottle(err) == aws.TrueTernary)
			return out, md, err
		})
		if _, ok := stack.Finalize.Get(retryID); ok {
			return stack.Finalize.Insert(mw, retryID, middleware.After)
		}
		return stack.Finalize.Add(mw, middleware.Before)
	}
}

// wait takes one token, sleeping until it is due or ctx is done; it is
// rate.Limiter.Wait on the Fleet's clock.
func (f *Fleet) wait(ctx context.Context, l *rate.Limiter) error {
	r := l.ReserveN(f.opts.Clock(), 1)
	if !r.OK() {
		return errors.New("waiting for rate limit: burst is zero")
	}
	d := r.DelayFrom(f.opts.Clock())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(f.opts.Clock())
		return ctx.Err()
	}
}
