package emulator

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Copy jobs, from a rule's copy actions and from StartCopyJob. A copy job
// lives in the source account and region. It is CREATED, waits while the
// source account already runs the maximum number of copy jobs to the
// destination Region, then either FAILS at once with a status message or
// runs for the copy duration and is COMPLETED with a recovery point in
// the destination vault.

// copyKey limits concurrency: one source account to one destination
// Region.
type copyKey struct{ account, destRegion string }

// copyDecision is a cached vault access policy decision.
type copyDecision struct {
	doc     string
	allowed bool
}

// copyRequest is everything a copy job needs.
type copyRequest struct {
	account, region string // source
	sourceVault     string
	rpARN           string
	destVaultARN    string
	role            string
	lifecycle       *backuptypes.Lifecycle
	creator         *backuptypes.RecoveryPointCreator
	backupJobID     string
}

// copyTask is a copy job in flight.
type copyTask struct {
	req                 copyRequest
	id                  string
	destRegion, destAcc string
	destVault           string
}

// createCopyJobLocked creates a copy job and starts or queues it.
func (s *Server) createCopyJobLocked(req copyRequest) *copyTask {
	e := s.engineLocked()
	t := &copyTask{req: req}
	_, t.destRegion, t.destAcc, _, _ = arnRegionAccount(req.destVaultARN)
	if _, res, ok := strings.Cut(req.destVaultARN, ":backup-vault:"); ok {
		t.destVault = res
	}
	src := s.backupRegionLocked(req.account, req.region)
	var rp backuptypes.RecoveryPointByBackupVault
	srcARN := aws.String(req.rpARN)
	if stored := src.recoveryPoints[req.rpARN]; stored != nil {
		rp = stored.rp
		srcARN = stored.rp.RecoveryPointArn
	}
	job := backuptypes.CopyJob{
		SourceBackupVaultArn:              s.vaultARNPtrLocked(src, req.sourceVault),
		SourceRecoveryPointArn:            srcARN,
		DestinationBackupVaultArn:         e.str(req.destVaultARN),
		DestinationRecoveryPointLifecycle: req.lifecycle,
		ResourceArn:                       rp.ResourceArn,
		ResourceType:                      rp.ResourceType,
		ResourceName:                      rp.ResourceName,
		BackupSizeInBytes:                 rp.BackupSizeInBytes,
		IamRoleArn:                        e.str(req.role),
		CreatedBy:                         req.creator,
		State:                             backuptypes.CopyJobStateCreated,
		CreationDate:                      s.nowPtrLocked(),
	}
	if req.backupJobID != "" {
		job.CreatedByBackupJobId = aws.String(req.backupJobID)
		if bj := src.backupJobs[req.backupJobID]; bj != nil {
			job.CreatedByBackupJobId = bj.BackupJobId
		}
	}
	t.id = s.addCopyJobLocked(req.account, req.region, job)
	s.reportLocked().CopyJobsCreated++
	s.logEventLocked("COPY_JOB", req.account, req.region, t.id, "CREATED", "")
	k := copyKey{req.account, t.destRegion}
	if e.copyRunning[k] >= e.copyLimit {
		e.copyWaiting[k] = append(e.copyWaiting[k], t)
		return t
	}
	s.runCopyJobLocked(t)
	return t
}

// runCopyJobLocked checks a copy job and fails it or starts it.
func (s *Server) runCopyJobLocked(t *copyTask) {
	e := s.engineLocked()
	j := s.copyJobLocked(t.req.account, t.req.region, t.id)
	if msg := s.copyPreflightLocked(t); msg != "" {
		s.finishCopyJobLocked(t, j, backuptypes.CopyJobStateFailed, msg, "")
		return
	}
	e.copyRunning[copyKey{t.req.account, t.destRegion}]++
	j.State = backuptypes.CopyJobStateRunning
	s.reportLocked().CopyJobsStarted++
	s.logEventLocked("COPY_JOB", t.req.account, t.req.region, t.id, "RUNNING", "")
	s.notifyJobLocked(t.req.account, t.req.region, t.req.sourceVault, backuptypes.BackupVaultEventCopyJobStarted, "COPY_JOB", "RUNNING", t.id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup copy job was started. Recovery point ARN: %s. Destination backup vault ARN: %s. CopyJob ID : %s", t.req.rpARN, t.req.destVaultARN, t.id)
		})
	s.atLocked(s.now.Add(e.durations.Copy), "copy-complete", t.id, func() { s.completeCopyJobLocked(t) })
}

