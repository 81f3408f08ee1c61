package emulator_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

const bkRegion = "us-east-1"

// newBackupClient starts a server and returns a Backup client for account.
func newBackupClient(t *testing.T, account string) (*emulator.Server, *awsbackup.Client) {
	t.Helper()
	srv := newTestServer(t)
	return srv, backupClientFor(srv, account)
}

func backupClientFor(srv *emulator.Server, account string) *awsbackup.Client {
	return awsbackup.NewFromConfig(srv.Config(account, bkRegion), func(o *awsbackup.Options) {
		o.RetryMaxAttempts = 1
	})
}

// skipValidation removes the SDK's client-side check of required members,
// so that the request reaches the server and its own check answers.
func skipValidation(o *awsbackup.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		_, err := stack.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func mustCreateVault(t *testing.T, c *awsbackup.Client, name string) *awsbackup.CreateBackupVaultOutput {
	t.Helper()
	out, err := c.CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateBackupVault(%s): %v", name, err)
	}
	return out
}

func TestBackupVaultLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newBackupClient(t, "333333333333")
	created, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
		BackupVaultName:  aws.String("prod-vault"),
		CreatorRequestId: aws.String("req-1"),
		BackupVaultTags:  map[string]string{"team": "ops"},
	})
	if err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	wantARN := "arn:aws:backup:us-east-1:333333333333:backup-vault:prod-vault"
	if got := aws.ToString(created.BackupVaultArn); got != wantARN {
		t.Errorf("BackupVaultArn = %q, want %q", got, wantARN)
	}
	if !created.CreationDate.Equal(srv.Now()) {
		t.Errorf("CreationDate = %v, want %v", created.CreationDate, srv.Now())
	}

	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("prod-vault")})
	if err != nil {
		t.Fatalf("DescribeBackupVault: %v", err)
	}
	if !regexp.MustCompile(`^arn:aws:kms:us-east-1:333333333333:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(aws.ToString(d.EncryptionKeyArn)) {
		t.Errorf("EncryptionKeyArn = %q, want the ARN of a KMS key", aws.ToString(d.EncryptionKeyArn))
	}
	got := struct {
		Type      backuptypes.VaultType
		State     backuptypes.VaultState
		Locked    bool
		RequestID string
		Points    int64
	}{d.VaultType, d.VaultState, aws.ToBool(d.Locked), aws.ToString(d.CreatorRequestId), d.NumberOfRecoveryPoints}
	want := got
	want.Type, want.State, want.Locked, want.RequestID, want.Points = backuptypes.VaultTypeBackupVault, backuptypes.VaultStateAvailable, false, "req-1", 0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeBackupVault mismatch (-want +got):\n%s", diff)
	}

	// A second vault without a key shares the account-region's managed key.
	mustCreateVault(t, c, "other_vault")
	d2, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("other_vault")})
	if err != nil {
		t.Fatalf("DescribeBackupVault: %v", err)
	}
	if aws.ToString(d2.EncryptionKeyArn) != aws.ToString(d.EncryptionKeyArn) {
		t.Errorf("default keys differ: %q and %q", aws.ToString(d2.EncryptionKeyArn), aws.ToString(d.EncryptionKeyArn))
	}

	_, err = c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod-vault")})
	wantErr[*backuptypes.AlreadyExistsException](t, "CreateBackupVault duplicate", err)
	var ae *backuptypes.AlreadyExistsException
	if errors.As(err, &ae) && aws.ToString(ae.Arn) != wantARN {
		t.Errorf("AlreadyExistsException.Arn = %q, want %q", aws.ToString(ae.Arn), wantARN)
	}

	list, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
	if err != nil {
		t.Fatalf("ListBackupVaults: %v", err)
	}
	var names []string
	for _, v := range list.BackupVaultList {
		names = append(names, aws.ToString(v.BackupVaultName))
	}
	if diff := cmp.Diff([]string{"other_vault", "prod-vault"}, names); diff != "" {
		t.Errorf("ListBackupVaults names (-want +got):\n%s", diff)
	}

	// Other accounts and regions do not see the vault.
	other := backupClientFor(srv, "444444444444")
	_, err = other.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("prod-vault")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DescribeBackupVault other account", err)

	if _, err := c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("prod-vault")}); err != nil {
		t.Fatalf("DeleteBackupVault: %v", err)
	}
	_, err = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("prod-vault")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DescribeBackupVault after delete", err)
	_, err = c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("prod-vault")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DeleteBackupVault twice", err)
}

func TestCreateBackupVaultErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in    *awsbackup.CreateBackupVaultInput
		check func(t *testing.T, err error)
	}{
		"name too short": {
			in: &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("a")},
			check: func(t *testing.T, err error) {
				wantErr[*backuptypes.InvalidParameterValueException](t, "create", err)
			},
		},
		"name too long": {
			in: &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(strings.Repeat("v", 51))},
			check: func(t *testing.T, err error) {
				wantErr[*backuptypes.InvalidParameterValueException](t, "create", err)
			},
		},
		"name with dot": {
			in: &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("my.vault")},
			check: func(t *testing.T, err error) {
				wantErr[*backuptypes.InvalidParameterValueException](t, "create", err)
			},
		},
		"key alias instead of ARN": {
			in: &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault"), EncryptionKeyArn: aws.String("arn:aws:kms:us-east-1:333333333333:alias/backup")},
			check: func(t *testing.T, err error) {
				wantErr[*backuptypes.InvalidParameterValueException](t, "create", err)
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c := newBackupClient(t, "333333333333")
			_, err := c.CreateBackupVault(context.Background(), tc.in)
			tc.check(t, err)
		})
	}
}

func TestCreateBackupVaultCustomerKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	key := "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("cmk"), EncryptionKeyArn: aws.String(key)}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("cmk")})
	if err != nil {
		t.Fatalf("DescribeBackupVault: %v", err)
	}
	if aws.ToString(d.EncryptionKeyArn) != key {
		t.Errorf("EncryptionKeyArn = %q, want %q", aws.ToString(d.EncryptionKeyArn), key)
	}
}

func TestLogicallyAirGappedBackupVault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "222222222222")
	_, err := c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("lag"), MaxRetentionDays: aws.Int64(30)}, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "missing MinRetentionDays", err)
	_, err = c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("lag"), MinRetentionDays: aws.Int64(6), MaxRetentionDays: aws.Int64(30)})
	wantErr[*backuptypes.InvalidParameterValueException](t, "MinRetentionDays 6", err)
	_, err = c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("lag"), MinRetentionDays: aws.Int64(30), MaxRetentionDays: aws.Int64(7)})
	wantErr[*backuptypes.InvalidParameterValueException](t, "Max below Min", err)

	out, err := c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("lag"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)})
	if err != nil {
		t.Fatalf("CreateLogicallyAirGappedBackupVault: %v", err)
	}
	if out.VaultState != backuptypes.VaultStateAvailable {
		t.Errorf("VaultState = %q, want AVAILABLE", out.VaultState)
	}
	_, err = c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("lag"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)})
	wantErr[*backuptypes.AlreadyExistsException](t, "duplicate", err)

	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("lag")})
	if err != nil {
		t.Fatalf("DescribeBackupVault: %v", err)
	}
	if d.VaultType != backuptypes.VaultTypeLogicallyAirGappedBackupVault || !aws.ToBool(d.Locked) || aws.ToInt64(d.MinRetentionDays) != 7 || aws.ToInt64(d.MaxRetentionDays) != 365 || d.EncryptionKeyType != backuptypes.EncryptionKeyTypeAwsOwnedKmsKey {
		t.Errorf("DescribeBackupVault = type %s locked %v min %d max %d key type %s", d.VaultType, aws.ToBool(d.Locked), aws.ToInt64(d.MinRetentionDays), aws.ToInt64(d.MaxRetentionDays), d.EncryptionKeyType)
	}
	_, err = c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("lag"), MinRetentionDays: aws.Int64(1)})
	wantErr[*backuptypes.InvalidRequestException](t, "lock an air-gapped vault", err)

	mustCreateVault(t, c, "plain")
	for _, tc := range []struct {
		by   backuptypes.VaultType
		want []string
	}{
		{"", []string{"lag", "plain"}},
		{backuptypes.VaultTypeBackupVault, []string{"plain"}},
		{backuptypes.VaultTypeLogicallyAirGappedBackupVault, []string{"lag"}},
	} {
		l, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{ByVaultType: tc.by})
		if err != nil {
			t.Fatalf("ListBackupVaults(%s): %v", tc.by, err)
		}
		var got []string
		for _, v := range l.BackupVaultList {
			got = append(got, aws.ToString(v.BackupVaultName))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ListBackupVaults(ByVaultType=%q) (-want +got):\n%s", tc.by, diff)
		}
	}
	shared, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{ByShared: true})
	if err != nil {
		t.Fatalf("ListBackupVaults(ByShared): %v", err)
	}
	if len(shared.BackupVaultList) != 0 {
		t.Errorf("ListBackupVaults(ByShared) = %d vaults, want 0", len(shared.BackupVaultList))
	}
}

func TestBackupVaultAccessPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "222222222222")
	mustCreateVault(t, c, "central")
	name := aws.String("central")
	_, err := c.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: name})
	wantErr[*backuptypes.ResourceNotFoundException](t, "Get without policy", err)

	for doc, check := range map[string]func(*testing.T, string, error){
		`not json`:                   wantErr[*backuptypes.InvalidParameterValueException],
		`{"Version":"2012-10-17"}`:   wantErr[*backuptypes.InvalidParameterValueException],
		`["Statement"]`:              wantErr[*backuptypes.InvalidParameterValueException],
		``:                           wantErr[*backuptypes.MissingParameterValueException],
		`{"Statement":[]} trailing!`: wantErr[*backuptypes.InvalidParameterValueException],
	} {
		_, err := c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: name, Policy: aws.String(doc)}, skipValidation)
		check(t, "Put "+doc, err)
	}
	_, err = c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("missing"), Policy: aws.String(`{"Statement":[]}`)})
	wantErr[*backuptypes.ResourceNotFoundException](t, "Put on missing vault", err)

	doc := `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:root"}, "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]
}`
	if _, err := c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: name, Policy: aws.String(doc)}, skipValidation); err != nil {
		t.Fatalf("PutBackupVaultAccessPolicy: %v", err)
	}
	got, err := c.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: name})
	if err != nil {
		t.Fatalf("GetBackupVaultAccessPolicy: %v", err)
	}
	if diff := cmp.Diff(doc, aws.ToString(got.Policy)); diff != "" {
		t.Errorf("policy text changed (-want +got):\n%s", diff)
	}
	if aws.ToString(got.BackupVaultArn) != "arn:aws:backup:us-east-1:222222222222:backup-vault:central" {
		t.Errorf("BackupVaultArn = %q", aws.ToString(got.BackupVaultArn))
	}
	if _, err := c.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: name}); err != nil {
		t.Fatalf("DeleteBackupVaultAccessPolicy: %v", err)
	}
	_, err = c.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: name})
	wantErr[*backuptypes.ResourceNotFoundException](t, "Get after delete", err)
}

func TestBackupVaultLockConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newBackupClient(t, "222222222222")
	mustCreateVault(t, c, "locked")
	name := aws.String("locked")
	tests := map[string]struct {
		in   awsbackup.PutBackupVaultLockConfigurationInput
		want func(*testing.T, string, error)
	}{
		"min zero":              {awsbackup.PutBackupVaultLockConfigurationInput{MinRetentionDays: aws.Int64(0)}, wantErr[*backuptypes.InvalidParameterValueException]},
		"max above 36500":       {awsbackup.PutBackupVaultLockConfigurationInput{MaxRetentionDays: aws.Int64(36501)}, wantErr[*backuptypes.InvalidParameterValueException]},
		"min above max":         {awsbackup.PutBackupVaultLockConfigurationInput{MinRetentionDays: aws.Int64(10), MaxRetentionDays: aws.Int64(5)}, wantErr[*backuptypes.InvalidParameterValueException]},
		"changeable for 2 days": {awsbackup.PutBackupVaultLockConfigurationInput{MinRetentionDays: aws.Int64(1), ChangeableForDays: aws.Int64(2)}, wantErr[*backuptypes.InvalidParameterValueException]},
	}
	for label, tc := range tests {
		in := tc.in
		in.BackupVaultName = name
		_, err := c.PutBackupVaultLockConfiguration(ctx, &in)
		tc.want(t, label, err)
	}
	_, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("missing"), MinRetentionDays: aws.Int64(1)})
	wantErr[*backuptypes.ResourceNotFoundException](t, "missing vault", err)

	// Governance mode: no lock date, deletable at any time.
	if _, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: name, MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)}); err != nil {
		t.Fatalf("PutBackupVaultLockConfiguration governance: %v", err)
	}
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: name})
	if err != nil {
		t.Fatalf("DescribeBackupVault: %v", err)
	}
	if !aws.ToBool(d.Locked) || aws.ToInt64(d.MinRetentionDays) != 7 || aws.ToInt64(d.MaxRetentionDays) != 365 || d.LockDate != nil {
		t.Errorf("governance lock: Locked %v min %d max %d LockDate %v", aws.ToBool(d.Locked), aws.ToInt64(d.MinRetentionDays), aws.ToInt64(d.MaxRetentionDays), d.LockDate)
	}
	if _, err := c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: name}); err != nil {
		t.Fatalf("DeleteBackupVaultLockConfiguration governance: %v", err)
	}
	d, _ = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: name})
	if aws.ToBool(d.Locked) || d.MinRetentionDays != nil {
		t.Errorf("after delete: Locked %v MinRetentionDays %v", aws.ToBool(d.Locked), d.MinRetentionDays)
	}

	// Compliance mode: LockDate = now + ChangeableForDays; still changeable
	// within the grace time.
	if _, err := c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: name, MinRetentionDays: aws.Int64(1), MaxRetentionDays: aws.Int64(3650), ChangeableForDays: aws.Int64(3)}); err != nil {
		t.Fatalf("PutBackupVaultLockConfiguration compliance: %v", err)
	}
	d, _ = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: name})
	if want := srv.Now().Add(72 * time.Hour); d.LockDate == nil || !d.LockDate.Equal(want) {
		t.Errorf("LockDate = %v, want %v", d.LockDate, want)
	}
	if _, err := c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: name}); err != nil {
		t.Errorf("DeleteBackupVaultLockConfiguration within grace time: %v", err)
	}
}

func TestBackupVaultNotifications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "222222222222")
	mustCreateVault(t, c, "notify")
	name := aws.String("notify")
	topic := aws.String("arn:aws:sns:us-east-1:222222222222:backup-events")
	_, err := c.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: name})
	wantErr[*backuptypes.ResourceNotFoundException](t, "Get before Put", err)

	tests := map[string]struct {
		in   awsbackup.PutBackupVaultNotificationsInput
		want func(*testing.T, string, error)
	}{
		"deprecated BACKUP_JOB_FAILED": {awsbackup.PutBackupVaultNotificationsInput{SNSTopicArn: topic, BackupVaultEvents: []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventBackupJobFailed}}, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad topic":                    {awsbackup.PutBackupVaultNotificationsInput{SNSTopicArn: aws.String("topic"), BackupVaultEvents: []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventBackupJobCompleted}}, wantErr[*backuptypes.InvalidParameterValueException]},
		"no topic":                     {awsbackup.PutBackupVaultNotificationsInput{BackupVaultEvents: []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventBackupJobCompleted}}, wantErr[*backuptypes.MissingParameterValueException]},
	}
	for label, tc := range tests {
		in := tc.in
		in.BackupVaultName = name
		_, err := c.PutBackupVaultNotifications(ctx, &in, skipValidation)
		tc.want(t, label, err)
	}
	events := []backuptypes.BackupVaultEvent{backuptypes.BackupVaultEventBackupJobCompleted, backuptypes.BackupVaultEventCopyJobFailed}
	if _, err := c.PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{BackupVaultName: name, SNSTopicArn: topic, BackupVaultEvents: events}); err != nil {
		t.Fatalf("PutBackupVaultNotifications: %v", err)
	}
	got, err := c.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: name})
	if err != nil {
		t.Fatalf("GetBackupVaultNotifications: %v", err)
	}
	if diff := cmp.Diff(events, got.BackupVaultEvents); diff != "" || aws.ToString(got.SNSTopicArn) != *topic {
		t.Errorf("notifications: topic %q, events (-want +got):\n%s", aws.ToString(got.SNSTopicArn), diff)
	}
	if _, err := c.DeleteBackupVaultNotifications(ctx, &awsbackup.DeleteBackupVaultNotificationsInput{BackupVaultName: name}); err != nil {
		t.Fatalf("DeleteBackupVaultNotifications: %v", err)
	}
	_, err = c.GetBackupVaultNotifications(ctx, &awsbackup.GetBackupVaultNotificationsInput{BackupVaultName: name})
	wantErr[*backuptypes.ResourceNotFoundException](t, "Get after delete", err)
}

func dailyPlan(name string) *backuptypes.BackupPlanInput {
	return &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String(name),
		Rules: []backuptypes.BackupRuleInput{{
			RuleName:              aws.String("daily"),
			TargetBackupVaultName: aws.String("local"),
			ScheduleExpression:    aws.String("cron(0 2 * * ? *)"),
			Lifecycle:             &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			CopyActions: []backuptypes.CopyAction{{
				DestinationBackupVaultArn: aws.String("arn:aws:backup:us-west-2:222222222222:backup-vault:central"),
				Lifecycle:                 &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(120)},
			}},
		}},
	}
}

func TestBackupPlanLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	created, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod"), CreatorRequestId: aws.String("plan-req"), BackupPlanTags: map[string]string{"orgbackup:managed": "true"}})
	if err != nil {
		t.Fatalf("CreateBackupPlan: %v", err)
	}
	id := aws.ToString(created.BackupPlanId)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("BackupPlanId = %q, want a UUID", id)
	}
	if got, want := aws.ToString(created.BackupPlanArn), "arn:aws:backup:us-east-1:333333333333:backup-plan:"+id; got != want {
		t.Errorf("BackupPlanArn = %q, want %q", got, want)
	}
	v1 := aws.ToString(created.VersionId)
	if v1 == "" {
		t.Fatal("VersionId is empty")
	}

	// Same CreatorRequestId: the existing plan comes back.
	again, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("other"), CreatorRequestId: aws.String("plan-req")})
	if err != nil || aws.ToString(again.BackupPlanId) != id {
		t.Errorf("CreateBackupPlan same CreatorRequestId = %v, %v; want plan %s", again, err, id)
	}
	// Same plan document: AlreadyExistsException.
	_, err = c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod")})
	wantErr[*backuptypes.AlreadyExistsException](t, "CreateBackupPlan same document", err)

	got, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetBackupPlan: %v", err)
	}
	rule := got.BackupPlan.Rules[0]
	if aws.ToString(rule.RuleId) == "" || aws.ToInt64(rule.StartWindowMinutes) != 480 || aws.ToInt64(rule.CompletionWindowMinutes) != 10080 ||
		aws.ToString(rule.ScheduleExpression) != "cron(0 2 * * ? *)" || aws.ToString(rule.ScheduleExpressionTimezone) != "Etc/UTC" {
		t.Errorf("rule = id %q start %d completion %d schedule %q tz %q", aws.ToString(rule.RuleId), aws.ToInt64(rule.StartWindowMinutes), aws.ToInt64(rule.CompletionWindowMinutes), aws.ToString(rule.ScheduleExpression), aws.ToString(rule.ScheduleExpressionTimezone))
	}
	if aws.ToString(got.CreatorRequestId) != "plan-req" || aws.ToString(got.VersionId) != v1 {
		t.Errorf("GetBackupPlan CreatorRequestId %q VersionId %q", aws.ToString(got.CreatorRequestId), aws.ToString(got.VersionId))
	}

	upd := dailyPlan("prod")
	upd.Rules[0].Lifecycle.DeleteAfterDays = aws.Int64(90)
	updated, err := c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: upd})
	if err != nil {
		t.Fatalf("UpdateBackupPlan: %v", err)
	}
	v2 := aws.ToString(updated.VersionId)
	if v2 == v1 || v2 == "" {
		t.Errorf("UpdateBackupPlan VersionId = %q, want a new version (old %q)", v2, v1)
	}
	old, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id), VersionId: aws.String(v1)})
	if err != nil {
		t.Fatalf("GetBackupPlan(v1): %v", err)
	}
	if aws.ToInt64(old.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays) != 35 {
		t.Errorf("v1 DeleteAfterDays = %d, want 35", aws.ToInt64(old.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays))
	}
	cur, _ := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	if aws.ToInt64(cur.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays) != 90 || aws.ToString(cur.BackupPlan.Rules[0].RuleId) != aws.ToString(rule.RuleId) {
		t.Errorf("current version: DeleteAfterDays %d RuleId %q", aws.ToInt64(cur.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays), aws.ToString(cur.BackupPlan.Rules[0].RuleId))
	}
	_, err = c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id), VersionId: aws.String("bm90LWEtdmVyc2lvbg==")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "GetBackupPlan unknown version", err)

	versions, err := c.ListBackupPlanVersions(ctx, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: aws.String(id)})
	if err != nil {
		t.Fatalf("ListBackupPlanVersions: %v", err)
	}
	var vids []string
	for _, v := range versions.BackupPlanVersionsList {
		vids = append(vids, aws.ToString(v.VersionId))
	}
	if diff := cmp.Diff([]string{v1, v2}, vids); diff != "" {
		t.Errorf("ListBackupPlanVersions (-want +got):\n%s", diff)
	}

	sel, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: aws.String(id), BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("tagged"),
		IamRoleArn:    aws.String("arn:aws:iam::333333333333:role/service-role/AWSBackupDefaultServiceRole"),
		ListOfTags:    []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
	}})
	if err != nil {
		t.Fatalf("CreateBackupSelection: %v", err)
	}
	_, err = c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(id)})
	wantErr[*backuptypes.InvalidRequestException](t, "DeleteBackupPlan with selections", err)
	if _, err := c.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: aws.String(id), SelectionId: sel.SelectionId}); err != nil {
		t.Fatalf("DeleteBackupSelection: %v", err)
	}
	del, err := c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(id)})
	if err != nil {
		t.Fatalf("DeleteBackupPlan: %v", err)
	}
	if del.DeletionDate == nil || aws.ToString(del.VersionId) != v2 {
		t.Errorf("DeleteBackupPlan = DeletionDate %v VersionId %q", del.DeletionDate, aws.ToString(del.VersionId))
	}
	_, err = c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: upd})
	wantErr[*backuptypes.ResourceNotFoundException](t, "UpdateBackupPlan deleted", err)
	gone, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	if err != nil || gone.DeletionDate == nil {
		t.Errorf("GetBackupPlan deleted plan = %v, %v; want DeletionDate set", gone, err)
	}

	for _, include := range []bool{false, true} {
		l, err := c.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{IncludeDeleted: aws.Bool(include)})
		if err != nil {
			t.Fatalf("ListBackupPlans: %v", err)
		}
		want := 0
		if include {
			want = 1
		}
		if len(l.BackupPlansList) != want {
			t.Errorf("ListBackupPlans(IncludeDeleted=%v) = %d plans, want %d", include, len(l.BackupPlansList), want)
		}
	}
	_, err = c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String("00000000-0000-4000-a000-000000000000")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "GetBackupPlan unknown", err)
}

func TestCreateBackupPlanValidation(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mutate func(*backuptypes.BackupPlanInput)
		want   func(*testing.T, string, error)
	}{
		"bad plan name":      {func(p *backuptypes.BackupPlanInput) { p.BackupPlanName = aws.String("my plan") }, wantErr[*backuptypes.InvalidParameterValueException]},
		"plan name too long": {func(p *backuptypes.BackupPlanInput) { p.BackupPlanName = aws.String(strings.Repeat("p", 51)) }, wantErr[*backuptypes.InvalidParameterValueException]},
		"no rules":           {func(p *backuptypes.BackupPlanInput) { p.Rules = nil }, wantErr[*backuptypes.MissingParameterValueException]},
		"duplicate rule names": {func(p *backuptypes.BackupPlanInput) {
			p.Rules = append(p.Rules, p.Rules[0])
		}, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad rule name": {func(p *backuptypes.BackupPlanInput) { p.Rules[0].RuleName = aws.String("daily rule") }, wantErr[*backuptypes.InvalidParameterValueException]},
		"missing vault": {func(p *backuptypes.BackupPlanInput) { p.Rules[0].TargetBackupVaultName = nil }, wantErr[*backuptypes.MissingParameterValueException]},
		"rate schedule": {func(p *backuptypes.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("rate(1 day)") }, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad cron":      {func(p *backuptypes.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 2 * * * *)") }, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad timezone": {func(p *backuptypes.BackupPlanInput) {
			p.Rules[0].ScheduleExpressionTimezone = aws.String("Mars/Olympus")
		}, wantErr[*backuptypes.InvalidParameterValueException]},
		"start window < 60": {func(p *backuptypes.BackupPlanInput) { p.Rules[0].StartWindowMinutes = aws.Int64(59) }, wantErr[*backuptypes.InvalidParameterValueException]},
		"cold storage too close to deletion": {func(p *backuptypes.BackupPlanInput) {
			p.Rules[0].Lifecycle = &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(119)}
		}, wantErr[*backuptypes.InvalidParameterValueException]},
		"copy action to a non-vault ARN": {func(p *backuptypes.BackupPlanInput) {
			p.Rules[0].CopyActions[0].DestinationBackupVaultArn = aws.String("arn:aws:s3:::bucket")
		}, wantErr[*backuptypes.InvalidParameterValueException]},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c := newBackupClient(t, "333333333333")
			p := dailyPlan("prod")
			tc.mutate(p)
			_, err := c.CreateBackupPlan(context.Background(), &awsbackup.CreateBackupPlanInput{BackupPlan: p}, skipValidation)
			tc.want(t, name, err)
		})
	}
}

func TestBackupSelections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod")})
	if err != nil {
		t.Fatalf("CreateBackupPlan: %v", err)
	}
	role := aws.String("arn:aws:iam::333333333333:role/backup")
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String("backup-role")}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "bad IamRoleArn", err)
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s")}}, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "no IamRoleArn", err)
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: aws.String("nope"), BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: role}})
	wantErr[*backuptypes.ResourceNotFoundException](t, "unknown plan", err)

	var ids []string
	for _, name := range []string{"first", "second", "third"} {
		out, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, CreatorRequestId: aws.String("req-" + name), BackupSelection: &backuptypes.BackupSelection{
			SelectionName: aws.String(name), IamRoleArn: role, Resources: []string{"arn:aws:ec2:us-east-1:333333333333:volume/vol-" + name},
		}})
		if err != nil {
			t.Fatalf("CreateBackupSelection(%s): %v", name, err)
		}
		ids = append(ids, aws.ToString(out.SelectionId))
	}
	got, err := c.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: aws.String(ids[1])})
	if err != nil {
		t.Fatalf("GetBackupSelection: %v", err)
	}
	if aws.ToString(got.BackupSelection.SelectionName) != "second" || aws.ToString(got.CreatorRequestId) != "req-second" ||
		!cmp.Equal(got.BackupSelection.Resources, []string{"arn:aws:ec2:us-east-1:333333333333:volume/vol-second"}) {
		t.Errorf("GetBackupSelection = %+v", got.BackupSelection)
	}
	var listed []string
	p := awsbackup.NewListBackupSelectionsPaginator(c, &awsbackup.ListBackupSelectionsInput{BackupPlanId: plan.BackupPlanId, MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListBackupSelections: %v", err)
		}
		pages++
		for _, s := range page.BackupSelectionsList {
			listed = append(listed, aws.ToString(s.SelectionName))
		}
	}
	if diff := cmp.Diff([]string{"first", "second", "third"}, listed); diff != "" || pages != 2 {
		t.Errorf("ListBackupSelections in %d pages (-want +got):\n%s", pages, diff)
	}
	if _, err := c.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: aws.String(ids[0])}); err != nil {
		t.Fatalf("DeleteBackupSelection: %v", err)
	}
	_, err = c.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: aws.String(ids[0])})
	wantErr[*backuptypes.ResourceNotFoundException](t, "GetBackupSelection deleted", err)
	_, err = c.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: aws.String(ids[0])})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DeleteBackupSelection twice", err)
}

func TestBackupGlobalSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, mgmt := newBackupClient(t, emulator.ManagementAccountID)
	member := backupClientFor(srv, "333333333333")
	outsider := backupClientFor(srv, "999999999999")

	d, err := member.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	if err != nil {
		t.Fatalf("DescribeGlobalSettings(member): %v", err)
	}
	if d.GlobalSettings["isCrossAccountBackupEnabled"] != "false" {
		t.Errorf("default isCrossAccountBackupEnabled = %q, want false", d.GlobalSettings["isCrossAccountBackupEnabled"])
	}
	_, err = outsider.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	wantErr[*backuptypes.InvalidRequestException](t, "DescribeGlobalSettings outside the organization", err)
	_, err = member.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}})
	wantErr[*backuptypes.InvalidRequestException](t, "UpdateGlobalSettings from a member", err)
	_, err = mgmt.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "yes"}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "UpdateGlobalSettings bad value", err)
	_, err = mgmt.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isFancy": "true"}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "UpdateGlobalSettings unknown name", err)
	if _, err := mgmt.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}); err != nil {
		t.Fatalf("UpdateGlobalSettings: %v", err)
	}
	d, err = member.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	if err != nil {
		t.Fatalf("DescribeGlobalSettings: %v", err)
	}
	if d.GlobalSettings["isCrossAccountBackupEnabled"] != "true" || d.LastUpdateTime == nil {
		t.Errorf("after update: %v, LastUpdateTime %v", d.GlobalSettings, d.LastUpdateTime)
	}
}

func TestBackupRegionSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	d, err := c.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		t.Fatalf("DescribeRegionSettings: %v", err)
	}
	if !d.ResourceTypeOptInPreference["EBS"] || d.ResourceTypeOptInPreference["S3"] || d.ResourceTypeManagementPreference["DynamoDB"] || !d.ResourceTypeManagementPreference["EFS"] {
		t.Errorf("defaults: opt-in %v management %v", d.ResourceTypeOptInPreference, d.ResourceTypeManagementPreference)
	}
	_, err = c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"Floppy": true}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "unknown resource type", err)
	_, err = c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeManagementPreference: map[string]bool{"EBS": true}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "management of a type without full management", err)
	if _, err := c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{
		ResourceTypeOptInPreference:      map[string]bool{"S3": true, "EC2": false},
		ResourceTypeManagementPreference: map[string]bool{"DynamoDB": true},
	}); err != nil {
		t.Fatalf("UpdateRegionSettings: %v", err)
	}
	d, _ = c.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if !d.ResourceTypeOptInPreference["S3"] || d.ResourceTypeOptInPreference["EC2"] || !d.ResourceTypeOptInPreference["EBS"] || !d.ResourceTypeManagementPreference["DynamoDB"] {
		t.Errorf("after update: opt-in %v management %v", d.ResourceTypeOptInPreference, d.ResourceTypeManagementPreference)
	}
}

func TestBackupReportPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "222222222222")
	channel := &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String("org-backup-reports"), Formats: []string{"CSV", "JSON"}}
	setting := &backuptypes.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT"), Accounts: []string{"ROOT"}, Regions: []string{"us-east-1"}}
	tests := map[string]struct {
		in   awsbackup.CreateReportPlanInput
		want func(*testing.T, string, error)
	}{
		"bad name":       {awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("1jobs"), ReportDeliveryChannel: channel, ReportSetting: setting}, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad template":   {awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportDeliveryChannel: channel, ReportSetting: &backuptypes.ReportSetting{ReportTemplate: aws.String("JOB_REPORT")}}, wantErr[*backuptypes.InvalidParameterValueException]},
		"bad format":     {awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportDeliveryChannel: &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String("b"), Formats: []string{"XML"}}, ReportSetting: setting}, wantErr[*backuptypes.InvalidParameterValueException]},
		"no channel":     {awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportSetting: setting}, wantErr[*backuptypes.MissingParameterValueException]},
		"no bucket name": {awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportDeliveryChannel: &backuptypes.ReportDeliveryChannel{}, ReportSetting: setting}, wantErr[*backuptypes.MissingParameterValueException]},
	}
	for label, tc := range tests {
		in := tc.in
		_, err := c.CreateReportPlan(ctx, &in, skipValidation)
		tc.want(t, label, err)
	}
	created, err := c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("backup_jobs"), ReportPlanDescription: aws.String("jobs"), ReportDeliveryChannel: channel, ReportSetting: setting})
	if err != nil {
		t.Fatalf("CreateReportPlan: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(created.ReportPlanArn), "arn:aws:backup:us-east-1:222222222222:report-plan:backup_jobs-") {
		t.Errorf("ReportPlanArn = %q", aws.ToString(created.ReportPlanArn))
	}
	_, err = c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("backup_jobs"), ReportDeliveryChannel: channel, ReportSetting: setting})
	wantErr[*backuptypes.AlreadyExistsException](t, "duplicate", err)

	if _, err := c.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String("backup_jobs"), ReportSetting: &backuptypes.ReportSetting{ReportTemplate: aws.String("COPY_JOB_REPORT")}}); err != nil {
		t.Fatalf("UpdateReportPlan: %v", err)
	}
	d, err := c.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("backup_jobs")})
	if err != nil {
		t.Fatalf("DescribeReportPlan: %v", err)
	}
	if aws.ToString(d.ReportPlan.ReportSetting.ReportTemplate) != "COPY_JOB_REPORT" || aws.ToString(d.ReportPlan.DeploymentStatus) != "COMPLETED" ||
		!cmp.Equal(d.ReportPlan.ReportDeliveryChannel.Formats, []string{"CSV", "JSON"}) || aws.ToString(d.ReportPlan.ReportPlanDescription) != "jobs" {
		t.Errorf("DescribeReportPlan = %+v", d.ReportPlan)
	}
	_, err = c.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{ReportPlanName: aws.String("missing")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "update missing", err)
	l, err := c.ListReportPlans(ctx, &awsbackup.ListReportPlansInput{})
	if err != nil || len(l.ReportPlans) != 1 {
		t.Fatalf("ListReportPlans = %v, %v", l, err)
	}
	if _, err := c.DeleteReportPlan(ctx, &awsbackup.DeleteReportPlanInput{ReportPlanName: aws.String("backup_jobs")}); err != nil {
		t.Fatalf("DeleteReportPlan: %v", err)
	}
	_, err = c.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("backup_jobs")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "describe deleted", err)
}

func TestBackupFrameworks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "222222222222")
	controls := []backuptypes.FrameworkControl{
		{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED")},
		{ControlName: aws.String("BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT"), ControlInputParameters: []backuptypes.ControlInputParameter{{ParameterName: aws.String("crossAccountList"), ParameterValue: aws.String("222222222222")}}},
		{ControlName: aws.String("RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"), ControlInputParameters: []backuptypes.ControlInputParameter{{ParameterName: aws.String("maxRestoreTime"), ParameterValue: aws.String("720")}}},
	}
	tests := map[string]struct {
		in   awsbackup.CreateFrameworkInput
		want func(*testing.T, string, error)
	}{
		"unknown control":   {awsbackup.CreateFrameworkInput{FrameworkName: aws.String("f"), FrameworkControls: []backuptypes.FrameworkControl{{ControlName: aws.String("BACKUP_IS_GOOD")}}}, wantErr[*backuptypes.InvalidParameterValueException]},
		"unknown parameter": {awsbackup.CreateFrameworkInput{FrameworkName: aws.String("f"), FrameworkControls: []backuptypes.FrameworkControl{{ControlName: aws.String("BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"), ControlInputParameters: []backuptypes.ControlInputParameter{{ParameterName: aws.String("days"), ParameterValue: aws.String("35")}}}}}, wantErr[*backuptypes.InvalidParameterValueException]},
		"no controls":       {awsbackup.CreateFrameworkInput{FrameworkName: aws.String("f")}, wantErr[*backuptypes.MissingParameterValueException]},
		"bad name":          {awsbackup.CreateFrameworkInput{FrameworkName: aws.String("my-framework"), FrameworkControls: controls}, wantErr[*backuptypes.InvalidParameterValueException]},
	}
	for label, tc := range tests {
		in := tc.in
		_, err := c.CreateFramework(ctx, &in, skipValidation)
		tc.want(t, label, err)
	}
	created, err := c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("org_backup"), FrameworkControls: controls, IdempotencyToken: aws.String("tok")})
	if err != nil {
		t.Fatalf("CreateFramework: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(created.FrameworkArn), "arn:aws:backup:us-east-1:222222222222:framework:org_backup-") {
		t.Errorf("FrameworkArn = %q", aws.ToString(created.FrameworkArn))
	}
	_, err = c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("org_backup"), FrameworkControls: controls})
	wantErr[*backuptypes.AlreadyExistsException](t, "duplicate", err)
	d, err := c.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("org_backup")})
	if err != nil {
		t.Fatalf("DescribeFramework: %v", err)
	}
	if len(d.FrameworkControls) != 3 || aws.ToString(d.FrameworkStatus) != "ACTIVE" || aws.ToString(d.DeploymentStatus) != "COMPLETED" || aws.ToString(d.IdempotencyToken) != "tok" {
		t.Errorf("DescribeFramework = controls %d status %q deployment %q token %q", len(d.FrameworkControls), aws.ToString(d.FrameworkStatus), aws.ToString(d.DeploymentStatus), aws.ToString(d.IdempotencyToken))
	}
	if _, err := c.UpdateFramework(ctx, &awsbackup.UpdateFrameworkInput{FrameworkName: aws.String("org_backup"), FrameworkControls: controls[:1]}); err != nil {
		t.Fatalf("UpdateFramework: %v", err)
	}
	l, err := c.ListFrameworks(ctx, &awsbackup.ListFrameworksInput{})
	if err != nil || len(l.Frameworks) != 1 || l.Frameworks[0].NumberOfControls != 1 {
		t.Fatalf("ListFrameworks = %+v, %v", l, err)
	}
	// 50 controls per account and Region.
	many := make([]backuptypes.FrameworkControl, 50)
	for i := range many {
		many[i] = backuptypes.FrameworkControl{ControlName: aws.String("BACKUP_RECOVERY_POINT_ENCRYPTED")}
	}
	_, err = c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("too_many"), FrameworkControls: many})
	wantErr[*backuptypes.LimitExceededException](t, "51 controls", err)
	if _, err := c.DeleteFramework(ctx, &awsbackup.DeleteFrameworkInput{FrameworkName: aws.String("org_backup")}); err != nil {
		t.Fatalf("DeleteFramework: %v", err)
	}
	_, err = c.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("org_backup")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "describe deleted", err)
	_, err = c.DeleteFramework(ctx, &awsbackup.DeleteFrameworkInput{FrameworkName: aws.String("org_backup")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "delete deleted", err)
}

func TestBackupLegalHolds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newBackupClient(t, "222222222222")
	_, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("audit")}, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "no description", err)
	created, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{
		Title: aws.String("audit"), Description: aws.String("2026 audit"), IdempotencyToken: aws.String("tok"),
		RecoveryPointSelection: &backuptypes.RecoveryPointSelection{VaultNames: []string{"central"}},
	})
	if err != nil {
		t.Fatalf("CreateLegalHold: %v", err)
	}
	id := aws.ToString(created.LegalHoldId)
	if created.Status != backuptypes.LegalHoldStatusActive || aws.ToString(created.LegalHoldArn) != "arn:aws:backup:us-east-1:222222222222:legal-hold:"+id {
		t.Errorf("CreateLegalHold = status %s arn %q", created.Status, aws.ToString(created.LegalHoldArn))
	}
	again, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("audit"), Description: aws.String("2026 audit"), IdempotencyToken: aws.String("tok")})
	if err != nil || aws.ToString(again.LegalHoldId) != id {
		t.Errorf("CreateLegalHold same token = %v, %v; want %s", again, err, id)
	}
	if _, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("second"), Description: aws.String("d")}); err != nil {
		t.Fatalf("CreateLegalHold second: %v", err)
	}
	l, err := c.ListLegalHolds(ctx, &awsbackup.ListLegalHoldsInput{})
	if err != nil || len(l.LegalHolds) != 2 {
		t.Fatalf("ListLegalHolds = %v, %v", l, err)
	}
	_, err = c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(id)}, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "cancel without description", err)
	if _, err := c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(id), CancelDescription: aws.String("done"), RetainRecordInDays: aws.Int64(10)}); err != nil {
		t.Fatalf("CancelLegalHold: %v", err)
	}
	_, err = c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(id), CancelDescription: aws.String("again")})
	wantErr[*backuptypes.InvalidResourceStateException](t, "cancel twice", err)
	g, err := c.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetLegalHold: %v", err)
	}
	if g.Status != backuptypes.LegalHoldStatusCanceled || aws.ToString(g.CancelDescription) != "done" || g.RetainRecordUntil == nil || !g.RetainRecordUntil.Equal(srv.Now().Add(240*time.Hour)) {
		t.Errorf("GetLegalHold = status %s description %q retain %v", g.Status, aws.ToString(g.CancelDescription), g.RetainRecordUntil)
	}
	_, err = c.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: aws.String("missing")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "get missing", err)
}

func restorePlanInput(name string) *awsbackup.CreateRestoreTestingPlanInput {
	return &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &backuptypes.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String(name),
		ScheduleExpression:     aws.String("cron(0 1 ? * SUN *)"),
		RecoveryPointSelection: &backuptypes.RestoreTestingRecoveryPointSelection{
			Algorithm:          backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults:      []string{"*"},
			RecoveryPointTypes: []backuptypes.RestoreTestingRecoveryPointType{backuptypes.RestoreTestingRecoveryPointTypeSnapshot},
		},
	}}
}

func TestBackupRestoreTesting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	bad := restorePlanInput("weekly-restore")
	_, err := c.CreateRestoreTestingPlan(ctx, bad)
	wantErr[*backuptypes.InvalidParameterValueException](t, "hyphen in name", err)
	noVaults := restorePlanInput("weekly")
	noVaults.RestoreTestingPlan.RecoveryPointSelection.IncludeVaults = nil
	_, err = c.CreateRestoreTestingPlan(ctx, noVaults, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "no IncludeVaults", err)
	wide := restorePlanInput("weekly")
	wide.RestoreTestingPlan.StartWindowHours = 169
	_, err = c.CreateRestoreTestingPlan(ctx, wide)
	wantErr[*backuptypes.InvalidParameterValueException](t, "StartWindowHours 169", err)

	created, err := c.CreateRestoreTestingPlan(ctx, restorePlanInput("weekly"))
	if err != nil {
		t.Fatalf("CreateRestoreTestingPlan: %v", err)
	}
	if !strings.HasPrefix(aws.ToString(created.RestoreTestingPlanArn), "arn:aws:backup:us-east-1:333333333333:restore-testing-plan:weekly-") {
		t.Errorf("RestoreTestingPlanArn = %q", aws.ToString(created.RestoreTestingPlanArn))
	}
	_, err = c.CreateRestoreTestingPlan(ctx, restorePlanInput("weekly"))
	wantErr[*backuptypes.AlreadyExistsException](t, "duplicate", err)
	g, err := c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly")})
	if err != nil {
		t.Fatalf("GetRestoreTestingPlan: %v", err)
	}
	if g.RestoreTestingPlan.StartWindowHours != 24 || g.RestoreTestingPlan.RecoveryPointSelection.SelectionWindowDays != 30 {
		t.Errorf("defaults: StartWindowHours %d SelectionWindowDays %d", g.RestoreTestingPlan.StartWindowHours, g.RestoreTestingPlan.RecoveryPointSelection.SelectionWindowDays)
	}
	if _, err := c.UpdateRestoreTestingPlan(ctx, &awsbackup.UpdateRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingPlan: &backuptypes.RestoreTestingPlanForUpdate{StartWindowHours: 12}}); err != nil {
		t.Fatalf("UpdateRestoreTestingPlan: %v", err)
	}
	_, err = c.UpdateRestoreTestingPlan(ctx, &awsbackup.UpdateRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingPlan: &backuptypes.RestoreTestingPlanForUpdate{ScheduleExpression: aws.String("daily")}})
	wantErr[*backuptypes.InvalidParameterValueException](t, "update bad schedule", err)
	lp, err := c.ListRestoreTestingPlans(ctx, &awsbackup.ListRestoreTestingPlansInput{})
	if err != nil || len(lp.RestoreTestingPlans) != 1 || lp.RestoreTestingPlans[0].StartWindowHours != 12 {
		t.Fatalf("ListRestoreTestingPlans = %+v, %v", lp, err)
	}

	role := aws.String("arn:aws:iam::333333333333:role/restore")
	sel := func(name string) *awsbackup.CreateRestoreTestingSelectionInput {
		return &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelection: &backuptypes.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String(name), IamRoleArn: role, ProtectedResourceType: aws.String("EBS"), ProtectedResourceArns: []string{"*"},
		}}
	}
	// Specific ARNs and conditions are refused; the wildcard with
	// conditions is accepted (CreateRestoreTestingSelection).
	wildcardAndConditions := sel("wildcard")
	wildcardAndConditions.RestoreTestingSelection.ProtectedResourceConditions = &backuptypes.ProtectedResourceConditions{StringEquals: []backuptypes.KeyValue{{Key: aws.String("backup"), Value: aws.String("yes")}}}
	must(c.CreateRestoreTestingSelection(ctx, wildcardAndConditions))(t, "CreateRestoreTestingSelection(* with conditions)")
	must(c.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelectionName: aws.String("wildcard")}))(t, "DeleteRestoreTestingSelection")
	both := sel("both")
	both.RestoreTestingSelection.ProtectedResourceArns = []string{"arn:aws:ec2:us-east-1:333333333333:volume/vol-1"}
	both.RestoreTestingSelection.ProtectedResourceConditions = &backuptypes.ProtectedResourceConditions{StringEquals: []backuptypes.KeyValue{{Key: aws.String("aws:ResourceTag/backup"), Value: aws.String("yes")}}}
	_, err = c.CreateRestoreTestingSelection(ctx, both)
	wantErr[*backuptypes.InvalidParameterValueException](t, "arns and conditions", err)
	noType := sel("notype")
	noType.RestoreTestingSelection.ProtectedResourceType = nil
	_, err = c.CreateRestoreTestingSelection(ctx, noType, skipValidation)
	wantErr[*backuptypes.MissingParameterValueException](t, "no ProtectedResourceType", err)
	missingPlan := sel("x")
	missingPlan.RestoreTestingPlanName = aws.String("nope")
	_, err = c.CreateRestoreTestingSelection(ctx, missingPlan)
	wantErr[*backuptypes.ResourceNotFoundException](t, "selection of missing plan", err)
	if _, err := c.CreateRestoreTestingSelection(ctx, sel("ebs_volumes")); err != nil {
		t.Fatalf("CreateRestoreTestingSelection: %v", err)
	}
	_, err = c.CreateRestoreTestingSelection(ctx, sel("ebs_volumes"))
	wantErr[*backuptypes.AlreadyExistsException](t, "duplicate selection", err)
	if _, err := c.UpdateRestoreTestingSelection(ctx, &awsbackup.UpdateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelectionName: aws.String("ebs_volumes"),
		RestoreTestingSelection: &backuptypes.RestoreTestingSelectionForUpdate{ValidationWindowHours: aws.Int32(4)}}); err != nil {
		t.Fatalf("UpdateRestoreTestingSelection: %v", err)
	}
	gs, err := c.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelectionName: aws.String("ebs_volumes")})
	if err != nil {
		t.Fatalf("GetRestoreTestingSelection: %v", err)
	}
	if gs.RestoreTestingSelection.ValidationWindowHours != 4 || aws.ToString(gs.RestoreTestingSelection.ProtectedResourceType) != "EBS" {
		t.Errorf("GetRestoreTestingSelection = %+v", gs.RestoreTestingSelection)
	}
	ls, err := c.ListRestoreTestingSelections(ctx, &awsbackup.ListRestoreTestingSelectionsInput{RestoreTestingPlanName: aws.String("weekly")})
	if err != nil || len(ls.RestoreTestingSelections) != 1 {
		t.Fatalf("ListRestoreTestingSelections = %+v, %v", ls, err)
	}
	_, err = c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly")})
	wantErr[*backuptypes.InvalidRequestException](t, "delete plan with selections", err)
	if _, err := c.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelectionName: aws.String("ebs_volumes")}); err != nil {
		t.Fatalf("DeleteRestoreTestingSelection: %v", err)
	}
	_, err = c.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("weekly"), RestoreTestingSelectionName: aws.String("ebs_volumes")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "get deleted selection", err)
	if _, err := c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly")}); err != nil {
		t.Fatalf("DeleteRestoreTestingPlan: %v", err)
	}
	_, err = c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "get deleted plan", err)
}

func TestBackupTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newBackupClient(t, "333333333333")
	out, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("tagged"), BackupVaultTags: map[string]string{"a": "1"}})
	if err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("tagged")})
	if err != nil {
		t.Fatalf("CreateBackupPlan: %v", err)
	}
	for _, arn := range []*string{out.BackupVaultArn, plan.BackupPlanArn} {
		if _, err := c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"b": "2", "c": "3"}}); err != nil {
			t.Fatalf("TagResource(%s): %v", *arn, err)
		}
		if _, err := c.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: arn, TagKeyList: []string{"c"}}); err != nil {
			t.Fatalf("UntagResource(%s): %v", *arn, err)
		}
	}
	// ListTags pages through the vault's tags.
	got := map[string]string{}
	p := awsbackup.NewListTagsPaginator(c, &awsbackup.ListTagsInput{ResourceArn: out.BackupVaultArn, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListTags: %v", err)
		}
		for k, v := range page.Tags {
			got[k] = v
		}
	}
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2"}, got); diff != "" {
		t.Errorf("vault tags (-want +got):\n%s", diff)
	}
	pt, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: plan.BackupPlanArn})
	if err != nil {
		t.Fatalf("ListTags(plan): %v", err)
	}
	if diff := cmp.Diff(map[string]string{"b": "2"}, pt.Tags); diff != "" {
		t.Errorf("plan tags (-want +got):\n%s", diff)
	}
	for label, arn := range map[string]string{
		"missing vault":     "arn:aws:backup:us-east-1:333333333333:backup-vault:missing",
		"other account":     "arn:aws:backup:us-east-1:444444444444:backup-vault:tagged",
		"other region":      "arn:aws:backup:us-west-2:333333333333:backup-vault:tagged",
		"unknown kind":      "arn:aws:backup:us-east-1:333333333333:widget:tagged",
		"missing framework": "arn:aws:backup:us-east-1:333333333333:framework:x-1",
	} {
		_, err := c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"k": "v"}})
		wantErr[*backuptypes.ResourceNotFoundException](t, "TagResource "+label, err)
	}
	_, err = c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String("arn:aws:s3:::bucket")})
	wantErr[*backuptypes.InvalidParameterValueException](t, "ListTags non-Backup ARN", err)
	// Deleting the vault drops its tags; a new vault of the same name starts clean.
	if _, err := c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("tagged")}); err != nil {
		t.Fatalf("DeleteBackupVault: %v", err)
	}
	mustCreateVault(t, c, "tagged")
	fresh, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.BackupVaultArn})
	if err != nil || len(fresh.Tags) != 0 {
		t.Errorf("ListTags after re-create = %v, %v; want no tags", fresh, err)
	}
	_ = srv
}

func TestListBackupVaultsPagination(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newBackupClient(t, "333333333333")
	want := []string{"v1", "v2", "v3", "v4", "v5"}
	for _, n := range want {
		mustCreateVault(t, c, n)
	}
	var got []string
	pages := 0
	p := awsbackup.NewListBackupVaultsPaginator(c, &awsbackup.ListBackupVaultsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListBackupVaults: %v", err)
		}
		pages++
		for _, v := range page.BackupVaultList {
			got = append(got, aws.ToString(v.BackupVaultName))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("ListBackupVaults in %d pages (-want +got):\n%s", pages, diff)
	}
	_, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{NextToken: aws.String("not-a-token")})
	wantErr[*backuptypes.InvalidParameterValueException](t, "foreign NextToken", err)

	// Plans page the same way.
	for i := range 3 {
		if _, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("plan" + string(rune('a'+i)))}); err != nil {
			t.Fatalf("CreateBackupPlan: %v", err)
		}
	}
	n := 0
	pp := awsbackup.NewListBackupPlansPaginator(c, &awsbackup.ListBackupPlansInput{MaxResults: aws.Int32(1)})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListBackupPlans: %v", err)
		}
		n += len(page.BackupPlansList)
	}
	if n != 3 {
		t.Errorf("ListBackupPlans paged %d plans, want 3", n)
	}
}

// TestBackupDeterminism runs the same calls against two servers with the
// same seed and expects identical identifiers.
func TestBackupDeterminism(t *testing.T) {
	t.Parallel()
	run := func() []string {
		ctx := context.Background()
		_, c := newBackupClient(t, "333333333333")
		mustCreateVault(t, c, "local")
		d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")})
		if err != nil {
			t.Fatalf("DescribeBackupVault: %v", err)
		}
		p, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod")})
		if err != nil {
			t.Fatalf("CreateBackupPlan: %v", err)
		}
		s, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: p.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("all"), IamRoleArn: aws.String("arn:aws:iam::333333333333:role/backup")}})
		if err != nil {
			t.Fatalf("CreateBackupSelection: %v", err)
		}
		h, err := c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d")})
		if err != nil {
			t.Fatalf("CreateLegalHold: %v", err)
		}
		return []string{aws.ToString(d.EncryptionKeyArn), aws.ToString(p.BackupPlanId), aws.ToString(p.VersionId), aws.ToString(s.SelectionId), aws.ToString(h.LegalHoldId)}
	}
	if diff := cmp.Diff(run(), run()); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}

// bkRecoveryPointOf backs up resource into vault with recovery point tags
// and returns the completed recovery point's ARN.
func bkRecoveryPointOf(t *testing.T, srv *emulator.Server, c *awsbackup.Client, account, vault, resource string, tags map[string]string) string {
	t.Helper()
	out := must(c.StartBackupJob(context.Background(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String(vault), ResourceArn: aws.String(resource), IamRoleArn: vtRole(account), RecoveryPointTags: tags}))(t, "StartBackupJob")
	srv.Advance(time.Hour)
	job := vtJob(t, c, *out.BackupJobId)
	if job.State != backuptypes.BackupJobStateCompleted {
		t.Fatalf("backup job of %s: %s %s", resource, job.State, aws.ToString(job.StatusMessage))
	}
	return *job.RecoveryPointArn
}

func TestListRecoveryPointsByResource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const account = "333333333333"
	srv := newTestServer(t)
	c := vtAccount(t, srv, account, bkRegion, "local", "second")
	vol := srv.AddResource(account, bkRegion, emulator.EBSVolume, "", nil, 1<<30)
	db := srv.AddResource(account, bkRegion, emulator.RDSInstance, "", nil, 1<<30)
	other := srv.AddResource(account, bkRegion, emulator.EBSVolume, "", nil, 1<<30)
	first := bkRecoveryPointOf(t, srv, c, account, "local", vol, nil)
	second := bkRecoveryPointOf(t, srv, c, account, "second", vol, nil)
	third := bkRecoveryPointOf(t, srv, c, account, "local", vol, nil)
	dbRP := bkRecoveryPointOf(t, srv, c, account, "local", db, nil)
	bkRecoveryPointOf(t, srv, c, account, "local", other, nil)

	for name, managed := range map[string]bool{"true": true, "false": false} {
		t.Run("EBS volume, ManagedByAWSBackupOnly "+name, func(t *testing.T) {
			var got []backuptypes.RecoveryPointByResource
			p := awsbackup.NewListRecoveryPointsByResourcePaginator(c, &awsbackup.ListRecoveryPointsByResourceInput{
				ResourceArn: aws.String(vol), MaxResults: aws.Int32(2), ManagedByAWSBackupOnly: managed})
			pages := 0
			for p.HasMorePages() {
				got = append(got, must(p.NextPage(ctx))(t, "ListRecoveryPointsByResource").RecoveryPoints...)
				pages++
			}
			if pages != 2 {
				t.Errorf("pages = %d, want 2 (3 recovery points, 2 a page)", pages)
			}
			var arns, vaults []string
			for _, rp := range got {
				arns = append(arns, aws.ToString(rp.RecoveryPointArn))
				vaults = append(vaults, aws.ToString(rp.BackupVaultName))
				if rp.Status != backuptypes.RecoveryPointStatusCompleted || rp.CreationDate == nil || aws.ToInt64(rp.BackupSizeBytes) != 1<<30 {
					t.Errorf("recovery point %s: status %s, created %v, size %d", aws.ToString(rp.RecoveryPointArn), rp.Status, rp.CreationDate, aws.ToInt64(rp.BackupSizeBytes))
				}
			}
			// Newest first, across both vaults; EBS recovery points name their vault.
			if diff := cmp.Diff([]string{third, second, first}, arns); diff != "" {
				t.Errorf("recovery points (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"local", "second", "local"}, vaults); diff != "" {
				t.Errorf("BackupVaultName (-want +got):\n%s", diff)
			}
		})
	}

	rds := must(c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(db)}))(t, "ListRecoveryPointsByResource(RDS)")
	if len(rds.RecoveryPoints) != 1 || aws.ToString(rds.RecoveryPoints[0].RecoveryPointArn) != dbRP || rds.RecoveryPoints[0].BackupVaultName != nil || rds.NextToken != nil {
		t.Errorf("ListRecoveryPointsByResource(RDS) = %+v; want only %s, without BackupVaultName", rds.RecoveryPoints, dbRP)
	}
	for name, c := range map[string]*awsbackup.Client{
		"never backed up": c,
		"other account":   backupClientFor(srv, "444444444444"),
	} {
		arn := vol
		if name == "never backed up" {
			arn = srv.AddResource(account, bkRegion, emulator.EBSVolume, "", nil, 1)
		}
		out := must(c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(arn)}))(t, "ListRecoveryPointsByResource "+name)
		if len(out.RecoveryPoints) != 0 {
			t.Errorf("ListRecoveryPointsByResource %s = %+v, want none", name, out.RecoveryPoints)
		}
	}
	_, err := c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String("vol-1")})
	wantErr[*backuptypes.InvalidParameterValueException](t, "ListRecoveryPointsByResource(not an ARN)", err)
	_, err = c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(vol), NextToken: aws.String("bogus!")})
	wantErr[*backuptypes.InvalidParameterValueException](t, "ListRecoveryPointsByResource(bad token)", err)
}

// TestBackupRecoveryPointTags reads and changes the tags of recovery points
// of every ARN shape: EC2 snapshots and images, RDS snapshots and AWS
// Backup recovery points.
func TestBackupRecoveryPointTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const account = "333333333333"
	for name, tc := range map[string]struct {
		typ    emulator.ResourceType
		prefix string
	}{
		"EBS snapshot": {emulator.EBSVolume, "arn:aws:ec2:us-east-1::snapshot/snap-"},
		"EC2 image":    {emulator.EC2Instance, "arn:aws:ec2:us-east-1::image/ami-"},
		"RDS snapshot": {emulator.RDSInstance, "arn:aws:rds:us-east-1:333333333333:snapshot:awsbackup:job-"},
		"EFS":          {emulator.EFSFileSystem, "arn:aws:backup:us-east-1:333333333333:recovery-point:"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			c := vtAccount(t, srv, account, bkRegion, "local")
			res := srv.AddResource(account, bkRegion, tc.typ, "", nil, 1<<20)
			rp := bkRecoveryPointOf(t, srv, c, account, "local", res, map[string]string{"tier": "gold", "owner": "ops"})
			if !strings.HasPrefix(rp, tc.prefix) {
				t.Fatalf("recovery point ARN %s, want prefix %s", rp, tc.prefix)
			}
			got := must(c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(rp)}))(t, "ListTags")
			if diff := cmp.Diff(map[string]string{"tier": "gold", "owner": "ops"}, got.Tags); diff != "" {
				t.Errorf("ListTags (-want +got):\n%s", diff)
			}
			must(c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(rp), Tags: map[string]string{"tier": "silver"}}))(t, "TagResource")
			must(c.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(rp), TagKeyList: []string{"owner"}}))(t, "UntagResource")
			got = must(c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(rp)}))(t, "ListTags after changes")
			if diff := cmp.Diff(map[string]string{"tier": "silver"}, got.Tags); diff != "" {
				t.Errorf("ListTags after TagResource and UntagResource (-want +got):\n%s", diff)
			}
			// Another account's caller does not see the recovery point.
			_, err := backupClientFor(srv, "444444444444").ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(rp)})
			if err == nil {
				t.Errorf("ListTags from another account succeeded")
			}
		})
	}
	_, c := newBackupClient(t, account)
	for name, arn := range map[string]string{
		"unknown EBS snapshot": "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
		"unknown RDS snapshot": "arn:aws:rds:us-east-1:333333333333:snapshot:awsbackup:job-x",
		"EBS volume":           "arn:aws:ec2:us-east-1:333333333333:volume/vol-1",
	} {
		_, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(arn)})
		wantErr[*backuptypes.InvalidParameterValueException](t, "ListTags "+name, err)
	}
}
