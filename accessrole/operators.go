package accessrole

import (
	"encoding/json"
	"fmt"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/spec"
)

// OperatorRole is the backup operators' role name in the backup account.
const OperatorRole = "orgbackup-backup-operator"

// neverDelete are the actions no team role but break-glass gets: they
// delete or shorten backups, or loosen what protects them.
var neverDelete = []string{
	"backup:CancelLegalHold",
	"backup:Delete*",
	"backup:DisassociateRecoveryPoint",
	"backup:DisassociateRecoveryPointFromParent",
	"backup:PutBackupVaultAccessPolicy",
	"backup:PutBackupVaultLockConfiguration",
	"backup:UpdateBackupPlan",
	"backup:UpdateRecoveryPointLifecycle",
	"kms:DisableKey",
	"kms:PutKeyPolicy",
	"kms:ScheduleKeyDeletion",
}

// passBackupRole lets a role hand the account's AWS Backup service role
// to AWS Backup (and to nothing else), which starting a job needs.
func passBackupRole(partition, account, backupRole string) map[string]any {
	return map[string]any{
		"Sid": "PassBackupRole", "Effect": "Allow", "Action": "iam:PassRole",
		"Resource":  fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, backupRole),
		"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "backup.amazonaws.com"}},
	}
}

// Operators is the backup operators' role in the backup account: read
// everything of AWS Backup, start, stop and follow backup, copy and
// restore jobs, and delete nothing (an explicit deny of neverDelete).
func Operators(partition, account, backupRole string, a *spec.AccessRole, tags map[string]string) Role {
	return Role{
		Name: OperatorRole, Path: githubiam.RolePath,
		Description:       "Backup operators: operate backup, copy and restore jobs; read everything; delete nothing",
		Trust:             trust(a.Principals, a.MFA),
		MaxSessionSeconds: sessionOneHour, Tags: tags,
		Inline: map[string]json.RawMessage{"operate": doc2(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Sid": "Read", "Effect": "Allow", "Action": []string{"backup:Describe*", "backup:Get*", "backup:List*", "kms:DescribeKey", "kms:ListAliases", "organizations:Describe*", "organizations:List*", "tag:GetResources", "config:ListDiscoveredResources", "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"}, "Resource": "*"},
				map[string]any{"Sid": "Operate", "Effect": "Allow", "Action": []string{"backup:StartBackupJob", "backup:StartCopyJob", "backup:StartRestoreJob", "backup:StopBackupJob"}, "Resource": "*"},
				passBackupRole(partition, account, backupRole),
				map[string]any{"Sid": "DeleteNothing", "Effect": "Deny", "Action": neverDelete, "Resource": "*"},
			},
		})},
	}
}
