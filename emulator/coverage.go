package emulator

import (
	"fmt"
	"net/http"
	"sort"

	backupschemas "github.com/aws/aws-sdk-go-v2/service/backup/schemas"
	"github.com/aws/smithy-go"
)

// backupModelOperations lists every operation of the AWS Backup model of
// the SDK version in go.mod (its schemas package), so that each one is
// either implemented or answers errUnsupportedOperation.
// TestModelOperationListsAreCurrent fails when the SDK's model gains or
// loses an operation.
func backupModelOperations() []*smithy.Schema {
	return []*smithy.Schema{
		backupschemas.AssociateBackupVaultMpaApprovalTeam,
		backupschemas.CancelLegalHold,
		backupschemas.CreateBackupAccessPoint,
		backupschemas.CreateBackupPlan,
		backupschemas.CreateBackupSelection,
		backupschemas.CreateBackupVault,
		backupschemas.CreateFramework,
		backupschemas.CreateLegalHold,
		backupschemas.CreateLogicallyAirGappedBackupVault,
		backupschemas.CreateReportPlan,
		backupschemas.CreateRestoreAccessBackupVault,
		backupschemas.CreateRestoreTestingPlan,
		backupschemas.CreateRestoreTestingSelection,
		backupschemas.CreateTieringConfiguration,
		backupschemas.DeleteBackupAccessPoint,
		backupschemas.DeleteBackupPlan,
		backupschemas.DeleteBackupSelection,
		backupschemas.DeleteBackupVault,
		backupschemas.DeleteBackupVaultAccessPolicy,
		backupschemas.DeleteBackupVaultLockConfiguration,
		backupschemas.DeleteBackupVaultNotifications,
		backupschemas.DeleteFramework,
		backupschemas.DeleteRecoveryPoint,
		backupschemas.DeleteReportPlan,
		backupschemas.DeleteRestoreTestingPlan,
		backupschemas.DeleteRestoreTestingSelection,
		backupschemas.DeleteTieringConfiguration,
		backupschemas.DescribeBackupAccessPoint,
		backupschemas.DescribeBackupJob,
		backupschemas.DescribeBackupVault,
		backupschemas.DescribeCopyJob,
		backupschemas.DescribeFramework,
		backupschemas.DescribeGlobalSettings,
		backupschemas.DescribeProtectedResource,
		backupschemas.DescribeRecoveryPoint,
		backupschemas.DescribeRegionSettings,
		backupschemas.DescribeReportJob,
		backupschemas.DescribeReportPlan,
		backupschemas.DescribeRestoreJob,
		backupschemas.DescribeScanJob,
		backupschemas.DisassociateBackupVaultMpaApprovalTeam,
		backupschemas.DisassociateRecoveryPoint,
		backupschemas.DisassociateRecoveryPointFromParent,
		backupschemas.ExportBackupPlanTemplate,
		backupschemas.GetBackupPlan,
		backupschemas.GetBackupPlanFromJSON,
		backupschemas.GetBackupPlanFromTemplate,
		backupschemas.GetBackupSelection,
		backupschemas.GetBackupVaultAccessPolicy,
		backupschemas.GetBackupVaultNotifications,
		backupschemas.GetLegalHold,
		backupschemas.GetPITRMalwareScanResults,
		backupschemas.GetRecoveryPointIndexDetails,
		backupschemas.GetRecoveryPointRestoreMetadata,
		backupschemas.GetRestoreJobMetadata,
		backupschemas.GetRestoreTestingInferredMetadata,
		backupschemas.GetRestoreTestingPlan,
		backupschemas.GetRestoreTestingSelection,
		backupschemas.GetSupportedResourceTypes,
		backupschemas.GetTieringConfiguration,
		backupschemas.ListBackupAccessPoints,
		backupschemas.ListBackupAccessPointsByRecoveryPoint,
		backupschemas.ListBackupAccessPointsByResource,
		backupschemas.ListBackupJobSummaries,
		backupschemas.ListBackupJobs,
		backupschemas.ListBackupPlanTemplates,
		backupschemas.ListBackupPlanVersions,
		backupschemas.ListBackupPlans,
		backupschemas.ListBackupSelections,
		backupschemas.ListBackupVaults,
		backupschemas.ListCopyJobSummaries,
		backupschemas.ListCopyJobs,
		backupschemas.ListFrameworks,
		backupschemas.ListIndexedRecoveryPoints,
		backupschemas.ListLegalHolds,
		backupschemas.ListProtectedResources,
		backupschemas.ListProtectedResourcesByBackupVault,
		backupschemas.ListRecoveryPointsByBackupVault,
		backupschemas.ListRecoveryPointsByLegalHold,
		backupschemas.ListRecoveryPointsByResource,
		backupschemas.ListReportJobs,
		backupschemas.ListReportPlans,
		backupschemas.ListRestoreAccessBackupVaults,
		backupschemas.ListRestoreJobSummaries,
		backupschemas.ListRestoreJobs,
		backupschemas.ListRestoreJobsByProtectedResource,
		backupschemas.ListRestoreTestingPlans,
		backupschemas.ListRestoreTestingSelections,
		backupschemas.ListScanJobSummaries,
		backupschemas.ListScanJobs,
		backupschemas.ListTags,
		backupschemas.ListTieringConfigurations,
		backupschemas.PutBackupVaultAccessPolicy,
		backupschemas.PutBackupVaultLockConfiguration,
		backupschemas.PutBackupVaultNotifications,
		backupschemas.PutRestoreValidationResult,
		backupschemas.RevokeRestoreAccessBackupVault,
		backupschemas.StartBackupJob,
		backupschemas.StartCopyJob,
		backupschemas.StartReportJob,
		backupschemas.StartRestoreJob,
		backupschemas.StartScanJob,
		backupschemas.StopBackupJob,
		backupschemas.TagResource,
		backupschemas.UntagResource,
		backupschemas.UpdateBackupPlan,
		backupschemas.UpdateFramework,
		backupschemas.UpdateGlobalSettings,
		backupschemas.UpdateRecoveryPointIndexSettings,
		backupschemas.UpdateRecoveryPointLifecycle,
		backupschemas.UpdateRegionSettings,
		backupschemas.UpdateReportPlan,
		backupschemas.UpdateRestoreTestingPlan,
		backupschemas.UpdateRestoreTestingSelection,
		backupschemas.UpdateTieringConfiguration,
	}
}

