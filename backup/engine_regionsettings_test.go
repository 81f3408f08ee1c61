package backup_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/regionsettings"
)

// TestTaggedBucketProtected checks that a production S3 bucket selected by
// its tier's tag is backed up once the organization is converged: AWS
// Backup starts new Regions opted out of S3, so without the
// backup_region_settings change the bucket stays unprotected, with no job
// and no error (UpdateRegionSettings API reference).
func TestTaggedBucketProtected(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	const account = "333333333333"
	bucket := org.srv.AddResource(account, "us-east-1", emulator.S3Bucket, "reports-bucket", map[string]string{"backup-tier": "production"}, 1<<20)
	p := org.converge(t)
	var settings int
	for _, c := range p.Changes {
		if c.Kind == regionsettings.Kind && c.Account == account {
			settings++
		}
	}
	if settings != 1 {
		t.Fatalf("%d region settings changes for %s, want 1", settings, account)
	}
	org.srv.Advance(26 * time.Hour)
	api := awsbackup.NewFromConfig(org.srv.Config(account, "us-east-1"))
	out, err := api.ListRecoveryPointsByResource(context.Background(), &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RecoveryPoints) == 0 {
		t.Errorf("the tagged bucket %s has no recovery point after a day", bucket)
	}
}
