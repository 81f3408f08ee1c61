package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Event patterns ("Amazon EventBridge event patterns" and "Content
// filtering in Amazon EventBridge event patterns", EventBridge User
// Guide): a pattern is a JSON object whose fields mirror the event's; a
// field holds either a nested pattern object or an array of match values.
// An event matches when every field of the pattern matches (AND); a field
// matches when any value of its array matches (OR), and when the event's
// field is an array, when any of its elements does. Match values are
// literals (string, number, boolean or null, matched exactly; numbers
// numerically) or one-operator objects: prefix, suffix,
// equals-ignore-case, anything-but (a literal, a list of literals, or a
// prefix/suffix), exists, and numeric. A field absent from the event
// matches only {"exists": false}; the documentation does not say whether
// anything-but matches an absent field, and the emulator chooses the
// stricter answer: it does not. Wildcard and CIDR matching are not
// emulated and are refused.

func invalidPattern(format string, args ...any) error {
	return &eventstypes.InvalidEventPatternException{Message: aws.String("Event pattern is not valid. Reason: " + fmt.Sprintf(format, args...))}
}

// parseEventPattern parses and validates a pattern.
func parseEventPattern(s string) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var p map[string]any
	if err := d.Decode(&p); err != nil || p == nil {
		return nil, invalidPattern("the pattern must be a JSON object")
	}
	if d.More() {
		return nil, invalidPattern("trailing data after the pattern")
	}
	if len(p) == 0 {
		return nil, invalidPattern("the pattern must not be empty")
	}
	if err := checkPatternObject(p, ""); err != nil {
		return nil, err
	}
	return p, nil
}

func checkPatternObject(p map[string]any, path string) error {
	for k, v := range p {
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 {
				return invalidPattern("%s%s must not be an empty object", path, k)
			}
			if err := checkPatternObject(v, path+k+"."); err != nil {
				return err
			}
		case []any:
			// "Match values are always in arrays"; an empty array could
			// never match, and the documentation does not allow one: the
			// emulator refuses it.
			if len(v) == 0 {
				return invalidPattern("%s%s must not be an empty array", path, k)
			}
			for _, m := range v {
				if err := checkMatchValue(m, path+k); err != nil {
					return err
				}
			}
		default:
			return invalidPattern("match value of %s%s must be an array or an object", path, k)
		}
	}
	return nil
}

func checkMatchValue(m any, field string) error {
	op, ok := m.(map[string]any)
	if !ok {
		if _, nested := m.([]any); nested {
			return invalidPattern("%s: nested arrays are not allowed", field)
		}
		return nil // literal
	}
	if len(op) != 1 {
		return invalidPattern("%s: an operator object holds exactly one operator", field)
	}
	for name, arg := range op {
		switch name {
		case "prefix", "suffix", "equals-ignore-case":
			if _, ok := arg.(string); !ok {
				return invalidPattern("%s: %s takes a string", field, name)
			}
		case "exists":
			if _, ok := arg.(bool); !ok {
				return invalidPattern("%s: exists takes true or false", field)
			}
		case "anything-but":
			switch a := arg.(type) {
			case string, json.Number, bool, nil:
			case []any:
				for _, x := range a {
					switch x.(type) {
					case string, json.Number:
					default:
						return invalidPattern("%s: anything-but lists hold strings or numbers", field)
					}
				}
			case map[string]any:
				if len(a) != 1 {
					return invalidPattern("%s: anything-but takes one prefix or suffix", field)
				}
				for k, v := range a {
					if _, ok := v.(string); !ok || (k != "prefix" && k != "suffix") {
						return invalidPattern("%s: anything-but takes prefix or suffix with a string", field)
					}
				}
			default:
				return invalidPattern("%s: anything-but takes a value, a list or a prefix", field)
			}
		case "numeric":
			a, ok := arg.([]any)
			if !ok || len(a) == 0 || len(a)%2 != 0 || len(a) > 4 {
				return invalidPattern("%s: numeric takes one or two comparisons", field)
			}
			for i := 0; i < len(a); i += 2 {
				o, _ := a[i].(string)
				if _, ok := a[i+1].(json.Number); !ok || !strings.Contains("= < <= > >=", o) || o == "" {
					return invalidPattern("%s: numeric comparisons are an operator (=, <, <=, >, >=) and a number", field)
				}
			}
		default:
			return invalidPattern("%s: operator %q is not supported by the orgbackup emulator", field, name)
		}
	}
	return nil
}

// matchEventPattern reports whether the event (decoded JSON) matches p.
func matchEventPattern(p map[string]any, ev map[string]any) bool {
	for k, pv := range p {
		v, present := ev[k]
		switch pv := pv.(type) {
		case map[string]any:
			sub, _ := v.(map[string]any)
			if !matchEventPattern(pv, sub) {
				return false
			}
		case []any:
			if !matchField(pv, v, present) {
				return false
			}
		}
	}
	return true
}

func matchField(values []any, v any, present bool) bool {
	for _, m := range values {
		if op, ok := m.(map[string]any); ok {
			if e, ok := op["exists"].(bool); ok {
				if e == (present && !isJSONObject(v)) {
					return true
				}
				continue
			}
		}
		if !present {
			continue
		}
		if arr, ok := v.([]any); ok {
			for _, x := range arr {
				if matchValue(m, x) {
					return true
				}
			}
			continue
		}
		if matchValue(m, v) {
			return true
		}
	}
	return false
}

func isJSONObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// matchValue matches one leaf value of the event against one match value.
func matchValue(m, v any) bool {
	op, ok := m.(map[string]any)
	if !ok {
		return literalEqual(m, v)
	}
	s, isString := v.(string)
	for name, arg := range op {
		switch name {
		case "prefix":
			return isString && strings.HasPrefix(s, arg.(string))
		case "suffix":
			return isString && strings.HasSuffix(s, arg.(string))
		case "equals-ignore-case":
			return isString && strings.EqualFold(s, arg.(string))
		case "anything-but":
			switch a := arg.(type) {
			case []any:
				for _, x := range a {
					if literalEqual(x, v) {
						return false
					}
				}
				return true
			case map[string]any:
				if p, ok := a["prefix"].(string); ok {
					return isString && !strings.HasPrefix(s, p)
				}
				if p, ok := a["suffix"].(string); ok {
					return isString && !strings.HasSuffix(s, p)
				}
				return false
			default:
				return !literalEqual(a, v)
			}
		case "numeric":
			n, ok := number(v)
			if !ok {
				return false
			}
			a := arg.([]any)
			for i := 0; i < len(a); i += 2 {
				want, _ := number(a[i+1])
				var hold bool
				switch a[i].(string) {
				case "=":
					hold = n == want
				case "<":
					hold = n < want
				case "<=":
					hold = n <= want
				case ">":
					hold = n > want
				case ">=":
					hold = n >= want
				}
				if !hold {
					return false
				}
			}
			return true
		}
	}
	return false
}

func literalEqual(m, v any) bool {
	if mn, ok := number(m); ok {
		vn, ok := number(v)
		return ok && mn == vn
	}
	return m == v
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}
