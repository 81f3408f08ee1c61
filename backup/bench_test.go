package backup_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// benchSpec spans two workload regions (primary and additional), with
// central vaults in the primary and secondary regions.
const benchSpec = `version: 1
name: bench
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2, additional: [us-east-2]}
tiers:
  production: {targets: [Production]}
  development: {targets: [Development]}
central:
  vault: central-backup
  lock: {mode: governance, min_retention: 1d, max_retention: 3650d}
local:
  vault: local-backup
notifications:
  events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]
  emails: [backup-team@example.com]
reports:
  bucket: org-backup-reports-222222222222
tags:
  cost-center: platform
`

// benchOrganization has n workload accounts, half in a Production OU and
// half in a Development OU.
func benchOrganization(n int) *emulator.Organization {
	o := &emulator.Organization{
		ID: "o-orgbackup1", RootID: "r-root", ManagementAccount: emulator.ManagementAccountID,
		Accounts: []emulator.Account{{ID: emulator.ManagementAccountID, Name: "management"}},
		Units: []emulator.Unit{
			{ID: "ou-root-security", Name: "Security", Accounts: []emulator.Account{{ID: emulator.BackupAccountID, Name: "backup"}}},
			{ID: "ou-root-production", Name: "Production"},
			{ID: "ou-root-development", Name: "Development"},
		},
	}
	for i := range n {
		a := emulator.Account{ID: fmt.Sprintf("%012d", 600000000000+i)}
		o.Units[1+i%2].Accounts = append(o.Units[1+i%2].Accounts, a)
	}
	return o
}

// Latency and throttling of the planning and applying benchmarks: every
// call is delayed 10 ms and every (account, service, Region) bucket — one
// bucket in all Regions for IAM and Organizations — throttles at 10
// requests per second, lower than most AWS quotas, so the client's rate
// has to follow the service.
const (
	benchLatency = 10 * time.Millisecond
	benchRate    = 10 // requests per second per account, service and Region
)

// BenchmarkPlanConverged500 plans an already converged organization of
// 500 workload accounts × 2 regions under the benchmark's latency and
// throttling, with the planner's defaults and a new Fleet per plan (each
// run of `orgbackup plan` starts without credentials).
func BenchmarkPlanConverged500(b *testing.B) { benchPlanConverged(b, 500) }

// BenchmarkPlanConverged50 is the same with 50 accounts.
func BenchmarkPlanConverged50(b *testing.B) { benchPlanConverged(b, 50) }

// BenchmarkPlanConverged5000 is the same with 5,000 accounts.
func BenchmarkPlanConverged5000(b *testing.B) { benchPlanConverged(b, 5000) }

// BenchmarkApplyScaling applies the spec to a fresh organization of 10 to
// 5,000 workload accounts under the benchmark's latency and throttling
// (the first plan, then the apply, each measured against its own ideal),
// then plans the converged organization three times, one run per size.
func BenchmarkApplyScaling(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for range b.N {
				w := newBenchWorld(b, n)
				w.srv.AddFault(emulator.Fault{Latency: benchLatency, RatePerSecond: benchRate})
				var p *plan.Plan
				planned := w.measure(b, "first-plan", backup.DefaultPlanConcurrency, func() {
					var err error
					if p, err = backup.PlanChanges(context.Background(), w.sp, w.fleet(true), w.planOpts); err != nil {
						b.Fatal(err)
					}
				})
				applied := w.measure(b, "apply", backup.DefaultApplyConcurrency, func() {
					res, err := backup.Apply(context.Background(), w.fleet(false), p, func(o *backup.ApplyOptions) { o.Now = w.srv.Now })
					if err != nil {
						b.Fatal(err)
					}
					if err := res.Err(); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(float64(len(p.Changes)), "changes")
				b.ReportMetric(planned, "first-plan-ratio")
				b.ReportMetric(applied, "apply-ratio")
				// Three plans of the converged organization: the
				// target holds in every run, so the worst is reported.
				worst := 0.0
				for range 3 {
					worst = max(worst, w.planConverged(b))
				}
				b.ReportMetric(worst, "plan-ratio-max")
			}
		})
	}
}

// benchWorld is an emulated organization and the spec for a benchmark.
type benchWorld struct {
	srv      *emulator.Server
	sp       *spec.Spec
	n        int
	workload map[string]bool
}

func newBenchWorld(b *testing.B, n int) *benchWorld {
	b.Helper()
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = benchOrganization(n) })
	b.Cleanup(srv.Close)
	w := &benchWorld{srv: srv, sp: parseSpec(b, benchSpec), n: n, workload: map[string]bool{}}
	for _, u := range benchOrganization(n).Units[1:] {
		for _, a := range u.Accounts {
			w.workload[a.ID] = true
		}
	}
	return w
}

