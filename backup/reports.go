package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client the reports bucket needs.
type S3API interface {
	HeadBucket(ctx context.Context, in *awss3.HeadBucketInput, optFns ...func(*awss3.Options)) (*awss3.HeadBucketOutput, error)
	CreateBucket(ctx context.Context, in *awss3.CreateBucketInput, optFns ...func(*awss3.Options)) (*awss3.CreateBucketOutput, error)
	GetBucketPolicy(ctx context.Context, in *awss3.GetBucketPolicyInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketPolicyOutput, error)
	PutBucketPolicy(ctx context.Context, in *awss3.PutBucketPolicyInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketPolicyOutput, error)
	GetBucketEncryption(ctx context.Context, in *awss3.GetBucketEncryptionInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketEncryptionOutput, error)
	PutBucketEncryption(ctx context.Context, in *awss3.PutBucketEncryptionInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketEncryptionOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *awss3.GetPublicAccessBlockInput, optFns ...func(*awss3.Options)) (*awss3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *awss3.PutPublicAccessBlockInput, optFns ...func(*awss3.Options)) (*awss3.PutPublicAccessBlockOutput, error)
	PutBucketTagging(ctx context.Context, in *awss3.PutBucketTaggingInput, optFns ...func(*awss3.Options)) (*awss3.PutBucketTaggingOutput, error)
	GetBucketTagging(ctx context.Context, in *awss3.GetBucketTaggingInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketTaggingOutput, error)
}

var _ S3API = (*awss3.Client)(nil)

// AuditAPI is the part of the Backup client for report plans and
// frameworks.
type AuditAPI interface {
	DescribeReportPlan(ctx context.Context, in *awsbackup.DescribeReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeReportPlanOutput, error)
	CreateReportPlan(ctx context.Context, in *awsbackup.CreateReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateReportPlanOutput, error)
	UpdateReportPlan(ctx context.Context, in *awsbackup.UpdateReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateReportPlanOutput, error)
	DescribeFramework(ctx context.Context, in *awsbackup.DescribeFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeFrameworkOutput, error)
	CreateFramework(ctx context.Context, in *awsbackup.CreateFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateFrameworkOutput, error)
	UpdateFramework(ctx context.Context, in *awsbackup.UpdateFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateFrameworkOutput, error)
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsbackup.UntagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
}

var _ AuditAPI = (*awsbackup.Client)(nil)

const (
	kindS3Bucket   = "s3_bucket"
	kindReportPlan = "report_plan"
	kindFramework  = "framework"
)

// reportsBucket is the desired reports bucket.
type reportsBucket struct {
	Name              string            `json:"name"`
	Region            string            `json:"region"`
	Policy            json.RawMessage   `json:"policy"`
	Encryption        string            `json:"encryption"`
	BlockPublicAccess bool              `json:"block_public_access"`
	Tags              map[string]string `json:"tags,omitempty"`
}

