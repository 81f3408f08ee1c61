package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/policy"
)

// exitUnprotected is the exit code of copy and remediate when the run
// worked but not everything is protected: recovery points without their
// copy, resources without a recent backup.
const exitUnprotected = 3

func copyCommands() map[string]command {
	return map[string]command{
		"copy":      {summary: "copy recovery points missing from the central (or secondary) vaults; exit 3 if some remain", run: runCopy},
		"remediate": {summary: "start backups of resources whose backup jobs failed (dry run unless --dry-run=false)", run: runRemediate},
	}
}

// scopeFlags narrow copy and remediate to some accounts, tiers and
// resource types.
type scopeFlags struct {
	accounts, tiers, types string
}

func (f *scopeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.accounts, "account", "", "only these accounts (comma-separated IDs)")
	fs.StringVar(&f.tiers, "tier", "", "only these tiers (comma-separated)")
	fs.StringVar(&f.types, "resource-type", "", "only these resource types (comma-separated: EBS,EFS,RDS,...)")
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseWhen reads an RFC 3339 time or a duration meaning that long ago.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a positive duration (72h)", s)
	}
	return now.Add(-d), nil
}

// tierAccounts resolves every tier's targets to the workload accounts it
// applies to, as the planner does: the management and backup accounts
// hold no workloads of a tier.
func tierAccounts(spec *backup.Spec, topo *crossaccount.Topology) (map[string][]string, error) {
	out := map[string][]string{}
	for _, name := range spec.TierNames() {
		t, err := spec.Tier(name)
		if err != nil {
			return nil, err
		}
		for _, target := range t.Targets {
			ids, err := topo.Resolve(target)
			if err != nil {
				return nil, fmt.Errorf("tier %s: %w", name, err)
			}
			for _, a := range ids {
				if a != spec.Organization.ManagementAccount && a != spec.Organization.BackupAccount && !slices.Contains(out[name], a) {
					out[name] = append(out[name], a)
				}
			}
		}
		slices.Sort(out[name])
	}
	return out, nil
}

func discoverTopology(ctx context.Context, spec *backup.Spec, src crossaccount.ConfigSource) (*crossaccount.Topology, error) {
	cfg, err := src.Config(ctx, spec.Organization.ManagementAccount, spec.Organization.Regions.Primary)
	if err != nil {
		return nil, fmt.Errorf("getting credentials for the management account: %w", err)
	}
	topo, err := crossaccount.Discover(ctx, awsorgs.NewFromConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("discovering the organization: %w", err)
	}
	return topo, nil
}

func days(d policy.Days) *int64 { return aws.Int64(int64(d)) }

// copyRoutes builds the copy routes of the spec. To "central": every
// workload region's local vault of every account of a tier with a central
// copy, to the primary region's central vault, kept central_retention. To
// "secondary": the primary central vault to the secondary region's, for
// the accounts of tiers that copy cross-region, kept secondary_retention.
func copyRoutes(spec *backup.Spec, topo *crossaccount.Topology, to string, scope scopeFlags) ([]crossaccount.CopyRoute, error) {
	byTier, err := tierAccounts(spec, topo)
	if err != nil {
		return nil, err
	}
	org := spec.Organization
	onlyAccounts, onlyTiers := splitList(scope.accounts), splitList(scope.tiers)
	var routes []crossaccount.CopyRoute
	for _, name := range spec.TierNames() {
		if len(onlyTiers) > 0 && !slices.Contains(onlyTiers, name) {
			continue
		}
		t, err := spec.Tier(name)
		if err != nil {
			return nil, err
		}
		var accounts []string
		for _, a := range byTier[name] {
			if len(onlyAccounts) == 0 || slices.Contains(onlyAccounts, a) {
				accounts = append(accounts, a)
			}
		}
		switch to {
		case "central":
			if t.CentralRetention == 0 {
				continue
			}
			for _, a := range accounts {
				for _, region := range spec.WorkloadRegions() {
					routes = append(routes, crossaccount.CopyRoute{
						Account: a, Region: region, Vault: spec.Local.Vault, RoleARN: spec.BackupRoleARN(a),
						DestinationVaultARN: spec.CentralVaultARN(org.Regions.Primary),
						Lifecycle:           &awsbackup.Lifecycle{DeleteAfterDays: days(t.CentralRetention)},
						Label:               name,
					})
				}
			}
		case "secondary":
			if !t.CrossRegion || org.Regions.Secondary == "" || len(accounts) == 0 {
				continue
			}
			routes = append(routes, crossaccount.CopyRoute{
				Account: org.BackupAccount, Region: org.Regions.Primary, Vault: spec.Central.Vault, RoleARN: spec.BackupRoleARN(org.BackupAccount),
				DestinationVaultARN: spec.CentralVaultARN(org.Regions.Secondary),
				Lifecycle:           &awsbackup.Lifecycle{DeleteAfterDays: days(t.SecondaryRetention)},
				ResourceAccounts:    accounts,
				Label:               name,
			})
		default:
			return nil, fmt.Errorf("--to must be central or secondary, not %q", to)
		}
	}
	return routes, nil
}

