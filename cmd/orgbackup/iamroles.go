package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/githubiam"
)

func newGitHubRolesCommand(e *env) *cobra.Command {
	return newCommand("github-roles", "print the IAM roles for GitHub Actions (plan and apply) for a repository",
		"Prints the trust and permission policies of two roles for GitHub Actions with OIDC:\na read-only plan role that pull requests and the default branch may assume, and an\napply role that only the default branch (or one environment) may assume.",
		func(fs *pflag.FlagSet) runFunc {
			var o githubiam.Options
			fs.StringVar(&o.Repo, "repo", "", "the repository, OWNER/NAME (required)")
			fs.StringVar(&o.Account, "account", "", "the account the roles are created in, the organization's management account (default: a placeholder)")
			fs.StringVar(&o.Branch, "branch", "main", "the default branch")
			fs.StringVar(&o.Environment, "environment", "", "the environment the apply job runs in; the apply role then trusts only it")
			fs.StringVar(&o.ExecutionRole, "execution-role", "", "the role orgbackup assumes in every account (default OrganizationAccountAccessRole)")
			format := fs.String("format", "text", "output `format`: text or json")
			return func(ctx context.Context, args []string) int {
				switch {
				case o.Repo == "":
					fmt.Fprintln(e.stderr, "orgbackup iam github-roles: --repo OWNER/NAME is required")
					return exitUsage
				case len(args) > 0:
					fmt.Fprintf(e.stderr, "orgbackup iam github-roles: unexpected argument %q\n", args[0])
					return exitUsage
				case *format != "text" && *format != "json":
					fmt.Fprintf(e.stderr, "orgbackup iam github-roles: --format must be text or json, not %q\n", *format)
					return exitUsage
				}
				roles, err := githubiam.Roles(o)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup iam github-roles: %v\n", err)
					return exitUsage
				}
				if *format == "json" {
					b, _ := json.MarshalIndent(roles, "", "  ")
					fmt.Fprintln(e.stdout, string(b))
					return exitOK
				}
				for i, r := range roles {
					if i > 0 {
						fmt.Fprintln(e.stdout)
					}
					trust, _ := json.MarshalIndent(r.Trust, "", "  ")
					perms, _ := json.MarshalIndent(r.Permissions, "", "  ")
					fmt.Fprintf(e.stdout, "# Role %s: %s\n\n## Trust policy\n%s\n\n## Permission policy\n%s\n", r.Name, r.Description, trust, perms)
				}
				fmt.Fprintln(e.stdout, "\n# The OIDC provider token.actions.githubusercontent.com (audience sts.amazonaws.com) must exist in the account.")
				return exitOK

			}
		})
}
