package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// ConfigAPI is the part of the AWS Config client the collector uses to
// list every workload resource, tagged or not.
type ConfigAPI interface {
	ListDiscoveredResources(ctx context.Context, in *awsconfig.ListDiscoveredResourcesInput, optFns ...func(*awsconfig.Options)) (*awsconfig.ListDiscoveredResourcesOutput, error)
	DescribeConfigurationRecorders(ctx context.Context, in *awsconfig.DescribeConfigurationRecordersInput, optFns ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecordersOutput, error)
	DescribeConfigurationRecorderStatus(ctx context.Context, in *awsconfig.DescribeConfigurationRecorderStatusInput, optFns ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecorderStatusOutput, error)
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
	if err := recorderRecordsAll(ctx, cfg); err != nil {
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

// recorderRecordsAll returns an error unless AWS Config's configuration
// recorder of the account and Region is on and records every type of
// configTypes: AWS Config discovers only what its recorder records, so
// without that an empty ListDiscoveredResources proves nothing
// ("Recording AWS resources", AWS Config Developer Guide; RecordingGroup
// and RecordingStrategy, AWS Config API Reference). A recorder whose last
// recording failed is taken as not recording: AWS documents no guarantee
// of what it discovered. Only the customer managed recorder counts;
// service-linked recorders record for their service alone.
func recorderRecordsAll(ctx context.Context, cfg ConfigAPI) error {
	status, err := cfg.DescribeConfigurationRecorderStatus(ctx, &awsconfig.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return fmt.Errorf("reading AWS Config's recorder status: %w", err)
	}
	recording := map[string]bool{}
	for _, st := range status.ConfigurationRecordersStatus {
		if st.ServicePrincipal != nil {
			continue
		}
		switch {
		case !st.Recording:
			return fmt.Errorf("AWS Config's recorder %s is not recording, so resources that were never tagged cannot be listed", aws.ToString(st.Name))
		case st.LastStatus == configtypes.RecorderStatusFailure:
			return fmt.Errorf("AWS Config's recorder %s failed its last recording (%s: %s), so resources that were never tagged cannot be listed",
				aws.ToString(st.Name), aws.ToString(st.LastErrorCode), aws.ToString(st.LastErrorMessage))
		}
		recording[aws.ToString(st.Name)] = true
	}
	if len(recording) == 0 {
		return errors.New("AWS Config has no configuration recorder, so resources that were never tagged cannot be listed")
	}
	recs, err := cfg.DescribeConfigurationRecorders(ctx, &awsconfig.DescribeConfigurationRecordersInput{})
	if err != nil {
		return fmt.Errorf("reading AWS Config's recorders: %w", err)
	}
	for _, r := range recs.ConfigurationRecorders {
		if !recording[aws.ToString(r.Name)] || r.ServicePrincipal != nil {
			continue
		}
		var missing []string
		for _, ct := range configTypes {
			if !recordsType(r.RecordingGroup, ct.typ) {
				missing = append(missing, string(ct.typ))
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("AWS Config's recorder %s does not record %s, so resources of those types that were never tagged cannot be listed", aws.ToString(r.Name), strings.Join(missing, ", "))
		}
		return nil
	}
	return errors.New("AWS Config's recording recorder could not be described")
}

// recordsType tells whether a recording group records typ: all supported
// types, every type but those excluded, or the types listed
// (RecordingGroup, AWS Config API Reference). A missing group records
// all supported types, as PutConfigurationRecorder's default.
func recordsType(g *configtypes.RecordingGroup, typ configtypes.ResourceType) bool {
	switch {
	case g == nil || g.AllSupported:
		return true
	case g.RecordingStrategy != nil && g.RecordingStrategy.UseOnly == configtypes.RecordingStrategyTypeExclusionByResourceTypes:
		return g.ExclusionByResourceTypes == nil || !slices.Contains(g.ExclusionByResourceTypes.ResourceTypes, typ)
	default:
		return slices.Contains(g.ResourceTypes, typ)
	}
}
