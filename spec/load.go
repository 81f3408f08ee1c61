package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/orgbackup/orgbackup/policy"
)

// DefaultSpecFile is where a repository keeps its spec.
const DefaultSpecFile = ".github/aws-backup.yaml"

// SpecError is one problem in a spec file, located at the key or value
// concerned.
type SpecError struct {
	// File is the spec's file name as given to Load or Parse.
	File string
	// Line and Col are 1-based; 0 when the problem has no position.
	Line, Col int
	// Path is the dotted path of the key, as in
	// "tiers.production.targets[1]"; empty for the whole file.
	Path string
	// Message says what is wrong and what is accepted.
	Message string
}

// Error returns "FILE:LINE:COL: PATH: MESSAGE".
func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	// Keys and values come from the file: printed escaped, a crafted key
	// can start no workflow command and move no terminal cursor.
	if e.Path != "" {
		b.WriteString(policy.EscapeControl(e.Path))
		b.WriteString(": ")
	}
	b.WriteString(policy.EscapeControl(e.Message))
	return b.String()
}

// SpecErrors returns the SpecErrors inside err (as returned by Load and
// Parse), in order.
func SpecErrors(err error) []*SpecError { return policy.ErrorsAs[*SpecError](err) }

// Load reads the spec file at path, parses it (YAML or JSON), applies
// Defaults and validates it. Every problem is reported at once, joined with
// errors.Join, each a *SpecError (see SpecErrors).
func Load(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	defer f.Close()
	// Read one byte past the limit to tell a file at the limit from a
	// larger one without reading all of a huge file.
	data, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	return Parse(path, data)
}

// MaxSpecBytes bounds a spec file. A spec for thousands of accounts is a
// few kilobytes (tiers target OUs, not accounts); the bound keeps a
// mistaken or hostile input from costing minutes and gigabytes.
const MaxSpecBytes = 1 << 20

// Parse is Load for a spec already in memory; filename is used in
// messages. JSON is recognized by its opening brace and parsed with the
// same positions as YAML.
func Parse(filename string, data []byte) (*Spec, error) {
	if len(data) > MaxSpecBytes {
		return nil, joinSpecErrors([]*SpecError{{File: filename, Message: fmt.Sprintf("the spec is over %d bytes; a spec names OUs and tiers, not every account", MaxSpecBytes)}})
	}
	s, errs := decodeSpec(filename, data)
	if s != nil {
		s.SetDefaults()
		errs = append(errs, s.validate()...)
	}
	if len(errs) > 0 {
		return nil, joinSpecErrors(errs)
	}
	s.resolve()
	return s, nil
}

