package emulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orgbackup/orgbackup/emulator"
)

const (
	evWorkload = "333333333333"
	evCentral  = emulator.BackupAccountID
	evRegion   = "us-east-1"
	evEmail    = "oncall@example.com"
	evOrgID    = "o-orgbackup1"
)

func evClient(srv *emulator.Server, account string) *awsevents.Client {
	return awsevents.NewFromConfig(srv.Config(account, evRegion))
}

func TestEventPatternMatching(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := evClient(srv, evWorkload)
	event := `{"version":"0","id":"1","detail-type":"Backup Job State Change","source":"aws.backup","account":"333333333333",
		"time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":["arn:aws:rds:us-east-1:333333333333:db:a","arn:aws:ec2:x"],
		"detail":{"state":"FAILED","statusMessage":"Unable to assume role","size":42,"nested":{"deep":"yes"}}}`
	tests := map[string]struct {
		pattern string
		want    bool
	}{
		"exact value":                     {`{"source":["aws.backup"]}`, true},
		"exact value mismatch":            {`{"source":["aws.ec2"]}`, false},
		"one of several values":           {`{"detail":{"state":["EXPIRED","FAILED"]}}`, true},
		"all fields must match":           {`{"source":["aws.backup"],"detail":{"state":["COMPLETED"]}}`, false},
		"prefix":                          {`{"detail":{"statusMessage":[{"prefix":"Unable to"}]}}`, true},
		"prefix mismatch":                 {`{"detail":{"statusMessage":[{"prefix":"unable to"}]}}`, false},
		"anything-but list":               {`{"detail":{"state":[{"anything-but":["COMPLETED","RUNNING"]}]}}`, true},
		"anything-but excludes":           {`{"detail":{"state":[{"anything-but":"FAILED"}]}}`, false},
		"anything-but absent field":       {`{"detail":{"missing":[{"anything-but":"x"}]}}`, false},
		"exists true":                     {`{"detail":{"statusMessage":[{"exists":true}]}}`, true},
		"exists false on absent":          {`{"detail":{"missing":[{"exists":false}]}}`, true},
		"exists false on present":         {`{"detail":{"state":[{"exists":false}]}}`, false},
		"nested fields":                   {`{"detail":{"nested":{"deep":["yes"]}}}`, true},
		"array in event matches any":      {`{"resources":[{"prefix":"arn:aws:rds:"}]}`, true},
		"number matches numerically":      {`{"detail":{"size":[42.0]}}`, true},
		"number is not its string":        {`{"detail":{"size":["42"]}}`, false},
		"numeric range":                   {`{"detail":{"size":[{"numeric":[">",40,"<=",42]}]}}`, true},
		"equals-ignore-case":              {`{"detail":{"state":[{"equals-ignore-case":"failed"}]}}`, true},
		"absent field does not match":     {`{"detail":{"missing":["x"]}}`, false},
		"detail-type among several names": {`{"detail-type":["Copy Job State Change","Backup Job State Change"]}`, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := c.TestEventPattern(context.Background(), &awsevents.TestEventPatternInput{EventPattern: aws.String(tc.pattern), Event: aws.String(event)})
			if err != nil {
				t.Fatalf("TestEventPattern: %v", err)
			}
			if out.Result != tc.want {
				t.Errorf("TestEventPattern(%s) = %v, want %v", tc.pattern, out.Result, tc.want)
			}
		})
	}
}

