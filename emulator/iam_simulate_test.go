package emulator_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestIAMSimulatePrincipalPolicy checks the identity policies, a
// permissions boundary and conditions of a simulated role.
func TestIAMSimulatePrincipalPolicy(t *testing.T) {
	t.Parallel()
	const account = "222222222222"
	_, c := iamTestClient(t, account)
	ctx := context.Background()
	boundary, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bound"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["backup:*","kms:DescribeKey"],"Resource":"*"},{"Effect":"Deny","Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	arn := boundary.Policy.Arn
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("deploy"), Path: aws.String("/orgbackup/"), AssumeRolePolicyDocument: aws.String(backupTrust), PermissionsBoundary: arn}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("deploy")})
	if err != nil || got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(arn) {
		t.Fatalf("GetRole boundary = %+v, %v; want %s", got, err, aws.ToString(arn))
	}
	if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("deploy"), PolicyName: aws.String("p"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["backup:*","iam:CreateRole","kms:ScheduleKeyDeletion"],"Resource":"*"},` +
			`{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/orgbackup:managed":"true"}}},` +
			`{"Effect":"Deny","Action":"backup:DeleteBackupVault","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::" + account + ":role/orgbackup/deploy"
	for _, tc := range []struct {
		name, action string
		context      map[string]string
		want         iamtypes.PolicyEvaluationDecisionType
	}{
		{"allowed by both", "backup:CreateBackupPlan", nil, iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"identity deny", "backup:DeleteBackupVault", nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"boundary deny", "backup:DeleteRecoveryPoint", nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"outside the boundary", "iam:CreateRole", nil, iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"outside the boundary too", "kms:ScheduleKeyDeletion", nil, iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"not granted", "sns:Publish", nil, iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"condition met", "kms:DescribeKey", map[string]string{"aws:ResourceTag/orgbackup:managed": "true"}, iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"condition unmet", "kms:DescribeKey", map[string]string{"aws:ResourceTag/orgbackup:managed": "false"}, iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var entries []iamtypes.ContextEntry
			for k, v := range tc.context {
				entries = append(entries, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{v}})
			}
			out, err := c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(role), ActionNames: []string{tc.action}, ContextEntries: entries})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].EvalDecision != tc.want {
				t.Errorf("SimulatePrincipalPolicy(%s) = %+v, want %s", tc.action, out.EvaluationResults, tc.want)
			}
		})
	}
	// Removing the boundary widens the role to its identity policies.
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &awsiam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("deploy")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(role), ActionNames: []string{"iam:CreateRole"}})
	if err != nil || out.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("without boundary: %+v, %v; want allowed", out, err)
	}
}

// TestIAMPolicyVersions checks the version quota, the default version and
// that the default cannot be deleted.
func TestIAMPolicyVersions(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	doc := func(action string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)
	}
	p, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: doc("backup:ListBackupPlans")})
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		if _, err := c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: doc("backup:GetBackupPlan"), SetAsDefault: i == 5}); err != nil {
			t.Fatalf("version %d: %v", i, err)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: doc("backup:GetBackupPlan")})
	wantErr[*iamtypes.LimitExceededException](t, "sixth version", err)
	got, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: p.Policy.Arn})
	if err != nil || aws.ToString(got.Policy.DefaultVersionId) != "v5" {
		t.Fatalf("GetPolicy default = %v, %v; want v5", got, err)
	}
	_, err = c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v5")})
	wantErr[*iamtypes.DeleteConflictException](t, "deleting the default", err)
	if _, err := c.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	v, err := c.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: doc("backup:GetBackupPlan")})
	if err != nil || aws.ToString(v.PolicyVersion.VersionId) != "v6" {
		t.Errorf("after deleting v1: %v, %v; want v6", v, err)
	}
	pv, err := c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v5")})
	if err != nil || !pv.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion(v5) = %v, %v", pv, err)
	}
}
