// sns_topic: the SNS topic AWS Backup publishes the vault's events to,
// with its access policy, tags and email subscriptions.
//
// AWS API calls: SNS GetTopicAttributes, ListSubscriptionsByTopic and
// ListTagsForResource to read it; CreateTopic, SetTopicAttributes,
// TagResource, Subscribe and Unsubscribe to apply it.

package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindTopic is the kind of the SNS topic a vault's events go to.
const KindTopic = "sns_topic"

// topicSpec is the JSON of an sns_topic change.
type topicSpec struct {
	Name   string            `json:"name"`
	Policy json.RawMessage   `json:"policy,omitempty"`
	Emails []string          `json:"emails,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// TopicState is an SNS topic.
type TopicState struct {
	Name, ARN string
	// Policy is the topic's access policy JSON.
	Policy string
	// Subscriptions are the topic's email subscriptions, sorted by endpoint.
	Subscriptions []Subscription
	Tags          map[string]string
}

// Subscription is an SNS subscription.
type Subscription struct {
	Protocol, Endpoint string
	// ARN is "PendingConfirmation" until the subscription is confirmed.
	ARN string
}

// readTopic reads a topic; nil when it does not exist.
func readTopic(ctx context.Context, api SNSReader, arn string) (*TopicState, error) {
	attrs, err := api.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if isSNSNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("getting topic attributes: %w", err)
	}
	t := &TopicState{ARN: arn, Name: arn[strings.LastIndex(arn, ":")+1:], Policy: attrs.Attributes["Policy"]}
	subs, err := topicSubscriptions(ctx, api, arn)
	if err != nil {
		return nil, err
	}
	t.Subscriptions = subs
	tags, err := api.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("listing topic tags: %w", err)
	}
	t.Tags = map[string]string{}
	for _, tg := range tags.Tags {
		t.Tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return t, nil
}

func topicSubscriptions(ctx context.Context, api SNSReader, arn string) ([]Subscription, error) {
	var subs []Subscription
	pages := awssns.NewListSubscriptionsByTopicPaginator(api, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing subscriptions: %w", err)
		}
		for _, s := range out.Subscriptions {
			if aws.ToString(s.Protocol) != "email" {
				continue
			}
			subs = append(subs, Subscription{Protocol: "email", Endpoint: aws.ToString(s.Endpoint), ARN: aws.ToString(s.SubscriptionArn)})
		}
	}
	sort.Slice(subs, func(i, j int) bool {
		if subs[i].Endpoint != subs[j].Endpoint {
			return subs[i].Endpoint < subs[j].Endpoint
		}
		return subs[i].ARN < subs[j].ARN
	})
	return subs, nil
}

func isSNSNotFound(err error) bool {
	var nf *snstypes.NotFoundException
	return errors.As(err, &nf)
}

func (p *planner) topicPolicy() string {
	n := p.d.Notifications
	if n.TopicPolicy != "" {
		return n.TopicPolicy
	}
	return TopicPolicy(topicARN(p.d.Account, p.d.Region, n.Topic))
}

func (p *planner) planTopic() error {
	n := p.d.Notifications
	if n == nil {
		return nil
	}
	pol, _ := compactJSON(p.topicPolicy())
	after := topicSpec{Name: n.Topic, Policy: pol, Emails: sortedUnique(n.Emails), Tags: p.d.Tags}
	live := p.st.Topic
	if live == nil {
		reason := "create the SNS topic " + n.Topic + " that AWS Backup publishes vault events to"
		if len(after.Emails) > 0 {
			reason += "; each email address must confirm its subscription"
		}
		p.add(plan.Change{Address: p.addr(KindTopic, n.Topic), Action: plan.Create, After: plan.JSON(after), Reason: reason})
		return nil
	}
	var emails []string
	for _, s := range live.Subscriptions {
		emails = append(emails, s.Endpoint)
	}
	emails = sortedUnique(emails)
	livePol, _ := compactJSON(live.Policy)
	before := topicSpec{Name: live.Name, Policy: livePol, Emails: emails, Tags: live.Tags}
	var why []string
	same, err := EqualPolicies(p.topicPolicy(), live.Policy)
	if err != nil {
		return fmt.Errorf("comparing policy of topic %s: %w", n.Topic, err)
	}
	if !same {
		why = append(why, "topic policy differs")
	}
	if add, del := diffSets(after.Emails, emails); len(add)+len(del) > 0 {
		s := "email subscriptions differ"
		if len(add) > 0 {
			s += " (subscribe " + strings.Join(add, ", ") + ")"
		}
		if len(del) > 0 {
			s += " (unsubscribe " + strings.Join(del, ", ") + "; a subscription still pending confirmation cannot be removed and expires on its own)"
		}
		why = append(why, s)
	}
	if m := managedtags.Missing(p.d.Tags, live.Tags); len(m) > 0 {
		why = append(why, "tags "+strings.Join(m, ", ")+" differ")
	}
	if len(why) > 0 {
		p.add(plan.Change{Address: p.addr(KindTopic, n.Topic), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after), Reason: strings.Join(why, "; ")})
	}
	return nil
}

// diffSets returns the elements of want missing from have and those of
// have missing from want; both inputs are sorted.
func diffSets(want, have []string) (add, del []string) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			add = append(add, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			del = append(del, h)
		}
	}
	return add, del
}

func (a *applier) topic(ch plan.Change) error {
	if a.c.SNS == nil {
		return fmt.Errorf("no SNS client")
	}
	var want topicSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	arn := topicARN(a.account, a.region, want.Name)
	live, err := readTopic(a.ctx, a.c.SNS, arn)
	if err != nil {
		return err
	}
	if live == nil {
		in := &awssns.CreateTopicInput{Name: aws.String(want.Name), Attributes: map[string]string{}}
		if len(want.Policy) > 0 {
			in.Attributes["Policy"] = string(want.Policy)
		}
		for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
			in.Tags = append(in.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
		}
		out, err := a.c.SNS.CreateTopic(a.ctx, in)
		if err != nil {
			return fmt.Errorf("creating topic: %w", err)
		}
		arn = aws.ToString(out.TopicArn)
		live = &TopicState{Name: want.Name, ARN: arn, Policy: string(want.Policy), Tags: want.Tags}
	}
	if len(want.Policy) > 0 {
		same, err := EqualPolicies(string(want.Policy), live.Policy)
		if err != nil {
			return err
		}
		if !same {
			if _, err := a.c.SNS.SetTopicAttributes(a.ctx, &awssns.SetTopicAttributesInput{
				TopicArn: aws.String(arn), AttributeName: aws.String("Policy"), AttributeValue: aws.String(string(want.Policy)),
			}); err != nil {
				return fmt.Errorf("setting topic policy: %w", err)
			}
		}
	}
	if m := managedtags.Missing(want.Tags, live.Tags); len(m) > 0 {
		var tags []snstypes.Tag
		for _, k := range m {
			tags = append(tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
		}
		if _, err := a.c.SNS.TagResource(a.ctx, &awssns.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags}); err != nil {
			return fmt.Errorf("tagging topic: %w", err)
		}
	}
	have := map[string][]Subscription{}
	for _, s := range live.Subscriptions {
		have[s.Endpoint] = append(have[s.Endpoint], s)
	}
	for _, e := range want.Emails {
		if len(have[e]) > 0 {
			continue
		}
		if _, err := a.c.SNS.Subscribe(a.ctx, &awssns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("email"), Endpoint: aws.String(e)}); err != nil {
			return fmt.Errorf("subscribing %s: %w", e, err)
		}
	}
	for _, e := range slices.Sorted(maps.Keys(have)) {
		if slices.Contains(want.Emails, e) {
			continue
		}
		for _, s := range have[e] {
			if !isSubscriptionARN(s.ARN) {
				// Pending confirmation: it has no ARN to unsubscribe
				// and expires unconfirmed.
				continue
			}
			_, err := a.c.SNS.Unsubscribe(a.ctx, &awssns.UnsubscribeInput{SubscriptionArn: aws.String(s.ARN)})
			if err != nil && !isSNSNotFound(err) {
				return fmt.Errorf("unsubscribing %s: %w", e, err)
			}
		}
	}
	return nil
}

func isSubscriptionARN(s string) bool { return len(s) > 8 && s[:8] == "arn:aws:" }
