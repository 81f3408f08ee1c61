package crossaccount

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
)

// EventKind says what happened to one unit of work of a Copier or a
// Remediator.
type EventKind string

// Event kinds.
const (
	// EventStarted: a copy job or an on-demand backup job was started.
	EventStarted EventKind = "started"
	// EventCompleted: a copy job completed.
	EventCompleted EventKind = "completed"
	// EventFailed: a job failed or could not be started. Retry says
	// whether it will be tried again.
	EventFailed EventKind = "failed"
	// EventSkipped: nothing will be done, for Reason.
	EventSkipped EventKind = "skipped"
)

// Event is one progress event of a Copier or a Remediator, delivered
// through their Progress callback, one at a time.
type Event struct {
	// Kind is what happened.
	Kind EventKind
	// Time is the Copier's or Remediator's clock at the event.
	Time time.Time
	// Account and Region locate the job (the source, for copies).
	Account, Region string
	// Subject is the recovery point ARN (copies) or the resource ARN
	// (remediation).
	Subject string
	// Destination is the destination vault ARN (copies) or the vault the
	// backup goes to (remediation).
	Destination string
	// JobID is the copy or backup job, when there is one.
	JobID string
	// Reason says why a job failed or work was skipped; Fix, for
	// permanent failures, what would make it succeed.
	Reason, Fix string
	// Retry is set on failures that will be retried.
	Retry bool
	// Done counts the units of work finished so far (completed, failed
	// for good, skipped); Total counts all of them.
	Done, Total int
}

// ProgressPrinterOptions configure a ProgressPrinter.
type ProgressPrinterOptions struct {
	// Label starts every line ("copy", "remediate"). Default "progress".
	Label string
	// Bar redraws one progress bar line in place (for terminals) instead
	// of printing a line every Interval (for logs such as GitHub
	// Actions').
	Bar bool
	// Interval between one-line updates when Bar is off. Default 10s.
	Interval time.Duration
	// Now is the time source of the interval. Default time.Now.
	Now func() time.Time
	// Redraw is the shortest time between two redraws of the bar for
	// API calls (a newly reached account always redraws it). Default
	// 100ms.
	Redraw time.Duration
}

// ProgressPrinter renders Events for people: a progress bar on a terminal,
// periodic one-line updates otherwise, and a line for every permanent
// failure either way. It is safe for concurrent use.
type ProgressPrinter struct {
	w    io.Writer
	opts ProgressPrinterOptions

	mu                                  sync.Mutex
	last, lastDraw, first               time.Time
	started, completed, failed, skipped int
	done, total                         int
	drawn                               bool

	// Work seen through Watch.
	accounts      map[string]bool
	targets       map[Target]bool
	calls         int
	where         Target // the last account and region reached
	watchedEvents bool   // whether Watch saw any work
}

// NewProgressPrinter returns a printer writing to w.
func NewProgressPrinter(w io.Writer, o ProgressPrinterOptions) *ProgressPrinter {
	if o.Label == "" {
		o.Label = "progress"
	}
	if o.Interval <= 0 {
		o.Interval = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redraw <= 0 {
		o.Redraw = 100 * time.Millisecond
	}
	return &ProgressPrinter{w: w, opts: o, accounts: map[string]bool{}, targets: map[Target]bool{}}
}

// WatchProgress is the one call that gives long work progress output:
// it returns src watched by a new ProgressPrinter writing to w (see
// Watch), and the printer, whose Event method takes a Copier's or
// Remediator's events and whose Close prints the last line.
func WatchProgress(w io.Writer, src ConfigSource, o ProgressPrinterOptions) (ConfigSource, *ProgressPrinter) {
	p := NewProgressPrinter(w, o)
	return p.Watch(src), p
}

// Watch returns a ConfigSource that hands out src's configurations and
// reports the work done with them: the accounts and regions reached and
// the API calls made there. On a terminal the bar shows the counts and
// the account last reached; otherwise a line is printed every Interval.
func (p *ProgressPrinter) Watch(src ConfigSource) ConfigSource {
	return &watchedSource{src: src, p: p}
}

// watchedSource is a ConfigSource that tells a ProgressPrinter about the
// work done through it.
type watchedSource struct {
	src ConfigSource
	p   *ProgressPrinter
}

// Config returns src's configuration for account and region, with a
// middleware that counts each API call once it has ended.
func (s *watchedSource) Config(ctx context.Context, account, region string) (aws.Config, error) {
	cfg, err := s.src.Config(ctx, account, region)
	if err != nil {
		return cfg, err
	}
	t := Target{Account: account, Region: region}
	s.p.reached(t)
	count := middleware.InitializeMiddlewareFunc("orgbackup/progress", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleInitialize(ctx, in)
		s.p.called(t)
		return out, md, err
	})
	// Clip: never append into the backing array of src's options.
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), func(st *middleware.Stack) error {
		return st.Initialize.Add(count, middleware.After)
	})
	return cfg, nil
}

