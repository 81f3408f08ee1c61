package crossaccount_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

// discoverTopology discovers the organization of srv as its management
// account.
func discoverTopology(t *testing.T, srv *emulator.Server) *crossaccount.Topology {
	t.Helper()
	topo, err := crossaccount.Discover(context.Background(), awsorgs.NewFromConfig(srv.Config(srv.ManagementAccount(), "us-east-1")))
	if err != nil {
		t.Fatalf("Discover() error: %v", err)
	}
	return topo
}

func TestDiscoverDefaultOrganization(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	topo := discoverTopology(t, srv)

	if got, want := topo.OrganizationID(), "o-orgbackup1"; got != want {
		t.Errorf("OrganizationID() = %q, want %q", got, want)
	}
	if got, want := topo.RootID(), "r-root"; got != want {
		t.Errorf("RootID() = %q, want %q", got, want)
	}
	if got, want := topo.ManagementAccount(), "111111111111"; got != want {
		t.Errorf("ManagementAccount() = %q, want %q", got, want)
	}
	// The expectation is the fixture itself, walked here independently
	// of the wire.
	fixture := emulator.DefaultOrganization()
	var wantAccounts []crossaccount.Account
	var wantOUs []crossaccount.OU
	addAccounts := func(parent string, list []emulator.Account) {
		for _, a := range list {
			wantAccounts = append(wantAccounts, crossaccount.Account{ID: a.ID, Name: a.Name, Email: a.ID + "@example.com", Status: "ACTIVE", Parent: parent})
		}
	}
	var addUnits func(parent string, list []emulator.Unit)
	addUnits = func(parent string, list []emulator.Unit) {
		for _, u := range list {
			wantOUs = append(wantOUs, crossaccount.OU{ID: u.ID, Name: u.Name, Parent: parent})
			addAccounts(u.ID, u.Accounts)
			addUnits(u.ID, u.Units)
		}
	}
	addAccounts("r-root", fixture.Accounts)
	addUnits("r-root", fixture.Units)
	sort.Slice(wantAccounts, func(i, j int) bool { return wantAccounts[i].ID < wantAccounts[j].ID })
	sort.Slice(wantOUs, func(i, j int) bool { return wantOUs[i].ID < wantOUs[j].ID })
	if got, want := len(wantAccounts), 6; got != want {
		t.Fatalf("default fixture has %d accounts, want %d", got, want)
	}
	if diff := cmp.Diff(wantAccounts, topo.Accounts()); diff != "" {
		t.Errorf("Accounts() mismatch (-want +got):\n%s", diff)
	}
	for _, a := range wantAccounts {
		ids, err := topo.Resolve(a.Parent)
		if err != nil || !slices.Contains(ids, a.ID) {
			t.Errorf("Resolve(%q) = %v, %v; want it to contain %s", a.Parent, ids, err, a.ID)
		}
	}
	if diff := cmp.Diff(wantOUs, topo.OUs()); diff != "" {
		t.Errorf("OUs() mismatch (-want +got):\n%s", diff)
	}
}

// nestedOrganization has nested OUs, two OUs sharing a name and an OU of
// 45 accounts, more than one page of every list.
func nestedOrganization() *emulator.Organization {
	var many []emulator.Account
	for i := range 45 {
		many = append(many, emulator.Account{ID: fmt.Sprintf("7000000000%02d", i)})
	}
	var ous []emulator.Unit
	for i := range 25 {
		ous = append(ous, emulator.Unit{ID: fmt.Sprintf("ou-root-empty%03d0", i), Name: fmt.Sprintf("Empty%03d", i)})
	}
	return &emulator.Organization{
		ID: "o-nested0001", RootID: "r-root", ManagementAccount: "111111111111",
		Units: append(ous,
			emulator.Unit{ID: "ou-root-workloads", Name: "Workloads", Units: []emulator.Unit{
				{ID: "ou-root-prodwork", Name: "Prod", Accounts: []emulator.Account{{ID: "600000000001"}}, Units: []emulator.Unit{
					{ID: "ou-root-prodapps", Name: "Apps", Accounts: []emulator.Account{{ID: "600000000002"}, {ID: "600000000003"}}},
				}},
				{ID: "ou-root-devwork1", Name: "Dev", Units: []emulator.Unit{
					{ID: "ou-root-devapps1", Name: "Apps", Accounts: []emulator.Account{{ID: "600000000004"}}},
				}},
			}},
			emulator.Unit{ID: "ou-root-many0001", Name: "Many", Accounts: many},
		),
	}
}

