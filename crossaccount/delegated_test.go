package crossaccount_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"sync"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestFleetDelegated runs a Fleet from the backup account: members are
// reached directly, and the management account's configuration sends
// only the operations AWS reserves to it with the management account's
// role, everything else with the caller's own credentials.
func TestFleetDelegated(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	ctx := context.Background()
	createExecutionRole(t, srv, mgmt, "Reserved", backup)
	createExecutionRole(t, srv, prod, "Deploy", backup)
	var mu sync.Mutex
	var calls []string // ACCOUNT service:Operation of every call but STS
	srv.OnCall(func(c *emulator.Call) error {
		if c.Service != "sts" {
			mu.Lock()
			calls = append(calls, c.Account+" "+c.Service+":"+c.Operation)
			mu.Unlock()
		}
		return nil
	})
	fleet := crossaccount.NewFleet(srv.Config(backup, "us-east-1"), func(o *crossaccount.Options) {
		o.ExecutionRole = "Deploy"
		o.ManagementAccount = mgmt
		o.ManagementRole = "Reserved"
		o.Delegated = true
	})
	if got := whoAmI(t, mustConfig(t)(fleet.Config(ctx, prod, "us-east-1"))); got != "arn:aws:sts::333333333333:assumed-role/Deploy/orgbackup" {
		t.Errorf("prod acts as %s, want the Deploy role assumed from the backup account", got)
	}
	if got, _ := callCount(srv, emulator.CallKey{Account: mgmt, Service: "sts", Operation: "AssumeRole"}); got != 0 {
		t.Errorf("AssumeRole calls by the management account = %d, want 0 (no chaining)", got)
	}
	cfg := mustConfig(t)(fleet.Config(ctx, mgmt, "us-east-1"))
	orgs := awsorgs.NewFromConfig(cfg)
	if _, err := orgs.DescribeOrganization(ctx, &awsorgs.DescribeOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := orgs.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := awsbackup.NewFromConfig(cfg).DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		backup + " organizations:DescribeOrganization",
		mgmt + " organizations:EnableAWSServiceAccess",
		backup + " backup:DescribeGlobalSettings",
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls mismatch (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		service, op string
		want        bool
	}{
		{"Organizations", "EnableAWSServiceAccess", true},
		{"Organizations", "RegisterDelegatedAdministrator", true},
		{"Organizations", "PutResourcePolicy", true},
		{"Organizations", "EnablePolicyType", false},
		{"Backup", "UpdateGlobalSettings", true},
		{"Organizations", "CreatePolicy", false},
		{"Organizations", "AttachPolicy", false},
		{"Backup", "DescribeGlobalSettings", false},
	} {
		if got := crossaccount.IsManagementOnly(tc.service, tc.op); got != tc.want {
			t.Errorf("IsManagementOnly(%s, %s) = %v, want %v", tc.service, tc.op, got, tc.want)
		}
	}
}

func mustConfig(t *testing.T) func(aws.Config, error) aws.Config {
	return func(v aws.Config, err error) aws.Config {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
