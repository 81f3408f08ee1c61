package emulator

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// backupVault is a backup vault or a logically air-gapped vault.
type backupVault struct {
	name, arn        string
	vaultType        backuptypes.VaultType
	state            backuptypes.VaultState
	keyARN           string
	keyType          backuptypes.EncryptionKeyType
	created          time.Time
	creatorRequestID string
	policy           *string
	lock             *backupVaultLock
	notifications    *backupVaultNotifications
}

// backupVaultLock is a vault's Vault Lock configuration. A lock without
// lockDate is in governance mode; one with lockDate is in compliance mode
// and becomes immutable on that date. Logically air-gapped vaults carry an
// immutable lock from creation.
type backupVaultLock struct {
	min, max *int64
	lockDate *time.Time
	airGap   bool
}

// immutable reports whether the lock can no longer be changed or deleted
// at now (Vault Lock developer guide: "On and after the lock date, the
// Vault Lock becomes immutable").
func (l *backupVaultLock) immutable(now time.Time) bool {
	return l.airGap || (l.lockDate != nil && !now.Before(*l.lockDate))
}

type backupVaultNotifications struct {
	topic  string
	events []backuptypes.BackupVaultEvent
}

// vaultLockInfo is the Vault Lock state of a vault, as the scheduler and
// copy engine need it to enforce retention.
type vaultLockInfo struct {
	// MinRetentionDays and MaxRetentionDays are nil when not enforced.
	MinRetentionDays, MaxRetentionDays *int64
	// Compliance is true for compliance mode (and air-gapped vaults).
	Compliance bool
	// LockDate is when a compliance lock becomes immutable.
	LockDate *time.Time
	// Immutable is true once the lock can no longer be changed.
	Immutable bool
}

// vaultLockLocked returns the Vault Lock of a vault; ok is false when the
// vault does not exist or has no lock.
func (s *Server) vaultLockLocked(account, region, name string) (vaultLockInfo, bool) {
	b := s.backup[regionKey{account, region}]
	if b == nil {
		return vaultLockInfo{}, false
	}
	v := b.vaults[name]
	if v == nil || v.lock == nil {
		return vaultLockInfo{}, false
	}
	l := v.lock
	return vaultLockInfo{
		MinRetentionDays: l.min,
		MaxRetentionDays: l.max,
		Compliance:       l.airGap || l.lockDate != nil,
		LockDate:         l.lockDate,
		Immutable:        l.immutable(s.now),
	}, true
}

func (b *backupRegion) vault(name *string) (*backupVault, error) {
	if err := bkRequire("BackupVaultName", name); err != nil {
		return nil, err
	}
	v := b.vaults[*name]
	if v == nil {
		return nil, bkNotFound("Backup vault %s does not exist in account %s and region %s.", *name, b.account, b.region)
	}
	return v, nil
}

func (b *backupRegion) recoveryPointCount(vault string) int64 {
	return int64(b.rpByVault[vault].len())
}

func (s *Server) createBackupVault(c *Call, in *awsbackup.CreateBackupVaultInput) (*awsbackup.CreateBackupVaultOutput, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	if v := b.vaults[*in.BackupVaultName]; v != nil {
		return nil, bkAlreadyExists(v.arn, v.creatorRequestID, "Backup vault with the same name already exists")
	}
	keyARN := aws.ToString(in.EncryptionKeyArn)
	if keyARN == "" {
		keyARN = s.backupDefaultKeyARNLocked(c.Account, c.Region)
	} else if !kmsKeyARNRE.MatchString(keyARN) {
		// CreateBackupVault: "If you specify a key, you must specify its
		// ARN, not its alias."
		return nil, bkInvalidParam("Invalid EncryptionKeyArn %q: specify the ARN of a KMS key.", keyARN)
	}
	v := &backupVault{
		name:             *in.BackupVaultName,
		arn:              b.arn("backup-vault", *in.BackupVaultName),
		vaultType:        backuptypes.VaultTypeBackupVault,
		state:            backuptypes.VaultStateAvailable,
		keyARN:           keyARN,
		keyType:          backuptypes.EncryptionKeyTypeCustomerManagedKmsKey,
		created:          s.now,
		creatorRequestID: aws.ToString(in.CreatorRequestId),
	}
	b.vaults[v.name] = v
	if len(in.BackupVaultTags) > 0 {
		b.tags[v.arn] = copyTags(in.BackupVaultTags)
	}
	return &awsbackup.CreateBackupVaultOutput{
		BackupVaultArn:  aws.String(v.arn),
		BackupVaultName: aws.String(v.name),
		CreationDate:    timePtr(v.created),
	}, nil
}

