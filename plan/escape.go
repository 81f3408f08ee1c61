package plan

import (
	"strconv"
	"strings"
	"unicode"
)

// escapeControl returns s with its control and format characters (line
// breaks, ESC, bidirectional overrides...) written as Go escapes, so that
// text taken from a spec or from AWS prints on one line of its own: it can
// neither start a GitHub Actions workflow command ("::" at the start of a
// line) nor move or recolour a terminal's cursor. Other text is unchanged.
// (policy.EscapeControl does the same for errors; plan imports nothing of
// ours.)
func escapeControl(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if needsEscape(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
}

// codeEscape makes s safe inside a Markdown code span in a table cell: no
// backtick closes the span, no pipe ends the cell.
func codeEscape(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|").Replace(escapeControl(s))
}
