// event_bus: the backup account's alerts bus and its resource policy.
//
// AWS API calls: EventBridge DescribeEventBus and ListTagsForResource to
// read it; CreateEventBus, PutPermission and TagResource to apply it.

package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindBus is the kind of an event bus.
const KindBus = "event_bus"

// Bus is the desired (or live) state of an event bus.
type Bus struct {
	Name   string            `json:"name"`
	Policy json.RawMessage   `json:"policy,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

func isNotFound(err error) bool {
	var nf *eventstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

func eventsTags(ctx context.Context, api EventsReader, arn string) (map[string]string, error) {
	out, err := api.ListTagsForResource(ctx, &awsevents.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", arn, err)
	}
	tags := map[string]string{}
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

func tagsMissing(want, live map[string]string) bool {
	for k, v := range want {
		if live[k] != v {
			return true
		}
	}
	return false
}

func tagList(m map[string]string) []eventstypes.Tag {
	var out []eventstypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, eventstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// PlanBus compares the bus in account and region with want.
func PlanBus(ctx context.Context, api EventsReader, account, region string, want Bus) ([]plan.Change, error) {
	addr := plan.Address{Account: account, Region: region, Kind: KindBus, Name: want.Name}
	out, err := api.DescribeEventBus(ctx, &awsevents.DescribeEventBusInput{Name: aws.String(want.Name)})
	if isNotFound(err) {
		return []plan.Change{plan.NewChange(addr, plan.Create, nil, want, "the backup account's bus receives the organization's backup job failures")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading event bus %s in %s/%s: %w", want.Name, account, region, err)
	}
	live := Bus{Name: want.Name}
	if p := aws.ToString(out.Policy); p != "" {
		live.Policy = plan.Document(p)
	}
	if live.Tags, err = eventsTags(ctx, api, aws.ToString(out.Arn)); err != nil {
		return nil, err
	}
	if plan.JSONEqual(live.Policy, want.Policy) && !tagsMissing(want.Tags, live.Tags) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(addr, plan.Update, live, want, "the alerts bus's policy or tags differ from the spec")}, nil
}

// applyBus creates the bus if needed and sets its policy and tags.
func applyBus(ctx context.Context, api EventsWriter, c plan.Change) error {
	var want Bus
	if err := c.Decode(&want); err != nil {
		return err
	}
	_, err := api.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String(want.Name), Tags: tagList(want.Tags)})
	var exists *eventstypes.ResourceAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		d, err := api.DescribeEventBus(ctx, &awsevents.DescribeEventBusInput{Name: aws.String(want.Name)})
		if err != nil {
			return fmt.Errorf("reading event bus %s: %w", want.Name, err)
		}
		if len(want.Tags) > 0 {
			if _, err := api.TagResource(ctx, &awsevents.TagResourceInput{ResourceARN: d.Arn, Tags: tagList(want.Tags)}); err != nil {
				return fmt.Errorf("tagging event bus %s: %w", want.Name, err)
			}
		}
	case err != nil:
		return fmt.Errorf("creating event bus %s: %w", want.Name, err)
	}
	if len(want.Policy) > 0 {
		if _, err := api.PutPermission(ctx, &awsevents.PutPermissionInput{EventBusName: aws.String(want.Name), Policy: aws.String(string(want.Policy))}); err != nil {
			return fmt.Errorf("setting the policy of event bus %s: %w", want.Name, err)
		}
	}
	return nil
}
