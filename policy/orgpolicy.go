package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxPolicySize is the largest backup policy document AWS Organizations
// accepts, in characters ("Quotas for AWS Organizations": backup policies,
// 10,000 characters). Whitespace counts when the policy is saved through the
// API or an SDK, as orgbackup does; only the console strips it.
const MaxPolicySize = 10_000

// Child control operator values ("Inheritance operators", AWS Organizations
// User Guide). A ChildOperators list holds either @@all, or @@none, or one or
// more of the value-setting operators.
const (
	OperatorAll    = "@@all"
	OperatorNone   = "@@none"
	OperatorAssign = "@@assign"
	OperatorAppend = "@@append"
	OperatorRemove = "@@remove"
)

// Keys of operators in a policy document.
const (
	opNameChildControl = "@@operators_allowed_for_child_policies"
)

// ChildOperators is the value of @@operators_allowed_for_child_policies:
// which value-setting operators policies below the one that sets it may use.
// Nil means the key is not written, which AWS treats as @@all.
type ChildOperators []string

// Locked is ChildOperators{"@@none"}: child policies cannot change anything.
var Locked = ChildOperators{OperatorNone}

// check reports whether c is a valid operand.
func (c ChildOperators) check() error {
	if c == nil {
		return nil
	}
	if len(c) == 0 {
		return errors.New("@@operators_allowed_for_child_policies needs at least one operator")
	}
	seen := map[string]bool{}
	for _, op := range c {
		switch op {
		case OperatorAll, OperatorNone:
			if len(c) > 1 {
				return fmt.Errorf("%s must be the only operator in @@operators_allowed_for_child_policies", op)
			}
		case OperatorAssign, OperatorAppend, OperatorRemove:
		default:
			msg := fmt.Sprintf("%q is not an operator for @@operators_allowed_for_child_policies; want @@all, @@none or some of @@assign, @@append, @@remove", op)
			if s := Suggest(op, []string{OperatorAll, OperatorNone, OperatorAssign, OperatorAppend, OperatorRemove}); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return errors.New(msg)
		}
		if seen[op] {
			return fmt.Errorf("operator %s is listed twice", op)
		}
		seen[op] = true
	}
	return nil
}

// ChildControl says where a compiled policy writes
// @@operators_allowed_for_child_policies, and with what value. Nil fields
// write nothing at their level.
type ChildControl struct {
	// Plans is written on the "plans" object: it controls whether child
	// policies may add plans ([@@append] lets them add plans while other
	// levels lock the ones defined here).
	Plans ChildOperators
	// Plan is written on each plan object.
	Plan ChildOperators
	// Settings is written on every object below each plan: regions,
	// rules, each rule and each of its settings, lifecycles, copy actions,
	// selections, advanced settings and tags. Settings = Locked with Plan =
	// Locked makes every plan immutable for child policies.
	Settings ChildOperators
}

// IsZero reports whether c writes no child control operators.
func (c ChildControl) IsZero() bool { return c.Plans == nil && c.Plan == nil && c.Settings == nil }

// CompileOptions configure CompileOrganizationsPolicy.
type CompileOptions struct {
	// ChildControl adds @@operators_allowed_for_child_policies; the zero
	// value adds none, leaving child policies free (AWS's default).
	ChildControl ChildControl
	// Indent indents nested elements with this string, one per level, and
	// puts each element on its own line. Empty (the default) writes compact
	// JSON, which leaves the most room under the size quota.
	Indent string
	// MaxSize is the largest document, in characters; 0 means
	// MaxPolicySize.
	MaxSize int
}

