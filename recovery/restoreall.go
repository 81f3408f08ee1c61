package recovery

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Scope is a set of resources to restore together: every resource of
// Accounts with a completed recovery point in the From vault.
type Scope struct {
	// Accounts are the resources' accounts.
	Accounts []string
	// From is FromLocal (default), FromCentral or FromSecondary.
	From string
	// TargetAccount and TargetRegion are where they are restored; empty
	// means each resource's own account and Region.
	TargetAccount, TargetRegion string
}

// RestoreAll restores every resource of scope, one after the other, and
// returns what was restored; it stops at the first failure, returning the
// restores done so far with the error.
func (r *Restorer) RestoreAll(ctx context.Context, scope Scope) ([]*Result, error) {
	sources, err := r.Resources(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("no recovery point of accounts %v in the %s vault", scope.Accounts, orLocal(scope.From))
	}
	var out []*Result
	for _, src := range sources {
		res, err := r.Restore(ctx, Request{ResourceARN: src, From: scope.From, TargetAccount: scope.TargetAccount, TargetRegion: scope.TargetRegion})
		if err != nil {
			return out, fmt.Errorf("restoring %s: %w", src, err)
		}
		out = append(out, res)
	}
	return out, nil
}

func orLocal(from string) string {
	if from == "" {
		return FromLocal
	}
	return from
}

// Resources lists the resources of scope, sorted: those of its accounts
// with a completed recovery point in the From vault.
func (r *Restorer) Resources(ctx context.Context, scope Scope) ([]string, error) {
	var vaults []location
	switch orLocal(scope.From) {
	case FromLocal:
		for _, a := range scope.Accounts {
			for _, region := range r.sp.WorkloadRegions() {
				vaults = append(vaults, location{account: a, region: region, vault: r.sp.Local.Vault})
			}
		}
	default:
		v, err := r.vaultOf(scope.From, "", "")
		if err != nil {
			return nil, err
		}
		vaults = []location{v}
	}
	var out []string
	for _, v := range vaults {
		api, err := r.backupAPI(ctx, v.account, v.region)
		if err != nil {
			return nil, err
		}
		pg := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(v.vault)})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			var nf *backuptypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("listing recovery points of %s: %w", v.arn(), err)
			}
			for _, rp := range page.RecoveryPoints {
				arn := aws.ToString(rp.ResourceArn)
				_, _, account, _, _ := splitARN(arn)
				if rp.Status == backuptypes.RecoveryPointStatusCompleted && slices.Contains(scope.Accounts, account) {
					out = append(out, arn)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
