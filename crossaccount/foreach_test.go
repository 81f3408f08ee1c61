package crossaccount_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
)

func TestForEachBoundsConcurrency(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		limit, items, wantPeak int
	}{
		"limit below items":  {limit: 4, items: 20, wantPeak: 4},
		"limit above items":  {limit: 16, items: 5, wantPeak: 5},
		"zero means one":     {limit: 0, items: 6, wantPeak: 1},
		"negative means one": {limit: -3, items: 6, wantPeak: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			items := make([]int, tc.items)
			for i := range items {
				items[i] = i
			}
			var running, peak atomic.Int32
			var mu sync.Mutex
			seen := map[int]bool{}
			err := crossaccount.ForEach(context.Background(), tc.limit, items, func(_ context.Context, i int) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				// Long enough for every allowed call to be running at once.
				time.Sleep(20 * time.Millisecond)
				running.Add(-1)
				mu.Lock()
				seen[i] = true
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Fatalf("ForEach() error: %v", err)
			}
			if got := int(peak.Load()); got != tc.wantPeak {
				t.Errorf("peak concurrency = %d, want %d", got, tc.wantPeak)
			}
			if len(seen) != tc.items {
				t.Errorf("fn ran for %d items, want %d", len(seen), tc.items)
			}
		})
	}
}

func TestForEachErrorsInItemOrder(t *testing.T) {
	t.Parallel()
	items := []int{0, 1, 2, 3, 4, 5, 6, 7}
	errFor := map[int]error{}
	for _, i := range []int{1, 4, 6} {
		errFor[i] = fmt.Errorf("item %d failed", i)
	}
	for range 20 {
		err := crossaccount.ForEach(context.Background(), 8, items, func(_ context.Context, i int) error {
			// Later items finish first, so completion order is the
			// reverse of item order.
			time.Sleep(time.Duration(len(items)-i) * time.Millisecond)
			return errFor[i]
		})
		if got, want := fmt.Sprint(err), "item 1 failed\nitem 4 failed\nitem 6 failed"; got != want {
			t.Fatalf("ForEach() error = %q, want %q", got, want)
		}
		if !errors.Is(err, errFor[4]) {
			t.Fatalf("errors.Is(err, item 4) = false")
		}
	}
	if err := crossaccount.ForEach(context.Background(), 2, []int{}, func(context.Context, int) error { return errors.New("never") }); err != nil {
		t.Errorf("ForEach(no items) = %v, want nil", err)
	}
}

func TestForEachCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	var mu sync.Mutex
	var started []int
	boom := errors.New("boom")
	err := crossaccount.ForEach(ctx, 2, items, func(ctx context.Context, i int) error {
		mu.Lock()
		started = append(started, i)
		mu.Unlock()
		if i == 3 {
			cancel()
			return boom
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("item %d: %w", i, ctx.Err())
		case <-time.After(5 * time.Millisecond):
			return nil
		}
	})
	if !errors.Is(err, boom) || !errors.Is(err, context.Canceled) {
		t.Fatalf("ForEach() error = %v, want boom and context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// Item 3 cancels while at most one other call runs; nothing starts
	// after that.
	if len(started) > 5 {
		t.Errorf("ForEach started %d items after cancellation, want at most 5: %v", len(started), started)
	}

	// A context done before the call starts nothing.
	var calls atomic.Int32
	err = crossaccount.ForEach(ctx, 4, items, func(context.Context, int) error { calls.Add(1); return nil })
	if !errors.Is(err, context.Canceled) || calls.Load() != 0 {
		t.Errorf("ForEach(cancelled ctx) = %v with %d calls, want context.Canceled and no call", err, calls.Load())
	}
	if diff := cmp.Diff("context canceled", err.Error()); diff != "" {
		t.Errorf("ForEach(cancelled ctx) error mismatch (-want +got):\n%s", diff)
	}
}

func ExampleForEach() {
	accounts := []string{"333333333333", "444444444444", "555555555555"}
	err := crossaccount.ForEach(context.Background(), 2, accounts, func(_ context.Context, account string) error {
		if account != "444444444444" {
			return fmt.Errorf("account %s: no vault", account)
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// account 333333333333: no vault
	// account 555555555555: no vault
}