func TestDiscoverNested(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer(emulator.WithOrganization(nestedOrganization()))
	t.Cleanup(srv.Close)
	topo := discoverTopology(t, srv)

	if got, want := len(topo.Accounts()), 1+4+45; got != want {
		t.Errorf("len(Accounts()) = %d, want %d", got, want)
	}
	if got, want := len(topo.OUs()), 25+6; got != want {
		t.Errorf("len(OUs()) = %d, want %d", got, want)
	}

	paths := []struct {
		id   string
		want []string
	}{
		{"r-root", []string{"r-root"}},
		{"111111111111", []string{"r-root", "111111111111"}},
		{"ou-root-workloads", []string{"r-root", "ou-root-workloads"}},
		{"600000000003", []string{"r-root", "ou-root-workloads", "ou-root-prodwork", "ou-root-prodapps", "600000000003"}},
		{"600000000004", []string{"r-root", "ou-root-workloads", "ou-root-devwork1", "ou-root-devapps1", "600000000004"}},
		{"700000000044", []string{"r-root", "ou-root-many0001", "700000000044"}},
		{"999999999999", nil},
	}
	for _, tc := range paths {
		if diff := cmp.Diff(tc.want, topo.Path(tc.id)); diff != "" {
			t.Errorf("Path(%q) mismatch (-want +got):\n%s", tc.id, diff)
		}
	}

	tests := map[string]struct {
		target  string
		want    []string
		wantErr error
	}{
		"account ID":             {target: "600000000002", want: []string{"600000000002"}},
		"OU ID recursive":        {target: "ou-root-workloads", want: []string{"600000000001", "600000000002", "600000000003", "600000000004"}},
		"OU name":                {target: "Prod", want: []string{"600000000001", "600000000002", "600000000003"}},
		"OU ID of shared name":   {target: "ou-root-devapps1", want: []string{"600000000004"}},
		"empty OU":               {target: "Empty007", want: []string{}},
		"ambiguous OU name":      {target: "Apps", wantErr: crossaccount.ErrAmbiguousTarget},
		"unknown":                {target: "Nope", wantErr: crossaccount.ErrUnknownTarget},
		"name is case-sensitive": {target: "prod", wantErr: crossaccount.ErrUnknownTarget},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := topo.Resolve(tc.target)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Resolve(%q) error = %v, want %v", tc.target, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Resolve(%q) mismatch (-want +got):\n%s", tc.target, diff)
			}
		})
	}

	t.Run("root", func(t *testing.T) {
		t.Parallel()
		got, err := topo.Resolve("r-root")
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, a := range topo.Accounts() {
			want = append(want, a.ID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Resolve(root) mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("ambiguous names the OUs", func(t *testing.T) {
		t.Parallel()
		_, err := topo.Resolve("Apps")
		if err == nil || !strings.Contains(err.Error(), "ou-root-devapps1, ou-root-prodapps") {
			t.Errorf("Resolve(Apps) error = %v, want it to list both OUs", err)
		}
	})
}

func TestDiscoverDeniedToMember(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	_, err := crossaccount.Discover(context.Background(), awsorgs.NewFromConfig(srv.Config("333333333333", "us-east-1")))
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("Discover() as a member error = %v, want AccessDeniedException", err)
	}
	if !strings.HasPrefix(err.Error(), "listing roots: ") {
		t.Errorf("Discover() error = %q, want it to say what was being done", err)
	}
}

func TestFromAccounts(t *testing.T) {
	t.Parallel()
	ous := []crossaccount.OU{
		{ID: "ou-a", Name: "A", Parent: "r-1"},
		{ID: "ou-b", Name: "B", Parent: "ou-a"},
	}
	accounts := []crossaccount.Account{
		{ID: "100000000001", Parent: "r-1"},
		{ID: "100000000002", Parent: "ou-b"},
	}
	topo, err := crossaccount.FromAccounts("o-1234567890", "r-1", "100000000001", ous, accounts)
	if err != nil {
		t.Fatalf("FromAccounts() error: %v", err)
	}
	if diff := cmp.Diff([]string{"r-1", "ou-a", "ou-b", "100000000002"}, topo.Path("100000000002")); diff != "" {
		t.Errorf("Path() mismatch (-want +got):\n%s", diff)
	}
	got, err := topo.Resolve("A")
	if err != nil || !cmp.Equal(got, []string{"100000000002"}) {
		t.Errorf("Resolve(A) = %v, %v; want [100000000002]", got, err)
	}

	bad := map[string]struct {
		ous      []crossaccount.OU
		accounts []crossaccount.Account
		want     []string
	}{
		"unknown parents": {
			ous:      []crossaccount.OU{{ID: "ou-a", Parent: "ou-x"}},
			accounts: []crossaccount.Account{{ID: "100000000001", Parent: "ou-y"}},
			want:     []string{`OU ou-a: unknown parent "ou-x"`, `account 100000000001: unknown parent "ou-y"`},
		},
		"cycle": {
			ous:  []crossaccount.OU{{ID: "ou-a", Parent: "ou-b"}, {ID: "ou-b", Parent: "ou-a"}},
			want: []string{"OU ou-a: not under root r-1", "OU ou-b: not under root r-1"},
		},
		"duplicates": {
			ous:      []crossaccount.OU{{ID: "ou-a", Parent: "r-1"}, {ID: "ou-a", Parent: "r-1"}},
			accounts: []crossaccount.Account{{ID: "100000000001", Parent: "r-1"}, {ID: "100000000001", Parent: "r-1"}},
			want:     []string{"ous[1]: OU ou-a listed twice", "accounts[1]: account 100000000001 listed twice"},
		},
	}
	for name, tc := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := crossaccount.FromAccounts("o-1234567890", "r-1", "", tc.ous, tc.accounts)
			if err == nil {
				t.Fatal("FromAccounts() succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("FromAccounts() error = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func ExampleTopology_Resolve() {
	topo, err := crossaccount.FromAccounts("o-1234567890", "r-ab12", "111111111111",
		[]crossaccount.OU{
			{ID: "ou-ab12-prod0001", Name: "Production", Parent: "r-ab12"},
			{ID: "ou-ab12-web00001", Name: "Web", Parent: "ou-ab12-prod0001"},
		},
		[]crossaccount.Account{
			{ID: "111111111111", Name: "management", Parent: "r-ab12"},
			{ID: "333333333333", Name: "prod-db", Parent: "ou-ab12-prod0001"},
			{ID: "333333333334", Name: "prod-web", Parent: "ou-ab12-web00001"},
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, _ := topo.Resolve("Production")
	fmt.Println(ids)
	fmt.Println(topo.Path("333333333334"))
	_, err = topo.Resolve("Staging")
	fmt.Println(err)
	// Output:
	// [333333333333 333333333334]
	// [r-ab12 ou-ab12-prod0001 ou-ab12-web00001 333333333334]
	// resolving target "Staging": unknown target: no account, OU ID or OU name matches
}
