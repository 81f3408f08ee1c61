package crossaccount_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// limitWatch follows the copy jobs running per account through the
// progress events and remembers the most seen at once.
type limitWatch struct {
	mu      sync.Mutex
	running map[string]int
	most    int
	events  map[crossaccount.EventKind]int
}

func newLimitWatch() *limitWatch {
	return &limitWatch{running: map[string]int{}, events: map[crossaccount.EventKind]int{}}
}

func (l *limitWatch) event(e crossaccount.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[e.Kind]++
	switch {
	case e.Kind == crossaccount.EventStarted:
		l.running[e.Account]++
		l.most = max(l.most, l.running[e.Account])
	case e.Kind == crossaccount.EventCompleted, e.Kind == crossaccount.EventFailed:
		l.running[e.Account]--
	}
}

func TestCopierBackfill(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 20, 50)
	const limit = 5
	watch := newLimitWatch()
	c := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.MaxRunning = limit
		o.Progress = watch.event
	})
	start := w.srv.Now()
	rep, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := rep.Count(crossaccount.CopyCopied); got != 1000 || !rep.Protected() {
		t.Fatalf("copied %d of %d, protected %v; want 1000, true", got, len(rep.Results), rep.Protected())
	}
	if n := len(w.recoveryPoints(t, cwCentral, cwRegion, "central")); n != 1000 {
		t.Errorf("central vault holds %d recovery points, want 1000", n)
	}
	if d := duplicates(w.copyJobs(t)); len(d) > 0 {
		t.Errorf("duplicate copy jobs: %v", d)
	}
	if watch.most != limit {
		t.Errorf("most copy jobs running at once in one account = %d, want %d", watch.most, limit)
	}
	if diff := cmp.Diff(map[crossaccount.EventKind]int{crossaccount.EventStarted: 1000, crossaccount.EventCompleted: 1000}, watch.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// 50 copies per account, 5 at a time, an hour each: 10 hours.
	if span := w.srv.Now().Sub(start); span < 10*time.Hour || span > 11*time.Hour {
		t.Errorf("virtual makespan %v, want 10h to 11h", span)
	}

	// A second run finds everything copied and starts nothing.
	rep2, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), w.virtual).Run(context.Background())
	if err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if got := rep2.Count(crossaccount.CopyAlreadyCopied); got != 1000 || rep2.Calls["StartCopyJob"] != 0 {
		t.Errorf("second run: %d already copied, %d StartCopyJob calls; want 1000, 0", got, rep2.Calls["StartCopyJob"])
	}
}

func TestCopierDryRun(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 3)
	rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.DryRun = true
	}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := rep.Count(crossaccount.CopyWouldCopy); got != 6 || rep.Protected() {
		t.Errorf("dry run: %d would copy, protected %v; want 6, false", got, rep.Protected())
	}
	if jobs := w.copyJobs(t); len(jobs) != 0 {
		t.Errorf("dry run started %d copy jobs", len(jobs))
	}
}

// TestCopierResumeAfterKill cancels runs at random moments, real and
// virtual, and runs again until everything is copied: no recovery point
// may ever get a second copy job.
func TestCopierResumeAfterKill(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 6, 20)
	w.srv.SetJobDurations(emulator.JobDurations{Copy: 10 * time.Minute})
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 7))
	routes := w.routes(centralARN(cwRegion))
	var kills int
	for run := 0; ; run++ {
		if run == 1000 {
			t.Fatal("not protected after 1000 runs")
		}
		ctx, cancel := context.WithCancel(context.Background())
		// Cancel after a random number of waits or, every other run, a
		// random real time, whichever comes first.
		sleeps := rnd.IntN(10)
		delay := time.Hour
		if run%2 == 0 {
			delay = time.Duration(rnd.IntN(60000)) * time.Microsecond
		}
		timer := time.AfterFunc(delay, cancel)
		rep, err := crossaccount.NewCopier(direct{w.srv}, routes, func(o *crossaccount.CopyOptions) {
			w.virtual(o)
			o.MaxRunning = 3
			o.Concurrency = 4
			inner := o.Sleep
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				if sleeps == 0 {
					cancel()
					return context.Canceled
				}
				sleeps--
				return inner(ctx, d)
			}
		}).Run(ctx)
		timer.Stop()
		cancel()
		if err == nil && rep.Protected() {
			if got := rep.Count(crossaccount.CopyCopied) + rep.Count(crossaccount.CopyAlreadyCopied); got != 120 {
				t.Fatalf("final run: %d copied, want 120", got)
			}
			break
		}
		kills++
		if d := duplicates(w.copyJobs(t)); len(d) > 0 {
			t.Fatalf("after %d killed runs: duplicate copy jobs: %v", kills, d)
		}
	}
	if kills < 3 {
		t.Errorf("only %d runs were killed; the test did not exercise resumption", kills)
	}
	jobs := w.copyJobs(t)
	if len(jobs) != 120 {
		t.Errorf("copy jobs for %d recovery points, want 120", len(jobs))
	}
	for k, js := range jobs {
		if len(js) != 1 || js[0].State != backuptypes.CopyJobStateCompleted {
			t.Errorf("%s: %d jobs, first %s; want one completed", k, len(js), js[0].State)
		}
	}
	if n := len(w.recoveryPoints(t, cwCentral, cwRegion, "central")); n != 120 {
		t.Errorf("central vault holds %d recovery points, want 120", n)
	}
}

