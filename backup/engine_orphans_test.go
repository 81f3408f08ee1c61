package backup_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestNoOrphanKeys checks that KMS keys, which CreateKey cannot create
// idempotently, are never duplicated: not when CreateKey's response is
// lost (the SDK would send it again), not when an apply stops between
// CreateKey and CreateAlias; and that a key left over anyway is listed
// by plan and drift.
func TestNoOrphanKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := newSpecOrg(t, parseSpec(t, baseSpec))
	ref.converge(t)
	wantKeys := inventory(t, ref.srv)["kms_key"]

	t.Run("lost CreateKey responses", func(t *testing.T) {
		t.Parallel()
		org := newSpecOrg(t, parseSpec(t, baseSpec))
		org.srv.AddFault(emulator.Fault{Service: "kms", Operation: "CreateKey", LoseNext: 3})
		p := org.plan(t)
		if res := org.apply(t, p, allowAll); res.Err() != nil {
			t.Fatalf("apply: %v", res.Err())
		}
		org.wantConverged(t)
		if got := inventory(t, org.srv)["kms_key"]; got != wantKeys {
			t.Errorf("%d keys after lost CreateKey responses, want %d", got, wantKeys)
		}
	})

	t.Run("stopped before CreateAlias", func(t *testing.T) {
		t.Parallel()
		org := newSpecOrg(t, parseSpec(t, baseSpec), func(o *crossaccount.Options) { o.MaxAttempts = 1 })
		org.srv.AddFault(emulator.Fault{Service: "kms", Operation: "CreateAlias", FailNext: 1000})
		p := org.plan(t)
		if res := org.apply(t, p, allowAll); res.Err() == nil {
			t.Fatal("apply with failing CreateAlias succeeded")
		}
		org.srv.ClearFaults()
		again := org.plan(t)
		adopts := 0
		for _, c := range again.Changes {
			if c.Kind == "kms_key" && strings.Contains(c.Reason, "interrupted apply created") {
				adopts++
			}
		}
		if adopts == 0 {
			t.Errorf("the re-plan does not say it adopts the keys created already:\n%s", planText(again))
		}
		if res := org.apply(t, again, allowAll); res.Err() != nil {
			t.Fatalf("re-apply: %v", res.Err())
		}
		org.wantConverged(t)
		if got := inventory(t, org.srv)["kms_key"]; got != wantKeys {
			t.Errorf("%d keys after an interrupted apply, want %d", got, wantKeys)
		}
	})

	t.Run("orphan listed by plan and drift", func(t *testing.T) {
		t.Parallel()
		org := newSpecOrg(t, parseSpec(t, baseSpec))
		org.converge(t)
		km := awskms.NewFromConfig(org.srv.Config("222222222222", "us-west-2"))
		tag := func(k, v string) kmstypes.Tag { return kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(v)} }
		out, err := km.CreateKey(ctx, &awskms.CreateKeyInput{Tags: []kmstypes.Tag{tag("orgbackup:managed", "true"), tag("orgbackup:spec", "engine-test"), tag("orgbackup:alias", "alias/orgbackup")}})
		if err != nil {
			t.Fatal(err)
		}
		// Someone else's key and another spec's are not orgbackup's
		// orphans.
		if _, err := km.CreateKey(ctx, &awskms.CreateKeyInput{Tags: []kmstypes.Tag{tag("orgbackup:managed", "true"), tag("orgbackup:spec", "other"), tag("orgbackup:alias", "alias/orgbackup")}}); err != nil {
			t.Fatal(err)
		}
		p := org.plan(t)
		if p.HasChanges() || len(p.Checks) > 0 {
			t.Fatalf("an orphan key changes the plan:\n%s", planText(p))
		}
		if len(p.Notes) != 1 || p.Notes[0].Code != "orphan-kms-key" || !strings.Contains(p.Notes[0].Message, aws.ToString(out.KeyMetadata.Arn)) ||
			!strings.HasPrefix(p.Notes[0].Address, "222222222222/us-west-2/") {
			t.Fatalf("plan notes = %+v, want one orphan-kms-key note naming %s", p.Notes, aws.ToString(out.KeyMetadata.Arn))
		}
		rep, err := backup.DetectDrift(ctx, org.sp, org.planFleet, func(o *backup.PlanOptions) { o.Now = org.srv.Now })
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Drifted() {
			t.Error("drift does not report the orphan key")
		}
	})
}
