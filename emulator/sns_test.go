package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

func snsTestClient(t *testing.T, srv *emulator.Server, account string) *awssns.Client {
	t.Helper()
	return awssns.NewFromConfig(srv.Config(account, "us-east-1"))
}

func snsMustCreateTopic(t *testing.T, c *awssns.Client, name string) string {
	t.Helper()
	out, err := c.CreateTopic(context.Background(), &awssns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateTopic(%s): %v", name, err)
	}
	return aws.ToString(out.TopicArn)
}

func TestSNSCreateTopic(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in      awssns.CreateTopicInput
		code    string
		wantArn string
	}{
		"plain":           {awssns.CreateTopicInput{Name: aws.String("backup-events")}, "", "arn:aws:sns:us-east-1:222222222222:backup-events"},
		"with attributes": {awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"DisplayName": "Backups"}, Tags: []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}, "", "arn:aws:sns:us-east-1:222222222222:t"},
		"fifo":            {awssns.CreateTopicInput{Name: aws.String("t.fifo"), Attributes: map[string]string{"FifoTopic": "true"}}, "", "arn:aws:sns:us-east-1:222222222222:t.fifo"},
		"fifo name only":  {awssns.CreateTopicInput{Name: aws.String("t.fifo")}, "InvalidParameter", ""},
		"bad name":        {awssns.CreateTopicInput{Name: aws.String("a b")}, "InvalidParameter", ""},
		"long name":       {awssns.CreateTopicInput{Name: aws.String(strings.Repeat("a", 257))}, "InvalidParameter", ""},
		"bad attribute":   {awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Color": "red"}}, "InvalidParameter", ""},
		"bad policy":      {awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Policy": "{"}}, "InvalidParameter", ""},
		"reserved tag":    {awssns.CreateTopicInput{Name: aws.String("t"), Tags: []snstypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}}, "InvalidParameter", ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			c := snsTestClient(t, srv, "222222222222")
			out, err := c.CreateTopic(context.Background(), &tc.in)
			if got := errorCode(err); got != tc.code {
				t.Fatalf("CreateTopic error code = %q, want %q (%v)", got, tc.code, err)
			}
			if err == nil && aws.ToString(out.TopicArn) != tc.wantArn {
				t.Errorf("TopicArn = %q, want %q", aws.ToString(out.TopicArn), tc.wantArn)
			}
			if tc.code == "" {
				// Idempotent: the same request returns the same topic.
				again, err := c.CreateTopic(context.Background(), &tc.in)
				if err != nil || aws.ToString(again.TopicArn) != tc.wantArn {
					t.Errorf("repeated CreateTopic = %v, %v", again, err)
				}
			}
		})
	}
}

func TestSNSCreateTopicConflicts(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	if _, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"DisplayName": "A"}, Tags: []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	var ip *snstypes.InvalidParameterException
	if _, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"DisplayName": "B"}}); !errors.As(err, &ip) {
		t.Errorf("CreateTopic with other attributes = %v, want InvalidParameterException", err)
	}
	if _, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t"), Tags: []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("2")}}}); !errors.As(err, &ip) {
		t.Errorf("CreateTopic with other tags = %v, want InvalidParameterException", err)
	}
	if _, err := c.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t")}); err != nil {
		t.Errorf("CreateTopic with no attributes = %v, want the existing topic", err)
	}
}

