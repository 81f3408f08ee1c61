package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

// reportName is the file name (without extension) of the report files
// and uploaded objects.
const reportName = "orgbackup-report"

// report collects and evaluates the organization's backup state over the
// last report-days days, writes the report files, puts the Markdown in the
// step summary and uploads the files to the spec's reports bucket when
// upload-report is set.
func (r *runner) report(ctx context.Context, sp *spec.Spec, ro, rw *crossaccount.Fleet) error {
	if r.in.UploadReport && (sp.Reports == nil || sp.Reports.Bucket == "") {
		return fail(reasonReport, errors.New("upload-report needs reports.bucket in the spec"))
	}
	inv, err := report.Collect(ctx, sp, report.FromConfigs(ro), report.LastDays(r.opts.Clock(), r.in.ReportDays))
	if err != nil {
		return fail(reasonReport, err)
	}
	for _, w := range inv.Warnings {
		r.gha.Warningf("orgbackup: %s", w)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		return fail(reasonReport, err)
	}
	r.res.Report = rep

	dir, err := os.MkdirTemp(r.opts.TempDir, "orgbackup-report-")
	if err != nil {
		return fail(reasonReport, fmt.Errorf("creating the report directory: %w", err))
	}
	paths, err := report.WriteFiles(dir, reportName, rep, report.AllFormats())
	if err != nil {
		return fail(reasonReport, err)
	}
	out := r.res.Outputs
	pathOutputs := map[string]string{
		report.FormatMarkdown: OutReportMarkdownPath, report.FormatJSON: OutReportJSONPath,
		report.FormatCSV: OutReportCSVPath, report.FormatHTML: OutReportHTMLPath,
	}
	for i, f := range report.AllFormats() {
		out[pathOutputs[f]] = paths[i]
	}
	out[OutCompliant] = strconv.FormatBool(rep.Compliant())
	if p := rep.Summary.CompliancePercent; p != nil {
		out[OutCompliancePercent] = strconv.FormatFloat(*p, 'f', -1, 64)
	}
	if err := report.Markdown(&r.summary, rep, report.MarkdownOptions{
		MaxBytes:   report.DefaultMarkdownBytes,
		FullReport: "the report-html-path file of this step",
	}); err != nil {
		return fail(reasonReport, err)
	}

	if r.in.UploadReport {
		org := sp.Organization
		cfg, err := rw.Config(ctx, org.BackupAccount, org.Regions.Primary)
		if err != nil {
			return fail(reasonReport, err)
		}
		keys, err := report.Upload(ctx, awss3.NewFromConfig(cfg), sp.Reports.Bucket, reportName, rep, report.AllFormats())
		if err != nil {
			return fail(reasonReport, err)
		}
		r.gha.Infof("orgbackup: uploaded %d report files to the reports bucket under %s", len(keys), path.Dir(report.ObjectKey(rep.GeneratedAt, reportName, report.FormatJSON)))
	}
	if !rep.Compliant() {
		r.gha.Warningf("orgbackup: the organization does not comply with the spec; see the job summary")
	}
	return nil
}

// progress returns a printer of copier and remediator events for the
// log: one line at most every 30 seconds, the last one at Close.
func (r *runner) progress(label string) *crossaccount.ProgressPrinter {
	return crossaccount.NewProgressPrinter(r.opts.Stdout, crossaccount.ProgressPrinterOptions{Label: label, Now: r.opts.Clock})
}

// copy runs the copier over the spec's routes to copy-to
// (spec.Spec.CopyRoutes), over the whole organization.
func (r *runner) copy(ctx context.Context, sp *spec.Spec, src *crossaccount.Fleet) error {
	topo, err := backup.DiscoverTopology(ctx, sp, src)
	if err != nil {
		return fail(reasonCopy, err)
	}
	routes, err := backup.CopyRoutes(sp, topo, r.in.CopyTo)
	if err != nil {
		return fail(reasonCopy, err)
	}
	p := r.progress("copy")
	rep, runErr := crossaccount.NewCopier(src, routes, func(o *crossaccount.CopyOptions) {
		o.DryRun = r.in.DryRun
		o.Clock = r.opts.Clock
		o.Sleep = r.opts.Sleep
		o.Progress = p.Event
	}).Run(ctx)
	p.Close()
	if rep == nil {
		return fail(reasonCopy, runErr)
	}
	r.res.Copy = rep
	return r.finish(reasonCopy, "copy", rep, runErr)
}

// remediate runs the remediator over the spec's targets
// (spec.Spec.RemediationTargets), over the whole organization.
func (r *runner) remediate(ctx context.Context, sp *spec.Spec, src *crossaccount.Fleet) error {
	topo, err := backup.DiscoverTopology(ctx, sp, src)
	if err != nil {
		return fail(reasonRemediate, err)
	}
	targets, err := backup.RemediationTargets(sp, topo, r.opts.Clock())
	if err != nil {
		return fail(reasonRemediate, err)
	}
	p := r.progress("remediate")
	rep, runErr := crossaccount.NewRemediator(src, targets, func(o *crossaccount.RemediateOptions) {
		o.DryRun = r.in.DryRun
		o.Wait = crossaccount.DefaultRemediationWait
		o.Clock = r.opts.Clock
		o.Sleep = r.opts.Sleep
		o.Progress = p.Event
	}).Run(ctx)
	p.Close()
	if rep == nil {
		return fail(reasonRemediate, runErr)
	}
	r.res.Remediation = rep
	if err := r.finish(reasonRemediate, "remediate", rep, runErr); err != nil {
		return err
	}
	// A backup that failed, was not started for a cause a retry cannot
	// fix, or was still running when the wait ended fails the step.
	if failures := rep.Failures(); len(failures) > 0 {
		return fail(reasonRemediate, remediationFailures(failures))
	}
	return nil
}

// maxFailuresInError bounds the failures an error names one by one.
const maxFailuresInError = 5

// remediationFailures is the error of a remediation that left resources
// unprotected: each with its outcome, reason and fix.
func remediationFailures(failures []crossaccount.RemediationResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d resources are not protected", len(failures))
	for i, res := range failures {
		if i == maxFailuresInError {
			fmt.Fprintf(&b, "; … and %d more (see the job summary)", len(failures)-i)
			break
		}
		fmt.Fprintf(&b, "; %s/%s %s: %s: %s", res.Target.Account, res.Target.Region, res.ResourceARN, res.Outcome, res.Reason)
		if res.Fix != "" {
			fmt.Fprintf(&b, " (fix: %s)", res.Fix)
		}
	}
	return errors.New(b.String())
}

// operationReport is a Copier's or a Remediator's report.
type operationReport interface {
	Protected() bool
	Text(w io.Writer) error
	Markdown(w io.Writer) error
}

// finish reports a copy or remediation run: the table in the log and in
// the step summary, and the protected output.
func (r *runner) finish(reason, name string, rep operationReport, runErr error) error {
	var text strings.Builder
	rep.Text(&text)
	r.logText(text.String())
	fmt.Fprintf(&r.summary, "### orgbackup %s\n\n", name)
	if r.in.DryRun {
		r.summary.WriteString("Dry run: nothing was started.\n\n")
	}
	if err := rep.Markdown(&r.summary); err != nil {
		return fail(reason, err)
	}
	r.res.Outputs[OutProtected] = strconv.FormatBool(rep.Protected())
	if runErr != nil {
		return fail(reason, runErr)
	}
	if !rep.Protected() {
		r.gha.Warningf("orgbackup: %s: not everything is protected; see the job summary", name)
	}
	return nil
}
