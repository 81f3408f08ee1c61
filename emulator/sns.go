package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/schemas"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// snsRegion is one account-region's SNS state.
type snsRegion struct {
	topics map[string]*snsTopic // by name
}

// snsTopic is one topic.
type snsTopic struct {
	name, arn, account string
	attrs              map[string]string // settable attributes as set
	tags               map[string]string
	subs               []*snsSubscription // in creation order
	deleted            int                // SubscriptionsDeleted
	published          []PublishedMessage
}

// snsSubscription is one subscription to a topic.
type snsSubscription struct {
	arn, owner, protocol, endpoint string
	attrs                          map[string]string
	confirmed                      bool
	token                          string // of the confirmation request (sns_delivery.go)
}

// PublishedMessage is a message published to an emulated SNS topic, as
// Server.Published reports it. The emulator delivers nothing; tests read
// what would have been delivered.
type PublishedMessage struct {
	// MessageID is the ID Publish returned.
	MessageID string
	// TopicARN is the topic the message was published to.
	TopicARN string
	// Subject is the optional subject ("" when none).
	Subject string
	// Message is the message body as published.
	Message string
	// MessageStructure is "json" for per-protocol messages, else "".
	MessageStructure string
	// Attributes are the string values of the message attributes.
	Attributes map[string]string
	// Publisher is the publishing principal: an IAM principal ARN, or a
	// service principal such as "backup.amazonaws.com".
	Publisher string
	// Time is the virtual time of publication.
	Time time.Time
}

// snsSettableAttributes are the topic attributes CreateTopic and
// SetTopicAttributes accept (SNS API Reference, SetTopicAttributes).
var snsSettableAttributes = map[string]bool{
	"DeliveryPolicy": true, "DisplayName": true, "Policy": true, "TracingConfig": true,
	"KmsMasterKeyId": true, "SignatureVersion": true, "ArchivePolicy": true,
	"ContentBasedDeduplication": true, "FifoThroughputScope": true, "DataProtectionPolicy": true,
	"ApplicationSuccessFeedbackRoleArn": true, "ApplicationSuccessFeedbackSampleRate": true, "ApplicationFailureFeedbackRoleArn": true,
	"HTTPSuccessFeedbackRoleArn": true, "HTTPSuccessFeedbackSampleRate": true, "HTTPFailureFeedbackRoleArn": true,
	"LambdaSuccessFeedbackRoleArn": true, "LambdaSuccessFeedbackSampleRate": true, "LambdaFailureFeedbackRoleArn": true,
	"FirehoseSuccessFeedbackRoleArn": true, "FirehoseSuccessFeedbackSampleRate": true, "FirehoseFailureFeedbackRoleArn": true,
	"SQSSuccessFeedbackRoleArn": true, "SQSSuccessFeedbackSampleRate": true, "SQSFailureFeedbackRoleArn": true,
}

const (
	snsPageSize       = 100        // ListTopics, ListSubscriptions, ListSubscriptionsByTopic
	snsMaxMessage     = 256 * 1024 // Publish: "up to 256 KB"
	snsMaxSubject     = 100
	snsMaxTagsPerArn  = 50
	snsPendingArn     = "pending confirmation"
	snsPendingListArn = "PendingConfirmation"
)

func (s *Server) snsService() *service {
	svc := newService("sns", awsQuery, schemas.AmazonSimpleNotificationService, awssns.TypeRegistry, []*operation{
		handle(schemas.CreateTopic, schemas.CreateTopicInput, s.snsCreateTopic),
		handle(schemas.DeleteTopic, schemas.DeleteTopicInput, s.snsDeleteTopic),
		handle(schemas.GetTopicAttributes, schemas.GetTopicAttributesInput, s.snsGetTopicAttributes),
		handle(schemas.SetTopicAttributes, schemas.SetTopicAttributesInput, s.snsSetTopicAttributes),
		handle(schemas.Subscribe, schemas.SubscribeInput, s.snsSubscribe),
		handle(schemas.Unsubscribe, schemas.UnsubscribeInput, s.snsUnsubscribe),
		handle(schemas.ListSubscriptionsByTopic, schemas.ListSubscriptionsByTopicInput, s.snsListSubscriptionsByTopic),
		handle(schemas.ListTopics, schemas.ListTopicsInput, s.snsListTopics),
		handle(schemas.ListSubscriptions, schemas.ListSubscriptionsInput, s.snsListSubscriptions),
		handle(schemas.TagResource, schemas.TagResourceRequest, s.snsTagResource),
		handle(schemas.UntagResource, schemas.UntagResourceRequest, s.snsUntagResource),
		handle(schemas.ListTagsForResource, schemas.ListTagsForResourceRequest, s.snsListTagsForResource),
		handle(schemas.Publish, schemas.PublishInput, s.snsPublish),
		handle(schemas.ConfirmSubscription, schemas.ConfirmSubscriptionInput, s.snsConfirmSubscription),
	})
	svc.xmlns = "http://sns.amazonaws.com/doc/2010-03-31/"
	return svc
}

