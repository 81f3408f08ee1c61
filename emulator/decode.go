package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// restBindings are the parts of a REST request bound to input members by
// the httpLabel, httpQuery and httpHeader traits.
type restBindings struct {
	labels map[string]string
	query  url.Values
	header http.Header
}

// decodeJSONInput decodes a JSON request (awsJson1.1 or restJson1) into the
// SDK input struct dst, guided by the input schema.
func decodeJSONInput(dst any, sch *smithy.Schema, body []byte, useJSONName bool, b *restBindings) error {
	tree := map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 && sch != nil && hasBodyMembers(sch) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return &awsError{Code: "SerializationException", Message: "request body is not valid JSON: " + err.Error(), Status: 400, Sender: true}
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return &awsError{Code: "SerializationException", Message: "request body must be a JSON object", Status: 400, Sender: true}
		}
		// Re-key by member name when a jsonName trait renames it.
		for name, ms := range sch.Members() {
			wire := memberName(ms, useJSONName)
			if v, ok := m[wire]; ok {
				tree[name] = v
			}
		}
	}
	if b != nil && sch != nil {
		for name, ms := range sch.Members() {
			if _, ok := smithy.SchemaTrait[*traits.HTTPLabel](ms); ok {
				if v, ok := b.labels[name]; ok {
					tree[name] = v
				}
			}
			if t, ok := smithy.SchemaTrait[*traits.HTTPQuery](ms); ok && b.query.Has(t.Name) {
				if ms.Type() == smithy.ShapeTypeList || ms.Type() == smithy.ShapeTypeSet {
					vals := []any{}
					for _, v := range b.query[t.Name] {
						vals = append(vals, v)
					}
					tree[name] = vals
				} else {
					tree[name] = b.query.Get(t.Name)
				}
			}
			if t, ok := smithy.SchemaTrait[*traits.HTTPHeader](ms); ok {
				if v := b.header.Get(t.Name); v != "" {
					tree[name] = v
				}
			}
			if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](ms); ok && len(body) > 0 {
				if ms.Type() == smithy.ShapeTypeStructure {
					var raw any
					dec := json.NewDecoder(bytes.NewReader(body))
					dec.UseNumber()
					if err := dec.Decode(&raw); err == nil {
						tree[name] = raw
					}
				} else {
					tree[name] = string(body)
				}
			}
		}
	}
	return assignStruct(reflect.ValueOf(dst).Elem(), sch, tree, "epoch-seconds", "")
}

func hasBodyMembers(sch *smithy.Schema) bool {
	for _, ms := range sch.Members() {
		if !isBound(ms) {
			return true
		}
	}
	return false
}

func isBound(ms *smithy.Schema) bool {
	if _, ok := smithy.SchemaTrait[*traits.HTTPLabel](ms); ok {
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPQuery](ms); ok {
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPHeader](ms); ok {
		return true
	}
	return false
}

// decodeQueryInput decodes an awsQuery form into dst.
func decodeQueryInput(dst any, sch *smithy.Schema, form url.Values) error {
	tree, _ := queryValue(form, "", sch).(map[string]any)
	if tree == nil {
		tree = map[string]any{}
	}
	return assignStruct(reflect.ValueOf(dst).Elem(), sch, tree, "date-time", "")
}

// queryValue builds the generic value at prefix for schema s from form.
func queryValue(form url.Values, prefix string, s *smithy.Schema) any {
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "." + b
	}
	_, flattened := smithy.SchemaTrait[*traits.XMLFlattened](s)
	switch s.Type() {
	case smithy.ShapeTypeStructure, smithy.ShapeTypeUnion:
		m := map[string]any{}
		for name, ms := range s.Members() {
			if v := queryValue(form, join(prefix, xmlName(ms)), ms); v != nil {
				m[name] = v
			}
		}
		if len(m) == 0 && prefix != "" {
			return nil
		}
		return m
	case smithy.ShapeTypeList, smithy.ShapeTypeSet:
		if vals, ok := form[prefix]; ok && len(vals) == 1 && vals[0] == "" {
			return []any{}
		}
		elem := "member"
		if m := s.ListMember(); m != nil {
			if t, ok := smithy.SchemaTrait[*traits.XMLName](m); ok {
				elem = t.Name
			}
		}
		var out []any
		for i := 1; ; i++ {
			p := join(prefix, elem+"."+strconv.Itoa(i))
			if flattened {
				p = prefix + "." + strconv.Itoa(i)
			}
			v := queryValue(form, p, s.ListMember())
			if v == nil {
				break
			}
			out = append(out, v)
		}
		if out == nil {
			return nil
		}
		return out
	case smithy.ShapeTypeMap:
		keyName, valName := "key", "value"
		if t, ok := smithy.SchemaTrait[*traits.XMLName](s.MapKey()); ok {
			keyName = t.Name
		}
		if t, ok := smithy.SchemaTrait[*traits.XMLName](s.MapValue()); ok {
			valName = t.Name
		}
		out := map[string]any{}
		for i := 1; ; i++ {
			p := prefix + ".entry." + strconv.Itoa(i)
			if flattened {
				p = prefix + "." + strconv.Itoa(i)
			}
			k, ok := form[p+"."+keyName]
			if !ok || len(k) == 0 {
				break
			}
			out[k[0]] = queryValue(form, p+"."+valName, s.MapValue())
		}
		if len(out) == 0 {
			return nil
		}
		return out
	default:
		if vals, ok := form[prefix]; ok && len(vals) > 0 {
			return vals[0]
		}
		return nil
	}
}

