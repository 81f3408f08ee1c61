package report

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Flags of a resource: what AWS refuses for it, found before any job
// fails.

// RegionSettingsAPI is the AWS Backup call the collector uses, when the
// Backup client has it, to find the resource types opted out in a Region.
type RegionSettingsAPI interface {
	DescribeRegionSettings(ctx context.Context, in *awsbackup.DescribeRegionSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeRegionSettingsOutput, error)
}

var _ RegionSettingsAPI = (*awsbackup.Client)(nil)

// regionSettings records the resource types AWS Backup is opted out of in
// account and region. Clients without DescribeRegionSettings are skipped.
func (c *collector) regionSettings(ctx context.Context, bk BackupAPI, account, region string) error {
	rs, ok := bk.(RegionSettingsAPI)
	if !ok {
		return nil
	}
	out, err := rs.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		return fmt.Errorf("reading AWS Backup Region settings: %w", err)
	}
	var off []string
	for t, in := range out.ResourceTypeOptInPreference {
		if !in {
			off = append(off, t)
		}
	}
	slices.Sort(off)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inv.OptedOut == nil {
		c.inv.OptedOut = map[string][]string{}
	}
	c.inv.OptedOut[account+"/"+region] = off
	return nil
}

// noteKeyLocked remembers the key of a resource's local recovery point.
func (c *collector) noteKeyLocked(resource, key string) {
	if key == "" {
		return
	}
	if c.inv.localKeys == nil {
		c.inv.localKeys = map[string]string{}
	}
	c.inv.localKeys[resource] = key
}

// sourceKeys sorts the keys of account's local recovery points in region
// into AWSManagedKeys, asking KMS which are AWS managed.
func (c *collector) sourceKeys(ctx context.Context, account, region string) error {
	c.mu.Lock()
	byKey := map[string][]string{}
	for res, key := range c.inv.localKeys {
		if r := c.inv.Resources[res]; r != nil && r.Account == account && r.Region == region {
			byKey[key] = append(byKey[key], res)
		}
	}
	c.mu.Unlock()
	if len(byKey) == 0 {
		return nil
	}
	km, err := c.clients.KMS(ctx, account, region)
	if err != nil {
		return err
	}
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		out, err := km.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(key)})
		var nf *kmstypes.NotFoundException
		switch {
		case errors.As(err, &nf):
			continue
		case err != nil:
			c.warn("%s/%s: describing key %s: %v", account, region, key, err)
			continue
		}
		if out.KeyMetadata == nil || out.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
			continue
		}
		c.mu.Lock()
		if c.inv.AWSManagedKeys == nil {
			c.inv.AWSManagedKeys = map[string]string{}
		}
		for _, res := range byKey[key] {
			c.inv.AWSManagedKeys[res] = key
		}
		c.mu.Unlock()
	}
	return nil
}

// sourceKeyTypes are the resource types whose backups keep their source's
// key, where AWS Backup does not fully manage them ("Encryption for
// backups in AWS Backup"; DynamoDB and EFS are fully managed when
// advanced features are on, which orgbackup turns on).
var sourceKeyTypes = []string{"Aurora", "DocumentDB", "EBS", "EC2", "FSx", "Neptune", "RDS"}

// flags returns what AWS refuses for a resource of tier, sorted:
//
//   - its type is opted out of AWS Backup in its Region while the tier
//     selects by tags alone: AWS Backup then skips it ("If resource
//     assignments are only based on tags, then service opt-in settings
//     are applied", UpdateRegionSettings API reference);
//   - its backups keep an AWS managed key while the tier copies to the
//     central account: AWS managed keys cannot be used from another
//     account ("Encryption for a backup copy to a different account or
//     AWS Region"), so every copy fails.
func (e *evaluator) flags(d *ResourceData, tier string) []string {
	t, ok := e.tiers[tier]
	if !ok {
		return nil
	}
	var out []string
	if len(t.ResourceTypes) == 0 && slices.Contains(e.inv.OptedOut[d.Account+"/"+d.Region], d.Type) {
		out = append(out, fmt.Sprintf("type-opted-out: AWS Backup is opted out of %s in %s of account %s, so tier %s's tag-based plan skips it; apply the spec (backup_region_settings opts it in)", d.Type, d.Region, d.Account, tier))
	}
	if key := e.inv.AWSManagedKeys[d.ARN]; key != "" && t.CentralRetention > 0 && slices.Contains(sourceKeyTypes, d.Type) {
		out = append(out, fmt.Sprintf("aws-managed-key: its backups keep the AWS managed key %s, which the backup account cannot use, so copies to the central vault fail; encrypt the %s with a customer managed key shared with the backup account", key, strings.ToLower(d.Type)))
	}
	return out
}
