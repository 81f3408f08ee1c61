// event_rule: a rule on an event bus with its event pattern and targets.
//
// AWS API calls: EventBridge DescribeRule, ListTargetsByRule and
// ListTagsForResource to read it; PutRule, PutTargets, RemoveTargets and
// TagResource to apply it.

package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindRule is the kind of an event rule; its address's name is
// BUS/RULE.
const KindRule = "event_rule"

// targetPrefix marks the targets orgbackup manages; others on the same
// rule are kept.
const targetPrefix = "orgbackup-"

// Rule is the desired (or live) state of a rule.
type Rule struct {
	Bus         string            `json:"bus"`
	Name        string            `json:"name"`
	Pattern     json.RawMessage   `json:"pattern"`
	Description string            `json:"description,omitempty"`
	State       string            `json:"state,omitempty"`
	Targets     []Target          `json:"targets"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// Target is one target of a rule.
type Target struct {
	ID      string `json:"id"`
	ARN     string `json:"arn"`
	RoleARN string `json:"role_arn,omitempty"`
}

// PlanRule compares the rule in account and region with want.
func PlanRule(ctx context.Context, api EventsReader, account, region string, want Rule) ([]plan.Change, error) {
	if want.State == "" {
		want.State = string(eventstypes.RuleStateEnabled)
	}
	want.Pattern = plan.JSON(json.RawMessage(want.Pattern))
	slices.SortFunc(want.Targets, func(a, b Target) int { return strings.Compare(a.ID, b.ID) })
	addr := plan.Address{Account: account, Region: region, Kind: KindRule, Name: want.Bus + "/" + want.Name}
	var deps []plan.Address
	if want.Bus != "default" {
		deps = append(deps, addr.Sibling(KindBus, want.Bus))
	}
	out, err := api.DescribeRule(ctx, &awsevents.DescribeRuleInput{Name: aws.String(want.Name), EventBusName: aws.String(want.Bus)})
	if isNotFound(err) {
		c := plan.NewChange(addr, plan.Create, nil, want, "a rule on "+want.Bus+" that sends backup job failures on: "+want.Description)
		c.DependsOn = deps
		return []plan.Change{c}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading rule %s on %s in %s/%s: %w", want.Name, want.Bus, account, region, err)
	}
	live := Rule{Bus: want.Bus, Name: want.Name, Description: aws.ToString(out.Description), State: string(out.State), Targets: []Target{}}
	if p := aws.ToString(out.EventPattern); p != "" {
		live.Pattern = plan.Document(p)
	}
	all, err := ruleTargets(ctx, api, want.Bus, want.Name)
	if err != nil {
		return nil, fmt.Errorf("listing targets of rule %s in %s/%s: %w", want.Name, account, region, err)
	}
	for _, t := range all {
		if strings.HasPrefix(aws.ToString(t.Id), targetPrefix) {
			live.Targets = append(live.Targets, Target{ID: aws.ToString(t.Id), ARN: aws.ToString(t.Arn), RoleARN: aws.ToString(t.RoleArn)})
		}
	}
	slices.SortFunc(live.Targets, func(a, b Target) int { return strings.Compare(a.ID, b.ID) })
	if live.Tags, err = eventsTags(ctx, api, aws.ToString(out.Arn)); err != nil {
		return nil, err
	}
	if plan.JSONEqual(live.Pattern, want.Pattern) && live.State == want.State && live.Description == want.Description &&
		slices.Equal(live.Targets, want.Targets) && !tagsMissing(want.Tags, live.Tags) {
		return nil, nil
	}
	c := plan.NewChange(addr, plan.Update, live, want, "the rule's pattern, state, targets or tags differ from the spec")
	c.DependsOn = deps
	return []plan.Change{c}, nil
}

// applyRule puts the rule and its targets, removes the targets orgbackup
// no longer wants, and tags the rule.
func applyRule(ctx context.Context, api EventsWriter, c plan.Change) error {
	var want Rule
	if err := c.Decode(&want); err != nil {
		return err
	}
	out, err := api.PutRule(ctx, &awsevents.PutRuleInput{
		Name: aws.String(want.Name), EventBusName: aws.String(want.Bus), EventPattern: aws.String(string(want.Pattern)),
		Description: aws.String(want.Description), State: eventstypes.RuleState(want.State), Tags: tagList(want.Tags),
	})
	if err != nil {
		return fmt.Errorf("putting rule %s on %s: %w", want.Name, want.Bus, err)
	}
	if len(want.Tags) > 0 {
		if _, err := api.TagResource(ctx, &awsevents.TagResourceInput{ResourceARN: out.RuleArn, Tags: tagList(want.Tags)}); err != nil {
			return fmt.Errorf("tagging rule %s: %w", want.Name, err)
		}
	}
	var targets []eventstypes.Target
	keep := map[string]bool{}
	for _, t := range want.Targets {
		keep[t.ID] = true
		et := eventstypes.Target{Id: aws.String(t.ID), Arn: aws.String(t.ARN)}
		if t.RoleARN != "" {
			et.RoleArn = aws.String(t.RoleARN)
		}
		targets = append(targets, et)
	}
	if len(targets) > 0 {
		res, err := api.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String(want.Name), EventBusName: aws.String(want.Bus), Targets: targets})
		if err != nil {
			return fmt.Errorf("putting targets of rule %s: %w", want.Name, err)
		}
		if res.FailedEntryCount > 0 {
			f := res.FailedEntries[0]
			return fmt.Errorf("putting target %s of rule %s: %s: %s", aws.ToString(f.TargetId), want.Name, aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage))
		}
	}
	var stale []string
	all, err := ruleTargets(ctx, api, want.Bus, want.Name)
	if err != nil {
		return fmt.Errorf("listing targets of rule %s: %w", want.Name, err)
	}
	for _, t := range all {
		if id := aws.ToString(t.Id); strings.HasPrefix(id, targetPrefix) && !keep[id] {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		if _, err := api.RemoveTargets(ctx, &awsevents.RemoveTargetsInput{Rule: aws.String(want.Name), EventBusName: aws.String(want.Bus), Ids: stale}); err != nil {
			return fmt.Errorf("removing targets %v of rule %s: %w", stale, want.Name, err)
		}
	}
	return nil
}

// ruleTargets lists every target of a rule, page by page (the SDK has no
// paginator for ListTargetsByRule).
func ruleTargets(ctx context.Context, api EventsReader, bus, rule string) ([]eventstypes.Target, error) {
	var out []eventstypes.Target
	in := &awsevents.ListTargetsByRuleInput{Rule: aws.String(rule), EventBusName: aws.String(bus)}
	for {
		page, err := api.ListTargetsByRule(ctx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Targets...)
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}
