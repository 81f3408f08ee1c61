package backup_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestBackupsAfterEightDays applies the spec, then lets the emulator's
// clock run 8 days: production backups land in the local vault, the
// central vault and the secondary region's central vault; development
// backups only in the local vault.
func TestBackupsAfterEightDays(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, volumesSpec))
	org.converge(t)
	prod := org.srv.AddResource("333333333333", "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": "production"}, 1<<30)
	dev := org.srv.AddResource("555555555555", "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": "development"}, 1<<30)
	other := org.srv.AddResource("333333333334", "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": "none"}, 1<<30)
	if prod == "" || dev == "" || other == "" {
		t.Fatal("AddResource failed")
	}
	rep := org.srv.Advance(8 * 24 * time.Hour)
	t.Logf("8 days: %d rules run, %d backups completed, %d copies completed, %d copies failed", rep.RulesRun, rep.BackupJobsCompleted, rep.CopyJobsCompleted, rep.CopyJobsFailed)
	if rep.CopyJobsFailed > 0 || rep.BackupJobsFailed > 0 {
		for _, e := range rep.Events {
			if strings.HasSuffix(e.State, "FAILED") {
				t.Errorf("%s %s in %s/%s: %s", e.Kind, e.State, e.Account, e.Region, e.Message)
			}
		}
	}

	points := func(account, region, vault string) map[string]int {
		t.Helper()
		out, err := awsbackup.NewFromConfig(org.srv.Config(account, region)).ListRecoveryPointsByBackupVault(context.Background(),
			&awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)})
		if err != nil {
			t.Fatalf("ListRecoveryPointsByBackupVault %s in %s/%s: %v", vault, account, region, err)
		}
		byResource := map[string]int{}
		for _, rp := range out.RecoveryPoints {
			byResource[aws.ToString(rp.ResourceArn)]++
		}
		return byResource
	}
	// Production: daily at 05:00 UTC, 8 days from midnight: 8 backups.
	for _, loc := range []struct{ account, region, vault string }{
		{"333333333333", "us-east-1", "local-backup"},
		{"222222222222", "us-east-1", "central-backup"},
		{"222222222222", "us-west-2", "central-backup"},
	} {
		got := points(loc.account, loc.region, loc.vault)
		if got[prod] < 7 {
			t.Errorf("%s in %s/%s holds %d recovery points of the production volume, want at least 7 (daily for 8 days)", loc.vault, loc.account, loc.region, got[prod])
		}
		if got[dev] > 0 || got[other] > 0 {
			t.Errorf("%s in %s/%s holds recovery points of the development or untagged volume: %v", loc.vault, loc.account, loc.region, got)
		}
	}
	// Development: weekly on Sunday, locally only.
	if got := points("555555555555", "us-east-1", "local-backup"); got[dev] < 1 {
		t.Errorf("the development vault holds %d recovery points of its volume, want at least 1", got[dev])
	}
	if got := points("333333333334", "us-east-1", "local-backup"); len(got) > 0 {
		t.Errorf("the untagged volume was backed up: %v", got)
	}
}
