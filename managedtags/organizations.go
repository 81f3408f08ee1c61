package managedtags

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// OrganizationsTagReader lists the tags of an Organizations resource.
type OrganizationsTagReader interface {
	ListTagsForResource(ctx context.Context, in *awsorgs.ListTagsForResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTagsForResourceOutput, error)
}

// OrganizationsTagWriter changes the tags of an Organizations resource.
type OrganizationsTagWriter interface {
	OrganizationsTagReader
	TagResource(ctx context.Context, in *awsorgs.TagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsorgs.UntagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UntagResourceOutput, error)
}

var _ OrganizationsTagWriter = (*awsorgs.Client)(nil)

// OrganizationsTags lists every tag of the Organizations resource id (a
// policy, OU, account or root).
func OrganizationsTags(ctx context.Context, api OrganizationsTagReader, id string) (map[string]string, error) {
	out := map[string]string{}
	p := awsorgs.NewListTagsForResourcePaginator(api, &awsorgs.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("listing tags of", id, err)
		}
		for _, t := range page.Tags {
			out[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return out, nil
}

// OrganizationsList returns tags as the Organizations API takes them, in
// key order.
func OrganizationsList(tags map[string]string) []orgtypes.Tag {
	var out []orgtypes.Tag
	sortedPairs(tags, func(k, v string) { out = append(out, orgtypes.Tag{Key: aws.String(k), Value: aws.String(v)}) })
	return out
}

// OrganizationsTagger tags one Organizations resource by ID.
type OrganizationsTagger struct {
	API OrganizationsTagWriter
	ID  string
}

// Tags implements Tagger.
func (t OrganizationsTagger) Tags(ctx context.Context) (map[string]string, error) {
	return OrganizationsTags(ctx, t.API, t.ID)
}

// Tag implements Tagger.
func (t OrganizationsTagger) Tag(ctx context.Context, tags map[string]string) error {
	_, err := t.API.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(t.ID), Tags: OrganizationsList(tags)})
	return wrap("tagging", t.ID, err)
}

// Untag implements Tagger.
func (t OrganizationsTagger) Untag(ctx context.Context, keys []string) error {
	_, err := t.API.UntagResource(ctx, &awsorgs.UntagResourceInput{ResourceId: aws.String(t.ID), TagKeys: keys})
	return wrap("untagging", t.ID, err)
}
