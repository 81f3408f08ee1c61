package organization_test

import (
	"context"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/plan"
)

// TestConverge plans the organization settings of a fresh emulated
// organization, applies them through the package's kinds in their stage
// and dependency order, and checks that planning again finds nothing.
func TestConverge(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	const mgmt = "111111111111"
	regions := []string{"us-east-1", "us-west-2"}
	want := organization.Desired{Management: mgmt, BackupAccount: "222222222222", Regions: regions}
	orgs := awsorgs.NewFromConfig(srv.Config(mgmt, "us-east-1"))
	settings := map[string]organization.SettingsReader{}
	for _, r := range regions {
		settings[r] = awsbackup.NewFromConfig(srv.Config(mgmt, r))
	}
	kinds, err := plan.NewKinds(organization.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	changes, err := organization.Plan(ctx, orgs, settings, want)
	if err != nil {
		t.Fatal(err)
	}
	p := &plan.Plan{Changes: changes}
	if err := p.Seal(kinds); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range p.Changes {
		got[c.Kind] = true
		region := c.Region
		if region == plan.Global {
			region = "us-east-1"
		}
		k, _ := kinds.Lookup(c.Kind)
		if err := k.Apply(ctx, plan.ApplyEnv{Config: srv.Config(c.Account, region)}, c); err != nil {
			t.Fatalf("applying %s: %v", c.Address, err)
		}
	}
	for _, k := range []string{organization.KindServiceAccess, organization.KindPolicyType, organization.KindDelegatedAdmin, organization.KindResourcePolicy, organization.KindGlobalSettings} {
		if !got[k] {
			t.Errorf("a fresh organization's plan has no %s change", k)
		}
	}
	again, err := organization.Plan(ctx, orgs, settings, want)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again {
		t.Errorf("second plan is not empty: %s %s: %s", c.Action, c.Address, c.Reason)
	}
}
