package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/orgbackup/orgbackup/emulator"
)

const (
	rsAcct    = "111111111111"
	rsOther   = "222222222222"
	rsRegion  = "us-east-1"
	rsDR      = "us-west-2"
	rsVault   = "local"
	rsGiB     = int64(1 << 30)
	rsTimeout = 48 * time.Hour
)

// rsRecoveryPoint backs resource up into the vault of account and returns
// the recovery point's ARN.
func rsRecoveryPoint(t *testing.T, srv *emulator.Server, c *awsbackup.Client, account, vault, resource string) string {
	t.Helper()
	id := vtOnDemand(t, c, account, vault, resource, nil)
	srv.Advance(time.Hour)
	j := vtJob(t, c, id)
	if j.State != backuptypes.BackupJobStateCompleted {
		t.Fatalf("backup job %s: %s %s", id, j.State, aws.ToString(j.StatusMessage))
	}
	return aws.ToString(j.RecoveryPointArn)
}

func rsDescribe(t *testing.T, c *awsbackup.Client, id string) *awsbackup.DescribeRestoreJobOutput {
	t.Helper()
	return must(c.DescribeRestoreJob(context.Background(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(id)}))(t, "DescribeRestoreJob")
}

// rsWait advances the clock until the restore job ends (bounded).
func rsWait(t *testing.T, srv *emulator.Server, c *awsbackup.Client, id string) *awsbackup.DescribeRestoreJobOutput {
	t.Helper()
	for waited := time.Duration(0); waited < rsTimeout; waited += time.Minute {
		j := rsDescribe(t, c, id)
		if j.Status == backuptypes.RestoreJobStatusCompleted || j.Status == backuptypes.RestoreJobStatusFailed || j.Status == backuptypes.RestoreJobStatusAborted {
			return j
		}
		srv.Advance(time.Minute)
	}
	t.Fatalf("restore job %s did not end within %s", id, rsTimeout)
	return nil
}

