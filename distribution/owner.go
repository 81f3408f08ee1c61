package distribution

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// planTags reads a direct-mode backup plan's tags, found by name
// (plan.Kind's Tags).
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
