package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/schemas"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// Amazon EventBridge: event buses (each account and Region has the bus
// "default"; others are created), their resource policies, rules with
// event patterns on a bus, and rule targets. Events come from PutEvents
// and from AWS Backup's job state changes (events_backup.go); a matching
// rule delivers them to its targets at once, in virtual time
// (events_targets.go): SNS topics and event buses, in the same account or
// another one. Sources: Amazon EventBridge API Reference and User Guide,
// pages named next to each rule.

// eventsRegion is one account-region's EventBridge state.
type eventsRegion struct {
	buses map[string]*eventBus // by name; "default" always exists
}

// eventBus is one event bus.
type eventBus struct {
	name, arn, account, region string
	description                string
	// policy is the bus's resource-based policy JSON ("" for none).
	policy            string
	created, modified time.Time
	rules             map[string]*eventRule // by name
	tags              map[string]string
}

// eventRule is one rule on a bus.
type eventRule struct {
	name, arn, bus, account string
	pattern, schedule, desc string
	roleARN                 string
	state                   eventstypes.RuleState
	targets                 []eventstypes.Target // sorted by Id
	tags                    map[string]string
	parsedPattern           map[string]any
	createdBy               string
}

const (
	eventsDefaultBus   = "default"
	eventsPageSize     = 100
	eventsMaxTargets   = 5  // "Targets per rule": 5 (EventBridge quotas)
	eventsMaxEntries   = 10 // PutEvents: "up to 10 entries per request"
	eventsMaxDepth     = 4  // buses an event may cross before the emulator stops it
	eventsServiceName  = "events"
	eventsPrincipal    = "events.amazonaws.com"
	eventsMaxEventSize = 256 * 1024 // PutEvents: "total entry size must be less than 256KB"
)

// eventsNameRE: event bus and rule names are 1 to 256 (buses) or 64
// (rules) characters of [.\-_A-Za-z0-9] (CreateEventBus, PutRule: Name
// pattern in the API model).
var eventsNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)

func (s *Server) eventsService() *service {
	return newService(eventsServiceName, awsJSON11, schemas.AWSEvents, awsevents.TypeRegistry, []*operation{
		handle(schemas.CreateEventBus, schemas.CreateEventBusRequest, s.eventsCreateEventBus),
		handle(schemas.DescribeEventBus, schemas.DescribeEventBusRequest, s.eventsDescribeEventBus),
		handle(schemas.DeleteEventBus, schemas.DeleteEventBusRequest, s.eventsDeleteEventBus),
		handle(schemas.ListEventBuses, schemas.ListEventBusesRequest, s.eventsListEventBuses),
		handle(schemas.PutPermission, schemas.PutPermissionRequest, s.eventsPutPermission),
		handle(schemas.RemovePermission, schemas.RemovePermissionRequest, s.eventsRemovePermission),
		handle(schemas.PutRule, schemas.PutRuleRequest, s.eventsPutRule),
		handle(schemas.DescribeRule, schemas.DescribeRuleRequest, s.eventsDescribeRule),
		handle(schemas.DeleteRule, schemas.DeleteRuleRequest, s.eventsDeleteRule),
		handle(schemas.ListRules, schemas.ListRulesRequest, s.eventsListRules),
		handle(schemas.EnableRule, schemas.EnableRuleRequest, s.eventsEnableRule),
		handle(schemas.DisableRule, schemas.DisableRuleRequest, s.eventsDisableRule),
		handle(schemas.PutTargets, schemas.PutTargetsRequest, s.eventsPutTargets),
		handle(schemas.RemoveTargets, schemas.RemoveTargetsRequest, s.eventsRemoveTargets),
		handle(schemas.ListTargetsByRule, schemas.ListTargetsByRuleRequest, s.eventsListTargetsByRule),
		handle(schemas.PutEvents, schemas.PutEventsRequest, s.eventsPutEvents),
		handle(schemas.TestEventPattern, schemas.TestEventPatternRequest, s.eventsTestEventPattern),
		handle(schemas.TagResource, schemas.TagResourceRequest, s.eventsTagResource),
		handle(schemas.UntagResource, schemas.UntagResourceRequest, s.eventsUntagResource),
		handle(schemas.ListTagsForResource, schemas.ListTagsForResourceRequest, s.eventsListTagsForResource),
	})
}

