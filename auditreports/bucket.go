package auditreports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindBucket is the S3 bucket backup reports are delivered to.
const KindBucket = "s3_bucket"

// BucketReader is the part of the S3 client that planning the reports
// bucket reads.
type BucketReader interface {
	HeadBucket(ctx context.Context, in *awss3.HeadBucketInput, optFns ...func(*awss3.Options)) (*awss3.HeadBucketOutput, error)
	GetBucketPolicy(ctx context.Context, in *awss3.GetBucketPolicyInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketPolicyOutput, error)
	GetBucketEncryption(ctx context.Context, in *awss3.GetBucketEncryptionInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketEncryptionOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *awss3.GetPublicAccessBlockInput, optFns ...func(*awss3.Options)) (*awss3.GetPublicAccessBlockOutput, error)
	GetBucketTagging(ctx context.Context, in *awss3.GetBucketTaggingInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketTaggingOutput, error)
}

// BucketWriter is the part of the S3 client that applying a bucket change
// uses.
type BucketWriter interface {
	CreateBucket(ctx context.Context, in *awss3.CreateBucketInput, optFns ...func(*awss3.Options)) (*awss3.CreateBucketOutput, error)
	PutBucketPolicy(ctx context.Context, in *awss3.PutBucketPolicyInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketPolicyOutput, error)
	PutBucketEncryption(ctx context.Context, in *awss3.PutBucketEncryptionInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketEncryptionOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *awss3.PutPublicAccessBlockInput, optFns ...func(*awss3.Options)) (*awss3.PutPublicAccessBlockOutput, error)
	PutBucketTagging(ctx context.Context, in *awss3.PutBucketTaggingInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketTaggingOutput, error)
}

var (
	_ BucketReader = (*awss3.Client)(nil)
	_ BucketWriter = (*awss3.Client)(nil)
)

// Bucket is the desired reports bucket.
type Bucket struct {
	Name              string            `json:"name"`
	Region            string            `json:"region"`
	Policy            json.RawMessage   `json:"policy"`
	Encryption        string            `json:"encryption"`
	BlockPublicAccess bool              `json:"block_public_access"`
	Tags              map[string]string `json:"tags,omitempty"`
}

// BucketPolicy lets AWS Backup's report service-linked role deliver
// reports ("Creating report plans": the bucket policy names the role
// AWSServiceRoleForBackupReports) and refuses unencrypted transport.
func BucketPolicy(account, bucket string) json.RawMessage {
	return plan.JSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid":       "AllowBackupReportsDelivery",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::" + account + ":role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports"},
				"Action":    "s3:PutObject",
				"Resource":  "arn:aws:s3:::" + bucket + "/*",
				"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}},
			},
			map[string]any{
				"Sid":       "DenyInsecureTransport",
				"Effect":    "Deny",
				"Principal": "*",
				"Action":    "s3:*",
				"Resource":  []any{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
		},
	})
}

