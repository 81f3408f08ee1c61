package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OrganizationsPolicy is an AWS Organizations BACKUP_POLICY document read
// into typed plans.
type OrganizationsPolicy struct {
	// Plans are the document's plans in document order, each named by its
	// key under "plans".
	Plans []Plan
	// ChildControl holds the document's @@operators_allowed_for_child_policies
	// for each level of ChildControl at which every object carries the
	// same value (as CompileOrganizationsPolicy writes them); a level
	// whose objects disagree is left nil. ChildControlAt has them all.
	ChildControl ChildControl
	// ChildControlAt lists every @@operators_allowed_for_child_policies in
	// the document, in document order.
	ChildControlAt []ChildControlSetting
	// Inherited lists the document paths of settings set with @@append or
	// @@remove. Their result depends on the policies inherited from above,
	// which a single document does not know: Plans holds the values given
	// with @@append as if nothing were inherited, and ignores @@remove.
	// Compute the effective policy for the resolved values.
	Inherited [][]string
	// Incomplete lists the required settings the document leaves out (a
	// plan without rules or selections, a rule without a target vault...),
	// each at the place it is missing from. AWS accepts such a policy: it
	// is completed by the policies it inherits from or by its children,
	// and only the effective policy must be whole ("Policy syntax and
	// inheritance for backup policies", AWS Organizations User Guide:
	// policies attached at different levels merge into the effective
	// policy). Plans holds what the document gives.
	Incomplete []*ParseError
	// Unmodeled lists the document paths of settings AWS documents but
	// Plan has no field for (scan_settings, index_actions, scan_actions,
	// target_logically_air_gapped_backup_vault_arn). They are accepted and
	// left out of Plans, so compiling Plans back drops them.
	Unmodeled [][]string
}

// ChildControlSetting is one @@operators_allowed_for_child_policies in a
// document.
type ChildControlSetting struct {
	// Path is the path of the object that holds it, from the document root.
	Path []string
	// Operators is its value.
	Operators ChildOperators
}

// ParseOrganizationsPolicy reads a BACKUP_POLICY document strictly: it
// rejects JSON syntax errors, duplicate keys (AWS rejects them, and policy
// keys are not case sensitive), unknown keys (suggesting the nearest known
// one), operators AWS does not define or does not allow where they are
// (@@append and @@remove only on multi-valued settings), values of the wrong
// type. Settings AWS documents but Plan cannot hold are listed in
// Unmodeled and left out of Plans. Each plan that
// is well formed is then checked with Validate(TargetPolicy).
//
// The error joins one *ParseError per problem, each with the file, line and
// column and the document path of the problem. A policy meant to be
// completed by inheritance (a child policy overriding a few settings) is
// accepted, as AWS accepts it: the required settings it leaves out are
// listed in Incomplete, not reported as errors.
//
// A document over MaxPolicySize characters is an error: AWS Organizations
// refuses it ("Quotas for AWS Organizations", maximum size of a backup
// policy document, 10,000 characters; whitespace counts through the API).
//
// Numbers may be written as strings ("60", as AWS's examples do) or as JSON
// integers; booleans as "true"/"false" or JSON booleans, both of which
// appear in AWS's examples.
func ParseOrganizationsPolicy(filename string, data []byte) (*OrganizationsPolicy, error) {
	// A document that cannot be under the limit is refused unparsed: a
	// character is at most 4 bytes of UTF-8.
	if len(data) > 4*MaxPolicySize {
		return nil, &ParseError{File: filename, Line: 1, Col: 1, Message: fmt.Sprintf("the policy has %d bytes, more than the %d characters AWS Organizations accepts in a backup policy", len(data), MaxPolicySize)}
	}
	root, err := ParseJSON(filename, data)
	if err != nil {
		return nil, err
	}
	p := &orgParser{file: filename, root: root, out: &OrganizationsPolicy{}}
	if n := utf8.RuneCount(data); n > MaxPolicySize {
		p.fail(1, 1, nil, "the policy has %d characters, more than the %d AWS Organizations accepts in a backup policy "+
			"(whitespace counts when a policy is saved through the API); compact it (orgbackup policy compile --compact) or split it",
			n, MaxPolicySize)
	}
	p.document()
	// Report in document order.
	slices.SortStableFunc(p.errs, func(a, b error) int {
		pa, pb := a.(*ParseError), b.(*ParseError)
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return pa.Col - pb.Col
	})
	if len(p.errs) > 0 {
		return p.out, errors.Join(p.errs...)
	}
	return p.out, nil
}

