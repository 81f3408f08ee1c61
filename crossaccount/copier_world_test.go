package crossaccount_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// The copy world: an organization of workload accounts, each with a
// backup role and a "local" vault of recovery points, and a backup account
// with an organization-wide "central" vault, cross-account backup enabled.
const (
	cwRegion    = "us-east-1"
	cwDR        = "us-west-2"
	cwCentral   = emulator.BackupAccountID
	cwOrgPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`
	cwTrust     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

type copyWorld struct {
	srv      *emulator.Server
	accounts []string
	// resources by account
	resources map[string][]string
}

func cwAccount(i int) string { return fmt.Sprintf("3%011d", i+1) }

// cwMust fails the test on err.
func cwMust[T any](tb testing.TB, what string) func(T, error) T {
	return func(v T, err error) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// newCopyWorld builds an organization of n workload accounts with perAccount
// completed recovery points each (EBS volumes without a KMS key, so copies
// need no key sharing).
func newCopyWorld(tb testing.TB, n, perAccount int) *copyWorld {
	tb.Helper()
	return newSizedCopyWorld(tb, n, perAccount, func(int, int) int64 { return 1 << 30 })
}

// newSizedCopyWorld is newCopyWorld with the size of account i's
// resource j given by size.
func newSizedCopyWorld(tb testing.TB, n, perAccount int, size func(i, j int) int64) *copyWorld {
	tb.Helper()
	var accounts []emulator.Account
	w := &copyWorld{resources: map[string][]string{}}
	for i := range n {
		w.accounts = append(w.accounts, cwAccount(i))
		accounts = append(accounts, emulator.Account{ID: cwAccount(i)})
	}
	org := &emulator.Organization{
		ManagementAccount: emulator.ManagementAccountID,
		Units: []emulator.Unit{
			{ID: "ou-root-security", Name: "Security", Accounts: []emulator.Account{{ID: cwCentral, Name: "backup"}}},
			{ID: "ou-root-workloads", Name: "Workloads", Accounts: accounts},
		},
	}
	w.srv = emulator.NewServer(func(o *emulator.Options) { o.Organization = org })
	tb.Cleanup(w.srv.Close)
	ctx := context.Background()
	for _, region := range []string{cwRegion, cwDR} {
		cwMust[*awsbackup.UpdateGlobalSettingsOutput](tb, "UpdateGlobalSettings")(w.backup(emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx,
			&awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))
		w.vault(tb, cwCentral, region, "central", cwOrgPolicy)
	}
	for i, a := range w.accounts {
		cwMust[*awsiam.CreateRoleOutput](tb, "CreateRole")(awsiam.NewFromConfig(w.srv.Config(a, cwRegion)).CreateRole(ctx,
			&awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(cwTrust)}))
		w.vault(tb, a, cwRegion, "local", "")
		for j := range perAccount {
			w.resources[a] = append(w.resources[a], w.srv.AddResource(a, cwRegion, emulator.EBSVolume, fmt.Sprintf("vol-%017x", j+1), nil, size(i, j)))
		}
	}
	for _, a := range w.accounts {
		for _, arn := range w.resources[a] {
			w.backupNow(tb, a, arn, nil)
		}
	}
	w.srv.Advance(time.Hour)
	return w
}

func (w *copyWorld) backup(account, region string) *awsbackup.Client {
	return awsbackup.NewFromConfig(w.srv.Config(account, region))
}

func (w *copyWorld) vault(tb testing.TB, account, region, name, policy string) {
	tb.Helper()
	c := w.backup(account, region)
	cwMust[*awsbackup.CreateBackupVaultOutput](tb, "CreateBackupVault")(c.CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}))
	if policy != "" {
		cwMust[*awsbackup.PutBackupVaultAccessPolicyOutput](tb, "PutBackupVaultAccessPolicy")(c.PutBackupVaultAccessPolicy(context.Background(),
			&awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(name), Policy: aws.String(policy)}))
	}
}

func (w *copyWorld) role(account string) string {
	return "arn:aws:iam::" + account + ":role/BackupRole"
}

// backupNow starts an on-demand backup of a resource into "local".
func (w *copyWorld) backupNow(tb testing.TB, account, arn string, l *backuptypes.Lifecycle) {
	tb.Helper()
	cwMust[*awsbackup.StartBackupJobOutput](tb, "StartBackupJob")(w.backup(account, cwRegion).StartBackupJob(context.Background(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String(w.role(account)), Lifecycle: l,
	}))
}

// routes copies every account's local vault to dest.
func (w *copyWorld) routes(dest string) []crossaccount.CopyRoute {
	var out []crossaccount.CopyRoute
	for _, a := range w.accounts {
		out = append(out, crossaccount.CopyRoute{Account: a, Region: cwRegion, Vault: "local", RoleARN: w.role(a), DestinationVaultARN: dest,
			Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(365)}, Label: "production"})
	}
	return out
}

func centralARN(region string) string {
	return "arn:aws:backup:" + region + ":" + cwCentral + ":backup-vault:central"
}

// direct reaches each account with the emulator's account credentials.
type direct struct{ srv *emulator.Server }

func (d direct) Config(_ context.Context, account, region string) (aws.Config, error) {
	return d.srv.Config(account, region), nil
}

// virtual runs a Copier in the emulator's virtual time.
func (w *copyWorld) virtual(o *crossaccount.CopyOptions) {
	o.Clock = w.srv.Now
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.srv.Advance(d)
		return nil
	}
}

// copyJobs lists every copy job of the workload accounts by source
// recovery point and destination.
func (w *copyWorld) copyJobs(tb testing.TB) map[string][]backuptypes.CopyJob {
	tb.Helper()
	out := map[string][]backuptypes.CopyJob{}
	for _, a := range w.accounts {
		p := awsbackup.NewListCopyJobsPaginator(w.backup(a, cwRegion), &awsbackup.ListCopyJobsInput{})
		for p.HasMorePages() {
			page := cwMust[*awsbackup.ListCopyJobsOutput](tb, "ListCopyJobs")(p.NextPage(context.Background()))
			for _, j := range page.CopyJobs {
				k := aws.ToString(j.SourceRecoveryPointArn) + " -> " + aws.ToString(j.DestinationBackupVaultArn)
				out[k] = append(out[k], j)
			}
		}
	}
	return out
}

// recoveryPoints counts the recovery points of a vault.
func (w *copyWorld) recoveryPoints(tb testing.TB, account, region, vault string) []backuptypes.RecoveryPointByBackupVault {
	tb.Helper()
	var out []backuptypes.RecoveryPointByBackupVault
	p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(w.backup(account, region), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)})
	for p.HasMorePages() {
		page := cwMust[*awsbackup.ListRecoveryPointsByBackupVaultOutput](tb, "ListRecoveryPointsByBackupVault")(p.NextPage(context.Background()))
		out = append(out, page.RecoveryPoints...)
	}
	return out
}

// duplicates returns the (recovery point, destination) pairs with more
// than one copy job that did not fail.
func duplicates(jobs map[string][]backuptypes.CopyJob) []string {
	var out []string
	for k, js := range jobs {
		n := 0
		for _, j := range js {
			if j.State != backuptypes.CopyJobStateFailed {
				n++
			}
		}
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}

// startCopies starts, from every workload account, a copy of each
// recovery point of its local vault into dest, as a backup plan's copy
// action does, and returns how many it started.
func (w *copyWorld) startCopies(tb testing.TB, dest string) int {
	tb.Helper()
	n := 0
	for _, a := range w.accounts {
		for _, rp := range w.recoveryPoints(tb, a, cwRegion, "local") {
			cwMust[*awsbackup.StartCopyJobOutput](tb, "StartCopyJob")(w.backup(a, cwRegion).StartCopyJob(context.Background(), &awsbackup.StartCopyJobInput{
				RecoveryPointArn: rp.RecoveryPointArn, SourceBackupVaultName: aws.String("local"), DestinationBackupVaultArn: aws.String(dest),
				IamRoleArn: aws.String(w.role(a)),
			}))
			n++
		}
	}
	return n
}

// sameBackups returns the backups (resource and creation date) a vault
// holds more than once.
func (w *copyWorld) sameBackups(tb testing.TB, account, region, vault string) []string {
	tb.Helper()
	seen := map[string]int{}
	for _, rp := range w.recoveryPoints(tb, account, region, vault) {
		seen[aws.ToString(rp.ResourceArn)+" "+aws.ToTime(rp.CreationDate).UTC().Format(time.RFC3339Nano)]++
	}
	var out []string
	for k, n := range seen {
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}
