package accessrole_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/accessrole"
	"github.com/orgbackup/orgbackup/githubiam"
)

// person creates role name in account, assumable by the account's
// principals, and returns a session of it.
func (w *world) person(t *testing.T, account, name string) aws.CredentialsProvider {
	t.Helper()
	ctx := context.Background()
	cfg := w.srv.Config(account, "us-east-1")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	out, err := awssts.NewFromConfig(cfg).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + name), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	return staticCreds(out.Credentials)
}

// TestTeamRoles checks who may assume the team roles and on which terms:
// break-glass only with MFA and for one hour, operators only with MFA (as
// the spec asks), restore roles only by the account's own workload admins;
// and what they may do.
func TestTeamRoles(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldSpec)
	ctx := context.Background()
	emergency := awssts.NewFromConfig(w.config(w.person(t, backupAcc, "Emergency")))
	operators := awssts.NewFromConfig(w.config(w.person(t, backupAcc, "BackupOperators")))
	prodAdmin := awssts.NewFromConfig(w.config(w.person(t, "333333333333", "WorkloadAdmin")))
	stageAdmin := awssts.NewFromConfig(w.config(w.person(t, "444444444444", "WorkloadAdmin")))
	mfa := func(in *awssts.AssumeRoleInput) *awssts.AssumeRoleInput {
		in.SerialNumber, in.TokenCode = aws.String("arn:aws:iam::222222222222:mfa/alice"), aws.String("123456")
		return in
	}
	in := func(arn string, seconds int32) *awssts.AssumeRoleInput {
		out := &awssts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("alice")}
		if seconds > 0 {
			out.DurationSeconds = aws.Int32(seconds)
		}
		return out
	}
	breakGlass := githubiam.RoleARN("aws", "333333333333", githubiam.BreakGlassRole)
	operator := githubiam.RoleARN("aws", backupAcc, accessrole.OperatorRole)
	restore := githubiam.RoleARN("aws", "333333333333", accessrole.RestoreRole)
	for _, tc := range []struct {
		name string
		sts  *awssts.Client
		in   *awssts.AssumeRoleInput
		ok   bool
	}{
		{"break-glass without MFA", emergency, in(breakGlass, 0), false},
		{"break-glass with MFA", emergency, mfa(in(breakGlass, 0)), true},
		{"break-glass for two hours", emergency, mfa(in(breakGlass, 7200)), false},
		{"break-glass by an operator", operators, mfa(in(breakGlass, 0)), false},
		{"operator with MFA", operators, mfa(in(operator, 0)), true},
		{"operator without MFA", operators, in(operator, 0), false},
		{"restore by the account's admin", prodAdmin, in(restore, 0), true},
		{"restore by another account's admin", stageAdmin, in(restore, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.sts.AssumeRole(ctx, tc.in)
			if (err == nil) != tc.ok {
				t.Errorf("AssumeRole(%s) error = %v, want success %v", aws.ToString(tc.in.RoleArn), err, tc.ok)
			}
		})
	}
	role, err := awsiam.NewFromConfig(w.srv.Config("333333333333", "us-east-1")).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(githubiam.BreakGlassRole)})
	if err != nil || aws.ToInt32(role.Role.MaxSessionDuration) != 3600 {
		t.Errorf("break-glass MaxSessionDuration = %v, %v; want 3600", role, err)
	}

	simulate := func(role, action, resource string) iamtypes.PolicyEvaluationDecisionType {
		t.Helper()
		out, err := awsiam.NewFromConfig(w.srv.Config(accountOf(role), "us-east-1")).SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(role), ActionNames: []string{action}, ResourceArns: []string{resource},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.EvaluationResults[0].EvalDecision
	}
	for _, tc := range []struct {
		role, action, resource string
		want                   iamtypes.PolicyEvaluationDecisionType
	}{
		{operator, "backup:StartCopyJob", "*", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{operator, "backup:StartRestoreJob", "*", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{operator, "backup:ListRecoveryPointsByBackupVault", "*", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{operator, "backup:DeleteRecoveryPoint", "*", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{operator, "backup:DeleteBackupVault", "*", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{operator, "backup:UpdateRecoveryPointLifecycle", "*", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{restore, "backup:StartRestoreJob", "arn:aws:backup:us-east-1:333333333333:recovery-point:abc", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{restore, "backup:StartRestoreJob", "arn:aws:backup:us-east-1:222222222222:recovery-point:abc", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{restore, "backup:DeleteRecoveryPoint", "*", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{breakGlass, "backup:DeleteRecoveryPoint", "*", iamtypes.PolicyEvaluationDecisionTypeAllowed},
	} {
		if got := simulate(tc.role, tc.action, tc.resource); got != tc.want {
			t.Errorf("%s may %s on %s: %s, want %s", tc.role, tc.action, tc.resource, got, tc.want)
		}
	}
}
