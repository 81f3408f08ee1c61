package emulator_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/orgbackup/orgbackup/emulator"
)

// A key policy can admit every account of the organization through
// aws:PrincipalOrgID, which the emulator derives from the live organization.
func TestKMSKeyPolicyPrincipalOrgID(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	owner := awskms.NewFromConfig(srv.Config("222222222222", "us-east-1"))
	policy := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"},
	 {"Sid":"Org","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:DescribeKey","kms:CreateGrant"],"Resource":"*",
	  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}]}`
	key, err := owner.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(policy)})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	tests := map[string]struct {
		account string
		allowed bool
	}{
		"member of the organization": {"333333333333", true},
		"outside the organization":   {"999999999999", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := awskms.NewFromConfig(srv.Config(tc.account, "us-east-1"))
			_, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: key.KeyMetadata.Arn})
			if got := err == nil; got != tc.allowed {
				t.Errorf("DescribeKey from %s: err = %v, want allowed=%v", tc.account, err, tc.allowed)
			}
		})
	}
}
