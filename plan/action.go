package plan

import (
	"encoding/json"
	"fmt"
)

// Action is what a change does to a resource.
type Action rune

// Actions, as Terraform draws them.
const (
	NoOp    Action = ' '
	Create  Action = '+'
	Update  Action = '~'
	Replace Action = '±'
	Delete  Action = '-'
)

// String returns the action's word.
func (a Action) String() string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Replace:
		return "replace"
	case Delete:
		return "delete"
	}
	return "no-op"
}

// MarshalJSON writes the action's word.
func (a Action) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON reads the action's word.
func (a *Action) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, x := range []Action{NoOp, Create, Update, Replace, Delete} {
		if x.String() == s {
			*a = x
			return nil
		}
	}
	return fmt.Errorf("unknown action %q", s)
}
