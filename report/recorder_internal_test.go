package report

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// fakeRecorder answers AWS Config's recorder reads from fixed values.
type fakeRecorder struct {
	ConfigAPI
	status []configtypes.ConfigurationRecorderStatus
	recs   []configtypes.ConfigurationRecorder
}

func (f fakeRecorder) DescribeConfigurationRecorderStatus(context.Context, *awsconfig.DescribeConfigurationRecorderStatusInput, ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecorderStatusOutput, error) {
	return &awsconfig.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: f.status}, nil
}

func (f fakeRecorder) DescribeConfigurationRecorders(context.Context, *awsconfig.DescribeConfigurationRecordersInput, ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecordersOutput, error) {
	return &awsconfig.DescribeConfigurationRecordersOutput{ConfigurationRecorders: f.recs}, nil
}

// TestRecorderRecordsAll checks each way AWS Config's recorder can leave
// the inventory incomplete, and the ways it is complete.
func TestRecorderRecordsAll(t *testing.T) {
	t.Parallel()
	on := []configtypes.ConfigurationRecorderStatus{{Name: aws.String("default"), Recording: true, LastStatus: configtypes.RecorderStatusSuccess}}
	all := func(g *configtypes.RecordingGroup) []configtypes.ConfigurationRecorder {
		return []configtypes.ConfigurationRecorder{{Name: aws.String("default"), RecordingGroup: g}}
	}
	var every []configtypes.ResourceType
	for _, ct := range configTypes {
		every = append(every, ct.typ)
	}
	for name, tc := range map[string]struct {
		api  fakeRecorder
		want string // "" when complete
	}{
		"no recorder": {fakeRecorder{}, "no configuration recorder"},
		"only a service-linked recorder": {fakeRecorder{status: []configtypes.ConfigurationRecorderStatus{{Name: aws.String("AWSConfigurationRecorderForX"), Recording: true, ServicePrincipal: aws.String("x.amazonaws.com")}}},
			"no configuration recorder"},
		"stopped": {fakeRecorder{status: []configtypes.ConfigurationRecorderStatus{{Name: aws.String("default")}}}, "is not recording"},
		"failed": {fakeRecorder{status: []configtypes.ConfigurationRecorderStatus{{Name: aws.String("default"), Recording: true, LastStatus: configtypes.RecorderStatusFailure,
			LastErrorCode: aws.String("AccessDenied")}}}, "failed its last recording (AccessDenied"},
		"some types listed": {fakeRecorder{status: on, recs: all(&configtypes.RecordingGroup{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeVolume}})},
			"does not record AWS::EC2::Instance"},
		"a type excluded": {fakeRecorder{status: on, recs: all(&configtypes.RecordingGroup{RecordingStrategy: &configtypes.RecordingStrategy{UseOnly: configtypes.RecordingStrategyTypeExclusionByResourceTypes},
			ExclusionByResourceTypes: &configtypes.ExclusionByResourceTypes{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeTable}}})}, "does not record AWS::DynamoDB::Table"},
		"all supported":     {fakeRecorder{status: on, recs: all(&configtypes.RecordingGroup{AllSupported: true})}, ""},
		"every type listed": {fakeRecorder{status: on, recs: all(&configtypes.RecordingGroup{ResourceTypes: every})}, ""},
		"exclusions of others": {fakeRecorder{status: on, recs: all(&configtypes.RecordingGroup{RecordingStrategy: &configtypes.RecordingStrategy{UseOnly: configtypes.RecordingStrategyTypeExclusionByResourceTypes},
			ExclusionByResourceTypes: &configtypes.ExclusionByResourceTypes{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeUser}}})}, ""},
	} {
		err := recorderRecordsAll(context.Background(), tc.api)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v, want complete", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
	}
}
