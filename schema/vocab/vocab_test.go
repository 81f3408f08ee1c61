package vocab

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// days reads "30d", "4w" and "2y" as days, as the spec's retentions are.
func days(s string) (int64, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("duration %q is too short", s)
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil {
		return 0, err
	}
	switch s[len(s)-1] {
	case 'd':
		return n, nil
	case 'w':
		return 7 * n, nil
	case 'y':
		return 365 * n, nil
	}
	return 0, fmt.Errorf("duration %q has no unit", s)
}

func compileWith(t *testing.T, schema string, register bool) (*jsonschema.Schema, error) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if register {
		if err := Register(c, days); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddResource("test.json", doc); err != nil {
		t.Fatal(err)
	}
	return c.Compile("test.json")
}

func validate(t *testing.T, sch *jsonschema.Schema, instance string) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(instance))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

// TestKeywords validates instances with each keyword: every refused
// instance is accepted by the same schema compiled without the vocabulary,
// so each refusal is the keyword's.
func TestKeywords(t *testing.T) {
	t.Parallel()
	const (
		distinct = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-distinct": [["/a", "/b"], ["/owner", "/tiers/*/targets/*"]]}`
		equal = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-equal": [["/a", "/b", "/c/*"]]}`
		order = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-durationOrder": [{"shorter": "/min", "longer": "/max"},
				{"shorter": "/cold", "longer": "/keep", "plus": "90d"},
				{"shorter": "/tiers/*/keep", "longer": "/max"}]}`
		unique = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-uniqueBy": "/name"}`
		dates = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-dateOrder": [{"earlier": "/from", "later": "/to"}]}`
		member = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"x-orgbackup-memberOf": [{"values": "/holds/*/tiers/*", "of": "/tiers"}, {"names": "/emails", "of": "/tiers"},
				{"values": "/tested/*", "of": "/protected"}]}`
		nested = `{"$schema": "https://json-schema.org/draft/2020-12/schema",
			"properties": {"list": {"items": {"x-orgbackup-distinct": [["/x", "/y"]]}}}}`
	)
	tests := map[string]struct {
		schema, instance string
		wantErr          string // "" for valid
	}{
		"distinct differ":             {distinct, `{"a": 1, "b": 2}`, ""},
		"distinct equal":              {distinct, `{"a": "x", "b": "x"}`, `/a and /b must differ, both are "x"`},
		"distinct one absent":         {distinct, `{"a": "x"}`, ""},
		"distinct null":               {distinct, `{"a": null, "b": null}`, ""},
		"distinct JSON equality":      {distinct, `{"a": 1, "b": 1.0}`, "must differ"},
		"distinct wildcard":           {distinct, `{"owner": "1", "tiers": {"p": {"targets": ["2"]}, "q": {"targets": ["3", "1"]}}}`, "/owner and /tiers/q/targets/1 must differ"},
		"distinct same path repeats":  {distinct, `{"owner": "1", "tiers": {"p": {"targets": ["2"]}, "q": {"targets": ["2"]}}}`, ""},
		"distinct wildcard on scalar": {distinct, `{"owner": "1", "tiers": 5}`, ""},
		"distinct nested":             {nested, `{"list": [{"x": 1, "y": 2}, {"x": 3, "y": 3}]}`, "/x and /y must differ"},
		"equal":                       {equal, `{"a": "x", "b": "x", "c": ["x", "x"]}`, ""},
		"equal one absent":            {equal, `{"a": "x", "c": null}`, ""},
		"equal differ":                {equal, `{"a": "x", "b": "y"}`, `/a ("x") and /b ("y") must be equal`},
		"equal item differs":          {equal, `{"a": "x", "c": ["x", "z"]}`, `/a ("x") and /c/1 ("z") must be equal`},
		"order holds":                 {order, `{"min": "1d", "max": "1y"}`, ""},
		"order equal":                 {order, `{"min": "7d", "max": "1w"}`, ""},
		"order broken":                {order, `{"min": "10y", "max": "1y"}`, `/max ("1y") must be at least /min ("10y")`},
		"order unreadable":            {order, `{"min": "ten", "max": "1y"}`, ""},
		"order not a string":          {order, `{"min": 3650, "max": "1y"}`, ""},
		"order plus holds":            {order, `{"cold": "30d", "keep": "120d"}`, ""},
		"order plus broken":           {order, `{"cold": "30d", "keep": "100d"}`, `/keep ("100d") must be at least /cold ("30d") plus 90d`},
		"order wildcard":              {order, `{"max": "1y", "tiers": {"a": {"keep": "30d"}, "b": {"keep": "2y"}}}`, `/max ("1y") must be at least /tiers/b/keep`},
		"order absent":                {order, `{"max": "1y", "tiers": {"a": {}}}`, ""},
		"dates in order":              {dates, `{"from": "2026-01-01", "to": "2026-01-02"}`, ""},
		"dates equal":                 {dates, `{"from": "2026-01-01", "to": "2026-01-01"}`, ""},
		"dates reversed":              {dates, `{"from": "2026-02-01", "to": "2026-01-31"}`, `/to ("2026-01-31") is before /from ("2026-02-01")`},
		"dates across years":          {dates, `{"from": "2025-12-31", "to": "2026-01-01"}`, ""},
		"date unreadable":             {dates, `{"from": "2026-02-30", "to": "2026-01-01"}`, ""},
		"date absent":                 {dates, `{"to": "2026-01-01"}`, ""},
		"member values":               {member, `{"tiers": {"p": {}, "q": {}}, "holds": [{"tiers": ["p", "q"]}]}`, ""},
		"member value unknown":        {member, `{"tiers": {"p": {}}, "holds": [{"tiers": ["p"]}, {"tiers": ["q"]}]}`, `/holds/1/tiers/0: "q" is not a member of /tiers`},
		"member names":                {member, `{"tiers": {"p": {}}, "emails": {"p": []}}`, ""},
		"member name unknown":         {member, `{"tiers": {"p": {}}, "emails": {"p": [], "x/y": []}}`, `/emails/x~1y: "x/y" is not a member of /tiers`},
		"member without the object":   {member, `{"holds": [{"tiers": ["q"]}], "emails": {"x": []}}`, ""},
		"member items":                {member, `{"protected": ["RDS", "EFS"], "tested": ["EFS"]}`, ""},
		"member not an item":          {member, `{"protected": ["RDS", "EFS"], "tested": ["EFS", "EC2"]}`, `/tested/1: "EC2" is not a member of /protected`},
		"member of an empty array":    {member, `{"protected": [], "tested": ["EFS"]}`, `/tested/0: "EFS" is not a member of /protected`},
		"member not a string":         {member, `{"tiers": {"1": {}}, "holds": [{"tiers": [2]}]}`, ""},
		"unique":                      {unique, `[{"name": "a"}, {"name": "b"}, {}]`, ""},
		"unique broken":               {unique, `[{"name": "a", "x": 1}, {"name": "b"}, {"name": "a", "x": 2}]`, `items 0 and 2 have the same /name, "a"`},
		"unique not an array":         {unique, `{"name": "a"}`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sch, err := compileWith(t, tc.schema, true)
			if err != nil {
				t.Fatalf("compiling: %v", err)
			}
			err = validate(t, sch, tc.instance)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate(%s) = %v, want nil", tc.instance, err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("Validate(%s) = nil, want %q", tc.instance, tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("Validate(%s) = %v, want %q", tc.instance, err, tc.wantErr)
			}
			// Without the vocabulary, the keywords are unknown keywords,
			// which 2020-12 validators ignore.
			plain, err := compileWith(t, tc.schema, false)
			if err != nil {
				t.Fatalf("compiling without the vocabulary: %v", err)
			}
			if err := validate(t, plain, tc.instance); err != nil {
				t.Errorf("without the vocabulary, Validate(%s) = %v, want nil", tc.instance, err)
			}
		})
	}
}

// TestKeywordSyntax compiles schemas whose keywords the meta-schema
// refuses.
func TestKeywordSyntax(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"distinct not a list":     `{"x-orgbackup-distinct": "/a"}`,
		"distinct one path":       `{"x-orgbackup-distinct": [["/a"]]}`,
		"distinct bad pointer":    `{"x-orgbackup-distinct": [["a", "/b"]]}`,
		"distinct bad escape":     `{"x-orgbackup-distinct": [["/a~2", "/b"]]}`,
		"order without longer":    `{"x-orgbackup-durationOrder": [{"shorter": "/a"}]}`,
		"order unknown member":    `{"x-orgbackup-durationOrder": [{"shorter": "/a", "longer": "/b", "by": "1d"}]}`,
		"order unreadable plus":   `{"x-orgbackup-durationOrder": [{"shorter": "/a", "longer": "/b", "plus": "soon"}]}`,
		"equal one path":          `{"x-orgbackup-equal": [["/a"]]}`,
		"dateOrder without later": `{"x-orgbackup-dateOrder": [{"earlier": "/a"}]}`,
		"memberOf without of":     `{"x-orgbackup-memberOf": [{"values": "/a"}]}`,
		"memberOf both":           `{"x-orgbackup-memberOf": [{"values": "/a", "names": "/b", "of": "/c"}]}`,
		"memberOf neither":        `{"x-orgbackup-memberOf": [{"of": "/c"}]}`,
		"uniqueBy not a pointer":  `{"x-orgbackup-uniqueBy": "name"}`,
	}
	for name, schema := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := compileWith(t, `{"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [`+schema+`]}`, true); err == nil {
				t.Errorf("compiling %s succeeded, want an error", schema)
			} else if testing.Verbose() {
				t.Log(err)
			}
		})
	}
}

// TestDialect uses the meta-schema as a schema's $schema: a schema
// declaring the dialect compiles, and its keywords are enforced.
func TestDialect(t *testing.T) {
	t.Parallel()
	sch, err := compileWith(t, `{"$schema": "`+MetaSchemaURL+`", "x-orgbackup-uniqueBy": "/id"}`, true)
	if err != nil {
		t.Fatalf("compiling: %v", err)
	}
	if err := validate(t, sch, `[{"id": 1}, {"id": 1}]`); err == nil {
		t.Error("Validate accepted two items of one id")
	}
}

func TestNewNeedsParser(t *testing.T) {
	t.Parallel()
	if _, err := New(nil); err == nil {
		t.Error("New(nil) succeeded, want an error")
	}
}
