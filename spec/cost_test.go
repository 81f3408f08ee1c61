package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/policy"
)

func TestColdStoragePerRole(t *testing.T) {
	t.Parallel()
	type cold struct {
		Local, Central, Secondary policy.Days
		Archive                   bool
	}
	tests := map[string]struct {
		tier string
		want cold
	}{
		"production preset moves central copies after 90 days": {
			"  production: {targets: [P]}\n", cold{Central: 90, Secondary: 90},
		},
		"the preset's move needs 90 days in cold before deletion": {
			"  production: {central_retention: 150d, secondary_retention: 3y, targets: [P]}\n", cold{Secondary: 90},
		},
		"never turns the preset's move off": {
			"  production: {cold_storage: {central: never}, targets: [P]}\n", cold{},
		},
		"secondary defaults to central": {
			"  production: {cold_storage: {central: 1y, local: 1d}, local_retention: 91d, targets: [P]}\n", cold{Local: 1, Central: 365, Secondary: 365},
		},
		"per role with archive": {
			"  production: {cold_storage: {central: 30d, secondary: 180d, archive: true}, targets: [P]}\n", cold{Central: 30, Secondary: 180, Archive: true},
		},
		"staging has no cross-region copy to move": {
			"  staging: {cold_storage: {central: 30d, secondary: 60d}, targets: [P]}\n", cold{Central: 30},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := strings.Replace(base, "  production: {targets: [Production]}\n", tc.tier, 1)
			s, err := Parse("spec.yaml", []byte(doc))
			if err != nil {
				t.Fatalf("Parse() error:\n%v", err)
			}
			e, err := s.Tier(s.TierNames()[0])
			if err != nil {
				t.Fatal(err)
			}
			got := cold{e.ColdAfter, e.CentralColdAfter, e.SecondaryColdAfter, e.Archive}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("cold storage mismatch (-want +got):\n%s", diff)
			}
			p, err := s.TierPlan(e.Name)
			if err != nil {
				t.Fatal(err)
			}
			r := p.Rules[0]
			if r.Lifecycle.MoveToColdStorageAfterDays != int64(tc.want.Local) {
				t.Errorf("local lifecycle %+v, want cold after %d", r.Lifecycle, tc.want.Local)
			}
			if got := r.CopyActions[0].Lifecycle; got.MoveToColdStorageAfterDays != int64(tc.want.Central) ||
				got.OptInToArchiveForSupportedResources != (tc.want.Archive && tc.want.Central > 0) {
				t.Errorf("central copy lifecycle %+v, want cold after %d, archive %v", got, tc.want.Central, tc.want.Archive)
			}
		})
	}
}

