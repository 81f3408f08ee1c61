package emulator

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// AWS Backup Audit Manager: report plans and frameworks.

type backupReportPlan struct {
	name, arn   string
	description *string
	channel     backuptypes.ReportDeliveryChannel
	setting     backuptypes.ReportSetting
	created     time.Time
	token       string
}

type backupFramework struct {
	name, arn   string
	description *string
	controls    []backuptypes.FrameworkControl
	created     time.Time
	token       string
}

// reportTemplates are the report templates of ReportSetting.ReportTemplate.
var reportTemplates = []string{
	"RESOURCE_COMPLIANCE_REPORT", "CONTROL_COMPLIANCE_REPORT", "BACKUP_JOB_REPORT",
	"COPY_JOB_REPORT", "RESTORE_JOB_REPORT", "SCAN_JOB_REPORT",
}

// frameworkControls maps each AWS Backup Audit Manager control to its input
// parameter names (Choosing your controls; Creating frameworks using the
// AWS Backup API).
var frameworkControls = map[string][]string{
	"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN":         nil,
	"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK": {"requiredFrequencyUnit", "requiredFrequencyValue", "requiredRetentionDays"},
	"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED":    {"principalArnList"},
	"BACKUP_RECOVERY_POINT_ENCRYPTED":                   nil,
	"BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK":     {"requiredRetentionDays"},
	"BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION":        {"crossRegionList"},
	"BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT":       {"crossAccountList"},
	"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK":   {"minRetentionDays", "maxRetentionDays"},
	"BACKUP_LAST_RECOVERY_POINT_CREATED":                {"recoveryPointAgeUnit", "recoveryPointAgeValue"},
	"RESTORE_TIME_FOR_RESOURCES_MEET_TARGET":            {"maxRestoreTime"},
}

// maxControlsPerRegion: "You can use up to 50 controls per account per
// Region" (Controls and remediation).
const maxControlsPerRegion = 50

func checkReportPlanParts(ch *backuptypes.ReportDeliveryChannel, st *backuptypes.ReportSetting) error {
	if ch != nil {
		if err := bkRequire("S3BucketName", ch.S3BucketName); err != nil {
			return err
		}
		for _, f := range ch.Formats {
			if f != "CSV" && f != "JSON" {
				return bkInvalidParam("Invalid report format %q: use CSV or JSON.", f)
			}
		}
	}
	if st != nil {
		if err := bkRequire("ReportTemplate", st.ReportTemplate); err != nil {
			return err
		}
		if !slices.Contains(reportTemplates, *st.ReportTemplate) {
			return bkInvalidParam("Invalid report template %q.", *st.ReportTemplate)
		}
	}
	return nil
}

func (s *Server) createReportPlan(c *Call, in *awsbackup.CreateReportPlanInput) (*awsbackup.CreateReportPlanOutput, error) {
	if err := bkRequire("ReportPlanName", in.ReportPlanName, "ReportDeliveryChannel", in.ReportDeliveryChannel, "ReportSetting", in.ReportSetting); err != nil {
		return nil, err
	}
	if !backupAuditNameRE.MatchString(*in.ReportPlanName) {
		return nil, bkInvalidParam("Invalid report plan name %q: it must start with a letter and contain only letters, digits and underscores.", *in.ReportPlanName)
	}
	if err := checkReportPlanParts(in.ReportDeliveryChannel, in.ReportSetting); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	if p := b.reportPlans[*in.ReportPlanName]; p != nil {
		return nil, bkAlreadyExists(p.arn, "", "Report plan %s already exists.", p.name)
	}
	p := &backupReportPlan{
		name:        *in.ReportPlanName,
		arn:         b.arn("report-plan", *in.ReportPlanName+"-"+s.ids.uuid()),
		description: in.ReportPlanDescription,
		channel:     *in.ReportDeliveryChannel,
		setting:     *in.ReportSetting,
		created:     s.now,
		token:       aws.ToString(in.IdempotencyToken),
	}
	p.setting.NumberOfFrameworks = int32(len(p.setting.FrameworkArns))
	b.reportPlans[p.name] = p
	if len(in.ReportPlanTags) > 0 {
		b.tags[p.arn] = copyTags(in.ReportPlanTags)
	}
	return &awsbackup.CreateReportPlanOutput{CreationTime: timePtr(p.created), ReportPlanArn: aws.String(p.arn), ReportPlanName: aws.String(p.name)}, nil
}

