package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

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

// ErrRefused is wrapped by the errors of changes Apply never performs: a
// key deletion, a change to an immutable Vault Lock, the replacement of a
// vault that is not empty.
var ErrRefused = errors.New("refused")

// Apply performs one change planned by Plan in account and region. It
// reads the resource first and only calls what still differs, so running
// it again, or after a failure part-way, converges without duplicates.
// Options.Now tells whether a compliance-mode Vault Lock is already
// immutable, so that such a change is refused before anything is sent.
func Apply(ctx context.Context, c Writers, ch plan.Change, optFns ...func(*Options)) error {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	account, region := ch.Account, ch.Region
	a := applier{ctx: ctx, c: c, account: account, region: region, now: o.Now()}
	var err error
	switch ch.Kind {
	case KindKey:
		err = a.key(ch)
	case KindVault:
		err = a.vault(ch)
	case KindAirGapped:
		err = a.airGapped(ch)
	case KindAccessPolicy:
		err = a.accessPolicy(ch)
	case KindLock:
		err = a.lock(ch)
	case KindTopic:
		err = a.topic(ch)
	case KindNotifications:
		err = a.notifications(ch)
	default:
		err = fmt.Errorf("unknown kind %q", ch.Kind)
	}
	if err != nil {
		return fmt.Errorf("applying %s %s %q in %s/%s: %w", ch.Action, ch.Kind, ch.Name, account, region, err)
	}
	return nil
}

type applier struct {
	ctx             context.Context
	c               Writers
	account, region string
	now             time.Time
}

func decodeAfter(ch plan.Change, v any) error {
	if len(ch.After) == 0 {
		return fmt.Errorf("the change has no After state")
	}
	if err := json.Unmarshal(ch.After, v); err != nil {
		return fmt.Errorf("decoding After: %w", err)
	}
	return nil
}

func (a *applier) key(ch plan.Change) error {
	if ch.Action == plan.Delete {
		return fmt.Errorf("%w: orgbackup never schedules the deletion of KMS keys; schedule it with ScheduleKeyDeletion once no recovery point needs the key", ErrRefused)
	}
	var want keySpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	live, err := readKey(a.ctx, a.c.KMS, want.Alias)
	if err != nil {
		return err
	}
	if live == nil {
		id, err := a.createKey(want)
		if err != nil {
			return err
		}
		if live, err = readKey(a.ctx, a.c.KMS, want.Alias); err != nil {
			return err
		}
		if live == nil {
			return fmt.Errorf("key %s (%s) has no alias %s after creating it", id, want.Alias, want.Alias)
		}
	}
	if live.Manager != string(kmstypes.KeyManagerTypeCustomer) {
		return fmt.Errorf("key %s is not a customer managed key", live.ARN)
	}
	id := aws.String(live.KeyID)
	if len(want.Policy) > 0 {
		same, err := EqualPolicies(string(want.Policy), live.Policy)
		if err != nil {
			return err
		}
		if !same {
			if _, err := a.c.KMS.PutKeyPolicy(a.ctx, &awskms.PutKeyPolicyInput{KeyId: id, PolicyName: aws.String("default"), Policy: aws.String(string(want.Policy))}); err != nil {
				return fmt.Errorf("putting key policy: %w", err)
			}
		}
	}
	if want.Description != live.Description {
		if _, err := a.c.KMS.UpdateKeyDescription(a.ctx, &awskms.UpdateKeyDescriptionInput{KeyId: id, Description: aws.String(want.Description)}); err != nil {
			return fmt.Errorf("updating key description: %w", err)
		}
	}
	if want.Rotation != live.Rotation {
		if want.Rotation {
			_, err = a.c.KMS.EnableKeyRotation(a.ctx, &awskms.EnableKeyRotationInput{KeyId: id})
		} else {
			_, err = a.c.KMS.DisableKeyRotation(a.ctx, &awskms.DisableKeyRotationInput{KeyId: id})
		}
		if err != nil {
			return fmt.Errorf("setting key rotation: %w", err)
		}
	}
	if m := managedtags.Missing(want.Tags, live.Tags); len(m) > 0 {
		var tags []kmstypes.Tag
		for _, k := range m {
			tags = append(tags, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(want.Tags[k])})
		}
		if _, err := a.c.KMS.TagResource(a.ctx, &awskms.TagResourceInput{KeyId: id, Tags: tags}); err != nil {
			return fmt.Errorf("tagging key: %w", err)
		}
	}
	return nil
}