type orgParser struct {
	file string
	root *Node
	out  *OrganizationsPolicy
	errs []error
	// planErrs counts errors in the plan being read.
	planErrs int
}

func (p *orgParser) fail(line, col int, path []string, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Col: col, Path: slices.Clone(path), Message: fmt.Sprintf(format, args...)})
	p.planErrs++
}

// incomplete records a required setting the document leaves out.
func (p *orgParser) incomplete(line, col int, path []string, format string, args ...any) {
	p.out.Incomplete = append(p.out.Incomplete, &ParseError{File: p.file, Line: line, Col: col, Path: slices.Clone(path),
		Message: fmt.Sprintf(format, args...) + " (accepted: the policies it inherits from or its children must supply it)"})
}

// knownIncomplete reports whether path, or an object that holds it, is
// already listed in Incomplete.
func (p *orgParser) knownIncomplete(path []string) bool {
	for _, e := range p.out.Incomplete {
		if len(e.Path) <= len(path) && slices.Equal(e.Path, path[:len(e.Path)]) {
			return true
		}
	}
	return false
}

func (p *orgParser) failAtNode(n *Node, path []string, format string, args ...any) {
	p.fail(n.Line, n.Col, path, format, args...)
}

func join(base []string, more ...string) []string {
	out := make([]string, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// unsupportedKeys are keys AWS documents that orgbackup's plan model has no
// field for.
var unsupportedKeys = map[string]bool{
	"scan_settings": true,
	"target_logically_air_gapped_backup_vault_arn": true,
	"index_actions": true,
	"scan_actions":  true,
}

// object checks that n is an object and returns its non-operator members.
// It reports duplicate keys, records child control, rejects other
// operators, and, when known is not nil, reports keys not in known.
func (p *orgParser) object(n *Node, path []string, what string, known []string) []Member {
	if n.Kind != KindObject {
		p.failAtNode(n, path, "%s must be an object, not %s", what, n.Kind)
		return nil
	}
	var out []Member
	seen := map[string]Member{}
	for _, m := range n.Members {
		mp := join(path, m.Key)
		k := m.Key
		if !strings.HasPrefix(k, "@@") {
			k = strings.ToLower(k)
		}
		if prev, dup := seen[k]; dup {
			p.fail(m.Line, m.Col, mp, "duplicate key %q (keys are not case sensitive; first at %d:%d)", m.Key, prev.Line, prev.Col)
			continue
		}
		seen[k] = m
		if strings.HasPrefix(m.Key, "@@") {
			switch m.Key {
			case opNameChildControl:
				if len(path) == 0 {
					p.fail(m.Line, m.Col, mp, "%s cannot be used at the top level of a policy; put it on \"plans\" or below", m.Key)
					continue
				}
				p.childControl(m, path)
			case OperatorAssign, OperatorAppend, OperatorRemove:
				p.fail(m.Line, m.Col, mp, "%s cannot be used on %s, which holds settings rather than a value; use it on one of its settings", m.Key, what)
			default:
				p.unknownOperator(m, mp)
			}
			continue
		}
		if known != nil && !slices.Contains(known, m.Key) {
			switch {
			case unsupportedKeys[m.Key]:
				// A valid AWS setting orgbackup does not model: keep the
				// document valid, and say what the typed plan leaves out.
				if m.Value.Kind != KindObject {
					p.fail(m.Line, m.Col, mp, "%s must be an object, not %s", m.Key, m.Value.Kind)
				} else {
					p.out.Unmodeled = append(p.out.Unmodeled, mp)
					if m.Key == "index_actions" {
						p.indexActions(m, mp)
					}
				}
			default:
				msg := fmt.Sprintf("unknown key %q in %s", m.Key, what)
				if s := Suggest(m.Key, known); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					msg += "; want one of " + strings.Join(known, ", ")
				}
				p.fail(m.Line, m.Col, mp, "%s", msg)
			}
			continue
		}
		out = append(out, m)
	}
	return out
}

func (p *orgParser) unknownOperator(m Member, path []string) {
	msg := fmt.Sprintf("unknown operator %q", m.Key)
	if s := Suggest(m.Key, []string{OperatorAssign, OperatorAppend, OperatorRemove, opNameChildControl}); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; want @@assign, @@append, @@remove or @@operators_allowed_for_child_policies"
	}
	p.fail(m.Line, m.Col, path, "%s", msg)
}

