package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRecoveryPointTagsOf(t *testing.T) {
	t.Parallel()
	tier := TierPlan(TierPlanOptions{Tier: "production", PlanName: "orgbackup-production", Schedule: "cron(0 5 ? * * *)",
		LocalVault: DefaultLocalVault, LocalRetention: 35}).Rules[0]
	fifty := map[string]string{}
	for i := range 49 {
		fifty[fmt.Sprintf("app-%02d", i)] = "x"
	}
	fifty["business-unit"] = "payments" // after every app-NN
	tests := []struct {
		name     string
		typ      string
		resource map[string]string
		advanced bool
		want     map[string]string
	}{
		{"the tier tag and the resource's", "EBS", map[string]string{"business-unit": "payments"}, false,
			map[string]string{"business-unit": "payments", TierTagKey: "production"}},
		{"the rule's tag wins", "EFS", map[string]string{TierTagKey: "other", "team": "a"}, false,
			map[string]string{TierTagKey: "production", "team": "a"}},
		{"an EC2 image gets the instance's tags", "EC2", map[string]string{"business-unit": "payments"}, false,
			map[string]string{"business-unit": "payments", TierTagKey: "production"}},
		{"DynamoDB with advanced backup", "DynamoDB", map[string]string{"business-unit": "payments"}, true,
			map[string]string{"business-unit": "payments", TierTagKey: "production"}},
		{"DynamoDB without advanced backup gets none", "DynamoDB", map[string]string{"business-unit": "payments"}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tier.RecoveryPointTagsOf(tc.typ, tc.resource, tc.advanced)); diff != "" {
				t.Errorf("RecoveryPointTagsOf mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// A resource with 50 tags, AWS's most: the tier tag takes one of the
	// recovery point's 50, and the resource's last tag in alphabetical
	// order is left off.
	got := tier.RecoveryPointTagsOf("EBS", fifty, false)
	if len(got) != MaxRecoveryPointTags || got[TierTagKey] != "production" || got["business-unit"] != "" {
		t.Errorf("RecoveryPointTagsOf(50 resource tags) has %d tags, tier %q, business-unit %q; want 50, production and none",
			len(got), got[TierTagKey], got["business-unit"])
	}
}

func TestAllocatedByResourceTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ      string
		advanced bool
		want     bool
	}{
		{"EBS", false, true}, {"RDS", false, true}, {"EFS", false, true}, {"S3", false, true},
		{"DynamoDB", true, true}, {"DynamoDB", false, false}, {"EC2", true, false},
	}
	for _, tc := range tests {
		ok, why := AllocatedByResourceTags(tc.typ, tc.advanced)
		if ok != tc.want || (ok == (why != "")) {
			t.Errorf("AllocatedByResourceTags(%s, %v) = %v, %q; want %v with a reason only when false", tc.typ, tc.advanced, ok, why, tc.want)
		}
	}
}
