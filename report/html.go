package report

import (
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
)

// HTMLOptions configure HTML.
type HTMLOptions struct {
	// Title is the page title. Default "Backup compliance: SPEC".
	Title string
	// MaxResources caps the rows of the resource table (failures first).
	// Default 5,000; the CSV has every resource.
	MaxResources int
}

// Colours of the heat map cells, by outcome of the day's backup jobs.
const (
	colourNone    = "#e5e7eb" // no job
	colourOK      = "#16a34a" // every job completed
	colourMixed   = "#f59e0b" // some failed
	colourFailed  = "#dc2626" // every finished job failed
	colourRunning = "#93c5fd" // only jobs still running
)

// cellOutcome classifies a day: "none", "ok", "mixed", "failed" or
// "running".
func cellOutcome(c DayCounts) (string, string) {
	switch {
	case c.Completed > 0 && c.Failed == 0:
		return "ok", colourOK
	case c.Completed > 0:
		return "mixed", colourMixed
	case c.Failed > 0:
		return "failed", colourFailed
	case c.Running > 0:
		return "running", colourRunning
	}
	return "none", colourNone
}

// HTML writes the report as one self-contained page: inline CSS and SVG
// charts (a heat map of accounts × days coloured by backup outcome, and
// coverage bars per tier), tables of findings, resources, vaults and
// cost. It references no external resource and needs no JavaScript, so an
// auditor can open it offline.
func HTML(w io.Writer, r *Report, opts HTMLOptions) error {
	if opts.Title == "" {
		opts.Title = "Backup compliance: " + r.Spec
	}
	if opts.MaxResources <= 0 {
		opts.MaxResources = 5000
	}
	var b strings.Builder
	e := html.EscapeString
	s := r.Summary
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", e(opts.Title))
	b.WriteString(`<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111827}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d1d5db;padding:3px 6px;text-align:left}
th{background:#f3f4f6}.ok{color:#166534}.fail{color:#b91c1c}.warn{color:#92400e}
.headline{font-size:18px;padding:10px;border-radius:6px;display:inline-block}
.hl-ok{background:#dcfce7}.hl-fail{background:#fee2e2}code{font-size:12px}
</style>
</head>
<body>
`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", e(opts.Title))
	cls, word := "hl-ok", "Compliant"
	if !r.Compliant() {
		cls, word = "hl-fail", "Not compliant"
	}
	fmt.Fprintf(&b, "<p class=\"headline %s\" id=\"headline\"><strong>%s</strong>: %s</p>\n", cls, word, e(r.Verdict.Headline))
	if len(r.Verdict.Reasons) > 0 {
		b.WriteString("<ul id=\"reasons\">\n")
		for _, reason := range r.Verdict.Reasons {
			fmt.Fprintf(&b, "<li>%s</li>\n", e(reason))
		}
		b.WriteString("</ul>\n")
	}
	fmt.Fprintf(&b, "<p>%s of %d tiered resources compliant · every objective met %s · central copies %s · secondary copies %s · job success %s</p>\n",
		pct(s.CompliancePercent), s.Resources, e(frac(s.RPOMet, s.Resources)), e(frac(s.CentralCovered, s.CentralRequired)),
		e(frac(s.SecondaryCovered, s.SecondaryRequired)), pct(s.JobSuccessPercent))
	fmt.Fprintf(&b, "<p>Window %s to %s UTC · %d unprotected · %d not proven · %d untiered (%d without any tag) · estimated storage cost %s per month</p>\n",
		r.Window.Start.UTC().Format("2006-01-02 15:04"), r.Window.End.UTC().Format("2006-01-02 15:04"), s.Unprotected, s.NotProven, s.Untiered, s.Untagged, e(money(r.Cost.Currency, r.Cost.Total)))

	b.WriteString("<h2>Backup outcomes by account and day</h2>\n")
	heatmapSVG(&b, r)
	b.WriteString("<h2>Coverage by tier</h2>\n")
	coverageSVG(&b, r)

	if len(r.Findings) > 0 {
		b.WriteString("<h2>Findings</h2>\n<table><tr><th>severity</th><th>code</th><th>subject</th><th>message</th><th>fix</th></tr>\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "<tr><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>\n", f.Severity, e(f.Severity), e(f.Code), e(f.Subject), e(f.Message), e(f.Fix))
		}
		b.WriteString("</table>\n")
	}

	b.WriteString("<h2>Tiers</h2>\n<table><tr><th>tier</th><th>schedule</th><th>RPO objective</th><th>achieved p50 / p95 / max</th><th>RTO</th><th>resources</th><th>compliant</th><th>jobs ok</th><th>jobs failed</th><th>warm</th><th>cold</th><th>cost/month</th></tr>\n")
	for _, t := range r.Tiers {
		fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code> %s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			e(t.Name), e(t.Schedule), e(t.Timezone), FormatDuration(secs(t.RPOSeconds)), e(achievedText(t.Achieved)), rtoText(t.RTOSeconds), t.Resources, e(frac(t.Compliant, t.Resources)),
			t.JobsCompleted, t.JobsFailed, FormatBytes(t.WarmBytes), FormatBytes(t.ColdBytes), e(money(r.Cost.Currency, t.MonthlyCost)))
	}
	b.WriteString("</table>\n")
	for _, t := range r.Tiers {
		if len(t.Worst) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<p>Worst achieved RPO in %s (objective %s):</p>\n<table><tr><th>resource</th><th>account</th><th>achieved</th></tr>\n", e(t.Name), FormatDuration(secs(t.RPOSeconds)))
		for _, w := range t.Worst {
			c := "ok"
			if w.AchievedSeconds > t.RPOSeconds {
				c = "fail"
			}
			fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td class=\"%s\">%s</td></tr>\n", e(w.ARN), e(w.Account), c, FormatDuration(secs(w.AchievedSeconds)))
		}
		b.WriteString("</table>\n")
	}

	items := append([]Resource(nil), r.Resources...)
	sort.SliceStable(items, func(i, j int) bool { return statusRank(items[i].Status) < statusRank(items[j].Status) })
	fmt.Fprintf(&b, "<h2>Resources (%d)</h2>\n<table><tr><th>status</th><th>resource</th><th>account</th><th>region</th><th>tier</th><th>last backup</th><th>central</th><th>secondary</th><th>last failure</th><th>reasons</th></tr>\n", len(items))
	for i, res := range items {
		if i == opts.MaxResources {
			fmt.Fprintf(&b, "<tr><td colspan=\"10\">… %d more in the CSV report</td></tr>\n", len(items)-i)
			break
		}
		c := "ok"
		if res.Status != StatusCompliant {
			c = "fail"
		}
		last := "—"
		if res.LastBackup != nil {
			last = res.LastBackup.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(&b, "<tr><td class=\"%s\">%s</td><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			c, e(res.Status), e(res.ARN), e(res.Account), e(res.Region), e(orDash(res.Tier)), last, e(res.CentralCopy), e(res.SecondaryCopy), e(orDash(res.LastFailure)), e(strings.Join(res.Reasons, "; ")))
	}
	b.WriteString("</table>\n")

	b.WriteString("<h2>Vaults</h2>\n<table><tr><th>role</th><th>vault</th><th>locked</th><th>key</th><th>rotation</th><th>status</th></tr>\n")
	for _, v := range r.Vaults {
		st, c := "ok", "ok"
		if !v.OK {
			st, c = strings.Join(v.Problems, "; "), "fail"
		}
		lock := "no"
		if v.Locked {
			lock = "governance"
			if v.LockDate != nil {
				lock = "compliance"
			}
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s/%s/%s</td><td>%s</td><td>%s</td><td>%t</td><td class=\"%s\">%s</td></tr>\n",
			e(v.Role), e(v.Account), e(v.Region), e(v.Name), lock, e(orDash(v.KeyManager)), v.KeyRotation, c, e(st))
	}
	b.WriteString("</table>\n")

	fmt.Fprintf(&b, "<h2>Cost estimate: %s per month</h2>\n<p>Prices: %s, as of %s.</p>\n<table><tr><th>tier</th><th>type</th><th>location</th><th>region</th><th>warm</th><th>cold</th><th>per month</th></tr>\n",
		e(money(r.Cost.Currency, r.Cost.Total)), e(r.Cost.Source), e(r.Cost.AsOf))
	for _, l := range r.Cost.Lines {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			e(orDash(l.Tier)), e(l.ResourceType), e(l.Location), e(l.Region), FormatBytes(l.WarmBytes), FormatBytes(l.ColdBytes), e(money(r.Cost.Currency, l.Monthly)))
	}
	b.WriteString("</table>\n")
	if l := r.LegalHolds; l != nil {
		holds, points := l.Active()
		fmt.Fprintf(&b, "<h2>Legal holds</h2>\n<p>%d active legal hold(s) keep %d recovery point(s) past their lifecycle.</p>\n", holds, points)
		if len(l.Holds) > 0 {
			b.WriteString("<table><tr><th>account</th><th>region</th><th>title</th><th>status</th><th>created</th><th>points kept</th></tr>\n")
			for _, h := range l.Holds {
				var kept strings.Builder
				for i, p := range h.Points {
					if i > 0 {
						kept.WriteString("<br>")
					}
					fmt.Fprintf(&kept, "<code>%s</code>", e(p))
				}
				fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
					e(h.Account), e(h.Region), e(h.Title), e(h.Status), h.Created.UTC().Format("2006-01-02"), orDash(kept.String()))
			}
			b.WriteString("</table>\n")
		}
	}
	fmt.Fprintf(&b, "<p>Generated %s from spec %s (report schema %d).</p>\n</body>\n</html>\n", r.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC"), e(r.Spec), r.SchemaVersion)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing report HTML: %w", err)
	}
	return nil
}

