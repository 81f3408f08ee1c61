package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// CanonicalPolicy returns a canonical form of an IAM-style policy document
// (key policy, vault access policy, topic policy) in which documents IAM
// evaluates the same compare equal byte for byte. It is for comparison
// only, never for sending to AWS. The rules, from the IAM User Guide's
// "IAM JSON policy element reference":
//   - object keys are sorted and whitespace is dropped;
//   - Statement may be one object or a list; it becomes a list, sorted
//     (statements are evaluated independently, "Policy evaluation logic");
//   - Action, NotAction, Resource, NotResource, each Principal value and
//     each condition's values may be a string or a list; they become
//     sorted lists without duplicates;
//   - action names and condition keys are case-insensitive ("Action" and
//     "Condition" elements) and are lowercased; condition values are not;
//   - boolean and number condition values equal their string forms;
//   - "Principal": "*" equals {"AWS": "*"} ("Principal" element,
//     "Anonymous principals"), and an account ID AWS principal equals its
//     root ARN ("AWS account principals"), which is how AWS stores it.
//
// Version, Id and Sid are kept as they are: they are part of what the
// document says even where they do not change its evaluation.
func CanonicalPolicy(doc string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return "", fmt.Errorf("parsing policy document: %w", err)
	}
	if dec.More() {
		return "", fmt.Errorf("parsing policy document: data after the top-level object")
	}
	out := map[string]any{}
	for k, v := range root {
		if k != "Statement" {
			out[k] = v
			continue
		}
		var stmts []any
		switch s := v.(type) {
		case []any:
			stmts = s
		case map[string]any:
			stmts = []any{s}
		default:
			return "", fmt.Errorf("parsing policy document: Statement must be an object or a list of objects")
		}
		canon := make([]any, 0, len(stmts))
		keys := make([]string, 0, len(stmts))
		for i, s := range stmts {
			m, ok := s.(map[string]any)
			if !ok {
				return "", fmt.Errorf("parsing policy document: Statement[%d] must be an object", i)
			}
			c, err := canonicalStatement(m)
			if err != nil {
				return "", fmt.Errorf("parsing policy document: Statement[%d]: %w", i, err)
			}
			b, _ := json.Marshal(c)
			canon = append(canon, c)
			keys = append(keys, string(b))
		}
		idx := make([]int, len(canon))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
		sorted := make([]any, len(canon))
		for i, j := range idx {
			sorted[i] = canon[j]
		}
		out[k] = sorted
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// EqualPolicies reports whether two policy documents are the same after
// CanonicalPolicy. Two empty documents are equal; an empty and a non-empty
// one are not.
func EqualPolicies(a, b string) (bool, error) {
	if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
		return strings.TrimSpace(a) == strings.TrimSpace(b), nil
	}
	ca, err := CanonicalPolicy(a)
	if err != nil {
		return false, err
	}
	cb, err := CanonicalPolicy(b)
	if err != nil {
		return false, err
	}
	return ca == cb, nil
}

func canonicalStatement(m map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "Action", "NotAction":
			l, err := stringSet(v, strings.ToLower)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = l
		case "Resource", "NotResource":
			l, err := stringSet(v, nil)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = l
		case "Principal", "NotPrincipal":
			p, err := canonicalPrincipal(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = p
		case "Condition":
			c, err := canonicalCondition(v)
			if err != nil {
				return nil, fmt.Errorf("condition: %w", err)
			}
			out[k] = c
		default:
			out[k] = v
		}
	}
	return out, nil
}

func canonicalPrincipal(v any) (map[string]any, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", got %q", s)
		}
		return map[string]any{"AWS": []string{"*"}}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be \"*\" or an object")
	}
	out := map[string]any{}
	for typ, ids := range m {
		var norm func(string) string
		if typ == "AWS" {
			norm = func(s string) string {
				if policy.IsAccountID(s) {
					return "arn:aws:iam::" + s + ":root"
				}
				return s
			}
		}
		l, err := stringSet(ids, norm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		out[typ] = l
	}
	return out, nil
}

func canonicalCondition(v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be an object")
	}
	out := map[string]any{}
	for op, kv := range m {
		km, ok := kv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s must be an object", op)
		}
		ck := map[string]any{}
		for key, vals := range km {
			l, err := stringSet(vals, nil)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", op, key, err)
			}
			lk := strings.ToLower(key)
			if prev, ok := ck[lk].([]string); ok {
				// Keys differing only in case are the same key.
				l = dedupSorted(append(prev, l...))
			}
			ck[lk] = l
		}
		out[op] = ck
	}
	return out, nil
}

// stringSet turns a string, number, boolean or list of them into a sorted
// list without duplicates, applying norm to each element.
func stringSet(v any, norm func(string) string) ([]string, error) {
	var items []any
	if l, ok := v.([]any); ok {
		items = l
	} else {
		items = []any{v}
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		switch x := it.(type) {
		case string:
			s = x
		case json.Number:
			s = x.String()
		case bool:
			s = strconv.FormatBool(x)
		default:
			return nil, fmt.Errorf("values must be strings, numbers or booleans")
		}
		if norm != nil {
			s = norm(s)
		}
		out = append(out, s)
	}
	return dedupSorted(out), nil
}

func dedupSorted(l []string) []string {
	sort.Strings(l)
	return slices.Compact(l)
}
