// Package vocab implements orgbackup's JSON Schema vocabulary of
// comparisons for github.com/santhosh-tekuri/jsonschema/v6: keywords that
// compare two values of one instance with each other, which the standard
// 2020-12 vocabularies cannot (their keywords compare a value with
// constants of the schema).
//
// The keywords, described by the meta-schema comparisons.schema.json:
//
//	x-orgbackup-distinct       [[path, path, ...], ...]
//	    the values found at different paths of an entry differ
//	x-orgbackup-equal          [[path, path, ...], ...]
//	    the values found at different paths of an entry are equal
//	x-orgbackup-durationOrder  [{"shorter": path, "longer": path, "plus": duration}, ...]
//	    every duration at shorter, plus plus, is at most every one at longer
//	x-orgbackup-dateOrder      [{"earlier": path, "later": path}, ...]
//	    every date (YYYY-MM-DD) at earlier is on or before every one at later
//	x-orgbackup-memberOf       [{"values": path, "of": path}, {"names": path, "of": path}, ...]
//	    the strings at values, or the member names of the objects at
//	    names, name members of an object at of or are items of an array
//	    at of
//	x-orgbackup-uniqueBy       path
//	    no two items of an array have equal values at path
//
// A path is a JSON Pointer relative to the instance the keyword applies to,
// in which the segment * stands for every member of an object or item of
// an array. Absent members and null values are not found.
//
// The vocabulary is optional: the spec's schema keeps the standard
// 2020-12 meta-schema, so editors and other validators ignore the
// x-orgbackup- keywords as unknown keywords; a compiler given Register
// enforces them.
package vocab

import (
	_ "embed" // the meta-schema
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/message"
)

// URL identifies the vocabulary in a meta-schema's $vocabulary.
const URL = "https://github.com/orgbackup/orgbackup/schema/vocab/comparisons"

// MetaSchemaURL is the $id of the vocabulary's meta-schema, a 2020-12
// dialect with the vocabulary's keywords; Register adds it to a compiler.
const MetaSchemaURL = "https://github.com/orgbackup/orgbackup/schema/vocab/comparisons.schema.json"

// The keywords of the vocabulary.
const (
	KeywordDistinct      = "x-orgbackup-distinct"
	KeywordEqual         = "x-orgbackup-equal"
	KeywordDurationOrder = "x-orgbackup-durationOrder"
	KeywordDateOrder     = "x-orgbackup-dateOrder"
	KeywordMemberOf      = "x-orgbackup-memberOf"
	KeywordUniqueBy      = "x-orgbackup-uniqueBy"
)

//go:embed comparisons.schema.json
var metaSchema string

// ParseDuration reads a duration of an instance as a count of one fixed
// unit (orgbackup passes spec.ParseRetention, in days).
type ParseDuration func(string) (int64, error)

// Register adds the vocabulary and its meta-schema to c and makes c
// enforce it (Compiler.AssertVocabs), durations read with parse.
func Register(c *jsonschema.Compiler, parse ParseDuration) error {
	v, err := New(parse)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(metaSchema))
	if err != nil {
		return fmt.Errorf("reading %s: %w", MetaSchemaURL, err)
	}
	if err := c.AddResource(MetaSchemaURL, doc); err != nil {
		return fmt.Errorf("adding %s: %w", MetaSchemaURL, err)
	}
	c.RegisterVocabulary(v)
	c.AssertVocabs()
	return nil
}

// New returns the vocabulary, durations read with parse.
func New(parse ParseDuration) (*jsonschema.Vocabulary, error) {
	if parse == nil {
		return nil, errors.New("creating the comparisons vocabulary: no duration parser")
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(metaSchema))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", MetaSchemaURL, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(MetaSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("adding %s: %w", MetaSchemaURL, err)
	}
	sch, err := c.Compile(MetaSchemaURL)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", MetaSchemaURL, err)
	}
	return &jsonschema.Vocabulary{
		URL:    URL,
		Schema: sch,
		Compile: func(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
			return compile(obj, parse)
		},
	}, nil
}

// keywords is the compiled form of the vocabulary's keywords on one
// schema object.
type keywords struct {
	distinct [][]path
	equal    [][]path
	order    []order
	dates    []dateOrder
	memberOf []memberOf
	uniqueBy *path
	parse    ParseDuration
}

// memberOf is one entry of x-orgbackup-memberOf: the strings at values,
// or the member names of the objects at names (names set), name members of
// an object at of or are items of an array at of.
type memberOf struct {
	values, of path
	names      bool
}

// dateOrder is one entry of x-orgbackup-dateOrder.
type dateOrder struct{ earlier, later path }

