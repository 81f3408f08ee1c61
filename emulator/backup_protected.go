package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Protected resources seen per resource or per vault
// (DescribeProtectedResource, ListProtectedResourcesByBackupVault in the
// AWS Backup API reference): a resource is protected when a recovery point
// of it exists, and described by its latest one.

// latestRecoveryPoints returns, per resource ARN, the newest recovery point
// of the account-region that keep accepts.
func (b *backupRegion) latestRecoveryPoints(keep func(*backuptypes.RecoveryPointByBackupVault) bool) map[string]backuptypes.RecoveryPointByBackupVault {
	latest := map[string]backuptypes.RecoveryPointByBackupVault{}
	for _, rp := range b.recoveryPoints {
		r := rp.rp
		arn := aws.ToString(r.ResourceArn)
		if arn == "" || !keep(&r) {
			continue
		}
		if cur, ok := latest[arn]; !ok || newestFirst(r.CreationDate, cur.CreationDate, *r.RecoveryPointArn, *cur.RecoveryPointArn) {
			latest[arn] = r
		}
	}
	return latest
}

func (s *Server) describeProtectedResource(c *Call, in *awsbackup.DescribeProtectedResourceInput) (*awsbackup.DescribeProtectedResourceOutput, error) {
	if err := bkRequire("ResourceArn", in.ResourceArn); err != nil {
		return nil, err
	}
	latest := s.backupCallLocked(c).latestRecoveryPoints(func(r *backuptypes.RecoveryPointByBackupVault) bool {
		return aws.ToString(r.ResourceArn) == *in.ResourceArn
	})
	r, ok := latest[*in.ResourceArn]
	if !ok {
		return nil, bkNotFound("Resource %s is not protected by AWS Backup in this account and Region.", *in.ResourceArn)
	}
	return &awsbackup.DescribeProtectedResourceOutput{
		ResourceArn:          r.ResourceArn,
		ResourceName:         r.ResourceName,
		ResourceType:         r.ResourceType,
		LastBackupTime:       r.CreationDate,
		LastBackupVaultArn:   r.BackupVaultArn,
		LastRecoveryPointArn: r.RecoveryPointArn,
	}, nil
}

// listProtectedResourcesByBackupVault lists the resources with recovery
// points in one vault of the caller's account. BackupVaultAccountId naming
// another account is refused: the emulator does not evaluate the
// cross-account access this would need.
func (s *Server) listProtectedResourcesByBackupVault(c *Call, in *awsbackup.ListProtectedResourcesByBackupVaultInput) (*awsbackup.ListProtectedResourcesByBackupVaultOutput, error) {
	if id := aws.ToString(in.BackupVaultAccountId); id != "" && id != c.Account {
		return nil, bkInvalidRequest("orgbackup emulator: ListProtectedResourcesByBackupVault answers for the caller's own vaults only, not account %s.", id)
	}
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	latest := b.latestRecoveryPoints(func(r *backuptypes.RecoveryPointByBackupVault) bool {
		return aws.ToString(r.BackupVaultArn) == v.arn
	})
	items := make([]backuptypes.ProtectedResource, 0, len(latest))
	for _, arn := range sortedKeys(latest) {
		r := latest[arn]
		items = append(items, backuptypes.ProtectedResource{
			LastBackupTime:       r.CreationDate,
			LastBackupVaultArn:   r.BackupVaultArn,
			LastRecoveryPointArn: r.RecoveryPointArn,
			ResourceArn:          r.ResourceArn,
			ResourceName:         r.ResourceName,
			ResourceType:         r.ResourceType,
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListProtectedResourcesByBackupVaultOutput{Results: page, NextToken: next}, nil
}
