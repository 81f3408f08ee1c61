package emulator

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
)

// Restore jobs. StartRestoreJob checks what AWS Backup checks when the
// call is made (the recovery point exists in the caller's account and
// Region, or in a logically air-gapped vault shared with it through AWS
// RAM, and is COMPLETED; the vault's access policy does not deny
// backup:StartRestoreJob) and creates the job PENDING. The job then either
// FAILS at once with a status message (role, KMS key, existing target) or
// runs for the restore duration (RestoreDuration) and is COMPLETED with
// the restored resource created in the caller's account and Region. Jobs
// that a restore testing plan starts keep the restored resource for the
// selection's validation window and then delete it (DeletionStatus).

// restoreRequest is everything a restore job needs.
type restoreRequest struct {
	account, region string
	rpARN           string
	// rpAccount owns the recovery point when it is not account: the
	// owner of a logically air-gapped vault shared with account through
	// AWS RAM.
	rpAccount      string
	role           string
	resourceType   string
	metadata       map[string]string
	copySourceTags bool
	// testing is set for jobs that a restore testing plan starts.
	testing *restoreTestingRun
}

// rpOwner is the account whose Backup state holds the recovery point.
func (req restoreRequest) rpOwner() string {
	if req.rpAccount != "" {
		return req.rpAccount
	}
	return req.account
}

// restoreTestingRun says which restore testing selection started a job.
type restoreTestingRun struct {
	planARN          string
	validationWindow time.Duration
}

// restoreModel is the base and per-GiB time of a restore of resourceType
// (the table of RestoreDuration).
func restoreModel(resourceType string) (base, perGiB time.Duration) {
	switch resourceType {
	case "EBS":
		return 5 * time.Minute, 6 * time.Second
	case "EC2":
		return 10 * time.Minute, 6 * time.Second
	case "RDS":
		return 20 * time.Minute, 15 * time.Second
	case "Aurora":
		return 25 * time.Minute, 10 * time.Second
	case "EFS":
		return 10 * time.Minute, 60 * time.Second
	case "DynamoDB":
		return 15 * time.Minute, 30 * time.Second
	case "S3":
		return 10 * time.Minute, 45 * time.Second
	}
	return DefaultRestoreDuration, 30 * time.Second
}

// restoreColdPenalty is added to restores of recovery points in cold
// storage.
const restoreColdPenalty = 4 * time.Hour

// RestoreDuration returns how long the emulator's model makes a restore of
// a recovery point of resourceType holding sizeBytes take (cold: from cold
// storage), before the per-job variation. AWS publishes no restore times: they depend on the
// resource type, the amount of data and, for cold storage, on the tier.
// The emulator models a restore as a fixed provisioning time plus a time
// per GiB of the recovery point, per resource type:
//
//	type      base    per GiB   what it stands for
//	EBS       5 min   6 s       volume created from the snapshot, lazily hydrated
//	EC2       10 min  6 s       AMI registered and instance launched
//	RDS       20 min  15 s      DB instance created from the snapshot
//	Aurora    25 min  10 s      cluster restored from the snapshot
//	EFS       10 min  60 s      files copied into a new file system
//	DynamoDB  15 min  30 s      table restored item by item
//	S3        10 min  45 s      objects copied into the bucket
//	other     30 min  30 s      (DefaultRestoreDuration)
//
// A recovery point in cold storage adds 4 hours (data staged from the cold
// tier first). The result varies by up to ±10% with a factor derived from
// the job ID (IDs come from the server's seed, so a seed always gives the
// same durations), and is rounded up to a whole minute. When
// SetJobDurations sets Restore, every restore takes exactly that long
// instead.
func RestoreDuration(resourceType string, sizeBytes int64, cold bool) time.Duration {
	base, perGiB := restoreModel(resourceType)
	gib := float64(sizeBytes) / float64(1<<30)
	d := base + time.Duration(gib*float64(perGiB))
	if cold {
		d += restoreColdPenalty
	}
	return d
}

// restoreDurationLocked is the duration of one restore job: the model with
// the job's variation, or the fixed duration SetJobDurations set.
func (s *Server) restoreDurationLocked(jobID, resourceType string, sizeBytes int64, cold bool) time.Duration {
	e := s.engineLocked()
	if e.restoreFixed {
		return e.durations.Restore
	}
	h := fnv.New64a()
	h.Write([]byte(jobID))
	factor := 0.9 + 0.2*float64(h.Sum64()%1001)/1000
	d := time.Duration(float64(RestoreDuration(resourceType, sizeBytes, cold)) * factor)
	if r := d % time.Minute; r != 0 {
		d += time.Minute - r
	}
	return d
}

// startRestoreJob is StartRestoreJob.
func (s *Server) startRestoreJob(c *Call, in *awsbackup.StartRestoreJobInput) (*awsbackup.StartRestoreJobOutput, error) {
	if err := bkRequire("RecoveryPointArn", in.RecoveryPointArn); err != nil {
		return nil, err
	}
	if in.Metadata == nil {
		return nil, bkMissing("Metadata")
	}
	if role := aws.ToString(in.IamRoleArn); role != "" && !iamRoleARNRE.MatchString(role) {
		return nil, bkInvalidParam("Invalid IamRoleArn %q.", role)
	}
	_, owner, err := s.restorableRecoveryPointLocked(c, *in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	var rpAccount string
	if owner != c.Account {
		rpAccount = owner
	}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		if id, ok := s.engineLocked().idempotency("restore", c.Account, c.Region, tok); ok {
			return &awsbackup.StartRestoreJobOutput{RestoreJobId: aws.String(id)}, nil
		}
	}
	id := s.createRestoreJobLocked(restoreRequest{
		account:        c.Account,
		region:         c.Region,
		rpARN:          *in.RecoveryPointArn,
		rpAccount:      rpAccount,
		role:           aws.ToString(in.IamRoleArn),
		resourceType:   aws.ToString(in.ResourceType),
		metadata:       maps.Clone(in.Metadata),
		copySourceTags: in.CopySourceTagsToRestoredResource,
	})
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		s.engineLocked().remember("restore", c.Account, c.Region, tok, id)
	}
	return &awsbackup.StartRestoreJobOutput{RestoreJobId: aws.String(id)}, nil
}

