package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFixtureAliasBomb checks that a small fixture whose nested aliases
// stand for a billion OUs is refused at once, and that aliases within the
// bound still load.
func TestFixtureAliasBomb(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var b strings.Builder
	b.WriteString("id: o-abcdefghij\nroot_id: r-root\nmanagement_account: \"111111111111\"\nunits:\n  - &u0 {name: a}\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("  - &u" + string(rune('0'+i)) + " {name: b, units: [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("*u" + string(rune('0'+i-1)))
		}
		b.WriteString("]}\n")
	}
	start := time.Now()
	_, err := LoadOrganization(write("bomb.yaml", b.String()))
	if err == nil || !strings.Contains(err.Error(), "aliases are expanded") {
		t.Fatalf("LoadOrganization(bomb) = %v, want a refusal naming the aliases", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the bomb took %v", d)
	}
	small := "id: o-abcdefghij\nroot_id: r-root\nmanagement_account: \"111111111111\"\naccounts:\n  - &m {id: \"111111111111\", name: m}\nunits:\n  - {name: a, accounts: [{id: \"222222222222\", name: x}]}\n"
	if _, err := LoadOrganization(write("small.yaml", small)); err != nil {
		t.Errorf("LoadOrganization(small with an anchor) = %v", err)
	}
}
