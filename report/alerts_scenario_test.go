package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/emutest"
	"github.com/orgbackup/orgbackup/report"
)

// confirmEmails confirms every pending email subscription of the spec's
// recipients with the token SNS sent them, as a person following the
// confirmation link does.
func confirmEmails(t *testing.T, srv *emulator.Server, emails []string) {
	t.Helper()
	for _, email := range emails {
		n := 0
		for _, d := range srv.SNSDeliveries(email) {
			if d.Type != emulator.DeliveryConfirmation {
				continue
			}
			region := strings.Split(d.TopicARN, ":")[3]
			account := strings.Split(d.TopicARN, ":")[4]
			sns := awssns.NewFromConfig(srv.Config(account, region))
			if _, err := sns.ConfirmSubscription(context.Background(), &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(d.TopicARN), Token: aws.String(d.Token)}); err != nil {
				t.Fatalf("ConfirmSubscription(%s): %v", email, err)
			}
			n++
		}
		if n == 0 {
			t.Fatalf("no confirmation request reached %s", email)
		}
	}
}

// TestAlertsAndReportBackupRoleDeleted is issue 13's "Done when"
// scenario as a whole: the example spec applied on the emulator, its
// email recipient confirmed, one production account's backup role
// deleted, three days advanced. The report is not compliant for exactly
// that account's resources and names the cause and the fix in all four
// formats; the verdict's exit code is non-zero; and the configured email
// received the failures, carried from the workload account's default
// event bus through the backup account's alerts bus and topic.
func TestAlertsAndReportBackupRoleDeleted(t *testing.T) {
	t.Parallel()
	const broken = "333333333333"
	srv, sp, fleet := emulatedOrg(t, 2, 1)
	confirmEmails(t, srv, sp.Notifications.Emails)
	emutest.DeleteRole(t, srv.Config(broken, sp.Organization.Regions.Primary), sp.Local.BackupRole)
	srv.Advance(3 * 24 * time.Hour)

	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 3), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if rep.Compliant() {
		t.Errorf("Compliant() = true (%s); the compliance exit code would be 0", rep.Verdict.Headline)
	}
	failing := map[string]bool{}
	for _, r := range rep.Resources {
		if r.Tier == "" {
			continue
		}
		// The failures, and the verdict they cause, are exactly the
		// broken account's. (Other findings, a missing secondary-region
		// copy for one, are not this scenario's business.)
		if r.Account == broken {
			if r.Status != report.StatusNoncompliant || r.FailureCause != report.CauseRoleMissing {
				t.Errorf("%s in %s is %s (cause %q): %v", r.ARN, r.Account, r.Status, r.FailureCause, r.Reasons)
			}
			failing[r.ARN] = true
		} else if r.FailureCause != "" || r.ConsecutiveFailures > 0 {
			t.Errorf("%s in %s has failing jobs (%q): %v", r.ARN, r.Account, r.FailureCause, r.Reasons)
		}
	}
	if len(failing) == 0 {
		t.Fatalf("no resource of %s in the report", broken)
	}
	for _, format := range report.AllFormats() {
		out, err := report.Render(rep, format)
		if err != nil {
			t.Fatalf("Render(%s): %v", format, err)
		}
		for _, want := range []string{"Unable to assume role arn:aws:iam::" + broken + ":role/" + sp.Local.BackupRole, "orgbackup apply"} {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("the %s report does not say %q", format, want)
			}
		}
	}

	// The email: one message per failed job of the broken account, each
	// the AWS Backup event, nothing about the healthy accounts.
	email := sp.Notifications.Emails[0]
	alerted := map[string]int{}
	for _, d := range srv.SNSDeliveries(email) {
		if d.Type != emulator.DeliveryNotification || d.TopicARN != alerting.CentralTopicARN(sp) {
			continue
		}
		var ev struct {
			Source     string `json:"source"`
			DetailType string `json:"detail-type"`
			Account    string `json:"account"`
			Detail     struct {
				State         string `json:"state"`
				ResourceArn   string `json:"resourceArn"`
				StatusMessage string `json:"statusMessage"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(d.Message), &ev); err != nil || ev.Source != "aws.backup" {
			continue // AWS Backup's own vault notifications of the backup account
		}
		if ev.Account != broken || ev.DetailType != emulator.BackupJobStateChange || ev.Detail.State != "FAILED" ||
			!strings.Contains(ev.Detail.StatusMessage, "Unable to assume role") {
			t.Errorf("unexpected alert %+v", ev)
			continue
		}
		alerted[ev.Detail.ResourceArn]++
	}
	for arn := range failing {
		if alerted[arn] < 3 {
			t.Errorf("%s: %d failure emails to %s in three days, want at least 3", arn, alerted[arn], email)
		}
	}
	if f := srv.EventTargetFailures(); len(f) > 0 {
		t.Errorf("EventBridge could not deliver: %+v", f)
	}
}