// heatmapSVG draws one row per account and one cell per day.
func heatmapSVG(b *strings.Builder, r *Report) {
	const cell, gap, left, top = 14, 2, 190, 70
	days, rows := r.Heatmap.Days, r.Heatmap.Rows
	width := max(left+len(days)*(cell+gap)+20, 560) // room for the legend
	height := top + len(rows)*(cell+gap) + 40
	fmt.Fprintf(b, "<svg id=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"backup outcomes by account and day\">\n", width, height)
	for i, d := range days {
		x := left + i*(cell+gap) + cell/2
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"10\" transform=\"rotate(-60 %d %d)\">%s</text>\n", x, top-6, x, top-6, d[5:])
	}
	for j, row := range rows {
		y := top + j*(cell+gap)
		label := row.Account
		if row.Name != "" {
			label += " " + row.Name
		}
		fmt.Fprintf(b, "<text x=\"0\" y=\"%d\" font-size=\"11\">%s</text>\n", y+cell-3, html.EscapeString(label))
		for i, c := range row.Cells {
			outcome, colour := cellOutcome(c)
			fmt.Fprintf(b, "<rect class=\"cell %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s %s: %d completed, %d failed, %d running</title></rect>\n",
				outcome, left+i*(cell+gap), y, cell, cell, colour, row.Account, days[i], c.Completed, c.Failed, c.Running)
		}
	}
	ly := top + len(rows)*(cell+gap) + 14
	for i, l := range []struct{ name, colour string }{{"all completed", colourOK}, {"some failed", colourMixed}, {"all failed", colourFailed}, {"running", colourRunning}, {"no jobs", colourNone}} {
		x := i * 110
		fmt.Fprintf(b, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n", x, ly, l.colour, x+16, ly+10, l.name)
	}
	b.WriteString("</svg>\n")
}

