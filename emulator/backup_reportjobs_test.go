package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// TestReportJobs: a report job starts for an existing report plan, is
// idempotent on its token, lists newest first and filters by plan and
// status; unknown plans and jobs are ResourceNotFoundException.
func TestReportJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newBackupClient(t, "222222222222")
	channel := &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String("org-backup-reports"), S3KeyPrefix: aws.String("reports"), Formats: []string{"CSV"}}
	setting := &backuptypes.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT")}
	reportBucket(t, srv, "222222222222", "org-backup-reports", true)
	must(c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportDeliveryChannel: channel, ReportSetting: setting}))(t, "CreateReportPlan")

	_, err := c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("nope")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "StartReportJob of an unknown plan", err)

	first := must(c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("jobs"), IdempotencyToken: aws.String("t1")}))(t, "StartReportJob")
	again := must(c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("jobs"), IdempotencyToken: aws.String("t1")}))(t, "StartReportJob again")
	if aws.ToString(first.ReportJobId) != aws.ToString(again.ReportJobId) {
		t.Errorf("same idempotency token gave jobs %s and %s", aws.ToString(first.ReportJobId), aws.ToString(again.ReportJobId))
	}
	srv.Advance(time.Hour)
	second := must(c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("jobs")}))(t, "StartReportJob")

	d := must(c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: first.ReportJobId}))(t, "DescribeReportJob")
	j := d.ReportJob
	if aws.ToString(j.Status) != "COMPLETED" || aws.ToString(j.ReportTemplate) != "BACKUP_JOB_REPORT" ||
		aws.ToString(j.ReportDestination.S3BucketName) != "org-backup-reports" || len(j.ReportDestination.S3Keys) != 1 ||
		!strings.HasPrefix(j.ReportDestination.S3Keys[0], "reports/") {
		t.Errorf("DescribeReportJob = %+v", j)
	}
	_, err = c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: aws.String("00000000-0000-0000-0000-000000000000")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DescribeReportJob of an unknown job", err)

	list := must(c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByReportPlanName: aws.String("jobs"), ByStatus: aws.String("COMPLETED")}))(t, "ListReportJobs")
	var ids []string
	for _, j := range list.ReportJobs {
		ids = append(ids, aws.ToString(j.ReportJobId))
	}
	if want := []string{aws.ToString(second.ReportJobId), aws.ToString(first.ReportJobId)}; strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("ListReportJobs = %v, want %v (newest first)", ids, want)
	}
	failed := must(c.ListReportJobs(ctx, &awsbackup.ListReportJobsInput{ByStatus: aws.String("FAILED")}))(t, "ListReportJobs FAILED")
	if len(failed.ReportJobs) != 0 {
		t.Errorf("ListReportJobs FAILED = %d jobs", len(failed.ReportJobs))
	}
}
