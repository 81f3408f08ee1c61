package crossaccount

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// CopierAPI is the part of the AWS Backup client the Copier uses.
type CopierAPI interface {
	ListRecoveryPointsByBackupVault(ctx context.Context, in *awsbackup.ListRecoveryPointsByBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	ListCopyJobs(ctx context.Context, in *awsbackup.ListCopyJobsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListCopyJobsOutput, error)
	StartCopyJob(ctx context.Context, in *awsbackup.StartCopyJobInput, optFns ...func(*awsbackup.Options)) (*awsbackup.StartCopyJobOutput, error)
}

var _ CopierAPI = (*awsbackup.Client)(nil)

// ConfigSource gives the aws.Config for an account and region; a Fleet is
// one.
type ConfigSource interface {
	Config(ctx context.Context, account, region string) (aws.Config, error)
}

var _ ConfigSource = (*Fleet)(nil)

// Defaults of CopyOptions.
const (
	// DefaultMaxRunningCopies bounds the copy jobs the Copier keeps
	// running per source account and destination Region. AWS Backup
	// limits concurrent copies per account to a destination Region ("AWS
	// Backup quotas"); staying well below leaves room for the copies that
	// backup plans start.
	DefaultMaxRunningCopies = 10
	// DefaultCopyAttempts is the number of copy jobs the Copier starts
	// for one recovery point and destination in one run, the first
	// included, when the jobs fail for reasons that may pass.
	DefaultCopyAttempts = 3
	// DefaultPollInterval is the first wait before looking at running
	// copy jobs again; it doubles while nothing changes.
	DefaultPollInterval = time.Minute
	// DefaultMaxPollInterval caps the wait between looks.
	DefaultMaxPollInterval = 15 * time.Minute
	// DefaultLookback is how far back a run without Filter.CreatedAfter
	// looks for recovery points that lack a copy (see
	// CopyOptions.Lookback): the longest time a backup job may take to
	// complete by default (its complete window, 7 days, "Creating a backup
	// plan" in the AWS Backup Developer Guide) plus a week of missed
	// daily runs.
	DefaultLookback = 14 * 24 * time.Hour
)

// maxStartErrors bounds the StartCopyJob calls that fail with transient
// errors (throttling past the SDK's retries, service unavailable) for one
// recovery point in one run.
const maxStartErrors = 8

// CopyRoute is one source vault copied to one destination vault.
type CopyRoute struct {
	// Account, Region and Vault are the source vault.
	Account, Region, Vault string
	// RoleARN is the IAM role in the source account that AWS Backup
	// assumes to copy.
	RoleARN string
	// DestinationVaultARN is the vault the copies go to, in any account
	// and Region.
	DestinationVaultARN string
	// Lifecycle of the copies; nil keeps the source's.
	Lifecycle *backuptypes.Lifecycle
	// ResourceAccounts, when set, limits the route to recovery points of
	// resources whose ARN names one of these accounts (routes out of a
	// central vault, which holds every account's copies).
	ResourceAccounts []string
	// Label names the route in reports (a tier).
	Label string
	// MonitoringAccount, when set, is an account that lists the copy
	// jobs of the whole organization (ListCopyJobs with ByAccountId "*",
	// allowed to the management account and to a delegated administrator
	// for AWS Backup, "Managing AWS Backup resources across multiple AWS
	// accounts"), and MonitoringRegions the Regions it looks in. Before
	// copying a recovery point of the source vault, the Copier looks
	// there for a copy job, started in any account, of the same backup
	// into the destination vault: a backup plan that copies a local
	// recovery point both to the source vault and to the destination
	// starts that job in the workload account, which the source account
	// does not see. A recovery point whose copy such a job makes is not
	// copied again.
	MonitoringAccount string
	MonitoringRegions []string
}

// CopyFilter narrows the recovery points copied. Zero fields match all.
type CopyFilter struct {
	// ResourceTypes are AWS Backup resource types ("EBS", "EFS", ...).
	ResourceTypes []string
	// CreatedAfter and CreatedBefore bound the recovery points' creation
	// time (exclusive).
	CreatedAfter, CreatedBefore time.Time
}

// CopyOptions configure a Copier. Every field has a usable default.
type CopyOptions struct {
	// Filter narrows the recovery points considered.
	Filter CopyFilter
	// MaxRunning bounds the copy jobs kept running per source account and
	// destination Region, the ones found running included. Default
	// DefaultMaxRunningCopies.
	MaxRunning int
	// Lookback bounds the work of a run whose Filter has neither
	// CreatedAfter nor CreatedBefore: it looks at the recovery points created in the last Lookback, and
	// at the older ones whose last copy job in that time failed. Zero
	// means DefaultLookback; a negative value looks at every retained
	// recovery point. The rule, and why it skips nothing that still lacks
	// a copy, is at lowerBound.
	Lookback time.Duration
	// MaxAttempts bounds the copy jobs started per recovery point and
	// destination in one run. Default DefaultCopyAttempts.
	MaxAttempts int
	// PollInterval is the first wait between looks at running jobs;
	// MaxPollInterval the longest. Defaults DefaultPollInterval and
	// DefaultMaxPollInterval.
	PollInterval, MaxPollInterval time.Duration
	// Concurrency bounds the API calls in flight. Default
	// DefaultConcurrency.
	Concurrency int
	// DryRun finds what is missing and starts nothing.
	DryRun bool
	// Clock is the time source. Default time.Now.
	Clock func() time.Time
	// Sleep waits for d or until ctx is done. Default a timer; tests and
	// benchmarks pass the emulator's Advance.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress receives every event, one at a time. Default none.
	Progress func(Event)
	// NewClient builds the Backup client of an account and region.
	// Default awsbackup.NewFromConfig.
	NewClient func(aws.Config) CopierAPI
}

// Copier copies recovery points that lack a completed copy in their
// destination vault. It keeps no state of its own: what is copied, running
// or failed is read from AWS (copy jobs and the destination's recovery
// points) at the start of every run, and every copy job is started with an
// idempotency token derived from the recovery point, the destination and
// the attempt, so a run that is killed at any point and started again
// starts no second copy of anything.
type Copier struct {
	src    ConfigSource
	routes []CopyRoute
	opts   CopyOptions
}

// NewCopier returns a Copier for routes, reaching accounts through src.
func NewCopier(src ConfigSource, routes []CopyRoute, optFns ...func(*CopyOptions)) *Copier {
	var o CopyOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MaxRunning <= 0 {
		o.MaxRunning = DefaultMaxRunningCopies
	}
	if o.Lookback == 0 {
		o.Lookback = DefaultLookback
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultCopyAttempts
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = max(DefaultMaxPollInterval, o.PollInterval)
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
	if o.NewClient == nil {
		o.NewClient = func(cfg aws.Config) CopierAPI { return awsbackup.NewFromConfig(cfg) }
	}
	return &Copier{src: src, routes: slices.Clone(routes), opts: o}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CopyOutcome is what became of one recovery point and destination.
type CopyOutcome string

// Copy outcomes.
const (
	// CopyCopied: a copy job of this run completed.
	CopyCopied CopyOutcome = "copied"
	// CopyAlreadyCopied: a completed copy existed before the run, or
	// another account's copy job (seen through the route's monitoring
	// account) made it.
	CopyAlreadyCopied CopyOutcome = "already-copied"
	// CopyWouldCopy: a dry run found the copy missing.
	CopyWouldCopy CopyOutcome = "would-copy"
	// CopyPending: the run ended before it started a copy.
	CopyPending CopyOutcome = "pending"
	// CopyInProgress: a copy job runs; the run ended before it did.
	CopyInProgress CopyOutcome = "in-progress"
	// CopySkipped: the recovery point cannot be copied (cold storage,
	// gone, not completed); Reason says why.
	CopySkipped CopyOutcome = "skipped"
	// CopyFailed: the copy failed for good or used up its attempts;
	// Reason and Fix say why and what to do.
	CopyFailed CopyOutcome = "failed"
)

// CopyResult is the outcome for one recovery point and destination.
type CopyResult struct {
	// Route is the route the recovery point was found on.
	Route CopyRoute
	// RecoveryPointARN, ResourceARN, ResourceType and CreationDate
	// describe the source recovery point.
	RecoveryPointARN, ResourceARN, ResourceType string
	CreationDate                                time.Time
	// Outcome is what became of it.
	Outcome CopyOutcome
	// JobID is the last copy job, if any.
	JobID string
	// Attempts counts the copy jobs this run started.
	Attempts int
	// Reason and Fix explain skips and failures.
	Reason, Fix string
}

// CopyReport is the result of a Copier run.
type CopyReport struct {
	// Start and End are the Copier's clock at the start and the end.
	Start, End time.Time
	// DryRun is set when nothing was started.
	DryRun bool
	// Results has one entry per recovery point and destination, sorted by
	// source account, region, destination and recovery point ARN.
	Results []CopyResult
	// Calls counts the API calls by operation.
	Calls map[string]int
}

// Count returns how many results have outcome o.
func (r *CopyReport) Count(o CopyOutcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Protected reports whether every recovery point has its copy.
func (r *CopyReport) Protected() bool {
	for _, res := range r.Results {
		if res.Outcome != CopyCopied && res.Outcome != CopyAlreadyCopied {
			return false
		}
	}
	return true
}

// itemState is the Copier's view of one recovery point and destination.
type itemState int

const (
	itemPending itemState = iota
	itemRunning
	itemDone
)

type copyItem struct {
	res      CopyResult
	route    *routeRun
	state    itemState
	failures int // failed copy jobs in AWS, this run's included
	startErr int
	created  time.Time // of the running job
	size     int64     // of the recovery point, bytes
	// watch is where the running job is listed when it is not the
	// route's source's own: another account's job seen through the
	// monitoring account.
	watch *jobWatch
}

// jobWatch is where poll lists a running copy job: the account and Region
// called, and ByAccountId.
type jobWatch struct {
	account, region, byAccount string
}

// routeRun is a route with its clients and limit group.
type routeRun struct {
	CopyRoute
	destAccount, destRegion, destVault string
	group                              *copyGroup
}

// copyGroup is the unit of the running-copy limit: one source account
// to one destination Region.
type copyGroup struct {
	account, destRegion string
	running             int
	pending             []*copyItem
	throttled           bool
}

// copyRun is the state of one Run.
type copyRun struct {
	c       *Copier
	clients *clientCache[CopierAPI]

	mu          sync.Mutex // guards events and counters below
	done, total int

	items    []*copyItem
	groups   []*copyGroup
	duration time.Duration // shortest copy observed; 0 before the first
}

// Run finds what is missing and copies it, returning when every copy has
// completed, failed for good or been skipped, or when ctx is done (with
// ctx's error and the report so far). Errors reaching an account or
// listing a vault are returned joined, with the report of everything
// else.
func (c *Copier) Run(ctx context.Context) (*CopyReport, error) {
	r := &copyRun{c: c, clients: newClientCache(c.src, c.opts.NewClient)}
	start := c.opts.Clock()
	err := r.discover(ctx)
	if !c.opts.DryRun && ctx.Err() == nil {
		err = errors.Join(err, r.loop(ctx))
	}
	return r.report(start), err
}

// destinationOf splits a backup vault ARN.
func destinationOf(arn string) (account, region, vault string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "backup" || !strings.HasPrefix(parts[5], "backup-vault:") {
		return "", "", "", fmt.Errorf("destination %q is not a backup vault ARN", arn)
	}
	return parts[4], parts[3], strings.TrimPrefix(parts[5], "backup-vault:"), nil
}

// arnAccount returns the account field of an ARN ("" for S3 buckets and
// other ARNs without one).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// discover lists every route's recovery points, copy jobs and destination
// recovery points and builds the work.
func (r *copyRun) discover(ctx context.Context) error {
	o := r.c.opts
	groups := map[[2]string]*copyGroup{}
	runs := make([]*routeRun, len(r.c.routes))
	for i, rt := range r.c.routes {
		run := &routeRun{CopyRoute: rt}
		acct, region, vault, err := destinationOf(rt.DestinationVaultARN)
		if err == nil {
			run.destAccount, run.destRegion, run.destVault = acct, region, vault
		}
		k := [2]string{rt.Account, run.destRegion}
		if groups[k] == nil {
			groups[k] = &copyGroup{account: rt.Account, destRegion: run.destRegion}
		}
		run.group = groups[k]
		runs[i] = run
	}
	found := make([][]*copyItem, len(runs))
	err := ForEach(ctx, o.Concurrency, indexes(len(runs)), func(ctx context.Context, i int) error {
		items, err := r.discoverRoute(ctx, runs[i])
		found[i] = items
		if err != nil {
			rt := runs[i]
			return fmt.Errorf("finding recovery points to copy from %s/%s vault %q to %s: %w", rt.Account, rt.Region, rt.Vault, rt.DestinationVaultARN, err)
		}
		return nil
	})
	seen := map[string]bool{}
	for _, items := range found {
		for _, it := range items {
			// Two routes may list the same recovery point for the same
			// destination; the first one wins.
			key := it.res.RecoveryPointARN + "|" + it.route.DestinationVaultARN
			if seen[key] {
				continue
			}
			seen[key] = true
			r.items = append(r.items, it)
		}
	}
	sort.SliceStable(r.items, func(i, j int) bool { return lessResult(&r.items[i].res, &r.items[j].res) })
	r.total = len(r.items)
	for _, g := range groups {
		r.groups = append(r.groups, g)
	}
	sort.Slice(r.groups, func(i, j int) bool {
		if r.groups[i].account != r.groups[j].account {
			return r.groups[i].account < r.groups[j].account
		}
		return r.groups[i].destRegion < r.groups[j].destRegion
	})
	for _, it := range r.items {
		switch {
		case it.state == itemDone:
			r.finish(it, it.res.Outcome, false)
		case it.state == itemRunning:
			it.route.group.running++
		case o.DryRun:
			it.res.Outcome = CopyWouldCopy
		default:
			it.route.group.pending = append(it.route.group.pending, it)
		}
	}
	// Largest first: a copy's time grows with the size of its recovery
	// point, and starting the longest copies first keeps one of them
	// from running alone at the end (the longest-processing-time rule;
	// its makespan is within 4/3 of the best on identical slots). Equal
	// sizes keep their order, by recovery point ARN.
	for _, g := range r.groups {
		slices.SortStableFunc(g.pending, func(a, b *copyItem) int { return cmp.Compare(b.size, a.size) })
	}
	return err
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func lessResult(a, b *CopyResult) bool {
	if a.Route.Account != b.Route.Account {
		return a.Route.Account < b.Route.Account
	}
	if a.Route.Region != b.Route.Region {
		return a.Route.Region < b.Route.Region
	}
	if a.Route.DestinationVaultARN != b.Route.DestinationVaultARN {
		return a.Route.DestinationVaultARN < b.Route.DestinationVaultARN
	}
	return a.RecoveryPointARN < b.RecoveryPointARN
}

// backupKey identifies one backup of a resource in any vault it was
// copied to: copies keep the resource and the creation date of the backup
// they copy ("Copies retain their source configuration, including
// creation dates [...] The creation date refers to when the source was
// created, not when the copy was created", AWS Backup Developer Guide,
// "Backup and tag copy"). A copy of a copy keeps it too, so a recovery
// point copied to a vault from any other vault (a backup plan's copy
// straight from the local vault, or the copier's from the central vault)
// is the same backup.
func backupKey(resourceARN string, created time.Time) string {
	return resourceARN + "|" + created.UTC().Format(time.RFC3339Nano)
}

func (r *copyRun) discoverRoute(ctx context.Context, rt *routeRun) ([]*copyItem, error) {
	o := r.c.opts
	if rt.destVault == "" {
		_, _, _, err := destinationOf(rt.DestinationVaultARN)
		return nil, err
	}
	src, err := r.clients.get(ctx, rt.Account, rt.Region)
	if err != nil {
		return nil, err
	}
	after, incremental := r.lowerBound()
	var before *time.Time
	if !o.Filter.CreatedBefore.IsZero() {
		before = aws.Time(o.Filter.CreatedBefore)
	}
	var byType *string
	if len(o.Filter.ResourceTypes) == 1 {
		byType = aws.String(o.Filter.ResourceTypes[0])
	}
	rps, jobs, err := r.listSource(ctx, src, rt, after, before, byType)
	if err != nil {
		return nil, err
	}
	if incremental && len(stragglers(rt, rps, jobs, o.Filter.ResourceTypes)) > 0 {
		// A recovery point older than the bound whose last copy job
		// failed: look at the whole retained history, as a run with
		// no bound does, until it has its copy.
		after = nil
		if rps, jobs, err = r.listSource(ctx, src, rt, after, before, byType); err != nil {
			return nil, err
		}
	}
	var candidates []backuptypes.RecoveryPointByBackupVault
	for _, rp := range rps {
		if !matchesRoute(rt, aws.ToString(rp.ResourceArn), arnAccount(aws.ToString(rp.SourceBackupVaultArn)), aws.ToString(rp.ResourceType), o.Filter.ResourceTypes) {
			continue
		}
		candidates = append(candidates, rp)
	}
	if len(candidates) == 0 {
		return nil, nil
	}

	// The copy jobs to the destination: completed, running, failed.
	byRP := map[string][]backuptypes.CopyJob{}
	for _, j := range jobs {
		byRP[aws.ToString(j.SourceRecoveryPointArn)] = append(byRP[aws.ToString(j.SourceRecoveryPointArn)], j)
	}

	// The backups the destination holds, whatever vault they were copied
	// from, back to the oldest candidate without a completed copy job
	// (copies keep the creation date of the backup): none to look at when
	// every candidate has one, as when backup plans copy.
	held := map[string]bool{}
	if destAfter, look := heldBound(candidates, byRP, after); look {
		dest, err := r.clients.get(ctx, rt.destAccount, rt.destRegion)
		if err != nil {
			return nil, err
		}
		destRPs, err := r.listRecoveryPoints(ctx, dest, &awsbackup.ListRecoveryPointsByBackupVaultInput{
			BackupVaultName: aws.String(rt.destVault), ByCreatedAfter: destAfter, ByCreatedBefore: before, ByResourceType: byType,
		})
		if err != nil {
			return nil, fmt.Errorf("listing recovery points of destination %s: %w", rt.DestinationVaultARN, err)
		}
		for _, rp := range destRPs {
			if rp.Status == backuptypes.RecoveryPointStatusCompleted && rp.CreationDate != nil && aws.ToString(rp.ResourceArn) != "" {
				held[backupKey(aws.ToString(rp.ResourceArn), *rp.CreationDate)] = true
			}
		}
	}

	// The copy jobs other accounts started of the same backups.
	var elsewhere map[string]elsewhereJob
	if rt.MonitoringAccount != "" && needsLook(candidates, byRP, held) {
		if elsewhere, err = r.jobsElsewhere(ctx, rt, after); err != nil {
			return nil, err
		}
	}

	now := o.Clock()
	items := make([]*copyItem, 0, len(candidates))
	for _, rp := range candidates {
		it := &copyItem{route: rt, res: CopyResult{
			Route: rt.CopyRoute, RecoveryPointARN: aws.ToString(rp.RecoveryPointArn), ResourceARN: aws.ToString(rp.ResourceArn),
			ResourceType: aws.ToString(rp.ResourceType), CreationDate: aws.ToTime(rp.CreationDate),
		}, size: aws.ToInt64(rp.BackupSizeInBytes)}
		items = append(items, it)
		completed, running := classifyJobs(byRP[it.res.RecoveryPointARN])
		for _, j := range byRP[it.res.RecoveryPointARN] {
			if j.State == backuptypes.CopyJobStateFailed || j.State == backuptypes.CopyJobStatePartial {
				it.failures++
				it.res.Reason = aws.ToString(j.StatusMessage)
			}
		}
		switch {
		case completed != nil || (rp.CreationDate != nil && held[backupKey(it.res.ResourceARN, *rp.CreationDate)]):
			it.state, it.res.Outcome, it.res.Reason = itemDone, CopyAlreadyCopied, ""
			if completed != nil {
				it.res.JobID = aws.ToString(completed.CopyJobId)
			}
		case running != nil:
			it.state, it.res.Outcome = itemRunning, CopyInProgress
			it.res.JobID, it.created = aws.ToString(running.CopyJobId), aws.ToTime(running.CreationDate)
		case elsewhere[it.res.RecoveryPointARN].job.State == backuptypes.CopyJobStateCompleted:
			it.state, it.res.Outcome, it.res.Reason = itemDone, CopyAlreadyCopied, ""
			it.res.JobID = aws.ToString(elsewhere[it.res.RecoveryPointARN].job.CopyJobId)
		case elsewhere[it.res.RecoveryPointARN].job.CopyJobId != nil:
			e := elsewhere[it.res.RecoveryPointARN]
			it.state, it.res.Outcome = itemRunning, CopyInProgress
			it.res.JobID, it.created = aws.ToString(e.job.CopyJobId), aws.ToTime(e.job.CreationDate)
			it.watch = &jobWatch{account: rt.MonitoringAccount, region: e.region, byAccount: aws.ToString(e.job.AccountId)}
		case rp.Status != backuptypes.RecoveryPointStatusCompleted:
			it.state, it.res.Outcome = itemDone, CopySkipped
			it.res.Reason = fmt.Sprintf("recovery point status is %s, not COMPLETED", rp.Status)
		case isCold(rp, now):
			// "Backups in cold storage or archive tiers cannot be copied"
			// (AWS Backup Developer Guide, "Creating a backup copy").
			it.state, it.res.Outcome = itemDone, CopySkipped
			it.res.Reason = fmt.Sprintf("recovery point is in cold storage since %s and cannot be copied", rp.CalculatedLifecycle.MoveToColdStorageAt.UTC().Format(time.RFC3339))
		}
	}
	return items, nil
}

// heldBound returns the creation time after which the destination's
// recovery points can show a candidate already copied, and whether any
// candidate needs that look: those without a completed copy job do. It
// is the oldest such candidate's creation date less a second (the bound
// is exclusive), or after when one has none.
func heldBound(candidates []backuptypes.RecoveryPointByBackupVault, byRP map[string][]backuptypes.CopyJob, after *time.Time) (*time.Time, bool) {
	var oldest *time.Time
	look := false
	for _, rp := range candidates {
		if completed, _ := classifyJobs(byRP[aws.ToString(rp.RecoveryPointArn)]); completed != nil {
			continue
		}
		if rp.CreationDate == nil {
			return after, true
		}
		if t := rp.CreationDate.Add(-time.Second); !look || t.Before(*oldest) {
			oldest = &t
		}
		look = true
	}
	return oldest, look
}

// lowerBound returns the creation time after which a run looks for
// recovery points, and whether it is the incremental default rather than
// the caller's Filter.CreatedAfter (or nil: every retained point).
//
// The incremental rule, per route: look at the source recovery points
// created in the last Lookback (L = now - Lookback), at the destination's
// recovery points and the copy jobs created since L; and if a copy job
// created since L failed for a recovery point created before L that has
// no completed or running copy job since L (a straggler), look at the
// whole retained history of the route instead.
//
// Why nothing that still lacks a copy is skipped, given a run at least
// once per Lookback minus the longest backup job (the default, 14 days,
// leaves 7 days of daily runs over the default 7-day complete window of
// a backup job):
//   - A recovery point P is listed, with its creation date, by every run
//     within Lookback of that date. Copies keep the source's creation
//     date ("Backup and tag copy"), and a copy job of P is created after
//     P, so the destination's recovery points and the copy jobs created
//     since L are all those that can show P copied, running or failed.
//   - A backup that completes late keeps the creation date of its start;
//     Lookback exceeds the complete window, so P is still listed by runs
//     after it completes.
//   - A run that lists P and finds no copy starts a copy job (or finds it
//     cold or gone, which no later run can change). If that job fails,
//     the next run sees the failed job (created within the last run, so
//     since L), finds P a straggler once P is older than L, looks at the
//     whole history, and starts another job: the chain of failed jobs
//     lasts until a copy completes.
//   - What breaks the chain is a failure with no job: StartCopyJob
//     refused for good (access denied, invalid parameter) or every run
//     for Lookback interrupted before starting P. Both are reported (a
//     failed or pending result, every run); after fixing them, or after
//     a longer pause of the schedule, run once with an explicit
//     --created-after (Filter.CreatedAfter) covering the gap.
func (r *copyRun) lowerBound() (after *time.Time, incremental bool) {
	o := r.c.opts
	switch {
	case !o.Filter.CreatedAfter.IsZero():
		return aws.Time(o.Filter.CreatedAfter), false
	case o.Lookback < 0 || !o.Filter.CreatedBefore.IsZero():
		// A window the caller gave with an upper bound only reaches
		// back to the oldest recovery point.
		return nil, false
	}
	return aws.Time(o.Clock().Add(-o.Lookback)), true
}

// listSource lists a route's source recovery points and its copy jobs to
// the destination created after after (every one when nil).
func (r *copyRun) listSource(ctx context.Context, src CopierAPI, rt *routeRun, after, before *time.Time, byType *string) ([]backuptypes.RecoveryPointByBackupVault, []backuptypes.CopyJob, error) {
	rps, err := r.listRecoveryPoints(ctx, src, &awsbackup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(rt.Vault), ByCreatedAfter: after, ByCreatedBefore: before, ByResourceType: byType,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("listing recovery points: %w", err)
	}
	jobs, err := r.listCopyJobs(ctx, src, &awsbackup.ListCopyJobsInput{ByDestinationVaultArn: aws.String(rt.DestinationVaultARN), ByCreatedAfter: after})
	if err != nil {
		return nil, nil, fmt.Errorf("listing copy jobs: %w", err)
	}
	return rps, jobs, nil
}

// matchesRoute reports whether a recovery point of resourceARN and
// resourceType is the route's to copy, under the filter's types. The
// resource's account is its ARN's, or, for ARNs that name none (S3
// buckets), sourceAccount: that of the vault the recovery point was copied
// from, a workload account's local vault for the copies in a central
// vault ("" when unknown, which matches no ResourceAccounts).
func matchesRoute(rt *routeRun, resourceARN, sourceAccount, resourceType string, types []string) bool {
	if len(types) > 0 && !slices.Contains(types, resourceType) {
		return false
	}
	account := arnAccount(resourceARN)
	if account == "" {
		account = sourceAccount
	}
	return len(rt.ResourceAccounts) == 0 || slices.Contains(rt.ResourceAccounts, account)
}

// stragglers returns the source recovery points, not among rps, whose
// copy jobs among jobs all failed: recovery points older than the
// listing's bound that still lack a copy.
func stragglers(rt *routeRun, rps []backuptypes.RecoveryPointByBackupVault, jobs []backuptypes.CopyJob, types []string) []string {
	listed := make(map[string]bool, len(rps))
	for _, rp := range rps {
		listed[aws.ToString(rp.RecoveryPointArn)] = true
	}
	failed := map[string]bool{}
	for _, j := range jobs {
		arn := aws.ToString(j.SourceRecoveryPointArn)
		if listed[arn] || !matchesRoute(rt, aws.ToString(j.ResourceArn), "", aws.ToString(j.ResourceType), types) {
			continue
		}
		switch j.State {
		case backuptypes.CopyJobStateFailed, backuptypes.CopyJobStatePartial:
			if _, seen := failed[arn]; !seen {
				failed[arn] = true
			}
		default:
			failed[arn] = false // completed, or still running
		}
	}
	var out []string
	for arn, f := range failed {
		if f {
			out = append(out, arn)
		}
	}
	sort.Strings(out)
	return out
}

// needsLook reports whether a candidate has neither a copy job of its own
// that did not fail nor a copy in the destination.
func needsLook(candidates []backuptypes.RecoveryPointByBackupVault, byRP map[string][]backuptypes.CopyJob, held map[string]bool) bool {
	for _, rp := range candidates {
		completed, running := classifyJobs(byRP[aws.ToString(rp.RecoveryPointArn)])
		if completed == nil && running == nil && (rp.CreationDate == nil || !held[backupKey(aws.ToString(rp.ResourceArn), *rp.CreationDate)]) {
			return true
		}
	}
	return false
}

// elsewhereJob is a copy job another account started, and the Region it
// is listed in.
type elsewhereJob struct {
	job    backuptypes.CopyJob
	region string
}

// jobsElsewhere finds, through the route's monitoring account, the copy
// jobs into the route's destination that make a copy of a recovery point
// of the source vault from another vault, by the source vault's recovery
// point ARN. Two copies of one backup come from the same recovery point:
// the copy job that made a recovery point of the source vault
// (DestinationRecoveryPointArn) and a copy job into the destination with
// the same SourceRecoveryPointArn copy the same backup. Only jobs
// created, running or completed count; the completed one is kept over a
// running one.
func (r *copyRun) jobsElsewhere(ctx context.Context, rt *routeRun, after *time.Time) (map[string]elsewhereJob, error) {
	partition := "aws"
	if parts := strings.SplitN(rt.DestinationVaultARN, ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	sourceVault := "arn:" + partition + ":backup:" + rt.Region + ":" + rt.Account + ":backup-vault:" + rt.Vault
	out := map[string]elsewhereJob{}
	for _, region := range rt.MonitoringRegions {
		api, err := r.clients.get(ctx, rt.MonitoringAccount, region)
		if err != nil {
			return nil, err
		}
		in, err := r.listCopyJobs(ctx, api, &awsbackup.ListCopyJobsInput{ByAccountId: aws.String("*"), ByDestinationVaultArn: aws.String(sourceVault), ByCreatedAfter: after})
		if err != nil {
			return nil, fmt.Errorf("listing the organization's copy jobs into %s in %s through account %s: %w", sourceVault, region, rt.MonitoringAccount, err)
		}
		origin := map[string]string{} // local recovery point -> source vault recovery point
		for _, j := range in {
			if j.State == backuptypes.CopyJobStateCompleted && aws.ToString(j.DestinationRecoveryPointArn) != "" {
				origin[aws.ToString(j.SourceRecoveryPointArn)] = aws.ToString(j.DestinationRecoveryPointArn)
			}
		}
		if len(origin) == 0 {
			continue
		}
		to, err := r.listCopyJobs(ctx, api, &awsbackup.ListCopyJobsInput{ByAccountId: aws.String("*"), ByDestinationVaultArn: aws.String(rt.DestinationVaultARN), ByCreatedAfter: after})
		if err != nil {
			return nil, fmt.Errorf("listing the organization's copy jobs into %s in %s through account %s: %w", rt.DestinationVaultARN, region, rt.MonitoringAccount, err)
		}
		for _, j := range to {
			rp, ok := origin[aws.ToString(j.SourceRecoveryPointArn)]
			if !ok || aws.ToString(j.AccountId) == rt.Account {
				continue
			}
			switch j.State {
			case backuptypes.CopyJobStateCreated, backuptypes.CopyJobStateRunning:
				if _, seen := out[rp]; !seen {
					out[rp] = elsewhereJob{job: j, region: region}
				}
			case backuptypes.CopyJobStateCompleted:
				out[rp] = elsewhereJob{job: j, region: region}
			}
		}
	}
	return out, nil
}

// classifyJobs returns a completed job and a running one among jobs.
func classifyJobs(jobs []backuptypes.CopyJob) (completed, running *backuptypes.CopyJob) {
	for i := range jobs {
		switch jobs[i].State {
		case backuptypes.CopyJobStateCompleted:
			completed = &jobs[i]
		case backuptypes.CopyJobStateCreated, backuptypes.CopyJobStateRunning:
			running = &jobs[i]
		}
	}
	return completed, running
}

// isCold reports whether a recovery point has moved to cold storage by
// now, from its calculated lifecycle.
func isCold(rp backuptypes.RecoveryPointByBackupVault, now time.Time) bool {
	cl := rp.CalculatedLifecycle
	return cl != nil && cl.MoveToColdStorageAt != nil && !cl.MoveToColdStorageAt.After(now)
}

func (r *copyRun) listRecoveryPoints(ctx context.Context, api CopierAPI, in *awsbackup.ListRecoveryPointsByBackupVaultInput) ([]backuptypes.RecoveryPointByBackupVault, error) {
	var out []backuptypes.RecoveryPointByBackupVault
	in.MaxResults = aws.Int32(1000)
	pages := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, in)
	for pages.HasMorePages() {
		r.clients.count("ListRecoveryPointsByBackupVault")
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.RecoveryPoints...)
	}
	return out, nil
}

func (r *copyRun) listCopyJobs(ctx context.Context, api CopierAPI, in *awsbackup.ListCopyJobsInput) ([]backuptypes.CopyJob, error) {
	var out []backuptypes.CopyJob
	in.MaxResults = aws.Int32(1000)
	pages := awsbackup.NewListCopyJobsPaginator(api, in)
	for pages.HasMorePages() {
		r.clients.count("ListCopyJobs")
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.CopyJobs...)
	}
	return out, nil
}

// loop starts copies while there is room, waits, looks at the running
// jobs, and again, until nothing is pending or running.
func (r *copyRun) loop(ctx context.Context) error {
	o := r.c.opts
	interval := o.PollInterval
	for {
		if err := r.startAll(ctx); err != nil {
			return err
		}
		running, pending, throttled := 0, 0, false
		for _, g := range r.groups {
			running += g.running
			pending += len(g.pending)
			throttled = throttled || g.throttled
		}
		if running == 0 && pending == 0 {
			return nil
		}
		wait := interval
		if throttled && running == 0 {
			wait = o.PollInterval
		} else {
			if r.duration > 0 {
				// Copies of different sizes take different times: once
				// the running ones are overdue, back off no further than
				// a quarter of the shortest copy seen, so a completion
				// waits at most that long to be noticed.
				wait = min(wait, max(o.PollInterval, r.duration/4))
			}
			if next, ok := r.nextCompletion(); ok {
				// Copies of similar recovery points take similar times:
				// look again when the oldest running one should be done.
				if d := next.Sub(o.Clock()); d > 0 && d < wait {
					wait = d
				}
			}
		}
		if err := o.Sleep(ctx, wait); err != nil {
			return err
		}
		changed, err := r.poll(ctx)
		if err != nil {
			return err
		}
		if changed {
			interval = o.PollInterval
		} else {
			interval = min(2*interval, o.MaxPollInterval)
		}
	}
}

// nextCompletion estimates when the first running copy completes.
func (r *copyRun) nextCompletion() (time.Time, bool) {
	if r.duration == 0 {
		return time.Time{}, false
	}
	var first time.Time
	now := r.c.opts.Clock()
	for _, it := range r.items {
		if it.state != itemRunning {
			continue
		}
		at := it.created.Add(r.duration)
		if !at.After(now) {
			continue // overdue: backoff decides
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// startAll starts pending copies in every group up to the limit, groups
// in parallel.
func (r *copyRun) startAll(ctx context.Context) error {
	var busy []*copyGroup
	for _, g := range r.groups {
		if len(g.pending) > 0 && g.running < r.c.opts.MaxRunning {
			busy = append(busy, g)
		}
	}
	err := ForEach(ctx, r.c.opts.Concurrency, busy, func(ctx context.Context, g *copyGroup) error {
		g.throttled = false
		for len(g.pending) > 0 && g.running < r.c.opts.MaxRunning {
			it := g.pending[0]
			g.pending = g.pending[1:]
			if err := r.start(ctx, it); err != nil {
				if ctx.Err() != nil {
					g.pending = append([]*copyItem{it}, g.pending...)
					return err
				}
				// Transient: try again after the next wait, and start
				// nothing more in this group until then.
				g.pending = append([]*copyItem{it}, g.pending...)
				g.throttled = true
				return nil
			}
		}
		return nil
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// copyToken returns the idempotency token of a copy job: the same for the
// same recovery point, destination and attempt, so a repeated
// StartCopyJob returns the job already started ("Retrying a successful
// request with the same idempotency token results in a success message
// with no action taken", StartCopyJob API reference).
func copyToken(rpARN, destVaultARN string, attempt int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("orgbackup-copy\n%s\n%s\n%d", rpARN, destVaultARN, attempt)))
	return hex.EncodeToString(h[:16])
}

// start starts one copy job. It returns an error only for transient
// failures (and ctx's); permanent ones finish the item.
func (r *copyRun) start(ctx context.Context, it *copyItem) error {
	rt := it.route
	api, err := r.clients.get(ctx, rt.Account, rt.Region)
	if err != nil {
		r.fail(it, err.Error(), "make the execution role assumable in account "+rt.Account)
		return nil
	}
	r.clients.count("StartCopyJob")
	out, err := api.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		RecoveryPointArn:          aws.String(it.res.RecoveryPointARN),
		SourceBackupVaultName:     aws.String(rt.Vault),
		DestinationBackupVaultArn: aws.String(rt.DestinationVaultARN),
		IamRoleArn:                aws.String(rt.RoleARN),
		Lifecycle:                 rt.Lifecycle,
		IdempotencyToken:          aws.String(copyToken(it.res.RecoveryPointARN, rt.DestinationVaultARN, it.failures+1)),
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var notFound *backuptypes.ResourceNotFoundException
		var invalidReq *backuptypes.InvalidRequestException
		var invalidParam *backuptypes.InvalidParameterValueException
		switch {
		case errors.As(err, &notFound):
			r.skip(it, "recovery point no longer exists: "+aws.ToString(notFound.Message))
		case errors.As(err, &invalidReq):
			// Cold storage is refused this way, too.
			r.skip(it, "AWS Backup refused the copy: "+aws.ToString(invalidReq.Message))
		case errors.As(err, &invalidParam):
			r.fail(it, err.Error(), "correct the route's destination, role or lifecycle")
		case isAccessDenied(err):
			r.fail(it, err.Error(), "allow backup:StartCopyJob and iam:PassRole on "+rt.RoleARN+" to the execution role in account "+rt.Account)
		default:
			it.startErr++
			if it.startErr >= maxStartErrors {
				r.fail(it, "starting the copy job: "+err.Error(), "")
				return nil
			}
			return err
		}
		return nil
	}
	it.res.Attempts++
	it.watch = nil
	it.state, it.res.Outcome = itemRunning, CopyInProgress
	it.res.JobID = aws.ToString(out.CopyJobId)
	it.created = aws.ToTime(out.CreationDate)
	if it.created.IsZero() {
		it.created = r.c.opts.Clock()
	}
	rt.group.running++
	r.emit(it, EventStarted, "", "", false)
	return nil
}

// isAccessDenied reports an IAM denial of the call itself.
func isAccessDenied(err error) bool {
	var code interface{ ErrorCode() string }
	if errors.As(err, &code) {
		c := code.ErrorCode()
		return c == "AccessDeniedException" || c == "AccessDenied"
	}
	return false
}

// poll lists the copy jobs of every source with running items and
// applies what changed.
func (r *copyRun) poll(ctx context.Context) (bool, error) {
	type source = jobWatch
	oldest := map[source]time.Time{}
	for _, it := range r.items {
		if it.state != itemRunning {
			continue
		}
		s := source{account: it.route.Account, region: it.route.Region}
		if it.watch != nil {
			s = *it.watch
		}
		if t, ok := oldest[s]; !ok || it.created.Before(t) {
			oldest[s] = it.created
		}
	}
	sources := make([]source, 0, len(oldest))
	for s := range oldest {
		sources = append(sources, s)
	}
	sort.Slice(sources, func(i, j int) bool {
		if sources[i].account != sources[j].account {
			return sources[i].account < sources[j].account
		}
		if sources[i].region != sources[j].region {
			return sources[i].region < sources[j].region
		}
		return sources[i].byAccount < sources[j].byAccount
	})
	found := make([]map[string]backuptypes.CopyJob, len(sources))
	err := ForEach(ctx, r.c.opts.Concurrency, indexes(len(sources)), func(ctx context.Context, i int) error {
		s := sources[i]
		api, err := r.clients.get(ctx, s.account, s.region)
		if err != nil {
			return err
		}
		in := &awsbackup.ListCopyJobsInput{ByCreatedAfter: aws.Time(oldest[s].Add(-time.Second))}
		if s.byAccount != "" {
			in.ByAccountId = aws.String(s.byAccount)
		}
		jobs, err := r.listCopyJobs(ctx, api, in)
		if err != nil {
			return fmt.Errorf("listing copy jobs of %s/%s: %w", s.account, s.region, err)
		}
		m := make(map[string]backuptypes.CopyJob, len(jobs))
		for _, j := range jobs {
			m[aws.ToString(j.CopyJobId)] = j
		}
		found[i] = m
		return nil
	})
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	// A failed listing is tried again at the next look.
	_ = err
	jobs := map[string]backuptypes.CopyJob{}
	for _, m := range found {
		for id, j := range m {
			jobs[id] = j
		}
	}
	changed := false
	for _, it := range r.items {
		if it.state != itemRunning {
			continue
		}
		j, ok := jobs[it.res.JobID]
		if !ok {
			continue
		}
		switch j.State {
		case backuptypes.CopyJobStateCompleted:
			changed = true
			it.route.group.running--
			if j.CreationDate != nil && j.CompletionDate != nil {
				if d := j.CompletionDate.Sub(*j.CreationDate); d > 0 && (r.duration == 0 || d < r.duration) {
					r.duration = d
				}
			}
			it.res.Reason = ""
			if it.watch != nil {
				// Another account's job made the copy.
				r.finish(it, CopyAlreadyCopied, true)
				continue
			}
			r.finish(it, CopyCopied, true)
		case backuptypes.CopyJobStateFailed, backuptypes.CopyJobStatePartial:
			changed = true
			it.route.group.running--
			it.failures++
			it.watch = nil
			r.copyFailed(it, aws.ToString(j.StatusMessage))
		}
	}
	return changed, nil
}

// copyFailed classifies a failed copy job by its status message (the only
// account of the failure that AWS Backup gives) and retries it, skips it
// or fails it for good.
func (r *copyRun) copyFailed(it *copyItem, msg string) {
	c := ClassifyCopyFailure(msg)
	switch {
	case c.Skip:
		r.skip(it, msg)
	case c.Permanent:
		r.fail(it, msg, c.Fix)
	case it.res.Attempts >= r.c.opts.MaxAttempts:
		r.fail(it, fmt.Sprintf("%s (after %d attempts)", msg, it.res.Attempts), c.Fix)
	default:
		it.state, it.res.Reason = itemPending, msg
		it.route.group.pending = append(it.route.group.pending, it)
		r.emit(it, EventFailed, msg, c.Fix, true)
	}
}

// CopyFailure is the classification of a failed copy job.
type CopyFailure struct {
	// Permanent failures recur until something is changed; Fix says
	// what.
	Permanent bool
	// Skip marks recovery points that cannot be copied at all (cold
	// storage, deleted).
	Skip bool
	// Fix is the remedy of a permanent failure.
	Fix string
}

// ClassifyCopyFailure classifies a copy job's status message. AWS Backup
// reports why a copy failed only in the message, so the classification
// reads it: the denials of "Troubleshooting cross-account copy" (vault
// access policy, cross-account backup not enabled, organization
// membership, KMS key not shared or AWS managed) and Vault Lock retention
// are permanent; cold storage and deleted recovery points are skips;
// anything else may pass and is retried.
func ClassifyCopyFailure(msg string) CopyFailure {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "cold storage") || strings.Contains(m, "archive tier"):
		return CopyFailure{Skip: true}
	case strings.Contains(m, "recovery point") && (strings.Contains(m, "does not exist") || strings.Contains(m, "was deleted")):
		return CopyFailure{Skip: true}
	case strings.Contains(m, "access denied") || strings.Contains(m, "accessdenied") || strings.Contains(m, "not authorized"):
		return CopyFailure{Permanent: true, Fix: "allow backup:CopyIntoBackupVault for the source account in the destination vault's access policy (orgbackup apply sets it for the organization)"}
	case strings.Contains(m, "cross-account backup is not enabled"):
		return CopyFailure{Permanent: true, Fix: "enable cross-account backup in the management account (Backup UpdateGlobalSettings isCrossAccountBackupEnabled=true)"}
	case strings.Contains(m, "same organization"):
		return CopyFailure{Permanent: true, Fix: "copy only between accounts of the same organization"}
	case strings.Contains(m, "kms key") || strings.Contains(m, "aws managed key"):
		return CopyFailure{Permanent: true, Fix: "encrypt the resource with a customer managed KMS key whose key policy lets the destination account use it"}
	case strings.Contains(m, "backup vault") && strings.Contains(m, "does not exist"):
		return CopyFailure{Permanent: true, Fix: "create the destination vault (orgbackup apply)"}
	case strings.Contains(m, "vault lock") || strings.Contains(m, "retention"):
		return CopyFailure{Permanent: true, Fix: "give the copies a retention within the destination vault's Vault Lock range"}
	}
	return CopyFailure{}
}

func (r *copyRun) skip(it *copyItem, reason string) {
	it.res.Reason = reason
	r.finish(it, CopySkipped, true)
}

func (r *copyRun) fail(it *copyItem, reason, fix string) {
	it.res.Reason, it.res.Fix = reason, fix
	r.finish(it, CopyFailed, true)
}

// finish ends an item's work; emit sends its event (not for the copies
// found complete at discovery).
func (r *copyRun) finish(it *copyItem, o CopyOutcome, emit bool) {
	it.state, it.res.Outcome = itemDone, o
	kind := EventCompleted
	switch o {
	case CopySkipped:
		kind = EventSkipped
	case CopyFailed:
		kind = EventFailed
	}
	r.mu.Lock()
	r.done++
	r.mu.Unlock()
	if emit || o == CopySkipped {
		r.emit(it, kind, it.res.Reason, it.res.Fix, false)
	}
}

func (r *copyRun) emit(it *copyItem, kind EventKind, reason, fix string, retry bool) {
	p := r.c.opts.Progress
	if p == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p(Event{
		Kind: kind, Time: r.c.opts.Clock(), Account: it.route.Account, Region: it.route.Region,
		Subject: it.res.RecoveryPointARN, Destination: it.route.DestinationVaultARN, JobID: it.res.JobID,
		Reason: reason, Fix: fix, Retry: retry, Done: r.done, Total: r.total,
	})
}

func (r *copyRun) report(start time.Time) *CopyReport {
	rep := &CopyReport{Start: start, End: r.c.opts.Clock(), DryRun: r.c.opts.DryRun, Calls: r.clients.calls()}
	rep.Results = make([]CopyResult, len(r.items))
	for i, it := range r.items {
		rep.Results[i] = it.res
		if it.state == itemPending && !r.c.opts.DryRun {
			rep.Results[i].Outcome = CopyPending
		}
	}
	return rep
}

// clientCache builds one client per account and region and counts calls.
type clientCache[T any] struct {
	src       ConfigSource
	newClient func(aws.Config) T

	mu     sync.Mutex
	m      map[Target]T
	errs   map[Target]error
	counts map[string]int
}

func newClientCache[T any](src ConfigSource, newClient func(aws.Config) T) *clientCache[T] {
	return &clientCache[T]{src: src, newClient: newClient, m: map[Target]T{}, errs: map[Target]error{}, counts: map[string]int{}}
}

func (c *clientCache[T]) get(ctx context.Context, account, region string) (T, error) {
	k := Target{account, region}
	c.mu.Lock()
	if cl, ok := c.m[k]; ok {
		c.mu.Unlock()
		return cl, nil
	}
	if err := c.errs[k]; err != nil {
		c.mu.Unlock()
		var zero T
		return zero, err
	}
	c.mu.Unlock()
	cfg, err := c.src.Config(ctx, account, region)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			c.errs[k] = err
		}
		var zero T
		return zero, err
	}
	if cl, ok := c.m[k]; ok {
		return cl, nil
	}
	cl := c.newClient(cfg)
	c.m[k] = cl
	return cl, nil
}

func (c *clientCache[T]) count(op string) {
	c.mu.Lock()
	c.counts[op]++
	c.mu.Unlock()
}

func (c *clientCache[T]) calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}
