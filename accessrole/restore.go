package accessrole

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/spec"
)

// RestoreRole is the workload restore role's name in each workload
// account.
const RestoreRole = "orgbackup-workload-restore"

// WorkloadRestore is the restore role of one workload account: restore
// that account's recovery points (StartRestoreJob is authorized on the
// recovery point, whose ARN names the account) and follow the jobs;
// delete nothing. "{account}" in a principal becomes the account's ID.
func WorkloadRestore(partition, account, backupRole string, a *spec.AccessRole, tags map[string]string) Role {
	principals := make([]string, 0, len(a.Principals))
	for _, p := range a.Principals {
		principals = append(principals, strings.ReplaceAll(p, "{account}", account))
	}
	return Role{
		Name: RestoreRole, Path: githubiam.RolePath,
		Description:       "Workload team: restore this account's recovery points",
		Trust:             trust(principals, a.MFA),
		MaxSessionSeconds: sessionOneHour, Tags: tags,
		Inline: map[string]json.RawMessage{"restore": doc2(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Sid": "Read", "Effect": "Allow", "Action": []string{"backup:DescribeBackupVault", "backup:DescribeRecoveryPoint", "backup:DescribeRestoreJob", "backup:GetRecoveryPointRestoreMetadata", "backup:ListBackupVaults", "backup:ListRecoveryPointsByBackupVault", "backup:ListRecoveryPointsByResource", "backup:ListRestoreJobs"}, "Resource": "*"},
				map[string]any{"Sid": "RestoreOwnPoints", "Effect": "Allow", "Action": "backup:StartRestoreJob", "Resource": fmt.Sprintf("arn:%s:backup:*:%s:recovery-point:*", partition, account)},
				passBackupRole(partition, account, backupRole),
				map[string]any{"Sid": "DeleteNothing", "Effect": "Deny", "Action": neverDelete, "Resource": "*"},
			},
		})},
	}
}
