package backup_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
)

// TestCheckFresh checks that a saved plan is refused once it is stale
// (applied already, or the live state moved), when it was made for another
// spec, and when it was edited and resealed; and that a fresh one passes.
func TestCheckFresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	planOpts := func(po *backup.PlanOptions) { po.Now = org.srv.Now }
	p := org.plan(t)
	if err := backup.CheckFresh(ctx, org.sp, org.planFleet, p, planOpts); err != nil {
		t.Fatalf("CheckFresh(fresh plan) = %v", err)
	}

	// Made for another spec.
	other := parseSpec(t, editSpec(t, baseSpec, "cost-center: platform", "cost-center: storage"))
	var stale *backup.StaleError
	if err := backup.CheckFresh(ctx, other, org.planFleet, p, planOpts); !errors.As(err, &stale) || !strings.Contains(err.Error(), "not for this spec") {
		t.Errorf("CheckFresh(other spec) = %v, want a StaleError naming the spec", err)
	}

	// Edited after review and resealed: the change is no longer
	// destructive, the fingerprint matches, the organization disagrees.
	edited := *p
	edited.Changes = append([]plan.Change(nil), p.Changes...)
	edited.Changes[0].Reason = "edited"
	edited.Changes[0].After = []byte(`{"edited":true}`)
	kinds, err := backup.Kinds()
	if err != nil {
		t.Fatal(err)
	}
	if err := edited.Seal(kinds); err != nil {
		t.Fatal(err)
	}
	if err := backup.CheckFresh(ctx, org.sp, org.planFleet, &edited, planOpts); !errors.As(err, &stale) || !strings.Contains(err.Error(), edited.Changes[0].Address.String()) {
		t.Errorf("CheckFresh(edited plan) = %v, want a StaleError naming %s", err, edited.Changes[0].Address)
	}

	// Applied: the same plan is now stale.
	org.apply(t, p, acknowledge)
	err = backup.CheckFresh(ctx, org.sp, org.planFleet, p, planOpts)
	if !errors.As(err, &stale) || !strings.Contains(err.Error(), "no longer needed") {
		t.Errorf("CheckFresh(applied plan) = %v, want a StaleError saying its changes are no longer needed", err)
	}

	// A plan whose fingerprint is not the reviewed one is refused.
	if _, err := backup.Apply(ctx, org.applyFleet, p, acknowledge, func(o *backup.ApplyOptions) { o.ExpectFingerprint = strings.Repeat("0", 64) }); err == nil || !strings.Contains(err.Error(), "not the reviewed") {
		t.Errorf("Apply with another expected fingerprint = %v, want a refusal", err)
	}
}

// TestApplyReportsIncomplete checks that Apply returns an error whenever a
// change failed or was skipped, and that the result still says which.
func TestApplyReportsIncomplete(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	org.srv.AddFault(emulator.Fault{Service: "backup", Operation: "CreateBackupVault", FailNext: 1000})
	p := org.plan(t)
	res, err := backup.Apply(context.Background(), org.applyFleet, p, acknowledge, func(o *backup.ApplyOptions) { o.Now = org.srv.Now })
	var incomplete *backup.IncompleteError
	if !errors.As(err, &incomplete) || res == nil || incomplete.Result != res {
		t.Fatalf("Apply with failing CreateBackupVault = %v, want an IncompleteError with the result", err)
	}
	if _, failed, _ := res.Counts(); failed == 0 {
		t.Errorf("no failed change in the result")
	}
}
