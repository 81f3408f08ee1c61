package managedtags

import (
	"context"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// BackupTagReader lists the tags of an AWS Backup resource.
type BackupTagReader interface {
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
}

// BackupTagWriter changes the tags of an AWS Backup resource.
type BackupTagWriter interface {
	BackupTagReader
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsbackup.UntagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
}

var _ BackupTagWriter = (*awsbackup.Client)(nil)

// BackupTags lists every tag of the AWS Backup resource arn.
func BackupTags(ctx context.Context, api BackupTagReader, arn string) (map[string]string, error) {
	out := map[string]string{}
	p := awsbackup.NewListTagsPaginator(api, &awsbackup.ListTagsInput{ResourceArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("listing tags of", arn, err)
		}
		maps.Copy(out, page.Tags)
	}
	return out, nil
}

// BackupTagger tags one AWS Backup resource (a vault, plan, report plan or
// framework) by ARN.
type BackupTagger struct {
	API BackupTagWriter
	ARN string
}

// Tags implements Tagger.
func (t BackupTagger) Tags(ctx context.Context) (map[string]string, error) {
	return BackupTags(ctx, t.API, t.ARN)
}

// Tag implements Tagger.
func (t BackupTagger) Tag(ctx context.Context, tags map[string]string) error {
	_, err := t.API.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(t.ARN), Tags: tags})
	return wrap("tagging", t.ARN, err)
}

// Untag implements Tagger.
func (t BackupTagger) Untag(ctx context.Context, keys []string) error {
	_, err := t.API.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(t.ARN), TagKeyList: keys})
	return wrap("untagging", t.ARN, err)
}