// createKey creates the key and its alias, reusing a key an earlier,
// interrupted Apply created (found by its managedtags.KeyAlias tag), and returns
// the key ID.
func (a *applier) createKey(want keySpec) (string, error) {
	id, err := a.findOrphanKey(want.Alias)
	if err != nil {
		return "", err
	}
	if id == "" {
		in := &awskms.CreateKeyInput{Description: aws.String(want.Description)}
		if len(want.Policy) > 0 {
			in.Policy = aws.String(string(want.Policy))
		}
		for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
			in.Tags = append(in.Tags, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(want.Tags[k])})
		}
		out, err := a.c.KMS.CreateKey(a.ctx, in)
		if err != nil {
			return "", fmt.Errorf("creating key: %w", err)
		}
		id = aws.ToString(out.KeyMetadata.KeyId)
	}
	_, err = a.c.KMS.CreateAlias(a.ctx, &awskms.CreateAliasInput{AliasName: aws.String(want.Alias), TargetKeyId: aws.String(id)})
	var exists *kmstypes.AlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("creating alias %s for key %s: %w", want.Alias, id, err)
	}
	return id, nil
}

// findOrphanKey returns the ID of an enabled customer managed key tagged
// managedtags.KeyAlias=alias, "" when there is none.
func (a *applier) findOrphanKey(alias string) (string, error) {
	var ids []string
	pages := awskms.NewListKeysPaginator(a.c.KMS, &awskms.ListKeysInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(a.ctx)
		if err != nil {
			return "", fmt.Errorf("listing keys: %w", err)
		}
		for _, k := range out.Keys {
			ids = append(ids, aws.ToString(k.KeyId))
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		d, err := a.c.KMS.DescribeKey(a.ctx, &awskms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			if isKMSNotFound(err) {
				continue
			}
			return "", fmt.Errorf("describing key %s: %w", id, err)
		}
		md := d.KeyMetadata
		if md == nil || md.KeyManager != kmstypes.KeyManagerTypeCustomer || md.KeyState != kmstypes.KeyStateEnabled {
			continue
		}
		tags, err := keyTags(a.ctx, a.c.KMS, id)
		if err != nil {
			return "", err
		}
		if tags[managedtags.KeyAlias] == alias {
			return id, nil
		}
	}
	return "", nil
}

// resolveKeyARN returns the ARN of the key with alias, "" for the AWS
// managed key (alias "").
func (a *applier) resolveKeyARN(alias string) (string, error) {
	if alias == "" {
		return "", nil
	}
	out, err := a.c.KMS.DescribeKey(a.ctx, &awskms.DescribeKeyInput{KeyId: aws.String(alias)})
	if err != nil {
		return "", fmt.Errorf("describing key %s: %w", alias, err)
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}

// vaultKeyMatches reports whether a live vault is encrypted with keyARN
// ("" meaning the AWS managed key).
func (a *applier) vaultKeyMatches(v *VaultState, keyARN string) (bool, error) {
	if keyARN != "" {
		return v.EncryptionKeyARN == keyARN, nil
	}
	m, err := keyManager(a.ctx, a.c.KMS, v.EncryptionKeyARN)
	if err != nil {
		return false, err
	}
	return m != string(kmstypes.KeyManagerTypeCustomer), nil
}

func (a *applier) vault(ch plan.Change) error {
	var want vaultSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	keyARN, err := a.resolveKeyARN(want.KeyAlias)
	if err != nil {
		return err
	}
	live, err := readVault(a.ctx, a.c.Backup, want.Name)
	if err != nil {
		return err
	}
	if live != nil {
		ok, err := a.vaultKeyMatches(live, keyARN)
		if err != nil {
			return err
		}
		if !ok {
			if ch.Action != plan.Replace {
				return fmt.Errorf("vault %s exists encrypted with %s, not %s: plan again", want.Name, live.EncryptionKeyARN, keyLabel(want.KeyAlias))
			}
			if err := a.deleteVault(live); err != nil {
				return err
			}
			live = nil
		}
	}
	if live == nil {
		in := &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(want.Name), BackupVaultTags: want.Tags}
		if keyARN != "" {
			in.EncryptionKeyArn = aws.String(keyARN)
		}
		if _, err := a.c.Backup.CreateBackupVault(a.ctx, in); err != nil {
			return fmt.Errorf("creating vault: %w", err)
		}
		return nil
	}
	return a.tagVault(live, want.Tags)
}

func (a *applier) deleteVault(v *VaultState) error {
	if v.RecoveryPoints > 0 {
		return fmt.Errorf("%w: vault %s holds %d recovery points and AWS deletes only empty vaults; orgbackup never deletes recovery points", ErrRefused, v.Name, v.RecoveryPoints)
	}
	if _, err := a.c.Backup.DeleteBackupVault(a.ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String(v.Name)}); err != nil && !isBackupNotFound(err) {
		return fmt.Errorf("deleting vault %s: %w", v.Name, err)
	}
	return nil
}

