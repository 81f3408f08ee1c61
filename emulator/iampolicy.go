package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// This file evaluates IAM JSON policy documents: identity policies, resource
// policies (vault access policies, KMS key policies, Organizations resource
// policies) and role trust policies. It follows the IAM User Guide's "IAM
// JSON policy elements reference" and "Policy evaluation logic": an explicit
// Deny in any matching statement wins, otherwise a matching Allow allows,
// otherwise the request is implicitly denied.

// decision is the outcome of evaluating policies for one request.
type decision int

const (
	// decisionImplicitDeny: no statement matched.
	decisionImplicitDeny decision = iota
	// decisionAllow: an Allow statement matched and no Deny did.
	decisionAllow
	// decisionDeny: a Deny statement matched.
	decisionDeny
)

func (d decision) String() string {
	switch d {
	case decisionAllow:
		return "Allow"
	case decisionDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// policyKind selects the structural rules a document must follow.
type policyKind int

const (
	// policyIdentity is a policy attached to a user, group or role: it
	// has no Principal and must name resources.
	policyIdentity policyKind = iota
	// policyResource is a resource-based policy: it must name a Principal.
	policyResource
	// policyTrust is a role trust policy: a Principal, STS actions only,
	// no Resource.
	policyTrust
	// policySCP is a service control policy: an identity policy's
	// structure with Version 2012-10-17 required (Organizations User
	// Guide, "SCP syntax": "Every SCP must include a Version element with
	// the value 2012-10-17") and neither Principal nor NotPrincipal (SCPs
	// set limits on the principals of the accounts they are attached to;
	// "SCPs and RCPs don't support the NotPrincipal element", IAM User
	// Guide, "NotPrincipal").
	policySCP
)

// policyPrincipal is the principal a request is made by, as the Principal
// element sees it. Exactly one of the AWS (Account/ARN), Service or
// Federated forms is set.
type policyPrincipal struct {
	// Account is the principal's account for AWS principals.
	Account string
	// ARN is the principal's own ARN: arn:aws:iam::ACCOUNT:root,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, a user ARN...
	ARN string
	// RoleARN is the role of an assumed-role session; a Principal naming
	// the role matches all its sessions.
	RoleARN string
	// Service is a service principal ("backup.amazonaws.com").
	Service string
	// Federated is a federated principal: an OIDC or SAML provider ARN or
	// a well-known provider ("cognito-identity.amazonaws.com").
	Federated string
}

// policyRequest is what a policy is evaluated against.
type policyRequest struct {
	// Principal is who makes the request; nil matches no statement with a
	// Principal or NotPrincipal element.
	Principal *policyPrincipal
	// Action is "service:Operation", e.g. "backup:CopyIntoBackupVault".
	Action string
	// Resource is the resource ARN ("*" when the action has none).
	Resource string
	// Context holds condition keys (matched case-insensitively) and their
	// values; single-valued keys have one value.
	Context map[string][]string
}

var sidRE = regexp.MustCompile(`^[0-9A-Za-z]*$`)

// policyError is a structurally invalid policy document. Its message is
// what IAM's MalformedPolicyDocument error carries.
type policyError struct{ msg string }

func (e *policyError) Error() string { return e.msg }

func malformed(format string, args ...any) error {
	return &policyError{msg: fmt.Sprintf(format, args...)}
}

// policyDocument is a parsed policy.
type policyDocument struct {
	Version    string
	ID         string
	Statements []*policyStatement
}

// policyStatement is one statement of a policy.
type policyStatement struct {
	Sid    string
	Effect string // "Allow" or "Deny"

	Principal    *principalSet
	NotPrincipal *principalSet

	Action    []string
	NotAction []string
	notAction bool

	Resource    []string
	NotResource []string
	hasResource bool
	notResource bool

	Conditions []policyCondition
}

// principalSet is the value of a Principal or NotPrincipal element.
type principalSet struct {
	Any       bool // "*" or {"AWS": "*"}
	AWS       []string
	Service   []string
	Federated []string
	Canonical []string
}

// policyCondition is one (operator, key, values) triple of a Condition
// block.
type policyCondition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLikeIfExists"
	base     string // "StringLike"
	set      string // "", "ForAnyValue" or "ForAllValues"
	ifExists bool
	Key      string
	Values   []string
}

// parsePolicy parses and checks a policy document of the given kind.
// Elements are read in sorted order, so a document with several problems
// always reports the same one.
func parsePolicy(doc string, kind policyKind) (*policyDocument, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil || top == nil {
		return nil, malformed("Syntax errors in policy.")
	}
	if dec.More() {
		return nil, malformed("Syntax errors in policy.")
	}
	p := &policyDocument{}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		raw := top[k]
		switch k {
		case "Version":
			if err := json.Unmarshal(raw, &p.Version); err != nil {
				return nil, malformed("Syntax errors in policy.")
			}
			// Version reference: the only valid values are 2012-10-17
			// and 2008-10-17.
			if p.Version != "2012-10-17" && p.Version != "2008-10-17" {
				return nil, malformed("The policy failed legacy parsing")
			}
		case "Id":
			if err := json.Unmarshal(raw, &p.ID); err != nil {
				return nil, malformed("Syntax errors in policy.")
			}
		case "Statement":
		default:
			return nil, malformed("Syntax errors in policy.")
		}
	}
	if kind == policySCP && p.Version != "2012-10-17" {
		return nil, malformed("The policy must include a Version element with the value 2012-10-17.")
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	var list []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, malformed("Syntax errors in policy.")
		}
	} else {
		list = []json.RawMessage{raw}
	}
	if len(list) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	sids := map[string]bool{}
	for _, r := range list {
		st, err := parseStatement(r, kind)
		if err != nil {
			return nil, err
		}
		// IAM's own policies need unique, alphanumeric Sids ("IAM JSON
		// policy elements: Sid"); other services' resource policies (KMS
		// key policies, for one) allow spaces.
		if kind != policyResource && st.Sid != "" {
			if !sidRE.MatchString(st.Sid) {
				return nil, malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
			}
			if sids[st.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[st.Sid] = true
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(raw json.RawMessage, kind policyKind) (*policyStatement, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, malformed("Syntax errors in policy.")
	}
	st := &policyStatement{}
	var err error
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch k {
		case "Sid":
			if json.Unmarshal(v, &st.Sid) != nil {
				return nil, malformed("Syntax errors in policy.")
			}
		case "Effect":
			if json.Unmarshal(v, &st.Effect) != nil {
				return nil, malformed("Syntax errors in policy.")
			}
		case "Principal":
			st.Principal, err = parsePrincipal(v)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipal(v)
		case "Action":
			st.Action, err = stringOrList(v)
		case "NotAction":
			st.NotAction, err = stringOrList(v)
			st.notAction = true
		case "Resource":
			st.Resource, err = stringOrList(v)
			st.hasResource = true
		case "NotResource":
			st.NotResource, err = stringOrList(v)
			st.notResource = true
		case "Condition":
			st.Conditions, err = parseConditions(v)
		default:
			return nil, malformed("Syntax errors in policy.")
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case st.Effect != "Allow" && st.Effect != "Deny":
		return nil, malformed("Syntax errors in policy.")
	case st.Action == nil && !st.notAction:
		return nil, malformed("Policy statement must contain actions.")
	case st.Action != nil && st.notAction:
		return nil, malformed("Syntax errors in policy.")
	case st.hasResource && st.notResource:
		return nil, malformed("Syntax errors in policy.")
	case st.Principal != nil && st.NotPrincipal != nil:
		return nil, malformed("Syntax errors in policy.")
	}
	hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
	switch kind {
	case policyIdentity, policySCP:
		if hasPrincipal {
			return nil, malformed("Policy document should not specify a principal.")
		}
		if !st.hasResource && !st.notResource {
			return nil, malformed("Policy statement must contain resources.")
		}
	case policyResource:
		if !hasPrincipal {
			return nil, malformed("Missing required field Principal")
		}
	case policyTrust:
		if st.hasResource || st.notResource {
			return nil, malformed("Has prohibited field Resource")
		}
		if !hasPrincipal {
			return nil, malformed("Missing required field Principal")
		}
		// Role trust policies may only grant the STS role-session actions
		// (IAM User Guide, "Role trust policy").
		for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
			if !isTrustAction(a) {
				return nil, malformed("AssumeRole policy may only specify STS AssumeRole actions.")
			}
		}
	}
	for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
		if a != "*" && !strings.Contains(a, ":") {
			return nil, malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
		}
	}
	return st, nil
}