func joinSpecErrors(errs []*SpecError) error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
	out := make([]error, 0, len(errs))
	for i, e := range errs {
		if i > 0 && *e == *errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// position is a 1-based line and column.
type position struct{ line, col int }

// positions locates the keys and values of a spec file by path.
type positions struct {
	keys, values map[string]position
	// bad holds the paths whose values could not be decoded, so that
	// validation does not report them a second time.
	bad map[string]bool
}

// lookup returns the position of path's value, else of its key, else of
// the nearest ancestor that has one.
func (p *positions) lookup(path string) (position, bool) {
	if p == nil {
		return position{}, false
	}
	if v, ok := p.values[path]; ok {
		return v, true
	}
	// A missing key is reported where its parent's key is.
	for ; path != ""; path = parentPath(path) {
		if k, ok := p.keys[path]; ok {
			return k, true
		}
		if v, ok := p.values[path]; ok {
			return v, true
		}
	}
	if v, ok := p.values[""]; ok {
		return v, true
	}
	return position{}, false
}

// key returns the position of path's key, else of its value or ancestors.
func (p *positions) key(path string) (position, bool) {
	if p != nil {
		if k, ok := p.keys[path]; ok {
			return k, true
		}
	}
	return p.lookup(path)
}

// has reports whether path was written in the file.
func (p *positions) has(path string) bool {
	if p == nil {
		return false
	}
	_, ok := p.keys[path]
	if !ok {
		_, ok = p.values[path]
	}
	return ok
}

// isBad reports whether path or one of its ancestors failed to decode.
func (p *positions) isBad(path string) bool {
	if p == nil {
		return false
	}
	for path != "" {
		if p.bad[path] {
			return true
		}
		path = parentPath(path)
	}
	return false
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

func indexPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// Limits that keep hostile input (alias bombs, deep nesting) cheap.
const (
	maxDecodeDepth = 32
	maxDecodeNodes = 100_000
	maxDecodeErrs  = 200
)

// decoder decodes a YAML AST strictly into the spec types, recording the
// position of every key and value.
type decoder struct {
	file    string
	pos     *positions
	errs    []*SpecError
	anchors map[string]ast.Node
	nodes   int
}

func (d *decoder) errorAt(tk *token.Token, path, format string, args ...any) {
	if len(d.errs) >= maxDecodeErrs {
		return
	}
	e := &SpecError{File: d.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	d.errs = append(d.errs, e)
}

func decodeSpec(filename string, data []byte) (*Spec, []*SpecError) {
	d := &decoder{
		file:    filename,
		pos:     &positions{keys: map[string]position{}, values: map[string]position{}, bad: map[string]bool{}},
		anchors: map[string]ast.Node{},
	}
	// Checked before parsing: the YAML parser recurses once per level
	// and would exhaust the stack on deep enough nesting.
	if line, col, deep := policy.FlowDepthExceeded(data, policy.MaxYAMLFlowDepth); deep {
		return nil, []*SpecError{{File: filename, Line: line, Col: col, Message: fmt.Sprintf("brackets are nested more than %d levels deep", policy.MaxYAMLFlowDepth)}}
	}
	if line, col, long := policy.BlockKeysExceeded(data, policy.MaxYAMLBlockKeys); long {
		return nil, []*SpecError{{File: filename, Line: line, Col: col, Message: fmt.Sprintf("a mapping has more than %d keys", policy.MaxYAMLBlockKeys)}}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if e := checkJSON(filename, data); e != nil {
			return nil, []*SpecError{e}
		}
		// JSON is YAML, except that YAML forbids tabs where JSON allows
		// them as white space. Valid JSON has tabs only there (never raw
		// in strings), so replacing them keeps every offset and column.
		data = bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '})
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, []*SpecError{yamlError(filename, err)}
	}
	var body ast.Node
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			d.errorAt(doc.Body.GetToken(), "", "a spec file holds one YAML document; remove the second one")
			return nil, d.errs
		}
		body = doc.Body
	}
	if body == nil {
		return nil, []*SpecError{{File: filename, Line: 1, Col: 1, Message: "the spec is empty; it needs at least version, organization and tiers"}}
	}
	s := &Spec{file: filename, pos: d.pos}
	d.decode(body, reflect.ValueOf(s).Elem(), "", 0)
	return s, d.errs
}

// checkJSON reports a JSON syntax error at its line and column.
func checkJSON(filename string, data []byte) *SpecError {
	var v any
	err := json.Unmarshal(data, &v)
	if err == nil {
		return nil
	}
	e := &SpecError{File: filename, Message: "invalid JSON: " + err.Error()}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the offending one included.
		e.Line, e.Col = lineCol(data, int(se.Offset)-1)
		e.Message = "invalid JSON: " + se.Error()
	}
	return e
}

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, offset int) (int, int) {
	offset = max(0, min(offset, len(data)))
	line := 1 + bytes.Count(data[:offset], []byte{'\n'})
	col := offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}

// yamlError turns a go-yaml parse error into a SpecError at its token.
func yamlError(filename string, err error) *SpecError {
	e := &SpecError{File: filename, Message: "invalid YAML: " + err.Error()}
	var ye interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &ye) {
		e.Message = "invalid YAML: " + ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

// resolve strips tags and anchors from n and follows aliases.
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	for range maxDecodeDepth {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			if name := anchorName(v.Name); name != "" {
				d.anchors[name] = v.Value
			}
			n = v.Value
		case *ast.AliasNode:
			name := anchorName(v.Value)
			target, ok := d.anchors[name]
			if !ok {
				d.errorAt(v.GetToken(), path, "alias *%s refers to no anchor defined before it", name)
				d.pos.bad[path] = true
				return nil
			}
			n = target
		default:
			return n
		}
	}
	d.errorAt(n.GetToken(), path, "aliases are nested too deeply")
	d.pos.bad[path] = true
	return nil
}

