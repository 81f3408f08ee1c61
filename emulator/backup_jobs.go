package emulator

import (
	"sort"
	"strings"
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
	b.recoveryPoints[*rp.RecoveryPointArn] = &backupRecoveryPoint{vault: v.name, rp: rp}
	return *rp.RecoveryPointArn, nil
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
		delete(b.recoveryPoints, arn)
		delete(b.tags, arn)
	}
}

// backupJobID returns an ID shaped like AWS Backup's job IDs: an
// upper-case UUID.
func (s *Server) backupJobID() string { return strings.ToUpper(s.ids.uuid()) }

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
	b.backupJobs[*job.BackupJobId] = &job
	return *job.BackupJobId
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
	b.copyJobs[*job.CopyJobId] = &job
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
	b.restoreJobs[*job.RestoreJobId] = &job
	return *job.RestoreJobId
}

// restoreJobLocked returns a stored restore job for in-place updates.
func (s *Server) restoreJobLocked(account, region, id string) *backuptypes.RestoreJobsListMember {
	if b := s.backup[regionKey{account, region}]; b != nil {
		return b.restoreJobs[id]
	}
	return nil
}

// jobAccountsLocked resolves ByAccountId into the accounts whose jobs the
// caller sees in its region: its own by default; another account or "*"
// (every account) only for the management account or a delegated
// administrator. Others see nothing of other accounts.
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

// newestFirst orders by creation time, most recent first, then by ID.
func newestFirst(ti, tj *time.Time, idi, idj string) bool {
	a, b := aws.ToTime(ti), aws.ToTime(tj)
	if !a.Equal(b) {
		return a.After(b)
	}
	return idi < idj
}

// jobsLocked collects the jobs of one kind that the list operations show:
// those of the accounts ByAccountId resolves to, in the caller's region,
// that keep accepts, newest first. jobs picks the kind out of a region's
// state; key gives a job's creation date and ID.
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

func (s *Server) listBackupJobs(c *Call, in *awsbackup.ListBackupJobsInput) (*awsbackup.ListBackupJobsOutput, error) {
	items := jobsLocked(s, c, in.ByAccountId, func(b *backupRegion) map[string]*backuptypes.BackupJob { return b.backupJobs },
		func(j *backuptypes.BackupJob) bool {
			return strMatch(in.ByResourceArn, j.ResourceArn) && strMatch(in.ByBackupVaultName, j.BackupVaultName) &&
				strMatch(in.ByResourceType, j.ResourceType) && strMatch(in.ByParentJobId, j.ParentJobId) &&
				strMatch(in.ByMessageCategory, j.MessageCategory) &&
				(in.ByState == "" || j.State == in.ByState) &&
				inWindow(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) &&
				inWindow(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore)
		},
		func(j *backuptypes.BackupJob) (*time.Time, string) { return j.CreationDate, *j.BackupJobId })
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupJobsOutput{BackupJobs: page, NextToken: next}, nil
}

func (s *Server) describeBackupJob(c *Call, in *awsbackup.DescribeBackupJobInput) (*awsbackup.DescribeBackupJobOutput, error) {
	if err := bkRequire("BackupJobId", in.BackupJobId); err != nil {
		return nil, err
	}
	j := s.backupCallLocked(c).backupJobs[*in.BackupJobId]
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
	items := jobsLocked(s, c, in.ByAccountId, func(b *backupRegion) map[string]*backuptypes.CopyJob { return b.copyJobs },
		func(j *backuptypes.CopyJob) bool {
			return strMatch(in.ByResourceArn, j.ResourceArn) && strMatch(in.ByDestinationVaultArn, j.DestinationBackupVaultArn) &&
				strMatch(in.ByResourceType, j.ResourceType) && strMatch(in.ByParentJobId, j.ParentJobId) &&
				strMatch(in.ByMessageCategory, j.MessageCategory) && strMatch(in.BySourceRecoveryPointArn, j.SourceRecoveryPointArn) &&
				(in.ByState == "" || j.State == in.ByState) &&
				inWindow(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) &&
				inWindow(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore)
		},
		func(j *backuptypes.CopyJob) (*time.Time, string) { return j.CreationDate, *j.CopyJobId })
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListCopyJobsOutput{CopyJobs: page, NextToken: next}, nil
}

func (s *Server) describeCopyJob(c *Call, in *awsbackup.DescribeCopyJobInput) (*awsbackup.DescribeCopyJobOutput, error) {
	if err := bkRequire("CopyJobId", in.CopyJobId); err != nil {
		return nil, err
	}
	j := s.backupCallLocked(c).copyJobs[*in.CopyJobId]
	if j == nil {
		return nil, bkNotFound("Copy job %s does not exist.", *in.CopyJobId)
	}
	cp := *j
	return &awsbackup.DescribeCopyJobOutput{CopyJob: &cp}, nil
}

func (s *Server) listRestoreJobs(c *Call, in *awsbackup.ListRestoreJobsInput) (*awsbackup.ListRestoreJobsOutput, error) {
	items := jobsLocked(s, c, in.ByAccountId, func(b *backupRegion) map[string]*backuptypes.RestoreJobsListMember { return b.restoreJobs },
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
		},
		func(j *backuptypes.RestoreJobsListMember) (*time.Time, string) {
			return j.CreationDate, *j.RestoreJobId
		})
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
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
	b := s.backupCallLocked(c)
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
	var items []backuptypes.RecoveryPointByBackupVault
	for _, rp := range b.recoveryPoints {
		r := rp.rp
		var planID *string
		if r.CreatedBy != nil {
			planID = r.CreatedBy.BackupPlanId
		}
		if rp.vault != v.name || !strMatch(in.ByResourceArn, r.ResourceArn) || !strMatch(in.ByResourceType, r.ResourceType) ||
			!strMatch(in.ByBackupPlanId, planID) || !strMatch(in.ByParentRecoveryPointArn, r.ParentRecoveryPointArn) ||
			!inWindow(r.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) {
			continue
		}
		items = append(items, r)
	}
	sort.Slice(items, func(i, j int) bool {
		return newestFirst(items[i].CreationDate, items[j].CreationDate, *items[i].RecoveryPointArn, *items[j].RecoveryPointArn)
	})
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
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
	var items []backuptypes.RecoveryPointByBackupVault
	if b := s.backup[regionKey{c.Account, c.Region}]; b != nil {
		for _, rp := range b.recoveryPoints {
			if aws.ToString(rp.rp.ResourceArn) == *in.ResourceArn {
				items = append(items, rp.rp)
			}
		}
	}
	sort.Slice(items, func(i, j int) bool {
		return newestFirst(items[i].CreationDate, items[j].CreationDate, *items[i].RecoveryPointArn, *items[j].RecoveryPointArn)
	})
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRecoveryPointsByResourceOutput{RecoveryPoints: []backuptypes.RecoveryPointByResource{}, NextToken: next}
	for _, r := range page {
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
	b := s.backupCallLocked(c)
	latest := map[string]backuptypes.RecoveryPointByBackupVault{}
	for _, rp := range b.recoveryPoints {
		r := rp.rp
		arn := aws.ToString(r.ResourceArn)
		if arn == "" {
			continue
		}
		if cur, ok := latest[arn]; !ok || newestFirst(r.CreationDate, cur.CreationDate, *r.RecoveryPointArn, *cur.RecoveryPointArn) {
			latest[arn] = r
		}
	}
	var items []backuptypes.ProtectedResource
	for _, arn := range sortedKeys(latest) {
		r := latest[arn]
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
