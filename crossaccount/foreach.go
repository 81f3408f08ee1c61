package crossaccount

import (
	"context"
	"errors"
	"sync"
)

// ForEach calls fn for every item with at most limit calls running at
// once (limit < 1 means one at a time) and waits for them all. It returns
// the errors of the failed calls joined in item order, so the result does
// not depend on scheduling. Once ctx is done no further call starts and
// ctx's error is added, once, after the calls' errors; running calls get
// ctx itself, so they see the cancellation too. Every call that started
// has returned when ForEach returns.
func ForEach[T any](ctx context.Context, limit int, items []T, fn func(context.Context, T) error) error {
	if limit < 1 {
		limit = 1
	}
	errs := make([]error, len(items), len(items)+1)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var stopped error
	for i, item := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		// Checked after taking a slot too: select picks at random among
		// ready cases, and a done ctx must never start another call.
		if stopped = ctx.Err(); stopped != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(ctx, item)
		})
	}
	wg.Wait()
	return errors.Join(append(errs, stopped)...)
}
