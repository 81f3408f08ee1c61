package action

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/cost"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// planSummaryMaxBytes leaves room in the step summary for what follows
// the plan (apply results, failures).
const planSummaryMaxBytes = summaryMaxBytes - 64<<10

// plan plans read-only, reports and comments on the pull request.
func (r *runner) plan(ctx context.Context, sp *spec.Spec, ro crossaccount.ConfigSource) error {
	p, err := backup.PlanChanges(ctx, sp, ro)
	if err != nil {
		return fail(reasonPlan, fmt.Errorf("planning: %w", err))
	}
	r.priceChanges(p, sp)
	if err := r.reportPlan(p); err != nil {
		return err
	}
	if isPullRequest(r.gctx.EventName) {
		r.comment(ctx, p)
	}
	if len(p.Checks) > 0 {
		return fail(reasonChecks, fmt.Errorf("%d consistency check(s) failed; see the plan", len(p.Checks)))
	}
	return nil
}

// reportPlan logs the plan, writes its files, puts it in the step summary
// and sets the plan outputs.
func (r *runner) reportPlan(p *plan.Plan) error {
	r.res.Plan = p
	var text strings.Builder
	plan.Text(&text, p, plan.TextOptions{})
	r.logText(text.String())

	dir, err := os.MkdirTemp(r.opts.TempDir, "orgbackup-")
	if err != nil {
		return fail(reasonPlan, fmt.Errorf("creating the plan directory: %w", err))
	}
	jsonPath, mdPath := filepath.Join(dir, "plan.json"), filepath.Join(dir, "plan.md")
	if err := writeFile(jsonPath, func(f *os.File) error { return plan.Write(f, p) }); err != nil {
		return fail(reasonPlan, err)
	}
	if err := writeFile(mdPath, func(f *os.File) error {
		return plan.Markdown(f, p, plan.MarkdownOptions{MaxBytes: math.MaxInt32})
	}); err != nil {
		return fail(reasonPlan, err)
	}
	plan.Markdown(&r.summary, p, plan.MarkdownOptions{
		MaxBytes:        planSummaryMaxBytes,
		FullPlanPointer: "the plan-markdown-path and plan-json-path files of this step",
	})

	s := p.Summary()
	out := r.res.Outputs
	out[OutHasChanges] = strconv.FormatBool(p.HasChanges())
	// A replacement deletes and creates, so it counts in both.
	out[OutToCreate] = strconv.Itoa(s.Create + s.Replace)
	out[OutToUpdate] = strconv.Itoa(s.Update)
	out[OutToDelete] = strconv.Itoa(s.Delete + s.Replace)
	out[OutHasDestructiveChanges] = strconv.FormatBool(s.Destructive > 0)
	out[OutPlanFingerprint] = p.Fingerprint
	out[OutPlanJSONPath] = jsonPath
	out[OutPlanMarkdownPath] = mdPath
	return nil
}

