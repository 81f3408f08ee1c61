package backup

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// motoAccount is moto's default account.
const motoAccount = "123456789012"

// startMoto starts moto_server on a free loopback port and returns its
// URL. Without moto_server the test is skipped, except under CI=true.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is not installed: %v", err)
		}
		t.Skip("moto_server is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// moto knows AWS managed IAM policies only when asked to load them.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not listen on %d: %v\n%s", port, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestApplyOnMoto runs the parts of an apply that moto implements, for one
// workload account of the spec (moto's single account), and checks that
// planning again finds nothing to do. Organizations-level planning cannot
// run on moto: it lacks DescribeResourcePolicy, backup.amazonaws.com as a
// delegated-administrator principal and DescribeGlobalSettings; and the
// vault's access policy and notifications (Get/PutBackupVaultAccessPolicy,
// Get/PutBackupVaultNotifications) and Audit Manager frameworks.
func TestApplyOnMoto(t *testing.T) {
	url := startMoto(t)
	ctx := context.Background()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(url),
	}
	s3c := awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })

	sp, err := spec.Parse("moto.yaml", []byte(`version: 1
name: moto
organization:
  management_account: "111111111111"
  backup_account: "`+motoAccount+`"
  regions: {primary: us-east-1}
  distribution: direct
tiers:
  daily: {schedule: "cron(0 5 * * ? *)", local_retention: 14d, encryption: customer-managed, targets: ["`+motoAccount+`"]}
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
	tags := managedTags(sp)

	// The backup role.
	role := roleState{Name: sp.Local.BackupRole, TrustPolicy: backupTrustPolicy(), ManagedPolicies: slices.Clone(BackupRolePolicies), Tags: tags}
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
	applyAll(t, "role", func() ([]Change, error) { return planRole(ctx, iam, motoAccount, role) },
		func(c Change) error { return applyRole(ctx, iam, c) })

	// The vault's key, vault and topic: moto lacks the vault's access
	// policy and notifications, so the vault is planned without them
	// (the first plan, of nothing, does not read them) and checked by
	// reading it back.
	vd := vault.Desired{Account: motoAccount, Region: "us-east-1", Vault: sp.Local.Vault, Tags: tags,
		Key:           &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup local vault key", Policy: vault.WorkloadKeyPolicy(motoAccount, "us-east-1", "222222222222"), Rotation: true},
		Notifications: &vault.Notifications{Topic: sp.Notifications.Topic, Events: sp.Notifications.Events}}
	vc := vault.Clients{Backup: awsbackup.NewFromConfig(cfg), KMS: awskms.NewFromConfig(cfg), SNS: awssns.NewFromConfig(cfg)}
	changes, err := vault.Plan(ctx, vc, vd)
	if err != nil {
		t.Fatalf("vault.Plan: %v", err)
	}
	var kinds []string
	for _, ch := range changes {
		kinds = append(kinds, ch.Kind+" "+ch.Action)
		if ch.Kind == vault.KindNotifications || ch.Kind == vault.KindAccessPolicy {
			continue // not in moto
		}
		if err := vault.Apply(ctx, vc, motoAccount, "us-east-1", ch); err != nil {
			t.Fatalf("vault.Apply %s %s: %v", ch.Kind, ch.Name, err)
		}
	}
	for _, want := range []string{"kms_key create", "backup_vault create", "sns_topic create"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("vault plan lacks %q: %v", want, kinds)
		}
	}
	st, err := vault.Read(ctx, vault.Clients{KMS: vc.KMS, SNS: vc.SNS}, motoAccount, "us-east-1", "", sp.KMS.Alias, sp.Notifications.Topic)
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

	// The tier's plan, created directly in the account.
	p, err := sp.TierPlanForAccount("daily", motoAccount)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := forAccount(*p, motoAccount)
	if err != nil {
		t.Fatal(err)
	}
	// moto lacks the selection operations (CreateBackupSelection and
	// ListBackupSelections answer 500): the plan is created without its
	// selection, and read back with GetBackupPlan as planDirect does.
	rp.Selections = nil
	bk := awsbackup.NewFromConfig(cfg)
	changes2, err := planDirect(ctx, bk, motoAccount, "us-east-1", sp.Name, []policy.Plan{rp})
	if err != nil || len(changes2) != 1 || changes2[0].Action != Create {
		t.Fatalf("planning the backup plan: %v %+v", err, changes2)
	}
	if err := applyDirect(ctx, bk, changes2[0], tags); err != nil {
		t.Fatalf("applying %s: %v", changes2[0].Address, err)
	}
	list, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(list.BackupPlansList) != 1 {
		t.Fatalf("ListBackupPlans: %v %+v", err, list)
	}
	got, err := bk.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: list.BackupPlansList[0].BackupPlanId})
	if err != nil {
		t.Fatal(err)
	}
	live, err := policy.PlanFromAPI(got.BackupPlan, got.AdvancedBackupSettings)
	if err != nil {
		t.Fatal(err)
	}
	want := rp
	want.Tags, want.Regions = nil, nil
	if !jsonEqual(mustJSON(withRuleDefaults(*live)), mustJSON(withRuleDefaults(want))) {
		t.Errorf("backup plan read back differs:\nlive %s\nwant %s", mustJSON(withRuleDefaults(*live)), mustJSON(withRuleDefaults(want)))
	}

	// The reports bucket and a report plan.
	bucket := reportsBucket{Name: sp.Reports.Bucket, Region: "us-east-1", Policy: reportsBucketPolicy(motoAccount, sp.Reports.Bucket), Encryption: "AES256", BlockPublicAccess: true, Tags: tags}
	applyAll(t, "bucket", func() ([]Change, error) { return planBucket(ctx, s3c, motoAccount, bucket) },
		func(c Change) error { return applyBucket(ctx, s3c, c) })
	// moto keeps no tags on report plans (ListTags answers none, even
	// after TagResource): the plan is compared without them here, and its
	// tags are tested on the emulator (TestTagsConverge).
	report := reportPlan{Name: "orgbackup_backup_job_report", Template: "BACKUP_JOB_REPORT", Bucket: bucket.Name, KeyPrefix: "orgbackup", Formats: []string{"CSV"}, Regions: []string{"us-east-1"}}
	applyAll(t, "report plan", func() ([]Change, error) { return planReportPlan(ctx, bk, motoAccount, "us-east-1", report) },
		func(c Change) error { return applyReportPlan(ctx, bk, c) })
}

// applyAll plans, applies every change, and checks that planning again
// returns nothing.
func applyAll(t *testing.T, what string, plan func() ([]Change, error), apply func(Change) error) {
	t.Helper()
	changes, err := plan()
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
	again, err := plan()
	if err != nil {
		t.Fatalf("planning the %s again: %v", what, err)
	}
	for _, c := range again {
		t.Errorf("%s: second plan is not empty: %s %s: %s\nbefore %s\nafter  %s", what, c.Action, c.Address, c.Reason, c.Before, c.After)
	}
}
