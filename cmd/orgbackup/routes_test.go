package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
)

// TestSeedRoutes checks the copy routes and remediation targets of the
// seed's spec on its emulated organization, those of copy, remediate,
// simulate and the Action: central copies from the production and staging
// accounts, secondary copies of production's, and remediation in every
// workload account.
func TestSeedRoutes(t *testing.T) {
	t.Parallel()
	s := newSimSession(t)
	topo, err := backup.DiscoverTopology(context.Background(), s.spec, s.fleet)
	if err != nil {
		t.Fatal(err)
	}
	central, err := backup.CopyRoutes(s.spec, topo, backup.CopyToCentral)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range central {
		got = append(got, r.Label+" "+r.Account+" "+r.Region+" "+r.Vault+" -> "+r.DestinationVaultARN)
	}
	want := []string{
		"production 333333333333 us-east-1 local-backup -> arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup",
		"production 333333333334 us-east-1 local-backup -> arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup",
		"staging 444444444444 us-east-1 local-backup -> arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("central routes (-want +got):\n%s", diff)
	}
	secondary, err := backup.CopyRoutes(s.spec, topo, backup.CopyToSecondary)
	if err != nil {
		t.Fatal(err)
	}
	if len(secondary) != 1 || secondary[0].DestinationVaultARN != "arn:aws:backup:us-west-2:222222222222:backup-vault:central-backup" ||
		!cmp.Equal(secondary[0].ResourceAccounts, []string{"333333333333", "333333333334"}) {
		t.Errorf("secondary routes = %+v", secondary)
	}
	targets, err := backup.RemediationTargets(s.spec, topo, s.srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, tg := range targets {
		got = append(got, tg.Label+" "+tg.Account+" "+tg.Region+" "+tg.Vault)
	}
	want = []string{
		"development 555555555555 us-east-1 local-backup",
		"production 333333333333 us-east-1 local-backup",
		"production 333333333334 us-east-1 local-backup",
		"staging 444444444444 us-east-1 local-backup",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("remediation targets (-want +got):\n%s", diff)
	}
}