// order is one entry of x-orgbackup-durationOrder.
type order struct {
	shorter, longer path
	plus            string
	plusN           int64
}

func compile(obj map[string]any, parse ParseDuration) (jsonschema.SchemaExt, error) {
	k := &keywords{parse: parse}
	var err error
	if k.distinct, err = pathGroups(obj, KeywordDistinct); err != nil {
		return nil, err
	}
	if k.equal, err = pathGroups(obj, KeywordEqual); err != nil {
		return nil, err
	}
	if raw, ok := obj[KeywordDurationOrder]; ok {
		entries, _ := raw.([]any)
		for _, e := range entries {
			m, _ := e.(map[string]any)
			shorter, err := parsePath(m["shorter"])
			if err != nil {
				return nil, fmt.Errorf("compiling %s: shorter: %w", KeywordDurationOrder, err)
			}
			longer, err := parsePath(m["longer"])
			if err != nil {
				return nil, fmt.Errorf("compiling %s: longer: %w", KeywordDurationOrder, err)
			}
			o := order{shorter: shorter, longer: longer}
			if p, ok := m["plus"].(string); ok {
				n, err := parse(p)
				if err != nil {
					return nil, fmt.Errorf("compiling %s: plus: %w", KeywordDurationOrder, err)
				}
				o.plus, o.plusN = p, n
			}
			k.order = append(k.order, o)
		}
	}
	if raw, ok := obj[KeywordDateOrder]; ok {
		entries, _ := raw.([]any)
		for _, e := range entries {
			m, _ := e.(map[string]any)
			earlier, err := parsePath(m["earlier"])
			if err != nil {
				return nil, fmt.Errorf("compiling %s: earlier: %w", KeywordDateOrder, err)
			}
			later, err := parsePath(m["later"])
			if err != nil {
				return nil, fmt.Errorf("compiling %s: later: %w", KeywordDateOrder, err)
			}
			k.dates = append(k.dates, dateOrder{earlier, later})
		}
	}
	if raw, ok := obj[KeywordMemberOf]; ok {
		entries, _ := raw.([]any)
		for _, e := range entries {
			m, _ := e.(map[string]any)
			of, err := parsePath(m["of"])
			if err != nil {
				return nil, fmt.Errorf("compiling %s: of: %w", KeywordMemberOf, err)
			}
			ref := memberOf{of: of}
			raw, names := m["names"]
			if !names {
				raw = m["values"]
			}
			if ref.values, err = parsePath(raw); err != nil {
				return nil, fmt.Errorf("compiling %s: %w", KeywordMemberOf, err)
			}
			ref.names = names
			k.memberOf = append(k.memberOf, ref)
		}
	}
	if raw, ok := obj[KeywordUniqueBy]; ok {
		p, err := parsePath(raw)
		if err != nil {
			return nil, fmt.Errorf("compiling %s: %w", KeywordUniqueBy, err)
		}
		k.uniqueBy = &p
	}
	if k.distinct == nil && k.equal == nil && k.order == nil && k.dates == nil && k.memberOf == nil && k.uniqueBy == nil {
		return nil, nil
	}
	return k, nil
}

// pathGroups reads a keyword whose value is a list of lists of paths.
func pathGroups(obj map[string]any, keyword string) ([][]path, error) {
	raw, ok := obj[keyword]
	if !ok {
		return nil, nil
	}
	groups, _ := raw.([]any)
	var out [][]path
	for _, g := range groups {
		paths, _ := g.([]any)
		var group []path
		for _, p := range paths {
			pp, err := parsePath(p)
			if err != nil {
				return nil, fmt.Errorf("compiling %s: %w", keyword, err)
			}
			group = append(group, pp)
		}
		out = append(out, group)
	}
	return out, nil
}

// Validate applies the keywords to the instance v.
func (k *keywords) Validate(ctx *jsonschema.ValidatorContext, v any) {
	for _, group := range k.distinct {
		comparePaths(ctx, v, group, false)
	}
	for _, group := range k.equal {
		comparePaths(ctx, v, group, true)
	}
	for _, o := range k.order {
		k.validateOrder(ctx, v, o)
	}
	for _, o := range k.dates {
		validateDateOrder(ctx, v, o)
	}
	for _, ref := range k.memberOf {
		validateMemberOf(ctx, v, ref)
	}
	if k.uniqueBy != nil {
		k.validateUniqueBy(ctx, v, *k.uniqueBy)
	}
}

