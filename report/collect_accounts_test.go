package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/spec"
)

// TestWorkloadAccountsFollowTheSpec: the report counts in a tier exactly
// the accounts the spec puts in it (spec.Spec.TierAccounts), so the
// management and backup accounts, which no tier's plan covers, are not
// reported as workloads even when a tier's target holds them.
func TestWorkloadAccountsFollowTheSpec(t *testing.T) {
	t.Parallel()
	sp := testSpec(t)
	topo, err := crossaccount.FromAccounts("o-test", "r-root", "111111111111",
		[]crossaccount.OU{{ID: "ou-prod", Name: "Production", Parent: "r-root"}, {ID: "ou-dev", Name: "Development", Parent: "r-root"}, {ID: "ou-stg", Name: "Staging", Parent: "r-root"}},
		[]crossaccount.Account{
			{ID: "111111111111", Name: "management", Parent: "r-root"},
			{ID: "222222222222", Name: "backup", Parent: "ou-prod"},
			{ID: prodAccount, Name: "prod", Parent: "ou-prod"},
			{ID: nyAccount, Name: "ny", Parent: "ou-stg"},
			{ID: devAccount, Name: "dev", Parent: "ou-dev"},
			{ID: "666666666666", Name: "dev2", Parent: "ou-dev"},
		})
	if err != nil {
		t.Fatal(err)
	}
	inv := NewInventory(LastDays(testEnd, 1))
	if err := workloadAccounts(sp, topo, inv); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{prodAccount: {"production"}, nyAccount: {"newyork"}, devAccount: {"development"}, "666666666666": {"development"}}
	if diff := cmp.Diff(want, inv.Accounts); diff != "" {
		t.Errorf("accounts by tier (-want +got):\n%s", diff)
	}
	byTier, err := sp.TierAccounts(topo)
	if err != nil {
		t.Fatal(err)
	}
	for tier, accounts := range byTier {
		for _, a := range accounts {
			if !cmp.Equal(inv.Accounts[a], []string{tier}) {
				t.Errorf("account %s: report tiers %v, spec tier %s", a, inv.Accounts[a], tier)
			}
		}
	}
	if got := inv.AccountNames["222222222222"]; got != "backup" {
		t.Errorf("backup account name %q, want backup", got)
	}

	// A target the organization lacks is an error.
	bad, err := spec.Parse("test.yaml", []byte(testSpecYAML))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := crossaccount.FromAccounts("o-test", "r-root", "111111111111", nil, []crossaccount.Account{{ID: "111111111111", Parent: "r-root"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := workloadAccounts(bad, empty, NewInventory(LastDays(testEnd, 1))); err == nil {
		t.Error("workloadAccounts with tiers targeting missing OUs: no error")
	}
}