// coverageSVG draws, per tier, bars for compliance, RPO, central and
// secondary copy coverage.
func coverageSVG(b *strings.Builder, r *Report) {
	const left, barW, barH, gap = 230, 400, 14, 4
	type bar struct {
		label string
		n, d  int
	}
	var bars []bar
	for _, t := range r.Tiers {
		bars = append(bars,
			bar{t.Name + " compliant", t.Compliant, t.Resources},
			bar{t.Name + " RPO met", t.RPOMet, t.Resources},
			bar{t.Name + " central copy", t.CentralCovered, t.CentralRequired},
			bar{t.Name + " secondary copy", t.SecondaryCovered, t.SecondaryRequired})
	}
	height := len(bars)*(barH+gap) + 10
	fmt.Fprintf(b, "<svg id=\"coverage\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"coverage by tier\">\n", left+barW+120, height)
	for i, br := range bars {
		y := i * (barH + gap)
		fmt.Fprintf(b, "<text x=\"0\" y=\"%d\" font-size=\"11\">%s</text>\n", y+barH-3, html.EscapeString(br.label))
		fmt.Fprintf(b, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", left, y, barW, barH, colourNone)
		if br.d == 0 {
			fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">not required</text>\n", left+barW+6, y+barH-3)
			continue
		}
		w := barW * br.n / br.d
		colour := colourOK
		if br.n < br.d {
			colour = colourFailed
		}
		fmt.Fprintf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %d of %d</title></rect>\n", left, y, w, barH, colour, html.EscapeString(br.label), br.n, br.d)
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n", left+barW+6, y+barH-3, html.EscapeString(frac(br.n, br.d)))
	}
	b.WriteString("</svg>\n")
}
