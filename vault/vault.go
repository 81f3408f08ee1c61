// Package vault reconciles one account+region's AWS Backup vault and what
// surrounds it: the KMS key that encrypts it (key, alias, key policy,
// rotation), the vault access policy, Vault Lock, an optional logically
// air-gapped vault, and notifications (SNS topic, topic policy, email
// subscriptions, vault notifications). It also builds the policy documents
// those resources need.
//
// Plan reads live state and returns the changes that bring it to a Desired;
// Apply executes one change. Plan never mutates; Apply is idempotent.
package vault

import (
	"context"
	"encoding/json"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
)

// Resource kinds, as the engine stages them.
const (
	KindKey           = "kms_key"
	KindVault         = "backup_vault"
	KindAccessPolicy  = "vault_access_policy"
	KindLock          = "vault_lock"
	KindAirGapped     = "air_gapped_vault"
	KindTopic         = "sns_topic"
	KindNotifications = "vault_notifications"
)

// Change actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	// ActionReplace deletes the resource and creates it again: AWS cannot
	// change the property in place (a vault's key, an air-gapped vault's
	// retention).
	ActionReplace = "replace"
	ActionDelete  = "delete"
)

// Tag keys orgbackup sets on what it creates.
const (
	TagManaged = "orgbackup:managed"
	TagSpec    = "orgbackup:spec"
	// TagKeyAlias is set on every key orgbackup creates, with the key's
	// alias as value, so that a key created by an Apply that failed before
	// its alias was attached is found and reused instead of duplicated.
	TagKeyAlias = "orgbackup:alias"
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

// Change is one change to a resource of the vault's account+region; After
// holds everything Apply needs.
type Change struct {
	// Kind is the resource kind (Kind... constants) and Name its name:
	// the key alias ("alias/x"), the vault, air-gapped vault or topic name.
	Kind, Name string
	// Action is ActionCreate, ActionUpdate, ActionReplace or ActionDelete.
	Action string
	// Before and After are the resource's state now and after the change;
	// nil for absent.
	Before, After json.RawMessage
	// Destructive changes lose data or protection; the engine refuses
	// them unless allowed.
	Destructive bool
	// Irreversible changes cannot be undone once applied.
	Irreversible bool
	// Reason explains the change; display only.
	Reason string
	// DependsOn lists "kind/name" of changes in the same account+region
	// that must be applied first.
	DependsOn []string
}

// BackupAPI is the part of the AWS Backup client that vault reconciliation
// needs.
type BackupAPI interface {
	DescribeBackupVault(ctx context.Context, in *awsbackup.DescribeBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error)
	CreateBackupVault(ctx context.Context, in *awsbackup.CreateBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupVaultOutput, error)
	DeleteBackupVault(ctx context.Context, in *awsbackup.DeleteBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultOutput, error)
	CreateLogicallyAirGappedBackupVault(ctx context.Context, in *awsbackup.CreateLogicallyAirGappedBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateLogicallyAirGappedBackupVaultOutput, error)
	GetBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.GetBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultAccessPolicyOutput, error)
	PutBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.PutBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultAccessPolicyOutput, error)
	DeleteBackupVaultAccessPolicy(ctx context.Context, in *awsbackup.DeleteBackupVaultAccessPolicyInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultAccessPolicyOutput, error)
	PutBackupVaultLockConfiguration(ctx context.Context, in *awsbackup.PutBackupVaultLockConfigurationInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultLockConfigurationOutput, error)
	DeleteBackupVaultLockConfiguration(ctx context.Context, in *awsbackup.DeleteBackupVaultLockConfigurationInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultLockConfigurationOutput, error)
	GetBackupVaultNotifications(ctx context.Context, in *awsbackup.GetBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupVaultNotificationsOutput, error)
	PutBackupVaultNotifications(ctx context.Context, in *awsbackup.PutBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.PutBackupVaultNotificationsOutput, error)
	DeleteBackupVaultNotifications(ctx context.Context, in *awsbackup.DeleteBackupVaultNotificationsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupVaultNotificationsOutput, error)
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
}

