package auditreports

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindReportPlan is an AWS Backup report plan.
const KindReportPlan = "report_plan"

// ReportPlan is a desired AWS Backup report plan.
type ReportPlan struct {
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

// PlanReportPlan reads a report plan and returns its change.
func PlanReportPlan(ctx context.Context, api Reader, account, region string, want ReportPlan) ([]plan.Change, error) {
	out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(want.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: region, Kind: KindReportPlan, Name: want.Name}, plan.Create, nil, want, "backup reports for auditors")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading report plan %s: %w", want.Name, err)
	}
	rp := out.ReportPlan
	tags, err := managedtags.BackupTags(ctx, api, aws.ToString(rp.ReportPlanArn))
	if err != nil {
		return nil, fmt.Errorf("reading report plan %s: %w", want.Name, err)
	}
	live := ReportPlan{Name: want.Name, Tags: managedtags.View(tags, want.Tags)}
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
	if plan.JSONEqual(plan.JSON(live), plan.JSON(want)) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: region, Kind: KindReportPlan, Name: want.Name}, plan.Update, live, want, "the report plan differs from the spec")}, nil
}

func applyReportPlan(ctx context.Context, api Writer, c plan.Change) error {
	var w ReportPlan
	if err := c.Decode(&w); err != nil {
		return err
	}
	channel := &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String(w.Bucket), S3KeyPrefix: aws.String(w.KeyPrefix), Formats: w.Formats}
	setting := &backuptypes.ReportSetting{ReportTemplate: aws.String(w.Template), Accounts: w.Accounts, OrganizationUnits: w.OUs, Regions: w.Regions}
	out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(w.Name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		_, err = api.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{
			ReportPlanName: aws.String(w.Name), ReportDeliveryChannel: channel, ReportSetting: setting,
			ReportPlanTags: w.Tags, IdempotencyToken: aws.String(c.Address.String()),
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
	return managedtags.Sync(ctx, managedtags.BackupTagger{API: api, ARN: aws.ToString(out.ReportPlan.ReportPlanArn)}, w.Tags)
}