func validateDateOrder(ctx *jsonschema.ValidatorContext, v any, o dateOrder) {
	dates := func(vs []value) []date {
		var out []date
		for _, v := range vs {
			s, ok := v.v.(string)
			if !ok {
				continue
			}
			if d, err := time.Parse(time.DateOnly, s); err == nil {
				out = append(out, date{v, d})
			}
		}
		return out
	}
	for _, e := range dates(o.earlier.find(v)) {
		for _, l := range dates(o.later.find(v)) {
			if l.t.Before(e.t) {
				ctx.AddError(&dateOrderError{earlier: e.value, later: l.value})
			}
		}
	}
}

// date is a value read as a date.
type date struct {
	value
	t time.Time
}

func validateMemberOf(ctx *jsonschema.ValidatorContext, v any, ref memberOf) {
	var objects []map[string]any
	var arrays [][]any
	for _, o := range ref.of.find(v) {
		switch x := o.v.(type) {
		case map[string]any:
			objects = append(objects, x)
		case []any:
			arrays = append(arrays, x)
		}
	}
	if len(objects) == 0 && len(arrays) == 0 {
		return
	}
	member := func(name string) bool {
		for _, o := range objects {
			if _, ok := o[name]; ok {
				return true
			}
		}
		for _, a := range arrays {
			for _, item := range a {
				if s, ok := item.(string); ok && s == name {
					return true
				}
			}
		}
		return false
	}
	for _, found := range ref.values.find(v) {
		if !ref.names {
			if s, ok := found.v.(string); ok && !member(s) {
				ctx.AddError(&memberError{loc: found.loc, name: s, of: ref.of.text})
			}
			continue
		}
		m, ok := found.v.(map[string]any)
		if !ok {
			continue
		}
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !member(n) {
				ctx.AddError(&memberError{loc: found.loc + "/" + escape(n), name: n, of: ref.of.text})
			}
		}
	}
}

// comparePaths reports the values found at different paths of group that
// are equal (or, with equal, that differ).
func comparePaths(ctx *jsonschema.ValidatorContext, v any, group []path, equal bool) {
	found := make([][]value, len(group))
	for i, p := range group {
		found[i] = p.find(v)
	}
	for i := range found {
		for j := i + 1; j < len(found); j++ {
			for _, a := range found[i] {
				for _, b := range found[j] {
					eq, err := ctx.Equals(a.v, b.v)
					if err != nil {
						ctx.AddErr(err)
						return
					}
					if eq != equal {
						ctx.AddError(&compareError{a: a, b: b, equal: equal})
					}
				}
			}
		}
	}
}

func (k *keywords) validateOrder(ctx *jsonschema.ValidatorContext, v any, o order) {
	shorter, longer := k.durations(o.shorter.find(v)), k.durations(o.longer.find(v))
	for _, s := range shorter {
		for _, l := range longer {
			if s.n+o.plusN > l.n {
				ctx.AddError(&orderError{shorter: s.value, longer: l.value, plus: o.plus})
			}
		}
	}
}

func (k *keywords) validateUniqueBy(ctx *jsonschema.ValidatorContext, v any, p path) {
	items, ok := v.([]any)
	if !ok {
		return
	}
	seen := make([][]value, len(items))
	for i, item := range items {
		seen[i] = p.find(item)
		for j := range i {
			if dup := firstEqual(ctx, seen[j], seen[i]); dup != nil {
				if dup.err != nil {
					ctx.AddErr(dup.err)
					return
				}
				ctx.AddError(&uniqueByError{path: p.text, first: j, second: i, v: dup.v})
				break
			}
		}
	}
}

// equal is a value two lists share, or the error comparing them.
type equal struct {
	v   any
	err error
}

func firstEqual(ctx *jsonschema.ValidatorContext, as, bs []value) *equal {
	for _, a := range as {
		for _, b := range bs {
			eq, err := ctx.Equals(a.v, b.v)
			if err != nil {
				return &equal{err: err}
			}
			if eq {
				return &equal{v: a.v}
			}
		}
	}
	return nil
}

// duration is a value read as a duration.
type duration struct {
	value
	n int64
}

// durations reads the string values as durations, leaving out those the
// parser refuses: other keywords (pattern) report them.
func (k *keywords) durations(vs []value) []duration {
	var out []duration
	for _, v := range vs {
		s, ok := v.v.(string)
		if !ok {
			continue
		}
		n, err := k.parse(s)
		if err != nil {
			continue
		}
		out = append(out, duration{v, n})
	}
	return out
}

// path is a JSON Pointer in which the segment * stands for every member or
// item.
type path struct {
	text   string
	tokens []string
}