// KMSAPI is the part of the AWS KMS client that vault reconciliation needs.
type KMSAPI interface {
	DescribeKey(ctx context.Context, in *awskms.DescribeKeyInput, optFns ...func(*awskms.Options)) (*awskms.DescribeKeyOutput, error)
	CreateKey(ctx context.Context, in *awskms.CreateKeyInput, optFns ...func(*awskms.Options)) (*awskms.CreateKeyOutput, error)
	ListKeys(ctx context.Context, in *awskms.ListKeysInput, optFns ...func(*awskms.Options)) (*awskms.ListKeysOutput, error)
	CreateAlias(ctx context.Context, in *awskms.CreateAliasInput, optFns ...func(*awskms.Options)) (*awskms.CreateAliasOutput, error)
	GetKeyPolicy(ctx context.Context, in *awskms.GetKeyPolicyInput, optFns ...func(*awskms.Options)) (*awskms.GetKeyPolicyOutput, error)
	PutKeyPolicy(ctx context.Context, in *awskms.PutKeyPolicyInput, optFns ...func(*awskms.Options)) (*awskms.PutKeyPolicyOutput, error)
	UpdateKeyDescription(ctx context.Context, in *awskms.UpdateKeyDescriptionInput, optFns ...func(*awskms.Options)) (*awskms.UpdateKeyDescriptionOutput, error)
	GetKeyRotationStatus(ctx context.Context, in *awskms.GetKeyRotationStatusInput, optFns ...func(*awskms.Options)) (*awskms.GetKeyRotationStatusOutput, error)
	EnableKeyRotation(ctx context.Context, in *awskms.EnableKeyRotationInput, optFns ...func(*awskms.Options)) (*awskms.EnableKeyRotationOutput, error)
	DisableKeyRotation(ctx context.Context, in *awskms.DisableKeyRotationInput, optFns ...func(*awskms.Options)) (*awskms.DisableKeyRotationOutput, error)
	ListResourceTags(ctx context.Context, in *awskms.ListResourceTagsInput, optFns ...func(*awskms.Options)) (*awskms.ListResourceTagsOutput, error)
	TagResource(ctx context.Context, in *awskms.TagResourceInput, optFns ...func(*awskms.Options)) (*awskms.TagResourceOutput, error)
}

// SNSAPI is the part of the Amazon SNS client that vault reconciliation
// needs.
type SNSAPI interface {
	CreateTopic(ctx context.Context, in *awssns.CreateTopicInput, optFns ...func(*awssns.Options)) (*awssns.CreateTopicOutput, error)
	GetTopicAttributes(ctx context.Context, in *awssns.GetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.GetTopicAttributesOutput, error)
	SetTopicAttributes(ctx context.Context, in *awssns.SetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.SetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *awssns.ListSubscriptionsByTopicInput, optFns ...func(*awssns.Options)) (*awssns.ListSubscriptionsByTopicOutput, error)
	Subscribe(ctx context.Context, in *awssns.SubscribeInput, optFns ...func(*awssns.Options)) (*awssns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *awssns.UnsubscribeInput, optFns ...func(*awssns.Options)) (*awssns.UnsubscribeOutput, error)
	ListTagsForResource(ctx context.Context, in *awssns.ListTagsForResourceInput, optFns ...func(*awssns.Options)) (*awssns.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *awssns.TagResourceInput, optFns ...func(*awssns.Options)) (*awssns.TagResourceOutput, error)
}

var (
	_ BackupAPI = (*awsbackup.Client)(nil)
	_ KMSAPI    = (*awskms.Client)(nil)
	_ SNSAPI    = (*awssns.Client)(nil)
)

// Clients are the SDK clients of one account+region. SNS may be nil when
// no Desired has Notifications.
type Clients struct {
	Backup BackupAPI
	KMS    KMSAPI
	SNS    SNSAPI
}

// Options configure Plan.
type Options struct {
	// Now returns the current time, to tell whether a compliance-mode
	// Vault Lock is past its grace period. Default time.Now.
	Now func() time.Time
}
