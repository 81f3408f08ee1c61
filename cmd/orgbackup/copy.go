package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/spec"
)

// exitUnprotected is the exit code of copy and remediate when the run
// worked but not everything is protected: recovery points without their
// copy, resources without a recent backup.
const exitUnprotected = 3

// progressOut is where progress goes: stderr, unless --quiet.
func progressOut(e *env) io.Writer {
	if e.quiet {
		return io.Discard
	}
	return e.stderr
}

// scopeFlags narrow copy and remediate to some accounts, tiers and
// resource types.
type scopeFlags struct {
	accounts, tiers, types string
}

func (f *scopeFlags) register(fs *pflag.FlagSet) {
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
	// The spec's duration syntax (spec.ParseWindow): 90m, 72h, 7d, 2w.
	d, err := spec.ParseWindow(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a duration such as 72h or 7d: %w", s, err)
	}
	return now.Add(-d), nil
}

// options sets the engine's scope options from the flags.
func (f *scopeFlags) options(o *backup.ScopeOptions) {
	o.Accounts, o.Tiers = splitList(f.accounts), splitList(f.tiers)
}

func newCopyCommand(e *env) *cobra.Command {
	return newCommand("copy", "copy recovery points missing from the central (or secondary) vaults; exit 3 if some remain",
		"Copies the recovery points that lack a completed copy in their destination vault, at\nmost --max-running at a time per account, retrying copies that fail for reasons that\nmay pass. Safe to interrupt and run again: no copy is ever started twice.\nWithout --created-after it looks back 14 days, and further for points whose last copy\nfailed; a first backfill of older history, or a run after a longer pause, needs an\nexplicit --created-after.\nExit status: 0 every recovery point has its copy, 3 some do not, 1 error.",
		func(fs *pflag.FlagSet) runFunc {
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
			return func(ctx context.Context, args []string) int {
				if *to != backup.CopyToCentral && *to != backup.CopyToSecondary {
					fmt.Fprintf(e.stderr, "orgbackup copy: --to must be %s or %s, not %q\n", backup.CopyToCentral, backup.CopyToSecondary, *to)
					return exitUsage
				}
				// Checked now, read against the session's clock below.
				for _, w := range []string{*after, *before} {
					if _, err := parseWhen(w, time.Now()); err != nil {
						fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
						return exitUsage
					}
				}
				s, code := openSession(ctx, e, &f, *dryRun)
				if s == nil {
					return code
				}
				defer s.close()
				clock := commandClock(ctx, e, s)
				now := clock()
				filter := crossaccount.CopyFilter{ResourceTypes: splitList(scope.types)}
				filter.CreatedAfter, _ = parseWhen(*after, now)
				filter.CreatedBefore, _ = parseWhen(*before, now)
				src, progress := e.progress("copy", s.fleet)
				topo, err := backup.DiscoverTopology(ctx, s.spec, src)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
					return exitProblem
				}
				routes, err := backup.CopyRoutes(s.spec, topo, *to, scope.options)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup copy: %v\n", err)
					return exitUsage
				}
				rep, runErr := crossaccount.NewCopier(src, routes, func(o *crossaccount.CopyOptions) {
					o.Filter = filter
					o.DryRun = *dryRun
					o.MaxRunning = *maxRunning
					o.MaxAttempts = *attempts
					o.Clock = clock
					o.Sleep = s.sleep
					o.Progress = progress.Event
				}).Run(ctx)
				progress.Close()
				return finishReport(e, "copy", rep, runErr, *markdown)

			}
		})
}