func eventsValidation(format string, args ...any) error {
	return &awsError{Code: "ValidationException", Message: fmt.Sprintf(format, args...), Status: 400, Sender: true}
}

func eventsNotFound(format string, args ...any) error {
	return &eventstypes.ResourceNotFoundException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func eventBusARN(account, region, name string) string {
	return "arn:aws:events:" + region + ":" + account + ":event-bus/" + name
}

// eventRuleARN: rules on the default bus are rule/NAME, rules on other
// buses rule/BUS/NAME (PutRule, RuleArn).
func eventRuleARN(account, region, bus, name string) string {
	if bus == eventsDefaultBus {
		return "arn:aws:events:" + region + ":" + account + ":rule/" + name
	}
	return "arn:aws:events:" + region + ":" + account + ":rule/" + bus + "/" + name
}

// parseEventBusARN splits arn:aws:events:REGION:ACCOUNT:event-bus/NAME.
func parseEventBusARN(arn string) (region, account, name string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] != "aws" || p[2] != "events" || !isAccountID(p[4]) {
		return "", "", "", false
	}
	name, ok = strings.CutPrefix(p[5], "event-bus/")
	if !ok || name == "" {
		return "", "", "", false
	}
	return p[3], p[4], name, true
}

// eventsRegionLocked returns account's EventBridge state in region, with
// its default bus ("Each account has one default event bus",
// EventBridge User Guide, "Event buses in Amazon EventBridge").
func (s *Server) eventsRegionLocked(account, region string) *eventsRegion {
	if s.events == nil {
		s.events = map[regionKey]*eventsRegion{}
	}
	k := regionKey{account, region}
	r := s.events[k]
	if r == nil {
		r = &eventsRegion{buses: map[string]*eventBus{}}
		r.buses[eventsDefaultBus] = &eventBus{
			name: eventsDefaultBus, arn: eventBusARN(account, region, eventsDefaultBus), account: account, region: region,
			created: s.opts.Start, modified: s.opts.Start, rules: map[string]*eventRule{}, tags: map[string]string{},
		}
		s.events[k] = r
	}
	return r
}

