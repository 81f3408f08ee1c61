package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestMarkdownEscapesUserText checks that names and messages from the
// spec or from AWS cannot start a workflow command or carry terminal
// escapes in the Markdown report.
func TestMarkdownEscapesUserText(t *testing.T) {
	t.Parallel()
	const evil = "x\n::add-mask::secret\r\n::error::pwned\x1b[2J\u202e`|"
	r := &Report{Spec: evil,
		Findings:  []Finding{{Severity: SeverityWarn, Code: evil, Subject: evil, Message: evil, Fix: evil}},
		Accounts:  []AccountStats{{Account: evil, Name: evil, Tiers: []string{evil}}},
		Resources: []Resource{{ARN: evil, Account: evil, Region: evil, Tier: evil, Status: "unprotected", Reasons: []string{evil}}},
	}
	var b bytes.Buffer
	if err := Markdown(&b, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("a line starts a workflow command: %q", line)
		}
		if strings.ContainsAny(line, "\r\x1b\u202e") {
			t.Errorf("a line holds a raw control character: %q", line)
		}
	}
}
