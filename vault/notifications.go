// vault_notifications: which of the backup vault's events AWS Backup sends
// to the SNS topic.
//
// AWS API calls: Backup GetBackupVaultNotifications to read it (readVault,
// read.go); PutBackupVaultNotifications and DeleteBackupVaultNotifications
// to apply it.

package vault

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/orgbackup/orgbackup/plan"
)

// KindNotifications is the kind of a vault's notification
// configuration.
const KindNotifications = "vault_notifications"

// notificationsSpec is the JSON of a vault_notifications change.
type notificationsSpec struct {
	Vault    string   `json:"vault"`
	TopicARN string   `json:"topic_arn"`
	Events   []string `json:"events"`
}

// NotificationState is a vault's notification configuration.
type NotificationState struct {
	TopicARN string
	Events   []string
}

func (p *planner) planNotifications(live *VaultState) {
	d := p.d
	var have *NotificationState
	if live != nil {
		have = live.Notifications
	}
	var before json.RawMessage
	if have != nil {
		before = plan.JSON(notificationsSpec{Vault: d.Vault, TopicARN: have.TopicARN, Events: have.Events})
	}
	if d.Notifications == nil {
		if have != nil {
			p.add(plan.Change{Address: p.addr(KindNotifications, d.Vault), Action: plan.Delete, Before: before, Destructive: true,
				Reason: "the spec has no notifications for the vault: its job failures would reach nobody"})
		}
		return
	}
	want := notificationsSpec{Vault: d.Vault, TopicARN: topicARN(d.Account, d.Region, d.Notifications.Topic), Events: sortedUnique(d.Notifications.Events)}
	if have != nil && have.TopicARN == want.TopicARN && slices.Equal(have.Events, want.Events) {
		return
	}
	ch := plan.Change{Address: p.addr(KindNotifications, d.Vault), Action: plan.Create, Before: before, After: plan.JSON(want),
		Reason:    "send the vault's events " + strings.Join(want.Events, ", ") + " to " + want.TopicARN,
		DependsOn: p.dependsOn(p.addr(KindVault, d.Vault), p.addr(KindTopic, d.Notifications.Topic))}
	if have != nil {
		ch.Action = plan.Update
		// Fewer events, or another topic, is less protection: failures
		// that were sent would no longer reach the subscribers.
		var dropped []string
		for _, e := range have.Events {
			if !slices.Contains(want.Events, e) {
				dropped = append(dropped, e)
			}
		}
		if len(dropped) > 0 {
			ch.Destructive = true
			ch.Reason = "weakens protection: stops sending " + strings.Join(dropped, ", ") + "; " + ch.Reason
		}
	}
	p.add(ch)
}

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
