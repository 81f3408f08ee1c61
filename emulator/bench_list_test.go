//go:build unix

package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/backupwire"
)

// BenchmarkCollectJobs collects what a report reads through the emulator
// over HTTP with the real SDK client, its paginators and the lean list
// decoder the report's clients use (one backupwire.Lists): every backup job
// of the organization in a 30-day window (ListBackupJobs with ByAccountId
// "*" and ByCreatedAfter/Before, pages of 1,000) as the central backup
// account, a delegated administrator for AWS Backup, then the recovery
// points of each account's vault (ListRecoveryPointsByBackupVault, pages
// of 1,000) as that account. The organization has one workload account per
// 1,000 jobs, 10 volumes each; one job in 10 left a recovery point. The
// jobs are stored directly, not run. It reports the process CPU time
// (client, server and GC) and the bytes allocated per million jobs, then
// the same for the emulator alone: the requests of the first collection
// replayed straight into Server.ServeHTTP, without client or network.
//
// The 1,000,000-job case runs only with ORGBACKUP_BENCH_LARGE=1.
func BenchmarkCollectJobs(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			if n > 100_000 && os.Getenv("ORGBACKUP_BENCH_LARGE") != "1" {
				b.Skip("set ORGBACKUP_BENCH_LARGE=1 to collect 1,000,000 jobs")
			}
			benchCollectJobs(b, n)
		})
	}
}

func benchCollectJobs(b *testing.B, n int) {
	ctx := context.Background()
	const region = "us-east-1"
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	window := 30 * 24 * time.Hour
	org := &emulator.Organization{ManagementAccount: emulator.ManagementAccountID, Units: []emulator.Unit{
		{ID: "ou-root-security", Name: "Security", Accounts: []emulator.Account{{ID: scnCentral}}},
		{ID: "ou-root-workloads", Name: "Workloads"},
	}}
	var accounts []string
	for i := 0; i < max(1, n/1000); i++ {
		id := fmt.Sprintf("%012d", 400000000000+i)
		accounts = append(accounts, id)
		org.Units[1].Accounts = append(org.Units[1].Accounts, emulator.Account{ID: id})
	}
	srv := emulator.NewServer(emulator.WithOrganization(org), func(o *emulator.Options) { o.Start = start.Add(window) })
	b.Cleanup(srv.Close)
	mgmt := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, region))
	if _, err := mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		b.Fatalf("EnableAWSServiceAccess: %v", err)
	}
	if _, err := mgmt.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(scnCentral), ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		b.Fatalf("RegisterDelegatedAdministrator: %v", err)
	}
	rec := &recordingTransport{}
	config := func(account string) aws.Config {
		cfg := srv.Config(account, region)
		cfg.HTTPClient = &http.Client{Transport: rec}
		return cfg
	}
	lists := backupwire.NewLists()
	clients := make([]*awsbackup.Client, len(accounts))
	for i, account := range accounts {
		clients[i] = awsbackup.NewFromConfig(config(account), lists.Option)
		if _, err := clients[i].CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
			b.Fatalf("CreateBackupVault in %s: %v", account, err)
		}
	}
	rps, err := emulator.SeedBackupJobs(srv, region, accounts, 10, n, 10, start, window)
	if err != nil {
		b.Fatalf("seeding jobs: %v", err)
	}
	central := awsbackup.NewFromConfig(config(scnCentral), lists.Option)

	collect := func() (jobs, points, pages int) {
		p := awsbackup.NewListBackupJobsPaginator(central, &awsbackup.ListBackupJobsInput{
			ByAccountId:     aws.String("*"),
			ByCreatedAfter:  aws.Time(start.Add(-time.Second)),
			ByCreatedBefore: aws.Time(start.Add(window + time.Second)),
			MaxResults:      aws.Int32(1000),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				b.Fatalf("ListBackupJobs: %v", err)
			}
			jobs += len(page.BackupJobs)
			pages++
		}
		for _, c := range clients {
			p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(c, &awsbackup.ListRecoveryPointsByBackupVaultInput{
				BackupVaultName: aws.String("local"),
				MaxResults:      aws.Int32(1000),
			})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					b.Fatalf("ListRecoveryPointsByBackupVault: %v", err)
				}
				points += len(page.RecoveryPoints)
				pages++
			}
		}
		return jobs, points, pages
	}

	rec.reset(true)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := benchCPUTime(b)
	b.ResetTimer()
	var pages int
	for i := 0; i < b.N; i++ {
		jobs, points, p := collect()
		if jobs != n || points != rps {
			b.Fatalf("collected %d jobs and %d recovery points, want %d and %d", jobs, points, n, rps)
		}
		pages = p
		rec.reset(false)
	}
	b.StopTimer()
	cpu := benchCPUTime(b) - cpu0
	runtime.ReadMemStats(&after)
	perMillion := 1e6 / float64(n*b.N)
	b.ReportMetric(cpu.Seconds()*perMillion, "cpu-s/Mjobs")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)*perMillion/1e6, "alloc-MB/Mjobs")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/job")
	b.ReportMetric(float64(pages), "pages/op")

	// The emulator alone: the first collection's requests again.
	if len(rec.reqs) != pages {
		b.Fatalf("recorded %d requests, want %d", len(rec.reqs), pages)
	}
	w := &discardWriter{header: http.Header{}}
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 = benchCPUTime(b)
	for _, r := range rec.reqs {
		req, err := http.NewRequest(r.method, r.url, http.NoBody)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = r.header
		clear(w.header)
		w.status = http.StatusOK
		srv.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("replaying %s %s: status %d", r.method, r.url, w.status)
		}
	}
	cpu = benchCPUTime(b) - cpu0
	runtime.ReadMemStats(&after)
	b.ReportMetric(cpu.Seconds()*1e6/float64(n), "emulator-cpu-s/Mjobs")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n), "emulator-alloc-MB/Mjobs")
	b.ReportMetric(float64(rps), "points/op")
}

// recordingTransport sends requests over the default transport and, while
// on, records them for replay.
type recordingTransport struct {
	mu   sync.Mutex
	on   bool
	reqs []recordedRequest
}

type recordedRequest struct {
	method, url string
	header      http.Header
}

func (t *recordingTransport) reset(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.on = on
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	if t.on && r.Method == http.MethodGet {
		t.reqs = append(t.reqs, recordedRequest{r.Method, r.URL.String(), r.Header.Clone()})
	}
	t.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// discardWriter is an http.ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
