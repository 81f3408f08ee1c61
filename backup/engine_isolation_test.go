package backup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// TestFailureSkipsOnlyDependents checks that a failed change skips the
// changes that depend on it and nothing else in its account and Region,
// and that the summary tells failed, skipped and applied apart.
func TestFailureSkipsOnlyDependents(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec), func(o *crossaccount.Options) { o.MaxAttempts = 1 })
	p := org.plan(t)
	// The central vault in us-east-1 cannot be created.
	org.srv.AddFault(emulator.Fault{Service: "backup", Operation: "CreateBackupVault", Account: "222222222222", FailNext: 1})
	res := org.apply(t, p, allowAll)
	outcome := map[string]backup.Outcome{}
	for _, c := range res.Changes {
		outcome[c.Address.String()] = c.Outcome
	}
	const scope = "222222222222/us-east-1/"
	want := map[string]backup.Outcome{
		scope + "backup_vault/central-backup":        backup.Failed,
		scope + "vault_access_policy/central-backup": backup.Skipped,
		scope + "vault_lock/central-backup":          backup.Skipped,
		scope + "vault_notifications/central-backup": backup.Skipped,
		// Same account and Region, independent of the vault.
		scope + "sns_topic/orgbackup-notifications":       backup.Applied,
		scope + "report_plan/orgbackup_backup_job_report": backup.Applied,
	}
	for addr, w := range want {
		got, ok := outcome[addr]
		if !ok {
			t.Errorf("%s is not in the plan; plan:\n%s", addr, planText(p))
			continue
		}
		if got != w {
			t.Errorf("%s: outcome %s, want %s", addr, got, w)
		}
	}
	for _, c := range res.Changes {
		var skipped *backup.SkippedError
		if c.Outcome == backup.Skipped && !errors.As(c.Err, &skipped) {
			t.Errorf("%s was skipped with %v, want a SkippedError", c.Address, c.Err)
		}
	}
	applied, failed, skipped := res.Counts()
	sum := res.Summary()
	for _, part := range []string{"failed " + scope + "backup_vault/central-backup", "skipped " + scope + "vault_lock/central-backup"} {
		if !strings.Contains(sum, part) {
			t.Errorf("summary lacks %q:\n%s", part, sum)
		}
	}
	if failed != 1 || skipped == 0 || applied == 0 || !strings.HasPrefix(sum, "Apply: ") {
		t.Errorf("counts %d applied, %d failed, %d skipped; summary:\n%s", applied, failed, skipped, sum)
	}
	org.srv.ClearFaults()
	org.converge(t)
}