// restorableRecoveryPointLocked returns the recovery point a restore
// names, or the error StartRestoreJob answers with.
//
// A restore reads a recovery point of the restoring account's own vaults in
// its own Region. A backup held in another account (a central or recovery
// account's vault) is first copied into the account that restores it: "If
// your original backup is inadvertently deleted, you can copy the backup
// from its destination account to its source account, and then start the
// restore" ("Creating backup copies across AWS accounts", AWS Backup
// Developer Guide,
// https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html);
// likewise a recovery point of another Region is copied into the Region
// first ("Cross-Region copy"). The exact error AWS returns for a recovery
// point ARN of another account is not documented; the emulator answers
// ResourceNotFoundException, as the caller's vaults do not hold it.
//
// The one exception is a logically air-gapped vault of another account
// shared with the caller through AWS RAM: its recovery points are restored
// directly from the recovery account, without a copy (see
// sharedAirGappedRecoveryPointLocked).
//
// owner is the account whose vault holds the recovery point.
func (s *Server) restorableRecoveryPointLocked(c *Call, arn string) (rp *backupRecoveryPoint, owner string, err error) {
	b := s.backupCallLocked(c)
	rp = b.recoveryPoints[arn]
	if rp == nil {
		if sb, srp := s.sharedAirGappedRecoveryPointLocked(c, arn); srp != nil {
			b, rp = sb, srp
		}
	}
	if rp == nil {
		if _, region, account, _, ok := arnRegionAccount(arn); ok && ((account != "" && account != c.Account) || (region != "" && region != c.Region)) {
			return nil, "", bkNotFound("Recovery point %s does not exist in account %s and region %s. Copy it into a backup vault of this account and region first, then restore the copy.", arn, c.Account, c.Region)
		}
		return nil, "", bkNotFound("Recovery point %s does not exist.", arn)
	}
	if rp.rp.Status != backuptypes.RecoveryPointStatusCompleted {
		return nil, "", bkInvalidRequest("Recovery point %s is %s; only COMPLETED recovery points can be restored.", arn, rp.rp.Status)
	}
	// A vault access policy can deny restores ("Access policies" in "Backup
	// vault access policies", AWS Backup Developer Guide: the example
	// policies deny backup:StartRestoreJob... on the vault's recovery
	// points); an explicit Deny in a resource policy overrides any Allow
	// ("Policy evaluation logic", IAM User Guide).
	if v := b.vaults[rp.vault]; v != nil && v.policy != nil {
		doc := s.parsedPolicyLocked(*v.policy, policyResource)
		p := c.Caller
		if doc != nil && doc.eval(policyRequest{
			Principal: &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN},
			Action:    "backup:StartRestoreJob",
			Resource:  arn,
			Context:   s.callerContextLocked(p),
		}) == decisionDeny {
			return nil, "", errAccessDenied("User: %s is not authorized to perform: backup:StartRestoreJob on resource: %s with an explicit deny in a resource-based policy", p.ARN, arn)
		}
	}
	return rp, b.account, nil
}

// sharedAirGappedRecoveryPointLocked returns the recovery point arn and
// the Backup state of its owner when it lies in a logically air-gapped
// vault of another account, in the caller's Region, that the owner shares
// with the caller through an AWS RAM resource share whose association with
// the caller is in effect (ramSharedWithLocked); nil otherwise.
//
// "Logically air-gapped vault", AWS Backup Developer Guide
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html):
// a logically air-gapped vault can be shared with other accounts through
// AWS Resource Access Manager "so that recovery time objectives (RTOs) can
// be faster", and the accounts it is shared with restore its recovery
// points directly. Only this vault type is shareable; every other
// cross-account recovery point stays not found, as before.
func (s *Server) sharedAirGappedRecoveryPointLocked(c *Call, arn string) (*backupRegion, *backupRecoveryPoint) {
	// The ARN does not always name its owner (EBS snapshot and AMI ARNs
	// have no account), so look in the vaults shared with the caller.
	for k, r := range s.ram {
		if k.region != c.Region || k.account == c.Account {
			continue
		}
		b := s.backup[regionKey{k.account, k.region}]
		if b == nil || b.recoveryPoints[arn] == nil {
			continue
		}
		rp := b.recoveryPoints[arn]
		v := b.vaults[rp.vault]
		if v == nil || v.vaultType != backuptypes.VaultTypeLogicallyAirGappedBackupVault {
			continue
		}
		for _, sh := range r.shares {
			if sh.share.Status == ramtypes.ResourceShareStatusActive && slices.Contains(sh.resources, v.arn) && s.ramSharedWithLocked(sh, c.Account) {
				return b, rp
			}
		}
	}
	return nil, nil
}

