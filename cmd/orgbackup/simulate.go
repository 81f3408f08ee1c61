package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

// Defaults of the simulate command.
const (
	defaultSimDays          = 14
	defaultSimResources     = 3
	defaultSimUntagged      = 3
	defaultSimOut           = "orgbackup-report"
	simReportName           = "orgbackup-report"
	maxSimDays              = 366
	maxSimResourcesPerAcct  = 1000
	simResourceSizeBytes    = 8 << 30
	simResourceSizeStepByte = 1 << 30
)

// simResourceTypes are the sample resources' types, in the order they are
// handed out: every type a tier can select that the emulator knows.
var simResourceTypes = []emulator.ResourceType{
	emulator.EC2Instance, emulator.EBSVolume, emulator.RDSInstance, emulator.AuroraCluster, emulator.EFSFileSystem, emulator.DynamoDBTable, emulator.S3Bucket,
}

// simAWSManagedKeys are the AWS managed keys that encrypt the sample
// resources of tiers that keep no central copy, by type: backups of the
// types AWS Backup does not fully manage keep their source's key, and an
// AWS managed key cannot leave its account, so the tiers that copy to the
// central account get unencrypted samples instead ("Encryption for backups
// in AWS Backup").
var simAWSManagedKeys = map[emulator.ResourceType]string{
	emulator.EC2Instance:   "alias/aws/ebs",
	emulator.EBSVolume:     "alias/aws/ebs",
	emulator.RDSInstance:   "alias/aws/rds",
	emulator.AuroraCluster: "alias/aws/rds",
}

// simOptions configure simulate.
type simOptions struct {
	// Days of virtual time after the apply.
	Days int
	// ResourcesPerAccount are the tagged sample resources created in
	// every workload account and workload region.
	ResourcesPerAccount int
	// Untagged resources, matching no tier, spread over the workload
	// accounts in the primary region.
	Untagged int
	// AfterApply, if set, runs after the apply and before the clock
	// moves: a way to break what the apply built.
	AfterApply func(ctx context.Context, s *session) error
	// Log receives the plan, the apply summary and a line per day.
	Log io.Writer
	// DayDone, if set, is called with 0 when the days start, after the
	// apply, and with every day at its end, after the copier and the
	// remediation ran, with the clock's totals so far: a way to measure
	// the cost of each day against the work done in it.
	DayDone func(day int, clock emulator.AdvanceReport)
}

// simResult is what a simulation did and found.
type simResult struct {
	Plan    *plan.Plan
	Applied *backup.Result
	// Resources are the sample resources' ARNs by tier ("" for the
	// untagged ones).
	Resources map[string][]string
	// Clock is the virtual clock's totals over the days.
	Clock emulator.AdvanceReport
	// CopiesStarted and BackupsStarted count the copy jobs the Copier
	// and the backup jobs the Remediator started.
	CopiesStarted, BackupsStarted int
	// Copy and Remediation are the last day's Copier and Remediator
	// reports.
	Copy        []*crossaccount.CopyReport
	Remediation *crossaccount.RemediationReport
	// Report is the compliance report at the end.
	Report *report.Report
}

