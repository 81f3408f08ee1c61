package distribution

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's ownership fields).

// ownedByPolicy: an attachment ("POLICY@TARGET") has no tags; its
// policy's say who owns it.
func ownedByPolicy(a plan.Address) plan.Address {
	a.Kind = KindPolicy
	if i := strings.LastIndex(a.Name, "@"); i >= 0 {
		a.Name = a.Name[:i]
	}
	return a
}

// policyTags reads a backup policy's tags, found by name.
func policyTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsorgs.NewFromConfig(cfg)
	pages := awsorgs.NewListPoliciesPaginator(api, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
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

// planTags reads a direct-mode backup plan's tags, found by name.
func planTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsbackup.NewFromConfig(cfg)
	pages := awsbackup.NewListBackupPlansPaginator(api, &awsbackup.ListBackupPlansInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, false, err
		}
		for _, p := range out.BackupPlansList {
			if aws.ToString(p.BackupPlanName) == a.Name {
				tags, err := managedtags.BackupTags(ctx, api, aws.ToString(p.BackupPlanArn))
				return tags, true, err
			}
		}
	}
	return nil, false, nil
}