// copyPreflightLocked returns why a copy job fails, or "". The checks and
// messages follow "Creating backup copies across AWS accounts" and the
// knowledge-center article on troubleshooting cross-account copies.
func (s *Server) copyPreflightLocked(t *copyTask) string {
	req := t.req
	rp, ok := s.recoveryPointLocked(req.account, req.region, req.rpARN)
	if !ok {
		return fmt.Sprintf("Recovery point %s does not exist.", req.rpARN)
	}
	// "backups in cold storage or archive tiers cannot be copied" (Backup
	// and tag copy).
	if m := s.engineLocked().rps[req.rpARN]; m != nil && m.cold {
		return fmt.Sprintf("Recovery point %s is in cold storage and cannot be copied.", req.rpARN)
	}
	destB := s.backup[regionKey{t.destAcc, t.destRegion}]
	var dv *backupVault
	if destB != nil {
		dv = destB.vaults[t.destVault]
	}
	if dv == nil {
		return fmt.Sprintf("Backup vault %s does not exist in account %s and region %s.", t.destVault, t.destAcc, t.destRegion)
	}
	if msg := copyTypeViolation(aws.ToString(rp.ResourceType), req.rpARN, t.destAcc != req.account, t.destRegion != req.region); msg != "" {
		return msg
	}
	if t.destAcc != req.account {
		if !s.orgHasAccount(req.account) || !s.orgHasAccount(t.destAcc) {
			return "Copy job failed. Both source and destination account must be a member of the same organization"
		}
		// Cross-account backup must be turned on in the management
		// account ("Enable cross-account backup").
		if !s.backupCrossAccountEnabledLocked(req.region) {
			return "Copy job failed. Cross-account backup is not enabled for the organization."
		}
		if !s.vaultPolicyAllowsCopyLocked(dv, req) {
			return "Access Denied trying to call AWS Backup service"
		}
		// Resource types not fully managed by AWS Backup keep the source
		// resource's key, which the destination account must be able to
		// use: "a key shared with the destination account"; AWS managed
		// keys cannot be shared ("Encryption for a backup copy to a
		// different account or AWS Region").
		srcB := s.backupRegionLocked(req.account, req.region)
		if key := aws.ToString(rp.EncryptionKeyArn); key != "" && !fullyManaged(srcB, aws.ToString(rp.ResourceType)) {
			if ok, why := s.keyUsableForCopyLocked(key, t.destAcc); !ok {
				return fmt.Sprintf("The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it: %s.", why)
			}
		}
	}
	if msg := lockRetentionViolation(dv, req.lifecycle); msg != "" {
		return msg
	}
	return ""
}

// vaultPolicyAllowsCopyLocked evaluates the destination vault's access
// policy for backup:CopyIntoBackupVault by the source account (its
// backup role), with the organization condition keys.
func (s *Server) vaultPolicyAllowsCopyLocked(dv *backupVault, req copyRequest) bool {
	if dv.policy == nil {
		return false
	}
	// Decisions are cached for the advance in progress unless the policy
	// depends on the time.
	e := s.engineLocked()
	key := dv.arn + "|" + req.account + "|" + req.role
	if d, ok := e.copyAllowed[key]; ok && d.doc == *dv.policy {
		return d.allowed
	}
	allowed := s.evalCopyPolicyLocked(dv, req)
	lower := strings.ToLower(*dv.policy)
	if e.copyAllowed != nil && !strings.Contains(lower, "aws:currenttime") && !strings.Contains(lower, "aws:epochtime") {
		e.copyAllowed[key] = copyDecision{doc: *dv.policy, allowed: allowed}
	}
	return allowed
}

func (s *Server) evalCopyPolicyLocked(dv *backupVault, req copyRequest) bool {
	p := Principal{Account: req.account, ARN: "arn:aws:iam::" + req.account + ":root"}
	pp := &policyPrincipal{Account: req.account, ARN: p.ARN}
	if req.role != "" && arnAccount(req.role) == req.account {
		pp.RoleARN = req.role
		p.RoleARN = req.role
	}
	ctx := s.callerContextLocked(p)
	ctx["aws:SourceAccount"] = []string{req.account}
	doc := s.parsedPolicyLocked(*dv.policy, policyResource)
	return doc != nil && doc.eval(policyRequest{
		Principal: pp,
		Action:    "backup:CopyIntoBackupVault",
		Resource:  dv.arn,
		Context:   ctx,
	}) == decisionAllow
}

