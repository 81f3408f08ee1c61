package backup_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
)

// TestDirectDistribution runs the engine end to end with backup plans
// created in every target account instead of Organizations policies.
func TestDirectDistribution(t *testing.T) {
	t.Parallel()
	direct := editSpec(t, baseSpec, "  regions: {primary: us-east-1, secondary: us-west-2}\n", "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: direct\n")
	org := newSpecOrg(t, parseSpec(t, direct))
	p := org.converge(t)
	var plans []string
	for _, c := range p.Changes {
		switch c.Kind {
		case "backup_policy", "backup_policy_attachment":
			t.Errorf("direct mode plans %s", c.Address)
		case "backup_plan":
			plans = append(plans, c.Address.String()+" "+c.Action.String())
		}
	}
	slices.Sort(plans)
	want := []string{
		"333333333333/us-east-1/backup_plan/orgbackup-production create",
		"333333333334/us-east-1/backup_plan/orgbackup-production create",
		"555555555555/us-east-1/backup_plan/orgbackup-development create",
	}
	if diff := cmp.Diff(want, plans); diff != "" {
		t.Fatalf("backup plans (-want +got):\n%s", diff)
	}

	// The plan exists in the account, with its copy actions resolved for
	// the account and a selection using the account's backup role.
	ctx := context.Background()
	bk := awsbackup.NewFromConfig(org.srv.Config("333333333333", "us-east-1"))
	list, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(list.BackupPlansList) != 1 {
		t.Fatalf("ListBackupPlans in 333333333333: %v, %d plans", err, len(list.BackupPlansList))
	}
	id := list.BackupPlansList[0].BackupPlanId
	got, err := bk.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: id})
	if err != nil {
		t.Fatal(err)
	}
	rule := got.BackupPlan.Rules[0]
	// One copy, to the central vault: the production tier can select RDS
	// and Aurora, so its copies reach the secondary Region from there.
	if aws.ToString(rule.TargetBackupVaultName) != "local-backup" || len(rule.CopyActions) != 1 {
		t.Errorf("rule = vault %s, %d copy actions; want local-backup with 1 copy", aws.ToString(rule.TargetBackupVaultName), len(rule.CopyActions))
	}
	sels, err := bk.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: id})
	if err != nil || len(sels.BackupSelectionsList) != 1 || aws.ToString(sels.BackupSelectionsList[0].IamRoleArn) != "arn:aws:iam::333333333333:role/OrgBackupServiceRole" {
		t.Fatalf("selections: %v %+v", err, sels)
	}

	// Shortening retention updates every production plan, destructively.
	direct = editSpec(t, direct, "  production: {targets: [Production]}", "  production: {targets: [Production], local_retention: 14d}")
	org.respec(t, direct)
	p = org.plan(t)
	wantChanges := []changeSummary{
		{Address: "333333333333/us-east-1/backup_plan/orgbackup-production", Action: "update", Destructive: true},
		{Address: "333333333334/us-east-1/backup_plan/orgbackup-production", Action: "update", Destructive: true},
	}
	if diff := cmp.Diff(wantChanges, summarize(p)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	_, err = backup.Apply(ctx, org.applyFleet, p)
	var refused *backup.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("Apply without AllowDestructive: %v", err)
	}
	if res := org.apply(t, p, allowAll); res.Err() != nil {
		t.Fatal(res.Err())
	}
	org.wantConverged(t)

	// A changed selection replaces the plan's selections.
	direct = editSpec(t, direct, "  development: {targets: [Development]}", "  development: {targets: [Development], selection: {tags: {env: dev}}}")
	org.respec(t, direct)
	p = org.plan(t)
	if diff := cmp.Diff([]changeSummary{{Address: "555555555555/us-east-1/backup_plan/orgbackup-development", Action: "update"}}, summarize(p)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	org.apply(t, p, allowAll)
	org.wantConverged(t)

	// Removing a tier deletes its plans (recovery points are kept).
	org.respec(t, editSpec(t, direct, "  development: {targets: [Development], selection: {tags: {env: dev}}}\n", ""))
	p = org.plan(t)
	// The central vaults no longer admit copies from its target.
	wantChanges = []changeSummary{
		{Address: "222222222222/us-east-1/vault_access_policy/central-backup", Action: "update"},
		{Address: "222222222222/us-west-2/vault_access_policy/central-backup", Action: "update"},
		{Address: "555555555555/us-east-1/backup_plan/orgbackup-development", Action: "delete", Destructive: true},
	}
	if diff := cmp.Diff(wantChanges, summarize(p)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if res := org.apply(t, p, allowAll); res.Err() != nil {
		t.Fatal(res.Err())
	}
	org.wantConverged(t)
	dev, err := awsbackup.NewFromConfig(org.srv.Config("555555555555", "us-east-1")).ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(dev.BackupPlansList) != 0 {
		t.Fatalf("plans left in 555555555555: %v %+v", err, dev)
	}
}
