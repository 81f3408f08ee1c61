package backup_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/google/go-cmp/cmp"
)

const (
	mgmt    = "111111111111/global/"
	central = "222222222222/"
)

// TestChangeTypes changes the spec of a converged organization in one way
// per case, checks the plan's changes (address, action, destructive and
// irreversible flags), applies them and checks that the next plan is empty.
func TestChangeTypes(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		edit []string // old, new pairs applied to baseSpec
		want []changeSummary
		// wantKinds, when set, is checked instead of want: the number of
		// changes per kind and action.
		wantKinds map[string]int
	}{
		"create: a new tier": {
			edit: []string{"  development: {targets: [Development]}\n", "  development: {targets: [Development]}\n  staging: {targets: [Staging]}\n"},
			want: []changeSummary{
				{Address: mgmt + "backup_policy/orgbackup-staging", Action: "create"},
				{Address: mgmt + "backup_policy_attachment/orgbackup-staging@ou-root-staging1", Action: "create"},
				{Address: "222222222222/us-east-1/vault_access_policy/central-backup", Action: "update"},
				{Address: "222222222222/us-west-2/vault_access_policy/central-backup", Action: "update"},
				{Address: "444444444444/global/events_role/orgbackup-alerts-forwarder", Action: "create"},
				{Address: "444444444444/global/iam_role/OrgBackupServiceRole", Action: "create"},
				{Address: "444444444444/us-east-1/backup_region_settings/backup", Action: "update"},
				{Address: "444444444444/us-east-1/backup_vault/local-backup", Action: "create"},
				// Its failures are forwarded to the backup account's alerts bus.
				{Address: "444444444444/us-east-1/event_rule/default/orgbackup-job-failures", Action: "create"},
				{Address: "444444444444/us-east-1/event_rule/default/orgbackup-restore-failures", Action: "create"},
				{Address: "444444444444/us-east-1/framework/orgbackup_controls", Action: "create"},
				{Address: "444444444444/us-east-1/kms_key/alias/orgbackup", Action: "create"},
				{Address: "444444444444/us-east-1/sns_topic/orgbackup-notifications", Action: "create"},
				{Address: "444444444444/us-east-1/vault_access_policy/local-backup", Action: "create"},
				{Address: "444444444444/us-east-1/vault_notifications/local-backup", Action: "create"},
			},
		},
		"update: tier schedule": {
			edit: []string{"  production: {targets: [Production]}", "  production: {targets: [Production], schedule: \"cron(0 5 * * ? *)\"}"},
			want: []changeSummary{{Address: mgmt + "backup_policy/orgbackup-production", Action: "update"}},
		},
		"update: longer retention is not destructive": {
			edit: []string{"  production: {targets: [Production]}", "  production: {targets: [Production], local_retention: 60d, central_retention: 3000d}"},
			want: []changeSummary{{Address: mgmt + "backup_policy/orgbackup-production", Action: "update"}},
		},
		"update: notification emails": {
			edit: []string{"emails: [backup-team@example.com]", "emails: [backup-team@example.com, oncall@example.com]"},
			want: []changeSummary{
				{Address: central + "us-east-1/sns_topic/orgbackup-notifications", Action: "update"},
				{Address: central + "us-west-2/sns_topic/orgbackup-notifications", Action: "update"},
			},
		},
		"update: notification events": {
			edit:      []string{"events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]", "events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED, RESTORE_JOB_COMPLETED]"},
			wantKinds: map[string]int{"vault_notifications update": 5}, // 2 central + 3 workload accounts in us-east-1
		},
		"update: compliance lock retention in its grace period is irreversible": {
			edit: []string{"max_retention: 3650d", "max_retention: 3000d"},
			want: []changeSummary{
				{Address: central + "us-east-1/vault_lock/central-backup", Action: "update", Irreversible: true},
				{Address: central + "us-west-2/vault_lock/central-backup", Action: "update", Irreversible: true},
			},
		},
		"update: lowering the lock's minimum is destructive": {
			edit: []string{"lock: {mode: compliance, min_retention: 1d, max_retention: 3650d, changeable_for_days: 30}", "lock: {mode: governance, min_retention: 1d, max_retention: 3650d}"},
			want: []changeSummary{
				{Address: central + "us-east-1/vault_lock/central-backup", Action: "update", Destructive: true},
				{Address: central + "us-west-2/vault_lock/central-backup", Action: "update", Destructive: true},
			},
		},
		"update: report formats": {
			edit: []string{"formats: [CSV]", "formats: [CSV, JSON]"},
			want: []changeSummary{
				{Address: central + "us-east-1/report_plan/orgbackup_backup_job_report", Action: "update"},
				{Address: central + "us-east-1/report_plan/orgbackup_copy_job_report", Action: "update"},
				{Address: central + "us-east-1/report_plan/orgbackup_resource_compliance_report", Action: "update"},
			},
		},
		"update: framework controls": {
			edit: []string{"controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]", "controls: [BACKUP_RECOVERY_POINT_ENCRYPTED, BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK]"},
			// Frameworks evaluate one account and Region: the central
			// Regions of the backup account, the workload Region of each
			// workload account.
			want: []changeSummary{
				{Address: central + "us-east-1/framework/orgbackup_controls", Action: "update"},
				{Address: central + "us-west-2/framework/orgbackup_controls", Action: "update"},
				{Address: "333333333333/us-east-1/framework/orgbackup_controls", Action: "update"},
				{Address: "333333333334/us-east-1/framework/orgbackup_controls", Action: "update"},
				{Address: "555555555555/us-east-1/framework/orgbackup_controls", Action: "update"},
			},
		},
		"update: tags": {
			edit: []string{"  cost-center: platform\n", "  cost-center: platform\n  team: storage\n"},
			// Keys: 2 central + 2 production accounts; vaults: 2 central + 3
			// local; topics: the same five; backup roles of the 3 workload
			// accounts and the backup account; the reports bucket, its three
			// report plans and the framework in 5 accounts and Regions; the
			// two tiers' policies; the
			// restore testing plans of the 2 production accounts; the
			// alerts bus, its rule, and each workload account's two
			// forwarding rules and role.
			wantKinds: map[string]int{"event_bus update": 1, "event_rule update": 7, "events_role update": 3, "kms_key update": 4, "backup_vault update": 5, "sns_topic update": 5, "iam_role update": 4, "s3_bucket update": 1,
				"report_plan update": 3, "framework update": 5, "backup_policy update": 2, "backup_restore_testing_plan update": 2},
		},
		"replace: development vault from AWS-managed to customer-managed key": {
			edit: []string{"  development: {targets: [Development]}", "  development: {targets: [Development], encryption: customer-managed}"},
			want: []changeSummary{
				{Address: "555555555555/us-east-1/backup_vault/local-backup", Action: "replace", Destructive: true},
				{Address: "555555555555/us-east-1/kms_key/alias/orgbackup", Action: "create"},
				// The new vault gets its access policy and notifications again.
				{Address: "555555555555/us-east-1/vault_access_policy/local-backup", Action: "create"},
				{Address: "555555555555/us-east-1/vault_notifications/local-backup", Action: "create"},
			},
		},
		"delete: a tier's policy is detached and deleted": {
			edit: []string{"  development: {targets: [Development]}\n", ""},
			want: []changeSummary{
				{Address: mgmt + "backup_policy/orgbackup-development", Action: "delete", Destructive: true},
				{Address: mgmt + "backup_policy_attachment/orgbackup-development@ou-root-development", Action: "delete", Destructive: true},
				{Address: "222222222222/us-east-1/vault_access_policy/central-backup", Action: "update"},
				{Address: "222222222222/us-west-2/vault_access_policy/central-backup", Action: "update"},
			},
		},
		"delete: a target is detached": {
			edit: []string{"  production: {targets: [Production]}", "  production: {targets: [\"333333333333\"]}"},
			want: []changeSummary{
				{Address: mgmt + "backup_policy_attachment/orgbackup-production@333333333333", Action: "create"},
				{Address: mgmt + "backup_policy_attachment/orgbackup-production@ou-root-production", Action: "delete", Destructive: true},
				{Address: "222222222222/us-east-1/vault_access_policy/central-backup", Action: "update"},
				{Address: "222222222222/us-west-2/vault_access_policy/central-backup", Action: "update"},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newSpecOrg(t, parseSpec(t, baseSpec))
			org.converge(t)
			org.respec(t, editSpec(t, baseSpec, tc.edit...))
			p := org.plan(t)
			if len(p.Checks) > 0 {
				t.Fatalf("plan has checks:\n%s", planText(p))
			}
			if tc.wantKinds != nil {
				got := map[string]int{}
				for _, c := range p.Changes {
					got[c.Kind+" "+c.Action.String()]++
					if c.Destructive || c.Irreversible {
						t.Errorf("%s is marked destructive or irreversible", c.Address)
					}
				}
				if diff := cmp.Diff(tc.wantKinds, got); diff != "" {
					t.Errorf("plan changes by kind mismatch (-want +got):\n%s\n%s", diff, planText(p))
				}
			} else if diff := cmp.Diff(tc.want, summarize(p)); diff != "" {
				t.Errorf("plan changes mismatch (-want +got):\n%s\n%s", diff, planText(p))
			}
			res := org.apply(t, p, allowAll)
			if err := res.Err(); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			org.wantConverged(t)
		})
	}
}

// TestReplaceCreatesVaultWithNewKey checks the replaced vault's live
// encryption key is the new customer managed key.
func TestReplaceCreatesVaultWithNewKey(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	org.converge(t)
	ctx := context.Background()
	bk := awsbackup.NewFromConfig(org.srv.Config("555555555555", "us-east-1"))
	before, err := bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local-backup")})
	if err != nil {
		t.Fatal(err)
	}
	org.respec(t, editSpec(t, baseSpec, "  development: {targets: [Development]}", "  development: {targets: [Development], encryption: customer-managed}"))
	org.converge(t)
	after, err := bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local-backup")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(before.EncryptionKeyArn) == aws.ToString(after.EncryptionKeyArn) {
		t.Fatalf("vault still encrypted with %s", aws.ToString(after.EncryptionKeyArn))
	}
	if inv := inventory(t, org.srv); inv["backup_vault"] != 5 {
		t.Errorf("vaults after replace = %d, want 5 (2 central, 3 local): %v", inv["backup_vault"], inv)
	}
}
