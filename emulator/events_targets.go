package emulator

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// busEvent is one event on a bus, in EventBridge's envelope ("Amazon
// EventBridge events", EventBridge User Guide: version, id, detail-type,
// source, account, time, region, resources, detail).
type busEvent struct {
	ID, Account, Region, Source, DetailType string
	Time                                    time.Time
	Resources                               []string
	Detail                                  map[string]any
}

func newEvent(id, account, region, source, detailType string, when time.Time, resources []string, detail map[string]any) *busEvent {
	if resources == nil {
		resources = []string{}
	}
	return &busEvent{ID: id, Account: account, Region: region, Source: source, DetailType: detailType, Time: when.UTC(), Resources: resources, Detail: detail}
}

// raw is the event's JSON, as targets receive it.
func (e *busEvent) raw() []byte {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": e.ID, "detail-type": e.DetailType, "source": e.Source, "account": e.Account,
		"time": e.Time.Format("2006-01-02T15:04:05Z"), "region": e.Region, "resources": e.Resources, "detail": e.Detail,
	})
	return b
}

// decoded is the event as a pattern sees it (numbers as json.Number).
func (e *busEvent) decoded() map[string]any {
	d := json.NewDecoder(bytes.NewReader(e.raw()))
	d.UseNumber()
	var m map[string]any
	_ = d.Decode(&m)
	return m
}

// EventTargetFailure is an event EventBridge could not deliver to a
// rule's target, as Server.EventTargetFailures reports it (on AWS, the
// rule's FailedInvocations metric and, with one, its dead-letter queue).
type EventTargetFailure struct {
	// Time is the virtual time of the attempt.
	Time time.Time `json:"time"`
	// RuleARN and TargetARN name the rule and its target.
	RuleARN   string `json:"rule_arn"`
	TargetARN string `json:"target_arn"`
	// EventID is the event's id; DetailType its detail-type.
	EventID    string `json:"event_id"`
	DetailType string `json:"detail_type"`
	// Reason says why the delivery failed.
	Reason string `json:"reason"`
}

// EventTargetFailures returns the failed deliveries so far, oldest first.
func (s *Server) EventTargetFailures() []EventTargetFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EventTargetFailure(nil), s.eventFailures...)
}

// eventsDispatchLocked delivers ev to the targets of every enabled rule
// of b whose pattern matches it, in rule-name order.
func (s *Server) eventsDispatchLocked(b *eventBus, ev *busEvent, depth int) {
	if len(b.rules) == 0 {
		return
	}
	names := make([]string, 0, len(b.rules))
	for n := range b.rules {
		names = append(names, n)
	}
	sort.Strings(names)
	obj := ev.decoded()
	for _, n := range names {
		r := b.rules[n]
		if r.state != eventstypes.RuleStateEnabled || r.parsedPattern == nil || !matchEventPattern(r.parsedPattern, obj) {
			continue
		}
		for _, t := range r.targets {
			if reason := s.eventsInvokeLocked(b, r, t, ev, obj, depth); reason != "" {
				s.eventFailures = append(s.eventFailures, EventTargetFailure{
					Time: s.now, RuleARN: r.arn, TargetARN: aws.ToString(t.Arn), EventID: ev.ID, DetailType: ev.DetailType, Reason: reason,
				})
			}
		}
	}
}

// eventsInvokeLocked delivers ev to one target; it returns why it could
// not ("" when delivered).
func (s *Server) eventsInvokeLocked(b *eventBus, r *eventRule, t eventstypes.Target, ev *busEvent, obj map[string]any, depth int) string {
	arn := aws.ToString(t.Arn)
	payload, reason := eventsTargetInput(t, ev, obj)
	if reason != "" {
		return reason
	}
	// The execution role, when the target names one: in the rule's
	// account, trusted by events.amazonaws.com ("Sending events to an AWS
	// service in another account": "This execution role must be in the
	// same account as the event bus. EventBridge assumes this role").
	var role *Principal
	if ra := aws.ToString(t.RoleArn); ra != "" {
		if arnAccount(ra) != r.account || s.iamRoleByARNLocked(ra) == nil {
			return "the execution role " + ra + " does not exist in account " + r.account
		}
		if !s.roleTrustsServiceLocked(ra, eventsPrincipal) {
			return "the trust policy of " + ra + " does not let events.amazonaws.com assume it"
		}
		_, name, _ := parseRoleARN(ra)
		role = &Principal{Account: r.account, ARN: "arn:aws:sts::" + r.account + ":assumed-role/" + name + "/events", RoleARN: ra}
	}
	switch {
	case strings.HasPrefix(arn, "arn:aws:sns:"):
		return s.eventsToTopicLocked(b, r, arn, role, payload)
	case strings.HasPrefix(arn, "arn:aws:events:"):
		return s.eventsToBusLocked(r, arn, role, ev, depth)
	}
	return "target type not emulated"
}

// eventsTargetInput is what the target receives: the event, or the
// target's constant Input, or the part of the event its InputPath selects
// ("$" or "$.a.b"; PutTargets, Target).
func eventsTargetInput(t eventstypes.Target, ev *busEvent, obj map[string]any) (string, string) {
	if t.Input != nil {
		return *t.Input, ""
	}
	p := aws.ToString(t.InputPath)
	if p == "" || p == "$" {
		return string(ev.raw()), ""
	}
	rest, ok := strings.CutPrefix(p, "$.")
	if !ok {
		return "", "InputPath " + p + " is not emulated"
	}
	var v any = obj
	for _, k := range strings.Split(rest, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", "InputPath " + p + " selects nothing"
		}
		v = m[k]
	}
	if s, ok := v.(string); ok {
		return s, ""
	}
	b, _ := json.Marshal(v)
	return string(b), ""
}

