package crossaccount

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
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
}

// ProgressPrinter renders Events for people: a progress bar on a terminal,
// periodic one-line updates otherwise, and a line for every permanent
// failure either way. It is safe for concurrent use.
type ProgressPrinter struct {
	w    io.Writer
	opts ProgressPrinterOptions

	mu                                  sync.Mutex
	last                                time.Time
	started, completed, failed, skipped int
	done, total                         int
	drawn                               bool
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
	return &ProgressPrinter{w: w, opts: o}
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
	now := p.opts.Now()
	if p.last.IsZero() || now.Sub(p.last) >= p.opts.Interval {
		p.last = now
		fmt.Fprintln(p.w, p.lineLocked())
	}
}

// Close ends the output: the final bar or line.
func (p *ProgressPrinter) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts.Bar {
		p.drawLocked()
		fmt.Fprintln(p.w)
		p.drawn = false
		return
	}
	fmt.Fprintln(p.w, p.lineLocked())
}

func (p *ProgressPrinter) lineLocked() string {
	return fmt.Sprintf("%s: %d/%d done (%d started, %d completed, %d failed, %d skipped)",
		p.opts.Label, p.done, p.total, p.started, p.completed, p.failed, p.skipped)
}

const barWidth = 30

func (p *ProgressPrinter) drawLocked() {
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
