package vault

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/orgbackup/orgbackup/managedtags"
)

// State is the live state of one account+region's vault and what
// surrounds it. Absent resources are nil.
type State struct {
	Key   *KeyState
	Vault *VaultState
	Topic *TopicState
}

// VaultState is a backup vault or logically air-gapped vault.
type VaultState struct {
	Name, ARN string
	// VaultType is "BACKUP_VAULT" or "LOGICALLY_AIR_GAPPED_BACKUP_VAULT".
	VaultType string
	// EncryptionKeyARN is the ARN of the key encrypting the vault ("" for
	// an air-gapped vault with an AWS owned key).
	EncryptionKeyARN string
	// RecoveryPoints is the number of recovery points in the vault.
	RecoveryPoints int64
	// AccessPolicy is the vault access policy JSON, "" for none.
	AccessPolicy string
	// Lock is the vault's Vault Lock (an air-gapped vault's retention),
	// nil for none.
	Lock *LockState
	// Notifications is the vault's notification configuration, nil for none.
	Notifications *NotificationState
	Tags          map[string]string
}

// Read reads the live state of the vault named vault, the KMS key with the
// alias keyAlias ("" skips it) and the SNS topic named topic ("" skips it)
// in account and region.
func Read(ctx context.Context, c Readers, account, region, vault, keyAlias, topic string) (*State, error) {
	var st State
	var err error
	if keyAlias != "" {
		if st.Key, err = readKey(ctx, c.KMS, aliasName(keyAlias)); err != nil {
			return nil, fmt.Errorf("reading KMS key %q in %s/%s: %w", aliasName(keyAlias), account, region, err)
		}
	}
	if vault != "" {
		if st.Vault, err = readVault(ctx, c.Backup, vault); err != nil {
			return nil, fmt.Errorf("reading backup vault %q in %s/%s: %w", vault, account, region, err)
		}
	}
	if topic != "" {
		if c.SNS == nil {
			return nil, fmt.Errorf("reading SNS topic %q in %s/%s: no SNS client", topic, account, region)
		}
		if st.Topic, err = readTopic(ctx, c.SNS, topicARN(account, region, topic)); err != nil {
			return nil, fmt.Errorf("reading SNS topic %q in %s/%s: %w", topic, account, region, err)
		}
	}
	return &st, nil
}

// ReadAirGapped reads a logically air-gapped vault; nil when absent.
func ReadAirGapped(ctx context.Context, c Readers, account, region, name string) (*VaultState, error) {
	v, err := readVault(ctx, c.Backup, name)
	if err != nil {
		return nil, fmt.Errorf("reading air-gapped vault %q in %s/%s: %w", name, account, region, err)
	}
	return v, nil
}

// aliasName adds the "alias/" prefix when missing.
func aliasName(a string) string {
	if strings.HasPrefix(a, "alias/") {
		return a
	}
	return "alias/" + a
}

func topicARN(account, region, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}

func isBackupNotFound(err error) bool {
	var nf *backuptypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

// readVault reads a vault; nil when it does not exist.
func readVault(ctx context.Context, api BackupReader, name string) (*VaultState, error) {
	out, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if isBackupNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describing vault: %w", err)
	}
	v := &VaultState{
		Name:             aws.ToString(out.BackupVaultName),
		ARN:              aws.ToString(out.BackupVaultArn),
		VaultType:        string(out.VaultType),
		EncryptionKeyARN: aws.ToString(out.EncryptionKeyArn),
		RecoveryPoints:   out.NumberOfRecoveryPoints,
	}
	if aws.ToBool(out.Locked) || out.MinRetentionDays != nil || out.MaxRetentionDays != nil {
		v.Lock = &LockState{
			MinRetentionDays: aws.ToInt64(out.MinRetentionDays),
			MaxRetentionDays: aws.ToInt64(out.MaxRetentionDays),
			LockDate:         out.LockDate,
		}
	}
	pol, err := api.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String(name)})
	switch {
	case isBackupNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("getting access policy: %w", err)
	default:
		v.AccessPolicy = aws.ToString(pol.Policy)
	}
	n, err := api.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: aws.String(name)})
	switch {
	case isBackupNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("getting notifications: %w", err)
	default:
		ns := &NotificationState{TopicARN: aws.ToString(n.SNSTopicArn)}
		for _, e := range n.BackupVaultEvents {
			ns.Events = append(ns.Events, string(e))
		}
		sort.Strings(ns.Events)
		v.Notifications = ns
	}
	if v.Tags, err = managedtags.BackupTags(ctx, api, v.ARN); err != nil {
		return nil, err
	}
	return v, nil
}
