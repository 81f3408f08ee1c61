package emulator_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/orgbackup/orgbackup/emulator"
)

const (
	cpSource       = "333333333333"
	cpCentralVault = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
)

// cpWorld is a source account with one completed recovery point of
// resource, and the central account's vault "central" with policy (none
// when empty).
func cpWorld(t *testing.T, policy string, typ emulator.ResourceType, crossAccount bool) (*emulator.Server, *awsbackup.Client, string) {
	t.Helper()
	ctx := context.Background()
	srv := newTestServer(t)
	if crossAccount {
		must(scnBackup(srv, emulator.ManagementAccountID, "us-east-1").UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
			GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
	}
	central := vtAccount(t, srv, scnCentral, "us-east-1", "central")
	if policy != "" {
		must(central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(policy)}))(t, "PutBackupVaultAccessPolicy")
	}
	c := vtAccount(t, srv, cpSource, "us-east-1", "local")
	res := srv.AddResource(cpSource, "us-east-1", typ, "", nil, 1<<30)
	id := vtOnDemand(t, c, cpSource, "local", res, nil)
	srv.Advance(time.Hour)
	job := vtJob(t, c, id)
	if job.State != backuptypes.BackupJobStateCompleted {
		t.Fatalf("backup job %s: %s", id, job.State)
	}
	return srv, c, *job.RecoveryPointArn
}

// cpStart copies rp to dest and returns the copy job after it has started
// and, separately, once the copy duration has passed.
func cpStart(t *testing.T, srv *emulator.Server, c *awsbackup.Client, rp, dest string) (started, done *backuptypes.CopyJob) {
	t.Helper()
	ctx := context.Background()
	out := must(c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		RecoveryPointArn: aws.String(rp), SourceBackupVaultName: aws.String("local"), DestinationBackupVaultArn: aws.String(dest),
		IamRoleArn: vtRole(cpSource), Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(30)}}))(t, "StartCopyJob")
	describe := func() *backuptypes.CopyJob {
		return must(c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId}))(t, "DescribeCopyJob").CopyJob
	}
	started = describe()
	srv.Advance(emulator.DefaultCopyDuration)
	return started, describe()
}

