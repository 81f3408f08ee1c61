package textsafe

import "testing"

func TestEscapeControl(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"tiers.production":      "tiers.production",
		"café ✓":                "café ✓",
		"x\n::add-mask::secret": `x\n::add-mask::secret`,
		"\x1b[31mred\r":         `\x1b[31mred\r`,
		"right\u202eleft":       `right\u202eleft`,
		"tab\there":             `tab\there`,
	} {
		if got := EscapeControl(in); got != want {
			t.Errorf("EscapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}
