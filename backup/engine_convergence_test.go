package backup_test

import (
	"testing"
)

// TestEveryChangeConverges runs plan → apply → plan for spec field
// changes touching every kind, from a converged organization: the second
// plan must be empty (no change, no check), so no plan holds a change
// Apply always refuses or that comes back after it is applied.
func TestEveryChangeConverges(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"key alias":             {"  alias: alias/orgbackup", "  alias: alias/orgbackup-v2"},
		"spec tags":             {"cost-center: platform", "cost-center: storage"},
		"notification emails":   {"emails: [backup-team@example.com]", "emails: [backup-team@example.com, oncall@example.com]"},
		"notification events":   {"events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]", "events: [BACKUP_JOB_COMPLETED]"},
		"notifications removed": {"notifications:\n  events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]\n  emails: [backup-team@example.com]\n", ""},
		"local retention":       {"  production: {targets: [Production]}", "  production: {targets: [Production], local_retention: 60d}"},
		"central retention":     {"  production: {targets: [Production]}", "  production: {targets: [Production], central_retention: 400d}"},
		// Of EBS only, the tier's plans carry their secondary copy
		// (no RDS-family type to route through the central vault).
		"no cross-region copy": {"  production: {targets: [Production]}", "  production: {targets: [Production], selection: {resource_types: [EBS]}, cross_region: false}"},
		"selection":            {"  production: {targets: [Production]}", "  production: {targets: [Production], selection: {resource_types: [EFS]}}"},
		"tier removed":         {"  development: {targets: [Development]}\n", ""},
		"lock bounds in grace": {"max_retention: 3650d", "max_retention: 3000d"},
		"report formats":       {"formats: [CSV]", "formats: [CSV, JSON]"},
		"framework controls":   {"controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]", "controls: [BACKUP_RECOVERY_POINT_ENCRYPTED, BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED]"},
		"direct distribution":  {"  regions: {primary: us-east-1, secondary: us-west-2}\n", "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: direct\n"},
		"local vault renamed":  {"  vault: local-backup", "  vault: local-backup-v2"},
		// The kinds added with restore testing, alerting and budgets.
		// (Access roles are applied by the bootstrap, and a legal hold
		// only once there are recovery points to hold: their own tests
		// converge them.)
		"restore testing":        {"  production: {targets: [Production]}", "  production: {targets: [Production], restore_testing: {schedule: \"cron(0 6 2 * ? *)\", count: 2}}"},
		"tier recipients":        {"emails: [backup-team@example.com]", "emails: [backup-team@example.com]\n  tier_emails: {production: [prod-team@example.com]}"},
		"budget":                 {"tags:\n", "cost:\n  budgets:\n    - {name: backup-spend, monthly_limit: 100, thresholds: [80, 100]}\ntags:\n"},
		"central vault lock off": {"  lock: {mode: compliance, min_retention: 1d, max_retention: 3650d, changeable_for_days: 30}\n", ""},
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newSpecOrg(t, parseSpec(t, baseSpec))
			org.converge(t)
			org.respec(t, editSpec(t, baseSpec, edit...))
			p := org.plan(t)
			if len(p.Checks) > 0 {
				t.Fatalf("plan has checks:\n%s", planText(p))
			}
			if !p.HasChanges() {
				t.Fatalf("the edit plans nothing")
			}
			if res := org.apply(t, p, allowAll); res.Err() != nil {
				t.Fatalf("apply: %v\nplan:\n%s", res.Err(), planText(p))
			}
			org.wantConverged(t)
		})
	}
}
