package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/emulator"
)

// The scenario below reads as a walk through how AWS Backup behaves in a
// centralized, two-region organization:
//
//   - An Organizations backup policy attached to the Production OU puts a
//     "daily" plan into both production accounts (333333333333 and
//     333333333334) in us-east-1. Members can list it but not change it.
//   - Every day at 05:00 UTC the plan backs up the resources tagged
//     backup=daily into the account's "local" vault (kept 14 days), then
//     copies each recovery point to the central vault of the backup
//     account 222222222222 (kept 30 days) and to the account's own
//     "local" vault in us-west-2 (kept 7 days).
//   - Copies to the central account need cross-account backup enabled, a
//     vault access policy that admits the organization, and, for EBS
//     snapshots (not fully managed by AWS Backup), a source KMS key the
//     central account can use. A volume encrypted with a key that is not
//     shared, and one encrypted with the AWS managed aws/ebs key (which
//     cannot be shared), fail to copy; their cross-region copies in the
//     same account succeed.
//   - The central vault is locked in compliance mode; a legal hold keeps
//     the first three days of one account's local backups past their
//     retention; vault notifications arrive on an SNS topic.

const (
	scnCentral  = "222222222222"
	scnProdApp  = "333333333333"
	scnProdData = "333333333334"
	scnPrimary  = "us-east-1"
	scnDR       = "us-west-2"
)

var scnStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const scnBackupPolicy = `{"plans":{"daily":{
  "regions":{"@@assign":["us-east-1"]},
  "rules":{"daily":{
    "schedule_expression":{"@@assign":"cron(0 5 ? * * *)"},
    "start_backup_window_minutes":{"@@assign":"60"},
    "complete_backup_window_minutes":{"@@assign":"600"},
    "target_backup_vault_name":{"@@assign":"local"},
    "lifecycle":{"delete_after_days":{"@@assign":"14"}},
    "copy_actions":{
      "arn:aws:backup:us-east-1:222222222222:backup-vault:central":{
        "target_backup_vault_arn":{"@@assign":"arn:aws:backup:us-east-1:222222222222:backup-vault:central"},
        "lifecycle":{"delete_after_days":{"@@assign":"30"}}},
      "arn:aws:backup:us-west-2:$account:backup-vault:local":{
        "target_backup_vault_arn":{"@@assign":"arn:aws:backup:us-west-2:$account:backup-vault:local"},
        "lifecycle":{"delete_after_days":{"@@assign":"7"}}}}}},
  "selections":{"tags":{"daily":{
    "iam_role_arn":{"@@assign":"arn:aws:iam::$account:role/BackupRole"},
    "tag_key":{"@@assign":"backup"},
    "tag_value":{"@@assign":["daily"]}}}}}}}`

// scnOrgVaultPolicy admits every account of the organization.
const scnOrgVaultPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`

// scnAppOnlyPolicy admits only the prod-app account.
const scnAppOnlyPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`

// scnSharedKeyPolicy lets the central account use the key.
const scnSharedKeyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Central","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant"],"Resource":"*"}]}`

// scnWorld is the scenario's server and the resources it created.
type scnWorld struct {
	srv                                    *emulator.Server
	appFS, appVolShared, appVolPrivate     string
	dataFS, dataVolAWSKey, appTableUntaged string
	topic                                  string
}