// remediationTargets builds the remediation targets of the spec: every
// account of a tier in every workload region, with the tier's local vault,
// backup role and lifecycle. The RPO is the longest gap between two runs
// of the tier's schedule in the past year.
func remediationTargets(spec *backup.Spec, topo *crossaccount.Topology, scope scopeFlags, now time.Time) ([]crossaccount.RemediationTarget, error) {
	byTier, err := tierAccounts(spec, topo)
	if err != nil {
		return nil, err
	}
	onlyAccounts, onlyTiers := splitList(scope.accounts), splitList(scope.tiers)
	var targets []crossaccount.RemediationTarget
	for _, name := range spec.TierNames() {
		if len(onlyTiers) > 0 && !slices.Contains(onlyTiers, name) {
			continue
		}
		t, err := spec.Tier(name)
		if err != nil {
			return nil, err
		}
		sched, err := policy.ParseSchedule(t.Schedule)
		if err != nil {
			return nil, fmt.Errorf("tier %s: %w", name, err)
		}
		loc := time.UTC
		if t.Timezone != "" {
			if loc, err = time.LoadLocation(t.Timezone); err != nil {
				return nil, fmt.Errorf("tier %s: %w", name, err)
			}
		}
		const year = 366 * 24 * time.Hour
		rpo := sched.MaxInterval(now.Add(-year), loc, year)
		l := &awsbackup.Lifecycle{DeleteAfterDays: days(t.LocalRetention)}
		if t.ColdAfter > 0 {
			l.MoveToColdStorageAfterDays = days(t.ColdAfter)
		}
		for _, a := range byTier[name] {
			if len(onlyAccounts) > 0 && !slices.Contains(onlyAccounts, a) {
				continue
			}
			for _, region := range spec.WorkloadRegions() {
				targets = append(targets, crossaccount.RemediationTarget{
					Account: a, Region: region, Vault: spec.Local.Vault, RoleARN: spec.BackupRoleARN(a),
					Lifecycle: l, RecoveryPointTags: map[string]string{"orgbackup:tier": name}, RPO: rpo, Label: name,
				})
			}
		}
	}
	return targets, nil
}

