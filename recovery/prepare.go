package recovery

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/servicerole"
)

// ensureRecoveryVault creates the recovery vault in to's account and
// Region, with an access policy that lets sourceAccount copy into it, and
// the restore role of the account if it has none.
//
// A copy into another account's vault needs the destination vault's
// access policy to allow backup:CopyIntoBackupVault to the source account
// ("Creating backup copies across AWS accounts", AWS Backup Developer
// Guide: "the destination vault's access policy must allow"). The restore
// runs with a role AWS Backup can assume in the restoring account; a
// recovery account outside every tier has none, so it gets the backup
// role orgbackup gives workload accounts (servicerole.BackupRole, with
// AWSBackupServiceRolePolicyForRestores). Both are tagged as orgbackup's.
func (r *Restorer) ensureRecoveryVault(ctx context.Context, api *awsbackup.Client, to location, sourceAccount string) error {
	tags := managedtags.For(r.sp.Name, r.sp.Tags)
	_, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
		BackupVaultName: aws.String(r.opts.RecoveryVault), BackupVaultTags: tags,
		CreatorRequestId: aws.String("orgbackup-recovery-" + to.account + "-" + to.region),
	})
	if err != nil {
		return fmt.Errorf("creating recovery vault %s in %s/%s: %w", r.opts.RecoveryVault, to.account, to.region, err)
	}
	doc, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "CopyBackForRestore",
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::" + sourceAccount + ":root"},
			"Action":    "backup:CopyIntoBackupVault",
			"Resource":  "*",
		}},
	})
	if _, err := api.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{
		BackupVaultName: aws.String(r.opts.RecoveryVault), Policy: aws.String(string(doc)),
	}); err != nil {
		return fmt.Errorf("letting %s copy into recovery vault %s in %s/%s: %w", sourceAccount, r.opts.RecoveryVault, to.account, to.region, err)
	}
	return r.ensureRestoreRole(ctx, to.account)
}

// ensureRestoreRole creates the restore role in account when it has none;
// an existing role is left as it is.
func (r *Restorer) ensureRestoreRole(ctx context.Context, account string) error {
	cfg, err := r.src.Config(ctx, account, "us-east-1")
	if err != nil {
		return fmt.Errorf("getting credentials for %s: %w", account, err)
	}
	want := servicerole.BackupRole(account, r.sp.Local.BackupRole, managedtags.For(r.sp.Name, r.sp.Tags))
	changes, err := servicerole.Plan(ctx, awsiam.NewFromConfig(cfg), account, want)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if c.Action != plan.Create {
			continue
		}
		for _, k := range servicerole.Kinds() {
			if k.Name == c.Kind {
				if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg, Now: r.opts.Now}, c); err != nil {
					return fmt.Errorf("creating restore role %s in %s: %w", r.sp.Local.BackupRole, account, err)
				}
			}
		}
	}
	return nil
}
