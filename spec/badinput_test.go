package spec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// badInput is one file of the bad-input corpus.
type badInput struct {
	name string
	data []byte
}

// badInputs returns the corpus: the small files kept in testdata/bad and
// the large ones generated here.
func badInputs(t *testing.T) []badInput {
	t.Helper()
	files, err := filepath.Glob("testdata/bad/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in testdata/bad: %v", err)
	}
	var out []badInput
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, badInput{filepath.Base(f), data})
	}
	var keys, deepMaps strings.Builder
	for i := 0; keys.Len() < MaxSpecBytes-64; i++ {
		fmt.Fprintf(&keys, "key%07d: %d\n", i, i)
	}
	for i := 0; deepMaps.Len() < MaxSpecBytes/4; i++ {
		deepMaps.WriteString(strings.Repeat(" ", i%2000) + "a:\n")
	}
	bomb := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i < 40; i++ {
		bomb += fmt.Sprintf("a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	out = append(out,
		badInput{"huge.yaml", []byte(strings.Repeat("key: value\n", 10*MaxSpecBytes/11+1000))},
		badInput{"many-keys.yaml", []byte(keys.String())},
		badInput{"deep-flow.yaml", []byte("version: " + strings.Repeat("[", MaxSpecBytes/2))},
		badInput{"deep-flow-maps.yaml", []byte("version: " + strings.Repeat("{a: ", MaxSpecBytes/8))},
		badInput{"deep-block-maps.yaml", []byte(deepMaps.String())},
		badInput{"long-line.yaml", []byte("name: " + strings.Repeat("x", MaxSpecBytes-100))},
		badInput{"alias-bomb-deep.yaml", []byte(bomb)},
		badInput{"json-deep.json", []byte(strings.Repeat(`{"a":`, MaxSpecBytes/6))},
		badInput{"control-characters.yaml", []byte("version: 1\n\"::error::x\\e[2J\": 1\n")},
		badInput{"nul-bytes.yaml", []byte("version: 1\nname: a\x00b\n")},
	)
	return out
}

// TestBadInputCorpus checks that every file of the bad-input corpus gets
// a clear error — positioned, printable, no panic, no stack trace — within
// 2 seconds and 200 MB of allocation. It does not run in parallel, so the
// allocation it measures is its own.
func TestBadInputCorpus(t *testing.T) {
	for _, in := range badInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Parse panicked: %v", r)
					}
				}()
				_, err = Parse(in.name, in.data)
			}()
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("Parse accepted a bad input")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, in.name+":") {
				t.Errorf("the error does not start with the file name: %.200q", msg)
			}
			for _, bad := range []string{"goroutine ", "panic", "runtime/", ".go:"} {
				if strings.Contains(msg, bad) {
					t.Errorf("the error looks like a stack trace (%q): %.300q", bad, msg)
				}
			}
			for _, line := range strings.Split(msg, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.ContainsAny(line, "\x1b\r\x00") {
					t.Errorf("the error prints an unescaped line: %.200q", line)
				}
			}
			if took > timeScale*2*time.Second {
				t.Errorf("Parse took %v, want at most 2s (times %d under the race detector)", took, timeScale)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
				t.Errorf("Parse allocated %d MB, want at most 200", alloc>>20)
			}
			if n := len(SpecErrors(err)); n > maxDecodeErrs+1 {
				t.Errorf("%d errors reported, want at most %d", n, maxDecodeErrs+1)
			}
		})
	}
}

// TestParseLinear checks that parsing cost grows linearly with the size of
// a spec: eight times the keys (in mappings of 100, under the bound on one
// mapping's keys) may allocate up to twelve times as much, not the
// sixty-four times of a quadratic parser.
func TestParseLinear(t *testing.T) {
	gen := func(groups int) []byte {
		var b strings.Builder
		b.WriteString("version: 1\nname: linear\nextra:\n")
		for g := range groups {
			fmt.Fprintf(&b, "  group%05d:\n", g)
			for i := range 100 {
				fmt.Fprintf(&b, "    key%03d: v\n", i)
			}
		}
		return []byte(b.String())
	}
	// Bytes allocated, unlike time, do not depend on the machine's load;
	// a quadratic parser copies quadratically many.
	measure := func(data []byte) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = Parse("linear.yaml", data)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := measure(gen(40)), measure(gen(320))
	t.Logf("4,000 keys: %d KB; 32,000 keys: %d KB allocated", small>>10, large>>10)
	if large > 12*small {
		t.Errorf("8x the keys allocated %.1fx as much (%d vs %d bytes): parsing is not linear", float64(large)/float64(small), large, small)
	}
}

// TestParseContextCancels checks that LoadContext and ParseContext return
// at once when their context is done, with its error.
func TestParseContextCancels(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadContext(ctx, "testdata/bad/crlf.yaml"); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadContext(canceled) = %v, want context.Canceled", err)
	}
	// Cancelled while parsing the largest input of the corpus.
	data := []byte(strings.Repeat("{a: ", MaxSpecBytes/4))
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ParseContext(ctx, "slow.yaml", data)
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("ParseContext returned after %v, want promptly", took)
	}
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !slices.ContainsFunc(SpecErrors(err), func(*SpecError) bool { return true }) {
		t.Errorf("ParseContext = %v, want the context's error (or the parse error, had it finished first)", err)
	}
}