func newSimulateCommand(e *env) *cobra.Command {
	return newCommand("simulate", "apply a spec to an emulated organization, run it for N days and report compliance and cost",
		"Builds the organization the spec describes in an in-process emulator, creates tagged\nsample resources in every workload account and region, plans and applies the spec,\nthen runs N days of virtual time (scheduled backups, copies, lifecycle), running the\ncopier and the remediation once a day, and prints the compliance report and the cost.\nNothing leaves this process; no AWS account is needed.",
		func(fs *pflag.FlagSet) runFunc {
			sp := fs.String("spec", spec.DefaultSpecFile, "spec file (YAML or JSON)")
			days := fs.Int("days", defaultSimDays, "days of virtual time to run after the apply")
			perAccount := fs.Int("resources-per-account", defaultSimResources, "tagged sample resources per workload account and region")
			untagged := fs.Int("untagged", defaultSimUntagged, "sample resources that match no tier")
			out := fs.String("out", defaultSimOut, "directory the HTML (and JSON, CSV, Markdown) report is written to")
			detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the organization is not compliant at the end")
			prices := fs.String("prices", "", pricesUsage)
			drill := fs.Bool("drill", false, "end with a recovery drill of every tier; its evidence goes to --out")
			return func(ctx context.Context, args []string) int {
				var problems []string
				if *days < 1 || *days > maxSimDays {
					problems = append(problems, fmt.Sprintf("--days must be between 1 and %d", maxSimDays))
				}
				if *perAccount < 0 || *perAccount > maxSimResourcesPerAcct {
					problems = append(problems, fmt.Sprintf("--resources-per-account must be between 0 and %d", maxSimResourcesPerAcct))
				}
				if *untagged < 0 || *untagged > maxSimResourcesPerAcct {
					problems = append(problems, fmt.Sprintf("--untagged must be between 0 and %d", maxSimResourcesPerAcct))
				}
				if *out == "" {
					problems = append(problems, "--out must name a directory")
				}
				if len(problems) > 0 {
					for _, p := range problems {
						fmt.Fprintf(e.stderr, "orgbackup simulate: %s\n", p)
					}
					return exitUsage
				}
				s, code := openSession(ctx, e, &engineFlags{specFile: *sp, emulator: true}, false)
				if s == nil {
					return code
				}
				defer s.close()
				if err := simulatePrices(s, *prices); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
					return exitProblem
				}
				res, err := simulate(ctx, s, simOptions{Days: *days, ResourcesPerAccount: *perAccount, Untagged: *untagged, Log: e.stdout})
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
					return exitProblem
				}
				paths, err := report.WriteFiles(*out, simReportName, res.Report, report.AllFormats())
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
					return exitProblem
				}
				html := filepath.ToSlash(filepath.Join(*out, simReportName+"."+report.FormatHTML))
				fmt.Fprintln(e.stdout)
				if err := report.Markdown(e.stdout, res.Report, report.MarkdownOptions{FullReport: html}); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
					return exitProblem
				}
				printSimSummary(e.stdout, res)
				writeBudgetAlerts(e.stdout, s.srv, res.Clock.From)
				if err := simulateSteadyState(e, s.spec, *prices); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
					return exitProblem
				}
				if *drill {
					drilled, err := simDrill(ctx, s, *out, e.stdout)
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup simulate: %v\n", err)
						return exitProblem
					}
					paths = append(paths, drilled...)
				}
				for _, p := range paths {
					fmt.Fprintf(e.stderr, "wrote %s\n", filepath.ToSlash(p))
				}
				if *detailed && !res.Report.Compliant() {
					return exitChanges
				}
				return exitOK

			}
		})
}

// printSimSummary closes the output with the figures of the run.
func printSimSummary(w io.Writer, r *simResult) {
	c := r.Clock
	sum := r.Report.Summary
	untagged := len(r.Resources[""])
	fmt.Fprintf(w, "\nSimulated %s to %s: %d backup jobs completed, %d failed; %d copy jobs completed, %d failed; %d recovery points expired.\n",
		c.From.Format("2006-01-02"), c.To.Format("2006-01-02"), c.BackupJobsCompleted, c.BackupJobsFailed+c.BackupJobsExpired,
		c.CopyJobsCompleted, c.CopyJobsFailed, c.Expirations)
	fmt.Fprintf(w, "The copier started %d copy jobs and the remediation %d backup jobs.\n", r.CopiesStarted, r.BackupsStarted)
	fmt.Fprintf(w, "Compliance: %d of %d tiered resources compliant; %d sample resources match no tier.\n", sum.Compliant, sum.Resources, untagged)
	fmt.Fprintf(w, "Estimated storage cost: %.2f %s per month (%s warm, %s cold).\n",
		r.Report.Cost.Total, r.Report.Cost.Currency, report.FormatBytes(sum.WarmBytes), report.FormatBytes(sum.ColdBytes))
}

