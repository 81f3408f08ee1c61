package report

import (
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/spec"
)

// testSpecYAML is a spec whose tiers have explicit windows and
// objectives equal to what the schedule guarantees, so they are easy to
// compute by hand: production daily at 02:00 UTC with 1h+2h windows (rpo
// 27h), development weekly on Sunday at 04:00 UTC (rpo 7d3h), and a daily
// tier in New York time without an rpo (its schedule limit is the
// objective).
const testSpecYAML = `version: 1
name: test-org
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: { primary: us-east-1, secondary: us-west-2 }
tiers:
  production:
    targets: [Production]
    start_window: 1h
    completion_window: 2h
    rpo: 27h
  development:
    targets: [Development]
    start_window: 1h
    completion_window: 2h
    rpo: 171h
  newyork:
    preset: none
    schedule: "cron(30 2 * * ? *)"
    timezone: America/New_York
    start_window: 1h
    completion_window: 2h
    local_retention: 7d
    targets: [Staging]
central:
  vault: central
  lock: { mode: compliance, min_retention: 1d, max_retention: 3650d, changeable_for_days: 3 }
local:
  vault: local
`

func testSpec(t testing.TB) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("test.yaml", []byte(testSpecYAML))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

var testEnd = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

const (
	prodAccount = "333333333333"
	devAccount  = "555555555555"
	nyAccount   = "444444444444"
	centralARN  = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
)

func ec2ARN(account, id string) string { return "arn:aws:ec2:us-east-1:" + account + ":instance/" + id }

// testInventory is a hand-built inventory covering each status.
func testInventory() *Inventory {
	inv := NewInventory(LastDays(testEnd, 3))
	inv.Accounts = map[string][]string{prodAccount: {"production"}, devAccount: {"development"}, nyAccount: {"newyork"}}
	inv.AccountNames = map[string]string{prodAccount: "prod-1", devAccount: "dev-1", nyAccount: "stage-1"}
	add := func(account, id, tier string, f func(r *ResourceData)) {
		r := inv.resource(ec2ARN(account, id), account, "us-east-1", "EC2", id)
		r.Tagged = true
		r.Tags = map[string]string{"backup-tier": tier}
		f(r)
	}
	ago := func(d time.Duration) time.Time { return testEnd.Add(-d) }
	add(prodAccount, "i-ok", "production", func(r *ResourceData) {
		r.LastJobSuccess, r.JobsCompleted = ago(10*time.Hour), 3
		r.LastCentralCopy, r.LastSecondaryCopy = ago(9*time.Hour), ago(9*time.Hour)
		r.CopiesCompleted = 6
		r.LocalWarm, r.CentralWarm, r.SecondaryWarm = 10<<30, 10<<30, 10<<30
	})
	add(prodAccount, "i-edge", "production", func(r *ResourceData) {
		r.LastRecoveryPoint = ago(27 * time.Hour)
		r.LastCentralCopy, r.LastSecondaryCopy = ago(27*time.Hour), ago(51*time.Hour+time.Minute)
		r.LocalWarm = 5 << 30
	})
	add(prodAccount, "i-late", "production", func(r *ResourceData) {
		r.LastProtected = ago(27*time.Hour + time.Minute)
		r.LastCentralCopy, r.LastSecondaryCopy = ago(20*time.Hour), ago(20*time.Hour)
		// Its last two jobs failed: the backup role was deleted.
		const msg = "Unable to assume role arn:aws:iam::333333333333:role/OrgBackupServiceRole. The role does not exist."
		r.JobsFailed, r.LastFailureState, r.LastFailureMessage, r.LastFailure = 2, "FAILED", msg, ago(2*time.Hour)
		for _, at := range []time.Time{ago(26 * time.Hour), ago(2 * time.Hour)} {
			r.failures = append(r.failures, at.Unix())
			inv.addFailure(prodAccount, r.ARN, "FAILED", msg, "arn:aws:iam::333333333333:role/OrgBackupServiceRole", at)
		}
	})
	add(prodAccount, "i-bare", "", func(r *ResourceData) { r.Tags = map[string]string{} })
	add(prodAccount, "i-nocopy", "production", func(r *ResourceData) {
		r.LastJobSuccess, r.JobsCompleted = ago(time.Hour), 1
		r.LastCentralCopy = ago(time.Hour)
		r.CopiesFailed, r.LastCopyFailureMessage = 2, "Access denied to the destination vault"
	})
	add(prodAccount, "i-never", "production", func(r *ResourceData) {})
	add(prodAccount, "i-stray", "testing", func(r *ResourceData) {
		r.LastJobSuccess, r.JobsCompleted = ago(time.Hour), 1
	})
	add(devAccount, "i-weekly", "development", func(r *ResourceData) {
		r.LastJobSuccess, r.JobsCompleted = ago(7*24*time.Hour+3*time.Hour), 1
		r.LocalWarm, r.LocalCold = 1<<30, 100<<30
	})
	add(devAccount, "i-weekly-late", "development", func(r *ResourceData) {
		r.LastJobSuccess = ago(7*24*time.Hour + 3*time.Hour + time.Second)
	})
	add(nyAccount, "i-ny", "newyork", func(r *ResourceData) {
		r.LastJobSuccess = ago(26 * time.Hour)
	})
	// Each resource's newest backups are its recovery points.
	for _, r := range inv.Resources {
		for _, t := range []time.Time{r.LastJobSuccess, r.LastRecoveryPoint, r.LastProtected} {
			r.Local.add(inv.Window, t, t)
		}
		r.Central.add(inv.Window, r.LastCentralCopy, r.LastCentralCopy)
		r.Secondary.add(inv.Window, r.LastSecondaryCopy, r.LastSecondaryCopy)
	}
	for i, c := range []DayCounts{{Completed: 4}, {Completed: 3, Failed: 1}, {Failed: 2}, {Running: 1}} {
		*inv.day(prodAccount, i) = c
	}
	*inv.day(devAccount, 0) = DayCounts{Completed: 1}
	lockDate := testEnd.Add(-30 * 24 * time.Hour)
	inv.Vaults = []VaultData{
		{Role: "central", Account: "222222222222", Region: "us-east-1", Name: "central", Exists: true, Locked: true, LockDate: &lockDate, MinRetentionDays: 1, MaxRetentionDays: 3650,
			KeyARN: "arn:aws:kms:us-east-1:222222222222:key/c1", KeyManager: "CUSTOMER", KeyRotation: true},
		{Role: "central", Account: "222222222222", Region: "us-west-2", Name: "central", Exists: true, Locked: true,
			KeyARN: "arn:aws:kms:us-west-2:222222222222:key/c2", KeyManager: "CUSTOMER", KeyRotation: true},
		{Role: "local", Account: prodAccount, Region: "us-east-1", Name: "local", Exists: true,
			KeyARN: "arn:aws:kms:us-east-1:333333333333:key/aws", KeyManager: "AWS", KeyRotation: true},
		{Role: "local", Account: devAccount, Region: "us-east-1", Name: "local", Exists: false},
	}
	inv.Warnings = []string{"444444444444/us-east-1: listing tagged resources: throttled"}
	return inv
}
