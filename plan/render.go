package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// TextOptions configure Text.
type TextOptions struct {
	// Color adds ANSI colours (for terminals).
	Color bool
}

// Text writes the plan for a terminal: one line per change, its diff
// indented below, then the totals.
func Text(w io.Writer, p *Plan, opts TextOptions) error {
	var b bytes.Buffer
	color := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	for _, c := range p.Checks {
		fmt.Fprintf(&b, "%s %s: %s\n", color("31", "check failed:"), escapeControl(c.Code), escapeControl(c.Message))
	}
	if len(p.Checks) > 0 {
		b.WriteString("\n")
	}
	changed := 0
	for _, c := range p.Changes {
		if c.Action == NoOp {
			continue
		}
		changed++
		sym := string(c.Action)
		code := map[Action]string{Create: "32", Update: "33", Replace: "35", Delete: "31"}[c.Action]
		fmt.Fprintf(&b, "%s %s", color(code, sym), escapeControl(c.Address.String()))
		var notes []string
		if c.Destructive {
			notes = append(notes, "destructive")
		}
		if c.Irreversible {
			notes = append(notes, "irreversible")
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " %s", color("1;31", "("+strings.Join(notes, ", ")+")"))
		}
		b.WriteString("\n")
		if c.Reason != "" {
			fmt.Fprintf(&b, "    # %s\n", escapeControl(c.Reason))
		}
		for _, line := range diffLines(c.Before, c.After) {
			fmt.Fprintf(&b, "    %s\n", escapeControl(line))
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "%s %s: %s\n", color("33", "note:"), escapeControl(n.Code), escapeControl(n.Message))
	}
	if len(p.Notes) > 0 {
		b.WriteString("\n")
	}
	if changed == 0 && len(p.Checks) == 0 {
		b.WriteString("No changes. The organization matches the spec.\n")
	} else {
		s := p.Summary()
		fmt.Fprintf(&b, "\nPlan: %d to create, %d to update, %d to replace, %d to delete.\n", s.Create, s.Update, s.Replace, s.Delete)
		if s.Destructive > 0 {
			fmt.Fprintf(&b, "%d destructive change(s) need --allow-destructive.\n", s.Destructive)
		}
		if s.Irreversible > 0 {
			fmt.Fprintf(&b, "%d irreversible change(s) need --acknowledge-irreversible.\n", s.Irreversible)
		}
	}
	if p.Cost != nil {
		b.WriteString(costText(p.Cost))
	}
	fmt.Fprintf(&b, "Fingerprint: %s\n", p.Fingerprint)
	_, err := w.Write(b.Bytes())
	return err
}

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// MaxBytes caps the output; 0 means 60,000. When the plan does not fit,
	// the per-resource diffs are cut and FullPlanPointer is shown.
	MaxBytes int
	// FullPlanPointer tells readers where the whole plan is, e.g. "the job
	// summary" or a file path.
	FullPlanPointer string
	// Marker is written first as an HTML comment (e.g. to find a PR comment
	// again); empty means none.
	Marker string
}

