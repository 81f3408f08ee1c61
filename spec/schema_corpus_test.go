package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/orgbackup/orgbackup/schema/vocab"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// corpusDoc is one spec of the test corpus.
type corpusDoc struct {
	name string
	data []byte
}

// specCorpus collects every spec the repository's tests use: the files
// under spec/testdata and examples, the spec fuzzer's seed inputs, and the
// specs of TestParseValid and TestParseInvalid.
func specCorpus(t *testing.T) []corpusDoc {
	t.Helper()
	var docs []corpusDoc
	for _, pattern := range []string{
		"testdata/spec/*.json",
		"testdata/corpus/*/*.yaml",
		"../examples/*/backup.yaml",
	} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, corpusDoc{f, data})
		}
	}
	seeds, err := filepath.Glob("testdata/fuzz/FuzzParse/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range seeds {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// "go test fuzz v1" then []byte("...") with a Go string literal.
		lines := strings.SplitN(string(raw), "\n", 2)
		lit := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "[]byte("), ")")
		s, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		docs = append(docs, corpusDoc{f, []byte(s)})
	}
	for name, y := range parseValidCases() {
		docs = append(docs, corpusDoc{"TestParseValid/" + name, []byte(y)})
	}
	for name, c := range parseInvalidCases() {
		docs = append(docs, corpusDoc{"TestParseInvalid/" + name, []byte(c.yaml)})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].name < docs[j].name })
	return docs
}

// TestSchemaAgreesWithLoad validates every spec of the corpus with the
// committed JSON Schema, its comparisons vocabulary enforced, and with
// Parse: both accept the same specs, and refuse the same.
func TestSchemaAgreesWithLoad(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t, true)
	docs := specCorpus(t)
	if len(docs) < 50 {
		t.Fatalf("the corpus has %d specs; the globs or tables moved", len(docs))
	}
	var valid, invalid int
	for _, d := range docs {
		_, loadErr := Parse(filepath.Base(d.name), d.data)
		schemaErr := validateWithSchema(sch, d.data)
		if loadErr == nil {
			valid++
		} else {
			invalid++
		}
		switch {
		case loadErr == nil && schemaErr != nil:
			t.Errorf("%s: Load accepts it, the schema refuses it: %v", d.name, schemaErr)
		case loadErr != nil && schemaErr == nil:
			t.Errorf("%s: Load refuses it, the schema accepts it:\n%v", d.name, loadErr)
		}
	}
	if valid == 0 || invalid == 0 {
		t.Errorf("the corpus has %d valid and %d invalid specs; it needs both", valid, invalid)
	}
}

// compileSchema compiles the committed schema with the comparisons
// vocabulary, durations read by durationMinutes; with formats, the format
// keyword asserts (email).
func compileSchema(t *testing.T, formats bool) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if formats {
		c.AssertFormat()
	}
	if err := vocab.Register(c, durationMinutes); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaFile, err)
	}
	return sch
}

// durationMinutes reads a duration as the spec does, in minutes: windows
// with ParseWindow, retentions (which may be in years) with
// ParseRetention; the schema's durations have the spec's one grammar.
func durationMinutes(s string) (int64, error) {
	if w, err := ParseWindow(s); err == nil {
		return int64(w / time.Minute), nil
	}
	d, err := ParseRetention(s)
	return int64(d) * 24 * 60, err
}

// validateWithSchema decodes a YAML (or JSON) spec as any other YAML
// reader would, and validates it with the schema.
func validateWithSchema(sch *jsonschema.Schema, data []byte) error {
	// A YAML stream of several documents is several instances, which no
	// JSON Schema validation covers: a schema validates one instance, and
	// yaml.Unmarshal would read the first document only. Load refuses
	// such a stream; so does the schema's reading of it.
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return err
	}
	if len(f.Docs) > 1 {
		return fmt.Errorf("a stream of %d YAML documents is not one JSON instance", len(f.Docs))
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return err
	}
	if v == nil {
		return errors.New("the document is empty")
	}
	// Through JSON, as the schema sees a document: numbers, strings,
	// objects with string keys.
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