// eventsBusForCallLocked resolves an EventBusName parameter (a name or an
// ARN; default "default") for the caller. A bus of another account is
// reachable by ARN only, and only for what its policy grants the caller
// ("Permissions for event buses in Amazon EventBridge": PutRule,
// PutTargets, DeleteRule, RemoveTargets, DisableRule and EnableRule accept
// the ARN of a bus in another account whose policy allows them).
func (s *Server) eventsBusForCallLocked(c *Call, name *string, action string) (*eventBus, error) {
	n := aws.ToString(name)
	if n == "" {
		n = eventsDefaultBus
	}
	account, region := c.Account, c.Region
	if strings.HasPrefix(n, "arn:") {
		var ok bool
		region, account, n, ok = parseEventBusARN(n)
		if !ok {
			return nil, eventsValidation("Parameter EventBusName is not valid.")
		}
		if region != c.Region {
			return nil, eventsValidation("Parameter EventBusName is not valid: the event bus is in another Region.")
		}
	}
	b := s.eventsRegionLocked(account, region).buses[n]
	if b == nil {
		return nil, eventsNotFound("Event bus %s does not exist.", n)
	}
	if account != c.Account && !s.eventsBusPolicyAllowsLocked(b, c.Caller, action, nil) {
		return nil, &eventstypes.AccessDeniedException{Message: aws.String(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action", c.Caller.ARN, action, b.arn, action))}
	}
	return b, nil
}

// eventsBusPolicyAllowsLocked evaluates the bus policy for principal p,
// with the caller's global condition keys (aws:PrincipalOrgID among them)
// plus extra (aws:SourceArn of a forwarding rule).
func (s *Server) eventsBusPolicyAllowsLocked(b *eventBus, p Principal, action string, extra map[string][]string) bool {
	if b.policy == "" {
		return false
	}
	ctx := s.callerContextLocked(p)
	for k, v := range extra {
		ctx[k] = v
	}
	d, err := evalPolicy(b.policy, policyResource, policyRequest{Principal: callerPolicyPrincipal(p), Action: action, Resource: b.arn, Context: ctx})
	return err == nil && d == decisionAllow
}

func eventsTagMap(tags []eventstypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, t := range tags {
		k := aws.ToString(t.Key)
		// Tag keys are 1 to 128 characters, values up to 256; "aws:" is
		// reserved (Tag, EventBridge API Reference).
		if k == "" || len(k) > 128 || len(aws.ToString(t.Value)) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, eventsValidation("Invalid tag key %q.", k)
		}
		m[k] = aws.ToString(t.Value)
	}
	return m, nil
}

func (s *Server) eventsCreateEventBus(c *Call, in *awsevents.CreateEventBusInput) (*awsevents.CreateEventBusOutput, error) {
	name := aws.ToString(in.Name)
	if !eventsNameRE.MatchString(name) || len(name) > 256 {
		return nil, eventsValidation("Event bus name must be 1 to 256 characters of [.\\-_A-Za-z0-9].")
	}
	if in.EventSourceName != nil {
		return nil, eventsValidation("orgbackup emulator: partner event sources are not emulated.")
	}
	tags, err := eventsTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	r := s.eventsRegionLocked(c.Account, c.Region)
	if r.buses[name] != nil {
		return nil, &eventstypes.ResourceAlreadyExistsException{Message: aws.String(fmt.Sprintf("Event bus %s already exists.", name))}
	}
	b := &eventBus{
		name: name, arn: eventBusARN(c.Account, c.Region, name), account: c.Account, region: c.Region,
		description: aws.ToString(in.Description), created: s.now, modified: s.now, rules: map[string]*eventRule{}, tags: tags,
	}
	r.buses[name] = b
	return &awsevents.CreateEventBusOutput{EventBusArn: aws.String(b.arn), Description: in.Description}, nil
}

func (s *Server) eventsDescribeEventBus(c *Call, in *awsevents.DescribeEventBusInput) (*awsevents.DescribeEventBusOutput, error) {
	b, err := s.eventsBusForCallLocked(c, in.Name, "events:DescribeEventBus")
	if err != nil {
		return nil, err
	}
	out := &awsevents.DescribeEventBusOutput{
		Name: aws.String(b.name), Arn: aws.String(b.arn), CreationTime: aws.Time(b.created), LastModifiedTime: aws.Time(b.modified),
	}
	if b.description != "" {
		out.Description = aws.String(b.description)
	}
	if b.policy != "" {
		out.Policy = aws.String(b.policy)
	}
	return out, nil
}

func (s *Server) eventsDeleteEventBus(c *Call, in *awsevents.DeleteEventBusInput) (*awsevents.DeleteEventBusOutput, error) {
	name := aws.ToString(in.Name)
	if name == eventsDefaultBus {
		// "You can't delete your account's default event bus"
		// (DeleteEventBus).
		return nil, eventsValidation("Cannot delete event bus default.")
	}
	r := s.eventsRegionLocked(c.Account, c.Region)
	b := r.buses[name]
	if b == nil {
		return &awsevents.DeleteEventBusOutput{}, nil
	}
	if len(b.rules) > 0 {
		// A bus with rules cannot be deleted: the documentation says to
		// delete its rules first (DeleteEventBus: "All rules associated
		// with this event bus need to be deleted").
		return nil, eventsValidation("Cannot delete event bus %s: it still has rules.", name)
	}
	delete(r.buses, name)
	return &awsevents.DeleteEventBusOutput{}, nil
}

func (s *Server) eventsListEventBuses(c *Call, in *awsevents.ListEventBusesInput) (*awsevents.ListEventBusesOutput, error) {
	r := s.eventsRegionLocked(c.Account, c.Region)
	page, next, err := eventsNamesPage(r.buses, in.NamePrefix, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &awsevents.ListEventBusesOutput{EventBuses: []eventstypes.EventBus{}, NextToken: next}
	for _, n := range page {
		b := r.buses[n]
		e := eventstypes.EventBus{Name: aws.String(b.name), Arn: aws.String(b.arn), CreationTime: aws.Time(b.created), LastModifiedTime: aws.Time(b.modified)}
		if b.policy != "" {
			e.Policy = aws.String(b.policy)
		}
		if b.description != "" {
			e.Description = aws.String(b.description)
		}
		out.EventBuses = append(out.EventBuses, e)
	}
	return out, nil
}

// eventsPutPermission sets the bus policy (Policy), or adds one statement
// granting events:PutEvents to an account, to everyone, or to an
// organization through Condition (PutPermission, EventBridge API
// Reference: Action must be events:PutEvents; Principal is a 12-digit
// account ID or "*"; a Condition is StringEquals on aws:PrincipalOrgID).
func (s *Server) eventsPutPermission(c *Call, in *awsevents.PutPermissionInput) (*awsevents.PutPermissionOutput, error) {
	b, err := s.eventsBusForCallLocked(c, in.EventBusName, "events:PutPermission")
	if err != nil {
		return nil, err
	}
	if b.account != c.Account {
		return nil, &eventstypes.AccessDeniedException{Message: aws.String("Only the owner of an event bus can change its policy.")}
	}
	if in.Policy != nil {
		if in.Action != nil || in.Principal != nil || in.StatementId != nil || in.Condition != nil {
			return nil, eventsValidation("Policy cannot be combined with Action, Principal, StatementId or Condition.")
		}
		if _, err := parsePolicy(*in.Policy, policyResource); err != nil {
			return nil, eventsValidation("Policy is not valid: %v", err)
		}
		b.policy, b.modified = *in.Policy, s.now
		return &awsevents.PutPermissionOutput{}, nil
	}
	action, principal, sid := aws.ToString(in.Action), aws.ToString(in.Principal), aws.ToString(in.StatementId)
	if action != "events:PutEvents" {
		return nil, eventsValidation("Provided value in parameter 'action' is not supported.")
	}
	if sid == "" || len(sid) > 64 {
		return nil, eventsValidation("StatementId must be 1 to 64 characters.")
	}
	st := map[string]any{"Sid": sid, "Effect": "Allow", "Action": action, "Resource": b.arn}
	switch {
	case principal == "*":
		st["Principal"] = "*"
	case isAccountID(principal):
		st["Principal"] = map[string]any{"AWS": "arn:aws:iam::" + principal + ":root"}
	default:
		return nil, eventsValidation("Principal must be an account ID or *.")
	}
	if cond := in.Condition; cond != nil {
		if aws.ToString(cond.Type) != "StringEquals" || aws.ToString(cond.Key) != "aws:PrincipalOrgID" || aws.ToString(cond.Value) == "" {
			return nil, eventsValidation("Condition must be StringEquals on aws:PrincipalOrgID.")
		}
		st["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": aws.ToString(cond.Value)}}
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	if b.policy != "" {
		if err := json.Unmarshal([]byte(b.policy), &doc); err != nil {
			return nil, eventsValidation("the bus policy cannot be read: %v", err)
		}
	}
	stmts, _ := doc["Statement"].([]any)
	for _, x := range stmts {
		if m, ok := x.(map[string]any); ok && m["Sid"] == sid {
			return nil, &eventstypes.ResourceAlreadyExistsException{Message: aws.String("Statement with the given id already exists.")}
		}
	}
	doc["Statement"] = append(stmts, st)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	b.policy, b.modified = string(out), s.now
	return &awsevents.PutPermissionOutput{}, nil
}

func (s *Server) eventsRemovePermission(c *Call, in *awsevents.RemovePermissionInput) (*awsevents.RemovePermissionOutput, error) {
	b, err := s.eventsBusForCallLocked(c, in.EventBusName, "events:RemovePermission")
	if err != nil {
		return nil, err
	}
	if b.account != c.Account {
		return nil, &eventstypes.AccessDeniedException{Message: aws.String("Only the owner of an event bus can change its policy.")}
	}
	if in.RemoveAllPermissions {
		b.policy, b.modified = "", s.now
		return &awsevents.RemovePermissionOutput{}, nil
	}
	sid := aws.ToString(in.StatementId)
	var doc map[string]any
	if b.policy == "" || json.Unmarshal([]byte(b.policy), &doc) != nil {
		return nil, eventsNotFound("Statement with the provided id does not exist.")
	}
	stmts, _ := doc["Statement"].([]any)
	kept := []any{}
	for _, x := range stmts {
		if m, ok := x.(map[string]any); ok && m["Sid"] == sid {
			continue
		}
		kept = append(kept, x)
	}
	if len(kept) == len(stmts) {
		return nil, eventsNotFound("Statement with the provided id does not exist.")
	}
	if len(kept) == 0 {
		b.policy = ""
	} else {
		doc["Statement"] = kept
		out, _ := json.Marshal(doc)
		b.policy = string(out)
	}
	b.modified = s.now
	return &awsevents.RemovePermissionOutput{}, nil
}

func (s *Server) eventsPutRule(c *Call, in *awsevents.PutRuleInput) (*awsevents.PutRuleOutput, error) {
	name := aws.ToString(in.Name)
	if !eventsNameRE.MatchString(name) || len(name) > 64 {
		return nil, eventsValidation("Rule name must be 1 to 64 characters of [.\\-_A-Za-z0-9].")
	}
	b, err := s.eventsBusForCallLocked(c, in.EventBusName, "events:PutRule")
	if err != nil {
		return nil, err
	}
	pattern, schedule := aws.ToString(in.EventPattern), aws.ToString(in.ScheduleExpression)
	// "A rule must contain at least an EventPattern or
	// ScheduleExpression" (PutRule); schedules only run on the default
	// bus ("Scheduled rules are supported only on the default event bus").
	if pattern == "" && schedule == "" {
		return nil, eventsValidation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if schedule != "" && b.name != eventsDefaultBus {
		return nil, eventsValidation("ScheduleExpression is supported only on the default event bus.")
	}
	var parsed map[string]any
	if pattern != "" {
		if parsed, err = parseEventPattern(pattern); err != nil {
			return nil, err
		}
	}
	state := in.State
	if state == "" {
		state = eventstypes.RuleStateEnabled
	}
	if state != eventstypes.RuleStateEnabled && state != eventstypes.RuleStateDisabled {
		return nil, eventsValidation("State must be ENABLED or DISABLED.")
	}
	tags, err := eventsTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	if r := b.rules[name]; r != nil {
		// PutRule replaces the rule's settings; tags are only applied at
		// creation ("If you are updating an existing rule, the rule is
		// replaced with what you specify in this PutRule command"; Tags
		// are ignored on update, use TagResource).
		r.pattern, r.schedule, r.desc, r.roleARN, r.state, r.parsedPattern = pattern, schedule, aws.ToString(in.Description), aws.ToString(in.RoleArn), state, parsed
		return &awsevents.PutRuleOutput{RuleArn: aws.String(r.arn)}, nil
	}
	r := &eventRule{
		name: name, arn: eventRuleARN(b.account, b.region, b.name, name), bus: b.name, account: b.account,
		pattern: pattern, schedule: schedule, desc: aws.ToString(in.Description), roleARN: aws.ToString(in.RoleArn),
		state: state, tags: tags, parsedPattern: parsed, createdBy: c.Account,
	}
	b.rules[name] = r
	return &awsevents.PutRuleOutput{RuleArn: aws.String(r.arn)}, nil
}

func (s *Server) eventsRuleForCallLocked(c *Call, bus, name *string, action string) (*eventBus, *eventRule, error) {
	b, err := s.eventsBusForCallLocked(c, bus, action)
	if err != nil {
		return nil, nil, err
	}
	r := b.rules[aws.ToString(name)]
	if r == nil {
		return b, nil, eventsNotFound("Rule %s does not exist on EventBus %s.", aws.ToString(name), b.name)
	}
	return b, r, nil
}

func (s *Server) eventsDescribeRule(c *Call, in *awsevents.DescribeRuleInput) (*awsevents.DescribeRuleOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Name, "events:DescribeRule")
	if err != nil {
		return nil, err
	}
	out := &awsevents.DescribeRuleOutput{
		Name: aws.String(r.name), Arn: aws.String(r.arn), EventBusName: aws.String(r.bus), State: r.state, CreatedBy: aws.String(r.createdBy),
	}
	out.EventPattern = optString(r.pattern)
	out.ScheduleExpression = optString(r.schedule)
	out.Description = optString(r.desc)
	out.RoleArn = optString(r.roleARN)
	return out, nil
}

// eventsDeleteRule: "you must remove all targets from a rule ... before
// you can delete the rule"; deleting a rule that does not exist succeeds
// ("If you call delete rule multiple times for the same rule, all calls
// will succeed") (DeleteRule).
func (s *Server) eventsDeleteRule(c *Call, in *awsevents.DeleteRuleInput) (*awsevents.DeleteRuleOutput, error) {
	b, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Name, "events:DeleteRule")
	if b == nil {
		return nil, err
	}
	if r == nil {
		return &awsevents.DeleteRuleOutput{}, nil
	}
	if len(r.targets) > 0 {
		return nil, eventsValidation("Rule can't be deleted since it has targets.")
	}
	delete(b.rules, r.name)
	return &awsevents.DeleteRuleOutput{}, nil
}

func (s *Server) eventsListRules(c *Call, in *awsevents.ListRulesInput) (*awsevents.ListRulesOutput, error) {
	b, err := s.eventsBusForCallLocked(c, in.EventBusName, "events:ListRules")
	if err != nil {
		return nil, err
	}
	page, next, err := eventsNamesPage(b.rules, in.NamePrefix, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &awsevents.ListRulesOutput{Rules: []eventstypes.Rule{}, NextToken: next}
	for _, n := range page {
		r := b.rules[n]
		out.Rules = append(out.Rules, eventstypes.Rule{
			Name: aws.String(r.name), Arn: aws.String(r.arn), EventBusName: aws.String(r.bus), State: r.state,
			EventPattern: optString(r.pattern), ScheduleExpression: optString(r.schedule), Description: optString(r.desc), RoleArn: optString(r.roleARN),
		})
	}
	return out, nil
}

func (s *Server) eventsEnableRule(c *Call, in *awsevents.EnableRuleInput) (*awsevents.EnableRuleOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Name, "events:EnableRule")
	if err != nil {
		return nil, err
	}
	r.state = eventstypes.RuleStateEnabled
	return &awsevents.EnableRuleOutput{}, nil
}

func (s *Server) eventsDisableRule(c *Call, in *awsevents.DisableRuleInput) (*awsevents.DisableRuleOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Name, "events:DisableRule")
	if err != nil {
		return nil, err
	}
	r.state = eventstypes.RuleStateDisabled
	return &awsevents.DisableRuleOutput{}, nil
}

