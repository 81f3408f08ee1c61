package main

import (
	"context"
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