// keyUsableForCopyLocked reports whether account can use a KMS key to
// copy a snapshot: by the key policy or by a grant for Decrypt.
func (s *Server) keyUsableForCopyLocked(keyARN, account string) (bool, string) {
	ok, why := s.kmsKeyUsableByLocked(keyARN, account, "kms:Decrypt", "backup")
	if ok {
		return true, ""
	}
	ref, err := parseKMSKeyRef(&Call{Account: account}, keyARN)
	if err != nil {
		return false, why
	}
	k, err := s.kmsLookupLocked(ref, keyARN, true)
	if err != nil || k.state != kmstypes.KeyStateEnabled || k.manager == kmstypes.KeyManagerTypeAws {
		return false, why
	}
	for _, g := range k.grants {
		if arnAccount(g.grantee) != account && g.grantee != account {
			continue
		}
		for _, op := range g.operations {
			if op == kmstypes.GrantOperationDecrypt {
				return true, ""
			}
		}
	}
	return false, why
}

func (s *Server) completeCopyJobLocked(t *copyTask) {
	e := s.engineLocked()
	k := copyKey{t.req.account, t.destRegion}
	e.copyRunning[k]--
	defer s.nextCopyJobLocked(k)
	j := s.copyJobLocked(t.req.account, t.req.region, t.id)
	src, ok := s.recoveryPointLocked(t.req.account, t.req.region, t.req.rpARN)
	if !ok {
		s.finishCopyJobLocked(t, j, backuptypes.CopyJobStateFailed, fmt.Sprintf("Recovery point %s was deleted during the copy.", t.req.rpARN), "")
		return
	}
	destB := s.backupRegionLocked(t.destAcc, t.destRegion)
	dv := destB.vaults[t.destVault]
	if dv == nil {
		s.finishCopyJobLocked(t, j, backuptypes.CopyJobStateFailed, fmt.Sprintf("Backup vault %s does not exist in account %s and region %s.", t.destVault, t.destAcc, t.destRegion), "")
		return
	}
	// "Copies retain their source configuration, including creation
	// dates" (Backup and tag copy); the copy's own lifecycle applies from
	// that date. The copy is encrypted with the destination vault's key.
	lifecycle := t.req.lifecycle
	if lifecycle == nil {
		lifecycle = src.Lifecycle
	}
	rp := backuptypes.RecoveryPointByBackupVault{
		RecoveryPointArn:     aws.String(s.recoveryPointARNLocked(t.destAcc, t.destRegion, aws.ToString(src.ResourceType))),
		BackupVaultName:      e.str(dv.name),
		ResourceArn:          src.ResourceArn,
		ResourceType:         src.ResourceType,
		ResourceName:         src.ResourceName,
		IamRoleArn:           src.IamRoleArn,
		BackupSizeInBytes:    src.BackupSizeInBytes,
		CreationDate:         src.CreationDate,
		InitiationDate:       j.CreationDate,
		CompletionDate:       s.nowPtrLocked(),
		CreatedBy:            t.req.creator,
		Lifecycle:            lifecycle,
		SourceBackupVaultArn: j.SourceBackupVaultArn,
		Status:               backuptypes.RecoveryPointStatusCompleted,
	}
	if dv.keyARN != "" {
		rp.EncryptionKeyArn = e.str(dv.keyARN)
		rp.IsEncrypted = true
		rp.EncryptionKeyType = dv.keyType
	}
	arn, err := s.storeRecoveryPointLocked(t.destAcc, t.destRegion, rp)
	if err != nil {
		s.finishCopyJobLocked(t, j, backuptypes.CopyJobStateFailed, err.Error(), "")
		return
	}
	copyRecoveryPointTagsLocked(s.backup[regionKey{t.req.account, t.req.region}], t.req.rpARN, destB, arn)
	s.trackRecoveryPointLocked(t.destAcc, t.destRegion, arn)
	j.DestinationEncryptionKeyArn = rp.EncryptionKeyArn
	s.finishCopyJobLocked(t, j, backuptypes.CopyJobStateCompleted, "", arn)
}

