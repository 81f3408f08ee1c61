package emulator

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

// AWS Config's configuration recorder, one per account and Region ("You
// can have only one customer managed configuration recorder for each
// account for each AWS Region", PutConfigurationRecorder, AWS Config API
// Reference). Resources are discovered only where a recorder records
// their type, so an inventory read through ListDiscoveredResources is
// complete only when the recorder is on and records every type asked.
//
// The organization fixture stands for a landing zone with AWS Config's
// baseline on: every account has a recorder named "default" recording all
// supported types in every Region, unless its fixture entry sets
// NoConfigRecorder. Delivery channels are not emulated: StartConfiguration
// Recorder, which AWS refuses without one (NoAvailableDeliveryChannel
// Exception), takes the fixture's channel to exist.

// configDefaultRecorder is the name AWS gives a customer managed recorder
// created without one (ConfigurationRecorder.name, AWS Config API
// Reference).
const configDefaultRecorder = "default"

// configRecorder is the recorder of one account and Region.
type configRecorder struct {
	name      string
	roleARN   string
	group     configtypes.RecordingGroup
	recording bool
	started   time.Time
	stopped   time.Time
}

// configRecorderLocked returns the recorder of account in region, nil
// when it has none. Callers hold s.mu.
func (s *Server) configRecorderLocked(account, region string) *configRecorder {
	k := regionKey{account, region}
	if r, ok := s.configRecorders[k]; ok {
		return r
	}
	if !s.orgMembers[account] || s.noConfigRecorder[account] {
		return nil
	}
	return &configRecorder{
		name: configDefaultRecorder, roleARN: "arn:aws:iam::" + account + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
		group: configtypes.RecordingGroup{AllSupported: true}, recording: true, started: s.opts.Start.UTC(),
	}
}

// setConfigRecorderLocked stores r (nil: none) as the recorder of account
// in region.
func (s *Server) setConfigRecorderLocked(account, region string, r *configRecorder) {
	if s.configRecorders == nil {
		s.configRecorders = map[regionKey]*configRecorder{}
	}
	s.configRecorders[regionKey{account, region}] = r
}

// records tells whether the recorder records resources of typ
// (RecordingGroup and RecordingStrategy, AWS Config API Reference).
func (r *configRecorder) records(typ configtypes.ResourceType) bool {
	if r == nil {
		return false
	}
	g := r.group
	switch {
	case g.AllSupported:
		return true
	case g.RecordingStrategy != nil && g.RecordingStrategy.UseOnly == configtypes.RecordingStrategyTypeExclusionByResourceTypes:
		return g.ExclusionByResourceTypes == nil || !slices.Contains(g.ExclusionByResourceTypes.ResourceTypes, typ)
	default:
		return slices.Contains(g.ResourceTypes, typ)
	}
}

func (s *Server) configPutConfigurationRecorder(c *Call, in *awsconfig.PutConfigurationRecorderInput) (*awsconfig.PutConfigurationRecorderOutput, error) {
	if in.ConfigurationRecorder == nil {
		return nil, &configtypes.ValidationException{Message: aws.String("ConfigurationRecorder is required")}
	}
	name := aws.ToString(in.ConfigurationRecorder.Name)
	if name == "" {
		name = configDefaultRecorder
	}
	cur := s.configRecorderLocked(c.Account, c.Region)
	if cur != nil && cur.name != name {
		// "You can have only one customer managed configuration recorder
		// for each account for each AWS Region" (PutConfigurationRecorder).
		return nil, &configtypes.MaxNumberOfConfigurationRecordersExceededException{Message: aws.String("Failed to put configuration recorder '" + name + "' because the maximum number of configuration recorders: 1 is reached.")}
	}
	g := configtypes.RecordingGroup{AllSupported: true}
	if in.ConfigurationRecorder.RecordingGroup != nil {
		g = *in.ConfigurationRecorder.RecordingGroup
	}
	if g.AllSupported && (len(g.ResourceTypes) > 0 || g.ExclusionByResourceTypes != nil && len(g.ExclusionByResourceTypes.ResourceTypes) > 0) {
		// "If you set this field to true, you cannot enumerate specific
		// resource types" (RecordingGroup.allSupported).
		return nil, &configtypes.InvalidRecordingGroupException{Message: aws.String("allSupported cannot be true when resource types are listed")}
	}
	next := &configRecorder{name: name, roleARN: aws.ToString(in.ConfigurationRecorder.RoleARN), group: g}
	if cur != nil {
		next.recording, next.started, next.stopped = cur.recording, cur.started, cur.stopped
	}
	s.setConfigRecorderLocked(c.Account, c.Region, next)
	return &awsconfig.PutConfigurationRecorderOutput{}, nil
}

