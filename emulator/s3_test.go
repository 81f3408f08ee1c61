package emulator_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

func s3TestClient(t *testing.T, srv *emulator.Server, account, region string) *awss3.Client {
	t.Helper()
	return awss3.NewFromConfig(srv.Config(account, region))
}

func s3MustCreateBucket(t *testing.T, c *awss3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket(%s): %v", name, err)
	}
}

func TestS3CreateBucket(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		region, bucket, constraint string
		code                       string
	}{
		"us-east-1 no constraint":       {"us-east-1", "reports", "", ""},
		"us-east-1 explicit constraint": {"us-east-1", "reports", "us-east-1", "InvalidLocationConstraint"},
		"us-east-1 other constraint":    {"us-east-1", "reports", "eu-west-1", "IllegalLocationConstraintException"},
		"us-west-2 with constraint":     {"us-west-2", "reports", "us-west-2", ""},
		"us-west-2 no constraint":       {"us-west-2", "reports", "", "IllegalLocationConstraintException"},
		"us-west-2 wrong constraint":    {"us-west-2", "reports", "eu-west-1", "IllegalLocationConstraintException"},
		"upper case":                    {"us-east-1", "Reports", "", "InvalidBucketName"},
		"too short":                     {"us-east-1", "ab", "", "InvalidBucketName"},
		"ip address":                    {"us-east-1", "192.168.1.1", "", "InvalidBucketName"},
		"double dot":                    {"us-east-1", "a..b", "", "InvalidBucketName"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			c := s3TestClient(t, srv, "222222222222", tc.region)
			in := &awss3.CreateBucketInput{Bucket: aws.String(tc.bucket)}
			if tc.constraint != "" {
				in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(tc.constraint)}
			}
			_, err := c.CreateBucket(context.Background(), in)
			if got := errorCode(err); got != tc.code {
				t.Fatalf("CreateBucket error code = %q, want %q (%v)", got, tc.code, err)
			}
			if err != nil {
				return
			}
			out, err := c.HeadBucket(context.Background(), &awss3.HeadBucketInput{Bucket: aws.String(tc.bucket)})
			if err != nil || aws.ToString(out.BucketRegion) != tc.region {
				t.Errorf("HeadBucket = %v, %v; want region %s", out, err, tc.region)
			}
		})
	}
}

func TestS3CreateBucketConflicts(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	east := s3TestClient(t, srv, "222222222222", "us-east-1")
	west := s3TestClient(t, srv, "222222222222", "us-west-2")
	other := s3TestClient(t, srv, "333333333333", "us-east-1")
	s3MustCreateBucket(t, east, "east-bucket")
	if _, err := west.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("west-bucket"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-west-2"}}); err != nil {
		t.Fatal(err)
	}
	// Re-creating an owned us-east-1 bucket in us-east-1 succeeds (legacy).
	if _, err := east.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("east-bucket")}); err != nil {
		t.Errorf("re-CreateBucket in us-east-1 = %v, want success", err)
	}
	var owned *s3types.BucketAlreadyOwnedByYou
	if _, err := west.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("west-bucket"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-west-2"}}); !errors.As(err, &owned) {
		t.Errorf("re-CreateBucket in us-west-2 = %v, want BucketAlreadyOwnedByYou", err)
	}
	var exists *s3types.BucketAlreadyExists
	if _, err := other.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("east-bucket")}); !errors.As(err, &exists) {
		t.Errorf("CreateBucket of another account's name = %v, want BucketAlreadyExists", err)
	}
	out, err := east.ListBuckets(ctx, &awss3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	if diff := cmp.Diff([]string{"east-bucket", "west-bucket"}, names); diff != "" {
		t.Errorf("ListBuckets mismatch (-want +got):\n%s", diff)
	}
}