// eventsPutTargets adds or replaces targets by Id. A rule has at most five
// targets (EventBridge quotas, "Targets per rule"). The emulator delivers
// to SNS topics and event buses; other target types are refused per entry.
func (s *Server) eventsPutTargets(c *Call, in *awsevents.PutTargetsInput) (*awsevents.PutTargetsOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Rule, "events:PutTargets")
	if err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, eventsValidation("Targets must hold 1 to 10 entries.")
	}
	out := &awsevents.PutTargetsOutput{FailedEntries: []eventstypes.PutTargetsResultEntry{}}
	byID := map[string]int{}
	for i, t := range r.targets {
		byID[aws.ToString(t.Id)] = i
	}
	for _, t := range in.Targets {
		id, arn := aws.ToString(t.Id), aws.ToString(t.Arn)
		fail := func(code, msg string) {
			out.FailedEntries = append(out.FailedEntries, eventstypes.PutTargetsResultEntry{TargetId: aws.String(id), ErrorCode: aws.String(code), ErrorMessage: aws.String(msg)})
		}
		switch {
		case id == "" || len(id) > 64:
			fail("ValidationException", "Target Id must be 1 to 64 characters.")
			continue
		case !strings.HasPrefix(arn, "arn:aws:sns:") && !strings.HasPrefix(arn, "arn:aws:events:"):
			fail("ValidationException", "orgbackup emulator: only SNS topic and event bus targets are emulated.")
			continue
		}
		if i, ok := byID[id]; ok {
			r.targets[i] = t
			continue
		}
		if len(r.targets) >= eventsMaxTargets {
			return nil, &eventstypes.LimitExceededException{Message: aws.String(fmt.Sprintf("The requested resource exceeds the maximum number allowed of %d targets per rule.", eventsMaxTargets))}
		}
		byID[id] = len(r.targets)
		r.targets = append(r.targets, t)
	}
	sort.Slice(r.targets, func(i, j int) bool { return aws.ToString(r.targets[i].Id) < aws.ToString(r.targets[j].Id) })
	out.FailedEntryCount = int32(len(out.FailedEntries))
	return out, nil
}

