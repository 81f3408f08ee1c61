package alerting_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

const testSpec = `version: 1
name: alerts
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2, additional: [eu-west-1]}
tiers:
  production: {targets: [Production]}
notifications:
  events: [BACKUP_JOB_COMPLETED]
  emails: [oncall@example.com]
`

const (
	workload = "333333333333"
	backupID = "222222222222"
	orgID    = "o-orgbackup1"
)

func loadSpec(t *testing.T, src string) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse("backup.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sp, err = sp.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func planAccount(t *testing.T, srv *emulator.Server, sp *spec.Spec, account, tier string) []plan.Change {
	t.Helper()
	cs, err := alerting.PlanAccount(context.Background(), alerting.Env{Spec: sp, OrgID: orgID, Account: account, Tier: tier,
		Config: func(region string) (aws.Config, error) { return srv.Config(account, region), nil }})
	if err != nil {
		t.Fatalf("PlanAccount(%s): %v", account, err)
	}
	return cs
}

// applyAll applies changes through the package's kinds, stage by stage.
func applyAll(t *testing.T, srv *emulator.Server, cs []plan.Change) {
	t.Helper()
	kinds, err := plan.NewKinds(alerting.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	for _, stage := range []plan.Stage{plan.StageIdentity, plan.StageNotification, plan.StageReporting} {
		for _, c := range cs {
			k, ok := kinds.Lookup(c.Kind)
			if !ok || k.Stage != stage {
				continue
			}
			region := c.Region
			if region == plan.Global {
				region = "us-east-1"
			}
			if err := k.Apply(context.Background(), plan.ApplyEnv{Config: srv.Config(c.Account, region)}, c); err != nil {
				t.Fatalf("applying %s: %v", c.Address, err)
			}
		}
	}
}

func addresses(cs []plan.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Action.String()+" "+c.Address.String())
	}
	return out
}

// TestPlanAccount plans each kind of account from scratch, applies, and
// plans again: nothing is left to do. Workload accounts get a forwarding
// role and two rules per workload Region (primary and additional, not the
// DR Region); the backup account an alerts bus and rule in each, and the
// role its non-primary buses forward with.
func TestPlanAccount(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		account, tier string
		spec          string
		want          []string
	}{
		"workload account": {account: workload, tier: "production", spec: testSpec, want: []string{
			"create " + workload + "/global/events_role/orgbackup-alerts-forwarder",
			"create " + workload + "/us-east-1/event_rule/default/orgbackup-job-failures",
			"create " + workload + "/us-east-1/event_rule/default/orgbackup-restore-failures",
			"create " + workload + "/eu-west-1/event_rule/default/orgbackup-job-failures",
			"create " + workload + "/eu-west-1/event_rule/default/orgbackup-restore-failures",
		}},
		"backup account": {account: backupID, spec: testSpec, want: []string{
			"create " + backupID + "/global/events_role/orgbackup-alerts-forwarder",
			"create " + backupID + "/us-east-1/event_bus/orgbackup-alerts",
			"create " + backupID + "/us-east-1/event_rule/orgbackup-alerts/orgbackup-alerts",
			"create " + backupID + "/eu-west-1/event_bus/orgbackup-alerts",
			"create " + backupID + "/eu-west-1/event_rule/orgbackup-alerts/orgbackup-alerts",
		}},
		"an account outside the tiers": {account: "444444444444", spec: testSpec, want: []string{}},
		"no emails, no alerts": {account: workload, tier: "production", want: []string{},
			spec: testSpec[:len(testSpec)-len("  emails: [oncall@example.com]\n")]},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			t.Cleanup(srv.Close)
			sp := loadSpec(t, tc.spec)
			cs := planAccount(t, srv, sp, tc.account, tc.tier)
			if diff := cmp.Diff(tc.want, addresses(cs)); diff != "" {
				t.Fatalf("PlanAccount mismatch (-want +got):\n%s", diff)
			}
			applyAll(t, srv, cs)
			if again := planAccount(t, srv, sp, tc.account, tc.tier); len(again) > 0 {
				t.Errorf("after apply, PlanAccount = %v, want nothing", addresses(again))
			}
		})
	}
}