func (a *applier) tagVault(v *VaultState, want map[string]string) error {
	m := managedtags.Missing(want, v.Tags)
	if len(m) == 0 {
		return nil
	}
	tags := map[string]string{}
	for _, k := range m {
		tags[k] = want[k]
	}
	if _, err := a.c.Backup.TagResource(a.ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(v.ARN), Tags: tags}); err != nil {
		return fmt.Errorf("tagging vault %s: %w", v.Name, err)
	}
	return nil
}

func (a *applier) airGapped(ch plan.Change) error {
	var want airGappedSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	live, err := readVault(a.ctx, a.c.Backup, want.Name)
	if err != nil {
		return err
	}
	if live != nil {
		if live.VaultType != string(backuptypes.VaultTypeLogicallyAirGappedBackupVault) {
			return fmt.Errorf("vault %s exists as a %s", want.Name, live.VaultType)
		}
		same := live.Lock != nil && live.Lock.MinRetentionDays == want.MinRetentionDays && live.Lock.MaxRetentionDays == want.MaxRetentionDays
		if !same {
			if ch.Action != plan.Replace {
				return fmt.Errorf("air-gapped vault %s exists with other retention: plan again", want.Name)
			}
			if err := a.deleteVault(live); err != nil {
				return err
			}
			live = nil
		}
	}
	if live == nil {
		_, err := a.c.Backup.CreateLogicallyAirGappedBackupVault(a.ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
			BackupVaultName:  aws.String(want.Name),
			MinRetentionDays: aws.Int64(want.MinRetentionDays),
			MaxRetentionDays: aws.Int64(want.MaxRetentionDays),
			BackupVaultTags:  want.Tags,
		})
		if err != nil {
			return fmt.Errorf("creating air-gapped vault: %w", err)
		}
		return nil
	}
	return a.tagVault(live, want.Tags)
}

func (a *applier) accessPolicy(ch plan.Change) error {
	if ch.Action == plan.Delete {
		_, err := a.c.Backup.DeleteBackupVaultAccessPolicy(a.ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(ch.Name)})
		if err != nil && !isBackupNotFound(err) {
			return fmt.Errorf("deleting access policy: %w", err)
		}
		return nil
	}
	var want accessPolicySpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	// Putting the same policy again is harmless: no read needed.
	if _, err := a.c.Backup.PutBackupVaultAccessPolicy(a.ctx, &awsbackup.PutBackupVaultAccessPolicyInput{
		BackupVaultName: aws.String(want.Vault), Policy: aws.String(string(want.Policy)),
	}); err != nil {
		return fmt.Errorf("putting access policy: %w", err)
	}
	return nil
}

func (a *applier) lock(ch plan.Change) error {
	live, err := readVault(a.ctx, a.c.Backup, ch.Name)
	if err != nil {
		return err
	}
	if live == nil {
		if ch.Action == plan.Delete {
			return nil
		}
		return fmt.Errorf("vault %s does not exist", ch.Name)
	}
	// A compliance lock whose lock date has passed is immutable; AWS
	// refuses, and so does Apply, before sending anything.
	immutable := func() error {
		return fmt.Errorf("%w: the Vault Lock of %s is in compliance mode and immutable since %s", ErrRefused, ch.Name, live.Lock.LockDate.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if ch.Action == plan.Delete {
		if live.Lock == nil {
			return nil
		}
		if live.Lock.Immutable(a.now) {
			return immutable()
		}
		if _, err := a.c.Backup.DeleteBackupVaultLockConfiguration(a.ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String(ch.Name)}); err != nil && !isBackupNotFound(err) {
			return fmt.Errorf("deleting Vault Lock: %w", err)
		}
		return nil
	}
	var want lockSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	wl := &Lock{MinRetentionDays: want.MinRetentionDays, MaxRetentionDays: want.MaxRetentionDays, ChangeableForDays: want.ChangeableForDays}
	if live.Lock != nil && lockEqual(wl, live.Lock) {
		// Already applied: putting it again would restart a compliance
		// lock's grace period.
		return nil
	}
	if live.Lock != nil && live.Lock.Immutable(a.now) {
		return immutable()
	}
	in := &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String(ch.Name)}
	if want.MinRetentionDays > 0 {
		in.MinRetentionDays = aws.Int64(want.MinRetentionDays)
	}
	if want.MaxRetentionDays > 0 {
		in.MaxRetentionDays = aws.Int64(want.MaxRetentionDays)
	}
	if want.ChangeableForDays > 0 {
		in.ChangeableForDays = aws.Int64(want.ChangeableForDays)
	}
	if _, err := a.c.Backup.PutBackupVaultLockConfiguration(a.ctx, in); err != nil {
		return fmt.Errorf("putting Vault Lock: %w", err)
	}
	return nil
}

