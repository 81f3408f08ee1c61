package report

import (
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

// causeText says what a cause means and what the fix does, in words.
func causeText(cause string) string {
	switch cause {
	case CauseRoleMissing:
		return "AWS Backup cannot assume the backup role; applying the spec recreates the role and its trust policy"
	case CauseKeyAccess:
		return "AWS Backup cannot use the KMS key; applying the spec restores the key policy and grants"
	case CauseVaultAccess:
		return "the backup vault is missing or refuses the backup; applying the spec recreates the vault and its access policy"
	case CauseWindowExpired:
		return "jobs did not start or finish within the tier's windows; raise the tier's start_window or completion_window (within its rpo) before applying"
	}
	return "backup jobs failed; fix what the status message says before retrying"
}

// Fix returns the command line that fixes a cause in account: the
// account's setup (role, key, vault, windows) is restored by planning and
// applying the spec, then remediate takes the missed backups at once. A
// retry alone cannot fix those causes; for other causes the retry is the
// fix once the status message's cause is gone.
func Fix(cause, account string) string {
	remediate := "orgbackup remediate --account " + account + " --dry-run=false"
	switch cause {
	case CauseRoleMissing, CauseKeyAccess, CauseVaultAccess, CauseWindowExpired:
		return "orgbackup plan --out plan.json && orgbackup apply plan.json && " + remediate
	}
	return remediate
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
