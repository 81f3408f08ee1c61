// Package orgtest deploys a spec to an emulated organization for tests of
// the packages built on the engine (restore testing, recovery, reports).
package orgtest

import (
	"context"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// Fleet returns the organization's clients as the engine uses them,
// assuming sp's execution role from the management account.
func Fleet(srv *emulator.Server, sp *spec.Spec, readOnly bool) *crossaccount.Fleet {
	base := srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
		o.ExecutionRole = sp.Organization.ExecutionRole
		o.ManagementAccount = sp.Organization.ManagementAccount
		o.ReadOnly = readOnly
		o.RatePerSecond = -1
	})
}

// Converge plans sp against srv and applies the plan, destructive changes
// included, failing the test on checks or errors; it returns the plan.
func Converge(t testing.TB, srv *emulator.Server, sp *spec.Spec) *plan.Plan {
	t.Helper()
	ctx := context.Background()
	p, err := backup.PlanChanges(ctx, sp, Fleet(srv, sp, true), func(o *backup.PlanOptions) { o.Now = srv.Now })
	if err != nil {
		t.Fatalf("PlanChanges: %v", err)
	}
	if len(p.Checks) > 0 {
		t.Fatalf("plan has checks: %+v", p.Checks)
	}
	if _, err := backup.Apply(ctx, Fleet(srv, sp, false), p, func(o *backup.ApplyOptions) {
		o.AllowDestructive, o.AcknowledgeIrreversible = true, true
		o.Now = srv.Now
	}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return p
}

// CopyToSecondary starts the copies from the central vault to the
// secondary Region that the daily `orgbackup copy --to secondary` makes
// (a tier that may select RDS-family types gets its secondary copies that
// way: spec.SecondaryFromCentral), without moving the clock: the copier
// stops at its first wait, and the copies complete as the test's clock
// moves on.
func CopyToSecondary(t testing.TB, srv *emulator.Server, sp *spec.Spec) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fleet := Fleet(srv, sp, false)
	topo, err := backup.DiscoverTopology(ctx, sp, fleet)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := backup.CopyRoutes(sp, topo, backup.CopyToSecondary)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = crossaccount.NewCopier(fleet, routes, func(o *crossaccount.CopyOptions) {
		o.Clock = srv.Now
		o.Sleep = func(context.Context, time.Duration) error {
			cancel()
			return context.Canceled
		}
	}).Run(ctx)
}
