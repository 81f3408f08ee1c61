package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/emulator"
)

func TestBudgetsAccrueAndNotify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const account = "333333333333"
	srv.SetStoragePrices(map[string]map[string]emulator.StoragePrice{"us-east-1": {"EBS": {Warm: 0.05, Cold: 0.0125}}})
	c := vtAccount(t, srv, account, "us-east-1", "local")
	for tier, gib := range map[string]int64{"production": 100, "staging": 400} {
		arn := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "vol-"+tier, nil, gib<<30)
		must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn),
			IamRoleArn: vtRole(account), RecoveryPointTags: map[string]string{"orgbackup:tier": tier}}))(t, "StartBackupJob")
	}
	srv.Advance(time.Hour)

	b := awsbudgets.NewFromConfig(srv.Config(account, "us-east-1"))
	budget := func(name string) *budgettypes.Budget {
		return &budgettypes.Budget{BudgetName: aws.String(name), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("1"), Unit: aws.String("USD")},
			//lint:ignore SA1019 the filter orgbackup's budgets kind writes
			CostFilters: map[string][]string{"TagKeyValue": {"user:orgbackup:tier$production"}}}
	}
	notify := func(pct float64) budgettypes.NotificationWithSubscribers {
		return budgettypes.NotificationWithSubscribers{
			Notification: &budgettypes.Notification{NotificationType: budgettypes.NotificationTypeActual, ComparisonOperator: budgettypes.ComparisonOperatorGreaterThan,
				Threshold: pct, ThresholdType: budgettypes.ThresholdTypePercentage},
			Subscribers: []budgettypes.Subscriber{{SubscriptionType: budgettypes.SubscriptionTypeEmail, Address: aws.String("team@example.com")}},
		}
	}
	must(b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(account), Budget: budget("production"),
		NotificationsWithSubscribers: []budgettypes.NotificationWithSubscribers{notify(50), notify(100)}}))(t, "CreateBudget")

	// Rules of the API.
	_, err := b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(account), Budget: budget("production")})
	wantErr[*budgettypes.DuplicateRecordException](t, "CreateBudget twice", err)
	_, err = b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String("444444444444"), Budget: budget("other")})
	wantErr[*budgettypes.AccessDeniedException](t, "CreateBudget for another account", err)
	_, err = b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(account), Budget: budget("bad:name")})
	wantErr[*budgettypes.InvalidParameterException](t, "CreateBudget with ':' in the name", err)
	_, err = b.DescribeBudget(ctx, &awsbudgets.DescribeBudgetInput{AccountId: aws.String(account), BudgetName: aws.String("none")})
	wantErr[*budgettypes.NotFoundException](t, "DescribeBudget of no budget", err)

	// 100 GiB of production at 0.05 a GB-month accrue 100*0.05*24/730 =
	// 0.1644 a day; the staging volume does not count. 50% of the 1 USD
	// limit passes on day 4 (0.66), 100% on day 7 (1.15).
	var fired []int
	for day := 1; day <= 8; day++ {
		srv.Advance(24 * time.Hour)
		if n := len(srv.BudgetAlerts()); n > len(fired) {
			for range n - len(fired) {
				fired = append(fired, day)
			}
		}
	}
	if len(fired) != 2 || fired[0] != 4 || fired[1] != 7 {
		t.Errorf("alerts fired on days %v, want [4 7]", fired)
	}
	alerts := srv.BudgetAlerts()
	if len(alerts) == 2 && (alerts[0].Threshold != 50 || alerts[0].Address != "team@example.com" || alerts[0].SubscriptionType != "EMAIL") {
		t.Errorf("first alert = %+v", alerts[0])
	}
	out := must(b.DescribeBudget(ctx, &awsbudgets.DescribeBudgetInput{AccountId: aws.String(account), BudgetName: aws.String("production")}))(t, "DescribeBudget")
	if got := aws.ToString(out.Budget.CalculatedSpend.ActualSpend.Amount); got != "1.32" {
		t.Errorf("ActualSpend = %s, want 1.32 (8 days of 0.1644)", got)
	}
	notes := must(b.DescribeNotificationsForBudget(ctx, &awsbudgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(account), BudgetName: aws.String("production")}))(t, "DescribeNotificationsForBudget")
	if len(notes.Notifications) != 2 || notes.Notifications[0].NotificationState != budgettypes.NotificationStateAlarm {
		t.Errorf("notifications = %+v", notes.Notifications)
	}
	must(b.DeleteBudget(ctx, &awsbudgets.DeleteBudgetInput{AccountId: aws.String(account), BudgetName: aws.String("production")}))(t, "DeleteBudget")
	list := must(b.DescribeBudgets(ctx, &awsbudgets.DescribeBudgetsInput{AccountId: aws.String(account)}))(t, "DescribeBudgets")
	if len(list.Budgets) != 0 {
		t.Errorf("budgets after delete: %d", len(list.Budgets))
	}
}

// TestBudgetSNSDelivery: an SNS subscriber gets the alert published to its
// topic by budgets.amazonaws.com, under the topic's access policy (the
// SNS emulation decides; its default policy admits the owner's sources).
func TestBudgetSNSDelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const account = "333333333333"
	srv.SetStoragePrices(map[string]map[string]emulator.StoragePrice{"us-east-1": {"EBS": {Warm: 0.05}}})
	c := vtAccount(t, srv, account, "us-east-1", "local")
	arn := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "vol-1", nil, 1000<<30)
	must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: vtRole(account)}))(t, "StartBackupJob")
	topic := "arn:aws:sns:us-east-1:" + account + ":budget-alerts"
	sns := awssns.NewFromConfig(srv.Config(account, "us-east-1"))
	must(sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("budget-alerts")}))(t, "CreateTopic")
	b := awsbudgets.NewFromConfig(srv.Config(account, "us-east-1"))
	must(b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(account),
		Budget: &budgettypes.Budget{BudgetName: aws.String("all"), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("1"), Unit: aws.String("USD")}},
		NotificationsWithSubscribers: []budgettypes.NotificationWithSubscribers{{
			Notification: &budgettypes.Notification{NotificationType: budgettypes.NotificationTypeActual, ComparisonOperator: budgettypes.ComparisonOperatorGreaterThan, Threshold: 100},
			Subscribers:  []budgettypes.Subscriber{{SubscriptionType: budgettypes.SubscriptionTypeSns, Address: aws.String(topic)}},
		}}}))(t, "CreateBudget")
	srv.Advance(25 * time.Hour)
	alerts := srv.BudgetAlerts()
	if len(alerts) != 1 || alerts[0].Error != "" {
		t.Fatalf("alerts = %+v, want one delivered", alerts)
	}
	got := srv.Published(topic)
	if len(got) != 1 || got[0].Publisher != "budgets.amazonaws.com" || !strings.Contains(got[0].Message, "budget all") {
		t.Errorf("published %+v, want the alert from budgets.amazonaws.com", got)
	}
}
