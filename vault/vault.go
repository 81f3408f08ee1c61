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
//
// One file per kind holds the kind's change JSON, live state, read, plan
// and apply; plan.go, read.go and apply.go hold the orchestration and what
// several kinds share.
package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/orgbackup/orgbackup/policy"
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
	// AccessPolicy is its access policy ("" for none): who may copy into
	// it, and the deny statements that protect it.
	AccessPolicy string
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

// deprecatedVaultEvents are the BackupVaultEvents the PutBackupVaultNotifications
// API reference lists as "no longer supported": AWS rejects them.
var deprecatedVaultEvents = []string{
	"BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED",
	"RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED",
	"BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED",
}

// Validate reports every problem of d at once.
func (d *Desired) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if !policy.IsAccountID(d.Account) {
		bad("account", "must be a 12-digit account ID, got %q", d.Account)
	}
	if d.Region == "" {
		bad("region", "must be set")
	}
	// CreateBackupVault: vault names have 2 to 50 characters of
	// letters, digits and hyphens.
	checkVaultName := func(field, name string) {
		if len(name) < 2 || len(name) > 50 || strings.IndexFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			bad(field, "must have 2 to 50 letters, digits, hyphens or underscores, got %q", name)
		}
	}
	checkVaultName("vault", d.Vault)
	checkPolicy := func(field, doc string) {
		if doc == "" {
			return
		}
		if _, err := CanonicalPolicy(doc); err != nil {
			bad(field, "%v", err)
		}
	}
	if d.Key != nil {
		a := strings.TrimPrefix(d.Key.Alias, "alias/")
		if a == "" || strings.HasPrefix(a, "aws/") {
			// CreateAlias: aliases beginning with aws/ are reserved.
			bad("key.alias", "must be set and must not begin with aws/, got %q", d.Key.Alias)
		}
		checkPolicy("key.policy", d.Key.Policy)
	}
	checkPolicy("access_policy", d.AccessPolicy)
	if l := d.Lock; l != nil {
		// PutBackupVaultLockConfiguration limits.
		if l.MinRetentionDays < 0 || l.MaxRetentionDays < 0 || l.MaxRetentionDays > 36500 {
			bad("lock", "retention days must be between 0 (not enforced) and 36500")
		}
		if l.MinRetentionDays > 0 && l.MaxRetentionDays > 0 && l.MinRetentionDays > l.MaxRetentionDays {
			bad("lock", "min_retention_days (%d) must not exceed max_retention_days (%d)", l.MinRetentionDays, l.MaxRetentionDays)
		}
		if l.ChangeableForDays != 0 && (l.ChangeableForDays < 3 || l.ChangeableForDays > 36500) {
			bad("lock.changeable_for_days", "must be 0 (governance mode) or between 3 and 36500, got %d", l.ChangeableForDays)
		}
	}
	if a := d.AirGapped; a != nil {
		checkVaultName("air_gapped.name", a.Name)
		if a.Name == d.Vault {
			bad("air_gapped.name", "must differ from the vault's name %q", d.Vault)
		}
		// CreateLogicallyAirGappedBackupVault: minimum retention is at
		// least 7 days.
		if a.MinRetentionDays < 7 || a.MaxRetentionDays > 36500 || a.MaxRetentionDays < a.MinRetentionDays {
			bad("air_gapped", "retention must satisfy 7 <= min_retention_days <= max_retention_days <= 36500, got %d..%d", a.MinRetentionDays, a.MaxRetentionDays)
		}
	}
	if n := d.Notifications; n != nil {
		if n.Topic == "" || len(n.Topic) > 256 {
			bad("notifications.topic", "must have 1 to 256 characters")
		}
		if strings.HasSuffix(n.Topic, ".fifo") {
			// "Notification options with AWS Backup", Limitations: FIFO
			// topics are not supported.
			bad("notifications.topic", "AWS Backup cannot publish to FIFO topics, got %q", n.Topic)
		}
		if len(n.Events) == 0 {
			bad("notifications.events", "must list at least one event")
		}
		known := backuptypes.BackupVaultEvent("").Values()
		for i, e := range n.Events {
			switch {
			case slices.Contains(deprecatedVaultEvents, e):
				bad(fmt.Sprintf("notifications.events[%d]", i), "%s is deprecated and no longer supported by AWS Backup (PutBackupVaultNotifications); use BACKUP_JOB_COMPLETED, COPY_JOB_FAILED, RESTORE_JOB_COMPLETED and the like", e)
			case !slices.Contains(known, backuptypes.BackupVaultEvent(e)):
				bad(fmt.Sprintf("notifications.events[%d]", i), "unknown backup vault event %q", e)
			}
		}
		checkPolicy("notifications.topic_policy", n.TopicPolicy)
		for i, e := range n.Emails {
			if !strings.Contains(e, "@") {
				bad(fmt.Sprintf("notifications.emails[%d]", i), "%q is not an email address", e)
			}
		}
	}
	return errors.Join(errs...)
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