// TestRestoreJobLifecycle follows one restore through DescribeRestoreJob
// (DescribeRestoreJob, AWS Backup API Reference: Status PENDING, RUNNING,
// COMPLETED; CreatedResourceArn "the resource that was created by the
// restore job"), and finds the restored resource through the control API
// and the Resource Groups Tagging API with the source's tags
// (StartRestoreJob CopySourceTagsToRestoredResource).
func TestRestoreJobLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	db := srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "orders", map[string]string{"tier": "production"}, 100*rsGiB)
	rp := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, db)

	meta := must(c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String(rsVault), RecoveryPointArn: aws.String(rp)}))(t, "GetRecoveryPointRestoreMetadata")
	if meta.RestoreMetadata["DBInstanceIdentifier"] != "orders" || aws.ToString(meta.ResourceType) != "RDS" || aws.ToString(meta.RecoveryPointArn) != rp ||
		aws.ToString(meta.BackupVaultArn) != "arn:aws:backup:us-east-1:111111111111:backup-vault:local" {
		t.Errorf("GetRecoveryPointRestoreMetadata = %+v", meta)
	}
	md := meta.RestoreMetadata
	md["DBInstanceIdentifier"] = "orders-restored"
	out := must(c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: vtRole(rsAcct), Metadata: md, CopySourceTagsToRestoredResource: true}))(t, "StartRestoreJob")
	id := aws.ToString(out.RestoreJobId)

	j := rsDescribe(t, c, id)
	if j.Status != backuptypes.RestoreJobStatusRunning || aws.ToString(j.SourceResourceArn) != db || aws.ToString(j.RecoveryPointArn) != rp ||
		aws.ToInt64(j.BackupSizeInBytes) != 100*rsGiB || aws.ToString(j.ResourceType) != "RDS" || aws.ToString(j.AccountId) != rsAcct ||
		aws.ToString(j.BackupVaultArn) != "arn:aws:backup:us-east-1:111111111111:backup-vault:local" || j.CreatedResourceArn != nil {
		t.Fatalf("DescribeRestoreJob while running = %+v", j)
	}
	// The model: RDS is 20 minutes plus 15 s per GiB, ±10%.
	model := emulator.RestoreDuration("RDS", 100*rsGiB, false)
	expected := time.Duration(aws.ToInt64(j.ExpectedCompletionTimeMinutes)) * time.Minute
	if model != 45*time.Minute || expected < model*9/10 || expected > model*11/10+time.Minute {
		t.Fatalf("ExpectedCompletionTimeMinutes = %s, model %s", expected, model)
	}
	if aws.ToString(j.PercentDone) != "0.0" {
		t.Errorf("PercentDone at the start = %q", aws.ToString(j.PercentDone))
	}
	srv.Advance(expected / 2)
	if j := rsDescribe(t, c, id); aws.ToString(j.PercentDone) != "50.0" {
		t.Errorf("PercentDone half way = %q, want 50.0", aws.ToString(j.PercentDone))
	}
	srv.Advance(expected - expected/2 - time.Minute)
	if j := rsDescribe(t, c, id); j.Status != backuptypes.RestoreJobStatusRunning {
		t.Fatalf("one minute before its expected completion the job is %s", j.Status)
	}
	srv.Advance(time.Minute)
	j = rsDescribe(t, c, id)
	want := "arn:aws:rds:us-east-1:111111111111:db:orders-restored"
	if j.Status != backuptypes.RestoreJobStatusCompleted || aws.ToString(j.CreatedResourceArn) != want || aws.ToString(j.PercentDone) != "100.0" || j.CompletionDate == nil {
		t.Fatalf("DescribeRestoreJob after completion = %+v", j)
	}
	var restored *emulator.Resource
	for _, r := range srv.Resources(rsAcct, rsRegion) {
		if r.ARN == want {
			restored = &r
		}
	}
	if restored == nil || restored.RestoredBy != id || restored.SizeBytes != 100*rsGiB {
		t.Fatalf("restored resource among the account's resources = %+v", restored)
	}
	listed := ctlOK[struct{ Resources []emulator.ResourceJSON }](t, srv, "GET", "/_orgbackup/resources?account=111111111111&region=us-east-1", nil, http.StatusOK)
	viaControl := false
	for _, r := range listed.Resources {
		viaControl = viaControl || (r.ARN == want && r.RestoredBy == id)
	}
	if !viaControl {
		t.Errorf("control API resources = %+v, want %s restored by %s", listed.Resources, want, id)
	}
	tg := awstagging.NewFromConfig(srv.Config(rsAcct, rsRegion))
	res := must(tg.GetResources(ctx, &awstagging.GetResourcesInput{TagFilters: []taggingtypes.TagFilter{{Key: aws.String("tier"), Values: []string{"production"}}}}))(t, "GetResources")
	var arns []string
	for _, m := range res.ResourceTagMappingList {
		arns = append(arns, aws.ToString(m.ResourceARN))
	}
	if strings.Join(arns, " ") != db+" "+want {
		t.Errorf("Tagging API GetResources(tier=production) = %v, want the source and the restored instance", arns)
	}
	rpOut := must(c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String(rsVault), RecoveryPointArn: aws.String(rp)}))(t, "DescribeRecoveryPoint")
	if rpOut.LastRestoreTime == nil || !rpOut.LastRestoreTime.Equal(*j.CompletionDate) {
		t.Errorf("LastRestoreTime = %v, want the restore's completion %v", rpOut.LastRestoreTime, j.CompletionDate)
	}

	_, err := c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String("no-such-job")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "DescribeRestoreJob(unknown)", err)
	_, err = c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String(rsVault), RecoveryPointArn: aws.String(rp + "x")})
	wantErr[*backuptypes.ResourceNotFoundException](t, "GetRecoveryPointRestoreMetadata(unknown recovery point)", err)
	_, err = c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("nope"), RecoveryPointArn: aws.String(rp)})
	wantErr[*backuptypes.ResourceNotFoundException](t, "GetRecoveryPointRestoreMetadata(unknown vault)", err)
}

// TestRestoreDurations: the duration model (restore.go) is per resource
// type and size, slower from cold storage, and a given seed gives the same
// durations.
func TestRestoreDurations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ  string
		size int64
		cold bool
		want time.Duration
	}{
		{"EBS", 100 * rsGiB, false, 15 * time.Minute},
		{"EFS", 100 * rsGiB, false, 110 * time.Minute},
		{"EFS", 100 * rsGiB, true, 110*time.Minute + 4*time.Hour},
		{"DynamoDB", 10 * rsGiB, false, 20 * time.Minute},
		{"Neptune", 0, false, emulator.DefaultRestoreDuration},
	} {
		if got := emulator.RestoreDuration(tc.typ, tc.size, tc.cold); got != tc.want {
			t.Errorf("RestoreDuration(%s, %d GiB, cold %v) = %s, want %s", tc.typ, tc.size/rsGiB, tc.cold, got, tc.want)
		}
	}
	expected := func(seed int64) []int64 {
		srv := emulator.NewServer(func(o *emulator.Options) { o.Seed = seed })
		defer srv.Close()
		c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
		var out []int64
		for i := 0; i < 4; i++ {
			fs := srv.AddResource(rsAcct, rsRegion, emulator.EFSFileSystem, "", nil, 50*rsGiB)
			rp := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, fs)
			id := must(c.StartRestoreJob(context.Background(), &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: vtRole(rsAcct), Metadata: map[string]string{"newFileSystem": "true"}}))(t, "StartRestoreJob").RestoreJobId
			out = append(out, aws.ToInt64(rsDescribe(t, c, *id).ExpectedCompletionTimeMinutes))
		}
		return out
	}
	a, b := expected(7), expected(7)
	if len(a) != 4 {
		t.Fatalf("durations %v", a)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 7 gave durations %v then %v", a, b)
		}
		if a[i] < 54 || a[i] > 66 { // 10 min + 50 GiB × 60 s = 60 min ± 10%
			t.Errorf("EFS 50 GiB restore expected %d minutes, want 54-66", a[i])
		}
	}
}

