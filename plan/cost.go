package plan

import (
	"fmt"
	"math"
	"strings"
)

// CostSummary is the monthly cost the plan's spec leads to at steady state,
// before and after applying the plan, for review. It is display-only: it
// does not count in the fingerprint, and apply never reads it.
type CostSummary struct {
	// Currency is the amounts' currency, e.g. "USD".
	Currency string `json:"currency"`
	// Basis says what the figures rest on: the price file and its date.
	Basis string `json:"basis"`
	// Before and After are the monthly totals at steady state.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	// Lines break the totals down (by tier), sorted by name.
	Lines []CostLine `json:"lines,omitempty"`
	// Notes say what the figures leave out.
	Notes []string `json:"notes,omitempty"`
}

// CostLine is the monthly cost of one part of the spec before and after.
type CostLine struct {
	Name   string  `json:"name"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// Delta is the change of the monthly total.
func (c *CostSummary) Delta() float64 { return c.After - c.Before }

// Money formats an amount with two decimals and thousands separators,
// e.g. "14,943.70"; signed adds "+" to positive amounts.
func Money(v float64, signed bool) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0.00"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%.2f", v)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	switch {
	case neg && out != "0.00":
		return "-" + out
	case signed && out != "0.00":
		return "+" + out
	}
	return out
}

// costText writes the cost summary for a terminal.
func costText(c *CostSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Monthly cost at steady state: %s → %s %s (%s)\n", Money(c.Before, false), Money(c.After, false), c.Currency, Money(c.Delta(), true))
	for _, l := range c.Lines {
		fmt.Fprintf(&b, "  %-20s %14s → %14s  (%s)\n", l.Name, Money(l.Before, false), Money(l.After, false), Money(l.After-l.Before, true))
	}
	fmt.Fprintf(&b, "  %s\n", c.Basis)
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}

// costMarkdown writes the cost summary for a pull request comment.
func costMarkdown(c *CostSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Monthly cost at steady state: %s → %s %s (%s).**\n\n", Money(c.Before, false), Money(c.After, false), c.Currency, Money(c.Delta(), true))
	if len(c.Lines) > 0 {
		fmt.Fprintf(&b, "| Tier | Before (%s/month) | After (%s/month) | Change |\n|---|---:|---:|---:|\n", c.Currency, c.Currency)
		for _, l := range c.Lines {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdEscape(l.Name), Money(l.Before, false), Money(l.After, false), Money(l.After-l.Before, true))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "<sub>%s</sub>\n", mdEscape(c.Basis))
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "\n> %s\n", mdEscape(n))
	}
	b.WriteString("\n")
	return b.String()
}