// createLogicallyAirGappedBackupVault creates the vault AVAILABLE at once:
// AWS reports CREATING first and AVAILABLE shortly after; the emulator
// skips the intermediate state.
func (s *Server) createLogicallyAirGappedBackupVault(c *Call, in *awsbackup.CreateLogicallyAirGappedBackupVaultInput) (*awsbackup.CreateLogicallyAirGappedBackupVaultOutput, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	if err := bkRequire("MinRetentionDays", in.MinRetentionDays, "MaxRetentionDays", in.MaxRetentionDays); err != nil {
		return nil, err
	}
	// CreateLogicallyAirGappedBackupVault: "The minimum value accepted is
	// 7 days"; Vault Lock's longest maximum is 36500 days.
	if *in.MinRetentionDays < 7 {
		return nil, bkInvalidParam("MinRetentionDays must be at least 7 days.")
	}
	if *in.MaxRetentionDays > 36500 || *in.MaxRetentionDays < *in.MinRetentionDays {
		return nil, bkInvalidParam("MaxRetentionDays must be at least MinRetentionDays and at most 36500 days.")
	}
	b := s.backupCallLocked(c)
	if v := b.vaults[*in.BackupVaultName]; v != nil {
		return nil, bkAlreadyExists(v.arn, v.creatorRequestID, "Backup vault with the same name already exists")
	}
	v := &backupVault{
		name:             *in.BackupVaultName,
		arn:              b.arn("backup-vault", *in.BackupVaultName),
		vaultType:        backuptypes.VaultTypeLogicallyAirGappedBackupVault,
		state:            backuptypes.VaultStateAvailable,
		keyType:          backuptypes.EncryptionKeyTypeAwsOwnedKmsKey,
		created:          s.now,
		creatorRequestID: aws.ToString(in.CreatorRequestId),
		lock:             &backupVaultLock{min: aws.Int64(*in.MinRetentionDays), max: aws.Int64(*in.MaxRetentionDays), airGap: true},
	}
	if k := aws.ToString(in.EncryptionKeyArn); k != "" {
		if !kmsKeyARNRE.MatchString(k) {
			return nil, bkInvalidParam("Invalid EncryptionKeyArn %q: specify the ARN of a KMS key.", k)
		}
		v.keyARN, v.keyType = k, backuptypes.EncryptionKeyTypeCustomerManagedKmsKey
	}
	b.vaults[v.name] = v
	if len(in.BackupVaultTags) > 0 {
		b.tags[v.arn] = copyTags(in.BackupVaultTags)
	}
	return &awsbackup.CreateLogicallyAirGappedBackupVaultOutput{
		BackupVaultArn:  aws.String(v.arn),
		BackupVaultName: aws.String(v.name),
		CreationDate:    timePtr(v.created),
		VaultState:      v.state,
	}, nil
}

func (s *Server) vaultMember(b *backupRegion, v *backupVault) backuptypes.BackupVaultListMember {
	m := backuptypes.BackupVaultListMember{
		BackupVaultArn:         aws.String(v.arn),
		BackupVaultName:        aws.String(v.name),
		CreationDate:           timePtr(v.created),
		EncryptionKeyType:      v.keyType,
		NumberOfRecoveryPoints: b.recoveryPointCount(v.name),
		VaultState:             v.state,
		VaultType:              v.vaultType,
		Locked:                 aws.Bool(v.lock != nil),
	}
	if v.keyARN != "" {
		m.EncryptionKeyArn = aws.String(v.keyARN)
	}
	if v.creatorRequestID != "" {
		m.CreatorRequestId = aws.String(v.creatorRequestID)
	}
	if v.lock != nil {
		m.MinRetentionDays = v.lock.min
		m.MaxRetentionDays = v.lock.max
		m.LockDate = v.lock.lockDate
	}
	return m
}