// rsSetup is one case of TestRestoreChecks: the server, the restoring
// account's client, the recovery point, role and metadata to restore with.
type rsSetup struct {
	srv  *emulator.Server
	c    *awsbackup.Client
	rp   string
	role string
	md   map[string]string
}

// rsRole creates a role in account with the trust policy.
func rsRole(t *testing.T, srv *emulator.Server, account, name, trust string) string {
	t.Helper()
	iamc := awsiam.NewFromConfig(srv.Config(account, rsRegion))
	out := must(iamc.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}))(t, "CreateRole "+name)
	return aws.ToString(out.Role.Arn)
}

// TestRestoreChecks: the checks StartRestoreJob and the restore job make,
// each failing the call or the job as AWS does.
func TestRestoreChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for _, tc := range []struct {
		name string
		// source names the AWS rule.
		source string
		prep   func(t *testing.T, s *rsSetup)
		// apiErr is the error code StartRestoreJob answers with, "" if it
		// accepts the job.
		apiErr string
		// failed is a fragment of the job's StatusMessage, "" for COMPLETED.
		failed string
		// after checks a completed restore's outcome.
		after func(t *testing.T, s *rsSetup, j *awsbackup.DescribeRestoreJobOutput)
	}{
		{name: "restores", source: "StartRestoreJob"},
		{name: "role does not exist", source: "Creating a role for AWS Backup; restore testing failure troubleshooting",
			prep: func(t *testing.T, s *rsSetup) { s.role = "arn:aws:iam::111111111111:role/Missing" }, failed: "The provided role arn:aws:iam::111111111111:role/Missing cannot be assumed by AWS Backup."},
		{name: "role does not trust AWS Backup", source: "Creating a role for AWS Backup (trust backup.amazonaws.com)",
			prep: func(t *testing.T, s *rsSetup) { s.role = rsRole(t, s.srv, rsAcct, "Ec2Role", ec2Trust) }, failed: "role/Ec2Role cannot be assumed by AWS Backup."},
		{name: "role of another account", source: "iam:PassRole passes roles of the caller's account",
			prep: func(t *testing.T, s *rsSetup) { s.role = rsRole(t, s.srv, rsOther, "BackupRole", backupTrust) }, failed: "The provided role arn:aws:iam::222222222222:role/BackupRole cannot be assumed by AWS Backup."},
		{name: "key of another account without grant", source: "Encryption for backups in AWS Backup; KMS key policies",
			prep: func(t *testing.T, s *rsSetup) { s.rp = rsEncryptedRecoveryPoint(t, s, false) }, failed: "does not allow 111111111111 to kms:Decrypt"},
		{name: "key of another account with a grant", source: "KMS Developer Guide, Grants",
			prep: func(t *testing.T, s *rsSetup) { s.rp = rsEncryptedRecoveryPoint(t, s, true) }},
		{name: "key pending deletion", source: "KMS Developer Guide, Deleting keys: a key pending deletion cannot be used",
			prep: func(t *testing.T, s *rsSetup) {
				kc := awskms.NewFromConfig(s.srv.Config(rsAcct, rsRegion))
				key := must(kc.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey").KeyMetadata.Arn
				vol := s.srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB)
				if err := s.srv.SetResourceKMSKey(vol, *key); err != nil {
					t.Fatal(err)
				}
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, vol)
				must(kc.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: key, PendingWindowInDays: aws.Int32(7)}))(t, "ScheduleKeyDeletion")
			}, failed: "is pending deletion"},
		{name: "vault policy denies restores", source: "Backup vault access policies; IAM policy evaluation logic (explicit deny)",
			prep: func(t *testing.T, s *rsSetup) {
				must(s.c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(rsVault),
					Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"backup:StartRestoreJob","Resource":"*"}]}`)}))(t, "PutBackupVaultAccessPolicy")
			}, apiErr: "AccessDeniedException"},
		{name: "vault policy denying deletes only", source: "Backup vault access policies",
			prep: func(t *testing.T, s *rsSetup) {
				must(s.c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(rsVault),
					Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}`)}))(t, "PutBackupVaultAccessPolicy")
			}},
		{name: "recovery point of another account", source: "Creating backup copies across AWS accounts: copy back before restoring",
			prep: func(t *testing.T, s *rsSetup) {
				oc := vtAccount(t, s.srv, rsOther, rsRegion, "central")
				vol := s.srv.AddResource(rsOther, rsRegion, emulator.DynamoDBTable, "t", nil, rsGiB)
				s.rp = rsRecoveryPoint(t, s.srv, oc, rsOther, "central", vol)
			}, apiErr: "ResourceNotFoundException"},
		{name: "malformed role ARN", source: "StartRestoreJob IamRoleArn (an IAM role ARN)",
			prep: func(t *testing.T, s *rsSetup) { s.role = "BackupRole" }, apiErr: "InvalidParameterValueException"},
		{name: "S3 into a new bucket whose name another account holds", source: "S3 CreateBucket: BucketAlreadyExists",
			prep: func(t *testing.T, s *rsSetup) {
				s.srv.AddResource(rsOther, rsRegion, emulator.S3Bucket, "taken-bucket", nil, rsGiB)
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, s.srv.AddResource(rsAcct, rsRegion, emulator.S3Bucket, "src-bucket", nil, rsGiB))
				s.md = map[string]string{"DestinationBucketName": "taken-bucket", "NewBucket": "true"}
			}, failed: "BucketAlreadyExists: The requested bucket name is not available."},
		{name: "S3 into a new bucket the account holds", source: "S3 CreateBucket: BucketAlreadyOwnedByYou",
			prep: func(t *testing.T, s *rsSetup) {
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, s.srv.AddResource(rsAcct, rsRegion, emulator.S3Bucket, "src-bucket", nil, rsGiB))
				s.md = map[string]string{"DestinationBucketName": "src-bucket", "newbucket": "TRUE"}
			}, failed: "BucketAlreadyOwnedByYou"},
		{name: "S3 into the account's existing bucket", source: "Restore S3 data using AWS Backup (restore to an existing bucket)",
			prep: func(t *testing.T, s *rsSetup) {
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, s.srv.AddResource(rsAcct, rsRegion, emulator.S3Bucket, "src-bucket", map[string]string{"keep": "me"}, rsGiB))
				s.md = map[string]string{"DestinationBucketName": "src-bucket", "NewBucket": "false"}
			},
			after: func(t *testing.T, s *rsSetup, j *awsbackup.DescribeRestoreJobOutput) {
				for _, r := range s.srv.Resources(rsAcct, rsRegion) {
					if r.ARN == "arn:aws:s3:::src-bucket" && (r.Tags["keep"] != "me" || aws.ToString(j.CreatedResourceArn) != r.ARN) {
						t.Errorf("restored into %s; bucket tags now %v", aws.ToString(j.CreatedResourceArn), r.Tags)
					}
				}
			}},
		{name: "EFS into the existing file system", source: "Restoring an Amazon EFS file system (newFileSystem false: a new directory of the source)",
			prep: func(t *testing.T, s *rsSetup) {
				fs := s.srv.AddResource(rsAcct, rsRegion, emulator.EFSFileSystem, "fs-0123456789abcdef0", nil, rsGiB)
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, fs)
				s.md = map[string]string{"file-system-id": "fs-0123456789abcdef0", "newFileSystem": "false"}
			},
			after: func(t *testing.T, s *rsSetup, j *awsbackup.DescribeRestoreJobOutput) {
				var fss []string
				for _, r := range s.srv.Resources(rsAcct, rsRegion) {
					if r.Type == emulator.EFSFileSystem {
						fss = append(fss, r.ARN)
					}
				}
				want := "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-0123456789abcdef0"
				if aws.ToString(j.CreatedResourceArn) != want || len(fss) != 1 {
					t.Errorf("restored into %s; file systems now %v", aws.ToString(j.CreatedResourceArn), fss)
				}
			}},
		{name: "EFS into a file system that does not exist", source: "EFS DescribeFileSystems: FileSystemNotFound",
			prep: func(t *testing.T, s *rsSetup) {
				fs := s.srv.AddResource(rsAcct, rsRegion, emulator.EFSFileSystem, "fs-0123456789abcdef0", nil, rsGiB)
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, fs)
				if err := s.srv.RemoveResource(fs); err != nil {
					t.Fatal(err)
				}
				s.md = map[string]string{"file-system-id": "fs-0123456789abcdef0", "newFileSystem": "false"}
			}, failed: "FileSystemNotFound: File system 'fs-0123456789abcdef0' does not exist."},
		{name: "target DB instance exists", source: "RDS RestoreDBInstanceFromDBSnapshot: DBInstanceAlreadyExists",
			prep: func(t *testing.T, s *rsSetup) {
				s.srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "taken", nil, rsGiB)
				db := s.srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "src", nil, rsGiB)
				s.rp = rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, db)
				s.md = map[string]string{"DBInstanceIdentifier": "taken"}
			}, failed: "DBInstanceAlreadyExists: DB instance taken already exists."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			s := &rsSetup{srv: srv, c: vtAccount(t, srv, rsAcct, rsRegion, rsVault), role: aws.ToString(vtRole(rsAcct)), md: map[string]string{"availabilityZone": "us-east-1a"}}
			s.rp = rsRecoveryPoint(t, srv, s.c, rsAcct, rsVault, srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB))
			if tc.prep != nil {
				tc.prep(t, s)
			}
			out, err := s.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(s.rp), IamRoleArn: aws.String(s.role), Metadata: s.md})
			if got := errorCode(err); got != tc.apiErr {
				t.Fatalf("StartRestoreJob error %q (%v), want %q [%s]", got, err, tc.apiErr, tc.source)
			}
			if err != nil {
				return
			}
			j := rsWait(t, srv, s.c, aws.ToString(out.RestoreJobId))
			if tc.failed == "" {
				if j.Status != backuptypes.RestoreJobStatusCompleted {
					t.Fatalf("job %s: %s, want COMPLETED [%s]", j.Status, aws.ToString(j.StatusMessage), tc.source)
				}
				if tc.after != nil {
					tc.after(t, s, j)
				}
				return
			}
			if j.Status != backuptypes.RestoreJobStatusFailed || !strings.Contains(aws.ToString(j.StatusMessage), tc.failed) || j.CreatedResourceArn != nil {
				t.Fatalf("job %s %q, want FAILED with %q [%s]", j.Status, aws.ToString(j.StatusMessage), tc.failed, tc.source)
			}
		})
	}
}