// simulate runs a spec on the session's emulator: sample resources, plan,
// apply, then opts.Days days of virtual time, and reports.
func simulate(ctx context.Context, s *session, opts simOptions) (*simResult, error) {
	if s.srv == nil {
		return nil, errors.New("simulating: the session has no emulator")
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	sp := s.spec
	topo, err := backup.DiscoverTopology(ctx, sp, s.fleet)
	if err != nil {
		return nil, err
	}
	byTier, err := sp.TierAccounts(topo)
	if err != nil {
		return nil, err
	}
	res := &simResult{}
	if res.Resources, err = addSampleResources(s.srv, sp, byTier, opts); err != nil {
		return nil, err
	}

	res.Plan, err = backup.PlanChanges(ctx, sp, s.newFleet(true), s.planOptions)
	if err != nil {
		return nil, fmt.Errorf("planning: %w", err)
	}
	writePlanSummary(log, res.Plan)
	if len(res.Plan.Checks) > 0 {
		return res, fmt.Errorf("the plan has %d failed consistency check(s); see above", len(res.Plan.Checks))
	}
	// The organization is emulated: changes that could not be undone in
	// AWS (a compliance-mode vault lock) are simulated too.
	res.Applied, err = backup.Apply(ctx, s.fleet, res.Plan, func(o *backup.ApplyOptions) {
		o.AcknowledgeIrreversible = true
		o.Now = s.clock()
	})
	var incomplete *backup.IncompleteError
	if err != nil && !errors.As(err, &incomplete) {
		return res, fmt.Errorf("applying: %w", err)
	}
	applied, failed, skipped := res.Applied.Counts()
	fmt.Fprintf(log, "\nApply complete: %d applied, %d failed, %d skipped.\n", applied, failed, skipped)
	if failed+skipped > 0 {
		var errs []error
		for _, c := range res.Applied.Changes {
			if c.Outcome == backup.Failed || c.Outcome == backup.Skipped {
				errs = append(errs, fmt.Errorf("%s %s: %w", c.Outcome, c.Address, c.Err))
			}
		}
		return res, fmt.Errorf("applying: %w", errors.Join(errs...))
	}
	if opts.AfterApply != nil {
		if err := opts.AfterApply(ctx, s); err != nil {
			return res, err
		}
	}

	routes, err := simCopyRoutes(sp, topo)
	if err != nil {
		return res, err
	}
	srv := s.srv
	start := srv.Now()
	res.Clock.From = start
	fmt.Fprintf(log, "\nRunning %d days of virtual time from %s:\n", opts.Days, start.Format(time.RFC3339))
	if opts.DayDone != nil {
		opts.DayDone(0, res.Clock)
	}
	for day := 1; day <= opts.Days; day++ {
		// The copier's waits move the clock too; each day ends at the
		// same instant whatever they took.
		d := srv.AdvanceTo(start.Add(time.Duration(day) * 24 * time.Hour))
		addAdvance(&res.Clock, d)
		copies, started, err := runCopies(ctx, s, routes, &res.Clock)
		if err != nil {
			return res, err
		}
		res.Copy, res.CopiesStarted = copies, res.CopiesStarted+started
		rem, err := runRemediation(ctx, s, topo)
		if err != nil {
			return res, err
		}
		res.Remediation = rem
		if day == 1 {
			if err := simRestoreTesting(ctx, s, byTier, log); err != nil {
				return res, err
			}
		}
		backups := rem.Count(crossaccount.RemediationStarted)
		res.BackupsStarted += backups
		fmt.Fprintf(log, "  day %2d %s: %3d backups completed, %d failed · %3d copies completed, %d failed · copier started %d · remediation started %d\n",
			day, d.To.Format("2006-01-02"), d.BackupJobsCompleted, d.BackupJobsFailed+d.BackupJobsExpired, d.CopyJobsCompleted, d.CopyJobsFailed, started, backups)
		if opts.DayDone != nil {
			opts.DayDone(day, res.Clock)
		}
	}
	res.Clock.To = srv.Now()

	window := report.LastDays(srv.Now(), min(opts.Days, 30))
	inv, err := report.Collect(ctx, sp, report.FromConfigs(s.newFleet(true)), window, func(o *report.Options) {
		o.Topology = topo
	})
	if err != nil {
		return res, err
	}
	res.Report, err = report.Evaluate(sp, inv)
	if err != nil {
		return res, err
	}
	if err := simRecoverability(ctx, s, byTier, res.Report); err != nil {
		return res, err
	}
	return res, nil
}

// writePlanSummary writes the plan's failed checks, its changes counted
// by kind and action, and its totals.
func writePlanSummary(w io.Writer, p *plan.Plan) {
	for _, c := range p.Checks {
		fmt.Fprintf(w, "check failed: %s: %s\n", c.Code, c.Message)
	}
	type count struct{ create, update, replace, del int }
	byKind := map[string]*count{}
	for _, c := range p.Changes {
		n := byKind[c.Kind]
		if n == nil {
			n = &count{}
			byKind[c.Kind] = n
		}
		switch c.Action {
		case plan.Create:
			n.create++
		case plan.Update:
			n.update++
		case plan.Replace:
			n.replace++
		case plan.Delete:
			n.del++
		}
	}
	sum := p.Summary()
	fmt.Fprintf(w, "Plan: %d to create, %d to update, %d to replace, %d to delete (fingerprint %s).\n", sum.Create, sum.Update, sum.Replace, sum.Delete, p.Fingerprint)
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		n := byKind[k]
		var parts []string
		for _, a := range []struct {
			sym rune
			n   int
		}{{'+', n.create}, {'~', n.update}, {'±', n.replace}, {'-', n.del}} {
			if a.n > 0 {
				parts = append(parts, fmt.Sprintf("%c%d", a.sym, a.n))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "  %-28s %s\n", k, strings.Join(parts, " "))
		}
	}
}

