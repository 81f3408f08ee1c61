package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/orgbackup/orgbackup/spec"
)

func specCommands() map[string]command {
	return map[string]command{
		"validate": {summary: "check a backup spec (default " + spec.DefaultSpecFile + ")", run: runValidate},
	}
}

// runValidate loads a spec and prints every problem as
// FILE:LINE:COL: PATH: MESSAGE, the form editors and CI annotations read.
func runValidate(_ context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("orgbackup validate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("spec", spec.DefaultSpecFile, "spec file (YAML or JSON)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: orgbackup validate [--spec FILE]\n\nChecks a backup spec: its syntax, every field, and the backup plans its tiers\ncompile to, and the consistency of the architecture they describe. Prints one\nline per problem on stderr as FILE:LINE:COL: PATH: MESSAGE.\nExit status: 0 valid, 1 problems found, 2 usage error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "orgbackup validate: unexpected argument %q (use --spec FILE)\n", fs.Arg(0))
		return exitUsage
	}
	s, err := spec.Load(*file)
	if err != nil {
		problems := spec.SpecErrors(err)
		if len(problems) == 0 {
			fmt.Fprintf(e.stderr, "orgbackup validate: %v\n", err)
			return exitProblem
		}
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(e.stderr, "%s: %d %s\n", *file, len(problems), noun)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "%s: valid: spec %q, %d tiers (%s), regions %v\n",
		*file, s.Name, len(s.Tiers), strings.Join(s.TierNames(), ", "), s.Regions())
	return exitOK
}
