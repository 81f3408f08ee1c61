package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/spec"
)

// advance moves the emulator's clock by d, a day at a time, starting after
// each day the copies from the central vault to the secondary Region, as
// the Action's daily copy mode does: production can select RDS and Aurora,
// which AWS Backup copies to another account or Region but not both at
// once, so its secondary copies are the copier's (spec.SecondaryFromCentral).
func advance(t testing.TB, srv *emulator.Server, sp *spec.Spec, d time.Duration) {
	t.Helper()
	for d > 0 {
		step := min(d, 24*time.Hour)
		srv.Advance(step)
		d -= step
		copyToSecondary(t, srv, sp)
	}
}

// copyToSecondary starts the copies to the secondary Region without
// moving the clock: the copier stops at its first wait, and the copies
// complete as the test's clock moves on.
func copyToSecondary(t testing.TB, srv *emulator.Server, sp *spec.Spec) {
	t.Helper()
	fleet := crossaccount.NewFleet(srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary), func(o *crossaccount.Options) {
		o.ExecutionRole = sp.Organization.ExecutionRole
		o.ManagementAccount = sp.Organization.ManagementAccount
		o.RatePerSecond = -1
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
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
