package emulator

import (
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// The read side of jobs and recovery points. The job engine creates them
// through the ...Locked helpers below.

type backupRecoveryPoint struct {
	vault string
	rp    backuptypes.RecoveryPointByBackupVault
}

// isBackupDelegatedAdminLocked reports whether account may use the
// organization-wide views (ByAccountId on the job lists): the management
// account, or an account registered as delegated administrator for AWS
// Backup (RegisterDelegatedAdministrator for backup.amazonaws.com).
func (s *Server) isBackupDelegatedAdminLocked(account string) bool {
	return account == s.org.mgmt || s.org.isDelegatedAdminLocked(account, "backup.amazonaws.com")
}

// addRecoveryPointLocked stores a recovery point in a vault of account and
// region. rp.BackupVaultName is required; an empty RecoveryPointArn gets an
// AWS Backup recovery point ARN; BackupVaultArn is filled in. It returns
// the recovery point ARN.
func (s *Server) addRecoveryPointLocked(account, region string, rp backuptypes.RecoveryPointByBackupVault) (string, error) {
	b := s.backupRegionLocked(account, region)
	v, err := b.vault(rp.BackupVaultName)
	if err != nil {
		return "", err
	}
	if aws.ToString(rp.RecoveryPointArn) == "" {
		rp.RecoveryPointArn = aws.String(b.arn("recovery-point", s.ids.uuid()))
	}
	rp.BackupVaultArn = aws.String(v.arn)
	rp.VaultType = v.vaultType
	if rp.CreationDate == nil {
		rp.CreationDate = timePtr(s.now)
	}
	if rp.Status == "" {
		rp.Status = backuptypes.RecoveryPointStatusCompleted
	}
	if rp.EncryptionKeyArn == nil && v.keyARN != "" {
		rp.EncryptionKeyArn = aws.String(v.keyARN)
		rp.IsEncrypted = true
	}
	if old := b.recoveryPoints[*rp.RecoveryPointArn]; old != nil {
		b.unindexRecoveryPoint(old)
	}
	stored := &backupRecoveryPoint{vault: v.name, rp: rp}
	b.recoveryPoints[*rp.RecoveryPointArn] = stored
	b.indexRecoveryPoint(stored)
	return *rp.RecoveryPointArn, nil
}

// indexRecoveryPoint adds a stored recovery point to the indexes of its
// vault and resource.
func (b *backupRegion) indexRecoveryPoint(rp *backupRecoveryPoint) {
	for _, idx := range []struct {
		m   map[string]*listIndex[backupRecoveryPoint]
		key string
	}{{b.rpByVault, rp.vault}, {b.rpByResource, aws.ToString(rp.rp.ResourceArn)}} {
		x := idx.m[idx.key]
		if x == nil {
			x = newListIndex(recoveryPointKey)
			idx.m[idx.key] = x
		}
		x.insert(rp, b)
	}
}

// unindexRecoveryPoint removes a recovery point from the indexes of its
// vault and resource, dropping indexes that become empty.
func (b *backupRegion) unindexRecoveryPoint(rp *backupRecoveryPoint) {
	for _, idx := range []struct {
		m   map[string]*listIndex[backupRecoveryPoint]
		key string
	}{{b.rpByVault, rp.vault}, {b.rpByResource, aws.ToString(rp.rp.ResourceArn)}} {
		if x := idx.m[idx.key]; x != nil {
			x.remove(rp)
			if x.len() == 0 {
				delete(idx.m, idx.key)
			}
		}
	}
}

// recoveryPointLocked returns a stored recovery point.
func (s *Server) recoveryPointLocked(account, region, arn string) (backuptypes.RecoveryPointByBackupVault, bool) {
	b := s.backup[regionKey{account, region}]
	if b == nil || b.recoveryPoints[arn] == nil {
		return backuptypes.RecoveryPointByBackupVault{}, false
	}
	return b.recoveryPoints[arn].rp, true
}

// recoveryPointIn returns the recovery point arn names if vault v holds
// it.
func (b *backupRegion) recoveryPointIn(v *backupVault, arn string) (*backupRecoveryPoint, error) {
	rp := b.recoveryPoints[arn]
	if rp == nil || rp.vault != v.name {
		return nil, bkNotFound("Recovery point %s does not exist in backup vault %s.", arn, v.name)
	}
	return rp, nil
}

// deleteRecoveryPointLocked removes a recovery point and its tags.
func (s *Server) deleteRecoveryPointLocked(account, region, arn string) {
	if b := s.backup[regionKey{account, region}]; b != nil {
		if rp := b.recoveryPoints[arn]; rp != nil {
			b.unindexRecoveryPoint(rp)
		}
		delete(b.recoveryPoints, arn)
		delete(b.tags, arn)
	}
}

// backupJobID returns an ID shaped like AWS Backup's job IDs: an
// upper-case UUID.
func (s *Server) backupJobID() string { return s.ids.upperUUID() }

// jobDefaults fills in what every kind of job defaults to: a generated ID
// when it has none, the account that runs it and a creation date of now.
func (s *Server) jobDefaults(account string, id, accountID **string, created **time.Time) {
	if aws.ToString(*id) == "" {
		*id = aws.String(s.backupJobID())
	}
	if *accountID == nil {
		*accountID = aws.String(account)
	}
	if *created == nil {
		*created = timePtr(s.now)
	}
}

// addBackupJobLocked stores a backup job of account in region and returns
// its ID (generated when job.BackupJobId is empty). AccountId and
// CreationDate default to the account and now.
func (s *Server) addBackupJobLocked(account, region string, job backuptypes.BackupJob) string {
	b := s.backupRegionLocked(account, region)
	s.jobDefaults(account, &job.BackupJobId, &job.AccountId, &job.CreationDate)
	if job.BackupVaultArn == nil && job.BackupVaultName != nil {
		job.BackupVaultArn = aws.String(b.arn("backup-vault", *job.BackupVaultName))
	}
	indexJob(b, s.regionJobsLocked(region), b.backupJobs, &job, func(x *jobIndexes) *listIndex[backuptypes.BackupJob] { return x.backup })
	return *job.BackupJobId
}

// regionJobsLocked returns the indexes of every account's jobs in region,
// creating them on first use.
func (s *Server) regionJobsLocked(region string) *jobIndexes {
	x := s.regionJobs[region]
	if x == nil {
		x = newJobIndexes()
		s.regionJobs[region] = x
	}
	return x
}

// indexJob stores job in jobs (by ID) and in the indexes of its account
// and of its region, replacing a job stored under the same ID.
func indexJob[J any](b *backupRegion, region *jobIndexes, jobs map[string]*J, job *J, kind func(*jobIndexes) *listIndex[J]) {
	id := kind(b.jobIndex).key(job).id
	if old := jobs[id]; old != nil {
		kind(b.jobIndex).remove(old)
		kind(region).remove(old)
	}
	jobs[id] = job
	kind(b.jobIndex).insert(job, b)
	kind(region).insert(job, b)
}

// backupJobLocked returns a stored backup job for the job engine to update
// in place.
func (s *Server) backupJobLocked(account, region, id string) *backuptypes.BackupJob {
	if b := s.backup[regionKey{account, region}]; b != nil {
		return b.backupJobs[id]
	}
	return nil
}

// addCopyJobLocked stores a copy job in the account and region that runs
// it (the source) and returns its ID.
func (s *Server) addCopyJobLocked(account, region string, job backuptypes.CopyJob) string {
	b := s.backupRegionLocked(account, region)
	s.jobDefaults(account, &job.CopyJobId, &job.AccountId, &job.CreationDate)
	indexJob(b, s.regionJobsLocked(region), b.copyJobs, &job, func(x *jobIndexes) *listIndex[backuptypes.CopyJob] { return x.copy })
	return *job.CopyJobId
}

// copyJobLocked returns a stored copy job for in-place updates.
func (s *Server) copyJobLocked(account, region, id string) *backuptypes.CopyJob {
	if b := s.backup[regionKey{account, region}]; b != nil {
		return b.copyJobs[id]
	}
	return nil
}

// addRestoreJobLocked stores a restore job and returns its ID.
func (s *Server) addRestoreJobLocked(account, region string, job backuptypes.RestoreJobsListMember) string {
	b := s.backupRegionLocked(account, region)
	s.jobDefaults(account, &job.RestoreJobId, &job.AccountId, &job.CreationDate)
	indexJob(b, s.regionJobsLocked(region), b.restoreJobs, &job, func(x *jobIndexes) *listIndex[backuptypes.RestoreJobsListMember] { return x.restore })
	return *job.RestoreJobId
}

// restoreJobLocked returns a stored restore job for in-place updates.
func (s *Server) restoreJobLocked(account, region, id string) *backuptypes.RestoreJobsListMember {
	if b := s.backup[regionKey{account, region}]; b != nil {
		return b.restoreJobs[id]
	}
	return nil
}

// jobPageLocked returns a page of the jobs of one kind that the list
// operations show: in the caller's region, of the accounts ByAccountId
// resolves to, that keep accepts, newest first. ByAccountId resolves to
// the caller's own account by default; another account or "*" (every
// account of the organization) only for the management account or a
// delegated administrator. Others see nothing of other accounts. kind
// picks the index out of an account's or a region's job indexes; name
// tells its tokens apart from other lists'.
func jobPageLocked[J any](s *Server, c *Call, byAccount *string, name string, kind func(*jobIndexes) *listIndex[J], token *string, max *int32, after, before *time.Time, keep func(*J) bool) ([]J, *string, error) {
	want := aws.ToString(byAccount)
	var x *listIndex[J]
	filter := func(*J, *backupRegion) bool { return false }
	switch {
	case want == "" || want == c.Account || (want != "*" && s.isBackupDelegatedAdminLocked(c.Account)):
		if want == "" {
			want = c.Account
		}
		if b := s.backup[regionKey{want, c.Region}]; b != nil {
			x = kind(b.jobIndex)
		}
		filter = func(j *J, _ *backupRegion) bool { return keep(j) }
	case want == "*" && s.isBackupDelegatedAdminLocked(c.Account):
		if r := s.regionJobs[c.Region]; r != nil {
			x = kind(r)
		}
		filter = func(j *J, owner *backupRegion) bool { return s.orgMembers[owner.account] && keep(j) }
	}
	return listPage(x, name, token, max, after, before, filter)
}

// inWindow applies ByCreatedAfter/Before style filters: after and before
// are exclusive bounds, nil when absent.
func inWindow(t *time.Time, after, before *time.Time) bool {
	if after == nil && before == nil {
		return true
	}
	if t == nil {
		return false
	}
	return (after == nil || t.After(*after)) && (before == nil || t.Before(*before))
}

func strMatch(filter, v *string) bool {
	return aws.ToString(filter) == "" || aws.ToString(filter) == aws.ToString(v)
}

func (s *Server) listBackupJobs(c *Call, in *awsbackup.ListBackupJobsInput) (*awsbackup.ListBackupJobsOutput, error) {
	page, next, err := jobPageLocked(s, c, in.ByAccountId, "backup-job", func(x *jobIndexes) *listIndex[backuptypes.BackupJob] { return x.backup },
		in.NextToken, in.MaxResults, in.ByCreatedAfter, in.ByCreatedBefore,
		func(j *backuptypes.BackupJob) bool {
			return strMatch(in.ByResourceArn, j.ResourceArn) && strMatch(in.ByBackupVaultName, j.BackupVaultName) &&
				strMatch(in.ByResourceType, j.ResourceType) && strMatch(in.ByParentJobId, j.ParentJobId) &&
				strMatch(in.ByMessageCategory, j.MessageCategory) &&
				(in.ByState == "" || j.State == in.ByState) &&
				inWindow(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) &&
				inWindow(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore)
		})
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupJobsOutput{BackupJobs: page, NextToken: next}, nil
}

func (s *Server) describeBackupJob(c *Call, in *awsbackup.DescribeBackupJobInput) (*awsbackup.DescribeBackupJobOutput, error) {
	if err := bkRequire("BackupJobId", in.BackupJobId); err != nil {
		return nil, err
	}
	j := s.backupReadLocked(c).backupJobs[*in.BackupJobId]
	if j == nil {
		return nil, bkNotFound("Backup job %s does not exist.", *in.BackupJobId)
	}
	return &awsbackup.DescribeBackupJobOutput{
		AccountId:              j.AccountId,
		BackupJobId:            j.BackupJobId,
		BackupOptions:          j.BackupOptions,
		BackupSizeInBytes:      j.BackupSizeInBytes,
		BackupType:             j.BackupType,
		BackupVaultArn:         j.BackupVaultArn,
		BackupVaultName:        j.BackupVaultName,
		BytesTransferred:       j.BytesTransferred,
		CompletionDate:         j.CompletionDate,
		CreatedBy:              j.CreatedBy,
		CreationDate:           j.CreationDate,
		EncryptionKeyArn:       j.EncryptionKeyArn,
		ExpectedCompletionDate: j.ExpectedCompletionDate,
		IamRoleArn:             j.IamRoleArn,
		InitiationDate:         j.InitiationDate,
		IsEncrypted:            j.IsEncrypted,
		IsParent:               j.IsParent,
		MessageCategory:        j.MessageCategory,
		ParentJobId:            j.ParentJobId,
		PercentDone:            j.PercentDone,
		RecoveryPointArn:       j.RecoveryPointArn,
		RecoveryPointLifecycle: j.RecoveryPointLifecycle,
		ResourceArn:            j.ResourceArn,
		ResourceName:           j.ResourceName,
		ResourceType:           j.ResourceType,
		StartBy:                j.StartBy,
		State:                  j.State,
		StatusMessage:          j.StatusMessage,
		VaultLockState:         j.VaultLockState,
		VaultType:              j.VaultType,
	}, nil
}

func (s *Server) listCopyJobs(c *Call, in *awsbackup.ListCopyJobsInput) (*awsbackup.ListCopyJobsOutput, error) {
	page, next, err := jobPageLocked(s, c, in.ByAccountId, "copy-job", func(x *jobIndexes) *listIndex[backuptypes.CopyJob] { return x.copy },
		in.NextToken, in.MaxResults, in.ByCreatedAfter, in.ByCreatedBefore,
		func(j *backuptypes.CopyJob) bool {
			return strMatch(in.ByResourceArn, j.ResourceArn) && strMatch(in.ByDestinationVaultArn, j.DestinationBackupVaultArn) &&
				strMatch(in.ByResourceType, j.ResourceType) && strMatch(in.ByParentJobId, j.ParentJobId) &&
				strMatch(in.ByMessageCategory, j.MessageCategory) && strMatch(in.BySourceRecoveryPointArn, j.SourceRecoveryPointArn) &&
				(in.ByState == "" || j.State == in.ByState) &&
				inWindow(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) &&
				inWindow(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore)
		})
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListCopyJobsOutput{CopyJobs: page, NextToken: next}, nil
}

func (s *Server) describeCopyJob(c *Call, in *awsbackup.DescribeCopyJobInput) (*awsbackup.DescribeCopyJobOutput, error) {
	if err := bkRequire("CopyJobId", in.CopyJobId); err != nil {
		return nil, err
	}
	j := s.backupReadLocked(c).copyJobs[*in.CopyJobId]
	if j == nil {
		return nil, bkNotFound("Copy job %s does not exist.", *in.CopyJobId)
	}
	cp := *j
	return &awsbackup.DescribeCopyJobOutput{CopyJob: &cp}, nil
}

func (s *Server) listRestoreJobs(c *Call, in *awsbackup.ListRestoreJobsInput) (*awsbackup.ListRestoreJobsOutput, error) {
	page, next, err := jobPageLocked(s, c, in.ByAccountId, "restore-job", func(x *jobIndexes) *listIndex[backuptypes.RestoreJobsListMember] { return x.restore },
		in.NextToken, in.MaxResults, in.ByCreatedAfter, in.ByCreatedBefore,
		func(j *backuptypes.RestoreJobsListMember) bool {
			var testingPlan *string
			if j.CreatedBy != nil {
				testingPlan = j.CreatedBy.RestoreTestingPlanArn
			}
			return strMatch(in.ByResourceType, j.ResourceType) && strMatch(in.ByParentJobId, j.ParentJobId) &&
				strMatch(in.ByRestoreTestingPlanArn, testingPlan) &&
				(in.ByStatus == "" || j.Status == in.ByStatus) &&
				inWindow(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) &&
				inWindow(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore)
		})
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListRestoreJobsOutput{RestoreJobs: page, NextToken: next}, nil
}

// vaultForRead resolves the vault of a recovery-point read: the caller's
// own, since the emulator shares no vault through AWS RAM.
func (s *Server) vaultForRead(c *Call, name, accountID *string) (*backupRegion, *backupVault, error) {
	if a := aws.ToString(accountID); a != "" && a != c.Account {
		return nil, nil, bkNotFound("Backup vault %s does not exist in account %s.", aws.ToString(name), a)
	}
	b := s.backupReadLocked(c)
	v, err := b.vault(name)
	if err != nil {
		return nil, nil, err
	}
	return b, v, nil
}

func (s *Server) listRecoveryPointsByBackupVault(c *Call, in *awsbackup.ListRecoveryPointsByBackupVaultInput) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error) {
	b, v, err := s.vaultForRead(c, in.BackupVaultName, in.BackupVaultAccountId)
	if err != nil {
		return nil, err
	}
	points, next, err := listPage(b.rpByVault[v.name], "vault-recovery-point", in.NextToken, in.MaxResults, in.ByCreatedAfter, in.ByCreatedBefore,
		func(rp *backupRecoveryPoint, _ *backupRegion) bool {
			r := &rp.rp
			var planID *string
			if r.CreatedBy != nil {
				planID = r.CreatedBy.BackupPlanId
			}
			return strMatch(in.ByResourceArn, r.ResourceArn) && strMatch(in.ByResourceType, r.ResourceType) &&
				strMatch(in.ByBackupPlanId, planID) && strMatch(in.ByParentRecoveryPointArn, r.ParentRecoveryPointArn) &&
				inWindow(r.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore)
		})
	if err != nil {
		return nil, err
	}
	var page []backuptypes.RecoveryPointByBackupVault
	if points != nil {
		page = make([]backuptypes.RecoveryPointByBackupVault, len(points))
		for i := range points {
			page[i] = points[i].rp
		}
	}
	return &awsbackup.ListRecoveryPointsByBackupVaultOutput{RecoveryPoints: page, NextToken: next}, nil
}