// configNamedRecorder returns the recorder named name, or
// NoSuchConfigurationRecorderException.
func (s *Server) configNamedRecorder(c *Call, name string) (*configRecorder, error) {
	r := s.configRecorderLocked(c.Account, c.Region)
	if r == nil || r.name != name {
		return nil, &configtypes.NoSuchConfigurationRecorderException{Message: aws.String("Cannot find configuration recorder with the specified name '" + name + "'.")}
	}
	return r, nil
}

func (s *Server) configStartConfigurationRecorder(c *Call, in *awsconfig.StartConfigurationRecorderInput) (*awsconfig.StartConfigurationRecorderOutput, error) {
	r, err := s.configNamedRecorder(c, aws.ToString(in.ConfigurationRecorderName))
	if err != nil {
		return nil, err
	}
	next := *r
	if !next.recording {
		next.recording, next.started = true, s.now
	}
	s.setConfigRecorderLocked(c.Account, c.Region, &next)
	return &awsconfig.StartConfigurationRecorderOutput{}, nil
}

func (s *Server) configStopConfigurationRecorder(c *Call, in *awsconfig.StopConfigurationRecorderInput) (*awsconfig.StopConfigurationRecorderOutput, error) {
	r, err := s.configNamedRecorder(c, aws.ToString(in.ConfigurationRecorderName))
	if err != nil {
		return nil, err
	}
	next := *r
	if next.recording {
		next.recording, next.stopped = false, s.now
	}
	s.setConfigRecorderLocked(c.Account, c.Region, &next)
	return &awsconfig.StopConfigurationRecorderOutput{}, nil
}

// configRecorders returns the recorder as a list of one, filtered by
// names: a name that is not the recorder's is
// NoSuchConfigurationRecorderException (DescribeConfigurationRecorders).
func (s *Server) configRecordersNamed(c *Call, names []string) ([]*configRecorder, error) {
	r := s.configRecorderLocked(c.Account, c.Region)
	for _, n := range names {
		if _, err := s.configNamedRecorder(c, n); err != nil {
			return nil, err
		}
	}
	if r == nil {
		return nil, nil
	}
	return []*configRecorder{r}, nil
}

func (s *Server) configDescribeConfigurationRecorders(c *Call, in *awsconfig.DescribeConfigurationRecordersInput) (*awsconfig.DescribeConfigurationRecordersOutput, error) {
	rs, err := s.configRecordersNamed(c, in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := &awsconfig.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []configtypes.ConfigurationRecorder{}}
	for _, r := range rs {
		g := r.group
		out.ConfigurationRecorders = append(out.ConfigurationRecorders, configtypes.ConfigurationRecorder{
			Name: aws.String(r.name), RoleARN: aws.String(r.roleARN), RecordingGroup: &g,
			Arn: aws.String("arn:aws:config:" + c.Region + ":" + c.Account + ":configuration-recorder/" + r.name),
		})
	}
	return out, nil
}

func (s *Server) configDescribeConfigurationRecorderStatus(c *Call, in *awsconfig.DescribeConfigurationRecorderStatusInput) (*awsconfig.DescribeConfigurationRecorderStatusOutput, error) {
	rs, err := s.configRecordersNamed(c, in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := &awsconfig.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []configtypes.ConfigurationRecorderStatus{}}
	for _, r := range rs {
		st := configtypes.ConfigurationRecorderStatus{Name: aws.String(r.name), Recording: r.recording, LastStatus: configtypes.RecorderStatusSuccess,
			Arn: aws.String("arn:aws:config:" + c.Region + ":" + c.Account + ":configuration-recorder/" + r.name)}
		if !r.started.IsZero() {
			st.LastStartTime = aws.Time(r.started)
			st.LastStatusChangeTime = aws.Time(r.started)
		}
		if !r.stopped.IsZero() {
			st.LastStopTime = aws.Time(r.stopped)
			if r.stopped.After(r.started) {
				st.LastStatusChangeTime = aws.Time(r.stopped)
			}
		}
		out.ConfigurationRecordersStatus = append(out.ConfigurationRecordersStatus, st)
	}
	return out, nil
}
