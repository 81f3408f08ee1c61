// Command orgbackup is backup-as-code for AWS Organizations: it validates,
// compiles and inspects backup plans and Organizations backup policies, and
// serves an emulated AWS organization for offline testing.
//
// Usage:
//
//	orgbackup policy validate FILE...
//	orgbackup policy effective [--account-id ID] FILE...
//	orgbackup policy compile --tier production|staging|development [flags]
//	orgbackup emulator serve [--port N] [--org FILE]
//
// Exit codes: 0 success, 1 a problem was found (invalid input, failed
// operation), 2 usage error.
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