// listRecoveryPointsByResource lists the recovery points of one resource
// in all the caller's vaults of the region, newest first. Every emulated
// recovery point is created by AWS Backup, so ManagedByAWSBackupOnly
// (TRUE: only those "managed by AWS Backup"; FALSE: all) selects the same
// ones. "Only Amazon EFS and Amazon EC2 recovery points return
// BackupVaultName" (ListRecoveryPointsByResource, AWS Backup API
// Reference); EBS snapshots are Amazon EC2 resources (arn:aws:ec2).
func (s *Server) listRecoveryPointsByResource(c *Call, in *awsbackup.ListRecoveryPointsByResourceInput) (*awsbackup.ListRecoveryPointsByResourceOutput, error) {
	if err := bkRequire("ResourceArn", in.ResourceArn); err != nil {
		return nil, err
	}
	if _, _, _, _, ok := arnRegionAccount(*in.ResourceArn); !ok {
		return nil, bkInvalidParam("Invalid resource ARN %q.", *in.ResourceArn)
	}
	var x *listIndex[backupRecoveryPoint]
	if b := s.backup[regionKey{c.Account, c.Region}]; b != nil {
		x = b.rpByResource[*in.ResourceArn]
	}
	page, next, err := listPage(x, "resource-recovery-point", in.NextToken, in.MaxResults, nil, nil,
		func(*backupRecoveryPoint, *backupRegion) bool { return true })
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRecoveryPointsByResourceOutput{RecoveryPoints: []backuptypes.RecoveryPointByResource{}, NextToken: next}
	for i := range page {
		r := &page[i].rp
		rp := backuptypes.RecoveryPointByResource{
			RecoveryPointArn: r.RecoveryPointArn, CreationDate: r.CreationDate, Status: r.Status, StatusMessage: r.StatusMessage,
			EncryptionKeyArn: r.EncryptionKeyArn, EncryptionKeyType: r.EncryptionKeyType, BackupSizeBytes: r.BackupSizeInBytes,
			IsParent: r.IsParent, ParentRecoveryPointArn: r.ParentRecoveryPointArn, ResourceName: r.ResourceName,
			VaultType: r.VaultType, IndexStatus: r.IndexStatus, IndexStatusMessage: r.IndexStatusMessage,
			AggregatedScanResult: r.AggregatedScanResult,
		}
		switch aws.ToString(r.ResourceType) {
		case "EFS", "EC2", "EBS":
			rp.BackupVaultName = r.BackupVaultName
		}
		out.RecoveryPoints = append(out.RecoveryPoints, rp)
	}
	return out, nil
}

