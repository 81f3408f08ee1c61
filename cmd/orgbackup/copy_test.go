package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
)

const copySpec = "../../backup/testdata/spec/valid.json"

func copyTopology(t *testing.T) *crossaccount.Topology {
	t.Helper()
	topo, err := crossaccount.FromAccounts("o-orgbackup1", "r-root", "111111111111",
		[]crossaccount.OU{{ID: "ou-root-prod", Name: "Production", Parent: "r-root"}, {ID: "ou-root-stage", Name: "Staging", Parent: "r-root"}},
		[]crossaccount.Account{
			{ID: "111111111111", Parent: "r-root"}, {ID: "222222222222", Parent: "r-root"},
			{ID: "333333333333", Parent: "ou-root-prod"}, {ID: "333333333334", Parent: "ou-root-prod"}, {ID: "444444444444", Parent: "ou-root-stage"},
		})
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func TestCopyRoutes(t *testing.T) {
	t.Parallel()
	spec, err := backup.Load(copySpec)
	if err != nil {
		t.Fatal(err)
	}
	topo := copyTopology(t)
	type route struct{ Source, Dest, Tier, Accounts string }
	summarize := func(rs []crossaccount.CopyRoute) []route {
		var out []route
		for _, r := range rs {
			out = append(out, route{r.Account + "/" + r.Region + "/" + r.Vault, r.DestinationVaultARN, r.Label, strings.Join(r.ResourceAccounts, ",")})
		}
		return out
	}
	central := spec.CentralVaultARN("us-east-1")
	for name, tc := range map[string]struct {
		to    string
		scope scopeFlags
		want  []route
	}{
		"central": {to: "central", want: []route{
			{"333333333333/us-east-1/" + spec.Local.Vault, central, "production", ""},
			{"333333333334/us-east-1/" + spec.Local.Vault, central, "production", ""},
			{"444444444444/us-east-1/" + spec.Local.Vault, central, "staging", ""},
		}},
		"central, one account": {to: "central", scope: scopeFlags{accounts: "333333333334"}, want: []route{
			{"333333333334/us-east-1/" + spec.Local.Vault, central, "production", ""},
		}},
		"central, one tier": {to: "central", scope: scopeFlags{tiers: "staging"}, want: []route{
			{"444444444444/us-east-1/" + spec.Local.Vault, central, "staging", ""},
		}},
		"secondary": {to: "secondary", want: []route{
			{"222222222222/us-east-1/" + spec.Central.Vault, spec.CentralVaultARN("us-west-2"), "production", "333333333333,333333333334"},
		}},
	} {
		routes, err := copyRoutes(spec, topo, tc.to, tc.scope)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(tc.want, summarize(routes)); diff != "" {
			t.Errorf("%s: routes (-want +got):\n%s", name, diff)
		}
	}
	routes, _ := copyRoutes(spec, topo, "central", scopeFlags{tiers: "staging"})
	if got := aws.ToInt64(routes[0].Lifecycle.DeleteAfterDays); got != 730 || routes[0].RoleARN != spec.BackupRoleARN("444444444444") {
		t.Errorf("staging route: retention %d days, role %s; want 730 days and the backup role", got, routes[0].RoleARN)
	}
	if _, err := copyRoutes(spec, topo, "elsewhere", scopeFlags{}); err == nil {
		t.Error("copyRoutes accepted --to elsewhere")
	}
}

func TestRemediationTargets(t *testing.T) {
	t.Parallel()
	spec, err := backup.Load(copySpec)
	if err != nil {
		t.Fatal(err)
	}
	targets, err := remediationTargets(spec, copyTopology(t), scopeFlags{tiers: "production"}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := spec.Tier("production")
	if len(targets) != 2 || targets[0].Account != "333333333333" || targets[0].Vault != spec.Local.Vault ||
		aws.ToInt64(targets[0].Lifecycle.DeleteAfterDays) != int64(prod.LocalRetention) || targets[0].RecoveryPointTags["orgbackup:tier"] != "production" {
		t.Fatalf("targets %+v", targets)
	}
	if targets[0].RPO != 24*time.Hour {
		t.Errorf("RPO of the production tier (%s) = %v, want 24h", prod.Schedule, targets[0].RPO)
	}
}

func TestCopyCommands(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		"bad destination": {[]string{"copy", "--emulator", "--spec", copySpec, "--to", "elsewhere"}, exitUsage, "", "--to must be central or secondary"},
		"bad time":        {[]string{"copy", "--emulator", "--spec", copySpec, "--created-after", "yesterday"}, exitUsage, "", "neither an RFC 3339 time"},
		// The emulated organization has no vaults yet: the copy cannot
		// list them and says so.
		"copy before apply":   {[]string{"copy", "--emulator", "--spec", copySpec, "--dry-run"}, exitProblem, "Dry run", "listing recovery points"},
		"remediate (dry run)": {[]string{"remediate", "--emulator", "--spec", copySpec}, exitOK, "Dry run: nothing was started. Every resource with failed backup jobs is protected", ""},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, tc.args)
		if code != tc.code || !strings.Contains(stdout.String(), tc.inStdout) || !strings.Contains(stderr.String(), tc.inStderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d with %q and %q", name, code, stdout.String(), stderr.String(), tc.code, tc.inStdout, tc.inStderr)
		}
	}
}
