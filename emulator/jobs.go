package emulator

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Backup and restore jobs. A backup job is CREATED, starts RUNNING at
// once unless another job of the same resource runs ("Concurrent backup
// and copy jobs per resource: 1", AWS Backup quotas), in which case it
// waits and becomes EXPIRED if its start window passes first. A running
// job becomes EXPIRED if its completion window, counted from its creation,
// ends first; otherwise it is COMPLETED after the backup duration, creating a recovery point in
// its vault and starting the rule's copy jobs. Jobs FAIL at once, with a
// status message, when the vault does not exist, the IAM role does not
// exist or does not trust backup.amazonaws.com, or the retention falls
// outside the vault's Vault Lock.

// backupRequest is everything a backup job needs.
type backupRequest struct {
	account, region   string
	resource          *Resource
	vault             string
	role              string
	lifecycle         *backuptypes.Lifecycle
	recoveryPointTags map[string]string
	copyActions       []backuptypes.CopyAction
	creator           *backuptypes.RecoveryPointCreator
	startWindow       time.Duration
	completionWindow  time.Duration
	// byPolicy is set for jobs of a plan an Organizations backup policy
	// created.
	byPolicy bool
}

// backupTask is a backup job in flight.
type backupTask struct {
	req   backupRequest
	id    string
	rpARN string // pre-assigned for fully managed types
}

// fullyManaged reports whether AWS Backup fully manages backups of the
// resource type in the account-region. "Encryption for backups in AWS
// Backup": fully managed types have "independent encryption ... controlled
// through the AWS KMS key configuration in the backup vault", while
// "Backups of resource types that are not fully managed by AWS Backup
// typically inherit the encryption settings from their source resource".
// EFS and DynamoDB follow the Region's ResourceTypeManagementPreference
// (DynamoDB only with advanced DynamoDB backup).
func fullyManaged(b *backupRegion, resourceType string) bool {
	switch resourceType {
	case "S3", "VirtualMachine", "Timestream", "SAP HANA on Amazon EC2", "CloudFormation", "DSQL":
		return true
	case "EFS", "DynamoDB":
		return b.management[resourceType]
	}
	return false
}

// recoveryPointARNLocked returns a new recovery point ARN shaped as AWS
// Backup's for the resource type: EBS snapshots and EC2 AMIs are EC2
// resources, RDS and Aurora snapshots are RDS resources, other types are
// AWS Backup recovery points.
func (s *Server) recoveryPointARNLocked(account, region, resourceType string) string {
	switch resourceType {
	case "EBS":
		return "arn:aws:ec2:" + region + "::snapshot/snap-" + s.ids.hex(17)
	case "EC2":
		return "arn:aws:ec2:" + region + "::image/ami-" + s.ids.hex(17)
	case "RDS":
		return "arn:aws:rds:" + region + ":" + account + ":snapshot:awsbackup:job-" + s.ids.uuid()
	case "Aurora":
		return "arn:aws:rds:" + region + ":" + account + ":cluster-snapshot:awsbackup:job-" + s.ids.uuid()
	}
	return "arn:aws:backup:" + region + ":" + account + ":recovery-point:" + s.ids.uuid()
}

// dynamoDBBackupARNLocked returns a new ARN of a DynamoDB backup made
// without AWS Backup's advanced DynamoDB features: a DynamoDB backup's
// own ARN. With the advanced features, "Backup resource names (ARNs) will
// change from arn:aws:dynamodb to arn:aws:backup" (Using AWS Backup with
// DynamoDB, Usage notes, Amazon DynamoDB Developer Guide).
func (s *Server) dynamoDBBackupARNLocked(r *Resource) string {
	return r.ARN + "/backup/" + fmt.Sprintf("%013d", s.now.UnixMilli()) + "-" + s.ids.hex(8)
}

