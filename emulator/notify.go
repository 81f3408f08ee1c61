package emulator

import (
	"slices"
	"time"

	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Vault notifications ("Amazon SNS notifications for AWS Backup events"):
// when a vault subscribes to an event (PutBackupVaultNotifications), AWS
// Backup publishes it to the vault's SNS topic with the subject
// "Notification from AWS Backup", a one-line message ("An AWS Backup job
// was completed successfully. Recovery point ARN: ... Resource ARN : ...
// BackupJob ID : ...") and the message attributes EventType (BACKUP_JOB,
// COPY_JOB, RESTORE_JOB...), State, AccountId, Id and StartTime. The
// topic's access policy must let backup.amazonaws.com publish.

// backupNotificationSubject is the subject of AWS Backup's SNS messages.
const backupNotificationSubject = "Notification from AWS Backup"

// notifyJobLocked publishes event to the topic of vault in account and
// region if the vault subscribes to it. Failed jobs are reported with the
// *_COMPLETED event and State FAILED, as the dedicated *_FAILED backup and
// restore events are no longer supported (PutBackupVaultNotifications).
func (s *Server) notifyJobLocked(account, region, vault string, ev backuptypes.BackupVaultEvent, eventType, state, id string, start time.Time, message func() string) {
	topic, events, ok := s.backupVaultNotificationsLocked(account, region, vault)
	if !ok || !slices.Contains(events, ev) {
		return
	}
	msgID, err := s.snsServicePublishLocked(topic, backupServicePrincipal, account, backupNotificationSubject, message())
	if err != nil {
		return
	}
	if t := s.snsTopicLocked(topic); t != nil {
		for i := len(t.published) - 1; i >= 0; i-- {
			if t.published[i].MessageID == msgID {
				t.published[i].Attributes = map[string]string{
					"EventType": eventType,
					"State":     state,
					"AccountId": account,
					"Id":        id,
					"StartTime": start.UTC().Format("2006-01-02T15:04:05.000Z"),
				}
				break
			}
		}
	}
	s.reportLocked().Notifications++
}
