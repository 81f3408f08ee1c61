package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrNoEffectivePolicy reports that an account has no effective backup
// policy: no backup policy is attached to it or to any of its parents, or the
// policies that are attached define no plans. AWS answers
// DescribeEffectivePolicy with EffectivePolicyNotFoundException in this case.
var ErrNoEffectivePolicy = errors.New("no effective backup policy")

// PolicySource is one policy document attached at a node.
type PolicySource struct {
	// Name identifies the document in errors and violations, for example a
	// file name or a policy ID.
	Name string
	// Content is the policy document, JSON with inheritance operators.
	Content []byte
}

// PolicyLevel is one node on the path from the root to an account, with the
// policies attached there.
type PolicyLevel struct {
	// Target is the node: "r-xxxx", "ou-xxxx-yyyyyyyy", or the account ID.
	Target string
	// Policies are the documents attached to Target, in attachment order.
	// Order matters: when two of them @@assign the same setting, the one
	// attached first stands.
	Policies []PolicySource
}

// Effective is the result of EffectivePolicy.
type Effective struct {
	// JSON is the effective policy as DescribeEffectivePolicy returns it:
	// compact JSON with plain values and no operators, every key in lower
	// case, keys sorted. Values keep the JSON type they were assigned with
	// ("60" stays a string, 60 a number); the $account variable is left in
	// place, as AWS leaves it for AWS Backup to replace.
	JSON []byte
	// Resolved is JSON with $account replaced by the account ID in every
	// ARN, which is what AWS Backup deploys in the account.
	Resolved []byte
	// Violations are the changes that child policies tried to make and that
	// the inheritance rules ignored. They are not errors: AWS accepts such
	// policies and silently drops the changes.
	Violations []InheritanceViolation
}

// InheritanceViolation is one change made by a policy that the effective
// policy ignores: an operator that a parent policy disallows for the
// setting, a setting added under a parent that locks it, an @@assign that
// an earlier policy attached to the same target already made, or a value
// whose shape conflicts with the inherited one.
type InheritanceViolation struct {
	// Source names the policy that made the ignored change.
	Source string
	// Line and Col locate the change in Source (1-based, Col in bytes).
	Line, Col int
	// Path is the chain of keys, as written in Source, leading to the
	// setting.
	Path []string
	// Operator is the value-setting operator whose effect was ignored.
	Operator string
	// Message explains which rule ignored it and where that rule comes from.
	Message string
}

// String returns "SOURCE:LINE:COL: PATH: MESSAGE".
func (v InheritanceViolation) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", v.Source, v.Line, v.Col, strings.Join(v.Path, "."), v.Message)
}

// Inheritance operators of AWS Organizations management policies
// ("Inheritance operators" in the Organizations User Guide).
const (
	opNameAssign      = "@@assign"
	opNameAppend      = "@@append"
	opNameRemove      = "@@remove"
	opNameChildPolicy = "@@operators_allowed_for_child_policies"
	opNameAll         = "@@all"
	opNameNone        = "@@none"
)

// opSet is a set of value-setting operators.
type opSet uint8

const (
	opAssign opSet = 1 << iota
	opAppend
	opRemove

	opNone opSet = 0
	opAll        = opAssign | opAppend | opRemove
)

func opOf(name string) opSet {
	switch name {
	case opNameAssign:
		return opAssign
	case opNameAppend:
		return opAppend
	case opNameRemove:
		return opRemove
	}
	return opNone
}