func TestSNSTopicAttributes(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	arn := snsMustCreateTopic(t, c, "events")
	if _, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &arn, Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &arn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:222222222222:q")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: &arn})
	if err != nil {
		t.Fatalf("GetTopicAttributes: %v", err)
	}
	a := out.Attributes
	for k, want := range map[string]string{"TopicArn": arn, "Owner": "222222222222", "SubscriptionsConfirmed": "1", "SubscriptionsPending": "1", "SubscriptionsDeleted": "0", "DisplayName": ""} {
		if got, ok := a[k]; !ok || got != want {
			t.Errorf("attribute %s = %q (present %v), want %q", k, got, ok, want)
		}
	}
	var pol struct {
		Version   string
		Statement []struct {
			Principal map[string]string
			Action    []string
			Resource  string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(a["Policy"]), &pol); err != nil {
		t.Fatalf("default Policy is not JSON: %v", err)
	}
	if len(pol.Statement) != 1 || pol.Statement[0].Resource != arn || pol.Statement[0].Condition["StringEquals"]["AWS:SourceOwner"] != "222222222222" || pol.Version != "2008-10-17" {
		t.Errorf("default Policy = %s", a["Policy"])
	}
	if !json.Valid([]byte(a["EffectiveDeliveryPolicy"])) {
		t.Errorf("EffectiveDeliveryPolicy = %q", a["EffectiveDeliveryPolicy"])
	}

	newPolicy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"backup","Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"SNS:Publish","Resource":%q}]}`, arn)
	for name, tc := range map[string]struct {
		attr, value, code string
	}{
		"display name":  {"DisplayName", "Backup alerts", ""},
		"policy":        {"Policy", newPolicy, ""},
		"kms key":       {"KmsMasterKeyId", "alias/aws/sns", ""},
		"bad policy":    {"Policy", "not json", "InvalidParameter"},
		"unknown":       {"Colour", "x", "InvalidParameter"},
		"fifo only":     {"ContentBasedDeduplication", "true", "InvalidParameter"},
		"read-only arn": {"TopicArn", "x", "InvalidParameter"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: &arn, AttributeName: aws.String(tc.attr), AttributeValue: aws.String(tc.value)})
			if got := errorCode(err); got != tc.code {
				t.Fatalf("SetTopicAttributes(%s) error code = %q, want %q (%v)", tc.attr, got, tc.code, err)
			}
			if err != nil {
				return
			}
			out, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: &arn})
			if err != nil || out.Attributes[tc.attr] != tc.value {
				t.Errorf("after SetTopicAttributes %s = %q, want %q (%v)", tc.attr, out.Attributes[tc.attr], tc.value, err)
			}
		})
	}
	var nf *snstypes.NotFoundException
	if _, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:us-east-1:222222222222:nope")}); !errors.As(err, &nf) {
		t.Errorf("GetTopicAttributes(missing) = %v, want NotFoundException", err)
	}
	if _, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String("not-an-arn")}); errorCode(err) != "InvalidParameter" {
		t.Errorf("GetTopicAttributes(bad arn) = %v, want InvalidParameter", err)
	}
}