// reportsBucketPolicy lets AWS Backup's report service-linked role deliver
// reports ("Creating report plans": the bucket policy names the role
// AWSServiceRoleForBackupReports) and refuses unencrypted transport.
func reportsBucketPolicy(account, bucket string) json.RawMessage {
	return mustJSON(map[string]any{
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

func isCode(err error, codes ...string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && slices.Contains(codes, api.ErrorCode())
}

// planBucket reads the reports bucket and returns its change.
func planBucket(ctx context.Context, s3 S3API, account string, want reportsBucket) ([]Change, error) {
	addr := account + "/" + want.Region + "/" + kindS3Bucket + "/" + want.Name
	_, err := s3.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(want.Name)})
	var nf *s3types.NotFound
	if errors.As(err, &nf) || isCode(err, "NotFound", "NoSuchBucket") {
		return []Change{newChange(addr, kindS3Bucket, account, want.Region, want.Name, Create, nil, want, "backup reports are delivered to this bucket")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading reports bucket %s: %w", want.Name, err)
	}
	live := reportsBucket{Name: want.Name, Region: want.Region}
	if p, err := s3.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: aws.String(want.Name)}); err == nil {
		live.Policy = rawOrString(aws.ToString(p.Policy))
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
	if jsonEqual(live.Policy, want.Policy) && live.Encryption == want.Encryption && live.BlockPublicAccess == want.BlockPublicAccess && !tagsDiffer {
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
	return []Change{newChange(addr, kindS3Bucket, account, want.Region, want.Name, Update, live, after, "the reports bucket's policy, encryption, public access block or tags differ from the spec")}, nil
}

// applyBucket creates or updates the reports bucket; re-running converges.
func applyBucket(ctx context.Context, s3 S3API, c Change) error {
	var want reportsBucket
	if err := json.Unmarshal(c.After, &want); err != nil {
		return err
	}
	in := &awss3.CreateBucketInput{Bucket: aws.String(want.Name)}
	if want.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(want.Region)}
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

// reportPlan is a desired AWS Backup report plan.
type reportPlan struct {
	Name      string            `json:"name"`
	Template  string            `json:"template"`
	Bucket    string            `json:"bucket"`
	KeyPrefix string            `json:"key_prefix"`
	Formats   []string          `json:"formats"`
	Accounts  []string          `json:"accounts,omitempty"`
	OUs       []string          `json:"organization_units,omitempty"`
	Regions   []string          `json:"regions,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

// framework is a desired AWS Backup Audit Manager framework.
type framework struct {
	Name     string            `json:"name"`
	Controls []string          `json:"controls"`
	Tags     map[string]string `json:"tags,omitempty"`
}

func planReportPlan(ctx context.Context, api AuditAPI, account, region string, want reportPlan) ([]Change, error) {
	addr := account + "/" + region + "/" + kindReportPlan + "/" + want.Name
	out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(want.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return []Change{newChange(addr, kindReportPlan, account, region, want.Name, Create, nil, want, "backup reports for auditors")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading report plan %s: %w", want.Name, err)
	}
	rp := out.ReportPlan
	tags, err := backupTags(ctx, api, aws.ToString(rp.ReportPlanArn))
	if err != nil {
		return nil, fmt.Errorf("reading report plan %s: %w", want.Name, err)
	}
	live := reportPlan{Name: want.Name, Tags: managedView(tags, want.Tags)}
	if rp.ReportDeliveryChannel != nil {
		live.Bucket = aws.ToString(rp.ReportDeliveryChannel.S3BucketName)
		live.KeyPrefix = aws.ToString(rp.ReportDeliveryChannel.S3KeyPrefix)
		live.Formats = rp.ReportDeliveryChannel.Formats
	}
	if rp.ReportSetting != nil {
		live.Template = aws.ToString(rp.ReportSetting.ReportTemplate)
		live.Accounts = rp.ReportSetting.Accounts
		live.OUs = rp.ReportSetting.OrganizationUnits
		live.Regions = rp.ReportSetting.Regions
	}
	sort.Strings(live.Formats)
	if jsonEqual(mustJSON(live), mustJSON(want)) {
		return nil, nil
	}
	return []Change{newChange(addr, kindReportPlan, account, region, want.Name, Update, live, want, "the report plan differs from the spec")}, nil
}

func applyReportPlan(ctx context.Context, api AuditAPI, c Change) error {
	var w reportPlan
	if err := json.Unmarshal(c.After, &w); err != nil {
		return err
	}
	channel := &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String(w.Bucket), S3KeyPrefix: aws.String(w.KeyPrefix), Formats: w.Formats}
	setting := &backuptypes.ReportSetting{ReportTemplate: aws.String(w.Template), Accounts: w.Accounts, OrganizationUnits: w.OUs, Regions: w.Regions}
	out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(w.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		_, err = api.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{
			ReportPlanName: aws.String(w.Name), ReportDeliveryChannel: channel, ReportSetting: setting,
			ReportPlanTags: w.Tags, IdempotencyToken: aws.String(c.Address),
		})
		return err
	}
	if err != nil {
		return err
	}
	if _, err = api.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String(w.Name), ReportDeliveryChannel: channel, ReportSetting: setting}); err != nil {
		return err
	}
	// UpdateReportPlan takes no tags (AWS Backup API Reference): they are
	// set apart.
	return syncBackupTags(ctx, api, aws.ToString(out.ReportPlan.ReportPlanArn), w.Tags)
}

func planFramework(ctx context.Context, api AuditAPI, account, region string, want framework) ([]Change, error) {
	addr := account + "/" + region + "/" + kindFramework + "/" + want.Name
	out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(want.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return []Change{newChange(addr, kindFramework, account, region, want.Name, Create, nil, want, "Audit Manager framework evaluating backup compliance")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading framework %s: %w", want.Name, err)
	}
	tags, err := backupTags(ctx, api, aws.ToString(out.FrameworkArn))
	if err != nil {
		return nil, fmt.Errorf("reading framework %s: %w", want.Name, err)
	}
	live := framework{Name: want.Name, Tags: managedView(tags, want.Tags)}
	for _, c := range out.FrameworkControls {
		live.Controls = append(live.Controls, aws.ToString(c.ControlName))
	}
	sort.Strings(live.Controls)
	if jsonEqual(mustJSON(live), mustJSON(want)) {
		return nil, nil
	}
	return []Change{newChange(addr, kindFramework, account, region, want.Name, Update, live, want, "the framework's controls or tags differ from the spec")}, nil
}

func applyFramework(ctx context.Context, api AuditAPI, c Change) error {
	var w framework
	if err := json.Unmarshal(c.After, &w); err != nil {
		return err
	}
	var controls []backuptypes.FrameworkControl
	for _, name := range w.Controls {
		controls = append(controls, backuptypes.FrameworkControl{ControlName: aws.String(name)})
	}
	out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(w.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		_, err = api.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String(w.Name), FrameworkControls: controls, FrameworkTags: w.Tags, IdempotencyToken: aws.String(c.Address)})
		return err
	}
	if err != nil {
		return err
	}
	if !sameControls(out.FrameworkControls, w.Controls) {
		if _, err = api.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String(w.Name), FrameworkControls: controls}); err != nil {
			return err
		}
	}
	return syncBackupTags(ctx, api, aws.ToString(out.FrameworkArn), w.Tags)
}

// sameControls reports whether a framework's controls are the names
// want, in any order.
func sameControls(live []backuptypes.FrameworkControl, want []string) bool {
	names := make([]string, 0, len(live))
	for _, c := range live {
		names = append(names, aws.ToString(c.ControlName))
	}
	sort.Strings(names)
	w := slices.Clone(want)
	sort.Strings(w)
	return slices.Equal(names, w)
}
