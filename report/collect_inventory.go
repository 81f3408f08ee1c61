package report

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// ConfigAPI is the part of the AWS Config client the collector uses to
// list every workload resource, tagged or not.
type ConfigAPI interface {
	ListDiscoveredResources(ctx context.Context, in *awsconfig.ListDiscoveredResourcesInput, optFns ...func(*awsconfig.Options)) (*awsconfig.ListDiscoveredResourcesOutput, error)
}

var _ ConfigAPI = (*awsconfig.Client)(nil)

// configTypes are the AWS Config resource types of the resources the
// report knows ("Supported Resource Types", AWS Config Developer Guide),
// with their Backup resource type and how their ARN is built from
// ListDiscoveredResources' resourceId or resourceName (ARN formats from
// the Service Authorization Reference; for RDS, Config's resourceId is the
// DbiResourceId and the ARN names the resourceName).
var configTypes = []struct {
	typ        configtypes.ResourceType
	backupType string
	arn        func(account, region, id, name string) string
}{
	{configtypes.ResourceTypeInstance, "EC2", func(a, r, id, _ string) string { return "arn:aws:ec2:" + r + ":" + a + ":instance/" + id }},
	{configtypes.ResourceTypeVolume, "EBS", func(a, r, id, _ string) string { return "arn:aws:ec2:" + r + ":" + a + ":volume/" + id }},
	{configtypes.ResourceTypeDBInstance, "RDS", func(a, r, _, name string) string { return "arn:aws:rds:" + r + ":" + a + ":db:" + name }},
	{configtypes.ResourceTypeDBCluster, "Aurora", func(a, r, _, name string) string { return "arn:aws:rds:" + r + ":" + a + ":cluster:" + name }},
	{configtypes.ResourceTypeEFSFileSystem, "EFS", func(a, r, id, _ string) string {
		return "arn:aws:elasticfilesystem:" + r + ":" + a + ":file-system/" + id
	}},
	{configtypes.ResourceTypeTable, "DynamoDB", func(a, r, _, name string) string { return "arn:aws:dynamodb:" + r + ":" + a + ":table/" + name }},
	{configtypes.ResourceTypeBucket, "S3", func(_, _, _, name string) string { return "arn:aws:s3:::" + name }},
}

// untaggedInventory adds the workload resources of account and region that
// AWS Config discovered but the Tagging API did not list. GetResources
// "includes all resources that are currently tagged or ever had a tag"
// (GetResources, Resource Groups Tagging API Reference), so a resource that
// was never tagged is seen only here. It must run after the Tagging API's
// listing of the same account and region.
func (c *collector) untaggedInventory(ctx context.Context, account, region string) error {
	cfg, err := c.clients.Config(ctx, account, region)
	if err != nil {
		return err
	}
	for _, ct := range configTypes {
		p := awsconfig.NewListDiscoveredResourcesPaginator(cfg, &awsconfig.ListDiscoveredResourcesInput{ResourceType: ct.typ})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("listing %s resources in AWS Config: %w", ct.typ, err)
			}
			c.mu.Lock()
			for _, ri := range page.ResourceIdentifiers {
				if ri.ResourceDeletionTime != nil {
					continue
				}
				id, name := aws.ToString(ri.ResourceId), aws.ToString(ri.ResourceName)
				if name == "" {
					name = id
				}
				arn := ct.arn(account, region, id, name)
				if r := c.inv.Resources[arn]; r != nil && r.Tagged {
					continue
				}
				r := c.inv.resource(arn, account, region, ct.backupType, name)
				r.NeverTagged = true
			}
			c.mu.Unlock()
		}
	}
	return nil
}