// TestRuleDrift changes an applied rule behind orgbackup's back: the plan
// restores its pattern and target, and keeps a target someone else added.
func TestRuleDrift(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	sp := loadSpec(t, testSpec)
	applyAll(t, srv, planAccount(t, srv, sp, workload, "production"))
	ctx := context.Background()
	ev := awsevents.NewFromConfig(srv.Config(workload, "us-east-1"))
	if _, err := ev.PutRule(ctx, &awsevents.PutRuleInput{Name: aws.String(alerting.JobFailuresRule), EventPattern: aws.String(`{"source":["aws.backup"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.RemoveTargets(ctx, &awsevents.RemoveTargetsInput{Rule: aws.String(alerting.JobFailuresRule), Ids: []string{"orgbackup-alerts-bus"}}); err != nil {
		t.Fatal(err)
	}
	other := eventstypes.Target{Id: aws.String("team-topic"), Arn: aws.String("arn:aws:sns:us-east-1:" + workload + ":team")}
	if _, err := ev.PutTargets(ctx, &awsevents.PutTargetsInput{Rule: aws.String(alerting.JobFailuresRule), Targets: []eventstypes.Target{other}}); err != nil {
		t.Fatal(err)
	}
	cs := planAccount(t, srv, sp, workload, "production")
	if diff := cmp.Diff([]string{"update " + workload + "/us-east-1/event_rule/default/orgbackup-job-failures"}, addresses(cs)); diff != "" {
		t.Fatalf("PlanAccount mismatch (-want +got):\n%s", diff)
	}
	applyAll(t, srv, cs)
	if again := planAccount(t, srv, sp, workload, "production"); len(again) > 0 {
		t.Errorf("after apply, PlanAccount = %v", addresses(again))
	}
	out, err := ev.ListTargetsByRule(ctx, &awsevents.ListTargetsByRuleInput{Rule: aws.String(alerting.JobFailuresRule)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tg := range out.Targets {
		ids = append(ids, aws.ToString(tg.Id))
	}
	if diff := cmp.Diff([]string{"orgbackup-alerts-bus", "team-topic"}, ids); diff != "" {
		t.Errorf("targets mismatch (-want +got):\n%s", diff)
	}
}

// TestPatternsMatchBackupEvents checks the rules' patterns against AWS
// Backup's events: failures match, successes do not.
func TestPatternsMatchBackupEvents(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ev := awsevents.NewFromConfig(srv.Config(workload, "us-east-1"))
	event := func(detailType, field, state string) string {
		return `{"version":"0","id":"1","detail-type":"` + detailType + `","source":"aws.backup","account":"` + workload +
			`","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{"` + field + `":"` + state + `"}}`
	}
	tests := map[string]struct {
		pattern, event string
		want           bool
	}{
		"backup job failed":             {alerting.JobFailuresPattern, event("Backup Job State Change", "state", "FAILED"), true},
		"backup job expired":            {alerting.JobFailuresPattern, event("Backup Job State Change", "state", "EXPIRED"), true},
		"backup job aborted":            {alerting.JobFailuresPattern, event("Backup Job State Change", "state", "ABORTED"), true},
		"backup job completed":          {alerting.JobFailuresPattern, event("Backup Job State Change", "state", "COMPLETED"), false},
		"copy job failed":               {alerting.JobFailuresPattern, event("Copy Job State Change", "state", "FAILED"), true},
		"copy job completed":            {alerting.JobFailuresPattern, event("Copy Job State Change", "state", "COMPLETED"), false},
		"restore job failed":            {alerting.RestoreFailuresPattern, event("Restore Job State Change", "status", "FAILED"), true},
		"restore job completed":         {alerting.RestoreFailuresPattern, event("Restore Job State Change", "status", "COMPLETED"), false},
		"restore state is named status": {alerting.RestoreFailuresPattern, event("Restore Job State Change", "state", "FAILED"), false},
		"central takes all three":       {alerting.CentralPattern, event("Restore Job State Change", "status", "FAILED"), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := ev.TestEventPattern(context.Background(), &awsevents.TestEventPatternInput{EventPattern: aws.String(tc.pattern), Event: aws.String(tc.event)})
			if err != nil {
				t.Fatal(err)
			}
			if out.Result != tc.want {
				t.Errorf("match = %v, want %v", out.Result, tc.want)
			}
		})
	}
}

// TestTierRecipients: a tier's own recipients hear about the failures of
// that tier's accounts, and not about other tiers'.
func TestTierRecipients(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const prodEmail, staging = "prod-team@example.com", "444444444444"
	sp := loadSpec(t, `version: 1
name: alerts
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]}
  staging: {targets: [Staging]}
notifications:
  events: [BACKUP_JOB_COMPLETED]
  tier_emails: {production: [`+prodEmail+`]}
`)
	tierAccounts := map[string][]string{"production": {workload, "333333333334"}, "staging": {staging}}
	plan1 := func(account, tier string) []plan.Change {
		cs, err := alerting.PlanAccount(context.Background(), alerting.Env{Spec: sp, OrgID: orgID, Account: account, Tier: tier, TierAccounts: tierAccounts,
			Config: func(region string) (aws.Config, error) { return srv.Config(account, region), nil }})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	central := plan1(backupID, "")
	if diff := cmp.Diff([]string{
		"create " + backupID + "/us-east-1/event_bus/orgbackup-alerts",
		"create " + backupID + "/us-east-1/alert_topic/orgbackup-alerts-production",
		"create " + backupID + "/us-east-1/event_rule/orgbackup-alerts/orgbackup-alerts-production",
	}, addresses(central)); diff != "" {
		t.Fatalf("backup account plan (-want +got):\n%s", diff)
	}
	applyAll(t, srv, append(append(central, plan1(workload, "production")...), plan1(staging, "staging")...))
	if again := plan1(backupID, ""); len(again) > 0 {
		t.Errorf("after apply: %v", addresses(again))
	}
	ctx := context.Background()
	for _, d := range srv.SNSDeliveries(prodEmail) {
		sns := awssns.NewFromConfig(srv.Config(backupID, "us-east-1"))
		if _, err := sns.ConfirmSubscription(ctx, &awssns.ConfirmSubscriptionInput{TopicArn: aws.String(d.TopicARN), Token: aws.String(d.Token)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, account := range []string{workload, staging} {
		c := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"))
		if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault")}); err != nil {
			t.Fatal(err)
		}
		arn := srv.AddResource(account, "us-east-1", emulator.DynamoDBTable, "", nil, 1<<20)
		if _, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("vault"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::" + account + ":role/Missing")}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Advance(2 * time.Hour)
	var accounts []string
	for _, d := range srv.SNSDeliveries(prodEmail) {
		if d.Type != emulator.DeliveryNotification {
			continue
		}
		var ev struct {
			Account string `json:"account"`
		}
		if err := json.Unmarshal([]byte(d.Message), &ev); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, ev.Account)
	}
	if diff := cmp.Diff([]string{workload}, accounts); diff != "" {
		t.Errorf("accounts of the failures %s heard about (-want +got):\n%s\nundelivered: %+v", prodEmail, diff, srv.EventTargetFailures())
	}
}