// finishCopyJobLocked records the end of a copy job and notifies.
func (s *Server) finishCopyJobLocked(t *copyTask, j *backuptypes.CopyJob, state backuptypes.CopyJobState, msg, destRP string) {
	j.State = state
	j.CompletionDate = s.nowPtrLocked()
	rep := s.reportLocked()
	if msg != "" {
		j.StatusMessage = aws.String(msg)
	}
	if state == backuptypes.CopyJobStateCompleted {
		j.DestinationRecoveryPointArn = aws.String(destRP)
		if b := s.backup[regionKey{t.destAcc, t.destRegion}]; b != nil && b.recoveryPoints[destRP] != nil {
			j.DestinationRecoveryPointArn = b.recoveryPoints[destRP].rp.RecoveryPointArn
		}
		rep.CopyJobsCompleted++
		s.logEventLocked("COPY_JOB", t.req.account, t.req.region, t.id, "COMPLETED", "")
		s.notifyJobLocked(t.req.account, t.req.region, t.req.sourceVault, backuptypes.BackupVaultEventCopyJobSuccessful, "COPY_JOB", "COMPLETED", t.id, aws.ToTime(j.CreationDate),
			func() string {
				return fmt.Sprintf("An AWS Backup copy job was completed successfully. Recovery point ARN: %s. Destination recovery point ARN: %s. CopyJob ID : %s", t.req.rpARN, destRP, t.id)
			})
		return
	}
	rep.CopyJobsFailed++
	s.logEventLocked("COPY_JOB", t.req.account, t.req.region, t.id, "FAILED", msg)
	s.notifyJobLocked(t.req.account, t.req.region, t.req.sourceVault, backuptypes.BackupVaultEventCopyJobFailed, "COPY_JOB", "FAILED", t.id, aws.ToTime(j.CreationDate),
		func() string {
			return fmt.Sprintf("An AWS Backup copy job failed. Recovery point ARN: %s. Destination backup vault ARN: %s. CopyJob ID : %s. Status message : %s", t.req.rpARN, t.req.destVaultARN, t.id, msg)
		})
}

// nextCopyJobLocked starts waiting copy jobs while there is room.
func (s *Server) nextCopyJobLocked(k copyKey) {
	e := s.engineLocked()
	for e.copyRunning[k] < e.copyLimit && len(e.copyWaiting[k]) > 0 {
		t := e.copyWaiting[k][0]
		e.copyWaiting[k] = e.copyWaiting[k][1:]
		s.runCopyJobLocked(t)
	}
	if len(e.copyWaiting[k]) == 0 {
		delete(e.copyWaiting, k)
	}
}

// startCopyJob is StartCopyJob.
func (s *Server) startCopyJob(c *Call, in *awsbackup.StartCopyJobInput) (*awsbackup.StartCopyJobOutput, error) {
	if err := bkRequire("RecoveryPointArn", in.RecoveryPointArn, "SourceBackupVaultName", in.SourceBackupVaultName,
		"DestinationBackupVaultArn", in.DestinationBackupVaultArn, "IamRoleArn", in.IamRoleArn); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	v, err := b.vault(in.SourceBackupVaultName)
	if err != nil {
		return nil, err
	}
	if _, err := b.recoveryPointIn(v, *in.RecoveryPointArn); err != nil {
		return nil, err
	}
	svc, _, _, res, ok := arnRegionAccount(*in.DestinationBackupVaultArn)
	if !ok || svc != "backup" || !strings.HasPrefix(res, "backup-vault:") {
		return nil, bkInvalidParam("Invalid DestinationBackupVaultArn %q.", *in.DestinationBackupVaultArn)
	}
	if m := s.engineLocked().rps[*in.RecoveryPointArn]; m != nil && m.cold {
		return nil, bkInvalidRequest("Recovery point %s is in cold storage and cannot be copied.", *in.RecoveryPointArn)
	}
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		if id, ok := s.engineLocked().idempotency("copy", c.Account, c.Region, tok); ok {
			j := b.copyJobs[id]
			return &awsbackup.StartCopyJobOutput{CopyJobId: j.CopyJobId, CreationDate: j.CreationDate}, nil
		}
	}
	t := s.createCopyJobLocked(copyRequest{
		account:      c.Account,
		region:       c.Region,
		sourceVault:  v.name,
		rpARN:        *in.RecoveryPointArn,
		destVaultARN: *in.DestinationBackupVaultArn,
		role:         *in.IamRoleArn,
		lifecycle:    in.Lifecycle,
	})
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		s.engineLocked().remember("copy", c.Account, c.Region, tok, t.id)
	}
	j := b.copyJobs[t.id]
	return &awsbackup.StartCopyJobOutput{CopyJobId: aws.String(t.id), CreationDate: j.CreationDate}, nil
}