func TestS3HeadAndDeleteBucket(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	var nf *s3types.NotFound
	if _, err := c.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("missing")}); !errors.As(err, &nf) {
		t.Errorf("HeadBucket(missing) = %v, want NotFound", err)
	}
	// HEAD 404 has no body.
	resp, err := http.Head(srv.URL + "/missing")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound || len(body) != 0 {
		t.Errorf("unsigned HEAD = %d with %d body bytes", resp.StatusCode, len(body))
	}
	s3MustCreateBucket(t, c, "data")
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("data")}); errorCode(err) != "BucketNotEmpty" {
		t.Errorf("DeleteBucket(non-empty) = %v, want BucketNotEmpty", err)
	}
	if _, err := c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("data"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("data")}); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}
	if _, err := c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("data")}); errorCode(err) != "NoSuchBucket" {
		t.Errorf("DeleteBucket(deleted) = %v, want NoSuchBucket", err)
	}
}

func TestS3BucketPolicy(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	if _, err := c.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("reports")}); errorCode(err) != "NoSuchBucketPolicy" {
		t.Errorf("GetBucketPolicy(none) = %v, want NoSuchBucketPolicy", err)
	}
	if _, err := c.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String("{nope")}); errorCode(err) != "MalformedPolicy" {
		t.Errorf("PutBucketPolicy(bad) = %v, want MalformedPolicy", err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::reports/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(policy)}); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
	out, err := c.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("reports")})
	if err != nil || aws.ToString(out.Policy) != policy {
		t.Errorf("GetBucketPolicy = %v, %v", out, err)
	}
	if _, err := c.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("none")}); errorCode(err) != "NoSuchBucket" {
		t.Errorf("GetBucketPolicy(missing bucket) = %v, want NoSuchBucket", err)
	}

	other := s3TestClient(t, srv, "333333333333", "us-east-1")
	stranger := s3TestClient(t, srv, "444444444444", "us-east-1")
	if _, err := other.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("r.csv"), Body: strings.NewReader("a,b")}); err != nil {
		t.Errorf("cross-account PutObject allowed by policy = %v", err)
	}
	if _, err := stranger.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("r.csv"), Body: strings.NewReader("a,b")}); errorCode(err) != "AccessDenied" {
		t.Errorf("cross-account PutObject not in policy = %v, want AccessDenied", err)
	}
	if _, err := other.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String("reports")}); errorCode(err) != "AccessDenied" {
		t.Errorf("cross-account GetBucketPolicy = %v, want AccessDenied", err)
	}
	if _, err := c.DeleteBucketPolicy(ctx, &awss3.DeleteBucketPolicyInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatalf("DeleteBucketPolicy: %v", err)
	}
	if _, err := other.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("r.csv"), Body: strings.NewReader("a,b")}); errorCode(err) != "AccessDenied" {
		t.Errorf("cross-account PutObject without policy = %v, want AccessDenied", err)
	}
}

func TestS3BucketEncryption(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	get := func() s3types.ServerSideEncryptionByDefault {
		t.Helper()
		out, err := c.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: aws.String("reports")})
		if err != nil {
			t.Fatalf("GetBucketEncryption: %v", err)
		}
		return *out.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
	}
	if got := get(); got.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("default encryption = %+v, want AES256", got)
	}
	key := "arn:aws:kms:us-east-1:222222222222:key/11111111-2222-4333-a444-555555555555"
	if _, err := c.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: aws.String("reports"), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}, BucketKeyEnabled: aws.Bool(true)}},
	}}); err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}
	if got := get(); got.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms || aws.ToString(got.KMSMasterKeyID) != key {
		t.Errorf("encryption = %+v", got)
	}
	if _, err := c.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: aws.String("reports"), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String(key)}}},
	}}); errorCode(err) != "InvalidArgument" {
		t.Errorf("PutBucketEncryption(AES256 with key) = %v, want InvalidArgument", err)
	}
	if _, err := c.DeleteBucketEncryption(ctx, &awss3.DeleteBucketEncryptionInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("encryption after delete = %+v, want AES256", got)
	}
}

