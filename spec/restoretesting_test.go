package spec

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRestoreTestingValidated checks restore_testing's rules, each
// reported at its file:line:col.
func TestRestoreTestingValidated(t *testing.T) {
	t.Parallel()
	const gold = "  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 30d, targets: [Gold], selection: {resource_types: [RDS, EFS]}, restore_testing: "
	tests := map[string]struct {
		tier string
		want []string
	}{
		"valid": {tier: gold + "{schedule: \"cron(0 6 ? * MON *)\", count: 2, lookback: 14d, validation_window: 3h, keep_restored: 24h, metadata: {RDS: {DBInstanceClass: db.t3.small}}}}\n"},
		"bad schedule": {
			tier: gold + "{schedule: \"cron(0 6 * * * *)\"}}\n",
			want: []string{"8:149 tiers.gold.restore_testing.schedule: day-of-month (*) and day-of-week (*) cannot both be set"},
		},
		"type the tier does not protect": {
			tier: gold + "{resource_types: [RDS, DynamoDB]}}\n",
			want: []string{"8:161 tiers.gold.restore_testing.resource_types[1]: DynamoDB is not a resource type the tier protects (EFS, RDS)"},
		},
		"count and percent": {
			tier: gold + "{count: 2, percent: 10}}\n",
			want: []string{"8:121 tiers.gold.restore_testing: count, percent and all are exclusive"},
		},
		"percent over 100": {
			tier: gold + "{percent: 150}}\n",
			want: []string{"8:148 tiers.gold.restore_testing.percent: 150 must be between 1 and 100"},
		},
		"central without central copy": {
			tier: gold + "{vaults: [local, central]}}\n",
			want: []string{"8:155 tiers.gold.restore_testing.vaults[1]: the tier keeps no central copy"},
		},
		"unknown vault": {
			tier: gold + "{vaults: [remote]}}\n",
			want: []string{"8:148 tiers.gold.restore_testing.vaults[0]: \"remote\" is not one of local, central, secondary"},
		},
		"lookback over a year": {
			tier: gold + "{lookback: 400d}}\n",
			want: []string{"8:149 tiers.gold.restore_testing.lookback: 400d must be 1 to 365 days"},
		},
		"kept over a week": {
			tier: gold + "{keep_restored: 8d}}\n",
			want: []string{"8:154 tiers.gold.restore_testing.keep_restored: restored resources can be kept at most 168h"},
		},
		"kept shorter than validation": {
			tier: gold + "{validation_window: 4h, keep_restored: 2h}}\n",
			want: []string{"8:177 tiers.gold.restore_testing.keep_restored: 2h is shorter than the validation window 4h"},
		},
		"minutes": {
			tier: gold + "{validation_window: 90m}}\n",
			want: []string{"8:158 tiers.gold.restore_testing.validation_window: 1h30m is not whole hours"},
		},
		"metadata of an unknown type": {
			tier: gold + "{metadata: {Redshift: {a: b}}}}\n",
			want: []string{"8:150 tiers.gold.restore_testing.metadata.Redshift: \"Redshift\" is not a resource type"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("spec.yaml", []byte(base+tc.tier))
			matchProblems(t, problems(t, err), tc.want)
		})
	}
}

// TestRestoreTestingPresets checks the resolved restore testing of the
// presets and of a tier that sets its own.
func TestRestoreTestingPresets(t *testing.T) {
	t.Parallel()
	s, err := Parse("spec.yaml", []byte(base+
		"  staging: {targets: [Staging]}\n"+
		"  development: {targets: [Development], restore_testing: {percent: 10, keep_restored: 12h}}\n"+
		"  critical: {preset: production, targets: [Critical], restore_testing: {all: true, vaults: [secondary, local, central]}}\n"+
		"  quiet: {preset: production, targets: [Quiet], restore_testing: {enabled: false}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]*EffectiveRestoreTesting{
		"production": {
			Schedule: "cron(0 5 1 * ? *)", ResourceTypes: knownResourceTypes(), Count: 1, Vaults: []string{"local"},
			LookbackDays: 7, ValidationWindow: 2 * time.Hour, KeepRestored: 2 * time.Hour, Metadata: map[string]map[string]string{},
			LocalVault: "orgbackup-local", BackupRole: "OrgBackupServiceRole", Tags: map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "orgbackup"},
		},
		"staging": nil,
		"development": {
			Schedule: "cron(0 5 1 * ? *)", ResourceTypes: knownResourceTypes(), Percent: 10, Vaults: []string{"local"},
			LookbackDays: 7, ValidationWindow: 2 * time.Hour, KeepRestored: 12 * time.Hour, Metadata: map[string]map[string]string{},
			LocalVault: "orgbackup-local", BackupRole: "OrgBackupServiceRole", Tags: map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "orgbackup"},
		},
		"quiet": nil,
		"critical": {
			Schedule: "cron(0 5 1 * ? *)", ResourceTypes: knownResourceTypes(), Vaults: []string{"local", "central", "secondary"},
			LookbackDays: 7, ValidationWindow: 2 * time.Hour, KeepRestored: 2 * time.Hour, Metadata: map[string]map[string]string{},
			LocalVault: "orgbackup-local", BackupRole: "OrgBackupServiceRole", Tags: map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "orgbackup"},
		},
	}
	for name, want := range tests {
		tier, err := s.Tier(name)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tier.RestoreTesting); diff != "" {
			t.Errorf("tier %s restore testing mismatch (-want +got):\n%s", name, diff)
		}
	}
	prod, _ := s.Tier("production")
	if p, err := prod.RestoreTesting.Period(time.Time{}); err != nil || p != 31*24*time.Hour {
		t.Errorf("production restore testing period = %v, %v; want 744h", p, err)
	}
	for n, want := range map[int]int{0: 0, 1: 1, 5: 1, 30: 1} {
		if got := prod.RestoreTesting.Samples(n); got != want {
			t.Errorf("Samples(%d) with count 1 = %d, want %d", n, got, want)
		}
	}
	dev, _ := s.Tier("development")
	for n, want := range map[int]int{1: 1, 10: 1, 11: 2, 100: 10} {
		if got := dev.RestoreTesting.Samples(n); got != want {
			t.Errorf("Samples(%d) with 10%% = %d, want %d", n, got, want)
		}
	}
}
