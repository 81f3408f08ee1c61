package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestBackupRoleSourceAccount checks that AWS Backup assumes a role for a
// job with the job's account as aws:SourceAccount, which trust policies
// bind the service to ("Cross-service confused deputy prevention", AWS
// Backup Developer Guide): a role trusting AWS Backup only for another
// account cannot run the job.
func TestBackupRoleSourceAccount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		source string
		want   backuptypes.BackupJobState
	}{
		{"333333333333", backuptypes.BackupJobStateCompleted},
		{"444444444444", backuptypes.BackupJobStateFailed},
	} {
		t.Run(tc.source, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			const account = "333333333333"
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"` + tc.source + `"}}}]}`
			iamc := awsiam.NewFromConfig(srv.Config(account, "us-east-1"))
			must(iamc.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(trust)}))(t, "CreateRole")
			c := vtAccount(t, srv, account, "us-east-1", "local")
			volume := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "vol-1", nil, 1<<30)
			id := vtOnDemand(t, c, account, "local", volume, nil)
			srv.Advance(3 * time.Hour)
			if got := vtJob(t, c, id).State; got != tc.want {
				t.Errorf("job with a role trusting AWS Backup for %s: %s, want %s", tc.source, got, tc.want)
			}
		})
	}
}
