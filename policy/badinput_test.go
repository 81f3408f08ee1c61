package policy

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestPolicyBadInputCorpus checks that every file of the bad-input corpus
// (spec/testdata/bad, and large inputs generated here) gets a clear error
// from ParseOrganizationsPolicy within 2 seconds and 200 MB. It does not
// run in parallel, so the allocation it measures is its own.
func TestPolicyBadInputCorpus(t *testing.T) {
	files, err := filepath.Glob("../spec/testdata/bad/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	inputs := map[string][]byte{
		"huge.json":        []byte(`{"plans":{"p":{"x":"` + strings.Repeat("x", 100<<20) + `"}}}`),
		"deep.json":        []byte(strings.Repeat(`{"a":`, 1<<20)),
		"many-keys.json":   []byte(`{` + strings.Repeat(`"k":1,`, 6000) + `"z":1}`),
		"control.json":     []byte("{\"::error::x\x1b[2J\": 1}"),
		"non-utf8.json":    []byte("{\"a\": \"\xff\xfe\"}"),
		"bom.json":         []byte("\ufeff{\"plans\": 7}"),
		"truncated.json":   []byte(`{"plans": {"p": `),
		"duplicate.json":   []byte(`{"plans": {}, "plans": {}}`),
		"wrong-type.json":  []byte(`{"plans": 7}`),
		"not-an-object.js": []byte(`[1, 2, 3]`),
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = data
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("ParseOrganizationsPolicy panicked: %v", r)
					}
				}()
				_, err = ParseOrganizationsPolicy(name, data)
			}()
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("a bad input was accepted")
			}
			msg := err.Error()
			for _, bad := range []string{"goroutine ", "panic", ".go:"} {
				if strings.Contains(msg, bad) {
					t.Errorf("the error looks like a stack trace: %.300q", msg)
				}
			}
			if strings.ContainsAny(msg, "\x1b\r") || strings.Contains(msg, "\n::") {
				t.Errorf("the error prints control characters: %.200q", msg)
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