func TestS3PublicAccessBlock(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	out, err := c.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("reports")})
	if err != nil {
		t.Fatalf("GetPublicAccessBlock: %v", err)
	}
	if cfg := out.PublicAccessBlockConfiguration; !aws.ToBool(cfg.BlockPublicAcls) || !aws.ToBool(cfg.IgnorePublicAcls) || !aws.ToBool(cfg.BlockPublicPolicy) || !aws.ToBool(cfg.RestrictPublicBuckets) {
		t.Errorf("new bucket public access block = %+v, want all true", cfg)
	}
	if _, err := c.DeletePublicAccessBlock(ctx, &awss3.DeletePublicAccessBlockInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("reports")}); errorCode(err) != "NoSuchPublicAccessBlockConfiguration" {
		t.Errorf("GetPublicAccessBlock after delete = %v, want NoSuchPublicAccessBlockConfiguration", err)
	}
	if _, err := c.PutPublicAccessBlock(ctx, &awss3.PutPublicAccessBlockInput{Bucket: aws.String("reports"), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false)}}); err != nil {
		t.Fatalf("PutPublicAccessBlock: %v", err)
	}
	out, err = c.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String("reports")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg := out.PublicAccessBlockConfiguration; !aws.ToBool(cfg.BlockPublicAcls) || aws.ToBool(cfg.BlockPublicPolicy) || aws.ToBool(cfg.IgnorePublicAcls) {
		t.Errorf("public access block = %+v", cfg)
	}
}

func TestS3BucketVersioning(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	out, err := c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String("reports")})
	if err != nil || out.Status != "" {
		t.Fatalf("GetBucketVersioning(new) = %+v, %v; want no status", out, err)
	}
	for _, st := range []s3types.BucketVersioningStatus{s3types.BucketVersioningStatusEnabled, s3types.BucketVersioningStatusSuspended} {
		if _, err := c.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String("reports"), VersioningConfiguration: &s3types.VersioningConfiguration{Status: st}}); err != nil {
			t.Fatalf("PutBucketVersioning(%s): %v", st, err)
		}
		out, err := c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String("reports")})
		if err != nil || out.Status != st {
			t.Errorf("GetBucketVersioning = %+v, %v; want %s", out, err, st)
		}
	}
	if _, err := c.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: aws.String("reports"), VersioningConfiguration: &s3types.VersioningConfiguration{Status: "On"}}); errorCode(err) != "IllegalVersioningConfigurationException" {
		t.Errorf("PutBucketVersioning(On) = %v, want IllegalVersioningConfigurationException", err)
	}
}

func TestS3BucketTagging(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	if _, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String("reports")}); errorCode(err) != "NoSuchTagSet" {
		t.Errorf("GetBucketTagging(none) = %v, want NoSuchTagSet", err)
	}
	tags := []s3types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}}
	if _, err := c.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: aws.String("reports"), Tagging: &s3types.Tagging{TagSet: tags}}); err != nil {
		t.Fatalf("PutBucketTagging: %v", err)
	}
	out, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String("reports")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range out.TagSet {
		got = append(got, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	if diff := cmp.Diff([]string{"a=1", "b=2"}, got); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: aws.String("reports"), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}}}); errorCode(err) != "InvalidTag" {
		t.Errorf("PutBucketTagging(aws:) = %v, want InvalidTag", err)
	}
	if _, err := c.DeleteBucketTagging(ctx, &awss3.DeleteBucketTaggingInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String("reports")}); errorCode(err) != "NoSuchTagSet" {
		t.Errorf("GetBucketTagging after delete = %v, want NoSuchTagSet", err)
	}
}

