package vault_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/vault"
)

const (
	testAccount = emulator.BackupAccountID
	testRegion  = "us-east-1"
	testOrgID   = "o-exampleorg1"
)

// vaultEnv is one emulator with SDK clients for testAccount/testRegion.
type vaultEnv struct {
	srv  *emulator.Server
	c    vault.Writers
	kms  *awskms.Client
	bk   *awsbackup.Client
	sns  *awssns.Client
	opts func(*vault.Options)
}

// newVaultEnv starts an emulator. The SDK retries nothing, so that an
// injected one-shot failure reaches the caller.
func newVaultEnv(t *testing.T) *vaultEnv {
	t.Helper()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config(testAccount, testRegion)
	cfg.RetryMaxAttempts = 1
	e := &vaultEnv{
		srv: srv,
		kms: awskms.NewFromConfig(cfg),
		bk:  awsbackup.NewFromConfig(cfg),
		sns: awssns.NewFromConfig(cfg),
	}
	e.c = vault.Writers{Backup: e.bk, KMS: e.kms, SNS: e.sns}
	e.opts = func(o *vault.Options) { o.Now = srv.Now }
	return e
}

func (e *vaultEnv) plan(t *testing.T, d vault.Desired, optFns ...func(*vault.Options)) []plan.Change {
	t.Helper()
	chs, err := vault.Plan(context.Background(), e.c.Readers(), d, append([]func(*vault.Options){e.opts}, optFns...)...)
	if err != nil {
		t.Fatalf("Plan() error = %v", err)
	}
	return chs
}

func (e *vaultEnv) applyAll(t *testing.T, chs []plan.Change) {
	t.Helper()
	for _, ch := range chs {
		if err := vault.Apply(context.Background(), e.c, ch, e.opts); err != nil {
			t.Fatalf("Apply(%s %s/%s) error = %v", ch.Action, ch.Kind, ch.Name, err)
		}
	}
}

// converge plans, applies every change in order, and checks that a second
// plan is empty.
func (e *vaultEnv) converge(t *testing.T, d vault.Desired) []plan.Change {
	t.Helper()
	chs := e.plan(t, d)
	e.applyAll(t, chs)
	if again := e.plan(t, d); len(again) != 0 {
		t.Fatalf("Plan() after Apply = %s, want no changes", summary(again))
	}
	return chs
}

// summary is "action kind/name" per change, for comparisons.
func summary(chs []plan.Change) []string {
	out := make([]string, 0, len(chs))
	for _, ch := range chs {
		s := ch.Action.String() + " " + ch.Kind + "/" + ch.Name
		if ch.Destructive {
			s += " destructive"
		}
		if ch.Irreversible {
			s += " irreversible"
		}
		out = append(out, s)
	}
	return out
}

func tags() map[string]string {
	return map[string]string{managedtags.Managed: "true", managedtags.Spec: "prod"}
}

// fullDesired is a central vault with every resource kind.
func fullDesired() vault.Desired {
	return vault.Desired{
		Account: testAccount,
		Region:  testRegion,
		Vault:   "central-backup",
		Key: &vault.Key{
			Alias:       "orgbackup/central",
			Description: "central backup vault key",
			Policy:      vault.CentralKeyPolicy(testAccount, testRegion, testOrgID),
			Rotation:    true,
		},
		AccessPolicy:  vault.CentralVaultAccessPolicy(testOrgID, vault.DenyRecoveryPointChanges("arn:aws:iam::"+testAccount+":role/BackupAdmin")),
		Lock:          &vault.Lock{MinRetentionDays: 1, MaxRetentionDays: 3650, ChangeableForDays: 3},
		AirGapped:     &vault.AirGapped{Name: "central-airgapped", MinRetentionDays: 7, MaxRetentionDays: 365},
		Notifications: &vault.Notifications{Topic: "backup-events", Events: []string{"COPY_JOB_FAILED", "BACKUP_JOB_COMPLETED"}, Emails: []string{"ops@example.com", "backup-team@example.com"}},
		Tags:          tags(),
	}
}

