package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/spec"
)

// newValidateCommand loads a spec and prints every problem as
// FILE:LINE:COL: PATH: MESSAGE, the form editors and CI annotations read.
func newValidateCommand(e *env) *cobra.Command {
	return newCommand("validate", "check a backup spec (default "+spec.DefaultSpecFile+")",
		"Checks a backup spec: its syntax, every field, and the backup plans its tiers\ncompile to, and the consistency of the architecture they describe. Prints one\nline per problem on stderr as FILE:LINE:COL: PATH: MESSAGE.\nExit status: 0 valid, 1 problems found (or a usage error).",
		func(fs *pflag.FlagSet) runFunc {
			file := fs.String("spec", spec.DefaultSpecFile, "spec `file` (YAML or JSON)")
			return func(ctx context.Context, args []string) int {
				if len(args) > 0 {
					fmt.Fprintf(e.stderr, "orgbackup validate: unexpected argument %q (use --spec FILE)\n", args[0])
					return exitUsage
				}
				return runValidate(ctx, e, *file)
			}
		})
}

func runValidate(ctx context.Context, e *env, file string) int {
	s, err := spec.Load(file)
	var problems []*spec.SpecError
	if err != nil {
		problems = spec.SpecErrors(err)
		if len(problems) == 0 {
			fmt.Fprintf(e.stderr, "orgbackup validate: %v\n", err)
			return exitProblem
		}
	} else {
		// The spec is valid on its own: run the checks plan runs across
		// it, those that need no AWS.
		checks, err := offlineChecks(ctx, s)
		if err != nil {
			fmt.Fprintf(e.stderr, "orgbackup validate: %v\n", err)
			return exitProblem
		}
		problems = checkErrors(file, s, checks)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(e.stderr, "%s: %d %s\n", file, len(problems), noun)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "%s: valid: spec %q, %d tiers (%s), regions %v\n",
		file, s.Name, len(s.Tiers), strings.Join(s.TierNames(), ", "), s.Regions())
	return exitOK
}
