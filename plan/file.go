package plan

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write writes the plan file: indented, stable JSON.
func Write(w io.Writer, p *Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Read reads a plan file written by Write and verifies its fingerprint.
func Read(r io.Reader) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	if p.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("reading plan: unsupported format_version %d", p.FormatVersion)
	}
	if err := p.Verify(); err != nil {
		return nil, err
	}
	return &p, nil
}
