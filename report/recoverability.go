package report

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/spec"
)

// Recoverability is whether the tiers' backups are proven restorable: per
// tier, the restore tests AWS Backup ran from the tier's restore testing
// plans, their measured restore times against the tier's RTO, and their
// failures with cause and fix.
type Recoverability struct {
	// Compliant is false when a tier that tests restores is not
	// compliant (see TierRecoverability.Compliant).
	Compliant bool                 `json:"compliant"`
	Tiers     []TierRecoverability `json:"tiers"`
}

// TierRecoverability is one tier's restore evidence.
type TierRecoverability struct {
	Tier string `json:"tier"`
	// Tested is false for a tier without restore testing: nothing proves
	// its RTO, which is reported as a warning.
	Tested bool `json:"tested"`
	// Objective is the tier's RTO (0: none); Period the longest the
	// restore testing schedule leaves between two runs, plus AWS's start
	// window.
	Objective time.Duration `json:"objective_ns"`
	Period    time.Duration `json:"period_ns"`
	// Types are the resource types tested, with their evidence.
	Types []TypeRecoverability `json:"types"`
	// Failures are the failed restore tests of the evidence window.
	Failures []RestoreFailure `json:"failures,omitempty"`
	// Compliant is false when, for an account, Region and type the tier
	// protects, the newest restore test failed or is older than Period,
	// there is no restore testing plan, or none has run in the Period
	// since the plan was created; when the measured RTO exceeds the
	// objective; or when an account could not be read. Reasons say which.
	Compliant bool     `json:"compliant"`
	Reasons   []string `json:"reasons,omitempty"`
}

// TypeRecoverability is the evidence of one resource type of a tier.
type TypeRecoverability struct {
	ResourceType string `json:"resource_type"`
	// LastSuccess is the completion of the newest successful restore test.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	Tests       int        `json:"tests"`
	Failed      int        `json:"failed"`
	// P50, P95 and Max are of the successful tests' restore times
	// (creation to completion of the restore job).
	P50 time.Duration `json:"p50_ns"`
	P95 time.Duration `json:"p95_ns"`
	Max time.Duration `json:"max_ns"`
}

// RestoreFailure is a failed restore test with what to do about it.
type RestoreFailure struct {
	Account      string    `json:"account"`
	Region       string    `json:"region"`
	ResourceType string    `json:"resource_type"`
	JobID        string    `json:"restore_job_id"`
	At           time.Time `json:"at"`
	Cause        string    `json:"cause"`
	Fix          string    `json:"fix"`
}

// RestoreEvidence is what CollectRestores read: per tier, account and
// Region, the restore testing jobs and the types protected there.
type RestoreEvidence struct {
	// Jobs are restore jobs started by the tiers' restore testing plans.
	Jobs []RestoreJob
	// Protected are the resource types with recovery points in the local
	// vault, by tier, then "ACCOUNT/REGION".
	Protected map[string]map[string][]string
	// Unreadable are the "ACCOUNT/REGION" that could not be read, with
	// why, by tier.
	Unreadable map[string]map[string]string
	// PlanCreated is when the tier's restore testing plan was created in
	// each "ACCOUNT/REGION" (absent: no plan), by tier.
	PlanCreated map[string]map[string]time.Time
}

// RestoreJob is one restore testing job.
type RestoreJob struct {
	Tier, Account, Region, ResourceType, JobID string
	Status, Message                            string
	Created                                    time.Time
	Completed                                  *time.Time
}

