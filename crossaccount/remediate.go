package crossaccount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// RemediatorAPI is the part of the AWS Backup client the Remediator uses.
type RemediatorAPI interface {
	ListBackupJobs(ctx context.Context, in *awsbackup.ListBackupJobsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error)
	ListRecoveryPointsByBackupVault(ctx context.Context, in *awsbackup.ListRecoveryPointsByBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	StartBackupJob(ctx context.Context, in *awsbackup.StartBackupJobInput, optFns ...func(*awsbackup.Options)) (*awsbackup.StartBackupJobOutput, error)
	DescribeBackupJob(ctx context.Context, in *awsbackup.DescribeBackupJobInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error)
}

var _ RemediatorAPI = (*awsbackup.Client)(nil)

// DefaultRemediationWindow is how far back the Remediator looks for
// failed backup jobs.
const DefaultRemediationWindow = 24 * time.Hour

// RemediationTarget is one account and region whose failed backup jobs
// are remediated, with the tier's settings for the new backups.
type RemediationTarget struct {
	// Account, Region and Vault: failed jobs of this vault are looked
	// at, and new backups go to it.
	Account, Region, Vault string
	// RoleARN is the role AWS Backup assumes for the new backups.
	RoleARN string
	// Lifecycle of the new recovery points.
	Lifecycle *backuptypes.Lifecycle
	// RecoveryPointTags are set on the new recovery points.
	RecoveryPointTags map[string]string
	// RPO is the age beyond which a resource's newest recovery point in
	// Vault no longer counts.
	RPO time.Duration
	// Label names the target in reports (a tier).
	Label string
}

// RemediateOptions configure a Remediator.
type RemediateOptions struct {
	// Since is how far back failed jobs are looked for. Default
	// DefaultRemediationWindow.
	Since time.Duration
	// DryRun finds what would be backed up and starts nothing.
	DryRun bool
	// Concurrency bounds the targets worked on at once. Default
	// DefaultConcurrency.
	Concurrency int
	// Wait is how long to wait for the backup jobs started to end, measured
	// on Clock and bounded by the context's deadline too; 0 (the default)
	// does not wait. See DefaultRemediationWait.
	Wait time.Duration
	// PollInterval is the first wait between looks at the started jobs;
	// MaxPollInterval the longest. Defaults DefaultPollInterval and
	// DefaultMaxRemediationPoll.
	PollInterval, MaxPollInterval time.Duration
	// Force starts backups even when the newest failed job failed for a
	// cause a retry cannot fix (ClassifyBackupFailure): for a run after
	// the cause was fixed.
	Force bool
	// Clock is the time source. Default time.Now.
	Clock func() time.Time
	// Sleep waits for d or until ctx is done. Default a timer; tests pass
	// the emulator's Advance.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress receives every event, one at a time.
	Progress func(Event)
	// NewClient builds the Backup client of an account and region.
	// Default awsbackup.NewFromConfig.
	NewClient func(aws.Config) RemediatorAPI
}

// Remediator finds backup jobs that FAILED, EXPIRED or were ABORTED in a
// window and, for each resource that still has no recovery point within
// its RPO and no backup job under way, starts an on-demand backup with the
// tier's vault, role and lifecycle. Like the Copier it keeps no state: a
// second run sees the jobs the first started, and the idempotency token of
// each backup (derived from the resource and the failed job) makes a
// repeated start return the same job.
type Remediator struct {
	src     ConfigSource
	targets []RemediationTarget
	opts    RemediateOptions
}

// NewRemediator returns a Remediator of targets, reaching accounts
// through src.
func NewRemediator(src ConfigSource, targets []RemediationTarget, optFns ...func(*RemediateOptions)) *Remediator {
	var o RemediateOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Since <= 0 {
		o.Since = DefaultRemediationWindow
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = max(DefaultMaxRemediationPoll, o.PollInterval)
	}
	if o.NewClient == nil {
		o.NewClient = func(cfg aws.Config) RemediatorAPI { return awsbackup.NewFromConfig(cfg) }
	}
	return &Remediator{src: src, targets: slices.Clone(targets), opts: o}
}

// RemediationOutcome is what became of one resource.
type RemediationOutcome string

// Remediation outcomes.
const (
	// RemediationStarted: an on-demand backup job was started.
	RemediationStarted RemediationOutcome = "started"
	// RemediationWouldStart: a dry run would start a backup.
	RemediationWouldStart RemediationOutcome = "would-start"
	// RemediationInProgress: a backup job of the resource is under way.
	RemediationInProgress RemediationOutcome = "in-progress"
	// RemediationProtected: the resource has a recovery point within its
	// RPO; nothing to do.
	RemediationProtected RemediationOutcome = "protected"
	// RemediationFailed: the backup could not be started.
	RemediationFailed RemediationOutcome = "failed"
	// RemediationCompleted: the backup job started completed within the
	// wait.
	RemediationCompleted RemediationOutcome = "completed"
	// RemediationJobFailed: the backup job started ended FAILED, ABORTED
	// or EXPIRED within the wait (JobState, JobMessage; Cause and Fix when
	// a retry cannot fix it).
	RemediationJobFailed RemediationOutcome = "job-failed"
	// RemediationStillRunning: the backup job started had not ended when
	// the wait did.
	RemediationStillRunning RemediationOutcome = "still-running"
	// RemediationNeedsFix: no backup was started because the newest
	// failed job failed for a cause a retry cannot fix (Cause, Fix).
	RemediationNeedsFix RemediationOutcome = "needs-fix"
)

// RemediationResult is the outcome for one resource with failed jobs.
type RemediationResult struct {
	// Target is where the resource's jobs ran.
	Target RemediationTarget
	// ResourceARN and ResourceType name the resource.
	ResourceARN, ResourceType string
	// FailedJobID, FailedState and FailedMessage describe its newest
	// failed job; FailedJobs counts them in the window.
	FailedJobID   string
	FailedState   string
	FailedMessage string
	FailedJobs    int
	// LastRecoveryPoint is the creation time of the newest recovery point
	// in the vault within the RPO (zero if none).
	LastRecoveryPoint time.Time
	// Outcome is what was done; JobID the backup job started or found;
	// Reason explains failures.
	Outcome RemediationOutcome
	JobID   string
	Reason  string
	// JobState and JobMessage are the state and status message of the
	// started job when the wait for it ended.
	JobState, JobMessage string
	// Cause classifies a failure a retry cannot fix (of the started job,
	// or of the newest failed job for RemediationNeedsFix); Fix is the
	// command that fixes it.
	Cause FailureCause
	Fix   string
}

// RemediationReport is the result of a Remediator run.
type RemediationReport struct {
	// Start and End are the Remediator's clock at the start and the end;
	// Since the start of the window looked at.
	Start, End, Since time.Time
	// DryRun is set when nothing was started.
	DryRun bool
	// Results has one entry per resource with failed jobs, sorted by
	// account, region and resource ARN.
	Results []RemediationResult
	// Calls counts the API calls by operation.
	Calls map[string]int
}

// Count returns how many results have outcome o.
func (r *RemediationReport) Count(o RemediationOutcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Protected reports whether every resource with failed jobs is protected
// again: a recovery point within its RPO or a backup under way (started
// now or before).
func (r *RemediationReport) Protected() bool {
	for _, res := range r.Results {
		switch res.Outcome {
		case RemediationProtected, RemediationInProgress, RemediationStarted, RemediationCompleted:
		default:
			return false
		}
	}
	return true
}

// Failed backup job states that remediation looks for.
var remediableStates = []backuptypes.BackupJobState{
	backuptypes.BackupJobStateFailed, backuptypes.BackupJobStateExpired, backuptypes.BackupJobStateAborted,
}

// Run looks at every target and returns the report; errors of single
// targets are returned joined, with the report of the others.
func (m *Remediator) Run(ctx context.Context) (*RemediationReport, error) {
	now := m.opts.Clock()
	rep := &RemediationReport{Start: now, Since: now.Add(-m.opts.Since), DryRun: m.opts.DryRun}
	clients := newClientCache(m.src, m.opts.NewClient)
	found := make([][]RemediationResult, len(m.targets))
	// Events are counted as results are found; Total grows with them.
	var mu sync.Mutex
	var done, total int
	emit := func(res RemediationResult, kind EventKind) {
		mu.Lock()
		defer mu.Unlock()
		if kind != EventStarted && kind != EventWaiting {
			done++
		}
		if m.opts.Progress != nil {
			m.opts.Progress(Event{Kind: kind, Time: m.opts.Clock(), Account: res.Target.Account, Region: res.Target.Region,
				Subject: res.ResourceARN, Destination: res.Target.Vault, JobID: res.JobID, Reason: res.Reason, Fix: res.Fix, Done: done, Total: total})
		}
	}
	err := ForEach(ctx, m.opts.Concurrency, indexes(len(m.targets)), func(ctx context.Context, i int) error {
		t := m.targets[i]
		res, err := m.target(ctx, clients, t, rep.Since, now, func(n int) {
			mu.Lock()
			total += n
			mu.Unlock()
		}, emit)
		found[i] = res
		if err != nil {
			return fmt.Errorf("remediating backup jobs of %s/%s vault %q: %w", t.Account, t.Region, t.Vault, err)
		}
		return nil
	})
	if !m.opts.DryRun && m.opts.Wait > 0 {
		var started []*RemediationResult
		for i := range found {
			for j := range found[i] {
				if found[i][j].Outcome == RemediationStarted {
					started = append(started, &found[i][j])
				}
			}
		}
		m.wait(ctx, clients, started, emit)
	}
	for _, res := range found {
		rep.Results = append(rep.Results, res...)
	}
	sort.SliceStable(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if a.Target.Account != b.Target.Account {
			return a.Target.Account < b.Target.Account
		}
		if a.Target.Region != b.Target.Region {
			return a.Target.Region < b.Target.Region
		}
		return a.ResourceARN < b.ResourceARN
	})
	rep.End = m.opts.Clock()
	rep.Calls = clients.calls()
	return rep, err
}

func (m *Remediator) target(ctx context.Context, clients *clientCache[RemediatorAPI], t RemediationTarget, since, now time.Time,
	addTotal func(int), emit func(RemediationResult, EventKind)) ([]RemediationResult, error) {
	api, err := clients.get(ctx, t.Account, t.Region)
	if err != nil {
		return nil, err
	}
	// Every job of the vault in the window, newest first: the failed
	// ones to remediate and the ones under way.
	var jobs []backuptypes.BackupJob
	pages := awsbackup.NewListBackupJobsPaginator(api, &awsbackup.ListBackupJobsInput{ByBackupVaultName: aws.String(t.Vault), ByCreatedAfter: aws.Time(since), MaxResults: aws.Int32(1000)})
	for pages.HasMorePages() {
		clients.count("ListBackupJobs")
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing backup jobs: %w", err)
		}
		jobs = append(jobs, page.BackupJobs...)
	}
	sort.SliceStable(jobs, func(i, j int) bool { return aws.ToTime(jobs[i].CreationDate).After(aws.ToTime(jobs[j].CreationDate)) })
	byResource := map[string]*RemediationResult{}
	failedRole := map[string]string{}
	underway := map[string]string{}
	for _, j := range jobs {
		arn := aws.ToString(j.ResourceArn)
		switch j.State {
		case backuptypes.BackupJobStateCreated, backuptypes.BackupJobStatePending, backuptypes.BackupJobStateRunning:
			if underway[arn] == "" {
				underway[arn] = aws.ToString(j.BackupJobId)
			}
			continue
		}
		if !slices.Contains(remediableStates, j.State) {
			continue
		}
		res := byResource[arn]
		if res == nil {
			res = &RemediationResult{Target: t, ResourceARN: arn, ResourceType: aws.ToString(j.ResourceType),
				FailedJobID: aws.ToString(j.BackupJobId), FailedState: string(j.State), FailedMessage: aws.ToString(j.StatusMessage)}
			byResource[arn] = res
			failedRole[arn] = aws.ToString(j.IamRoleArn)
		}
		res.FailedJobs++
	}
	arns := slices.Sorted(maps.Keys(byResource))
	addTotal(len(arns))
	out := make([]RemediationResult, 0, len(arns))
	var errs []error
	for _, arn := range arns {
		res := byResource[arn]
		if id := underway[arn]; id != "" {
			res.Outcome, res.JobID = RemediationInProgress, id
			emit(*res, EventSkipped)
			out = append(out, *res)
			continue
		}
		last, err := m.lastRecoveryPoint(ctx, clients, api, t, arn, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("listing recovery points of %s: %w", arn, err))
			res.Outcome, res.Reason = RemediationFailed, err.Error()
			emit(*res, EventFailed)
			out = append(out, *res)
			continue
		}
		res.LastRecoveryPoint = last
		switch {
		case !last.IsZero():
			res.Outcome = RemediationProtected
			emit(*res, EventSkipped)
		case m.unfixable(res, failedRole[arn]):
			emit(*res, EventFailed)
		case m.opts.DryRun:
			res.Outcome = RemediationWouldStart
		default:
			m.start(ctx, clients, api, res)
			if res.Outcome == RemediationStarted {
				emit(*res, EventStarted)
			} else {
				emit(*res, EventFailed)
			}
		}
		out = append(out, *res)
	}
	return out, errors.Join(errs...)
}