// vaultSharedWithLocked reports whether owner shares vaultARN with account
// through an active RAM resource share.
func (s *Server) vaultSharedWithLocked(owner, region, vaultARN, account string) bool {
	r := s.ram[regionKey{owner, region}]
	if r == nil {
		return false
	}
	for _, sh := range r.shares {
		if sh.share.Status == ramtypes.ResourceShareStatusActive && slices.Contains(sh.resources, vaultARN) && s.ramSharedWithLocked(sh, account) {
			return true
		}
	}
	return false
}

// createRestoreJobLocked creates a restore job and starts or fails it; it
// returns the job ID.
func (s *Server) createRestoreJobLocked(req restoreRequest) string {
	b := s.backupRegionLocked(req.rpOwner(), req.region)
	rp := b.recoveryPoints[req.rpARN]
	job := backuptypes.RestoreJobsListMember{
		RecoveryPointArn:          rp.rp.RecoveryPointArn,
		RecoveryPointCreationDate: rp.rp.CreationDate,
		BackupVaultArn:            rp.rp.BackupVaultArn,
		BackupSizeInBytes:         rp.rp.BackupSizeInBytes,
		ResourceType:              rp.rp.ResourceType,
		SourceResourceArn:         rp.rp.ResourceArn,
		Status:                    backuptypes.RestoreJobStatusPending,
		PercentDone:               aws.String("0.0"),
	}
	if job.BackupVaultArn == nil {
		job.BackupVaultArn = aws.String(b.arn("backup-vault", rp.vault))
	}
	if req.role != "" {
		job.IamRoleArn = aws.String(req.role)
	}
	if req.resourceType != "" {
		job.ResourceType = aws.String(req.resourceType)
	}
	if req.testing != nil {
		job.CreatedBy = &backuptypes.RestoreJobCreator{RestoreTestingPlanArn: aws.String(req.testing.planARN)}
	}
	id := s.addRestoreJobLocked(req.account, req.region, job)
	s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "PENDING", "")
	s.runRestoreJobLocked(req, id, rp.vault)
	return id
}

// restorePreflightLocked returns why a restore job fails before it runs,
// or "". Checks and messages:
//   - the role: it must exist in the restoring account and trust
//     backup.amazonaws.com ("Creating a role for AWS Backup" and "Restore
//     testing failure troubleshooting", AWS Backup Developer Guide);
//   - the recovery point's KMS key: the restoring account must be able to
//     use it for kms:Decrypt by the key policy or a grant ("Encryption for
//     backups in AWS Backup": restoring needs access to the key the backup
//     is encrypted with; "Key policies" and "Grants", KMS Developer Guide).
//     AWS managed keys cannot be used from another account;
//   - the target: a restore that names an RDS DB instance or DynamoDB table
//     that exists fails, as RDS (DBInstanceAlreadyExists) and DynamoDB
//     (TableAlreadyExistsException) refuse to create it; the message is
//     theirs.
func (s *Server) restorePreflightLocked(req restoreRequest, rp backuptypes.RecoveryPointByBackupVault, typ ResourceType) string {
	if req.role != "" {
		// AWS Backup reports a role it cannot assume as "The provided role
		// ARN cannot be assumed by AWS Backup." (the errorMessage of its
		// CloudTrail events, as quoted in
		// awslabs/landing-zone-accelerator-on-aws#194); a role of another
		// account cannot be passed (iam:PassRole applies to the caller's
		// roles) and is reported the same way.
		role := s.iamRoleByARNLocked(req.role)
		if arnAccount(req.role) != req.account || role == nil || !s.trustsBackupLocked(role) {
			return fmt.Sprintf("The provided role %s cannot be assumed by AWS Backup.", req.role)
		}
	}
	if key := aws.ToString(rp.EncryptionKeyArn); key != "" {
		if ok, why := s.keyUsableForCopyLocked(key, req.account); !ok {
			// RDS reports KMSKeyNotAccessibleFault, "The source snapshot KMS
			// key [ARN] does not exist, is not enabled or you do not have
			// permissions to access it." (as quoted in
			// awslabs/aurora-snapshot-tool#29); the emulator words the other
			// types' failures alike and appends the reason.
			if typ == RDSInstance || typ == "Aurora" {
				return fmt.Sprintf("KMSKeyNotAccessibleFault: The source snapshot KMS key [%s] does not exist, is not enabled or you do not have permissions to access it: %s.", key, why)
			}
			return fmt.Sprintf("The KMS key %s of the recovery point does not exist, is not enabled or you do not have permissions to access it: %s.", key, why)
		}
	}
	return s.restoreTargetConflictLocked(req, typ)
}

