package emulator_test

import (
	"context"
	"testing"

	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

func TestGetCallerIdentityAccountKey(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	out, err := awssts.NewFromConfig(srv.Config("333333333333", "us-east-1")).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got, want := *out.Account, "333333333333"; got != want {
		t.Errorf("Account = %q, want %q", got, want)
	}
	if got, want := *out.Arn, "arn:aws:iam::333333333333:root"; got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
}
