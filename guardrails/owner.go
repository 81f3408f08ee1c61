package guardrails

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's ownership fields).

// ownedBySCP: an attachment ("POLICY@TARGET") has no tags; its SCP's say
// who owns it.
func ownedBySCP(a plan.Address) plan.Address {
	a.Kind = KindSCP
	if i := strings.LastIndex(a.Name, "@"); i >= 0 {
		a.Name = a.Name[:i]
	}
	return a
}

// scpTags reads a service control policy's tags, found by name.
func scpTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsorgs.NewFromConfig(cfg)
	pages := awsorgs.NewListPoliciesPaginator(api, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, false, err
		}
		for _, p := range out.Policies {
			if aws.ToString(p.Name) == a.Name {
				tags, err := managedtags.OrganizationsTags(ctx, api, aws.ToString(p.Id))
				return tags, true, err
			}
		}
	}
	return nil, false, nil
}
