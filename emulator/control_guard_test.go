package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestControlRefusesWebPages checks that the control API refuses what a
// web page could send it: a request from another origin, and one reaching
// it under a foreign host name (DNS rebinding); loopback requests work.
func TestControlRefusesWebPages(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	for _, tc := range []struct {
		name, host, origin string
		want               int
	}{
		{"loopback", "127.0.0.1:4577", "", http.StatusOK},
		{"localhost with its own origin", "localhost:4577", "http://localhost:4577", http.StatusOK},
		{"another origin", "127.0.0.1:4577", "https://evil.example", http.StatusForbidden},
		{"rebound host", "evil.example:4577", "", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodPost, "http://"+tc.host+"/_orgbackup/clock/advance", strings.NewReader(`{"duration":"1h"}`))
		req.Host = tc.host
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.want, rec.Body.String())
		}
	}
}