// createBackupJobLocked creates a backup job and starts it (or queues or
// fails it); it returns the task.
func (s *Server) createBackupJobLocked(req backupRequest) *backupTask {
	e := s.engineLocked()
	b := s.backupRegionLocked(req.account, req.region)
	if req.startWindow <= 0 {
		req.startWindow = defaultStartWindow * time.Minute
	}
	if req.completionWindow <= 0 {
		req.completionWindow = defaultCompletionWindow * time.Minute
	}
	r := req.resource
	var vaultARN *string
	if v := b.vaults[req.vault]; v != nil {
		vaultARN = e.str(v.arn)
	} else {
		vaultARN = aws.String(b.arn("backup-vault", req.vault))
	}
	job := backuptypes.BackupJob{
		BackupVaultName:        e.str(req.vault),
		BackupVaultArn:         vaultARN,
		ResourceArn:            e.str(r.ARN),
		ResourceType:           e.str(string(r.Type)),
		ResourceName:           e.str(r.Name),
		IamRoleArn:             e.str(req.role),
		State:                  backuptypes.BackupJobStateCreated,
		StartBy:                timePtr(s.now.Add(req.startWindow)),
		ExpectedCompletionDate: timePtr(s.now.Add(e.durations.Backup)),
		RecoveryPointLifecycle: req.lifecycle,
		CreatedBy:              req.creator,
		BackupType:             e.str("FULL"),
		PercentDone:            e.str("0.0"),
		CreationDate:           s.nowPtrLocked(),
	}
	t := &backupTask{req: req}
	// "Backups created by a plan or on-demand will automatically opt-in
	// your account to allow backups of Advanced DDB resources. If your
	// backup job is created by a backup policy, you need to manually
	// opt-in" ("Advanced DynamoDB backup", Considerations).
	if r.Type == DynamoDBTable && !req.byPolicy {
		b.management["DynamoDB"] = true
	}
	if fullyManaged(b, string(r.Type)) {
		t.rpARN = s.recoveryPointARNLocked(req.account, req.region, string(r.Type))
	}
	t.id = s.addBackupJobLocked(req.account, req.region, job)
	rep := s.reportLocked()
	rep.BackupJobsCreated++
	s.logEventLocked("BACKUP_JOB", req.account, req.region, t.id, "CREATED", "")
	if msg := s.backupPreflightLocked(req); msg != "" {
		s.failBackupJobLocked(t, msg)
		return t
	}
	if e.busy[r.ARN] {
		e.waiting[r.ARN] = append(e.waiting[r.ARN], t)
		// The closure takes t, not req, which would move every request
		// to the heap.
		s.atLocked(s.now.Add(req.startWindow), "backup-start-window", t.id, func() {
			j := s.backupJobLocked(t.req.account, t.req.region, t.id)
			if j != nil && j.State == backuptypes.BackupJobStateCreated {
				j.State = backuptypes.BackupJobStateExpired
				j.StatusMessage = aws.String("Backup job failed to start within the start window.")
				s.reportLocked().BackupJobsExpired++
				s.logEventLocked("BACKUP_JOB", t.req.account, t.req.region, t.id, "EXPIRED", *j.StatusMessage)
			}
		})
		return t
	}
	s.runBackupJobLocked(t)
	return t
}

// backupPreflightLocked returns why a backup job fails before it starts,
// or "".
func (s *Server) backupPreflightLocked(req backupRequest) string {
	b := s.backupRegionLocked(req.account, req.region)
	v := b.vaults[req.vault]
	if v == nil {
		// "A backup plan that points to a deleted backup vault will cause
		// the backup creation to fail" (Delete a backup vault).
		return fmt.Sprintf("Backup vault %s does not exist in account %s and region %s.", req.vault, req.account, req.region)
	}
	role := s.iamRoleByARNLocked(req.role)
	if role == nil {
		return fmt.Sprintf("Unable to assume role %s. The role does not exist.", req.role)
	}
	if !s.trustsBackupLocked(role) {
		return fmt.Sprintf("Unable to assume role %s. Its trust policy does not allow backup.amazonaws.com to assume it.", req.role)
	}
	if msg := lockRetentionViolation(v, req.lifecycle); msg != "" {
		return msg
	}
	return ""
}

