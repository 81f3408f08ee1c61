package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// AssumeRole calls reach EventBridge through CloudTrail ("AWS Security
// Token Service events", EventBridge events reference,
// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-sts.html):
// the event has source "aws.sts", detail-type "AWS API Call via
// CloudTrail", and a detail with the CloudTrail record's eventSource
// "sts.amazonaws.com", eventName and requestParameters (roleArn,
// roleSessionName, ...). AWS STS is a global service, and global services
// deliver their events to the default bus in us-east-1 only ("Why does my
// EventBridge rule for IAM events only trigger in the us-east-1 Region?",
// AWS re:Post Knowledge Center); the EventBridge User Guide does not say
// whether a call to a Regional STS endpoint also reaches that Region's
// bus, so the emulator delivers to us-east-1 only, where a rule must be to
// see every call. The event goes to the account whose role was assumed
// (CloudTrail records the call in the role's account as well as the
// caller's; the emulator, which has no caller-side rule to serve, emits
// the role's account's only).

// Names of the CloudTrail-delivered events the emulator emits.
const (
	// CloudTrailAPICall is the detail-type of API calls that CloudTrail
	// delivers to EventBridge.
	CloudTrailAPICall = "AWS API Call via CloudTrail"
	// stsEventsRegion is where STS's events are delivered.
	stsEventsRegion = "us-east-1"
)

// emitAssumeRoleEventLocked puts the CloudTrail event of a successful
// AssumeRole on the default bus of the role's account in us-east-1. It
// costs nothing where no rule listens.
func (s *Server) emitAssumeRoleEventLocked(c *Call, account, roleARN, sessionName string, mfa bool, user *ststypes.AssumedRoleUser) {
	if s.events == nil {
		return
	}
	r := s.events[regionKey{account, stsEventsRegion}]
	if r == nil || len(r.buses[eventsDefaultBus].rules) == 0 {
		return
	}
	identity := map[string]any{"accountId": c.Caller.Account, "arn": c.Caller.ARN}
	if c.Caller.RoleARN != "" {
		identity["type"] = "AssumedRole"
	} else {
		identity["type"] = "IAMUser"
	}
	identity["sessionContext"] = map[string]any{"attributes": map[string]any{"mfaAuthenticated": boolString(mfa)}}
	d := map[string]any{
		"eventVersion":       "1.08",
		"userIdentity":       identity,
		"eventTime":          s.now.UTC().Format("2006-01-02T15:04:05Z"),
		"eventSource":        "sts.amazonaws.com",
		"eventName":          "AssumeRole",
		"awsRegion":          c.Region,
		"requestParameters":  map[string]any{"roleArn": roleARN, "roleSessionName": sessionName},
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": account,
		"eventID":            s.ids.uuid(),
	}
	if user != nil {
		d["responseElements"] = map[string]any{"assumedRoleUser": map[string]any{"arn": aws.ToString(user.Arn), "assumedRoleId": aws.ToString(user.AssumedRoleId)}}
	}
	ev := newEvent(s.ids.uuid(), account, stsEventsRegion, "aws.sts", CloudTrailAPICall, s.now, []string{roleARN}, d)
	s.eventsDispatchLocked(r.buses[eventsDefaultBus], ev, 0)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