func (s *Server) describeRecoveryPoint(c *Call, in *awsbackup.DescribeRecoveryPointInput) (*awsbackup.DescribeRecoveryPointOutput, error) {
	b, v, err := s.vaultForRead(c, in.BackupVaultName, in.BackupVaultAccountId)
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
	r := rp.rp
	return &awsbackup.DescribeRecoveryPointOutput{
		BackupSizeInBytes:         r.BackupSizeInBytes,
		BackupVaultArn:            r.BackupVaultArn,
		BackupVaultName:           r.BackupVaultName,
		CalculatedLifecycle:       r.CalculatedLifecycle,
		CompletionDate:            r.CompletionDate,
		CompositeMemberIdentifier: r.CompositeMemberIdentifier,
		CreatedBy:                 r.CreatedBy,
		CreationDate:              r.CreationDate,
		EncryptionKeyArn:          r.EncryptionKeyArn,
		EncryptionKeyType:         r.EncryptionKeyType,
		IamRoleArn:                r.IamRoleArn,
		IndexStatus:               r.IndexStatus,
		IndexStatusMessage:        r.IndexStatusMessage,
		InitiationDate:            r.InitiationDate,
		IsEncrypted:               r.IsEncrypted,
		IsParent:                  r.IsParent,
		LastRestoreTime:           r.LastRestoreTime,
		Lifecycle:                 r.Lifecycle,
		ParentRecoveryPointArn:    r.ParentRecoveryPointArn,
		RecoveryPointArn:          r.RecoveryPointArn,
		ResourceArn:               r.ResourceArn,
		ResourceName:              r.ResourceName,
		ResourceType:              r.ResourceType,
		SourceBackupVaultArn:      r.SourceBackupVaultArn,
		Status:                    r.Status,
		StatusMessage:             r.StatusMessage,
		StorageClass:              s.recoveryPointStorageClassLocked(*r.RecoveryPointArn),
		VaultType:                 r.VaultType,
	}, nil
}