func TestCopierDeniedIsPermanent(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2)
	allowed, denied := w.accounts[0], w.accounts[1]
	w.vault(t, cwCentral, cwRegion, "restricted",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+allowed+`:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`)
	dest := "arn:aws:backup:" + cwRegion + ":" + cwCentral + ":backup-vault:restricted"
	var failed []crossaccount.Event
	rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(dest), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.Progress = func(e crossaccount.Event) {
			if e.Kind == crossaccount.EventFailed {
				failed = append(failed, e)
			}
		}
	}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Protected() {
		t.Error("Protected() = true with denied copies")
	}
	for _, res := range rep.Results {
		switch res.Route.Account {
		case allowed:
			if res.Outcome != crossaccount.CopyCopied {
				t.Errorf("%s: outcome %s (%s), want copied", res.RecoveryPointARN, res.Outcome, res.Reason)
			}
		case denied:
			if res.Outcome != crossaccount.CopyFailed || res.Attempts != 1 ||
				res.Reason != "Access Denied trying to call AWS Backup service" || !strings.Contains(res.Fix, "access policy") {
				t.Errorf("denied %s: outcome %s after %d attempts, reason %q, fix %q; want failed after 1 with the access policy fix",
					res.RecoveryPointARN, res.Outcome, res.Attempts, res.Reason, res.Fix)
			}
		}
	}
	if len(failed) != 2 || failed[0].Retry || failed[0].Fix == "" {
		t.Errorf("failure events %+v, want 2 permanent ones with a fix", failed)
	}
}

func TestCopierThrottled(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 4, 15)
	w.srv.AddFault(emulator.Fault{Service: "backup", RatePerSecond: 5, Burst: 2})
	fleet := crossaccount.NewFleet(w.srv.Config(emulator.ManagementAccountID, cwRegion), func(o *crossaccount.Options) {
		o.RatePerSecond = -1 // let the emulator do the throttling
		o.MaxAttempts = 10
	})
	rep, err := crossaccount.NewCopier(fleet, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.MaxRunning = 20
	}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	throttled := 0
	for _, s := range w.srv.CallStats() {
		throttled += s.Throttled
	}
	if throttled == 0 {
		t.Fatal("no call was throttled; the fault did not apply")
	}
	if got := rep.Count(crossaccount.CopyCopied); got != 60 || !rep.Protected() {
		t.Errorf("copied %d of 60 under throttling (%d throttled calls)", got, throttled)
	}
	if d := duplicates(w.copyJobs(t)); len(d) > 0 {
		t.Errorf("duplicate copy jobs: %v", d)
	}
}

func TestCopierSkipsColdRecoveryPoints(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 1, 2)
	a := w.accounts[0]
	cold := w.srv.AddResource(a, cwRegion, emulator.EBSVolume, "vol-0cold", nil, 1<<30)
	w.backupNow(t, a, cold, &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(100), OptInToArchiveForSupportedResources: aws.Bool(true)})
	w.srv.Advance(48 * time.Hour)
	var skipped []crossaccount.Event
	rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.Progress = func(e crossaccount.Event) {
			if e.Kind == crossaccount.EventSkipped {
				skipped = append(skipped, e)
			}
		}
	}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := map[crossaccount.CopyOutcome]int{}
	for _, res := range rep.Results {
		got[res.Outcome]++
		if res.ResourceARN == cold && (res.Outcome != crossaccount.CopySkipped || !strings.Contains(res.Reason, "cold storage")) {
			t.Errorf("cold recovery point: outcome %s, reason %q; want skipped for cold storage", res.Outcome, res.Reason)
		}
	}
	if diff := cmp.Diff(map[crossaccount.CopyOutcome]int{crossaccount.CopyCopied: 2, crossaccount.CopySkipped: 1}, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "cold storage") {
		t.Errorf("skip events %+v, want one for cold storage", skipped)
	}
	for k := range w.copyJobs(t) {
		if strings.Contains(k, "vol-0cold") {
			t.Errorf("copy job started for the cold recovery point: %s", k)
		}
	}
}

