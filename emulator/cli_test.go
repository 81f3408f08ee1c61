package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestAWSCLI drives the emulator with the AWS CLI (a client the project
// does not control): it must accept our wire shapes as it accepts AWS's.
// The test is skipped when `aws` is not on PATH, unless CI is "true".
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("aws not found on PATH (required when CI=true): %v", err)
		}
		t.Skipf("aws not found on PATH: %v", err)
	}
	srv := newTestServer(t)

	dir := t.TempDir()
	upload := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(upload, []byte("hello from the cli\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A clean environment: no profile, config or endpoint of the machine
	// running the test may leak in.
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"AWS_ACCESS_KEY_ID=" + emulator.ManagementAccountID,
		"AWS_SECRET_ACCESS_KEY=" + emulator.DefaultSecretKey,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}

	var wantAccounts []string
	var walk func(units []emulator.Unit)
	walk = func(units []emulator.Unit) {
		for _, u := range units {
			for _, a := range u.Accounts {
				wantAccounts = append(wantAccounts, a.ID)
			}
			walk(u.Units)
		}
	}
	org := emulator.DefaultOrganization()
	for _, a := range org.Accounts {
		wantAccounts = append(wantAccounts, a.ID)
	}
	walk(org.Units)
	slices.Sort(wantAccounts)

	// The steps share one server and run in order.
	steps := []struct {
		name  string
		args  []string
		check func(t *testing.T, out []byte)
	}{
		{
			name: "sts get-caller-identity",
			args: []string{"sts", "get-caller-identity"},
			check: func(t *testing.T, out []byte) {
				var got struct{ Account, Arn string }
				cliDecode(t, out, &got)
				want := struct{ Account, Arn string }{emulator.ManagementAccountID, "arn:aws:iam::" + emulator.ManagementAccountID + ":root"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("identity (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "backup create-backup-vault",
			args: []string{"backup", "create-backup-vault", "--backup-vault-name", "cli-vault", "--backup-vault-tags", "team=platform"},
			check: func(t *testing.T, out []byte) {
				var got struct{ BackupVaultName, BackupVaultArn string }
				cliDecode(t, out, &got)
				want := struct{ BackupVaultName, BackupVaultArn string }{"cli-vault", "arn:aws:backup:us-east-1:" + emulator.ManagementAccountID + ":backup-vault:cli-vault"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("vault (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "backup list-backup-vaults",
			args: []string{"backup", "list-backup-vaults"},
			check: func(t *testing.T, out []byte) {
				var got struct {
					BackupVaultList []struct{ BackupVaultName string }
				}
				cliDecode(t, out, &got)
				var names []string
				for _, v := range got.BackupVaultList {
					names = append(names, v.BackupVaultName)
				}
				if diff := cmp.Diff([]string{"cli-vault"}, names); diff != "" {
					t.Errorf("vault names (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "organizations list-accounts",
			args: []string{"organizations", "list-accounts"},
			check: func(t *testing.T, out []byte) {
				var got struct{ Accounts []struct{ Id, Status string } }
				cliDecode(t, out, &got)
				var ids []string
				for _, a := range got.Accounts {
					ids = append(ids, a.Id+":"+a.Status)
				}
				slices.Sort(ids)
				var want []string
				for _, id := range wantAccounts {
					want = append(want, id+":ACTIVE")
				}
				if diff := cmp.Diff(want, ids); diff != "" {
					t.Errorf("accounts (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "s3api create-bucket",
			args: []string{"s3api", "create-bucket", "--bucket", "orgbackup-cli-test"},
		},
		{
			name: "s3 cp upload",
			args: []string{"s3", "cp", upload, "s3://orgbackup-cli-test/reports/hello.txt", "--no-progress"},
		},
		{
			name: "s3 cp download to stdout",
			args: []string{"s3", "cp", "s3://orgbackup-cli-test/reports/hello.txt", "-"},
			check: func(t *testing.T, out []byte) {
				if got, want := string(out), "hello from the cli\n"; got != want {
					t.Errorf("downloaded %q, want %q", got, want)
				}
			},
		},
	}
	for _, st := range steps {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", srv.URL, "--output", "json"}, st.args...)...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Fatalf("aws %s: %v\nstderr: %s", strings.Join(st.args, " "), err, stderr.String())
		}
		if st.check != nil {
			t.Run(st.name, func(t *testing.T) { st.check(t, stdout.Bytes()) })
		}
	}
}

func cliDecode(t *testing.T, out []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("decoding CLI output %q: %v", out, err)
	}
}
