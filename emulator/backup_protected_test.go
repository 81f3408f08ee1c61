package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestProtectedResources: a resource is described by its latest recovery
// point; a vault lists the resources it holds points of.
func TestProtectedResources(t *testing.T) {
	t.Parallel()
	const acct, region = "333333333333", "us-east-1"
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, acct, region, "va", "vb")
	vol := srv.AddResource(acct, region, emulator.EBSVolume, "", nil, 1<<30)
	fs := srv.AddResource(acct, region, emulator.EFSFileSystem, "", nil, 1<<30)
	vtOnDemand(t, c, acct, "va", vol, nil)
	vtOnDemand(t, c, acct, "vb", fs, nil)
	srv.Advance(time.Hour)
	latest := vtOnDemand(t, c, acct, "vb", vol, nil)
	srv.Advance(time.Hour)

	d := must(c.DescribeProtectedResource(ctx, &awsbackup.DescribeProtectedResourceInput{ResourceArn: aws.String(vol)}))(t, "DescribeProtectedResource")
	if want := vtJob(t, c, latest).RecoveryPointArn; aws.ToString(d.LastRecoveryPointArn) != aws.ToString(want) || aws.ToString(d.ResourceType) != "EBS" {
		t.Errorf("DescribeProtectedResource = last point %s type %s, want %s EBS", aws.ToString(d.LastRecoveryPointArn), aws.ToString(d.ResourceType), aws.ToString(want))
	}
	_, err := c.DescribeProtectedResource(ctx, &awsbackup.DescribeProtectedResourceInput{ResourceArn: aws.String("arn:aws:ec2:us-east-1:333333333333:volume/vol-none")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DescribeProtectedResource of an unprotected resource", err)

	for vault, want := range map[string]int{"va": 1, "vb": 2} {
		out := must(c.ListProtectedResourcesByBackupVault(ctx, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String(vault)}))(t, "ListProtectedResourcesByBackupVault")
		if len(out.Results) != want {
			t.Errorf("vault %s protects %d resources, want %d", vault, len(out.Results), want)
		}
	}
	_, err = c.ListProtectedResourcesByBackupVault(ctx, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String("none")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "ListProtectedResourcesByBackupVault of an unknown vault", err)
}
