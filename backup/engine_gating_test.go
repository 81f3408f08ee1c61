package backup_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/orgbackup/orgbackup/backup"
)

// TestDestructiveGating checks that weakening changes are marked
// destructive, that Apply refuses them without AllowDestructive before a
// single mutating call, and applies them with it.
func TestDestructiveGating(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		base        string // the spec before the edit; default baseSpec
		edit        []string
		destructive []string // addresses of the destructive changes
		reason      string   // part of the policy change's reason
	}{
		"shorter local retention": {
			edit:        []string{"  production: {targets: [Production]}", "  production: {targets: [Production], local_retention: 10d}"},
			destructive: []string{mgmt + "backup_policy/orgbackup-production"},
			reason:      "shortens",
		},
		"shorter central retention": {
			edit:        []string{"  production: {targets: [Production]}", "  production: {targets: [Production], central_retention: 365d}"},
			destructive: []string{mgmt + "backup_policy/orgbackup-production"},
			reason:      "shortens the retention of copies",
		},
		"removed cross-region copy": {
			base:        volumesSpec,
			edit:        []string{"resource_types: [EBS]}}", "resource_types: [EBS]}, cross_region: false}"},
			destructive: []string{mgmt + "backup_policy/orgbackup-production"},
			reason:      "removes the copy to arn:aws:backup:us-west-2:222222222222:backup-vault:central-backup",
		},
		"restricted to some resource types": {
			edit:        []string{"  production: {targets: [Production]}", "  production: {targets: [Production], selection: {resource_types: [EFS]}}"},
			destructive: []string{mgmt + "backup_policy/orgbackup-production"},
			reason:      "narrows selection",
		},
		"notifications removed": {
			edit: []string{"notifications:\n  events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]\n  emails: [backup-team@example.com]\n", ""},
			destructive: []string{
				"222222222222/us-east-1/vault_notifications/central-backup",
				"222222222222/us-west-2/vault_notifications/central-backup",
				"333333333333/us-east-1/vault_notifications/local-backup",
				"333333333334/us-east-1/vault_notifications/local-backup",
				"555555555555/us-east-1/vault_notifications/local-backup",
			},
			reason: "reach nobody",
		},
		"removed tier": {
			edit: []string{"  development: {targets: [Development]}\n", ""},
			destructive: []string{
				mgmt + "backup_policy/orgbackup-development",
				mgmt + "backup_policy_attachment/orgbackup-development@ou-root-development",
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := baseSpec
			if tc.base != "" {
				base = tc.base
			}
			org := newSpecOrg(t, parseSpec(t, base))
			org.converge(t)
			org.respec(t, editSpec(t, base, tc.edit...))
			p := org.plan(t)
			var got []string
			for _, c := range p.Changes {
				if c.Destructive {
					got = append(got, c.Address.String())
					if tc.reason != "" && !contains(c.Reason, tc.reason) {
						t.Errorf("%s reason = %q, want it to mention %q", c.Address, c.Reason, tc.reason)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.destructive) {
				t.Fatalf("destructive changes = %v, want %v\n%s", got, tc.destructive, planText(p))
			}

			org.srv.ResetCallStats()
			_, err := backup.Apply(context.Background(), org.applyFleet, p, func(o *backup.ApplyOptions) {
				o.AcknowledgeIrreversible = true
				o.Now = org.srv.Now
			})
			var refused *backup.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("Apply without AllowDestructive: err = %v, want a *RefusedError", err)
			}
			slices.Sort(refused.Destructive)
			if !slices.Equal(refused.Destructive, tc.destructive) {
				t.Errorf("RefusedError.Destructive = %v, want %v", refused.Destructive, tc.destructive)
			}
			if m := mutatingCalls(org.srv); len(m) > 0 {
				t.Fatalf("refused apply made mutating calls: %v", m)
			}
			if again := org.plan(t); again.Fingerprint != p.Fingerprint {
				t.Fatalf("the organization changed after a refused apply:\n%s", planText(again))
			}

			res := org.apply(t, p, func(o *backup.ApplyOptions) { o.AllowDestructive = true })
			if err := res.Err(); err != nil {
				t.Fatalf("Apply with AllowDestructive: %v", err)
			}
			org.wantConverged(t)
		})
	}
}

// TestIrreversibleGating checks that a compliance-mode lock needs
// AcknowledgeIrreversible, even when destructive changes are allowed.
func TestIrreversibleGating(t *testing.T) {
	t.Parallel()
	// A governance lock, converged, then switched to compliance mode.
	gov := editSpec(t, baseSpec, "lock: {mode: compliance, min_retention: 1d, max_retention: 3650d, changeable_for_days: 30}", "lock: {mode: governance, min_retention: 1d, max_retention: 3650d}")
	org := newSpecOrg(t, parseSpec(t, gov))
	org.converge(t)
	org.respec(t, baseSpec)
	p := org.plan(t)
	want := []changeSummary{
		{Address: central + "us-east-1/vault_lock/central-backup", Action: "update", Irreversible: true},
		{Address: central + "us-west-2/vault_lock/central-backup", Action: "update", Irreversible: true},
	}
	if got := summarize(p); !slices.Equal(got, want) {
		t.Fatalf("plan = %+v, want %+v", got, want)
	}
	org.srv.ResetCallStats()
	_, err := backup.Apply(context.Background(), org.applyFleet, p, func(o *backup.ApplyOptions) { o.AllowDestructive = true; o.Now = org.srv.Now })
	var refused *backup.RefusedError
	if !errors.As(err, &refused) || len(refused.Irreversible) != 2 || len(refused.Destructive) != 0 {
		t.Fatalf("Apply without AcknowledgeIrreversible: err = %v, want a RefusedError with the 2 locks", err)
	}
	if m := mutatingCalls(org.srv); len(m) > 0 {
		t.Fatalf("refused apply made mutating calls: %v", m)
	}
	res := org.apply(t, p, acknowledge)
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	org.wantConverged(t)

	// Past the grace period the lock is immutable: AWS refuses any change
	// to it, so the plan holds a check saying how to go forward instead of
	// a change that could never be applied (and would be planned again
	// forever).
	org.srv.Advance(31 * 24 * 60 * 60 * 1e9)
	org.respec(t, editSpec(t, baseSpec, "max_retention: 3650d", "max_retention: 3000d"))
	p = org.plan(t)
	if p.HasChanges() {
		t.Errorf("a change to an immutable lock is planned:\n%s", planText(p))
	}
	stuck := 0
	for _, c := range p.Checks {
		if c.Code == "immutable-vault-lock" && contains(c.Message, "change the spec back") {
			stuck++
		}
	}
	if stuck != 2 {
		t.Fatalf("%d immutable-vault-lock checks with the way forward, want 2:\n%s", stuck, planText(p))
	}
	if _, err := backup.Apply(context.Background(), org.applyFleet, p, allowAll); !errors.As(err, &refused) {
		t.Fatalf("Apply of a plan with an immutable-lock check = %v, want a RefusedError", err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
