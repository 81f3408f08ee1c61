package guardrails_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/plan"
)

// TestPlanGatesRemoval: creating the guardrails is not destructive;
// weakening a statement, narrowing the targets or removing them is.
func TestPlanGatesRemoval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	defer srv.Close()
	cfg := srv.Config(emulator.ManagementAccountID, "us-east-1")
	orgs := awsorgs.NewFromConfig(cfg)
	kinds := map[string]plan.Kind{}
	for _, k := range guardrails.Kinds() {
		kinds[k.Name] = k
	}
	tags := map[string]string{"orgbackup:managed": "true", "orgbackup:spec": "s"}
	base := guardrails.Desired{Management: emulator.ManagementAccountID, Targets: []string{"ou-root-production", "ou-root-staging1"}, Vaults: []string{"local"},
		Roles: []string{"OrgBackupServiceRole"}, DeployRole: "orgbackup-deploy", BreakGlassRole: "orgbackup-break-glass", SpecName: "s", Tags: tags}
	policies := func(d guardrails.Desired) []guardrails.Policy {
		ps, err := d.Policies()
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	apply := func(cs []plan.Change) {
		t.Helper()
		// Policy type and policies before attachments, detachments
		// before deletions, as stages and dependencies order them.
		for _, pass := range []func(plan.Change) bool{
			func(c plan.Change) bool { return c.Kind != guardrails.KindSCPAttachment && c.Action != plan.Delete },
			func(c plan.Change) bool { return c.Kind == guardrails.KindSCPAttachment },
			func(c plan.Change) bool { return c.Kind != guardrails.KindSCPAttachment && c.Action == plan.Delete },
		} {
			for _, c := range cs {
				if !pass(c) {
					continue
				}
				k, ok := kinds[c.Kind]
				if !ok {
					// The SCP policy type is the organization package's kind.
					if _, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: "SERVICE_CONTROL_POLICY"}); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg}, c); err != nil {
					t.Fatalf("applying %s: %v", c.Address, err)
				}
			}
		}
	}
	weaker := base
	weaker.BreakGlassRole = "someone-else"
	narrower := base
	narrower.Targets = []string{"ou-root-production"}
	steps := []struct {
		name        string
		want        []guardrails.Policy
		changes     int
		destructive int
	}{
		{"create", policies(base), 4, 0}, // policy type, SCP, 2 attachments
		{"converged", policies(base), 0, 0},
		{"a statement exempts another role", policies(weaker), 1, 1},
		{"back", policies(base), 1, 1}, // the other role's exemption goes
		{"a target less", policies(narrower), 1, 1},
		{"removed", nil, 2, 2}, // detach, delete
	}
	for _, st := range steps {
		cs, err := guardrails.Plan(ctx, orgs, emulator.ManagementAccountID, "s", st.want)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		destructive := 0
		for _, c := range cs {
			if c.Destructive {
				destructive++
			}
		}
		if len(cs) != st.changes || destructive != st.destructive {
			for _, c := range cs {
				t.Logf("%s: %s %s destructive=%v %s", st.name, c.Action, c.Address, c.Destructive, c.Reason)
			}
			t.Fatalf("%s: %d changes (%d destructive), want %d (%d)", st.name, len(cs), destructive, st.changes, st.destructive)
		}
		apply(cs)
	}
}
