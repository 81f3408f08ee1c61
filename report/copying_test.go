package report_test

import (
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/orgtest"
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
		orgtest.CopyToSecondary(t, srv, sp)
	}
}
