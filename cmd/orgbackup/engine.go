package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// engineFlags are the flags plan, apply and drift share.
type engineFlags struct {
	specFile    string
	emulator    bool
	emulatorOrg string
	role        string
}

func (f *engineFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.specFile, "spec", spec.DefaultSpecFile, "spec file (YAML or JSON)")
	fs.BoolVar(&f.emulator, "emulator", false, "run against an in-process emulated organization (no AWS account needed): the built-in one when the spec is for it, else one built from the spec on purpose, an OU for each target")
	fs.StringVar(&f.emulatorOrg, "emulator-org", "", "with --emulator, emulate this organization `fixture` (YAML): a target it lacks, such as a mistyped OU, is an error")
	fs.StringVar(&f.role, "execution-role", "", "role assumed in each account (default: the spec's organization.execution_role)")
}

// session is what a command works with: the spec and a way to get
// credentials for every account.
type session struct {
	spec  *spec.Spec
	fleet *crossaccount.Fleet
	srv   *emulator.Server
	base  aws.Config
	role  string
}

// newFleet returns a fleet over the session's base credentials. The
// in-process emulator answers at once and throttles only when told to:
// client-side rate limits would only slow its runs down.
func (s *session) newFleet(readOnly bool) *crossaccount.Fleet {
	return crossaccount.NewFleet(s.base, func(o *crossaccount.Options) {
		o.ExecutionRole = s.role
		o.ManagementAccount = s.spec.Organization.ManagementAccount
		o.ReadOnly = readOnly
		// STS quotas are per Region: role assumption spreads over the
		// STS endpoints of the Regions the spec already uses.
		if s.spec != nil {
			o.STSRegions = s.spec.Regions()
		}
		if s.srv != nil {
			emuspec.FleetOptions(s.srv)(o)
		}
	})
}

// clock is the session's time source: the emulator's virtual clock with
// --emulator, so that the engine judges time-bound rules (a
// compliance-mode Vault Lock's grace period, RPOs) in emulated time; else
// the wall clock.
func (s *session) clock() func() time.Time {
	if s.srv != nil {
		return s.srv.Now
	}
	return time.Now
}

// planOptions are the options of every plan and drift detection of the
// session: time is the session's clock.
func (s *session) planOptions(o *backup.PlanOptions) { o.Now = s.clock() }

// sleep waits for d: with --emulator by advancing its virtual clock (jobs
// run only as it moves), else in real time.
func (s *session) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.srv != nil {
		s.srv.Advance(d)
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// openSession loads the spec and builds the fleet: from the in-process
// emulator with --emulator, else from the standard AWS configuration chain
// (environment, shared files, web identity; AWS_ENDPOINT_URL is honoured,
// so `orgbackup emulator serve` works too).
func openSession(ctx context.Context, e *env, f *engineFlags, readOnly bool) (*session, int) {
	sp, err := spec.Load(f.specFile)
	if err != nil {
		if problems := spec.SpecErrors(err); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(e.stderr, p.Error())
			}
		} else {
			fmt.Fprintf(e.stderr, "orgbackup: %v\n", err)
		}
		return nil, exitProblem
	}
	s := &session{spec: sp}
	var base aws.Config
	if f.emulatorOrg != "" && !f.emulator {
		fmt.Fprintln(e.stderr, "orgbackup: --emulator-org needs --emulator")
		return nil, exitUsage
	}
	if f.emulator {
		org := emuspec.For(sp)
		if f.emulatorOrg != "" {
			if org, err = emulator.LoadOrganization(f.emulatorOrg); err != nil {
				fmt.Fprintf(e.stderr, "orgbackup: %v\n", err)
				return nil, exitProblem
			}
		}
		s.srv = emulator.NewServer(func(o *emulator.Options) {
			o.Organization = org
			o.MemberRole = sp.Organization.ExecutionRole
		})
		base = s.srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	} else {
		base, err = config.LoadDefaultConfig(ctx, config.WithRegion(sp.Organization.Regions.Primary))
		if err != nil {
			fmt.Fprintf(e.stderr, "orgbackup: loading AWS configuration: %v\n", err)
			return nil, exitProblem
		}
	}
	role := f.role
	if role == "" {
		role = sp.Organization.ExecutionRole
	}
	s.base, s.role = base, role
	s.fleet = s.newFleet(readOnly)
	return s, exitOK
}

