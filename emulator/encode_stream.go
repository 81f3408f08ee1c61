package emulator

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/big"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/traits"
)

// jsonSerializer writes an SDK shape as JSON while the shape serializes
// itself, with the output of treeSerializer and writeJSON but without
// building a tree: a page of 1,000 jobs is about 20,000 values. It serves
// outputs whose members bind nothing to the HTTP response outside the
// body; for others (plain reports false) the tree is needed.
type jsonSerializer struct {
	buf         *bytes.Buffer
	useJSONName bool
	// plain decides, from the root structure's schema, whether the
	// output can be streamed; when it says no, the serializer writes
	// nothing and fallback is set.
	plain    func(*smithy.Schema) bool
	fallback bool
	started  bool
	done     bool
	stack    []jsonFrame
	key      string // map key for the next value

	// root is the Go value being serialized; with it, a structure's
	// members the SDK's serializer leaves out at their zero value are
	// written when the structure closes, as completeDefaults adds them
	// to a tree (encode_defaults.go). listOp says the output's top-level
	// lists and maps are always present. Without root, nothing is added.
	root   reflect.Value
	listOp bool
}

type jsonFrame struct {
	kind nodeKind
	n    int // values written so far
	// sch and val are the frame's schema and Go value (invalid when
	// unknown), for the defaults written when a structure closes.
	sch *smithy.Schema
	val reflect.Value
}

var _ smithy.ShapeSerializer = (*jsonSerializer)(nil)

// begin starts a value of schema s: it writes the separator and the
// member name or map key that precede it, and reports whether the value
// is to be written at all (only the first root value is).
func (j *jsonSerializer) begin(s *smithy.Schema, open bool) bool {
	if j.fallback || j.done {
		return false
	}
	if len(j.stack) == 0 {
		if j.started {
			return false
		}
		j.started = true
		if open && j.plain != nil && !j.plain(s) {
			j.fallback = true
			return false
		}
		if !open {
			j.done = true
		}
		return true
	}
	f := &j.stack[len(j.stack)-1]
	if f.n > 0 {
		j.buf.WriteByte(',')
	}
	f.n++
	switch f.kind {
	case kindStruct:
		writeJSONString(j.buf, memberName(s, j.useJSONName))
		j.buf.WriteByte(':')
	case kindMap:
		writeJSONString(j.buf, j.key)
		j.key = ""
		j.buf.WriteByte(':')
	}
	return true
}

func (j *jsonSerializer) open(s *smithy.Schema, k nodeKind, c byte) {
	v := j.childValue(s)
	if j.begin(s, true) {
		j.buf.WriteByte(c)
		j.stack = append(j.stack, jsonFrame{kind: k, sch: s, val: v})
	}
}

// childValue returns the Go value of the next value, schema s, about to
// be opened in the innermost frame (before begin counts it).
func (j *jsonSerializer) childValue(s *smithy.Schema) reflect.Value {
	if !j.root.IsValid() {
		return reflect.Value{}
	}
	if len(j.stack) == 0 {
		return indirect(j.root)
	}
	f := j.stack[len(j.stack)-1]
	if !f.val.IsValid() {
		return reflect.Value{}
	}
	switch f.kind {
	case kindStruct:
		if s == nil || f.val.Kind() != reflect.Struct {
			return reflect.Value{}
		}
		return indirect(f.val.FieldByName(s.MemberName()))
	case kindList:
		if f.val.Kind() != reflect.Slice || f.n >= f.val.Len() {
			return reflect.Value{}
		}
		return indirect(f.val.Index(f.n))
	case kindMap:
		if f.val.Kind() != reflect.Map {
			return reflect.Value{}
		}
		key := reflect.ValueOf(j.key)
		if !key.CanConvert(f.val.Type().Key()) {
			return reflect.Value{}
		}
		return indirect(f.val.MapIndex(key.Convert(f.val.Type().Key())))
	}
	return reflect.Value{}
}

