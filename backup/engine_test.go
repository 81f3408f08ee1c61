package backup_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

const exampleSpec = "../examples/central-backup/backup.yaml"

// testOrg is an emulated organization with fleets for planning and for
// applying, as the management account.
type testOrg struct {
	srv        *emulator.Server
	sp         *spec.Spec
	planFleet  *crossaccount.Fleet
	applyFleet *crossaccount.Fleet
}

func newTestOrg(t *testing.T, specFile string) *testOrg {
	t.Helper()
	sp, err := spec.Load(specFile)
	if err != nil {
		t.Fatalf("Load(%s): %v", specFile, err)
	}
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	base := srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	fleet := func(ro bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = ro
			o.RatePerSecond = -1
		})
	}
	return &testOrg{srv: srv, sp: sp, planFleet: fleet(true), applyFleet: fleet(false)}
}

func (o *testOrg) plan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := backup.PlanChanges(context.Background(), o.sp, o.planFleet, func(po *backup.PlanOptions) { po.Now = o.srv.Now })
	if err != nil {
		t.Fatalf("PlanChanges: %v", err)
	}
	return p
}

func (o *testOrg) apply(t testing.TB, p *plan.Plan, optFns ...func(*backup.ApplyOptions)) *backup.Result {
	t.Helper()
	optFns = append([]func(*backup.ApplyOptions){func(ao *backup.ApplyOptions) { ao.Now = o.srv.Now }}, optFns...)
	res, err := backup.Apply(context.Background(), o.applyFleet, p, optFns...)
	var incomplete *backup.IncompleteError
	if err != nil && !errors.As(err, &incomplete) {
		t.Fatalf("Apply: %v", err)
	}
	if (res.Err() != nil) != (err != nil) {
		t.Fatalf("Apply returned %v with a result whose changes failed: %v", err, res.Err())
	}
	return res
}

func acknowledge(o *backup.ApplyOptions) { o.AcknowledgeIrreversible = true }

func TestApplyFromEmptyConverges(t *testing.T) {
	t.Parallel()
	org := newTestOrg(t, exampleSpec)
	p := org.plan(t)
	if len(p.Checks) > 0 {
		t.Fatalf("plan has checks: %+v", p.Checks)
	}
	if !p.HasChanges() {
		t.Fatal("plan of an empty organization has no changes")
	}
	kinds := map[string]int{}
	for _, c := range p.Changes {
		kinds[c.Kind]++
	}
	for _, k := range []string{"org_service_access", "org_policy_type", "org_delegated_admin", "org_resource_policy", "backup_global_settings",
		"iam_role", "kms_key", "backup_vault", "vault_access_policy", "vault_lock", "sns_topic", "vault_notifications",
		"backup_policy", "backup_policy_attachment", "s3_bucket", "report_plan", "framework"} {
		if kinds[k] == 0 {
			t.Errorf("plan has no %s change; kinds: %v", k, kinds)
		}
	}
	res := org.apply(t, p, acknowledge)
	if err := res.Err(); err != nil {
		t.Fatalf("Apply failed: %v", err)
	}
	applied, failed, skipped := res.Counts()
	if failed+skipped > 0 || applied == 0 {
		t.Fatalf("Apply counts: %d applied, %d failed, %d skipped", applied, failed, skipped)
	}
	again := org.plan(t)
	if again.HasChanges() {
		var b strings.Builder
		plan.Text(&b, again, plan.TextOptions{})
		t.Fatalf("plan after apply is not empty:\n%s", b.String())
	}
}

func TestPlanNeverMutates(t *testing.T) {
	t.Parallel()
	org := newTestOrg(t, exampleSpec)
	org.plan(t)
	for _, st := range org.srv.CallStats() {
		if !crossaccount.IsReadOperation(st.Operation) && st.Operation != "AssumeRole" && st.Operation != "GetCallerIdentity" {
			t.Errorf("planning called %s %s in %s/%s", st.Service, st.Operation, st.Account, st.Region)
		}
	}
	// A mutating call through the planning fleet is refused before it is
	// sent.
	cfg, err := org.planFleet.Config(context.Background(), "333333333333", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = awsbackup.NewFromConfig(cfg).CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("sneaky")})
	var me *crossaccount.MutationError
	if !errors.As(err, &me) {
		t.Fatalf("CreateBackupVault through the planning fleet: err = %v, want a *crossaccount.MutationError", err)
	}
	for _, st := range org.srv.CallStats() {
		if st.Operation == "CreateBackupVault" {
			t.Errorf("CreateBackupVault reached the emulator %d times", st.Calls)
		}
	}
}

func TestApplyRefusesIrreversibleWithoutAcknowledgement(t *testing.T) {
	t.Parallel()
	org := newTestOrg(t, exampleSpec)
	p := org.plan(t)
	_, err := backup.Apply(context.Background(), org.applyFleet, p)
	var refused *backup.RefusedError
	if !errors.As(err, &refused) || len(refused.Irreversible) == 0 {
		t.Fatalf("Apply without acknowledgement: err = %v, want a RefusedError listing irreversible changes", err)
	}
	for _, st := range org.srv.CallStats() {
		if !crossaccount.IsReadOperation(st.Operation) && st.Operation != "AssumeRole" && st.Operation != "GetCallerIdentity" {
			t.Errorf("refused apply still called %s %s", st.Service, st.Operation)
		}
	}
}
