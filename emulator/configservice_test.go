package emulator_test

import (
	"context"
	"errors"
	"fmt"
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

// TestConfigRecorder checks the configuration recorder: the fixture's
// default records every type, a stopped one says so, one recording some
// types only lists those, an account without one lists nothing, and AWS's
// rules on names and recording groups.
func TestConfigRecorder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	org := emulator.DefaultOrganization()
	org.Units[len(org.Units)-1].Accounts[0].NoConfigRecorder = true
	srv := emulator.NewServer(emulator.WithOrganization(org))
	t.Cleanup(srv.Close)
	const a, r = "333333333333", "us-east-1"
	bare := org.Units[len(org.Units)-1].Accounts[0].ID
	for _, acct := range []string{a, bare} {
		srv.AddResource(acct, r, emulator.EBSVolume, "vol-0000000000000000a", nil, 0)
		srv.AddResource(acct, r, emulator.RDSInstance, "orders", nil, 0)
	}
	cfg := awsconfig.NewFromConfig(srv.Config(a, r))
	count := func(c *awsconfig.Client, typ configtypes.ResourceType) int {
		t.Helper()
		out := must(c.ListDiscoveredResources(ctx, &awsconfig.ListDiscoveredResourcesInput{ResourceType: typ}))(t, "ListDiscoveredResources")
		return len(out.ResourceIdentifiers)
	}
	status := func(c *awsconfig.Client) []string {
		t.Helper()
		out := must(c.DescribeConfigurationRecorderStatus(ctx, &awsconfig.DescribeConfigurationRecorderStatusInput{}))(t, "DescribeConfigurationRecorderStatus")
		var got []string
		for _, st := range out.ConfigurationRecordersStatus {
			got = append(got, fmt.Sprintf("%s recording=%v %s", aws.ToString(st.Name), st.Recording, st.LastStatus))
		}
		return got
	}

	recs := must(cfg.DescribeConfigurationRecorders(ctx, &awsconfig.DescribeConfigurationRecordersInput{}))(t, "DescribeConfigurationRecorders")
	if len(recs.ConfigurationRecorders) != 1 || aws.ToString(recs.ConfigurationRecorders[0].Name) != "default" || !recs.ConfigurationRecorders[0].RecordingGroup.AllSupported {
		t.Errorf("fixture recorder = %+v, want one named default recording all supported types", recs.ConfigurationRecorders)
	}
	if diff := cmp.Diff([]string{"default recording=true Success"}, status(cfg)); diff != "" {
		t.Errorf("fixture status (-want +got):\n%s", diff)
	}
	if n := count(cfg, configtypes.ResourceTypeDBInstance); n != 1 {
		t.Errorf("databases discovered by the fixture's recorder: %d, want 1", n)
	}

	must(cfg.StopConfigurationRecorder(ctx, &awsconfig.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}))(t, "StopConfigurationRecorder")
	if diff := cmp.Diff([]string{"default recording=false Success"}, status(cfg)); diff != "" {
		t.Errorf("stopped status (-want +got):\n%s", diff)
	}
	must(cfg.StartConfigurationRecorder(ctx, &awsconfig.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}))(t, "StartConfigurationRecorder")

	// Volumes only: databases are not discovered.
	must(cfg.PutConfigurationRecorder(ctx, &awsconfig.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + a + ":role/config"),
		RecordingGroup: &configtypes.RecordingGroup{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeVolume}},
	}}))(t, "PutConfigurationRecorder")
	if v, d := count(cfg, configtypes.ResourceTypeVolume), count(cfg, configtypes.ResourceTypeDBInstance); v != 1 || d != 0 {
		t.Errorf("recording volumes only: %d volumes and %d databases discovered, want 1 and 0", v, d)
	}
	// All but volumes.
	must(cfg.PutConfigurationRecorder(ctx, &awsconfig.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + a + ":role/config"),
		RecordingGroup: &configtypes.RecordingGroup{RecordingStrategy: &configtypes.RecordingStrategy{UseOnly: configtypes.RecordingStrategyTypeExclusionByResourceTypes},
			ExclusionByResourceTypes: &configtypes.ExclusionByResourceTypes{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeVolume}}},
	}}))(t, "PutConfigurationRecorder")
	if v, d := count(cfg, configtypes.ResourceTypeVolume), count(cfg, configtypes.ResourceTypeDBInstance); v != 0 || d != 1 {
		t.Errorf("excluding volumes: %d volumes and %d databases discovered, want 0 and 1", v, d)
	}

	// AWS's rules.
	_, err := cfg.PutConfigurationRecorder(ctx, &awsconfig.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{Name: aws.String("second"), RoleARN: aws.String("arn:aws:iam::" + a + ":role/config")}})
	var tooMany *configtypes.MaxNumberOfConfigurationRecordersExceededException
	if !errors.As(err, &tooMany) {
		t.Errorf("a second recorder: %v, want MaxNumberOfConfigurationRecordersExceededException", err)
	}
	_, err = cfg.PutConfigurationRecorder(ctx, &awsconfig.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{Name: aws.String("default"),
		RecordingGroup: &configtypes.RecordingGroup{AllSupported: true, ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeVolume}}}})
	var badGroup *configtypes.InvalidRecordingGroupException
	if !errors.As(err, &badGroup) {
		t.Errorf("allSupported with resource types: %v, want InvalidRecordingGroupException", err)
	}
	_, err = cfg.StopConfigurationRecorder(ctx, &awsconfig.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("other")})
	var noSuch *configtypes.NoSuchConfigurationRecorderException
	if !errors.As(err, &noSuch) {
		t.Errorf("stopping an unknown recorder: %v, want NoSuchConfigurationRecorderException", err)
	}

	// An account without a recorder discovers nothing.
	bareCfg := awsconfig.NewFromConfig(srv.Config(bare, r))
	if got := status(bareCfg); len(got) != 0 {
		t.Errorf("account without a recorder: status %v, want none", got)
	}
	if v := count(bareCfg, configtypes.ResourceTypeVolume); v != 0 {
		t.Errorf("account without a recorder discovered %d volumes, want 0", v)
	}
}
