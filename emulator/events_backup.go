package emulator

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// AWS Backup's events on EventBridge ("Monitoring AWS Backup events using
// Amazon EventBridge", AWS Backup Developer Guide,
// https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html,
// and "AWS Backup events", EventBridge events reference): when a backup,
// copy or restore job changes state, AWS Backup puts an event with source
// "aws.backup" and detail-type "Backup Job State Change", "Copy Job State
// Change" or "Restore Job State Change" on the default bus of the job's
// account and Region. Backup and copy job events carry the job's "state",
// restore job events its "status", as the AWS Backup API names them
// (BackupJob.State, CopyJob.State, RestoreJobsListMember.Status); the
// detail's other fields are the job's, in camel case. AWS emits them "in a
// best-effort manner every 5 minutes"; the emulator emits each at the
// virtual moment of the change.

// Detail types of AWS Backup's job events.
const (
	BackupJobStateChange  = "Backup Job State Change"
	CopyJobStateChange    = "Copy Job State Change"
	RestoreJobStateChange = "Restore Job State Change"
)

func eventTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// putDetail sets k when v is set.
func putDetail(d map[string]any, k string, v *string) {
	if v != nil {
		d[k] = *v
	}
}

// emitBackupEventLocked puts the event of a job's state change on its
// account's default bus in its Region. It costs nothing where no rule
// listens: the bus's rules are checked first.
func (s *Server) emitBackupEventLocked(kind, account, region, id, state string) {
	if s.events == nil {
		return
	}
	r := s.events[regionKey{account, region}]
	if r == nil || len(r.buses[eventsDefaultBus].rules) == 0 {
		return
	}
	var detailType string
	d := map[string]any{}
	var resources []string
	switch kind {
	case "BACKUP_JOB":
		j := s.backupJobLocked(account, region, id)
		if j == nil {
			return
		}
		detailType = BackupJobStateChange
		d["backupJobId"] = id
		d["state"] = state
		d["backupSizeInBytes"] = aws.ToInt64(j.BackupSizeInBytes)
		d["bytesTransferred"] = aws.ToInt64(j.BytesTransferred)
		d["creationDate"] = eventTime(j.CreationDate)
		d["startBy"] = eventTime(j.StartBy)
		putDetail(d, "backupVaultArn", j.BackupVaultArn)
		putDetail(d, "backupVaultName", j.BackupVaultName)
		putDetail(d, "iamRoleArn", j.IamRoleArn)
		putDetail(d, "resourceArn", j.ResourceArn)
		putDetail(d, "resourceType", j.ResourceType)
		putDetail(d, "statusMessage", j.StatusMessage)
		putDetail(d, "recoveryPointArn", j.RecoveryPointArn)
		putDetail(d, "percentDone", j.PercentDone)
		if j.CompletionDate != nil {
			d["completionDate"] = eventTime(j.CompletionDate)
		}
		if j.ResourceArn != nil {
			resources = []string{*j.ResourceArn}
		}
	case "COPY_JOB":
		j := s.copyJobLocked(account, region, id)
		if j == nil {
			return
		}
		detailType = CopyJobStateChange
		d["copyJobId"] = id
		d["state"] = state
		d["backupSizeInBytes"] = aws.ToInt64(j.BackupSizeInBytes)
		d["creationDate"] = eventTime(j.CreationDate)
		putDetail(d, "iamRoleArn", j.IamRoleArn)
		putDetail(d, "resourceArn", j.ResourceArn)
		putDetail(d, "resourceType", j.ResourceType)
		putDetail(d, "sourceBackupVaultArn", j.SourceBackupVaultArn)
		putDetail(d, "sourceRecoveryPointArn", j.SourceRecoveryPointArn)
		putDetail(d, "destinationBackupVaultArn", j.DestinationBackupVaultArn)
		putDetail(d, "destinationRecoveryPointArn", j.DestinationRecoveryPointArn)
		putDetail(d, "statusMessage", j.StatusMessage)
		if j.CompletionDate != nil {
			d["completionDate"] = eventTime(j.CompletionDate)
		}
		if j.ResourceArn != nil {
			resources = []string{*j.ResourceArn}
		}
	case "RESTORE_JOB":
		j := s.restoreJobLocked(account, region, id)
		if j == nil {
			return
		}
		detailType = RestoreJobStateChange
		d["restoreJobId"] = id
		d["status"] = state
		d["backupSizeInBytes"] = aws.ToInt64(j.BackupSizeInBytes)
		d["creationDate"] = eventTime(j.CreationDate)
		putDetail(d, "iamRoleArn", j.IamRoleArn)
		putDetail(d, "recoveryPointArn", j.RecoveryPointArn)
		putDetail(d, "resourceType", j.ResourceType)
		putDetail(d, "createdResourceArn", j.CreatedResourceArn)
		putDetail(d, "statusMessage", j.StatusMessage)
		putDetail(d, "percentDone", j.PercentDone)
		if j.RecoveryPointArn != nil {
			resources = []string{*j.RecoveryPointArn}
		}
	default:
		return
	}
	ev := newEvent(s.ids.uuid(), account, region, "aws.backup", detailType, s.now, resources, d)
	s.eventsDispatchLocked(r.buses[eventsDefaultBus], ev, 0)
}
