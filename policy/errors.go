package policy

import "strings"

// FieldError is one problem found in a plan or policy. Validation returns
// every problem at once, joined with errors.Join; use errors.As or
// FieldErrors to get them back one by one.
type FieldError struct {
	// Path locates the field, relative to the plan, using the key names of
	// Organizations backup policies and the names of rules, copy actions and
	// selections as path elements, for example
	// {"rules", "daily", "lifecycle", "delete_after_days"}.
	Path []string
	// Message says what is wrong, and what AWS accepts instead.
	Message string
	// Missing says the problem is a required setting that is absent (a
	// plan without rules, a rule without a target vault...). An
	// Organizations backup policy may leave such settings to the policies
	// it inherits from or to its children; only the effective policy must
	// be complete.
	Missing bool
}

// Error returns "path: message".
func (e *FieldError) Error() string {
	if len(e.Path) == 0 {
		return EscapeControl(e.Message)
	}
	return EscapeControl(strings.Join(e.Path, ".") + ": " + e.Message)
}

// FieldErrors returns the FieldErrors inside err (as returned by validation,
// possibly joined and wrapped), in order.
func FieldErrors(err error) []*FieldError { return ErrorsAs[*FieldError](err) }

// ErrorsAs returns every error of type T inside err, walking joined
// (Unwrap() []error) and wrapped (Unwrap() error) errors depth first, in
// order. Validation here and the spec loader use it to hand back all of
// their problems at once.
func ErrorsAs[T error](err error) []T {
	var out []T
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(T); ok {
			out = append(out, e)
			return
		}
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