func TestCopierFilters(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2)
	cut := w.srv.Now()
	w.srv.Advance(time.Hour)
	late := w.srv.AddResource(w.accounts[0], cwRegion, emulator.EBSVolume, "vol-0late", nil, 1<<30)
	w.backupNow(t, w.accounts[0], late, nil)
	w.srv.Advance(time.Hour)
	for _, tc := range []struct {
		name   string
		filter crossaccount.CopyFilter
		want   int
	}{
		{"all", crossaccount.CopyFilter{}, 5},
		{"created after", crossaccount.CopyFilter{CreatedAfter: cut}, 1},
		{"created before", crossaccount.CopyFilter{CreatedBefore: cut}, 4},
		{"resource type", crossaccount.CopyFilter{ResourceTypes: []string{"EFS"}}, 0},
		{"resource types", crossaccount.CopyFilter{ResourceTypes: []string{"EFS", "EBS"}}, 5},
	} {
		rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
			w.virtual(o)
			o.DryRun = true
			o.Filter = tc.filter
		}).Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(rep.Results) != tc.want {
			t.Errorf("%s: %d recovery points, want %d", tc.name, len(rep.Results), tc.want)
		}
	}
}

func TestCopierCentralToSecondary(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2)
	if _, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), w.virtual).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Central to the DR region, only the first account's resources.
	route := crossaccount.CopyRoute{Account: cwCentral, Region: cwRegion, Vault: "central", RoleARN: "arn:aws:iam::" + cwCentral + ":role/BackupRole",
		DestinationVaultARN: centralARN(cwDR), ResourceAccounts: []string{w.accounts[0]}}
	rep, err := crossaccount.NewCopier(direct{w.srv}, []crossaccount.CopyRoute{route}, w.virtual).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Count(crossaccount.CopyCopied); got != 2 || len(rep.Results) != 2 {
		t.Errorf("copied %d of %d to the DR region, want 2 of 2", got, len(rep.Results))
	}
	if n := len(w.recoveryPoints(t, cwCentral, cwDR, "central")); n != 2 {
		t.Errorf("DR vault holds %d recovery points, want 2", n)
	}
}

// TestCopierSeesPlanCopiesElsewhere copies the local vaults to the
// central vault, then starts slow copies from the local vaults to the DR
// region's central vault, as a backup plan's second copy action does, in
// the workload accounts. The route from the central vault to the DR
// region, run while those copies run, starts no copy of its own when it
// looks through the monitoring account, and waits for theirs; without a
// monitoring account it cannot see them and copies every backup twice.
func TestCopierSeesPlanCopiesElsewhere(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		monitoring              string
		wantStarts, wantHeld    int
		wantDR                  int
		wantDuplicatesInDRVault bool
	}{
		"through the management account": {monitoring: emulator.ManagementAccountID, wantStarts: 0, wantHeld: 4, wantDR: 4},
		"without a monitoring account":   {wantStarts: 4, wantHeld: 0, wantDR: 8, wantDuplicatesInDRVault: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newCopyWorld(t, 2, 2)
			ctx := context.Background()
			if rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), w.virtual).Run(ctx); err != nil || rep.Count(crossaccount.CopyCopied) != 4 {
				t.Fatalf("copying to the central vault: %v, %d copied; want 4", err, rep.Count(crossaccount.CopyCopied))
			}
			w.srv.SetJobDurations(emulator.JobDurations{Copy: 6 * time.Hour})
			if n := w.startCopies(t, centralARN(cwDR)); n != 4 {
				t.Fatalf("started %d plan copies, want 4", n)
			}
			w.srv.Advance(time.Hour) // the plan's copies run
			route := crossaccount.CopyRoute{Account: cwCentral, Region: cwRegion, Vault: "central", RoleARN: "arn:aws:iam::" + cwCentral + ":role/BackupRole",
				DestinationVaultARN: centralARN(cwDR), ResourceAccounts: w.accounts,
				MonitoringAccount: tc.monitoring, MonitoringRegions: []string{cwRegion}}
			start := w.srv.Now()
			rep, err := crossaccount.NewCopier(direct{w.srv}, []crossaccount.CopyRoute{route}, w.virtual).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, held := rep.Calls["StartCopyJob"], rep.Count(crossaccount.CopyAlreadyCopied); got != tc.wantStarts || held != tc.wantHeld || !rep.Protected() {
				t.Errorf("StartCopyJob calls %d, already copied %d, protected %v; want %d, %d, true", got, held, rep.Protected(), tc.wantStarts, tc.wantHeld)
			}
			if tc.monitoring != "" {
				// The run waited for the plan's copies.
				if span := w.srv.Now().Sub(start); span < 5*time.Hour {
					t.Errorf("the run ended %v after it started, before the plan's copies completed", span)
				}
			}
			w.srv.Advance(12 * time.Hour) // everything completes
			if n := len(w.recoveryPoints(t, cwCentral, cwDR, "central")); n != tc.wantDR {
				t.Errorf("DR vault holds %d recovery points, want %d", n, tc.wantDR)
			}
			if d := w.sameBackups(t, cwCentral, cwDR, "central"); (len(d) > 0) != tc.wantDuplicatesInDRVault {
				t.Errorf("backups held twice in the DR vault: %v, want some: %v", d, tc.wantDuplicatesInDRVault)
			}
		})
	}
}