func customerKeys(t *testing.T, e *vaultEnv) []string {
	t.Helper()
	out, err := e.kms.ListKeys(context.Background(), &awskms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range out.Keys {
		d, err := e.kms.DescribeKey(context.Background(), &awskms.DescribeKeyInput{KeyId: k.KeyId})
		if err != nil {
			t.Fatal(err)
		}
		if d.KeyMetadata.KeyManager == "CUSTOMER" {
			ids = append(ids, aws.ToString(k.KeyId))
		}
	}
	return ids
}

func TestConvergeFromEmpty(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := fullDesired()
	chs := e.converge(t, d)
	want := []string{
		"create kms_key/alias/orgbackup/central",
		"create backup_vault/central-backup",
		"create air_gapped_vault/central-airgapped irreversible",
		"create vault_access_policy/central-backup",
		"create vault_lock/central-backup irreversible",
		"create sns_topic/backup-events",
		"create vault_notifications/central-backup",
	}
	if diff := cmp.Diff(want, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
	deps := map[string][]string{}
	for _, ch := range chs {
		deps[ch.Kind] = nil
		for _, d := range ch.DependsOn {
			deps[ch.Kind] = append(deps[ch.Kind], d.Kind+"/"+d.Name)
		}
	}
	wantDeps := map[string][]string{
		"kms_key":             nil,
		"backup_vault":        {"kms_key/alias/orgbackup/central"},
		"air_gapped_vault":    nil,
		"vault_access_policy": {"backup_vault/central-backup"},
		"vault_lock":          {"backup_vault/central-backup"},
		"sns_topic":           nil,
		"vault_notifications": {"backup_vault/central-backup", "sns_topic/backup-events"},
	}
	if diff := cmp.Diff(wantDeps, deps); diff != "" {
		t.Errorf("DependsOn mismatch (-want +got):\n%s", diff)
	}

	ctx := context.Background()
	st, err := vault.Read(ctx, e.c.Readers(), testAccount, testRegion, d.Vault, d.Key.Alias, d.Notifications.Topic)
	if err != nil {
		t.Fatal(err)
	}
	if st.Vault.EncryptionKeyARN != st.Key.ARN {
		t.Errorf("vault key = %s, want the key %s", st.Vault.EncryptionKeyARN, st.Key.ARN)
	}
	if !st.Key.Rotation {
		t.Error("key rotation is off")
	}
	if st.Vault.Lock == nil || st.Vault.Lock.LockDate == nil || st.Vault.Lock.MinRetentionDays != 1 || st.Vault.Lock.MaxRetentionDays != 3650 {
		t.Errorf("vault lock = %+v, want a compliance lock 1..3650", st.Vault.Lock)
	}
	if want := e.srv.Now().Add(3 * 24 * time.Hour); st.Vault.Lock != nil && st.Vault.Lock.LockDate != nil && !st.Vault.Lock.LockDate.Equal(want) {
		t.Errorf("lock date = %s, want %s", st.Vault.Lock.LockDate, want)
	}
	if diff := cmp.Diff(tags(), st.Vault.Tags); diff != "" {
		t.Errorf("vault tags mismatch (-want +got):\n%s", diff)
	}
	if got := st.Key.Tags[managedtags.KeyAlias]; got != "alias/orgbackup/central" {
		t.Errorf("key tag %s = %q", managedtags.KeyAlias, got)
	}
	var emails []string
	for _, s := range st.Topic.Subscriptions {
		emails = append(emails, s.Endpoint)
	}
	if diff := cmp.Diff([]string{"backup-team@example.com", "ops@example.com"}, emails); diff != "" {
		t.Errorf("subscriptions mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&vault.NotificationState{TopicARN: st.Topic.ARN, Events: []string{"BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED"}}, st.Vault.Notifications); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
	ag, err := vault.ReadAirGapped(ctx, e.c.Readers(), testAccount, testRegion, "central-airgapped")
	if err != nil {
		t.Fatal(err)
	}
	if ag == nil || ag.VaultType != "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" || ag.Lock == nil || ag.Lock.MinRetentionDays != 7 || ag.Lock.MaxRetentionDays != 365 {
		t.Errorf("air-gapped vault = %+v", ag)
	}

	// Apply is idempotent: every change applied a second time changes
	// nothing and duplicates nothing.
	e.applyAll(t, chs)
	if again := e.plan(t, d); len(again) != 0 {
		t.Fatalf("Plan() after re-Apply = %s, want none", summary(again))
	}
	if n := len(customerKeys(t, e)); n != 1 {
		t.Errorf("customer keys = %d, want 1", n)
	}
	st2, err := vault.Read(ctx, e.c.Readers(), testAccount, testRegion, d.Vault, d.Key.Alias, d.Notifications.Topic)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st.Topic.Subscriptions, st2.Topic.Subscriptions); diff != "" {
		t.Errorf("subscriptions changed by re-Apply (-before +after):\n%s", diff)
	}
	if !st2.Vault.Lock.LockDate.Equal(*st.Vault.Lock.LockDate) {
		t.Errorf("re-Apply moved the lock date from %s to %s", st.Vault.Lock.LockDate, st2.Vault.Lock.LockDate)
	}
}

func TestConvergeMinimal(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{Account: testAccount, Region: testRegion, Vault: "local", Tags: tags()}
	chs := e.converge(t, d)
	if diff := cmp.Diff([]string{"create backup_vault/local"}, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
}

// TestUpdates changes one thing at a time on a converged vault and checks
// the plan has exactly that update, and converges.
func TestUpdates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(d *vault.Desired) // before the first converge
		change func(d *vault.Desired)
		want   []string
	}{
		{
			name: "key policy",
			change: func(d *vault.Desired) {
				d.Key.Policy = vault.WorkloadKeyPolicy(testAccount, testRegion, "333333333333")
			},
			want: []string{"update kms_key/alias/orgbackup/central"},
		},
		{
			name:   "key rotation on",
			setup:  func(d *vault.Desired) { d.Key.Rotation = false },
			change: func(d *vault.Desired) { d.Key.Rotation = true },
			want:   []string{"update kms_key/alias/orgbackup/central"},
		},
		{
			name:   "lock maximum raised",
			change: func(d *vault.Desired) { d.Lock.MaxRetentionDays = 7300 },
			want:   []string{"update vault_lock/central-backup"},
		},
		{
			name:   "access policy",
			change: func(d *vault.Desired) { d.AccessPolicy = vault.CentralVaultAccessPolicy("o-otherorg22") },
			want:   []string{"update vault_access_policy/central-backup"},
		},
		{
			name:   "access policy removed",
			change: func(d *vault.Desired) { d.AccessPolicy = "" },
			want:   []string{"delete vault_access_policy/central-backup destructive"},
		},
		{
			name:   "lock tightened, still governance",
			change: func(d *vault.Desired) { d.Lock = &vault.Lock{MinRetentionDays: 7, MaxRetentionDays: 3650} },
			want:   []string{"update vault_lock/central-backup"},
		},
		{
			name:   "lock loosened",
			change: func(d *vault.Desired) { d.Lock = &vault.Lock{MinRetentionDays: 1, MaxRetentionDays: 3650} },
			want:   []string{"update vault_lock/central-backup destructive"},
		},
		{
			name:   "lock to compliance",
			change: func(d *vault.Desired) { d.Lock.ChangeableForDays = 3 },
			want:   []string{"update vault_lock/central-backup irreversible"},
		},
		{
			name:   "lock removed",
			change: func(d *vault.Desired) { d.Lock = nil },
			want:   []string{"delete vault_lock/central-backup destructive"},
		},
		{
			// Dropping events is less protection: destructive.
			name:   "notification events",
			change: func(d *vault.Desired) { d.Notifications.Events = []string{"RESTORE_JOB_COMPLETED"} },
			want:   []string{"update vault_notifications/central-backup destructive"},
		},
		{
			name: "notification event added",
			change: func(d *vault.Desired) {
				d.Notifications.Events = append(d.Notifications.Events, "RESTORE_JOB_COMPLETED")
			},
			want: []string{"update vault_notifications/central-backup"},
		},
		{
			name:   "notification emails",
			change: func(d *vault.Desired) { d.Notifications.Emails = append(d.Notifications.Emails, "oncall@example.com") },
			want:   []string{"update sns_topic/backup-events"},
		},
		{
			name: "topic policy",
			change: func(d *vault.Desired) {
				d.Notifications.TopicPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["backup.amazonaws.com"]},"Action":["sns:Publish"],"Resource":"*"}]}`
			},
			want: []string{"update sns_topic/backup-events"},
		},
		{
			name:   "notifications removed",
			change: func(d *vault.Desired) { d.Notifications = nil },
			want:   []string{"delete vault_notifications/central-backup destructive"},
		},
		{
			name: "tags",
			change: func(d *vault.Desired) {
				d.Tags = map[string]string{managedtags.Managed: "true", managedtags.Spec: "prod", "team": "platform"}
			},
			want: []string{
				"update kms_key/alias/orgbackup/central",
				"update backup_vault/central-backup",
				"update sns_topic/backup-events",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newVaultEnv(t)
			d := fullDesired()
			d.AirGapped = nil
			d.Lock = &vault.Lock{MinRetentionDays: 3, MaxRetentionDays: 3650}
			if tt.setup != nil {
				tt.setup(&d)
			}
			e.converge(t, d)
			tt.change(&d)
			chs := e.converge(t, d)
			if diff := cmp.Diff(tt.want, summary(chs)); diff != "" {
				t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
			}
			for _, ch := range chs {
				if ch.Reason == "" {
					t.Errorf("%s %s has no Reason", ch.Action, ch.Kind)
				}
			}
		})
	}
}

func TestReplaceVaultKey(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{Account: testAccount, Region: testRegion, Vault: "local", Tags: tags(),
		AccessPolicy: vault.WorkloadVaultAccessPolicy(emulator.BackupAccountID)}
	e.converge(t, d)

	// From the AWS managed key to a customer managed key.
	d.Key = &vault.Key{Alias: "alias/orgbackup/local", Policy: vault.WorkloadKeyPolicy(testAccount, testRegion, emulator.BackupAccountID)}
	chs := e.converge(t, d)
	want := []string{
		"create kms_key/alias/orgbackup/local",
		"replace backup_vault/local destructive",
		"create vault_access_policy/local",
	}
	if diff := cmp.Diff(want, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
	if r := chs[1].Reason; !strings.Contains(r, "cannot change a vault's encryption key") || !strings.Contains(r, "empty") {
		t.Errorf("replace Reason = %q, want it to say AWS cannot change the key and the vault must be empty", r)
	}
	st, err := vault.Read(context.Background(), e.c.Readers(), testAccount, testRegion, "local", "orgbackup/local", "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Vault.EncryptionKeyARN != st.Key.ARN {
		t.Errorf("vault key = %s, want %s", st.Vault.EncryptionKeyARN, st.Key.ARN)
	}

	// From that key to another: the old key, made by orgbackup, is
	// reported for deletion, which Apply refuses.
	d.Key = &vault.Key{Alias: "orgbackup/local-v2"}
	chs = e.plan(t, d)
	want = []string{
		"create kms_key/alias/orgbackup/local-v2",
		"replace backup_vault/local destructive",
		"delete kms_key/alias/orgbackup/local destructive",
		"create vault_access_policy/local",
	}
	if diff := cmp.Diff(want, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
	for _, ch := range chs {
		err := vault.Apply(context.Background(), e.c, ch, e.opts)
		if ch.Kind == vault.KindKey && ch.Action == plan.Delete {
			if !errors.Is(err, vault.ErrRefused) {
				t.Errorf("Apply(delete kms_key) error = %v, want ErrRefused", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Apply(%s %s) error = %v", ch.Action, ch.Kind, err)
		}
	}
	// The old key is still there and still reported; nothing else.
	if got := summary(e.plan(t, d)); !cmp.Equal(got, []string{}) && !cmp.Equal(got, []string(nil)) {
		// The vault no longer uses the old key, so it is not found
		// through the vault any more.
		t.Errorf("Plan() after replace = %v, want none", got)
	}
	if n := len(customerKeys(t, e)); n != 2 {
		t.Errorf("customer keys = %d, want 2 (the old one is never deleted)", n)
	}
}

func TestLockFlags(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{Account: testAccount, Region: testRegion, Vault: "central", Tags: tags(),
		Lock: &vault.Lock{MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: 3}}
	chs := e.converge(t, d)
	if diff := cmp.Diff([]string{"create backup_vault/central", "create vault_lock/central irreversible"}, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
	if r := chs[1].Reason; !strings.Contains(r, "3 days") || !strings.Contains(r, "immutable") {
		t.Errorf("lock Reason = %q", r)
	}

	// In the grace period the lock can still change.
	d.Lock.MaxRetentionDays = 730
	grace := e.plan(t, d)
	if diff := cmp.Diff([]string{"update vault_lock/central irreversible"}, summary(grace)); diff != "" {
		t.Errorf("Plan() in grace mismatch (-want +got):\n%s", diff)
	}

	// After the lock date the lock is immutable: the plan says so and
	// Apply refuses before sending anything.
	later := func(o *vault.Options) { o.Now = func() time.Time { return e.srv.Now().Add(4 * 24 * time.Hour) } }
	chs = e.plan(t, d, later)
	if diff := cmp.Diff([]string{"update vault_lock/central destructive irreversible"}, summary(chs)); diff != "" {
		t.Errorf("Plan() after lock date mismatch (-want +got):\n%s", diff)
	}
	if r := chs[0].Reason; !strings.Contains(r, "immutable since 2026-01-04T00:00:00Z") || !strings.Contains(r, "cannot be applied") {
		t.Errorf("immutable lock Reason = %q", r)
	}
	e.srv.ResetCallStats()
	err := vault.Apply(context.Background(), e.c, chs[0], later)
	if !errors.Is(err, vault.ErrRefused) {
		t.Fatalf("Apply() error = %v, want ErrRefused", err)
	}
	for _, s := range e.srv.CallStats() {
		if s.Operation == "PutBackupVaultLockConfiguration" {
			t.Errorf("Apply sent PutBackupVaultLockConfiguration for an immutable lock")
		}
	}
	d.Lock = nil
	chs = e.plan(t, d, later)
	if diff := cmp.Diff([]string{"delete vault_lock/central destructive irreversible"}, summary(chs)); diff != "" {
		t.Errorf("Plan() deleting immutable lock mismatch (-want +got):\n%s", diff)
	}
	if err := vault.Apply(context.Background(), e.c, chs[0], later); !errors.Is(err, vault.ErrRefused) {
		t.Errorf("Apply(delete) error = %v, want ErrRefused", err)
	}
}

func TestAirGappedReplace(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{Account: testAccount, Region: testRegion, Vault: "local", Tags: tags(),
		AirGapped: &vault.AirGapped{Name: "airgapped", MinRetentionDays: 7, MaxRetentionDays: 30}}
	e.converge(t, d)
	d.AirGapped.MaxRetentionDays = 90
	chs := e.converge(t, d)
	if diff := cmp.Diff([]string{"replace air_gapped_vault/airgapped destructive irreversible"}, summary(chs)); diff != "" {
		t.Errorf("Plan() mismatch (-want +got):\n%s", diff)
	}
}

// TestFaultMidway fails one call in the middle of an apply, then plans
// and applies again: the result converges without duplicates.
func TestFaultMidway(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault emulator.Fault
	}{
		{"access policy", emulator.Fault{Service: "backup", Operation: "PutBackupVaultAccessPolicy", FailNext: 1}},
		{"alias after key", emulator.Fault{Service: "kms", Operation: "CreateAlias", FailNext: 1}},
		{"rotation after key", emulator.Fault{Service: "kms", Operation: "EnableKeyRotation", FailNext: 1}},
		{"subscription", emulator.Fault{Service: "sns", Operation: "Subscribe", FailNext: 1}},
		{"vault creation", emulator.Fault{Service: "backup", Operation: "CreateBackupVault", FailNext: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newVaultEnv(t)
			e.srv.AddFault(tt.fault)
			d := fullDesired()
			failed := false
			for _, ch := range e.plan(t, d) {
				if err := vault.Apply(context.Background(), e.c, ch, e.opts); err != nil {
					failed = true
					break
				}
			}
			if !failed {
				t.Fatal("no Apply failed; the fault did not fire")
			}
			e.converge(t, d)
			if n := len(customerKeys(t, e)); n != 1 {
				t.Errorf("customer keys = %d, want 1", n)
			}
			st, err := vault.Read(context.Background(), e.c.Readers(), testAccount, testRegion, d.Vault, d.Key.Alias, d.Notifications.Topic)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(st.Topic.Subscriptions); n != 2 {
				t.Errorf("subscriptions = %d, want 2", n)
			}
		})
	}
}

func TestPlanDoesNotMutate(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	e.srv.ResetCallStats()
	e.plan(t, fullDesired())
	for _, s := range e.srv.CallStats() {
		op := s.Operation
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") {
			t.Errorf("Plan called %s %s", s.Service, op)
		}
	}
}

func TestPlanValidation(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{
		Account:       "12",
		Vault:         "x",
		Key:           &vault.Key{Alias: "alias/aws/backup", Policy: "{"},
		Lock:          &vault.Lock{MinRetentionDays: 10, MaxRetentionDays: 5, ChangeableForDays: 1},
		AirGapped:     &vault.AirGapped{Name: "ag", MinRetentionDays: 1, MaxRetentionDays: 5},
		Notifications: &vault.Notifications{Topic: "t.fifo", Events: []string{"BACKUP_JOB_FAILED", "NOPE", "COPY_JOB_FAILED"}, Emails: []string{"nobody"}},
	}
	_, err := vault.Plan(context.Background(), e.c.Readers(), d)
	if err == nil {
		t.Fatal("Plan() error = nil")
	}
	for _, want := range []string{"account:", "region:", "vault:", "key.alias:", "key.policy:", "lock:", "lock.changeable_for_days:", "air_gapped:", "notifications.topic: AWS Backup cannot publish to FIFO", "notifications.events[0]: BACKUP_JOB_FAILED is deprecated", "notifications.events[1]: unknown", "notifications.emails[0]:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Plan() error lacks %q:\n%v", want, err)
		}
	}
}

// TestChangeJSON checks that a change survives a JSON round trip (the
// engine stores plans as JSON) and still applies.
func TestChangeJSON(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := fullDesired()
	for _, ch := range e.plan(t, d) {
		b, err := json.Marshal(ch)
		if err != nil {
			t.Fatal(err)
		}
		var back plan.Change
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if err := vault.Apply(context.Background(), e.c, back, e.opts); err != nil {
			t.Fatalf("Apply(%s) error = %v", ch.Kind, err)
		}
	}
	if again := e.plan(t, d); len(again) != 0 {
		t.Errorf("Plan() = %v, want none", summary(again))
	}
}

// fullVaultBackup reports every vault as holding recovery points, which
// the emulator cannot seed; everything else goes to the emulator.
type fullVaultBackup struct {
	vault.BackupWriter
}

func (f fullVaultBackup) DescribeBackupVault(ctx context.Context, in *awsbackup.DescribeBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error) {
	out, err := f.BackupWriter.DescribeBackupVault(ctx, in, optFns...)
	if err == nil {
		out.NumberOfRecoveryPoints = 5
	}
	return out, err
}

func TestReplaceRefusesNonEmptyVault(t *testing.T) {
	t.Parallel()
	e := newVaultEnv(t)
	d := vault.Desired{Account: testAccount, Region: testRegion, Vault: "local", Tags: tags()}
	e.converge(t, d)
	c := e.c
	c.Backup = fullVaultBackup{e.bk}
	d.Key = &vault.Key{Alias: "orgbackup/local"}
	chs, err := vault.Plan(context.Background(), c.Readers(), d, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"create kms_key/alias/orgbackup/local", "replace backup_vault/local destructive"}, summary(chs)); diff != "" {
		t.Fatalf("Plan() mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(chs[1].Reason, "holds 5 recovery points") {
		t.Errorf("Reason = %q, want the recovery point count", chs[1].Reason)
	}
	if err := vault.Apply(context.Background(), c, chs[0], e.opts); err != nil {
		t.Fatal(err)
	}
	err = vault.Apply(context.Background(), c, chs[1], e.opts)
	if !errors.Is(err, vault.ErrRefused) {
		t.Fatalf("Apply(replace) error = %v, want ErrRefused", err)
	}
	if _, err := e.bk.DescribeBackupVault(context.Background(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Errorf("the vault is gone after a refused replace: %v", err)
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, e *vaultEnv)
		d     vault.Desired
		want  string
	}{
		{
			name: "vault is air-gapped",
			setup: func(t *testing.T, e *vaultEnv) {
				e.converge(t, vault.Desired{Account: testAccount, Region: testRegion, Vault: "other",
					AirGapped: &vault.AirGapped{Name: "v1", MinRetentionDays: 7, MaxRetentionDays: 7}})
			},
			d:    vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1"},
			want: "not a backup vault",
		},
		{
			name: "air-gapped vault is a backup vault",
			setup: func(t *testing.T, e *vaultEnv) {
				e.converge(t, vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1"})
			},
			d:    vault.Desired{Account: testAccount, Region: testRegion, Vault: "v2", AirGapped: &vault.AirGapped{Name: "v1", MinRetentionDays: 7, MaxRetentionDays: 7}},
			want: "not a logically air-gapped vault",
		},
		{
			name: "key pending deletion",
			setup: func(t *testing.T, e *vaultEnv) {
				e.converge(t, vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1", Key: &vault.Key{Alias: "k"}})
				k, err := e.kms.DescribeKey(context.Background(), &awskms.DescribeKeyInput{KeyId: aws.String("alias/k")})
				if err != nil {
					t.Fatal(err)
				}
				// ScheduleKeyDeletion takes a key ID or ARN, not an alias.
				if _, err := e.kms.ScheduleKeyDeletion(context.Background(), &awskms.ScheduleKeyDeletionInput{KeyId: k.KeyMetadata.KeyId}); err != nil {
					t.Fatal(err)
				}
			},
			d:    vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1", Key: &vault.Key{Alias: "k"}},
			want: "pending deletion",
		},
		{
			name: "notifications without SNS client",
			d:    vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1", Notifications: &vault.Notifications{Topic: "t", Events: []string{"COPY_JOB_FAILED"}}},
			want: "SNS client",
		},
		{
			name: "empty events",
			d:    vault.Desired{Account: testAccount, Region: testRegion, Vault: "v1", Notifications: &vault.Notifications{Topic: "t"}},
			want: "notifications.events: must list at least one event",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newVaultEnv(t)
			if tt.setup != nil {
				tt.setup(t, e)
			}
			c := e.c
			if tt.name == "notifications without SNS client" {
				c.SNS = nil
			}
			_, err := vault.Plan(context.Background(), c.Readers(), tt.d, e.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Plan() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