func (s *Server) eventsRemoveTargets(c *Call, in *awsevents.RemoveTargetsInput) (*awsevents.RemoveTargetsOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Rule, "events:RemoveTargets")
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, id := range in.Ids {
		drop[id] = true
	}
	kept := r.targets[:0]
	for _, t := range r.targets {
		if !drop[aws.ToString(t.Id)] {
			kept = append(kept, t)
		}
	}
	r.targets = kept
	return &awsevents.RemoveTargetsOutput{FailedEntries: []eventstypes.RemoveTargetsResultEntry{}}, nil
}

func (s *Server) eventsListTargetsByRule(c *Call, in *awsevents.ListTargetsByRuleInput) (*awsevents.ListTargetsByRuleOutput, error) {
	_, r, err := s.eventsRuleForCallLocked(c, in.EventBusName, in.Rule, "events:ListTargetsByRule")
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(r.targets, in.NextToken, in.Limit, eventsPageSize, "ValidationException")
	if err != nil {
		return nil, err
	}
	return &awsevents.ListTargetsByRuleOutput{Targets: append([]eventstypes.Target{}, page...), NextToken: next}, nil
}

// eventsPutEvents puts up to ten custom events on buses. Sources starting
// with "aws." are reserved for AWS services: such an entry fails with
// NotAuthorizedForSourceException (PutEvents, PutEventsResultEntry).
// Detail must be a JSON object. A bus in another account takes the event
// only if its policy allows the caller events:PutEvents.
func (s *Server) eventsPutEvents(c *Call, in *awsevents.PutEventsInput) (*awsevents.PutEventsOutput, error) {
	if len(in.Entries) == 0 || len(in.Entries) > eventsMaxEntries {
		return nil, eventsValidation("Entries must hold 1 to %d entries.", eventsMaxEntries)
	}
	out := &awsevents.PutEventsOutput{Entries: []eventstypes.PutEventsResultEntry{}}
	for _, e := range in.Entries {
		fail := func(code, msg string) {
			out.Entries = append(out.Entries, eventstypes.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String(msg)})
			out.FailedEntryCount++
		}
		source, detailType, detail := aws.ToString(e.Source), aws.ToString(e.DetailType), aws.ToString(e.Detail)
		if source == "" || detailType == "" || detail == "" {
			fail("InvalidArgument", "Parameters Source, DetailType and Detail are required.")
			continue
		}
		if strings.HasPrefix(source, "aws.") {
			fail("NotAuthorizedForSourceException", "Not authorized for the source.")
			continue
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(detail), &d); err != nil {
			fail("MalformedDetail", "Detail is malformed.")
			continue
		}
		b, err := s.eventsBusForCallLocked(c, e.EventBusName, "events:PutEvents")
		if err != nil {
			var ad *eventstypes.AccessDeniedException
			if errors.As(err, &ad) {
				fail("AccessDeniedException", aws.ToString(ad.Message))
			} else {
				fail("InvalidArgument", err.Error())
			}
			continue
		}
		when := s.now
		if e.Time != nil {
			when = *e.Time
		}
		ev := newEvent(s.ids.uuid(), c.Account, c.Region, source, detailType, when, e.Resources, d)
		if len(ev.raw()) > eventsMaxEventSize {
			fail("InvalidArgument", "Total size of the entries in the request is over the limit.")
			continue
		}
		s.eventsDispatchLocked(b, ev, 0)
		out.Entries = append(out.Entries, eventstypes.PutEventsResultEntry{EventId: aws.String(ev.ID)})
	}
	return out, nil
}

