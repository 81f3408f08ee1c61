package action

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

// Mode is what a run does.
type Mode string

// The modes of the mode input.
const (
	// ModeAuto plans on pull_request, applies on push to the default
	// branch, checks drift on schedule and plans on anything else.
	ModeAuto Mode = "auto"
	// ModePlan plans (read-only) and reports.
	ModePlan Mode = "plan"
	// ModeApply plans and applies; it runs only for push or
	// workflow_dispatch on the default branch.
	ModeApply Mode = "apply"
	// ModeDrift compares the organization with the spec (read-only).
	ModeDrift Mode = "drift"
	// ModeValidate checks the spec only; it needs no AWS credentials.
	ModeValidate Mode = "validate"
	// ModeReport reports compliance with the spec, job outcomes and cost
	// (read-only, unless upload-report is set).
	ModeReport Mode = "report"
	// ModeCopy copies the recovery points that lack their copy in the
	// central (or secondary) vault; it never runs for pull requests.
	ModeCopy Mode = "copy"
	// ModeRemediate starts backups of resources whose backup jobs failed
	// and that have no recovery point within their tier's RPO; it never
	// runs for pull requests.
	ModeRemediate Mode = "remediate"
	// ModeDrill restores resources of the tiers from their local vaults,
	// validates them and measures each tier's RTO against its objective;
	// it never runs for pull requests.
	ModeDrill Mode = "drill"
)

// Copy destinations of the copy-to input: those of spec.Spec.CopyRoutes.
const (
	CopyToCentral   = backup.CopyToCentral
	CopyToSecondary = backup.CopyToSecondary
)

// DefaultReportDays is the default of the report-days input.
const DefaultReportDays = 7

// Defaults of the drill inputs: one resource per tier, sampled, a few
// restores at once, so a scheduled drill's cost stays small.
const (
	DefaultDrillPick        = recovery.PickSample
	DefaultDrillN           = 1
	DefaultDrillConcurrency = 5
)

// Comment values of the comment input.
const (
	CommentAlways      = "true"
	CommentChangesOnly = "changes-only"
	CommentNever       = "false"
)

// Inputs are the action's inputs, as action.yml declares them.
type Inputs struct {
	// Spec is the spec file. Default spec.DefaultSpecFile.
	Spec string
	// Mode is what to do. Default ModeAuto.
	Mode Mode
	// AllowDestructive and AcknowledgeIrreversible are passed to apply.
	AllowDestructive        bool
	AcknowledgeIrreversible bool
	// RequireReviewedPlan makes apply refuse a plan whose fingerprint
	// differs from the one in the merged pull request's plan comment.
	RequireReviewedPlan bool
	// Comment says when to comment on pull requests. Default
	// CommentAlways.
	Comment string
	// GitHubToken authenticates GitHub API calls (comments, pull request
	// lookup).
	GitHubToken string
	// RoleToAssume is the IAM role assumed with the runner's ID token;
	// empty means the ambient credentials.
	RoleToAssume string
	// Region is the AWS region for STS and the base configuration.
	// Default: the spec's primary region.
	Region string
	// AllowedAccountIDs, when not empty, are the only accounts the
	// credentials may belong to.
	AllowedAccountIDs []string
	// DryRun makes copy and remediate report what they would do and
	// start nothing.
	DryRun bool
	// CopyTo is where copy copies to: CopyToCentral (the default) or
	// CopyToSecondary.
	CopyTo string
	// ReportDays is the days of job history report covers, 1 to 30.
	// Default DefaultReportDays.
	ReportDays int
	// UploadReport makes report upload its files to the spec's reports
	// bucket.
	UploadReport bool
	// DrillTiers are the tiers drill restores; empty means every tier.
	DrillTiers []string
	// DrillPick is how drill chooses each tier's resources:
	// recovery.PickAll, PickCount or PickSample (the default).
	DrillPick string
	// DrillN is how many resources per tier drill restores with pick
	// count or sample. Default DefaultDrillN.
	DrillN int
	// DrillConcurrency bounds drill's restores in flight. Default
	// DefaultDrillConcurrency.
	DrillConcurrency int
}

// inputNames are the inputs in action.yml order; each is read from
// INPUT_<NAME> with dashes as underscores, the variables action.yml sets.
var inputNames = []string{
	"spec", "mode", "allow-destructive", "acknowledge-irreversible", "require-reviewed-plan",
	"comment", "github-token", "role-to-assume", "region", "allowed-account-ids",
	"dry-run", "copy-to", "report-days", "upload-report",
	"drill-tiers", "drill-pick", "drill-n", "drill-concurrency",
}

