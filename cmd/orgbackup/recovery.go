package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/recovery"
)

// servedEndpoint returns the endpoint of a served emulator the session
// talks to, "" when it talks to AWS or to the in-process emulator.
func servedEndpoint(ctx context.Context, e *env, s *session) string {
	if s.srv != nil {
		return ""
	}
	ep := aws.ToString(s.base.BaseEndpoint)
	if ep == "" {
		ep = e.getenv("AWS_ENDPOINT_URL")
	}
	if ep == "" {
		return ""
	}
	if _, err := emulatorNow(ctx, ep); err != nil {
		return ""
	}
	return ep
}

// keyValues parses KEY=VALUE flags.
func keyValues(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

func newRestoreCommand(e *env) *cobra.Command {
	return newCommand("restore", "restore a resource, or all of an account's, from a chosen vault",
		"Restores one resource (--resource-arn, or --tag KEY=VALUE with --account) or every\n"+
			"resource of an account (--account with --all) from the local, central or secondary\n"+
			"vault, into its own account or --target-account, in its Region or --target-region\n"+
			"(--dr: the spec's secondary Region). A recovery point held in another account or\n"+
			"Region is copied into the target first. A restore never overwrites a resource.\n"+
			"Prints each restored resource and the measured duration.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			arn := fs.String("resource-arn", "", "the resource to restore")
			tag := fs.String("tag", "", "KEY=VALUE naming exactly one resource of --account")
			account := fs.String("account", "", "the resource's account (with --tag or --all)")
			all := fs.Bool("all", false, "restore every resource of --account that the vault holds")
			from := fs.String("from", recovery.FromLocal, "vault to restore from: local, central or secondary")
			targetAccount := fs.String("target-account", "", "account to restore into (default: the resource's)")
			targetRegion := fs.String("target-region", "", "Region to restore into (default: the resource's)")
			dr := fs.Bool("dr", false, "restore into the spec's secondary (DR) Region")
			name := fs.String("name", "", "name of the restored resource, for types that take one")
			metadata := fs.StringArray("metadata", nil, "restore metadata KEY=VALUE overriding AWS Backup's (repeatable)")
			poll := fs.Duration("poll", 30*time.Second, "time between status reads")
			return func(ctx context.Context, args []string) int {
				md, err := keyValues(*metadata)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup restore: --metadata: %v\n", err)
					return exitUsage
				}
				s, code := openSession(ctx, e, &f, false)
				if s == nil {
					return code
				}
				defer s.close()
				region := *targetRegion
				if *dr {
					region = s.spec.Organization.Regions.Secondary
				}
				r := recovery.NewRestorer(s.spec, s.fleet, func(o *recovery.Options) {
					o.Now = commandClock(ctx, e, s)
					o.Sleep = remediateSleep(ctx, e, s)
					o.PollInterval = *poll
					if !e.quiet {
						o.Progress = func(p recovery.Progress) {
							line := fmt.Sprintf("[%s] %s", p.Elapsed.Round(time.Second), p.Step)
							if p.Job != "" {
								line += " " + p.Job + " " + p.Status
							}
							if p.Percent != "" {
								line += " " + p.Percent + "%"
							}
							if p.Message != "" {
								line += ": " + p.Message
							}
							fmt.Fprintln(e.stderr, line)
						}
					}
				})
				var results []*recovery.Result
				switch {
				case *all:
					if *account == "" {
						fmt.Fprintln(e.stderr, "orgbackup restore: --all needs --account")
						return exitUsage
					}
					results, err = r.RestoreAll(ctx, recovery.Scope{Accounts: []string{*account}, From: *from, TargetAccount: *targetAccount, TargetRegion: region})
				default:
					req := recovery.Request{ResourceARN: *arn, Account: *account, From: *from, TargetAccount: *targetAccount, TargetRegion: region, Name: *name, Metadata: md}
					if *tag != "" {
						req.TagKey, req.TagValue, _ = strings.Cut(*tag, "=")
					}
					var res *recovery.Result
					res, err = r.Restore(ctx, req)
					if res != nil {
						results = append(results, res)
					}
				}
				for _, res := range results {
					fmt.Fprintf(e.stdout, "restored %s\n  as %s in %s/%s\n  from %s (%s)\n  in %s", res.Source, res.Restored, res.Account, res.Region, res.RecoveryPoint, res.Vault, res.Duration)
					if len(res.Copies) > 0 {
						fmt.Fprintf(e.stdout, " (copying back %s)", res.CopyDuration)
					}
					fmt.Fprintln(e.stdout)
				}
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup restore: %v\n", err)
					return exitProblem
				}
				return exitOK
			}
		})
}

