// Package action is orgbackup's GitHub Action: it reads the action's
// inputs and the workflow event, decides what may run (plan on pull
// requests, apply only on the default branch, drift on schedule), gets AWS
// credentials with the runner's ID token, and reports through the step
// summary, one pull request comment, annotations and outputs. The planning,
// applying and drift detection are the backup package's; reports are the
// report package's; copies and remediation the crossaccount package's;
// restore drills the recovery package's.
//
// Text a pull request controls (the spec, branch names, titles) never goes
// through an output or an environment file: outputs are counts, booleans,
// the fingerprint, paths the action chose and fixed failure reasons; the
// plan itself goes to files whose paths are outputs.
package action

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
)

// Options configure Run. Every side effect is a field so tests can run the
// action in-process.
type Options struct {
	// Getenv reads the environment (inputs as INPUT_*, GITHUB_*, the ID
	// token request variables). Default os.Getenv.
	Getenv func(string) string
	// Stdout receives the log and workflow commands. Default os.Stdout.
	Stdout io.Writer
	// HTTPClient calls the GitHub API and the ID token endpoint. Default:
	// a client with a 30-second timeout.
	HTTPClient *http.Client
	// LoadAWSConfig loads the ambient AWS configuration for region.
	// Default config.LoadDefaultConfig with that region: environment,
	// shared files, container and instance roles; AWS_ENDPOINT_URL is
	// honoured.
	LoadAWSConfig func(ctx context.Context, region string) (aws.Config, error)
	// DrillCleanup deletes a resource a drill restored; nil leaves
	// restored resources in place (AWS Backup has no API that deletes
	// them) and the evidence and a warning say so.
	DrillCleanup func(ctx context.Context, r recovery.DrillResult) error
	// TempDir is where the plan and report files are written. Default
	// RUNNER_TEMP, else the system's temporary directory.
	TempDir string
	// Clock is the time source of report, copy, remediate and drill. Default
	// time.Now.
	Clock func() time.Time
	// Sleep waits between the copier's looks at running copy jobs and
	// the drill's looks at running restore jobs.
	// Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Result is what a run did. Run writes it as outputs too.
type Result struct {
	// Mode is the mode that ran, auto resolved.
	Mode Mode
	// Plan is the plan made, if any.
	Plan *plan.Plan
	// Drift is the drift report in drift mode.
	Drift *backup.DriftReport
	// Applied is the apply result in apply mode, if apply ran.
	Applied *backup.Result
	// Report is the compliance report in report mode.
	Report *report.Report
	// Copy and Remediation are the reports of copy and remediate modes.
	Copy        *crossaccount.CopyReport
	Remediation *crossaccount.RemediationReport
	// Drill is the evidence of drill mode.
	Drill *recovery.DrillReport
	// Commented reports whether the pull request comment was written.
	Commented bool
	// Outputs are the outputs set.
	Outputs map[string]string
}

// Failure reasons, the first word of the failure-reason output.
const (
	reasonInputs            = "invalid-inputs"
	reasonEvent             = "invalid-event"
	reasonSpec              = "spec-invalid"
	reasonApplyNotAllowed   = "apply-not-allowed"
	reasonNoIDToken         = "no-id-token"
	reasonCredentials       = "credentials"
	reasonAccountNotAllowed = "account-not-allowed"
	reasonPlan              = "plan-failed"
	reasonChecks            = "plan-checks-failed"
	reasonNoReview          = "reviewed-plan-not-found"
	reasonReviewMismatch    = "reviewed-plan-mismatch"
	reasonRefused           = "apply-refused"
	reasonApply             = "apply-failed"
	reasonDrift             = "drift-failed"
	reasonOutputs           = "outputs-failed"
	reasonNotOnPullRequest  = "mode-not-allowed"
	reasonReport            = "report-failed"
	reasonCopy              = "copy-failed"
	reasonRemediate         = "remediate-failed"
	reasonDrill             = "drill-failed"
	reasonDrillMissed       = "drill-objectives-missed"
)

// reasonText is the fixed explanation written after each reason. The
// failure-reason output holds only these, never text from the spec or an
// error, which a pull request could control.
var reasonText = map[string]string{
	reasonInputs:            "an input is invalid; see the error annotation",
	reasonEvent:             "the event payload could not be read",
	reasonSpec:              "the spec has errors; see the annotations on the spec file",
	reasonApplyNotAllowed:   "apply runs only for push or workflow_dispatch on the default branch",
	reasonNoIDToken:         "no ID token to assume role-to-assume; see the error annotation for what to do",
	reasonCredentials:       "AWS credentials could not be obtained or checked",
	reasonAccountNotAllowed: "the credentials belong to an account not in allowed-account-ids",
	reasonPlan:              "planning failed",
	reasonChecks:            "the plan has failed consistency checks and cannot be applied",
	reasonNoReview:          "no reviewed plan was found in the merged pull request",
	reasonReviewMismatch:    "the plan differs from the one reviewed in the merged pull request",
	reasonRefused:           "the plan has destructive or irreversible changes that the inputs do not allow",
	reasonApply:             "some changes failed to apply; run again to converge",
	reasonDrift:             "drift detection failed",
	reasonOutputs:           "the outputs could not be written",
	reasonNotOnPullRequest:  "copy, remediate and drill start jobs, so they never run for pull requests",
	reasonReport:            "the report could not be made or delivered",
	reasonCopy:              "copying failed; run again to resume (no copy is started twice)",
	reasonRemediate:         "remediation failed: a backup failed, needs a fix named in the summary, or was still running",
	reasonDrill:             "the drill could not run",
	reasonDrillMissed:       "a restore failed, or a tier's measured RTO is over its objective; see the job summary",
}

// Failure is the error Run returns when the run fails.
type Failure struct {
	// Reason is a stable identifier, e.g. "reviewed-plan-mismatch".
	Reason string
	// Err says what happened; it may quote the spec.
	Err error
}

func (f *Failure) Error() string { return f.Reason + ": " + f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// Output is the failure-reason output: the reason and its fixed
// explanation.
func (f *Failure) Output() string {
	if t, ok := reasonText[f.Reason]; ok {
		return f.Reason + ": " + t
	}
	return f.Reason
}

func fail(reason string, err error) *Failure { return &Failure{Reason: reason, Err: err} }

// Step summary and comment limits: GitHub accepts at most 1 MiB of
// summary per step ("Adding a job summary") and 65,536 characters per
// comment; the comment is kept to 60,000 characters.
const (
	summaryMaxBytes = 1 << 20
	commentMaxBytes = 60_000
)

// runner holds one run's state.
type runner struct {
	opts    Options
	getenv  func(string) string
	gha     *githubactions.Action
	gctx    *githubactions.GitHubContext
	ev      *event
	in      Inputs
	res     *Result
	summary strings.Builder
}

// Run runs the action once: it reads the inputs and the event from the
// environment, does what the mode says, writes the step summary and the
// outputs, and returns a *Failure when the run fails (the process should
// then exit 1). A successful plan returns nil, with or without changes.
func Run(ctx context.Context, optFns ...func(*Options)) (*Result, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.LoadAWSConfig == nil {
		o.LoadAWSConfig = func(ctx context.Context, region string) (aws.Config, error) {
			return config.LoadDefaultConfig(ctx, config.WithRegion(region))
		}
	}
	if o.TempDir == "" {
		o.TempDir = o.Getenv("RUNNER_TEMP")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	r := &runner{
		opts:   o,
		getenv: o.Getenv,
		gha:    githubactions.New(githubactions.WithGetenv(o.Getenv), githubactions.WithWriter(o.Stdout), githubactions.WithHTTPClient(o.HTTPClient)),
		res:    &Result{Outputs: map[string]string{}},
	}
	err := r.run(ctx)
	if err != nil {
		var f *Failure
		if !errors.As(err, &f) {
			f = fail(reasonPlan, err)
			err = f
		}
		r.res.Outputs[OutFailureReason] = f.Output()
		// Errorf escapes line breaks: the message cannot issue commands.
		r.gha.Errorf("orgbackup: %s", f.Error())
		fmt.Fprintf(&r.summary, "\n> [!CAUTION]\n> **orgbackup failed** (`%s`): %s\n\n```text\n%s\n```\n", f.Reason, reasonText[f.Reason], fence(f.Err.Error()))
	}
	r.flushSummary()
	if werr := writeOutputs(r.gha, r.getenv, r.res.Outputs); werr != nil && err == nil {
		err = fail(reasonOutputs, werr)
		r.gha.Errorf("orgbackup: %s", werr)
	}
	return r.res, err
}

// fence keeps text from closing a ``` fence.
func fence(s string) string { return strings.ReplaceAll(s, "```", "` ` `") }

func (r *runner) run(ctx context.Context) error {
	in, err := ReadInputs(r.getenv)
	if err != nil {
		return fail(reasonInputs, err)
	}
	r.in = in
	gctx, err := r.gha.Context()
	if err != nil {
		return fail(reasonEvent, fmt.Errorf("reading the workflow context: %w", err))
	}
	r.gctx = gctx
	if r.ev, err = readEvent(gctx.EventPath); err != nil {
		return fail(reasonEvent, err)
	}
	mode, why := resolveMode(in.Mode, gctx.EventName, gctx.Ref, r.ev)
	r.res.Mode = mode
	r.gha.Infof("orgbackup: mode %s (input %s, event %s): %s", mode, in.Mode, gctx.EventName, why)
	// Say first what this run does, so nobody takes a plan for an apply.
	fmt.Fprintf(&r.summary, "> orgbackup **%s**: %s.\n\n", mode, why)

	// Gate apply before reading anything: a pull request never applies.
	if mode == ModeApply && !applyAllowed(gctx.EventName, gctx.Ref, r.ev) {
		return fail(reasonApplyNotAllowed, fmt.Errorf("mode apply refused for event %s on %s: apply runs only for push or workflow_dispatch on the default branch", gctx.EventName, gctx.Ref))
	}
	if (mode == ModeCopy || mode == ModeRemediate || mode == ModeDrill) && isPullRequest(gctx.EventName) {
		return fail(reasonNotOnPullRequest, fmt.Errorf("mode %s refused for event %s: it starts jobs in AWS; run it on schedule, push or workflow_dispatch", mode, gctx.EventName))
	}

	sp, err := spec.Load(in.Spec)
	if err != nil {
		return r.specFailure(err)
	}
	if mode == ModeValidate {
		r.gha.Infof("orgbackup: %s is valid", in.Spec)
		fmt.Fprintf(&r.summary, "### orgbackup\n\nThe spec `%s` is valid.\n", strings.ReplaceAll(in.Spec, "`", "'"))
		return nil
	}

	base, err := r.awsConfig(ctx, sp)
	if err != nil {
		return err
	}
	fleet := func(readOnly bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = readOnly
		})
	}
	switch mode {
	case ModePlan:
		return r.plan(ctx, sp, fleet(true))
	case ModeApply:
		return r.apply(ctx, sp, fleet(true), fleet(false))
	case ModeDrift:
		return r.drift(ctx, sp, fleet(true))
	case ModeReport:
		return r.report(ctx, sp, fleet(true), fleet(false))
	case ModeCopy:
		return r.copy(ctx, sp, fleet(r.in.DryRun))
	case ModeRemediate:
		return r.remediate(ctx, sp, fleet(r.in.DryRun))
	case ModeDrill:
		return r.drill(ctx, sp, fleet(false))
	}
	return fail(reasonInputs, fmt.Errorf("unknown mode %q", mode))
}

// awsConfig returns the base configuration: the ambient one, with the
// role assumed through the runner's ID token when role-to-assume is set,
// checked against allowed-account-ids.
func (r *runner) awsConfig(ctx context.Context, sp *spec.Spec) (aws.Config, error) {
	region := r.in.Region
	if region == "" {
		region = sp.Organization.Regions.Primary
	}
	cfg, err := r.opts.LoadAWSConfig(ctx, region)
	if err != nil {
		return aws.Config{}, fail(reasonCredentials, fmt.Errorf("loading the AWS configuration: %w", err))
	}
	if r.in.RoleToAssume != "" {
		if err := r.webIdentity(ctx, &cfg, r.in.RoleToAssume); err != nil {
			return aws.Config{}, err
		}
	}
	if _, err := checkAccount(ctx, cfg, r.in.AllowedAccountIDs); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

// specFailure annotates every spec error on the spec file.
func (r *runner) specFailure(err error) error {
	problems := spec.SpecErrors(err)
	if len(problems) == 0 {
		return fail(reasonSpec, err)
	}
	for _, p := range problems {
		fields := map[string]string{"file": p.File, "title": "orgbackup spec"}
		if p.Line > 0 {
			fields["line"] = fmt.Sprint(p.Line)
		}
		if p.Col > 0 {
			fields["col"] = fmt.Sprint(p.Col)
		}
		msg := p.Message
		if p.Path != "" {
			msg = p.Path + ": " + msg
		}
		// The library escapes properties and message, so spec text
		// cannot end the command or start another.
		r.gha.WithFieldsMap(fields).Errorf("%s", msg)
	}
	return fail(reasonSpec, fmt.Errorf("%d problem(s) in %s", len(problems), r.in.Spec))
}

// logText writes untrusted text to the log with workflow commands turned
// off, so a line of it that looks like "::error::" or "::add-mask::" is
// printed, not run ("Stopping and starting workflow commands").
func (r *runner) logText(text string) {
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	fmt.Fprintf(r.opts.Stdout, "::stop-commands::%s\n%s", token, text)
	if !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(r.opts.Stdout)
	}
	fmt.Fprintf(r.opts.Stdout, "::%s::\n", token)
}

// flushSummary appends the summary to GITHUB_STEP_SUMMARY, if set.
func (r *runner) flushSummary() {
	if r.summary.Len() == 0 || r.getenv("GITHUB_STEP_SUMMARY") == "" {
		return
	}
	s := r.summary.String()
	if len(s) > summaryMaxBytes-1024 {
		s = s[:summaryMaxBytes-1024] + "\n\n(cut: the step summary is limited to 1 MiB)\n"
	}
	defer func() {
		if rec := recover(); rec != nil {
			r.gha.Warningf("orgbackup: writing the step summary: %v", rec)
		}
	}()
	r.gha.AddStepSummary(s)
}
