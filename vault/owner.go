package vault

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's ownership fields).

// ownedByVault: a vault's access policy, lock and notifications have no
// tags of their own; the vault's say who owns them.
func ownedByVault(a plan.Address) plan.Address {
	a.Kind = KindVault
	return a
}

// vaultTags reads a backup vault's (or a logically air-gapped vault's)
// tags.
func vaultTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsbackup.NewFromConfig(cfg)
	out, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(a.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.BackupVaultArn))
	return tags, true, err
}

// liveKeyTags reads a KMS key's tags; the address names the key by alias.
func liveKeyTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awskms.NewFromConfig(cfg)
	out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(a.Name)})
	var nf *kmstypes.NotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags, err := keyTags(ctx, api, aws.ToString(out.KeyMetadata.KeyId))
	return tags, true, err
}

// topicTags reads an SNS topic's tags.
func topicTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awssns.NewFromConfig(cfg)
	out, err := api.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:sns:" + a.Region + ":" + a.Account + ":" + a.Name)})
	var nf *snstypes.NotFoundException
	var rnf *snstypes.ResourceNotFoundException
	if errors.As(err, &nf) || errors.As(err, &rnf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, true, nil
}
