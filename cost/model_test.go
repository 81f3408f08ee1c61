package cost

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/policy"
)

func defaultPrices(t *testing.T) *Prices {
	t.Helper()
	p, err := DefaultPrices()
	if err != nil {
		t.Fatalf("DefaultPrices() error = %v", err)
	}
	return p
}

// cents rounds an amount to cents, for comparisons.
func cents(v float64) float64 { return math.Round(v*100) / 100 }

// productionTier is the production preset of the example spec: daily
// backups kept 30 days in the local vault, copied to the central vault in
// the same region and to the secondary region, both kept 7 years.
func productionTier() Tier {
	return Tier{Name: "production", Rules: []Rule{{
		Name: "production-daily", BackupsPerMonth: DaysPerMonth,
		Placements: []Placement{
			{Role: Local, Keep: 30},
			{Role: Central, Account: "222222222222", Region: "us-east-1", Keep: policy.Years(7)},
			{Role: Secondary, Account: "222222222222", Region: "us-west-2", Keep: policy.Years(7)},
		},
	}}}
}

// TestWorkedExampleProduction reproduces the production tier's steady
// state by hand from the embedded price file
// (cost/prices/aws-backup-2026-02-01.json: RDS storage 0.095 USD per
// GB-month in us-east-1 and us-west-2; cross-region transfer 0.02 USD per GB
// from us-east-1).
//
// Workload: 10 RDS databases of 100 GB in account 333333333333, us-east-1,
// changing 3% a day (the RDS default). The schedule is daily, so a backup
// every day (365/12 = 30.4167 a month) and each incremental backup holds
// 100 GB * 3% * 1 day = 3 GB.
//
//	local, 30 days:       30 points = 100 + 29*3   =   187 GB per database
//	                      10 * 187 GB   =  1,870 GB * 0.095 =    177.65
//	central, 2555 days: 2555 points = 100 + 2554*3 = 7,762 GB per database
//	                      10 * 7,762 GB = 77,620 GB * 0.095 =  7,373.90
//	secondary, 2555 days: the same in us-west-2                 7,373.90
//	transfer to us-west-2: 30.4167 backups * 3 GB = 91.25 GB a month
//	                      10 * 91.25 GB =    912.5 GB * 0.02 =     18.25
//	total                                                      14,943.70 USD a month
func TestWorkedExampleProduction(t *testing.T) {
	t.Parallel()
	m := &Model{
		Prices: defaultPrices(t),
		Tiers:  []Tier{productionTier()},
		Workloads: []Workload{{
			Tier: "production", Account: "333333333333", Region: "us-east-1",
			ResourceType: "RDS", Count: 10, SizeGB: 100,
		}},
	}
	e, err := m.SteadyState()
	if err != nil {
		t.Fatalf("SteadyState() error = %v", err)
	}
	if e.Day != 2555 {
		t.Errorf("Day = %v, want 2555 (7 years)", e.Day)
	}
	type row struct {
		Account, Region string
		Role            Role
		WarmGB          float64
		Storage         float64
		Transfer        float64
	}
	var got []row
	for _, l := range e.Lines {
		got = append(got, row{l.Account, l.Region, l.Role, cents(l.WarmGB), cents(l.Storage), cents(l.Transfer)})
	}
	want := []row{
		{"222222222222", "us-east-1", Central, 77620, 7373.90, 0},
		{"222222222222", "us-west-2", Secondary, 77620, 7373.90, 0},
		{"333333333333", "us-east-1", Local, 1870, 177.65, 0},
		{"333333333333", "us-east-1", Secondary, 0, 0, 18.25},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines mismatch (-want +got):\n%s", diff)
	}
	if got := cents(e.Total()); got != 14943.70 {
		t.Errorf("Total() = %.2f, want 14943.70", got)
	}
	if got := e.By(ByTier); len(got) != 1 || cents(got[0].Monthly) != 14943.70 {
		t.Errorf("By(ByTier) = %+v, want production 14943.70", got)
	}
}

