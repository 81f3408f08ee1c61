package report

import (
	"fmt"
	"strings"
	"time"

	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Causes of failed backup jobs, as FailureCause classifies them.
const (
	// CauseRoleMissing: AWS Backup could not assume the backup role (it
	// does not exist, or its trust policy does not allow
	// backup.amazonaws.com).
	CauseRoleMissing = "role-missing"
	// CauseKeyAccess: the KMS key of the vault or the resource could not
	// be used.
	CauseKeyAccess = "key-access"
	// CauseVaultAccess: the vault does not exist, its access policy
	// denies the job, or its Vault Lock refuses the retention.
	CauseVaultAccess = "vault-access"
	// CauseWindowExpired: the job did not start within its start window
	// or complete within its completion window (state EXPIRED).
	CauseWindowExpired = "window-expired"
	// CauseOther: anything else, including jobs stopped by a user
	// (ABORTED) and PARTIAL jobs; the status message says what.
	CauseOther = "other"
)

// FailureCause classifies a failed, expired or aborted backup job by its
// state and status message. AWS Backup reports why a job failed only in
// StatusMessage, free text ("Unable to assume role ... The role does not
// exist.", "Backup vault ... does not exist", KMS AccessDenied messages);
// the API has no error code for it, so the text is the only evidence. What
// no rule recognizes is CauseOther, its message shown as it is.
func FailureCause(state, message string) string {
	if state == string(backuptypes.BackupJobStateExpired) {
		return CauseWindowExpired
	}
	m := strings.ToLower(message)
	switch {
	case strings.Contains(m, "assume role") || strings.Contains(m, "iam role") || strings.Contains(m, "iam:passrole"):
		return CauseRoleMissing
	case strings.Contains(m, "kms") || strings.Contains(m, "key policy") || strings.Contains(m, "encryption key"):
		return CauseKeyAccess
	case strings.Contains(m, "vault"):
		return CauseVaultAccess
	case strings.Contains(m, "start window") || strings.Contains(m, "completion window"):
		return CauseWindowExpired
	}
	return CauseOther
}

// causeText says what a cause means, in words.
func causeText(cause string) string {
	switch cause {
	case CauseRoleMissing:
		return "AWS Backup cannot assume the backup role"
	case CauseKeyAccess:
		return "AWS Backup cannot use the KMS key"
	case CauseVaultAccess:
		return "the backup vault is missing or refuses the backup"
	case CauseWindowExpired:
		return "jobs did not start or finish within the tier's windows"
	}
	return "backup jobs failed"
}

// Fix returns the commands that fix a cause in account. Causes in the
// account's setup (role, key, vault) are restored by applying the spec,
// then the missed backups are taken at once by remediate; a retry alone
// cannot fix them.
func Fix(cause, account string) string {
	remediate := fmt.Sprintf("orgbackup remediate --account %s --dry-run=false", account)
	switch cause {
	case CauseRoleMissing:
		return fmt.Sprintf("orgbackup plan && orgbackup apply (recreates the backup role and its trust policy in %s), then %s", account, remediate)
	case CauseKeyAccess:
		return fmt.Sprintf("orgbackup plan && orgbackup apply (restores the key policy and grants in %s), then %s", account, remediate)
	case CauseVaultAccess:
		return fmt.Sprintf("orgbackup plan && orgbackup apply (recreates the vault and its access policy in %s), then %s", account, remediate)
	case CauseWindowExpired:
		return fmt.Sprintf("raise the tier's start_window or completion_window in the spec (within its rpo), orgbackup apply, then %s", remediate)
	}
	return "read the status message and fix its cause, then " + remediate
}

// addFailure records a failed backup job in its group.
func (inv *Inventory) addFailure(account, arn, state, msg, role string, created time.Time) {
	k := FailureKey{Cause: FailureCause(state, msg), Account: account}
	g := inv.Failures[k]
	if g == nil {
		g = &FailureGroup{Cause: k.Cause, Account: account, States: map[string]int{}, Resources: map[string]bool{}}
		inv.Failures[k] = g
	}
	g.Jobs++
	g.States[state]++
	g.Resources[arn] = true
	if !created.Before(g.Last) {
		g.Last, g.LastState, g.LastMessage = created, state, msg
		if role != "" {
			g.Role = role
		}
	}
}