// scnSetup builds the organization and its resources through the SDK.
func scnSetup(t *testing.T) *scnWorld {
	t.Helper()
	ctx := context.Background()
	srv := newTestServer(t)
	w := &scnWorld{srv: srv}
	mgmt := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, scnPrimary))

	// Organizations: trusted access for AWS Backup, backup policies, and
	// the policy attached to the Production OU.
	must(mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}))(t, "EnableAWSServiceAccess")
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	pol := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String("daily"), Description: aws.String("daily backups"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(scnBackupPolicy)}))(t, "CreatePolicy")
	must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: pol.Policy.PolicySummary.Id, TargetId: aws.String("ou-root-production")}))(t, "AttachPolicy")
	for _, region := range []string{scnPrimary, scnDR} {
		must(scnBackup(srv, emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
			GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
	}

	// The central account: an org-wide vault locked in compliance mode,
	// and a vault that admits only prod-app.
	central := scnBackup(srv, scnCentral, scnPrimary)
	for name, policy := range map[string]string{"central": scnOrgVaultPolicy, "app-only": scnAppOnlyPolicy} {
		must(central.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}))(t, "CreateBackupVault "+name)
		must(central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(name), Policy: aws.String(policy)}))(t, "PutBackupVaultAccessPolicy")
	}
	must(central.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String("central"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365), ChangeableForDays: aws.Int64(3)}))(t, "PutBackupVaultLockConfiguration")

	// Workload accounts: the backup role, a "local" vault in each region.
	for _, account := range []string{scnProdApp, scnProdData} {
		iamc := awsiam.NewFromConfig(srv.Config(account, scnPrimary))
		must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(backupTrust)}))(t, "CreateRole")
		for _, region := range []string{scnPrimary, scnDR} {
			must(scnBackup(srv, account, region).CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}))(t, "CreateBackupVault local")
		}
	}

	// prod-app: an EFS file system, a volume with a key shared with the
	// central account, one with a private key, an untagged table.
	appKMS := awskms.NewFromConfig(srv.Config(scnProdApp, scnPrimary))
	shared := must(appKMS.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(scnSharedKeyPolicy)}))(t, "CreateKey shared")
	private := must(appKMS.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey private")
	daily := map[string]string{"backup": "daily"}
	w.appFS = srv.AddResource(scnProdApp, scnPrimary, emulator.EFSFileSystem, "fs-0app", daily, 5<<30)
	w.appVolShared = srv.AddResource(scnProdApp, scnPrimary, emulator.EBSVolume, "vol-0shared", daily, 100<<30)
	w.appVolPrivate = srv.AddResource(scnProdApp, scnPrimary, emulator.EBSVolume, "vol-0private", daily, 50<<30)
	w.appTableUntaged = srv.AddResource(scnProdApp, scnPrimary, emulator.DynamoDBTable, "orders", nil, 1<<30)
	if err := srv.SetResourceKMSKey(w.appVolShared, *shared.KeyMetadata.Arn); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetResourceKMSKey(w.appVolPrivate, *private.KeyMetadata.Arn); err != nil {
		t.Fatal(err)
	}

	// prod-data: an EFS file system and a volume with the AWS managed
	// aws/ebs key.
	dataKMS := awskms.NewFromConfig(srv.Config(scnProdData, scnPrimary))
	awsEBS := must(dataKMS.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/ebs")}))(t, "DescribeKey alias/aws/ebs")
	w.dataFS = srv.AddResource(scnProdData, scnPrimary, emulator.EFSFileSystem, "fs-0data", daily, 2<<30)
	w.dataVolAWSKey = srv.AddResource(scnProdData, scnPrimary, emulator.EBSVolume, "vol-0awskey", daily, 20<<30)
	if err := srv.SetResourceKMSKey(w.dataVolAWSKey, *awsEBS.KeyMetadata.Arn); err != nil {
		t.Fatal(err)
	}

	// Notifications of prod-app's local vault go to an SNS topic that lets
	// AWS Backup publish.
	snsc := awssns.NewFromConfig(srv.Config(scnProdApp, scnPrimary))
	topic := must(snsc.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("backup-events")}))(t, "CreateTopic")
	w.topic = *topic.TopicArn
	topicPolicy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"SNS:Publish","Resource":%q}]}`, w.topic)
	must(snsc.SetTopicAttributes(ctx, &awssns.SetTopicAttributesInput{TopicArn: topic.TopicArn, AttributeName: aws.String("Policy"), AttributeValue: aws.String(topicPolicy)}))(t, "SetTopicAttributes")
	must(scnBackup(srv, scnProdApp, scnPrimary).PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{
		BackupVaultName: aws.String("local"), SNSTopicArn: topic.TopicArn,
		BackupVaultEvents: []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventBackupJobCompleted, backuptypes.BackupVaultEventCopyJobFailed}}))(t, "PutBackupVaultNotifications")

	// A legal hold keeps prod-app's backups of January 1-3.
	must(scnBackup(srv, scnProdApp, scnPrimary).CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{
		Title: aws.String("audit"), Description: aws.String("keep the first three days"),
		RecoveryPointSelection: &backuptypes.RecoveryPointSelection{
			VaultNames: []string{"local"},
			DateRange:  &backuptypes.DateRange{FromDate: aws.Time(scnStart), ToDate: aws.Time(scnStart.Add(72*time.Hour - time.Second))},
		}}))(t, "CreateLegalHold")
	return w
}

func scnCopyJobs(t *testing.T, srv *emulator.Server, account, region string) []backuptypes.CopyJob {
	t.Helper()
	var out []backuptypes.CopyJob
	p := awsbackup.NewListCopyJobsPaginator(scnBackup(srv, account, region), &awsbackup.ListCopyJobsInput{})
	for p.HasMorePages() {
		page := must(p.NextPage(context.Background()))(t, "ListCopyJobs")
		out = append(out, page.CopyJobs...)
	}
	return out
}

func TestScenarioThirtyFiveDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scnSetup(t)
	srv := w.srv

	// Before the clock moves, Organizations has deployed the policy plan:
	// the member lists it, and cannot change it.
	srv.SyncBackupPolicies()
	app := scnBackup(srv, scnProdApp, scnPrimary)
	plans := must(app.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{}))(t, "ListBackupPlans")
	if len(plans.BackupPlansList) != 1 || aws.ToString(plans.BackupPlansList[0].BackupPlanName) != "daily" {
		t.Fatalf("ListBackupPlans in %s = %+v, want the policy's plan \"daily\"", scnProdApp, plans.BackupPlansList)
	}
	planID := plans.BackupPlansList[0].BackupPlanId
	_, err := app.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: planID})
	var invalid *backuptypes.InvalidRequestException
	if !errors.As(err, &invalid) {
		t.Errorf("DeleteBackupPlan of a policy plan: got %v, want InvalidRequestException", err)
	}
	dev := must(scnBackup(srv, "555555555555", scnPrimary).ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{}))(t, "ListBackupPlans dev")
	if len(dev.BackupPlansList) != 0 {
		t.Errorf("the Development account, outside the policy's OU, has plans %+v", dev.BackupPlansList)
	}

	rep := srv.Advance(35 * 24 * time.Hour)

	// 35 daily runs (January 1 to February 4) in each of the two
	// accounts; 3 resources in prod-app and 2 in prod-data.
	if rep.RulesRun != 70 || rep.BackupJobsCompleted != 35*5 || rep.BackupJobsFailed != 0 {
		t.Errorf("rules run %d, backup jobs completed %d, failed %d; want 70, 175, 0", rep.RulesRun, rep.BackupJobsCompleted, rep.BackupJobsFailed)
	}
	// Each backup is copied twice: 350 copy jobs. The two volumes whose
	// keys the central account cannot use fail to copy there every day.
	if rep.CopyJobsCreated != 350 || rep.CopyJobsCompleted != 280 || rep.CopyJobsFailed != 70 {
		t.Errorf("copy jobs created %d, completed %d, failed %d; want 350, 280, 70", rep.CopyJobsCreated, rep.CopyJobsCompleted, rep.CopyJobsFailed)
	}

	// Recovery points at the end, per vault. Local backups live 14 days
	// (runs of January 22 to February 4), plus prod-app's 9 held by the
	// legal hold; central copies keep their source's creation date and
	// live 30 days (January 6 to February 4); DR copies live 7 days.
	wantCounts := map[string]int{
		scnProdApp + "/" + scnPrimary + "/local":   14*3 + 9,
		scnProdData + "/" + scnPrimary + "/local":  14 * 2,
		scnCentral + "/" + scnPrimary + "/central": 30 * 2, // prod-app's EFS and shared volume
		scnProdApp + "/" + scnDR + "/local":        7 * 3,
		scnProdData + "/" + scnDR + "/local":       7 * 2,
	}
	wantCounts[scnCentral+"/"+scnPrimary+"/central"] += 30 // prod-data's EFS
	for key, want := range wantCounts {
		parts := strings.Split(key, "/")
		if got := len(scnRecoveryPoints(t, srv, parts[0], parts[1], parts[2])); got != want {
			t.Errorf("recovery points in %s = %d, want %d", key, got, want)
		}
	}
	// Expired: prod-app's local runs of January 4-21 (the hold keeps 1-3),
	// prod-data's of January 1-21, DR copies of January 1-28, central
	// copies of January 1-5.
	if want := 18*3 + 21*2 + 28*3 + 28*2 + 5*3; rep.Expirations != want {
		t.Errorf("expirations = %d, want %d", rep.Expirations, want)
	}

	// Copies in the central vault: encrypted with the central vault's key,
	// created when their source was, coming from the source vault.
	central := scnRecoveryPoints(t, srv, scnCentral, scnPrimary, "central")
	for _, rp := range central {
		if aws.ToString(rp.SourceBackupVaultArn) == "" || !rp.IsEncrypted || rp.CreationDate.Hour() != 5 {
			t.Errorf("central copy %s: source vault %q, encrypted %v, created %v", aws.ToString(rp.RecoveryPointArn), aws.ToString(rp.SourceBackupVaultArn), rp.IsEncrypted, rp.CreationDate)
			break
		}
	}

	// The failed copies say why.
	failed := map[string]string{}
	for _, account := range []string{scnProdApp, scnProdData} {
		for _, j := range scnCopyJobs(t, srv, account, scnPrimary) {
			if j.State == backuptypes.CopyJobStateFailed {
				failed[aws.ToString(j.ResourceArn)] = aws.ToString(j.StatusMessage)
			}
		}
	}
	if len(failed) != 2 {
		t.Fatalf("resources with failed copies: %v, want the private-key and AWS-managed-key volumes", failed)
	}
	if msg := failed[w.appVolPrivate]; !strings.Contains(msg, "KMS key") || !strings.Contains(msg, "key policy") {
		t.Errorf("copy of the volume with an unshared key failed with %q", msg)
	}
	if msg := failed[w.dataVolAWSKey]; !strings.Contains(msg, "AWS managed key") {
		t.Errorf("copy of the volume with the aws/ebs key failed with %q", msg)
	}

	// A copy denied by a vault access policy that does not admit the
	// source account, allowed for the account it admits.
	for _, tc := range []struct {
		account, resource string
		want              backuptypes.CopyJobState
	}{
		{scnProdData, w.dataFS, backuptypes.CopyJobStateFailed},
		{scnProdApp, w.appFS, backuptypes.CopyJobStateRunning},
	} {
		c := scnBackup(srv, tc.account, scnPrimary)
		rps := must(scnLatest(t, srv, tc.account, tc.resource))(t, "latest recovery point")
		out := must(c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
			RecoveryPointArn: rps.arn, SourceBackupVaultName: aws.String("local"), IamRoleArn: aws.String("arn:aws:iam::" + tc.account + ":role/BackupRole"),
			DestinationBackupVaultArn: aws.String("arn:aws:backup:us-east-1:222222222222:backup-vault:app-only"),
			Lifecycle:                 &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(30)}}))(t, "StartCopyJob")
		job := must(c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId}))(t, "DescribeCopyJob")
		if job.CopyJob.State != tc.want {
			t.Errorf("copy from %s to app-only: state %s (%s), want %s", tc.account, job.CopyJob.State, aws.ToString(job.CopyJob.StatusMessage), tc.want)
		}
		if tc.want == backuptypes.CopyJobStateFailed && aws.ToString(job.CopyJob.StatusMessage) != "Access Denied trying to call AWS Backup service" {
			t.Errorf("denied copy status message = %q", aws.ToString(job.CopyJob.StatusMessage))
		}
	}

	// Vault Lock: the compliance lock of the central vault is immutable
	// after its 3-day grace time; its recovery points cannot be deleted
	// and their retention cannot be shortened.
	cc := scnBackup(srv, scnCentral, scnPrimary)
	if _, err := cc.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("central")}); !errors.As(err, &invalid) {
		t.Errorf("DeleteBackupVaultLockConfiguration after the grace time: got %v, want InvalidRequestException", err)
	}
	if _, err := cc.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("central"), RecoveryPointArn: central[0].RecoveryPointArn}); !errors.As(err, &invalid) {
		t.Errorf("DeleteRecoveryPoint in a locked vault: got %v, want InvalidRequestException", err)
	}
	if _, err := cc.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("central"), RecoveryPointArn: central[0].RecoveryPointArn,
		Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(10)}}); !errors.As(err, &invalid) {
		t.Errorf("shortening retention in a locked vault: got %v, want InvalidRequestException", err)
	}

	// Legal hold: a held recovery point cannot be deleted.
	held := scnRecoveryPoints(t, srv, scnProdApp, scnPrimary, "local")
	sort.Slice(held, func(i, j int) bool { return held[i].CreationDate.Before(*held[j].CreationDate) })
	var state *backuptypes.InvalidResourceStateException
	if _, err := app.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: held[0].RecoveryPointArn}); !errors.As(err, &state) {
		t.Errorf("DeleteRecoveryPoint under a legal hold: got %v, want InvalidResourceStateException", err)
	}
	// The newest one, not held and in an unlocked vault, can be.
	if _, err := app.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: held[len(held)-1].RecoveryPointArn}); err != nil {
		t.Errorf("DeleteRecoveryPoint: %v", err)
	}

	// Notifications: every completed backup of prod-app's local vault and
	// every failed copy from it, 35 × (3 + 1).
	msgs := srv.Published(w.topic)
	if len(msgs) != 35*4 {
		t.Fatalf("published %d notifications, want %d", len(msgs), 35*4)
	}
	first := msgs[0]
	if first.Subject != "Notification from AWS Backup" || first.Publisher != "backup.amazonaws.com" ||
		first.Attributes["EventType"] != "BACKUP_JOB" || first.Attributes["State"] != "COMPLETED" || first.Attributes["AccountId"] != scnProdApp ||
		!strings.HasPrefix(first.Message, "An AWS Backup job was completed successfully. Recovery point ARN: ") {
		t.Errorf("first notification = %+v", first)
	}
	var copyFailed int
	for _, m := range msgs {
		if m.Attributes["EventType"] == "COPY_JOB" && m.Attributes["State"] == "FAILED" {
			copyFailed++
		}
	}
	if copyFailed != 35 {
		t.Errorf("COPY_JOB FAILED notifications = %d, want 35", copyFailed)
	}
}

// scnRP is a recovery point ARN.
type scnRP struct{ arn *string }

func scnLatest(t *testing.T, srv *emulator.Server, account, resource string) (*scnRP, error) {
	t.Helper()
	var latest *backuptypes.RecoveryPointByBackupVault
	for _, rp := range scnRecoveryPoints(t, srv, account, scnPrimary, "local") {
		if aws.ToString(rp.ResourceArn) == resource && (latest == nil || rp.CreationDate.After(*latest.CreationDate)) {
			rp := rp
			latest = &rp
		}
	}
	if latest == nil {
		return nil, fmt.Errorf("no recovery point of %s", resource)
	}
	return &scnRP{arn: latest.RecoveryPointArn}, nil
}

// TestScenarioDeterministic runs the scenario twice: the same seed and
// the same calls give byte-identical state dumps.
func TestScenarioDeterministic(t *testing.T) {
	t.Parallel()
	run := func() []byte {
		w := scnSetup(t)
		w.srv.Advance(10 * 24 * time.Hour)
		w.srv.Advance(36 * time.Hour)
		return w.srv.Dump()
	}
	a, b := run(), run()
	if !bytes.Equal(a, b) {
		t.Fatalf("dumps differ (%d and %d bytes)", len(a), len(b))
	}
	if !bytes.Contains(a, []byte(`"state": "COMPLETED"`)) {
		t.Errorf("dump holds no completed job:\n%.2000s", a)
	}
}
