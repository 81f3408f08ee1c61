package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestResourceAWSManagedKey: add-resource encrypts resources with AWS
// managed keys by alias, whose backups stay in their account.
func TestResourceAWSManagedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		typ      emulator.ResourceType
		key      string
		alias    string
		crossAcc bool // copy to the central account succeeds
	}{
		{emulator.EBSVolume, "aws/ebs", "alias/aws/ebs", false},
		{emulator.RDSInstance, "alias/aws/rds", "alias/aws/rds", false},
		{emulator.AuroraCluster, "alias/aws/rds", "alias/aws/rds", false},
		{emulator.EBSVolume, "alias/shared", "alias/shared", true},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ)+" "+tc.key, func(t *testing.T) {
			t.Parallel()
			srv, _, _ := cpWorld(t, scnOrgVaultPolicy, emulator.EFSFileSystem, true)
			kc := awskms.NewFromConfig(srv.Config(cpSource, "us-east-1"))
			if tc.alias == "alias/shared" {
				k := must(kc.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(scnSharedKeyPolicy)}))(t, "CreateKey")
				must(kc.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/shared"), TargetKeyId: k.KeyMetadata.KeyId}))(t, "CreateAlias")
			}
			r, err := srv.PutResource(emulator.Resource{Account: cpSource, Region: "us-east-1", Type: tc.typ, KMSKeyARN: tc.key, SizeBytes: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			want := must(kc.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(tc.alias)}))(t, "DescribeKey").KeyMetadata
			if r.KMSKeyARN != aws.ToString(want.Arn) {
				t.Fatalf("resource key %q, want %s's %s", r.KMSKeyARN, tc.alias, aws.ToString(want.Arn))
			}
			if (want.KeyManager == kmstypes.KeyManagerTypeAws) == tc.crossAcc {
				t.Fatalf("key manager %s", want.KeyManager)
			}
			c := scnBackup(srv, cpSource, "us-east-1")
			id := vtOnDemand(t, c, cpSource, "local", r.ARN, nil)
			srv.Advance(time.Hour)
			job := vtJob(t, c, id)
			if aws.ToString(job.EncryptionKeyArn) != r.KMSKeyARN {
				t.Fatalf("backup encrypted with %q, want the resource's key", aws.ToString(job.EncryptionKeyArn))
			}
			started, done := cpStart(t, srv, c, *job.RecoveryPointArn, cpCentralVault)
			if tc.crossAcc {
				if done.State != backuptypes.CopyJobStateCompleted {
					t.Errorf("copy: %s (%q), want COMPLETED", done.State, aws.ToString(done.StatusMessage))
				}
				return
			}
			if started.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(started.StatusMessage), "is an AWS managed key") {
				t.Errorf("copy: %s (%q), want FAILED on the AWS managed key", started.State, aws.ToString(started.StatusMessage))
			}
		})
	}
	t.Run("control API", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t)
		r := ctlOK[emulator.ResourceJSON](t, srv, "POST", "/_orgbackup/resources", map[string]any{
			"account": cpSource, "region": "us-east-1", "type": "RDS", "kms_key_arn": "aws/rds"}, 201)
		k := must(awskms.NewFromConfig(srv.Config(cpSource, "us-east-1")).DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/rds")}))(t, "DescribeKey").KeyMetadata
		if r.KMSKeyARN != aws.ToString(k.Arn) {
			t.Errorf("kms_key_arn %q, want aws/rds's %s", r.KMSKeyARN, aws.ToString(k.Arn))
		}
	})
	t.Run("unknown alias", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t)
		if _, err := srv.PutResource(emulator.Resource{Account: cpSource, Region: "us-east-1", Type: emulator.EBSVolume, KMSKeyARN: "alias/missing"}); err == nil {
			t.Error("PutResource with an unknown alias: nil error")
		}
	})
}
