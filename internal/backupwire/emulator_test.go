package backupwire_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	smithy "github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/backupwire"
)

// TestEmulatorResponses lists what the emulator made of real backup and
// copy jobs (completed, failed, with lifecycles and creators) with a
// plain SDK client and with one using Lists, over HTTP, page by page, and
// checks that both read the same pages, tokens and errors.
func TestEmulatorResponses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const account, region = "111122223333", "us-east-1"
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config(account, region)
	sdk := awsbackup.NewFromConfig(cfg, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	lean := awsbackup.NewFromConfig(cfg, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 }, backupwire.NewLists().Option)
	for _, v := range []string{"local", "copies"} {
		if _, err := sdk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(v)}); err != nil {
			t.Fatalf("CreateBackupVault: %v", err)
		}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	role := "arn:aws:iam::" + account + ":role/BackupRole"
	for i, typ := range []emulator.ResourceType{emulator.EBSVolume, emulator.DynamoDBTable, emulator.EFSFileSystem, emulator.RDSInstance, emulator.EBSVolume} {
		arn := srv.AddResource(account, region, typ, "", map[string]string{"n": fmt.Sprint(i)}, int64(i+1)<<30)
		if arn == "" {
			t.Fatalf("AddResource(%s) failed", typ)
		}
		if _, err := sdk.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String(role),
			Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(int64(100 + i)), MoveToColdStorageAfterDays: aws.Int64(7)},
		}); err != nil {
			t.Fatalf("StartBackupJob: %v", err)
		}
	}
	srv.Advance(3 * time.Hour)
	rps, err := sdk.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local")})
	if err != nil || len(rps.RecoveryPoints) == 0 {
		t.Fatalf("ListRecoveryPointsByBackupVault: %d recovery points, %v", len(rps.RecoveryPoints), err)
	}
	for _, rp := range rps.RecoveryPoints {
		if _, err := sdk.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
			RecoveryPointArn: rp.RecoveryPointArn, SourceBackupVaultName: aws.String("local"), IamRoleArn: aws.String(role),
			DestinationBackupVaultArn: aws.String("arn:aws:backup:" + region + ":" + account + ":backup-vault:copies"),
		}); err != nil {
			t.Fatalf("StartCopyJob: %v", err)
		}
	}
	srv.Advance(3 * time.Hour)

	page := aws.Int32(2)
	for _, op := range []struct {
		name string
		call func(*awsbackup.Client, *string) (any, *string, error)
	}{
		{"ListBackupJobs", func(c *awsbackup.Client, tok *string) (any, *string, error) {
			out, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{MaxResults: page, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		}},
		{"ListCopyJobs", func(c *awsbackup.Client, tok *string) (any, *string, error) {
			out, err := c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{MaxResults: page, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		}},
		{"ListRecoveryPointsByBackupVault", func(c *awsbackup.Client, tok *string) (any, *string, error) {
			out, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("copies"), MaxResults: page, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		}},
		{"ListProtectedResources", func(c *awsbackup.Client, tok *string) (any, *string, error) {
			out, err := c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{MaxResults: page, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return out, out.NextToken, nil
		}},
	} {
		t.Run(op.name, func(t *testing.T) {
			var tok *string
			pages := 0
			for {
				want, wantNext, err := op.call(sdk, tok)
				if err != nil {
					t.Fatalf("SDK: %v", err)
				}
				got, _, err := op.call(lean, tok)
				if err != nil {
					t.Fatalf("Lists: %v", err)
				}
				if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
					t.Fatalf("page %d mismatch (-SDK +Lists):\n%s", pages, diff)
				}
				pages++
				if tok = wantNext; tok == nil {
					break
				}
			}
			if pages < 2 {
				t.Errorf("%d pages, want several", pages)
			}
		})
	}

	// The pages came from Lists, not from its fallback to the SDK: their
	// items share repeated strings.
	jobs, err := lean.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if j := jobs.BackupJobs; len(j) < 2 || j[0].AccountId != j[1].AccountId || j[0].IamRoleArn != j[1].IamRoleArn {
		t.Errorf("ListBackupJobs through Lists: items do not share their account and role")
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(jobs.ResultMetadata); !ok || id == "" {
		t.Errorf("ListBackupJobs through Lists: no request ID in ResultMetadata")
	}

	for _, c := range []struct {
		name  string
		vault string
		token *string
	}{
		{"no such vault", "missing", nil},
		{"bad token", "local", aws.String("not-a-token")},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(c.vault), NextToken: c.token}
			_, want := sdk.ListRecoveryPointsByBackupVault(ctx, in)
			_, got := lean.ListRecoveryPointsByBackupVault(ctx, in)
			var api smithy.APIError
			if !errors.As(want, &api) {
				t.Fatalf("SDK: error = %v, want an API error", want)
			}
			// Each response has its own request ID; the rest is the same.
			var gotResp, wantResp *awshttp.ResponseError
			if !errors.As(got, &gotResp) || !errors.As(want, &wantResp) || gotResp.ServiceRequestID() == "" {
				t.Fatalf("error = %v, want a response error with a request ID", got)
			}
			if strip(got, gotResp) != strip(want, wantResp) || fmt.Sprintf("%T", gotResp.Unwrap()) != fmt.Sprintf("%T", wantResp.Unwrap()) {
				t.Errorf("error = %v (%T), SDK's = %v", got, gotResp.Unwrap(), want)
			}
		})
	}
}

// strip returns err's text without its request ID.
func strip(err error, resp *awshttp.ResponseError) string {
	return strings.Replace(err.Error(), resp.ServiceRequestID(), "<id>", 1)
}
