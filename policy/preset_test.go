package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	presetCentral   = "arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup"
	presetSecondary = "arn:aws:backup:us-west-2:222222222222:backup-vault:central-backup"
)

func presetOptions() PresetOptions {
	return PresetOptions{
		LocalVault:        "local",
		CentralVaultARN:   presetCentral,
		SecondaryVaultARN: presetSecondary,
		RoleARN:           NewRoleARN(AccountVariable, "OrgBackupExecution"),
		Regions:           []string{"us-east-1", "us-west-2"},
	}
}

func TestPreset(t *testing.T) {
	t.Parallel()
	role := NewRoleARN(AccountVariable, "OrgBackupExecution")
	tier := func(t string) map[string]string { return map[string]string{"orgbackup:tier": t} }
	tests := map[Tier]*Plan{
		Production: {
			Name:    "orgbackup-production",
			Regions: []string{"us-east-1", "us-west-2"},
			Rules: []Rule{{
				Name: "production-daily", Schedule: "cron(0 2 * * ? *)", TargetVault: "local",
				Lifecycle: Lifecycle{DeleteAfterDays: 30},
				CopyActions: []CopyAction{
					{DestinationVaultARN: presetCentral, Lifecycle: Lifecycle{MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555}},
					{DestinationVaultARN: presetSecondary, Lifecycle: Lifecycle{MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555}},
				},
				RecoveryPointTags: tier("production"),
			}},
			Selections: []Selection{{Name: "backup-tier-production", IAMRoleARN: role, ListOfTags: []TagCondition{{StringEquals, "backup-tier", "production"}}}},
		},
		Staging: {
			Name:    "orgbackup-staging",
			Regions: []string{"us-east-1", "us-west-2"},
			Rules: []Rule{{
				Name: "staging-daily", Schedule: "cron(0 3 * * ? *)", TargetVault: "local",
				Lifecycle:         Lifecycle{DeleteAfterDays: 7},
				CopyActions:       []CopyAction{{DestinationVaultARN: presetCentral, Lifecycle: Lifecycle{DeleteAfterDays: 365}}},
				RecoveryPointTags: tier("staging"),
			}},
			Selections: []Selection{{Name: "backup-tier-staging", IAMRoleARN: role, ListOfTags: []TagCondition{{StringEquals, "backup-tier", "staging"}}}},
		},
		Development: {
			Name:    "orgbackup-development",
			Regions: []string{"us-east-1", "us-west-2"},
			Rules: []Rule{{
				Name: "development-weekly", Schedule: "cron(0 4 ? * SUN *)", TargetVault: "local",
				Lifecycle:         Lifecycle{DeleteAfterDays: 7},
				RecoveryPointTags: tier("development"),
			}},
			Selections: []Selection{{Name: "backup-tier-development", IAMRoleARN: role, ListOfTags: []TagCondition{{StringEquals, "backup-tier", "development"}}}},
		},
	}
	for tr, want := range tests {
		t.Run(tr.String(), func(t *testing.T) {
			t.Parallel()
			got := Preset(tr, presetOptions())
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Preset(%v) mismatch (-want +got):\n%s", tr, diff)
			}
			if err := got.Validate(TargetPolicy); err != nil {
				t.Errorf("Preset(%v).Validate(TargetPolicy) = %v", tr, err)
			}
			// The role uses $account, which the API rejects.
			if err := got.Validate(TargetAPI); err == nil {
				t.Errorf("Preset(%v).Validate(TargetAPI) = nil, want the $account role rejected", tr)
			}
		})
	}
}

func TestPresetMissingOptions(t *testing.T) {
	t.Parallel()
	p := Preset(Production, PresetOptions{RoleARN: vTestRole})
	var got [][]string
	for _, fe := range FieldErrors(p.Validate(TargetAPI)) {
		got = append(got, fe.Path)
	}
	want := [][]string{
		{"rules", "production-daily", "copy_actions", "#0", "target_backup_vault_arn"},
		{"rules", "production-daily", "copy_actions", "#1", "target_backup_vault_arn"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate() paths mismatch (-want +got):\n%s", diff)
	}
	if v := p.Rules[0].TargetVault; v != DefaultLocalVault {
		t.Errorf("default vault = %q, want %q", v, DefaultLocalVault)
	}
}

func TestPresetOptionsOverride(t *testing.T) {
	t.Parallel()
	o := presetOptions()
	o.PlanName, o.SelectionTagKey, o.SelectionTagValue, o.Timezone = "custom", "env", "prod", "Europe/Paris"
	p := Preset(Production, o)
	if p.Name != "custom" || p.Rules[0].ScheduleTimezone != "Europe/Paris" ||
		cmp.Diff([]TagCondition{{StringEquals, "env", "prod"}}, p.Selections[0].ListOfTags) != "" {
		t.Errorf("Preset() ignored options: %+v", p)
	}
}

func TestTier(t *testing.T) {
	t.Parallel()
	type info struct {
		Name           string
		Local, Central Days
		CrossRegion    bool
		Encryption     Encryption
	}
	var got []info
	for _, tr := range Tiers() {
		got = append(got, info{tr.String(), tr.LocalRetention(), tr.CentralRetention(), tr.CrossRegion(), tr.Encryption()})
		if back, ok := ParseTier(tr.String()); !ok || back != tr {
			t.Errorf("ParseTier(%q) = %v, %v", tr, back, ok)
		}
	}
	want := []info{
		{"production", 30, 2555, true, CustomerManagedKey},
		{"staging", 7, 365, false, CustomerManagedKey},
		{"development", 7, 0, false, AWSManagedKey},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tiers mismatch (-want +got):\n%s", diff)
	}
	if _, ok := ParseTier("prod"); ok {
		t.Error("ParseTier(prod) ok, want not found")
	}
	if s := Tier(9).String(); s != "Tier(9)" {
		t.Errorf("Tier(9).String() = %q", s)
	}
}
