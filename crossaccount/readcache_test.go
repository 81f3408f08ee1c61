package crossaccount_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

func TestReadCache(t *testing.T) {
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config(mgmt, "us-east-1")
	cfg.RetryMaxAttempts = 1
	orgsCalls := func(op string) int {
		n := 0
		for _, st := range srv.CallStats() {
			if st.Operation == op {
				n += st.Calls
			}
		}
		return n
	}

	t.Run("identical concurrent reads are sent once", func(t *testing.T) {
		srv.ResetCallStats()
		// Slow answers make the eight calls overlap.
		srv.AddFault(emulator.Fault{Service: "organizations", Operation: "ListRoots", Latency: 50 * time.Millisecond})
		t.Cleanup(srv.ClearFaults)
		cache := crossaccount.NewReadCache()
		orgs := awsorgs.NewFromConfig(cfg, func(o *awsorgs.Options) { o.APIOptions = append(o.APIOptions, cache.APIOption) })
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				out, err := orgs.ListRoots(context.Background(), &awsorgs.ListRootsInput{})
				if err != nil || len(out.Roots) != 1 {
					t.Errorf("ListRoots: %v, %d roots", err, len(out.Roots))
				}
			})
		}
		wg.Wait()
		if n := orgsCalls("ListRoots"); n != 1 {
			t.Errorf("ListRoots sent %d times, want 1", n)
		}
		// Another input is another question.
		if _, err := orgs.ListRoots(context.Background(), &awsorgs.ListRootsInput{MaxResults: aws.Int32(5)}); err != nil {
			t.Fatal(err)
		}
		if n := orgsCalls("ListRoots"); n != 2 {
			t.Errorf("ListRoots with another input: sent %d times in all, want 2", n)
		}
	})

	t.Run("errors are not kept", func(t *testing.T) {
		srv.ResetCallStats()
		srv.AddFault(emulator.Fault{Service: "organizations", Operation: "DescribeOrganization", FailNext: 1})
		t.Cleanup(srv.ClearFaults)
		cache := crossaccount.NewReadCache()
		orgs := awsorgs.NewFromConfig(cfg, func(o *awsorgs.Options) { o.APIOptions = append(o.APIOptions, cache.APIOption) })
		if _, err := orgs.DescribeOrganization(context.Background(), &awsorgs.DescribeOrganizationInput{}); err == nil {
			t.Fatal("DescribeOrganization: want the injected failure")
		}
		if _, err := orgs.DescribeOrganization(context.Background(), &awsorgs.DescribeOrganizationInput{}); err != nil {
			t.Fatalf("DescribeOrganization after a failure: %v", err)
		}
		if n := orgsCalls("DescribeOrganization"); n != 2 {
			t.Errorf("DescribeOrganization sent %d times, want 2 (the failure must not be cached)", n)
		}
	})
}
