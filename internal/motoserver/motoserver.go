// Package motoserver starts moto_server for tests, so that a few
// scenarios run against a second emulator and orgbackup's own emulator
// cannot share a misunderstanding with the library unseen.
package motoserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Account is moto's default account.
const Account = "123456789012"

// Start starts moto_server (a third-party AWS emulator) on a free loopback
// port for the test t and returns its URL; it stops with the test. Without
// moto_server the test is skipped, except under CI=true, where it fails.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is not installed: %v", err)
		}
		t.Skip("moto_server is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// moto knows AWS managed IAM policies only when asked to load them.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not listen on %d: %v\n%s", port, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
