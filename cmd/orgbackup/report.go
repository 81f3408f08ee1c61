package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/report"
)

func newReportCommand(e *env) *cobra.Command {
	return newCommand("report", "report backup compliance, job outcomes and cost across the organization",
		"Reads backup and copy jobs, recovery points, resources, vaults and keys across the\norganization (read-only) and reports compliance with the spec, job outcomes and cost.",
		func(fs *pflag.FlagSet) runFunc {
			var f engineFlags
			f.register(fs)
			format := fs.String("format", report.FormatMarkdown, "format written to standard output: md, json, csv or html")
			out := fs.String("out", "", "also write the report in every format to this directory")
			name := fs.String("name", "orgbackup-report", "file name (without extension) of written and uploaded reports")
			days := fs.Int("days", 7, "days of job history to cover (ListBackupJobs keeps 30)")
			prices := fs.String("prices", "", pricesUsage+"; a legacy report price table is accepted too")
			monitoring := fs.String("monitoring-account", "", "account that lists jobs organization-wide (default: the spec's backup account, the delegated administrator; the management account with --emulator)")
			upload := fs.Bool("upload", false, "upload the report to the spec's reports bucket under orgbackup/reports/YYYY/MM/DD/")
			detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the organization is not compliant")
			return func(ctx context.Context, args []string) int {
				if !slices.Contains(report.AllFormats(), *format) {
					fmt.Fprintf(e.stderr, "orgbackup report: unknown format %q (want %s)\n", *format, strings.Join(report.AllFormats(), ", "))
					return exitUsage
				}
				if *days < 1 || *days > 30 {
					fmt.Fprintln(e.stderr, "orgbackup report: --days must be between 1 and 30")
					return exitUsage
				}
				var evalOpts []func(*report.EvaluateOptions)
				costPrices, legacy, err := reportPrices(*prices)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
					return exitProblem
				}
				if legacy != nil {
					evalOpts = append(evalOpts, func(o *report.EvaluateOptions) { o.Prices = legacy })
				}
				s, code := openSession(ctx, e, &f, true)
				if s == nil {
					return code
				}
				defer s.close()
				acct := *monitoring
				if acct == "" && s.srv != nil {
					acct = s.spec.Organization.ManagementAccount
				}
				now := commandClock(ctx, e, s)()
				src, progress := e.progress("report", s.fleet)
				inv, err := report.Collect(ctx, s.spec, report.FromConfigs(src), report.LastDays(now, *days), func(o *report.Options) {
					o.MonitoringAccount = acct
				})
				progress.Close()
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
					return exitProblem
				}
				rep, err := report.Evaluate(s.spec, inv, evalOpts...)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
					return exitProblem
				}
				// Legal holds: informational, so a failure to read them
				// is a warning, not a failed report.
				holdAccounts := []string{s.spec.Organization.BackupAccount}
				for _, r := range rep.Resources {
					if r.Account != "" && !slices.Contains(holdAccounts, r.Account) {
						holdAccounts = append(holdAccounts, r.Account)
					}
				}
				if holds, err := report.CollectLegalHolds(ctx, src, holdAccounts, s.spec.Regions()); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: warning: %v\n", err)
				} else if len(holds.Holds) > 0 {
					rep.LegalHolds = holds
				}
				data, err := report.Render(rep, *format)
				if err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
					return exitProblem
				}
				if _, err := e.stdout.Write(data); err != nil {
					return exitProblem
				}
				if err := reportCostModel(e, s.spec, inv, costPrices, *format, *out, *name); err != nil {
					fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
					return exitProblem
				}
				if *out != "" {
					paths, err := report.WriteFiles(*out, *name, rep, report.AllFormats())
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
						return exitProblem
					}
					for _, p := range paths {
						fmt.Fprintf(e.stderr, "wrote %s\n", filepath.ToSlash(p))
					}
				}
				if *upload {
					if s.spec.Reports == nil || s.spec.Reports.Bucket == "" {
						fmt.Fprintln(e.stderr, "orgbackup report: --upload needs reports.bucket in the spec")
						return exitProblem
					}
					cfg, err := s.newFleet(false).Config(ctx, s.spec.Organization.BackupAccount, s.spec.Organization.Regions.Primary)
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
						return exitProblem
					}
					keys, err := report.Upload(ctx, awss3.NewFromConfig(cfg), s.spec.Reports.Bucket, *name, rep, report.AllFormats())
					if err != nil {
						fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
						return exitProblem
					}
					for _, k := range keys {
						fmt.Fprintf(e.stderr, "uploaded s3://%s/%s\n", s.spec.Reports.Bucket, k)
					}
				}
				if *detailed && !rep.Compliant() {
					return exitChanges
				}
				return exitOK

			}
		})
}

// clockProbeTimeout bounds the question "is this endpoint an emulator?".
const clockProbeTimeout = 2 * time.Second

// commandClock is the time source of a command that reads time (report,
// remediate): the in-process emulator's virtual clock with --emulator;
// else, when the session's endpoint (AWS_ENDPOINT_URL or the shared
// configuration's endpoint_url) answers the emulator's control API
// GET /_orgbackup/clock, the served emulator's virtual clock, read at each
// call; else the host's clock. Report windows, evaluation and upload keys
// all take their time from it, so a simulation's report judges emulated
// days, not the host's.
func commandClock(ctx context.Context, e *env, s *session) func() time.Time {
	if s.srv != nil {
		return s.srv.Now
	}
	ep := aws.ToString(s.base.BaseEndpoint)
	if ep == "" {
		ep = e.getenv("AWS_ENDPOINT_URL")
	}
	if ep == "" {
		return time.Now
	}
	first, err := emulatorNow(ctx, ep)
	if err != nil {
		return time.Now // not an emulator: AWS, or another endpoint
	}
	var mu sync.Mutex
	last := first
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if t, err := emulatorNow(ctx, ep); err == nil {
			last = t
		}
		return last
	}
}

// emulatorNow asks a served emulator for its virtual time.
func emulatorNow(ctx context.Context, endpoint string) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, clockProbeTimeout)
	defer cancel()
	u := strings.TrimSuffix(endpoint, "/") + "/_orgbackup/clock"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("asking %s for the time: %w", endpoint, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("asking %s for the time: %w", endpoint, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the time from %s: %w", endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		return time.Time{}, fmt.Errorf("asking %s for the time: %s", endpoint, resp.Status)
	}
	var out struct{ Now time.Time }
	if err := json.Unmarshal(body, &out); err != nil || out.Now.IsZero() {
		return time.Time{}, fmt.Errorf("%s does not answer the emulator's control API", endpoint)
	}
	return out.Now, nil
}
