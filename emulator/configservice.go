package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/schemas"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// AWS Config, as far as an inventory of workload resources needs it:
// ListDiscoveredResources lists every resource of a type that the
// configuration recorder has discovered in the account and Region, tagged
// or not, unlike the Resource Groups Tagging API, whose GetResources
// "includes all resources that are currently tagged or ever had a tag"
// (GetResources, Resource Groups Tagging API Reference) and so misses
// resources that were never tagged.
//
// Only resources of the types the account's recorder in the Region
// records are listed (configrecorder.go): none without a recorder. AWS
// keeps what a stopped recorder discovered, and so does the emulator: it
// lists them as if discovered when created. Deleted resources are not
// kept, so IncludeDeletedResources lists nothing more.

// configMaxLimit is ListDiscoveredResources' largest Limit ("The default
// is 100. You cannot specify a number greater than 100", AWS Config API
// Reference).
const configMaxLimit = 100

// configResourceTypes maps the Config resource types of workload resources
// to the emulator's Backup resource types ("Supported Resource Types", AWS
// Config Developer Guide).
var configResourceTypes = map[configtypes.ResourceType]ResourceType{
	configtypes.ResourceTypeInstance:      EC2Instance,
	configtypes.ResourceTypeVolume:        EBSVolume,
	configtypes.ResourceTypeDBInstance:    RDSInstance,
	configtypes.ResourceTypeDBCluster:     AuroraCluster,
	configtypes.ResourceTypeEFSFileSystem: EFSFileSystem,
	configtypes.ResourceTypeTable:         DynamoDBTable,
	configtypes.ResourceTypeBucket:        S3Bucket,
}

func (s *Server) configService() *service {
	return newService("config", awsJSON11, schemas.StarlingDoveService, awsconfig.TypeRegistry, []*operation{
		readOnly(handle(schemas.ListDiscoveredResources, schemas.ListDiscoveredResourcesRequest, s.configListDiscoveredResources)),
		readOnly(handle(schemas.DescribeConfigurationRecorders, schemas.DescribeConfigurationRecordersRequest, s.configDescribeConfigurationRecorders)),
		readOnly(handle(schemas.DescribeConfigurationRecorderStatus, schemas.DescribeConfigurationRecorderStatusRequest, s.configDescribeConfigurationRecorderStatus)),
		handle(schemas.PutConfigurationRecorder, schemas.PutConfigurationRecorderRequest, s.configPutConfigurationRecorder),
		handle(schemas.StartConfigurationRecorder, schemas.StartConfigurationRecorderRequest, s.configStartConfigurationRecorder),
		handle(schemas.StopConfigurationRecorder, schemas.StopConfigurationRecorderRequest, s.configStopConfigurationRecorder),
	})
}

func (s *Server) configListDiscoveredResources(c *Call, in *awsconfig.ListDiscoveredResourcesInput) (*awsconfig.ListDiscoveredResourcesOutput, error) {
	if in.ResourceType == "" {
		// resourceType is required (ListDiscoveredResources, AWS Config
		// API Reference).
		return nil, &configtypes.ValidationException{Message: aws.String("resourceType is required")}
	}
	if in.Limit < 0 || in.Limit > configMaxLimit {
		return nil, &configtypes.InvalidLimitException{Message: aws.String("limit must be between 0 and 100")}
	}
	if len(in.ResourceIds) > 0 && in.ResourceName != nil {
		// "You can specify either resource IDs or a resource name, but not
		// both, in the same request" (ListDiscoveredResources).
		return nil, &configtypes.ValidationException{Message: aws.String("specify either resourceIds or resourceName, not both")}
	}
	typ, known := configResourceTypes[in.ResourceType]
	known = known && s.configRecorderLocked(c.Account, c.Region).records(in.ResourceType)
	ids := map[string]bool{}
	for _, id := range in.ResourceIds {
		ids[id] = true
	}
	var items []configtypes.ResourceIdentifier
	if known {
		all, _ := s.resourcesLocked(c.Account, c.Region)
		for _, r := range all {
			if r.Type != typ {
				continue
			}
			// The emulator's resource ID stands for Config's resourceId
			// (for RDS, AWS names the DbiResourceId there); resourceName
			// is the name Backup reports.
			id, name := resourceIDOf(r.Type, r.ARN), r.Name
			if name == "" {
				name = id
			}
			if len(ids) > 0 && !ids[id] {
				continue
			}
			if in.ResourceName != nil && *in.ResourceName != name {
				continue
			}
			items = append(items, configtypes.ResourceIdentifier{ResourceType: in.ResourceType, ResourceId: aws.String(id), ResourceName: aws.String(name)})
		}
	}
	var limit *int32
	if in.Limit > 0 {
		limit = aws.Int32(in.Limit)
	}
	page, next, err := paginate(items, in.NextToken, limit, configMaxLimit, "InvalidNextTokenException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []configtypes.ResourceIdentifier{}
	}
	return &awsconfig.ListDiscoveredResourcesOutput{ResourceIdentifiers: page, NextToken: next}, nil
}
