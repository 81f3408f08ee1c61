package policy

import (
	"maps"
	"slices"
)

// What AWS Backup puts on the recovery points a rule creates, for cost
// allocation: the rule's RecoveryPointTags (TierTagKey on every tier's
// rule) and, for most resource types, the resource's own tags, where a
// cost allocation tag such as a business unit lives. Copies carry the
// tags of their source.

// MaxRecoveryPointTags is the most tags one recovery point carries: the
// resource's tags and those assigned during backup together, "up to a
// maximum of 50", those assigned during backup first ("Copying tags onto
// backups", AWS Backup Developer Guide).
const MaxRecoveryPointTags = 50

// AllocatedByResourceTags reports whether a resource tag attributes the
// backup storage of resourceType (an AWS Backup resource type such as
// "EBS"): whether AWS Backup copies the resource's tags onto what its
// backups store, and when it does not, why. "In general, AWS Backup
// copies tags from the resources it protects to your recovery points",
// with two exceptions ("Copying tags onto backups", AWS Backup Developer
// Guide): "DynamoDB does not support assigning tags to backups unless you
// first enable Advanced DynamoDB backup" (advancedDynamoDB says whether
// the account's Region has it), and an EC2 backup's image gets the
// instance's tags but its snapshots, which hold the data, get the attached
// volumes' tags only by "a best-effort attempt".
func AllocatedByResourceTags(resourceType string, advancedDynamoDB bool) (ok bool, why string) {
	switch resourceType {
	case "DynamoDB":
		if !advancedDynamoDB {
			return false, "AWS Backup puts no tags on DynamoDB backups without advanced DynamoDB backup"
		}
	case "EC2":
		return false, "AWS Backup copies the volumes' tags to an EC2 backup's snapshots only on a best-effort basis"
	}
	return true, ""
}

// RecoveryPointTagsOf returns the tags AWS Backup puts on a recovery
// point r creates of a resource of resourceType tagged resourceTags: r's
// RecoveryPointTags first and winning over the resource's, "both sets of
// tags are copied in alphabetical order", MaxRecoveryPointTags at most,
// and none at all on a DynamoDB backup without advanced DynamoDB backup
// ("Copying tags onto backups"). It is nil when there are none.
func (r Rule) RecoveryPointTagsOf(resourceType string, resourceTags map[string]string, advancedDynamoDB bool) map[string]string {
	if resourceType == "DynamoDB" && !advancedDynamoDB {
		return nil
	}
	var out map[string]string
	for _, set := range []map[string]string{r.RecoveryPointTags, resourceTags} {
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if len(out) == MaxRecoveryPointTags {
				return out
			}
			if _, ok := out[k]; ok {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k] = set[k]
		}
	}
	return out
}