func runCopy(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("orgbackup copy", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	var scope scopeFlags
	scope.register(fs)
	dryRun := fs.Bool("dry-run", false, "only report what is missing; start nothing")
	to := fs.String("to", "central", "central: local vaults to the primary central vault; secondary: the central vault to the secondary region's")
	after := fs.String("created-after", "", "only recovery points created after this time (RFC 3339, or a duration ago: 720h)")
	before := fs.String("created-before", "", "only recovery points created before this time (RFC 3339, or a duration ago)")
	maxRunning := fs.Int("max-running", crossaccount.DefaultMaxRunningCopies, "copy jobs kept running per source account and destination region")
	attempts := fs.Int("max-attempts", crossaccount.DefaultCopyAttempts, "copy jobs started per recovery point when copies fail for reasons that may pass")
	markdown := fs.String("markdown", "", "also write the summary as Markdown to this file")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: orgbackup copy [--dry-run] [--to central|secondary] [--account IDS] [--tier NAMES] [--resource-type TYPES]\n                      [--created-after T] [--created-before T] [--spec FILE] [--emulator]\n\nCopies the recovery points that lack a completed copy in their destination vault, at\nmost --max-running at a time per account, retrying copies that fail for reasons that\nmay pass. Safe to interrupt and run again: no copy is ever started twice.\nExit status: 0 every recovery point has its copy, 3 some do not, 1 error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	now := time.Now()
	var filter crossaccount.CopyFilter
	var err error
	if filter.CreatedAfter, err = parseWhen(*after, now); err == nil {
		filter.CreatedBefore, err = parseWhen(*before, now)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
		return exitUsage
	}
	filter.ResourceTypes = splitList(scope.types)
	s, code := openSession(ctx, e, &f, *dryRun)
	if s == nil {
		return code
	}
	defer s.close()
	topo, err := discoverTopology(ctx, s.spec, s.fleet)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
		return exitProblem
	}
	routes, err := copyRoutes(s.spec, topo, *to, scope)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
		return exitUsage
	}
	progress := crossaccount.NewProgressPrinter(e.stderr, crossaccount.ProgressPrinterOptions{Label: "copy", Bar: isTerminal(e.stderr)})
	rep, runErr := crossaccount.NewCopier(s.fleet, routes, func(o *crossaccount.CopyOptions) {
		o.Filter = filter
		o.DryRun = *dryRun
		o.MaxRunning = *maxRunning
		o.MaxAttempts = *attempts
		o.Progress = progress.Event
	}).Run(ctx)
	progress.Close()
	return finishReport(e, "copy", rep, runErr, *markdown)
}

func runRemediate(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("orgbackup remediate", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	var scope scopeFlags
	fs.StringVar(&scope.accounts, "account", "", "only these accounts (comma-separated IDs)")
	fs.StringVar(&scope.tiers, "tier", "", "only these tiers (comma-separated)")
	dryRun := fs.Bool("dry-run", true, "only report what would be backed up; --dry-run=false starts the backups")
	since := fs.Duration("since", crossaccount.DefaultRemediationWindow, "look at backup jobs created this long ago or later")
	markdown := fs.String("markdown", "", "also write the summary as Markdown to this file")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: orgbackup remediate [--dry-run=false] [--since 24h] [--account IDS] [--tier NAMES] [--spec FILE] [--emulator]\n\nFinds FAILED, EXPIRED and ABORTED backup jobs in the local vaults and, for resources\nwith no recovery point within their tier's RPO and no backup under way, starts an\non-demand backup with the tier's vault, role and lifecycle. Dry run by default.\nExit status: 0 every such resource is protected or being backed up, 3 not, 1 error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	s, code := openSession(ctx, e, &f, *dryRun)
	if s == nil {
		return code
	}
	defer s.close()
	topo, err := discoverTopology(ctx, s.spec, s.fleet)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup remediate: %v\n", err)
		return exitProblem
	}
	targets, err := remediationTargets(s.spec, topo, scope, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup remediate: %v\n", err)
		return exitProblem
	}
	progress := crossaccount.NewProgressPrinter(e.stderr, crossaccount.ProgressPrinterOptions{Label: "remediate", Bar: isTerminal(e.stderr)})
	rep, runErr := crossaccount.NewRemediator(s.fleet, targets, func(o *crossaccount.RemediateOptions) {
		o.Since = *since
		o.DryRun = *dryRun
		o.Progress = progress.Event
	}).Run(ctx)
	progress.Close()
	return finishReport(e, "remediate", rep, runErr, *markdown)
}

// summaryReport is a Copier's or Remediator's report.
type summaryReport interface {
	Protected() bool
	Text(w io.Writer) error
	Markdown(w io.Writer) error
}

// finishReport prints the summary, writes it as Markdown if asked, and
// returns the exit code: errors first, then whether everything is
// protected.
func finishReport(e *env, name string, rep summaryReport, runErr error, markdown string) int {
	if err := rep.Text(e.stdout); err != nil {
		return exitProblem
	}
	if markdown != "" {
		if err := writeFile(markdown, func(w *os.File) error { return rep.Markdown(w) }); err != nil {
			fmt.Fprintf(e.stderr, "orgbackup %s: %v\n", name, err)
			return exitProblem
		}
	}
	if runErr != nil {
		fmt.Fprintf(e.stderr, "orgbackup %s: %v\n", name, runErr)
		return exitProblem
	}
	if !rep.Protected() {
		return exitUnprotected
	}
	return exitOK
}
