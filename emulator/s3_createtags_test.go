package emulator_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestS3CreateBucketTags checks that tags given to CreateBucket
// (CreateBucketConfiguration.Tags) are the bucket's from its creation,
// and that a key given twice is refused.
func TestS3CreateBucketTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tag := func(k, v string) s3types.Tag { return s3types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	for name, tc := range map[string]struct {
		tags    []s3types.Tag
		want    map[string]string
		wantErr bool
	}{
		"tagged at creation": {tags: []s3types.Tag{tag("orgbackup:managed", "true"), tag("team", "backup")}, want: map[string]string{"orgbackup:managed": "true", "team": "backup"}},
		"a key twice":        {tags: []s3types.Tag{tag("team", "a"), tag("team", "b")}, wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			c := s3TestClient(t, srv, emulator.ManagementAccountID, "eu-west-1")
			_, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("tagged-at-creation"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{
				LocationConstraint: "eu-west-1", Tags: tc.tags}})
			if tc.wantErr {
				if err == nil {
					t.Fatal("CreateBucket with a tag key twice succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateBucket: %v", err)
			}
			out, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String("tagged-at-creation")})
			if err != nil {
				t.Fatalf("GetBucketTagging: %v", err)
			}
			got := map[string]string{}
			for _, tg := range out.TagSet {
				got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
}