func TestS3Objects(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	payload := bytes.Repeat([]byte("backup report line\n"), 5000) // > one chunk
	sum := md5.Sum(payload)
	wantETag := `"` + hex.EncodeToString(sum[:]) + `"`
	for name, in := range map[string]*awss3.PutObjectInput{
		// The SDK's default: a CRC32 checksum sent as an aws-chunked trailer.
		"default checksum": {Bucket: aws.String("reports"), Key: aws.String("a/report.csv"), Body: bytes.NewReader(payload), ContentType: aws.String("text/csv"), Metadata: map[string]string{"run": "7"}},
		"sha256 checksum":  {Bucket: aws.String("reports"), Key: aws.String("a/sha.csv"), Body: bytes.NewReader(payload), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := c.PutObject(ctx, in)
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			if aws.ToString(out.ETag) != wantETag {
				t.Errorf("ETag = %s, want %s", aws.ToString(out.ETag), wantETag)
			}
			got, ok := srv.S3Object("reports", aws.ToString(in.Key))
			if !ok || !bytes.Equal(got, payload) {
				t.Errorf("stored object: %d bytes (ok %v), want %d", len(got), ok, len(payload))
			}
		})
	}
	get, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("a/report.csv")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if !bytes.Equal(body, payload) || aws.ToString(get.ETag) != wantETag || aws.ToString(get.ContentType) != "text/csv" || get.Metadata["run"] != "7" || aws.ToInt64(get.ContentLength) != int64(len(payload)) {
		t.Errorf("GetObject = %d bytes, ETag %s, type %s, metadata %v", len(body), aws.ToString(get.ETag), aws.ToString(get.ContentType), get.Metadata)
	}
	if get.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("ServerSideEncryption = %q, want AES256 (bucket default)", get.ServerSideEncryption)
	}
	head, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("reports"), Key: aws.String("a/report.csv")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(payload)) || aws.ToString(head.ETag) != wantETag || !aws.ToTime(head.LastModified).Equal(srv.Now()) {
		t.Errorf("HeadObject = %+v, %v", head, err)
	}
	var nsk *s3types.NoSuchKey
	if _, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("nope")}); !errors.As(err, &nsk) {
		t.Errorf("GetObject(missing) = %v, want NoSuchKey", err)
	}
	var nf *s3types.NotFound
	if _, err := c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("reports"), Key: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("HeadObject(missing) = %v, want NotFound", err)
	}
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k"), Body: strings.NewReader("x")}); errorCode(err) != "NoSuchBucket" {
		t.Errorf("PutObject(missing bucket) = %v, want NoSuchBucket", err)
	}
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("md5"), Body: strings.NewReader("x"), ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")}); errorCode(err) != "BadDigest" {
		t.Errorf("PutObject(wrong Content-MD5) = %v, want BadDigest", err)
	}
}

func TestS3PutObjectKMS(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	out, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("k"), Body: strings.NewReader("x"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms})
	if err != nil {
		t.Fatalf("PutObject(aws:kms): %v", err)
	}
	if out.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || !strings.HasSuffix(aws.ToString(out.SSEKMSKeyId), ":alias/aws/s3") {
		t.Errorf("PutObject SSE = %s key %s", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
	}
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("k"), Body: strings.NewReader("x"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("11111111-2222-4333-a444-555555555555")}); errorCode(err) != "AccessDenied" {
		t.Errorf("PutObject with a missing KMS key = %v, want AccessDenied", err)
	}
}