func newPlanCommand(e *env) *cobra.Command {
	return newCommand("plan", "show what would change across the organization",
		"Reads the organization (read-only: every mutating call is refused before it is sent)\nand shows what would change to match the spec.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			out := fs.String("out", "", "write the plan as JSON to this file (apply it later with 'orgbackup apply FILE')")
			detailed := fs.Bool("detailed-exitcode", false, "exit 0 when there are no changes, 2 when there are changes, 1 on errors")
			markdown := fs.String("markdown", "", "also write the plan as Markdown to this file")
			prices := fs.String("prices", "", pricesUsage)
			return func(ctx context.Context, args []string) int {
				s, code := openSession(ctx, e, &f, true)
				if s == nil {
					return code
				}
				defer s.close()
				src, progress := e.progress("plan", s.fleet)
				p, err := backup.PlanChanges(ctx, s.spec, src, s.planOptions)
				progress.Close()
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup plan: %v\n", err)
					return exitProblem
				}
				annotatePlanCost(e, "plan", p, s.spec, *prices)
				if err := plan.Text(e.stdout, p, plan.TextOptions{Color: useColor(e)}); err != nil {
					return exitProblem
				}
				// Failed checks block the plan: say so where errors go, after
				// the plan so that they are what a terminal shows last, not
				// only at the top of a long plan.
				printChecks(e, "plan", p.Checks)
				if *out != "" {
					if err := writeFile(*out, func(w *os.File) error { return plan.Write(w, p) }); err != nil {
						fmt.Fprintf(e.stderr, "orgbackup plan: %v\n", err)
						return exitProblem
					}
				}
				if *markdown != "" {
					if err := writeFile(*markdown, func(w *os.File) error { return plan.Markdown(w, p, plan.MarkdownOptions{}) }); err != nil {
						fmt.Fprintf(e.stderr, "orgbackup plan: %v\n", err)
						return exitProblem
					}
				}
				if len(p.Checks) > 0 {
					return exitProblem
				}
				if *detailed && p.HasChanges() {
					return exitChanges
				}
				return exitOK

			}
		})
}

