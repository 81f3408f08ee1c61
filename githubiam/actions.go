package githubiam

import (
	"maps"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/crossaccount"
)

// Operations maps every SDK operation orgbackup's engine (planning,
// applying, copying, remediating and reporting) calls, as
// "service:Operation" with the SDK's service package name, to the IAM
// actions it needs. Most need the action of the same name; the others are
// from the Service Authorization Reference ("API operations defined by
// ..." tables) and, for vault creation, the AWS Backup guide ("Backup
// vault creation and deletion"). A test fails when the engine calls an
// operation missing here.
var Operations = map[string][]string{
	"backup:CreateBackupPlan":                    {"backup:CreateBackupPlan", "backup:TagResource"},
	"backup:CreateBackupSelection":               {"backup:CreateBackupSelection", "iam:PassRole"},
	"backup:CreateBackupVault":                   {"backup:CreateBackupVault", "backup:TagResource", "backup-storage:MountCapsule", "kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:RetireGrant", "kms:DescribeKey"},
	"backup:CreateFramework":                     {"backup:CreateFramework", "backup:TagResource"},
	"backup:CreateLogicallyAirGappedBackupVault": {"backup:CreateLogicallyAirGappedBackupVault", "backup:TagResource", "backup-storage:MountCapsule"},
	"backup:CreateReportPlan":                    {"backup:CreateReportPlan", "backup:TagResource"},
	"backup:DeleteBackupPlan":                    {"backup:DeleteBackupPlan"},
	"backup:DeleteBackupSelection":               {"backup:DeleteBackupSelection"},
	"backup:DeleteBackupVault":                   {"backup:DeleteBackupVault"},
	"backup:DeleteBackupVaultAccessPolicy":       {"backup:DeleteBackupVaultAccessPolicy"},
	"backup:DeleteBackupVaultLockConfiguration":  {"backup:DeleteBackupVaultLockConfiguration"},
	"backup:DeleteBackupVaultNotifications":      {"backup:DeleteBackupVaultNotifications"},
	"backup:DescribeBackupJob":                   {"backup:DescribeBackupJob"},
	"backup:DescribeBackupVault":                 {"backup:DescribeBackupVault"},
	"backup:DescribeFramework":                   {"backup:DescribeFramework"},
	"backup:DescribeGlobalSettings":              {"backup:DescribeGlobalSettings"},
	"backup:DescribeRegionSettings":              {"backup:DescribeRegionSettings"},
	"backup:DescribeReportPlan":                  {"backup:DescribeReportPlan"},
	"backup:GetBackupPlan":                       {"backup:GetBackupPlan"},
	"backup:GetBackupSelection":                  {"backup:GetBackupSelection"},
	"backup:GetBackupVaultAccessPolicy":          {"backup:GetBackupVaultAccessPolicy"},
	"backup:GetBackupVaultNotifications":         {"backup:GetBackupVaultNotifications"},
	"backup:ListBackupPlans":                     {"backup:ListBackupPlans"},
	"backup:ListBackupSelections":                {"backup:ListBackupSelections"},
	"backup:ListTags":                            {"backup:ListTags"},
	"backup:PutBackupVaultAccessPolicy":          {"backup:PutBackupVaultAccessPolicy"},
	"backup:PutBackupVaultLockConfiguration":     {"backup:PutBackupVaultLockConfiguration"},
	"backup:PutBackupVaultNotifications":         {"backup:PutBackupVaultNotifications"},
	"backup:TagResource":                         {"backup:TagResource"},
	"backup:UntagResource":                       {"backup:UntagResource"},
	"backup:UpdateBackupPlan":                    {"backup:UpdateBackupPlan"},
	"backup:UpdateFramework":                     {"backup:UpdateFramework"},
	"backup:UpdateGlobalSettings":                {"backup:UpdateGlobalSettings"},
	"backup:UpdateRegionSettings":                {"backup:UpdateRegionSettings"},
	"backup:UpdateReportPlan":                    {"backup:UpdateReportPlan"},
	// Restore testing (package restoretesting); selections pass the backup
	// role to AWS Backup.
	"backup:CreateRestoreTestingPlan":            {"backup:CreateRestoreTestingPlan", "backup:TagResource"},
	"backup:CreateRestoreTestingSelection":       {"backup:CreateRestoreTestingSelection", "iam:PassRole"},
	"backup:DeleteRestoreTestingPlan":            {"backup:DeleteRestoreTestingPlan"},
	"backup:DeleteRestoreTestingSelection":       {"backup:DeleteRestoreTestingSelection"},
	"backup:GetRestoreTestingPlan":               {"backup:GetRestoreTestingPlan"},
	"backup:GetRestoreTestingSelection":          {"backup:GetRestoreTestingSelection"},
	"backup:ListProtectedResourcesByBackupVault": {"backup:ListProtectedResourcesByBackupVault"},
	"backup:ListRestoreTestingPlans":             {"backup:ListRestoreTestingPlans"},
	"backup:ListRestoreTestingSelections":        {"backup:ListRestoreTestingSelections"},
	"backup:UpdateRestoreTestingPlan":            {"backup:UpdateRestoreTestingPlan"},
	"backup:UpdateRestoreTestingSelection":       {"backup:UpdateRestoreTestingSelection", "iam:PassRole"},
	"iam:AttachRolePolicy":                       {"iam:AttachRolePolicy"},
	"iam:CreateRole":                             {"iam:CreateRole", "iam:TagRole"},
	"iam:GetRole":                                {"iam:GetRole"},
	"iam:ListAttachedRolePolicies":               {"iam:ListAttachedRolePolicies"},
	"iam:UpdateAssumeRolePolicy":                 {"iam:UpdateAssumeRolePolicy"},
	// orgbackup's own roles and their boundary (bootstrap only).
	"iam:CreatePolicy":                                  {"iam:CreatePolicy"},
	"iam:CreatePolicyVersion":                           {"iam:CreatePolicyVersion"},
	"iam:DeletePolicyVersion":                           {"iam:DeletePolicyVersion"},
	"iam:GetPolicy":                                     {"iam:GetPolicy"},
	"iam:GetPolicyVersion":                              {"iam:GetPolicyVersion"},
	"iam:GetRolePolicy":                                 {"iam:GetRolePolicy"},
	"iam:ListPolicyVersions":                            {"iam:ListPolicyVersions"},
	"iam:PutRolePermissionsBoundary":                    {"iam:PutRolePermissionsBoundary"},
	"iam:PutRolePolicy":                                 {"iam:PutRolePolicy"},
	"iam:UpdateRole":                                    {"iam:UpdateRole"},
	"kms:CreateAlias":                                   {"kms:CreateAlias"},
	"kms:CreateKey":                                     {"kms:CreateKey", "kms:TagResource"},
	"kms:DescribeKey":                                   {"kms:DescribeKey"},
	"kms:DisableKeyRotation":                            {"kms:DisableKeyRotation"},
	"kms:EnableKeyRotation":                             {"kms:EnableKeyRotation"},
	"kms:GetKeyPolicy":                                  {"kms:GetKeyPolicy"},
	"kms:GetKeyRotationStatus":                          {"kms:GetKeyRotationStatus"},
	"kms:ListKeys":                                      {"kms:ListKeys"},
	"kms:ListResourceTags":                              {"kms:ListResourceTags"},
	"kms:PutKeyPolicy":                                  {"kms:PutKeyPolicy"},
	"kms:TagResource":                                   {"kms:TagResource"},
	"kms:UpdateKeyDescription":                          {"kms:UpdateKeyDescription"},
	"organizations:AttachPolicy":                        {"organizations:AttachPolicy"},
	"organizations:CreatePolicy":                        {"organizations:CreatePolicy", "organizations:TagResource"},
	"organizations:DeletePolicy":                        {"organizations:DeletePolicy"},
	"organizations:DescribeEffectivePolicy":             {"organizations:DescribeEffectivePolicy"},
	"organizations:DescribeOrganization":                {"organizations:DescribeOrganization"},
	"organizations:DescribePolicy":                      {"organizations:DescribePolicy"},
	"organizations:DescribeResourcePolicy":              {"organizations:DescribeResourcePolicy"},
	"organizations:DetachPolicy":                        {"organizations:DetachPolicy"},
	"organizations:EnableAWSServiceAccess":              {"organizations:EnableAWSServiceAccess"},
	"organizations:EnablePolicyType":                    {"organizations:EnablePolicyType"},
	"organizations:ListAWSServiceAccessForOrganization": {"organizations:ListAWSServiceAccessForOrganization"},
	"organizations:ListAccountsForParent":               {"organizations:ListAccountsForParent"},
	"organizations:ListDelegatedAdministrators":         {"organizations:ListDelegatedAdministrators"},
	"organizations:ListOrganizationalUnitsForParent":    {"organizations:ListOrganizationalUnitsForParent"},
	"organizations:ListPolicies":                        {"organizations:ListPolicies"},
	"organizations:ListRoots":                           {"organizations:ListRoots"},
	"organizations:ListTagsForResource":                 {"organizations:ListTagsForResource"},
	"organizations:ListTargetsForPolicy":                {"organizations:ListTargetsForPolicy"},
	"organizations:PutResourcePolicy":                   {"organizations:PutResourcePolicy"},
	"organizations:RegisterDelegatedAdministrator":      {"organizations:RegisterDelegatedAdministrator"},
	"organizations:TagResource":                         {"organizations:TagResource"},
	"organizations:UntagResource":                       {"organizations:UntagResource"},
	"organizations:UpdatePolicy":                        {"organizations:UpdatePolicy"},
	// Sharing the air-gapped vault with the recovery accounts.
	"ram:AssociateResourceShare":       {"ram:AssociateResourceShare"},
	"ram:CreateResourceShare":          {"ram:CreateResourceShare", "ram:TagResource"},
	"ram:DeleteResourceShare":          {"ram:DeleteResourceShare"},
	"ram:DisassociateResourceShare":    {"ram:DisassociateResourceShare"},
	"ram:GetResourceShareAssociations": {"ram:GetResourceShareAssociations"},
	"ram:GetResourceShares":            {"ram:GetResourceShares"},
	// S3 actions are named after the permission, not the operation.
	"s3:CreateBucket":         {"s3:CreateBucket"},
	"s3:GetBucketEncryption":  {"s3:GetEncryptionConfiguration"},
	"s3:GetBucketPolicy":      {"s3:GetBucketPolicy"},
	"s3:GetPublicAccessBlock": {"s3:GetBucketPublicAccessBlock"},
	"s3:HeadBucket":           {"s3:ListBucket"},
	"s3:PutBucketEncryption":  {"s3:PutEncryptionConfiguration"},
	"s3:PutBucketPolicy":      {"s3:PutBucketPolicy"},
	"s3:PutBucketTagging":     {"s3:PutBucketTagging"},
	"s3:PutPublicAccessBlock": {"s3:PutBucketPublicAccessBlock"},
	"backup:ListBackupJobs":   {"backup:ListBackupJobs"},
	// Legal holds.
	"backup:CancelLegalHold":                 {"backup:CancelLegalHold"},
	"backup:CreateLegalHold":                 {"backup:CreateLegalHold", "backup:TagResource"},
	"backup:ListBackupVaults":                {"backup:ListBackupVaults"},
	"backup:ListLegalHolds":                  {"backup:ListLegalHolds"},
	"backup:ListRecoveryPointsByLegalHold":   {"backup:ListRecoveryPointsByLegalHold"},
	"backup:ListCopyJobs":                    {"backup:ListCopyJobs"},
	"backup:ListProtectedResources":          {"backup:ListProtectedResources"},
	"backup:ListRestoreJobs":                 {"backup:ListRestoreJobs"},
	"backup:ListRecoveryPointsByBackupVault": {"backup:ListRecoveryPointsByBackupVault"},
	"backup:StartBackupJob":                  {"backup:StartBackupJob", "iam:PassRole"},
	"backup:StartCopyJob":                    {"backup:StartCopyJob", "iam:PassRole"},
	// Restores and drills (package recovery).
	"backup:DescribeCopyJob":                 {"backup:DescribeCopyJob"},
	"backup:DescribeRestoreJob":              {"backup:DescribeRestoreJob"},
	"backup:GetRecoveryPointRestoreMetadata": {"backup:GetRecoveryPointRestoreMetadata"},
	"backup:StartRestoreJob":                 {"backup:StartRestoreJob", "iam:PassRole"},
	"iam:TagRole":                            {"iam:TagRole"},
	"s3:GetBucketTagging":                    {"s3:GetBucketTagging"},
	// Report uploads (no object tags, ACL or SSE-KMS key are set).
	"s3:PutObject":                 {"s3:PutObject"},
	"sns:CreateTopic":              {"sns:CreateTopic", "sns:TagResource"},
	"sns:GetTopicAttributes":       {"sns:GetTopicAttributes"},
	"sns:ListSubscriptionsByTopic": {"sns:ListSubscriptionsByTopic"},
	"sns:ListTagsForResource":      {"sns:ListTagsForResource"},
	"sns:SetTopicAttributes":       {"sns:SetTopicAttributes"},
	"sns:Subscribe":                {"sns:Subscribe"},
	"sns:TagResource":              {"sns:TagResource"},
	"sns:Unsubscribe":              {"sns:Unsubscribe"},
	// The alert path (package alerting). Tags given at creation need
	// events:TagResource too, and a target with an execution role needs
	// iam:PassRole on it ("Actions defined by Amazon EventBridge", Service
	// Authorization Reference).
	"events:CreateEventBus":      {"events:CreateEventBus", "events:TagResource"},
	"events:DescribeEventBus":    {"events:DescribeEventBus"},
	"events:DescribeRule":        {"events:DescribeRule"},
	"events:ListTagsForResource": {"events:ListTagsForResource"},
	"events:ListTargetsByRule":   {"events:ListTargetsByRule"},
	"events:PutPermission":       {"events:PutPermission"},
	"events:PutRule":             {"events:PutRule", "events:TagResource"},
	"events:PutTargets":          {"events:PutTargets", "iam:PassRole"},
	"events:RemoveTargets":       {"events:RemoveTargets"},
	"events:TagResource":         {"events:TagResource"},
	// Resources and their tags for the report; the Tagging API lists
	// every service's resources under its own action.
	"tag:GetResources": {"tag:GetResources"},
	// Every workload resource, tagged or not, for the report
	// ("Actions defined by AWS Config", Service Authorization Reference).
	"config:ListDiscoveredResources": {"config:ListDiscoveredResources"},
	// Whether the recorder records, so an empty inventory proves nothing
	// otherwise (the same reference).
	"config:DescribeConfigurationRecorders":      {"config:DescribeConfigurationRecorders"},
	"config:DescribeConfigurationRecorderStatus": {"config:DescribeConfigurationRecorderStatus"},
	// Role assumption is granted on the execution role only (see Roles).
	"sts:AssumeRole": nil,
	// GetCallerIdentity needs no permission.
	"sts:GetCallerIdentity": nil,
	// AWS Budgets authorizes reads with ViewBudget and every change of a
	// budget, its notifications and subscribers with ModifyBudget
	// ("Actions defined by AWS Budget Service", Service Authorization
	// Reference).
	"budgets:CreateBudget":                       {"budgets:ModifyBudget"},
	"budgets:CreateNotification":                 {"budgets:ModifyBudget"},
	"budgets:DeleteBudget":                       {"budgets:ModifyBudget"},
	"budgets:DeleteNotification":                 {"budgets:ModifyBudget"},
	"budgets:DescribeBudgets":                    {"budgets:ViewBudget"},
	"budgets:DescribeNotificationsForBudget":     {"budgets:ViewBudget"},
	"budgets:DescribeSubscribersForNotification": {"budgets:ViewBudget"},
	"budgets:ListTagsForResource":                {"budgets:ListTagsForResource"},
	"budgets:UpdateBudget":                       {"budgets:ModifyBudget"},
}

// Actions returns the IAM actions of Operations, sorted and without
// duplicates, split into those of read operations (as
// crossaccount.IsReadOperation classifies them, the operations planning
// lets through) and the others.
func Actions() (reads, writes []string) {
	r, w := map[string]bool{}, map[string]bool{}
	for op, actions := range Operations {
		_, name, _ := strings.Cut(op, ":")
		for _, a := range actions {
			if crossaccount.IsReadOperation(name) {
				r[a] = true
			} else {
				w[a] = true
			}
		}
	}
	for a := range r {
		delete(w, a)
	}
	return slices.Sorted(maps.Keys(r)), slices.Sorted(maps.Keys(w))
}
