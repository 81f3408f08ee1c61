package emulator_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/emulator"
)

// Helpers shared by the emulator's tests.

// backupTrust is a trust policy that lets AWS Backup assume a role.
const backupTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// newTestServer starts a server that the test closes when it ends.
func newTestServer(t *testing.T) *emulator.Server {
	t.Helper()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// errorCode returns the API error code of err ("" for nil).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

// wantErr fails the test unless err is (or wraps) an error of type T.
func wantErr[T error](t *testing.T, what string, err error) {
	t.Helper()
	wantErrAs[T](t, what, err)
}

// wantErrAs is wantErr returning the error of type T.
func wantErrAs[T error](t *testing.T, what string, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: error = %v, want %T", what, err, target)
	}
	return target
}

// must returns out, failing the test (named what) when err is set:
// must(client.Op(ctx, in))(t, "Op").
func must[T any](out T, err error) func(t *testing.T, what string) T {
	return func(t *testing.T, what string) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}
}

func scnBackup(srv *emulator.Server, account, region string) *awsbackup.Client {
	return awsbackup.NewFromConfig(srv.Config(account, region))
}

// scnRecoveryPoints lists a vault's recovery points through the SDK.
func scnRecoveryPoints(t *testing.T, srv *emulator.Server, account, region, vault string) []backuptypes.RecoveryPointByBackupVault {
	t.Helper()
	var out []backuptypes.RecoveryPointByBackupVault
	p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(scnBackup(srv, account, region), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)})
	for p.HasMorePages() {
		page := must(p.NextPage(context.Background()))(t, "ListRecoveryPointsByBackupVault")
		out = append(out, page.RecoveryPoints...)
	}
	return out
}

// vtAccount prepares account in region: the BackupRole trusting AWS
// Backup and the named vaults.
func vtAccount(t *testing.T, srv *emulator.Server, account, region string, vaults ...string) *awsbackup.Client {
	t.Helper()
	ctx := context.Background()
	iamc := awsiam.NewFromConfig(srv.Config(account, region))
	if _, err := iamc.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("BackupRole")}); err != nil {
		must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(backupTrust)}))(t, "CreateRole")
	}
	c := scnBackup(srv, account, region)
	for _, v := range vaults {
		must(c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(v)}))(t, "CreateBackupVault "+v)
	}
	return c
}

func vtRole(account string) *string {
	return aws.String("arn:aws:iam::" + account + ":role/BackupRole")
}

// vtBackupJobs lists the backup jobs of the caller's account and region,
// oldest first.
func vtBackupJobs(t *testing.T, c *awsbackup.Client) []backuptypes.BackupJob {
	t.Helper()
	var out []backuptypes.BackupJob
	p := awsbackup.NewListBackupJobsPaginator(c, &awsbackup.ListBackupJobsInput{})
	for p.HasMorePages() {
		page := must(p.NextPage(context.Background()))(t, "ListBackupJobs")
		out = append(out, page.BackupJobs...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreationDate.Before(*out[j].CreationDate) })
	return out
}

// vtOnDemand backs up a resource now and returns the job ID.
func vtOnDemand(t *testing.T, c *awsbackup.Client, account, vault, resource string, l *backuptypes.Lifecycle) string {
	t.Helper()
	out := must(c.StartBackupJob(context.Background(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String(vault), ResourceArn: aws.String(resource), IamRoleArn: vtRole(account), Lifecycle: l}))(t, "StartBackupJob")
	return *out.BackupJobId
}

func vtJob(t *testing.T, c *awsbackup.Client, id string) *awsbackup.DescribeBackupJobOutput {
	t.Helper()
	return must(c.DescribeBackupJob(context.Background(), &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(id)}))(t, "DescribeBackupJob")
}
