package emulator

import (
	"bytes"
	"encoding/json"
	"testing"
)

// writeJSONString must write what json.Marshal writes for every string,
// HTML escaping included.
func FuzzWriteJSONString(f *testing.F) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "\x00\x01\x1f\x7f",
		"\b\f\n\r\t", "caf\u00e9 \u65e5\u672c", "\u2028\u2029", "\xff\xfe", "\xe2\x80", "a\xc0\x80b",
		"\U0001F600", "\ufffd", "arn:aws:backup:us-east-1:111111111111:recovery-point:1EB3B5E7-9EB0-435A-9DA4-A1D3C1B6DE7B",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("json.Marshal(%q): %v", s, err)
		}
		var buf bytes.Buffer
		buf.WriteString("x") // appends to what the buffer holds
		writeJSONString(&buf, s)
		if got := buf.String(); got != "x"+string(want) {
			t.Errorf("writeJSONString(%q) = %s, want %s", s, got[1:], want)
		}
	})
}

// BenchmarkWriteJSONString measures a typical member value.
func BenchmarkWriteJSONString(b *testing.B) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		writeJSONString(&buf, "arn:aws:backup:us-east-1:111111111111:recovery-point:1EB3B5E7-9EB0-435A-9DA4-A1D3C1B6DE7B")
	}
}
