package emulator_test

import (
	"context"
	"net"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestServerConstructors checks the httptest-style constructors: a server
// started on a listener of the caller's, one served by any http.Server as
// a handler, and Start refusing a second start.
func TestServerConstructors(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := emulator.NewUnstartedServer()
	if started.URL != "" {
		t.Errorf("unstarted server has URL %q", started.URL)
	}
	started.Listener = l
	started.Start()
	t.Cleanup(started.Close)
	if want := "http://" + l.Addr().String(); started.URL != want {
		t.Errorf("URL %q, want the listener's %q", started.URL, want)
	}

	handler := emulator.NewUnstartedServer()
	hs := httptest.NewServer(handler)
	t.Cleanup(hs.Close)

	ctx := context.Background()
	for name, url := range map[string]string{"own listener": started.URL, "as a handler": hs.URL} {
		cfg := started.Config("333333333333", "us-east-1")
		cfg.BaseEndpoint = &url
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || out.Account == nil || *out.Account != "333333333333" {
			t.Errorf("%s: GetCallerIdentity = %v, %v", name, out, err)
		}
	}

	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "already started") {
			t.Errorf("second Start: recovered %v, want a panic saying the server already started", r)
		}
	}()
	started.Start()
}

// TestConfigReusesConnections checks that the configs Config returns keep
// a fan-out's connections open: a second burst of 32 concurrent calls
// reuses the connections of the first instead of dialling again (with
// http.DefaultTransport's two idle connections per host, about 30 dial).
// A latency keeps the calls of a burst in flight together; under the race
// detector and a loaded machine not all 32 may overlap, so the test asks
// for half.
func TestConfigReusesConnections(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	srv.AddFault(emulator.Fault{Latency: 200 * time.Millisecond})
	client := sts.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	burst := func() (reused int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
					if i.Reused {
						mu.Lock()
						reused++
						mu.Unlock()
					}
				}})
				if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		return reused
	}
	burst()
	if reused := burst(); reused < 16 {
		t.Errorf("second burst reused %d connections for 32 calls; the client keeps too few idle connections", reused)
	}
}