func TestS3ListObjectsV2(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "reports")
	keys := []string{"2026/01/a.csv", "2026/01/b.csv", "2026/02/c.csv", "2026/x.csv", "index.html", "odd key+&.txt"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatalf("PutObject(%s): %v", k, err)
		}
	}
	type page struct {
		Keys, Prefixes []string
		KeyCount       int32
		Truncated      bool
	}
	list := func(in *awss3.ListObjectsV2Input) []page {
		t.Helper()
		var pages []page
		p := awss3.NewListObjectsV2Paginator(c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListObjectsV2: %v", err)
			}
			pg := page{KeyCount: aws.ToInt32(out.KeyCount), Truncated: aws.ToBool(out.IsTruncated)}
			for _, o := range out.Contents {
				pg.Keys = append(pg.Keys, aws.ToString(o.Key))
				if in.EncodingType == "" && aws.ToInt64(o.Size) != int64(len(aws.ToString(o.Key))) {
					t.Errorf("Size of %s = %d", aws.ToString(o.Key), aws.ToInt64(o.Size))
				}
			}
			for _, cp := range out.CommonPrefixes {
				pg.Prefixes = append(pg.Prefixes, aws.ToString(cp.Prefix))
			}
			pages = append(pages, pg)
		}
		return pages
	}
	for name, tc := range map[string]struct {
		in   awss3.ListObjectsV2Input
		want []page
	}{
		"all":                  {awss3.ListObjectsV2Input{}, []page{{Keys: keys, KeyCount: 6}}},
		"prefix":               {awss3.ListObjectsV2Input{Prefix: aws.String("2026/01/")}, []page{{Keys: keys[:2], KeyCount: 2}}},
		"delimiter":            {awss3.ListObjectsV2Input{Delimiter: aws.String("/")}, []page{{Keys: []string{"index.html", "odd key+&.txt"}, Prefixes: []string{"2026/"}, KeyCount: 3}}},
		"prefix and delimiter": {awss3.ListObjectsV2Input{Prefix: aws.String("2026/"), Delimiter: aws.String("/")}, []page{{Keys: []string{"2026/x.csv"}, Prefixes: []string{"2026/01/", "2026/02/"}, KeyCount: 3}}},
		"pages of 2": {awss3.ListObjectsV2Input{MaxKeys: aws.Int32(2)}, []page{
			{Keys: keys[0:2], KeyCount: 2, Truncated: true}, {Keys: keys[2:4], KeyCount: 2, Truncated: true}, {Keys: keys[4:6], KeyCount: 2}}},
		"pages with prefixes": {awss3.ListObjectsV2Input{Prefix: aws.String("2026/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}, []page{
			{Prefixes: []string{"2026/01/"}, KeyCount: 1, Truncated: true}, {Prefixes: []string{"2026/02/"}, KeyCount: 1, Truncated: true}, {Keys: []string{"2026/x.csv"}, KeyCount: 1}}},
		"start after":  {awss3.ListObjectsV2Input{StartAfter: aws.String("2026/x.csv")}, []page{{Keys: keys[4:], KeyCount: 2}}},
		"url encoding": {awss3.ListObjectsV2Input{Prefix: aws.String("odd"), EncodingType: s3types.EncodingTypeUrl}, []page{{Keys: []string{"odd+key%2B%26.txt"}, KeyCount: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			in.Bucket = aws.String("reports")
			if diff := cmp.Diff(tc.want, list(&in)); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("reports"), ContinuationToken: aws.String("!!")}); errorCode(err) != "InvalidArgument" {
		t.Errorf("ListObjectsV2(bad token) = %v, want InvalidArgument", err)
	}
	if _, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("none")}); errorCode(err) != "NoSuchBucket" {
		t.Errorf("ListObjectsV2(missing bucket) = %v, want NoSuchBucket", err)
	}
}

func TestS3ErrorBody(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	_, err := c.GetBucketPolicy(context.Background(), &awss3.GetBucketPolicyInput{Bucket: aws.String("missing")})
	if err == nil {
		t.Fatal("GetBucketPolicy(missing) succeeded")
	}
	// The modeled fields are not enough to see BucketName; check the wire.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/missing?policy", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=222222222222/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"<Code>NoSuchBucket</Code>", "<BucketName>missing</BucketName>", "<RequestId>", "<Message>The specified bucket does not exist</Message>"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("error body %s lacks %s", body, want)
		}
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
}

// TestS3PutObjectTLSChunked runs the emulator behind TLS, where the SDK
// sends PutObject bodies aws-chunked with a trailing checksum
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
func TestS3PutObjectTLSChunked(t *testing.T) {
	t.Parallel()
	srv := emulator.NewUnstartedServer()
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	var seen []string
	srv.OnCall(func(c *emulator.Call) error {
		seen = append(seen, c.Operation)
		return nil
	})
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("222222222222", emulator.DefaultSecretKey, ""),
		BaseEndpoint: aws.String(ts.URL),
		HTTPClient:   ts.Client(),
	}
	c := awss3.NewFromConfig(cfg)
	ctx := context.Background()
	s3MustCreateBucket(t, c, "tls-bucket")
	payload := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	for name, body := range map[string]io.Reader{
		"seekable":   bytes.NewReader(payload),
		"unseekable": io.MultiReader(bytes.NewReader(payload)),
	} {
		key := "obj-" + name
		in := &awss3.PutObjectInput{Bucket: aws.String("tls-bucket"), Key: aws.String(key), Body: body}
		if name == "unseekable" {
			in.ContentLength = aws.Int64(int64(len(payload)))
		}
		if _, err := c.PutObject(ctx, in); err != nil {
			t.Fatalf("PutObject(%s): %v", name, err)
		}
		got, ok := srv.S3Object("tls-bucket", key)
		if !ok || !bytes.Equal(got, payload) {
			t.Errorf("%s: stored %d bytes, want %d", name, len(got), len(payload))
		}
	}
	if diff := cmp.Diff([]string{"CreateBucket", "PutObject", "PutObject"}, seen); diff != "" {
		t.Errorf("operations seen by hooks mismatch (-want +got):\n%s", diff)
	}
}

