package emulator

import (
	"maps"
	"slices"
	"strings"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// backupResourceLocked finds the Backup state holding the taggable
// resource arn (vault, plan, report plan, framework, legal hold, restore
// testing plan or recovery point) owned by the caller.
func (s *Server) backupResourceLocked(c *Call, arn *string) (*backupRegion, error) {
	if err := bkRequire("ResourceArn", arn); err != nil {
		return nil, err
	}
	svc, region, account, res, ok := arnRegionAccount(*arn)
	if !ok {
		return nil, bkInvalidParam("Invalid resource ARN %q.", *arn)
	}
	if svc != "backup" {
		// Recovery points of EBS, EC2, RDS and Aurora are EC2 and RDS
		// snapshots and images (recoveryPointARNLocked); an EC2 snapshot ARN
		// names no account, so it is looked up in the caller's vaults.
		// Other ARNs are not resources of AWS Backup (ListTags, AWS Backup
		// API Reference).
		if account == "" || account == c.Account {
			if b := s.backup[regionKey{c.Account, region}]; b != nil && b.recoveryPoints[*arn] != nil {
				return b, nil
			}
		}
		return nil, bkInvalidParam("Invalid resource ARN %q.", *arn)
	}
	notFound := bkNotFound("Resource %s does not exist.", *arn)
	if account != c.Account {
		return nil, notFound
	}
	b := s.backup[regionKey{account, region}]
	if b == nil {
		return nil, notFound
	}
	kind, id, _ := strings.Cut(res, ":")
	found := false
	switch kind {
	case "backup-vault":
		found = b.vaults[id] != nil
	case "backup-plan":
		p := b.plans[id]
		found = p != nil && p.deleted == nil
	case "report-plan":
		for _, p := range b.reportPlans {
			found = found || p.arn == *arn
		}
	case "framework":
		for _, f := range b.frameworks {
			found = found || f.arn == *arn
		}
	case "legal-hold":
		found = b.legalHolds[id] != nil
	case "restore-testing-plan":
		for _, p := range b.restoreTesting {
			found = found || p.arn == *arn
		}
	case "recovery-point":
		found = b.recoveryPoints[*arn] != nil
	}
	if !found {
		return nil, notFound
	}
	return b, nil
}

func (s *Server) tagBackupResource(c *Call, in *awsbackup.TagResourceInput) (*awsbackup.TagResourceOutput, error) {
	b, err := s.backupResourceLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, bkMissing("Tags")
	}
	if b.tags[*in.ResourceArn] == nil {
		b.tags[*in.ResourceArn] = map[string]string{}
	}
	maps.Copy(b.tags[*in.ResourceArn], in.Tags)
	return &awsbackup.TagResourceOutput{}, nil
}

func (s *Server) untagBackupResource(c *Call, in *awsbackup.UntagResourceInput) (*awsbackup.UntagResourceOutput, error) {
	b, err := s.backupResourceLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagKeyList == nil {
		return nil, bkMissing("TagKeyList")
	}
	for _, k := range in.TagKeyList {
		delete(b.tags[*in.ResourceArn], k)
	}
	if len(b.tags[*in.ResourceArn]) == 0 {
		delete(b.tags, *in.ResourceArn)
	}
	return &awsbackup.UntagResourceOutput{}, nil
}

func (s *Server) listBackupTags(c *Call, in *awsbackup.ListTagsInput) (*awsbackup.ListTagsOutput, error) {
	b, err := s.backupResourceLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := b.tags[*in.ResourceArn]
	keys := sortedKeys(tags)
	page, next, err := backupPage(keys, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListTagsOutput{Tags: map[string]string{}, NextToken: next}
	for _, k := range page {
		out.Tags[k] = tags[k]
	}
	return out, nil
}

// backupTagsLocked returns the tags of a Backup resource (aws:ResourceTag
// in service control policies).
func (s *Server) backupTagsLocked(account, region, arn string) map[string]string {
	b := s.backup[regionKey{account, region}]
	if b == nil {
		return nil
	}
	return maps.Clone(b.tags[arn])
}

// maxRecoveryPointTags is the most tags AWS Backup puts on a recovery
// point: resource tags and tags assigned during backup together go "up to
// a maximum of 50" ("Copying tags onto backups", AWS Backup Developer
// Guide).
const maxRecoveryPointTags = 50

// newRecoveryPointTags returns the tags AWS Backup puts on a new recovery
// point, in b, of a resource of type typ tagged resourceTags, made by a
// job assigning jobTags (a rule's
// RecoveryPointTags or StartBackupJob's): "In general, AWS Backup copies
// tags from the resources it protects to your recovery points", with
// "tags that are assigned during backup" having priority, "both sets of
// tags are copied in alphabetical order", at most 50 ("Copying tags onto
// backups"). "DynamoDB does not support assigning tags to backups unless
// you first enable Advanced DynamoDB backup" (same page): without it a
// DynamoDB backup carries neither set. Nested EBS tags of an EC2 backup
// are copied "best-effort"; the emulator's instances have none.
func newRecoveryPointTags(b *backupRegion, typ ResourceType, resourceTags, jobTags map[string]string) map[string]string {
	if typ == DynamoDBTable && !b.management["DynamoDB"] {
		return nil
	}
	out := map[string]string{}
	for _, set := range []map[string]string{jobTags, resourceTags} {
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if len(out) == maxRecoveryPointTags {
				return out
			}
			if _, ok := out[k]; !ok {
				out[k] = set[k]
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// copyRecoveryPointTagsLocked gives the copy arn in dst the tags of the
// source recovery point srcARN in src. "If you copy your backup to
// another AWS Region, AWS Backup copies all tags of the original backup to
// the destination AWS Region" ("Copying tags onto backups"), and "Copies
// retain their source configuration" ("Backup and tag copy", AWS Backup
// Developer Guide). Neither page says a copy to another account behaves
// otherwise, and the latter names cross-account and cross-Region copies
// alike, so cross-account copies carry the tags too (the documentation
// does not spell this case out).
func copyRecoveryPointTagsLocked(src *backupRegion, srcARN string, dst *backupRegion, arn string) {
	if src == nil || len(src.tags[srcARN]) == 0 {
		return
	}
	dst.tags[arn] = maps.Clone(src.tags[srcARN])
}
