package vault

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/orgbackup/orgbackup/managedtags"
)

// State is the live state of one account+region's vault and what
// surrounds it. Absent resources are nil.
type State struct {
	Key   *KeyState
	Vault *VaultState
	Topic *TopicState
}

// KeyState is a KMS key found by its alias.
type KeyState struct {
	Alias, KeyID, ARN, Description string
	// Policy is the key policy JSON as KMS returns it.
	Policy string
	// Rotation is whether automatic rotation is enabled.
	Rotation bool
	// Manager is "CUSTOMER" or "AWS"; KeyState is a kmstypes.KeyState.
	Manager, KeyState string
	Tags              map[string]string
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

// LockState is a Vault Lock as AWS reports it.
type LockState struct {
	MinRetentionDays, MaxRetentionDays int64
	// LockDate is when a compliance-mode lock becomes immutable; nil for
	// governance mode.
	LockDate *time.Time
}

// Immutable reports whether a compliance-mode lock is past its grace
// period at now ("AWS Backup Vault Lock": "On and after the lock date, the
// Vault Lock becomes immutable and cannot be changed or deleted").
func (l *LockState) Immutable(now time.Time) bool {
	return l != nil && l.LockDate != nil && !now.Before(*l.LockDate)
}

// NotificationState is a vault's notification configuration.
type NotificationState struct {
	TopicARN string
	Events   []string
}

// TopicState is an SNS topic.
type TopicState struct {
	Name, ARN string
	// Policy is the topic's access policy JSON.
	Policy string
	// Subscriptions are the topic's email subscriptions, sorted by endpoint.
	Subscriptions []Subscription
	Tags          map[string]string
}

// Subscription is an SNS subscription.
type Subscription struct {
	Protocol, Endpoint string
	// ARN is "PendingConfirmation" until the subscription is confirmed.
	ARN string
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

func isKMSNotFound(err error) bool {
	var nf *kmstypes.NotFoundException
	return errors.As(err, &nf)
}

func isBackupNotFound(err error) bool {
	var nf *backuptypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

func isSNSNotFound(err error) bool {
	var nf *snstypes.NotFoundException
	return errors.As(err, &nf)
}

// readKey finds a key by alias; nil when the alias does not exist or its
// key is pending deletion.
func readKey(ctx context.Context, api KMSReader, alias string) (*KeyState, error) {
	out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(alias)})
	if isKMSNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describing key: %w", err)
	}
	md := out.KeyMetadata
	if md == nil {
		return nil, nil
	}
	k := &KeyState{
		Alias:       alias,
		KeyID:       aws.ToString(md.KeyId),
		ARN:         aws.ToString(md.Arn),
		Description: aws.ToString(md.Description),
		Manager:     string(md.KeyManager),
		KeyState:    string(md.KeyState),
	}
	if md.KeyState == kmstypes.KeyStatePendingDeletion || md.KeyState == kmstypes.KeyStatePendingReplicaDeletion {
		return k, nil
	}
	pol, err := api.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: aws.String(k.KeyID), PolicyName: aws.String("default")})
	if err != nil {
		return nil, fmt.Errorf("getting key policy of %s: %w", k.ARN, err)
	}
	k.Policy = aws.ToString(pol.Policy)
	rot, err := api.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: aws.String(k.KeyID)})
	if err != nil {
		return nil, fmt.Errorf("getting rotation status of %s: %w", k.ARN, err)
	}
	k.Rotation = rot.KeyRotationEnabled
	if k.Tags, err = keyTags(ctx, api, k.KeyID); err != nil {
		return nil, err
	}
	return k, nil
}

func keyTags(ctx context.Context, api KMSReader, keyID string) (map[string]string, error) {
	tags := map[string]string{}
	pages := awskms.NewListResourceTagsPaginator(api, &awskms.ListResourceTagsInput{KeyId: aws.String(keyID)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing tags of key %s: %w", keyID, err)
		}
		for _, t := range out.Tags {
			tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
		}
	}
	return tags, nil
}

// keyManager returns the KeyManager ("AWS" or "CUSTOMER") of the key arn,
// "" when KMS does not know it.
func keyManager(ctx context.Context, api KMSReader, arn string) (string, error) {
	out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(arn)})
	if isKMSNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describing key %s: %w", arn, err)
	}
	if out.KeyMetadata == nil {
		return "", nil
	}
	return string(out.KeyMetadata.KeyManager), nil
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

// readTopic reads a topic; nil when it does not exist.
func readTopic(ctx context.Context, api SNSReader, arn string) (*TopicState, error) {
	attrs, err := api.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if isSNSNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("getting topic attributes: %w", err)
	}
	t := &TopicState{ARN: arn, Name: arn[strings.LastIndex(arn, ":")+1:], Policy: attrs.Attributes["Policy"]}
	subs, err := topicSubscriptions(ctx, api, arn)
	if err != nil {
		return nil, err
	}
	t.Subscriptions = subs
	tags, err := api.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("listing topic tags: %w", err)
	}
	t.Tags = map[string]string{}
	for _, tg := range tags.Tags {
		t.Tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return t, nil
}

func topicSubscriptions(ctx context.Context, api SNSReader, arn string) ([]Subscription, error) {
	var subs []Subscription
	pages := awssns.NewListSubscriptionsByTopicPaginator(api, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing subscriptions: %w", err)
		}
		for _, s := range out.Subscriptions {
			if aws.ToString(s.Protocol) != "email" {
				continue
			}
			subs = append(subs, Subscription{Protocol: "email", Endpoint: aws.ToString(s.Endpoint), ARN: aws.ToString(s.SubscriptionArn)})
		}
	}
	sort.Slice(subs, func(i, j int) bool {
		if subs[i].Endpoint != subs[j].Endpoint {
			return subs[i].Endpoint < subs[j].Endpoint
		}
		return subs[i].ARN < subs[j].ARN
	})
	return subs, nil
}