// PlanBucket reads the reports bucket of account and returns its change.
func PlanBucket(ctx context.Context, s3 BucketReader, account string, want Bucket) ([]plan.Change, error) {
	_, err := s3.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(want.Name)})
	var nf *s3types.NotFound
	if errors.As(err, &nf) || isCode(err, "NotFound", "NoSuchBucket") {
		return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: want.Region, Kind: KindBucket, Name: want.Name}, plan.Create, nil, want, "backup reports are delivered to this bucket")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading reports bucket %s: %w", want.Name, err)
	}
	live := Bucket{Name: want.Name, Region: want.Region}
	if p, err := s3.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String(want.Name)}); err == nil {
		live.Policy = plan.Raw(aws.ToString(p.Policy))
	} else if !isCode(err, "NoSuchBucketPolicy") {
		return nil, fmt.Errorf("reading policy of bucket %s: %w", want.Name, err)
	}
	if e, err := s3.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: aws.String(want.Name)}); err == nil {
		if e.ServerSideEncryptionConfiguration != nil && len(e.ServerSideEncryptionConfiguration.Rules) > 0 {
			if d := e.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault; d != nil {
				live.Encryption = string(d.SSEAlgorithm)
			}
		}
	} else if !isCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
		return nil, fmt.Errorf("reading encryption of bucket %s: %w", want.Name, err)
	}
	if b, err := s3.GetPublicAccessBlock(ctx, &awss3.GetPublicAccessBlockInput{Bucket: aws.String(want.Name)}); err == nil {
		c := b.PublicAccessBlockConfiguration
		live.BlockPublicAccess = c != nil && aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.IgnorePublicAcls) && aws.ToBool(c.RestrictPublicBuckets)
	} else if !isCode(err, "NoSuchPublicAccessBlockConfiguration") {
		return nil, fmt.Errorf("reading public access block of bucket %s: %w", want.Name, err)
	}
	if tg, err := s3.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String(want.Name)}); err == nil {
		for _, tag := range tg.TagSet {
			if live.Tags == nil {
				live.Tags = map[string]string{}
			}
			live.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
	} else if !isCode(err, "NoSuchTagSet") {
		return nil, fmt.Errorf("reading tags of bucket %s: %w", want.Name, err)
	}
	// Tags others added are kept (PutBucketTagging replaces the whole set,
	// so they are carried over): only missing or different ones count.
	tagsDiffer := false
	for k, v := range want.Tags {
		if live.Tags[k] != v {
			tagsDiffer = true
		}
	}
	if plan.JSONEqual(live.Policy, want.Policy) && live.Encryption == want.Encryption && live.BlockPublicAccess == want.BlockPublicAccess && !tagsDiffer {
		return nil, nil
	}
	after := want
	if len(live.Tags) > 0 {
		after.Tags = map[string]string{}
		for k, v := range live.Tags {
			after.Tags[k] = v
		}
		for k, v := range want.Tags {
			after.Tags[k] = v
		}
	}
	return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: want.Region, Kind: KindBucket, Name: want.Name}, plan.Update, live, after, "the reports bucket's policy, encryption, public access block or tags differ from the spec")}, nil
}

// applyBucket creates or updates the reports bucket; re-running converges.
func applyBucket(ctx context.Context, s3 BucketWriter, c plan.Change) error {
	var want Bucket
	if err := c.Decode(&want); err != nil {
		return err
	}
	// The tags are given at creation (CreateBucketConfiguration.Tags), so
	// a bucket whose later settings failed is still orgbackup's.
	in := &awss3.CreateBucketInput{Bucket: aws.String(want.Name), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{}}
	if want.Region != "us-east-1" {
		in.CreateBucketConfiguration.LocationConstraint = s3types.BucketLocationConstraint(want.Region)
	}
	for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
		in.CreateBucketConfiguration.Tags = append(in.CreateBucketConfiguration.Tags, s3types.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
	}
	if _, err := s3.CreateBucket(ctx, in); err != nil && !isCode(err, "BucketAlreadyOwnedByYou") {
		return fmt.Errorf("creating bucket %s: %w", want.Name, err)
	}
	if _, err := s3.PutPublicAccessBlock(ctx, &awss3.PutPublicAccessBlockInput{Bucket: aws.String(want.Name), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
	}}); err != nil {
		return fmt.Errorf("blocking public access to bucket %s: %w", want.Name, err)
	}
	if _, err := s3.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: aws.String(want.Name), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(want.Encryption)}}},
	}}); err != nil {
		return fmt.Errorf("encrypting bucket %s: %w", want.Name, err)
	}
	if _, err := s3.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String(want.Name), Policy: aws.String(string(want.Policy))}); err != nil {
		return fmt.Errorf("setting policy of bucket %s: %w", want.Name, err)
	}
	if len(want.Tags) > 0 {
		var tags []s3types.Tag
		for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
			tags = append(tags, s3types.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
		}
		if _, err := s3.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: aws.String(want.Name), Tagging: &s3types.Tagging{TagSet: tags}}); err != nil {
			return fmt.Errorf("tagging bucket %s: %w", want.Name, err)
		}
	}
	return nil
}
