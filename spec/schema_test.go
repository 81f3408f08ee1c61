package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/google/go-cmp/cmp"
)

const schemaFile = "../schema/orgbackup.schema.json"

// TestSchemaFile fails when the committed schema differs from the one the
// types generate; go generate ./spec (go test -run TestSchemaFile
// -update) rewrites it.
func TestSchemaFile(t *testing.T) {
	got, err := JSONSchema()
	if err != nil {
		t.Fatalf("JSONSchema() error: %v", err)
	}
	if goldenfile.Updating() {
		if err := os.MkdirAll(filepath.Dir(schemaFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("reading committed schema (run go generate ./spec): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale; run `go generate ./spec` (-committed +generated):\n%s", schemaFile, diff)
	}
}

// TestSchemaCoversSpec walks the schema and the Spec types together: every
// field is a property with a description, required exactly when Load
// requires it, and no property is invented.
func TestSchemaCoversSpec(t *testing.T) {
	t.Parallel()
	raw, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if got := root["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", got)
	}
	var walk func(typ reflect.Type, node map[string]any, path string)
	walk = func(typ reflect.Type, node map[string]any, path string) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Map:
			elem, _ := node["additionalProperties"].(map[string]any)
			if elem == nil {
				t.Errorf("%s: map without additionalProperties schema", path)
				return
			}
			walk(typ.Elem(), elem, path+".*")
			return
		case reflect.Slice:
			items, _ := node["items"].(map[string]any)
			if items == nil {
				t.Errorf("%s: list without items schema", path)
				return
			}
			walk(typ.Elem(), items, path+"[]")
			return
		case reflect.Struct:
		default:
			return
		}
		if node["additionalProperties"] != false {
			t.Errorf("%s: objects must forbid unknown keys", path)
		}
		props, _ := node["properties"].(map[string]any)
		required := map[string]bool{}
		if r, ok := node["required"].([]any); ok {
			for _, x := range r {
				required[x.(string)] = true
			}
		}
		fields := structFields(typ)
		if len(props) != len(fields) {
			t.Errorf("%s: %d properties, %d fields", path, len(props), len(fields))
		}
		for name, f := range fields {
			p, _ := props[name].(map[string]any)
			if p == nil {
				t.Errorf("%s.%s: missing from the schema", path, name)
				continue
			}
			if d, _ := p["description"].(string); d == "" {
				t.Errorf("%s.%s: no description", path, name)
			}
			if required[name] != f.required {
				t.Errorf("%s.%s: required in schema = %v, by Load = %v", path, name, required[name], f.required)
			}
			walk(typ.Field(f.index).Type, p, path+"."+name)
		}
	}
	walk(reflect.TypeFor[Spec](), root, "spec")
}

// TestSchemaConstraints checks that the schema carries the enums, patterns
// and bounds that validation enforces, for a sample of fields.
func TestSchemaConstraints(t *testing.T) {
	t.Parallel()
	raw, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	at := func(path ...string) any {
		var n any = root
		for _, p := range path {
			m, _ := n.(map[string]any)
			n = m[p]
		}
		return n
	}
	tier := []string{"properties", "tiers", "additionalProperties", "properties"}
	tests := map[string]struct {
		path []string
		want any
	}{
		"encryption enum":   {append(tier, "encryption", "enum"), []any{"customer-managed", "aws-managed", nil}},
		"retention pattern": {append(tier, "local_retention", "pattern"), retentionPattern},
		"window pattern":    {append(tier, "rpo", "pattern"), windowPattern},
		"start window":      {append(tier, "start_window", "pattern"), startWindowPattern()},
		"schedule":          {append(tier, "schedule", "pattern"), cronPattern()},
		"lock max":          {[]string{"properties", "central", "properties", "lock", "properties", "max_retention", "pattern"}, lockMaxPattern()},
		"tier names":        {[]string{"properties", "tiers", "propertyNames", "pattern"}, tierNamePattern},
		"account pattern":   {[]string{"properties", "organization", "properties", "backup_account", "pattern"}, "^[0-9]{12}$"},
		"distribution enum": {[]string{"properties", "organization", "properties", "distribution", "enum"}, []any{"policies", "direct", nil}},
		"lock mode enum":    {[]string{"properties", "central", "properties", "lock", "properties", "mode", "enum"}, []any{"governance", "compliance"}},
		"changeable min":    {[]string{"properties", "central", "properties", "lock", "properties", "changeable_for_days", "minimum"}, float64(3)},
		"version":           {[]string{"properties", "version", "enum"}, []any{float64(1)}},
		"required":          {[]string{"required"}, []any{"organization", "tiers", "version"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, at(tc.path...)); diff != "" {
				t.Errorf("schema at %v mismatch (-want +got):\n%s", tc.path, diff)
			}
		})
	}
	if !bytes.Contains(raw, []byte(`"RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"`)) || !bytes.Contains(raw, []byte(`"COPY_JOB_FAILED"`)) || bytes.Contains(raw, []byte(`"BACKUP_JOB_FAILED"`)) {
		t.Error("schema lacks the control or event enums")
	}
}
