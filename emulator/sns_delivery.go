package emulator

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNS deliveries: the emulator sends nothing, it records what SNS would
// send to each subscription endpoint, readable through Server.SNSDeliveries
// and GET /_orgbackup/sns/deliveries. A message published to a topic goes
// to its confirmed subscriptions only; an email, email-json, HTTP or HTTPS
// endpoint first receives a confirmation message carrying a token, and
// the subscription is confirmed when ConfirmSubscription presents that
// token ("Subscribe", "ConfirmSubscription", SNS API Reference). Emails
// without a subject are sent with "AWS Notification Message" ("Amazon SNS
// message delivery": email subject default).

// Kinds of SNSDelivery.
const (
	DeliveryNotification = "Notification"
	DeliveryConfirmation = "SubscriptionConfirmation"
)

const snsDefaultEmailSubject = "AWS Notification Message"

// SNSDelivery is one message SNS sent (in the emulator: recorded) to a
// subscription's endpoint.
type SNSDelivery struct {
	// Time is the virtual time of delivery.
	Time time.Time `json:"time"`
	// Type is DeliveryNotification or DeliveryConfirmation.
	Type string `json:"type"`
	// TopicARN and SubscriptionARN name the topic and subscription.
	TopicARN        string `json:"topic_arn"`
	SubscriptionARN string `json:"subscription_arn"`
	// Protocol and Endpoint are the subscription's ("email",
	// "ops@example.com").
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
	// MessageID is the published message's ID (empty for confirmations).
	MessageID string `json:"message_id,omitempty"`
	// Subject and Message are what the endpoint receives.
	Subject string `json:"subject"`
	Message string `json:"message"`
	// Token is the confirmation token of a DeliveryConfirmation.
	Token string `json:"token,omitempty"`
}

// snsAppendLocked records a published message and delivers it.
func (s *Server) snsAppendLocked(t *snsTopic, msg PublishedMessage) {
	t.published = append(t.published, msg)
	s.snsDeliverLocked(t, msg)
}

// snsDeliverLocked delivers a published message to the topic's confirmed
// subscriptions.
func (s *Server) snsDeliverLocked(t *snsTopic, msg PublishedMessage) {
	for _, sub := range t.subs {
		if !sub.confirmed {
			continue
		}
		subject := msg.Subject
		if subject == "" && (sub.protocol == "email" || sub.protocol == "email-json") {
			subject = snsDefaultEmailSubject
		}
		s.snsDeliveries = append(s.snsDeliveries, SNSDelivery{
			Time: s.now, Type: DeliveryNotification, TopicARN: t.arn, SubscriptionARN: sub.arn, Protocol: sub.protocol,
			Endpoint: sub.endpoint, MessageID: msg.MessageID, Subject: subject, Message: msg.Message,
		})
	}
}

// snsSendConfirmationLocked sends a new subscription's confirmation
// request to its endpoint.
func (s *Server) snsSendConfirmationLocked(t *snsTopic, sub *snsSubscription) {
	sub.token = s.ids.uuid()
	s.snsDeliveries = append(s.snsDeliveries, SNSDelivery{
		Time: s.now, Type: DeliveryConfirmation, TopicARN: t.arn, SubscriptionARN: snsPendingListArn, Protocol: sub.protocol, Endpoint: sub.endpoint,
		Subject: "AWS Notification - Subscription Confirmation",
		Message: "You have chosen to subscribe to the topic: " + t.arn + ". To confirm this subscription, confirm it with the token.",
		Token:   sub.token,
	})
}

// snsConfirmSubscription confirms the pending subscription whose token is
// given; a token SNS did not send is refused ("Invalid token").
func (s *Server) snsConfirmSubscription(c *Call, in *awssns.ConfirmSubscriptionInput) (*awssns.ConfirmSubscriptionOutput, error) {
	region, _, _, ok := snsParseTopicARN(aws.ToString(in.TopicArn))
	if !ok || region != c.Region {
		return nil, snsInvalid("TopicArn")
	}
	t := s.snsTopicLocked(*in.TopicArn)
	if t == nil {
		return nil, snsTopicNotFound()
	}
	for _, sub := range t.subs {
		if sub.token != "" && sub.token == aws.ToString(in.Token) {
			sub.confirmed = true
			return &awssns.ConfirmSubscriptionOutput{SubscriptionArn: aws.String(sub.arn)}, nil
		}
	}
	return nil, &snstypes.InvalidParameterException{Message: aws.String("Invalid token")}
}

// SNSDeliveries returns what SNS delivered so far to endpoint (every
// endpoint when ""), oldest first.
func (s *Server) SNSDeliveries(endpoint string) []SNSDelivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []SNSDelivery{}
	for _, d := range s.snsDeliveries {
		if endpoint == "" || d.Endpoint == endpoint {
			out = append(out, d)
		}
	}
	return out
}

func (s *Server) ctlSNSDeliveries(r *http.Request, _ []byte) (int, any, error) {
	return http.StatusOK, struct {
		Deliveries []SNSDelivery `json:"deliveries"`
	}{s.SNSDeliveries(r.URL.Query().Get("endpoint"))}, nil
}

func (s *Server) ctlEventFailures(*http.Request, []byte) (int, any, error) {
	f := s.EventTargetFailures()
	if f == nil {
		f = []EventTargetFailure{}
	}
	return http.StatusOK, struct {
		Failures []EventTargetFailure `json:"failures"`
	}{f}, nil
}