// lastRecoveryPoint returns the creation time of the resource's newest
// completed recovery point in the target's vault within the RPO.
func (m *Remediator) lastRecoveryPoint(ctx context.Context, clients *clientCache[RemediatorAPI], api RemediatorAPI, t RemediationTarget, arn string, now time.Time) (time.Time, error) {
	in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(t.Vault), ByResourceArn: aws.String(arn), MaxResults: aws.Int32(1000)}
	if t.RPO > 0 {
		in.ByCreatedAfter = aws.Time(now.Add(-t.RPO))
	}
	var last time.Time
	pages := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, in)
	for pages.HasMorePages() {
		clients.count("ListRecoveryPointsByBackupVault")
		page, err := pages.NextPage(ctx)
		if err != nil {
			return time.Time{}, err
		}
		for _, rp := range page.RecoveryPoints {
			if rp.Status == backuptypes.RecoveryPointStatusCompleted && aws.ToTime(rp.CreationDate).After(last) {
				last = aws.ToTime(rp.CreationDate)
			}
		}
	}
	return last, nil
}

// backupToken is the idempotency token of a remediation backup: one per
// resource and failed job, so a repeated start returns the same job
// (StartBackupJob API reference, IdempotencyToken).
func backupToken(resourceARN, failedJobID string) string {
	h := sha256.Sum256([]byte("orgbackup-remediate\n" + resourceARN + "\n" + failedJobID))
	return hex.EncodeToString(h[:16])
}

func (m *Remediator) start(ctx context.Context, clients *clientCache[RemediatorAPI], api RemediatorAPI, res *RemediationResult) {
	t := res.Target
	clients.count("StartBackupJob")
	out, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName:   aws.String(t.Vault),
		ResourceArn:       aws.String(res.ResourceARN),
		IamRoleArn:        aws.String(t.RoleARN),
		Lifecycle:         t.Lifecycle,
		RecoveryPointTags: maps.Clone(t.RecoveryPointTags),
		IdempotencyToken:  aws.String(backupToken(res.ResourceARN, res.FailedJobID)),
	})
	if err != nil {
		res.Outcome, res.Reason = RemediationFailed, fmt.Sprintf("starting a backup job: %v", err)
		return
	}
	res.Outcome, res.JobID = RemediationStarted, aws.ToString(out.BackupJobId)
}
