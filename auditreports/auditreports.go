// Package auditreports reconciles the backup account's evidence for
// auditors: the S3 bucket reports are delivered to (bucket.go), AWS Backup
// report plans (reportplan.go) and Audit Manager frameworks
// (framework.go). One file per kind.
package auditreports

import (
	"context"
	"errors"
	"slices"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Reader is the part of the Backup client that planning report plans and
// frameworks reads.
type Reader interface {
	managedtags.BackupTagReader
	DescribeReportPlan(ctx context.Context, in *awsbackup.DescribeReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeReportPlanOutput, error)
	DescribeFramework(ctx context.Context, in *awsbackup.DescribeFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeFrameworkOutput, error)
}

// Writer is the part of the Backup client that applying report plan and
// framework changes uses (it reads before it writes).
type Writer interface {
	managedtags.BackupTagWriter
	DescribeReportPlan(ctx context.Context, in *awsbackup.DescribeReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeReportPlanOutput, error)
	DescribeFramework(ctx context.Context, in *awsbackup.DescribeFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeFrameworkOutput, error)
	CreateReportPlan(ctx context.Context, in *awsbackup.CreateReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateReportPlanOutput, error)
	UpdateReportPlan(ctx context.Context, in *awsbackup.UpdateReportPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateReportPlanOutput, error)
	CreateFramework(ctx context.Context, in *awsbackup.CreateFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateFrameworkOutput, error)
	UpdateFramework(ctx context.Context, in *awsbackup.UpdateFrameworkInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateFrameworkOutput, error)
}

var (
	_ Reader = (*awsbackup.Client)(nil)
	_ Writer = (*awsbackup.Client)(nil)
)

// Kinds returns the kinds this package plans and applies; reports come
// last, once what they report on exists.
func Kinds() []plan.Kind {
	backup := func(fn func(context.Context, Writer, plan.Change) error) func(context.Context, plan.ApplyEnv, plan.Change) error {
		return func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return fn(ctx, awsbackup.NewFromConfig(env.Config), c)
		}
	}
	return []plan.Kind{
		{Name: KindBucket, Stage: plan.StageReporting, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyBucket(ctx, awss3.NewFromConfig(env.Config), c)
		}, Tags: bucketTags},
		{Name: KindReportPlan, Stage: plan.StageReporting, Apply: backup(applyReportPlan), Tags: reportPlanTags},
		{Name: KindFramework, Stage: plan.StageReporting, Apply: backup(applyFramework), Tags: frameworkTags},
	}
}

// isCode reports whether err is an API error with one of codes (S3 names
// several of its errors only by code).
func isCode(err error, codes ...string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && slices.Contains(codes, api.ErrorCode())
}
