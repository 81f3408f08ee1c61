package recovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/spec"
)

// Pick modes: how a drill chooses the resources of each tier.
const (
	// PickAll restores every protected resource.
	PickAll = "all"
	// PickCount restores the first N resources of each tier, by ARN.
	PickCount = "count"
	// PickSample restores N resources of each tier chosen by a seed.
	PickSample = "sample"
)

// DrillOptions configure Drill.
type DrillOptions struct {
	// Tiers are the tiers drilled. Default: every tier.
	Tiers []string
	// Pick is PickAll (default), PickCount or PickSample; N is how many
	// per tier for the latter two, Seed the sample's seed.
	Pick string
	N    int
	Seed string
	// Concurrency bounds the restores in flight across the organization;
	// PerAccount those in one account (0: no bound of its own). Default
	// Concurrency 10.
	Concurrency, PerAccount int
	// Validate, if set, checks a restored resource after the built-in
	// checks; an error fails the resource's drill.
	Validate func(ctx context.Context, r DrillResult) error
	// Cleanup deletes a restored resource. AWS Backup has no API that
	// deletes what a restore created, and each service deletes its own
	// (DeleteDBInstance, DeleteFileSystem...); nil leaves restored
	// resources in place and says so in the evidence.
	Cleanup func(ctx context.Context, r DrillResult) error
	// Now, Sleep and PollInterval are as in Options (default 30s).
	Now          func() time.Time
	Sleep        func(ctx context.Context, d time.Duration) error
	PollInterval time.Duration
	// Metadata overrides restore metadata per resource type.
	Metadata map[string]map[string]string
	// Progress, if set, is called when a resource's drill ends.
	Progress func(r DrillResult)
}

// Drill outcomes of a resource.
const (
	DrillPassed = "passed"
	DrillFailed = "failed"
)

