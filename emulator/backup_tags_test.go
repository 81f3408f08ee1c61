package emulator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// tgTags lists every tag of a Backup resource through ListTags' pages.
func tgTags(t *testing.T, c *awsbackup.Client, arn string) map[string]string {
	t.Helper()
	out := map[string]string{}
	p := awsbackup.NewListTagsPaginator(c, &awsbackup.ListTagsInput{ResourceArn: aws.String(arn), MaxResults: aws.Int32(20)})
	for p.HasMorePages() {
		page := must(p.NextPage(context.Background()))(t, "ListTags "+arn)
		for k, v := range page.Tags {
			out[k] = v
		}
	}
	return out
}

// TestRecoveryPointTagsAtBackup: a recovery point carries the resource's
// tags and the tags the job assigns, the job's first and winning, both in
// alphabetical order, 50 at most ("Copying tags onto backups").
func TestRecoveryPointTagsAtBackup(t *testing.T) {
	t.Parallel()
	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprintf("k%02d", i)] = "v"
	}
	firstOfFifty := map[string]string{"a-tier": "gold", "b-owner": "ops"}
	for i := range 48 {
		firstOfFifty[fmt.Sprintf("k%02d", i)] = "v"
	}
	tests := []struct {
		name          string
		typ           emulator.ResourceType
		resource, job map[string]string
		want          map[string]string
	}{
		{"resource and job tags", emulator.EFSFileSystem,
			map[string]string{"business-unit": "payments", "Name": "fs"}, map[string]string{"orgbackup:tier": "production"},
			map[string]string{"business-unit": "payments", "Name": "fs", "orgbackup:tier": "production"}},
		{"a job tag wins over the resource's", emulator.EBSVolume,
			map[string]string{"orgbackup:tier": "wrong", "team": "a"}, map[string]string{"orgbackup:tier": "production"},
			map[string]string{"orgbackup:tier": "production", "team": "a"}},
		{"resource tags alone", emulator.RDSInstance,
			map[string]string{"business-unit": "retail"}, nil,
			map[string]string{"business-unit": "retail"}},
		{"50 at most, job tags first", emulator.EFSFileSystem,
			fifty, map[string]string{"b-owner": "ops", "a-tier": "gold"}, firstOfFifty},
		{"a DynamoDB table backed up on demand (advanced DynamoDB backup)", emulator.DynamoDBTable,
			map[string]string{"business-unit": "payments"}, map[string]string{"orgbackup:tier": "production"},
			map[string]string{"business-unit": "payments", "orgbackup:tier": "production"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			const account = "333333333333"
			c := vtAccount(t, srv, account, "us-east-1", "local")
			res := srv.AddResource(account, "us-east-1", tc.typ, "", tc.resource, 1<<30)
			out := must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(res),
				IamRoleArn: vtRole(account), RecoveryPointTags: tc.job}))(t, "StartBackupJob")
			srv.Advance(time.Hour)
			job := vtJob(t, c, *out.BackupJobId)
			if job.State != backuptypes.BackupJobStateCompleted {
				t.Fatalf("backup job: %s (%s)", job.State, aws.ToString(job.StatusMessage))
			}
			if diff := cmp.Diff(tc.want, tgTags(t, c, *job.RecoveryPointArn)); diff != "" {
				t.Errorf("ListTags(%s) mismatch (-want +got):\n%s", *job.RecoveryPointArn, diff)
			}
		})
	}
}

// TestRecoveryPointTagsDynamoDBWithoutAdvanced: a DynamoDB table backed
// up by a plan of a backup policy, in an account not opted in to advanced
// DynamoDB backup, gets a backup without tags ("DynamoDB does not support
// assigning tags to backups unless you first enable Advanced DynamoDB
// backup"), while an EFS file system of the same plan carries its tags.
func TestRecoveryPointTagsDynamoDBWithoutAdvanced(t *testing.T) {
	t.Parallel()
	w := scnSetup(t)
	srv := w.srv
	tags := map[string]string{"backup": "daily", "business-unit": "payments"}
	table := srv.AddResource(scnProdData, scnPrimary, emulator.DynamoDBTable, "ledger", tags, 1<<30)
	fs := srv.AddResource(scnProdData, scnPrimary, emulator.EFSFileSystem, "fs-0ledger", tags, 1<<30)
	srv.Advance(30 * time.Hour)
	c := scnBackup(srv, scnProdData, scnPrimary)
	got := map[string]map[string]string{}
	for _, rp := range scnRecoveryPoints(t, srv, scnProdData, scnPrimary, "local") {
		if r := aws.ToString(rp.ResourceArn); r == table || r == fs {
			got[r] = tgTags(t, c, *rp.RecoveryPointArn)
		}
	}
	want := map[string]map[string]string{table: {}, fs: tags}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recovery point tags by resource mismatch (-want +got):\n%s", diff)
	}
}