func (s *Server) snsRegionLocked(account, region string) *snsRegion {
	k := regionKey{account, region}
	r := s.sns[k]
	if r == nil {
		r = &snsRegion{topics: map[string]*snsTopic{}}
		s.sns[k] = r
	}
	return r
}

func snsInvalid(format string, args ...any) error {
	return &snstypes.InvalidParameterException{Message: aws.String("Invalid parameter: " + fmt.Sprintf(format, args...))}
}

func snsTopicNotFound() error {
	return &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
}

// snsDefaultTopicPolicy is the access policy SNS gives a topic created
// without one: the owner account may administer, subscribe and publish
// (SNS Developer Guide, "Amazon SNS access control", default policy as
// GetTopicAttributes returns it).
func snsDefaultTopicPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

// snsEffectiveDeliveryPolicy is the default EffectiveDeliveryPolicy of a
// topic (SNS Developer Guide, "Amazon SNS message delivery retries").
const snsEffectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// snsValidTopicName: "Topic names must be made up of only uppercase and
// lowercase ASCII letters, numbers, underscores, and hyphens, and must be
// between 1 and 256 characters long"; FIFO topic names end in ".fifo".
func snsValidTopicName(name string, fifo bool) bool {
	base := name
	if fifo {
		if !strings.HasSuffix(name, ".fifo") {
			return false
		}
		base = strings.TrimSuffix(name, ".fifo")
	}
	if base == "" || len(name) > 256 {
		return false
	}
	for _, r := range base {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func snsCheckAttribute(name, value string) error {
	if !snsSettableAttributes[name] {
		return snsInvalid("AttributeName")
	}
	switch name {
	case "Policy":
		if _, err := parsePolicy(value, policyResource); err != nil {
			return snsInvalid("Policy Error: %v", err)
		}
	case "DeliveryPolicy", "TracingConfig":
		if name == "TracingConfig" && value != "Active" && value != "PassThrough" {
			return snsInvalid("Attributes Reason: TracingConfig must be Active or PassThrough")
		}
		if name == "DeliveryPolicy" && !json.Valid([]byte(value)) {
			return snsInvalid("DeliveryPolicy: failed to parse JSON")
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return snsInvalid("Attributes Reason: SignatureVersion must be 1 or 2")
		}
	}
	return nil
}

func snsTagMap(tags []snstypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(t.Value)) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, snsInvalid("Tags Reason: invalid tag key %q", k)
		}
		m[k] = aws.ToString(t.Value)
	}
	if len(m) > snsMaxTagsPerArn {
		return nil, &snstypes.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}
	}
	return m, nil
}