func anchorName(n ast.Node) string {
	if n == nil {
		return ""
	}
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func (d *decoder) decode(n ast.Node, v reflect.Value, path string, depth int) {
	d.nodes++
	if d.nodes > maxDecodeNodes || depth > maxDecodeDepth {
		if d.nodes == maxDecodeNodes+1 || depth == maxDecodeDepth+1 {
			d.errorAt(n.GetToken(), path, "the spec is too large or too deeply nested")
		}
		return
	}
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	_, hasKey := d.pos.keys[path]
	isMapping := n.Type() == ast.MappingType || n.Type() == ast.MappingValueType
	// A mapping is located at its key, a scalar or list at its value.
	if tk := valueToken(n); tk != nil && tk.Position != nil && !(isMapping && hasKey) {
		if _, ok := d.pos.values[path]; !ok {
			d.pos.values[path] = position{tk.Position.Line, tk.Position.Column}
		}
	}
	if n.Type() == ast.NullType {
		return // an empty value is the same as an absent key
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path, depth+1)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Map:
		d.decodeMap(n, v, path, depth)
	case reflect.Slice:
		d.decodeSlice(n, v, path, depth)
	case reflect.String:
		s, ok := scalarText(n)
		if !ok {
			d.typeError(n, path, "a string")
			return
		}
		if !isStringNode(n) {
			// Other YAML readers (editors checking the JSON Schema, yq)
			// read an unquoted 111111111111 as a number, and 012345678901
			// as an octal one: strings are quoted, as the schema says.
			if policy.IsAccountID(s) {
				d.errorAt(n.GetToken(), path, "must be a string: an account ID is 12 digits in quotes (%q); unquoted, YAML reads it as a number", s)
			} else {
				d.errorAt(n.GetToken(), path, "must be a string, not %s; quote it: %q", describeNode(n), s)
			}
			// Kept as written, so that checks of what depends on it do
			// not report the same mistake again.
		}
		v.SetString(s)
	case reflect.Int:
		i, ok := n.(*ast.IntegerNode)
		if !ok {
			d.typeError(n, path, "a whole number")
			return
		}
		var x int64
		switch val := i.Value.(type) {
		case int64:
			x = val
		case uint64:
			x = -1
			if val <= 1<<31 {
				x = int64(val)
			}
		}
		if x < 0 || x > 1<<31 {
			d.errorAt(n.GetToken(), path, "%s is out of range", i.GetToken().Value)
			d.pos.bad[path] = true
			return
		}
		v.SetInt(x)
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.typeError(n, path, "true or false")
			return
		}
		v.SetBool(b.Value)
	case reflect.Float64:
		switch x := n.(type) {
		case *ast.FloatNode:
			v.SetFloat(x.Value)
		case *ast.IntegerNode:
			switch val := x.Value.(type) {
			case int64:
				v.SetFloat(float64(val))
			case uint64:
				v.SetFloat(float64(val))
			}
		default:
			d.typeError(n, path, "a number")
		}
	}
}

// valueToken returns the token that locates a value: a block mapping is
// located at its first key rather than at the token go-yaml records for it.
func valueToken(n ast.Node) *token.Token {
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
		return m.Values[0].Key.GetToken()
	}
	if kv, ok := n.(*ast.MappingValueNode); ok && kv.Key != nil {
		return kv.Key.GetToken()
	}
	return n.GetToken()
}

// scalarText returns a scalar's text as written: an unquoted 012345678901
// stays twelve digits rather than becoming an octal number.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// isStringNode reports whether n is a string scalar (quoted, plain text
// or a block literal), not a number, boolean or other scalar.
func isStringNode(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return true
	}
	return false
}

func (d *decoder) typeError(n ast.Node, path, want string) {
	d.errorAt(n.GetToken(), path, "must be %s, not %s", want, describeNode(n))
	d.pos.bad[path] = true
}

func describeNode(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType, ast.LiteralType:
		return fmt.Sprintf("the string %q", n.GetToken().Value)
	case ast.BoolType:
		return "a boolean"
	case ast.IntegerType:
		return "the number " + n.GetToken().Value
	case ast.FloatType:
		return "the number " + n.GetToken().Value
	}
	return strings.ToLower(n.Type().String())
}

// mappingEntries returns the key/value pairs of a mapping with merge keys
// (<<) expanded; explicit keys win over merged ones.
func (d *decoder) mappingEntries(n ast.Node, path string, depth int) ([]*ast.MappingValueNode, bool) {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		return nil, false
	}
	if depth > maxDecodeDepth {
		return nil, true
	}
	var out, merged []*ast.MappingValueNode
	for _, kv := range values {
		if kv.Key == nil || !kv.Key.IsMergeKey() {
			out = append(out, kv)
			continue
		}
		src := d.resolve(kv.Value, path)
		var sources []ast.Node
		if seq, ok := src.(*ast.SequenceNode); ok {
			for _, item := range seq.Values {
				sources = append(sources, d.resolve(item, path))
			}
		} else if src != nil {
			sources = append(sources, src)
		}
		for _, s := range sources {
			if s == nil {
				continue
			}
			entries, ok := d.mappingEntries(s, path, depth+1)
			if !ok {
				d.errorAt(kv.Value.GetToken(), path, "a merge key (<<) needs a mapping or a list of mappings")
				continue
			}
			merged = append(merged, entries...)
		}
	}
	seen := map[string]bool{}
	for _, kv := range out {
		if k, ok := d.keyText(kv.Key); ok {
			seen[k] = true
		}
	}
	for _, kv := range merged {
		if k, ok := d.keyText(kv.Key); ok && !seen[k] {
			seen[k] = true
			out = append(out, kv)
		}
	}
	return out, true
}

