package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestLifecycleLegalHoldDelaysCold: a held recovery point stays in warm
// storage past its cold transition and moves once the hold is released.
func TestLifecycleLegalHoldDelaysCold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, lcAcct, lcRegion, "local")
	fs := srv.AddResource(lcAcct, lcRegion, emulator.EFSFileSystem, "", nil, 1<<30)
	id := vtOnDemand(t, c, lcAcct, "local", fs, &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(100)})
	hold := must(c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{
		Title: aws.String("case"), Description: aws.String("litigation"),
		RecoveryPointSelection: &backuptypes.RecoveryPointSelection{ResourceIdentifiers: []string{fs}}}))(t, "CreateLegalHold")
	srv.Advance(time.Hour)
	rp := vtJob(t, c, id).RecoveryPointArn
	class := func() backuptypes.StorageClass {
		t.Helper()
		out := must(c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: rp}))(t, "DescribeRecoveryPoint")
		return out.StorageClass
	}
	if rep := srv.Advance(5 * 24 * time.Hour); rep.ColdMoves != 0 || class() != backuptypes.StorageClassWarm {
		t.Errorf("a held recovery point moved to cold storage (%d moves, class %s)", rep.ColdMoves, class())
	}
	must(c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: hold.LegalHoldId, CancelDescription: aws.String("settled")}))(t, "CancelLegalHold")
	if rep := srv.Advance(24 * time.Hour); rep.ColdMoves != 1 || class() != backuptypes.StorageClassCold {
		t.Errorf("cold moves within a day of releasing the hold = %d (class %s), want 1 and COLD", rep.ColdMoves, class())
	}
}
