package emulator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// benchPolicy backs up everything tagged backup=daily in both regions at
// 05:00 UTC, keeps it 7 days, and copies it to the central account's vault
// in the same region for 30 days.
const benchPolicy = `{"plans":{"daily":{
  "regions":{"@@assign":["us-east-1","us-west-2"]},
  "rules":{"daily":{
    "schedule_expression":{"@@assign":"cron(0 5 ? * * *)"},
    "target_backup_vault_name":{"@@assign":"local"},
    "lifecycle":{"delete_after_days":{"@@assign":"7"}},
    "copy_actions":{"arn:aws:backup:us-east-1:222222222222:backup-vault:central":{
      "target_backup_vault_arn":{"@@assign":"arn:aws:backup:us-east-1:222222222222:backup-vault:central"},
      "lifecycle":{"delete_after_days":{"@@assign":"30"}}}}}},
  "selections":{"tags":{"daily":{
    "iam_role_arn":{"@@assign":"arn:aws:iam::$account:role/BackupRole"},
    "tag_key":{"@@assign":"backup"},
    "tag_value":{"@@assign":["daily"]}}}}}}}`

// benchOrg builds an organization of n workload accounts (plus the
// management and central accounts) with a backup policy, vaults, roles and
// perRegion resources per account and region.
func benchOrg(tb testing.TB, n, perRegion int) *emulator.Server {
	tb.Helper()
	ctx := context.Background()
	org := &emulator.Organization{ManagementAccount: emulator.ManagementAccountID, Units: []emulator.Unit{
		{ID: "ou-root-security", Name: "Security", Accounts: []emulator.Account{{ID: scnCentral}}},
		{ID: "ou-root-workloads", Name: "Workloads"},
	}}
	var accounts []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%012d", 400000000000+i)
		accounts = append(accounts, id)
		org.Units[1].Accounts = append(org.Units[1].Accounts, emulator.Account{ID: id})
	}
	srv := emulator.NewServer(emulator.WithOrganization(org))
	tb.Cleanup(srv.Close)
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	mgmt := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, scnPrimary))
	_, err := mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy})
	must(err)
	pol, err := mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("daily"), Description: aws.String("daily"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(benchPolicy)})
	must(err)
	_, err = mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: aws.String("ou-root-workloads")})
	must(err)
	for _, region := range []string{scnPrimary, scnDR} {
		_, err = awsbackup.NewFromConfig(srv.Config(emulator.ManagementAccountID, region)).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}})
		must(err)
	}
	central := awsbackup.NewFromConfig(srv.Config(scnCentral, scnPrimary))
	_, err = central.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central")})
	must(err)
	_, err = central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(scnOrgVaultPolicy)})
	must(err)
	daily := map[string]string{"backup": "daily"}
	for _, account := range accounts {
		_, err = awsiam.NewFromConfig(srv.Config(account, scnPrimary)).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(backupTrust)})
		must(err)
		for _, region := range []string{scnPrimary, scnDR} {
			_, err = awsbackup.NewFromConfig(srv.Config(account, region)).CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")})
			must(err)
			for i := 0; i < perRegion; i++ {
				typ := emulator.EFSFileSystem
				if i%2 == 1 {
					typ = emulator.DynamoDBTable
				}
				if srv.AddResource(account, region, typ, "", daily, int64(i+1)<<30) == "" {
					tb.Fatalf("adding a resource to %s/%s", account, region)
				}
			}
		}
	}
	return srv
}

// BenchmarkAdvance30Days advances a 100-account, 2-region organization
// with 20 resources per account and region by 30 days: 120,000 backup jobs
// and as many copy jobs to the central account, and 92,000 expirations.
func BenchmarkAdvance30Days(b *testing.B) {
	var rep emulator.AdvanceReport
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		srv := benchOrg(b, 100, 20)
		b.StartTimer()
		rep = srv.Advance(30 * 24 * time.Hour)
	}
	b.StopTimer()
	// Local recovery points of January 1-23 reach their 7 days by the
	// end of January 30.
	if rep.BackupJobsCompleted != 120000 || rep.CopyJobsCompleted != 120000 || rep.Expirations != 23*4000 {
		b.Fatalf("backup jobs completed %d, copy jobs completed %d, expirations %d; want 120000, 120000, 92000", rep.BackupJobsCompleted, rep.CopyJobsCompleted, rep.Expirations)
	}
	b.ReportMetric(float64(rep.BackupJobsCompleted+rep.CopyJobsCompleted), "jobs/op")
}