// CompileOrganizationsPolicy compiles plans into AWS Organizations
// BACKUP_POLICY documents ("Backup policy syntax and examples", AWS
// Organizations User Guide). Every value is set with @@assign; numbers and
// booleans are written as JSON strings, as in AWS's examples. Keys are
// sorted, so the output is deterministic.
//
// Plans are validated for TargetPolicy first, and a plan that the policy
// syntax cannot express (a tag selection mixing tag keys, say) is refused;
// the error joins one *FieldError per problem, wrapped with the plan's
// name. When all plans fit in one document of at most opts.MaxSize
// characters, one document is returned; otherwise the plans, sorted by
// name, are packed in order into as few documents as that allows, each a
// complete policy with the same child control. Such documents are meant to
// be attached to the same target. A plan that does not fit on its own is an
// error.
func CompileOrganizationsPolicy(plans []Plan, opts CompileOptions) ([][]byte, error) {
	maxSize := opts.MaxSize
	if maxSize == 0 {
		maxSize = MaxPolicySize
	}
	var errs []error
	for _, c := range []struct {
		level string
		ops   ChildOperators
	}{{"Plans", opts.ChildControl.Plans}, {"Plan", opts.ChildControl.Plan}, {"Settings", opts.ChildControl.Settings}} {
		if err := c.ops.check(); err != nil {
			errs = append(errs, fmt.Errorf("compiling backup policy: ChildControl.%s: %w", c.level, err))
		}
	}
	if len(plans) == 0 {
		errs = append(errs, errors.New("compiling backup policy: no plans"))
	}
	c := compiler{cc: opts.ChildControl}
	compiled := make(map[string]jsonObject, len(plans))
	names := make([]string, 0, len(plans))
	folded := map[string]string{}
	for i := range plans {
		p := &plans[i]
		if prev, dup := folded[strings.ToLower(p.Name)]; dup {
			errs = append(errs, fmt.Errorf("compiling backup policy: plan names %q and %q collide (policy keys are not case sensitive)", prev, p.Name))
			continue
		}
		folded[strings.ToLower(p.Name)] = p.Name
		obj, err := c.plan(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("compiling plan %q: %w", p.Name, err))
			continue
		}
		compiled[p.Name] = obj
		names = append(names, p.Name)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.Sort(names)

	render := func(names []string) ([]byte, error) {
		ps := jsonObject{}
		if c.cc.Plans != nil {
			ps[opNameChildControl] = []string(c.cc.Plans)
		}
		for _, n := range names {
			ps[n] = compiled[n]
		}
		return encodeJSON(jsonObject{"plans": ps}, opts.Indent)
	}
	all, err := render(names)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCount(all) <= maxSize {
		return [][]byte{all}, nil
	}
	// Next-fit packing in name order: deterministic, and a plan moves to
	// another document only when a plan before it changes.
	var docs [][]byte
	var cur []string
	var curDoc []byte
	for _, n := range names {
		doc, err := render(append(slices.Clip(cur), n))
		if err != nil {
			return nil, err
		}
		if utf8.RuneCount(doc) <= maxSize {
			cur, curDoc = append(cur, n), doc
			continue
		}
		if len(cur) == 0 {
			return nil, fmt.Errorf("compiling plan %q: its policy document has %d characters, more than the %d allowed even on its own", n, utf8.RuneCount(doc), maxSize)
		}
		docs = append(docs, curDoc)
		cur = nil
		doc, err = render([]string{n})
		if err != nil {
			return nil, err
		}
		if utf8.RuneCount(doc) > maxSize {
			return nil, fmt.Errorf("compiling plan %q: its policy document has %d characters, more than the %d allowed even on its own", n, utf8.RuneCount(doc), maxSize)
		}
		cur, curDoc = []string{n}, doc
	}
	docs = append(docs, curDoc)
	return docs, nil
}

// jsonObject is an object under construction; encoding/json writes its keys
// sorted.
type jsonObject = map[string]any