func (p *orgParser) childControl(m Member, holder []string) {
	path := join(holder, m.Key)
	v := m.Value
	if v.Kind != KindArray {
		p.failAtNode(v, path, "%s must be a list of operators, such as [\"@@none\"], not %s", m.Key, v.Kind)
		return
	}
	ops := make(ChildOperators, 0, len(v.Elems))
	for _, e := range v.Elems {
		if e.Kind != KindString {
			p.failAtNode(e, path, "%s must list operators as strings, not %s", m.Key, e.Kind)
			return
		}
		ops = append(ops, e.Str)
	}
	if err := ops.check(); err != nil {
		p.failAtNode(v, path, "%v", err)
		return
	}
	p.out.ChildControlAt = append(p.out.ChildControlAt, ChildControlSetting{Path: slices.Clone(holder), Operators: ops})
}

// valueKind is the type of a setting's value.
type valueKind int

const (
	valString valueKind = iota
	valInt
	valBool
	valList
)

// setting reads a setting object {"@@assign": v} (or @@append/@@remove for
// lists) and returns its value node and operator, or nil if it has none or
// is malformed.
func (p *orgParser) setting(m Member, path []string, kind valueKind) (*Node, string) {
	n := m.Value
	if n.Kind != KindObject {
		p.failAtNode(n, path, "setting %q must be an object holding an inheritance operator, such as {\"@@assign\": ...}, not %s", m.Key, n.Kind)
		return nil, ""
	}
	var val *Node
	var op string
	seen := map[string]bool{}
	for _, mm := range n.Members {
		mp := join(path, mm.Key)
		if seen[mm.Key] {
			p.fail(mm.Line, mm.Col, mp, "duplicate key %q", mm.Key)
			continue
		}
		seen[mm.Key] = true
		switch mm.Key {
		case opNameChildControl:
			p.childControl(mm, path)
			continue
		case OperatorAssign, OperatorAppend, OperatorRemove:
		default:
			if strings.HasPrefix(mm.Key, "@@") {
				p.unknownOperator(mm, mp)
			} else {
				p.fail(mm.Line, mm.Col, mp, "setting %q holds a value, not key %q; write {\"@@assign\": VALUE}", m.Key, mm.Key)
			}
			continue
		}
		if mm.Key != OperatorAssign && kind != valList {
			// "You can use this operator with only multi-valued
			// settings" ("Inheritance operators").
			p.fail(mm.Line, mm.Col, mp, "%s works only on multi-valued (list) settings; %q holds a single value, use @@assign", mm.Key, m.Key)
			continue
		}
		if op != "" {
			p.fail(mm.Line, mm.Col, mp, "%s cannot be combined with %s on one setting", mm.Key, op)
			continue
		}
		op, val = mm.Key, mm.Value
		if op != OperatorAssign {
			p.out.Inherited = append(p.out.Inherited, slices.Clone(path))
		}
	}
	if val == nil {
		return nil, ""
	}
	vpath := join(path, op)
	switch kind {
	case valString:
		if val.Kind != KindString {
			p.failAtNode(val, vpath, "%q must be a string, not %s", m.Key, val.Kind)
			return nil, ""
		}
	case valInt:
		if _, ok := intValue(val); !ok {
			p.failAtNode(val, vpath, "%q must be a whole number such as \"60\", not %s", m.Key, describe(val))
			return nil, ""
		}
	case valBool:
		if _, ok := boolValue(val); !ok {
			p.failAtNode(val, vpath, "%q must be \"true\" or \"false\", not %s", m.Key, describe(val))
			return nil, ""
		}
	case valList:
		if val.Kind != KindArray {
			p.failAtNode(val, vpath, "%q must be a list of strings, not %s", m.Key, val.Kind)
			return nil, ""
		}
		for i, e := range val.Elems {
			if e.Kind != KindString {
				p.failAtNode(e, join(vpath, strconv.Itoa(i)), "%q must be a list of strings; element %d is %s", m.Key, i, e.Kind)
				return nil, ""
			}
		}
	}
	return val, op
}

