package auditreports

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Who owns this package's resources (plan.Kind's Tags).

// reportPlanTags reads a report plan's tags.
func reportPlanTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsbackup.NewFromConfig(cfg)
	out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(a.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.ReportPlan.ReportPlanArn))
	return tags, true, err
}

// frameworkTags reads a framework's tags.
func frameworkTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awsbackup.NewFromConfig(cfg)
	out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(a.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.FrameworkArn))
	return tags, true, err
}

// bucketTags reads a bucket's tags; a bucket with no tag set has none.
func bucketTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	api := awss3.NewFromConfig(cfg)
	out, err := api.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String(a.Name)})
	switch {
	case isCode(err, "NoSuchBucket"):
		return nil, false, nil
	case isCode(err, "NoSuchTagSet", "NoSuchTagSetError"):
		return map[string]string{}, true, nil
	case err != nil:
		return nil, false, err
	}
	tags := map[string]string{}
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, true, nil
}
