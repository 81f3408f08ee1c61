package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/legalhold"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/report"
)

// holdScope selects the accounts of a legal-hold command.
type holdScope struct {
	engineFlags
	accounts, tiers string
}

func (f *holdScope) register(fs *pflag.FlagSet) {
	f.engineFlags.register(fs)
	fs.StringVar(&f.accounts, "account", "", "these accounts (comma-separated IDs)")
	fs.StringVar(&f.tiers, "tier", "", "the workload accounts of these tiers (comma-separated)")
}

// holdSession opens a session and resolves the selected accounts: the
// --account and --tier ones, or with neither every workload account.
func holdSession(ctx context.Context, e *env, f *holdScope, readOnly bool, name string) (*session, []string, int) {
	s, code := openSession(ctx, e, &f.engineFlags, readOnly)
	if s == nil {
		return nil, nil, code
	}
	topo, err := backup.DiscoverTopology(ctx, s.spec, s.fleet)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup legal-hold %s: %v\n", name, err)
		s.close()
		return nil, nil, exitProblem
	}
	tierOf, err := legalhold.TierAccounts(s.spec, topo)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup legal-hold %s: %v\n", name, err)
		s.close()
		return nil, nil, exitProblem
	}
	set := map[string]bool{}
	for _, a := range splitList(f.accounts) {
		set[a] = true
	}
	tiers := splitList(f.tiers)
	for a, ts := range tierOf {
		for _, t := range ts {
			if slices.Contains(tiers, t) || (len(tiers) == 0 && f.accounts == "") {
				set[a] = true
			}
		}
	}
	return s, slices.Sorted(maps.Keys(set)), exitOK
}

func newLegalHoldGroup(e *env) *cobra.Command {
	return newGroup("legal-hold", "create, list and release AWS Backup legal holds across accounts",
		noArgs(newLegalHoldCreateCommand(e)), noArgs(newLegalHoldListCommand(e)), noArgs(newLegalHoldReleaseCommand(e)))
}

func newLegalHoldCreateCommand(e *env) *cobra.Command {
	return newCommand("create", "hold recovery points by tier, account, resource type, tags and date range",
		"Creates the legal hold --title in every selected account and Region where recovery\npoints match, and in the backup account for their central copies. Running it again\ncreates nothing twice.",
		func(fs *pflag.FlagSet) runFunc {
			var f holdScope
			f.register(fs)
			title := fs.String("title", "", "the hold's title (required)")
			desc := fs.String("description", "", "why the points are held (required)")
			types := fs.String("resource-type", "", "only these resource types (comma-separated: EC2,RDS,...)")
			tags := fs.String("tag", "", "only resources with all these tags (comma-separated KEY=VALUE)")
			from := fs.String("from", "", "only points created on or after this date (YYYY-MM-DD)")
			to := fs.String("to", "", "only points created on or before this date (YYYY-MM-DD)")
			return func(ctx context.Context, _ []string) int {
				sel := legalhold.Selection{ResourceTypes: splitList(*types), Tags: map[string]string{}}
				for _, kv := range splitList(*tags) {
					k, v, ok := strings.Cut(kv, "=")
					if !ok || k == "" {
						fmt.Fprintf(e.stderr, "orgbackup legal-hold create: --tag %q: want KEY=VALUE\n", kv)
						return exitUsage
					}
					sel.Tags[k] = v
				}
				for _, d := range []struct {
					s   string
					dst *time.Time
					end bool
				}{{*from, &sel.From, false}, {*to, &sel.To, true}} {
					if d.s == "" {
						continue
					}
					t, err := time.Parse(time.DateOnly, d.s)
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup legal-hold create: %q is not a date (YYYY-MM-DD)\n", d.s)
						return exitUsage
					}
					if d.end {
						t = t.Add(24*time.Hour - time.Nanosecond)
					}
					*d.dst = t
				}
				if *title == "" || *desc == "" {
					fmt.Fprintln(e.stderr, "orgbackup legal-hold create: --title and --description are required")
					return exitUsage
				}
				s, accounts, code := holdSession(ctx, e, &f, false, "create")
				if s == nil {
					return code
				}
				defer s.close()
				sel.Accounts = accounts
				created, err := legalhold.Create(ctx, s.fleet, *title, *desc, sel, managedtags.For(s.spec.Name, s.spec.Tags),
					legalhold.Options{BackupAccount: s.spec.Organization.BackupAccount, Regions: s.spec.Regions(), Now: commandClock(ctx, e, s)})
				for _, c := range created {
					what := "created"
					if c.Existing {
						what = "already held"
					}
					fmt.Fprintf(e.stdout, "%s/%s: %s %s, %d recovery point(s)\n", c.Account, c.Region, what, c.ID, len(c.Points))
				}
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup legal-hold create: %v\n", err)
					return exitProblem
				}
				if len(created) == 0 {
					fmt.Fprintln(e.stdout, "no recovery point matches; nothing held")
				}
				return exitOK
			}
		})
}

