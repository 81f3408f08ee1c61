package emulator_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestConfigListDiscoveredResources checks that Config lists resources that
// were never tagged, which the Tagging API does not return.
func TestConfigListDiscoveredResources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const a, r = "333333333333", "us-east-1"
	srv.AddResource(a, r, emulator.EBSVolume, "vol-0000000000000000a", nil, 0)
	srv.AddResource(a, r, emulator.EBSVolume, "vol-0000000000000000b", map[string]string{"backup": "daily"}, 0)
	srv.AddResource(a, r, emulator.RDSInstance, "orders", nil, 0)
	srv.AddResource(a, "eu-west-1", emulator.EBSVolume, "vol-0000000000000000c", nil, 0)
	srv.AddResource("444444444444", r, emulator.EBSVolume, "vol-0000000000000000d", nil, 0)
	cfg := awsconfig.NewFromConfig(srv.Config(a, r))

	list := func(in *awsconfig.ListDiscoveredResourcesInput) []string {
		t.Helper()
		var ids []string
		p := awsconfig.NewListDiscoveredResourcesPaginator(cfg, in)
		for p.HasMorePages() {
			page := must(p.NextPage(ctx))(t, "ListDiscoveredResources")
			for _, ri := range page.ResourceIdentifiers {
				ids = append(ids, string(ri.ResourceType)+" "+aws.ToString(ri.ResourceId)+" "+aws.ToString(ri.ResourceName))
			}
		}
		return ids
	}
	for name, tc := range map[string]struct {
		in   *awsconfig.ListDiscoveredResourcesInput
		want []string
	}{
		"volumes, tagged or not, of the account and Region only": {&awsconfig.ListDiscoveredResourcesInput{ResourceType: configtypes.ResourceTypeVolume},
			[]string{"AWS::EC2::Volume vol-0000000000000000a vol-0000000000000000a", "AWS::EC2::Volume vol-0000000000000000b vol-0000000000000000b"}},
		"one per page": {&awsconfig.ListDiscoveredResourcesInput{ResourceType: configtypes.ResourceTypeVolume, Limit: 1},
			[]string{"AWS::EC2::Volume vol-0000000000000000a vol-0000000000000000a", "AWS::EC2::Volume vol-0000000000000000b vol-0000000000000000b"}},
		"by id": {&awsconfig.ListDiscoveredResourcesInput{ResourceType: configtypes.ResourceTypeVolume, ResourceIds: []string{"vol-0000000000000000b"}},
			[]string{"AWS::EC2::Volume vol-0000000000000000b vol-0000000000000000b"}},
		"databases": {&awsconfig.ListDiscoveredResourcesInput{ResourceType: configtypes.ResourceTypeDBInstance},
			[]string{"AWS::RDS::DBInstance orders orders"}},
		"a type with none": {&awsconfig.ListDiscoveredResourcesInput{ResourceType: configtypes.ResourceTypeTable}, nil},
	} {
		if diff := cmp.Diff(tc.want, list(tc.in)); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", name, diff)
		}
	}

	// The Tagging API does not return the never-tagged volume.
	tg := must(awstagging.NewFromConfig(srv.Config(a, r)).GetResources(ctx, &awstagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:volume"}}))(t, "GetResources")
	if len(tg.ResourceTagMappingList) != 1 {
		t.Errorf("GetResources = %d volumes, want only the tagged one", len(tg.ResourceTagMappingList))
	}

	for name, in := range map[string]*awsconfig.ListDiscoveredResourcesInput{
		"no type":       {},
		"limit too big": {ResourceType: configtypes.ResourceTypeVolume, Limit: 101},
		"ids and name":  {ResourceType: configtypes.ResourceTypeVolume, ResourceIds: []string{"x"}, ResourceName: aws.String("x")},
		"bad token":     {ResourceType: configtypes.ResourceTypeVolume, NextToken: aws.String("nope")},
	} {
		if _, err := cfg.ListDiscoveredResources(ctx, in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
