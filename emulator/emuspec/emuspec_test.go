package emuspec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/emulator/emuspec"
	"github.com/orgbackup/orgbackup/spec"
)

// TestFor checks which organization a spec gets: the built-in one for a
// spec of it (so a mistyped OU stays unknown), one built on purpose for a
// spec of another organization, with an OU per target, the target
// accounts, and the root a target names.
func TestFor(t *testing.T) {
	t.Parallel()
	seed, err := spec.Load("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(emulator.DefaultOrganization(), emuspec.For(seed)); diff != "" {
		t.Errorf("For(seed spec) is not the built-in organization (-want +got):\n%s", diff)
	}
	other := *seed
	other.Organization.ManagementAccount, other.Organization.BackupAccount = "900000000001", "900000000002"
	other.Tiers = map[string]spec.Tier{
		"production": {Targets: []string{"ou-abcd-12345678", "900000000003"}},
		"staging":    {Targets: []string{"Staging", "r-ab12"}},
	}
	org := emuspec.For(&other)
	if org.ManagementAccount != "900000000001" || org.RootID != "r-ab12" {
		t.Errorf("built organization: management %s, root %s", org.ManagementAccount, org.RootID)
	}
	var units []string
	for _, u := range org.Units {
		units = append(units, u.ID+"/"+u.Name)
	}
	if diff := cmp.Diff([]string{"ou-root-security/Security", "/Staging", "ou-abcd-12345678/production", "/Workloads"}, units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	if !emuspec.Fits(&other, org) || emuspec.Fits(&other, emulator.DefaultOrganization()) {
		t.Error("Fits disagrees with the organizations built")
	}
}

// TestFleetOptions checks the preset that makes the engine as fast on the
// emulator as the CLI: no client-side rate limit.
func TestFleetOptions(t *testing.T) {
	t.Parallel()
	sp, err := spec.Load("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := emuspec.NewServer(sp)
	defer srv.Close()
	o := emuspec.Fleet(srv, sp, func(o *crossaccount.Options) { o.ReadOnly = true }).Options()
	if o.RatePerSecond >= 0 || !o.ReadOnly || o.ExecutionRole != sp.Organization.ExecutionRole || o.ManagementAccount != sp.Organization.ManagementAccount {
		t.Errorf("fleet options %+v", o)
	}
}