func (d *decoder) keyText(k ast.MapKeyNode) (string, bool) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	if n == nil {
		return "", false
	}
	n = d.resolve(n, "")
	if n == nil {
		return "", false
	}
	return scalarText(n)
}

// entries decodes the keys of a mapping, reporting non-scalar and
// duplicate keys, and calls fn with each key, its path and its value.
func (d *decoder) entries(n ast.Node, path string, depth int, fn func(key, keyPath string, keyTok *token.Token, value ast.Node)) bool {
	kvs, ok := d.mappingEntries(n, path, depth)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	for _, kv := range kvs {
		if kv.Key == nil {
			continue
		}
		key, ok := d.keyText(kv.Key)
		if !ok {
			d.errorAt(kv.Key.GetToken(), path, "keys must be strings")
			continue
		}
		kp := joinPath(path, key)
		tk := kv.Key.GetToken()
		if seen[key] {
			d.errorAt(tk, kp, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		if tk != nil && tk.Position != nil {
			d.pos.keys[kp] = position{tk.Position.Line, tk.Position.Column}
		}
		value := kv.Value
		if value == nil {
			continue
		}
		fn(key, kp, tk, value)
	}
	return true
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string, depth int) {
	fields := structFields(v.Type())
	ok := d.entries(n, path, depth, func(key, kp string, tk *token.Token, value ast.Node) {
		f, found := fields[key]
		if !found {
			d.unknownKey(tk, kp, key, fields)
			return
		}
		d.decode(value, v.Field(f.index), kp, depth+1)
	})
	if !ok {
		d.typeError(n, path, "a mapping of keys to values")
		return
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		f := fields[name]
		kp := joinPath(path, name)
		if f.required && !d.pos.has(kp) {
			tk := valueToken(n)
			if p, ok := d.pos.keys[path]; ok {
				tk = &token.Token{Position: &token.Position{Line: p.line, Column: p.col}}
			}
			d.errorAt(tk, kp, "missing required key %q", name)
			d.pos.bad[kp] = true
		}
	}
}

func (d *decoder) unknownKey(tk *token.Token, kp, key string, fields map[string]fieldInfo) {
	known := slices.Sorted(maps.Keys(fields))
	msg := fmt.Sprintf("unknown key %q", key)
	if s := policy.Suggest(key, known); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; known keys are " + strings.Join(known, ", ")
	}
	d.errorAt(tk, kp, "%s", msg)
	d.pos.bad[kp] = true
}

func (d *decoder) decodeMap(n ast.Node, v reflect.Value, path string, depth int) {
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	ok := d.entries(n, path, depth, func(key, kp string, _ *token.Token, value ast.Node) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(value, elem, kp, depth+1)
		v.SetMapIndex(reflect.ValueOf(key), elem)
	})
	if !ok {
		d.typeError(n, path, "a mapping")
	}
}

func (d *decoder) decodeSlice(n ast.Node, v reflect.Value, path string, depth int) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.typeError(n, path, "a list")
		return
	}
	out := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		if item == nil {
			continue
		}
		d.decode(item, out.Index(i), indexPath(path, i), depth+1)
	}
	v.Set(out)
}

// fieldInfo is a struct field as the spec names it.
type fieldInfo struct {
	index    int
	required bool
}

// structFields maps the JSON names of t's exported fields to their index.
// A field is required when its tag lacks omitempty, except the ones
// isOptionalField names.
func structFields(t reflect.Type) map[string]fieldInfo {
	out := map[string]fieldInfo{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, omit := jsonName(f)
		if name == "" {
			continue
		}
		out[name] = fieldInfo{index: i, required: !omit && !isOptionalField(t.Name()+"."+f.Name)}
	}
	return out
}

// isOptionalField reports whether a field without omitempty may still be
// omitted because Defaults fills it in.
func isOptionalField(typeDotField string) bool {
	return typeDotField == "Spec.Central"
}

func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,")
}