func (s *Server) snsCreateTopic(c *Call, in *awssns.CreateTopicInput) (*awssns.CreateTopicOutput, error) {
	name := aws.ToString(in.Name)
	fifo := in.Attributes["FifoTopic"] == "true"
	if !snsValidTopicName(name, fifo) {
		if strings.HasSuffix(name, ".fifo") && !fifo {
			return nil, snsInvalid("Topic Name: FIFO topic names require the FifoTopic attribute set to true")
		}
		return nil, snsInvalid("Topic Name")
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		if k == "FifoTopic" {
			if v != "true" && v != "false" {
				return nil, snsInvalid("Attributes Reason: FifoTopic must be true or false")
			}
			continue
		}
		if err := snsCheckAttribute(k, v); err != nil {
			return nil, err
		}
		attrs[k] = v
	}
	tags, err := snsTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	r := s.snsRegionLocked(c.Account, c.Region)
	if t := r.topics[name]; t != nil {
		// CreateTopic is idempotent: the same name returns the same topic,
		// unless attributes or tags differ.
		for k, v := range attrs {
			if t.attrs[k] != v {
				return nil, snsInvalid("Attributes Reason: Topic already exists with different attributes")
			}
		}
		for k, v := range tags {
			if cur, ok := t.tags[k]; !ok || cur != v {
				return nil, snsInvalid("Tags Reason: Topic already exists with different tags")
			}
		}
		return &awssns.CreateTopicOutput{TopicArn: aws.String(t.arn)}, nil
	}
	arn := "arn:aws:sns:" + c.Region + ":" + c.Account + ":" + name
	if _, ok := attrs["Policy"]; !ok {
		attrs["Policy"] = snsDefaultTopicPolicy(arn, c.Account)
	}
	if fifo {
		attrs["FifoTopic"] = "true"
		if _, ok := attrs["ContentBasedDeduplication"]; !ok {
			attrs["ContentBasedDeduplication"] = "false"
		}
	}
	r.topics[name] = &snsTopic{name: name, arn: arn, account: c.Account, attrs: attrs, tags: tags}
	return &awssns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

// snsParseTopicARN splits arn:aws:sns:REGION:ACCOUNT:NAME.
func snsParseTopicARN(arn string) (region, account, name string, ok bool) {
	p := strings.Split(arn, ":")
	if len(p) != 6 || p[0] != "arn" || p[1] != "aws" || p[2] != "sns" || p[3] == "" || !isAccountID(p[4]) || p[5] == "" {
		return "", "", "", false
	}
	return p[3], p[4], p[5], true
}

// snsTopicLocked finds a topic by ARN without permission checks.
func (s *Server) snsTopicLocked(arn string) *snsTopic {
	region, account, name, ok := snsParseTopicARN(arn)
	if !ok {
		return nil
	}
	r := s.sns[regionKey{account, region}]
	if r == nil {
		return nil
	}
	return r.topics[name]
}

// snsTopicForCallLocked resolves a topic ARN parameter and checks the
// caller's permission for action ("SNS:Publish"...): the owner account may
// do anything, other accounts only what the topic policy allows.
func (s *Server) snsTopicForCallLocked(c *Call, arn *string, param, action string) (*snsTopic, error) {
	region, _, _, ok := snsParseTopicARN(aws.ToString(arn))
	if !ok {
		return nil, snsInvalid("%s", param)
	}
	if region != c.Region {
		return nil, snsInvalid("%s", param)
	}
	t := s.snsTopicLocked(*arn)
	if t == nil {
		return nil, snsTopicNotFound()
	}
	if t.account != c.Account && !snsPolicyAllows(t, c.Caller, action) {
		return nil, &snstypes.AuthorizationErrorException{Message: aws.String(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", c.Caller.ARN, action, t.arn))}
	}
	return t, nil
}

// snsPolicyAllows evaluates the topic policy for an IAM principal.
// AWS:SourceOwner is the caller's account for direct API calls.
func snsPolicyAllows(t *snsTopic, p Principal, action string) bool {
	d, err := evalPolicy(t.attrs["Policy"], policyResource, policyRequest{
		Principal: &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN},
		Action:    action,
		Resource:  t.arn,
		Context:   principalContext(p, map[string][]string{"AWS:SourceOwner": {p.Account}, "aws:SourceAccount": {p.Account}}),
	})
	return err == nil && d == decisionAllow
}

func (s *Server) snsDeleteTopic(c *Call, in *awssns.DeleteTopicInput) (*awssns.DeleteTopicOutput, error) {
	t, err := s.snsTopicForCallLocked(c, in.TopicArn, "TopicArn", "SNS:DeleteTopic")
	if err != nil {
		var nf *snstypes.NotFoundException
		if errors.As(err, &nf) {
			// "Deleting a topic that does not exist does not result in an
			// error" (DeleteTopic).
			return &awssns.DeleteTopicOutput{}, nil
		}
		return nil, err
	}
	region, account, name, _ := snsParseTopicARN(t.arn)
	delete(s.sns[regionKey{account, region}].topics, name)
	return &awssns.DeleteTopicOutput{}, nil
}

func (s *Server) snsGetTopicAttributes(c *Call, in *awssns.GetTopicAttributesInput) (*awssns.GetTopicAttributesOutput, error) {
	t, err := s.snsTopicForCallLocked(c, in.TopicArn, "TopicArn", "SNS:GetTopicAttributes")
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range t.attrs {
		attrs[k] = v
	}
	var confirmed, pending int
	for _, sub := range t.subs {
		if sub.confirmed {
			confirmed++
		} else {
			pending++
		}
	}
	attrs["TopicArn"] = t.arn
	attrs["Owner"] = t.account
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	attrs["SubscriptionsDeleted"] = strconv.Itoa(t.deleted)
	if _, ok := attrs["DisplayName"]; !ok {
		attrs["DisplayName"] = ""
	}
	attrs["EffectiveDeliveryPolicy"] = snsEffectiveDeliveryPolicy
	if dp, ok := t.attrs["DeliveryPolicy"]; ok {
		attrs["EffectiveDeliveryPolicy"] = dp
	}
	return &awssns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

func (s *Server) snsSetTopicAttributes(c *Call, in *awssns.SetTopicAttributesInput) (*awssns.SetTopicAttributesOutput, error) {
	t, err := s.snsTopicForCallLocked(c, in.TopicArn, "TopicArn", "SNS:SetTopicAttributes")
	if err != nil {
		return nil, err
	}
	name, value := aws.ToString(in.AttributeName), aws.ToString(in.AttributeValue)
	if name == "FifoTopic" {
		return nil, snsInvalid("AttributeName")
	}
	if (name == "ContentBasedDeduplication" || name == "FifoThroughputScope") && t.attrs["FifoTopic"] != "true" {
		return nil, snsInvalid("Attributes Reason: %s is only valid for FIFO topics", name)
	}
	if value == "" && name != "Policy" && name != "DisplayName" {
		delete(t.attrs, name)
		return &awssns.SetTopicAttributesOutput{}, nil
	}
	if name == "Policy" && value == "" {
		t.attrs["Policy"] = snsDefaultTopicPolicy(t.arn, t.account)
		return &awssns.SetTopicAttributesOutput{}, nil
	}
	if err := snsCheckAttribute(name, value); err != nil {
		return nil, err
	}
	t.attrs[name] = value
	return &awssns.SetTopicAttributesOutput{}, nil
}

// snsCheckEndpoint applies Subscribe's per-protocol endpoint rules.
func snsCheckEndpoint(protocol, endpoint string) error {
	arnOf := func(svc string) bool { return strings.HasPrefix(endpoint, "arn:aws:"+svc+":") }
	switch protocol {
	case "email", "email-json":
		if a, err := mail.ParseAddress(endpoint); err != nil || a.Address != endpoint {
			return snsInvalid("Email address")
		}
	case "http":
		if !strings.HasPrefix(endpoint, "http://") {
			return snsInvalid("Endpoint must match the specified protocol")
		}
	case "https":
		if !strings.HasPrefix(endpoint, "https://") {
			return snsInvalid("Endpoint must match the specified protocol")
		}
	case "sqs":
		if !arnOf("sqs") {
			return snsInvalid("SQS endpoint ARN")
		}
	case "lambda":
		if !arnOf("lambda") {
			return snsInvalid("Lambda endpoint ARN")
		}
	case "firehose":
		if !arnOf("firehose") {
			return snsInvalid("Firehose endpoint ARN")
		}
	case "application":
		if !arnOf("sns") {
			return snsInvalid("Application endpoint ARN")
		}
	case "sms":
		if !strings.HasPrefix(endpoint, "+") || len(endpoint) < 3 {
			return snsInvalid("Invalid SMS endpoint: %s", endpoint)
		}
	default:
		return snsInvalid("Invalid protocol type: %s", protocol)
	}
	return nil
}

func (s *Server) snsSubscribe(c *Call, in *awssns.SubscribeInput) (*awssns.SubscribeOutput, error) {
	t, err := s.snsTopicForCallLocked(c, in.TopicArn, "TopicArn", "SNS:Subscribe")
	if err != nil {
		return nil, err
	}
	protocol, endpoint := aws.ToString(in.Protocol), aws.ToString(in.Endpoint)
	if err := snsCheckEndpoint(protocol, endpoint); err != nil {
		return nil, err
	}
	if protocol == "firehose" && in.Attributes["SubscriptionRoleArn"] == "" {
		return nil, snsInvalid("Attributes Reason: SubscriptionRoleArn is required for firehose protocol")
	}
	for _, sub := range t.subs {
		if sub.protocol == protocol && sub.endpoint == endpoint {
			for k, v := range in.Attributes {
				if sub.attrs[k] != v {
					return nil, snsInvalid("Attributes Reason: Subscription already exists with different attributes")
				}
			}
			return &awssns.SubscribeOutput{SubscriptionArn: aws.String(snsReturnedArn(sub, in.ReturnSubscriptionArn))}, nil
		}
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		attrs[k] = v
	}
	sub := &snsSubscription{
		arn: t.arn + ":" + s.ids.uuid(), owner: c.Account, protocol: protocol, endpoint: endpoint, attrs: attrs,
		// Email, email-json, HTTP and HTTPS endpoints must confirm the
		// subscription; the others are confirmed at once (Subscribe).
		confirmed: !(protocol == "email" || protocol == "email-json" || protocol == "http" || protocol == "https"),
	}
	t.subs = append(t.subs, sub)
	if !sub.confirmed {
		s.snsSendConfirmationLocked(t, sub)
	}
	return &awssns.SubscribeOutput{SubscriptionArn: aws.String(snsReturnedArn(sub, in.ReturnSubscriptionArn))}, nil
}

// snsReturnedArn: Subscribe returns "pending confirmation" for unconfirmed
// subscriptions unless ReturnSubscriptionArn is set.
func snsReturnedArn(sub *snsSubscription, always bool) string {
	if !sub.confirmed && !always {
		return snsPendingArn
	}
	return sub.arn
}

func (s *Server) snsUnsubscribe(c *Call, in *awssns.UnsubscribeInput) (*awssns.UnsubscribeOutput, error) {
	arn := aws.ToString(in.SubscriptionArn)
	i := strings.LastIndex(arn, ":")
	if i < 0 {
		return nil, snsInvalid("SubscriptionArn")
	}
	topicARN := arn[:i]
	if _, _, _, ok := snsParseTopicARN(topicARN); !ok {
		return nil, snsInvalid("SubscriptionArn")
	}
	t := s.snsTopicLocked(topicARN)
	if t == nil {
		return nil, &snstypes.NotFoundException{Message: aws.String("Subscription does not exist")}
	}
	for j, sub := range t.subs {
		if sub.arn != arn {
			continue
		}
		if sub.owner != c.Account && t.account != c.Account {
			return nil, &snstypes.AuthorizationErrorException{Message: aws.String("User: " + c.Caller.ARN + " is not authorized to perform: SNS:Unsubscribe on resource: " + arn)}
		}
		t.subs = append(t.subs[:j], t.subs[j+1:]...)
		t.deleted++
		return &awssns.UnsubscribeOutput{}, nil
	}
	return nil, &snstypes.NotFoundException{Message: aws.String("Subscription does not exist")}
}

func (s *Server) snsListSubscriptionsByTopic(c *Call, in *awssns.ListSubscriptionsByTopicInput) (*awssns.ListSubscriptionsByTopicOutput, error) {
	t, err := s.snsTopicForCallLocked(c, in.TopicArn, "TopicArn", "SNS:ListSubscriptionsByTopic")
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(t.subs, in.NextToken, nil, snsPageSize, "InvalidParameter")
	if err != nil {
		return nil, err
	}
	out := &awssns.ListSubscriptionsByTopicOutput{Subscriptions: []snstypes.Subscription{}, NextToken: next}
	for _, sub := range page {
		arn := sub.arn
		if !sub.confirmed {
			arn = snsPendingListArn
		}
		out.Subscriptions = append(out.Subscriptions, snstypes.Subscription{
			SubscriptionArn: aws.String(arn), Owner: aws.String(sub.owner), Protocol: aws.String(sub.protocol),
			Endpoint: aws.String(sub.endpoint), TopicArn: aws.String(t.arn),
		})
	}
	return out, nil
}

// snsListSubscriptions lists "the requester's subscriptions" (ListSubscriptions,
// SNS API Reference): those the caller's account owns in the region, to its
// own topics or to other accounts' topics, up to 100 a page, ordered by
// subscription ARN.
func (s *Server) snsListSubscriptions(c *Call, in *awssns.ListSubscriptionsInput) (*awssns.ListSubscriptionsOutput, error) {
	type owned struct {
		sub   *snsSubscription
		topic string
	}
	var subs []owned
	for key, r := range s.sns {
		if key.region != c.Region {
			continue
		}
		for _, t := range r.topics {
			for _, sub := range t.subs {
				if sub.owner == c.Account {
					subs = append(subs, owned{sub, t.arn})
				}
			}
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].sub.arn < subs[j].sub.arn })
	page, next, err := paginate(subs, in.NextToken, nil, snsPageSize, "InvalidParameter")
	if err != nil {
		return nil, err
	}
	out := &awssns.ListSubscriptionsOutput{Subscriptions: []snstypes.Subscription{}, NextToken: next}
	for _, o := range page {
		arn := o.sub.arn
		if !o.sub.confirmed {
			arn = snsPendingListArn
		}
		out.Subscriptions = append(out.Subscriptions, snstypes.Subscription{
			SubscriptionArn: aws.String(arn), Owner: aws.String(o.sub.owner), Protocol: aws.String(o.sub.protocol),
			Endpoint: aws.String(o.sub.endpoint), TopicArn: aws.String(o.topic),
		})
	}
	return out, nil
}

func (s *Server) snsListTopics(c *Call, in *awssns.ListTopicsInput) (*awssns.ListTopicsOutput, error) {
	r := s.snsRegionLocked(c.Account, c.Region)
	arns := make([]string, 0, len(r.topics))
	for _, t := range r.topics {
		arns = append(arns, t.arn)
	}
	sort.Strings(arns)
	page, next, err := paginate(arns, in.NextToken, nil, snsPageSize, "InvalidParameter")
	if err != nil {
		return nil, err
	}
	out := &awssns.ListTopicsOutput{Topics: []snstypes.Topic{}, NextToken: next}
	for _, a := range page {
		out.Topics = append(out.Topics, snstypes.Topic{TopicArn: aws.String(a)})
	}
	return out, nil
}

// snsTaggedTopicLocked resolves the ResourceArn of the tagging operations,
// which only work on the caller's own topics.
func (s *Server) snsTaggedTopicLocked(c *Call, arn *string) (*snsTopic, error) {
	region, account, _, ok := snsParseTopicARN(aws.ToString(arn))
	if !ok {
		return nil, snsInvalid("ResourceArn")
	}
	t := s.snsTopicLocked(*arn)
	if t == nil || account != c.Account || region != c.Region {
		return nil, &snstypes.ResourceNotFoundException{Message: aws.String("Resource does not exist")}
	}
	return t, nil
}

func (s *Server) snsTagResource(c *Call, in *awssns.TagResourceInput) (*awssns.TagResourceOutput, error) {
	t, err := s.snsTaggedTopicLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, err := snsTagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	n := len(t.tags)
	for k := range tags {
		if _, ok := t.tags[k]; !ok {
			n++
		}
	}
	if n > snsMaxTagsPerArn {
		return nil, &snstypes.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}
	}
	for k, v := range tags {
		t.tags[k] = v
	}
	return &awssns.TagResourceOutput{}, nil
}

func (s *Server) snsUntagResource(c *Call, in *awssns.UntagResourceInput) (*awssns.UntagResourceOutput, error) {
	t, err := s.snsTaggedTopicLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(t.tags, k)
	}
	return &awssns.UntagResourceOutput{}, nil
}

