package main

import (
	"context"
	"fmt"
	"time"

	"github.com/orgbackup/orgbackup/action"
	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
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
		o.CopyRoutes = actionCopyRoutes
		o.RemediationTargets = actionRemediationTargets
	})
	if err != nil {
		// The failure is already reported: annotation, summary and
		// the failure-reason output.
		return exitProblem
	}
	return exitOK
}

// actionCopyRoutes are the routes of the Action's copy mode: those of
// `orgbackup copy --to TO` over the whole organization.
func actionCopyRoutes(ctx context.Context, spec *backup.Spec, src crossaccount.ConfigSource, to string) ([]crossaccount.CopyRoute, error) {
	topo, err := discoverTopology(ctx, spec, src)
	if err != nil {
		return nil, err
	}
	return copyRoutes(spec, topo, to, scopeFlags{})
}

// actionRemediationTargets are the targets of the Action's remediate
// mode: those of `orgbackup remediate` over the whole organization.
func actionRemediationTargets(ctx context.Context, spec *backup.Spec, src crossaccount.ConfigSource, now time.Time) ([]crossaccount.RemediationTarget, error) {
	topo, err := discoverTopology(ctx, spec, src)
	if err != nil {
		return nil, err
	}
	return remediationTargets(spec, topo, scopeFlags{}, now)
}