func encodeJSON(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding backup policy: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type compiler struct {
	cc   ChildControl
	errs []error
}

func (c *compiler) fail(path []string, format string, args ...any) {
	c.errs = append(c.errs, &FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// container returns a new object below a plan, carrying the settings-level
// child control.
func (c *compiler) container() jsonObject {
	o := jsonObject{}
	if c.cc.Settings != nil {
		o[opNameChildControl] = []string(c.cc.Settings)
	}
	return o
}

// assign returns a setting object {"@@assign": v}.
func (c *compiler) assign(v any) jsonObject {
	o := c.container()
	o[OperatorAssign] = v
	return o
}

func (c *compiler) plan(p *Plan) (jsonObject, error) {
	if err := p.Validate(TargetPolicy); err != nil {
		return nil, err
	}
	c.errs = nil
	out := jsonObject{}
	if c.cc.Plan != nil {
		out[opNameChildControl] = []string(c.cc.Plan)
	}
	out["regions"] = c.assign(slices.Clone(p.Regions))
	rules := c.container()
	for i := range p.Rules {
		rules[p.Rules[i].Name] = c.rule(&p.Rules[i])
	}
	out["rules"] = rules
	out["selections"] = c.selections(p.Selections)
	if len(p.AdvancedSettings) > 0 {
		adv := c.container()
		for _, s := range p.AdvancedSettings {
			opts := c.container()
			for _, k := range slices.Sorted(maps.Keys(s.Options)) {
				opts[policyOptionKey(k)] = c.assign(s.Options[k])
			}
			adv[strings.ToLower(s.ResourceType)] = opts
		}
		out["advanced_backup_settings"] = adv
	}
	if len(p.Tags) > 0 {
		out["backup_plan_tags"] = c.tags(p.Tags)
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return out, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (c *compiler) rule(r *Rule) jsonObject {
	out := c.container()
	out["schedule_expression"] = c.assign(r.Schedule)
	if r.ScheduleTimezone != "" {
		out["schedule_expression_timezone"] = c.assign(r.ScheduleTimezone)
	}
	if r.StartWindowMinutes != 0 {
		out["start_backup_window_minutes"] = c.assign(itoa(r.StartWindowMinutes))
	}
	if r.CompletionWindowMinutes != 0 {
		out["complete_backup_window_minutes"] = c.assign(itoa(r.CompletionWindowMinutes))
	}
	if r.ContinuousBackup {
		out["enable_continuous_backup"] = c.assign("true")
	}
	out["target_backup_vault_name"] = c.assign(r.TargetVault)
	if !r.Lifecycle.IsZero() {
		out["lifecycle"] = c.lifecycle(r.Lifecycle)
	}
	if len(r.CopyActions) > 0 {
		cas := c.container()
		for _, ca := range r.CopyActions {
			// Copy actions are keyed by their destination, and
			// target_backup_vault_arn is written as well: it is what
			// AWS Backup reads.
			o := c.container()
			o["target_backup_vault_arn"] = c.assign(ca.DestinationVaultARN)
			if !ca.Lifecycle.IsZero() {
				o["lifecycle"] = c.lifecycle(ca.Lifecycle)
			}
			cas[ca.DestinationVaultARN] = o
		}
		out["copy_actions"] = cas
	}
	if len(r.RecoveryPointTags) > 0 {
		out["recovery_point_tags"] = c.tags(r.RecoveryPointTags)
	}
	return out
}

func (c *compiler) lifecycle(l Lifecycle) jsonObject {
	out := c.container()
	if l.MoveToColdStorageAfterDays != 0 {
		out["move_to_cold_storage_after_days"] = c.assign(itoa(l.MoveToColdStorageAfterDays))
	}
	if l.DeleteAfterDays != 0 {
		out["delete_after_days"] = c.assign(itoa(l.DeleteAfterDays))
	}
	if l.OptInToArchiveForSupportedResources {
		out["opt_in_to_archive_for_supported_resources"] = c.assign("true")
	}
	return out
}

// tags writes tags keyed by tag key, each with tag_key and tag_value.
func (c *compiler) tags(tags map[string]string) jsonObject {
	out := c.container()
	for k, v := range tags {
		o := c.container()
		o["tag_key"] = c.assign(k)
		o["tag_value"] = c.assign(v)
		out[k] = o
	}
	return out
}

// conditionKeys maps condition operators to their policy keys.
var conditionKeys = map[ConditionType]string{
	StringEquals:    "string_equals",
	StringNotEquals: "string_not_equals",
	StringLike:      "string_like",
	StringNotLike:   "string_not_like",
}

// conditionName names the i-th condition (0-based) of one operator. Two
// digits, as a selection has at most 30 conditions, keep sorted keys in
// order.
func conditionName(i int) string { return fmt.Sprintf("condition_%02d", i+1) }

// selections writes the two mutually exclusive forms AWS documents: "tags"
// (one tag_key with a list of tag_value, plus conditions) for selections
// by ListOfTags, and "resources" (resource_types, not_resource_types,
// conditions) for the others.
func (c *compiler) selections(sels []Selection) jsonObject {
	out := c.container()
	tags, resources := c.container(), c.container()
	var anyTags, anyResources bool
	for _, s := range sels {
		base := []string{"selections", s.Name}
		o := c.container()
		o["iam_role_arn"] = c.assign(s.IAMRoleARN)
		if len(s.ListOfTags) > 0 {
			if len(s.Resources) > 0 || len(s.NotResources) > 0 {
				c.fail(base, "an Organizations backup policy cannot select by tags (ListOfTags) and by resource ARNs in one selection; use Conditions with Resources, or two selections")
			}
			key := s.ListOfTags[0].Key
			values := make([]string, 0, len(s.ListOfTags))
			for i, t := range s.ListOfTags {
				if t.Key != key {
					c.fail(append(slices.Clip(base), "tags", strconv.Itoa(i)), "an Organizations backup policy tag selection has one tag_key; %q differs from %q (use one selection per tag key)", t.Key, key)
				}
				values = append(values, t.Value)
			}
			o["tag_key"] = c.assign(key)
			o["tag_value"] = c.assign(values)
		} else {
			if len(s.Resources) == 0 {
				c.fail(append(slices.Clip(base), "resources"), "an Organizations backup policy selection needs tags (ListOfTags) or resource types (Resources)")
			}
			o["resource_types"] = c.assign(slices.Clone(s.Resources))
			if len(s.NotResources) > 0 {
				o["not_resource_types"] = c.assign(slices.Clone(s.NotResources))
			}
		}
		if len(s.Conditions) > 0 {
			conds := c.container()
			count := map[ConditionType]int{}
			for _, cond := range s.Conditions {
				op := conditionKeys[cond.Type]
				group, _ := conds[op].(jsonObject)
				if group == nil {
					group = c.container()
					conds[op] = group
				}
				co := c.container()
				co["condition_key"] = c.assign(conditionTagPrefix + cond.Key)
				co["condition_value"] = c.assign(cond.Value)
				group[conditionName(count[cond.Type])] = co
				count[cond.Type]++
			}
			o["conditions"] = conds
		}
		if len(s.ListOfTags) > 0 {
			tags[s.Name], anyTags = o, true
		} else {
			resources[s.Name], anyResources = o, true
		}
	}
	if anyTags {
		out["tags"] = tags
	}
	if anyResources {
		out["resources"] = resources
	}
	return out
}