// addAdvance adds the counts of d to total.
func addAdvance(total *emulator.AdvanceReport, d emulator.AdvanceReport) {
	total.RulesRun += d.RulesRun
	total.BackupJobsCreated += d.BackupJobsCreated
	total.BackupJobsStarted += d.BackupJobsStarted
	total.BackupJobsCompleted += d.BackupJobsCompleted
	total.BackupJobsFailed += d.BackupJobsFailed
	total.BackupJobsExpired += d.BackupJobsExpired
	total.CopyJobsCreated += d.CopyJobsCreated
	total.CopyJobsStarted += d.CopyJobsStarted
	total.CopyJobsCompleted += d.CopyJobsCompleted
	total.CopyJobsFailed += d.CopyJobsFailed
	total.RestoreJobsCompleted += d.RestoreJobsCompleted
	total.ColdMoves += d.ColdMoves
	total.Expirations += d.Expirations
	total.Notifications += d.Notifications
}

// simCopyRoutes are the copier's routes, run one group after the other:
// to the central vault, then from it to the secondary region's, as
// `orgbackup copy --to central` and `--to secondary`. The tiers' backup
// plans copy each new recovery point to the central vault and, for
// cross-region tiers, from the local vault straight to the secondary
// region's central vault, so the copier's daily runs only have work when
// a plan's copy failed.
func simCopyRoutes(sp *spec.Spec, topo *crossaccount.Topology) ([][]crossaccount.CopyRoute, error) {
	var groups [][]crossaccount.CopyRoute
	for _, to := range []string{backup.CopyToCentral, backup.CopyToSecondary} {
		routes, err := backup.CopyRoutes(sp, topo, to)
		if err != nil {
			return nil, err
		}
		if len(routes) > 0 {
			groups = append(groups, routes)
		}
	}
	return groups, nil
}

