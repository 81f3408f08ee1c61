package emulator

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// SeedBackupJobs stores n completed or failed backup jobs in region for
// the benchmarks, without running the job engine: job i belongs to
// accounts[i%len(accounts)], backs up one of perAccount EBS volumes of
// its account and is created at from + i*span/n, so creation dates rise
// with i. Every 20th job failed. Every rpEvery-th completed job (none
// when rpEvery is 0) leaves a recovery point in the account's vault
// "local", which must exist. It returns the number of recovery points
// stored.
func SeedBackupJobs(s *Server, region string, accounts []string, perAccount, n, rpEvery int, from time.Time, span time.Duration) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rps := 0
	step := span / time.Duration(n)
	for i := 0; i < n; i++ {
		account := accounts[i%len(accounts)]
		created := from.Add(time.Duration(i) * step)
		done := created.Add(10 * time.Minute)
		resource := "arn:aws:ec2:" + region + ":" + account + ":volume/vol-" + strconv.Itoa(100000+(i/len(accounts))%perAccount)
		job := backuptypes.BackupJob{
			BackupVaultName:   aws.String("local"),
			ResourceArn:       aws.String(resource),
			ResourceType:      aws.String("EBS"),
			ResourceName:      aws.String("volume-" + strconv.Itoa((i/len(accounts))%perAccount)),
			IamRoleArn:        aws.String("arn:aws:iam::" + account + ":role/BackupRole"),
			CreationDate:      aws.Time(created),
			StartBy:           aws.Time(created.Add(8 * time.Hour)),
			CompletionDate:    aws.Time(done),
			BackupSizeInBytes: aws.Int64(int64(i%7+1) << 30),
			BackupType:        aws.String(""),
			PercentDone:       aws.String("100.0"),
			CreatedBy:         &backuptypes.RecoveryPointCreator{BackupPlanId: aws.String("plan-" + account), BackupRuleId: aws.String("daily")},
			State:             backuptypes.BackupJobStateCompleted,
		}
		if i%20 == 19 {
			job.State = backuptypes.BackupJobStateFailed
			job.StatusMessage = aws.String("The backup job failed.")
		} else if rpEvery > 0 && i%rpEvery == 0 {
			arn, err := s.addRecoveryPointLocked(account, region, backuptypes.RecoveryPointByBackupVault{
				BackupVaultName:   aws.String("local"),
				ResourceArn:       aws.String(resource),
				ResourceType:      aws.String("EBS"),
				ResourceName:      job.ResourceName,
				IamRoleArn:        job.IamRoleArn,
				CreationDate:      aws.Time(created),
				CompletionDate:    aws.Time(done),
				BackupSizeInBytes: job.BackupSizeInBytes,
				CreatedBy:         job.CreatedBy,
			})
			if err != nil {
				return rps, err
			}
			job.RecoveryPointArn = aws.String(arn)
			rps++
		}
		s.addBackupJobLocked(account, region, job)
	}
	return rps, nil
}
