package backup_test

import (
	"context"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestDirectSelectionsNeverDrop checks that in direct distribution a
// changed selection is created before the old one is deleted, so the
// plan never has fewer selections than it had; that a rule change keeps
// the selections it does not touch; and that a failure between the two
// steps leaves the old selection in place and converges on the next run.
func TestDirectSelectionsNeverDrop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	direct := editSpec(t, baseSpec, "  regions: {primary: us-east-1, secondary: us-west-2}\n", "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: direct\n")
	org := newSpecOrg(t, parseSpec(t, direct))
	org.converge(t)

	const dev = "555555555555"
	bk := awsbackup.NewFromConfig(org.srv.Config(dev, "us-east-1"))
	selections := func() int {
		t.Helper()
		plans, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
		if err != nil || len(plans.BackupPlansList) != 1 {
			t.Fatalf("ListBackupPlans: %v %+v", err, plans)
		}
		sels, err := bk.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: plans.BackupPlansList[0].BackupPlanId})
		if err != nil {
			t.Fatal(err)
		}
		return len(sels.BackupSelectionsList)
	}
	if n := selections(); n != 1 {
		t.Fatalf("%d selections after the first apply, want 1", n)
	}
	// A hook sees the state before every call: a deletion that would
	// leave the plan without a selection is the coverage gap.
	var creates, deletes, gaps int
	org.srv.OnCall(func(c *emulator.Call) error {
		if c.Account != dev {
			return nil
		}
		switch c.Operation {
		case "CreateBackupSelection":
			creates++
		case "DeleteBackupSelection":
			deletes++
			if creates == 0 {
				gaps++
			}
		}
		return nil
	})

	// A selection change fails after the new selection is created: the
	// old one is still there.
	direct = editSpec(t, direct, "  development: {targets: [Development]}", "  development: {targets: [Development], selection: {tags: {env: dev}}}")
	org.respec(t, direct)
	org.srv.AddFault(emulator.Fault{Service: "backup", Operation: "DeleteBackupSelection", Account: dev, FailNext: 100})
	p := org.plan(t)
	if res := org.apply(t, p, allowAll); res.Err() == nil {
		t.Fatal("apply with a failing DeleteBackupSelection succeeded")
	}
	if n := selections(); n != 2 {
		t.Errorf("%d selections after a failed deletion, want the new and the old one", n)
	}
	org.srv.ClearFaults()
	org.converge(t)
	if n := selections(); n != 1 {
		t.Errorf("%d selections after converging, want 1", n)
	}
	if gaps > 0 || creates != 1 {
		t.Errorf("%d deletions before a creation, %d creations; want 0 and 1 (the retry reuses the selection created already)", gaps, creates)
	}

	// A rule change keeps the selection as it is.
	creates, deletes = 0, 0
	org.respec(t, editSpec(t, direct, "  development: {targets: [Development], selection: {tags: {env: dev}}}", "  development: {targets: [Development], selection: {tags: {env: dev}}, local_retention: 60d}"))
	org.converge(t)
	if creates != 0 || deletes != 0 {
		t.Errorf("a rule change made %d selection creations and %d deletions, want none", creates, deletes)
	}
}