func newRemediateCommand(e *env) *cobra.Command {
	return newCommand("remediate", "start backups of resources whose backup jobs failed and wait for them (dry run unless --dry-run=false)",
		"Finds FAILED, EXPIRED and ABORTED backup jobs in the local vaults and, for resources\nwith no recovery point within their tier's RPO and no backup under way, starts an\non-demand backup with the tier's vault, role and lifecycle, then waits for each job\nit started and reports its outcome. Failures a retry cannot fix (a missing backup\nrole, KMS key or vault access) are not retried: the report gives the command that\nfixes them. Dry run by default. Against an emulator the wait advances its clock.\nExit status: 0 every such resource is protected or being backed up, 1 a backup\nfailed, was not started, or was still running when the wait ended (or an error),\n3 not protected otherwise.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			var scope scopeFlags
			fs.StringVar(&scope.accounts, "account", "", "only these accounts (comma-separated IDs)")
			fs.StringVar(&scope.tiers, "tier", "", "only these tiers (comma-separated)")
			dryRun := fs.Bool("dry-run", true, "only report what would be backed up; --dry-run=false starts the backups")
			since := fs.Duration("since", crossaccount.DefaultRemediationWindow, "look at backup jobs created this long ago or later")
			wait := fs.Duration("wait", crossaccount.DefaultRemediationWait, "wait this long for the backup jobs started to end")
			noWait := fs.Bool("no-wait", false, "start the backups and do not wait for them")
			force := fs.Bool("force", false, "start backups even when the last failure's cause is one a retry cannot fix (run after fixing it)")
			markdown := fs.String("markdown", "", "also write the summary as Markdown to this file")
			return func(ctx context.Context, args []string) int {
				if *wait <= 0 && !*noWait {
					fmt.Fprintln(e.stderr, "orgbackup remediate: --wait must be positive; use --no-wait not to wait")
					return exitUsage
				}
				s, code := openSession(ctx, e, &f, *dryRun)
				if s == nil {
					return code
				}
				defer s.close()
				clock := commandClock(ctx, e, s)
				src, progress := e.progress("remediate", s.fleet, func(o *crossaccount.ProgressPrinterOptions) { o.Now = clock })
				topo, err := backup.DiscoverTopology(ctx, s.spec, src)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup remediate: %v\n", err)
					return exitProblem
				}
				targets, err := backup.RemediationTargets(s.spec, topo, clock(), scope.options)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup remediate: %v\n", err)
					return exitProblem
				}
				rep, runErr := crossaccount.NewRemediator(src, targets, func(o *crossaccount.RemediateOptions) {
					o.Since = *since
					o.DryRun = *dryRun
					o.Force = *force
					if !*noWait {
						o.Wait = *wait
					}
					o.Clock = clock
					o.Sleep = remediateSleep(ctx, e, s)
					o.Progress = progress.Event
				}).Run(ctx)
				progress.Close()
				code = finishReport(e, "remediate", rep, runErr, *markdown)
				if code == exitProblem || code == exitUsage {
					return code
				}
				if failures := rep.Failures(); len(failures) > 0 {
					fmt.Fprintf(e.stderr, "orgbackup remediate: %d resources are not protected:\n", len(failures))
					for _, res := range failures {
						line := fmt.Sprintf("  %s/%s %s: %s", res.Target.Account, res.Target.Region, res.ResourceARN, res.Outcome)
						if res.JobID != "" {
							line += " (job " + res.JobID + ")"
						}
						line += ": " + res.Reason
						if res.Fix != "" {
							line += "\n    fix: " + res.Fix
						}
						fmt.Fprintln(e.stderr, line)
					}
					return exitProblem
				}
				return code

			}
		})
}

// remediateSleep is how remediate waits between looks at its jobs: the
// session's sleep, except against a served emulator (an endpoint that
// answers the control API), whose virtual clock no host timer moves:
// there it advances the emulator's clock, as the session's sleep does for
// the in-process emulator.
func remediateSleep(ctx context.Context, e *env, s *session) func(context.Context, time.Duration) error {
	if s.srv != nil {
		return s.sleep
	}
	ep := aws.ToString(s.base.BaseEndpoint)
	if ep == "" {
		ep = e.getenv("AWS_ENDPOINT_URL")
	}
	if ep == "" {
		return s.sleep
	}
	if _, err := emulatorNow(ctx, ep); err != nil {
		return s.sleep // not an emulator
	}
	c := &ctlClient{name: "orgbackup remediate", endpoint: ep, stderr: e.stderr}
	return func(ctx context.Context, d time.Duration) error {
		if !c.do(ctx, http.MethodPost, "clock/advance", emulator.AdvanceRequest{Duration: d.String()}, nil) {
			return fmt.Errorf("advancing the emulator's clock at %s by %s", ep, d)
		}
		return nil
	}
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
