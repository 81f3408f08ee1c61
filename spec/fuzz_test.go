package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics and that every problem it
// reports is a located *SpecError. Seeds: the example spec, the testdata
// specs and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"../examples/central-backup/*.yaml", "testdata/spec/*"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(base))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("tiers: {x: {<<: [*y]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if (s == nil) == (err == nil) {
			t.Fatalf("Parse() = %v, %v: want exactly one of spec and error", s, err)
		}
		if err == nil {
			for _, name := range s.TierNames() {
				if _, err := s.TierPlan(name); err != nil {
					t.Fatalf("valid spec, but TierPlan(%q): %v", name, err)
				}
			}
			return
		}
		errs := SpecErrors(err)
		if len(errs) == 0 {
			t.Fatalf("Parse() error has no SpecError: %v", err)
		}
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Message == "" {
				t.Fatalf("bad SpecError %#v", e)
			}
		}
	})
}