// runCopies runs the copier over each group of routes in virtual time,
// adding what the clock ran while it waited to total, and returns the
// reports and the copy jobs started.
func runCopies(ctx context.Context, s *session, groups [][]crossaccount.CopyRoute, total *emulator.AdvanceReport) ([]*crossaccount.CopyReport, int, error) {
	var reports []*crossaccount.CopyReport
	started := 0
	for _, routes := range groups {
		rep, err := crossaccount.NewCopier(s.fleet, routes, func(o *crossaccount.CopyOptions) {
			o.Clock = s.srv.Now
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				addAdvance(total, s.srv.Advance(d))
				return ctx.Err()
			}
			o.Progress = func(ev crossaccount.Event) {
				if ev.Kind == crossaccount.EventStarted {
					started++
				}
			}
		}).Run(ctx)
		if err != nil {
			return reports, started, fmt.Errorf("copying: %w", err)
		}
		reports = append(reports, rep)
	}
	return reports, started, nil
}

// runRemediation backs up again, once, the resources whose backup jobs
// failed in the last day and that have no recovery point within their
// tier's RPO.
func runRemediation(ctx context.Context, s *session, topo *crossaccount.Topology) (*crossaccount.RemediationReport, error) {
	targets, err := backup.RemediationTargets(s.spec, topo, s.srv.Now())
	if err != nil {
		return nil, err
	}
	rep, err := crossaccount.NewRemediator(s.fleet, targets, func(o *crossaccount.RemediateOptions) {
		o.Clock = s.srv.Now
	}).Run(ctx)
	if err != nil {
		return rep, fmt.Errorf("remediating: %w", err)
	}
	return rep, nil
}

// addSampleResources creates opts.ResourcesPerAccount resources in every
// workload account and region, of the types the tier selects (all of
// simResourceTypes when it selects by tag only), tagged with the tier's
// selection tag, and opts.Untagged resources that match no tier. It
// returns their ARNs by tier.
func addSampleResources(srv *emulator.Server, sp *spec.Spec, byTier map[string][]string, opts simOptions) (map[string][]string, error) {
	out := map[string][]string{}
	var accounts []string
	n := 0
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			return nil, err
		}
		types := simResourceTypes
		if len(t.ResourceTypes) > 0 {
			types = nil
			for _, rt := range simResourceTypes {
				if slices.Contains(t.ResourceTypes, string(rt)) {
					types = append(types, rt)
				}
			}
			if len(types) == 0 {
				continue // the emulator has none of the tier's types
			}
		}
		key := slices.Sorted(maps.Keys(t.SelectionTags))[0]
		tags := map[string]string{key: t.SelectionTags[key], "Name": "sample-" + name}
		for _, account := range byTier[name] {
			if !slices.Contains(accounts, account) {
				accounts = append(accounts, account)
			}
			for _, region := range sp.WorkloadRegions() {
				for i := range opts.ResourcesPerAccount {
					typ := types[(n+i)%len(types)]
					r := emulator.Resource{Account: account, Region: region, Type: typ, Tags: tags, SizeBytes: simResourceSizeBytes + int64(i%4)*simResourceSizeStepByte}
					if t.CentralRetention == 0 && !t.CrossRegion {
						r.KMSKeyARN = simAWSManagedKeys[typ]
					}
					added, err := srv.PutResource(r)
					if err != nil {
						return nil, fmt.Errorf("adding a %s resource in %s/%s: %w", typ, account, region, err)
					}
					out[name] = append(out[name], added.ARN)
				}
				n++
			}
		}
	}
	slices.Sort(accounts)
	for i := range opts.Untagged {
		if len(accounts) == 0 {
			break
		}
		account, region := accounts[i%len(accounts)], sp.Organization.Regions.Primary
		typ := simResourceTypes[i%len(simResourceTypes)]
		arn := srv.AddResource(account, region, typ, "", map[string]string{"Name": "sample-untagged"}, simResourceSizeBytes)
		if arn == "" {
			return nil, fmt.Errorf("adding a %s resource in %s/%s", typ, account, region)
		}
		out[""] = append(out[""], arn)
	}
	return out, nil
}
