package accessrole_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/servicerole"
)

// dangerous are writes beyond the engine's that an attacker would try.
var dangerous = []string{
	"backup:CancelLegalHold", "backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
	"iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy",
	"kms:DisableKey", "kms:ScheduleKeyDeletion", "organizations:LeaveOrganization",
}

// worstCase is the request context under which every condition of the
// generated policies holds: whatever a role could be allowed to do on
// orgbackup's own resources, the simulation allows.
func worstCase() []iamtypes.ContextEntry {
	var out []iamtypes.ContextEntry
	for k, v := range map[string]string{
		"aws:ResourceTag/" + githubiam.ManagedTag: "true",
		"aws:RequestTag/" + githubiam.ManagedTag:  "true",
		"iam:PassedToService":                     "backup.amazonaws.com",
		"iam:PolicyARN":                           servicerole.BackupRolePolicies[0],
		"kms:ViaService":                          "backup.us-east-1.amazonaws.com",
		"organizations:PolicyType":                "BACKUP_POLICY",
		"organizations:ServicePrincipal":          "backup.amazonaws.com",
		"aws:MultiFactorAuthPresent":              "true",
	} {
		out = append(out, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{v}})
	}
	return out
}

// allowedWrites simulates every write action (the engine's and the
// dangerous ones) for role under the worst-case context and returns the
// allowed ones.
func (w *world) allowedWrites(t *testing.T, role string) []string {
	t.Helper()
	_, writes := githubiam.Actions()
	actions := append(slices.Clone(writes), dangerous...)
	iam := awsiam.NewFromConfig(w.srv.Config(accountOf(role), "us-east-1"))
	out, err := iam.SimulatePrincipalPolicy(context.Background(), &awsiam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(role), ActionNames: actions, ContextEntries: worstCase(), MaxItems: aws.Int32(1000),
	})
	if err != nil {
		t.Fatalf("simulating %s: %v", role, err)
	}
	if len(out.EvaluationResults) != len(actions) {
		t.Fatalf("simulating %s: %d results for %d actions", role, len(out.EvaluationResults), len(actions))
	}
	var allowed []string
	for _, r := range out.EvaluationResults {
		if r.EvalDecision == iamtypes.PolicyEvaluationDecisionTypeAllowed {
			allowed = append(allowed, aws.ToString(r.EvalActionName))
		}
	}
	return allowed
}

// TestPlanRoleReachesNoWriter walks every role the GitHub plan role can
// reach, transitively (its identity policy must allow sts:AssumeRole on
// the role, per the emulator's IAM evaluator, and the role's trust policy
// must admit the session, per an actual AssumeRole), and checks that none
// of them may make any write of the operations table.
func TestPlanRoleReachesNoWriter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldSpec)
	ctx := context.Background()
	start := "arn:aws:iam::" + backupAcc + ":role/orgbackup-github-plan"
	all := w.allRoles(t)
	type node struct {
		arn   string
		creds aws.CredentialsProvider
	}
	reached := map[string]bool{start: true}
	queue := []node{{start, w.githubSession(t, "orgbackup-github-plan", "repo:"+repo+":pull_request")}}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		iam := awsiam.NewFromConfig(w.srv.Config(accountOf(n.arn), "us-east-1"))
		sts := awssts.NewFromConfig(w.config(n.creds))
		for _, target := range all {
			if reached[target] {
				continue
			}
			sim, err := iam.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(n.arn), ActionNames: []string{"sts:AssumeRole"}, ResourceArns: []string{target}})
			if err != nil {
				t.Fatal(err)
			}
			if sim.EvaluationResults[0].EvalDecision != iamtypes.PolicyEvaluationDecisionTypeAllowed {
				continue
			}
			out, err := sts.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("walk")})
			var ae smithy.APIError
			if errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied" {
				continue
			}
			if err != nil {
				t.Fatalf("assuming %s from %s: %v", target, n.arn, err)
			}
			reached[target] = true
			c := out.Credentials
			queue = append(queue, node{target, staticCreds(c)})
		}
	}
	// The walk must have gone somewhere, and exactly to the read-only
	// roles of the member accounts (the management account has none).
	var readOnly int
	for r := range reached {
		if r != start && !slices.Contains([]string{"orgbackup-read-only"}, r[len(r)-len("orgbackup-read-only"):]) {
			t.Errorf("the plan role reaches %s, which is not a read-only role", r)
		} else if r != start {
			readOnly++
		}
	}
	if want := len(w.accounts) - 1; readOnly != want {
		t.Errorf("the plan role reaches %d read-only roles, want %d (every member account's)", readOnly, want)
	}
	for r := range reached {
		if allowed := w.allowedWrites(t, r); len(allowed) > 0 {
			t.Errorf("%s, reachable from the plan role, may %v", r, allowed)
		}
	}
	// The same check finds writes where they are, so it can fail.
	if allowed := w.allowedWrites(t, githubiam.RoleARN("aws", "333333333333", githubiam.DeployRole)); len(allowed) == 0 {
		t.Error("the deploy role may make no write; the check cannot tell")
	}
	if allowed := w.allowedWrites(t, "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"); !slices.Contains(allowed, "backup:DeleteRecoveryPoint") {
		t.Error("OrganizationAccountAccessRole may not delete recovery points; the check cannot tell")
	}
}

