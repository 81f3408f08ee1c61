package crossaccount_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestCopierLookback checks which recovery points a run looks at: by
// default those of the last Lookback only, all of them with a negative
// Lookback or an explicit CreatedAfter before them.
func TestCopierLookback(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2) // 4 recovery points, 20 days old below
	old := w.srv.Now().Add(-2 * time.Hour)
	w.srv.Advance(20 * 24 * time.Hour)
	cut := w.srv.Now().Add(-24 * time.Hour)
	fresh := w.srv.AddResource(w.accounts[0], cwRegion, emulator.EBSVolume, "vol-0fresh", nil, 1<<30)
	w.backupNow(t, w.accounts[0], fresh, nil)
	w.srv.Advance(time.Hour)
	for _, tc := range []struct {
		name     string
		lookback time.Duration
		after    time.Time
		want     int
	}{
		{"default", 0, time.Time{}, 1},
		{"longer lookback", 30 * 24 * time.Hour, time.Time{}, 5},
		{"shorter lookback", 30 * time.Minute, time.Time{}, 0},
		{"no lookback", -1, time.Time{}, 5},
		{"explicit after", 0, old, 5},
		{"explicit before", 0, time.Time{}, 4},
	} {
		rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
			w.virtual(o)
			o.DryRun = true
			o.Lookback = tc.lookback
			o.Filter.CreatedAfter = tc.after
			if tc.name == "explicit before" {
				o.Filter.CreatedBefore = cut
			}
		}).Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(rep.Results) != tc.want {
			t.Errorf("%s: %d recovery points, want %d", tc.name, len(rep.Results), tc.want)
		}
	}
}

// TestCopierFindsFailedCopiesPastLookback runs the copier daily, by
// default, while one account's copies are denied, for longer than the
// lookback: its recovery points must be found and tried every day, and
// copied on the first day after the denial is lifted, with no duplicate;
// the other account's recovery points, copied on day 1, are not looked
// at again once older than the lookback.
func TestCopierFindsFailedCopiesPastLookback(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 2)
	allowed, denied := w.accounts[0], w.accounts[1]
	w.vault(t, cwCentral, cwRegion, "restricted",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+allowed+`:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`)
	dest := "arn:aws:backup:" + cwRegion + ":" + cwCentral + ":backup-vault:restricted"
	run := func(day int) *crossaccount.CopyReport {
		t.Helper()
		rep, err := crossaccount.NewCopier(direct{w.srv}, w.routes(dest), w.virtual).Run(context.Background())
		if err != nil {
			t.Fatalf("day %d: Run: %v", day, err)
		}
		return rep
	}
	const days = 20 // past DefaultLookback
	start := w.srv.Now()
	if crossaccount.DefaultLookback >= (days-2)*24*time.Hour {
		t.Fatalf("DefaultLookback %v is too long for %d days", crossaccount.DefaultLookback, days)
	}
	for day := 1; day <= days; day++ {
		rep := run(day)
		byAccount := map[string]map[crossaccount.CopyOutcome]int{}
		for _, res := range rep.Results {
			if byAccount[res.Route.Account] == nil {
				byAccount[res.Route.Account] = map[crossaccount.CopyOutcome]int{}
			}
			byAccount[res.Route.Account][res.Outcome]++
		}
		if got := byAccount[denied][crossaccount.CopyFailed]; got != 2 {
			t.Errorf("day %d: %d of the denied account's recovery points failed, want 2 (%v)", day, got, byAccount)
		}
		// Copied on day 1, then already copied while within the
		// lookback (created an hour before day 1's run), then not
		// looked at: its route has no straggler.
		wantAllowed := 2
		if time.Duration(day-1)*24*time.Hour+time.Hour > crossaccount.DefaultLookback {
			wantAllowed = 0
		}
		if n := len(rep.Results) - byAccount[denied][crossaccount.CopyFailed]; n != wantAllowed {
			t.Errorf("day %d: %d results of the allowed account, want %d", day, n, wantAllowed)
		}
		w.srv.AdvanceTo(start.Add(time.Duration(day) * 24 * time.Hour))
	}
	cwMust[*awsbackup.PutBackupVaultAccessPolicyOutput](t, "PutBackupVaultAccessPolicy")(w.backup(cwCentral, cwRegion).PutBackupVaultAccessPolicy(context.Background(),
		&awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("restricted"), Policy: aws.String(cwOrgPolicy)}))
	rep := run(days + 1)
	copied := 0
	for _, res := range rep.Results {
		if res.Route.Account == denied && res.Outcome == crossaccount.CopyCopied {
			copied++
		}
	}
	if copied != 2 || !rep.Protected() {
		t.Errorf("after the denial was lifted: %d of the denied account's recovery points copied, protected %v; want 2, true", copied, rep.Protected())
	}
	if n := len(w.recoveryPoints(t, cwCentral, cwRegion, "restricted")); n != 4 {
		t.Errorf("restricted vault holds %d recovery points, want 4", n)
	}
	if d := duplicates(w.copyJobs(t)); len(d) > 0 {
		t.Errorf("duplicate copy jobs: %v", d)
	}
}