func describe(n *Node) string {
	switch n.Kind {
	case KindString:
		return strconv.Quote(n.Str)
	case KindNumber:
		return n.Str
	case KindBool:
		return strconv.FormatBool(n.Bool)
	}
	return n.Kind.String()
}

var intPattern = regexp.MustCompile(`^-?[0-9]{1,18}$`)

// setString, setInt, setBool and setStrings read a setting of their kind
// into *dst; an invalid setting is reported by setting and leaves *dst
// unchanged.
func (p *orgParser) setString(f Member, path []string, dst *string) {
	if v, _ := p.setting(f, path, valString); v != nil {
		*dst = v.Str
	}
}

func (p *orgParser) setInt(f Member, path []string, dst *int64) {
	if v, _ := p.setting(f, path, valInt); v != nil {
		*dst, _ = intValue(v)
	}
}

func (p *orgParser) setBool(f Member, path []string, dst *bool) {
	if v, _ := p.setting(f, path, valBool); v != nil {
		*dst, _ = boolValue(v)
	}
}

func (p *orgParser) setStrings(f Member, path []string, dst *[]string) {
	if v, _ := p.setting(f, path, valList); v != nil {
		*dst = strs(v)
	}
}

func intValue(n *Node) (int64, bool) {
	if (n.Kind != KindString && n.Kind != KindNumber) || !intPattern.MatchString(n.Str) {
		return 0, false
	}
	v, err := strconv.ParseInt(n.Str, 10, 64)
	return v, err == nil
}

func boolValue(n *Node) (bool, bool) {
	switch {
	case n.Kind == KindBool:
		return n.Bool, true
	case n.Kind == KindString && n.Str == "true":
		return true, true
	case n.Kind == KindString && n.Str == "false":
		return false, true
	}
	return false, false
}

func strs(n *Node) []string {
	out := make([]string, 0, len(n.Elems))
	for _, e := range n.Elems {
		out = append(out, e.Str)
	}
	return out
}

// planLocator maps the paths of a plan's FieldErrors (plan-relative, see
// FieldError) to paths in the document.
type planLocator struct {
	base       []string
	regionsOp  string
	copyKeys   map[string]map[string]string // rule name -> ARN or "#i" -> document key
	selections map[string]*selectionLocator
}

type selectionLocator struct {
	path       []string // selections.tags.NAME or selections.resources.NAME
	tagValueOp string
	conditions [][]string // document path of each condition, by index
}

func (p *orgParser) document() {
	members := p.object(p.root, nil, "the policy", []string{"plans"})
	var plansNode *Node
	for _, m := range members {
		plansNode = m.Value
	}
	if plansNode == nil {
		if p.root.Kind == KindObject {
			p.failAtNode(p.root, nil, "a backup policy needs a \"plans\" object")
		}
		return
	}
	plans := p.object(plansNode, []string{"plans"}, "plans", nil)
	for _, m := range plans {
		p.planErrs = 0
		loc := &planLocator{base: []string{"plans", m.Key}, copyKeys: map[string]map[string]string{}, selections: map[string]*selectionLocator{}}
		plan := p.plan(m, loc)
		if p.planErrs == 0 {
			p.validate(plan, loc)
		}
		p.out.Plans = append(p.out.Plans, *plan)
	}
	p.deriveChildControl(plans)
}

