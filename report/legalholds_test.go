package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/report"
)

type rootSource struct{ srv *emulator.Server }

func (r rootSource) Config(_ context.Context, account, region string) (aws.Config, error) {
	return r.srv.Config(account, region), nil
}

// TestLegalHoldsSection lists an active hold with the point it keeps and
// a released one without points.
func TestLegalHoldsSection(t *testing.T) {
	t.Parallel()
	const account, region = "333333333333", "us-east-1"
	l := legalHoldsFixture(t, account, region)
	if holds, points := l.Active(); holds != 1 || points != 1 {
		t.Errorf("Active() = %d holds, %d points; want 1, 1", holds, points)
	}
	var b strings.Builder
	if err := l.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"1 active legal hold(s) keep 1 recovery point(s) past their lifecycle.",
		"| " + account + " | " + region + " | active\\|case | ACTIVE |",
		"| released | CANCELED |",
		"### active\\|case in " + account + "/" + region,
		"- `arn:aws:backup:",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("section lacks %q:\n%s", want, b.String())
		}
	}
}

// legalHoldsFixture collects the legal holds of account in region: an
// active hold ("active|case") keeping one recovery point past its
// lifecycle and a released one ("released").
func legalHoldsFixture(t *testing.T, account, region string) *report.LegalHolds {
	t.Helper()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := srv.Config(account, region)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	api := awsbackup.NewFromConfig(cfg)
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Fatal(err)
	}
	fs := srv.AddResource(account, region, emulator.EFSFileSystem, "", nil, 1<<20)
	if _, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(fs), IamRoleArn: aws.String("arn:aws:iam::" + account + ":role/BackupRole"), Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(1)}}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Hour)
	for _, title := range []string{"active|case", "released"} {
		h, err := api.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String(title), Description: aws.String("d"), RecoveryPointSelection: &backuptypes.RecoveryPointSelection{ResourceIdentifiers: []string{fs}}})
		if err != nil {
			t.Fatal(err)
		}
		if title == "released" {
			if _, err := api.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: h.LegalHoldId, CancelDescription: aws.String("done")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv.Advance(3 * 24 * time.Hour) // past the point's lifecycle
	l, err := report.CollectLegalHolds(ctx, rootSource{srv}, []string{account, "444444444444"}, []string{region})
	if err != nil {
		t.Fatal(err)
	}
	return l
}