// lockRetentionViolation applies Vault Lock to a new recovery point ("AWS
// Backup Vault Lock": a backup or copy job whose retention period is
// shorter than the minimum or longer than the maximum retention fails).
// A lifecycle without DeleteAfterDays keeps recovery points forever.
func lockRetentionViolation(v *backupVault, l *backuptypes.Lifecycle) string {
	if v.lock == nil {
		return ""
	}
	var keep int64 = -1 // forever
	if l != nil && l.DeleteAfterDays != nil && *l.DeleteAfterDays > 0 {
		keep = *l.DeleteAfterDays
	}
	if min := v.lock.min; min != nil && keep != -1 && keep < *min {
		return fmt.Sprintf("The retention period of %d days is shorter than the minimum retention of %d days that the Vault Lock of backup vault %s requires.", keep, *min, v.name)
	}
	if max := v.lock.max; max != nil && (keep == -1 || keep > *max) {
		if keep == -1 {
			return fmt.Sprintf("Recovery points that are never deleted exceed the maximum retention of %d days that the Vault Lock of backup vault %s allows.", *max, v.name)
		}
		return fmt.Sprintf("The retention period of %d days is longer than the maximum retention of %d days that the Vault Lock of backup vault %s allows.", keep, *max, v.name)
	}
	return ""
}

func (s *Server) failBackupJobLocked(t *backupTask, msg string) {
	j := s.backupJobLocked(t.req.account, t.req.region, t.id)
	j.State = backuptypes.BackupJobStateFailed
	j.StatusMessage = aws.String(msg)
	j.CompletionDate = timePtr(s.now)
	s.reportLocked().BackupJobsFailed++
	s.logEventLocked("BACKUP_JOB", t.req.account, t.req.region, t.id, "FAILED", msg)
	s.notifyJobLocked(t.req.account, t.req.region, t.req.vault, backuptypes.BackupVaultEventBackupJobCompleted, "BACKUP_JOB", "FAILED", t.id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup job failed. Resource ARN : %s. BackupJob ID : %s. Status message : %s", t.req.resource.ARN, t.id, msg)
		})
}

func (s *Server) runBackupJobLocked(t *backupTask) {
	e := s.engineLocked()
	j := s.backupJobLocked(t.req.account, t.req.region, t.id)
	j.State = backuptypes.BackupJobStateRunning
	j.InitiationDate = s.nowPtrLocked()
	e.busy[t.req.resource.ARN] = true
	s.reportLocked().BackupJobsStarted++
	s.logEventLocked("BACKUP_JOB", t.req.account, t.req.region, t.id, "RUNNING", "")
	s.notifyJobLocked(t.req.account, t.req.region, t.req.vault, backuptypes.BackupVaultEventBackupJobStarted, "BACKUP_JOB", "RUNNING", t.id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup job was started. Resource ARN : %s. BackupJob ID : %s", t.req.resource.ARN, t.id)
		})
	// The completion window "begins counting down from when the backup was
	// scheduled" and a job still running when it ends is canceled
	// (CompleteWindowMinutes, StartBackupJob; CompletionWindowMinutes,
	// BackupRule): AWS Backup reports it EXPIRED, "Backup job expired
	// before completion.", without a recovery point.
	deadline := aws.ToTime(j.CreationDate).Add(t.req.completionWindow)
	if done := s.now.Add(e.durations.Backup); done.After(deadline) {
		s.atLocked(deadline, "backup-completion-window", t.id, func() { s.expireRunningBackupJobLocked(t) })
		return
	}
	s.atLocked(s.now.Add(e.durations.Backup), "backup-complete", t.id, func() { s.completeBackupJobLocked(t) })
}

// expireRunningBackupJobLocked ends a backup job that is still running
// when its completion window closes.
func (s *Server) expireRunningBackupJobLocked(t *backupTask) {
	j := s.backupJobLocked(t.req.account, t.req.region, t.id)
	if j == nil || j.State != backuptypes.BackupJobStateRunning {
		return
	}
	j.State = backuptypes.BackupJobStateExpired
	j.StatusMessage = aws.String("Backup job expired before completion.")
	s.reportLocked().BackupJobsExpired++
	s.logEventLocked("BACKUP_JOB", t.req.account, t.req.region, t.id, "EXPIRED", *j.StatusMessage)
	s.releaseResourceLocked(t.req.resource.ARN)
}

