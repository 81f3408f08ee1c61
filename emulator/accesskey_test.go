package emulator_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestUnknownAccessKey checks that a key that is neither an account ID nor
// issued by the emulator fails as an unknown key does on AWS
// (InvalidClientTokenId for the query protocols, UnrecognizedClientException
// for JSON), and acts as the management account with AnyAccessKey.
func TestUnknownAccessKey(t *testing.T) {
	t.Parallel()
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return ""
	}
	cfgWith := func(srv *emulator.Server) aws.Config {
		cfg := srv.Config("111111111111", "us-east-1")
		cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIAPLACEHOLDER", "secret", "")
		return cfg
	}
	ctx := context.Background()
	srv := newTestServer(t)
	if _, err := awssts.NewFromConfig(cfgWith(srv)).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); code(err) != "InvalidClientTokenId" {
		t.Errorf("STS with an unknown key: %v, want InvalidClientTokenId", err)
	}
	if _, err := awsbackup.NewFromConfig(cfgWith(srv)).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); code(err) != "UnrecognizedClientException" {
		t.Errorf("Backup with an unknown key: %v, want UnrecognizedClientException", err)
	}
	open := emulator.NewServer(func(o *emulator.Options) { o.AnyAccessKey = true })
	t.Cleanup(open.Close)
	id, err := awssts.NewFromConfig(cfgWith(open)).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111111111111" {
		t.Errorf("with AnyAccessKey: %v, %v; want the management account", id, err)
	}
}