func newLegalHoldListCommand(e *env) *cobra.Command {
	return newCommand("list", "list legal holds and the recovery points they keep",
		"Lists every legal hold of the selected accounts (default: all workload accounts and the\nbackup account) and the recovery points each active hold keeps.",
		func(fs *pflag.FlagSet) runFunc {
			var f holdScope
			f.register(fs)
			format := fs.String("format", "markdown", "markdown or json")
			return func(ctx context.Context, _ []string) int {
				if *format != "markdown" && *format != "json" {
					fmt.Fprintf(e.stderr, "orgbackup legal-hold list: --format must be markdown or json, not %q\n", *format)
					return exitUsage
				}
				s, accounts, code := holdSession(ctx, e, &f, true, "list")
				if s == nil {
					return code
				}
				defer s.close()
				if !slices.Contains(accounts, s.spec.Organization.BackupAccount) {
					accounts = append(accounts, s.spec.Organization.BackupAccount)
				}
				l, err := report.CollectLegalHolds(ctx, s.fleet, accounts, s.spec.Regions())
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup legal-hold list: %v\n", err)
					return exitProblem
				}
				if *format == "json" {
					b, _ := json.MarshalIndent(l, "", "  ")
					fmt.Fprintln(e.stdout, string(b))
					return exitOK
				}
				if err := l.Markdown(e.stdout); err != nil {
					return exitProblem
				}
				return exitOK
			}
		})
}

func newLegalHoldReleaseCommand(e *env) *cobra.Command {
	return newCommand("release", "release a legal hold, with a reason",
		"Cancels the active legal hold --title in the selected accounts (default: all workload\naccounts and the backup account), recording --reason. The points it kept follow their\nlifecycle again.",
		func(fs *pflag.FlagSet) runFunc {
			var f holdScope
			f.register(fs)
			title := fs.String("title", "", "the hold's title (required)")
			reason := fs.String("reason", "", "why the hold is released (required)")
			return func(ctx context.Context, _ []string) int {
				if *title == "" || strings.TrimSpace(*reason) == "" {
					fmt.Fprintln(e.stderr, "orgbackup legal-hold release: --title and --reason are required")
					return exitUsage
				}
				s, accounts, code := holdSession(ctx, e, &f, false, "release")
				if s == nil {
					return code
				}
				defer s.close()
				if !slices.Contains(accounts, s.spec.Organization.BackupAccount) {
					accounts = append(accounts, s.spec.Organization.BackupAccount)
				}
				released, err := legalhold.Release(ctx, s.fleet, *title, *reason, accounts, s.spec.Regions())
				for _, r := range released {
					fmt.Fprintf(e.stdout, "%s/%s: released %s\n", r.Account, r.Region, r.ID)
				}
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup legal-hold release: %v\n", err)
					return exitProblem
				}
				if len(released) == 0 {
					fmt.Fprintf(e.stdout, "no active legal hold titled %q\n", *title)
				}
				return exitOK
			}
		})
}