func newDrillCommand(e *env) *cobra.Command {
	return newCommand("drill", "restore the tiers' resources and measure their RTO",
		"Restores resources of every tier (or --tier) from their local vaults, concurrently\n"+
			"within --concurrency and --per-account, validates each, deletes the restored\n"+
			"resources where it can, and measures each RTO from start to validated. Writes the\n"+
			"evidence as drill.json and drill.md in --out. Exits 1 when a restore failed or a\n"+
			"tier's RTO is over its objective.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			tiers := fs.StringSlice("tier", nil, "tiers to drill (default: every tier)")
			pick := fs.String("pick", recovery.PickAll, "resources per tier: all, count or sample")
			n := fs.Int("n", 0, "how many resources per tier with --pick count or sample")
			seed := fs.String("seed", "orgbackup", "seed of --pick sample")
			conc := fs.Int("concurrency", 10, "restores in flight across the organization")
			per := fs.Int("per-account", 0, "restores in flight per account (0: no bound of its own)")
			out := fs.String("out", "drill", "directory for drill.json and drill.md")
			poll := fs.Duration("poll", 30*time.Second, "time between status reads")
			return func(ctx context.Context, args []string) int {
				s, code := openSession(ctx, e, &f, false)
				if s == nil {
					return code
				}
				defer s.close()
				src, progress := e.progress("drill", s.fleet)
				topo, err := backup.DiscoverTopology(ctx, s.spec, src)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup drill: %v\n", err)
					return exitProblem
				}
				accounts, err := s.spec.TierAccountsIn(topo, *tiers)
				if err != nil {
					progress.Close()
					fmt.Fprintf(e.stderr, "orgbackup drill: %v\n", err)
					return exitProblem
				}
				ep := servedEndpoint(ctx, e, s)
				rep, err := recovery.Drill(ctx, s.spec, src, accounts, func(d *recovery.DrillOptions) {
					d.Tiers, d.Pick, d.N, d.Seed = *tiers, *pick, *n, *seed
					d.Concurrency, d.PerAccount, d.PollInterval = *conc, *per, *poll
					d.Now = commandClock(ctx, e, s)
					d.Sleep = remediateSleep(ctx, e, s)
					switch {
					case s.srv != nil:
						d.Cleanup = func(_ context.Context, r recovery.DrillResult) error { return s.srv.RemoveResource(r.Restored) }
					case ep != "":
						c := &ctlClient{name: "orgbackup drill", endpoint: ep, stderr: e.stderr}
						d.Cleanup = func(ctx context.Context, r recovery.DrillResult) error {
							if !c.do(ctx, http.MethodPost, "resources/remove", map[string]string{"arn": r.Restored}, nil) {
								return fmt.Errorf("removing %s from the emulator", r.Restored)
							}
							return nil
						}
					}
					if !e.quiet {
						d.Progress = func(r recovery.DrillResult) {
							fmt.Fprintf(e.stderr, "%s %s %s: %s %s\n", r.Tier, r.Account, r.Source, r.Outcome, strings.TrimSpace(r.RTO.String()+" "+r.Error))
						}
					}
				})
				progress.Close()
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup drill: %v\n", err)
					return exitProblem
				}
				if err := writeFile(filepath.Join(*out, "drill.json"), func(w *os.File) error { return rep.JSON(w) }); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup drill: %v\n", err)
					return exitProblem
				}
				if err := writeFile(filepath.Join(*out, "drill.md"), func(w *os.File) error { return rep.Markdown(w) }); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup drill: %v\n", err)
					return exitProblem
				}
				if err := rep.Markdown(e.stdout); err != nil {
					return exitProblem
				}
				for _, t := range rep.Tiers {
					if !t.Met {
						return exitProblem
					}
				}
				return exitOK
			}
		})
}

func newRunbookCommand(e *env) *cobra.Command {
	return newCommand("runbook", "write each tier's recovery runbook in Markdown",
		"Writes, per tier, the recovery runbook with the exact orgbackup and AWS CLI commands\n"+
			"for one resource, a whole account from the central vault, and a region failover\n"+
			"from the secondary vaults, as runbook-TIER.md in --out. Offline unless --discover\n"+
			"lists the tiers' accounts in the failover.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			out := fs.String("out", "runbooks", "directory for runbook-TIER.md")
			tiers := fs.StringSlice("tier", nil, "tiers (default: every tier)")
			discover := fs.Bool("discover", false, "read the organization to list each tier's accounts")
			return func(ctx context.Context, args []string) int {
				s, code := openSession(ctx, e, &f, true)
				if s == nil {
					return code
				}
				defer s.close()
				accounts := map[string][]string{}
				if *discover {
					topo, err := backup.DiscoverTopology(ctx, s.spec, s.fleet)
					if err == nil {
						accounts, err = s.spec.TierAccountsIn(topo, *tiers)
					}
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup runbook: %v\n", err)
						return exitProblem
					}
				}
				for _, tier := range s.spec.TierNames() {
					if len(*tiers) > 0 && !contains(*tiers, tier) {
						continue
					}
					path := filepath.Join(*out, "runbook-"+tier+".md")
					err := writeFile(path, func(w *os.File) error {
						return recovery.Runbook(w, s.spec, tier, recovery.RunbookOptions{SpecFile: f.specFile, Accounts: accounts[tier]})
					})
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup runbook: %v\n", err)
						return exitProblem
					}
					fmt.Fprintln(e.stdout, path)
				}
				return exitOK
			}
		})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
