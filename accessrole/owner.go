package accessrole

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's ownership fields).

// ownedByDeployRole: the only policy this package manages is the deploy
// role's permissions boundary, which carries no tags; the deploy role's
// say who owns it.
func ownedByDeployRole(a plan.Address) plan.Address {
	a.Kind, a.Name = KindRole, githubiam.DeployRole
	return a
}

// roleTags reads a role's tags.
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