func (a *applier) topic(ch plan.Change) error {
	if a.c.SNS == nil {
		return fmt.Errorf("no SNS client")
	}
	var want topicSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	arn := topicARN(a.account, a.region, want.Name)
	live, err := readTopic(a.ctx, a.c.SNS, arn)
	if err != nil {
		return err
	}
	if live == nil {
		in := &awssns.CreateTopicInput{Name: aws.String(want.Name), Attributes: map[string]string{}}
		if len(want.Policy) > 0 {
			in.Attributes["Policy"] = string(want.Policy)
		}
		for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
			in.Tags = append(in.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
		}
		out, err := a.c.SNS.CreateTopic(a.ctx, in)
		if err != nil {
			return fmt.Errorf("creating topic: %w", err)
		}
		arn = aws.ToString(out.TopicArn)
		live = &TopicState{Name: want.Name, ARN: arn, Policy: string(want.Policy), Tags: want.Tags}
	}
	if len(want.Policy) > 0 {
		same, err := EqualPolicies(string(want.Policy), live.Policy)
		if err != nil {
			return err
		}
		if !same {
			if _, err := a.c.SNS.SetTopicAttributes(a.ctx, &awssns.SetTopicAttributesInput{
				TopicArn: aws.String(arn), AttributeName: aws.String("Policy"), AttributeValue: aws.String(string(want.Policy)),
			}); err != nil {
				return fmt.Errorf("setting topic policy: %w", err)
			}
		}
	}
	if m := managedtags.Missing(want.Tags, live.Tags); len(m) > 0 {
		var tags []snstypes.Tag
		for _, k := range m {
			tags = append(tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
		}
		if _, err := a.c.SNS.TagResource(a.ctx, &awssns.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags}); err != nil {
			return fmt.Errorf("tagging topic: %w", err)
		}
	}
	have := map[string][]Subscription{}
	for _, s := range live.Subscriptions {
		have[s.Endpoint] = append(have[s.Endpoint], s)
	}
	for _, e := range want.Emails {
		if len(have[e]) > 0 {
			continue
		}
		if _, err := a.c.SNS.Subscribe(a.ctx, &awssns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("email"), Endpoint: aws.String(e)}); err != nil {
			return fmt.Errorf("subscribing %s: %w", e, err)
		}
	}
	for _, e := range slices.Sorted(maps.Keys(have)) {
		if slices.Contains(want.Emails, e) {
			continue
		}
		for _, s := range have[e] {
			if !isSubscriptionARN(s.ARN) {
				// Pending confirmation: it has no ARN to unsubscribe
				// and expires unconfirmed.
				continue
			}
			_, err := a.c.SNS.Unsubscribe(a.ctx, &awssns.UnsubscribeInput{SubscriptionArn: aws.String(s.ARN)})
			if err != nil && !isSNSNotFound(err) {
				return fmt.Errorf("unsubscribing %s: %w", e, err)
			}
		}
	}
	return nil
}

func isSubscriptionARN(s string) bool { return len(s) > 8 && s[:8] == "arn:aws:" }

func (a *applier) notifications(ch plan.Change) error {
	if ch.Action == plan.Delete {
		_, err := a.c.Backup.DeleteBackupVaultNotifications(a.ctx, &awsbackup.DeleteBackupVaultNotificationsInput{BackupVaultName: aws.String(ch.Name)})
		if err != nil && !isBackupNotFound(err) {
			return fmt.Errorf("deleting notifications: %w", err)
		}
		return nil
	}
	var want notificationsSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	in := &awsbackup.PutBackupVaultNotificationsInput{BackupVaultName: aws.String(want.Vault), SNSTopicArn: aws.String(want.TopicARN)}
	for _, e := range want.Events {
		in.BackupVaultEvents = append(in.BackupVaultEvents, backuptypes.BackupVaultEvent(e))
	}
	if _, err := a.c.Backup.PutBackupVaultNotifications(a.ctx, in); err != nil {
		return fmt.Errorf("putting notifications: %w", err)
	}
	return nil
}
