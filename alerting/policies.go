package alerting

import (
	"encoding/json"
	"fmt"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps, slices and strings are marshalled here.
		return "{}"
	}
	return string(b)
}

// BusPolicy is the alerts bus's resource policy: every principal of the
// organization may put events on it ("Permissions for event buses in
// Amazon EventBridge": a policy granting events:PutEvents with
// aws:PrincipalOrgID admits the organization's accounts), which the
// workload accounts' execution roles do.
func BusPolicy(busARN, orgID string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "OrganizationPutEvents",
			"Effect":    "Allow",
			"Principal": "*",
			"Action":    "events:PutEvents",
			"Resource":  busARN,
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": orgID}},
		}},
	})
}

// CentralTopicPolicy is the access policy of the backup account's
// notification topic when alerts are on: AWS Backup may publish its vault
// events for the topic's own account (as vault.TopicPolicy allows), and
// EventBridge may publish for the alerts rules only (aws:SourceArn; "Amazon
// SNS permissions", EventBridge User Guide), so no other rule can use the
// topic.
func CentralTopicPolicy(topicARN, backupAccount string, ruleARNs []string) string {
	return mustJSON(map[string]any{
		"Version": "2008-10-17",
		"Id":      "__default_policy_ID",
		"Statement": []any{
			map[string]any{
				"Sid":       "__default_statement_ID",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "backup.amazonaws.com"},
				"Action":    "SNS:Publish",
				"Resource":  topicARN,
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": backupAccount}},
			},
			map[string]any{
				"Sid":       "OrgBackupAlerts",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "events.amazonaws.com"},
				"Action":    "SNS:Publish",
				"Resource":  topicARN,
				"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": ruleARNs}},
			},
		},
	})
}

// forwarderTrust lets EventBridge assume the role for rules of the
// role's own account (aws:SourceAccount, "Cross-service confused deputy
// prevention", EventBridge User Guide).
func forwarderTrust(account string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "events.amazonaws.com"},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
		}},
	})
}

// forwarderPolicy lets the role put events on the backup account's alerts
// buses, in any Region, and nowhere else.
func forwarderPolicy(backupAccount string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":   "Allow",
			"Action":   "events:PutEvents",
			"Resource": fmt.Sprintf("arn:aws:events:*:%s:event-bus/%s", backupAccount, BusName),
		}},
	})
}
