package policy

import (
	"strings"
	"testing"
)

func TestFlowDepthExceeded(t *testing.T) {
	t.Parallel()
	deep := func(n int, open string) string { return strings.Repeat(open, n) }
	tests := map[string]struct {
		in       string
		exceeded bool
		line     int
	}{
		"shallow":                      {in: "a: [1, {b: [2]}]\n"},
		"at the bound":                 {in: "a: " + deep(MaxYAMLFlowDepth, "[")},
		"past the bound":               {in: "a: " + deep(MaxYAMLFlowDepth+1, "["), exceeded: true, line: 1},
		"maps past the bound":          {in: "x: 1\na: " + deep(MaxYAMLFlowDepth+1, "{a: "), exceeded: true, line: 2},
		"brackets in quotes":           {in: "a: '" + deep(200, "[") + "'\nb: \"" + deep(200, "{") + "\"\n"},
		"brackets in a comment":        {in: "a: 1 # " + deep(200, "[") + "\n"},
		"apostrophe in a plain scalar": {in: "a: don't\nb: " + deep(MaxYAMLFlowDepth+1, "["), exceeded: true, line: 2},
		"escaped quotes":               {in: `a: "x\"` + deep(100, "[") + `"` + "\nb: 'it''s " + deep(100, "[") + "'\n"},
		"closing does not go negative": {in: "a: ]]]]]]\nb: " + deep(MaxYAMLFlowDepth+1, "["), exceeded: true, line: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			line, _, exceeded := FlowDepthExceeded([]byte(tc.in), MaxYAMLFlowDepth)
			if exceeded != tc.exceeded || line != tc.line {
				t.Errorf("FlowDepthExceeded = line %d, %t; want line %d, %t", line, exceeded, tc.line, tc.exceeded)
			}
		})
	}
}

func TestBlockKeysExceeded(t *testing.T) {
	t.Parallel()
	keys := func(n int, indent string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(indent + "k" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ": v\n")
		}
		return b.String()
	}
	const max = 10
	tests := map[string]struct {
		in       string
		exceeded bool
		line     int
	}{
		"at the bound":                  {in: keys(max, "")},
		"past the bound":                {in: keys(max+1, ""), exceeded: true, line: max + 1},
		"nested past the bound":         {in: "a:\n" + keys(max+1, "  "), exceeded: true, line: max + 2},
		"siblings in separate mappings": {in: "a:\n" + keys(max, "  ") + "b:\n" + keys(max, "  ")},
		"sequence items are mappings":   {in: "a:\n  - " + strings.TrimLeft(keys(max, "    "), " ") + "  - " + strings.TrimLeft(keys(max, "    "), " ")},
		"CRLF lines":                    {in: strings.ReplaceAll(keys(max+1, ""), "\n", "\r\n"), exceeded: true, line: max + 1},
		"explicit keys":                 {in: strings.Repeat("? a\n: b\n", max+1), exceeded: true, line: 2*max + 1},
		"comments and URLs":             {in: strings.Repeat("# a: b\nurl: http://x\n", max)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			line, _, exceeded := BlockKeysExceeded([]byte(tc.in), max)
			if exceeded != tc.exceeded || line != tc.line {
				t.Errorf("BlockKeysExceeded = line %d, %t; want line %d, %t", line, exceeded, tc.line, tc.exceeded)
			}
		})
	}
}