// reached records that the work reached t.
func (p *ProgressPrinter) reached(t Target) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.watchedEvents = true
	if p.first.IsZero() {
		p.first = p.opts.Now()
	}
	p.where = t
	p.targets[t] = true
	if !p.accounts[t.Account] {
		p.accounts[t.Account] = true
		p.printLocked(true)
		return
	}
	p.printLocked(false)
}

// called records an API call made in t.
func (p *ProgressPrinter) called(t Target) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.printLocked(false)
}

// printLocked prints what is due: on a terminal the bar, at once when
// now is set, else at most every Redraw; otherwise a line every
// Interval.
func (p *ProgressPrinter) printLocked(now bool) {
	t := p.opts.Now()
	if p.opts.Bar {
		if now || p.lastDraw.IsZero() || t.Sub(p.lastDraw) >= p.opts.Redraw {
			p.lastDraw = t
			p.drawLocked()
		}
		return
	}
	if p.last.IsZero() || t.Sub(p.last) >= p.opts.Interval {
		p.last = t
		fmt.Fprintln(p.w, p.lineLocked())
	}
}

// Event records one event and prints what is due.
func (p *ProgressPrinter) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e.Kind {
	case EventStarted:
		p.started++
	case EventCompleted:
		p.completed++
	case EventFailed:
		if !e.Retry {
			p.failed++
		}
	case EventSkipped:
		p.skipped++
	}
	p.done, p.total = e.Done, e.Total
	if e.Kind == EventFailed && !e.Retry {
		p.clearLocked()
		line := fmt.Sprintf("%s: FAILED %s/%s %s: %s", p.opts.Label, e.Account, e.Region, e.Subject, e.Reason)
		if e.Fix != "" {
			line += " (fix: " + e.Fix + ")"
		}
		fmt.Fprintln(p.w, line)
	}
	if p.opts.Bar {
		p.drawLocked()
		return
	}
	p.printLocked(false)
}

// Close ends the output: the final bar or line.
func (p *ProgressPrinter) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.watchedEvents && p.total+p.started+p.completed+p.failed+p.skipped == 0 {
		return // nothing happened: nothing to say
	}
	if p.opts.Bar {
		p.drawLocked()
		fmt.Fprintln(p.w)
		p.drawn = false
		return
	}
	fmt.Fprintln(p.w, p.lineLocked())
}

func (p *ProgressPrinter) lineLocked() string {
	var parts []string
	if p.total > 0 || p.started+p.completed+p.failed+p.skipped > 0 || !p.watchedEvents {
		parts = append(parts, fmt.Sprintf("%d/%d done (%d started, %d completed, %d failed, %d skipped)",
			p.done, p.total, p.started, p.completed, p.failed, p.skipped))
	}
	if p.watchedEvents {
		parts = append(parts, fmt.Sprintf("%s, %s, %s, %s (at %s/%s)",
			plural(len(p.accounts), "account"), plural(len(p.targets), "account-region"), plural(p.calls, "API call"),
			p.opts.Now().Sub(p.first).Round(time.Second), p.where.Account, p.where.Region))
	}
	return p.opts.Label + ": " + strings.Join(parts, "; ")
}