// TestColdStorage checks AWS's cold-storage rules: which types move, the
// archive opt-in for EBS, full archived EBS snapshots, and the 90 days.
func TestColdStorage(t *testing.T) {
	t.Parallel()
	// Weekly backups (52/12 a month, one every 7.0192 days) of one 1000 GB
	// resource changing 1% a day: increments of 70.192 GB.
	weekly := 52.0 / 12
	interval := DaysPerMonth / weekly
	delta := 1000 * 0.01 * interval
	tests := map[string]struct {
		typ      string
		place    Placement
		warm     float64
		cold     float64
		storage  float64
		errMatch string
	}{
		"EFS moves to cold, its own chain": {
			typ:   "EFS",
			place: Placement{Role: Central, Keep: 365, ColdAfter: 30},
			// warm: 30/7.0192 = 4.274 points; cold: 335/7.0192 = 47.726.
			warm:    1000 + (30/interval-1)*delta,
			cold:    1000 + (335/interval-1)*delta,
			storage: (1000+(30/interval-1)*delta)*0.05 + (1000+(335/interval-1)*delta)*0.01,
		},
		"EBS stays warm without the archive opt-in": {
			typ:     "EBS",
			place:   Placement{Role: Central, Keep: 365, ColdAfter: 30},
			warm:    1000 + (365/interval-1)*delta,
			storage: (1000 + (365/interval-1)*delta) * 0.05,
		},
		"EBS archived in full with the opt-in": {
			typ:     "EBS",
			place:   Placement{Role: Central, Keep: 365, ColdAfter: 30, Archive: true},
			warm:    1000 + (30/interval-1)*delta,
			cold:    335 / interval * 1000,
			storage: (1000+(30/interval-1)*delta)*0.05 + 335/interval*1000*0.0125,
		},
		"RDS ignores cold_after, as AWS Backup does": {
			typ:     "RDS",
			place:   Placement{Role: Central, Keep: 365, ColdAfter: 30},
			warm:    1000 + (365/interval-1)*delta,
			storage: (1000 + (365/interval-1)*delta) * 0.095,
		},
		"DynamoDB backups are full, warm and cold": {
			typ:     "DynamoDB",
			place:   Placement{Role: Central, Keep: 365, ColdAfter: 30},
			warm:    30 / interval * 1000,
			cold:    335 / interval * 1000,
			storage: 30/interval*1000*0.10 + 335/interval*1000*0.03,
		},
		"fewer than 90 days in cold is refused": {
			typ:      "EFS",
			place:    Placement{Role: Central, Keep: 100, ColdAfter: 30},
			errMatch: "less than cold_after 30d + the 90 days",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := &Model{
				Prices: defaultPrices(t),
				Tiers:  []Tier{{Name: "t", Rules: []Rule{{Name: "weekly", BackupsPerMonth: weekly, Placements: []Placement{tc.place}}}}},
				Workloads: []Workload{{Tier: "t", Account: "1", Region: "us-east-1", ResourceType: tc.typ, Count: 1, SizeGB: 1000,
					DailyChangeRate: 0.01}},
			}
			e, err := m.SteadyState()
			if tc.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errMatch) {
					t.Fatalf("SteadyState() error = %v, want one containing %q", err, tc.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatalf("SteadyState() error = %v", err)
			}
			l := e.Lines[0]
			if cents(l.WarmGB) != cents(tc.warm) || cents(l.ColdGB) != cents(tc.cold) || cents(l.Storage) != cents(tc.storage) {
				t.Errorf("warm %.2f GB, cold %.2f GB, %.2f USD; want %.2f, %.2f, %.2f", l.WarmGB, l.ColdGB, l.Storage, tc.warm, tc.cold, tc.storage)
			}
		})
	}
}

