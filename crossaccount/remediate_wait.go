package crossaccount

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// DefaultRemediationWait is how long callers that verify remediation
// (orgbackup remediate, the Action) wait for the backup jobs started.
const DefaultRemediationWait = 30 * time.Minute

// DefaultMaxRemediationPoll caps the wait between looks at started backup
// jobs.
const DefaultMaxRemediationPoll = 5 * time.Minute

// EventWaiting: the Remediator is waiting for the backup jobs it started;
// Reason says for how many. Emitted after every look at them, so a
// ProgressPrinter prints its periodic line while nothing else happens.
const EventWaiting EventKind = "waiting"

// FailureCause names a cause of a failed backup job that a retry cannot
// fix.
type FailureCause string

// Failure causes.
const (
	// CauseRole: AWS Backup cannot assume the backup role (it does not
	// exist, or its trust policy does not allow backup.amazonaws.com).
	CauseRole FailureCause = "role"
	// CauseKeyAccess: the backup role may not use the KMS key of the
	// resource or the vault.
	CauseKeyAccess FailureCause = "key-access"
	// CauseVaultAccess: the vault does not exist or its access policy
	// denies the backup.
	CauseVaultAccess FailureCause = "vault-access"
)

// BackupFailure is the classification of a failed backup job.
type BackupFailure struct {
	// Cause is set for failures a retry cannot fix.
	Cause FailureCause
	// Fix is the command line that fixes Cause.
	Fix string
}

// applyFix recreates what the spec declares: roles, key policies, vaults
// and their access policies.
const applyFix = "orgbackup plan --out plan.json && orgbackup apply plan.json"

// ClassifyBackupFailure classifies a backup job's status message. AWS
// Backup gives no error code for a failed job (BackupJob has State and
// StatusMessage only; DescribeBackupJob API reference), so the
// classification reads the message: a role that cannot be assumed, a KMS
// key the role may not use, and a vault that is missing or denies access
// fail every retry until the spec is applied again. Anything else (the
// resource busy, throttling, a window that closed) may pass and is left
// unclassified.
func ClassifyBackupFailure(msg string) BackupFailure {
	m := strings.ToLower(msg)
	denied := strings.Contains(m, "access denied") || strings.Contains(m, "accessdenied") || strings.Contains(m, "not authorized")
	switch {
	case strings.Contains(m, "unable to assume role") || strings.Contains(m, "role does not exist") ||
		(strings.Contains(m, "trust policy") && strings.Contains(m, "role")):
		return BackupFailure{Cause: CauseRole, Fix: applyFix + " (recreates the backup role and its trust policy)"}
	case strings.Contains(m, "kms") && (denied || strings.Contains(m, "key policy") || strings.Contains(m, "disabled") ||
		strings.Contains(m, "pending deletion") || strings.Contains(m, "does not exist") || strings.Contains(m, "not found")):
		return BackupFailure{Cause: CauseKeyAccess, Fix: applyFix + " (restores the key policy that lets the backup role use the key)"}
	case strings.Contains(m, "vault") && (denied || strings.Contains(m, "does not exist") || strings.Contains(m, "access policy")):
		return BackupFailure{Cause: CauseVaultAccess, Fix: applyFix + " (recreates the vault and its access policy)"}
	}
	return BackupFailure{}
}

// unfixable marks res RemediationNeedsFix and reports true when its newest
// failed job failed for a cause a retry cannot fix. A role failure counts
// only when that job used the target's role: a backup with another role
// may work. Force starts the backup anyway.
func (m *Remediator) unfixable(res *RemediationResult, failedRole string) bool {
	if m.opts.Force {
		return false
	}
	c := ClassifyBackupFailure(res.FailedMessage)
	if c.Cause == "" || (c.Cause == CauseRole && failedRole != "" && failedRole != res.Target.RoleARN) {
		return false
	}
	res.Outcome, res.Cause = RemediationNeedsFix, c.Cause
	res.Fix = c.Fix + ", then orgbackup remediate --dry-run=false --force"
	res.Reason = fmt.Sprintf("not started: a retry cannot fix the failed job's cause (%s): %s", c.Cause, res.FailedMessage)
	return true
}