// TestCopierHeldFromAnyVault copies every recovery point to the central
// vault and, from the local vaults, to the DR region's, as backup plans
// do; then the route from the central vault to the DR region finds every
// backup there already, though copied from another vault, and copies only
// a backup the DR region lacks.
func TestCopierHeldFromAnyVault(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2)
	ctx := context.Background()
	for _, dest := range []string{centralARN(cwRegion), centralARN(cwDR)} {
		if rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(dest), w.virtual).Run(ctx); err != nil || rep.Count(crossaccount.CopyCopied) != 4 {
			t.Fatalf("copying to %s: %v, %d copied; want 4", dest, err, rep.Count(crossaccount.CopyCopied))
		}
	}
	secondary := []crossaccount.CopyRoute{{Account: cwCentral, Region: cwRegion, Vault: "central", RoleARN: "arn:aws:iam::" + cwCentral + ":role/BackupRole",
		DestinationVaultARN: centralARN(cwDR), ResourceAccounts: w.accounts}}
	rep, err := crossaccount.NewCopier(direct{w.srv}, secondary, w.virtual).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Count(crossaccount.CopyAlreadyCopied); got != 4 || rep.Calls["StartCopyJob"] != 0 {
		t.Errorf("central to DR: %d of %d already copied, %d StartCopyJob calls; want 4 of 4, none", got, len(rep.Results), rep.Calls["StartCopyJob"])
	}

	// A new backup reaches the central vault only: the DR region lacks
	// it, and a backup of the same resource at another time is no copy
	// of it.
	w.backupNow(t, w.accounts[0], w.resources[w.accounts[0]][0], nil)
	w.srv.Advance(time.Hour)
	if rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), w.virtual).Run(ctx); err != nil || rep.Count(crossaccount.CopyCopied) != 1 {
		t.Fatalf("copying the new backup to the central vault: %v, %d copied; want 1", err, rep.Count(crossaccount.CopyCopied))
	}
	rep, err = crossaccount.NewCopier(direct{w.srv}, secondary, w.virtual).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if copied, held := rep.Count(crossaccount.CopyCopied), rep.Count(crossaccount.CopyAlreadyCopied); copied != 1 || held != 4 {
		t.Errorf("central to DR after a new backup: %d copied, %d already copied; want 1, 4", copied, held)
	}
	if n := len(w.recoveryPoints(t, cwCentral, cwDR, "central")); n != 5 {
		t.Errorf("DR vault holds %d recovery points, want 5 (each backup once)", n)
	}
}

func TestClassifyCopyFailure(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		msg             string
		permanent, skip bool
	}{
		"vault policy":       {"Access Denied trying to call AWS Backup service", true, false},
		"cross-account off":  {"Copy job failed. Cross-account backup is not enabled for the organization.", true, false},
		"organization":       {"Copy job failed. Both source and destination account must be a member of the same organization", true, false},
		"key":                {"The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it: x.", true, false},
		"missing vault":      {"Backup vault central does not exist in account 222222222222 and region us-east-1.", true, false},
		"lock":               {"The retention period of 3 days is shorter than the minimum retention of 7 days that the Vault Lock of backup vault central requires.", true, false},
		"cold":               {"Recovery point arn:x is in cold storage and cannot be copied.", false, true},
		"deleted":            {"Recovery point arn:x was deleted during the copy.", false, true},
		"unknown is retried": {"An internal error occurred.", false, false},
	} {
		got := crossaccount.ClassifyCopyFailure(tc.msg)
		if got.Permanent != tc.permanent || got.Skip != tc.skip || (got.Permanent && got.Fix == "") {
			t.Errorf("%s: ClassifyCopyFailure(%q) = %+v, want permanent %v skip %v with a fix when permanent", name, tc.msg, got, tc.permanent, tc.skip)
		}
	}
}