func (s *Server) completeBackupJobLocked(t *backupTask) {
	e := s.engineLocked()
	req := t.req
	j := s.backupJobLocked(req.account, req.region, t.id)
	if j.State != backuptypes.BackupJobStateRunning {
		return // stopped
	}
	defer s.releaseResourceLocked(req.resource.ARN)
	b := s.backupRegionLocked(req.account, req.region)
	v := b.vaults[req.vault]
	if v == nil { // deleted while the job ran
		s.failBackupJobLocked(t, fmt.Sprintf("Backup vault %s does not exist in account %s and region %s.", req.vault, req.account, req.region))
		return
	}
	r := req.resource
	size := aws.Int64(r.SizeBytes)
	rp := backuptypes.RecoveryPointByBackupVault{
		RecoveryPointArn:  aws.String(t.rpARN),
		BackupVaultName:   e.str(v.name),
		ResourceArn:       e.str(r.ARN),
		ResourceType:      e.str(string(r.Type)),
		ResourceName:      e.str(r.Name),
		IamRoleArn:        e.str(req.role),
		BackupSizeInBytes: size,
		CreationDate:      j.CreationDate,
		InitiationDate:    j.InitiationDate,
		CompletionDate:    s.nowPtrLocked(),
		CreatedBy:         req.creator,
		Lifecycle:         req.lifecycle,
		Status:            backuptypes.RecoveryPointStatusCompleted,
	}
	if t.rpARN == "" {
		rp.RecoveryPointArn = aws.String(s.recoveryPointARNLocked(req.account, req.region, string(r.Type)))
		if r.Type == DynamoDBTable {
			rp.RecoveryPointArn = aws.String(s.dynamoDBBackupARNLocked(r))
		}
	}
	s.setEncryptionLocked(&rp, b, v, r.KMSKeyARN, string(r.Type))
	arn, err := s.storeRecoveryPointLocked(req.account, req.region, rp)
	if err != nil {
		s.failBackupJobLocked(t, err.Error())
		return
	}
	// The resource's tags as they are when the backup completes: the
	// job's copy of the resource carries none (selectResourcesLocked).
	resourceTags := r.Tags
	if live := s.resourceLocked(req.account, req.region, r.ARN); live != nil {
		resourceTags = live.Tags
	}
	if tags := newRecoveryPointTags(b, r.Type, resourceTags, req.recoveryPointTags); tags != nil {
		b.tags[arn] = tags
	}
	s.trackRecoveryPointLocked(req.account, req.region, arn)
	j.State = backuptypes.BackupJobStateCompleted
	j.CompletionDate = s.nowPtrLocked()
	stored := b.recoveryPoints[arn]
	j.RecoveryPointArn = stored.rp.RecoveryPointArn
	j.BackupSizeInBytes = size
	j.BytesTransferred = size
	j.PercentDone = e.str("100.0")
	j.EncryptionKeyArn = stored.rp.EncryptionKeyArn
	j.IsEncrypted = stored.rp.IsEncrypted
	s.reportLocked().BackupJobsCompleted++
	s.logEventLocked("BACKUP_JOB", req.account, req.region, t.id, "COMPLETED", "")
	s.notifyJobLocked(req.account, req.region, req.vault, backuptypes.BackupVaultEventBackupJobCompleted, "BACKUP_JOB", "COMPLETED", t.id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup job was completed successfully. Recovery point ARN: %s. Resource ARN : %s. BackupJob ID : %s", arn, r.ARN, t.id)
		})
	for _, ca := range req.copyActions {
		s.createCopyJobLocked(copyRequest{
			account:      req.account,
			region:       req.region,
			sourceVault:  v.name,
			rpARN:        arn,
			destVaultARN: aws.ToString(ca.DestinationBackupVaultArn),
			role:         req.role,
			lifecycle:    ca.Lifecycle,
			creator:      req.creator,
			backupJobID:  t.id,
		})
	}
	_ = e
}

// setEncryptionLocked encrypts a new recovery point as AWS Backup does:
// fully managed types with the vault's key, others with the source's key
// (resourceKey; unencrypted when empty).
func (s *Server) setEncryptionLocked(rp *backuptypes.RecoveryPointByBackupVault, b *backupRegion, v *backupVault, resourceKey, resourceType string) {
	key := resourceKey
	if fullyManaged(b, resourceType) {
		key = v.keyARN
		rp.EncryptionKeyType = v.keyType
	} else if key != "" {
		rp.EncryptionKeyType = backuptypes.EncryptionKeyTypeCustomerManagedKmsKey
	}
	e := s.engineLocked()
	if key == "" {
		// addRecoveryPointLocked would otherwise take the vault's key.
		rp.EncryptionKeyArn = e.str("")
		rp.IsEncrypted = false
		return
	}
	rp.EncryptionKeyArn = e.str(key)
	rp.IsEncrypted = true
}

