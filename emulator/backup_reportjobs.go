package emulator

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Report jobs (StartReportJob, DescribeReportJob, ListReportJobs in the AWS
// Backup API reference). A report job of the emulator completes when it
// starts; job reports write their files then (backup_reportfiles.go).

// reportJobStatuses are ReportJob.Status's values ("CREATED | RUNNING |
// COMPLETED | FAILED", ReportJob in the API reference).
var reportJobStatuses = []string{"CREATED", "RUNNING", "COMPLETED", "FAILED"}

func (s *Server) startReportJob(c *Call, in *awsbackup.StartReportJobInput) (*awsbackup.StartReportJobOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.reportPlan(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	if b.reportJobs == nil {
		b.reportJobs = map[string]*backupReportJob{}
	}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		for _, j := range b.reportJobs {
			if j.token == tok && aws.ToString(j.job.ReportPlanArn) == p.arn {
				return &awsbackup.StartReportJobOutput{ReportJobId: j.job.ReportJobId}, nil
			}
		}
	}
	id := s.ids.uuid()
	template := aws.ToString(p.setting.ReportTemplate)
	key := strings.Trim(aws.ToString(p.channel.S3KeyPrefix)+"/Backup/"+c.Account+"/"+c.Region+"/"+template+"/"+s.now.UTC().Format("2006/01/02")+"/"+id+".csv", "/")
	j := &backupReportJob{
		seq:   b.next(),
		token: aws.ToString(in.IdempotencyToken),
		job: backuptypes.ReportJob{
			ReportJobId:    aws.String(id),
			ReportPlanArn:  aws.String(p.arn),
			ReportTemplate: aws.String(template),
			CreationTime:   timePtr(s.now),
			CompletionTime: timePtr(s.now),
			Status:         aws.String("COMPLETED"),
			ReportDestination: &backuptypes.ReportDestination{
				S3BucketName: p.channel.S3BucketName,
				S3Keys:       []string{key},
			},
		},
	}
	s.writeReportFilesLocked(c.Account, c.Region, p, &j.job)
	b.reportJobs[id] = j
	return &awsbackup.StartReportJobOutput{ReportJobId: aws.String(id)}, nil
}

// backupReportJob is one report job.
type backupReportJob struct {
	seq   int
	token string
	job   backuptypes.ReportJob
}

func (s *Server) describeReportJob(c *Call, in *awsbackup.DescribeReportJobInput) (*awsbackup.DescribeReportJobOutput, error) {
	if err := bkRequire("ReportJobId", in.ReportJobId); err != nil {
		return nil, err
	}
	j := s.backupCallLocked(c).reportJobs[*in.ReportJobId]
	if j == nil {
		return nil, bkNotFound("Report job %s does not exist.", *in.ReportJobId)
	}
	out := j.job
	return &awsbackup.DescribeReportJobOutput{ReportJob: &out}, nil
}

func (s *Server) listReportJobs(c *Call, in *awsbackup.ListReportJobsInput) (*awsbackup.ListReportJobsOutput, error) {
	if st := aws.ToString(in.ByStatus); st != "" && !containsString(reportJobStatuses, st) {
		return nil, bkInvalidParam("Invalid ByStatus %q: it must be one of %s.", st, strings.Join(reportJobStatuses, ", "))
	}
	b := s.backupCallLocked(c)
	var planARN string
	if name := aws.ToString(in.ByReportPlanName); name != "" {
		p, err := b.reportPlan(in.ByReportPlanName)
		if err != nil {
			return nil, err
		}
		planARN = p.arn
	}
	var jobs []*backupReportJob
	for _, j := range b.reportJobs {
		if (planARN == "" || aws.ToString(j.job.ReportPlanArn) == planARN) &&
			(in.ByStatus == nil || aws.ToString(j.job.Status) == *in.ByStatus) &&
			inWindow(j.job.CreationTime, in.ByCreationAfter, in.ByCreationBefore) {
			jobs = append(jobs, j)
		}
	}
	sort.Slice(jobs, func(i, k int) bool { return jobs[i].seq > jobs[k].seq }) // newest first
	items := make([]backuptypes.ReportJob, 0, len(jobs))
	for _, j := range jobs {
		items = append(items, j.job)
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListReportJobsOutput{ReportJobs: page, NextToken: next}, nil
}
