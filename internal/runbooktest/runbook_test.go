// Package runbooktest executes the recovery runbooks orgbackup generates
// for the example spec against a served emulator, with the AWS CLI and the
// built binary, so that a runbook that would not work fails CI. It is a
// package of its own for the time it takes (the AWS CLI starts a Python
// interpreter per command).
package runbooktest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/orgtest"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

// TestRunbooksRun generates the runbooks of the example spec with the
// built orgbackup binary and executes every command of every tier's
// runbook against a served emulator holding the example organization,
// with the AWS CLI and the binary as an operator would: a runbook whose
// command would not work fails the test. The runbooks' "sleep" advances
// the emulator's clock, as no host timer moves it.
func TestRunbooksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the AWS CLI")
	}
	for _, tool := range []string{"aws", "jq", "curl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	specFile, err := filepath.Abs("../../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Load(specFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "orgbackup"), "../../cmd/orgbackup")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building orgbackup: %v\n%s", err, out)
	}

	const recoveryAccount = "666666666666"
	org := emulator.DefaultOrganization()
	org.Units = append(org.Units, emulator.Unit{ID: "ou-root-recovery1", Name: "Recovery", Accounts: []emulator.Account{{ID: recoveryAccount, Name: "recovery"}}})
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = org })
	t.Cleanup(srv.Close)
	// Each tier's account holds a database and a volume; the runbooks
	// restore the volume alone (the quickest restore, so the AWS CLI polls
	// least) and everything in the account and failover sections.
	resources := map[string][2]string{} // tier -> account, volume ARN
	for tier, account := range map[string]string{"production": "333333333333", "staging": "444444444444", "development": "555555555555"} {
		srv.AddResource(account, "us-east-1", emulator.RDSInstance, tier+"-db", map[string]string{"backup-tier": tier}, 20<<30)
		arn := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": tier}, 2<<30)
		resources[tier] = [2]string{account, arn}
	}
	orgtest.Converge(t, srv, sp)
	// A Sunday passes (development's weekly backup), the daily copy to
	// the secondary Region runs, and every copy lands.
	srv.AdvanceTo(time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC))
	orgtest.CopyToSecondary(t, srv, sp)
	srv.AdvanceTo(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))

	out, err := exec.Command(filepath.Join(bin, "orgbackup"), "runbook", "--spec", specFile, "--out", filepath.Join(dir, "runbooks")).CombinedOutput()
	if err != nil {
		t.Fatalf("orgbackup runbook: %v\n%s", err, out)
	}
	creds := filepath.Join(dir, "credentials")
	for _, tier := range sp.TierNames() {
		md, err := os.ReadFile(filepath.Join(dir, "runbooks", "runbook-"+tier+".md"))
		if err != nil {
			t.Fatal(err)
		}
		account, arn := resources[tier][0], resources[tier][1]
		profiles := fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = secret\n[%s]\naws_access_key_id = %s\naws_secret_access_key = secret\n",
			recovery.ProfileBackup, sp.Organization.BackupAccount, recovery.ProfileTarget, account)
		if err := os.WriteFile(creds, []byte(profiles), 0o600); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(),
			"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"HOME="+dir,
			"AWS_ENDPOINT_URL="+srv.URL,
			"AWS_ACCESS_KEY_ID="+sp.Organization.ManagementAccount,
			"AWS_SECRET_ACCESS_KEY=secret",
			"AWS_SHARED_CREDENTIALS_FILE="+creds,
			"AWS_CONFIG_FILE="+filepath.Join(dir, "no-config"),
			"AWS_DEFAULT_REGION="+sp.Organization.Regions.Primary,
			"AWS_PAGER=",
			"RESOURCE_ARN="+arn,
			"ACCOUNT="+account,
			"RECOVERY_ACCOUNT="+recoveryAccount,
		)
		cmds := recovery.RunbookCommands(string(md))
		if len(cmds) < 4 {
			t.Fatalf("runbook of %s has %d command blocks:\n%s", tier, len(cmds), md)
		}
		for i, c := range cmds {
			if strings.HasPrefix(strings.TrimSpace(c), "export RESOURCE_ARN=") {
				continue // the operator's variables, set above
			}
			script := "set -euo pipefail\n" +
				`sleep() { curl -sf -X POST "$AWS_ENDPOINT_URL/_orgbackup/clock/advance" -H 'Content-Type: application/json' -d "{\"duration\":\"${1}s\"}" >/dev/null; }` + "\n" + c + "\n"
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Env, cmd.Dir = env, dir
			began := time.Now()
			out, err := cmd.CombinedOutput()
			cancel()
			t.Logf("runbook %s, block %d: %s", tier, i, time.Since(began).Round(time.Millisecond))
			if err != nil {
				t.Errorf("runbook %s, block %d failed: %v\n--- block\n%s\n--- output\n%s", tier, i, err, c, out)
			}
		}
	}
	// The restores happened: the recovery account holds restored
	// resources in both Regions, and the production account in the DR
	// Region after the failover.
	for _, where := range [][2]string{{recoveryAccount, "us-east-1"}, {recoveryAccount, "us-west-2"}, {"333333333333", "us-west-2"}} {
		if len(srv.Resources(where[0], where[1])) == 0 {
			t.Errorf("no restored resource in %s/%s", where[0], where[1])
		}
	}
}