func TestUnknownRegionIsAnError(t *testing.T) {
	t.Parallel()
	m := &Model{
		Prices:    defaultPrices(t),
		Tiers:     []Tier{productionTier()},
		Workloads: []Workload{{Tier: "production", Account: "1", Region: "eu-west-1", ResourceType: "RDS", Count: 1, SizeGB: 1}},
	}
	_, err := m.SteadyState()
	if err == nil {
		t.Fatal("SteadyState() error = nil, want one naming eu-west-1")
	}
	for _, want := range []string{`"eu-west-1"`, "has no prices for it", "us-east-1, us-west-2", "--prices", "2026-02-01"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	// A copy to a region the file lacks is as much an error.
	tier := productionTier()
	tier.Rules[0].Placements[2].Region = "eu-central-1"
	m = &Model{Prices: defaultPrices(t), Tiers: []Tier{tier},
		Workloads: []Workload{{Tier: "production", Account: "1", Region: "us-east-1", ResourceType: "RDS", Count: 1, SizeGB: 1}}}
	if _, err := m.SteadyState(); err == nil || !strings.Contains(err.Error(), `"eu-central-1"`) {
		t.Errorf("SteadyState() error = %v, want one naming eu-central-1", err)
	}
}

func TestChangeRateOverrides(t *testing.T) {
	t.Parallel()
	m := &Model{ChangeRates: []ChangeRate{
		{ResourceType: "EBS", Daily: 0.05},
		{Tier: "production", Daily: 0.04},
		{Tier: "production", ResourceType: "EBS", Daily: 0.06},
		{Tags: map[string]string{"app": "analytics"}, Daily: 0.2},
		{Tier: "production", Tags: map[string]string{"app": "analytics"}, ResourceType: "EBS", Daily: 0.3},
	}}
	tests := map[string]struct {
		w    Workload
		want float64
	}{
		"type default":               {Workload{Tier: "staging", ResourceType: "RDS"}, 0.03},
		"by type":                    {Workload{Tier: "staging", ResourceType: "EBS"}, 0.05},
		"by tier":                    {Workload{Tier: "production", ResourceType: "RDS"}, 0.04},
		"tier and type beat either":  {Workload{Tier: "production", ResourceType: "EBS"}, 0.06},
		"by tag":                     {Workload{Tier: "staging", ResourceType: "RDS", Tags: map[string]string{"app": "analytics"}}, 0.2},
		"most specific":              {Workload{Tier: "production", ResourceType: "EBS", Tags: map[string]string{"app": "analytics"}}, 0.3},
		"the workload's own wins":    {Workload{Tier: "production", ResourceType: "EBS", DailyChangeRate: 0.5}, 0.5},
		"tag must match in value":    {Workload{Tier: "staging", ResourceType: "RDS", Tags: map[string]string{"app": "web"}}, 0.03},
		"equal specificity is later": {Workload{Tier: "production", ResourceType: "RDS", Tags: map[string]string{"app": "analytics"}}, 0.2},
	}
	for name, tc := range tests {
		if got := m.changeRate(tc.w, Types()[tc.w.ResourceType]); got != tc.want {
			t.Errorf("%s: changeRate() = %v, want %v", name, got, tc.want)
		}
	}
}

func TestCurveReachesSteadyState(t *testing.T) {
	t.Parallel()
	m := &Model{
		Prices: defaultPrices(t),
		Tiers: []Tier{{Name: "staging", Rules: []Rule{{Name: "daily", BackupsPerMonth: DaysPerMonth, Placements: []Placement{
			{Role: Local, Keep: 7}, {Role: Central, Account: "2", Region: "us-east-1", Keep: 365},
		}}}}},
		Workloads: []Workload{{Tier: "staging", Account: "1", Region: "us-east-1", ResourceType: "EBS", Count: 2, SizeGB: 50,
			Tags: map[string]string{"bu": "retail"}}},
		AllocationTag: "bu",
	}
	curve, err := m.Curve()
	if err != nil {
		t.Fatalf("Curve() error = %v", err)
	}
	if len(curve) != 12 {
		t.Fatalf("len(Curve()) = %d, want 12 months to fill 365 days", len(curve))
	}
	for i := 1; i < len(curve); i++ {
		if curve[i].Total <= curve[i-1].Total {
			t.Errorf("month %d: %.2f not above month %d's %.2f", curve[i].Month, curve[i].Total, curve[i-1].Month, curve[i-1].Total)
		}
	}
	steady, err := m.SteadyState()
	if err != nil {
		t.Fatal(err)
	}
	if cents(curve[len(curve)-1].Total) != cents(steady.Total()) {
		t.Errorf("last month %.2f, steady state %.2f", curve[len(curve)-1].Total, steady.Total())
	}
	if got := steady.By(ByAllocation); len(got) != 1 || got[0].Key != "retail" {
		t.Errorf("By(ByAllocation) = %+v, want retail only", got)
	}
	m.Tiers[0].Rules[0].Placements[1].Keep = 0
	if _, err := m.SteadyState(); err == nil || !strings.Contains(err.Error(), "forever") {
		t.Errorf("SteadyState() with endless retention: error = %v, want one saying forever", err)
	}
}

func TestRestoreCosts(t *testing.T) {
	t.Parallel()
	// 2 EFS file systems of 500 GB, each restored once a month and tested
	// twice: restores 2*1*500*0.02 = 20; tests 2*2*(1.50 + 500*0.02) = 46.
	m := &Model{
		Prices:    defaultPrices(t),
		Tiers:     []Tier{{Name: "t", Rules: []Rule{{Name: "r", BackupsPerMonth: DaysPerMonth, Placements: []Placement{{Role: Local, Keep: 1}}}}}},
		Workloads: []Workload{{Tier: "t", Account: "1", Region: "us-east-1", ResourceType: "EFS", Count: 2, SizeGB: 500, RestoresPerMonth: 1, RestoreTestsPerMonth: 2}},
	}
	e, err := m.SteadyState()
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Lines[0]; cents(got.Restore) != 20 || cents(got.RestoreTesting) != 46 {
		t.Errorf("restore %.2f, restore testing %.2f; want 20, 46", got.Restore, got.RestoreTesting)
	}
}

func TestBackupsPerMonth(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]float64{
		"cron(0 2 * * ? *)":   365.0 / 12,
		"cron(0 4 ? * SUN *)": 52.0 / 12, // 2025 has 52 Sundays
		"cron(0 * * * ? *)":   365.0 * 24 / 12,
	} {
		got, err := BackupsPerMonth(expr, "")
		if err != nil || cents(got) != cents(want) {
			t.Errorf("BackupsPerMonth(%q) = %v, %v; want %v", expr, got, err, want)
		}
	}
}