// CollectRestores reads the restore tests of every tier with restore
// testing, in each of its accounts (tierAccounts, spec.Spec.TierAccounts)
// and workload Regions, through src.
func CollectRestores(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, tierAccounts map[string][]string) (*RestoreEvidence, error) {
	ev := &RestoreEvidence{Protected: map[string]map[string][]string{}, Unreadable: map[string]map[string]string{}, PlanCreated: map[string]map[string]time.Time{}}
	var mu sync.Mutex
	for _, tier := range slices.Sorted(maps.Keys(tierAccounts)) {
		t, err := sp.Tier(tier)
		if err != nil {
			return nil, err
		}
		if t.RestoreTesting == nil {
			continue
		}
		ev.Protected[tier], ev.Unreadable[tier], ev.PlanCreated[tier] = map[string][]string{}, map[string]string{}, map[string]time.Time{}
		planARNPart := ":restore-testing-plan:" + restoretesting.PlanName(tier) + "-"
		err = crossaccount.ForEach(ctx, 16, tierAccounts[tier], func(ctx context.Context, account string) error {
			for _, region := range sp.WorkloadRegions() {
				where := account + "/" + region
				jobs, types, created, err := readRestores(ctx, src, account, region, sp.Local.Vault, restoretesting.PlanName(tier), planARNPart)
				mu.Lock()
				if err != nil {
					ev.Unreadable[tier][where] = err.Error()
				} else {
					ev.Protected[tier][where] = types
					if !created.IsZero() {
						ev.PlanCreated[tier][where] = created
					}
					for _, j := range jobs {
						j.Tier = tier
						ev.Jobs = append(ev.Jobs, j)
					}
				}
				mu.Unlock()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(ev.Jobs, func(i, j int) bool {
		a, b := ev.Jobs[i], ev.Jobs[j]
		if !a.Created.Equal(b.Created) {
			return a.Created.Before(b.Created)
		}
		return a.JobID < b.JobID
	})
	return ev, nil
}

// readRestores reads one account and Region: its restore testing jobs of
// the plan whose ARN contains planARNPart, the types of its local vault's
// protected resources, and when the plan was created (zero: no plan).
func readRestores(ctx context.Context, src crossaccount.ConfigSource, account, region, vault, planName, planARNPart string) ([]RestoreJob, []string, time.Time, error) {
	cfg, err := src.Config(ctx, account, region)
	if err != nil {
		return nil, nil, time.Time{}, fmt.Errorf("getting credentials: %w", err)
	}
	api := awsbackup.NewFromConfig(cfg)
	var created time.Time
	plan, err := api.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(planName)})
	var nf *backuptypes.ResourceNotFoundException
	switch {
	case err == nil && plan.RestoreTestingPlan != nil:
		created = aws.ToTime(plan.RestoreTestingPlan.CreationTime)
	case err != nil && !errors.As(err, &nf):
		return nil, nil, time.Time{}, fmt.Errorf("reading restore testing plan %s: %w", planName, err)
	}
	var jobs []RestoreJob
	pg := awsbackup.NewListRestoreJobsPaginator(api, &awsbackup.ListRestoreJobsInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, nil, time.Time{}, fmt.Errorf("listing restore jobs: %w", err)
		}
		for _, j := range page.RestoreJobs {
			if j.CreatedBy == nil || !strings.Contains(aws.ToString(j.CreatedBy.RestoreTestingPlanArn), planARNPart) {
				continue
			}
			jobs = append(jobs, RestoreJob{
				Account: account, Region: region, ResourceType: aws.ToString(j.ResourceType), JobID: aws.ToString(j.RestoreJobId),
				Status: string(j.Status), Message: aws.ToString(j.StatusMessage), Created: aws.ToTime(j.CreationDate), Completed: j.CompletionDate,
			})
		}
	}
	var types []string
	pp := awsbackup.NewListProtectedResourcesByBackupVaultPaginator(api, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String(vault)})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if errors.As(err, &nf) {
			break
		}
		if err != nil {
			return nil, nil, time.Time{}, fmt.Errorf("listing protected resources of vault %s: %w", vault, err)
		}
		for _, r := range page.Results {
			types = append(types, aws.ToString(r.ResourceType))
		}
	}
	slices.Sort(types)
	return jobs, slices.Compact(types), created, nil
}

// restoreStartWindow is how long after its scheduled time AWS Backup may
// start a restore test: StartWindowHours "Defaults to 24 hours"
// (RestoreTestingPlanForCreate, AWS Backup API Reference); orgbackup's
// plans keep the default.
const restoreStartWindow = 24 * time.Hour

