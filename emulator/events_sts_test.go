package emulator_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestAssumeRoleEvent checks that a successful AssumeRole puts CloudTrail's
// "AWS API Call via CloudTrail" event on the default bus of the role's
// account in us-east-1, whatever the Region of the STS endpoint, and only
// there; a refused call puts none.
func TestAssumeRoleEvent(t *testing.T) {
	t.Parallel()
	const mgmt, email = "111111111111", "bg@example.com"
	tests := map[string]struct {
		ruleRegion, callRegion string
		refused                bool
		want                   int
	}{
		"us-east-1 endpoint":               {ruleRegion: "us-east-1", callRegion: "us-east-1", want: 1},
		"Regional endpoint, us-east-1 bus": {ruleRegion: "us-east-1", callRegion: "eu-west-1", want: 1},
		"no event on the Regional bus":     {ruleRegion: "eu-west-1", callRegion: "eu-west-1", want: 0},
		"refused call, no event":           {ruleRegion: "us-east-1", callRegion: "us-east-1", refused: true, want: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			ctx := context.Background()
			roleARN := stsRole(t, srv, evWorkload, "bg", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+mgmt+`:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`))
			ev := awsevents.NewFromConfig(srv.Config(evWorkload, tc.ruleRegion))
			sns := awssns.NewFromConfig(srv.Config(evWorkload, tc.ruleRegion))
			topic := *must(sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("bg")}))(t, "CreateTopic").TopicArn
			rule := must(ev.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String("bg"), EventPattern: aws.String(
				`{"source":["aws.sts"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["sts.amazonaws.com"],"eventName":["AssumeRole"],"requestParameters":{"roleArn":["` + roleARN + `"]}}}`)}))(t, "PutRule")
			pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + *rule.RuleArn + `"}}}]}`
			must(sns.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Policy"), AttributeValue: aws.String(pol)}))(t, "SetTopicAttributes")
			must(ev.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String("bg"), Targets: []eventstypes.Target{{Id: aws.String("topic"), Arn: aws.String(topic)}}}))(t, "PutTargets")
			must(sns.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("email"), Endpoint: aws.String(email)}))(t, "Subscribe")
			for _, d := range srv.SNSDeliveries(email) {
				must(sns.ConfirmSubscription(ctx, &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String(d.Token)}))(t, "ConfirmSubscription")
			}
			in := &awssts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("alice")}
			if !tc.refused {
				in.SerialNumber, in.TokenCode = aws.String("arn:aws:iam::"+mgmt+":mfa/alice"), aws.String("123456")
			}
			_, err := awssts.NewFromConfig(srv.Config(mgmt, tc.callRegion)).AssumeRole(ctx, in)
			if (err != nil) != tc.refused {
				t.Fatalf("AssumeRole: %v", err)
			}
			var got []emulator.SNSDelivery
			for _, d := range srv.SNSDeliveries(email) {
				if d.Type == emulator.DeliveryNotification {
					got = append(got, d)
				}
			}
			if len(got) != tc.want {
				t.Fatalf("%d notifications, want %d; failures %+v", len(got), tc.want, srv.EventTargetFailures())
			}
			if tc.want == 0 {
				return
			}
			var e struct {
				Source, Account, Region string
				DetailType              string `json:"detail-type"`
				Detail                  struct {
					EventName         string `json:"eventName"`
					AWSRegion         string `json:"awsRegion"`
					RequestParameters struct {
						RoleArn string `json:"roleArn"`
					} `json:"requestParameters"`
					UserIdentity struct {
						AccountID string `json:"accountId"`
					} `json:"userIdentity"`
				} `json:"detail"`
			}
			if err := json.Unmarshal([]byte(got[0].Message), &e); err != nil {
				t.Fatal(err)
			}
			if e.Source != "aws.sts" || e.DetailType != emulator.CloudTrailAPICall || e.Account != evWorkload || e.Region != "us-east-1" ||
				e.Detail.EventName != "AssumeRole" || e.Detail.RequestParameters.RoleArn != roleARN || e.Detail.AWSRegion != tc.callRegion || e.Detail.UserIdentity.AccountID != mgmt {
				t.Errorf("event %+v", e)
			}
		})
	}
}