func (p *orgParser) plan(m Member, loc *planLocator) *Plan {
	plan := &Plan{Name: m.Key}
	base := loc.base
	members := p.object(m.Value, base, "plan "+strconv.Quote(m.Key),
		[]string{"regions", "rules", "selections", "advanced_backup_settings", "backup_plan_tags"})
	for _, f := range members {
		path := join(base, f.Key)
		switch f.Key {
		case "regions":
			if v, op := p.setting(f, path, valList); v != nil {
				plan.Regions, loc.regionsOp = strs(v), op
			}
		case "rules":
			for _, r := range p.object(f.Value, path, "rules", nil) {
				plan.Rules = append(plan.Rules, p.rule(r, join(path, r.Key), loc))
			}
		case "selections":
			plan.Selections = p.selections(f, path, loc)
		case "advanced_backup_settings":
			plan.AdvancedSettings = p.advanced(f, path)
		case "backup_plan_tags":
			plan.Tags = p.tags(f, path)
		}
	}
	return plan
}

func (p *orgParser) rule(m Member, path []string, loc *planLocator) Rule {
	r := Rule{Name: m.Key}
	members := p.object(m.Value, path, "rule "+strconv.Quote(m.Key), []string{
		"schedule_expression", "schedule_expression_timezone", "start_backup_window_minutes",
		"complete_backup_window_minutes", "enable_continuous_backup", "target_backup_vault_name",
		"lifecycle", "copy_actions", "recovery_point_tags"})
	for _, f := range members {
		fp := join(path, f.Key)
		switch f.Key {
		case "schedule_expression":
			p.setString(f, fp, &r.Schedule)
		case "schedule_expression_timezone":
			p.setString(f, fp, &r.ScheduleTimezone)
		case "start_backup_window_minutes":
			p.setInt(f, fp, &r.StartWindowMinutes)
		case "complete_backup_window_minutes":
			p.setInt(f, fp, &r.CompletionWindowMinutes)
		case "enable_continuous_backup":
			p.setBool(f, fp, &r.ContinuousBackup)
		case "target_backup_vault_name":
			p.setString(f, fp, &r.TargetVault)
		case "lifecycle":
			r.Lifecycle = p.lifecycle(f, fp)
		case "copy_actions":
			keys := map[string]string{}
			loc.copyKeys[m.Key] = keys
			for i, ca := range p.object(f.Value, fp, "copy_actions", nil) {
				action := p.copyAction(ca, join(fp, ca.Key))
				keys[pathKey(action.DestinationVaultARN, i)] = ca.Key
				r.CopyActions = append(r.CopyActions, action)
			}
		case "recovery_point_tags":
			r.RecoveryPointTags = p.tags(f, fp)
		}
	}
	return r
}

func (p *orgParser) lifecycle(m Member, path []string) Lifecycle {
	var l Lifecycle
	for _, f := range p.object(m.Value, path, "lifecycle", []string{
		"move_to_cold_storage_after_days", "delete_after_days", "opt_in_to_archive_for_supported_resources"}) {
		fp := join(path, f.Key)
		switch f.Key {
		case "move_to_cold_storage_after_days":
			p.setInt(f, fp, &l.MoveToColdStorageAfterDays)
		case "delete_after_days":
			p.setInt(f, fp, &l.DeleteAfterDays)
		case "opt_in_to_archive_for_supported_resources":
			p.setBool(f, fp, &l.OptInToArchiveForSupportedResources)
		}
	}
	return l
}

func (p *orgParser) copyAction(m Member, path []string) CopyAction {
	var ca CopyAction
	var target *Member
	for _, f := range p.object(m.Value, path, "copy action", []string{"target_backup_vault_arn", "lifecycle"}) {
		fp := join(path, f.Key)
		switch f.Key {
		case "target_backup_vault_arn":
			target = &f
			p.setString(f, fp, &ca.DestinationVaultARN)
		case "lifecycle":
			ca.Lifecycle = p.lifecycle(f, fp)
		}
	}
	if target == nil && m.Value.Kind == KindObject {
		p.incomplete(m.Line, m.Col, path, "copy action needs target_backup_vault_arn")
	}
	// The key names the copy action; validation checks the ARN AWS Backup
	// uses, target_backup_vault_arn. A key that is an ARN but not a valid
	// vault ARN (":vault:" for ":backup-vault:") is reported here.
	if m.Key != ca.DestinationVaultARN && strings.HasPrefix(m.Key, "arn:") {
		if _, err := ParseVaultARN(m.Key, true); err != nil {
			p.fail(m.Line, m.Col, path, "copy action key: %v", err)
		}
	}
	return ca
}

