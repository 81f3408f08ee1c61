package policy_test

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/orgbackup/orgbackup/policy"
)

// A daily rule at 02:00 UTC, kept 30 days locally and copied to a central
// vault for 7 years, in one expression.
func ExampleDaily() {
	central := policy.NewVaultARN("us-east-1", "222222222222", "central-backup")
	rule := policy.Daily("daily", 2, 0).InVault("local").KeepDays(30).CopyTo(central, policy.Years(7))

	fmt.Println(rule.Schedule, rule.TargetVault, rule.Lifecycle.DeleteAfterDays)
	fmt.Println(rule.CopyActions[0].DestinationVaultARN, rule.CopyActions[0].Lifecycle.DeleteAfterDays)
	// Output:
	// cron(0 2 * * ? *) local 30
	// arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup 2555
}

func ExampleWeekly() {
	rule := policy.Weekly("weekly", time.Sunday, 4, 0).
		InVault("local").
		Timezone("Europe/Paris").
		Windows(time.Hour, 8*time.Hour).
		ColdAfter(policy.Months(3)).
		Keep(policy.Years(1))
	fmt.Println(rule.Schedule, rule.ScheduleTimezone)
	fmt.Println(rule.StartWindowMinutes, rule.CompletionWindowMinutes)
	fmt.Println(rule.Lifecycle.MoveToColdStorageAfterDays, rule.Lifecycle.DeleteAfterDays)
	// Output:
	// cron(0 4 ? * SUN *) Europe/Paris
	// 60 480
	// 90 365
}

func ExampleNewPlan() {
	role := policy.NewRoleARN("111111111111", "service-role/AWSBackupDefaultServiceRole")
	plan := policy.NewPlan("databases",
		policy.Hourly("pitr", 0).InVault("local").Continuous().KeepDays(35),
		policy.Cron("monthly", "cron(0 5 1 * ? *)").InVault("local").ColdAfter(30).Keep(policy.Years(7)),
	).Select(
		policy.ByTag("backup", "databases", role).Where(policy.StringNotEquals, "env", "dev"),
	).WindowsVSS(true)

	fmt.Println(plan.Validate(policy.TargetAPI))
	in, err := plan.BackupPlanInput()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range in.Rules {
		fmt.Println(aws.ToString(r.RuleName), aws.ToString(r.ScheduleExpression), aws.ToBool(r.EnableContinuousBackup))
	}
	sel := plan.Selections[0].BackupSelection()
	fmt.Println(aws.ToString(sel.Conditions.StringNotEquals[0].ConditionKey))
	// Output:
	// <nil>
	// pitr cron(0 * * * ? *) true
	// monthly cron(0 5 1 * ? *) false
	// aws:ResourceTag/env
}

func ExamplePlan_Validate() {
	plan := policy.NewPlan("prod",
		policy.Daily("daily", 2, 0).InVault("local").ColdAfter(30).KeepDays(60).
			CopyTo("arn:aws:backup:us-east-1:$account:vault:central", 0),
	).Select(policy.ByTag("backup", "prod", "arn:aws:iam::$account:role/Backup"))

	for _, fe := range policy.FieldErrors(plan.Validate(policy.TargetPolicy)) {
		fmt.Println(fe)
	}
	// Output:
	// regions: an Organizations backup policy must name at least one region
	// rules.daily.lifecycle.delete_after_days: 60 days must be at least 90 days after move_to_cold_storage_after_days (30): at least 120
	// rules.daily.copy_actions.arn:aws:backup:us-east-1:$account:vault:central.target_backup_vault_arn: "arn:aws:backup:us-east-1:$account:vault:central" is not a valid backup vault ARN: resource type is "vault", want "backup-vault"
}

func ExamplePreset() {
	plan := policy.Preset(policy.Production, policy.PresetOptions{
		LocalVault:        "local",
		CentralVaultARN:   policy.NewVaultARN("us-east-1", "222222222222", "central-backup"),
		SecondaryVaultARN: policy.NewVaultARN("us-west-2", "222222222222", "central-backup"),
		RoleARN:           policy.NewRoleARN(policy.AccountVariable, "OrgBackupExecution"),
		Regions:           []string{"us-east-1", "us-west-2"},
	})
	fmt.Println(plan.Validate(policy.TargetPolicy))
	r := plan.Rules[0]
	fmt.Println(plan.Name, r.Name, r.Schedule, r.Lifecycle.DeleteAfterDays)
	for _, c := range r.CopyActions {
		fmt.Println(c.DestinationVaultARN, c.Lifecycle.DeleteAfterDays)
	}
	fmt.Println(plan.Selections[0].Name, plan.Selections[0].IAMRoleARN)
	// Output:
	// <nil>
	// orgbackup-production production-daily cron(0 2 * * ? *) 30
	// arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup 2555
	// arn:aws:backup:us-west-2:222222222222:backup-vault:central-backup 2555
	// backup-tier-production arn:aws:iam::$account:role/OrgBackupExecution
}

func ExampleTier() {
	for _, t := range policy.Tiers() {
		fmt.Printf("%-11s %-20s local=%dd central=%dd cross-region=%t %s\n",
			t, t.Schedule(), t.LocalRetention(), t.CentralRetention(), t.CrossRegion(), t.Encryption())
	}
	// Output:
	// production  cron(0 2 * * ? *)    local=30d central=2555d cross-region=true customer-managed
	// staging     cron(0 3 * * ? *)    local=7d central=365d cross-region=false customer-managed
	// development cron(0 4 ? * SUN *)  local=7d central=0d cross-region=false aws-managed
}

func ExampleParseVaultARN() {
	v, err := policy.ParseVaultARN("arn:aws:backup:eu-west-1:$account:backup-vault:local", true)
	fmt.Println(v.Region, v.Account, v.Name, err)
	_, err = policy.ParseVaultARN("arn:aws:backup:eu-west-1:$account:backup-vault:local", false)
	fmt.Println(err)
	// Output:
	// eu-west-1 $account local <nil>
	// "arn:aws:backup:eu-west-1:$account:backup-vault:local" is not a valid backup vault ARN: $account is only allowed in Organizations backup policies
}