func TestEventPatternValidation(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := evClient(srv, evWorkload)
	for name, pattern := range map[string]string{
		"not an object":          `["aws.backup"]`,
		"empty":                  `{}`,
		"leaf is not an array":   `{"source":"aws.backup"}`,
		"empty array":            `{"source":[]}`,
		"unknown operator":       `{"source":[{"startswith":"aws"}]}`,
		"two operators together": `{"source":[{"prefix":"a","suffix":"b"}]}`,
		"exists takes a boolean": `{"source":[{"exists":"yes"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.PutRule(context.Background(), &awsevents.PutRuleInput{Name: aws.String("r"), EventPattern: aws.String(pattern)})
			wantErr[*eventstypes.InvalidEventPatternException](t, "PutRule", err)
		})
	}
	_, err := c.PutRule(context.Background(), &awsevents.PutRuleInput{Name: aws.String("r")})
	if errorCode(err) != "ValidationException" {
		t.Errorf("PutRule without pattern or schedule: %v, want ValidationException", err)
	}
}

func TestEventBusLifecycle(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	c := evClient(srv, evCentral)
	bus := must(c.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String("central")}))(t, "CreateEventBus")
	if want := "arn:aws:events:us-east-1:" + evCentral + ":event-bus/central"; aws.ToString(bus.EventBusArn) != want {
		t.Errorf("EventBusArn = %s, want %s", aws.ToString(bus.EventBusArn), want)
	}
	_, err := c.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String("central")})
	wantErr[*eventstypes.ResourceAlreadyExistsException](t, "CreateEventBus again", err)
	buses := must(c.ListEventBuses(ctx, &awsevents.ListEventBusesInput{}))(t, "ListEventBuses")
	if len(buses.EventBuses) != 2 || aws.ToString(buses.EventBuses[1].Name) != "default" {
		t.Errorf("ListEventBuses = %d buses, want central and default", len(buses.EventBuses))
	}
	if _, err := c.DeleteEventBus(ctx, &awsevents.DeleteEventBusInput{Name: aws.String("default")}); errorCode(err) != "ValidationException" {
		t.Errorf("DeleteEventBus(default): %v, want ValidationException", err)
	}
	rule := must(c.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("central"), EventPattern: aws.String(`{"source":["x"]}`)}))(t, "PutRule")
	if want := "arn:aws:events:us-east-1:" + evCentral + ":rule/central/r"; aws.ToString(rule.RuleArn) != want {
		t.Errorf("RuleArn = %s, want %s", aws.ToString(rule.RuleArn), want)
	}
	must(c.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String("r"), EventBusName: aws.String("central"), Targets: []eventstypes.Target{{Id: aws.String("t"), Arn: aws.String("arn:aws:sns:us-east-1:" + evCentral + ":x")}}}))(t, "PutTargets")
	if _, err := c.DeleteRule(ctx, &awsevents.DeleteRuleInput{Name: aws.String("r"), EventBusName: aws.String("central")}); errorCode(err) != "ValidationException" {
		t.Errorf("DeleteRule with targets: %v, want ValidationException", err)
	}
	var targets []eventstypes.Target
	for i := range 6 {
		targets = append(targets, eventstypes.Target{Id: aws.String(string(rune('a' + i))), Arn: aws.String("arn:aws:sns:us-east-1:" + evCentral + ":x")})
	}
	_, err = c.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String("r"), EventBusName: aws.String("central"), Targets: targets})
	wantErr[*eventstypes.LimitExceededException](t, "PutTargets beyond five", err)
	// A bus in another account is unreachable without its policy.
	w := evClient(srv, evWorkload)
	_, err = w.PutEvents(ctx, &awsevents.PutEventsInput{Entries: []eventstypes.PutEventsRequestEntry{{
		EventBusName: bus.EventBusArn, Source: aws.String("app"), DetailType: aws.String("t"), Detail: aws.String(`{}`),
	}}})
	if err != nil {
		t.Fatalf("PutEvents: %v", err)
	}
}

// TestPutEventsRules checks PutEvents: reserved sources are refused per
// entry, and a bus of another account takes events only when its policy
// admits the sender, here through the organization.
func TestPutEventsRules(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	central := evClient(srv, evCentral)
	bus := must(central.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String("central")}))(t, "CreateEventBus")
	w := evClient(srv, evWorkload)
	put := func(source string) eventstypes.PutEventsResultEntry {
		out := must(w.PutEvents(ctx, &awsevents.PutEventsInput{Entries: []eventstypes.PutEventsRequestEntry{{
			EventBusName: bus.EventBusArn, Source: aws.String(source), DetailType: aws.String("t"), Detail: aws.String(`{"a":1}`),
		}}}))(t, "PutEvents")
		return out.Entries[0]
	}
	if e := put("app"); aws.ToString(e.ErrorCode) != "AccessDeniedException" {
		t.Errorf("PutEvents to a bus without policy: %+v, want AccessDeniedException", e)
	}
	must(central.PutPermission(ctx, &awsevents.PutPermissionInput{
		EventBusName: aws.String("central"), Action: aws.String("events:PutEvents"), Principal: aws.String("*"), StatementId: aws.String("org"),
		Condition: &eventstypes.Condition{Type: aws.String("StringEquals"), Key: aws.String("aws:PrincipalOrgID"), Value: aws.String(evOrgID)},
	}))(t, "PutPermission")
	if e := put("app"); e.EventId == nil {
		t.Errorf("PutEvents from an account of the organization: %+v", e)
	}
	if e := put("aws.backup"); aws.ToString(e.ErrorCode) != "NotAuthorizedForSourceException" {
		t.Errorf("PutEvents with source aws.backup: %+v, want NotAuthorizedForSourceException", e)
	}
	d := must(central.DescribeEventBus(ctx, &awsevents.DescribeEventBusInput{Name: aws.String("central")}))(t, "DescribeEventBus")
	if !strings.Contains(aws.ToString(d.Policy), "aws:PrincipalOrgID") {
		t.Errorf("bus policy %s lacks the organization condition", aws.ToString(d.Policy))
	}
}

// evAlertPath builds the path of issue 13: the workload account's default
// bus forwards failed backup jobs to the central bus (through role, when
// set), whose rule publishes to the central topic with an email
// subscription.
func evAlertPath(t *testing.T, srv *emulator.Server, role bool, topicAllowsEvents bool) (topic string) {
	t.Helper()
	ctx := context.Background()
	central := evClient(srv, evCentral)
	bus := must(central.CreateEventBus(ctx, &awsevents.CreateEventBusInput{Name: aws.String("central")}))(t, "CreateEventBus")
	busPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"org","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"` + *bus.EventBusArn + `","Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + evOrgID + `"}}}]}`
	must(central.PutPermission(ctx, &awsevents.PutPermissionInput{EventBusName: aws.String("central"), Policy: aws.String(busPolicy)}))(t, "PutPermission")
	sns := awssns.NewFromConfig(srv.Config(evCentral, evRegion))
	topic = *must(sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("alerts")}))(t, "CreateTopic").TopicArn
	rule := must(central.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String("to-topic"), EventBusName: aws.String("central"), EventPattern: aws.String(`{"source":["aws.backup"]}`)}))(t, "PutRule")
	if topicAllowsEvents {
		pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + *rule.RuleArn + `"}}}]}`
		must(sns.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Policy"), AttributeValue: aws.String(pol)}))(t, "SetTopicAttributes")
	}
	must(central.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String("to-topic"), EventBusName: aws.String("central"), Targets: []eventstypes.Target{{Id: aws.String("topic"), Arn: aws.String(topic)}}}))(t, "PutTargets central")
	must(sns.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("email"), Endpoint: aws.String(evEmail)}))(t, "Subscribe")

	w := evClient(srv, evWorkload)
	must(w.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String("forward"), EventPattern: aws.String(
		`{"source":["aws.backup"],"detail-type":["Backup Job State Change"],"detail":{"state":["FAILED","EXPIRED","ABORTED"]}}`)}))(t, "PutRule workload")
	target := eventstypes.Target{Id: aws.String("central"), Arn: bus.EventBusArn}
	if role {
		iamc := awsiam.NewFromConfig(srv.Config(evWorkload, evRegion))
		r := must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("forward"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}))(t, "CreateRole")
		must(iamc.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("forward"), PolicyName: aws.String("put"), PolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"events:PutEvents","Resource":"` + *bus.EventBusArn + `"}]}`)}))(t, "PutRolePolicy")
		target.RoleArn = r.Role.Arn
	}
	must(w.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String("forward"), Targets: []eventstypes.Target{target}}))(t, "PutTargets workload")
	return topic
}

// evFailBackupJob starts a backup job in the workload account whose role
// does not exist, and lets it fail.
func evFailBackupJob(t *testing.T, srv *emulator.Server) string {
	t.Helper()
	c := vtAccount(t, srv, evWorkload, evRegion, "local")
	arn := srv.AddResource(evWorkload, evRegion, emulator.DynamoDBTable, "", nil, 1<<20)
	out := must(c.StartBackupJob(context.Background(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::" + evWorkload + ":role/Missing"),
	}))(t, "StartBackupJob")
	srv.Advance(2 * time.Hour)
	if j := vtJob(t, c, *out.BackupJobId); j.State != "FAILED" {
		t.Fatalf("backup job is %s, want FAILED", j.State)
	}
	return *out.BackupJobId
}

// evConfirm confirms the email subscription with the token SNS sent.
func evConfirm(t *testing.T, srv *emulator.Server, topic string) {
	t.Helper()
	var token string
	for _, d := range srv.SNSDeliveries(evEmail) {
		if d.Type == emulator.DeliveryConfirmation && d.TopicARN == topic {
			token = d.Token
		}
	}
	if token == "" {
		t.Fatalf("no confirmation request sent to %s", evEmail)
	}
	sns := awssns.NewFromConfig(srv.Config(evCentral, evRegion))
	_, err := sns.ConfirmSubscription(context.Background(), &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String("wrong")})
	wantErr[*snstypes.InvalidParameterException](t, "ConfirmSubscription with a wrong token", err)
	must(sns.ConfirmSubscription(context.Background(), &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String(token)}))(t, "ConfirmSubscription")
}

func evNotifications(srv *emulator.Server) []emulator.SNSDelivery {
	var out []emulator.SNSDelivery
	for _, d := range srv.SNSDeliveries(evEmail) {
		if d.Type == emulator.DeliveryNotification {
			out = append(out, d)
		}
	}
	return out
}

// TestBackupFailureReachesEmail is the alert path end to end: a backup job
// failing in a workload account emits AWS Backup's event on its default
// bus; the rule forwards it, through an execution role, to the central
// bus that admits the organization; the central rule publishes it to the
// topic; the confirmed email subscription receives it. Each broken link
// stops the delivery, and the failure says why.
func TestBackupFailureReachesEmail(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		role, topicPolicy, confirm bool
		wantMail                   int
		wantFailure                string
	}{
		"delivered":                           {role: true, topicPolicy: true, confirm: true, wantMail: 1},
		"organization grant needs a role":     {role: false, topicPolicy: true, confirm: true, wantFailure: "does not allow events:PutEvents"},
		"topic policy must admit EventBridge": {role: true, topicPolicy: false, confirm: true, wantFailure: "does not allow EventBridge to publish"},
		"unconfirmed email receives nothing":  {role: true, topicPolicy: true, confirm: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			topic := evAlertPath(t, srv, tc.role, tc.topicPolicy)
			if tc.confirm {
				evConfirm(t, srv, topic)
			}
			id := evFailBackupJob(t, srv)
			mail := evNotifications(srv)
			if len(mail) != tc.wantMail {
				t.Fatalf("%d emails, want %d; failures %+v", len(mail), tc.wantMail, srv.EventTargetFailures())
			}
			if tc.wantMail > 0 {
				var ev struct {
					Source     string `json:"source"`
					DetailType string `json:"detail-type"`
					Account    string `json:"account"`
					Detail     struct {
						BackupJobID   string `json:"backupJobId"`
						State         string `json:"state"`
						StatusMessage string `json:"statusMessage"`
						ResourceType  string `json:"resourceType"`
					} `json:"detail"`
				}
				if err := json.Unmarshal([]byte(mail[0].Message), &ev); err != nil {
					t.Fatalf("email body is not the event: %v\n%s", err, mail[0].Message)
				}
				if ev.Source != "aws.backup" || ev.DetailType != emulator.BackupJobStateChange || ev.Account != evWorkload ||
					ev.Detail.BackupJobID != id || ev.Detail.State != "FAILED" || !strings.Contains(ev.Detail.StatusMessage, "Unable to assume role") {
					t.Errorf("email event %+v", ev)
				}
				if mail[0].Subject != "AWS Notification Message" || mail[0].TopicARN != topic {
					t.Errorf("email %+v", mail[0])
				}
			}
			failures := srv.EventTargetFailures()
			if tc.wantFailure == "" && len(failures) > 0 {
				t.Errorf("failures %+v", failures)
			}
			if tc.wantFailure != "" && (len(failures) == 0 || !strings.Contains(failures[0].Reason, tc.wantFailure)) {
				t.Errorf("failures %+v, want one saying %q", failures, tc.wantFailure)
			}
		})
	}
}

// TestSNSDeliveriesControlAPI reads deliveries over the control API.
func TestSNSDeliveriesControlAPI(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	topic := evAlertPath(t, srv, true, true)
	evConfirm(t, srv, topic)
	evFailBackupJob(t, srv)
	resp, err := http.Get(srv.URL + "/_orgbackup/sns/deliveries?endpoint=" + evEmail)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Deliveries []emulator.SNSDelivery `json:"deliveries"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Deliveries) != 2 || out.Deliveries[0].Type != emulator.DeliveryConfirmation || out.Deliveries[1].Type != emulator.DeliveryNotification {
		t.Errorf("deliveries %+v, want a confirmation then a notification", out.Deliveries)
	}
}
