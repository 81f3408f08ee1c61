package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestInProcessTransport drives every protocol the emulator speaks through
// InProcessConfig of a server that never listens: query (STS), JSON (KMS),
// REST-JSON (AWS Backup) and REST-XML (S3), errors included.
func TestInProcessTransport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewUnstartedServer()
	const account = "333333333333"
	cfg := srv.InProcessConfig(account, "us-east-1")

	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != account {
		t.Fatalf("GetCallerIdentity = %v, %v; want account %s", id, err, account)
	}
	kms := awskms.NewFromConfig(cfg)
	key, err := kms.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if _, err := kms.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Errorf("DescribeKey: %v", err)
	}
	b := awsbackup.NewFromConfig(cfg)
	if _, err := b.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	v, err := b.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")})
	if err != nil || aws.ToString(v.BackupVaultName) != "local" {
		t.Errorf("DescribeBackupVault = %v, %v", v, err)
	}
	_, err = b.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("missing")})
	var nf *backuptypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeBackupVault of a missing vault: %v, want ResourceNotFoundException", err)
	}
	s3 := awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
	if _, err := s3.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("reports-333333333333")}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if _, err := s3.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("reports-333333333333"), Key: aws.String("a/b.json"), Body: bytes.NewReader([]byte(`{"ok":true}`))}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	obj, err := s3.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("reports-333333333333"), Key: aws.String("a/b.json")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	body, _ := io.ReadAll(obj.Body)
	if string(body) != `{"ok":true}` {
		t.Errorf("GetObject body = %q", body)
	}
}

// TestInProcessLostResponse checks that a response a fault loses fails the
// in-process round trip as it fails over HTTP: the operation took effect
// and the client sees a broken connection, not an answer.
func TestInProcessLostResponse(t *testing.T) {
	t.Parallel()
	for name, inProcess := range map[string]bool{"http": false, "in-process": true} {
		srv := emulator.NewServer()
		t.Cleanup(srv.Close)
		srv.AddFault(emulator.Fault{Service: "backup", Operation: "CreateBackupVault", LoseNext: 1})
		cfg := srv.Config(emulator.BackupAccountID, "us-east-1")
		if inProcess {
			cfg = srv.InProcessConfig(emulator.BackupAccountID, "us-east-1")
		}
		cfg.RetryMaxAttempts = 1
		b := awsbackup.NewFromConfig(cfg)
		if _, err := b.CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("lost")}); err == nil || !errors.Is(err, io.EOF) {
			t.Errorf("%s: CreateBackupVault with its response lost: %v, want a broken connection (EOF)", name, err)
		}
		if _, err := b.DescribeBackupVault(context.Background(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("lost")}); err != nil {
			t.Errorf("%s: the vault whose creation lost its answer does not exist: %v", name, err)
		}
	}
}
