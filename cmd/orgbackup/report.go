package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/report"
)

func reportCommands() map[string]command {
	return map[string]command{
		"report": {summary: "report backup compliance, job outcomes and cost across the organization", run: runReport},
	}
}

func runReport(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("orgbackup report", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f engineFlags
	f.register(fs)
	format := fs.String("format", report.FormatMarkdown, "format written to standard output: md, json, csv or html")
	out := fs.String("out", "", "also write the report in every format to this directory")
	name := fs.String("name", "orgbackup-report", "file name (without extension) of written and uploaded reports")
	days := fs.Int("days", 7, "days of job history to cover (ListBackupJobs keeps 30)")
	prices := fs.String("prices", "", "JSON price table overriding the built-in AWS Backup prices")
	monitoring := fs.String("monitoring-account", "", "account that lists jobs organization-wide (default: the spec's backup account, the delegated administrator; the management account with --emulator)")
	upload := fs.Bool("upload", false, "upload the report to the spec's reports bucket under orgbackup/reports/YYYY/MM/DD/")
	detailed := fs.Bool("detailed-exitcode", false, "exit 2 when the organization is not compliant")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: orgbackup report [--format md|json|csv|html] [--out DIR] [--spec FILE] [--emulator] [--days N] [--upload]\n\nReads backup and copy jobs, recovery points, resources, vaults and keys across the\norganization (read-only) and reports compliance with the spec, job outcomes and cost.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	if !slices.Contains(report.AllFormats(), *format) {
		fmt.Fprintf(e.stderr, "orgbackup report: unknown format %q (want %s)\n", *format, strings.Join(report.AllFormats(), ", "))
		return exitUsage
	}
	if *days < 1 || *days > 30 {
		fmt.Fprintln(e.stderr, "orgbackup report: --days must be between 1 and 30")
		return exitUsage
	}
	var evalOpts []func(*report.EvaluateOptions)
	if *prices != "" {
		p, err := report.LoadPrices(*prices)
		if err != nil {
			fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
			return exitProblem
		}
		evalOpts = append(evalOpts, func(o *report.EvaluateOptions) { o.Prices = p })
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
	now := time.Now()
	if s.srv != nil {
		now = s.srv.Now() // the emulator's virtual clock
	}
	inv, err := report.Collect(ctx, s.spec, report.FromConfigs(s.fleet), report.LastDays(now, *days), func(o *report.Options) {
		o.MonitoringAccount = acct
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
		return exitProblem
	}
	rep, err := report.Evaluate(s.spec, inv, evalOpts...)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
		return exitProblem
	}
	data, err := report.Render(rep, *format)
	if err != nil {
		fmt.Fprintf(e.stderr, "orgbackup report: %v\n", err)
		return exitProblem
	}
	if _, err := e.stdout.Write(data); err != nil {
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
		return 2
	}
	return exitOK
}