func writeFile(path string, fn func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// gitHub returns the API client for the workflow's repository.
func (r *runner) gitHub() *gitHub {
	owner, name := r.gctx.Repo()
	return &gitHub{base: r.gctx.APIURL, token: r.in.GitHubToken, owner: owner, repo: name, client: r.opts.HTTPClient}
}

// comment writes the plan into the pull request's one plan comment. Any
// failure is a warning: the plan is in the step summary anyway.
func (r *runner) comment(ctx context.Context, p *plan.Plan) {
	if r.in.Comment == CommentNever {
		return
	}
	if r.ev.PullRequest == nil || r.ev.PullRequest.Number <= 0 {
		r.gha.Warningf("orgbackup: the event payload names no pull request; not commenting")
		return
	}
	if r.in.GitHubToken == "" {
		r.gha.Warningf("orgbackup: github-token is empty; not commenting (the plan is in the job summary)")
		return
	}
	create := r.in.Comment == CommentAlways || p.HasChanges() || len(p.Checks) > 0
	var body strings.Builder
	plan.Markdown(&body, p, plan.MarkdownOptions{
		MaxBytes:        commentMaxBytes,
		Marker:          planMarker{Spec: p.Spec, Digest: p.SpecDigest, Fingerprint: p.Fingerprint}.text(),
		FullPlanPointer: "the job summary of " + r.runURL(),
	})
	ok, err := upsertComment(ctx, r.gitHub(), r.ev.PullRequest.Number, p.Spec, body.String(), create)
	if err != nil {
		msg := "orgbackup: could not comment on the pull request (the plan is in the job summary): %v"
		if r.ev.fromFork() {
			msg = "orgbackup: could not comment on the pull request; GitHub gives pull requests from forks a read-only token (the plan is in the job summary): %v"
		}
		r.gha.Warningf(msg, err)
		return
	}
	r.res.Commented = ok
}

// runURL is the link to this workflow run.
func (r *runner) runURL() string {
	if r.gctx.Repository == "" || r.gctx.RunID == 0 {
		return "this workflow run"
	}
	return fmt.Sprintf("%s/%s/actions/runs/%d", strings.TrimSuffix(r.gctx.ServerURL, "/"), r.gctx.Repository, r.gctx.RunID)
}

// apply plans again, checks the plan against the reviewed one when asked,
// and applies it.
func (r *runner) apply(ctx context.Context, sp *spec.Spec, ro, rw crossaccount.ConfigSource) error {
	p, err := backup.PlanChanges(ctx, sp, ro)
	if err != nil {
		return fail(reasonPlan, fmt.Errorf("planning: %w", err))
	}
	if err := r.reportPlan(p); err != nil {
		return err
	}
	if len(p.Checks) > 0 {
		return fail(reasonChecks, fmt.Errorf("%d consistency check(s) failed; nothing was applied", len(p.Checks)))
	}
	if !p.HasChanges() {
		r.gha.Infof("orgbackup: no changes; nothing to apply")
		return nil
	}
	if r.in.RequireReviewedPlan {
		if err := r.checkReviewed(ctx, p); err != nil {
			return err
		}
	}
	res, err := backup.Apply(ctx, rw, p, func(o *backup.ApplyOptions) {
		o.AllowDestructive = r.in.AllowDestructive
		o.AcknowledgeIrreversible = r.in.AcknowledgeIrreversible
	})
	var refused *backup.RefusedError
	if errors.As(err, &refused) {
		return fail(reasonRefused, err)
	}
	var incomplete *backup.IncompleteError
	if err != nil && !errors.As(err, &incomplete) {
		return fail(reasonApply, err)
	}
	r.res.Applied = res
	applied, failed, skipped := res.Counts()
	fmt.Fprintf(&r.summary, "\n#### Apply\n\n%d applied, %d failed, %d skipped.\n", applied, failed, skipped)
	var lines []string
	for _, c := range res.Changes {
		if c.Outcome == backup.Failed || c.Outcome == backup.Skipped {
			lines = append(lines, fmt.Sprintf("%s %s: %v", c.Outcome, c.Address, c.Err))
		}
	}
	if len(lines) > 0 {
		text := strings.Join(lines, "\n")
		fmt.Fprintf(&r.summary, "\n```text\n%s\n```\n", fence(text))
		r.logText(text)
		return fail(reasonApply, fmt.Errorf("%d change(s) failed and %d were skipped", failed, skipped))
	}
	return nil
}

// checkReviewed refuses p unless its fingerprint is the one in the plan
// comment of the merged pull request that brought this commit.
func (r *runner) checkReviewed(ctx context.Context, p *plan.Plan) error {
	if r.in.GitHubToken == "" {
		return fail(reasonNoReview, errors.New("require-reviewed-plan needs github-token to read the pull request"))
	}
	g := r.gitHub()
	pr, err := g.mergedPullRequest(ctx, r.gctx.SHA, r.ev.Repository.DefaultBranch)
	if err != nil {
		return fail(reasonNoReview, err)
	}
	if pr == nil {
		return fail(reasonNoReview, fmt.Errorf("commit %s came from no merged pull request, so there is no reviewed plan", r.gctx.SHA))
	}
	cs, err := g.comments(ctx, pr.Number)
	if err != nil {
		return fail(reasonNoReview, err)
	}
	// Only a comment for this very spec counts as its review.
	c, m := planComment(cs, p.Spec, false)
	if c == nil {
		return fail(reasonNoReview, fmt.Errorf("pull request #%d has no orgbackup plan comment for spec %q", pr.Number, p.Spec))
	}
	if m.Digest != p.SpecDigest {
		return fail(reasonReviewMismatch, fmt.Errorf("the spec now (digest %s) differs from the spec planned in pull request #%d (digest %s); plan again in a pull request", p.SpecDigest, pr.Number, m.Digest))
	}
	reviewed := m.Fingerprint
	if reviewed != p.Fingerprint {
		return fail(reasonReviewMismatch, fmt.Errorf("the plan now (fingerprint %s) differs from the plan reviewed in pull request #%d (fingerprint %s); plan again in a pull request", p.Fingerprint, pr.Number, reviewed))
	}
	r.gha.Infof("orgbackup: the plan matches the one reviewed in pull request #%d", pr.Number)
	return nil
}

// drift compares the organization with the spec.
func (r *runner) drift(ctx context.Context, sp *spec.Spec, ro crossaccount.ConfigSource) error {
	rep, err := backup.DetectDrift(ctx, sp, ro)
	if err != nil {
		return fail(reasonDrift, fmt.Errorf("detecting drift: %w", err))
	}
	r.res.Drift = rep
	if err := r.reportPlan(rep.Plan); err != nil {
		return err
	}
	r.res.Outputs[OutDriftDetected] = strconv.FormatBool(rep.Drifted())
	if !rep.Drifted() {
		r.summary.WriteString("\n**No drift.** The organization matches the spec.\n")
		return nil
	}
	var lines []string
	for _, d := range rep.Policies {
		lines = append(lines, fmt.Sprintf("account %s (tier %s): %s", d.Account, d.Tier, d.Reason))
	}
	if len(lines) > 0 {
		text := strings.Join(lines, "\n")
		fmt.Fprintf(&r.summary, "\n#### Effective backup policy drift\n\n```text\n%s\n```\n", fence(text))
		r.logText(text)
	}
	r.gha.Warningf("orgbackup: drift detected: the organization differs from the spec")
	return nil
}

// priceChanges adds the monthly cost of the plan's changes at steady state
// (the embedded price file) when the spec sizes its workloads
// (cost.workloads), so the pull request comment shows what a retention
// change costs before merge. Pricing is for review: a problem is logged,
// never a failed plan.
func (r *runner) priceChanges(p *plan.Plan, sp *spec.Spec) {
	if sp.Cost == nil || len(sp.Cost.Workloads) == 0 {
		return
	}
	prices, err := cost.DefaultPrices()
	if err == nil {
		p.Cost, err = cost.PlanCost(p, sp, prices)
	}
	if err != nil {
		r.logText(fmt.Sprintf("warning: cost not estimated: %v\n", err))
	}
}
