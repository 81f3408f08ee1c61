package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
)

// Change is one change to one resource. Applying reads only its Address,
// Action and After; Before is for review, safety checks and staleness.
type Change struct {
	// Address locates the resource; its fields are promoted (c.Kind,
	// c.Account...).
	Address
	// Action is what happens.
	Action Action
	// Before and After are the resource's state now and after the change,
	// as plain JSON values; nil for absent. After is the whole desired
	// state, orgbackup's managed tags included, so a plan file needs
	// nothing but credentials to be applied.
	Before, After json.RawMessage
	// Destructive changes need the applier's AllowDestructive.
	Destructive bool
	// Irreversible changes need the applier's AcknowledgeIrreversible.
	Irreversible bool
	// Reason explains the change for people; display only.
	Reason string
	// DependsOn lists the resources that must be applied first.
	DependsOn []Address
}

// NewChange builds a change whose Before and After are the canonical JSON
// of before and after (nil for absent).
func NewChange(addr Address, action Action, before, after any, reason string) Change {
	c := Change{Address: addr, Action: action, Reason: reason}
	if before != nil {
		c.Before = JSON(before)
	}
	if after != nil {
		c.After = JSON(after)
	}
	return c
}

// Decode decodes the change's After into v.
func (c Change) Decode(v any) error {
	if len(c.After) == 0 {
		return fmt.Errorf("%s: the change has no desired state", c.Address)
	}
	if err := json.Unmarshal(c.After, v); err != nil {
		return fmt.Errorf("%s: decoding the desired state: %w", c.Address, err)
	}
	return nil
}

// changeJSON is the plan file's form of a Change.
type changeJSON struct {
	Address      string          `json:"address"`
	Kind         string          `json:"kind"`
	Account      string          `json:"account"`
	Region       string          `json:"region"`
	Name         string          `json:"name"`
	Action       Action          `json:"action"`
	Before       json.RawMessage `json:"before,omitempty"`
	After        json.RawMessage `json:"after,omitempty"`
	Destructive  bool            `json:"destructive,omitempty"`
	Irreversible bool            `json:"irreversible,omitempty"`
	Reason       string          `json:"reason,omitempty"`
	DependsOn    []Address       `json:"depends_on,omitempty"`
}

// MarshalJSON writes the change with its address both whole and split.
func (c Change) MarshalJSON() ([]byte, error) {
	return json.Marshal(changeJSON{
		Address: c.Address.String(), Kind: c.Kind, Account: c.Account, Region: c.Region, Name: c.Name,
		Action: c.Action, Before: c.Before, After: c.After, Destructive: c.Destructive, Irreversible: c.Irreversible,
		Reason: c.Reason, DependsOn: c.DependsOn,
	})
}

// UnmarshalJSON reads what MarshalJSON writes, refusing an address that
// disagrees with its parts.
func (c *Change) UnmarshalJSON(b []byte) error {
	var w changeJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	addr := Address{Account: w.Account, Region: w.Region, Kind: w.Kind, Name: w.Name}
	if addr.String() != w.Address {
		return fmt.Errorf("change address %q does not match its account, region, kind and name (%s)", w.Address, addr)
	}
	*c = Change{Address: addr, Action: w.Action, Before: w.Before, After: w.After, Destructive: w.Destructive,
		Irreversible: w.Irreversible, Reason: w.Reason, DependsOn: w.DependsOn}
	return nil
}

// JSON encodes v canonically (map keys sorted). Planners pass plain data
// (structs of strings, numbers, maps and validated raw JSON), which always
// encodes; should a value not encode, the result is a JSON string naming
// the error, so the plan shows it to its reviewer rather than dropping the
// value.
func JSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(fmt.Sprintf("%q", "unencodable value: "+err.Error()))
	}
	return b
}

// Document returns a policy document as AWS returns it, in canonical JSON:
// URL-decoded first (IAM returns its documents URL-encoded, "GetRole",
// IAM API Reference), then re-encoded with sorted keys. A document that
// is not JSON is kept as a JSON string, so the plan still shows it.
func Document(doc string) json.RawMessage {
	if dec, err := url.QueryUnescape(doc); err == nil {
		doc = dec
	}
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return JSON(doc)
	}
	return JSON(v)
}

// JSONEqual reports whether two JSON documents hold the same value
// (whitespace and key order aside); documents that are not JSON are
// compared byte for byte.
func JSONEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(JSON(x), JSON(y))
}

// Normalize round-trips v through JSON, so that a value built in Go
// compares equal (reflect.DeepEqual, go-cmp) to the same value decoded from
// a document.
func Normalize(v any) any {
	var out any
	_ = json.Unmarshal(JSON(v), &out)
	return out
}

// Raw returns s as raw JSON when it is a JSON document (a policy read from
// AWS), and as a JSON string otherwise, so that any value AWS returns can
// stand in a Before.
func Raw(s string) json.RawMessage {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return JSON(s)
}