// tags reads recovery_point_tags or backup_plan_tags: tags keyed by name,
// each with tag_key and tag_value.
func (p *orgParser) tags(m Member, path []string) map[string]string {
	out := map[string]string{}
	for _, t := range p.object(m.Value, path, m.Key, nil) {
		tp := join(path, t.Key)
		k, v, ok := p.keyValue(t, tp, "tag", "tag_key", "tag_value")
		if !ok {
			continue
		}
		if _, dup := out[k.Str]; dup {
			p.failAtNode(k, tp, "tag key %q is set twice", k.Str)
			continue
		}
		out[k.Str] = v.Str
	}
	return out
}

// keyValue reads a pair such as a tag (tag_key, tag_value) or a condition
// (condition_key, condition_value): an object with exactly the two string
// settings keyName and valueName. ok is false when m is not an object,
// lacks either setting or holds an invalid one; each is reported.
func (p *orgParser) keyValue(m Member, path []string, what, keyName, valueName string) (k, v *Node, ok bool) {
	has := 0
	for _, f := range p.object(m.Value, path, what+" "+strconv.Quote(m.Key), []string{keyName, valueName}) {
		has++
		n, _ := p.setting(f, join(path, f.Key), valString)
		if f.Key == keyName {
			k = n
		} else {
			v = n
		}
	}
	if m.Value.Kind != KindObject {
		return nil, nil, false
	}
	if has < 2 {
		p.fail(m.Line, m.Col, path, "%s needs both %s and %s", what, keyName, valueName)
		return nil, nil, false
	}
	return k, v, k != nil && v != nil // an invalid setting is reported by setting
}

// conditionTypes maps the policy's condition operators to ConditionTypes.
var conditionTypes = map[string]ConditionType{
	"string_equals":     StringEquals,
	"string_not_equals": StringNotEquals,
	"string_like":       StringLike,
	"string_not_like":   StringNotLike,
}

func (p *orgParser) selections(m Member, path []string, loc *planLocator) []Selection {
	var out []Selection
	for _, block := range p.object(m.Value, path, "selections", []string{"tags", "resources"}) {
		bp := join(path, block.Key)
		for _, sm := range p.object(block.Value, bp, "selections."+block.Key, nil) {
			sp := join(bp, sm.Key)
			sl := &selectionLocator{path: sp}
			loc.selections[sm.Key] = sl
			out = append(out, p.selection(sm, sp, block.Key == "tags", sl))
		}
	}
	return out
}

func (p *orgParser) selection(m Member, path []string, byTags bool, loc *selectionLocator) Selection {
	s := Selection{Name: m.Key}
	known := []string{"iam_role_arn", "resource_types", "not_resource_types", "conditions"}
	if byTags {
		known = []string{"iam_role_arn", "tag_key", "tag_value", "conditions"}
	}
	var tagKey *Node
	var tagValues []string
	has := map[string]bool{}
	for _, f := range p.object(m.Value, path, "selection "+strconv.Quote(m.Key), known) {
		fp := join(path, f.Key)
		has[f.Key] = true
		switch f.Key {
		case "iam_role_arn":
			p.setString(f, fp, &s.IAMRoleARN)
		case "tag_key":
			tagKey, _ = p.setting(f, fp, valString)
		case "tag_value":
			if v, op := p.setting(f, fp, valList); v != nil {
				tagValues, loc.tagValueOp = strs(v), op
			}
		case "resource_types":
			p.setStrings(f, fp, &s.Resources)
		case "not_resource_types":
			p.setStrings(f, fp, &s.NotResources)
		case "conditions":
			s.Conditions = p.conditions(f, fp, loc)
		}
	}
	if m.Value.Kind != KindObject {
		return s
	}
	// Required elements per "Backup syntax: selections".
	required := []string{"iam_role_arn", "resource_types"}
	if byTags {
		required = []string{"iam_role_arn", "tag_key", "tag_value"}
	}
	for _, r := range required {
		if !has[r] {
			p.incomplete(m.Line, m.Col, path, "selection needs %s", r)
		}
	}
	if tagKey != nil {
		for _, v := range tagValues {
			s.ListOfTags = append(s.ListOfTags, TagCondition{Type: StringEquals, Key: tagKey.Str, Value: v})
		}
	}
	return s
}

