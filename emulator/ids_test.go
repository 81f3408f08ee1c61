package emulator

import (
	"fmt"
	"strings"
	"testing"
)

// The identifiers stay those of the seed: uuid keeps the digits and layout
// of fmt-built UUIDs, upperUUID their upper case.
func TestUUIDLayoutAndSequence(t *testing.T) {
	g, ref := newIDGen(42), newIDGen(42)
	for i := 0; i < 100; i++ {
		var h strings.Builder
		for range 32 {
			h.WriteByte(hexChars[ref.r.IntN(16)])
		}
		d := h.String()
		want := fmt.Sprintf("%s-%s-4%s-a%s-%s", d[0:8], d[8:12], d[13:16], d[17:20], d[20:32])
		var got string
		if i%2 == 0 {
			got = g.uuid()
		} else {
			want, got = strings.ToUpper(want), g.upperUUID()
		}
		if got != want {
			t.Fatalf("id %d = %s, want %s", i, got, want)
		}
	}
}
