// Package vault reconciles one account+region's AWS Backup vault and what
// surrounds it: the KMS key that encrypts it (key, alias, key policy,
// rotation), the vault access policy, Vault Lock, an optional logically
// air-gapped vault, and notifications (SNS topic, topic policy, email
// subscriptions, vault notifications). It also builds the policy documents
// those resources need.
//
// Plan reads live state through Readers and returns the plan.Changes, with
// absolute addresses, that bring it to a Desired; Apply executes one change
// through Writers. Kinds registers the package's resource kinds with the
// engine. Plan never mutates; Apply is idempotent.
package vault

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
)

// Resource kinds (see Kinds).
const (
	KindKey           = "kms_key"
	KindVault         = "backup_vault"
	KindAccessPolicy  = "vault_access_policy"
	KindLock          = "vault_lock"
	KindAirGapped     = "air_gapped_vault"
	KindTopic         = "sns_topic"
	KindNotifications = "vault_notifications"
)

// Desired is the desired state of one account+region's backup vault and
// what surrounds it.
type Desired struct {
	// Account and Region locate the resources.
	Account, Region string
	// Vault is the backup vault's name.
	Vault string
	// Key is the customer managed KMS key that encrypts the vault; nil
	// means the AWS managed key for AWS Backup (alias aws/backup).
	Key *Key
	// AccessPolicy is the vault access policy JSON; "" means none (an
	// existing policy is deleted).
	AccessPolicy string
	// Lock is the vault's Vault Lock; nil means none (an existing lock is
	// deleted while AWS still allows it).
	Lock *Lock
	// AirGapped is an optional logically air-gapped vault next to Vault;
	// nil means none is managed (an existing one is left alone).
	AirGapped *AirGapped
	// Notifications sends the vault's events to an SNS topic; nil means no
	// notifications (an existing vault notification configuration is
	// deleted; the topic is left alone).
	Notifications *Notifications
	// Tags are applied to everything created: KMS key, vaults, SNS topic.
	// They should include TagManaged=true and TagSpec=NAME.
	Tags map[string]string
}

// Key is a customer managed KMS key, found by its alias.
type Key struct {
	// Alias names the key, with or without the "alias/" prefix.
	Alias string
	// Description is the key's description.
	Description string
	// Policy is the key policy JSON (see WorkloadKeyPolicy and
	// CentralKeyPolicy); "" leaves the key policy alone (a new key gets
	// KMS's default key policy).
	Policy string
	// Rotation enables automatic yearly key rotation.
	Rotation bool
}

// Lock is a vault's Vault Lock configuration.
type Lock struct {
	// MinRetentionDays and MaxRetentionDays bound the retention of
	// recovery points in the vault; 0 means not enforced.
	MinRetentionDays, MaxRetentionDays int64
	// ChangeableForDays is the grace period of a compliance-mode lock
	// (3..36500 days); after it the lock can never be changed or removed.
	// 0 means governance mode.
	ChangeableForDays int64
}

// Compliance reports whether the lock is in compliance mode.
func (l *Lock) Compliance() bool { return l.ChangeableForDays > 0 }

// AirGapped is a logically air-gapped vault. Its retention is fixed at
// creation.
type AirGapped struct {
	// Name is the air-gapped vault's name.
	Name string
	// MinRetentionDays (at least 7) and MaxRetentionDays bound retention.
	MinRetentionDays, MaxRetentionDays int64
}

// Notifications sends backup vault events to an SNS topic with email
// subscriptions.
type Notifications struct {
	// Topic is the SNS topic's name, created in the same account+region.
	Topic string
	// TopicPolicy is the topic's access policy JSON; "" means
	// TopicPolicy(topic ARN), which lets AWS Backup publish.
	TopicPolicy string
	// Events are the BackupVaultEvents to send (e.g. "BACKUP_JOB_COMPLETED").
	Events []string
	// Emails are the email addresses subscribed to the topic.
	Emails []string
}

// BackupReader is the part of the AWS Backup client that reads a vault
// and what guards it; planning takes only readers, so the compiler proves
// planning cannot mutate.
type BackupReader interface {
	DescribeBackupVault(ctx context.Context, in *awsbackup.DescribeBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error)
	GetBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.GetBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultAccessPolicyOutput, error)
	GetBackupVaultNotifications(ctx context.Context, in *awsbackup.GetBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultNotificationsOutput, error)
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
}

// BackupWriter is the part of the AWS Backup client that applying vault
// changes uses (it reads before it writes).
type BackupWriter interface {
	BackupReader
	CreateBackupVault(ctx context.Context, in *awsbackup.CreateBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupVaultOutput, error)
	DeleteBackupVault(ctx context.Context, in *awsbackup.DeleteBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultOutput, error)
	CreateLogicallyAirGappedBackupVault(ctx context.Context, in *awsbackup.CreateLogicallyAirGappedBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateLogicallyAirGappedBackupVaultOutput, error)
	PutBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.PutBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultAccessPolicyOutput, error)
	DeleteBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.DeleteBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultAccessPolicyOutput, error)
	PutBackupVaultLockConfiguration(ctx context.Context, in *awsbackup.PutBackupVaultLockConfigurationInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultLockConfigurationOutput, error)
	DeleteBackupVaultLockConfiguration(ctx context.Context, in *awsbackup.DeleteBackupVaultLockConfigurationInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultLockConfigurationOutput, error)
	PutBackupVaultNotifications(ctx context.Context, in *awsbackup.PutBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultNotificationsOutput, error)
	DeleteBackupVaultNotifications(ctx context.Context, in *awsbackup.DeleteBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultNotificationsOutput, error)
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
}