func TestSNSSubscriptions(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	arn := snsMustCreateTopic(t, c, "events")
	for name, tc := range map[string]struct {
		protocol, endpoint string
		code               string
		pending            bool
	}{
		"email":            {"email", "a@example.com", "", true},
		"email-json":       {"email-json", "b@example.com", "", true},
		"https":            {"https", "https://hooks.example.com/x", "", true},
		"sqs":              {"sqs", "arn:aws:sqs:us-east-1:222222222222:q", "", false},
		"lambda":           {"lambda", "arn:aws:lambda:us-east-1:222222222222:function:f", "", false},
		"bad email":        {"email", "not-an-address", "InvalidParameter", false},
		"bad protocol":     {"carrier-pigeon", "x", "InvalidParameter", false},
		"https mismatch":   {"https", "http://x", "InvalidParameter", false},
		"sqs not an arn":   {"sqs", "queue", "InvalidParameter", false},
		"firehose no role": {"firehose", "arn:aws:firehose:us-east-1:222222222222:deliverystream/s", "InvalidParameter", false},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &arn, Protocol: aws.String(tc.protocol), Endpoint: aws.String(tc.endpoint)})
			if got := errorCode(err); got != tc.code {
				t.Fatalf("Subscribe error code = %q, want %q (%v)", got, tc.code, err)
			}
			if err != nil {
				return
			}
			if got := aws.ToString(out.SubscriptionArn); tc.pending != (got == "pending confirmation") || (!tc.pending && !strings.HasPrefix(got, arn+":")) {
				t.Errorf("SubscriptionArn = %q, pending %v", got, tc.pending)
			}
		})
	}
	withArn, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &arn, Protocol: aws.String("email"), Endpoint: aws.String("a@example.com"), ReturnSubscriptionArn: true})
	if err != nil || !strings.HasPrefix(aws.ToString(withArn.SubscriptionArn), arn+":") {
		t.Fatalf("Subscribe(ReturnSubscriptionArn) = %v, %v", withArn, err)
	}
	var nf *snstypes.NotFoundException
	if _, err := c.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(arn + "x"), Protocol: aws.String("email"), Endpoint: aws.String("a@example.com")}); !errors.As(err, &nf) {
		t.Errorf("Subscribe(missing topic) = %v, want NotFoundException", err)
	}

	var subs []snstypes.Subscription
	p := awssns.NewListSubscriptionsByTopicPaginator(c, &awssns.ListSubscriptionsByTopicInput{TopicArn: &arn})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListSubscriptionsByTopic: %v", err)
		}
		subs = append(subs, out.Subscriptions...)
	}
	got := map[string]string{}
	var confirmedArn string
	for _, s := range subs {
		got[aws.ToString(s.Protocol)+" "+aws.ToString(s.Endpoint)] = aws.ToString(s.SubscriptionArn)
		if aws.ToString(s.Protocol) == "sqs" {
			confirmedArn = aws.ToString(s.SubscriptionArn)
		}
		if aws.ToString(s.Owner) != "222222222222" || aws.ToString(s.TopicArn) != arn {
			t.Errorf("subscription %+v", s)
		}
	}
	if len(got) != 5 || got["email a@example.com"] != "PendingConfirmation" || !strings.HasPrefix(confirmedArn, arn+":") {
		t.Errorf("ListSubscriptionsByTopic = %v", got)
	}
	if _, err := c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: &confirmedArn}); err != nil {
		t.Fatalf("Unsubscribe: %v", err)
	}
	if _, err := c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: &confirmedArn}); !errors.As(err, &nf) {
		t.Errorf("second Unsubscribe = %v, want NotFoundException", err)
	}
	if _, err := c.Unsubscribe(ctx, &awssns.UnsubscribeInput{SubscriptionArn: aws.String("garbage")}); errorCode(err) != "InvalidParameter" {
		t.Errorf("Unsubscribe(garbage) = %v, want InvalidParameter", err)
	}
	attrs, err := c.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: &arn})
	if err != nil || attrs.Attributes["SubscriptionsDeleted"] != "1" || attrs.Attributes["SubscriptionsConfirmed"] != "1" {
		t.Errorf("attributes after Unsubscribe = %v, %v", attrs.Attributes, err)
	}
}

func TestSNSListTopicsAndDelete(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	var want []string
	for i := range 103 {
		want = append(want, snsMustCreateTopic(t, c, fmt.Sprintf("t%03d", i)))
	}
	list := func() []string {
		var got []string
		pages := 0
		p := awssns.NewListTopicsPaginator(c, &awssns.ListTopicsInput{})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListTopics: %v", err)
			}
			pages++
			for _, tp := range out.Topics {
				got = append(got, aws.ToString(tp.TopicArn))
			}
		}
		if len(got) > 100 && pages < 2 {
			t.Errorf("%d topics in %d pages; pages hold at most 100", len(got), pages)
		}
		return got
	}
	if diff := cmp.Diff(want, list()); diff != "" {
		t.Errorf("ListTopics mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.ListTopics(ctx, &awssns.ListTopicsInput{NextToken: aws.String("???")}); errorCode(err) != "InvalidParameter" {
		t.Errorf("ListTopics(bad token) = %v, want InvalidParameter", err)
	}
	for _, arn := range want[1:] {
		if _, err := c.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: aws.String(arn)}); err != nil {
			t.Fatalf("DeleteTopic: %v", err)
		}
	}
	// Deleting a topic that does not exist is not an error.
	if _, err := c.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: aws.String(want[1])}); err != nil {
		t.Errorf("DeleteTopic(deleted) = %v, want success", err)
	}
	if diff := cmp.Diff(want[:1], list()); diff != "" {
		t.Errorf("ListTopics after delete mismatch (-want +got):\n%s", diff)
	}
}