// releaseResourceLocked starts the next job waiting for a resource.
func (s *Server) releaseResourceLocked(resourceARN string) {
	e := s.engineLocked()
	delete(e.busy, resourceARN)
	for len(e.waiting[resourceARN]) > 0 {
		t := e.waiting[resourceARN][0]
		e.waiting[resourceARN] = e.waiting[resourceARN][1:]
		j := s.backupJobLocked(t.req.account, t.req.region, t.id)
		if j == nil || j.State != backuptypes.BackupJobStateCreated {
			continue
		}
		s.runBackupJobLocked(t)
		break
	}
	if len(e.waiting[resourceARN]) == 0 {
		delete(e.waiting, resourceARN)
	}
}

// startBackupJob is StartBackupJob: an on-demand backup of one resource.
func (s *Server) startBackupJob(c *Call, in *awsbackup.StartBackupJobInput) (*awsbackup.StartBackupJobOutput, error) {
	if err := bkRequire("BackupVaultName", in.BackupVaultName, "ResourceArn", in.ResourceArn, "IamRoleArn", in.IamRoleArn); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	if _, err := b.vault(in.BackupVaultName); err != nil {
		return nil, err
	}
	r := s.resourceLocked(c.Account, c.Region, *in.ResourceArn)
	if r == nil {
		return nil, bkNotFound("Resource %s does not exist in account %s and region %s.", *in.ResourceArn, c.Account, c.Region)
	}
	if !iamRoleARNRE.MatchString(*in.IamRoleArn) {
		return nil, bkInvalidParam("Invalid IamRoleArn %q.", *in.IamRoleArn)
	}
	// StartWindowMinutes: "If this value is included, it must be at least
	// 60 minutes to avoid errors."
	if in.StartWindowMinutes != nil && *in.StartWindowMinutes < 60 {
		return nil, bkInvalidParam("StartWindowMinutes must be at least 60 minutes.")
	}
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		if id, ok := s.engineLocked().idempotency("backup", c.Account, c.Region, tok); ok {
			j := b.backupJobs[id]
			return &awsbackup.StartBackupJobOutput{BackupJobId: j.BackupJobId, CreationDate: j.CreationDate, RecoveryPointArn: j.RecoveryPointArn}, nil
		}
	}
	t := s.createBackupJobLocked(backupRequest{
		account:           c.Account,
		region:            c.Region,
		resource:          r,
		vault:             *in.BackupVaultName,
		role:              *in.IamRoleArn,
		lifecycle:         in.Lifecycle,
		recoveryPointTags: in.RecoveryPointTags,
		startWindow:       time.Duration(aws.ToInt64(in.StartWindowMinutes)) * time.Minute,
		completionWindow:  time.Duration(aws.ToInt64(in.CompleteWindowMinutes)) * time.Minute,
	})
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		s.engineLocked().remember("backup", c.Account, c.Region, tok, t.id)
	}
	j := b.backupJobs[t.id]
	out := &awsbackup.StartBackupJobOutput{BackupJobId: aws.String(t.id), CreationDate: j.CreationDate}
	// StartBackupJob: RecoveryPointArn "is only returned for Amazon EFS
	// and Advanced DynamoDB resources".
	if t.rpARN != "" && (r.Type == EFSFileSystem || r.Type == DynamoDBTable) {
		out.RecoveryPointArn = aws.String(t.rpARN)
	}
	return out, nil
}

// idempotency looks up a job started with an idempotency token.
func (e *engine) idempotency(kind, account, region, token string) (string, bool) {
	id, ok := e.tokens[kind+"|"+account+"|"+region+"|"+token]
	return id, ok
}