func TestTierFromPlan(t *testing.T) {
	t.Parallel()
	p := policy.Preset(policy.Production, policy.PresetOptions{
		CentralVaultARN:   policy.NewVaultARN("us-east-1", "222222222222", "central"),
		SecondaryVaultARN: policy.NewVaultARN("us-west-2", "222222222222", "central"),
	})
	tier, err := TierFromPlan("production", p, func(v policy.VaultARN) Role {
		if v.Region == "us-east-1" {
			return Central
		}
		return Secondary
	})
	if err != nil {
		t.Fatal(err)
	}
	want := productionTier()
	// The preset moves the copies to cold storage after 90 days (RDS
	// ignores it, so the worked example's figure does not change).
	want.Rules[0].Placements[1].ColdAfter = 90
	want.Rules[0].Placements[2].ColdAfter = 90
	if diff := cmp.Diff(want, tier); diff != "" {
		t.Errorf("TierFromPlan() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadPricesRefusesIncompleteFiles(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"no version":     `{"as_of":"2026-01-01","source":"x","regions":{"us-east-1":{"storage_per_gb_month":{"EBS":{"warm":1}}}}}`,
		"no regions":     `{"version":"1","as_of":"2026-01-01","source":"x","regions":{}}`,
		"negative price": `{"version":"1","as_of":"2026-01-01","source":"x","regions":{"us-east-1":{"storage_per_gb_month":{"EBS":{"warm":-1}}}}}`,
		"unknown field":  `{"version":"1","as_of":"2026-01-01","source":"x","rates":[]}`,
	} {
		if _, err := ReadPrices(name, strings.NewReader(doc)); err == nil {
			t.Errorf("%s: ReadPrices() error = nil", name)
		}
	}
}