func (s *Server) describeBackupVault(c *Call, in *awsbackup.DescribeBackupVaultInput) (*awsbackup.DescribeBackupVaultOutput, error) {
	account := c.Account
	if a := aws.ToString(in.BackupVaultAccountId); a != "" && a != c.Account {
		// Only vaults shared through AWS RAM can be described across
		// accounts; the emulator shares none.
		return nil, bkNotFound("Backup vault %s does not exist in account %s.", aws.ToString(in.BackupVaultName), a)
	}
	b := s.backupRegionLocked(account, c.Region)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	m := s.vaultMember(b, v)
	return &awsbackup.DescribeBackupVaultOutput{
		BackupVaultArn:         m.BackupVaultArn,
		BackupVaultName:        m.BackupVaultName,
		CreationDate:           m.CreationDate,
		CreatorRequestId:       m.CreatorRequestId,
		EncryptionKeyArn:       m.EncryptionKeyArn,
		EncryptionKeyType:      m.EncryptionKeyType,
		LockDate:               m.LockDate,
		Locked:                 m.Locked,
		MaxRetentionDays:       m.MaxRetentionDays,
		MinRetentionDays:       m.MinRetentionDays,
		NumberOfRecoveryPoints: m.NumberOfRecoveryPoints,
		VaultState:             m.VaultState,
		VaultType:              m.VaultType,
	}, nil
}

func (s *Server) listBackupVaults(c *Call, in *awsbackup.ListBackupVaultsInput) (*awsbackup.ListBackupVaultsOutput, error) {
	b := s.backupCallLocked(c)
	var items []backuptypes.BackupVaultListMember
	if !in.ByShared { // no vault is shared with this account
		for _, name := range sortedKeys(b.vaults) {
			v := b.vaults[name]
			if in.ByVaultType != "" && v.vaultType != in.ByVaultType {
				continue
			}
			items = append(items, s.vaultMember(b, v))
		}
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupVaultsOutput{BackupVaultList: page, NextToken: next}, nil
}

func (s *Server) deleteBackupVault(c *Call, in *awsbackup.DeleteBackupVaultInput) (*awsbackup.DeleteBackupVaultOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	// DeleteBackupVault: "A vault can be deleted only if it is empty."
	if b.recoveryPointCount(v.name) > 0 {
		return nil, bkInvalidRequest("Backup vault cannot be deleted because it contains recovery points.")
	}
	// Vault Lock: after the grace time of a compliance-mode lock "the
	// vault and its lock are immutable".
	if v.lock != nil && v.lock.lockDate != nil && v.lock.immutable(s.now) {
		return nil, bkInvalidRequest("Backup vault %s is locked in compliance mode and cannot be deleted.", v.name)
	}
	delete(b.vaults, v.name)
	delete(b.tags, v.arn)
	return &awsbackup.DeleteBackupVaultOutput{}, nil
}

// checkPolicyDocument accepts a JSON object with a Statement member, the
// minimum of an IAM resource policy.
func checkPolicyDocument(doc string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return bkInvalidParam("The policy document is not valid JSON: %v", err)
	}
	st, ok := m["Statement"]
	if !ok || len(st) == 0 || string(st) == "null" {
		return bkInvalidParam("The policy document must contain a Statement.")
	}
	return nil
}

func (s *Server) putBackupVaultAccessPolicy(c *Call, in *awsbackup.PutBackupVaultAccessPolicyInput) (*awsbackup.PutBackupVaultAccessPolicyOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("Policy", in.Policy); err != nil {
		return nil, err
	}
	if err := checkPolicyDocument(*in.Policy); err != nil {
		return nil, err
	}
	v.policy = aws.String(*in.Policy)
	return &awsbackup.PutBackupVaultAccessPolicyOutput{}, nil
}