// TestDeployRoleBounded checks what the deploy role may not do even under
// the worst-case context: delete or shorten backups, touch keys beyond
// rotation and policy, or change orgbackup's own roles.
func TestDeployRoleBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldSpec)
	allowed := w.allowedWrites(t, githubiam.RoleARN("aws", "333333333333", githubiam.DeployRole))
	for _, a := range append(slices.Clone(dangerous), "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateRole", "iam:CreatePolicyVersion") {
		if a == "iam:AttachRolePolicy" {
			continue // allowed for the backup role's own policies (iam:PolicyARN)
		}
		if slices.Contains(allowed, a) {
			t.Errorf("the deploy role may %s", a)
		}
	}
	ctx := context.Background()
	iam := awsiam.NewFromConfig(w.srv.Config("333333333333", "us-east-1"))
	for _, tc := range []struct {
		name, action, resource string
		want                   iamtypes.PolicyEvaluationDecisionType
	}{
		{"attach admin to the backup role", "iam:AttachRolePolicy", "arn:aws:iam::333333333333:role/OrgBackupServiceRole", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"create another role", "iam:CreateRole", "arn:aws:iam::333333333333:role/Backdoor", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"create the backup role", "iam:CreateRole", "arn:aws:iam::333333333333:role/OrgBackupServiceRole", iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"change its own trust", "iam:UpdateAssumeRolePolicy", "arn:aws:iam::333333333333:role/orgbackup/orgbackup-deploy", iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"pass the backup role to EC2", "iam:PassRole", "arn:aws:iam::333333333333:role/OrgBackupServiceRole", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"delete an unmanaged policy", "organizations:DeletePolicy", "*", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
		{"delete an unmanaged vault", "backup:DeleteBackupVault", "*", iamtypes.PolicyEvaluationDecisionTypeImplicitDeny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &awsiam.SimulatePrincipalPolicyInput{
				PolicySourceArn: aws.String(githubiam.RoleARN("aws", "333333333333", githubiam.DeployRole)),
				ActionNames:     []string{tc.action}, ResourceArns: []string{tc.resource},
				ContextEntries: []iamtypes.ContextEntry{
					{ContextKeyName: aws.String("iam:PolicyARN"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
					{ContextKeyName: aws.String("iam:PassedToService"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{"ec2.amazonaws.com"}},
					{ContextKeyName: aws.String("organizations:PolicyType"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{"BACKUP_POLICY"}},
				},
			}
			out, err := iam.SimulatePrincipalPolicy(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.EvaluationResults[0].EvalDecision; got != tc.want {
				t.Errorf("%s on %s = %s, want %s", tc.action, tc.resource, got, tc.want)
			}
		})
	}
}
