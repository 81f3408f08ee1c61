package plan

import (
	"strings"

	"github.com/orgbackup/orgbackup/internal/textsafe"
)

// escapeControl is textsafe.EscapeControl.
func escapeControl(s string) string { return textsafe.EscapeControl(s) }

// codeEscape makes s safe inside a Markdown code span in a table cell: no
// backtick closes the span, no pipe ends the cell.
func codeEscape(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|").Replace(escapeControl(s))
}
