package emulator

import (
	"fmt"
	"strings"
)

// Per-resource-type copy rules: which recovery points AWS Backup copies to
// another account, to another Region, or to both in one copy job.

// copyBothWaysUnsupported are the resource types whose recovery points
// AWS Backup cannot copy to another account and another Region in one
// copy job. "Copy a backup" (AWS Backup Developer Guide): "For Amazon RDS
// and Aurora snapshots, AWS Backup only supports automating either
// cross-account or cross-Region copies due to how those services create
// their encryption keys"; the "Feature availability by resource" table
// marks RDS, Aurora, DocumentDB and Neptune alike. A copy to the other
// account in the same Region, then a copy of that recovery point to the
// other Region from that account, is the supported route.
var copyBothWaysUnsupported = map[string]bool{
	"RDS":        true,
	"Aurora":     true,
	"DocumentDB": true,
	"Neptune":    true,
}

// copyTypeViolation returns why AWS Backup refuses to copy the recovery
// point rpARN of resourceType to another account and/or Region, or "".
//
// AWS documents neither rule's status message; the emulator's messages
// name the resource type, the rule and the way out.
func copyTypeViolation(resourceType, rpARN string, crossAccount, crossRegion bool) string {
	if crossAccount && crossRegion && copyBothWaysUnsupported[resourceType] {
		return fmt.Sprintf("Copy job failed. Cross-account and cross-Region copy in a single copy job is not supported for resource type %s. Copy the recovery point to the destination account in the same Region, then copy it to the destination Region from that account.", resourceType)
	}
	// DynamoDB backups are copied to another account or Region only with
	// AWS Backup's advanced DynamoDB features on in the source account and
	// Region ("Advanced DynamoDB backup": enabling them unlocks "AWS
	// Backup's cross-Region and cross-account copy"); when backup plans
	// come from a backup policy, they must be turned on by hand ("If your
	// backup job is created by a backup policy, you need to manually
	// opt-in to Advanced DynamoDB backups"). A backup made without them
	// keeps DynamoDB's own ARN (dynamoDBBackupARNLocked), and stays
	// uncopyable after they are turned on. AWS Backup's documentation
	// gives no status message.
	if resourceType == "DynamoDB" && (crossAccount || crossRegion) && strings.HasPrefix(rpARN, "arn:aws:dynamodb:") {
		return "Copy job failed. Cross-account and cross-Region copies of DynamoDB backups require advanced DynamoDB backup features, which are not enabled in the source account and Region (UpdateRegionSettings ResourceTypeManagementPreference DynamoDB=true)."
	}
	return ""
}