// String renders the set as the value of @@operators_allowed_for_child_policies.
func (s opSet) String() string {
	switch s {
	case opAll:
		return `["@@all"]`
	case opNone:
		return `["@@none"]`
	}
	var names []string
	for _, op := range []string{opNameAssign, opNameAppend, opNameRemove} {
		if s&opOf(op) != 0 {
			names = append(names, strconv.Quote(op))
		}
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// EffectivePolicy computes the effective backup policy for accountID from
// the levels listed root first (root, OUs from the top down, the account).
//
// It follows "Policy syntax and inheritance for management policy types"
// and "Inheritance operators" in the AWS Organizations User Guide:
//
//   - @@assign overwrites the inherited value (or adds the setting);
//     @@append adds values to an inherited list, skipping values already in
//     it; @@remove removes values from an inherited list (a single inherited
//     value equal to one of them removes the setting).
//   - @@operators_allowed_for_child_policies (["@@all"], the default,
//     ["@@none"], or a list of value-setting operators) on a key limits the
//     operators that policies at lower levels may use on that key; on an
//     object key it also limits adding new keys under it, which needs
//     @@append or @@assign. Limits accumulate down the tree: the most
//     restrictive wins and a child cannot lift them. Limits set by several
//     policies on one target intersect and apply from the next level down.
//   - Policies on one target apply in attachment order; when two @@assign
//     the same setting, the first stands.
//   - Keys are not case sensitive; the effective policy has them in lower
//     case, as DescribeEffectivePolicy returns them.
//
// Changes the rules ignore are returned as Violations rather than dropped
// silently. Malformed documents (bad JSON, unknown operators, operators in
// the wrong place or with the wrong kind of operand) give an error joining
// one *ParseError per problem, with file, line and column.
//
// When no policy applies or the result has no plans, EffectivePolicy returns
// ErrNoEffectivePolicy together with an Effective holding any Violations.
func EffectivePolicy(levels []PolicyLevel, accountID string) (*Effective, error) {
	if !IsAccountID(accountID) {
		return nil, fmt.Errorf("computing effective backup policy: account ID %q is not 12 digits", accountID)
	}
	type doc struct {
		level int
		src   origin
		root  *Node
	}
	var docs []doc
	var errs []error
	for li, lv := range levels {
		for pi, ps := range lv.Policies {
			name := ps.Name
			if name == "" {
				name = fmt.Sprintf("%s policy %d", lv.Target, pi+1)
			}
			root, err := ParseJSON(name, ps.Content)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if e := checkPolicyDocument(name, root); len(e) > 0 {
				errs = append(errs, e...)
				continue
			}
			docs = append(docs, doc{level: li, src: origin{source: name, target: lv.Target}, root: root})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	m := &merger{}
	root := newMergeNode()
	for _, d := range docs {
		m.level = d.level
		m.src = d.src
		m.mergeObject(root, d.root, nil)
	}

	eff := &Effective{Violations: m.violations}
	if plans := root.children["plans"]; len(docs) == 0 || plans == nil || plans.isEmpty() {
		return eff, ErrNoEffectivePolicy
	}
	var out, resolved bytes.Buffer
	root.encode(&out, func(s string) string { return s })
	root.encode(&resolved, func(s string) string { return resolveAccount(s, accountID) })
	eff.JSON = out.Bytes()
	eff.Resolved = resolved.Bytes()
	return eff, nil
}

// resolveAccount replaces $account in an ARN. AWS allows the variable only in
// policy elements that can hold an ARN ("Backup policy syntax and examples").
func resolveAccount(s, accountID string) string {
	if !strings.HasPrefix(s, "arn:") {
		return s
	}
	return strings.ReplaceAll(s, "$account", accountID)
}

// checkPolicyDocument reports every structural problem in one policy: what
// AWS rejects when the policy is created, whatever it is attached to.
func checkPolicyDocument(name string, root *Node) []error {
	var errs []error
	fail := func(line, col int, path []string, format string, args ...any) {
		errs = append(errs, &ParseError{File: name, Line: line, Col: col, Path: clonePath(path), Message: fmt.Sprintf(format, args...)})
	}
	if root.Kind != KindObject {
		fail(root.Line, root.Col, nil, "policy must be a JSON object, not %s", root.Kind)
		return errs
	}
	var walk func(obj *Node, path []string)
	walk = func(obj *Node, path []string) {
		seenKey := map[string]Member{}
		var valueOp, field *Member
		for i := range obj.Members {
			m := &obj.Members[i]
			p := append(clonePath(path), m.Key)
			isOp := strings.HasPrefix(m.Key, "@@")
			// Keys are not case sensitive; operators are compared exactly.
			k := m.Key
			if !isOp {
				k = strings.ToLower(k)
			}
			if prev, dup := seenKey[k]; dup {
				fail(m.Line, m.Col, p, "duplicate key %q (keys are not case sensitive; first at %d:%d)", m.Key, prev.Line, prev.Col)
				continue
			}
			seenKey[k] = *m
			if !isOp {
				if field == nil {
					field = m
				}
				if m.Value.Kind != KindObject {
					fail(m.Value.Line, m.Value.Col, p, `setting must be an object holding an inheritance operator, such as {"@@assign": ...}, not %s`, m.Value.Kind)
					continue
				}
				walk(m.Value, p)
				continue
			}
			switch m.Key {
			case opNameChildPolicy:
				checkChildControl(m.Value, p, fail)
			case opNameAssign, opNameAppend, opNameRemove:
				if path == nil {
					fail(m.Line, m.Col, p, "%s cannot be used at the top level of a policy", m.Key)
					continue
				}
				if valueOp != nil {
					fail(m.Line, m.Col, p, "%s cannot be combined with %s on one setting", m.Key, valueOp.Key)
					continue
				}
				valueOp = m
				checkOperand(m.Key, m.Value, p, fail)
			default:
				fail(m.Line, m.Col, p, "unknown operator %q; want @@assign, @@append, @@remove or @@operators_allowed_for_child_policies", m.Key)
			}
		}
		if valueOp != nil && field != nil {
			fail(field.Line, field.Col, append(clonePath(path), field.Key), "key %q cannot be next to %s: a setting holds either a value-setting operator or nested keys", field.Key, valueOp.Key)
		}
	}
	walk(root, nil)
	return errs
}

func checkChildControl(v *Node, path []string, fail func(int, int, []string, string, ...any)) {
	if v.Kind != KindArray || len(v.Elems) == 0 {
		fail(v.Line, v.Col, path, `want a non-empty list such as ["@@none"], ["@@all"] or ["@@append", "@@remove"], not %s`, describeNode(v))
		return
	}
	var exclusive string
	for _, e := range v.Elems {
		if e.Kind != KindString {
			fail(e.Line, e.Col, path, "want an operator name, not %s", e.Kind)
			continue
		}
		switch e.Str {
		case opNameAll, opNameNone:
			exclusive = e.Str
		case opNameAssign, opNameAppend, opNameRemove:
		default:
			fail(e.Line, e.Col, path, "unknown operator %q; want @@all, @@none, @@assign, @@append or @@remove", e.Str)
		}
	}
	if exclusive != "" && len(v.Elems) > 1 {
		fail(v.Line, v.Col, path, "%s must be the only entry of the list", exclusive)
	}
}

func checkOperand(op string, v *Node, path []string, fail func(int, int, []string, string, ...any)) {
	isScalar := func(n *Node) bool {
		return n.Kind == KindString || n.Kind == KindNumber || n.Kind == KindBool
	}
	switch {
	case v.Kind == KindArray:
		for _, e := range v.Elems {
			if !isScalar(e) {
				fail(e.Line, e.Col, path, "list values must be strings, numbers or booleans, not %s", e.Kind)
			}
		}
	case op != opNameAssign:
		// "You can use this operator with only multi-valued settings."
		fail(v.Line, v.Col, path, "%s takes a list of values, not %s", op, v.Kind)
	case !isScalar(v):
		fail(v.Line, v.Col, path, "%s takes a string, number, boolean or list of them, not %s", op, v.Kind)
	}
}

func describeNode(n *Node) string {
	if n.Kind == KindArray {
		return "an empty list"
	}
	return n.Kind.String()
}

func clonePath(p []string) []string {
	return append([]string(nil), p...)
}

// origin is where a policy, or one operator in it, comes from.
type origin struct {
	source, target string
	line, col      int
}

// scalar is one plain JSON value: a string, number or boolean. Numbers
// keep the literal text they were written with.
type scalar struct {
	kind Kind
	text string
	b    bool
}

func scalarOf(n *Node) scalar {
	return scalar{kind: n.Kind, text: n.Str, b: n.Bool}
}

// value is the value of a setting: one scalar, or a list.
type value struct {
	list  bool
	items []scalar
}

func valueOf(n *Node) *value {
	if n.Kind != KindArray {
		return &value{items: []scalar{scalarOf(n)}}
	}
	v := &value{list: true, items: make([]scalar, 0, len(n.Elems))}
	for _, e := range n.Elems {
		v.items = append(v.items, scalarOf(e))
	}
	return v
}

func (v *value) contains(s scalar) bool {
	for _, it := range v.items {
		if it == s {
			return true
		}
	}
	return false
}

// mergeNode is one key of the effective policy being built, with the limits
// that apply to it.
type mergeNode struct {
	val      *value // nil unless the key holds a value
	children map[string]*mergeNode

	// allowed are the operators that policies at the level being merged
	// may use on this key; limitBy says where the last narrowing came from.
	allowed opSet
	limitBy origin
	// pending are limits declared at level pendingLevel, which apply from
	// the level below it.
	pending      opSet
	pendingBy    origin
	pendingLevel int
	hasPending   bool
	// assigned says which policy made the first @@assign at assignLevel.
	assigned    bool
	assignLevel int
	assignBy    origin
}

func newMergeNode() *mergeNode {
	return &mergeNode{children: map[string]*mergeNode{}, allowed: opAll}
}

// limit returns the operators allowed on n for policies at level.
func (n *mergeNode) limit(level int) (opSet, origin) {
	if n.hasPending && n.pendingLevel < level {
		if narrowed := n.allowed & n.pending; narrowed != n.allowed {
			n.allowed, n.limitBy = narrowed, n.pendingBy
		}
		n.hasPending = false
	}
	return n.allowed, n.limitBy
}

// isEmpty reports whether n contributes nothing to the effective policy.
func (n *mergeNode) isEmpty() bool {
	if n.val != nil {
		return false
	}
	for _, c := range n.children {
		if !c.isEmpty() {
			return false
		}
	}
	return true
}

func (n *mergeNode) encode(b *bytes.Buffer, str func(string) string) {
	if n.val != nil {
		n.val.encode(b, str)
		return
	}
	keys := make([]string, 0, len(n.children))
	for k, c := range n.children {
		if !c.isEmpty() {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		encodeString(b, str(k))
		b.WriteByte(':')
		n.children[k].encode(b, str)
	}
	b.WriteByte('}')
}

func (v *value) encode(b *bytes.Buffer, str func(string) string) {
	if v.list {
		b.WriteByte('[')
	}
	for i, s := range v.items {
		if i > 0 {
			b.WriteByte(',')
		}
		switch s.kind {
		case KindString:
			encodeString(b, str(s.text))
		case KindNumber:
			b.WriteString(s.text)
		case KindBool:
			b.WriteString(strconv.FormatBool(s.b))
		default:
			b.WriteString("null")
		}
	}
	if v.list {
		b.WriteByte(']')
	}
}

// encodeString writes s as a JSON string without HTML escaping.
func encodeString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}

// merger folds policy documents, level by level, into one tree.
type merger struct {
	level      int
	src        origin
	violations []InheritanceViolation
}

func (m *merger) at(line, col int) origin {
	o := m.src
	o.line, o.col = line, col
	return o
}

func (m *merger) violate(line, col int, path []string, op, format string, args ...any) {
	m.violations = append(m.violations, InheritanceViolation{
		Source:   m.src.source,
		Line:     line,
		Col:      col,
		Path:     clonePath(path),
		Operator: op,
		Message:  fmt.Sprintf(format, args...),
	})
}

func describeOrigin(o origin) string {
	return fmt.Sprintf("the policy at %s:%d:%d (attached to %s)", o.source, o.line, o.col, o.target)
}

// mergeObject merges obj, the JSON object of one policy for the key n, into
// n. The document was checked by checkPolicyDocument.
func (m *merger) mergeObject(n *mergeNode, obj *Node, path []string) {
	var valueOp *Member
	var fields []*Member
	for i := range obj.Members {
		mem := &obj.Members[i]
		switch {
		case mem.Key == opNameChildPolicy:
			m.declareLimit(n, mem)
		case strings.HasPrefix(mem.Key, "@@"):
			valueOp = mem
		default:
			fields = append(fields, mem)
		}
	}
	switch {
	case valueOp != nil:
		m.applyOperator(n, valueOp, path)
	case len(fields) > 0:
		if n.val != nil {
			m.violate(fields[0].Line, fields[0].Col, append(clonePath(path), fields[0].Key), firstValueOperator(obj),
				"ignored: nested keys cannot replace the value that %s holds", strings.Join(path, "."))
			return
		}
		for _, f := range fields {
			m.mergeField(n, f, path)
		}
	}
}

// mergeField merges one nested key of a policy object into parent.
func (m *merger) mergeField(parent *mergeNode, f *Member, path []string) {
	key := strings.ToLower(f.Key)
	p := append(clonePath(path), f.Key)
	child := parent.children[key]
	if (child == nil || child.isEmpty()) && firstValueOperator(f.Value) != "" {
		// Adding a key that is not inherited is what @@append (and @@assign)
		// do to a collection; a parent can forbid it ("Backup policy
		// examples", example 4).
		if allowed, by := parent.limit(m.level); allowed&(opAppend|opAssign) == 0 {
			m.violate(f.Line, f.Col, p, firstValueOperator(f.Value),
				"ignored: %s cannot be added because %s allows child policies only %s on %s",
				strconv.Quote(f.Key), describeOrigin(by), allowed, displayPath(path))
			return
		}
	}
	if child == nil {
		child = newMergeNode()
		parent.children[key] = child
	}
	m.mergeObject(child, f.Value, p)
}

func displayPath(path []string) string {
	if len(path) == 0 {
		return "the top level"
	}
	return strings.Join(path, ".")
}

// firstValueOperator returns the first value-setting operator in obj or
// below it, or "" if there is none.
func firstValueOperator(obj *Node) string {
	if obj == nil || obj.Kind != KindObject {
		return ""
	}
	for _, mem := range obj.Members {
		if opOf(mem.Key) != opNone {
			return mem.Key
		}
	}
	for _, mem := range obj.Members {
		if !strings.HasPrefix(mem.Key, "@@") {
			if op := firstValueOperator(mem.Value); op != "" {
				return op
			}
		}
	}
	return ""
}

// declareLimit records @@operators_allowed_for_child_policies on n; it
// applies to policies at lower levels, intersected with what the other
// policies at this level declare ("Inheritance examples", example 5).
func (m *merger) declareLimit(n *mergeNode, mem *Member) {
	set := opNone
	for _, e := range mem.Value.Elems {
		switch e.Str {
		case opNameAll:
			set = opAll
		case opNameNone:
			set = opNone
		default:
			set |= opOf(e.Str)
		}
	}
	n.limit(m.level) // fold limits declared at earlier levels first
	if n.hasPending && n.pendingLevel == m.level {
		if narrowed := n.pending & set; narrowed != n.pending {
			n.pending, n.pendingBy = narrowed, m.at(mem.Line, mem.Col)
		}
		return
	}
	n.pending, n.pendingBy, n.pendingLevel, n.hasPending = set, m.at(mem.Line, mem.Col), m.level, true
}

// applyOperator applies one value-setting operator to n.
func (m *merger) applyOperator(n *mergeNode, mem *Member, path []string) {
	op := opOf(mem.Key)
	if allowed, by := n.limit(m.level); allowed&op == 0 {
		m.violate(mem.Line, mem.Col, path, mem.Key,
			"ignored: %s allows child policies only %s on %s",
			describeOrigin(by), allowed, displayPath(path))
		return
	}
	if !n.isEmpty() && n.val == nil {
		m.violate(mem.Line, mem.Col, path, mem.Key,
			"ignored: %s holds nested keys, so %s cannot give it a value", displayPath(path), mem.Key)
		return
	}
	operand := valueOf(mem.Value)
	switch op {
	case opAssign:
		if n.assigned && n.assignLevel == m.level {
			// "Policies are evaluated based on the order in which they were
			// attached to the organization entity" ("Inheritance examples",
			// example 6): the first assignment stands.
			m.violate(mem.Line, mem.Col, path, mem.Key,
				"ignored: %s:%d:%d, attached earlier to the same target %s, already assigns %s and the first assignment stands",
				n.assignBy.source, n.assignBy.line, n.assignBy.col, n.assignBy.target, displayPath(path))
			return
		}
		n.val = operand
		n.assigned, n.assignLevel, n.assignBy = true, m.level, m.at(mem.Line, mem.Col)
	case opAppend:
		merged := &value{list: true}
		if n.val != nil {
			merged.items = append(merged.items, n.val.items...)
		}
		for _, s := range operand.items {
			if !merged.contains(s) {
				merged.items = append(merged.items, s)
			}
		}
		n.val = merged
	case opRemove:
		if n.val == nil {
			return
		}
		if !n.val.list {
			if operand.contains(n.val.items[0]) {
				n.val = nil
			}
			return
		}
		kept := &value{list: true, items: []scalar{}}
		for _, s := range n.val.items {
			if !operand.contains(s) {
				kept.items = append(kept.items, s)
			}
		}
		n.val = kept
	}
}