// eventsToTopicLocked publishes to an SNS topic as events.amazonaws.com.
// The topic's access policy must let the service publish ("Amazon SNS
// permissions", EventBridge User Guide: the policy allows
// events.amazonaws.com sns:Publish; aws:SourceArn is the rule's ARN).
// EventBridge delivers to targets in other accounts only in the same
// Region, and only with an execution role that the topic policy admits
// ("Sending events to an AWS service in another account").
func (s *Server) eventsToTopicLocked(b *eventBus, r *eventRule, arn string, role *Principal, payload string) string {
	region, account, _, ok := snsParseTopicARN(arn)
	if !ok {
		return "not a topic ARN"
	}
	if region != b.region {
		return "SNS targets must be in the rule's Region"
	}
	t := s.snsTopicLocked(arn)
	if t == nil {
		return "SNS topic " + arn + " does not exist"
	}
	req := policyRequest{
		Principal: &policyPrincipal{Service: eventsPrincipal},
		Action:    "SNS:Publish",
		Resource:  t.arn,
		// No AWS:SourceOwner: the topic's default policy, which admits
		// the owner account's principals by that key, does not let
		// EventBridge publish; the policy must name events.amazonaws.com
		// ("Amazon SNS permissions", EventBridge User Guide).
		Context: map[string][]string{"aws:SourceArn": {r.arn}, "aws:SourceAccount": {r.account}},
	}
	if account != r.account {
		if role == nil {
			return "a target in another account needs an execution role (RoleArn)"
		}
		req.Principal = callerPolicyPrincipal(*role)
		req.Context = s.callerContextLocked(*role)
		req.Context["aws:SourceArn"] = []string{r.arn}
	}
	if d, err := evalPolicy(t.attrs["Policy"], policyResource, req); err != nil || d != decisionAllow {
		return "the access policy of SNS topic " + arn + " does not allow EventBridge to publish"
	}
	msg := PublishedMessage{MessageID: s.ids.uuid(), TopicARN: t.arn, Message: payload, Publisher: eventsPrincipal, Time: s.now}
	s.snsAppendLocked(t, msg)
	return ""
}

// eventsToBusLocked puts the event on another bus. A bus in another
// account takes it only if its policy allows events:PutEvents to the
// sender: the rule's account, or its execution role. Permission granted
// to an organization (aws:PrincipalOrgID) counts only for an execution
// role: "If you are setting the event bus of another account as the
// target, and that account granted permission to your account through an
// organization instead of directly by the account ID, then you must
// specify a RoleArn with proper permissions in the Target structure"
// (PutTargets, EventBridge API Reference). The role itself must be
// allowed events:PutEvents on the bus by its own policies.
func (s *Server) eventsToBusLocked(r *eventRule, arn string, role *Principal, ev *busEvent, depth int) string {
	region, account, name, ok := parseEventBusARN(arn)
	if !ok {
		return "not an event bus ARN"
	}
	if depth >= eventsMaxDepth {
		return "the event crossed too many buses"
	}
	target := s.eventsRegionLocked(account, region).buses[name]
	if target == nil {
		return "event bus " + arn + " does not exist"
	}
	if role != nil && !s.roleAllowsLocked(role.RoleARN, "events:PutEvents", target.arn) {
		return "the execution role " + role.RoleARN + " is not allowed events:PutEvents on " + target.arn
	}
	if account != r.account {
		extra := map[string][]string{"aws:SourceArn": {r.arn}, "aws:SourceAccount": {r.account}}
		var allowed bool
		if role != nil {
			allowed = s.eventsBusPolicyAllowsLocked(target, *role, "events:PutEvents", extra)
		} else {
			// The rule's account as such, without the organization keys.
			p := Principal{Account: r.account, ARN: "arn:aws:iam::" + r.account + ":root"}
			ctx := principalContext(p, extra)
			d, err := evalPolicy(target.policy, policyResource, policyRequest{Principal: callerPolicyPrincipal(p), Action: "events:PutEvents", Resource: target.arn, Context: ctx})
			allowed = target.policy != "" && err == nil && d == decisionAllow
		}
		if !allowed {
			return "the policy of event bus " + target.arn + " does not allow events:PutEvents from " + r.arn
		}
	}
	s.eventsDispatchLocked(target, ev, depth+1)
	return ""
}

// roleAllowsLocked reports whether the role's inline and attached
// customer managed policies allow action on resource (an identity-based
// policy must allow it, none deny it: "Policy evaluation logic", IAM User
// Guide).
func (s *Server) roleAllowsLocked(roleARN, action, resource string) bool {
	r := s.iamRoleByARNLocked(roleARN)
	if r == nil {
		return false
	}
	docs := make([]string, 0, len(r.inline)+len(r.attached))
	for _, d := range r.inline {
		docs = append(docs, d)
	}
	a := s.iamLocked(arnAccount(roleARN))
	for _, p := range r.attached {
		if mp := a.policies[p]; mp != nil {
			docs = append(docs, mp.document)
		}
	}
	allowed := false
	for _, d := range docs {
		dec, err := evalPolicy(d, policyIdentity, policyRequest{Action: action, Resource: resource, Context: map[string][]string{}})
		if err != nil {
			continue
		}
		if dec == decisionDeny {
			return false
		}
		if dec == decisionAllow {
			allowed = true
		}
	}
	return allowed
}
