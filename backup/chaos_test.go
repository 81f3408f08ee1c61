package backup_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// chaosSeeds are the seeds the chaos suite runs with; each drives the
// emulator's fault draws and the point where the first apply is killed.
var chaosSeeds = []uint64{1, 2, 3, 4}

// TestChaos applies the example spec under 5% throttling, 1% server
// errors and 2% lost responses (the call took effect, its answer never
// came), kills the first apply at a random change, then re-runs under the
// same faults until an apply completes: the organization must converge to
// exactly what a clean apply makes, with no duplicate and no orphan.
func TestChaos(t *testing.T) {
	t.Parallel()
	ref := newTestOrg(t, exampleSpec)
	ref.converge(t)
	want := inventory(t, ref.srv)

	for _, seed := range chaosSeeds {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			defer func() {
				if t.Failed() {
					t.Logf("chaos seed %d (rerun: go test ./backup -run 'TestChaos' with chaosSeeds = {%d})", seed, seed)
				}
			}()
			org := newChaosOrg(t, seed)
			rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			org.srv.AddFault(emulator.Fault{ThrottleRate: 0.05})
			org.srv.AddFault(emulator.Fault{ErrorRate: 0.01})
			org.srv.AddFault(emulator.Fault{LoseResponseRate: 0.02})

			// The first apply is killed at a random change.
			p := chaosPlan(t, org, seed)
			kill := 1 + rng.IntN(max(1, len(p.Changes)-1))
			ctx, cancel := context.WithCancel(context.Background())
			var done atomic.Int64
			_, err := backup.Apply(ctx, org.applySrc, p, allowAll, func(o *backup.ApplyOptions) {
				o.Now = org.srv.Now
				o.Progress = func(plan.Change, error) {
					if done.Add(1) == int64(kill) {
						cancel()
					}
				}
			})
			cancel()
			var incomplete *backup.IncompleteError
			if err != nil && !errors.As(err, &incomplete) {
				t.Fatalf("seed %d: killed apply: %v", seed, err)
			}

			// Re-runs, faults still on, until one completes.
			for run := 1; ; run++ {
				p := chaosPlan(t, org, seed)
				if !p.HasChanges() {
					break
				}
				if run > 6 {
					t.Fatalf("seed %d: no complete apply after %d re-runs; last plan:\n%s", seed, run-1, planText(p))
				}
				_, err := backup.Apply(context.Background(), org.applySrc, p, allowAll, func(o *backup.ApplyOptions) { o.Now = org.srv.Now })
				if err != nil && !errors.As(err, &incomplete) {
					t.Fatalf("seed %d: re-run %d: %v", seed, run, err)
				}
			}

			var calls, throttled, failed, lost int
			for _, st := range org.srv.CallStats() {
				calls, throttled, failed, lost = calls+st.Calls, throttled+st.Throttled, failed+st.Failed, lost+st.Lost
			}
			t.Logf("seed %d: killed after %d of %d changes; %d calls, %d throttled, %d failed, %d responses lost", seed, kill, len(p.Changes), calls, throttled, failed, lost)
			if throttled == 0 || failed == 0 || lost == 0 {
				t.Errorf("seed %d: the faults did not all fire (%d throttled, %d failed, %d lost)", seed, throttled, failed, lost)
			}
			org.srv.ClearFaults()
			final := chaosPlan(t, org, seed)
			if final.HasChanges() || len(final.Checks) > 0 || len(final.Notes) > 0 {
				t.Errorf("seed %d: not converged (changes, checks or orphans):\n%s", seed, planText(final))
			}
			if diff := cmp.Diff(want, inventory(t, org.srv)); diff != "" {
				t.Errorf("seed %d: resources differ from a clean apply (duplicates or missing) (-want +got):\n%s", seed, diff)
			}
		})
	}
}

// newChaosOrg is newTestOrg for the example spec on an emulator seeded
// with seed.
func newChaosOrg(t *testing.T, seed uint64) *chaosOrg {
	t.Helper()
	sp, err := spec.Load(exampleSpec)
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer(func(so *emulator.Options) { so.Seed = int64(seed) })
	t.Cleanup(srv.Close)
	org := newOrgOn(srv, sp)
	return &chaosOrg{srv: srv, sp: sp, planSrc: fastRetries{org.planFleet}, applySrc: fastRetries{org.applyFleet}}
}

// chaosOrg is a testOrg whose configurations retry quickly.
type chaosOrg struct {
	srv               *emulator.Server
	sp                *spec.Spec
	planSrc, applySrc crossaccount.ConfigSource
}

// fastRetries gives src's configurations the SDK's standard retryer with
// the Fleet's attempts, the SNS throttling code and the retry budget, but
// backoff delays short enough for a test that sees hundreds of faults.
// (The Fleet's adaptive mode also slows the client down after each
// throttle, which would make the suite take minutes.)
type fastRetries struct{ src crossaccount.ConfigSource }

func (f fastRetries) Config(ctx context.Context, account, region string) (aws.Config, error) {
	cfg, err := f.src.Config(ctx, account, region)
	if err != nil {
		return cfg, err
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = crossaccount.DefaultMaxAttempts
			o.MaxBackoff = 5 * time.Millisecond
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: map[string]struct{}{"Throttled": {}}})
		})
	}
	return cfg, nil
}

// chaosPlan plans under faults; planning retries what the SDK could not.
func chaosPlan(t *testing.T, org *chaosOrg, seed uint64) *plan.Plan {
	t.Helper()
	var last error
	for range 3 {
		p, err := backup.PlanChanges(context.Background(), org.sp, org.planSrc, func(po *backup.PlanOptions) { po.Now = org.srv.Now })
		if err == nil {
			return p
		}
		last = err
	}
	t.Fatalf("seed %d: planning under faults failed 3 times: %v", seed, last)
	return nil
}