func (s *Server) eventsTestEventPattern(_ *Call, in *awsevents.TestEventPatternInput) (*awsevents.TestEventPatternOutput, error) {
	p, err := parseEventPattern(aws.ToString(in.EventPattern))
	if err != nil {
		return nil, err
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(in.Event)), &ev); err != nil {
		return nil, eventsValidation("Parameter Event is not valid.")
	}
	// The event must carry the fields of an EventBridge event
	// (TestEventPattern: "id, account, source, time, region, resources,
	// and detail-type" are required).
	for _, k := range []string{"id", "account", "source", "time", "region", "detail-type"} {
		if _, ok := ev[k]; !ok {
			return nil, eventsValidation("Parameter Event is not valid: field %s is missing.", k)
		}
	}
	return &awsevents.TestEventPatternOutput{Result: matchEventPattern(p, ev)}, nil
}

// eventsTaggedLocked finds the rule or bus an ARN of the caller's account
// names, returning its tag map.
func (s *Server) eventsTaggedLocked(c *Call, arn string) (map[string]string, error) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[2] != "events" || p[3] != c.Region || p[4] != c.Account {
		return nil, eventsNotFound("Resource %s does not exist.", arn)
	}
	r := s.eventsRegionLocked(c.Account, c.Region)
	if name, ok := strings.CutPrefix(p[5], "event-bus/"); ok {
		if b := r.buses[name]; b != nil {
			return b.tags, nil
		}
	}
	if rest, ok := strings.CutPrefix(p[5], "rule/"); ok {
		bus, name, found := strings.Cut(rest, "/")
		if !found {
			bus, name = eventsDefaultBus, rest
		}
		if b := r.buses[bus]; b != nil && b.rules[name] != nil {
			return b.rules[name].tags, nil
		}
	}
	return nil, eventsNotFound("Resource %s does not exist.", arn)
}