// plural is n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const barWidth = 30

func (p *ProgressPrinter) drawLocked() {
	if p.total == 0 && p.watchedEvents {
		// No known total: the counts and where the work is.
		fmt.Fprintf(p.w, "\r\x1b[2K%s", p.lineLocked())
		p.drawn = true
		return
	}
	filled := 0
	pct := 100
	if p.total > 0 {
		filled = p.done * barWidth / p.total
		pct = p.done * 100 / p.total
	}
	bar := strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled)
	fmt.Fprintf(p.w, "\r\x1b[2K%s [%s] %3d%% %s", p.opts.Label, bar, pct, strings.TrimPrefix(p.lineLocked(), p.opts.Label+": "))
	p.drawn = true
}

func (p *ProgressPrinter) clearLocked() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.drawn = false
	}
}

// maxProblemRows bounds the failures and skips a summary lists one by
// one; the rest are counted.
const maxProblemRows = 50

// table is a summary table rendered as aligned text or Markdown.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) write(w io.Writer, markdown bool) error {
	if markdown {
		var b strings.Builder
		b.WriteString("| " + strings.Join(t.header, " | ") + " |\n|")
		for range t.header {
			b.WriteString(" --- |")
		}
		b.WriteString("\n")
		for _, r := range t.rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = strings.ReplaceAll(c, "|", "\\|")
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// copyOutcomes are the summary's columns, in order.
var copyOutcomes = []CopyOutcome{CopyCopied, CopyAlreadyCopied, CopyWouldCopy, CopyPending, CopyInProgress, CopySkipped, CopyFailed}

// Text writes the report as a summary table per route, then every failure
// and skip with its reason and fix.
func (r *CopyReport) Text(w io.Writer) error { return r.write(w, false) }

// Markdown writes the report as Markdown (a GitHub step summary): a
// headline, the summary table, the problems.
func (r *CopyReport) Markdown(w io.Writer) error { return r.write(w, true) }

func (r *CopyReport) write(w io.Writer, markdown bool) error {
	type key struct{ account, region, dest, label string }
	counts := map[key]map[CopyOutcome]int{}
	var keys []key
	for _, res := range r.Results {
		k := key{res.Route.Account, res.Route.Region, res.Route.DestinationVaultARN, res.Route.Label}
		if counts[k] == nil {
			counts[k] = map[CopyOutcome]int{}
			keys = append(keys, k)
		}
		counts[k][res.Outcome]++
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a.account+a.region+a.dest+a.label < b.account+b.region+b.dest+b.label
	})
	headline := fmt.Sprintf("%d recovery points: %d copied, %d already copied, %d skipped, %d failed", len(r.Results),
		r.Count(CopyCopied), r.Count(CopyAlreadyCopied), r.Count(CopySkipped), r.Count(CopyFailed))
	if n := r.Count(CopyWouldCopy); n > 0 {
		headline += fmt.Sprintf(", %d to copy", n)
	}
	if n := r.Count(CopyPending) + r.Count(CopyInProgress); n > 0 {
		headline += fmt.Sprintf(", %d not finished", n)
	}
	status := "All recovery points have their copies."
	if !r.Protected() {
		status = "Not every recovery point has its copy."
	}
	if r.DryRun {
		status = "Dry run: nothing was started. " + status
	}
	if markdown {
		fmt.Fprintf(w, "### Copy\n\n**%s** %s (%s, %d API calls).\n\n", status, headline, r.End.Sub(r.Start).Round(time.Second), r.calls())
	} else {
		fmt.Fprintf(w, "%s %s (%s, %d API calls).\n\n", status, headline, r.End.Sub(r.Start).Round(time.Second), r.calls())
	}
	t := &table{header: []string{"source", "destination", "tier"}}
	for _, o := range copyOutcomes {
		t.header = append(t.header, string(o))
	}
	for _, k := range keys {
		row := []string{k.account + "/" + k.region, k.dest, k.label}
		for _, o := range copyOutcomes {
			row = append(row, fmt.Sprint(counts[k][o]))
		}
		t.rows = append(t.rows, row)
	}
	if len(t.rows) > 0 {
		if err := t.write(w, markdown); err != nil {
			return err
		}
	}
	problems := &table{header: []string{"outcome", "source", "recovery point", "reason", "fix"}}
	more := 0
	for _, res := range r.Results {
		if res.Outcome != CopyFailed && res.Outcome != CopySkipped {
			continue
		}
		if len(problems.rows) == maxProblemRows {
			more++
			continue
		}
		problems.rows = append(problems.rows, []string{string(res.Outcome), res.Route.Account + "/" + res.Route.Region, res.RecoveryPointARN, res.Reason, res.Fix})
	}
	if len(problems.rows) == 0 {
		return nil
	}
	if markdown {
		fmt.Fprint(w, "\n#### Failed and skipped\n\n")
	} else {
		fmt.Fprint(w, "\nFailed and skipped:\n")
	}
	if err := problems.write(w, markdown); err != nil {
		return err
	}
	if more > 0 {
		_, err := fmt.Fprintf(w, "\n… and %d more.\n", more)
		return err
	}
	return nil
}

