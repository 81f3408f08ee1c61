package servicerole_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/servicerole"
)

// TestConverge creates the backup role, then checks that a policy another
// team attached is kept while a detached managed policy is planned back.
func TestConverge(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	const account = "333333333333"
	cfg := srv.Config(account, "us-east-1")
	iam := awsiam.NewFromConfig(cfg)
	want := servicerole.BackupRole(account, "OrgBackupServiceRole", managedtags.For("test", nil))
	k := servicerole.Kinds()[0]
	apply := func(changes []plan.Change) {
		t.Helper()
		for _, c := range changes {
			if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg}, c); err != nil {
				t.Fatalf("applying %s: %v", c.Address, err)
			}
		}
	}
	first, err := servicerole.Plan(ctx, iam, account, want)
	if err != nil || len(first) != 1 || first[0].Action != plan.Create {
		t.Fatalf("first plan: %v, %v; want one create", first, err)
	}
	if got := first[0].Address.String(); got != account+"/global/iam_role/OrgBackupServiceRole" {
		t.Errorf("address %s", got)
	}
	apply(first)
	if again, err := servicerole.Plan(ctx, iam, account, want); err != nil || len(again) != 0 {
		t.Fatalf("plan after apply: %v, %v; want none", again, err)
	}
	if _, err := iam.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String(want.Name), PolicyArn: aws.String(want.ManagedPolicies[0])}); err != nil {
		t.Fatal(err)
	}
	drift, err := servicerole.Plan(ctx, iam, account, want)
	if err != nil || len(drift) != 1 || drift[0].Action != plan.Update {
		t.Fatalf("plan after a detached policy: %v, %v; want one update", drift, err)
	}
	apply(drift)
	if again, err := servicerole.Plan(ctx, iam, account, want); err != nil || len(again) != 0 {
		t.Errorf("plan after repair: %v, %v; want none", again, err)
	}
}
