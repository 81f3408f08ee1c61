package emulator_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

func TestResourceARNs(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	const a, r = "333333333333", "us-west-2"
	for typ, want := range map[emulator.ResourceType]string{
		emulator.EC2Instance:   "arn:aws:ec2:us-west-2:333333333333:instance/i-0123456789abcdef0",
		emulator.EBSVolume:     "arn:aws:ec2:us-west-2:333333333333:volume/vol-0123456789abcdef0",
		emulator.RDSInstance:   "arn:aws:rds:us-west-2:333333333333:db:orders",
		emulator.EFSFileSystem: "arn:aws:elasticfilesystem:us-west-2:333333333333:file-system/fs-0123456789abcdef0",
		emulator.DynamoDBTable: "arn:aws:dynamodb:us-west-2:333333333333:table/orders",
		emulator.S3Bucket:      "arn:aws:s3:::orders-data",
	} {
		id := map[emulator.ResourceType]string{emulator.EC2Instance: "i-0123456789abcdef0", emulator.EBSVolume: "vol-0123456789abcdef0",
			emulator.RDSInstance: "orders", emulator.EFSFileSystem: "fs-0123456789abcdef0", emulator.DynamoDBTable: "orders", emulator.S3Bucket: "orders-data"}[typ]
		if got := srv.AddResource(a, r, typ, id, map[string]string{"backup": "daily"}, 100); got != want {
			t.Errorf("AddResource(%s) = %q, want %q", typ, got, want)
		}
	}
	if got := srv.AddResource(a, r, "Floppy", "x", nil, 0); got != "" {
		t.Errorf("AddResource(unknown type) = %q, want \"\"", got)
	}
	got := srv.Resources(a, r)
	if len(got) != 6 {
		t.Fatalf("Resources = %d, want 6", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].ARN >= got[i].ARN {
			t.Errorf("Resources not sorted by ARN: %s before %s", got[i-1].ARN, got[i].ARN)
		}
	}
	want := emulator.Resource{ARN: "arn:aws:ec2:us-west-2:333333333333:instance/i-0123456789abcdef0", Account: a, Region: r, Type: emulator.EC2Instance,
		ID: "i-0123456789abcdef0", Name: "i-0123456789abcdef0", Tags: map[string]string{"backup": "daily"}, SizeBytes: 100}
	if diff := cmp.Diff(want, got[1]); diff != "" {
		t.Errorf("Resources()[1] mismatch (-want +got):\n%s", diff)
	}
	// Generated IDs have the type's form.
	if arn := srv.AddResource(a, r, emulator.EBSVolume, "", nil, 0); len(arn) != len("arn:aws:ec2:us-west-2:333333333333:volume/vol-")+17 {
		t.Errorf("generated volume ARN %q", arn)
	}
	// The S3 bucket is a real bucket.
	s3c := s3TestClient(t, srv, a, r)
	if _, err := s3c.HeadBucket(context.Background(), &awss3.HeadBucketInput{Bucket: aws.String("orders-data")}); err != nil {
		t.Errorf("HeadBucket of an added bucket: %v", err)
	}
	if len(srv.Resources(a, "us-east-1")) != 0 || len(srv.Resources("444444444444", r)) != 0 {
		t.Errorf("resources leak into other regions or accounts")
	}
}