// Markdown writes the plan for GitHub job summaries and pull request
// comments: totals first, callouts for destructive and irreversible
// changes, then one collapsible diff per resource, within MaxBytes.
func Markdown(w io.Writer, p *Plan, opts MarkdownOptions) error {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = 60_000
	}
	var head bytes.Buffer
	if opts.Marker != "" {
		fmt.Fprintf(&head, "<!-- %s -->\n", opts.Marker)
	}
	s := p.Summary()
	head.WriteString("### orgbackup plan\n\n")
	if len(p.Checks) > 0 {
		head.WriteString("> [!CAUTION]\n> The plan cannot be applied: consistency checks failed.\n")
		for _, c := range p.Checks {
			fmt.Fprintf(&head, "> - `%s` %s\n", codeEscape(c.Code), mdEscape(c.Message))
		}
		head.WriteString("\n")
	}
	if len(p.Notes) > 0 {
		head.WriteString("> [!NOTE]\n> Needs attention, does not block applying:\n")
		for _, n := range p.Notes {
			fmt.Fprintf(&head, "> - `%s` %s\n", codeEscape(n.Code), mdEscape(n.Message))
		}
		head.WriteString("\n")
	}
	if !p.HasChanges() {
		head.WriteString("**No changes.** The organization matches the spec.\n\n")
	} else {
		fmt.Fprintf(&head, "**%d to create, %d to update, %d to replace, %d to delete.**\n\n", s.Create, s.Update, s.Replace, s.Delete)
	}
	if p.Cost != nil {
		head.WriteString(costMarkdown(p.Cost))
	}
	if s.Destructive > 0 {
		fmt.Fprintf(&head, "> [!WARNING]\n> %d destructive change(s): applying needs `allow-destructive`.\n", s.Destructive)
		for _, c := range p.Changes {
			if c.Destructive {
				fmt.Fprintf(&head, "> - %s `%s` %s\n", c.Action, codeEscape(c.Address.String()), mdEscape(c.Reason))
			}
		}
		head.WriteString("\n")
	}
	if s.Irreversible > 0 {
		fmt.Fprintf(&head, "> [!IMPORTANT]\n> %d irreversible change(s): applying needs `acknowledge-irreversible`.\n", s.Irreversible)
		for _, c := range p.Changes {
			if c.Irreversible {
				fmt.Fprintf(&head, "> - %s `%s` %s\n", c.Action, codeEscape(c.Address.String()), mdEscape(c.Reason))
			}
		}
		head.WriteString("\n")
	}
	foot := fmt.Sprintf("\n<sub>Plan fingerprint `%s`</sub>\n", p.Fingerprint)

	var body bytes.Buffer
	if p.HasChanges() {
		body.WriteString("| | Resource | Account | Region |\n|---|---|---|---|\n")
	}
	var details []string
	for _, c := range p.Changes {
		if c.Action == NoOp {
			continue
		}
		fmt.Fprintf(&body, "| `%s` %s | `%s` | %s | %s |\n", string(c.Action), c.Action, codeEscape(c.Kind+"/"+c.Name), mdEscape(c.Account), mdEscape(c.Region))
		var d bytes.Buffer
		fmt.Fprintf(&d, "<details><summary><code>%s</code> %s</summary>\n\n", string(c.Action), htmlEscape(escapeControl(c.Address.String())))
		if c.Reason != "" {
			fmt.Fprintf(&d, "%s\n\n", mdEscape(c.Reason))
		}
		d.WriteString("```diff\n")
		for _, line := range diffLines(c.Before, c.After) {
			d.WriteString(strings.ReplaceAll(escapeControl(line), "```", "` ` `"))
			d.WriteString("\n")
		}
		d.WriteString("```\n</details>\n")
		details = append(details, d.String())
	}
	out := head.String() + body.String()
	cut := false
	var diffs strings.Builder
	for _, d := range details {
		if len(out)+diffs.Len()+len(d)+len(foot)+300 > limit {
			cut = true
			break
		}
		diffs.WriteString(d)
	}
	if len(out)+len(foot)+300 > limit {
		// Even the table does not fit: keep the totals only.
		out = head.String()
		if len(out)+len(foot)+300 > limit {
			out = out[:max(0, limit-len(foot)-300)]
		}
		cut = true
	}
	if diffs.Len() > 0 {
		out += "\n" + diffs.String()
	}
	if cut {
		ptr := opts.FullPlanPointer
		if ptr == "" {
			ptr = "the full plan (orgbackup plan --out plan.json)"
		}
		out += "\n> [!NOTE]\n> The plan is too long to show here; see " + mdEscape(ptr) + ".\n"
	}
	out += foot
	_, err := io.WriteString(w, out)
	return err
}

// diffLines renders before → after as "- key: value" / "+ key: value"
// lines over flattened JSON paths, sorted by path.
func diffLines(before, after json.RawMessage) []string {
	bf, af := flatten(before), flatten(after)
	keys := map[string]bool{}
	for k := range bf {
		keys[k] = true
	}
	for k := range af {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		b, inB := bf[k]
		a, inA := af[k]
		switch {
		case inB && inA && a == b:
			continue
		case inB && inA:
			out = append(out, "- "+k+": "+b, "+ "+k+": "+a)
		case inB:
			out = append(out, "- "+k+": "+b)
		default:
			out = append(out, "+ "+k+": "+a)
		}
	}
	return out
}

func flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 || string(raw) == "null" {
		return out
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		out["(value)"] = string(raw)
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[prefix] = "{}"
			}
			for k, e := range x {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, e)
			}
		case []any:
			if len(x) == 0 {
				out[prefix] = "[]"
			}
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		default:
			b, _ := json.Marshal(x)
			if prefix == "" {
				prefix = "(value)"
			}
			out[prefix] = string(b)
		}
	}
	walk("", v)
	return out
}

var mdReplacer = strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", "\\|", "\n", " ")

func mdEscape(s string) string { return mdReplacer.Replace(escapeControl(s)) }

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