// indirect follows pointers and interfaces to the value, invalid for nil.
func indirect(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// close ends the innermost value; values begin ignored leave no frame
// (they are all outside the root or under an output that fell back).
func (j *jsonSerializer) close(c byte) {
	if len(j.stack) == 0 {
		return
	}
	f := j.stack[len(j.stack)-1]
	if f.kind == kindStruct {
		j.writeDefaults(f, len(j.stack) == 1 && j.listOp)
	}
	j.stack = j.stack[:len(j.stack)-1]
	j.buf.WriteByte(c)
	if len(j.stack) == 0 {
		j.done = true
	}
}

// writeDefaults writes the members of a structure that the SDK's
// serializer left out and AWS sends: value-typed members at their zero
// value and, at the top of a List operation's output, nil lists and maps
// as empty ones (the rules of completeStruct).
func (j *jsonSerializer) writeDefaults(f jsonFrame, topLevelLists bool) {
	v := f.val
	if !v.IsValid() || v.Kind() != reflect.Struct || f.sch == nil {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		fv := v.Field(i)
		var lit string
		switch fv.Kind() {
		case reflect.Bool:
			if fv.Bool() {
				continue
			}
			lit = "false"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if fv.Int() != 0 {
				continue
			}
			lit = "0"
		case reflect.Float32, reflect.Float64:
			if fv.Float() != 0 {
				continue
			}
			lit = "0"
		case reflect.Slice:
			if !topLevelLists || !fv.IsNil() {
				continue
			}
			lit = "[]"
		case reflect.Map:
			if !topLevelLists || !fv.IsNil() {
				continue
			}
			lit = "{}"
		default:
			continue
		}
		member := f.sch.Member(field.Name)
		if member == nil || boundOutsideBody(member) {
			continue
		}
		switch {
		case lit == "[]" && member.Type() != smithy.ShapeTypeList:
			continue
		case lit == "{}" && member.Type() != smithy.ShapeTypeMap:
			continue
		}
		if f.n > 0 {
			j.buf.WriteByte(',')
		}
		f.n++
		writeJSONString(j.buf, memberName(member, j.useJSONName))
		j.buf.WriteByte(':')
		j.buf.WriteString(lit)
	}
}

func (j *jsonSerializer) Bytes() []byte { return nil }

func (j *jsonSerializer) WriteInt8(s *smithy.Schema, v int8)   { j.WriteInt64(s, int64(v)) }
func (j *jsonSerializer) WriteInt16(s *smithy.Schema, v int16) { j.WriteInt64(s, int64(v)) }
func (j *jsonSerializer) WriteInt32(s *smithy.Schema, v int32) { j.WriteInt64(s, int64(v)) }
func (j *jsonSerializer) WriteInt64(s *smithy.Schema, v int64) {
	if j.begin(s, false) {
		j.buf.Write(strconv.AppendInt(j.buf.AvailableBuffer(), v, 10))
	}
}
func (j *jsonSerializer) WriteFloat32(s *smithy.Schema, v float32) { j.WriteFloat64(s, float64(v)) }
func (j *jsonSerializer) WriteFloat64(s *smithy.Schema, v float64) {
	if !j.begin(s, false) {
		return
	}
	switch {
	case math.IsNaN(v):
		j.buf.WriteString(`"NaN"`)
	case math.IsInf(v, 1):
		j.buf.WriteString(`"Infinity"`)
	case math.IsInf(v, -1):
		j.buf.WriteString(`"-Infinity"`)
	default:
		j.buf.Write(strconv.AppendFloat(j.buf.AvailableBuffer(), v, 'f', -1, 64))
	}
}
func (j *jsonSerializer) WriteBool(s *smithy.Schema, v bool) {
	if j.begin(s, false) {
		j.buf.Write(strconv.AppendBool(j.buf.AvailableBuffer(), v))
	}
}
func (j *jsonSerializer) WriteString(s *smithy.Schema, v string) {
	if j.begin(s, false) {
		writeJSONString(j.buf, v)
	}
}
func (j *jsonSerializer) WriteBigInt(s *smithy.Schema, v *big.Int) {
	if j.begin(s, false) {
		j.buf.WriteString(v.String())
	}
}
func (j *jsonSerializer) WriteBigFloat(s *smithy.Schema, v *big.Float) {
	if j.begin(s, false) {
		j.buf.WriteString(v.Text('g', -1))
	}
}
func (j *jsonSerializer) WriteBlob(s *smithy.Schema, v []byte) {
	if j.begin(s, false) {
		writeJSONString(j.buf, base64.StdEncoding.EncodeToString(v))
	}
}
func (j *jsonSerializer) WriteTime(s *smithy.Schema, v time.Time) {
	if !j.begin(s, false) {
		return
	}
	switch timestampFormat(s, "epoch-seconds") {
	case "date-time":
		j.buf.WriteByte('"')
		j.buf.Write(v.UTC().AppendFormat(j.buf.AvailableBuffer(), "2006-01-02T15:04:05.999Z07:00"))
		j.buf.WriteByte('"')
	case "http-date":
		j.buf.WriteByte('"')
		j.buf.Write(v.UTC().AppendFormat(j.buf.AvailableBuffer(), http.TimeFormat))
		j.buf.WriteByte('"')
	default:
		j.buf.Write(strconv.AppendFloat(j.buf.AvailableBuffer(), float64(v.UnixMilli())/1000, 'f', -1, 64))
	}
}
func (j *jsonSerializer) WriteDocument(s *smithy.Schema, v document.Value) {
	if j.begin(s, false) {
		j.buf.WriteString("null")
	}
}
func (j *jsonSerializer) WriteNil(s *smithy.Schema) {
	if j.begin(s, false) {
		j.buf.WriteString("null")
	}
}
func (j *jsonSerializer) WriteStruct(s *smithy.Schema)          { j.open(s, kindStruct, '{') }
func (j *jsonSerializer) CloseStruct()                          { j.close('}') }
func (j *jsonSerializer) WriteUnion(s, variant *smithy.Schema)  { j.open(s, kindStruct, '{') }
func (j *jsonSerializer) CloseUnion()                           { j.close('}') }
func (j *jsonSerializer) WriteList(s *smithy.Schema)            { j.open(s, kindList, '[') }
func (j *jsonSerializer) CloseList()                            { j.close(']') }
func (j *jsonSerializer) WriteMap(s *smithy.Schema)             { j.open(s, kindMap, '{') }
func (j *jsonSerializer) CloseMap()                             { j.close('}') }
func (j *jsonSerializer) WriteKey(s *smithy.Schema, key string) { j.key = key }

// bodyOnly reports whether no member of an output structure is bound to
// the HTTP response's headers or status code or is its payload, so that
// the whole structure is the JSON body.
func bodyOnly(s *smithy.Schema) bool {
	if s == nil {
		return true // an output without members
	}
	for _, m := range s.Members() {
		if _, ok := smithy.SchemaTrait[*traits.HTTPHeader](m); ok {
			return false
		}
		if _, ok := smithy.SchemaTrait[*traits.HTTPResponseCode](m); ok {
			return false
		}
		if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](m); ok {
			return false
		}
	}
	return true
}
