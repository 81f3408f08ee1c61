package backup_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
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

// Latency and throttling of BenchmarkPlanConverged.
const (
	benchLatency = 10 * time.Millisecond
	benchRate    = 10 // requests per second per account and service
)

// BenchmarkPlanConverged500 plans an already converged organization of
// 500 workload accounts × 2 regions, each call delayed 10 ms and the
// emulator throttling at 10 requests per second per account and service,
// with the planner's defaults and a new Fleet per plan (each run of
// `orgbackup plan` starts without credentials), at the Fleet's default
// client-side rate and at the emulator's rate.
func BenchmarkPlanConverged500(b *testing.B) { benchPlanConverged(b, 500) }

// BenchmarkPlanConverged50 is the same with 50 accounts.
func BenchmarkPlanConverged50(b *testing.B) { benchPlanConverged(b, 50) }

func benchPlanConverged(b *testing.B, n int) {
	ctx := context.Background()
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = benchOrganization(n) })
	b.Cleanup(srv.Close)
	sp := parseSpec(b, benchSpec)
	base := srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	fleet := func(readOnly bool, rate float64) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = readOnly
			o.RatePerSecond = rate
		})
	}

	// Converge without faults or client-side limits.
	start := time.Now()
	p, err := backup.PlanChanges(ctx, sp, fleet(true, -1), func(o *backup.PlanOptions) { o.Now, o.Concurrency = srv.Now, 64 })
	if err != nil {
		b.Fatal(err)
	}
	res, err := backup.Apply(ctx, fleet(false, -1), p, func(o *backup.ApplyOptions) { o.Now, o.Concurrency = srv.Now, 64 })
	if err != nil {
		b.Fatal(err)
	}
	if err := res.Err(); err != nil {
		b.Fatal(err)
	}
	b.Logf("converged %d accounts: %d changes in %v", n, len(p.Changes), time.Since(start).Round(time.Second))

	srv.AddFault(emulator.Fault{Latency: benchLatency, RatePerSecond: benchRate})
	workload := map[string]bool{}
	for _, u := range benchOrganization(n).Units[1:] {
		for _, a := range u.Accounts {
			workload[a.ID] = true
		}
	}
	// The Fleet's default, an attempt rate learnt from the service's
	// throttling (0), and a cap 5% under the emulator's rate: at exactly
	// its rate, the jitter between the client's token bucket and the
	// server's throttles the odd call.
	for _, rate := range []float64{0, 0.95 * benchRate} {
		b.Run(fmt.Sprintf("fleet-rate=%g", rate), func(b *testing.B) {
			concurrency := 0
			for range b.N {
				srv.ResetCallStats()
				start := time.Now()
				p, err := backup.PlanChanges(ctx, sp, fleet(true, rate), func(o *backup.PlanOptions) {
					o.Now = srv.Now
					concurrency = o.Concurrency
				})
				wall := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if p.HasChanges() || len(p.Checks) > 0 {
					b.Fatalf("plan of a converged organization is not empty:\n%s", planText(p))
				}
				if concurrency <= 0 {
					concurrency = 16 // PlanOptions.Concurrency's default
				}
				total, throttled, workloadCalls := 0, 0, 0
				perKey := map[string]int{}
				for _, st := range srv.CallStats() {
					total += st.Calls
					throttled += st.Throttled
					perKey[st.Account+" "+st.Service+" "+quotaRegion(st.Service, st.Region)] += st.Calls
					if workload[st.Account] {
						workloadCalls += st.Calls
					}
				}
				busiestKey, busiest := "", 0
				for k, c := range perKey {
					if c > busiest || c == busiest && k < busiestKey {
						busiestKey, busiest = k, c
					}
				}
				idealParallel := time.Duration(total) * benchLatency / time.Duration(concurrency)
				idealRate := time.Duration(float64(busiest) / benchRate * float64(time.Second))
				ideal := max(idealParallel, idealRate)
				ratio := wall.Seconds() / ideal.Seconds()
				b.ReportMetric(wall.Seconds(), "wall-s")
				b.ReportMetric(float64(total), "calls")
				b.ReportMetric(float64(workloadCalls)/float64(2*n), "calls/account-region")
				b.ReportMetric(float64(busiest), "busiest-calls")
				b.ReportMetric(ideal.Seconds(), "ideal-s")
				b.ReportMetric(ratio, "ratio")
				b.ReportMetric(float64(throttled), "throttled")
				b.Logf("wall %v, %d calls (%.1f per workload account-region), busiest %s with %d calls, ideal max(%v, %v) = %v, ratio %.2f, %d throttled",
					wall.Round(time.Millisecond), total, float64(workloadCalls)/float64(2*n), busiestKey, busiest, idealParallel.Round(time.Millisecond), idealRate.Round(time.Millisecond), ideal.Round(time.Millisecond), ratio, throttled)
				// A throttled attempt is retried; with a cap under the
				// service's rate there should be none.
				if rate > 0 && throttled > 0 {
					b.Errorf("%d calls were throttled", throttled)
				}
			}
		})
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
