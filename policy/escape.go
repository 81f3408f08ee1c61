package policy

import "github.com/orgbackup/orgbackup/internal/textsafe"

// EscapeControl returns s with its control and format characters (line
// breaks, ESC, bidirectional overrides...) written as Go escapes (\n,
// \x1b, \u202e), so that text from a file a user controls prints on one
// line: it can neither start a GitHub Actions workflow command ("::" at the
// start of a line) nor move or recolour a terminal's cursor. Other text is
// unchanged.
func EscapeControl(s string) string { return textsafe.EscapeControl(s) }