// wait looks at the started jobs, backing off while nothing changes,
// until each has ended or the wait is over: Wait on the Clock, Wait slept
// (for clocks that Sleep does not move), or the context. Jobs still
// running then are RemediationStillRunning.
func (m *Remediator) wait(ctx context.Context, clients *clientCache[RemediatorAPI], running []*RemediationResult, emit func(RemediationResult, EventKind)) {
	o := m.opts
	deadline := o.Clock().Add(o.Wait)
	interval := o.PollInterval
	var slept time.Duration
	var stopped error
	for len(running) > 0 {
		left := min(deadline.Sub(o.Clock()), o.Wait-slept)
		if left <= 0 {
			break
		}
		d := min(interval, left)
		if err := o.Sleep(ctx, d); err != nil {
			stopped = err
			break
		}
		slept += d
		ended := make([]bool, len(running))
		_ = ForEach(ctx, o.Concurrency, indexes(len(running)), func(ctx context.Context, i int) error {
			ended[i] = m.look(ctx, clients, running[i])
			return nil
		})
		if err := ctx.Err(); err != nil {
			stopped = err
			break
		}
		next := running[:0]
		for i, res := range running {
			switch {
			case !ended[i]:
				next = append(next, res)
			case res.Outcome == RemediationCompleted:
				emit(*res, EventCompleted)
			default:
				emit(*res, EventFailed)
			}
		}
		if len(next) < len(running) {
			interval = o.PollInterval
		} else {
			interval = min(2*interval, o.MaxPollInterval)
		}
		running = next
		if len(running) > 0 {
			emit(RemediationResult{Reason: fmt.Sprintf("waiting for %d backup jobs", len(running))}, EventWaiting)
		}
	}
	for _, res := range running {
		state := res.JobState
		if state == "" {
			state = string(backuptypes.BackupJobStateCreated)
		}
		res.Outcome = RemediationStillRunning
		res.Reason = fmt.Sprintf("backup job still %s when the wait of %s ended", state, o.Wait)
		if stopped != nil {
			res.Reason = fmt.Sprintf("backup job still %s when the wait ended: %v", state, stopped)
		}
		emit(*res, EventFailed)
	}
}

// look describes res's job and records its state; it reports whether the
// job has ended.
func (m *Remediator) look(ctx context.Context, clients *clientCache[RemediatorAPI], res *RemediationResult) bool {
	api, err := clients.get(ctx, res.Target.Account, res.Target.Region)
	if err != nil {
		res.Reason = err.Error()
		return false
	}
	clients.count("DescribeBackupJob")
	out, err := api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(res.JobID)})
	if err != nil {
		// Looked at again at the next poll; the reason stays if the wait
		// ends first.
		res.Reason = fmt.Sprintf("describing backup job %s: %v", res.JobID, err)
		return false
	}
	res.JobState, res.JobMessage, res.Reason = string(out.State), aws.ToString(out.StatusMessage), ""
	switch out.State {
	case backuptypes.BackupJobStateCompleted:
		res.Outcome = RemediationCompleted
	case backuptypes.BackupJobStateFailed, backuptypes.BackupJobStateAborted, backuptypes.BackupJobStateExpired:
		c := ClassifyBackupFailure(res.JobMessage)
		res.Outcome, res.Cause, res.Fix = RemediationJobFailed, c.Cause, c.Fix
		res.Reason = fmt.Sprintf("backup job %s: %s", out.State, res.JobMessage)
		if c.Cause != "" {
			res.Reason = fmt.Sprintf("backup job %s (%s, a retry cannot fix it): %s", out.State, c.Cause, res.JobMessage)
		}
	default:
		return false
	}
	return true
}

// Failures returns the results that leave a resource unprotected because
// something failed: backups that could not be started or were not started
// for a cause a retry cannot fix, and started jobs that failed, were
// aborted, expired or were still running when the wait ended.
func (r *RemediationReport) Failures() []RemediationResult {
	var out []RemediationResult
	for _, res := range r.Results {
		switch res.Outcome {
		case RemediationFailed, RemediationNeedsFix, RemediationJobFailed, RemediationStillRunning:
			out = append(out, res)
		}
	}
	return out
}

// OutcomesText writes what became of the backup jobs started and of the
// failures a retry cannot fix, each with its cause and fix; nothing when
// there are none.
func (r *RemediationReport) OutcomesText(w io.Writer) error { return r.writeOutcomes(w, false) }

// OutcomesMarkdown is OutcomesText as Markdown (a GitHub step summary).
func (r *RemediationReport) OutcomesMarkdown(w io.Writer) error { return r.writeOutcomes(w, true) }

func (r *RemediationReport) writeOutcomes(w io.Writer, markdown bool) error {
	var rows []RemediationResult
	for _, res := range r.Results {
		switch res.Outcome {
		case RemediationCompleted, RemediationJobFailed, RemediationStillRunning, RemediationNeedsFix:
			rows = append(rows, res)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	headline := fmt.Sprintf("Backup jobs started: %d completed, %d failed, %d still running; %d not started because a retry cannot fix the cause.",
		r.Count(RemediationCompleted), r.Count(RemediationJobFailed), r.Count(RemediationStillRunning), r.Count(RemediationNeedsFix))
	if markdown {
		fmt.Fprintf(w, "\n#### Outcomes\n\n%s\n\n", headline)
	} else {
		fmt.Fprintf(w, "\n%s\n", headline)
	}
	t := &table{header: []string{"account", "resource", "outcome", "job", "state", "reason", "fix"}}
	more := 0
	for _, res := range rows {
		if len(t.rows) == maxProblemRows {
			more++
			continue
		}
		t.rows = append(t.rows, []string{res.Target.Account + "/" + res.Target.Region, res.ResourceARN, string(res.Outcome), res.JobID, res.JobState, res.Reason, res.Fix})
	}
	if err := t.write(w, markdown); err != nil {
		return err
	}
	if more > 0 {
		_, err := fmt.Fprintf(w, "\n… and %d more.\n", more)
		return err
	}
	return nil
}