// rsEncryptedRecoveryPoint backs up an EBS volume of rsAcct encrypted with
// a key of rsOther (EBS backups keep the source's key, "Encryption for
// backups in AWS Backup"); withGrant grants rsAcct Decrypt on it.
func rsEncryptedRecoveryPoint(t *testing.T, s *rsSetup, withGrant bool) string {
	t.Helper()
	ctx := context.Background()
	kc := awskms.NewFromConfig(s.srv.Config(rsOther, rsRegion))
	key := must(kc.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey").KeyMetadata.Arn
	if withGrant {
		must(kc.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: key, GranteePrincipal: aws.String("arn:aws:iam::" + rsAcct + ":root"),
			Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationCreateGrant}}))(t, "CreateGrant")
	}
	vol := s.srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB)
	if err := s.srv.SetResourceKMSKey(vol, *key); err != nil {
		t.Fatal(err)
	}
	return rsRecoveryPoint(t, s.srv, s.c, rsAcct, rsVault, vol)
}

// TestRestoreJobListings: ListRestoreJobsByProtectedResource ("restore jobs
// that contain the specified protected resource", ByStatus,
// ByRecoveryPointCreationDate*) and ListRestoreJobSummaries (counts by
// state and resource type; ANY and AGGREGATE_ALL), AWS Backup API
// Reference.
func TestRestoreJobListings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	volA := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB)
	volB := srv.AddResource(rsAcct, rsRegion, emulator.EBSVolume, "", nil, rsGiB)
	rpA1 := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volA)
	afterFirst := srv.Now().Add(-time.Second) // the second backup starts at Now()
	rpA2 := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volA)
	rpB := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, volB)
	start := func(rp, role string) string {
		return *must(c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: aws.String(role), Metadata: map[string]string{}}))(t, "StartRestoreJob").RestoreJobId
	}
	good := aws.ToString(vtRole(rsAcct))
	a1 := start(rpA1, good)
	a2 := start(rpA2, "arn:aws:iam::111111111111:role/Missing") // fails
	b1 := start(rpB, good)
	srv.Advance(2 * time.Hour)

	ids := func(jobs []backuptypes.RestoreJobsListMember) string {
		var out []string
		for _, j := range jobs {
			out = append(out, aws.ToString(j.RestoreJobId))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		in   *awsbackup.ListRestoreJobsByProtectedResourceInput
		want string
	}{
		{"resource A, newest first", &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA)}, a2 + " " + a1},
		{"resource B", &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volB)}, b1},
		{"ByStatus", &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA), ByStatus: backuptypes.RestoreJobStatusFailed}, a2},
		{"ByRecoveryPointCreationDateAfter", &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA), ByRecoveryPointCreationDateAfter: aws.Time(afterFirst)}, a2},
		{"ByRecoveryPointCreationDateBefore", &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA), ByRecoveryPointCreationDateBefore: aws.Time(afterFirst)}, a1},
	} {
		out := must(c.ListRestoreJobsByProtectedResource(ctx, tc.in))(t, "ListRestoreJobsByProtectedResource "+tc.name)
		if got := ids(out.RestoreJobs); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	p := awsbackup.NewListRestoreJobsByProtectedResourcePaginator(c, &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA), MaxResults: aws.Int32(1)})
	var paged []backuptypes.RestoreJobsListMember
	for p.HasMorePages() {
		paged = append(paged, must(p.NextPage(ctx))(t, "ListRestoreJobsByProtectedResource page").RestoreJobs...)
	}
	if got := ids(paged); got != a2+" "+a1 {
		t.Errorf("paged: %s", got)
	}

	type count struct {
		state, typ string
		n          int32
	}
	summaries := func(in *awsbackup.ListRestoreJobSummariesInput) []count {
		out := must(c.ListRestoreJobSummaries(ctx, in))(t, "ListRestoreJobSummaries")
		var got []count
		for _, s := range out.RestoreJobSummaries {
			if aws.ToString(s.AccountId) != rsAcct && aws.ToString(s.AccountId) != "AGGREGATE_ALL" || aws.ToString(s.Region) != rsRegion || s.StartTime == nil || s.EndTime == nil {
				t.Errorf("summary %+v", s)
			}
			got = append(got, count{string(s.State), aws.ToString(s.ResourceType), s.Count})
		}
		return got
	}
	for _, tc := range []struct {
		name string
		in   *awsbackup.ListRestoreJobSummariesInput
		want []count
	}{
		{"per state", &awsbackup.ListRestoreJobSummariesInput{AggregationPeriod: backuptypes.AggregationPeriodSevenDays}, []count{{"COMPLETED", "EBS", 2}, {"FAILED", "EBS", 1}}},
		{"one state", &awsbackup.ListRestoreJobSummariesInput{AggregationPeriod: backuptypes.AggregationPeriodFourteenDays, State: backuptypes.RestoreJobStateFailed}, []count{{"FAILED", "EBS", 1}}},
		{"AGGREGATE_ALL", &awsbackup.ListRestoreJobSummariesInput{AggregationPeriod: backuptypes.AggregationPeriodSevenDays, State: backuptypes.RestoreJobStateAggregateAll, AccountId: aws.String("AGGREGATE_ALL")}, []count{{"AGGREGATE_ALL", "EBS", 3}}},
		{"other type", &awsbackup.ListRestoreJobSummariesInput{ResourceType: aws.String("RDS")}, nil},
		{"daily", &awsbackup.ListRestoreJobSummariesInput{State: backuptypes.RestoreJobStateAggregateAll}, []count{{"AGGREGATE_ALL", "EBS", 3}}},
	} {
		got := summaries(tc.in)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	}
	// Empty results carry empty lists, as AWS sends them.
	if out := must(c.ListRestoreJobsByProtectedResource(ctx, &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(volA + "0")}))(t, "ListRestoreJobsByProtectedResource"); out.RestoreJobs == nil {
		t.Error("ListRestoreJobsByProtectedResource without jobs: RestoreJobs absent, want []")
	}
	if out := must(c.ListRestoreJobSummaries(ctx, &awsbackup.ListRestoreJobSummariesInput{ResourceType: aws.String("RDS")}))(t, "ListRestoreJobSummaries"); out.RestoreJobSummaries == nil || aws.ToString(out.AggregationPeriod) != "ONE_DAY" {
		t.Errorf("ListRestoreJobSummaries without jobs: %+v", out)
	}
	_, err := c.ListRestoreJobSummaries(ctx, &awsbackup.ListRestoreJobSummariesInput{MaxResults: aws.Int32(501)})
	wantErr[*backuptypes.InvalidParameterValueException](t, "ListRestoreJobSummaries(MaxResults 501)", err)
	_, err = c.ListRestoreJobSummaries(ctx, &awsbackup.ListRestoreJobSummariesInput{AggregationPeriod: "ONE_WEEK"})
	wantErr[*backuptypes.InvalidParameterValueException](t, "ListRestoreJobSummaries(ONE_WEEK)", err)

	// PutRestoreValidationResult applies to restore testing jobs.
	_, err = c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(a1), ValidationStatus: backuptypes.RestoreValidationStatusSuccessful})
	wantErr[*backuptypes.InvalidRequestException](t, "PutRestoreValidationResult(on-demand restore)", err)
	_, err = c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String("nope"), ValidationStatus: backuptypes.RestoreValidationStatusSuccessful})
	wantErr[*backuptypes.ResourceNotFoundException](t, "PutRestoreValidationResult(unknown)", err)
}