// TestCopierListsDestinationOnlyWhenNeeded checks that a run lists the
// destination's recovery points only for recovery points without a
// completed copy job, and only back to the oldest of them.
func TestCopierListsDestinationOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	w := newCopyWorld(t, 2, 600) // sources of one page each; a destination of two
	routes := w.routes(centralARN(cwRegion))
	run := func() *crossaccount.CopyReport {
		t.Helper()
		rep, err := crossaccount.NewCopier(direct{w.srv}, routes, func(o *crossaccount.CopyOptions) {
			w.virtual(o)
			o.MaxRunning = 600
		}).Run(context.Background())
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return rep
	}
	for _, tc := range []struct {
		name  string
		setup func()
		// want is the ListRecoveryPointsByBackupVault calls: a page per
		// source, and one per destination page looked at.
		want, copied int
	}{
		{"first run", func() {}, 2 + 2, 1200}, // an empty destination: one page per route
		{"all copied", func() {}, 2, 0},
		{"one new", func() {
			w.srv.Advance(time.Hour)
			w.backupNow(t, w.accounts[0], w.resources[w.accounts[0]][0], nil)
			w.srv.Advance(time.Hour)
		}, 2 + 1, 1},
	} {
		tc.setup()
		rep := run()
		if got := rep.Calls["ListRecoveryPointsByBackupVault"]; got != tc.want {
			t.Errorf("%s: %d ListRecoveryPointsByBackupVault calls, want %d", tc.name, got, tc.want)
		}
		if got := rep.Count(crossaccount.CopyCopied); got != tc.copied || !rep.Protected() {
			t.Errorf("%s: copied %d, protected %v; want %d, true", tc.name, got, rep.Protected(), tc.copied)
		}
	}
	if d := duplicates(w.copyJobs(t)); len(d) > 0 {
		t.Errorf("duplicate copy jobs: %v", d)
	}
}

// TestCopierStartsLargestFirst checks that the copies of one account
// start largest recovery point first, equal sizes by ARN.
func TestCopierStartsLargestFirst(t *testing.T) {
	t.Parallel()
	sizes := []int64{3, 9, 1, 9, 5} // GiB, by resource
	w := newSizedCopyWorld(t, 1, len(sizes), func(_, j int) int64 { return sizes[j] << 30 })
	size := map[string]int64{}
	for _, rp := range w.recoveryPoints(t, w.accounts[0], cwRegion, "local") {
		size[aws.ToString(rp.RecoveryPointArn)] = aws.ToInt64(rp.BackupSizeInBytes) >> 30
	}
	var started []string
	_, err := crossaccount.NewCopier(direct{w.srv}, w.routes(centralARN(cwRegion)), func(o *crossaccount.CopyOptions) {
		w.virtual(o)
		o.MaxRunning = 1
		o.Progress = func(e crossaccount.Event) {
			if e.Kind == crossaccount.EventStarted {
				started = append(started, e.Subject)
			}
		}
	}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var got []int64
	for i, arn := range started {
		got = append(got, size[arn])
		if i > 0 && size[arn] == size[started[i-1]] && arn < started[i-1] {
			t.Errorf("equal sizes started out of ARN order: %s after %s", arn, started[i-1])
		}
	}
	if diff := cmp.Diff([]int64{9, 9, 5, 3, 1}, got); diff != "" {
		t.Errorf("sizes in start order (-want +got):\n%s", diff)
	}
}
