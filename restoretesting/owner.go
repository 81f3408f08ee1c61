package restoretesting

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's ownership fields).

// ownedByPlan: a selection ("PLAN/SELECTION") has no tags of its own
// (CreateRestoreTestingSelection takes none); its plan's say who owns it.
func ownedByPlan(a plan.Address) plan.Address {
	a.Kind = KindPlan
	if i := strings.Index(a.Name, "/"); i >= 0 {
		a.Name = a.Name[:i]
	}
	return a
}

// planTags reads a restore testing plan's tags.
func planTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsbackup.NewFromConfig(cfg)
	out, err := api.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(a.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.RestoreTestingPlan.RestoreTestingPlanArn))
	return tags, true, err
}
