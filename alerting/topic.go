// alert_topic: an SNS topic in the backup account for one tier's owners,
// with its access policy, email subscriptions and tags.
//
// AWS API calls: SNS GetTopicAttributes, ListSubscriptionsByTopic and
// ListTagsForResource to read it; CreateTopic, SetTopicAttributes,
// Subscribe and TagResource to apply it.

package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindTopic is the kind of a tier's alerts topic.
const KindTopic = "alert_topic"

// Topic is the desired (or live) state of a tier's alerts topic.
type Topic struct {
	Name   string            `json:"name"`
	Policy json.RawMessage   `json:"policy"`
	Emails []string          `json:"emails"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// SNSReader reads a topic; SNSWriter changes it.
type SNSReader interface {
	GetTopicAttributes(ctx context.Context, in *awssns.GetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *awssns.ListSubscriptionsByTopicInput, optFns ...func(*awssns.Options)) (*awssns.ListSubscriptionsByTopicOutput, error)
	ListTagsForResource(ctx context.Context, in *awssns.ListTagsForResourceInput, optFns ...func(*awssns.Options)) (*awssns.ListTagsForResourceOutput, error)
}

// SNSWriter changes a topic.
type SNSWriter interface {
	SNSReader
	CreateTopic(ctx context.Context, in *awssns.CreateTopicInput, optFns ...func(*awssns.Options)) (*awssns.CreateTopicOutput, error)
	SetTopicAttributes(ctx context.Context, in *awssns.SetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.SetTopicAttributesOutput, error)
	Subscribe(ctx context.Context, in *awssns.SubscribeInput, optFns ...func(*awssns.Options)) (*awssns.SubscribeOutput, error)
	TagResource(ctx context.Context, in *awssns.TagResourceInput, optFns ...func(*awssns.Options)) (*awssns.TagResourceOutput, error)
}

var _ SNSWriter = (*awssns.Client)(nil)

func topicARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, account, name)
}

// TierTopicName is the alerts topic of tier.
func TierTopicName(tier string) string { return "orgbackup-alerts-" + tier }

// TierTopicPolicy lets EventBridge publish to the tier's topic for the
// tier's rule only ("Amazon SNS permissions", EventBridge User Guide).
func TierTopicPolicy(topic, ruleARN string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "OrgBackupAlerts",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "events.amazonaws.com"},
			"Action":    "SNS:Publish",
			"Resource":  topic,
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": ruleARN}},
		}},
	})
}

func topicEmails(ctx context.Context, api SNSReader, arn string) ([]string, error) {
	var out []string
	pages := awssns.NewListSubscriptionsByTopicPaginator(api, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Subscriptions {
			if aws.ToString(s.Protocol) == "email" {
				out = append(out, aws.ToString(s.Endpoint))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// PlanTopic compares the topic in account and region with want. Emails
// subscribed by others are kept; only missing ones count.
func PlanTopic(ctx context.Context, api SNSReader, account, region string, want Topic) ([]plan.Change, error) {
	addr := plan.Address{Account: account, Region: region, Kind: KindTopic, Name: want.Name}
	slices.Sort(want.Emails)
	arn := topicARN(region, account, want.Name)
	attrs, err := api.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	var nf *snstypes.NotFoundException
	if errors.As(err, &nf) {
		return []plan.Change{plan.NewChange(addr, plan.Create, nil, want, "the owners of a tier's accounts hear about their job failures; each address must confirm its subscription")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading topic %s: %w", arn, err)
	}
	live := Topic{Name: want.Name, Policy: plan.Document(attrs.Attributes["Policy"])}
	if live.Emails, err = topicEmails(ctx, api, arn); err != nil {
		return nil, fmt.Errorf("listing subscriptions of %s: %w", arn, err)
	}
	tags, err := api.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", arn, err)
	}
	live.Tags = map[string]string{}
	for _, t := range tags.Tags {
		live.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	missing := slices.ContainsFunc(want.Emails, func(e string) bool { return !slices.Contains(live.Emails, e) })
	if plan.JSONEqual(live.Policy, want.Policy) && !missing && !tagsMissing(want.Tags, live.Tags) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(addr, plan.Update, live, want, "the tier's alerts topic policy, recipients or tags differ from the spec")}, nil
}

// applyTopic creates the topic if needed, sets its policy, subscribes the
// emails and tags it.
func applyTopic(ctx context.Context, api SNSWriter, c plan.Change) error {
	var want Topic
	if err := c.Decode(&want); err != nil {
		return err
	}
	var tags []snstypes.Tag
	for k, v := range want.Tags {
		tags = append(tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	slices.SortFunc(tags, func(a, b snstypes.Tag) int { return compareStrings(aws.ToString(a.Key), aws.ToString(b.Key)) })
	out, err := api.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String(want.Name)})
	if err != nil {
		return fmt.Errorf("creating topic %s: %w", want.Name, err)
	}
	if _, err := api.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: out.TopicArn, AttributeName: aws.String("Policy"), AttributeValue: aws.String(string(want.Policy))}); err != nil {
		return fmt.Errorf("setting the policy of topic %s: %w", want.Name, err)
	}
	if len(tags) > 0 {
		if _, err := api.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: out.TopicArn, Tags: tags}); err != nil {
			return fmt.Errorf("tagging topic %s: %w", want.Name, err)
		}
	}
	for _, e := range want.Emails {
		if _, err := api.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: out.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String(e)}); err != nil {
			return fmt.Errorf("subscribing %s to topic %s: %w", e, want.Name, err)
		}
	}
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