func (s *Server) snsListTagsForResource(c *Call, in *awssns.ListTagsForResourceInput) (*awssns.ListTagsForResourceOutput, error) {
	t, err := s.snsTaggedTopicLocked(c, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := &awssns.ListTagsForResourceOutput{Tags: []snstypes.Tag{}}
	for _, k := range kmsSortedTagKeys(t.tags) {
		out.Tags = append(out.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(t.tags[k])})
	}
	return out, nil
}

func (s *Server) snsPublish(c *Call, in *awssns.PublishInput) (*awssns.PublishOutput, error) {
	if in.PhoneNumber != nil {
		return nil, snsInvalid("PhoneNumber: orgbackup emulator publishes to topics only")
	}
	arn := in.TopicArn
	param := "TopicArn"
	if arn == nil {
		arn, param = in.TargetArn, "TargetArn"
	}
	t, err := s.snsTopicForCallLocked(c, arn, param, "SNS:Publish")
	if err != nil {
		return nil, err
	}
	msg := PublishedMessage{
		TopicARN: t.arn, Subject: aws.ToString(in.Subject), Message: aws.ToString(in.Message),
		MessageStructure: aws.ToString(in.MessageStructure), Publisher: c.Caller.ARN, Time: s.now,
	}
	if len(in.MessageAttributes) > 0 {
		msg.Attributes = map[string]string{}
		for k, v := range in.MessageAttributes {
			msg.Attributes[k] = aws.ToString(v.StringValue)
		}
	}
	if err := snsCheckMessage(t, &msg, in); err != nil {
		return nil, err
	}
	msg.MessageID = s.ids.uuid()
	s.snsAppendLocked(t, msg)
	out := &awssns.PublishOutput{MessageId: aws.String(msg.MessageID)}
	if t.attrs["FifoTopic"] == "true" {
		out.SequenceNumber = aws.String(fmt.Sprintf("%020d", len(t.published)))
	}
	return out, nil
}