func TestCostSectionInvalid(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		yaml string
		want []string
	}{
		"central deleted within 90 days of cold": {
			strings.Replace(base, "  production: {targets: [Production]}\n", "  production:\n    central_retention: 100d\n    cold_storage: {central: 30d}\n    targets: [P]\n", 1),
			[]string{
				// The cross-region copy inherits both the retention and the cold move.
				"7:3 tiers.production.secondary_retention: 100 days must be at least 90 days after move_to_cold_storage_after_days (30): at least 120",
				"8:24 tiers.production.central_retention: 100 days must be at least 90 days after move_to_cold_storage_after_days (30): at least 120",
			},
		},
		"secondary deleted within 90 days of cold": {
			strings.Replace(base, "  production: {targets: [Production]}\n", "  production:\n    secondary_retention: 120d\n    cold_storage: {secondary: 60d}\n    targets: [P]\n", 1),
			[]string{"8:26 tiers.production.secondary_retention: 120 days must be at least 90 days after move_to_cold_storage_after_days (60): at least 150"},
		},
		"local and cold_after both": {
			strings.Replace(base, "  production: {targets: [Production]}\n", "  production: {cold_after: 1d, cold_storage: {local: 1d}, local_retention: 91d, targets: [P]}\n", 1),
			[]string{"7:54 tiers.production.cold_storage.local: set either cold_after or cold_storage.local"},
		},
		"cold storage value": {
			strings.Replace(base, "  production: {targets: [Production]}\n", "  production: {cold_storage: {central: soon}, targets: [P]}\n", 1),
			[]string{"7:40 tiers.production.cold_storage.central: duration \"soon\" must start with a whole number"},
		},
		"workloads": {
			base + "cost:\n  workloads:\n    - {tier: prod, resource_type: EBS, count: 0, size_gb: 0, region: eu-west-1, daily_change_rate: 2}\n",
			[]string{
				`10:14 cost.workloads[0].tier: "prod" is not one of production`,
				"10:47 cost.workloads[0].count: must be at least 1",
				"10:59 cost.workloads[0].size_gb: must be more than 0",
				`10:70 cost.workloads[0].region: "eu-west-1" is not a workload region of the spec (us-east-1)`,
				"10:100 cost.workloads[0].daily_change_rate: 2 is not a daily change rate",
			},
		},
		"size is a number": {
			base + "cost:\n  workloads:\n    - {tier: production, resource_type: EBS, count: 1, size_gb: big}\n",
			[]string{"10:65 cost.workloads[0].size_gb: must be a number"},
		},
		"change rate": {
			base + "cost:\n  change_rates:\n    - {resource_type: Tape, daily: 0}\n",
			[]string{`10:23 cost.change_rates[0].resource_type: "Tape" is not one of`, "10:36 cost.change_rates[0].daily: 0 is not a daily change rate"},
		},
		"budgets": {
			base + "cost:\n  budgets:\n    - {name: a, monthly_limit: 0, allocation: retail, thresholds: [50, 50]}\n    - {name: a, tier: production, monthly_limit: 10, recipients: [nobody]}\n",
			[]string{
				"10:7 cost.budgets[0]: a budget needs recipients: set recipients or notifications.emails",
				"10:32 cost.budgets[0].monthly_limit: must be more than 0",
				"10:47 cost.budgets[0].allocation: needs cost.allocation_tag",
				"10:72 cost.budgets[0].thresholds[1]: threshold 50 is listed twice",
				"11:14 cost.budgets[1].name: budget a is defined twice",
				`11:67 cost.budgets[1].recipients[0]: "nobody" is not an e-mail address`,
			},
		},
		"retention below a declared minimum": {
			base + "cost:\n  retention_minimums:\n    - {tier: production, role: central, retention: 10y, source: SOX}\n    - {tier: production, role: vault, retention: 1y}\n",
			[]string{
				"10:52 cost.retention_minimums[0].retention: tier production keeps central recovery points 7y (tiers.production.central_retention), less than this minimum of 10y",
				"11:32 cost.retention_minimums[1].role: \"vault\" is not one of local, central, secondary",
			},
		},
		"too many thresholds": {
			base + "notifications: {events: [BACKUP_JOB_COMPLETED], emails: [a@example.com]}\ncost:\n  budgets:\n    - {name: a, monthly_limit: 1, thresholds: [10, 20, 30, 40, 50, 60]}\n",
			[]string{"11:47 cost.budgets[0].thresholds: AWS Budgets allows at most 5 notifications per budget"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("spec.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse() succeeded, want problems %q", tc.want)
			}
			matchProblems(t, problems(t, err), tc.want)
		})
	}
}

func TestBudgetDefaults(t *testing.T) {
	t.Parallel()
	doc := base + "notifications: {events: [BACKUP_JOB_COMPLETED], emails: [team@example.com]}\ncost:\n  allocation_tag: business-unit\n  budgets:\n    - {name: production, tier: production, monthly_limit: 100}\n    - {name: retail, allocation: retail, monthly_limit: 50, thresholds: [90], recipients: [fin@example.com]}\n"
	s, err := Parse("spec.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("Parse() error:\n%v", err)
	}
	b := s.Cost.Budgets
	if got := s.BudgetRecipients(b[0]); !cmp.Equal(got, []string{"team@example.com"}) {
		t.Errorf("BudgetRecipients(production) = %q, want the spec's notification e-mails", got)
	}
	if got := b[0].BudgetThresholds(); !cmp.Equal(got, []float64{80, 100}) {
		t.Errorf("BudgetThresholds(production) = %v, want [80 100]", got)
	}
	if got := s.BudgetRecipients(b[1]); !cmp.Equal(got, []string{"fin@example.com"}) {
		t.Errorf("BudgetRecipients(retail) = %q", got)
	}
}
