package spec

import (
	"testing"

	"github.com/orgbackup/orgbackup/policy"
)

// TestResolvedIsACopy checks that a spec edited after loading is resolved
// as it is now by Resolved, without writing the spec itself (which
// concurrent runs share), and that Resolve records the edit.
func TestResolvedIsACopy(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1}
tiers:
  custom: {schedule: "cron(0 5 * * ? *)", local_retention: 14d, targets: [Workloads]}
`))
	if err != nil {
		t.Fatal(err)
	}
	days := func(s *Spec) policy.Days {
		t.Helper()
		tier, err := s.Tier("custom")
		if err != nil {
			t.Fatal(err)
		}
		return tier.LocalRetention
	}
	if got := days(s); got != 14 {
		t.Fatalf("LocalRetention = %d, want 14", got)
	}
	tier := s.Tiers["custom"]
	tier.LocalRetention = "30d"
	s.Tiers["custom"] = tier
	r, err := s.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	if got := days(r); got != 30 {
		t.Errorf("Resolved().LocalRetention = %d, want the edited 30", got)
	}
	if got := days(s); got != 14 {
		t.Errorf("the original's LocalRetention = %d after Resolved, want it untouched (14)", got)
	}
	if err := s.Resolve(); err != nil {
		t.Fatal(err)
	}
	if got := days(s); got != 30 {
		t.Errorf("after Resolve, LocalRetention = %d, want 30", got)
	}
	tier.LocalRetention = "forever"
	s.Tiers["custom"] = tier
	if _, err := s.Resolved(); err == nil {
		t.Errorf("Resolved accepted an invalid retention")
	}
}