func newApplyCommand(e *env) *cobra.Command {
	return newCommand("apply [plan.json]", "apply a plan (or plan and apply) across the organization",
		"Applies a saved plan, or plans, asks, and applies. A saved plan is refused when it was made\nfor another spec or the organization changed since it was made. Recovery points are never\ndeleted. Re-running after a failure converges.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			allowDestructive := fs.Bool("allow-destructive", false, "allow changes that delete or weaken protection (vaults, plans, policies, shorter retention, removed copies)")
			ackIrreversible := fs.Bool("acknowledge-irreversible", false, "allow changes that cannot be undone (compliance-mode vault lock)")
			autoApprove := fs.Bool("auto-approve", false, "apply a plan made now without asking (required without a plan file when not on a terminal)")
			expect := fs.String("expect-fingerprint", "", "refuse the plan unless its fingerprint is this one (the reviewed plan's)")
			return func(ctx context.Context, args []string) int {
				if len(args) > 1 {
					fmt.Fprintln(e.stderr, "orgbackup apply: at most one plan file")
					return exitUsage
				}
				s, code := openSession(ctx, e, &f, false)
				if s == nil {
					return code
				}
				defer s.close()
				var p *plan.Plan
				saved := len(args) == 1
				if saved {
					file, err := os.Open(args[0])
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup apply: %v\n", err)
						return exitProblem
					}
					p, err = plan.Read(file)
					file.Close()
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup apply: %s: %v\n", args[0], err)
						return exitProblem
					}
					// A saved plan is applied only as reviewed: for this spec, on the
					// organization as it was when it was made.
					src, progress := e.progress("apply: checking the plan", s.newFleet(true))
					err = backup.CheckFresh(ctx, s.spec, src, p, s.planOptions)
					progress.Close()
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup apply: %s: %v\n", args[0], err)
						return exitProblem
					}
				} else {
					var err error
					src, progress := e.progress("apply: planning", s.newFleet(true))
					p, err = backup.PlanChanges(ctx, s.spec, src, s.planOptions)
					progress.Close()
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup apply: planning: %v\n", err)
						return exitProblem
					}
				}
				plan.Text(e.stdout, p, plan.TextOptions{Color: useColor(e)})
				if !p.HasChanges() {
					return exitOK
				}
				if !saved && !*autoApprove {
					if !isTerminal(e.stdin) {
						fmt.Fprintln(e.stderr, "orgbackup apply: not applying a plan nobody approved: give a reviewed plan file (orgbackup plan --out plan.json), or --auto-approve")
						return exitProblem
					}
					fmt.Fprint(e.stdout, "\nApply these changes? Only 'yes' is accepted: ")
					answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
					if strings.TrimSpace(answer) != "yes" {
						fmt.Fprintln(e.stderr, "orgbackup apply: not applied")
						return exitProblem
					}
				}
				fmt.Fprintln(e.stdout, "\nApplying...")
				// Each change is printed as it is applied: the periodic lines
				// only, not a bar that would break those lines.
				src, progress := e.progress("apply", s.fleet, func(o *crossaccount.ProgressPrinterOptions) { o.Bar = false })
				res, err := backup.Apply(ctx, src, p, func(o *backup.ApplyOptions) {
					o.AllowDestructive = *allowDestructive
					o.AcknowledgeIrreversible = *ackIrreversible
					o.ExpectFingerprint = *expect
					o.Now = s.clock()
					o.Progress = func(c plan.Change, err error) {
						if err != nil {
							fmt.Fprintf(e.stdout, "  ! %s: %v\n", c.Address, err)
							return
						}
						fmt.Fprintf(e.stdout, "  %c %s\n", c.Action, c.Address)
					}
				})
				progress.Close()
				var refused *backup.RefusedError
				if errors.As(err, &refused) {
					fmt.Fprintf(e.stderr, "orgbackup apply: %v\n", err)
					return exitProblem
				}
				var incomplete *backup.IncompleteError
				if err != nil && !errors.As(err, &incomplete) {
					fmt.Fprintf(e.stderr, "orgbackup apply: %v\n", err)
					return exitProblem
				}
				applied, failed, skipped := res.Counts()
				fmt.Fprintf(e.stdout, "\nApply complete: %d applied, %d failed, %d skipped.\n", applied, failed, skipped)
				if failed+skipped > 0 {
					for _, c := range res.Changes {
						if c.Outcome == backup.Failed || c.Outcome == backup.Skipped {
							fmt.Fprintf(e.stderr, "%s %s: %v\n", c.Outcome, c.Address, c.Err)
						}
					}
					fmt.Fprintln(e.stderr, "Run 'orgbackup apply' again to converge.")
					return exitProblem
				}
				return exitOK

			}
		})
}

func newDriftCommand(e *env) *cobra.Command {
	return newCommand("drift", "compare the organization with the spec; exit 2 on drift",
		"Compares live state and every account's effective backup policy with the spec.\nExit status: 0 no drift, 2 drift detected, 1 error.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			return func(ctx context.Context, args []string) int {
				s, code := openSession(ctx, e, &f, true)
				if s == nil {
					return code
				}
				defer s.close()
				src, progress := e.progress("drift", s.fleet)
				rep, err := backup.DetectDrift(ctx, s.spec, src, s.planOptions)
				progress.Close()
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup drift: %v\n", err)
					return exitProblem
				}
				if !rep.Drifted() {
					fmt.Fprintln(e.stdout, "No drift: the organization matches the spec.")
					return exitOK
				}
				plan.Text(e.stdout, rep.Plan, plan.TextOptions{Color: useColor(e)})
				for _, p := range rep.Policies {
					fmt.Fprintf(e.stdout, "effective policy drift: account %s (tier %s): %s\n", p.Account, p.Tier, p.Reason)
				}
				return exitChanges

			}
		})
}

// printChecks prints failed consistency checks on stderr, a count first.
func printChecks(e *env, name string, checks []plan.Check) {
	if len(checks) == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "orgbackup %s: %d consistency check(s) failed: the plan cannot be applied\n", name, len(checks))
	for _, c := range checks {
		fmt.Fprintf(e.stderr, "orgbackup %s: check failed: %s %s: %s\n", name, c.Code, c.Address, c.Message)
	}
}

func writeFile(path string, fn func(*os.File) error) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isTerminal reports whether w is a character device (colours on).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether to colour output: on a terminal, unless the
// NO_COLOR convention (no-color.org) asks not to.
// --no-color does the same.
func useColor(e *env) bool {
	return !e.noColor && isTerminal(e.stdout) && e.getenv("NO_COLOR") == ""
}
