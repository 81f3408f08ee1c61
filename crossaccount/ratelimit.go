package crossaccount

import (
	"context"
	"errors"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// rateLimitID names the rate-limit middleware in the stack.
const rateLimitID = "orgbackup.RateLimit"

// retryID is the ID of the SDK's retry middleware (aws/retry.Attempt).
const retryID = "Retry"

type limiterKey struct{ account, service string }

// limiter returns the token bucket shared by every client of the Fleet
// that calls service with account's credentials.
func (f *Fleet) limiter(account, service string) *rate.Limiter {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := limiterKey{account, service}
	l := f.limiters[k]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(f.opts.RatePerSecond), f.opts.Burst)
		f.limiters[k] = l
	}
	return l
}

// addRateLimit returns the API option that makes every attempt (retries
// included) take a token from the (account, service) bucket before it is
// signed and sent. It sits in the Finalize step right after the retry
// middleware, which runs the rest of the step once per attempt.
func (f *Fleet) addRateLimit(account string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc(rateLimitID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if err := f.wait(ctx, f.limiter(account, awsmiddleware.GetServiceID(ctx))); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleFinalize(ctx, in)
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
