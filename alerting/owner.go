package alerting

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orgbackup/orgbackup/plan"
)

// LiveTags returns the tags of the live resource of one of this
// package's kinds at a, and false when it does not exist, so the engine
// can tell who owns it.
func LiveTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	switch a.Kind {
	case KindRole:
		out, err := awsiam.NewFromConfig(cfg).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(a.Name)})
		var nse *iamtypes.NoSuchEntityException
		if errors.As(err, &nse) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		for _, t := range out.Role.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return tags, true, nil
	case KindTopic:
		out, err := awssns.NewFromConfig(cfg).ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String(topicARN(a.Region, a.Account, a.Name))})
		var nf *snstypes.NotFoundException
		var rnf *snstypes.ResourceNotFoundException
		if errors.As(err, &nf) || errors.As(err, &rnf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return tags, true, nil
	case KindBus:
		api := awsevents.NewFromConfig(cfg)
		out, err := api.DescribeEventBus(ctx, &awsevents.DescribeEventBusInput{Name: aws.String(a.Name)})
		if isNotFound(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := eventsTags(ctx, api, aws.ToString(out.Arn))
		return tags, err == nil, err
	case KindRule:
		bus, name, _ := strings.Cut(a.Name, "/")
		api := awsevents.NewFromConfig(cfg)
		out, err := api.DescribeRule(ctx, &awsevents.DescribeRuleInput{Name: aws.String(name), EventBusName: aws.String(bus)})
		if isNotFound(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := eventsTags(ctx, api, aws.ToString(out.Arn))
		return tags, err == nil, err
	}
	return nil, false, errors.New("not a kind of package alerting: " + a.Kind)
}
