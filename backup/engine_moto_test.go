package backup_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/internal/motoserver"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// TestApplyOnMoto runs the parts of an apply that moto implements, for one
// workload account of the spec (moto's single account), through the kinds'
// own planners and the engine's kinds table, and checks that planning
// again finds nothing to do. Organizations-level planning cannot run on
// moto: it lacks DescribeResourcePolicy, backup.amazonaws.com as a
// delegated-administrator principal and DescribeGlobalSettings; and the
// vault's access policy and notifications (Get/PutBackupVaultAccessPolicy,
// Get/PutBackupVaultNotifications) and Audit Manager frameworks.
func TestApplyOnMoto(t *testing.T) {
	url := motoserver.Start(t)
	ctx := context.Background()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(url),
	}
	kinds, err := backup.Kinds()
	if err != nil {
		t.Fatal(err)
	}
	apply := func(c plan.Change) error {
		k, ok := kinds.Lookup(c.Kind)
		if !ok {
			t.Fatalf("no kind %q", c.Kind)
		}
		return k.Apply(ctx, plan.ApplyEnv{Config: cfg}, c)
	}
	acct := motoserver.Account

	sp, err := spec.Parse("moto.yaml", []byte(`version: 1
name: moto
organization:
  management_account: "111111111111"
  backup_account: "`+acct+`"
  regions: {primary: us-east-1}
  distribution: direct
tiers:
  daily: {schedule: "cron(0 5 * * ? *)", local_retention: 14d, encryption: customer-managed, targets: ["`+acct+`"]}
local:
  vault: local-backup
notifications:
  events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]
  emails: [backup-team@example.com]
reports:
  bucket: org-backup-reports-moto
  formats: [CSV]
`))
	if err != nil {
		t.Fatal(err)
	}
	tags := managedtags.For(sp.Name, sp.Tags)

	// The backup role.
	role := servicerole.BackupRole(acct, sp.Local.BackupRole, tags)
	iam := awsiam.NewFromConfig(cfg)
	// moto's copy of the AWS managed policies lacks some of them.
	var known []string
	for _, arn := range role.ManagedPolicies {
		if _, err := iam.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)}); err != nil {
			t.Logf("moto lacks the AWS managed policy %s", arn)
			continue
		}
		known = append(known, arn)
	}
	if len(known) == 0 {
		t.Fatal("moto has none of the backup role's managed policies")
	}
	role.ManagedPolicies = known
	applyAll(t, "role", func() ([]plan.Change, error) { return servicerole.Plan(ctx, iam, acct, role) }, apply)

	// The vault's key, vault and topic: moto lacks the vault's access
	// policy and notifications, so those changes are not applied and the
	// rest is checked by reading it back.
	vd := vault.Desired{Account: acct, Region: "us-east-1", Vault: sp.Local.Vault, Tags: tags,
		Key:           &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup local vault key", Policy: vault.WorkloadKeyPolicy(acct, "us-east-1", "222222222222"), Rotation: true},
		Notifications: &vault.Notifications{Topic: sp.Notifications.Topic, Events: sp.Notifications.Events}}
	vc := vault.NewWriters(cfg)
	changes, err := vault.Plan(ctx, vc.Readers(), vd)
	if err != nil {
		t.Fatalf("vault.Plan: %v", err)
	}
	var got []string
	for _, ch := range changes {
		got = append(got, ch.Kind+" "+ch.Action.String())
		if ch.Kind == vault.KindNotifications || ch.Kind == vault.KindAccessPolicy {
			continue // not in moto
		}
		if err := apply(ch); err != nil {
			t.Fatalf("applying %s: %v", ch.Address, err)
		}
	}
	for _, want := range []string{"kms_key create", "backup_vault create", "sns_topic create"} {
		if !slices.Contains(got, want) {
			t.Errorf("vault plan lacks %q: %v", want, got)
		}
	}
	st, err := vault.Read(ctx, vault.Readers{KMS: vc.KMS, SNS: vc.SNS}, acct, "us-east-1", "", sp.KMS.Alias, sp.Notifications.Topic)
	if err != nil {
		t.Fatalf("vault.Read: %v", err)
	}
	if st.Key == nil || !st.Key.Rotation || st.Topic == nil {
		t.Fatalf("after apply: key %+v, topic %+v", st.Key, st.Topic)
	}
	v, err := vc.Backup.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(vd.Vault)})
	if err != nil || aws.ToString(v.EncryptionKeyArn) != st.Key.ARN {
		t.Fatalf("vault after apply: %v, key %s, want %s", err, aws.ToString(v.EncryptionKeyArn), st.Key.ARN)
	}

	// The tier's plan, created directly in the account. moto lacks the
	// selection operations (CreateBackupSelection and ListBackupSelections
	// answer 500): the plan is created without its selection and read
	// back with GetBackupPlan.
	p, err := sp.TierPlanForAccount("daily", acct)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := distribution.ForAccount(*p, acct)
	if err != nil {
		t.Fatal(err)
	}
	rp.Selections = nil
	bk := awsbackup.NewFromConfig(cfg)
	planned, err := distribution.PlanBackupPlans(ctx, bk, acct, "us-east-1", []policy.Plan{rp}, tags)
	if err != nil || len(planned) != 1 || planned[0].Action != plan.Create {
		t.Fatalf("planning the backup plan: %v %+v", err, planned)
	}
	if err := apply(planned[0]); err != nil {
		t.Fatalf("applying %s: %v", planned[0].Address, err)
	}
	list, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(list.BackupPlansList) != 1 {
		t.Fatalf("ListBackupPlans: %v %+v", err, list)
	}
	gotPlan, err := bk.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: list.BackupPlansList[0].BackupPlanId})
	if err != nil {
		t.Fatal(err)
	}
	live, err := policy.PlanFromAPI(gotPlan.BackupPlan, gotPlan.AdvancedBackupSettings)
	if err != nil {
		t.Fatal(err)
	}
	if len(live.Rules) != 1 || live.Rules[0].Schedule != rp.Rules[0].Schedule || live.Rules[0].Lifecycle.DeleteAfterDays != rp.Rules[0].Lifecycle.DeleteAfterDays || live.Rules[0].TargetVault != rp.Rules[0].TargetVault {
		t.Errorf("backup plan read back differs:\nlive %s\nwant %s", plan.JSON(live.Rules), plan.JSON(rp.Rules))
	}

	// The reports bucket and a report plan.
	bucket := auditreports.Bucket{Name: sp.Reports.Bucket, Region: "us-east-1", Policy: auditreports.BucketPolicy(acct, sp.Reports.Bucket), Encryption: "AES256", BlockPublicAccess: true, Tags: tags}
	s3c := awss3.NewFromConfig(cfg)
	applyAll(t, "bucket", func() ([]plan.Change, error) { return auditreports.PlanBucket(ctx, s3c, acct, bucket) }, apply)
	// moto keeps no tags on report plans (ListTags answers none, even
	// after TagResource): the plan is compared without them here, and its
	// tags are tested on the emulator (TestTagsConverge).
	report := auditreports.ReportPlan{Name: "orgbackup_backup_job_report", Template: "BACKUP_JOB_REPORT", Bucket: bucket.Name, KeyPrefix: "orgbackup", Formats: []string{"CSV"}, Regions: []string{"us-east-1"}}
	applyAll(t, "report plan", func() ([]plan.Change, error) {
		return auditreports.PlanReportPlan(ctx, bk, acct, "us-east-1", report)
	}, apply)
}

// applyAll plans, applies every change, and checks that planning again
// returns nothing.
func applyAll(t *testing.T, what string, planFn func() ([]plan.Change, error), apply func(plan.Change) error) {
	t.Helper()
	changes, err := planFn()
	if err != nil {
		t.Fatalf("planning the %s: %v", what, err)
	}
	if len(changes) == 0 {
		t.Fatalf("planning the %s from nothing: no changes", what)
	}
	for _, c := range changes {
		if err := apply(c); err != nil {
			t.Fatalf("applying %s: %v", c.Address, err)
		}
	}
	again, err := planFn()
	if err != nil {
		t.Fatalf("planning the %s again: %v", what, err)
	}
	for _, c := range again {
		t.Errorf("%s: second plan is not empty: %s %s: %s\nbefore %s\nafter  %s", what, c.Action, c.Address, c.Reason, c.Before, c.After)
	}
}