// assignStruct fills the struct v from the generic map tree, member by
// member, following the SDK's naming of fields after members.
func assignStruct(v reflect.Value, sch *smithy.Schema, tree map[string]any, defTime, path string) error {
	if sch == nil {
		return nil
	}
	for name, raw := range tree {
		ms := sch.Member(name)
		if ms == nil {
			continue
		}
		f := fieldByMember(v, name)
		if !f.IsValid() {
			continue
		}
		if err := assign(f, ms, raw, defTime, joinPath(path, name)); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func fieldByMember(v reflect.Value, name string) reflect.Value {
	if f := v.FieldByName(name); f.IsValid() {
		return f
	}
	if name != "" {
		if f := v.FieldByName(strings.ToUpper(name[:1]) + name[1:]); f.IsValid() {
			return f
		}
	}
	return v.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
}

var timeType = reflect.TypeOf(time.Time{})

func serializationErr(path, want string, got any) error {
	return &awsError{Code: "SerializationException", Message: fmt.Sprintf("%s: expected %s, got %T", path, want, got), Status: 400, Sender: true}
}

// assign sets f (a field of an SDK type) from a generic value.
func assign(f reflect.Value, sch *smithy.Schema, raw any, defTime, path string) error {
	if raw == nil {
		return nil
	}
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := assign(nv.Elem(), sch, raw, defTime, path); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	if f.Type() == timeType {
		t, err := parseTime(raw, timestampFormat(sch, defTime))
		if err != nil {
			return &awsError{Code: "SerializationException", Message: path + ": " + err.Error(), Status: 400, Sender: true}
		}
		f.Set(reflect.ValueOf(t))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			if n, isNum := raw.(json.Number); isNum {
				s = n.String()
			} else {
				return serializationErr(path, "string", raw)
			}
		}
		f.SetString(s)
	case reflect.Bool:
		switch b := raw.(type) {
		case bool:
			f.SetBool(b)
		case string:
			v, err := strconv.ParseBool(b)
			if err != nil {
				return serializationErr(path, "boolean", raw)
			}
			f.SetBool(v)
		default:
			return serializationErr(path, "boolean", raw)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var s string
		switch n := raw.(type) {
		case json.Number:
			s = n.String()
		case string:
			s = n
		default:
			return serializationErr(path, "integer", raw)
		}
		i, err := strconv.ParseInt(s, 10, f.Type().Bits())
		if err != nil {
			return serializationErr(path, "integer", raw)
		}
		f.SetInt(i)
	case reflect.Float32, reflect.Float64:
		var s string
		switch n := raw.(type) {
		case json.Number:
			s = n.String()
		case string:
			s = n
		default:
			return serializationErr(path, "number", raw)
		}
		x, err := strconv.ParseFloat(s, f.Type().Bits())
		if err != nil {
			return serializationErr(path, "number", raw)
		}
		f.SetFloat(x)
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.Uint8 {
			s, ok := raw.(string)
			if !ok {
				return serializationErr(path, "base64 blob", raw)
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				b = []byte(s) // payload blobs arrive raw
			}
			f.SetBytes(b)
			return nil
		}
		list, ok := raw.([]any)
		if !ok {
			return serializationErr(path, "list", raw)
		}
		out := reflect.MakeSlice(f.Type(), len(list), len(list))
		for i, e := range list {
			if err := assign(out.Index(i), sch.ListMember(), e, defTime, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		f.Set(out)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			return serializationErr(path, "map", raw)
		}
		out := reflect.MakeMapWithSize(f.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(f.Type().Elem()).Elem()
			if err := assign(ev, sch.MapValue(), e, defTime, path+"."+k); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(f.Type().Key()), ev)
		}
		f.Set(out)
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			return serializationErr(path, "structure", raw)
		}
		return assignStruct(f, sch, m, defTime, path)
	case reflect.Interface:
		// Unions and documents are not used by any emulated operation.
		return nil
	}
	return nil
}

func parseTime(raw any, format string) (time.Time, error) {
	switch v := raw.(type) {
	case json.Number:
		x, err := v.Float64()
		if err != nil {
			return time.Time{}, err
		}
		return time.UnixMilli(int64(x * 1000)).UTC(), nil
	case string:
		switch format {
		case "epoch-seconds":
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				return time.UnixMilli(int64(x * 1000)).UTC(), nil
			}
		case "http-date":
			return http.ParseTime(v)
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC(), nil
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return time.UnixMilli(int64(x * 1000)).UTC(), nil
		}
		return time.Time{}, fmt.Errorf("invalid timestamp %q", v)
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %v", raw)
}