// EvaluateRecoverability judges the evidence against each tier's restore
// testing and RTO at now. It fails closed: an account that could not be
// read, or a protected type with no recent successful test, makes the
// tier not compliant.
func EvaluateRecoverability(sp *spec.Spec, ev *RestoreEvidence, now time.Time) (*Recoverability, error) {
	rec := &Recoverability{Compliant: true}
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			return nil, err
		}
		tr := TierRecoverability{Tier: name, Objective: t.RTO, Compliant: true}
		rt := t.RestoreTesting
		if rt == nil {
			tr.Reasons = []string{"the tier does not test restores (restore_testing): nothing measures its RTO"}
			rec.Tiers = append(rec.Tiers, tr)
			continue
		}
		tr.Tested = true
		period, err := rt.Period(now)
		if err != nil {
			return nil, err
		}
		tr.Period = period + restoreStartWindow
		fail := func(format string, args ...any) {
			tr.Compliant = false
			tr.Reasons = append(tr.Reasons, fmt.Sprintf(format, args...))
		}
		for _, where := range slices.Sorted(maps.Keys(ev.Unreadable[name])) {
			fail("%s could not be read, so its restore tests are not proven: %s", where, ev.Unreadable[name][where])
		}
		byType := map[string][]RestoreJob{}
		byWhereType := map[string][]RestoreJob{}
		for _, j := range ev.Jobs {
			if j.Tier != name {
				continue
			}
			byType[j.ResourceType] = append(byType[j.ResourceType], j)
			k := j.Account + "/" + j.Region + "|" + j.ResourceType
			byWhereType[k] = append(byWhereType[k], j)
		}
		// Every account, Region and tested type the tier protects: its
		// newest finished test succeeded, within the period.
		for _, where := range slices.Sorted(maps.Keys(ev.Protected[name])) {
			for _, typ := range ev.Protected[name][where] {
				if !slices.Contains(rt.ResourceTypes, typ) {
					continue
				}
				jobs := byWhereType[where+"|"+typ]
				var last *RestoreJob
				for i := len(jobs) - 1; i >= 0; i-- {
					if jobs[i].Status == string(backuptypes.RestoreJobStatusCompleted) || jobs[i].Status == string(backuptypes.RestoreJobStatusFailed) || jobs[i].Status == string(backuptypes.RestoreJobStatusAborted) {
						last = &jobs[i]
						break
					}
				}
				created, planned := ev.PlanCreated[name][where]
				switch {
				case last == nil && !planned:
					fail("%s %s: there is no restore testing plan %s: run orgbackup plan and apply", where, typ, restoretesting.PlanName(name))
				case last == nil && now.Sub(created) > tr.Period:
					fail("%s %s: no restore test has run in the %s since the restore testing plan was created", where, typ, FormatDuration(now.Sub(created)))
				case last == nil:
					// The first test is not due yet.
				case last.Status != string(backuptypes.RestoreJobStatusCompleted):
					cause, fix := restoreFix(sp, last.Account, last.Message)
					fail("%s %s: the last restore test (%s, %s) %s: %s; fix: %s", where, typ, last.JobID, last.Created.UTC().Format(time.RFC3339), strings.ToLower(last.Status), cause, fix)
				case now.Sub(*last.Completed) > tr.Period:
					fail("%s %s: the last successful restore test was %s ago, longer than the restore testing period %s", where, typ, FormatDuration(now.Sub(*last.Completed)), FormatDuration(tr.Period))
				}
			}
		}
		for _, typ := range slices.Sorted(maps.Keys(byType)) {
			ty := TypeRecoverability{ResourceType: typ}
			var ds []time.Duration
			for _, j := range byType[typ] {
				switch j.Status {
				case string(backuptypes.RestoreJobStatusCompleted):
					ty.Tests++
					ds = append(ds, j.Completed.Sub(j.Created))
					if ty.LastSuccess == nil || j.Completed.After(*ty.LastSuccess) {
						c := *j.Completed
						ty.LastSuccess = &c
					}
				case string(backuptypes.RestoreJobStatusFailed), string(backuptypes.RestoreJobStatusAborted):
					ty.Tests++
					ty.Failed++
					cause, fix := restoreFix(sp, j.Account, j.Message)
					tr.Failures = append(tr.Failures, RestoreFailure{Account: j.Account, Region: j.Region, ResourceType: typ, JobID: j.JobID, At: j.Created, Cause: cause, Fix: fix})
				}
			}
			ty.P50, ty.P95, ty.Max = percentiles(ds)
			if t.RTO > 0 && ty.Max > t.RTO {
				fail("%s: measured restore time %s (p95 %s) is over the RTO objective %s", typ, FormatDuration(ty.Max), FormatDuration(ty.P95), FormatDuration(t.RTO))
			}
			tr.Types = append(tr.Types, ty)
		}
		if !tr.Compliant {
			rec.Compliant = false
		}
		rec.Tiers = append(rec.Tiers, tr)
	}
	return rec, nil
}