func (s *Server) getBackupVaultAccessPolicy(c *Call, in *awsbackup.GetBackupVaultAccessPolicyInput) (*awsbackup.GetBackupVaultAccessPolicyOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.policy == nil {
		return nil, bkNotFound("Backup vault %s has no access policy.", v.name)
	}
	return &awsbackup.GetBackupVaultAccessPolicyOutput{
		BackupVaultArn:  aws.String(v.arn),
		BackupVaultName: aws.String(v.name),
		Policy:          aws.String(*v.policy),
	}, nil
}

func (s *Server) deleteBackupVaultAccessPolicy(c *Call, in *awsbackup.DeleteBackupVaultAccessPolicyInput) (*awsbackup.DeleteBackupVaultAccessPolicyOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	v.policy = nil
	return &awsbackup.DeleteBackupVaultAccessPolicyOutput{}, nil
}

func (s *Server) putBackupVaultLockConfiguration(c *Call, in *awsbackup.PutBackupVaultLockConfigurationInput) (*awsbackup.PutBackupVaultLockConfigurationOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.vaultType != backuptypes.VaultTypeBackupVault {
		return nil, bkInvalidRequest("Vault Lock cannot be changed on a %s.", v.vaultType)
	}
	if v.lock != nil && v.lock.immutable(s.now) {
		return nil, bkInvalidRequest("Vault Lock on backup vault %s is immutable since %s and cannot be changed.", v.name, v.lock.lockDate.Format(time.RFC3339))
	}
	// Limits from PutBackupVaultLockConfiguration: shortest minimum 1
	// day, longest maximum 36500 days, ChangeableForDays 3 to 36500.
	if in.MinRetentionDays != nil && *in.MinRetentionDays < 1 {
		return nil, bkInvalidParam("MinRetentionDays must be at least 1 day.")
	}
	if in.MaxRetentionDays != nil && (*in.MaxRetentionDays < 1 || *in.MaxRetentionDays > 36500) {
		return nil, bkInvalidParam("MaxRetentionDays must be between 1 and 36500 days.")
	}
	if in.MinRetentionDays != nil && in.MaxRetentionDays != nil && *in.MinRetentionDays > *in.MaxRetentionDays {
		return nil, bkInvalidParam("MinRetentionDays must not be greater than MaxRetentionDays.")
	}
	l := &backupVaultLock{}
	if in.MinRetentionDays != nil {
		l.min = aws.Int64(*in.MinRetentionDays)
	}
	if in.MaxRetentionDays != nil {
		l.max = aws.Int64(*in.MaxRetentionDays)
	}
	if in.ChangeableForDays != nil {
		d := *in.ChangeableForDays
		if d < 3 || d > 36500 {
			return nil, bkInvalidParam("ChangeableForDays must be between 3 and 36500 days.")
		}
		l.lockDate = timePtr(s.now.Add(time.Duration(d) * 24 * time.Hour))
	}
	v.lock = l
	return &awsbackup.PutBackupVaultLockConfigurationOutput{}, nil
}

func (s *Server) deleteBackupVaultLockConfiguration(c *Call, in *awsbackup.DeleteBackupVaultLockConfigurationInput) (*awsbackup.DeleteBackupVaultLockConfigurationOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	// DeleteBackupVaultLockConfiguration: an immutable Vault Lock cannot be
	// deleted; InvalidRequestException.
	if v.lock != nil && v.lock.immutable(s.now) {
		return nil, bkInvalidRequest("Vault Lock on backup vault %s is immutable and cannot be deleted.", v.name)
	}
	v.lock = nil
	return &awsbackup.DeleteBackupVaultLockConfigurationOutput{}, nil
}

