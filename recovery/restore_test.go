package recovery_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/orgtest"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

const testSpec = `version: 1
name: recovery-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]}
  development: {targets: [Development]}
central:
  vault: central-backup
local:
  vault: local-backup
`

// recoveryAccount is an account outside every tier, where restores land.
const recoveryAccount = "666666666666"

// testOrg is an emulated organization with the spec deployed, production
// resources backed up and copied, and a recovery account.
type testOrg struct {
	srv             *emulator.Server
	sp              *spec.Spec
	rds, efs, devDB string
}

func newTestOrg(t *testing.T) *testOrg {
	t.Helper()
	org := emulator.DefaultOrganization()
	org.Units = append(org.Units, emulator.Unit{ID: "ou-root-recovery1", Name: "Recovery", Accounts: []emulator.Account{{ID: recoveryAccount, Name: "recovery"}}})
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = org })
	t.Cleanup(srv.Close)
	sp, err := spec.Parse("inline.yaml", []byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	o := &testOrg{srv: srv, sp: sp}
	prod := map[string]string{"backup-tier": "production", "app": "orders"}
	o.rds = srv.AddResource("333333333333", "us-east-1", emulator.RDSInstance, "orders-db", prod, 40<<30)
	o.efs = srv.AddResource("333333333333", "us-east-1", emulator.EFSFileSystem, "", map[string]string{"backup-tier": "production", "app": "files"}, 8<<30)
	o.devDB = srv.AddResource("555555555555", "us-east-1", emulator.RDSInstance, "dev-db", map[string]string{"backup-tier": "development"}, 1<<30)
	orgtest.Converge(t, srv, sp)
	srv.Advance(30 * time.Hour) // a daily backup and its copies
	return o
}

func (o *testOrg) restorer(progress *[]recovery.Progress) *recovery.Restorer {
	return recovery.NewRestorer(o.sp, orgtest.Fleet(o.srv, o.sp, false), func(opts *recovery.Options) {
		opts.Now = o.srv.Now
		opts.Sleep = func(context.Context, time.Duration) error { o.srv.Advance(time.Minute); return nil }
		opts.PollInterval = time.Minute
		if progress != nil {
			opts.Progress = func(p recovery.Progress) { *progress = append(*progress, p) }
		}
	})
}

// TestRestoreFromCentralIntoRecoveryAccount restores a production EFS
// file system and an RDS database from the central vault into a recovery
// account in the DR Region: each recovery point is copied back across
// accounts, then across Regions, before it is restored.
func TestRestoreFromCentralIntoRecoveryAccount(t *testing.T) {
	t.Parallel()
	o := newTestOrg(t)
	for _, tc := range []struct {
		name, arn, typ string
		min            time.Duration
	}{
		{"EFS", o.efs, "EFS", 10 * time.Minute},
		{"RDS", o.rds, "RDS", 20 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var progress []recovery.Progress
			res, err := o.restorer(&progress).Restore(context.Background(), recovery.Request{
				ResourceARN: tc.arn, From: recovery.FromCentral, TargetAccount: recoveryAccount, TargetRegion: "us-west-2",
			})
			if err != nil {
				t.Fatalf("Restore: %v", err)
			}
			if !strings.Contains(res.Vault, ":222222222222:backup-vault:central-backup") || !strings.HasPrefix(res.Vault, "arn:aws:backup:us-east-1:") {
				t.Errorf("restored from %s, want the central vault in us-east-1", res.Vault)
			}
			if len(res.Copies) != 2 || !strings.Contains(res.Copies[0], ":us-east-1:"+recoveryAccount+":") || !strings.Contains(res.Copies[1], ":us-west-2:"+recoveryAccount+":") {
				t.Errorf("copies = %v, want one into %s in us-east-1, then one into us-west-2", res.Copies, recoveryAccount)
			}
			if res.Account != recoveryAccount || res.Region != "us-west-2" || !strings.Contains(res.Restored, ":us-west-2:"+recoveryAccount+":") {
				t.Errorf("restored %s in %s/%s, want in %s/us-west-2", res.Restored, res.Account, res.Region, recoveryAccount)
			}
			found := false
			for _, r := range o.srv.Resources(recoveryAccount, "us-west-2") {
				found = found || r.ARN == res.Restored
			}
			if !found {
				t.Errorf("restored resource %s is not in the emulator's resources", res.Restored)
			}
			if res.Duration < tc.min+res.CopyDuration || res.CopyDuration <= 0 {
				t.Errorf("duration %s (copies %s), want at least %s of restore after the copies", res.Duration, res.CopyDuration, tc.min)
			}
			steps := map[recovery.Step]bool{}
			for _, p := range progress {
				steps[p.Step] = true
			}
			for _, s := range []recovery.Step{recovery.StepLocate, recovery.StepCopy, recovery.StepRestore, recovery.StepDone} {
				if !steps[s] {
					t.Errorf("no %s progress reported", s)
				}
			}
		})
	}
}

// TestRestoreRefusals checks what Restore refuses.
func TestRestoreRefusals(t *testing.T) {
	t.Parallel()
	o := newTestOrg(t)
	ctx := context.Background()
	r := o.restorer(nil)
	// A restore under the name of the existing database.
	_, err := r.Restore(ctx, recovery.Request{ResourceARN: o.rds, Name: "orders-db"})
	var exists *recovery.ExistsError
	if !errors.As(err, &exists) {
		t.Errorf("restore over the existing database: err = %v, want ExistsError", err)
	}
	// In place into the existing file system.
	if _, err := r.Restore(ctx, recovery.Request{ResourceARN: o.efs, Metadata: map[string]string{"newFileSystem": "false"}}); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("in-place EFS restore: err = %v, want a refusal", err)
	}
	// By tag: two resources of the account carry backup-tier=production.
	if _, err := r.Restore(ctx, recovery.Request{TagKey: "backup-tier", TagValue: "production", Account: "333333333333"}); err == nil || !strings.Contains(err.Error(), "2 resources") {
		t.Errorf("ambiguous tag: err = %v, want 2 resources named", err)
	}
	// By a tag naming one, from the local vault, in place of its account.
	res, err := r.Restore(ctx, recovery.Request{TagKey: "app", TagValue: "orders", Account: "333333333333"})
	if err != nil {
		t.Fatalf("restore by tag: %v", err)
	}
	if res.Source != o.rds || len(res.Copies) != 0 || res.Account != "333333333333" {
		t.Errorf("restore by tag: source %s, copies %v, account %s; want %s restored in place without copies", res.Source, res.Copies, res.Account, o.rds)
	}
	// A development tier keeps no central copy.
	if _, err := r.Restore(ctx, recovery.Request{ResourceARN: o.devDB, From: recovery.FromCentral}); err == nil || !strings.Contains(err.Error(), "no completed recovery point") {
		t.Errorf("development database from the central vault: err = %v", err)
	}
}
