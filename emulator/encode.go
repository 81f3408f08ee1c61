package emulator

import (
	"bytes"
	"encoding/base64"
	"math"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/traits"
)

type nodeKind int

const (
	kindScalar nodeKind = iota
	kindStruct
	kindList
	kindMap
	kindNull
)

// node is a protocol-neutral encoding of an SDK shape, built by
// treeSerializer from the SDK's own Serialize methods and then written as
// JSON or XML.
type node struct {
	sch      *smithy.Schema
	kind     nodeKind
	value    any // string, bool, int64, float64, time.Time, []byte, *big.Int, *big.Float
	children []*node
	keys     []string // map keys, parallel to children
}

// treeSerializer implements smithy.ShapeSerializer.
type treeSerializer struct {
	root    *node
	stack   []*node
	pending *string // map key for the next value
}

var _ smithy.ShapeSerializer = (*treeSerializer)(nil)

func (t *treeSerializer) add(n *node) {
	if len(t.stack) == 0 {
		if t.root == nil {
			t.root = n
		}
		return
	}
	parent := t.stack[len(t.stack)-1]
	if parent.kind == kindMap {
		key := ""
		if t.pending != nil {
			key = *t.pending
			t.pending = nil
		}
		parent.keys = append(parent.keys, key)
	}
	parent.children = append(parent.children, n)
}

func (t *treeSerializer) scalar(s *smithy.Schema, v any) { t.add(&node{sch: s, value: v}) }
func (t *treeSerializer) open(s *smithy.Schema, k nodeKind) {
	n := &node{sch: s, kind: k}
	t.add(n)
	t.stack = append(t.stack, n)
}
func (t *treeSerializer) close() {
	if len(t.stack) > 0 {
		t.stack = t.stack[:len(t.stack)-1]
	}
}

func (t *treeSerializer) Bytes() []byte                        { return nil }
func (t *treeSerializer) WriteInt8(s *smithy.Schema, v int8)   { t.scalar(s, int64(v)) }
func (t *treeSerializer) WriteInt16(s *smithy.Schema, v int16) { t.scalar(s, int64(v)) }
func (t *treeSerializer) WriteInt32(s *smithy.Schema, v int32) { t.scalar(s, int64(v)) }
func (t *treeSerializer) WriteInt64(s *smithy.Schema, v int64) { t.scalar(s, v) }
func (t *treeSerializer) WriteFloat32(s *smithy.Schema, v float32) {
	t.scalar(s, float64(v))
}
func (t *treeSerializer) WriteFloat64(s *smithy.Schema, v float64)     { t.scalar(s, v) }
func (t *treeSerializer) WriteBool(s *smithy.Schema, v bool)           { t.scalar(s, v) }
func (t *treeSerializer) WriteString(s *smithy.Schema, v string)       { t.scalar(s, v) }
func (t *treeSerializer) WriteBigInt(s *smithy.Schema, v *big.Int)     { t.scalar(s, v) }
func (t *treeSerializer) WriteBigFloat(s *smithy.Schema, v *big.Float) { t.scalar(s, v) }
func (t *treeSerializer) WriteBlob(s *smithy.Schema, v []byte)         { t.scalar(s, v) }
func (t *treeSerializer) WriteTime(s *smithy.Schema, v time.Time)      { t.scalar(s, v) }
func (t *treeSerializer) WriteUnion(s, variant *smithy.Schema) {
	t.open(s, kindStruct)
}
func (t *treeSerializer) CloseUnion() { t.close() }
func (t *treeSerializer) WriteDocument(s *smithy.Schema, v document.Value) {
	t.add(&node{sch: s, kind: kindNull})
}
func (t *treeSerializer) WriteNil(s *smithy.Schema)    { t.add(&node{sch: s, kind: kindNull}) }
func (t *treeSerializer) WriteStruct(s *smithy.Schema) { t.open(s, kindStruct) }
func (t *treeSerializer) CloseStruct()                 { t.close() }
func (t *treeSerializer) WriteList(s *smithy.Schema)   { t.open(s, kindList) }
func (t *treeSerializer) CloseList()                   { t.close() }
func (t *treeSerializer) WriteMap(s *smithy.Schema)    { t.open(s, kindMap) }
func (t *treeSerializer) WriteKey(s *smithy.Schema, k string) {
	t.pending = &k
}
func (t *treeSerializer) CloseMap() { t.close() }

// memberName is the wire name of a structure member.
func memberName(s *smithy.Schema, useJSONName bool) string {
	if useJSONName {
		if t, ok := smithy.SchemaTrait[*traits.JSONName](s); ok {
			return t.Name
		}
	}
	return s.MemberName()
}

func xmlName(s *smithy.Schema) string {
	if t, ok := smithy.SchemaTrait[*traits.XMLName](s); ok {
		return t.Name
	}
	return s.MemberName()
}

func timestampFormat(s *smithy.Schema, def string) string {
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](s); ok {
		return t.Format
	}
	return def
}

// applyRestOutputBindings moves members bound to headers and the status code
// out of the body, and returns the node to write as the body.
func applyRestOutputBindings(w http.ResponseWriter, root *node, status *int) *node {
	body := &node{sch: root.sch, kind: kindStruct}
	for _, c := range root.children {
		if h, ok := smithy.SchemaTrait[*traits.HTTPHeader](c.sch); ok {
			w.Header().Set(h.Name, scalarString(c, "http-date"))
			continue
		}
		if _, ok := smithy.SchemaTrait[*traits.HTTPResponseCode](c.sch); ok {
			if v, ok := c.value.(int64); ok {
				*status = int(v)
			}
			continue
		}
		if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](c.sch); ok {
			return c
		}
		body.children = append(body.children, c)
	}
	return body
}

