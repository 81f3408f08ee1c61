package main

import (
	"context"
	"fmt"

	"github.com/orgbackup/orgbackup/action"
)

func actionCommands() map[string]command {
	return map[string]command{
		"action":           {summary: "run as the GitHub Action (inputs from INPUT_* variables; see action.yml)", run: runAction},
		"iam github-roles": {summary: "print the IAM roles for GitHub Actions (plan and apply) for a repository", run: runGitHubRoles},
	}
}

// runAction is the Action's entrypoint: action.yml runs `orgbackup action`
// with every input mapped to an INPUT_* variable.
func runAction(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, "Usage: orgbackup action\n\nRuns the GitHub Action: inputs come from INPUT_* variables, the event from GITHUB_*.")
		return exitUsage
	}
	_, err := action.Run(ctx, func(o *action.Options) {
		o.Getenv = e.getenv
		o.Stdout = e.stdout
	})
	if err != nil {
		// The failure is already reported: annotation, summary and
		// the failure-reason output.
		return exitProblem
	}
	return exitOK
}