// indexActions checks a rule's index_actions ("resource_types": {"@@assign":
// ["EBS"]}, "Backup policy syntax" in the AWS Organizations User Guide) with
// the Backup API's rule (CheckIndexResourceTypes), as CreateBackupPlan
// does.
func (p *orgParser) indexActions(m Member, path []string) {
	for _, f := range p.object(m.Value, path, "index_actions", []string{"resource_types"}) {
		fp := join(path, f.Key)
		if v, _ := p.setting(f, fp, valList); v != nil {
			if err := CheckIndexResourceTypes(strs(v)); err != nil {
				p.failAtNode(v, fp, "%v", err)
			}
		}
	}
}

func (p *orgParser) conditions(m Member, path []string, loc *selectionLocator) []TagCondition {
	var out []TagCondition
	ops := make([]string, 0, len(conditionTypes))
	for k := range conditionTypes {
		ops = append(ops, k)
	}
	slices.Sort(ops)
	for _, g := range p.object(m.Value, path, "conditions", ops) {
		gp := join(path, g.Key)
		for _, c := range p.object(g.Value, gp, g.Key, nil) {
			cp := join(gp, c.Key)
			k, v, ok := p.keyValue(c, cp, "condition", "condition_key", "condition_value")
			if !ok {
				continue
			}
			tag, ok := strings.CutPrefix(k.Str, conditionTagPrefix)
			if !ok {
				p.failAtNode(k, join(cp, "condition_key", OperatorAssign), "condition_key %q must be %sTAG-KEY", k.Str, conditionTagPrefix)
				continue
			}
			out = append(out, TagCondition{Type: conditionTypes[g.Key], Key: tag, Value: v.Str})
			loc.conditions = append(loc.conditions, cp)
		}
	}
	return out
}

// advanced reads advanced_backup_settings: lower-case resource types, each
// with lower-case options ("ec2": {"windows_vss": ...}).
func (p *orgParser) advanced(m Member, path []string) []AdvancedSetting {
	var out []AdvancedSetting
	for _, rt := range p.object(m.Value, path, "advanced_backup_settings", nil) {
		rp := join(path, rt.Key)
		resourceType := strings.ToUpper(rt.Key)
		known := knownBackupOptions(resourceType)
		if known == nil || rt.Key != strings.ToLower(rt.Key) {
			msg := fmt.Sprintf("resource type %q has no advanced backup options; AWS documents \"ec2\" (windows_vss)", rt.Key)
			if known != nil {
				msg = fmt.Sprintf("resource type %q must be written in lower case, %q", rt.Key, strings.ToLower(rt.Key))
			}
			p.fail(rt.Line, rt.Col, rp, "%s", msg)
			continue
		}
		optionKeys := map[string]string{} // policy key -> API option name
		var keys []string
		for opt := range known {
			optionKeys[policyOptionKey(opt)] = opt
			keys = append(keys, policyOptionKey(opt))
		}
		slices.Sort(keys)
		s := AdvancedSetting{ResourceType: resourceType, Options: map[string]string{}}
		for _, o := range p.object(rt.Value, rp, rt.Key, keys) {
			if v, _ := p.setting(o, join(rp, o.Key), valString); v != nil {
				s.Options[optionKeys[o.Key]] = v.Str
			}
		}
		out = append(out, s)
	}
	return out
}

