package backup_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
)

// TestFaultAtEachStep fails, once, each mutating operation a full apply
// uses. The apply reports the failed change by address, skips what
// depends on it (later changes in its account and region, or its whole
// account for a global resource), applies everything else, and a second
// plan and apply converge with no duplicate resource.
func TestFaultAtEachStep(t *testing.T) {
	t.Parallel()
	sp := parseSpec(t, baseSpec)
	ref := newSpecOrg(t, sp)
	p := ref.plan(t)
	ref.srv.ResetCallStats()
	if res := ref.apply(t, p, allowAll); res.Err() != nil {
		t.Fatal(res.Err())
	}
	var ops []emulator.CallKey
	seen := map[string]bool{}
	for _, st := range ref.srv.CallStats() {
		k := st.Service + ":" + st.Operation
		if isMutation(st.Operation) && !seen[k] {
			seen[k] = true
			ops = append(ops, emulator.CallKey{Service: st.Service, Operation: st.Operation})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Service+ops[i].Operation < ops[j].Service+ops[j].Operation })
	if len(ops) < 20 {
		t.Fatalf("a full apply used only %d mutating operations: %v", len(ops), ops)
	}
	ref.wantConverged(t)
	want := inventory(t, ref.srv)
	t.Logf("%d mutating operations; inventory %v", len(ops), want)

	for _, op := range ops {
		t.Run(op.Service+":"+op.Operation, func(t *testing.T) {
			t.Parallel()
			// One attempt per request, so the one-shot failure is not
			// retried away by the SDK.
			org := newSpecOrg(t, sp, func(o *crossaccount.Options) { o.MaxAttempts = 1 })
			p := org.plan(t)
			org.srv.AddFault(emulator.Fault{Service: op.Service, Operation: op.Operation, FailNext: 1})
			res := org.apply(t, p, allowAll)
			if res.Err() == nil {
				t.Fatalf("apply with a failing %s succeeded", op.Operation)
			}
			byAddr := map[plan.Address]plan.Change{}
			for _, c := range p.Changes {
				byAddr[c.Address] = c
			}
			var failed []backup.ChangeResult
			notApplied := map[plan.Address]bool{}
			for _, r := range res.Changes {
				switch r.Outcome {
				case backup.Failed:
					failed = append(failed, r)
					notApplied[r.Address] = true
				case backup.Skipped:
					notApplied[r.Address] = true
				case backup.Applied:
				default:
					t.Errorf("%s has no outcome (%q)", r.Address, r.Outcome)
				}
			}
			if len(failed) != 1 {
				t.Fatalf("%d changes failed, want 1: %v", len(failed), res.Err())
			}
			f := byAddr[failed[0].Address]
			if !strings.Contains(failed[0].Err.Error(), op.Operation) {
				t.Errorf("failed change %s: error %q does not name %s", f.Address, failed[0].Err, op.Operation)
			}
			if !strings.Contains(res.Err().Error(), f.Address.String()+": ") {
				t.Errorf("Result.Err() = %q does not start the failure with its address %s", res.Err(), f.Address)
			}
			applied, _, skipped := res.Counts()
			for _, r := range res.Changes {
				if r.Outcome != backup.Skipped {
					continue
				}
				c := byAddr[r.Address]
				sameScope := c.Account == f.Account && (c.Region == f.Region || f.Region == plan.Global)
				dependent := false
				for _, d := range c.DependsOn {
					dependent = dependent || notApplied[d]
				}
				if !sameScope && !dependent {
					t.Errorf("%s was skipped although it does not depend on %s: %v", r.Address, f.Address, r.Err)
				}
			}
			if applied == 0 || applied+1+skipped != len(p.Changes) {
				t.Errorf("counts: %d applied, 1 failed, %d skipped of %d changes", applied, skipped, len(p.Changes))
			}

			org.srv.ClearFaults()
			again := org.plan(t)
			// At most the changes not applied: a failed step whose effect
			// an earlier one had already (tags given at creation) leaves
			// nothing to do.
			if len(again.Changes) > 1+skipped || len(again.Changes) == 0 && op.Operation != "PutBucketTagging" {
				t.Errorf("re-plan has %d changes, want the %d not applied:\n%s", len(again.Changes), 1+skipped, planText(again))
			}
			if res := org.apply(t, again, allowAll); res.Err() != nil {
				t.Fatalf("re-apply: %v", res.Err())
			}
			org.wantConverged(t)
			if diff := cmp.Diff(want, inventory(t, org.srv)); diff != "" {
				t.Errorf("resources after recovery differ from a clean apply (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRetryAbsorbsOneShotFault checks that with the Fleet's default
// adaptive retry a single 500 is retried and the apply succeeds.
func TestRetryAbsorbsOneShotFault(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	p := org.plan(t)
	org.srv.AddFault(emulator.Fault{Service: "backup", Operation: "CreateBackupVault", FailNext: 1})
	if res := org.apply(t, p, allowAll); res.Err() != nil {
		t.Fatalf("apply: %v", res.Err())
	}
	failed := 0
	for _, st := range org.srv.CallStats() {
		failed += st.Failed
	}
	if failed != 1 {
		t.Fatalf("%d injected failures, want 1", failed)
	}
	org.wantConverged(t)
}
