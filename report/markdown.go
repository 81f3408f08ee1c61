package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// DefaultMarkdownBytes caps Markdown: below GitHub's 65,536-character
// limit on pull request comments, well below the 1 MiB of a job summary.
const DefaultMarkdownBytes = 60_000

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// MaxBytes caps the output. Default DefaultMarkdownBytes. Resource
	// rows are cut first, with a line saying how many were left out.
	MaxBytes int
	// FullReport tells readers where the whole report is, e.g. the HTML
	// file's path.
	FullReport string
}

// Markdown writes the report for GitHub job summaries: the headline
// compliance first, then tiers, failing findings and resources (failures
// first), vaults, accounts and cost, within MaxBytes.
func Markdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMarkdownBytes
	}
	var head, tail strings.Builder
	s := r.Summary
	mark := "✅"
	if !r.Compliant() {
		mark = "❌"
	}
	fmt.Fprintf(&head, "## %s Backup compliance: %s\n\n", mark, md(r.Spec))
	fmt.Fprintf(&head, "**%s**\n\n", md(r.Verdict.Headline))
	for _, reason := range r.Verdict.Reasons {
		fmt.Fprintf(&head, "- %s\n", md(reason))
	}
	if len(r.Verdict.Reasons) > 0 {
		head.WriteString("\n")
	}
	fmt.Fprintf(&head, "%s of %d tiered resources compliant · every objective met %s · central copies %s · secondary copies %s · job success %s · window %s to %s UTC\n\n",
		pct(s.CompliancePercent), s.Resources, frac(s.RPOMet, s.Resources), frac(s.CentralCovered, s.CentralRequired),
		frac(s.SecondaryCovered, s.SecondaryRequired), pct(s.JobSuccessPercent),
		r.Window.Start.UTC().Format("2006-01-02 15:04"), r.Window.End.UTC().Format("2006-01-02 15:04"))
	if s.Unprotected > 0 || s.Untiered > 0 || s.NotProven > 0 {
		fmt.Fprintf(&head, "⚠️ %d unprotected (no backup) · %d not proven (unreadable) · %d untiered (match no tier) · %d of them without any tag\n\n", s.Unprotected, s.NotProven, s.Untiered, s.Untagged)
	}
	head.WriteString("| tier | schedule | RPO objective | achieved p50 / p95 / max | RTO | compliant | objectives met | central | secondary | jobs ok/failed | storage warm/cold | cost/month |\n")
	head.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, t := range r.Tiers {
		fmt.Fprintf(&head, "| %s | `%s` %s | %s | %s | %s | %s | %s | %s | %s | %d/%d | %s / %s | %s |\n",
			md(t.Name), code(t.Schedule), md(t.Timezone), FormatDuration(secs(t.RPOSeconds)), achievedText(t.Achieved), rtoText(t.RTOSeconds),
			frac(t.Compliant, t.Resources), frac(t.RPOMet, t.Resources),
			frac(t.CentralCovered, t.CentralRequired), frac(t.SecondaryCovered, t.SecondaryRequired),
			t.JobsCompleted, t.JobsFailed, FormatBytes(t.WarmBytes), FormatBytes(t.ColdBytes), money(r.Cost.Currency, t.MonthlyCost))
	}
	head.WriteString("\n")
	for _, t := range r.Tiers {
		if len(t.Worst) == 0 || t.Worst[0].AchievedSeconds <= t.RPOSeconds {
			continue
		}
		fmt.Fprintf(&head, "Worst achieved RPO in %s (objective %s):", md(t.Name), FormatDuration(secs(t.RPOSeconds)))
		for _, w := range t.Worst {
			fmt.Fprintf(&head, " `%s` %s;", code(w.ARN), FormatDuration(secs(w.AchievedSeconds)))
		}
		head.WriteString("\n\n")
	}
	head.WriteString("\n")
	if len(r.Findings) > 0 {
		head.WriteString("### Findings\n\n")
		for _, f := range r.Findings {
			icon := "❌"
			if f.Severity == SeverityWarn {
				icon = "⚠️"
			}
			fmt.Fprintf(&head, "- %s **%s** %s: %s\n", icon, md(f.Code), md(f.Subject), md(f.Message))
			if f.Fix != "" {
				fmt.Fprintf(&head, "  - fix: `%s`\n", code(f.Fix))
			}
		}
		head.WriteString("\n")
	}
	head.WriteString(recoverabilityMarkdown(r.Recoverability))

	// Tail: vaults, accounts, cost; always shown.
	bad := 0
	for _, v := range r.Vaults {
		if !v.OK {
			bad++
		}
	}
	fmt.Fprintf(&tail, "### Vaults: %d of %d meet the spec\n\n", len(r.Vaults)-bad, len(r.Vaults))
	writeAirGappedMarkdown(&tail, r.AirGapped)
	if r.LegalHolds != nil {
		if err := r.LegalHolds.Markdown(&tail); err != nil {
			return fmt.Errorf("writing report Markdown: %w", err)
		}
		tail.WriteString("\n")
	}
	fmt.Fprintf(&tail, "### Accounts\n\n| account | tiers | compliant | jobs ok/failed | cost/month |\n|---|---|---|---|---|\n")
	for _, a := range r.Accounts {
		name := md(a.Account)
		if a.Name != "" {
			name += " (" + md(a.Name) + ")"
		}
		fmt.Fprintf(&tail, "| %s | %s | %s | %d/%d | %s |\n", name, md(strings.Join(a.Tiers, ", ")), frac(a.Compliant, a.Resources), a.JobsCompleted, a.JobsFailed, money(r.Cost.Currency, a.MonthlyCost))
	}
	fmt.Fprintf(&tail, "\n**Estimated storage cost: %s per month** (prices: %s, as of %s)\n", money(r.Cost.Currency, r.Cost.Total), r.Cost.Source, r.Cost.AsOf)
	if opts.FullReport != "" {
		fmt.Fprintf(&tail, "\nFull report: %s\n", opts.FullReport)
	}

	// Middle: resources that are not compliant, worst first, as many as
	// fit.
	var items []Resource
	for _, res := range r.Resources {
		if res.Status != StatusCompliant {
			items = append(items, res)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return statusRank(items[i].Status) < statusRank(items[j].Status) })
	var mid strings.Builder
	if len(items) > 0 {
		fmt.Fprintf(&mid, "### Resources needing attention (%d)\n\n| status | resource | account | region | tier | reasons |\n|---|---|---|---|---|---|\n", len(items))
	}
	budget := opts.MaxBytes - head.Len() - tail.Len() - 200
	shown := 0
	for _, res := range items {
		row := fmt.Sprintf("| %s | `%s` | %s | %s | %s | %s |\n", res.Status, code(res.ARN), md(res.Account), md(res.Region), md(orDash(res.Tier)), md(strings.Join(res.Reasons, "; ")))
		if mid.Len()+len(row) > budget {
			break
		}
		mid.WriteString(row)
		shown++
	}
	if n := len(items) - shown; n > 0 {
		fmt.Fprintf(&mid, "\n… and %d more not shown (see the full report).\n", n)
	}
	if len(items) > 0 {
		mid.WriteString("\n")
	}
	out := head.String() + mid.String() + tail.String()
	if len(out) > opts.MaxBytes {
		out = strings.ToValidUTF8(out[:opts.MaxBytes], "")
	}
	_, err := io.WriteString(w, out)
	if err != nil {
		return fmt.Errorf("writing report Markdown: %w", err)
	}
	return nil
}

