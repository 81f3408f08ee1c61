package recovery

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// JSON writes the drill's evidence as indented JSON.
func (r *DrillReport) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing drill evidence: %w", err)
	}
	return nil
}

// Markdown writes the drill's evidence for people: per tier the measured
// RTO against the objective, then every resource.
func (r *DrillReport) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Recovery drill of %s\n\n", r.Spec)
	fmt.Fprintf(&b, "Started %s, finished %s: %s for %d restores, at most %d at once", r.Started.UTC().Format(time.RFC3339), r.Finished.UTC().Format(time.RFC3339), fmtDuration(r.Elapsed), len(r.Results), r.Concurrency)
	if r.PerAccount > 0 {
		fmt.Fprintf(&b, " and %d per account", r.PerAccount)
	}
	fmt.Fprintf(&b, ". The restores' own durations on these limits allow %s at best (lower bound %s).\n\n", fmtDuration(r.Ideal), fmtDuration(r.LowerBound))
	b.WriteString("| Tier | Restores | Passed | Failed | RTO p50 | RTO p95 | RTO max | Objective | Met |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, t := range r.Tiers {
		obj := "none"
		if t.Objective > 0 {
			obj = fmtDuration(t.Objective)
		}
		met := "yes"
		if !t.Met {
			met = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %s | %s |\n", t.Tier, t.Resources, t.Passed, t.Failed, fmtDuration(t.P50), fmtDuration(t.P95), fmtDuration(t.Max), obj, met)
	}
	if failed := r.Failed(); len(failed) > 0 {
		b.WriteString("\n## Failed restores\n\n")
		for _, f := range failed {
			fmt.Fprintf(&b, "- `%s`\n", strings.ReplaceAll(f, "`", "'"))
		}
	}
	b.WriteString("\n## Resources\n\n| Tier | Account | Region | Type | Source | Restored | RTO | Outcome | Cleaned up |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range r.Results {
		clean := "yes"
		if !x.CleanedUp {
			clean = "no"
		}
		rto := "-"
		if x.Outcome == DrillPassed {
			rto = fmtDuration(x.RTO)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` | `%s` | %s | %s | %s |\n", x.Tier, x.Account, x.Region, x.ResourceType, x.Source, orDash(x.Restored), rto, x.Outcome, clean)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// fmtDuration writes d in days, hours, minutes and seconds ("1h5m",
// "2d3h"), "0s" for zero.
func fmtDuration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d time.Duration
		s string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.s)
			d -= n * u.d
		}
	}
	if b.Len() == 0 {
		return d.String()
	}
	return b.String()
}