func parsePath(raw any) (path, error) {
	s, ok := raw.(string)
	if !ok {
		return path{}, fmt.Errorf("path %v is not a string", raw)
	}
	if s == "" {
		return path{text: s}, nil
	}
	if !strings.HasPrefix(s, "/") {
		return path{}, fmt.Errorf("path %q does not start with /", s)
	}
	var tokens []string
	for _, t := range strings.Split(s[1:], "/") {
		tokens = append(tokens, strings.NewReplacer("~1", "/", "~0", "~").Replace(t))
	}
	return path{text: s, tokens: tokens}, nil
}

// value is a value found at a path, with its location relative to the
// instance.
type value struct {
	loc string
	v   any
}

// find returns the values the path reaches from v, in document order
// (object members by name).
func (p path) find(v any) []value {
	var out []value
	var walk func(v any, loc string, tokens []string)
	walk = func(v any, loc string, tokens []string) {
		if v == nil {
			return
		}
		if len(tokens) == 0 {
			out = append(out, value{loc, v})
			return
		}
		tok, rest := tokens[0], tokens[1:]
		switch x := v.(type) {
		case map[string]any:
			if tok != "*" {
				if m, ok := x[tok]; ok {
					walk(m, loc+"/"+escape(tok), rest)
				}
				return
			}
			names := make([]string, 0, len(x))
			for n := range x {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				walk(x[n], loc+"/"+escape(n), rest)
			}
		case []any:
			if tok == "*" {
				for i, item := range x {
					walk(item, loc+"/"+strconv.Itoa(i), rest)
				}
				return
			}
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(x) && strconv.Itoa(i) == tok {
				walk(x[i], loc+"/"+tok, rest)
			}
		}
	}
	walk(v, "", p.tokens)
	return out
}

func escape(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// compareError: two paths of an x-orgbackup-distinct entry hold one value,
// or two of an x-orgbackup-equal entry differ.
type compareError struct {
	a, b  value
	equal bool
}

// KeywordPath implements jsonschema.ErrorKind.
func (e *compareError) KeywordPath() []string {
	if e.equal {
		return []string{KeywordEqual}
	}
	return []string{KeywordDistinct}
}

// LocalizedString implements jsonschema.ErrorKind.
func (e *compareError) LocalizedString(p *message.Printer) string {
	if e.equal {
		return p.Sprintf("%s (%s) and %s (%s) must be equal", e.a.loc, show(e.a.v), e.b.loc, show(e.b.v))
	}
	return p.Sprintf("%s and %s must differ, both are %s", e.a.loc, e.b.loc, show(e.a.v))
}

// orderError: a duration exceeds one it must not.
type orderError struct {
	shorter, longer value
	plus            string
}

// KeywordPath implements jsonschema.ErrorKind.
func (*orderError) KeywordPath() []string { return []string{KeywordDurationOrder} }

// LocalizedString implements jsonschema.ErrorKind.
func (e *orderError) LocalizedString(p *message.Printer) string {
	if e.plus != "" {
		return p.Sprintf("%s (%s) must be at least %s (%s) plus %s", e.longer.loc, show(e.longer.v), e.shorter.loc, show(e.shorter.v), e.plus)
	}
	return p.Sprintf("%s (%s) must be at least %s (%s)", e.longer.loc, show(e.longer.v), e.shorter.loc, show(e.shorter.v))
}

// dateOrderError: a date before one it must not precede.
type dateOrderError struct{ earlier, later value }

// KeywordPath implements jsonschema.ErrorKind.
func (*dateOrderError) KeywordPath() []string { return []string{KeywordDateOrder} }

// LocalizedString implements jsonschema.ErrorKind.
func (e *dateOrderError) LocalizedString(p *message.Printer) string {
	return p.Sprintf("%s (%s) is before %s (%s)", e.later.loc, show(e.later.v), e.earlier.loc, show(e.earlier.v))
}

// memberError: a name that no member of the objects at of has.
type memberError struct{ loc, name, of string }

// KeywordPath implements jsonschema.ErrorKind.
func (*memberError) KeywordPath() []string { return []string{KeywordMemberOf} }

// LocalizedString implements jsonschema.ErrorKind.
func (e *memberError) LocalizedString(p *message.Printer) string {
	return p.Sprintf("%s: %s is not a member of %s", e.loc, strconv.Quote(e.name), e.of)
}

// uniqueByError: two items share a value at the path.
type uniqueByError struct {
	path          string
	first, second int
	v             any
}

// KeywordPath implements jsonschema.ErrorKind.
func (*uniqueByError) KeywordPath() []string { return []string{KeywordUniqueBy} }

// LocalizedString implements jsonschema.ErrorKind.
func (e *uniqueByError) LocalizedString(p *message.Printer) string {
	return p.Sprintf("items %d and %d have the same %s, %s", e.first, e.second, e.path, show(e.v))
}
