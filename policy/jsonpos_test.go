package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSONPositions(t *testing.T) {
	t.Parallel()
	doc := "{\n  \"a\": {\"b\": [1, \"x\\u00e9\", true]},\n\t\"c\": null,\n  \"a\": -1.5e+3\n}\n"
	n, err := ParseJSON("doc.json", []byte(doc))
	if err != nil {
		t.Fatalf("ParseJSON: %v", err)
	}
	if n.Kind != KindObject || len(n.Members) != 3 {
		t.Fatalf("root = %v with %d members, want object with 3", n.Kind, len(n.Members))
	}
	type pos struct{ Line, Col int }
	tests := map[string]struct {
		path []string
		want pos
	}{
		"root":              {nil, pos{1, 1}},
		"first member key":  {[]string{"c"}, pos{3, 2}},
		"duplicate is last": {[]string{"a"}, pos{4, 3}},
		"missing key":       {[]string{"zz"}, pos{1, 1}},
		"array element":     {[]string{"c", "0"}, pos{3, 2}},
		"past a scalar":     {[]string{"a", "b"}, pos{4, 3}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, c := n.Locate(tc.path)
			if diff := cmp.Diff(tc.want, pos{l, c}); diff != "" {
				t.Errorf("Locate(%q) mismatch (-want +got):\n%s", tc.path, diff)
			}
		})
	}
	first := n.Members[0].Value
	arr := first.Get("b")
	if arr == nil || arr.Kind != KindArray || len(arr.Elems) != 3 {
		t.Fatalf("a.b = %+v, want a 3-element array", arr)
	}
	if got := arr.Elems[1]; got.Str != "xé" || got.Line != 2 || got.Col != 18 {
		t.Errorf("a.b[1] = %q at %d:%d, want \"xé\" at 2:18", got.Str, got.Line, got.Col)
	}
	if got := n.Get("a"); got.Kind != KindNumber || got.Str != "-1.5e+3" {
		t.Errorf("a = %v %q, want number -1.5e+3", got.Kind, got.Str)
	}
	if got := n.Get("c"); got.Kind != KindNull || got.Line != 3 || got.Col != 7 {
		t.Errorf("c = %v at %d:%d, want null at 3:7", got.Kind, got.Line, got.Col)
	}
}

func TestParseJSONErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in   string
		want string
	}{
		"empty":             {"", "f.json:1:1: unexpected end of input, want a JSON value"},
		"trailing comma":    {"{\"a\": 1,}", "f.json:1:9: unexpected '}', want a string key"},
		"missing colon":     {"{\n \"a\" 1}", "f.json:2:6: unexpected '1' after object key, want ':'"},
		"trailing data":     {"{} {}", "f.json:1:4: unexpected '{' after the JSON value"},
		"leading zero":      {"[01]", "f.json:1:3: unexpected '1' in array, want ',' or ']'"},
		"bad escape":        {`["\x"]`, `f.json:1:3: invalid escape \x in string`},
		"control in str":    {"[\"a\tb\"]", "f.json:1:4: control character byte 0x09 in string; escape it"},
		"bad utf8":          {"[\"\xff\"]", "f.json:1:3: invalid UTF-8 in string"},
		"unterminated":      {`{"a": "b`, "f.json:1:9: unexpected end of input in string"},
		"bare word":         {`{"a": tru}`, "f.json:1:7: unexpected 't', want a JSON value"},
		"exponent no digit": {"[1e]", "f.json:1:4: invalid number: want a digit in the exponent, got ']'"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseJSON("f.json", []byte(tc.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseJSON(%q) error = %v, want *ParseError", tc.in, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("ParseJSON(%q) error\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseJSONDepthLimit(t *testing.T) {
	t.Parallel()
	deep := make([]byte, 0, 2*(maxJSONDepth+2))
	for range maxJSONDepth + 2 {
		deep = append(deep, '[')
	}
	for range maxJSONDepth + 2 {
		deep = append(deep, ']')
	}
	if _, err := ParseJSON("f", deep); err == nil {
		t.Errorf("ParseJSON accepted %d nested arrays", maxJSONDepth+2)
	}
}

// FuzzParseJSON checks ParseJSON against encoding/json: both accept the same
// documents (modulo the byte order mark) and agree on the values.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud800"`, `-0.0e-0`, `[true,false]`, "{\"a\":1,\"a\":2}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseJSON("f", data)
		if len(data) >= 3 && string(data[:3]) == "\xef\xbb\xbf" {
			return
		}
		if err != nil {
			return // stricter than encoding/json on invalid UTF-8 and depth
		}
		if !json.Valid(data) {
			t.Fatalf("ParseJSON accepted invalid JSON %q", data)
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("json.Decoder.Decode: %v", err)
		}
		if diff := cmp.Diff(want, toAny(n)); diff != "" {
			t.Errorf("value mismatch (-encoding/json +ParseJSON):\n%s", diff)
		}
	})
}

func toAny(n *Node) any {
	switch n.Kind {
	case KindBool:
		return n.Bool
	case KindNumber:
		return json.Number(n.Str)
	case KindString:
		return n.Str
	case KindArray:
		out := []any{}
		for _, e := range n.Elems {
			out = append(out, toAny(e))
		}
		return out
	case KindObject:
		out := map[string]any{}
		for _, m := range n.Members {
			out[m.Key] = toAny(m.Value)
		}
		return out
	}
	return nil
}
