package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestKeyPolicyDenyInOwnAccount: an explicit Deny in a key policy binds
// the principals of the key's own account ("Key policies in AWS KMS":
// without the key policy no principal, the account root included, has
// permissions; an explicit deny overrides allows), so a key policy can
// keep an account's administrators from scheduling the key's deletion.
func TestKeyPolicyDenyInOwnAccount(t *testing.T) {
	t.Parallel()
	const acct, region = "333333333333", "us-east-1"
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"EnableIAM","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"DenyDeletion","Effect":"Deny","Principal":{"AWS":"*"},"Action":["kms:ScheduleKeyDeletion","kms:UpdateKeyDescription"],"Resource":"*",` +
		`"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::` + acct + `:role/BreakGlass"}}}]}`
	tests := map[string]struct {
		breakGlass bool
		call       string
		wantDeny   bool
	}{
		"administrator schedules deletion":       {call: "ScheduleKeyDeletion", wantDeny: true},
		"administrator edits the description":    {call: "UpdateKeyDescription", wantDeny: true},
		"administrator describes the key":        {call: "DescribeKey"},
		"break-glass role schedules deletion":    {breakGlass: true, call: "ScheduleKeyDeletion"},
		"break-glass role edits the description": {breakGlass: true, call: "UpdateKeyDescription"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			cfg := srv.Config(acct, region)
			key := must(awskms.NewFromConfig(cfg).CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(policy)}))(t, "CreateKey").KeyMetadata.KeyId
			if tc.breakGlass {
				trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}]}`
				must(awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BreakGlass"), AssumeRolePolicyDocument: aws.String(trust)}))(t, "CreateRole")
				out := must(awssts.NewFromConfig(cfg).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/BreakGlass"), RoleSessionName: aws.String("alice")}))(t, "AssumeRole")
				cfg = stsSessionConfig(srv, out.Credentials)
				cfg.Region = region
			}
			c := awskms.NewFromConfig(cfg)
			var err error
			switch tc.call {
			case "ScheduleKeyDeletion":
				_, err = c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: key})
			case "UpdateKeyDescription":
				_, err = c.UpdateKeyDescription(ctx, &awskms.UpdateKeyDescriptionInput{KeyId: key, Description: aws.String("x")})
			case "DescribeKey":
				_, err = c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: key})
			}
			if !tc.wantDeny {
				if err != nil {
					t.Fatalf("%s: %v, want success", tc.call, err)
				}
				return
			}
			if errorCode(err) != "AccessDeniedException" || !strings.HasSuffix(err.Error(), "kms:"+tc.call+" on resource: arn:aws:kms:"+region+":"+acct+":key/"+aws.ToString(key)+" with an explicit deny in a resource-based policy") {
				t.Errorf("%s: %v, want AccessDeniedException for an explicit deny in a resource-based policy", tc.call, err)
			}
		})
	}
}
