package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
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

// valueComparisons are the corpus specs Load refuses for a rule that
// compares two values of the spec with each other, with the rule. JSON
// Schema cannot express those: its keywords test one instance against
// constants (const, enum, pattern, minimum...) and combine such tests
// (allOf, if/then, not, contains); none refers to another value of the
// document ($data was a proposal that never became part of the standard,
// and uniqueItems compares whole items, not one field of them). The schema
// accepting them is expected; any other disagreement fails, and so does an
// entry that no longer disagrees.
var valueComparisons = map[string]string{
	"TestParseInvalid/same accounts":                  "backup account differs from management_account",
	"TestParseInvalid/management target":              "a target differs from management_account",
	"TestParseInvalid/secondary is primary":           "secondary region differs from the primary",
	"TestParseInvalid/lock min over max, custom tier": "lock min_retention at most its max_retention",
	"TestParseInvalid/lock range written":             "central_retention within the lock's range",
	"TestParseInvalid/air gap same vault":             "air-gapped vault name differs from central.vault",
	"TestParseInvalid/cold storage written":           "local_retention at least 90 days after cold_after",
	"TestParseInvalid/framework name twice":           "framework names unique across differing frameworks",
}

// TestSchemaAgreesWithLoad validates every spec of the corpus with the
// committed JSON Schema and with Parse: both accept the same specs, and
// refuse the same, except where Load compares two values of the spec.
func TestSchemaAgreesWithLoad(t *testing.T) {
	t.Parallel()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaFile, err)
	}
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
		rule, compared := valueComparisons[d.name]
		switch {
		case loadErr == nil && schemaErr != nil:
			t.Errorf("%s: Load accepts it, the schema refuses it: %v", d.name, schemaErr)
		case loadErr != nil && schemaErr == nil && !compared:
			t.Errorf("%s: Load refuses it, the schema accepts it:\n%v", d.name, loadErr)
		case compared && (loadErr == nil || schemaErr != nil):
			t.Errorf("%s is listed as refused by Load only (%s): Load error %v, schema error %v", d.name, rule, loadErr, schemaErr)
		}
	}
	for name := range valueComparisons {
		if !slices.ContainsFunc(docs, func(d corpusDoc) bool { return d.name == name }) {
			t.Errorf("valueComparisons lists %s, which is not in the corpus", name)
		}
	}
	if valid == 0 || invalid == 0 {
		t.Errorf("the corpus has %d valid and %d invalid specs; it needs both", valid, invalid)
	}
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
