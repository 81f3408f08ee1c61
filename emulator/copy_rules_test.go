package emulator_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestCopyOneWayAtATime: RDS and Aurora recovery points are copied to
// another account or to another Region, never to both in one copy job;
// other types may be ("Copy a backup", "Feature availability by
// resource").
func TestCopyOneWayAtATime(t *testing.T) {
	t.Parallel()
	const (
		centralDR  = "arn:aws:backup:us-west-2:222222222222:backup-vault:central"
		sourceDR   = "arn:aws:backup:us-west-2:333333333333:backup-vault:dr"
		bothRefuse = "Cross-account and cross-Region copy in a single copy job is not supported for resource type "
	)
	tests := []struct {
		typ    emulator.ResourceType
		dest   string
		refuse bool
	}{
		{emulator.RDSInstance, cpCentralVault, false},
		{emulator.RDSInstance, sourceDR, false},
		{emulator.RDSInstance, centralDR, true},
		{emulator.AuroraCluster, cpCentralVault, false},
		{emulator.AuroraCluster, sourceDR, false},
		{emulator.AuroraCluster, centralDR, true},
		{emulator.EBSVolume, centralDR, false},
		{emulator.EFSFileSystem, centralDR, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ)+" to "+tc.dest, func(t *testing.T) {
			t.Parallel()
			srv, c, rp := cpWorld(t, scnOrgVaultPolicy, tc.typ, true)
			vtAccount(t, srv, cpSource, "us-west-2", "dr")
			dr := vtAccount(t, srv, scnCentral, "us-west-2", "central")
			must(dr.PutBackupVaultAccessPolicy(context.Background(), &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(scnOrgVaultPolicy)}))(t, "PutBackupVaultAccessPolicy")
			started, done := cpStart(t, srv, c, rp, tc.dest)
			if tc.refuse {
				if started.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(started.StatusMessage), bothRefuse+string(tc.typ)) {
					t.Errorf("copy: %s (%q), want FAILED: %s%s", started.State, aws.ToString(started.StatusMessage), bothRefuse, tc.typ)
				}
				return
			}
			if done.State != backuptypes.CopyJobStateCompleted {
				t.Errorf("copy: %s (%q), want COMPLETED", done.State, aws.ToString(done.StatusMessage))
			}
		})
	}
}

// TestCopyRDSTwoSteps: the supported route for RDS-family points, to the
// central account in the same Region, then from there to the other Region.
func TestCopyRDSTwoSteps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c, rp := cpWorld(t, scnOrgVaultPolicy, emulator.AuroraCluster, true)
	vtAccount(t, srv, scnCentral, "us-west-2", "central")
	_, done := cpStart(t, srv, c, rp, cpCentralVault)
	if done.State != backuptypes.CopyJobStateCompleted {
		t.Fatalf("copy to the central account: %s (%q)", done.State, aws.ToString(done.StatusMessage))
	}
	central := scnBackup(srv, scnCentral, "us-east-1")
	out := must(central.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		RecoveryPointArn: done.DestinationRecoveryPointArn, SourceBackupVaultName: aws.String("central"),
		DestinationBackupVaultArn: aws.String("arn:aws:backup:us-west-2:222222222222:backup-vault:central"), IamRoleArn: vtRole(scnCentral)}))(t, "StartCopyJob")
	srv.Advance(emulator.DefaultCopyDuration)
	j := must(central.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId}))(t, "DescribeCopyJob").CopyJob
	if j.State != backuptypes.CopyJobStateCompleted {
		t.Errorf("copy to the secondary Region: %s (%q), want COMPLETED", j.State, aws.ToString(j.StatusMessage))
	}
}

// TestCopyDynamoDBAdvancedFeatures: a backup policy's DynamoDB backups
// are not copied to another account or Region until advanced DynamoDB
// backup is turned on in the source account and Region; backups made
// after that are. A plan of the account's own, or an on-demand backup,
// turns them on by itself ("Advanced DynamoDB backup").
func TestCopyDynamoDBAdvancedFeatures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scnSetup(t)
	srv := w.srv
	table := srv.AddResource(scnProdApp, scnPrimary, emulator.DynamoDBTable, "ledger", map[string]string{"backup": "daily"}, 1<<30)
	tableCopies := func() []backuptypes.CopyJob {
		var out []backuptypes.CopyJob
		for _, j := range scnCopyJobs(t, srv, scnProdApp, scnPrimary) {
			if aws.ToString(j.ResourceArn) == table {
				out = append(out, j)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].CreationDate.Before(*out[j].CreationDate) })
		return out
	}
	srv.Advance(24 * time.Hour)
	before := tableCopies()
	if len(before) != 2 {
		t.Fatalf("%d copy jobs of the table on day 1, want 2 (central, us-west-2)", len(before))
	}
	for _, j := range before {
		if j.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(j.StatusMessage), "require advanced DynamoDB backup features") {
			t.Errorf("copy to %s before advanced features: %s (%q), want FAILED", aws.ToString(j.DestinationBackupVaultArn), j.State, aws.ToString(j.StatusMessage))
		}
		if !strings.HasPrefix(aws.ToString(j.SourceRecoveryPointArn), table+"/backup/") {
			t.Errorf("recovery point %s: want a DynamoDB backup ARN", aws.ToString(j.SourceRecoveryPointArn))
		}
	}
	must(scnBackup(srv, scnProdApp, scnPrimary).UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{
		ResourceTypeManagementPreference: map[string]bool{"DynamoDB": true}}))(t, "UpdateRegionSettings")
	srv.Advance(24 * time.Hour)
	after := tableCopies()[len(before):]
	if len(after) != 2 {
		t.Fatalf("%d copy jobs of the table on day 2, want 2", len(after))
	}
	for _, j := range after {
		if j.State != backuptypes.CopyJobStateCompleted {
			t.Errorf("copy to %s after advanced features: %s (%q), want COMPLETED", aws.ToString(j.DestinationBackupVaultArn), j.State, aws.ToString(j.StatusMessage))
		}
	}

	// On demand in another account: advanced features turn on.
	c := vtAccount(t, srv, "444444444444", scnPrimary, "local")
	other := srv.AddResource("444444444444", scnPrimary, emulator.DynamoDBTable, "", nil, 1<<20)
	id := vtOnDemand(t, c, "444444444444", "local", other, nil)
	srv.Advance(time.Hour)
	if rp := aws.ToString(vtJob(t, c, id).RecoveryPointArn); !strings.HasPrefix(rp, "arn:aws:backup:") {
		t.Errorf("on-demand DynamoDB backup %s: want an AWS Backup recovery point ARN", rp)
	}
	settings := must(c.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{}))(t, "DescribeRegionSettings")
	if !settings.ResourceTypeManagementPreference["DynamoDB"] {
		t.Errorf("DynamoDB management after an on-demand backup: off, want on")
	}
}
