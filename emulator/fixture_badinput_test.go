package emulator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestFixtureBadInputCorpus checks that every file of the bad-input
// corpus (spec/testdata/bad, and large inputs generated here) gets a clear
// error from LoadOrganization within 2 seconds and 200 MB. It does not run
// in parallel, so the allocation it measures is its own.
func TestFixtureBadInputCorpus(t *testing.T) {
	files, err := filepath.Glob("../spec/testdata/bad/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var keys strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&keys, "k%06d: 1\n", i)
	}
	generated := map[string]string{
		"huge.yaml":       strings.Repeat("key: value\n", 1<<20),
		"deep-flow.yaml":  "accounts: " + strings.Repeat("[", 1<<20),
		"many-keys.yaml":  keys.String(),
		"alias-bomb.yaml": "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
	}
	dir := t.TempDir()
	for name, data := range generated {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("LoadOrganization panicked: %v", r)
					}
				}()
				_, err = emulator.LoadOrganization(f)
			}()
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("a bad fixture was accepted")
			}
			if msg := err.Error(); strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") {
				t.Errorf("the error looks like a stack trace: %.300q", msg)
			}
			if took > 2*time.Second {
				t.Errorf("took %v, want at most 2s", took)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
				t.Errorf("allocated %d MB, want at most 200", alloc>>20)
			}
		})
	}
}
