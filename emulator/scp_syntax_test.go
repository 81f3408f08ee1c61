package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestSCPSizeAndSyntax: an SCP is at most 5,120 characters ("Quotas and
// service limits for AWS Organizations", maximum size of a policy
// document; "All characters in your SCP count against its maximum size",
// "SCP syntax") and follows the SCP grammar ("SCP syntax"; "SCPs and RCPs
// don't support the NotPrincipal element", IAM User Guide).
func TestSCPSizeAndSyntax(t *testing.T) {
	t.Parallel()
	// sized returns a valid SCP of exactly n characters.
	sized := func(n int) string {
		head, tail := `{"Version":"2012-10-17","Statement":[{"Sid":"`, `","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
		return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
	}
	limit := func(t *testing.T, err error) {
		cv := wantErrAs[*orgtypes.ConstraintViolationException](t, "policy over 5,120 characters", err)
		if cv.Reason != orgtypes.ConstraintViolationExceptionReasonPolicyContentLimitExceeded {
			t.Errorf("Reason = %q, want POLICY_CONTENT_LIMIT_EXCEEDED", cv.Reason)
		}
	}
	malformedDoc := func(t *testing.T, err error) {
		wantErr[*orgtypes.MalformedPolicyDocumentException](t, "malformed SCP", err)
	}
	tests := map[string]struct {
		content string
		update  bool // UpdatePolicy of a valid SCP instead of CreatePolicy
		check   func(t *testing.T, err error)
	}{
		"5,120 characters":                  {content: sized(5120)},
		"5,121 characters":                  {content: sized(5121), check: limit},
		"5,121 characters on update":        {content: sized(5121), update: true, check: limit},
		"white space counts":                {content: sized(5100) + strings.Repeat(" ", 21), check: limit},
		"Principal":                         {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, check: malformedDoc},
		"NotPrincipal":                      {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}]}`, check: malformedDoc},
		"no Version":                        {content: `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, check: malformedDoc},
		"old Version":                       {content: `{"Version":"2008-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, check: malformedDoc},
		"no Resource":                       {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*"}]}`, check: malformedDoc},
		"no Action":                         {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Resource":"*"}]}`, check: malformedDoc},
		"unknown condition operator":        {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringSorta":{"aws:PrincipalArn":"x"}}}]}`, check: malformedDoc},
		"not JSON":                          {content: `{"Version":`, check: malformedDoc},
		"conditions and NotAction in Allow": {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`},
		"malformed on update":               {content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}`, update: true, check: malformedDoc},
	}
	srv := newTestServer(t)
	orgs := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	ctx := context.Background()
	base := must(orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("base"), Description: aws.String(""),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(sized(200))}))(t, "CreatePolicy")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if tc.update {
				_, err = orgs.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: base.Policy.PolicySummary.Id, Content: aws.String(tc.content)})
			} else {
				_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String(name), Description: aws.String(""),
					Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(tc.content)})
			}
			if tc.check == nil {
				if err != nil {
					t.Fatalf("%v, want success", err)
				}
				return
			}
			tc.check(t, err)
		})
	}
}