// KMSReader is the part of the AWS KMS client that reads a vault's key.
type KMSReader interface {
	DescribeKey(ctx context.Context, in *awskms.DescribeKeyInput, optFns ...func(*awskms.Options)) (*awskms.DescribeKeyOutput, error)
	ListKeys(ctx context.Context, in *awskms.ListKeysInput, optFns ...func(*awskms.Options)) (*awskms.ListKeysOutput, error)
	GetKeyPolicy(ctx context.Context, in *awskms.GetKeyPolicyInput, optFns ...func(*awskms.Options)) (*awskms.GetKeyPolicyOutput, error)
	GetKeyRotationStatus(ctx context.Context, in *awskms.GetKeyRotationStatusInput, optFns ...func(*awskms.Options)) (*awskms.GetKeyRotationStatusOutput, error)
	ListResourceTags(ctx context.Context, in *awskms.ListResourceTagsInput, optFns ...func(*awskms.Options)) (*awskms.ListResourceTagsOutput, error)
}

// KMSWriter is the part of the AWS KMS client that applying key changes
// uses.
type KMSWriter interface {
	KMSReader
	CreateKey(ctx context.Context, in *awskms.CreateKeyInput, optFns ...func(*awskms.Options)) (*awskms.CreateKeyOutput, error)
	CreateAlias(ctx context.Context, in *awskms.CreateAliasInput, optFns ...func(*awskms.Options)) (*awskms.CreateAliasOutput, error)
	PutKeyPolicy(ctx context.Context, in *awskms.PutKeyPolicyInput, optFns ...func(*awskms.Options)) (*awskms.PutKeyPolicyOutput, error)
	UpdateKeyDescription(ctx context.Context, in *awskms.UpdateKeyDescriptionInput, optFns ...func(*awskms.Options)) (*awskms.UpdateKeyDescriptionOutput, error)
	EnableKeyRotation(ctx context.Context, in *awskms.EnableKeyRotationInput, optFns ...func(*awskms.Options)) (*awskms.EnableKeyRotationOutput, error)
	DisableKeyRotation(ctx context.Context, in *awskms.DisableKeyRotationInput, optFns ...func(*awskms.Options)) (*awskms.DisableKeyRotationOutput, error)
	TagResource(ctx context.Context, in *awskms.TagResourceInput, optFns ...func(*awskms.Options)) (*awskms.TagResourceOutput, error)
}

// SNSReader is the part of the Amazon SNS client that reads a
// notification topic.
type SNSReader interface {
	GetTopicAttributes(ctx context.Context, in *awssns.GetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *awssns.ListSubscriptionsByTopicInput, optFns ...func(*awssns.Options)) (*awssns.ListSubscriptionsByTopicOutput, error)
	ListTagsForResource(ctx context.Context, in *awssns.ListTagsForResourceInput, optFns ...func(*awssns.Options)) (*awssns.ListTagsForResourceOutput, error)
}

// SNSWriter is the part of the Amazon SNS client that applying topic
// changes uses.
type SNSWriter interface {
	SNSReader
	CreateTopic(ctx context.Context, in *awssns.CreateTopicInput, optFns ...func(*awssns.Options)) (*awssns.CreateTopicOutput, error)
	SetTopicAttributes(ctx context.Context, in *awssns.SetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.SetTopicAttributesOutput, error)
	Subscribe(ctx context.Context, in *awssns.SubscribeInput, optFns ...func(*awssns.Options)) (*awssns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *awssns.UnsubscribeInput, optFns ...func(*awssns.Options)) (*awssns.UnsubscribeOutput, error)
	TagResource(ctx context.Context, in *awssns.TagResourceInput, optFns ...func(*awssns.Options)) (*awssns.TagResourceOutput, error)
}

var (
	_ BackupWriter = (*awsbackup.Client)(nil)
	_ KMSWriter    = (*awskms.Client)(nil)
	_ SNSWriter    = (*awssns.Client)(nil)
)

// Readers are the read-only SDK clients of one account+region, which Plan
// and Read take. SNS may be nil when no Desired has Notifications.
type Readers struct {
	Backup BackupReader
	KMS    KMSReader
	SNS    SNSReader
}

// Writers are the SDK clients Apply takes.
type Writers struct {
	Backup BackupWriter
	KMS    KMSWriter
	SNS    SNSWriter
}

// Readers returns w's clients as readers.
func (w Writers) Readers() Readers {
	return Readers{Backup: w.Backup, KMS: w.KMS, SNS: w.SNS}
}

// NewWriters returns the SDK clients of cfg's account and Region; as
// Readers (w.Readers()) they serve Plan.
func NewWriters(cfg aws.Config) Writers {
	return Writers{Backup: awsbackup.NewFromConfig(cfg), KMS: awskms.NewFromConfig(cfg), SNS: awssns.NewFromConfig(cfg)}
}

// Options configure Plan.
type Options struct {
	// Now returns the current time, to tell whether a compliance-mode
	// Vault Lock is past its grace period. Default time.Now.
	Now func() time.Time
}