// fleet is a new Fleet with the Fleet's defaults (an adaptive client
// rate), role assumption spread over the spec's Regions' STS endpoints.
func (w *benchWorld) fleet(readOnly bool, optFns ...func(*crossaccount.Options)) *crossaccount.Fleet {
	base := w.srv.Config(w.sp.Organization.ManagementAccount, w.sp.Organization.Regions.Primary)
	return crossaccount.NewFleet(base, append([]func(*crossaccount.Options){func(o *crossaccount.Options) {
		o.ExecutionRole = w.sp.Organization.ExecutionRole
		o.ManagementAccount = w.sp.Organization.ManagementAccount
		o.ReadOnly = readOnly
		o.STSRegions = w.sp.Regions()
	}}, optFns...)...)
}

func (w *benchWorld) planOpts(o *backup.PlanOptions) { o.Now = w.srv.Now }

// converge applies the spec without faults or client-side limits.
func (w *benchWorld) converge(b *testing.B) {
	b.Helper()
	fleet := func(ro bool) *crossaccount.Fleet {
		return w.fleet(ro, func(o *crossaccount.Options) { o.RatePerSecond = -1 })
	}
	start := time.Now()
	p, err := backup.PlanChanges(context.Background(), w.sp, fleet(true), func(o *backup.PlanOptions) { o.Now, o.Concurrency = w.srv.Now, 64 })
	if err != nil {
		b.Fatal(err)
	}
	res, err := backup.Apply(context.Background(), fleet(false), p, func(o *backup.ApplyOptions) { o.Now, o.Concurrency = w.srv.Now, 64 })
	if err != nil {
		b.Fatal(err)
	}
	if err := res.Err(); err != nil {
		b.Fatal(err)
	}
	b.Logf("converged %d accounts: %d changes in %v", w.n, len(p.Changes), time.Since(start).Round(time.Second))
}

// planConverged plans the converged organization under the faults and
// returns the wall time's ratio to the ideal.
func (w *benchWorld) planConverged(b *testing.B) float64 {
	b.Helper()
	var p *plan.Plan
	ratio := w.measure(b, "plan", backup.DefaultPlanConcurrency, func() {
		var err error
		if p, err = backup.PlanChanges(context.Background(), w.sp, w.fleet(true), w.planOpts); err != nil {
			b.Fatal(err)
		}
	})
	if p.HasChanges() || len(p.Checks) > 0 {
		b.Fatalf("plan of a converged organization is not empty:\n%s", planText(p))
	}
	return ratio
}

// measure runs fn and reports its wall time against the ideal computed
// from the calls the emulator counted: the larger of every call's latency
// spread over the concurrency, and the busiest throttling bucket's calls
// at its rate. A throttled attempt is retried by the client; any that
// reached the caller fails fn.
func (w *benchWorld) measure(b *testing.B, name string, concurrency int, fn func()) float64 {
	b.Helper()
	w.srv.ResetCallStats()
	start := time.Now()
	fn()
	wall := time.Since(start)
	total, throttled, workloadCalls := 0, 0, 0
	perKey := map[string]int{}
	for _, st := range w.srv.CallStats() {
		total += st.Calls
		throttled += st.Throttled
		// Throttled attempts took no token from the emulator's bucket.
		perKey[st.Account+" "+st.Service+" "+quotaRegion(st.Service, st.Region)] += st.Calls - st.Throttled
		if w.workload[st.Account] {
			workloadCalls += st.Calls
		}
	}
	busiestKey, busiest := "", 0
	for k, c := range perKey {
		if c > busiest || c == busiest && k < busiestKey {
			busiestKey, busiest = k, c
		}
	}
	idealParallel := time.Duration(total-throttled) * benchLatency / time.Duration(concurrency)
	idealRate := time.Duration(float64(max(0, busiest-benchRate)) / benchRate * float64(time.Second))
	ideal := max(idealParallel, idealRate)
	ratio := wall.Seconds() / ideal.Seconds()
	b.ReportMetric(wall.Seconds(), name+"-wall-s")
	b.ReportMetric(ideal.Seconds(), name+"-ideal-s")
	b.ReportMetric(float64(throttled), name+"-throttled-attempts")
	b.Logf("%d accounts, %s: wall %v, %d calls (%.1f per workload account-region), busiest %s with %d, ideal max(%v, %v) = %v, ratio %.3f, %d attempts throttled and retried",
		w.n, name, wall.Round(time.Millisecond), total, float64(workloadCalls)/float64(2*w.n), busiestKey, busiest, idealParallel.Round(time.Millisecond), idealRate.Round(time.Millisecond), ideal.Round(time.Millisecond), ratio, throttled)
	return ratio
}

func benchPlanConverged(b *testing.B, n int) {
	w := newBenchWorld(b, n)
	w.converge(b)
	w.srv.AddFault(emulator.Fault{Latency: benchLatency, RatePerSecond: benchRate})
	for range b.N {
		b.ReportMetric(w.planConverged(b), "ratio")
	}
}

// quotaRegion is the Region of the emulator's throttling bucket: its own
// for regional services, none for the global IAM and Organizations.
func quotaRegion(service, region string) string {
	if service == "iam" || service == "organizations" {
		return ""
	}
	return region
}