// inputEnv is the environment variable action.yml maps an input to.
func inputEnv(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

var (
	// An IAM role ARN in any partition ("IAM identifiers": path and
	// name use [\w+=,.@/-]).
	roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// A tier name as the spec's tiers map may key it; the spec itself
	// decides which tiers exist.
	tierNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)
)

// Bounds of the drill inputs.
const (
	maxDrillN           = 1000
	maxDrillConcurrency = 100
)

// listInput splits an input holding a list separated by commas or
// whitespace.
func listInput(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r'
	})
}

// ReadInputs reads and validates the inputs, reporting every problem at
// once.
func ReadInputs(getenv func(string) string) (Inputs, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(inputEnv(name))) }
	in := Inputs{
		Spec:         get("spec"),
		Mode:         Mode(get("mode")),
		Comment:      get("comment"),
		GitHubToken:  get("github-token"),
		RoleToAssume: get("role-to-assume"),
		Region:       get("region"),
		CopyTo:       get("copy-to"),
	}
	var errs []error
	boolean := func(name string) bool {
		v := get(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("input %s: want true or false", name))
		}
		return b
	}
	in.AllowDestructive = boolean("allow-destructive")
	in.AcknowledgeIrreversible = boolean("acknowledge-irreversible")
	in.RequireReviewedPlan = boolean("require-reviewed-plan")
	in.DryRun = boolean("dry-run")
	in.UploadReport = boolean("upload-report")
	switch in.CopyTo {
	case "":
		in.CopyTo = CopyToCentral
	case CopyToCentral, CopyToSecondary:
	default:
		errs = append(errs, errors.New("input copy-to: want central or secondary"))
	}
	in.ReportDays = DefaultReportDays
	if v := get("report-days"); v != "" {
		// ListBackupJobs returns the last 30 days of jobs.
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 30 {
			errs = append(errs, errors.New("input report-days: want a number of days from 1 to 30"))
		} else {
			in.ReportDays = n
		}
	}
	in.DrillTiers = listInput(get("drill-tiers"))
	for _, tier := range in.DrillTiers {
		if !tierNameRE.MatchString(tier) {
			errs = append(errs, errors.New("input drill-tiers: want tier names separated by commas"))
			break
		}
	}
	in.DrillPick = get("drill-pick")
	switch in.DrillPick {
	case "":
		in.DrillPick = DefaultDrillPick
	case recovery.PickAll, recovery.PickCount, recovery.PickSample:
	default:
		errs = append(errs, errors.New("input drill-pick: want all, count or sample"))
	}
	in.DrillN = DefaultDrillN
	if v := get("drill-n"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDrillN {
			errs = append(errs, fmt.Errorf("input drill-n: want a number of resources per tier from 1 to %d", maxDrillN))
		} else {
			in.DrillN = n
		}
	}
	in.DrillConcurrency = DefaultDrillConcurrency
	if v := get("drill-concurrency"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDrillConcurrency {
			errs = append(errs, fmt.Errorf("input drill-concurrency: want a number of restores from 1 to %d", maxDrillConcurrency))
		} else {
			in.DrillConcurrency = n
		}
	}
	if in.Spec == "" {
		in.Spec = spec.DefaultSpecFile
	}
	switch in.Mode {
	case "":
		in.Mode = ModeAuto
	case ModeAuto, ModePlan, ModeApply, ModeDrift, ModeValidate, ModeReport, ModeCopy, ModeRemediate, ModeDrill:
	default:
		errs = append(errs, errors.New("input mode: want auto, plan, apply, drift, validate, report, copy, remediate or drill"))
	}
	// A drill has no dry run: it would restore while the inputs say
	// nothing starts.
	if in.Mode == ModeDrill && in.DryRun {
		errs = append(errs, errors.New("input dry-run: drill has no dry run; it always restores"))
	}
	switch in.Comment {
	case "":
		in.Comment = CommentAlways
	case CommentAlways, CommentChangesOnly, CommentNever:
	default:
		errs = append(errs, errors.New("input comment: want true, changes-only or false"))
	}
	if in.RoleToAssume != "" && !roleARNRE.MatchString(in.RoleToAssume) {
		errs = append(errs, errors.New("input role-to-assume: want an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"))
	}
	if in.Region != "" && !regionRE.MatchString(in.Region) {
		errs = append(errs, errors.New("input region: want a region name such as us-east-1"))
	}
	for _, id := range listInput(get("allowed-account-ids")) {
		if !policy.IsAccountID(id) {
			errs = append(errs, errors.New("input allowed-account-ids: want 12-digit account IDs separated by commas"))
			break
		}
		in.AllowedAccountIDs = append(in.AllowedAccountIDs, id)
	}
	return in, errors.Join(errs...)
}