// TestCopyVaultAccessPolicy evaluates the destination vault's access
// policy for backup:CopyIntoBackupVault by the source account.
func TestCopyVaultAccessPolicy(t *testing.T) {
	t.Parallel()
	stmt := func(effect, principal, condition string) string {
		s := `{"Effect":"` + effect + `","Principal":` + principal + `,"Action":"backup:CopyIntoBackupVault","Resource":"*"`
		if condition != "" {
			s += `,"Condition":` + condition
		}
		return s + "}"
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	tests := []struct {
		name   string
		policy string
		allow  bool
	}{
		{"no policy", "", false},
		{"source account root", doc(stmt("Allow", `{"AWS":"arn:aws:iam::333333333333:root"}`, "")), true},
		{"source account ID", doc(stmt("Allow", `{"AWS":"333333333333"}`, "")), true},
		{"another account", doc(stmt("Allow", `{"AWS":"arn:aws:iam::444444444444:root"}`, "")), false},
		{"source backup role", doc(stmt("Allow", `{"AWS":"arn:aws:iam::333333333333:role/BackupRole"}`, "")), true},
		{"anyone in the organization", doc(stmt("Allow", `"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}`)), true},
		{"another organization", doc(stmt("Allow", `"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-elsewhere01"}}`)), false},
		{"the Production OU by path", doc(stmt("Allow", `{"AWS":"*"}`, `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-orgbackup1/r-root/ou-root-production/*"]}}`)), true},
		{"the Staging OU by path", doc(stmt("Allow", `{"AWS":"*"}`, `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-orgbackup1/r-root/ou-root-staging1/*"]}}`)), false},
		{"wildcard action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"backup:Copy*","Resource":"*"}]}`, true},
		{"explicit deny wins", doc(stmt("Allow", `"*"`, ""), stmt("Deny", `{"AWS":"333333333333"}`, "")), false},
		{"deny of another account", doc(stmt("Allow", `"*"`, ""), stmt("Deny", `{"AWS":"444444444444"}`, "")), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c, rp := cpWorld(t, tc.policy, emulator.EFSFileSystem, true)
			started, done := cpStart(t, srv, c, rp, cpCentralVault)
			if !tc.allow {
				if started.State != backuptypes.CopyJobStateFailed || aws.ToString(started.StatusMessage) != "Access Denied trying to call AWS Backup service" {
					t.Errorf("copy: %s (%q), want FAILED with Access Denied", started.State, aws.ToString(started.StatusMessage))
				}
				return
			}
			if started.State != backuptypes.CopyJobStateRunning || done.State != backuptypes.CopyJobStateCompleted {
				t.Fatalf("copy: %s then %s (%q), want RUNNING then COMPLETED", started.State, done.State, aws.ToString(done.StatusMessage))
			}
			copies := scnRecoveryPoints(t, srv, scnCentral, "us-east-1", "central")
			if len(copies) != 1 || aws.ToString(copies[0].RecoveryPointArn) != aws.ToString(done.DestinationRecoveryPointArn) ||
				aws.ToString(copies[0].SourceBackupVaultArn) != "arn:aws:backup:us-east-1:333333333333:backup-vault:local" {
				t.Errorf("central vault holds %+v", copies)
			}
		})
	}
}

// TestCopyCrossAccountPrerequisites: cross-account backup must be enabled
// for the organization, and both accounts must belong to it.
func TestCopyCrossAccountPrerequisites(t *testing.T) {
	t.Parallel()
	t.Run("cross-account backup disabled", func(t *testing.T) {
		t.Parallel()
		srv, c, rp := cpWorld(t, scnOrgVaultPolicy, emulator.EFSFileSystem, false)
		started, _ := cpStart(t, srv, c, rp, cpCentralVault)
		if started.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(started.StatusMessage), "Cross-account backup is not enabled") {
			t.Errorf("copy: %s (%q)", started.State, aws.ToString(started.StatusMessage))
		}
	})
	t.Run("destination outside the organization", func(t *testing.T) {
		t.Parallel()
		srv, c, rp := cpWorld(t, "", emulator.EFSFileSystem, true)
		vtAccount(t, srv, "999999999999", "us-east-1", "outside")
		started, _ := cpStart(t, srv, c, rp, "arn:aws:backup:us-east-1:999999999999:backup-vault:outside")
		if started.State != backuptypes.CopyJobStateFailed || aws.ToString(started.StatusMessage) != "Copy job failed. Both source and destination account must be a member of the same organization" {
			t.Errorf("copy: %s (%q)", started.State, aws.ToString(started.StatusMessage))
		}
	})
	t.Run("destination vault missing", func(t *testing.T) {
		t.Parallel()
		srv, c, rp := cpWorld(t, "", emulator.EFSFileSystem, true)
		started, _ := cpStart(t, srv, c, rp, "arn:aws:backup:us-west-2:333333333333:backup-vault:dr")
		if started.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(started.StatusMessage), "Backup vault dr does not exist") {
			t.Errorf("copy: %s (%q)", started.State, aws.ToString(started.StatusMessage))
		}
	})
	t.Run("same account, another region, no policy needed", func(t *testing.T) {
		t.Parallel()
		srv, c, rp := cpWorld(t, "", emulator.EFSFileSystem, false)
		vtAccount(t, srv, cpSource, "us-west-2", "dr")
		_, done := cpStart(t, srv, c, rp, "arn:aws:backup:us-west-2:333333333333:backup-vault:dr")
		if done.State != backuptypes.CopyJobStateCompleted {
			t.Errorf("copy: %s (%q)", done.State, aws.ToString(done.StatusMessage))
		}
		if got := scnRecoveryPoints(t, srv, cpSource, "us-west-2", "dr"); len(got) != 1 {
			t.Errorf("%d recovery points in the DR vault, want 1", len(got))
		}
	})
}