// backupUnsupported says why the emulator leaves out each AWS Backup
// operation it does not implement: features orgbackup neither manages nor
// observes. Any operation of the model that is neither implemented nor
// listed here answers with the generic reason.
var backupUnsupported = map[string]string{
	"AssociateBackupVaultMpaApprovalTeam":    "multi-party approval for logically air-gapped vaults is not emulated",
	"DisassociateBackupVaultMpaApprovalTeam": "multi-party approval for logically air-gapped vaults is not emulated",
	"CreateRestoreAccessBackupVault":         "restore access backup vaults (multi-party approval) are not emulated",
	"ListRestoreAccessBackupVaults":          "restore access backup vaults (multi-party approval) are not emulated",
	"RevokeRestoreAccessBackupVault":         "restore access backup vaults (multi-party approval) are not emulated",
	"CreateBackupAccessPoint":                "backup access points are not emulated",
	"DeleteBackupAccessPoint":                "backup access points are not emulated",
	"DescribeBackupAccessPoint":              "backup access points are not emulated",
	"ListBackupAccessPoints":                 "backup access points are not emulated",
	"ListBackupAccessPointsByRecoveryPoint":  "backup access points are not emulated",
	"ListBackupAccessPointsByResource":       "backup access points are not emulated",
	"CreateTieringConfiguration":             "S3 tiering configurations are not emulated",
	"DeleteTieringConfiguration":             "S3 tiering configurations are not emulated",
	"GetTieringConfiguration":                "S3 tiering configurations are not emulated",
	"ListTieringConfigurations":              "S3 tiering configurations are not emulated",
	"UpdateTieringConfiguration":             "S3 tiering configurations are not emulated",
	"StartScanJob":                           "malware scanning of recovery points is not emulated",
	"DescribeScanJob":                        "malware scanning of recovery points is not emulated",
	"ListScanJobs":                           "malware scanning of recovery points is not emulated",
	"ListScanJobSummaries":                   "malware scanning of recovery points is not emulated",
	"GetPITRMalwareScanResults":              "malware scanning of recovery points is not emulated",
	"GetRecoveryPointIndexDetails":           "backup indexes and search are not emulated",
	"ListIndexedRecoveryPoints":              "backup indexes and search are not emulated",
	"UpdateRecoveryPointIndexSettings":       "backup indexes and search are not emulated",
	"ExportBackupPlanTemplate":               "AWS's backup plan templates are not emulated",
	"GetBackupPlanFromTemplate":              "AWS's backup plan templates are not emulated",
	"ListBackupPlanTemplates":                "AWS's backup plan templates are not emulated",
	"GetBackupPlanFromJSON":                  "the template document's format is not documented (ExportBackupPlanTemplate signs it)",
	"DisassociateRecoveryPoint":              "continuous backup association is not emulated",
	"DisassociateRecoveryPointFromParent":    "composite (parent and child) recovery points are not emulated",
}

