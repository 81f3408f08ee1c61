package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestRenderersEscapeUserText checks that text from a spec or from AWS
// (names, reasons, check messages, state values and keys) cannot start a
// GitHub Actions workflow command or send terminal escapes, in the text
// and the Markdown renderings.
func TestRenderersEscapeUserText(t *testing.T) {
	t.Parallel()
	const evil = "x\n::add-mask::secret\r\n::error::pwned\x1b[2J\u202e"
	p := &Plan{Spec: "evil", Changes: []Change{
		{Address: Address{Account: "333333333333", Region: "us-east-1", Kind: "backup_vault", Name: evil}, Action: Update,
			Before: JSON(map[string]string{evil: evil}), After: JSON(map[string]string{evil: "y"}), Reason: evil, Destructive: true},
	}, Checks: []Check{{Code: evil, Address: evil, Message: evil}}, Notes: []Check{{Code: evil, Address: evil, Message: evil}}}
	mustSeal(t, p)
	var text, md bytes.Buffer
	if err := Text(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, p, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "::") {
				t.Errorf("%s: a line starts a workflow command: %q", name, line)
			}
			if strings.ContainsAny(line, "\r\x1b\u202e") {
				t.Errorf("%s: a line holds a raw control character: %q", name, line)
			}
		}
	}
	if !json.Valid(p.Changes[0].Before) {
		t.Fatal("test plan is not JSON")
	}
}
