// Package textsafe makes text from files and services a user controls
// safe to print.
package textsafe

import (
	"strconv"
	"strings"
	"unicode"
)

// EscapeControl returns s with its control and format characters (line
// breaks, ESC, bidirectional overrides...) written as Go escapes (\n,
// \x1b, \u202e), so that text from a spec or from AWS prints on one line
// of its own: it can neither start a GitHub Actions workflow command
// ("::" at the start of a line) nor move or recolour a terminal's cursor.
// Other text is unchanged.
func EscapeControl(s string) string {
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