func TestSNSTags(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	arn := snsMustCreateTopic(t, c, "events")
	if _, err := c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: &arn, Tags: []snstypes.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := c.UntagResource(ctx, &awssns.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	out, err := c.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil {
		t.Fatalf("ListTagsForResource: %v", err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "a" || aws.ToString(out.Tags[0].Value) != "1" {
		t.Errorf("tags = %+v", out.Tags)
	}
	var rnf *snstypes.ResourceNotFoundException
	if _, err := c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: aws.String(arn + "x"), Tags: []snstypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}}); !errors.As(err, &rnf) {
		t.Errorf("TagResource(missing) = %v, want ResourceNotFoundException", err)
	}
	many := make([]snstypes.Tag, 51)
	for i := range many {
		many[i] = snstypes.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}
	}
	var tle *snstypes.TagLimitExceededException
	if _, err := c.TagResource(ctx, &awssns.TagResourceInput{ResourceArn: &arn, Tags: many}); !errors.As(err, &tle) {
		t.Errorf("TagResource(51 tags) = %v, want TagLimitExceededException", err)
	}
}

func TestSNSPublish(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := snsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	arn := snsMustCreateTopic(t, c, "events")
	out, err := c.Publish(ctx, &awssns.PublishInput{TopicArn: &arn, Subject: aws.String("Backup failed"), Message: aws.String("job 1 failed"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"severity": {DataType: aws.String("String"), StringValue: aws.String("high")}}})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	for name, tc := range map[string]struct {
		in   awssns.PublishInput
		code string
	}{
		"missing topic":   {awssns.PublishInput{TopicArn: aws.String(arn + "x"), Message: aws.String("m")}, "NotFound"},
		"subject newline": {awssns.PublishInput{TopicArn: &arn, Message: aws.String("m"), Subject: aws.String("a\nb")}, "InvalidParameter"},
		"long subject":    {awssns.PublishInput{TopicArn: &arn, Message: aws.String("m"), Subject: aws.String(strings.Repeat("s", 101))}, "InvalidParameter"},
		"too long":        {awssns.PublishInput{TopicArn: &arn, Message: aws.String(strings.Repeat("m", 256*1024+1))}, "InvalidParameter"},
		"json no default": {awssns.PublishInput{TopicArn: &arn, Message: aws.String(`{"email":"x"}`), MessageStructure: aws.String("json")}, "InvalidParameter"},
		"json":            {awssns.PublishInput{TopicArn: &arn, Message: aws.String(`{"default":"x"}`), MessageStructure: aws.String("json")}, ""},
		"target arn":      {awssns.PublishInput{TargetArn: &arn, Message: aws.String("by target")}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Publish(ctx, &tc.in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("Publish error code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
	got := srv.Published(arn)
	if len(got) != 3 {
		t.Fatalf("Published = %d messages, want 3: %+v", len(got), got)
	}
	want := emulator.PublishedMessage{MessageID: aws.ToString(out.MessageId), TopicARN: arn, Subject: "Backup failed", Message: "job 1 failed",
		Attributes: map[string]string{"severity": "high"}, Publisher: "arn:aws:iam::222222222222:root", Time: srv.Now()}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("Published[0] mismatch (-want +got):\n%s", diff)
	}
	if srv.Published("arn:aws:sns:us-east-1:222222222222:none") != nil {
		t.Errorf("Published(unknown topic) is not nil")
	}
}

func TestSNSCrossAccount(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	owner := snsTestClient(t, srv, "222222222222")
	other := snsTestClient(t, srv, "333333333333")
	ctx := context.Background()
	arn := snsMustCreateTopic(t, owner, "events")
	var authz *snstypes.AuthorizationErrorException
	if _, err := other.Publish(ctx, &awssns.PublishInput{TopicArn: &arn, Message: aws.String("m")}); !errors.As(err, &authz) {
		t.Errorf("cross-account Publish under the default policy = %v, want AuthorizationErrorException", err)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"SNS:Publish","Resource":%q}]}`, arn)
	if _, err := owner.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: &arn, AttributeName: aws.String("Policy"), AttributeValue: &policy}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Publish(ctx, &awssns.PublishInput{TopicArn: &arn, Message: aws.String("m")}); err != nil {
		t.Errorf("cross-account Publish allowed by policy = %v", err)
	}
	if _, err := other.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &arn, Protocol: aws.String("email"), Endpoint: aws.String("x@example.com")}); !errors.As(err, &authz) {
		t.Errorf("cross-account Subscribe not in policy = %v, want AuthorizationErrorException", err)
	}
	if got := srv.Published(arn); len(got) != 1 || got[0].Publisher != "arn:aws:iam::333333333333:root" {
		t.Errorf("Published = %+v", got)
	}
}

func TestSNSListSubscriptions(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	owner := snsTestClient(t, srv, "222222222222")
	other := snsTestClient(t, srv, "333333333333")
	west := awssns.NewFromConfig(srv.Config("222222222222", "us-west-2"))
	ctx := context.Background()
	events := snsMustCreateTopic(t, owner, "events")
	alerts := snsMustCreateTopic(t, owner, "alerts")
	shared := snsMustCreateTopic(t, other, "shared")
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"SNS:Subscribe","Resource":%q}]}`, shared)
	must(other.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: &shared, AttributeName: aws.String("Policy"), AttributeValue: &policy}))(t, "SetTopicAttributes")
	westTopic := aws.ToString(must(west.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("events")}))(t, "CreateTopic(us-west-2)").TopicArn)
	must(west.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &westTopic, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-west-2:222222222222:q")}))(t, "Subscribe(us-west-2)")
	// The other account's own subscription to its topic is not the owner's.
	must(other.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &shared, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:333333333333:q")}))(t, "Subscribe(other)")

	want := map[string]string{} // "topic protocol endpoint" -> subscription ARN as listed
	for i := range 150 {
		topic := []string{events, alerts}[i%2]
		endpoint := fmt.Sprintf("arn:aws:sqs:us-east-1:222222222222:q%03d", i)
		out := must(owner.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &topic, Protocol: aws.String("sqs"), Endpoint: &endpoint}))(t, "Subscribe")
		want[topic+" sqs "+endpoint] = aws.ToString(out.SubscriptionArn)
	}
	must(owner.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &events, Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")}))(t, "Subscribe(email)")
	want[events+" email ops@example.com"] = "PendingConfirmation"
	cross := must(owner.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: &shared, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:222222222222:central")}))(t, "Subscribe(cross-account)")
	want[shared+" sqs arn:aws:sqs:us-east-1:222222222222:central"] = aws.ToString(cross.SubscriptionArn)

	got := map[string]string{}
	pages := 0
	p := awssns.NewListSubscriptionsPaginator(owner, &awssns.ListSubscriptionsInput{})
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))(t, "ListSubscriptions")
		pages++
		if len(out.Subscriptions) > 100 {
			t.Errorf("page %d has %d subscriptions, want at most 100", pages, len(out.Subscriptions))
		}
		for _, s := range out.Subscriptions {
			if aws.ToString(s.Owner) != "222222222222" {
				t.Errorf("subscription %s owned by %s", aws.ToString(s.SubscriptionArn), aws.ToString(s.Owner))
			}
			got[aws.ToString(s.TopicArn)+" "+aws.ToString(s.Protocol)+" "+aws.ToString(s.Endpoint)] = aws.ToString(s.SubscriptionArn)
		}
	}
	if pages != 2 {
		t.Errorf("ListSubscriptions returned %d pages for 152 subscriptions, want 2", pages)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListSubscriptions (-want +got):\n%s", diff)
	}

	if _, err := owner.ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{NextToken: aws.String("not a token")}); errorCode(err) != "InvalidParameter" {
		t.Errorf("ListSubscriptions(bad token) = %v, want InvalidParameter", err)
	}
	empty := must(snsTestClient(t, srv, "444444444444").ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{}))(t, "ListSubscriptions(no subscriptions)")
	if len(empty.Subscriptions) != 0 || empty.NextToken != nil {
		t.Errorf("ListSubscriptions for an account without subscriptions = %+v", empty)
	}
}