// DrillResult is the drill of one resource: the evidence.
type DrillResult struct {
	Tier         string `json:"tier"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	ResourceType string `json:"resource_type"`
	Source       string `json:"source"`
	// RecoveryPoint is the recovery point restored; JobID the restore
	// job; Restored the restored resource's ARN.
	RecoveryPoint string `json:"recovery_point,omitempty"`
	JobID         string `json:"restore_job_id,omitempty"`
	Restored      string `json:"restored,omitempty"`
	// Started is when the restore was started, Completed when AWS Backup
	// completed it, Validated when the checks passed.
	Started   time.Time  `json:"started"`
	Completed *time.Time `json:"completed,omitempty"`
	Validated *time.Time `json:"validated,omitempty"`
	// RestoreDuration is the restore job's own duration (creation to
	// completion, as AWS Backup reports them); RTO is start to validated.
	RestoreDuration time.Duration `json:"restore_duration_ns"`
	RTO             time.Duration `json:"rto_ns"`
	// Objective is the tier's RTO; 0 when it has none.
	Objective time.Duration `json:"objective_ns"`
	Outcome   string        `json:"outcome"`
	Error     string        `json:"error,omitempty"`
	// CleanedUp says whether the restored resource was deleted;
	// CleanupError why not.
	CleanedUp    bool   `json:"cleaned_up"`
	CleanupError string `json:"cleanup_error,omitempty"`
}

// DrillReport is the evidence of a drill.
type DrillReport struct {
	Spec     string        `json:"spec"`
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	// Concurrency and PerAccount are the limits the drill ran within.
	Concurrency int `json:"concurrency"`
	PerAccount  int `json:"per_account,omitempty"`
	// Ideal is the shortest the drill could have taken: the restores'
	// own durations scheduled in the drill's order on the concurrency
	// limits, with no time lost between one restore's end and the next's
	// start (IdealMakespan). LowerBound is max(longest restore, total
	// restore time / concurrency).
	Ideal      time.Duration `json:"ideal_ns"`
	LowerBound time.Duration `json:"lower_bound_ns"`
	Results    []DrillResult `json:"results"`
	Tiers      []TierRTO     `json:"tiers"`
}

// TierRTO summarises a tier's drill.
type TierRTO struct {
	Tier      string `json:"tier"`
	Resources int    `json:"resources"`
	Passed    int    `json:"passed"`
	Failed    int    `json:"failed"`
	// P50, P95 and Max are of the passed resources' RTO.
	P50       time.Duration `json:"p50_ns"`
	P95       time.Duration `json:"p95_ns"`
	Max       time.Duration `json:"max_ns"`
	Objective time.Duration `json:"objective_ns"`
	// Met is false when a resource failed or the max is over the
	// objective.
	Met bool `json:"met"`
}

// drillTarget is a resource to drill.
type drillTarget struct {
	tier, account, region, typ, source string
	objective                          time.Duration
}

// Drill restores the chosen resources of the tiers' accounts from their
// local vaults, concurrently within the limits, validates each, cleans up,
// and returns the evidence. tierAccounts maps each tier to its accounts
// (spec.Spec.TierAccounts). A resource that fails is recorded with its
// cause; the error is only for a drill that could not run.
func Drill(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, tierAccounts map[string][]string, optFns ...func(*DrillOptions)) (*DrillReport, error) {
	o := DrillOptions{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 10
	}
	if o.Pick == "" {
		o.Pick = PickAll
	}
	if !slices.Contains([]string{PickAll, PickCount, PickSample}, o.Pick) {
		return nil, fmt.Errorf("unknown pick %q: use all, count or sample", o.Pick)
	}
	if o.Pick != PickAll && o.N <= 0 {
		return nil, fmt.Errorf("pick %s needs a number of resources per tier", o.Pick)
	}
	d := &driller{sp: sp, src: src, o: o, clients: map[[2]string]*awsbackup.Client{}}
	targets, err := d.targets(ctx, tierAccounts)
	if err != nil {
		return nil, err
	}
	rep := &DrillReport{Spec: sp.Name, Started: o.Now(), Concurrency: o.Concurrency, PerAccount: o.PerAccount}
	rep.Results = d.run(ctx, targets)
	rep.Finished = o.Now()
	rep.Elapsed = rep.Finished.Sub(rep.Started)
	var durations []time.Duration
	var accounts []string
	for _, r := range rep.Results {
		if r.Completed != nil {
			durations = append(durations, r.RestoreDuration)
			accounts = append(accounts, r.Account)
		}
	}
	rep.Ideal = IdealMakespan(durations, accounts, o.Concurrency, o.PerAccount)
	rep.LowerBound = LowerBound(durations, o.Concurrency)
	rep.Tiers = summarize(rep.Results)
	return rep, ctx.Err()
}

type driller struct {
	sp      *spec.Spec
	src     crossaccount.ConfigSource
	o       DrillOptions
	mu      sync.Mutex
	clients map[[2]string]*awsbackup.Client
}

func (d *driller) api(ctx context.Context, account, region string) (*awsbackup.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := [2]string{account, region}
	if c := d.clients[k]; c != nil {
		return c, nil
	}
	cfg, err := d.src.Config(ctx, account, region)
	if err != nil {
		return nil, fmt.Errorf("getting credentials for %s in %s: %w", account, region, err)
	}
	c := awsbackup.NewFromConfig(cfg)
	d.clients[k] = c
	return c, nil
}

// targets lists the resources to drill, tier by tier, in a fixed order:
// by tier, then accounts interleaved (one resource of each account in
// turn), so that the first restores spread over the organization.
func (d *driller) targets(ctx context.Context, tierAccounts map[string][]string) ([]drillTarget, error) {
	var out []drillTarget
	for _, tier := range slices.Sorted(maps.Keys(tierAccounts)) {
		if len(d.o.Tiers) > 0 && !slices.Contains(d.o.Tiers, tier) {
			continue
		}
		t, err := d.sp.Tier(tier)
		if err != nil {
			return nil, err
		}
		type found struct{ account, region, typ, arn string }
		var all []found
		var mu sync.Mutex
		err = crossaccount.ForEach(ctx, 16, tierAccounts[tier], func(ctx context.Context, account string) error {
			for _, region := range d.sp.WorkloadRegions() {
				api, err := d.api(ctx, account, region)
				if err != nil {
					return err
				}
				pg := awsbackup.NewListProtectedResourcesByBackupVaultPaginator(api, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String(d.sp.Local.Vault)})
				for pg.HasMorePages() {
					page, err := pg.NextPage(ctx)
					var nf *backuptypes.ResourceNotFoundException
					if errors.As(err, &nf) {
						break
					}
					if err != nil {
						return fmt.Errorf("listing protected resources of %s in %s: %w", account, region, err)
					}
					mu.Lock()
					for _, r := range page.Results {
						all = append(all, found{account, region, aws.ToString(r.ResourceType), aws.ToString(r.ResourceArn)})
					}
					mu.Unlock()
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Slice(all, func(i, j int) bool { return all[i].arn < all[j].arn })
		arns := make([]string, len(all))
		for i, f := range all {
			arns[i] = f.arn
		}
		switch d.o.Pick {
		case PickCount:
			arns = arns[:min(d.o.N, len(arns))]
		case PickSample:
			arns = restoretesting.Sample(arns, d.o.N, d.o.Seed+"/"+tier)
		}
		keep := map[string]bool{}
		for _, a := range arns {
			keep[a] = true
		}
		byAccount := map[string][]drillTarget{}
		for _, f := range all {
			if keep[f.arn] {
				byAccount[f.account] = append(byAccount[f.account], drillTarget{tier: tier, account: f.account, region: f.region, typ: f.typ, source: f.arn, objective: t.RTO})
			}
		}
		accounts := slices.Sorted(maps.Keys(byAccount))
		for i := 0; ; i++ {
			added := false
			for _, a := range accounts {
				if i < len(byAccount[a]) {
					out = append(out, byAccount[a][i])
					added = true
				}
			}
			if !added {
				break
			}
		}
	}
	return out, nil
}

// inflight is a restore being drilled.
type inflight struct {
	i   int
	api *awsbackup.Client
}

// run drills targets: starts restores while the limits allow, polls the
// running ones once per interval, and finishes each as it completes.
func (d *driller) run(ctx context.Context, targets []drillTarget) []DrillResult {
	results := make([]DrillResult, len(targets))
	for i, t := range targets {
		results[i] = DrillResult{Tier: t.tier, Account: t.account, Region: t.region, ResourceType: t.typ, Source: t.source, Objective: t.objective}
	}
	next := 0
	running := map[string]inflight{} // by job ID
	perAccount := map[string]int{}
	var waiting []int // targets held back by PerAccount
	fail := func(i int, err error) {
		results[i].Outcome, results[i].Error = DrillFailed, err.Error()
		if d.o.Progress != nil {
			d.o.Progress(results[i])
		}
	}
	for ctx.Err() == nil {
		// Start what the limits allow, in order.
		var still []int
		queue := append(waiting, seq(next, len(targets))...)
		next = len(targets)
		for _, i := range queue {
			t := targets[i]
			if len(running) >= d.o.Concurrency || (d.o.PerAccount > 0 && perAccount[t.account] >= d.o.PerAccount) {
				still = append(still, i)
				continue
			}
			id, api, err := d.start(ctx, i, t, &results[i])
			if err != nil {
				fail(i, err)
				continue
			}
			running[id] = inflight{i: i, api: api}
			perAccount[t.account]++
		}
		waiting = still
		if len(running) == 0 && len(waiting) == 0 {
			break
		}
		if err := d.o.Sleep(ctx, d.o.PollInterval); err != nil {
			break
		}
		done := d.poll(ctx, running, results)
		for _, id := range done {
			f := running[id]
			delete(running, id)
			perAccount[targets[f.i].account]--
			if results[f.i].Outcome == DrillFailed {
				if d.o.Progress != nil {
					d.o.Progress(results[f.i])
				}
				continue
			}
			d.finish(ctx, &results[f.i])
			if d.o.Progress != nil {
				d.o.Progress(results[f.i])
			}
		}
	}
	for _, f := range running {
		if results[f.i].Outcome == "" {
			results[f.i].Outcome, results[f.i].Error = DrillFailed, "the drill was stopped before the restore completed: "+ctx.Err().Error()
		}
	}
	return results
}

func seq(from, to int) []int {
	out := make([]int, 0, max(0, to-from))
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// start starts the restore of t, filling r; it returns the job ID.
func (d *driller) start(ctx context.Context, i int, t drillTarget, r *DrillResult) (string, *awsbackup.Client, error) {
	api, err := d.api(ctx, t.account, t.region)
	if err != nil {
		return "", nil, err
	}
	rs := &Restorer{sp: d.sp, src: d.src, opts: Options{Metadata: d.o.Metadata}}
	at := location{account: t.account, region: t.region, vault: d.sp.Local.Vault}
	rp, err := rs.recoveryPoint(ctx, api, at, t.source, "")
	if err != nil {
		return "", nil, err
	}
	r.RecoveryPoint = aws.ToString(rp.RecoveryPointArn)
	r.Started = d.o.Now()
	name := "drill-" + strconv.Itoa(i) + "-" + restoredName(t.source, r.Started)
	if len(name) > 63 {
		name = name[:63]
	}
	md, err := rs.metadata(ctx, api, at, r.RecoveryPoint, t.typ, name, nil)
	if err != nil {
		return "", nil, err
	}
	out, err := api.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{
		RecoveryPointArn: rp.RecoveryPointArn, IamRoleArn: aws.String(policy.NewRoleARN(t.account, d.sp.Local.BackupRole)),
		Metadata: md, ResourceType: aws.String(t.typ),
	})
	if err != nil {
		return "", nil, fmt.Errorf("starting the restore of %s: %w", r.RecoveryPoint, err)
	}
	r.JobID = aws.ToString(out.RestoreJobId)
	return r.JobID, api, nil
}

// poll reads the running jobs and returns those that ended, recording
// their state.
func (d *driller) poll(ctx context.Context, running map[string]inflight, results []DrillResult) []string {
	ids := slices.Sorted(maps.Keys(running))
	ended := make([]bool, len(ids))
	_ = crossaccount.ForEach(ctx, 16, seq(0, len(ids)), func(ctx context.Context, k int) error {
		f := running[ids[k]]
		r := &results[f.i]
		j, err := f.api.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(ids[k])})
		if err != nil {
			return nil // read again at the next poll
		}
		switch j.Status {
		case backuptypes.RestoreJobStatusCompleted:
			r.Restored = aws.ToString(j.CreatedResourceArn)
			done := aws.ToTime(j.CompletionDate)
			r.Completed = &done
			r.RestoreDuration = done.Sub(aws.ToTime(j.CreationDate))
			ended[k] = true
		case backuptypes.RestoreJobStatusFailed, backuptypes.RestoreJobStatusAborted:
			r.Outcome, r.Error = DrillFailed, (&JobError{JobID: ids[k], Status: string(j.Status), Message: aws.ToString(j.StatusMessage)}).Error()
			ended[k] = true
		}
		return nil
	})
	var out []string
	for k, id := range ids {
		if ended[k] {
			out = append(out, id)
		}
	}
	return out
}

// finish validates a completed restore, cleans it up and records its RTO.
func (d *driller) finish(ctx context.Context, r *DrillResult) {
	err := validateRestored(*r)
	if err == nil && d.o.Validate != nil {
		err = d.o.Validate(ctx, *r)
	}
	if err != nil {
		r.Outcome, r.Error = DrillFailed, "validation: "+err.Error()
	} else {
		now := d.o.Now()
		r.Validated = &now
		r.RTO = now.Sub(r.Started)
		r.Outcome = DrillPassed
	}
	if d.o.Cleanup == nil {
		r.CleanupError = "no cleanup configured: delete " + r.Restored + " by hand"
		return
	}
	if err := d.o.Cleanup(ctx, *r); err != nil {
		r.CleanupError = err.Error()
		return
	}
	r.CleanedUp = true
}

// validateRestored is the built-in check: the restore created a resource
// of the recovery point's type, in the account and Region restored into.
func validateRestored(r DrillResult) error {
	if r.Restored == "" {
		return errors.New("the restore job completed without a created resource")
	}
	if got := backupType(r.Restored); got != r.ResourceType {
		return fmt.Errorf("restored %s is a %s, want a %s", r.Restored, orNone(got), r.ResourceType)
	}
	if _, region, account, _, _ := splitARN(r.Restored); (account != "" && account != r.Account) || (region != "" && region != r.Region) {
		return fmt.Errorf("restored %s is outside %s/%s", r.Restored, r.Account, r.Region)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "resource of no known type"
	}
	return s
}

// IdealMakespan is the time restores of the given durations take when
// started in order, each as soon as the concurrency limits (total, and
// per account of accounts[i] when perAccount > 0) allow, with no time
// lost between them: the ideal a drill's elapsed time is held against.
func IdealMakespan(durations []time.Duration, accounts []string, concurrency, perAccount int) time.Duration {
	type slot struct {
		end     time.Duration
		account string
	}
	var active []slot
	now, makespan := time.Duration(0), time.Duration(0)
	count := map[string]int{}
	retire := func(until time.Duration) {
		kept := active[:0]
		for _, s := range active {
			if s.end <= until {
				count[s.account]--
			} else {
				kept = append(kept, s)
			}
		}
		active = kept
	}
	for i, d := range durations {
		acct := ""
		if i < len(accounts) {
			acct = accounts[i]
		}
		for len(active) >= concurrency || (perAccount > 0 && count[acct] >= perAccount) {
			// Advance to the next end among the slots blocking this start.
			next := time.Duration(-1)
			for _, s := range active {
				if (len(active) >= concurrency || s.account == acct) && (next < 0 || s.end < next) {
					next = s.end
				}
			}
			now = max(now, next)
			retire(now)
		}
		active = append(active, slot{now + d, acct})
		count[acct]++
		makespan = max(makespan, now+d)
	}
	return makespan
}

// LowerBound is max(longest duration, sum of durations / concurrency):
// no schedule on concurrency slots is shorter.
func LowerBound(durations []time.Duration, concurrency int) time.Duration {
	var sum, longest time.Duration
	for _, d := range durations {
		sum += d
		longest = max(longest, d)
	}
	if concurrency <= 0 {
		concurrency = 1
	}
	return max(longest, sum/time.Duration(concurrency))
}

// summarize computes each tier's RTO percentiles and verdict.
func summarize(results []DrillResult) []TierRTO {
	byTier := map[string]*TierRTO{}
	rtos := map[string][]time.Duration{}
	for _, r := range results {
		t := byTier[r.Tier]
		if t == nil {
			t = &TierRTO{Tier: r.Tier, Objective: r.Objective}
			byTier[r.Tier] = t
		}
		t.Resources++
		if r.Outcome == DrillPassed {
			t.Passed++
			rtos[r.Tier] = append(rtos[r.Tier], r.RTO)
		} else {
			t.Failed++
		}
	}
	var out []TierRTO
	for _, name := range slices.Sorted(maps.Keys(byTier)) {
		t := byTier[name]
		t.P50, t.P95, t.Max = Percentiles(rtos[name])
		t.Met = t.Failed == 0 && t.Passed > 0 && (t.Objective == 0 || t.Max <= t.Objective)
		out = append(out, *t)
	}
	return out
}

// Percentiles returns the 50th and 95th percentiles (nearest rank) and the
// maximum of ds.
func Percentiles(ds []time.Duration) (p50, p95, maxD time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p int) time.Duration {
		k := (p*len(s) + 99) / 100
		return s[max(0, k-1)]
	}
	return rank(50), rank(95), s[len(s)-1]
}

// Failed returns the results that failed, for people: "SOURCE: ERROR".
func (r *DrillReport) Failed() []string {
	var out []string
	for _, x := range r.Results {
		if x.Outcome != DrillPassed {
			out = append(out, x.Source+": "+strings.TrimSpace(x.Error))
		}
	}
	return out
}