// supportedVaultEvents are the events PutBackupVaultNotifications accepts.
// The model's enum also lists deprecated events (BACKUP_JOB_SUCCESSFUL,
// BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED, RESTORE_JOB_SUCCESSFUL,
// RESTORE_JOB_FAILED, BACKUP_PLAN_CREATED, BACKUP_PLAN_MODIFIED) that "are
// no longer supported" (PutBackupVaultNotifications API reference); AWS
// answers them with "Please select from the following list of
// notifications".
var supportedVaultEvents = []backuptypes.BackupVaultEvent{
	backuptypes.BackupVaultEventBackupJobStarted,
	backuptypes.BackupVaultEventBackupJobCompleted,
	backuptypes.BackupVaultEventCopyJobStarted,
	backuptypes.BackupVaultEventCopyJobSuccessful,
	backuptypes.BackupVaultEventCopyJobFailed,
	backuptypes.BackupVaultEventRestoreJobStarted,
	backuptypes.BackupVaultEventRestoreJobCompleted,
	backuptypes.BackupVaultEventRecoveryPointModified,
	backuptypes.BackupVaultEventS3BackupObjectFailed,
	backuptypes.BackupVaultEventS3RestoreObjectFailed,
	backuptypes.BackupVaultEventContinuousBackupInterrupted,
	backuptypes.BackupVaultEventRecoveryPointIndexCompleted,
	backuptypes.BackupVaultEventRecoveryPointIndexDeleted,
	backuptypes.BackupVaultEventRecoveryPointIndexingFailed,
}

func (s *Server) putBackupVaultNotifications(c *Call, in *awsbackup.PutBackupVaultNotificationsInput) (*awsbackup.PutBackupVaultNotificationsOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("SNSTopicArn", in.SNSTopicArn); err != nil {
		return nil, err
	}
	if in.BackupVaultEvents == nil {
		return nil, bkMissing("BackupVaultEvents")
	}
	if !snsTopicARNRE.MatchString(*in.SNSTopicArn) {
		return nil, bkInvalidParam("Invalid SNSTopicArn %q.", *in.SNSTopicArn)
	}
	for _, e := range in.BackupVaultEvents {
		if !slices.Contains(supportedVaultEvents, e) {
			names := make([]string, len(supportedVaultEvents))
			for i, se := range supportedVaultEvents {
				names[i] = string(se)
			}
			return nil, bkInvalidParam("Please select from the following list of notifications %s", strings.Join(names, ", "))
		}
	}
	v.notifications = &backupVaultNotifications{topic: *in.SNSTopicArn, events: slices.Clone(in.BackupVaultEvents)}
	return &awsbackup.PutBackupVaultNotificationsOutput{}, nil
}

func (s *Server) getBackupVaultNotifications(c *Call, in *awsbackup.GetBackupVaultNotificationsInput) (*awsbackup.GetBackupVaultNotificationsOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.notifications == nil {
		return nil, bkNotFound("Backup vault %s has no notification configuration.", v.name)
	}
	return &awsbackup.GetBackupVaultNotificationsOutput{
		BackupVaultArn:    aws.String(v.arn),
		BackupVaultName:   aws.String(v.name),
		SNSTopicArn:       aws.String(v.notifications.topic),
		BackupVaultEvents: slices.Clone(v.notifications.events),
	}, nil
}

func (s *Server) deleteBackupVaultNotifications(c *Call, in *awsbackup.DeleteBackupVaultNotificationsInput) (*awsbackup.DeleteBackupVaultNotificationsOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	v.notifications = nil
	return &awsbackup.DeleteBackupVaultNotificationsOutput{}, nil
}

// backupVaultNotificationsLocked returns the SNS topic and events of a
// vault, for the job engine to publish to.
func (s *Server) backupVaultNotificationsLocked(account, region, name string) (string, []backuptypes.BackupVaultEvent, bool) {
	b := s.backup[regionKey{account, region}]
	if b == nil || b.vaults[name] == nil || b.vaults[name].notifications == nil {
		return "", nil, false
	}
	n := b.vaults[name].notifications
	return n.topic, slices.Clone(n.events), true
}