// restoreTargetConflictLocked returns why the resource a restore creates
// cannot be created (see restorePreflightLocked), or "". It is checked
// again when the restore completes.
func (s *Server) restoreTargetConflictLocked(req restoreRequest, typ ResourceType) string {
	if typ == S3Bucket {
		if name := restoreTargetName(typ, req.metadata); name != "" {
			// S3 restores into an existing bucket of the account, or into a
			// new one when NewBucket is true ("Restore S3 data using AWS
			// Backup"); bucket names are global, and CreateBucket refuses a
			// taken one (BucketAlreadyExists, BucketAlreadyOwnedByYou: Amazon
			// S3 API Reference, CreateBucket).
			if b := s.s3.buckets[name]; b != nil {
				switch {
				case b.owner != req.account:
					return "BucketAlreadyExists: The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
				case restoreNewBucket(req.metadata):
					return "BucketAlreadyOwnedByYou: Your previous request to create the named bucket succeeded and you already own it."
				case b.region != req.region:
					return fmt.Sprintf("Bucket %s is in region %s; restore it from a recovery point in that region.", name, b.region)
				}
			}
		}
	}
	if typ == EFSFileSystem && restoreMetaIs(req.metadata, "newFileSystem", "false") {
		// newFileSystem false restores into the file system file-system-id,
		// "in a new directory" of it ("Restoring an Amazon EFS file system",
		// AWS Backup Developer Guide), which must exist.
		id := restoreMeta(req.metadata, "file-system-id")
		arn, err := resourceARN(req.account, req.region, typ, id)
		if id == "" || err != nil || s.resourceLocked(req.account, req.region, arn) == nil {
			return fmt.Sprintf("FileSystemNotFound: File system '%s' does not exist.", id)
		}
	}
	switch typ {
	case RDSInstance, DynamoDBTable:
		if name := restoreTargetName(typ, req.metadata); name != "" {
			if arn, err := resourceARN(req.account, req.region, typ, name); err == nil && s.resourceLocked(req.account, req.region, arn) != nil {
				if typ == RDSInstance {
					return fmt.Sprintf("DBInstanceAlreadyExists: DB instance %s already exists.", name)
				}
				return fmt.Sprintf("TableAlreadyExistsException: Table already exists: %s", name)
			}
		}
	}
	return ""
}

// failRestoreJobLocked ends a restore job FAILED with msg.
func (s *Server) failRestoreJobLocked(req restoreRequest, id, vault, msg string) {
	j := s.restoreJobLocked(req.account, req.region, id)
	j.Status = backuptypes.RestoreJobStatusFailed
	j.StatusMessage = aws.String(msg)
	j.CompletionDate = timePtr(s.now)
	s.reportLocked().RestoreJobsFailed++
	s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "FAILED", msg)
	s.notifyJobLocked(req.account, req.region, vault, backuptypes.BackupVaultEventRestoreJobCompleted, "RESTORE_JOB", "FAILED", id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup restore job failed. Recovery point ARN: %s. RestoreJob ID : %s. Status message : %s", req.rpARN, id, msg)
		})
}

func (s *Server) runRestoreJobLocked(req restoreRequest, id, vault string) {
	j := s.restoreJobLocked(req.account, req.region, id)
	rp, _ := s.recoveryPointLocked(req.rpOwner(), req.region, req.rpARN)
	typ := ResourceType(aws.ToString(j.ResourceType))
	if msg := s.restorePreflightLocked(req, rp, typ); msg != "" {
		s.failRestoreJobLocked(req, id, vault, msg)
		return
	}
	cold := false
	if m := s.engineLocked().rps[req.rpARN]; m != nil {
		cold = m.cold
	}
	d := s.restoreDurationLocked(id, string(typ), aws.ToInt64(rp.BackupSizeInBytes), cold)
	j.Status = backuptypes.RestoreJobStatusRunning
	j.ExpectedCompletionTimeMinutes = aws.Int64(int64(d / time.Minute))
	s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "RUNNING", "")
	s.notifyJobLocked(req.account, req.region, vault, backuptypes.BackupVaultEventRestoreJobStarted, "RESTORE_JOB", "RUNNING", id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup restore job was started. Recovery point ARN: %s. RestoreJob ID : %s", req.rpARN, id)
		})
	s.atLocked(s.now.Add(d), "restore-complete", id, func() { s.completeRestoreJobLocked(req, id, vault) })
}

// completeRestoreJobLocked creates the restored resource and completes the
// job, or fails it when the target appeared meanwhile.
func (s *Server) completeRestoreJobLocked(req restoreRequest, id, vault string) {
	j := s.restoreJobLocked(req.account, req.region, id)
	if j == nil || j.Status != backuptypes.RestoreJobStatusRunning {
		return
	}
	typ := ResourceType(aws.ToString(j.ResourceType))
	rp, _ := s.recoveryPointLocked(req.rpOwner(), req.region, req.rpARN)
	if msg := s.restoreTargetConflictLocked(req, typ); msg != "" {
		s.failRestoreJobLocked(req, id, vault, msg)
		return
	}
	r := Resource{Type: typ, SizeBytes: aws.ToInt64(j.BackupSizeInBytes), RestoredBy: id, KMSKeyARN: restoredKey(typ, req.metadata, rp)}
	r.ID = restoreTargetName(typ, req.metadata)
	inPlace := typ == EFSFileSystem && restoreMetaIs(req.metadata, "newFileSystem", "false")
	if inPlace {
		r.ID = restoreMeta(req.metadata, "file-system-id")
	}
	if r.ID == "" {
		r.ID = s.newResourceIDLocked(typ)
	}
	if req.copySourceTags {
		if src := s.resourceAnywhereLocked(aws.ToString(j.SourceResourceArn)); src != nil {
			r.Tags = src.Tags
		}
	}
	arn, err := resourceARN(req.account, req.region, typ, r.ID)
	if err == nil {
		r.ARN = arn
		if inPlace || (typ == S3Bucket && s.s3.buckets[r.ID] != nil) {
			// Restored into an existing bucket of the account or into an
			// existing file system (which gains a directory); the
			// preflight checked it, and it stays as it is.
		} else {
			err = s.addResourceLocked(req.account, req.region, r)
		}
	}
	if err != nil {
		s.failRestoreJobLocked(req, id, vault, fmt.Sprintf("Restoring a %s recovery point is not supported: %v", typ, err))
		return
	}
	if stored := s.backup[regionKey{req.rpOwner(), req.region}].recoveryPoints[req.rpARN]; stored != nil {
		stored.rp.LastRestoreTime = timePtr(s.now)
	}
	j.Status = backuptypes.RestoreJobStatusCompleted
	j.CompletionDate = timePtr(s.now)
	j.CreatedResourceArn = aws.String(arn)
	j.PercentDone = aws.String("100.0")
	s.reportLocked().RestoreJobsCompleted++
	s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "COMPLETED", "")
	s.notifyJobLocked(req.account, req.region, vault, backuptypes.BackupVaultEventRestoreJobCompleted, "RESTORE_JOB", "COMPLETED", id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup restore job was completed successfully. Recovery point ARN: %s. Resource ARN : %s. RestoreJob ID : %s", req.rpARN, arn, id)
		})
	if req.testing != nil {
		s.scheduleRestoreCleanupLocked(req, id, arn)
	}
}