func TestResourceTagsFromGo(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	arn := srv.AddResource("333333333333", "us-east-1", emulator.DynamoDBTable, "orders", map[string]string{"a": "1"}, 0)
	if err := srv.TagResource(arn, map[string]string{"b": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.UntagResource(arn, "a"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"b": "2"}, srv.Resources("333333333333", "us-east-1")[0].Tags); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if err := srv.TagResource("arn:aws:dynamodb:us-east-1:333333333333:table/none", map[string]string{"b": "2"}); err == nil {
		t.Errorf("TagResource(missing) succeeded")
	}
	if err := srv.RemoveResource(arn); err != nil {
		t.Fatal(err)
	}
	if err := srv.RemoveResource(arn); err == nil {
		t.Errorf("second RemoveResource succeeded")
	}
	if n := len(srv.Resources("333333333333", "us-east-1")); n != 0 {
		t.Errorf("Resources after RemoveResource = %d", n)
	}
}

func taggingTestClient(srv *emulator.Server, account string) *awstagging.Client {
	return awstagging.NewFromConfig(srv.Config(account, "us-east-1"))
}

func TestTaggingGetResources(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	const a = "333333333333"
	add := func(typ emulator.ResourceType, id string, tags map[string]string) string {
		return srv.AddResource(a, "us-east-1", typ, id, tags, 0)
	}
	web := add(emulator.EC2Instance, "i-000000000000000a1", map[string]string{"backup": "daily", "env": "prod"})
	batch := add(emulator.EC2Instance, "i-000000000000000a2", map[string]string{"backup": "weekly", "env": "dev"})
	vol := add(emulator.EBSVolume, "vol-000000000000000b1", map[string]string{"backup": "daily"})
	db := add(emulator.RDSInstance, "orders", map[string]string{"env": "prod"})
	fs := add(emulator.EFSFileSystem, "fs-000000000000000c1", map[string]string{"backup": "none"})
	tbl := add(emulator.DynamoDBTable, "events", map[string]string{"backup": "daily"})
	bucket := add(emulator.S3Bucket, "orders-archive", map[string]string{"backup": "daily"})
	add(emulator.EC2Instance, "i-000000000000000a3", nil) // never tagged
	srv.AddResource(a, "us-west-2", emulator.EC2Instance, "i-000000000000000f1", map[string]string{"backup": "daily"}, 0)
	srv.AddResource("444444444444", "us-east-1", emulator.EC2Instance, "i-000000000000000f2", map[string]string{"backup": "daily"}, 0)

	c := taggingTestClient(srv, a)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		in   awstagging.GetResourcesInput
		want []string
		code string
	}{
		"all tagged":        {awstagging.GetResourcesInput{}, []string{tbl, web, batch, vol, fs, db, bucket}, ""},
		"one value":         {awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("backup"), Values: []string{"daily"}}}}, []string{tbl, web, vol, bucket}, ""},
		"values are ORed":   {awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("backup"), Values: []string{"weekly", "none"}}}}, []string{batch, fs}, ""},
		"keys are ANDed":    {awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("backup"), Values: []string{"daily", "weekly"}}, {Key: aws.String("env"), Values: []string{"prod"}}}}, []string{web}, ""},
		"key only":          {awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("env")}}}, []string{web, batch, db}, ""},
		"service filter":    {awstagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2"}}, []string{web, batch, vol}, ""},
		"type filter":       {awstagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:instance"}}, []string{web, batch}, ""},
		"several types":     {awstagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:volume", "rds:db", "elasticfilesystem:file-system", "dynamodb:table", "s3"}}, []string{tbl, vol, fs, db, bucket}, ""},
		"types and tags":    {awstagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:instance"}, TagFilters: []taggingtypes.TagFilter{{Key: aws.String("backup"), Values: []string{"daily"}}}}, []string{web}, ""},
		"arn list":          {awstagging.GetResourcesInput{ResourceARNList: []string{db, "arn:aws:ec2:us-east-1:333333333333:instance/i-missing", web}}, []string{web, db}, ""},
		"arn list and tags": {awstagging.GetResourcesInput{ResourceARNList: []string{db}, TagFilters: []taggingtypes.TagFilter{{Key: aws.String("env")}}}, nil, "InvalidParameterException"},
		"per page too big":  {awstagging.GetResourcesInput{ResourcesPerPage: aws.Int32(101)}, nil, "InvalidParameterException"},
		"bad token":         {awstagging.GetResourcesInput{PaginationToken: aws.String("%%")}, nil, "InvalidParameterException"},
		"too many values":   {awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("k"), Values: make([]string, 21)}}}, nil, "InvalidParameterException"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := c.GetResources(ctx, &tc.in)
			if got := errorCode(err); got != tc.code {
				t.Fatalf("GetResources error code = %q, want %q (%v)", got, tc.code, err)
			}
			if err != nil {
				return
			}
			var got []string
			for _, m := range out.ResourceTagMappingList {
				got = append(got, aws.ToString(m.ResourceARN))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("GetResources ARNs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTaggingPagination(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	var want []string
	for i := range 25 {
		want = append(want, srv.AddResource("333333333333", "us-east-1", emulator.EBSVolume, fmt.Sprintf("vol-%017d", i), map[string]string{"n": fmt.Sprint(i % 7), fmt.Sprintf("k%02d", i): "v"}, 0))
	}
	c := taggingTestClient(srv, "333333333333")
	ctx := context.Background()
	var got []string
	pages := 0
	p := awstagging.NewGetResourcesPaginator(c, &awstagging.GetResourcesInput{ResourcesPerPage: aws.Int32(10)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("GetResources: %v", err)
		}
		pages++
		for _, m := range out.ResourceTagMappingList {
			got = append(got, aws.ToString(m.ResourceARN))
			if len(m.Tags) != 2 {
				t.Errorf("%s has %d tags, want 2", aws.ToString(m.ResourceARN), len(m.Tags))
			}
		}
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged ARNs mismatch (-want +got):\n%s", diff)
	}

	var keys []string
	kp := awstagging.NewGetTagKeysPaginator(c, &awstagging.GetTagKeysInput{})
	for kp.HasMorePages() {
		out, err := kp.NextPage(ctx)
		if err != nil {
			t.Fatalf("GetTagKeys: %v", err)
		}
		keys = append(keys, out.TagKeys...)
	}
	if len(keys) != 26 || keys[0] != "k00" || keys[25] != "n" {
		t.Errorf("GetTagKeys = %v", keys)
	}
	vals, err := c.GetTagValues(ctx, &awstagging.GetTagValuesInput{Key: aws.String("n")})
	if err != nil {
		t.Fatalf("GetTagValues: %v", err)
	}
	if diff := cmp.Diff([]string{"0", "1", "2", "3", "4", "5", "6"}, vals.TagValues); diff != "" {
		t.Errorf("GetTagValues mismatch (-want +got):\n%s", diff)
	}
}

func TestTaggingTagResources(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	const a = "333333333333"
	inst := srv.AddResource(a, "us-east-1", emulator.EC2Instance, "i-000000000000000a1", nil, 0)
	bucket := srv.AddResource(a, "us-east-1", emulator.S3Bucket, "tagged-bucket", nil, 0)
	missing := "arn:aws:ec2:us-east-1:333333333333:instance/i-none"
	c := taggingTestClient(srv, a)
	ctx := context.Background()
	out, err := c.TagResources(ctx, &awstagging.TagResourcesInput{ResourceARNList: []string{inst, bucket, missing}, Tags: map[string]string{"backup": "daily", "x": "1"}})
	if err != nil {
		t.Fatalf("TagResources: %v", err)
	}
	if len(out.FailedResourcesMap) != 1 || out.FailedResourcesMap[missing].ErrorCode != taggingtypes.ErrorCodeInvalidParameterException {
		t.Errorf("FailedResourcesMap = %+v", out.FailedResourcesMap)
	}
	if _, err := c.UntagResources(ctx, &awstagging.UntagResourcesInput{ResourceARNList: []string{inst, bucket}, TagKeys: []string{"x"}}); err != nil {
		t.Fatalf("UntagResources: %v", err)
	}
	res, err := c.GetResources(ctx, &awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("backup"), Values: []string{"daily"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ResourceTagMappingList) != 2 {
		t.Errorf("tagged resources = %+v", res.ResourceTagMappingList)
	}
	// Tags set through the Tagging API are the bucket's S3 tags.
	tg, err := s3TestClient(t, srv, a, "us-east-1").GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String("tagged-bucket")})
	if err != nil {
		t.Fatalf("GetBucketTagging: %v", err)
	}
	if diff := cmp.Diff([]s3types.Tag{{Key: aws.String("backup"), Value: aws.String("daily")}}, tg.TagSet, cmp.AllowUnexported(s3types.Tag{})); diff != "" {
		t.Errorf("bucket tags mismatch (-want +got):\n%s", diff)
	}
	for name, in := range map[string]*awstagging.TagResourcesInput{
		"reserved key": {ResourceARNList: []string{inst}, Tags: map[string]string{"aws:x": "1"}},
		"no arns":      {ResourceARNList: []string{}, Tags: map[string]string{"a": "1"}},
		"no tags":      {ResourceARNList: []string{inst}, Tags: map[string]string{}},
	} {
		if _, err := c.TagResources(ctx, in); errorCode(err) != "InvalidParameterException" {
			t.Errorf("%s: TagResources = %v, want InvalidParameterException", name, err)
		}
	}
}