func statusRank(s string) int {
	switch s {
	case StatusUnprotected:
		return 0
	case StatusNoncompliant:
		return 1
	case StatusNotProven:
		return 2
	case StatusUntiered:
		return 3
	}
	return 4
}

// achievedText writes a tier's achieved RPO distribution.
func achievedText(d Distribution) string {
	if d.Measured == 0 {
		return "—"
	}
	return fmt.Sprintf("%s / %s / %s", FormatDuration(secs(d.P50Seconds)), FormatDuration(secs(d.P95Seconds)), FormatDuration(secs(d.MaxSeconds)))
}

func rtoText(s int64) string {
	if s == 0 {
		return "—"
	}
	return FormatDuration(secs(s))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// md escapes text for a Markdown table cell, control characters
// included, so that no line of the report can start a workflow command.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(policy.EscapeControl(s))
}

// code escapes text for a Markdown code span in a table cell.
func code(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`).Replace(policy.EscapeControl(s))
}

func pct(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *p)
}

func frac(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d (%s)", n, d, pct(percent(n, d)))
}

func money(currency string, v float64) string {
	if currency == "USD" || currency == "" {
		return fmt.Sprintf("$%.2f", v)
	}
	return fmt.Sprintf("%.2f %s", v, currency)
}

// FormatBytes writes a byte count in binary units ("1.5 GiB").
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