// percentiles returns the nearest-rank 50th and 95th percentiles and the
// maximum of ds.
func percentiles(ds []time.Duration) (p50, p95, maxD time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p int) time.Duration { return s[max(0, (p*len(s)+99)/100-1)] }
	return rank(50), rank(95), s[len(s)-1]
}

// restoreFix names the cause of a failed restore and what fixes it, from
// AWS Backup's status message.
func restoreFix(sp *spec.Spec, account, msg string) (cause, fix string) {
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "role") && strings.Contains(lower, "cannot be assumed"):
		return "the restore role cannot be assumed by AWS Backup in " + account + " (" + msg + ")",
			fmt.Sprintf("recreate the backup role %s in account %s: orgbackup plan, then orgbackup apply", sp.Local.BackupRole, account)
	case strings.Contains(lower, "kms"):
		return "the recovery point's KMS key cannot be used by " + account + " (" + msg + ")",
			"let account " + account + " use the key (key policy or grant), or restore from a vault whose key it can use"
	case strings.Contains(lower, "already exist"):
		return "the restore's target already exists (" + msg + ")",
			"override the target name in restore_testing.metadata so restores create new resources"
	}
	if msg == "" {
		msg = "no status message"
	}
	return msg, "read the restore job in the AWS Backup console of account " + account + " and rerun the test"
}

// AddRecoverability records rec in the report: a tier that is not
// compliant becomes a failed finding (so the verdict is not protected),
// an untested tier a warning.
func (r *Report) AddRecoverability(rec *Recoverability) {
	r.Recoverability = rec
	for _, t := range rec.Tiers {
		switch {
		case !t.Tested:
			r.Findings = append(r.Findings, Finding{Severity: SeverityWarn, Code: "restore-untested", Subject: "tier " + t.Tier, Message: strings.Join(t.Reasons, "; ")})
		case !t.Compliant:
			for _, reason := range t.Reasons {
				r.Findings = append(r.Findings, Finding{Severity: SeverityFail, Code: "restore-not-proven", Subject: "tier " + t.Tier, Message: reason})
			}
		}
	}
	// Failures first, as Findings are kept.
	sort.SliceStable(r.Findings, func(i, j int) bool {
		return r.Findings[i].Severity == SeverityFail && r.Findings[j].Severity != SeverityFail
	})
	r.Verdict = verdict(r)
}

// recoverabilityMarkdown renders the recoverability section, "" without
// one.
func recoverabilityMarkdown(rec *Recoverability) string {
	if rec == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Recoverability\n\n| tier | type | last successful restore test | tests | failed | RTO p50 / p95 / max | objective | compliant |\n|---|---|---|---|---|---|---|---|\n")
	for _, t := range rec.Tiers {
		ok := "✅"
		if !t.Compliant {
			ok = "❌"
		}
		obj := "none"
		if t.Objective > 0 {
			obj = FormatDuration(t.Objective)
		}
		if !t.Tested {
			fmt.Fprintf(&b, "| %s | - | not tested | 0 | 0 | - | %s | ⚠️ |\n", md(t.Tier), obj)
			continue
		}
		if len(t.Types) == 0 {
			fmt.Fprintf(&b, "| %s | - | none yet | 0 | 0 | - | %s | %s |\n", md(t.Tier), obj, ok)
		}
		for _, ty := range t.Types {
			last := "never"
			if ty.LastSuccess != nil {
				last = ty.LastSuccess.UTC().Format("2006-01-02 15:04")
			}
			rto := "-"
			if ty.Tests > ty.Failed {
				rto = FormatDuration(ty.P50) + " / " + FormatDuration(ty.P95) + " / " + FormatDuration(ty.Max)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %s | %s | %s |\n", md(t.Tier), ty.ResourceType, last, ty.Tests, ty.Failed, rto, obj, ok)
		}
	}
	b.WriteString("\n")
	for _, t := range rec.Tiers {
		for _, f := range t.Failures {
			fmt.Fprintf(&b, "- ❌ %s %s/%s %s restore test %s at %s: %s\n  - fix: %s\n", md(t.Tier), f.Account, f.Region, f.ResourceType, f.JobID, f.At.UTC().Format("2006-01-02 15:04"), md(f.Cause), md(f.Fix))
		}
	}
	return b.String()
}
