package regionsettings_test

import (
	"context"
	"strings"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/regionsettings"
)

// TestConverge plans and applies the settings of a workload account on
// the emulator (whose new Regions start with S3 opted out and DynamoDB not
// fully managed, as AWS's do), checks that planning again finds nothing,
// and that types orgbackup does not ask for keep their preference.
func TestConverge(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := srv.Config("333333333333", "us-east-1")
	api := awsbackup.NewFromConfig(cfg)
	want := regionsettings.Desired{Account: "333333333333", Region: "us-east-1", OptIn: []string{"DynamoDB", "EC2", "S3"}, FullyManaged: []string{"DynamoDB"}}

	changes, err := regionsettings.Plan(ctx, api, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 {
		t.Fatalf("Plan = %d changes, want 1", len(changes))
	}
	c := changes[0]
	if got, wantAddr := c.Address.String(), "333333333333/us-east-1/backup_region_settings/backup"; got != wantAddr {
		t.Errorf("address %s, want %s", got, wantAddr)
	}
	for _, s := range []string{"opt in to S3", "fully manage DynamoDB"} {
		if !strings.Contains(c.Reason, s) {
			t.Errorf("reason %q does not say %q", c.Reason, s)
		}
	}
	if strings.Contains(c.Reason, "EC2") {
		t.Errorf("reason %q names EC2, which is already opted in", c.Reason)
	}
	k := regionsettings.Kinds()[0]
	if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg}, c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	again, err := regionsettings.Plan(ctx, api, want)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Plan = %v, %v; want no changes", again, err)
	}
	live, err := api.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{"S3": live.ResourceTypeOptInPreference["S3"], "DynamoDB": live.ResourceTypeManagementPreference["DynamoDB"],
		"Redshift": live.ResourceTypeOptInPreference["Redshift"], "EFS": live.ResourceTypeManagementPreference["EFS"]}
	// Redshift stays opted out and EFS stays managed: nothing orgbackup
	// did not ask for changes.
	if diff := cmp.Diff(map[string]bool{"S3": true, "DynamoDB": true, "Redshift": false, "EFS": true}, got); diff != "" {
		t.Errorf("settings after apply (-want +got):\n%s", diff)
	}
}

// TestNothingToTurnOn plans no change for a Region that already has what
// is asked, and none for an empty desire.
func TestNothingToTurnOn(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	api := awsbackup.NewFromConfig(srv.Config("333333333333", "us-east-1"))
	for _, want := range []regionsettings.Desired{
		{Account: "333333333333", Region: "us-east-1", OptIn: []string{"EBS", "EC2"}},
		{Account: "333333333333", Region: "us-east-1"},
	} {
		changes, err := regionsettings.Plan(context.Background(), api, want)
		if err != nil || len(changes) != 0 {
			t.Errorf("Plan(%+v) = %v, %v; want no changes", want, changes, err)
		}
	}
}
