//go:build unix

package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
)

// BenchmarkStartRestoreJob measures StartRestoreJob with its checks (role,
// key, vault policy, target), one request per iteration, then completes
// every restore in one Advance and checks that all of them completed.
func BenchmarkStartRestoreJob(b *testing.B) {
	srv := emulator.NewServer()
	b.Cleanup(srv.Close)
	ctx := context.Background()
	const account, region = "333333333333", "us-east-1"
	c := awsbackup.NewFromConfig(srv.Config(account, region))
	if _, err := awsiam.NewFromConfig(srv.Config(account, region)).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(backupTrust)}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		b.Fatal(err)
	}
	var rps []string
	for i := 0; i < 10; i++ {
		vol := srv.AddResource(account, region, emulator.EBSVolume, "", nil, 8<<30)
		out, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(vol), IamRoleArn: aws.String("arn:aws:iam::" + account + ":role/BackupRole")})
		if err != nil {
			b.Fatal(err)
		}
		srv.Advance(time.Hour)
		j, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: out.BackupJobId})
		if err != nil || j.RecoveryPointArn == nil {
			b.Fatalf("backup: %v %v", j, err)
		}
		rps = append(rps, *j.RecoveryPointArn)
	}
	role := aws.String("arn:aws:iam::" + account + ":role/BackupRole")
	cpu := startBenchCPU(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rps[i%len(rps)]), IamRoleArn: role, Metadata: map[string]string{}}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu.report(b)
	rep := srv.Advance(24 * time.Hour)
	if rep.RestoreJobsCompleted != b.N {
		b.Fatalf("%d of %d restores completed", rep.RestoreJobsCompleted, b.N)
	}
}