func (e *engine) remember(kind, account, region, token, id string) {
	if e.tokens == nil {
		e.tokens = map[string]string{}
	}
	e.tokens[kind+"|"+account+"|"+region+"|"+token] = id
}

// SetResourceKMSKey sets the KMS key a workload resource is encrypted
// with (keyARN "" for none; an alias such as alias/aws/ebs names the AWS
// managed key). Backups of resource types that AWS Backup does not fully
// manage (EBS, EC2, RDS...) keep this key.
func (s *Server) SetResourceKMSKey(arn, keyARN string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.resourceAnywhereLocked(arn)
	if r == nil || r.Type == S3Bucket {
		return fmt.Errorf("setting the KMS key of %s: resource not found", arn)
	}
	key, err := s.resourceKeyLocked(r.Account, r.Region, keyARN)
	if err != nil {
		return fmt.Errorf("setting the KMS key of %s: %w", arn, err)
	}
	s.res[regionKey{r.Account, r.Region}].items[arn].KMSKeyARN = key
	return nil
}

// storeRecoveryPointLocked stores a new recovery point (an empty key ARN
// meaning unencrypted) and starts tracking its lifecycle.
func (s *Server) storeRecoveryPointLocked(account, region string, rp backuptypes.RecoveryPointByBackupVault) (string, error) {
	arn, err := s.addRecoveryPointLocked(account, region, rp)
	if err != nil {
		return "", err
	}
	stored := s.backup[regionKey{account, region}].recoveryPoints[arn]
	if aws.ToString(stored.rp.EncryptionKeyArn) == "" {
		stored.rp.EncryptionKeyArn = nil
		stored.rp.IsEncrypted = false
	}
	return arn, nil
}

// trustsBackupLocked reports whether a role's trust policy lets AWS Backup
// assume it, as roleTrustsServiceLocked does, with the parsed policy
// cached.
func (s *Server) trustsBackupLocked(r *iamRole) bool {
	doc := s.parsedPolicyLocked(r.trust, policyTrust)
	return doc != nil && doc.eval(policyRequest{
		Principal: &policyPrincipal{Service: backupServicePrincipal},
		Action:    "sts:AssumeRole",
		Resource:  r.arn,
		Context:   serviceAssumeContext(backupServicePrincipal, arnAccount(r.arn)),
	}) == decisionAllow
}

// serviceAssumeContext is the request context of a service assuming a role
// for a job of account: AWS Backup, like other services, passes the
// account it acts for as aws:SourceAccount, which trust policies use
// against the confused deputy problem ("Cross-service confused deputy
// prevention", AWS Backup Developer Guide). The emulator's jobs run in
// the role's own account, so that is the source account.
func serviceAssumeContext(servicePrincipal, account string) map[string][]string {
	return map[string][]string{"aws:PrincipalServiceName": {servicePrincipal}, "aws:PrincipalIsAWSService": {"true"}, "aws:SourceAccount": {account}}
}

// stopBackupJob is StopBackupJob: a CREATED or RUNNING job is ABORTED and
// creates no recovery point.
func (s *Server) stopBackupJob(c *Call, in *awsbackup.StopBackupJobInput) (*awsbackup.StopBackupJobOutput, error) {
	if err := bkRequire("BackupJobId", in.BackupJobId); err != nil {
		return nil, err
	}
	j := s.backupCallLocked(c).backupJobs[*in.BackupJobId]
	if j == nil {
		return nil, bkNotFound("Backup job %s does not exist.", *in.BackupJobId)
	}
	if j.State != backuptypes.BackupJobStateCreated && j.State != backuptypes.BackupJobStateRunning {
		return nil, bkInvalidRequest("Backup job %s is %s and cannot be stopped.", *in.BackupJobId, j.State)
	}
	running := j.State == backuptypes.BackupJobStateRunning
	j.State = backuptypes.BackupJobStateAborted
	j.StatusMessage = aws.String("Backup job was stopped by the user.")
	j.CompletionDate = timePtr(s.now)
	s.logEventLocked("BACKUP_JOB", c.Account, c.Region, *in.BackupJobId, "ABORTED", *j.StatusMessage)
	if running {
		s.releaseResourceLocked(aws.ToString(j.ResourceArn))
	}
	return &awsbackup.StopBackupJobOutput{}, nil
}
