package emulator_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
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

// TestBudgetsCountCopiesByTags: the management account's tier and
// allocation budgets count the central and secondary copies of a tier's
// recovery points, which carry the tags of their source (the rule's tier
// tag and the resource's allocation tag), and nothing of another tier.
func TestBudgetsCountCopiesByTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	const (
		account          = "333333333333"
		centralVault     = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
		secondaryVault   = "arn:aws:backup:us-west-2:222222222222:backup-vault:secondary"
		orgCopyPolicy    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`
		gib              = 100
		pricePerGBMonth  = 0.05
		days             = 10
		hoursPerMonth    = 730
		productionPoints = 3 // local, central and secondary
	)
	srv.SetStoragePrices(map[string]map[string]emulator.StoragePrice{
		"us-east-1": {"EFS": {Warm: pricePerGBMonth}}, "us-west-2": {"EFS": {Warm: pricePerGBMonth}}})
	for _, region := range []string{"us-east-1", "us-west-2"} {
		must(scnBackup(srv, emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
			GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
	}
	for region, vault := range map[string]string{"us-east-1": "central", "us-west-2": "secondary"} {
		c := vtAccount(t, srv, "222222222222", region, vault)
		must(c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(vault), Policy: aws.String(orgCopyPolicy)}))(t, "PutBackupVaultAccessPolicy")
	}
	c := vtAccount(t, srv, account, "us-east-1", "local")
	srv.AddResource(account, "us-east-1", emulator.EFSFileSystem, "fs-payments", map[string]string{"backup-tier": "production", "business-unit": "payments"}, gib<<30)
	staging := srv.AddResource(account, "us-east-1", emulator.EFSFileSystem, "fs-retail", map[string]string{"business-unit": "retail"}, 4*gib<<30)

	// The production tier's plan backs up once, on the 1st at 05:00, and
	// copies to the central vault and to the secondary Region's.
	keep := &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)}
	plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("orgbackup-production"),
		Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("production-monthly"), TargetBackupVaultName: aws.String("local"),
			ScheduleExpression: aws.String("cron(0 5 1 * ? *)"), Lifecycle: keep,
			RecoveryPointTags: map[string]string{"orgbackup:tier": "production"},
			CopyActions: []backuptypes.CopyAction{
				{DestinationBackupVaultArn: aws.String(centralVault), Lifecycle: keep},
				{DestinationBackupVaultArn: aws.String(secondaryVault), Lifecycle: keep}}}}}}))(t, "CreateBackupPlan")
	must(c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("production"), IamRoleArn: vtRole(account),
		ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup-tier"), ConditionValue: aws.String("production")}}}}))(t, "CreateBackupSelection")
	// Another tier's recovery point, four times as large, kept locally.
	must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(staging),
		IamRoleArn: vtRole(account), RecoveryPointTags: map[string]string{"orgbackup:tier": "staging"}}))(t, "StartBackupJob")
	srv.Advance(8 * time.Hour)
	for _, x := range []struct{ account, region, vault string }{{"222222222222", "us-east-1", "central"}, {"222222222222", "us-west-2", "secondary"}} {
		if n := len(scnRecoveryPoints(t, srv, x.account, x.region, x.vault)); n != 1 {
			t.Fatalf("%s holds %d recovery points, want the one copy", x.vault, n)
		}
	}

	b := awsbudgets.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	for name, filter := range map[string]string{"tier": "user:orgbackup:tier$production", "allocation": "user:business-unit$payments"} {
		must(b.CreateBudget(ctx, &awsbudgets.CreateBudgetInput{AccountId: aws.String(emulator.ManagementAccountID), Budget: &budgettypes.Budget{
			BudgetName: aws.String(name), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("100"), Unit: aws.String("USD")},
			//lint:ignore SA1019 the filter orgbackup's budgets kind writes
			CostFilters: map[string][]string{"TagKeyValue": {filter}}}}))(t, "CreateBudget "+name)
	}
	srv.Advance(days * 24 * time.Hour)
	// Local, central and secondary: 3 x 100 GiB x 0.05 x 240 h / 730 h =
	// 4.93; the local recovery point alone would be 1.64.
	want := strconv.FormatFloat(productionPoints*gib*pricePerGBMonth*days*24/hoursPerMonth, 'f', 2, 64)
	for _, name := range []string{"tier", "allocation"} {
		out := must(b.DescribeBudget(ctx, &awsbudgets.DescribeBudgetInput{AccountId: aws.String(emulator.ManagementAccountID), BudgetName: aws.String(name)}))(t, "DescribeBudget")
		if got := aws.ToString(out.Budget.CalculatedSpend.ActualSpend.Amount); got != want {
			t.Errorf("%s budget: ActualSpend = %s, want %s (the local recovery point and its two copies)", name, got, want)
		}
	}
}