// restoreTargetName is the name the restore metadata gives the restored
// resource where its type has one (DBInstanceIdentifier for RDS,
// targetTableName for DynamoDB, DestinationBucketName for S3), "" when the
// restore creates a new ID. Keys are matched case-insensitively, as restore
// testing's RestoreMetadataOverrides are ("Key values are not case
// sensitive").
func restoreTargetName(typ ResourceType, metadata map[string]string) string {
	switch typ {
	case RDSInstance:
		return restoreMeta(metadata, "DBInstanceIdentifier")
	case DynamoDBTable:
		return restoreMeta(metadata, "targetTableName")
	case S3Bucket:
		return restoreMeta(metadata, "DestinationBucketName")
	}
	return ""
}

// restoreMeta returns the metadata value of key (case-insensitive).
func restoreMeta(metadata map[string]string, key string) string {
	for k, v := range metadata {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// restoreMetaIs reports whether the metadata value of key is value
// (case-insensitive).
func restoreMetaIs(metadata map[string]string, key, value string) bool {
	return strings.EqualFold(restoreMeta(metadata, key), value)
}

// restoreNewBucket reports whether an S3 restore's metadata asks for a
// new bucket (NewBucket "true", case-insensitive key and value).
func restoreNewBucket(metadata map[string]string) bool {
	return restoreMetaIs(metadata, "NewBucket", "true")
}

// restoredKey is the KMS key of a restored resource: the one the metadata
// names (kmsKeyId, KmsKeyId, kmsMasterKeyArn), else that of the recovery
// point for the types whose backups keep the source's key.
func restoredKey(typ ResourceType, metadata map[string]string, rp backuptypes.RecoveryPointByBackupVault) string {
	for k, v := range metadata {
		switch strings.ToLower(k) {
		case "kmskeyid", "kmsmasterkeyarn":
			if v != "" {
				return v
			}
		}
	}
	if typ == S3Bucket {
		return ""
	}
	return aws.ToString(rp.EncryptionKeyArn)
}

// describeRestoreJob is DescribeRestoreJob.
func (s *Server) describeRestoreJob(c *Call, in *awsbackup.DescribeRestoreJobInput) (*awsbackup.DescribeRestoreJobOutput, error) {
	if err := bkRequire("RestoreJobId", in.RestoreJobId); err != nil {
		return nil, err
	}
	j := s.backupCallLocked(c).restoreJobs[*in.RestoreJobId]
	if j == nil {
		return nil, bkNotFound("Restore job %s does not exist.", *in.RestoreJobId)
	}
	percent := j.PercentDone
	if j.Status == backuptypes.RestoreJobStatusRunning {
		// A running job reports how much of its expected duration has
		// passed (PercentDone, "an estimated percentage that is complete").
		total := time.Duration(aws.ToInt64(j.ExpectedCompletionTimeMinutes)) * time.Minute
		if elapsed := s.now.Sub(aws.ToTime(j.CreationDate)); total > 0 && elapsed > 0 {
			percent = aws.String(fmt.Sprintf("%.1f", min(99.9, 100*elapsed.Seconds()/total.Seconds())))
		}
	}
	return &awsbackup.DescribeRestoreJobOutput{
		AccountId:                     j.AccountId,
		BackupSizeInBytes:             j.BackupSizeInBytes,
		BackupVaultArn:                j.BackupVaultArn,
		CompletionDate:                j.CompletionDate,
		CreatedBy:                     j.CreatedBy,
		CreatedResourceArn:            j.CreatedResourceArn,
		CreationDate:                  j.CreationDate,
		DeletionStatus:                j.DeletionStatus,
		DeletionStatusMessage:         j.DeletionStatusMessage,
		ExpectedCompletionTimeMinutes: j.ExpectedCompletionTimeMinutes,
		IamRoleArn:                    j.IamRoleArn,
		IsParent:                      j.IsParent,
		ParentJobId:                   j.ParentJobId,
		PercentDone:                   percent,
		RecoveryPointArn:              j.RecoveryPointArn,
		RecoveryPointCreationDate:     j.RecoveryPointCreationDate,
		ResourceType:                  j.ResourceType,
		RestoreJobId:                  j.RestoreJobId,
		SourceResourceArn:             j.SourceResourceArn,
		Status:                        j.Status,
		StatusMessage:                 j.StatusMessage,
		ValidationStatus:              j.ValidationStatus,
		ValidationStatusMessage:       j.ValidationStatusMessage,
	}, nil
}

// listRestoreJobsByProtectedResource is ListRestoreJobsByProtectedResource:
// the caller's restore jobs of recovery points of one resource, newest
// first.
func (s *Server) listRestoreJobsByProtectedResource(c *Call, in *awsbackup.ListRestoreJobsByProtectedResourceInput) (*awsbackup.ListRestoreJobsByProtectedResourceOutput, error) {
	if err := bkRequire("ResourceArn", in.ResourceArn); err != nil {
		return nil, err
	}
	if _, _, _, _, ok := arnRegionAccount(*in.ResourceArn); !ok {
		return nil, bkInvalidParam("Invalid resource ARN %q.", *in.ResourceArn)
	}
	if in.ByStatus != "" && !validEnum(in.ByStatus) {
		return nil, bkInvalidParam("Invalid ByStatus %q.", in.ByStatus)
	}
	items := jobsLocked(s, c, nil, func(b *backupRegion) map[string]*backuptypes.RestoreJobsListMember { return b.restoreJobs },
		func(j *backuptypes.RestoreJobsListMember) bool {
			return aws.ToString(j.SourceResourceArn) == *in.ResourceArn &&
				(in.ByStatus == "" || j.Status == in.ByStatus) &&
				inWindow(j.RecoveryPointCreationDate, in.ByRecoveryPointCreationDateAfter, in.ByRecoveryPointCreationDateBefore)
		},
		func(j *backuptypes.RestoreJobsListMember) (*time.Time, string) {
			return j.CreationDate, *j.RestoreJobId
		})
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []backuptypes.RestoreJobsListMember{} // AWS sends the empty list
	}
	return &awsbackup.ListRestoreJobsByProtectedResourceOutput{RestoreJobs: page, NextToken: next}, nil
}

// validEnum reports whether v is one of its type's modeled values.
func validEnum[E interface {
	~string
	Values() []E
}](v E) bool {
	for _, x := range v.Values() {
		if x == v {
			return true
		}
	}
	return false
}

// listRestoreJobSummaries is ListRestoreJobSummaries: counts of the restore
// jobs created in the aggregation period, by account, Region, state and
// resource type (ListRestoreJobSummaries, AWS Backup API Reference).
// AccountId ANY and AGGREGATE_ALL reach every account of the organization
// only for the management account and a delegated administrator; others
// get their own jobs ("If the request is sent from a member account ...
// jobs within requestor's account will be returned"). ANY keeps one count
// per value, AGGREGATE_ALL sums them under the value AGGREGATE_ALL.
// ONE_DAY counts per UTC day over the 14 days ending today, SEVEN_DAYS and
// FOURTEEN_DAYS over one window ending now. The API reference does not say
// which period applies when AggregationPeriod is absent; the emulator uses
// ONE_DAY. Counts of zero are not listed.
func (s *Server) listRestoreJobSummaries(c *Call, in *awsbackup.ListRestoreJobSummariesInput) (*awsbackup.ListRestoreJobSummariesOutput, error) {
	period := in.AggregationPeriod
	if period == "" {
		period = backuptypes.AggregationPeriodOneDay
	}
	if !validEnum(period) {
		return nil, bkInvalidParam("Invalid AggregationPeriod %q: use ONE_DAY, SEVEN_DAYS or FOURTEEN_DAYS.", in.AggregationPeriod)
	}
	if in.State != "" && !validEnum(in.State) {
		return nil, bkInvalidParam("Invalid State %q.", in.State)
	}
	// MaxResults: "Range of accepted values is from 1 to 500."
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 500) {
		return nil, bkInvalidParam("MaxResults must be between 1 and 500.")
	}
	const anyValue, allValue = "ANY", "AGGREGATE_ALL"
	accountFilter := aws.ToString(in.AccountId)
	var accounts []string
	switch accountFilter {
	case "", c.Account:
		accounts = []string{c.Account}
	case anyValue, allValue:
		accounts = s.jobAccountsLocked(c, aws.String("*"))
	default:
		accounts = s.jobAccountsLocked(c, in.AccountId)
	}
	if len(accounts) == 0 {
		accounts = []string{c.Account}
	}
	type window struct{ start, end time.Time }
	var windows []window
	switch period {
	case backuptypes.AggregationPeriodOneDay:
		today := s.now.UTC().Truncate(24 * time.Hour)
		for i := 0; i < 14; i++ {
			start := today.AddDate(0, 0, -i)
			windows = append(windows, window{start, start.Add(24 * time.Hour)})
		}
	case backuptypes.AggregationPeriodSevenDays:
		windows = []window{{s.now.Add(-7 * 24 * time.Hour), s.now}}
	default:
		windows = []window{{s.now.Add(-14 * 24 * time.Hour), s.now}}
	}
	typeFilter := aws.ToString(in.ResourceType)
	type key struct {
		w                     int
		account, state, rtype string
	}
	counts := map[key]int32{}
	for _, account := range accounts {
		b := s.backup[regionKey{account, c.Region}]
		if b == nil {
			continue
		}
		for _, j := range b.restoreJobs {
			created := aws.ToTime(j.CreationDate)
			state, rtype := string(j.Status), aws.ToString(j.ResourceType)
			if (in.State != "" && in.State != backuptypes.RestoreJobStateAny && in.State != allValue && state != string(in.State)) ||
				(typeFilter != "" && typeFilter != anyValue && typeFilter != allValue && rtype != typeFilter) {
				continue
			}
			if in.State == allValue {
				state = allValue
			}
			if typeFilter == allValue {
				rtype = allValue
			}
			acct := account
			if accountFilter == allValue {
				acct = allValue
			}
			for w, win := range windows {
				if !created.Before(win.start) && created.Before(win.end) || (period != backuptypes.AggregationPeriodOneDay && created.Equal(win.end)) {
					counts[key{w, acct, state, rtype}]++
				}
			}
		}
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.w != b.w {
			return a.w < b.w
		}
		if a.account != b.account {
			return a.account < b.account
		}
		if a.state != b.state {
			return a.state < b.state
		}
		return a.rtype < b.rtype
	})
	items := make([]backuptypes.RestoreJobSummary, 0, len(keys))
	for _, k := range keys {
		items = append(items, backuptypes.RestoreJobSummary{
			AccountId:    aws.String(k.account),
			Region:       aws.String(c.Region),
			State:        backuptypes.RestoreJobState(k.state),
			ResourceType: aws.String(k.rtype),
			Count:        counts[k],
			StartTime:    timePtr(windows[k.w].start),
			EndTime:      timePtr(windows[k.w].end),
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []backuptypes.RestoreJobSummary{} // AWS sends the empty list
	}
	return &awsbackup.ListRestoreJobSummariesOutput{RestoreJobSummaries: page, AggregationPeriod: aws.String(string(period)), NextToken: next}, nil
}

// getRecoveryPointRestoreMetadata is GetRecoveryPointRestoreMetadata: the
// configuration of the backed-up resource, keyed as StartRestoreJob's
// metadata for the type (the "Metadata for ..." sections of the restore
// pages of the AWS Backup Developer Guide, linked from StartRestoreJob's
// Metadata member). Values the emulator does not model (instance classes,
// subnets) carry fixed plausible values.
//
// BackupVaultAccountId may name another account when its vault is a
// logically air-gapped vault shared with the caller through AWS RAM, whose
// recovery points the caller restores directly (see
// sharedAirGappedRecoveryPointLocked).
func (s *Server) getRecoveryPointRestoreMetadata(c *Call, in *awsbackup.GetRecoveryPointRestoreMetadataInput) (*awsbackup.GetRecoveryPointRestoreMetadataOutput, error) {
	b, v, err := s.sharedVaultForRead(c, in.BackupVaultName, in.BackupVaultAccountId)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("RecoveryPointArn", in.RecoveryPointArn); err != nil {
		return nil, err
	}
	rp, err := b.recoveryPointIn(v, *in.RecoveryPointArn)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetRecoveryPointRestoreMetadataOutput{
		BackupVaultArn:   aws.String(v.arn),
		RecoveryPointArn: rp.rp.RecoveryPointArn,
		ResourceType:     rp.rp.ResourceType,
		RestoreMetadata:  restoreMetadata(c.Region, rp.rp),
	}, nil
}

// sharedVaultForRead is vaultForRead that also finds a logically air-gapped
// vault of accountID shared with the caller through AWS RAM.
func (s *Server) sharedVaultForRead(c *Call, name, accountID *string) (*backupRegion, *backupVault, error) {
	owner := aws.ToString(accountID)
	if owner == "" || owner == c.Account {
		return s.vaultForRead(c, name, accountID)
	}
	if b := s.backup[regionKey{owner, c.Region}]; b != nil && name != nil {
		if v := b.vaults[*name]; v != nil && v.vaultType == backuptypes.VaultTypeLogicallyAirGappedBackupVault &&
			s.vaultSharedWithLocked(owner, c.Region, v.arn, c.Account) {
			return b, v, nil
		}
	}
	return s.vaultForRead(c, name, accountID)
}

// restoreMetadata infers the restore metadata of a recovery point.
func restoreMetadata(region string, rp backuptypes.RecoveryPointByBackupVault) map[string]string {
	typ := ResourceType(aws.ToString(rp.ResourceType))
	id := resourceIDOf(typ, aws.ToString(rp.ResourceArn))
	key := aws.ToString(rp.EncryptionKeyArn)
	encrypted := strconv.FormatBool(key != "")
	gib := strconv.FormatInt(max(1, (aws.ToInt64(rp.BackupSizeInBytes)+(1<<30)-1)>>30), 10)
	m := map[string]string{}
	switch typ {
	case EBSVolume:
		m = map[string]string{"volumeId": id, "volumeSize": gib, "volumeType": "gp3", "availabilityZone": region + "a", "encrypted": encrypted}
		if key != "" {
			m["kmsKeyId"] = key
		}
	case EC2Instance:
		m = map[string]string{"InstanceId": id, "InstanceType": "t3.micro", "Placement": `{"AvailabilityZone":"` + region + `a"}`, "RequireIMDSv2": "true"}
	case RDSInstance:
		m = map[string]string{"DBInstanceIdentifier": id, "DBInstanceClass": "db.t3.micro", "Engine": "postgres", "AvailabilityZone": region + "a", "MultiAZ": "false", "StorageEncrypted": encrypted}
		if key != "" {
			m["KmsKeyId"] = key
		}
	case EFSFileSystem:
		m = map[string]string{"file-system-id": id, "Encrypted": encrypted, "PerformanceMode": "generalPurpose", "CreationToken": id, "newFileSystem": "true"}
		if key != "" {
			m["KmsKeyId"] = key
		}
	case DynamoDBTable:
		m = map[string]string{"originalTableName": id, "targetTableName": id}
		if key != "" {
			m["encryptionType"] = "KMS"
			m["kmsMasterKeyArn"] = key
		}
	case S3Bucket:
		m = map[string]string{"DestinationBucketName": id, "NewBucket": "false", "Encrypted": encrypted}
	}
	return m
}

// putRestoreValidationResult is PutRestoreValidationResult: "send your
// independent self-run restore test validation results" (AWS Backup API
// Reference). The emulator accepts results for restore jobs that a restore
// testing plan started, once they are COMPLETED and while their restored
// resource exists (the validation window, "Restore testing validation",
// AWS Backup Developer Guide); the reference is silent on other jobs, and
// the emulator refuses them (InvalidRequestException), the stricter choice.
// A result other than VALIDATING completes the validation, and the restored
// resource is deleted.
func (s *Server) putRestoreValidationResult(c *Call, in *awsbackup.PutRestoreValidationResultInput) (*awsbackup.PutRestoreValidationResultOutput, error) {
	if err := bkRequire("RestoreJobId", in.RestoreJobId); err != nil {
		return nil, err
	}
	if in.ValidationStatus == "" {
		return nil, bkMissing("ValidationStatus")
	}
	if !validEnum(in.ValidationStatus) {
		return nil, bkInvalidParam("Invalid ValidationStatus %q: use FAILED, SUCCESSFUL, TIMED_OUT or VALIDATING.", in.ValidationStatus)
	}
	j := s.backupCallLocked(c).restoreJobs[*in.RestoreJobId]
	if j == nil {
		return nil, bkNotFound("Restore job %s does not exist.", *in.RestoreJobId)
	}
	if j.CreatedBy == nil || aws.ToString(j.CreatedBy.RestoreTestingPlanArn) == "" {
		return nil, bkInvalidRequest("Restore job %s was not created by a restore testing plan; validation results apply to restore testing jobs only.", *in.RestoreJobId)
	}
	if j.Status != backuptypes.RestoreJobStatusCompleted {
		return nil, bkInvalidRequest("Restore job %s is %s; validation results can be sent for COMPLETED restore jobs only.", *in.RestoreJobId, j.Status)
	}
	if j.DeletionStatus != "" {
		return nil, bkInvalidRequest("The validation window of restore job %s has ended.", *in.RestoreJobId)
	}
	j.ValidationStatus = in.ValidationStatus
	j.ValidationStatusMessage = in.ValidationStatusMessage
	// A completed validation ends the validation window: the restored
	// resource is deleted (scheduleRestoreCleanupLocked).
	if in.ValidationStatus != backuptypes.RestoreValidationStatusValidating {
		if cleanup := s.engineLocked().restoreCleanups[*in.RestoreJobId]; cleanup != nil {
			cleanup()
		}
	}
	return &awsbackup.PutRestoreValidationResultOutput{}, nil
}

// restoreDeletionDuration is how long deleting a restored resource takes.
// AWS documents none; the emulator shows DELETING for 5 minutes.
const restoreDeletionDuration = 5 * time.Minute

// scheduleRestoreCleanupLocked deletes the resource a restore testing job
// created "once the optional validation completes or the validation window
// closes" ("Restore testing", AWS Backup Developer Guide,
// https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html;
// ValidationWindowHours: "the time, in hours, data is retained after a
// restore test so that optional validation can be completed",
// RestoreTestingSelectionForCreate). DeletionStatus is DELETING, then
// SUCCESSFUL. A validation still VALIDATING when the window closes becomes
// TIMED_OUT (the guide is silent on it; the emulator chooses to show that
// no result came).
func (s *Server) scheduleRestoreCleanupLocked(req restoreRequest, id, arn string) {
	e := s.engineLocked()
	if e.restoreCleanups == nil {
		e.restoreCleanups = map[string]func(){}
	}
	cleanup := func() {
		delete(e.restoreCleanups, id)
		j := s.restoreJobLocked(req.account, req.region, id)
		if j == nil || j.DeletionStatus != "" {
			return
		}
		if j.ValidationStatus == backuptypes.RestoreValidationStatusValidating {
			j.ValidationStatus = backuptypes.RestoreValidationStatusTimedOut
			j.ValidationStatusMessage = aws.String("The validation window ended before a validation result was sent.")
		}
		j.DeletionStatus = backuptypes.RestoreDeletionStatusDeleting
		s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "DELETING", arn)
		s.atLocked(s.now.Add(restoreDeletionDuration), "restore-delete", id, func() {
			// Only what the restore created is deleted: a resource it
			// created (RestoredBy), or the new bucket of an S3 restore.
			if r := s.resourceLocked(req.account, req.region, arn); r != nil && (r.RestoredBy == id || (r.Type == S3Bucket && restoreNewBucket(req.metadata))) {
				s.removeResourceLocked(r)
			}
			j.DeletionStatus = backuptypes.RestoreDeletionStatusSuccessful
			s.logEventLocked("RESTORE_JOB", req.account, req.region, id, "DELETED", arn)
		})
	}
	e.restoreCleanups[id] = cleanup
	s.atLocked(s.now.Add(req.testing.validationWindow), "restore-validation-window", id, cleanup)
}

// removeResourceLocked deletes a workload resource (an S3 bucket with its
// objects).
func (s *Server) removeResourceLocked(r *Resource) {
	if r.Type == S3Bucket {
		delete(s.s3.buckets, r.ID)
		return
	}
	rr := s.res[regionKey{r.Account, r.Region}]
	delete(rr.items, r.ARN)
	delete(rr.everTagged, r.ARN)
}
