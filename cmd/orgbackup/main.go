// Command orgbackup is backup-as-code for AWS Organizations. From one spec
// file it validates, plans and applies a centralized AWS Backup architecture
// across an organization, detects drift, copies and remediates backups,
// reports compliance and cost, and runs as a GitHub Action; it also
// validates and compiles Organizations backup policies offline and serves an
// emulated AWS organization for any AWS client.
//
// Usage:
//
//	orgbackup validate [--spec FILE]
//	orgbackup plan [--spec FILE] [--out plan.json] [--detailed-exitcode] [--emulator]
//	orgbackup apply [plan.json] [--allow-destructive] [--acknowledge-irreversible] [--emulator]
//	orgbackup drift [--spec FILE] [--emulator]
//	orgbackup copy [--dry-run] [--to central|secondary] [filters]
//	orgbackup remediate [--dry-run] [--since 24h]
//	orgbackup report [--format md|json|csv|html] [--out DIR]
//	orgbackup simulate --spec FILE --days N [--prices FILE] [--drill]
//	orgbackup recommend [--spec FILE] [--prices FILE] [--legal-hold TIER]
//	orgbackup restore --resource-arn ARN | --tag K=V --account ID | --account ID --all [--from local|central|secondary] [--target-account ID] [--target-region R | --dr]
//	orgbackup drill [--tier T] [--pick all|count|sample --n N] [--concurrency N] [--out DIR]
//	orgbackup runbook [--out DIR] [--discover]
//	orgbackup policy validate|effective|compile ...
//	orgbackup emulator serve [--port N] [--org FILE | --spec FILE]
//	orgbackup emulator advance|add-resource|faults|calls|state|reset ...
//	orgbackup iam github-roles --repo OWNER/NAME
//	orgbackup action
//	orgbackup completion bash|zsh|fish|powershell
//	orgbackup --version
//
// Flags may come before or after arguments ("orgbackup apply plan.json
// --emulator"); "--" ends them. Every command and group has --help
// ("orgbackup emulator --help"). Global flags: --no-color (as does a
// non-empty NO_COLOR variable), --quiet (no progress output).
//
// Output goes to stdout; errors, warnings and progress go to stderr.
//
// Exit codes, the same for every command:
//
//	0  success: nothing to report
//	1  error: invalid input, a failed operation, a refused plan, and usage
//	   errors (unknown command or flag, wrong arguments)
//	2  changes: plan --detailed-exitcode found changes, drift found drift,
//	   report and simulate --detailed-exitcode found non-compliance
//	3  incomplete protection: copy or remediate left recovery points
//	   without their copy or resources without a recent backup
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/internal/version"
)

// exitCodes is the exit code table of the root help; main's doc comment
// and README.md hold the same table.
const exitCodes = `Exit codes, the same for every command:
  0  success: nothing to report
  1  error: invalid input, a failed operation, a refused plan, and usage
     errors (unknown command or flag, wrong arguments)
  2  changes: plan --detailed-exitcode found changes, drift found drift,
     report and simulate --detailed-exitcode found non-compliance
  3  incomplete protection: copy or remediate left recovery points without
     their copy or resources without a recent backup`

// Exit codes shared by every command (see exitCodes).
const (
	exitOK      = 0
	exitProblem = 1
	// exitUsage is the code of usage errors: they are errors, so that 2
	// always means "changes".
	exitUsage   = exitProblem
	exitChanges = 2
)

// env carries the process's side effects so commands can be tested
// in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// Set by the global flags.
	noColor bool // --no-color
	quiet   bool // --quiet

	// progressInterval is the time between progress lines off a
	// terminal; zero means the printer's default (10s).
	progressInterval time.Duration
}

// exitError ends a command with its exit code; the command has already
// said why on stderr.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// runFunc runs a command with its positional arguments and returns the
// process exit code.
type runFunc func(ctx context.Context, args []string) int

// newCommand returns a command whose flags setup registers on fs, and
// which runs what setup returns.
func newCommand(use, short, long string, setup func(fs *pflag.FlagSet) runFunc) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Long: long, Args: cobra.ArbitraryArgs}
	run := setup(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if code := run(cmd.Context(), args); code != exitOK {
			return exitError(code)
		}
		return nil
	}
	return cmd
}

// noArgs makes cmd refuse positional arguments.
func noArgs(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected argument %q", args[0])
		}
		return nil
	}
	return cmd
}

// newGroup returns a command that only holds others ("emulator",
// "policy"): alone it prints its help; with an unknown sub-command it is a
// usage error.
func newGroup(use, short string, cmds ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
		},
	}
	g.AddCommand(cmds...)
	return g
}

// newRootCommand builds the command tree over e.
func newRootCommand(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "orgbackup",
		Short: "backup-as-code for AWS Organizations",
		Long: "orgbackup: backup-as-code for AWS Organizations.\n\n" +
			"From one spec file it validates, plans and applies a centralized AWS Backup\n" +
			"architecture across an organization, detects drift, copies and remediates\n" +
			"backups, reports compliance and cost, and runs as a GitHub Action.\n\n" +
			"Output goes to stdout; errors, warnings and progress to stderr.\n\n" + exitCodes,
		Version:       version.Get().String(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("orgbackup {{.Version}}\n")
	root.PersistentFlags().BoolVar(&e.noColor, "no-color", false, "never colour the output (a non-empty NO_COLOR variable does the same)")
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "print no progress on stderr")
	root.AddCommand(
		newValidateCommand(e),
		noArgs(newPlanCommand(e)),
		newApplyCommand(e),
		noArgs(newDriftCommand(e)),
		noArgs(newCopyCommand(e)),
		noArgs(newRemediateCommand(e)),
		noArgs(newReportCommand(e)),
		noArgs(newSimulateCommand(e)),
		noArgs(newRecommendCommand(e)),
		noArgs(newRestoreCommand(e)),
		noArgs(newDrillCommand(e)),
		noArgs(newRunbookCommand(e)),
		newPolicyGroup(e),
		newEmulatorGroup(e),
		newGroup("iam", "generate IAM roles", newGitHubRolesCommand(e)),
		newLegalHoldGroup(e),
		newActionCommand(e),
	)
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C (or SIGTERM) cancels the command's context; a
	// second one, once the default handling is back, kills the process.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the command args name and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	root := newRootCommand(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	var ex exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ex):
		return int(ex)
	default:
		// Cobra's own errors are usage errors: unknown commands and
		// flags, missing flag values.
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(e.stderr, "%s: %v\nRun '%s --help' for usage.\n", cmd.CommandPath(), err, cmd.CommandPath())
		return exitUsage
	}
}
