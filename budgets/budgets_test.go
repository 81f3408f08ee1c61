package budgets

import (
	"context"
	"os"
	"strings"
	"testing"

	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

func loadSpec(t *testing.T, budgets string) *spec.Spec {
	t.Helper()
	b, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("backup.yaml", []byte(string(b)+"\ncost:\n  allocation_tag: business-unit\n  budgets:\n"+budgets))
	if err != nil {
		t.Fatalf("spec.Parse() error:\n%v", err)
	}
	return s
}

func TestFromSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t, "    - {name: production, tier: production, monthly_limit: 15000}\n    - {name: retail, allocation: retail, monthly_limit: 400, thresholds: [100, 50], recipients: [fin@example.com]}\n    - {name: all, monthly_limit: 20000}\n")
	want := []Desired{
		{Name: "orgbackup-all", Limit: 20000, Unit: "USD", Thresholds: []float64{80, 100}, Recipients: []string{"backup-team@example.com"}},
		{Name: "orgbackup-production", Limit: 15000, Unit: "USD", TagKeyValue: []string{"user:orgbackup:tier$production"}, Thresholds: []float64{80, 100}, Recipients: []string{"backup-team@example.com"}},
		{Name: "orgbackup-retail", Limit: 400, Unit: "USD", TagKeyValue: []string{"user:business-unit$retail"}, Thresholds: []float64{50, 100}, Recipients: []string{"fin@example.com"}},
	}
	for i := range want {
		want[i].Tags = map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "central-backup"}
	}
	if diff := cmp.Diff(want, FromSpec(s, "USD")); diff != "" {
		t.Errorf("FromSpec() mismatch (-want +got):\n%s", diff)
	}
}

// TestPlanApplyConverges plans and applies budgets against the emulator
// until nothing changes, through creation, an update and a deletion.
func TestPlanApplyConverges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const account = "111111111111"
	c := awsbudgets.NewFromConfig(srv.Config(account, "us-east-1"))
	steps := []struct {
		budgets string
		actions []plan.Action
	}{
		{"    - {name: production, tier: production, monthly_limit: 15000}\n    - {name: all, monthly_limit: 20000}\n", []plan.Action{plan.Create, plan.Create}},
		{"    - {name: production, tier: production, monthly_limit: 15000, thresholds: [90]}\n", []plan.Action{plan.Update, plan.Delete}},
	}
	for i, step := range steps {
		want := FromSpec(loadSpec(t, step.budgets), "USD")
		changes, err := Plan(ctx, c, account, want)
		if err != nil {
			t.Fatalf("step %d: Plan() error = %v", i, err)
		}
		var got []plan.Action
		for _, ch := range changes {
			got = append(got, ch.Action)
			if err := Apply(ctx, c, ch); err != nil {
				t.Fatalf("step %d: Apply(%s) error = %v", i, ch.Address, err)
			}
		}
		if i == 0 {
			tags, exists, err := liveTags(ctx, c, account, "orgbackup-all")
			if err != nil || !exists || tags["orgbackup:spec"] != "central-backup" {
				t.Errorf("liveTags() = %v, %v, %v; want the managed tags of spec central-backup", tags, exists, err)
			}
		}
		if diff := cmp.Diff(step.actions, got); diff != "" {
			t.Errorf("step %d: actions mismatch (-want +got):\n%s", i, diff)
		}
		again, err := Plan(ctx, c, account, want)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 0 {
			t.Errorf("step %d: after apply, %d changes remain: %+v", i, len(again), again)
		}
		for _, ch := range changes {
			if ch.Action == plan.Create && !strings.Contains(ch.Reason, "cost allocation tag") {
				t.Errorf("reason %q does not mention activating the cost allocation tag", ch.Reason)
			}
		}
	}
}
