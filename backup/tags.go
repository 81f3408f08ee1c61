package backup

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// managedTagPrefix starts the tag keys only orgbackup sets (spec
// validation refuses them in the spec's tags).
const managedTagPrefix = "orgbackup:"

// managedView returns the part of live tags that orgbackup manages on a
// resource whose desired tags are want: want's keys and keys in
// orgbackup's own namespace. Tags others added are not in it. It is nil
// when empty, so that it compares equal to no tags.
func managedView(live, want map[string]string) map[string]string {
	var out map[string]string
	for k, v := range live {
		if _, ok := want[k]; ok || strings.HasPrefix(k, managedTagPrefix) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// tagDiff returns the tags to set on a resource whose tags are live so
// that it carries want, and the keys to remove: keys in orgbackup's
// namespace that want lacks. A key of the spec's tags that the spec no
// longer has is kept, as it cannot be told from a tag someone else added.
func tagDiff(live, want map[string]string) (set map[string]string, remove []string) {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := live[k]; !ok || v != want[k] {
			if set == nil {
				set = map[string]string{}
			}
			set[k] = want[k]
		}
	}
	for _, k := range slices.Sorted(maps.Keys(live)) {
		if _, ok := want[k]; !ok && strings.HasPrefix(k, managedTagPrefix) {
			remove = append(remove, k)
		}
	}
	return set, remove
}

// backupTagsAPI is the part of the Backup client that tags report plans
// and frameworks.
type backupTagsAPI interface {
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsbackup.UntagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
}

// backupTags lists every tag of an AWS Backup resource.
func backupTags(ctx context.Context, api backupTagsAPI, arn string) (map[string]string, error) {
	out := map[string]string{}
	in := &awsbackup.ListTagsInput{ResourceArn: aws.String(arn)}
	for {
		page, err := api.ListTags(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("listing tags of %s: %w", arn, err)
		}
		maps.Copy(out, page.Tags)
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// syncBackupTags gives an AWS Backup resource the tags want, removing
// only keys in orgbackup's namespace.
func syncBackupTags(ctx context.Context, api backupTagsAPI, arn string, want map[string]string) error {
	live, err := backupTags(ctx, api, arn)
	if err != nil {
		return err
	}
	set, remove := tagDiff(live, want)
	if len(set) > 0 {
		if _, err := api.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(arn), Tags: set}); err != nil {
			return fmt.Errorf("tagging %s: %w", arn, err)
		}
	}
	if len(remove) > 0 {
		if _, err := api.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(arn), TagKeyList: remove}); err != nil {
			return fmt.Errorf("untagging %s: %w", arn, err)
		}
	}
	return nil
}

// orgTagsAPI is the part of the Organizations client that tags policies.
type orgTagsAPI interface {
	ListTagsForResource(ctx context.Context, in *awsorgs.ListTagsForResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *awsorgs.TagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsorgs.UntagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UntagResourceOutput, error)
}

// orgTags lists every tag of an Organizations resource (a policy by ID).
func orgTags(ctx context.Context, api orgTagsAPI, id string) (map[string]string, error) {
	out := map[string]string{}
	in := &awsorgs.ListTagsForResourceInput{ResourceId: aws.String(id)}
	for {
		page, err := api.ListTagsForResource(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("listing tags of %s: %w", id, err)
		}
		for _, t := range page.Tags {
			out[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// syncOrgTags gives an Organizations resource the tags want, removing
// only keys in orgbackup's namespace.
func syncOrgTags(ctx context.Context, api orgTagsAPI, id string, want map[string]string) error {
	live, err := orgTags(ctx, api, id)
	if err != nil {
		return err
	}
	set, remove := tagDiff(live, want)
	if len(set) > 0 {
		var tags []orgtypes.Tag
		for _, k := range slices.Sorted(maps.Keys(set)) {
			tags = append(tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(set[k])})
		}
		if _, err := api.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(id), Tags: tags}); err != nil {
			return fmt.Errorf("tagging %s: %w", id, err)
		}
	}
	if len(remove) > 0 {
		if _, err := api.UntagResource(ctx, &awsorgs.UntagResourceInput{ResourceId: aws.String(id), TagKeys: remove}); err != nil {
			return fmt.Errorf("untagging %s: %w", id, err)
		}
	}
	return nil
}
