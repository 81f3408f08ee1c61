package emulator_test

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

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
