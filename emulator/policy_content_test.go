package emulator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/policy"
)

// TestBackupPolicyContentMatchesPolicyValidate checks CreatePolicy and
// UpdatePolicy judge BACKUP_POLICY documents as `policy validate` does:
// unknown keys refused, partial (inheritance-only) documents accepted.
func TestBackupPolicyContentMatchesPolicyValidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := map[string]struct {
		doc     string
		wantErr bool
	}{
		"partial, completed by inheritance": {doc: `{"plans":{"prod":{"rules":{"daily":{"lifecycle":{"delete_after_days":{"@@assign":"35"}}}}}}}`},
		"unknown key":                       {doc: `{"plans":{"prod":{"rules":{"daily":{"lifecycle":{"delete_afterdays":{"@@assign":"35"}}}}}}}`, wantErr: true},
		"index action on EFS":               {doc: `{"plans":{"prod":{"rules":{"daily":{"index_actions":{"resource_types":{"@@assign":["EFS"]}}}}}}}`, wantErr: true},
		"continuous kept 36 days":           {doc: `{"plans":{"prod":{"rules":{"daily":{"enable_continuous_backup":{"@@assign":true},"lifecycle":{"delete_after_days":{"@@assign":"36"}}}}}}}`, wantErr: true},
	}
	srv := newTestServer(t)
	orgs := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	base := must(orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("base"), Description: aws.String("d"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"plans":{}}`)}))(t, "CreatePolicy")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, offline := policy.ParseOrganizationsPolicy("doc.json", []byte(tc.doc))
			if (offline != nil) != tc.wantErr {
				t.Errorf("policy.ParseOrganizationsPolicy() = %v, want error=%v", offline, tc.wantErr)
			}
			_, createErr := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String(strings.ReplaceAll(name, " ", "-")), Description: aws.String("d"), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(tc.doc)})
			_, updateErr := orgs.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: base.Policy.PolicySummary.Id, Content: aws.String(tc.doc)})
			for op, err := range map[string]error{"CreatePolicy": createErr, "UpdatePolicy": updateErr} {
				if !tc.wantErr {
					if err != nil {
						t.Errorf("%s: %v, want success", op, err)
					}
					continue
				}
				wantErr[*orgtypes.MalformedPolicyDocumentException](t, op, err)
			}
		})
	}
}