func (b *backupRegion) reportPlan(name *string) (*backupReportPlan, error) {
	if err := bkRequire("ReportPlanName", name); err != nil {
		return nil, err
	}
	p := b.reportPlans[*name]
	if p == nil {
		return nil, bkNotFound("Report plan %s does not exist.", *name)
	}
	return p, nil
}

func (p *backupReportPlan) api() backuptypes.ReportPlan {
	ch, st := p.channel, p.setting
	return backuptypes.ReportPlan{
		CreationTime:          timePtr(p.created),
		DeploymentStatus:      aws.String("COMPLETED"),
		ReportDeliveryChannel: &ch,
		ReportPlanArn:         aws.String(p.arn),
		ReportPlanDescription: p.description,
		ReportPlanName:        aws.String(p.name),
		ReportSetting:         &st,
	}
}

func (s *Server) describeReportPlan(c *Call, in *awsbackup.DescribeReportPlanInput) (*awsbackup.DescribeReportPlanOutput, error) {
	p, err := s.backupCallLocked(c).reportPlan(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	rp := p.api()
	return &awsbackup.DescribeReportPlanOutput{ReportPlan: &rp}, nil
}

func (s *Server) updateReportPlan(c *Call, in *awsbackup.UpdateReportPlanInput) (*awsbackup.UpdateReportPlanOutput, error) {
	p, err := s.backupCallLocked(c).reportPlan(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	if err := checkReportPlanParts(in.ReportDeliveryChannel, in.ReportSetting); err != nil {
		return nil, err
	}
	if in.ReportDeliveryChannel != nil {
		p.channel = *in.ReportDeliveryChannel
	}
	if in.ReportSetting != nil {
		p.setting = *in.ReportSetting
		p.setting.NumberOfFrameworks = int32(len(p.setting.FrameworkArns))
	}
	if in.ReportPlanDescription != nil {
		p.description = in.ReportPlanDescription
	}
	return &awsbackup.UpdateReportPlanOutput{CreationTime: timePtr(p.created), ReportPlanArn: aws.String(p.arn), ReportPlanName: aws.String(p.name)}, nil
}

func (s *Server) deleteReportPlan(c *Call, in *awsbackup.DeleteReportPlanInput) (*awsbackup.DeleteReportPlanOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.reportPlan(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	delete(b.reportPlans, p.name)
	delete(b.tags, p.arn)
	return &awsbackup.DeleteReportPlanOutput{}, nil
}

func (s *Server) listReportPlans(c *Call, in *awsbackup.ListReportPlansInput) (*awsbackup.ListReportPlansOutput, error) {
	b := s.backupCallLocked(c)
	var items []backuptypes.ReportPlan
	for _, name := range sortedKeys(b.reportPlans) {
		items = append(items, b.reportPlans[name].api())
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListReportPlansOutput{ReportPlans: page, NextToken: next}, nil
}

func checkFrameworkControls(controls []backuptypes.FrameworkControl) error {
	if len(controls) == 0 {
		return bkMissing("FrameworkControls")
	}
	for _, fc := range controls {
		if err := bkRequire("ControlName", fc.ControlName); err != nil {
			return err
		}
		params, ok := frameworkControls[*fc.ControlName]
		if !ok {
			return bkInvalidParam("Invalid control name %q.", *fc.ControlName)
		}
		for _, p := range fc.ControlInputParameters {
			if !slices.Contains(params, aws.ToString(p.ParameterName)) {
				return bkInvalidParam("Invalid input parameter %q for control %s.", aws.ToString(p.ParameterName), *fc.ControlName)
			}
		}
	}
	return nil
}

func (b *backupRegion) controlCount(except string) int {
	n := 0
	for name, f := range b.frameworks {
		if name != except {
			n += len(f.controls)
		}
	}
	return n
}

func (s *Server) createFramework(c *Call, in *awsbackup.CreateFrameworkInput) (*awsbackup.CreateFrameworkOutput, error) {
	if err := bkRequire("FrameworkName", in.FrameworkName); err != nil {
		return nil, err
	}
	if !backupAuditNameRE.MatchString(*in.FrameworkName) {
		return nil, bkInvalidParam("Invalid framework name %q: it must start with a letter and contain only letters, digits and underscores.", *in.FrameworkName)
	}
	if err := checkFrameworkControls(in.FrameworkControls); err != nil {
		return nil, err
	}
	b := s.backupCallLocked(c)
	if f := b.frameworks[*in.FrameworkName]; f != nil {
		return nil, bkAlreadyExists(f.arn, "", "Framework %s already exists.", f.name)
	}
	if b.controlCount("")+len(in.FrameworkControls) > maxControlsPerRegion {
		return nil, &backuptypes.LimitExceededException{Message: aws.String("You can use up to 50 controls per account per Region.")}
	}
	f := &backupFramework{
		name:        *in.FrameworkName,
		arn:         b.arn("framework", *in.FrameworkName+"-"+s.ids.uuid()),
		description: in.FrameworkDescription,
		controls:    slices.Clone(in.FrameworkControls),
		created:     s.now,
		token:       aws.ToString(in.IdempotencyToken),
	}
	b.frameworks[f.name] = f
	if len(in.FrameworkTags) > 0 {
		b.tags[f.arn] = copyTags(in.FrameworkTags)
	}
	return &awsbackup.CreateFrameworkOutput{FrameworkArn: aws.String(f.arn), FrameworkName: aws.String(f.name)}, nil
}

func (b *backupRegion) framework(name *string) (*backupFramework, error) {
	if err := bkRequire("FrameworkName", name); err != nil {
		return nil, err
	}
	f := b.frameworks[*name]
	if f == nil {
		return nil, bkNotFound("Framework %s does not exist.", *name)
	}
	return f, nil
}

func (s *Server) describeFramework(c *Call, in *awsbackup.DescribeFrameworkInput) (*awsbackup.DescribeFrameworkOutput, error) {
	f, err := s.backupCallLocked(c).framework(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.DescribeFrameworkOutput{
		CreationTime:         timePtr(f.created),
		DeploymentStatus:     aws.String("COMPLETED"),
		FrameworkArn:         aws.String(f.arn),
		FrameworkControls:    slices.Clone(f.controls),
		FrameworkDescription: f.description,
		FrameworkName:        aws.String(f.name),
		FrameworkStatus:      aws.String("ACTIVE"),
	}
	if f.token != "" {
		out.IdempotencyToken = aws.String(f.token)
	}
	return out, nil
}

func (s *Server) updateFramework(c *Call, in *awsbackup.UpdateFrameworkInput) (*awsbackup.UpdateFrameworkOutput, error) {
	b := s.backupCallLocked(c)
	f, err := b.framework(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	if in.FrameworkControls != nil {
		if err := checkFrameworkControls(in.FrameworkControls); err != nil {
			return nil, err
		}
		if b.controlCount(f.name)+len(in.FrameworkControls) > maxControlsPerRegion {
			return nil, &backuptypes.LimitExceededException{Message: aws.String("You can use up to 50 controls per account per Region.")}
		}
		f.controls = slices.Clone(in.FrameworkControls)
	}
	if in.FrameworkDescription != nil {
		f.description = in.FrameworkDescription
	}
	return &awsbackup.UpdateFrameworkOutput{CreationTime: timePtr(f.created), FrameworkArn: aws.String(f.arn), FrameworkName: aws.String(f.name)}, nil
}

func (s *Server) deleteFramework(c *Call, in *awsbackup.DeleteFrameworkInput) (*awsbackup.DeleteFrameworkOutput, error) {
	b := s.backupCallLocked(c)
	f, err := b.framework(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	delete(b.frameworks, f.name)
	delete(b.tags, f.arn)
	return &awsbackup.DeleteFrameworkOutput{}, nil
}

func (s *Server) listFrameworks(c *Call, in *awsbackup.ListFrameworksInput) (*awsbackup.ListFrameworksOutput, error) {
	b := s.backupCallLocked(c)
	var items []backuptypes.Framework
	for _, name := range sortedKeys(b.frameworks) {
		f := b.frameworks[name]
		items = append(items, backuptypes.Framework{
			CreationTime:         timePtr(f.created),
			DeploymentStatus:     aws.String("COMPLETED"),
			FrameworkArn:         aws.String(f.arn),
			FrameworkDescription: f.description,
			FrameworkName:        aws.String(f.name),
			NumberOfControls:     int32(len(f.controls)),
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListFrameworksOutput{Frameworks: page, NextToken: next}, nil
}
