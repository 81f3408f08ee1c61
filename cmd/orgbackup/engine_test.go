package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
)

// TestSessionClock checks that an emulated session's fleets are not rate
// limited, then applies the seed's spec (a compliance-mode lock with a
// grace period of days) to an emulated session and changes the lock: in
// the emulator's time, the session's plans find the lock still in its
// grace period, as it is; by the wall clock, months after the emulator's
// start, they would find it immutable.
func TestSessionClock(t *testing.T) {
	t.Parallel()
	s := newSimSession(t)
	if got, want := s.clock()(), s.srv.Now(); !got.Equal(want) {
		t.Fatalf("session clock %v, want the emulator's %v", got, want)
	}
	// No client-side rate limit against the in-process emulator.
	for _, f := range []*crossaccount.Fleet{s.fleet, s.newFleet(true)} {
		if r := f.Options().RatePerSecond; r >= 0 {
			t.Errorf("emulated session fleet rate %v per second, want unlimited (negative)", r)
		}
	}
	ctx := context.Background()
	p, err := backup.PlanChanges(ctx, s.spec, s.newFleet(true), s.planOptions)
	if err != nil {
		t.Fatal(err)
	}
	res, err := backup.Apply(ctx, s.fleet, p, func(o *backup.ApplyOptions) {
		o.AcknowledgeIrreversible = true
		o.Now = s.clock()
	})
	if err != nil || res.Err() != nil {
		t.Fatalf("Apply: %v, %v", err, res.Err())
	}
	s.srv.Advance(time.Hour)
	s.spec.Central.Lock.MaxRetention = "3000d"

	lockReasons := func(optFns ...func(*backup.PlanOptions)) string {
		t.Helper()
		p, err := backup.PlanChanges(ctx, s.spec, s.newFleet(true), optFns...)
		if err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, c := range p.Changes {
			if c.Kind == "vault_lock" {
				reasons = append(reasons, c.Reason)
			}
		}
		// An immutable lock cannot change: the plan says so in a check.
		for _, c := range p.Checks {
			if c.Code == "immutable-vault-lock" {
				reasons = append(reasons, c.Message)
			}
		}
		if len(reasons) == 0 {
			t.Fatal("the changed lock is not in the plan")
		}
		return strings.Join(reasons, "\n")
	}
	if r := lockReasons(s.planOptions); strings.Contains(r, "immutable since") || !strings.Contains(r, "it can be changed or removed for 3 days") {
		t.Errorf("in the emulator's time the lock is not in its grace period:\n%s", r)
	}
	if r := lockReasons(); !strings.Contains(r, "immutable since") {
		t.Errorf("by the wall clock the lock is not immutable:\n%s", r)
	}
}

// TestApplyRefusals checks the CLI's apply safety: without a plan file it
// applies nothing nobody approved when not on a terminal, and a plan made
// for one spec is refused under another.
func TestApplyRefusals(t *testing.T) {
	t.Parallel()
	run1 := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader("yes\n"), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		return run(context.Background(), e, args), stderr.String()
	}
	if code, stderr := run1("apply", "--spec", seedSpec, "--emulator"); code != exitProblem || !strings.Contains(stderr, "--auto-approve") {
		t.Errorf("apply without a plan file or --auto-approve: exit %d, %q; want a refusal naming --auto-approve", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "plan.json")
	if code, stderr := run1("plan", "--spec", seedSpec, "--emulator", "--out", out); code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, stderr)
	}
	if code, stderr := run1("apply", out, "--spec", "../../spec/testdata/spec/valid.json", "--emulator"); code != exitProblem || !strings.Contains(stderr, "not for this spec") {
		t.Errorf("apply of another spec's plan: exit %d, %q; want a refusal", code, stderr)
	}
	if code, stderr := run1("apply", out, "--spec", seedSpec, "--emulator", "--acknowledge-irreversible", "--expect-fingerprint", strings.Repeat("0", 64)); code != exitProblem || !strings.Contains(stderr, "not the reviewed") {
		t.Errorf("apply with another expected fingerprint: exit %d, %q; want a refusal", code, stderr)
	}
	if code, stderr := run1("apply", out, "--spec", seedSpec, "--emulator", "--acknowledge-irreversible"); code != exitOK {
		t.Errorf("apply of the fresh plan: exit %d: %s", code, stderr)
	}
}

// TestVersionAndGroupHelp checks --version and that a command group lists
// its commands under --help.
func TestVersionAndGroupHelp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"--version"}, exitOK, "orgbackup "},
		{[]string{"emulator", "--help"}, exitOK, "orgbackup emulator [command]"},
		{[]string{"policy", "--help"}, exitOK, "orgbackup policy [command]"},
	} {
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := run(context.Background(), e, tc.args); code != tc.wantCode || !strings.Contains(stdout.String(), tc.wantOut) {
			t.Errorf("orgbackup %q: exit %d, stdout %q; want %d and %q", tc.args, code, stdout.String(), tc.wantCode, tc.wantOut)
		}
	}
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"emulator", "nope"}); code != exitUsage || !strings.Contains(stderr.String(), "unknown command") {
		t.Errorf("orgbackup emulator nope: exit %d, stderr %q", code, stderr.String())
	}
}
