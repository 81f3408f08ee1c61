package crossaccount_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// emulatorSource hands out the emulator's configuration of each account.
type emulatorSource struct{ srv *emulator.Server }

func (s emulatorSource) Config(_ context.Context, account, region string) (aws.Config, error) {
	return s.srv.Config(account, region), nil
}

// TestWatchProgressLines checks the periodic lines of watched work off a
// terminal: the accounts, account-regions and API calls so far, at most
// one line per interval of the (fake) clock, and the last one on Close.
func TestWatchProgressLines(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	src, p := crossaccount.WatchProgress(&b, emulatorSource{srv}, crossaccount.ProgressPrinterOptions{
		Label: "plan", Interval: 10 * time.Second, Now: func() time.Time { return now },
	})
	ctx := context.Background()
	list := func(account, region string) {
		t.Helper()
		cfg, err := src.Config(ctx, account, region)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	list(prod, "us-east-1") // first line at once
	now = now.Add(time.Second)
	list(prod, "us-west-2") // within the interval: no line
	now = now.Add(10 * time.Second)
	list(stage, "us-east-1") // a line as the new account is reached
	p.Close()
	want := "plan: 1 account, 1 account-region, 0 API calls, 0s (at " + prod + "/us-east-1)\n" +
		"plan: 2 accounts, 3 account-regions, 2 API calls, 11s (at " + stage + "/us-east-1)\n" +
		"plan: 2 accounts, 3 account-regions, 3 API calls, 11s (at " + stage + "/us-east-1)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// TestWatchProgressBar checks that on a terminal the bar is redrawn in
// place with the account the work reached, and that a printer that saw
// nothing prints nothing.
func TestWatchProgressBar(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	var b strings.Builder
	src, p := crossaccount.WatchProgress(&b, emulatorSource{srv}, crossaccount.ProgressPrinterOptions{Label: "drift", Bar: true})
	if _, err := src.Config(context.Background(), prod, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if out := b.String(); !strings.Contains(out, "\r\x1b[2Kdrift: 1 account, 1 account-region, 0 API calls") || !strings.Contains(out, "(at "+prod+"/eu-west-1)") || !strings.HasSuffix(out, "\n") {
		t.Errorf("bar output %q", out)
	}
	var quiet strings.Builder
	crossaccount.NewProgressPrinter(&quiet, crossaccount.ProgressPrinterOptions{}).Close()
	if quiet.Len() != 0 {
		t.Errorf("a printer that saw nothing printed %q", quiet.String())
	}
}