// validate runs Plan.Validate and reports each problem at its place in the
// document.
func (p *orgParser) validate(plan *Plan, loc *planLocator) {
	for _, fe := range FieldErrors(plan.Validate(TargetPolicy)) {
		path := loc.docPath(fe.Path)
		line, col := p.root.Locate(path)
		if fe.Missing {
			if !p.knownIncomplete(path) {
				p.incomplete(line, col, path, "%s", fe.Message)
			}
			continue
		}
		p.fail(line, col, path, "%s", fe.Message)
	}
}

// docPath maps a plan-relative FieldError path to a document path.
func (l *planLocator) docPath(fp []string) []string {
	out := slices.Clone(l.base)
	if len(fp) == 0 {
		return out
	}
	switch fp[0] {
	case "regions":
		out = append(out, "regions")
		if len(fp) > 1 && l.regionsOp != "" {
			out = append(append(out, l.regionsOp), fp[1:]...)
		}
		return out
	case "rules":
		if len(fp) >= 4 && fp[2] == "copy_actions" {
			if k, ok := l.copyKeys[fp[1]][fp[3]]; ok {
				return append(append(out, fp[:3]...), append([]string{k}, fp[4:]...)...)
			}
		}
	case "selections":
		if len(fp) < 2 {
			break
		}
		s := l.selections[fp[1]]
		if s == nil {
			return append(out, "selections")
		}
		out = slices.Clone(s.path)
		rest := fp[2:]
		if len(rest) == 0 {
			return out
		}
		switch rest[0] {
		case "resources":
			return append(append(out, "resource_types", OperatorAssign), rest[1:]...)
		case "not_resources":
			return append(append(out, "not_resource_types", OperatorAssign), rest[1:]...)
		case "tags":
			out = append(out, "tag_value")
			if len(rest) > 1 && s.tagValueOp != "" {
				out = append(out, s.tagValueOp, rest[1])
			}
			return out
		case "conditions":
			if len(rest) > 1 {
				if i, err := strconv.Atoi(rest[1]); err == nil && i >= 0 && i < len(s.conditions) {
					return slices.Clone(s.conditions[i])
				}
			}
			return append(out, "conditions")
		}
		return append(out, rest...)
	}
	return append(out, fp...)
}

// deriveChildControl fills ChildControl from ChildControlAt where each
// level is uniform.
func (p *orgParser) deriveChildControl(plans []Member) {
	at := map[string]ChildOperators{}
	for _, s := range p.out.ChildControlAt {
		at[strings.Join(s.Path, "\x00")] = s.Operators
	}
	cc := &p.out.ChildControl
	cc.Plans = at["plans"]
	if len(plans) == 0 {
		return
	}
	var planOps, settingOps []ChildOperators
	for _, m := range plans {
		base := []string{"plans", m.Key}
		planOps = append(planOps, at[strings.Join(base, "\x00")])
		var walk func(n *Node, path []string)
		walk = func(n *Node, path []string) {
			for _, mm := range n.Members {
				if mm.Value.Kind != KindObject {
					continue
				}
				cp := join(path, mm.Key)
				settingOps = append(settingOps, at[strings.Join(cp, "\x00")])
				walk(mm.Value, cp)
			}
		}
		if m.Value.Kind == KindObject {
			walk(m.Value, base)
		}
	}
	cc.Plan = uniform(planOps)
	cc.Settings = uniform(settingOps)
}

// uniform returns the value all of ops share, or nil.
func uniform(ops []ChildOperators) ChildOperators {
	if len(ops) == 0 {
		return nil
	}
	for _, o := range ops[1:] {
		if !slices.Equal(o, ops[0]) || (o == nil) != (ops[0] == nil) {
			return nil
		}
	}
	return ops[0]
}

// Suggest returns the candidate closest to word by edit distance (ignoring
// case, and counting a word that contains a candidate, or is contained in
// it, as close), if it is close enough to be a likely typo, or "". The spec
// loader and the policy parser use it for their did-you-mean messages.
func Suggest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(word), strings.ToLower(c))
		if strings.Contains(word, c) || strings.Contains(c, word) {
			// "to_delete_after_days" for "delete_after_days".
			d = min(d, max(len(word), len(c))-min(len(word), len(c)))
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(word)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		if a == b {
			return 0
		}
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