// listProtectedResources lists the resources that have at least one
// recovery point in the caller's account and region, each with its latest
// recovery point.
func (s *Server) listProtectedResources(c *Call, in *awsbackup.ListProtectedResourcesInput) (*awsbackup.ListProtectedResourcesOutput, error) {
	b := s.backupReadLocked(c)
	var items []backuptypes.ProtectedResource
	for _, arn := range sortedKeys(b.rpByResource) {
		if arn == "" {
			continue
		}
		r := b.rpByResource[arn].newest().rp
		items = append(items, backuptypes.ProtectedResource{
			LastBackupTime:       r.CreationDate,
			LastBackupVaultArn:   r.BackupVaultArn,
			LastRecoveryPointArn: r.RecoveryPointArn,
			ResourceArn:          r.ResourceArn,
			ResourceName:         r.ResourceName,
			ResourceType:         r.ResourceType,
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListProtectedResourcesOutput{Results: page, NextToken: next}, nil
}

// jobAccountsLocked resolves a list operation's ByAccountId for the caller:
// its own account by default; another account, or every account of the
// organization ("*"), only for the delegated administrator (the
// organization-wide views of ListBackupJobs and its kin). The paged job
// listings use the indexes of jobPageLocked; the summaries and the restore
// job views still walk the accounts.
func (s *Server) jobAccountsLocked(c *Call, by *string) []string {
	want := aws.ToString(by)
	if want == "" || want == c.Account {
		return []string{c.Account}
	}
	if !s.isBackupDelegatedAdminLocked(c.Account) {
		return nil
	}
	if want != "*" {
		return []string{want}
	}
	var accounts []string
	for k := range s.backup {
		if k.region == c.Region && s.orgHasAccount(k.account) {
			accounts = append(accounts, k.account)
		}
	}
	sort.Strings(accounts)
	return accounts
}

// newestFirst orders items by creation date, newest first, then by ID, as
// the list operations do.
func newestFirst(ti, tj *time.Time, idi, idj string) bool {
	a, b := aws.ToTime(ti), aws.ToTime(tj)
	if !a.Equal(b) {
		return a.After(b)
	}
	return idi < idj
}

// jobsLocked collects the jobs of one kind that a filtered view shows: those
// of the accounts ByAccountId resolves to, in the caller's region, that keep
// accepts, newest first. It copies and sorts every match, so only the small
// views use it (restore jobs of one resource); the paged listings use
// jobPageLocked.
func jobsLocked[J any](s *Server, c *Call, byAccount *string, jobs func(*backupRegion) map[string]*J, keep func(*J) bool, key func(*J) (*time.Time, string)) []J {
	var items []J
	for _, account := range s.jobAccountsLocked(c, byAccount) {
		b := s.backup[regionKey{account, c.Region}]
		if b == nil {
			continue
		}
		for _, j := range jobs(b) {
			if keep(j) {
				items = append(items, *j)
			}
		}
	}
	sort.Slice(items, func(i, j int) bool {
		ti, idi := key(&items[i])
		tj, idj := key(&items[j])
		return newestFirst(ti, tj, idi, idj)
	})
	return items
}