// unsupportedReason is the reason given for an operation of the model that
// is neither implemented nor listed in the service's table.
const unsupportedReason = "not emulated yet"

// errUnsupportedOperation is the emulator's answer to an operation of the
// service's model that it deliberately does not implement. The code is
// the one AWS uses for an operation a service does not know, so a client
// treats it as "not available here", never as a rule of the service.
func errUnsupportedOperation(service, op, reason string) *awsError {
	return &awsError{Code: "UnknownOperationException", Message: fmt.Sprintf("orgbackup emulator: %s operation %s is not supported: %s", service, op, reason), Status: http.StatusBadRequest, Sender: true}
}

// withUnsupported returns implemented followed by an operation answering
// errUnsupportedOperation for every operation of model that implemented
// lacks, so that routing finds each one and names it in the error.
func withUnsupported(service string, implemented []*operation, model []*smithy.Schema, reasons map[string]string) []*operation {
	have := make(map[string]bool, len(implemented))
	for _, op := range implemented {
		have[op.name] = true
	}
	out := implemented
	var missing []*smithy.Schema
	for _, op := range model {
		if !have[op.ID().Name] {
			missing = append(missing, op)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].ID().Name < missing[j].ID().Name })
	for _, op := range missing {
		name := op.ID().Name
		reason := reasons[name]
		if reason == "" {
			reason = unsupportedReason
		}
		out = append(out, &operation{
			name:        name,
			schema:      op,
			unsupported: reason,
			invoke: func(*Call, func(any) error) (smithy.Serializable, error) {
				return nil, errUnsupportedOperation(service, name, reason)
			},
		})
	}
	return out
}

// s3ImplementedOperations lists the S3 operations s3Route serves with a
// handler (S3 is routed by hand, not from a table); TestCoverageTable
// checks the list against s3Route.
func s3ImplementedOperations() []string {
	return []string{
		"AbortMultipartUpload", "CompleteMultipartUpload", "CreateBucket", "CreateMultipartUpload",
		"DeleteBucket", "DeleteBucketEncryption", "DeleteBucketPolicy", "DeleteBucketTagging", "DeleteObject",
		"DeletePublicAccessBlock", "GetBucketEncryption", "GetBucketLocation", "GetBucketPolicy",
		"GetBucketTagging", "GetBucketVersioning", "GetObject", "GetPublicAccessBlock", "HeadBucket",
		"HeadObject", "ListBuckets", "ListObjectsV2", "PutBucketEncryption", "PutBucketPolicy",
		"PutBucketTagging", "PutBucketVersioning", "PutObject", "PutPublicAccessBlock", "UploadPart",
	}
}
