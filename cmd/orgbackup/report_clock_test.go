package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

// TestCommandClock checks where report and remediate take their time
// from: the in-process emulator, a served emulator's control API, or the
// host when the endpoint is not an emulator or there is none.
func TestCommandClock(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	srv.Advance(14 * 24 * time.Hour)
	notEmulator := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notEmulator.Close)
	ctx := context.Background()
	endpointEnv := func(ep string) *env {
		return &env{getenv: func(k string) string {
			if k == "AWS_ENDPOINT_URL" {
				return ep
			}
			return ""
		}}
	}
	inProcess := &session{srv: srv}
	tests := map[string]struct {
		e       *env
		s       *session
		virtual bool
	}{
		"--emulator":               {endpointEnv(""), inProcess, true},
		"served emulator":          {endpointEnv(srv.URL), &session{}, true},
		"endpoint, not emulator":   {endpointEnv(notEmulator.URL), &session{}, false},
		"no endpoint (AWS itself)": {endpointEnv(""), &session{}, false},
	}
	for name, tc := range tests {
		got := commandClock(ctx, tc.e, tc.s)()
		if tc.virtual != got.Equal(srv.Now()) {
			t.Errorf("%s: clock says %s; the emulator's is %s (want it: %v)", name, got, srv.Now(), tc.virtual)
		}
		if !tc.virtual && time.Since(got) > time.Minute {
			t.Errorf("%s: clock says %s, not the host's time", name, got)
		}
	}
	// The served emulator's clock is read at each call.
	clock := commandClock(ctx, endpointEnv(srv.URL), &session{})
	srv.Advance(time.Hour)
	if got := clock(); !got.Equal(srv.Now()) {
		t.Errorf("after an advance the clock says %s, want %s", got, srv.Now())
	}
}

// TestReportServedEmulatorClock runs report against a served emulator
// (AWS_ENDPOINT_URL, no --emulator): its window ends at the emulator's
// time, so a simulation's report judges emulated days.
func TestReportServedEmulatorClock(t *testing.T) {
	sp, err := spec.Load("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer(func(o *emulator.Options) {
		o.Organization = emuspec.For(sp)
		o.MemberRole = sp.Organization.ExecutionRole
	})
	t.Cleanup(srv.Close)
	srv.Advance(14 * 24 * time.Hour)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", sp.Organization.ManagementAccount)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(context.Background(), e, []string{"report", "--spec", "../../examples/central-backup/backup.yaml", "--format", "json", "--days", "3",
		"--monitoring-account", sp.Organization.ManagementAccount, "--detailed-exitcode"})
	if code != 2 {
		t.Fatalf("report exit %d, want 2 (nothing applied: not compliant); stderr:\n%s", code, stderr.String())
	}
	rep, err := report.ReadJSON(&stdout)
	if err != nil {
		t.Fatalf("stdout is not a report: %v", err)
	}
	if !rep.GeneratedAt.Equal(srv.Now()) || !rep.Window.End.Equal(srv.Now()) {
		t.Errorf("report generated at %s, window ending %s; want the emulator's time %s", rep.GeneratedAt, rep.Window.End, srv.Now())
	}
	// --upload writes under the report's day (report.Upload).
	if key := report.ObjectKey(rep.GeneratedAt, "orgbackup-report", "json"); key != "orgbackup/reports/2026/01/15/orgbackup-report.json" {
		t.Errorf("upload key %s is not under the emulator's day", key)
	}
}