// TestRestoreFromCentralVaultIntoRecoveryAccount restores a production EFS
// file system and RDS database backed up in a workload account and copied
// to the central backup account into a recovery account in the DR Region.
// The recovery account cannot restore the central vault's recovery points
// directly: they are copied into its own vault in the DR Region first
// ("Creating backup copies across AWS accounts" and "Cross-Region copy",
// AWS Backup Developer Guide), then restored there.
func TestRestoreFromCentralVaultIntoRecoveryAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const (
		workload = "333333333333"
		recovery = "333333333334"
		orgCopy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`
	)
	srv := newTestServer(t)
	for _, region := range []string{rsRegion, rsDR} {
		must(scnBackup(srv, emulator.ManagementAccountID, region).UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
			GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}}))(t, "UpdateGlobalSettings")
	}
	// The central vault's key is a customer managed key shared with the
	// organization: copies of RDS snapshots keep it, and AWS managed keys
	// cannot be used by other accounts ("Encryption for a backup copy to a
	// different account or AWS Region").
	kc := awskms.NewFromConfig(srv.Config(scnCentral, rsRegion))
	key := must(kc.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + scnCentral + `:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant","kms:ReEncrypt*","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`)}))(t, "CreateKey").KeyMetadata.Arn
	central := vtAccount(t, srv, scnCentral, rsRegion)
	must(central.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central"), EncryptionKeyArn: key}))(t, "CreateBackupVault central")
	must(central.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"), Policy: aws.String(orgCopy)}))(t, "PutBackupVaultAccessPolicy central")
	// The central account's vault in the DR Region: RDS snapshots reach
	// another account in another Region in two copies, never one ("Copy a
	// backup").
	keyPolicy, _ := kc.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: key, PolicyName: aws.String("default")})
	drKey := must(awskms.NewFromConfig(srv.Config(scnCentral, rsDR)).CreateKey(ctx, &awskms.CreateKeyInput{Policy: keyPolicy.Policy}))(t, "CreateKey DR").KeyMetadata.Arn
	centralDR := vtAccount(t, srv, scnCentral, rsDR)
	must(centralDR.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central"), EncryptionKeyArn: drKey}))(t, "CreateBackupVault central DR")
	rec := vtAccount(t, srv, recovery, rsDR, "recovery")
	must(rec.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("recovery"), Policy: aws.String(orgCopy)}))(t, "PutBackupVaultAccessPolicy recovery")
	w := vtAccount(t, srv, workload, rsRegion, rsVault)
	fs := srv.AddResource(workload, rsRegion, emulator.EFSFileSystem, "", map[string]string{"tier": "production"}, 20*rsGiB)
	db := srv.AddResource(workload, rsRegion, emulator.RDSInstance, "orders", map[string]string{"tier": "production"}, 50*rsGiB)

	copyTo := func(c *awsbackup.Client, account, vault, rp, dest string) string {
		t.Helper()
		out := must(c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{RecoveryPointArn: aws.String(rp), SourceBackupVaultName: aws.String(vault),
			DestinationBackupVaultArn: aws.String(dest), IamRoleArn: vtRole(account)}))(t, "StartCopyJob")
		srv.Advance(emulator.DefaultCopyDuration)
		j := must(c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId}))(t, "DescribeCopyJob").CopyJob
		if j.State != backuptypes.CopyJobStateCompleted {
			t.Fatalf("copy of %s to %s: %s %s", rp, dest, j.State, aws.ToString(j.StatusMessage))
		}
		return aws.ToString(j.DestinationRecoveryPointArn)
	}
	recC := awsbackup.NewFromConfig(srv.Config(recovery, rsDR))
	for _, tc := range []struct {
		resource string
		md       map[string]string
		want     string
	}{
		{fs, map[string]string{"newFileSystem": "true"}, "arn:aws:elasticfilesystem:us-west-2:333333333334:file-system/fs-"},
		{db, map[string]string{"DBInstanceIdentifier": "orders-dr"}, "arn:aws:rds:us-west-2:333333333334:db:orders-dr"},
	} {
		local := rsRecoveryPoint(t, srv, w, workload, rsVault, tc.resource)
		inCentral := copyTo(w, workload, rsVault, local, "arn:aws:backup:us-east-1:"+scnCentral+":backup-vault:central")
		// The recovery account cannot restore the central copy.
		_, err := recC.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(inCentral), IamRoleArn: vtRole(recovery), Metadata: tc.md})
		wantErr[*backuptypes.ResourceNotFoundException](t, "StartRestoreJob of the central vault's recovery point from the recovery account", err)
		// Copied into the recovery account's vault in the DR Region, it can.
		inCentralDR := copyTo(central, scnCentral, "central", inCentral, "arn:aws:backup:us-west-2:"+scnCentral+":backup-vault:central")
		inRecovery := copyTo(centralDR, scnCentral, "central", inCentralDR, "arn:aws:backup:us-west-2:"+recovery+":backup-vault:recovery")
		meta := must(recC.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("recovery"), RecoveryPointArn: aws.String(inRecovery)}))(t, "GetRecoveryPointRestoreMetadata")
		md := meta.RestoreMetadata
		for k, v := range tc.md {
			md[k] = v
		}
		out := must(recC.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(inRecovery), IamRoleArn: vtRole(recovery), Metadata: md}))(t, "StartRestoreJob")
		j := rsWait(t, srv, recC, aws.ToString(out.RestoreJobId))
		if j.Status != backuptypes.RestoreJobStatusCompleted || !strings.HasPrefix(aws.ToString(j.CreatedResourceArn), tc.want) || aws.ToString(j.SourceResourceArn) != tc.resource {
			t.Fatalf("restore of %s: %s %q created %s", tc.resource, j.Status, aws.ToString(j.StatusMessage), aws.ToString(j.CreatedResourceArn))
		}
		found := false
		for _, r := range srv.Resources(recovery, rsDR) {
			found = found || r.ARN == aws.ToString(j.CreatedResourceArn)
		}
		if !found {
			t.Errorf("%s not among the recovery account's resources in %s", aws.ToString(j.CreatedResourceArn), rsDR)
		}
	}
}

// TestRestoreFromColdStorage: a recovery point in cold storage restores
// more slowly (the duration model of restore.go adds the cold tier's
// staging time; "Lifecycle and storage tiers", AWS Backup Developer Guide:
// restores from cold storage take longer).
func TestRestoreFromColdStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	fs := srv.AddResource(rsAcct, rsRegion, emulator.EFSFileSystem, "", nil, 10*rsGiB)
	id := vtOnDemand(t, c, rsAcct, rsVault, fs, &backuptypes.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(1), DeleteAfterDays: aws.Int64(100)})
	srv.Advance(3 * 24 * time.Hour)
	rp := vtJob(t, c, id).RecoveryPointArn
	if d := must(c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String(rsVault), RecoveryPointArn: rp}))(t, "DescribeRecoveryPoint"); d.StorageClass != backuptypes.StorageClassCold {
		t.Fatalf("StorageClass %s, want COLD", d.StorageClass)
	}
	out := must(c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: rp, IamRoleArn: vtRole(rsAcct), Metadata: map[string]string{"newFileSystem": "true"}}))(t, "StartRestoreJob")
	got := time.Duration(aws.ToInt64(rsDescribe(t, c, *out.RestoreJobId).ExpectedCompletionTimeMinutes)) * time.Minute
	model := emulator.RestoreDuration("EFS", 10*rsGiB, true) // 10 min + 10 min + 4 h
	if model != 4*time.Hour+20*time.Minute || got < model*9/10 || got > model*11/10+time.Minute {
		t.Errorf("cold EFS restore expected %s, model %s", got, model)
	}
}

// TestRestoreTargetTakenWhileRunning: a DB instance created under the
// restore's DBInstanceIdentifier while the restore runs fails it when it
// would create the instance (RDS RestoreDBInstanceFromDBSnapshot:
// DBInstanceAlreadyExists), and the other instance is left alone.
func TestRestoreTargetTakenWhileRunning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	rp := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "src", nil, rsGiB))
	out := must(c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: vtRole(rsAcct), Metadata: map[string]string{"DBInstanceIdentifier": "late"}}))(t, "StartRestoreJob")
	other := srv.AddResource(rsAcct, rsRegion, emulator.RDSInstance, "late", map[string]string{"owner": "someone"}, 5*rsGiB)
	j := rsWait(t, srv, c, aws.ToString(out.RestoreJobId))
	if j.Status != backuptypes.RestoreJobStatusFailed || aws.ToString(j.StatusMessage) != "DBInstanceAlreadyExists: DB instance late already exists." {
		t.Fatalf("job %s %q", j.Status, aws.ToString(j.StatusMessage))
	}
	for _, r := range srv.Resources(rsAcct, rsRegion) {
		if r.ARN == other && (r.RestoredBy != "" || r.SizeBytes != 5*rsGiB) {
			t.Errorf("the other instance was replaced: %+v", r)
		}
	}
}

// TestRestoreFromAnotherRegion: a recovery point is restored in its own
// Region; for another Region it is copied there first ("Cross-Region
// copy", AWS Backup Developer Guide), so StartRestoreJob in another Region
// does not find it.
func TestRestoreFromAnotherRegion(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := vtAccount(t, srv, rsAcct, rsRegion, rsVault)
	rp := rsRecoveryPoint(t, srv, c, rsAcct, rsVault, srv.AddResource(rsAcct, rsRegion, emulator.DynamoDBTable, "orders", nil, rsGiB))
	dr := vtAccount(t, srv, rsAcct, rsDR)
	_, err := dr.StartRestoreJob(context.Background(), &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: vtRole(rsAcct), Metadata: map[string]string{"targetTableName": "orders-dr"}})
	e := wantErrAs[*backuptypes.ResourceNotFoundException](t, "StartRestoreJob in another Region", err)
	if !strings.Contains(aws.ToString(e.Message), "Copy it into a backup vault of this account and region first") {
		t.Errorf("message %q does not say to copy the recovery point first", aws.ToString(e.Message))
	}
}