func (s *Server) eventsTagResource(c *Call, in *awsevents.TagResourceInput) (*awsevents.TagResourceOutput, error) {
	tags, err := s.eventsTaggedLocked(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	add, err := eventsTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	for k, v := range add {
		tags[k] = v
	}
	return &awsevents.TagResourceOutput{}, nil
}

func (s *Server) eventsUntagResource(c *Call, in *awsevents.UntagResourceInput) (*awsevents.UntagResourceOutput, error) {
	tags, err := s.eventsTaggedLocked(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(tags, k)
	}
	return &awsevents.UntagResourceOutput{}, nil
}

func (s *Server) eventsListTagsForResource(c *Call, in *awsevents.ListTagsForResourceInput) (*awsevents.ListTagsForResourceOutput, error) {
	tags, err := s.eventsTaggedLocked(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	out := &awsevents.ListTagsForResourceOutput{Tags: []eventstypes.Tag{}}
	for _, k := range kmsSortedTagKeys(tags) {
		out.Tags = append(out.Tags, eventstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out, nil
}

// eventsNamesPage returns one page of the sorted names of m that start
// with prefix, as EventBridge's List operations page their buses and
// rules.
func eventsNamesPage[V any](m map[string]V, prefix, token *string, limit *int32) ([]string, *string, error) {
	var names []string
	for n := range m {
		if strings.HasPrefix(n, aws.ToString(prefix)) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return paginate(names, token, limit, eventsPageSize, "ValidationException")
}
