package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestRestoreFromSharedAirGappedVault restores a recovery point of a
// logically air-gapped vault that its owner shares through AWS RAM
// ("Logically air-gapped vault", AWS Backup Developer Guide): accounts the
// share reaches restore it directly into their own account; any other
// account, and any cross-account recovery point outside such a vault, is
// not found as before.
func TestRestoreFromSharedAirGappedVault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const (
		region    = "us-east-1"
		source    = "333333333333"
		recovery  = "555555555555"
		unshared  = "444444444444"
		external  = "999999999999"
		vaultName = "ag"
	)
	srv := newTestServer(t)
	must(scnBackup(srv, emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
		GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
	central := vtAccount(t, srv, emulator.BackupAccountID, region)
	ag := must(central.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
		BackupVaultName: aws.String(vaultName), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)}))(t, "CreateLogicallyAirGappedBackupVault")
	must(central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(vaultName), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + source + `:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`)}))(t, "PutBackupVaultAccessPolicy")

	src := vtAccount(t, srv, source, region, "local")
	db := srv.AddResource(source, region, emulator.RDSInstance, "orders", nil, 1<<30)
	local := rsRecoveryPoint(t, srv, src, source, "local", db)
	copyToAG := func(rp string) string {
		cp := must(src.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
			RecoveryPointArn: aws.String(rp), SourceBackupVaultName: aws.String("local"), DestinationBackupVaultArn: ag.BackupVaultArn,
			IamRoleArn: vtRole(source), Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(30)}}))(t, "StartCopyJob")
		srv.Advance(emulator.DefaultCopyDuration + time.Hour)
		job := must(src.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: cp.CopyJobId}))(t, "DescribeCopyJob").CopyJob
		if job.State != backuptypes.CopyJobStateCompleted {
			t.Fatalf("copy job: %s %s", job.State, aws.ToString(job.StatusMessage))
		}
		return aws.ToString(job.DestinationRecoveryPointArn)
	}
	shared := copyToAG(local)
	// An EBS snapshot's ARN names no account.
	sharedEBS := copyToAG(rsRecoveryPoint(t, srv, src, source, "local", srv.AddResource(source, region, emulator.EBSVolume, "", nil, 1<<30)))

	must(awsram.NewFromConfig(srv.Config(emulator.BackupAccountID, region)).CreateResourceShare(ctx, &awsram.CreateResourceShareInput{
		Name: aws.String("recovery"), ResourceArns: []string{*ag.BackupVaultArn}, Principals: []string{recovery, external}}))(t, "CreateResourceShare")

	tests := map[string]struct {
		account, rp string
		wantCode    string // "" when the restore completes
	}{
		"an account the share reaches":               {account: recovery, rp: shared},
		"an account the share reaches, EBS":          {account: recovery, rp: sharedEBS},
		"an account outside the share":               {account: unshared, rp: shared, wantCode: "ResourceNotFoundException"},
		"an invited account not yet associated":      {account: external, rp: shared, wantCode: "ResourceNotFoundException"},
		"a shared account, a standard vault's point": {account: recovery, rp: local, wantCode: "ResourceNotFoundException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := vtAccount(t, srv, tc.account, region)
			meta, err := c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{
				BackupVaultName: aws.String(vaultName), BackupVaultAccountId: aws.String(emulator.BackupAccountID), RecoveryPointArn: aws.String(tc.rp)})
			if tc.wantCode == "" && err != nil {
				t.Fatalf("GetRecoveryPointRestoreMetadata: %v", err)
			}
			if tc.wantCode != "" && tc.rp == shared && errorCode(err) != tc.wantCode {
				t.Errorf("GetRecoveryPointRestoreMetadata: %v, want %s", err, tc.wantCode)
			}
			in := map[string]string{"DBInstanceIdentifier": "orders-restored"}
			if meta != nil {
				in = meta.RestoreMetadata
				if _, ok := in["DBInstanceIdentifier"]; ok {
					in["DBInstanceIdentifier"] = "orders-restored"
				}
			}
			out, err := c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(tc.rp), IamRoleArn: vtRole(tc.account), Metadata: in})
			if errorCode(err) != tc.wantCode {
				t.Fatalf("StartRestoreJob: %v, want %q", err, tc.wantCode)
			}
			if tc.wantCode != "" {
				return
			}
			j := rsWait(t, srv, c, *out.RestoreJobId)
			if j.Status != backuptypes.RestoreJobStatusCompleted {
				t.Fatalf("restore job: %s %s", j.Status, aws.ToString(j.StatusMessage))
			}
			created := aws.ToString(j.CreatedResourceArn)
			if !strings.Contains(created, ":"+tc.account+":") {
				t.Errorf("CreatedResourceArn %s, want a resource of account %s", created, tc.account)
			}
			found := false
			for _, r := range srv.Resources(tc.account, region) {
				found = found || r.ARN == created
			}
			if !found {
				t.Errorf("restored resource %s not in account %s", created, tc.account)
			}
		})
	}
}
