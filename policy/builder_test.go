package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetentionUnits(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ got, want Days }{
		"7 years":   {Years(7), 2555},
		"1 year":    {Years(1), 365},
		"100 years": {Years(100), MaxLifecycleDays},
		"3 months":  {Months(3), 90},
		"2 weeks":   {Weeks(2), 14},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d days, want %d", name, tc.got, tc.want)
		}
	}
}

func TestScheduleBuilders(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		rule Rule
		want string
	}{
		"daily":       {Daily("r", 2, 0), "cron(0 2 * * ? *)"},
		"daily 23:45": {Daily("r", 23, 45), "cron(45 23 * * ? *)"},
		"weekly":      {Weekly("r", time.Sunday, 4, 0), "cron(0 4 ? * SUN *)"},
		"weekly sat":  {Weekly("r", time.Saturday, 1, 30), "cron(30 1 ? * SAT *)"},
		"monthly":     {Monthly("r", 1, 5, 0), "cron(0 5 1 * ? *)"},
		"hourly":      {Hourly("r", 15), "cron(15 * * * ? *)"},
		"cron":        {Cron("r", "cron(0 5 ? * MON-FRI *)"), "cron(0 5 ? * MON-FRI *)"},
		"bad weekday": {Weekly("r", time.Weekday(9), 4, 0), "cron(0 4 ? * DAY9 *)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if tc.rule.Schedule != tc.want {
				t.Errorf("Schedule = %q, want %q", tc.rule.Schedule, tc.want)
			}
			_, err := ParseSchedule(tc.rule.Schedule)
			if wantErr := name == "bad weekday"; (err != nil) != wantErr {
				t.Errorf("ParseSchedule(%q) error = %v, wantErr %v", tc.rule.Schedule, err, wantErr)
			}
		})
	}
}

func TestRuleBuilder(t *testing.T) {
	t.Parallel()
	got := Daily("daily", 2, 0).
		InVault("local").
		KeepDays(30).
		CopyTo(vTestCentral, Years(7)).
		ColdAfter(Days(10)).
		Timezone("Europe/Paris").
		Windows(90*time.Minute, 8*time.Hour+30*time.Second).
		Tag("a", "1").Tag("b", "2")
	want := Rule{
		Name:                    "daily",
		Schedule:                "cron(0 2 * * ? *)",
		ScheduleTimezone:        "Europe/Paris",
		StartWindowMinutes:      90,
		CompletionWindowMinutes: 480,
		TargetVault:             "local",
		Lifecycle:               Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 30},
		CopyActions:             []CopyAction{{DestinationVaultARN: vTestCentral, Lifecycle: Lifecycle{DeleteAfterDays: 2555}}},
		RecoveryPointTags:       map[string]string{"a": "1", "b": "2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("builder mismatch (-want +got):\n%s", diff)
	}
}

// TestRuleBuilderDoesNotAlias checks that deriving two rules from one base
// leaves the base and each other alone.
func TestRuleBuilderDoesNotAlias(t *testing.T) {
	t.Parallel()
	base := Daily("d", 1, 0).InVault("v1").CopyTo(vTestCentral, 0).Tag("k", "base")
	base.CopyActions = append(make([]CopyAction, 0, 8), base.CopyActions...) // spare capacity invites aliasing
	a := base.CopyTo(NewVaultARN("us-west-2", "222222222222", "a"), 0).Tag("k", "a")
	b := base.CopyTo(NewVaultARN("us-west-2", "222222222222", "b"), 0).Tag("k", "b")
	if len(base.CopyActions) != 1 || base.RecoveryPointTags["k"] != "base" {
		t.Errorf("base changed: %+v", base)
	}
	if a.CopyActions[1].DestinationVaultARN == b.CopyActions[1].DestinationVaultARN {
		t.Errorf("a and b share copy actions: %v", a.CopyActions[1].DestinationVaultARN)
	}
	if a.RecoveryPointTags["k"] != "a" || b.RecoveryPointTags["k"] != "b" {
		t.Errorf("a and b share tags: %v %v", a.RecoveryPointTags, b.RecoveryPointTags)
	}
	s := ByTag("backup", "prod", vTestRole)
	s.ListOfTags = append(make([]TagCondition, 0, 8), s.ListOfTags...)
	s1, s2 := s.OrTag("x", "1"), s.OrTag("y", "2")
	if s1.ListOfTags[1].Key != "x" || s2.ListOfTags[1].Key != "y" || len(s.ListOfTags) != 1 {
		t.Errorf("selections alias: %v %v %v", s.ListOfTags, s1.ListOfTags, s2.ListOfTags)
	}
}

func TestPlanBuilder(t *testing.T) {
	t.Parallel()
	rules := []Rule{Daily("d", 1, 0).InVault("v1")}
	p := NewPlan("p", rules...).
		InRegions("us-east-1", "eu-west-1").
		Select(ByTag("backup team", "prod/eu", vTestRole)).
		Select(ByResources(vTestRole, "*").Except("arn:aws:s3:::tmp-*")).
		WindowsVSS(false).WindowsVSS(true).
		Tag("owner", "platform")
	rules[0].Name = "changed"
	want := &Plan{
		Name:    "p",
		Regions: []string{"us-east-1", "eu-west-1"},
		Rules:   []Rule{{Name: "d", Schedule: "cron(0 1 * * ? *)", TargetVault: "v1"}},
		Selections: []Selection{
			{Name: "backup-team-prod-eu", IAMRoleARN: vTestRole, ListOfTags: []TagCondition{{Type: StringEquals, Key: "backup team", Value: "prod/eu"}}},
			{Name: "resources", IAMRoleARN: vTestRole, Resources: []string{"*"}, NotResources: []string{"arn:aws:s3:::tmp-*"}},
		},
		AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}},
		Tags:             map[string]string{"owner": "platform"},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
	if r, ok := p.Rule("d"); !ok || r.TargetVault != "v1" {
		t.Errorf("Rule(d) = %+v, %v", r, ok)
	}
	if _, ok := p.Rule("nope"); ok {
		t.Error("Rule(nope) found")
	}
	if err := p.Validate(TargetPolicy); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestByTagLongName(t *testing.T) {
	t.Parallel()
	s := ByTag("a-very-long-tag-key-for-selection", "and-an-even-longer-tag-value", vTestRole)
	if len(s.Name) != 50 || !selectionNameRE.MatchString(s.Name) {
		t.Errorf("Name = %q (%d chars), want a valid 50-character name", s.Name, len(s.Name))
	}
}
