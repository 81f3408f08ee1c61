package servicerole

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgbackup/orgbackup/plan"
)

// roleTags reads a role's tags (plan.Kind's Tags).
func roleTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	out, err := awsiam.NewFromConfig(cfg).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(a.Name)})
	var nf *iamtypes.NoSuchEntityException
	if errors.As(err, &nf) {
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
}