func TestS3DecodeAWSChunkedErrors(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "raw")
	for name, tc := range map[string]struct {
		body, decodedLen, code string
	}{
		"ok":            {"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n", "5", ""},
		"bad crc":       {"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", "5", "BadDigest"},
		"truncated":     {"a\r\nhello", "10", "IncompleteBody"},
		"wrong length":  {"5\r\nhello\r\n0\r\n\r\n", "6", "IncompleteBody"},
		"signed chunks": {"5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\n\r\n", "5", ""},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, srv.URL+"/raw/"+strings.ReplaceAll(name, " ", "-"), strings.NewReader(tc.body))
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=222222222222/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature="+strings.Repeat("0", 64))
			req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
			req.Header.Set("Content-Encoding", "aws-chunked")
			req.Header.Set("X-Amz-Decoded-Content-Length", tc.decodedLen)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.code == "" {
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if got, _ := srv.S3Object("raw", strings.ReplaceAll(name, " ", "-")); string(got) != "hello" {
					t.Errorf("stored %q, want hello", got)
				}
				return
			}
			if !strings.Contains(string(body), "<Code>"+tc.code+"</Code>") {
				t.Errorf("status %d body %s, want code %s", resp.StatusCode, body, tc.code)
			}
		})
	}
}

func TestS3MultipartAndRange(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := s3TestClient(t, srv, "222222222222", "us-east-1")
	s3MustCreateBucket(t, c, "big")
	up, err := c.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload: %v", err)
	}
	parts := [][]byte{bytes.Repeat([]byte("a"), 5<<20), []byte("tail")}
	var done []s3types.CompletedPart
	var sums []byte
	for i, p := range parts {
		out, err := c.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob"), UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		done = append(done, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{done[1], done[0]}}}); errorCode(err) != "InvalidPartOrder" {
		t.Errorf("CompleteMultipartUpload(out of order) = %v, want InvalidPartOrder", err)
	}
	out, err := c.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: aws.String("big"), Key: aws.String("blob"), UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	total := md5.Sum(sums)
	if want := `"` + hex.EncodeToString(total[:]) + `-2"`; aws.ToString(out.ETag) != want {
		t.Errorf("multipart ETag = %s, want %s", aws.ToString(out.ETag), want)
	}
	var nsu *s3types.NoSuchUpload
	if _, err := c.UploadPart(ctx, &awss3.UploadPartInput{Bucket: aws.String("big"), Key: aws.String("blob"), UploadId: up.UploadId, PartNumber: aws.Int32(3), Body: strings.NewReader("x")}); errorCode(err) != "NoSuchUpload" && !errors.As(err, &nsu) {
		t.Errorf("UploadPart after completion = %v, want NoSuchUpload", err)
	}
	for rng, want := range map[string]string{"bytes=0-2": "aaa", "bytes=-4": "tail", fmt.Sprintf("bytes=%d-", 5<<20): "tail"} {
		got, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("blob"), Range: aws.String(rng)})
		if err != nil {
			t.Fatalf("GetObject(%s): %v", rng, err)
		}
		b, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if string(b) != want || !strings.HasSuffix(aws.ToString(got.ContentRange), fmt.Sprintf("/%d", 5<<20+4)) {
			t.Errorf("GetObject(%s) = %q, Content-Range %s", rng, b, aws.ToString(got.ContentRange))
		}
	}
	if _, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("blob"), Range: aws.String("bytes=99999999-")}); errorCode(err) != "InvalidRange" {
		t.Errorf("GetObject(unsatisfiable range) = %v, want InvalidRange", err)
	}
}
