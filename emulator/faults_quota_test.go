package emulator_test

import (
	"context"
	"errors"
	"testing"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestThrottleBucketPerRegion checks that a throttling fault keeps one
// bucket per account, service and Region, as AWS's quotas are per Region
// unless noted, and one bucket in every Region for the global services.
func TestThrottleBucketPerRegion(t *testing.T) {
	srv := newTestServer(t)
	srv.AddFault(emulator.Fault{RatePerSecond: 0.001, Burst: 1})
	ctx := context.Background()
	const acct = "333333333333"
	throttled := func(err error) bool {
		var ae smithy.APIError
		return errors.As(err, &ae) && (ae.ErrorCode() == "ThrottlingException" || ae.ErrorCode() == "Throttling")
	}
	noRetry := func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 }
	for _, region := range []string{"us-east-1", "us-west-2"} {
		c := awsbackup.NewFromConfig(srv.Config(acct, region), noRetry)
		if _, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
			t.Errorf("%s: first Backup call: %v, want it within the Region's own bucket", region, err)
		}
		if _, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); !throttled(err) {
			t.Errorf("%s: second Backup call: %v, want throttled", region, err)
		}
	}
	iamNoRetry := func(o *awsiam.Options) { o.RetryMaxAttempts = 1 }
	if _, err := awsiam.NewFromConfig(srv.Config(acct, "us-east-1"), iamNoRetry).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Errorf("first IAM call: %v", err)
	}
	if _, err := awsiam.NewFromConfig(srv.Config(acct, "us-west-2"), iamNoRetry).ListRoles(ctx, &awsiam.ListRolesInput{}); !throttled(err) {
		t.Errorf("IAM call from another Region: %v, want throttled (IAM's quota is global)", err)
	}
}
