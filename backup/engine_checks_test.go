package backup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/internal/emutest"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestConsistencyChecks makes each consistency check fire on the
// misconfiguration it guards against, and checks that Apply refuses the
// plan before any mutating call.
func TestConsistencyChecks(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		// converged, when set, converges baseSpec first.
		converged bool
		// setup changes the live organization before planning.
		setup       func(t *testing.T, srv *emulator.Server)
		edit        []string
		wantCode    string
		wantAddress string
	}{
		"unknown target": {
			edit:     []string{"  development: {targets: [Development]}", "  development: {targets: [Developmnet]}"},
			wantCode: "target-not-in-organization", wantAddress: "tiers.development",
		},
		"account unreachable": {
			setup: func(t *testing.T, srv *emulator.Server) {
				emutest.DeleteRole(t, srv.Config("555555555555", "us-east-1"), emulator.DefaultMemberRole)
			},
			wantCode: "account-unreachable", wantAddress: "555555555555",
		},
		"policy reaches the backup account": {
			edit:     []string{"  production: {targets: [Production]}", "  production: {targets: [Production, Security]}"},
			wantCode: "policy-target-without-vault", wantAddress: "222222222222",
		},
		"root target reaches the management account": {
			edit:     []string{"  development: {targets: [Development]}", "  development: {targets: [r-root]}"},
			wantCode: "policy-target-without-vault", wantAddress: "111111111111",
		},
		"central retention outside an immutable lock": {
			converged: true,
			setup: func(t *testing.T, srv *emulator.Server) {
				// Past the 30-day grace period the compliance lock
				// (1..3650 days) can never change again.
				srv.Advance(31 * 24 * time.Hour)
			},
			// The spec's own lock would admit 5000 days, the live one not.
			edit: []string{
				"max_retention: 3650d", "max_retention: 36500d",
				"  production: {targets: [Production]}", "  production: {targets: [Production], central_retention: 5000d}",
			},
			wantCode: "central-retention-outside-lock", wantAddress: "tiers.production",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newSpecOrg(t, parseSpec(t, baseSpec))
			if tc.converged {
				org.converge(t)
			}
			if tc.setup != nil {
				tc.setup(t, org.srv)
			}
			org.respec(t, editSpec(t, baseSpec, tc.edit...))
			p := org.plan(t)
			found := false
			for _, c := range p.Checks {
				if c.Code == tc.wantCode && c.Address == tc.wantAddress {
					found = true
					t.Logf("%s at %s: %s", c.Code, c.Address, c.Message)
				}
			}
			if !found {
				t.Fatalf("no check %s at %s; plan:\n%s", tc.wantCode, tc.wantAddress, planText(p))
			}
			org.srv.ResetCallStats()
			_, err := backup.Apply(context.Background(), org.applyFleet, p, allowAll)
			var refused *backup.RefusedError
			if !errors.As(err, &refused) || len(refused.Checks) == 0 {
				t.Fatalf("Apply of a plan with checks: err = %v, want a RefusedError with checks", err)
			}
			if m := mutatingCalls(org.srv); len(m) > 0 {
				t.Fatalf("refused apply made mutating calls: %v", m)
			}
		})
	}
}

// TestNoChecksOnBaseSpec guards the checks above against firing on a
// sound spec, before and after apply and when the lock is immutable but
// the retention fits.
func TestNoChecksOnBaseSpec(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	org.converge(t)
	org.srv.Advance(31 * 24 * time.Hour)
	org.respec(t, editSpec(t, baseSpec, "max_retention: 3650d", "max_retention: 36500d"))
	p := org.plan(t)
	// The lock cannot change: the plan says so with a check and the way
	// forward, never with a change Apply would always refuse.
	locks := 0
	for _, c := range p.Checks {
		if c.Code != "immutable-vault-lock" {
			t.Errorf("unexpected check %s at %s: %s", c.Code, c.Address, c.Message)
			continue
		}
		locks++
	}
	if locks != 2 || p.HasChanges() {
		t.Fatalf("changing an immutable lock: %d immutable-vault-lock checks, want 2, and no change:\n%s", locks, planText(p))
	}
}