func isTrustAction(a string) bool {
	l := strings.ToLower(a)
	if !strings.HasPrefix(l, "sts:") {
		return false
	}
	for _, ok := range []string{"sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"} {
		if globMatch(l, ok, true) {
			return true
		}
	}
	return false
}

// stringOrList reads a JSON string or array of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil || len(many) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	return many, nil
}

// scalarOrList reads condition values: strings, numbers and booleans, alone
// or in an array, as strings.
func scalarOrList(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	conv := func(x any) (string, bool) {
		switch t := x.(type) {
		case string:
			return t, true
		case json.Number:
			return t.String(), true
		case bool:
			return strconv.FormatBool(t), true
		}
		return "", false
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := conv(e)
			if !ok {
				return nil, malformed("Syntax errors in policy.")
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, ok := conv(v)
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	return []string{s}, nil
}

func parsePrincipal(raw json.RawMessage) (*principalSet, error) {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, malformed("Invalid principal in policy: %q", star)
		}
		return &principalSet{Any: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	ps := &principalSet{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		vals, err := stringOrList(m[k])
		if err != nil {
			return nil, err
		}
		switch k {
		case "AWS":
			for _, a := range vals {
				if a == "*" {
					ps.Any = true
					continue
				}
				if !isAccountID(a) && !strings.HasPrefix(a, "arn:aws:iam::") && !strings.HasPrefix(a, "arn:aws:sts::") {
					return nil, malformed("Invalid principal in policy: \"AWS\":%q", a)
				}
				ps.AWS = append(ps.AWS, a)
			}
		case "Service":
			ps.Service = append(ps.Service, vals...)
		case "Federated":
			ps.Federated = append(ps.Federated, vals...)
		case "CanonicalUser":
			ps.Canonical = append(ps.Canonical, vals...)
		default:
			return nil, malformed("Invalid principal in policy: %q", k)
		}
	}
	return ps, nil
}

// conditionOperators are the base operators of the IAM User Guide's
// "IAM JSON policy elements: Condition operators".
var conditionOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true,
	"Null": true,
}

func parseConditions(raw json.RawMessage) ([]policyCondition, error) {
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	var out []policyCondition
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		body := ops[op]
		c := policyCondition{Operator: op, base: op}
		if set, rest, ok := strings.Cut(c.base, ":"); ok {
			if set != "ForAnyValue" && set != "ForAllValues" {
				return nil, malformed("Invalid Condition type : %s", op)
			}
			c.set, c.base = set, rest
		}
		if b, ok := strings.CutSuffix(c.base, "IfExists"); ok && c.base != "Null" {
			c.base, c.ifExists = b, true
		}
		if !conditionOperators[c.base] {
			return nil, malformed("Invalid Condition type : %s", op)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(body, &keys); err != nil {
			return nil, malformed("Syntax errors in policy.")
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			vals, err := scalarOrList(keys[k])
			if err != nil {
				return nil, err
			}
			cc := c
			cc.Key, cc.Values = k, vals
			out = append(out, cc)
		}
	}
	return out, nil
}

// evalPolicy parses doc (checked as a policy of kind) and evaluates it.
func evalPolicy(doc string, kind policyKind, req policyRequest) (decision, error) {
	p, err := parsePolicy(doc, kind)
	if err != nil {
		return decisionImplicitDeny, err
	}
	return p.eval(req), nil
}

// eval evaluates the document: Deny if any matching statement denies,
// Allow if any matching statement allows, implicit deny otherwise.
func (p *policyDocument) eval(req policyRequest) decision {
	ctx := make(map[string][]string, len(req.Context))
	for k, v := range req.Context {
		ctx[strings.ToLower(k)] = v
	}
	vars := p.Version == "2012-10-17"
	d := decisionImplicitDeny
	for _, st := range p.Statements {
		if !st.matches(req, ctx, vars) {
			continue
		}
		if st.Effect == "Deny" {
			return decisionDeny
		}
		d = decisionAllow
	}
	return d
}

func (st *policyStatement) matches(req policyRequest, ctx map[string][]string, vars bool) bool {
	switch {
	case st.Principal != nil:
		if req.Principal == nil || !st.Principal.matches(req.Principal) {
			return false
		}
	case st.NotPrincipal != nil:
		if req.Principal == nil || st.NotPrincipal.matches(req.Principal) {
			return false
		}
	}
	if st.notAction {
		if anyGlob(st.NotAction, req.Action, true, nil, false) {
			return false
		}
	} else if !anyGlob(st.Action, req.Action, true, nil, false) {
		return false
	}
	switch {
	case st.notResource:
		if anyGlob(st.NotResource, req.Resource, false, ctx, vars) {
			return false
		}
	case st.hasResource:
		if !anyGlob(st.Resource, req.Resource, false, ctx, vars) {
			return false
		}
	}
	for _, c := range st.Conditions {
		if !c.eval(ctx, vars) {
			return false
		}
	}
	return true
}

func anyGlob(patterns []string, s string, fold bool, ctx map[string][]string, vars bool) bool {
	for _, p := range patterns {
		if vars {
			var ok bool
			if p, ok = substituteVars(p, ctx); !ok {
				continue
			}
		}
		if globMatch(p, s, fold) {
			return true
		}
	}
	return false
}

// matches reports whether the principal is one the set names. An account
// (its ID or its root ARN) names every principal of the account; a role ARN
// names the role's sessions (IAM User Guide, "AWS JSON policy elements:
// Principal").
func (ps *principalSet) matches(p *policyPrincipal) bool {
	if ps.Any {
		return true
	}
	for _, a := range ps.AWS {
		if p.Account == "" {
			continue
		}
		if a == p.Account || a == "arn:aws:iam::"+p.Account+":root" {
			return true
		}
		if a == p.ARN || (p.RoleARN != "" && a == p.RoleARN) {
			return true
		}
	}
	for _, s := range ps.Service {
		if p.Service != "" && s == p.Service {
			return true
		}
	}
	for _, f := range ps.Federated {
		if p.Federated != "" && f == p.Federated {
			return true
		}
	}
	return false
}

// eval evaluates one condition against the request context (lower-cased
// keys). Semantics follow "Condition operators", "Single-valued vs.
// multivalued context keys" and "...IfExists condition operators":
// missing keys fail positive operators and satisfy negated ones;
// ForAnyValue needs one matching context value (false when none);
// ForAllValues needs every context value to match (true when none).
func (c policyCondition) eval(ctx map[string][]string, vars bool) bool {
	vals, present := ctx[strings.ToLower(c.Key)]
	if present && len(vals) == 0 {
		present = false
	}
	if c.base == "Null" {
		for _, v := range c.Values {
			want := strings.EqualFold(v, "true")
			if want == !present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.set == "ForAllValues":
			return true
		case c.set == "ForAnyValue":
			return false
		case c.ifExists:
			return true
		}
		return isNegated(c.base)
	}
	policyVals := c.Values
	if vars {
		policyVals = nil
		for _, v := range c.Values {
			if s, ok := substituteVars(v, ctx); ok {
				policyVals = append(policyVals, s)
			}
		}
	}
	neg := isNegated(c.base)
	pos := positiveOf(c.base)
	matchesAny := func(v string) bool {
		for _, pv := range policyVals {
			if compareCondition(pos, v, pv) {
				return true
			}
		}
		return false
	}
	// ok reports whether one context value satisfies the operator.
	ok := func(v string) bool { return matchesAny(v) != neg }
	switch c.set {
	case "ForAllValues":
		for _, v := range vals {
			if !ok(v) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, v := range vals {
			if ok(v) {
				return true
			}
		}
		return false
	}
	if neg {
		for _, v := range vals {
			if matchesAny(v) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if matchesAny(v) {
			return true
		}
	}
	return false
}

func isNegated(op string) bool { return positiveOf(op) != op }

// positiveOf maps a negated operator to the comparison it negates.
func positiveOf(op string) string {
	switch op {
	case "StringNotEquals":
		return "StringEquals"
	case "StringNotEqualsIgnoreCase":
		return "StringEqualsIgnoreCase"
	case "StringNotLike":
		return "StringLike"
	case "NumericNotEquals":
		return "NumericEquals"
	case "DateNotEquals":
		return "DateEquals"
	case "ArnNotEquals":
		return "ArnEquals"
	case "ArnNotLike":
		return "ArnLike"
	case "NotIpAddress":
		return "IpAddress"
	}
	return op
}

// compareCondition applies a positive operator to a context value v and a
// policy value pv.
func compareCondition(op, v, pv string) bool {
	switch op {
	case "StringEquals":
		return v == pv
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(v, pv)
	case "StringLike":
		return globMatch(pv, v, false)
	case "Bool":
		return strings.EqualFold(v, pv)
	case "BinaryEquals":
		return v == pv
	case "ArnEquals", "ArnLike":
		// Both compare each of the six colon-separated ARN components,
		// with wildcards, case-sensitively.
		return arnMatch(pv, v)
	case "IpAddress":
		pfx, err := netip.ParsePrefix(pv)
		if err != nil {
			a, aerr := netip.ParseAddr(pv)
			if aerr != nil {
				return false
			}
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
		a, err := netip.ParseAddr(v)
		return err == nil && pfx.Contains(a)
	}
	if rest, ok := strings.CutPrefix(op, "Numeric"); ok {
		x, err1 := strconv.ParseFloat(v, 64)
		y, err2 := strconv.ParseFloat(pv, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return compareOrdered(rest, x, y)
	}
	if rest, ok := strings.CutPrefix(op, "Date"); ok {
		x, ok1 := parsePolicyDate(v)
		y, ok2 := parsePolicyDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return compareOrdered(rest, x.UnixNano(), y.UnixNano())
	}
	return false
}

func compareOrdered[T int64 | float64](rel string, x, y T) bool {
	switch rel {
	case "Equals":
		return x == y
	case "LessThan":
		return x < y
	case "LessThanEquals":
		return x <= y
	case "GreaterThan":
		return x > y
	case "GreaterThanEquals":
		return x >= y
	}
	return false
}

func parsePolicyDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// arnMatch matches an ARN against a pattern component by component.
func arnMatch(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return false
	}
	for i := range pp {
		if !globMatch(pp[i], ap[i], false) {
			return false
		}
	}
	return true
}

// globMatch matches s against a pattern where * matches any sequence and ?
// any single character; fold makes it case-insensitive.
func globMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// substituteVars replaces policy variables ${key} with the key's
// (single) context value; ${*}, ${?} and ${$} are the literal characters.
// ok is false when a variable has no value, which makes the element not
// match (IAM User Guide, "IAM policy elements: Variables and tags").
// Variables may carry a default: ${key, 'default'}.
func substituteVars(s string, ctx map[string][]string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		name := strings.TrimSpace(s[i+2 : i+j])
		def, hasDef := "", false
		if k, d, ok := strings.Cut(name, ","); ok {
			name = strings.TrimSpace(k)
			def, hasDef = strings.Trim(strings.TrimSpace(d), "'"), true
		}
		switch name {
		case "*", "?", "$":
			// A literal wildcard must not act as one after substitution;
			// the glob has no escape, so keep the character as is.
			b.WriteString(name)
		default:
			vals := ctx[strings.ToLower(name)]
			switch {
			case len(vals) == 1:
				b.WriteString(vals[0])
			case hasDef:
				b.WriteString(def)
			default:
				return "", false
			}
		}
		s = s[i+j+1:]
	}
}

// callerPolicyPrincipal is the Principal-element view of an authenticated
// caller.
func callerPolicyPrincipal(p Principal) *policyPrincipal {
	return &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN}
}

// callerContextLocked returns the global condition keys that describe the
// caller ("AWS global condition context keys"): aws:PrincipalAccount,
// aws:PrincipalArn (the role's ARN for assumed-role sessions),
// aws:PrincipalType, aws:userid, aws:PrincipalIsAWSService and, for
// accounts in the organization, aws:PrincipalOrgID and
// aws:PrincipalOrgPaths; plus aws:CurrentTime and aws:EpochTime from the
// virtual clock. Callers add request keys (aws:RequestedRegion,
// aws:SourceAccount, kms:ViaService, sts:ExternalId...) to the map.
func (s *Server) callerContextLocked(p Principal) map[string][]string {
	ctx := map[string][]string{
		"aws:PrincipalIsAWSService": {"false"},
		"aws:CurrentTime":           {s.now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":             {strconv.FormatInt(s.now.Unix(), 10)},
	}
	if p.Account == "" {
		return ctx
	}
	ctx["aws:PrincipalAccount"] = []string{p.Account}
	ctx["aws:userid"] = []string{p.UserID}
	if p.RoleARN != "" {
		ctx["aws:PrincipalArn"] = []string{p.RoleARN}
		ctx["aws:PrincipalType"] = []string{"AssumedRole"}
		// aws:MultiFactorAuthPresent is in the context of requests made
		// with temporary credentials, true when MFA authenticated them;
		// it is absent for long-term access keys ("AWS global condition
		// context keys"). aws:MultiFactorAuthAge counts the seconds since
		// that authentication, on the virtual clock.
		var sc sessionContext
		if p.session != nil {
			sc = *p.session
		}
		ctx["aws:MultiFactorAuthPresent"] = []string{strconv.FormatBool(!sc.mfaAt.IsZero())}
		if !sc.mfaAt.IsZero() {
			ctx["aws:MultiFactorAuthAge"] = []string{strconv.FormatInt(int64(s.now.Sub(sc.mfaAt)/time.Second), 10)}
		}
		// aws:TokenIssueTime and aws:SourceIdentity (same page): when
		// the session was issued, and the source identity it carries.
		if !sc.issuedAt.IsZero() {
			ctx["aws:TokenIssueTime"] = []string{sc.issuedAt.UTC().Format(time.RFC3339)}
		}
		if sc.sourceIdentity != "" {
			ctx["aws:SourceIdentity"] = []string{sc.sourceIdentity}
		}
		// aws:PrincipalTag/<key>: the role's tags, overridden by the
		// session's tags of the same key ("Passing session tags in AWS
		// STS": session tags override role tags).
		if r := s.iamRoleByARNLocked(p.RoleARN); r != nil {
			for _, t := range r.tags {
				ctx["aws:PrincipalTag/"+aws.ToString(t.Key)] = []string{aws.ToString(t.Value)}
			}
		}
		for k, v := range sc.tags {
			for ck := range ctx {
				if strings.EqualFold(ck, "aws:PrincipalTag/"+k) {
					delete(ctx, ck)
				}
			}
			ctx["aws:PrincipalTag/"+k] = []string{v}
		}
	} else {
		ctx["aws:PrincipalArn"] = []string{p.ARN}
		ctx["aws:PrincipalType"] = []string{"Account"}
	}
	if orgID, path, ok := s.principalOrgLocked(p.Account); ok {
		ctx["aws:PrincipalOrgID"] = []string{orgID}
		ctx["aws:PrincipalOrgPaths"] = []string{path}
	}
	return ctx
}

// principalOrgLocked returns the organization ID and the
// aws:PrincipalOrgPaths value ("o-id/r-root/ou-a/ou-b/": the path to the
// account's parent) of an account of the emulated organization, from the
// live Organizations tree.
func (s *Server) principalOrgLocked(account string) (orgID, path string, ok bool) {
	if s.org == nil {
		return "", "", false
	}
	n := s.org.account(account)
	if n == nil {
		return "", "", false
	}
	var ids []string
	for p := n.parent; p != nil; p = p.parent {
		ids = append(ids, p.id)
	}
	path = s.org.id + "/"
	for i := len(ids) - 1; i >= 0; i-- {
		path += ids[i] + "/"
	}
	return s.org.id, path, true
}

// resourcePolicyDecisionLocked evaluates a resource-based policy (a backup
// vault access policy, a key policy, an organization's resource policy)
// for the caller of c: the caller as principal, its global condition keys
// (callerContextLocked) with aws:RequestedRegion, plus the request's own
// keys in extra. A policy that does not parse decides nothing (implicit
// deny).
func (s *Server) resourcePolicyDecisionLocked(doc string, c *Call, action, resource string, extra map[string][]string) decision {
	ctx := s.callerContextLocked(c.Caller)
	ctx["aws:RequestedRegion"] = []string{c.Region}
	for k, v := range extra {
		ctx[k] = v
	}
	d, err := evalPolicy(doc, policyResource, policyRequest{
		Principal: callerPolicyPrincipal(c.Caller),
		Action:    action,
		Resource:  resource,
		Context:   ctx,
	})
	if err != nil {
		return decisionImplicitDeny
	}
	return d
}
