package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/action"
)

// newActionCommand is the Action's entrypoint: action.yml runs
// `orgbackup action` with every input mapped to an INPUT_* variable.
func newActionCommand(e *env) *cobra.Command {
	cmd := newCommand("action", "run as the GitHub Action (inputs from INPUT_* variables; see action.yml)",
		"Runs the GitHub Action: inputs come from INPUT_* variables, the event from GITHUB_*.",
		func(*pflag.FlagSet) runFunc {
			return func(ctx context.Context, _ []string) int {
				_, err := action.Run(ctx, func(o *action.Options) {
					o.Getenv = e.getenv
					o.Stdout = e.stdout
				})
				if err != nil {
					// The failure is already reported: annotation, summary
					// and the failure-reason output.
					return exitProblem
				}
				return exitOK
			}
		})
	noArgs(cmd)
	return cmd
}