// TestCopiesCarrySourceTags: copies to the central account, to another
// Region of the same account, and from the central vault on to the
// secondary Region carry every tag of their source recovery point
// ("Copying tags onto backups"; "Backup and tag copy"), and ListTags in
// the destination account and Region returns them.
func TestCopiesCarrySourceTags(t *testing.T) {
	t.Parallel()
	const (
		drVault        = "arn:aws:backup:us-west-2:" + cpSource + ":backup-vault:dr"
		secondaryVault = "arn:aws:backup:us-west-2:" + scnCentral + ":backup-vault:secondary"
	)
	want := map[string]string{"business-unit": "payments", "orgbackup:tier": "production"}
	for _, typ := range []emulator.ResourceType{emulator.EFSFileSystem, emulator.EBSVolume} {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			for _, region := range []string{"us-east-1", "us-west-2"} {
				must(scnBackup(srv, emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
					GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
			}
			central := vtAccount(t, srv, scnCentral, "us-east-1", "central")
			secondary := vtAccount(t, srv, scnCentral, "us-west-2", "secondary")
			for name, c := range map[string]*awsbackup.Client{"central": central, "secondary": secondary} {
				must(c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(name), Policy: aws.String(scnOrgVaultPolicy)}))(t, "PutBackupVaultAccessPolicy")
			}
			src := vtAccount(t, srv, cpSource, "us-east-1", "local")
			dr := vtAccount(t, srv, cpSource, "us-west-2", "dr")
			res := srv.AddResource(cpSource, "us-east-1", typ, "", map[string]string{"business-unit": "payments"}, 1<<30)
			out := must(src.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(res),
				IamRoleArn: vtRole(cpSource), RecoveryPointTags: map[string]string{"orgbackup:tier": "production"}}))(t, "StartBackupJob")
			srv.Advance(time.Hour)
			rp := *vtJob(t, src, *out.BackupJobId).RecoveryPointArn

			copyTo := func(c *awsbackup.Client, account, vault, rp, dest string) string {
				t.Helper()
				out := must(c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{RecoveryPointArn: aws.String(rp), SourceBackupVaultName: aws.String(vault),
					DestinationBackupVaultArn: aws.String(dest), IamRoleArn: vtRole(account)}))(t, "StartCopyJob")
				srv.Advance(2 * emulator.DefaultCopyDuration)
				j := must(c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId}))(t, "DescribeCopyJob").CopyJob
				if j.State != backuptypes.CopyJobStateCompleted {
					t.Fatalf("copy to %s: %s (%s)", dest, j.State, aws.ToString(j.StatusMessage))
				}
				return *j.DestinationRecoveryPointArn
			}
			centralRP := copyTo(src, cpSource, "local", rp, cpCentralVault)
			drRP := copyTo(src, cpSource, "local", rp, drVault)
			secondaryRP := copyTo(central, scnCentral, "central", centralRP, secondaryVault)
			for _, x := range []struct {
				name string
				c    *awsbackup.Client
				arn  string
			}{
				{"central copy (another account)", central, centralRP},
				{"cross-Region copy (same account)", dr, drRP},
				{"secondary copy of the central copy", secondary, secondaryRP},
			} {
				if diff := cmp.Diff(want, tgTags(t, x.c, x.arn)); diff != "" {
					t.Errorf("%s %s: ListTags mismatch (-want +got):\n%s", x.name, x.arn, diff)
				}
			}
		})
	}
}
