package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes the report as indented JSON in the schema the package
// documentation describes (schema_version 1). The output is stable: the
// same report always gives the same bytes.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing report JSON: %w", err)
	}
	return nil
}

// ReadJSON reads a report written by JSON.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("reading report JSON: %w", err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("reading report JSON: schema_version %d, want %d", r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}
