package distribution_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
)

const mgmt = "111111111111"

func applyAll(t *testing.T, cfg aws.Config, changes []plan.Change) {
	t.Helper()
	kinds, err := plan.NewKinds(distribution.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Changes: changes}
	if err := p.Seal(kinds); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		k, _ := kinds.Lookup(c.Kind)
		if err := k.Apply(context.Background(), plan.ApplyEnv{Config: cfg}, c); err != nil {
			t.Fatalf("applying %s: %v", c.Address, err)
		}
	}
}

func tierPlan(keepDays int64) policy.Plan {
	rule := policy.Daily("daily", 2, 0).InVault("orgbackup-local").Keep(policy.Days(keepDays))
	return *policy.NewPlan("orgbackup-production", rule).InRegions("us-east-1").
		Select(policy.ByTag("backup-tier", "production", policy.NewRoleARN(policy.AccountVariable, "OrgBackupServiceRole")))
}

// TestPolicies creates a tier's backup policy attached to two targets,
// then detaches one and shortens the retention: both are destructive, the
// shorter retention says so, and each plan converges.
func TestPolicies(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := srv.Config(mgmt, "us-east-1")
	orgs := awsorgs.NewFromConfig(cfg)
	if _, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: "BACKUP_POLICY"}); err != nil {
		t.Fatal(err)
	}
	roots, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	if err != nil || len(roots.Roots) == 0 {
		t.Fatalf("ListRoots: %v", err)
	}
	ous, err := orgs.ListOrganizationalUnitsForParent(ctx, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: roots.Roots[0].Id})
	if err != nil || len(ous.OrganizationalUnits) < 2 {
		t.Fatalf("ListOrganizationalUnitsForParent: %v (%d OUs)", err, len(ous.OrganizationalUnits))
	}
	a, b := aws.ToString(ous.OrganizationalUnits[0].Id), aws.ToString(ous.OrganizationalUnits[1].Id)
	policyOf := func(keep int64, targets ...string) distribution.Policy {
		docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{tierPlan(keep)}, policy.CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return distribution.Policy{Name: "orgbackup-production", Description: "test", Content: docs[0], Tags: managedtags.For("test", nil), Targets: targets}
	}
	planFor := func(want distribution.Policy) []plan.Change {
		t.Helper()
		cs, err := distribution.PlanPolicies(ctx, orgs, mgmt, []distribution.Policy{want})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}

	first := planFor(policyOf(30, a, b))
	if len(first) != 3 {
		t.Fatalf("first plan: %d changes, want the policy and two attachments", len(first))
	}
	applyAll(t, cfg, first)
	if again := planFor(policyOf(30, a, b)); len(again) != 0 {
		t.Fatalf("plan after apply: %d changes, want none", len(again))
	}

	narrower := planFor(policyOf(14, a))
	var destructive []string
	for _, c := range narrower {
		if c.Destructive {
			destructive = append(destructive, c.Kind+" "+c.Action.String())
		}
		if c.Kind == distribution.KindPolicy && !strings.Contains(c.Reason, "shortens") {
			t.Errorf("policy update reason %q does not say retention shortens", c.Reason)
		}
	}
	if len(destructive) != 2 {
		t.Errorf("destructive changes %v, want the shorter retention and the detachment", destructive)
	}
	applyAll(t, cfg, narrower)
	if again := planFor(policyOf(14, a)); len(again) != 0 {
		t.Errorf("plan after narrowing: %d changes, want none", len(again))
	}
}

// TestBackupPlans creates a tier's plan directly in an account (direct
// distribution) with its managed tags, then checks that a tag changed by
// someone else is planned back and that the plan converges.
func TestBackupPlans(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	const account = "333333333333"
	cfg := srv.Config(account, "us-east-1")
	api := awsbackup.NewFromConfig(cfg)
	p, err := distribution.ForAccount(tierPlan(30), account)
	if err != nil {
		t.Fatal(err)
	}
	tags := managedtags.For("test", nil)
	planFor := func() []plan.Change {
		t.Helper()
		cs, err := distribution.PlanBackupPlans(ctx, api, account, "us-east-1", []policy.Plan{p}, tags)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	first := planFor()
	if len(first) != 1 || first[0].Action != plan.Create {
		t.Fatalf("first plan: %v, want one create", first)
	}
	applyAll(t, cfg, first)
	if again := planFor(); len(again) != 0 {
		t.Fatalf("plan after apply: %d changes, want none", len(again))
	}
	list, err := api.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(list.BackupPlansList) != 1 {
		t.Fatalf("ListBackupPlans: %v", err)
	}
	arn := list.BackupPlansList[0].BackupPlanArn
	if _, err := api.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: arn, Tags: map[string]string{managedtags.Spec: "other"}}); err != nil {
		t.Fatal(err)
	}
	drift := planFor()
	if len(drift) != 1 || drift[0].Action != plan.Update || !strings.Contains(drift[0].Reason, "tags") {
		t.Fatalf("plan after a tag change: %v, want one tag update", drift)
	}
	applyAll(t, cfg, drift)
	if again := planFor(); len(again) != 0 {
		t.Errorf("plan after restoring the tags: %d changes, want none", len(again))
	}
}
