package crossaccount_test

import (
	"context"
	"testing"
	"time"

	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

func TestPrefetcher(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.RatePerSecond = -1 })
	accounts := []string{backup, prod, "333333333334", stage, "555555555555"}
	p := crossaccount.NewPrefetcher(ctx, fleet, "us-east-1", 2)
	for _, a := range accounts {
		p.Add(a)
		p.Add(a) // once only
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if n, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "AssumeRole"}); n >= len(accounts) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Close()
	p.Add("999999999999") // after Close: dropped
	for _, a := range accounts {
		if _, err := fleet.Config(ctx, a, "us-west-2"); err != nil {
			t.Fatalf("Config(%s): %v", a, err)
		}
	}
	if n, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "AssumeRole"}); n != len(accounts) {
		t.Errorf("%d AssumeRole calls, want %d: one per account, prefetched and then reused", n, len(accounts))
	}
}

func TestDiscoverOnAccount(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	var seen []string
	topo, err := crossaccount.Discover(context.Background(), awsorgs.NewFromConfig(srv.Config(srv.ManagementAccount(), "us-east-1")), func(o *crossaccount.DiscoverOptions) {
		o.OnAccount = func(id string) { seen = append(seen, id) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 || len(seen) != len(topo.Accounts()) {
		t.Errorf("OnAccount saw %d accounts, the topology has %d", len(seen), len(topo.Accounts()))
	}
}