func (r *CopyReport) calls() int {
	n := 0
	for _, c := range r.Calls {
		n += c
	}
	return n
}

// Text writes the remediation report: one row per resource with failed
// jobs.
func (r *RemediationReport) Text(w io.Writer) error {
	if err := r.write(w, false); err != nil {
		return err
	}
	return r.OutcomesText(w)
}

// Markdown writes the remediation report as Markdown (a GitHub step
// summary).
func (r *RemediationReport) Markdown(w io.Writer) error {
	if err := r.write(w, true); err != nil {
		return err
	}
	return r.OutcomesMarkdown(w)
}

func (r *RemediationReport) write(w io.Writer, markdown bool) error {
	status := "Every resource with failed backup jobs is protected or being backed up."
	if !r.Protected() {
		status = "Some resources with failed backup jobs are not protected."
	}
	if r.DryRun {
		status = "Dry run: nothing was started. " + status
	}
	headline := fmt.Sprintf("%d resources with failed jobs since %s: %d started, %d to start, %d in progress, %d protected, %d failed",
		len(r.Results), r.Since.UTC().Format(time.RFC3339), r.Count(RemediationStarted), r.Count(RemediationWouldStart),
		r.Count(RemediationInProgress), r.Count(RemediationProtected), r.Count(RemediationFailed))
	// After a wait, the jobs started have ended or are still running.
	if n := r.Count(RemediationCompleted) + r.Count(RemediationJobFailed) + r.Count(RemediationStillRunning) + r.Count(RemediationNeedsFix); n > 0 {
		headline += fmt.Sprintf("; %d backed up, %d backups failed, %d still running, %d need a fix first",
			r.Count(RemediationCompleted), r.Count(RemediationJobFailed), r.Count(RemediationStillRunning), r.Count(RemediationNeedsFix))
	}
	if markdown {
		fmt.Fprintf(w, "### Remediation\n\n**%s** %s.\n\n", status, headline)
	} else {
		fmt.Fprintf(w, "%s %s.\n\n", status, headline)
	}
	if len(r.Results) == 0 {
		return nil
	}
	t := &table{header: []string{"account", "tier", "resource", "failed job", "outcome", "job", "reason"}}
	more := 0
	for _, res := range r.Results {
		if len(t.rows) == maxProblemRows*4 {
			more++
			continue
		}
		failed := fmt.Sprintf("%s ×%d: %s", res.FailedState, res.FailedJobs, res.FailedMessage)
		t.rows = append(t.rows, []string{res.Target.Account + "/" + res.Target.Region, res.Target.Label, res.ResourceARN, failed, string(res.Outcome), res.JobID, res.Reason})
	}
	if err := t.write(w, markdown); err != nil {
		return err
	}
	if more > 0 {
		_, err := fmt.Fprintf(w, "\n… and %d more.\n", more)
		return err
	}
	return nil
}