// TestCopyKMSKeys: an EBS snapshot keeps its volume's key, which the
// destination account must be able to use, by key policy or by grant.
func TestCopyKMSKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, k *awskms.Client, keyID string)
		ok    bool
	}{
		{"key not shared", func(*testing.T, *awskms.Client, string) {}, false},
		{"key shared by key policy", func(t *testing.T, k *awskms.Client, keyID string) {
			must(k.PutKeyPolicy(context.Background(), &awskms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(scnSharedKeyPolicy)}))(t, "PutKeyPolicy")
		}, true},
		// A key policy that admits the destination only through AWS
		// Backup (kms:ViaService): the copy job uses the key through
		// Backup, so it sees the condition key and may; a direct call
		// from the destination account may not.
		{"key shared through AWS Backup only", func(t *testing.T, k *awskms.Client, keyID string) {
			must(k.PutKeyPolicy(context.Background(), &awskms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(cpViaBackupKeyPolicy)}))(t, "PutKeyPolicy")
		}, true},
		{"key shared by grant", func(t *testing.T, k *awskms.Client, keyID string) {
			must(k.CreateGrant(context.Background(), &awskms.CreateGrantInput{KeyId: aws.String(keyID),
				GranteePrincipal: aws.String("arn:aws:iam::222222222222:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationCreateGrant}}))(t, "CreateGrant")
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			must(scnBackup(srv, emulator.ManagementAccountID, "us-east-1").UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
				GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
			central := vtAccount(t, srv, scnCentral, "us-east-1", "central")
			must(central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(scnOrgVaultPolicy)}))(t, "PutBackupVaultAccessPolicy")
			c := vtAccount(t, srv, cpSource, "us-east-1", "local")
			kc := awskms.NewFromConfig(srv.Config(cpSource, "us-east-1"))
			key := must(kc.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey")
			tc.setup(t, kc, *key.KeyMetadata.KeyId)
			vol := srv.AddResource(cpSource, "us-east-1", emulator.EBSVolume, "", nil, 8<<30)
			if err := srv.SetResourceKMSKey(vol, *key.KeyMetadata.Arn); err != nil {
				t.Fatal(err)
			}
			id := vtOnDemand(t, c, cpSource, "local", vol, nil)
			srv.Advance(time.Hour)
			job := vtJob(t, c, id)
			// Not fully managed: the snapshot keeps the volume's key, and
			// its ARN is an EC2 snapshot's.
			if aws.ToString(job.EncryptionKeyArn) != *key.KeyMetadata.Arn || !strings.HasPrefix(aws.ToString(job.RecoveryPointArn), "arn:aws:ec2:us-east-1::snapshot/snap-") {
				t.Fatalf("EBS backup: key %q, recovery point %q", aws.ToString(job.EncryptionKeyArn), aws.ToString(job.RecoveryPointArn))
			}
			started, done := cpStart(t, srv, c, *job.RecoveryPointArn, cpCentralVault)
			if !tc.ok {
				if started.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(started.StatusMessage), "KMS key") {
					t.Errorf("copy: %s (%q), want FAILED on the KMS key", started.State, aws.ToString(started.StatusMessage))
				}
				return
			}
			if done.State != backuptypes.CopyJobStateCompleted {
				t.Errorf("copy: %s (%q), want COMPLETED", done.State, aws.ToString(done.StatusMessage))
			}
		})
	}
}

// cpViaBackupKeyPolicy shares a key of cpSource with the central account
// only through AWS Backup in us-east-1.
const cpViaBackupKeyPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Central","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant"],"Resource":"*",
  "Condition":{"StringEquals":{"kms:ViaService":"backup.us-east-1.amazonaws.com"}}}]}`

// TestKMSViaServiceDirectCall: a key policy that admits another account
// only through AWS Backup refuses that account's direct calls, which
// carry no kms:ViaService (the copy through Backup is TestCopyKMSKeys's
// "key shared through AWS Backup only").
func TestKMSViaServiceDirectCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	owner := awskms.NewFromConfig(srv.Config(cpSource, "us-east-1"))
	key := must(owner.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(cpViaBackupKeyPolicy)}))(t, "CreateKey")
	central := awskms.NewFromConfig(srv.Config(scnCentral, "us-east-1"))
	_, err := central.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: key.KeyMetadata.Arn})
	if errorCode(err) != "AccessDeniedException" {
		t.Fatalf("direct DescribeKey from the central account: %v, want AccessDeniedException", err)
	}
}

// TestCopyJobLimit: copy jobs beyond the per-account limit wait in
// CREATED and start as running ones finish.
func TestCopyJobLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	srv.SetCopyJobLimit(2)
	c := vtAccount(t, srv, cpSource, "us-east-1", "local")
	vtAccount(t, srv, cpSource, "us-west-2", "dr")
	var rps []string
	for i := 0; i < 5; i++ {
		fs := srv.AddResource(cpSource, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<30)
		vtOnDemand(t, c, cpSource, "local", fs, nil)
	}
	srv.Advance(time.Hour)
	for _, j := range vtBackupJobs(t, c) {
		rps = append(rps, *j.RecoveryPointArn)
	}
	var ids []*string
	for _, rp := range rps {
		out := must(c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
			RecoveryPointArn: aws.String(rp), SourceBackupVaultName: aws.String("local"), IamRoleArn: vtRole(cpSource),
			DestinationBackupVaultArn: aws.String("arn:aws:backup:us-west-2:333333333333:backup-vault:dr")}))(t, "StartCopyJob")
		ids = append(ids, out.CopyJobId)
	}
	states := func() map[backuptypes.CopyJobState]int {
		m := map[backuptypes.CopyJobState]int{}
		for _, id := range ids {
			m[must(c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: id}))(t, "DescribeCopyJob").CopyJob.State]++
		}
		return m
	}
	steps := []map[backuptypes.CopyJobState]int{
		{backuptypes.CopyJobStateRunning: 2, backuptypes.CopyJobStateCreated: 3},
		{backuptypes.CopyJobStateCompleted: 2, backuptypes.CopyJobStateRunning: 2, backuptypes.CopyJobStateCreated: 1},
		{backuptypes.CopyJobStateCompleted: 4, backuptypes.CopyJobStateRunning: 1},
		{backuptypes.CopyJobStateCompleted: 5},
	}
	for i, want := range steps {
		if i > 0 {
			srv.Advance(emulator.DefaultCopyDuration)
		}
		got := states()
		for _, st := range []backuptypes.CopyJobState{backuptypes.CopyJobStateCreated, backuptypes.CopyJobStateRunning, backuptypes.CopyJobStateCompleted} {
			if got[st] != want[st] {
				t.Errorf("after %d h: %v, want %v", i, got, want)
				break
			}
		}
	}
}

// TestCopyColdRecoveryPoint: "backups in cold storage or archive tiers
// cannot be copied".
func TestCopyColdRecoveryPoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, cpSource, "us-east-1", "local")
	vtAccount(t, srv, cpSource, "us-west-2", "dr")
	fs := srv.AddResource(cpSource, "us-east-1", emulator.EFSFileSystem, "", nil, 1<<30)
	id := vtOnDemand(t, c, cpSource, "local", fs, &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(91)})
	srv.Advance(2 * 24 * time.Hour)
	rp := vtJob(t, c, id).RecoveryPointArn
	_, err := c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{RecoveryPointArn: rp, SourceBackupVaultName: aws.String("local"), IamRoleArn: vtRole(cpSource),
		DestinationBackupVaultArn: aws.String("arn:aws:backup:us-west-2:333333333333:backup-vault:dr")})
	var invalid *backuptypes.InvalidRequestException
	if !errors.As(err, &invalid) {
		t.Errorf("StartCopyJob of a cold recovery point: got %v, want InvalidRequestException", err)
	}
}
