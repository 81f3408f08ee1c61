package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/legalhold"
)

// TestEngineLegalHolds plans a spec's legal hold like any kind: once the
// tier's accounts have recovery points, the plan creates the hold there,
// the held points outlive their lifecycle, and the next plan is empty.
func TestEngineLegalHolds(t *testing.T) {
	t.Parallel()
	const yaml = `version: 1
name: hold-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production], restore_testing: {enabled: false}}
central:
  vault: central-backup
local:
  vault: local-backup
legal_holds:
  - {title: case-7, description: litigation, tiers: [production], resource_types: [EFS]}
`
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	org := newTestOrg(t, file)
	org.apply(t, org.plan(t))
	ctx := context.Background()
	const prod = "333333333333"
	c := awsbackup.NewFromConfig(org.srv.Config(prod, "us-east-1"))
	fs := org.srv.AddResource(prod, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<20)
	ec2 := org.srv.AddResource(prod, "us-east-1", emulator.EC2Instance, "", nil, 1<<20)
	for _, res := range []string{fs, ec2} {
		if _, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String("local-backup"), ResourceArn: aws.String(res), IamRoleArn: aws.String("arn:aws:iam::" + prod + ":role/OrgBackupServiceRole"),
			Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(3)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	org.srv.Advance(6 * time.Hour)

	p := org.plan(t)
	var holds []string
	for _, ch := range p.Changes {
		if ch.Kind == legalhold.KindHold {
			holds = append(holds, ch.Address.String())
		}
	}
	if len(holds) != 1 || holds[0] != prod+"/us-east-1/backup_legal_hold/case-7" {
		t.Fatalf("legal hold changes = %v, want one in %s", holds, prod)
	}
	org.apply(t, p)
	if again := org.plan(t); len(again.Changes) != 0 {
		t.Errorf("plan after apply: %v, want none", again.Changes)
	}
	org.srv.Advance(10 * 24 * time.Hour)
	out, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local-backup")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RecoveryPoints) != 1 || aws.ToString(out.RecoveryPoints[0].ResourceArn) != fs {
		t.Errorf("points after their lifecycle = %d, want only the held EFS point", len(out.RecoveryPoints))
	}
}