// writeJSON writes n as JSON. Timestamps default to epoch seconds, as both
// JSON protocols require.
func writeJSON(buf *bytes.Buffer, n *node, useJSONName bool) {
	if n == nil {
		return
	}
	switch n.kind {
	case kindNull:
		buf.WriteString("null")
	case kindStruct:
		buf.WriteByte('{')
		for i, c := range n.children {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, memberName(c.sch, useJSONName))
			buf.WriteByte(':')
			writeJSON(buf, c, useJSONName)
		}
		buf.WriteByte('}')
	case kindList:
		buf.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(buf, c, useJSONName)
		}
		buf.WriteByte(']')
	case kindMap:
		buf.WriteByte('{')
		for i, c := range n.children {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, n.keys[i])
			buf.WriteByte(':')
			writeJSON(buf, c, useJSONName)
		}
		buf.WriteByte('}')
	default:
		switch v := n.value.(type) {
		case string:
			writeJSONString(buf, v)
		case bool:
			buf.WriteString(strconv.FormatBool(v))
		case int64:
			buf.WriteString(strconv.FormatInt(v, 10))
		case float64:
			switch {
			case math.IsNaN(v):
				buf.WriteString(`"NaN"`)
			case math.IsInf(v, 1):
				buf.WriteString(`"Infinity"`)
			case math.IsInf(v, -1):
				buf.WriteString(`"-Infinity"`)
			default:
				buf.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
			}
		case []byte:
			writeJSONString(buf, base64.StdEncoding.EncodeToString(v))
		case time.Time:
			switch timestampFormat(n.sch, "epoch-seconds") {
			case "date-time":
				writeJSONString(buf, v.UTC().Format("2006-01-02T15:04:05.999Z07:00"))
			case "http-date":
				writeJSONString(buf, v.UTC().Format(http.TimeFormat))
			default:
				buf.WriteString(strconv.FormatFloat(float64(v.UnixMilli())/1000, 'f', -1, 64))
			}
		case *big.Int:
			buf.WriteString(v.String())
		case *big.Float:
			buf.WriteString(v.Text('g', -1))
		default:
			buf.WriteString("null")
		}
	}
}

// writeJSONString writes s as a JSON string exactly as json.Marshal
// would, without reflection or allocation: quotes and backslashes escaped,
// control characters as \b, \f, \n, \r, \t or \u00XX, '<', '>' and '&'
// as \u003c, \u003e and \u0026 (json.Marshal escapes HTML), invalid
// UTF-8 as \ufffd and U+2028 and U+2029 as \u2028 and \u2029.
func writeJSONString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0 // s[start:i] is pending, needing no escape
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\b':
				buf.WriteString(`\b`)
			case '\f':
				buf.WriteString(`\f`)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// scalarString renders a scalar for XML text, headers and query values.
func scalarString(n *node, defTime string) string {
	switch v := n.value.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []byte:
		return base64.StdEncoding.EncodeToString(v)
	case time.Time:
		switch timestampFormat(n.sch, defTime) {
		case "epoch-seconds":
			return strconv.FormatFloat(float64(v.UnixMilli())/1000, 'f', -1, 64)
		case "http-date":
			return v.UTC().Format(http.TimeFormat)
		default:
			return v.UTC().Format("2006-01-02T15:04:05.000Z")
		}
	case *big.Int:
		return v.String()
	case *big.Float:
		return v.Text('g', -1)
	}
	return ""
}

// writeXMLMembers writes the members of a structure node in awsQuery's XML
// form (lists wrapped in <member>, maps in <entry><key/><value/></entry>).
func writeXMLMembers(buf *bytes.Buffer, n *node) {
	for _, c := range n.children {
		writeXMLElement(buf, xmlName(c.sch), c)
	}
}

func writeXMLElement(buf *bytes.Buffer, name string, n *node) {
	_, flattened := smithy.SchemaTrait[*traits.XMLFlattened](n.sch)
	switch n.kind {
	case kindNull:
		return
	case kindStruct:
		buf.WriteString("<" + name + ">")
		writeXMLMembers(buf, n)
		buf.WriteString("</" + name + ">")
	case kindList:
		if flattened {
			for _, c := range n.children {
				writeXMLElement(buf, name, c)
			}
			return
		}
		buf.WriteString("<" + name + ">")
		memberElem := "member"
		if m := n.sch.ListMember(); m != nil {
			if t, ok := smithy.SchemaTrait[*traits.XMLName](m); ok {
				memberElem = t.Name
			}
		}
		for _, c := range n.children {
			writeXMLElement(buf, memberElem, c)
		}
		buf.WriteString("</" + name + ">")
	case kindMap:
		keyElem, valElem := "key", "value"
		if k := n.sch.MapKey(); k != nil {
			if t, ok := smithy.SchemaTrait[*traits.XMLName](k); ok {
				keyElem = t.Name
			}
		}
		if v := n.sch.MapValue(); v != nil {
			if t, ok := smithy.SchemaTrait[*traits.XMLName](v); ok {
				valElem = t.Name
			}
		}
		if !flattened {
			buf.WriteString("<" + name + ">")
		}
		for i, c := range n.children {
			entry := "entry"
			if flattened {
				entry = name
			}
			buf.WriteString("<" + entry + "><" + keyElem + ">" + xmlEscape(n.keys[i]) + "</" + keyElem + ">")
			writeXMLElement(buf, valElem, c)
			buf.WriteString("</" + entry + ">")
		}
		if !flattened {
			buf.WriteString("</" + name + ">")
		}
	default:
		buf.WriteString("<" + name + ">" + xmlEscape(scalarString(n, "date-time")) + "</" + name + ">")
	}
}

var xmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;", "\r", "&#xD;", "\n", "&#xA;")

func xmlEscape(s string) string { return xmlReplacer.Replace(s) }
