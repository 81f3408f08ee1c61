package auditreports

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/plan"
)

// jobReportTemplates are the report templates whose reports can cover
// the whole organization: job reports, created by the management account
// or the delegated administrator with ReportSetting.Accounts "ROOT" ("Use
// string value of ROOT to include all organizational units",
// ReportSetting, AWS Backup API Reference; cross-account reports in
// "Creating report plans", AWS Backup Developer Guide).
var jobReportTemplates = []string{"BACKUP_JOB_REPORT", "COPY_JOB_REPORT", "RESTORE_JOB_REPORT"}

// Scope returns the accounts and Regions a report plan of template
// covers: a job report covers every account of the organization (ROOT)
// in every Region the spec uses (copies run in the central Regions,
// restores in the secondary one too); other reports keep the backup
// account's view of the workload Regions.
func Scope(template string, allRegions, workloadRegions []string) (accounts, regions []string) {
	if slices.Contains(jobReportTemplates, template) {
		return []string{"ROOT"}, slices.Clone(allRegions)
	}
	return nil, slices.Clone(workloadRegions)
}

// FrameworkRegions returns where an account's frameworks must be: a
// framework's controls evaluate the resources of the one account and
// Region it is deployed in ("AWS Backup Audit Manager": frameworks and
// controls are per account and Region), so workload accounts need them in
// every workload Region, the backup account in every Region with a
// central vault.
func FrameworkRegions(workload bool, workloadRegions, centralRegions []string) []string {
	if workload {
		return slices.Clone(workloadRegions)
	}
	return slices.Clone(centralRegions)
}

// PlanFrameworks plans frameworks in account in each of regions, reading
// through config.
func PlanFrameworks(ctx context.Context, account string, regions []string, frames []Framework, config func(region string) (aws.Config, error)) ([]plan.Change, error) {
	var out []plan.Change
	for _, region := range regions {
		cfg, err := config(region)
		if err != nil {
			return nil, err
		}
		api := awsbackup.NewFromConfig(cfg)
		for _, f := range frames {
			cs, err := PlanFramework(ctx, api, account, region, f)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}
