package policy

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseOrganizationsPolicy checks that parsing never panics, that every
// error is a *ParseError, and that a document that parses compiles to a
// policy that parses back to the same bytes.
func FuzzParseOrganizationsPolicy(f *testing.F) {
	docs, err := CompileOrganizationsPolicy([]Plan{fullPlan()}, CompileOptions{Indent: " "})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(docs[0])
	f.Fuzz(func(t *testing.T, data []byte) {
		pol, err := ParseOrganizationsPolicy("fuzz.json", data)
		if err != nil {
			for _, e := range unwrapAll(err) {
				var pe *ParseError
				if !errors.As(e, &pe) {
					t.Fatalf("error %v is a %T, want *ParseError", e, e)
				}
			}
			return
		}
		if len(pol.Plans) == 0 {
			return
		}
		opts := CompileOptions{ChildControl: pol.ChildControl}
		first, err := CompileOrganizationsPolicy(pol.Plans, opts)
		if err != nil {
			// Valid documents the plan model holds but the compiler
			// writes differently are fine; what it refuses must be
			// inexpressible, never a crash.
			return
		}
		for _, doc := range first {
			again, err := ParseOrganizationsPolicy("compiled.json", doc)
			if err != nil {
				t.Fatalf("compiled policy does not parse: %v\n%s", err, doc)
			}
			second, err := CompileOrganizationsPolicy(again.Plans, CompileOptions{ChildControl: again.ChildControl})
			if err != nil {
				t.Fatalf("recompiling: %v", err)
			}
			if len(second) != 1 || !bytes.Equal(second[0], doc) {
				t.Fatalf("compile → parse → compile is not stable:\n%s\n%s", doc, bytes.Join(second, []byte("\n")))
			}
		}
	})
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
