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
//	orgbackup simulate --spec FILE --days N
//	orgbackup policy validate|effective|compile ...
//	orgbackup emulator serve [--port N] [--org FILE | --spec FILE]
//	orgbackup emulator advance|add-resource|faults|calls|state|reset ...
//	orgbackup iam github-roles --repo OWNER/NAME
//	orgbackup action
//
// Every command shares the library's engine; 'orgbackup help' lists them
// and 'orgbackup COMMAND --help' explains each one's flags and exit codes.
// Exit codes: 0 success, 1 a problem was found (invalid input, failed
// operation), 2 usage error; plan --detailed-exitcode and drift use 2 for
// "changes", copy and remediate 3 for "not everything is protected".
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/orgbackup/orgbackup/internal/version"
)

// command is one sub-command of the CLI. run returns the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env carries the process's side effects so commands can be tested
// in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

// commands is the command table. Nested groups ("policy validate") are
// registered with their full name.
func commands() map[string]command {
	m := map[string]command{}
	for _, group := range []func() map[string]command{
		policyCommands,      // policy.go
		emulatorCommands,    // emulator.go
		emulatorCtlCommands, // emulator_ctl.go
		specCommands,        // spec.go: validate
		engineCommands,      // engine.go: plan, apply, drift
		copyCommands,        // copy.go
		simulateCommands,    // simulate.go
		reportCommands,      // report.go
		actionCommands,      // action.go
	} {
		for name, c := range group() {
			m[name] = c
		}
	}
	return m
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args to the longest matching command name.
func run(ctx context.Context, e *env, args []string) int {
	cmds := commands()
	for n := min(len(args), 3); n > 0; n-- {
		name := strings.Join(args[:n], " ")
		if c, ok := cmds[name]; ok {
			return c.run(ctx, e, args[n:])
		}
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "version") {
		fmt.Fprintln(e.stdout, "orgbackup "+version.Get().String())
		return exitOK
	}
	// A group ("emulator", "policy") lists its commands.
	if len(args) > 0 {
		group := map[string]command{}
		for name, c := range cmds {
			if strings.HasPrefix(name, args[0]+" ") {
				group[name] = c
			}
		}
		if len(group) > 0 {
			help := len(args) == 1 || args[1] == "-h" || args[1] == "--help" || args[1] == "help"
			w := e.stdout
			if !help {
				w = e.stderr
				fmt.Fprintf(w, "orgbackup: unknown command %q\n\n", strings.Join(args, " "))
			}
			usage(w, group)
			if help && len(args) > 1 {
				return exitOK
			}
			return exitUsage
		}
	}
	if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
		fmt.Fprintf(e.stderr, "orgbackup: unknown command %q\n\n", strings.Join(args, " "))
		usage(e.stderr, cmds)
		return exitUsage
	}
	usage(e.stdout, cmds)
	if len(args) == 0 {
		return exitUsage
	}
	return exitOK
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "orgbackup: backup-as-code for AWS Organizations\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'orgbackup COMMAND --help' for a command's flags.")
}
