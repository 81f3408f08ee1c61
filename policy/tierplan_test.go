package policy

import (
	"strings"
	"testing"
)

func TestScheduleFrequency(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		"cron(0 * * * ? *)":    "hourly",
		"cron(0 2 * * ? *)":    "daily",
		"cron(0 2,14 * * ? *)": "daily",
		"cron(0 4 ? * SUN *)":  "weekly",
		"cron(0 4 1 * ? *)":    "monthly",
		"cron(0 4 1 1 ? *)":    "backup",
		"not cron":             "backup",
	} {
		if got := ScheduleFrequency(expr); got != want {
			t.Errorf("ScheduleFrequency(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestTierPlanColdStorage(t *testing.T) {
	t.Parallel()
	central := NewVaultARN("us-east-1", "222222222222", "central")
	tests := map[string]struct {
		o         TierPlanOptions
		local     Lifecycle
		copyLife  Lifecycle
		wantValid bool
	}{
		"copy moves to cold": {
			o:         TierPlanOptions{LocalRetention: 30, Copies: []TierCopy{{central, 2555, 90}}},
			local:     Lifecycle{DeleteAfterDays: 30},
			copyLife:  Lifecycle{MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555},
			wantValid: true,
		},
		"archive opt-in only where a lifecycle moves to cold": {
			o:         TierPlanOptions{LocalRetention: 30, Archive: true, Copies: []TierCopy{{central, 2555, 90}}},
			local:     Lifecycle{DeleteAfterDays: 30},
			copyLife:  Lifecycle{MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555, OptInToArchiveForSupportedResources: true},
			wantValid: true,
		},
		"a copy deleted less than 90 days after cold is invalid": {
			o:        TierPlanOptions{LocalRetention: 30, Copies: []TierCopy{{central, 150, 90}}},
			local:    Lifecycle{DeleteAfterDays: 30},
			copyLife: Lifecycle{MoveToColdStorageAfterDays: 90, DeleteAfterDays: 150},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := tc.o
			o.Tier, o.PlanName, o.Schedule, o.LocalVault = "t", "orgbackup-t", "cron(0 2 * * ? *)", "local"
			o.Regions = []string{"us-east-1"}
			o.Selections = []Selection{ByTag("backup-tier", "t", NewRoleARN(AccountVariable, "R"))}
			p := TierPlan(o)
			r := p.Rules[0]
			if r.Lifecycle != tc.local || r.CopyActions[0].Lifecycle != tc.copyLife {
				t.Errorf("lifecycles = %+v, %+v; want %+v, %+v", r.Lifecycle, r.CopyActions[0].Lifecycle, tc.local, tc.copyLife)
			}
			err := p.Validate(TargetPolicy)
			if tc.wantValid && err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
			if !tc.wantValid && (err == nil || !strings.Contains(err.Error(), "at least 90 days after move_to_cold_storage_after_days")) {
				t.Errorf("Validate() = %v, want the 90-day rule", err)
			}
		})
	}
}