// snsCheckMessage applies Publish's rules on the message (SNS API
// Reference, Publish: Message, Subject, MessageStructure, MessageGroupId).
func snsCheckMessage(t *snsTopic, msg *PublishedMessage, in *awssns.PublishInput) error {
	if msg.Message == "" {
		return snsInvalid("Empty message")
	}
	if len(msg.Message) > snsMaxMessage {
		return snsInvalid("Message too long")
	}
	if in.Subject != nil {
		if msg.Subject == "" || len(msg.Subject) > snsMaxSubject {
			return snsInvalid("Subject")
		}
		for _, r := range msg.Subject {
			if r < 0x20 || r > 0x7e {
				// "must be ASCII text ... must not include line breaks or
				// control characters".
				return snsInvalid("Subject")
			}
		}
	}
	if msg.MessageStructure != "" {
		if msg.MessageStructure != "json" {
			return snsInvalid("MessageStructure")
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(msg.Message), &m); err != nil {
			return snsInvalid("Message Structure - JSON message body failed to parse")
		}
		if _, ok := m["default"].(string); !ok {
			return snsInvalid("Message Structure - No default entry in JSON message body")
		}
	}
	fifo := t.attrs["FifoTopic"] == "true"
	if fifo && in.MessageGroupId == nil {
		return snsInvalid("The MessageGroupId parameter is required for FIFO topics")
	}
	if fifo && in.MessageDeduplicationId == nil && t.attrs["ContentBasedDeduplication"] != "true" {
		return snsInvalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	return nil
}

// snsServicePublishLocked publishes a message to topicARN on behalf of an
// AWS service (for example "backup.amazonaws.com" for Backup vault
// notifications), if the topic exists and its policy allows the service
// principal SNS:Publish. It reports why the message was not published.
func (s *Server) snsServicePublishLocked(topicARN, servicePrincipal, sourceAccount, subject, message string) (string, error) {
	t := s.snsTopicLocked(topicARN)
	if t == nil {
		return "", fmt.Errorf("SNS topic %s does not exist", topicARN)
	}
	d, err := evalPolicy(t.attrs["Policy"], policyResource, policyRequest{
		Principal: &policyPrincipal{Service: servicePrincipal},
		Action:    "SNS:Publish",
		Resource:  t.arn,
		Context:   map[string][]string{"aws:SourceAccount": {sourceAccount}, "AWS:SourceOwner": {sourceAccount}},
	})
	if err != nil || d != decisionAllow {
		return "", fmt.Errorf("the access policy of SNS topic %s does not allow %s to publish", topicARN, servicePrincipal)
	}
	msg := PublishedMessage{MessageID: s.ids.uuid(), TopicARN: t.arn, Subject: subject, Message: message, Publisher: servicePrincipal, Time: s.now}
	s.snsAppendLocked(t, msg)
	return msg.MessageID, nil
}

// Published returns the messages published to the topic topicARN so far,
// oldest first (nil for unknown topics).
func (s *Server) Published(topicARN string) []PublishedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.snsTopicLocked(topicARN)
	if t == nil {
		return nil
	}
	out := make([]PublishedMessage, len(t.published))
	for i, m := range t.published {
		out[i] = m
		if m.Attributes != nil {
			out[i].Attributes = map[string]string{}
			for k, v := range m.Attributes {
				out[i].Attributes[k] = v
			}
		}
	}
	return out
}
