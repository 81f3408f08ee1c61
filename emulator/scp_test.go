package emulator_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/emulator"
)

// Service control policies, as the Organizations User Guide describes
// them ("Service control policies (SCPs)", "SCP evaluation", "SCP
// syntax"), enforced on calls made through the SDK.

const (
	scpMgmt    = emulator.ManagementAccountID
	scpProd    = "333333333333"
	scpStage   = "444444444444"
	scpRegion  = "us-east-1"
	scpProdOU  = "ou-root-production"
	scpRoot    = "r-root"
	scpRoleArn = "arn:aws:iam::" + scpProd + ":role/"
)

// scpWorld is an emulator with SCPs enabled on the root and a recovery
// point in the vault "local" of the production account and of the
// management account.
type scpWorld struct {
	srv  *emulator.Server
	orgs *awsorgs.Client // the management account's
	rp   map[string]*string
}

func scpSetup(t *testing.T) *scpWorld {
	t.Helper()
	srv := newTestServer(t)
	w := &scpWorld{srv: srv, orgs: awsorgs.NewFromConfig(srv.Config(scpMgmt, scpRegion)), rp: map[string]*string{}}
	must(w.orgs.EnablePolicyType(context.Background(), &awsorgs.EnablePolicyTypeInput{RootId: aws.String(scpRoot), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}))(t, "EnablePolicyType")
	for _, account := range []string{scpProd, scpMgmt} {
		c := vtAccount(t, srv, account, scpRegion, "local")
		id := vtOnDemand(t, c, account, "local", srv.AddResource(account, scpRegion, emulator.EFSFileSystem, "", nil, 1<<30), nil)
		srv.Advance(time.Hour)
		w.rp[account] = vtJob(t, c, id).RecoveryPointArn
	}
	return w
}

// attach creates an SCP and attaches it to target, returning its ID.
func (w *scpWorld) attach(t *testing.T, target, content string) string {
	t.Helper()
	ctx := context.Background()
	name := "scp-" + target + "-" + time.Now().Format("150405.000000000")
	p := must(w.orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String(name), Description: aws.String("test"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(content)}))(t, "CreatePolicy")
	id := aws.ToString(p.Policy.PolicySummary.Id)
	must(w.orgs.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(target)}))(t, "AttachPolicy")
	return id
}

// role creates role name in the production account, trusting the
// account, tagged with tags, and returns a config for a session of it.
func (w *scpWorld) role(t *testing.T, name string, tags map[string]string, in *awssts.AssumeRoleInput) aws.Config {
	t.Helper()
	ctx := context.Background()
	iamc := awsiam.NewFromConfig(w.srv.Config(scpProd, scpRegion))
	if _, err := iamc.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(name)}); err != nil {
		var it []iamtypes.Tag
		for k, v := range tags {
			it = append(it, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + scpProd + `:root"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`
		must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust), Tags: it}))(t, "CreateRole")
	}
	if in == nil {
		in = &awssts.AssumeRoleInput{}
	}
	in.RoleArn = aws.String(scpRoleArn + name)
	in.RoleSessionName = aws.String("sess")
	out := must(awssts.NewFromConfig(w.srv.Config(scpProd, scpRegion)).AssumeRole(ctx, in))(t, "AssumeRole "+name)
	cfg := stsSessionConfig(w.srv, out.Credentials)
	cfg.Region = scpRegion
	return cfg
}

// httpStatus is the HTTP status of an SDK error, 0 when there is none.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// scpDenyDelete denies deleting and shortening recovery points to every
// principal but the BreakGlass role, the guardrail the issue asks for.
const scpDenyDelete = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyBackupDeletion","Effect":"Deny",` +
	`"Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle"],"Resource":"*",` +
	`"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}}]}`

func TestSCPDenyDeleteRecoveryPoint(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		caller      string // "root", or a role name in the production account
		wantDenied  bool
		wantCallerA string
	}{
		// A workload account's administrator is bound by the SCP on its
		// OU ("SCP evaluation": a Deny at any level applies).
		"workload administrator role": {caller: "Admin", wantDenied: true, wantCallerA: "arn:aws:sts::" + scpProd + ":assumed-role/Admin/sess"},
		// SCPs affect the root user of member accounts too ("SCPs
		// affect ... the root user").
		"member account root user": {caller: "root", wantDenied: true, wantCallerA: "arn:aws:iam::" + scpProd + ":root"},
		// The statement's condition exempts one principal ARN.
		"exempted break-glass role": {caller: "BreakGlass"},
		// A session the management account opens in the member account
		// is a principal of the member account, bound by its SCPs.
		"OrganizationAccountAccessRole from the management account": {caller: "mgmt:" + emulator.DefaultMemberRole, wantDenied: true,
			wantCallerA: "arn:aws:sts::" + scpProd + ":assumed-role/" + emulator.DefaultMemberRole + "/sess"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := scpSetup(t)
			id := w.attach(t, scpProdOU, scpDenyDelete)
			cfg := w.srv.Config(scpProd, scpRegion)
			switch {
			case strings.HasPrefix(tc.caller, "mgmt:"):
				out := must(awssts.NewFromConfig(w.srv.Config(scpMgmt, scpRegion)).AssumeRole(context.Background(), &awssts.AssumeRoleInput{
					RoleArn: aws.String(scpRoleArn + strings.TrimPrefix(tc.caller, "mgmt:")), RoleSessionName: aws.String("sess")}))(t, "AssumeRole")
				cfg = stsSessionConfig(w.srv, out.Credentials)
				cfg.Region = scpRegion
			case tc.caller != "root":
				cfg = w.role(t, tc.caller, nil, nil)
			}
			_, err := awsbackup.NewFromConfig(cfg).DeleteRecoveryPoint(context.Background(), &awsbackup.DeleteRecoveryPointInput{
				BackupVaultName: aws.String("local"), RecoveryPointArn: w.rp[scpProd]})
			if !tc.wantDenied {
				if err != nil {
					t.Fatalf("DeleteRecoveryPoint: %v, want success", err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || httpStatus(err) != 403 {
				t.Fatalf("DeleteRecoveryPoint: %v (HTTP %d), want AccessDeniedException (403)", err, httpStatus(err))
			}
			// "Enhanced access denied error messages with policy ARNs"
			// (AWS Security Blog): the message names the denying SCP.
			want := "User: " + tc.wantCallerA + " is not authorized to perform: backup:DeleteRecoveryPoint on resource: " + aws.ToString(w.rp[scpProd]) +
				" with an explicit deny in a service control policy: arn:aws:organizations::" + scpMgmt + ":policy/o-orgbackup1/service_control_policy/" + id
			if ae.ErrorMessage() != want {
				t.Errorf("message = %q\nwant      %q", ae.ErrorMessage(), want)
			}
			if len(scnRecoveryPoints(t, w.srv, scpProd, scpRegion, "local")) != 1 {
				t.Errorf("the recovery point is gone after a denied delete")
			}
		})
	}
}

// TestSCPManagementAccountExempt: "SCPs don't affect users or roles in
// the management account. They affect only the member accounts in your
// organization" ("Service control policies (SCPs)").
func TestSCPManagementAccountExempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"backup:*","Resource":"*"}]}`
	w.attach(t, scpRoot, deny)
	w.attach(t, scpMgmt, deny)
	if _, err := awsbackup.NewFromConfig(w.srv.Config(scpMgmt, scpRegion)).DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{
		BackupVaultName: aws.String("local"), RecoveryPointArn: w.rp[scpMgmt]}); err != nil {
		t.Errorf("management account DeleteRecoveryPoint: %v, want success", err)
	}
	// The same SCP on the root binds every member account.
	for _, account := range []string{scpProd, scpStage, emulator.BackupAccountID} {
		_, err := awsbackup.NewFromConfig(w.srv.Config(account, scpRegion)).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
		if errorCode(err) != "AccessDeniedException" {
			t.Errorf("member %s ListBackupVaults: %v, want AccessDeniedException", account, err)
		}
	}
}

// TestSCPEveryLevelMustAllow: an action must be allowed by an SCP at every
// level from the root to the account ("How SCPs work with Allow");
// FullAWSAccess, attached everywhere when SCPs are enabled, allows
// everything until it is detached; disabling the policy type lifts every
// SCP.
func TestSCPEveryLevelMustAllow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	prod := awsbackup.NewFromConfig(w.srv.Config(scpProd, scpRegion))
	stage := awsbackup.NewFromConfig(w.srv.Config(scpStage, scpRegion))
	if _, err := prod.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Fatalf("DescribeBackupVault under FullAWSAccess: %v", err)
	}
	// "Every root, OU, and account must have at least one SCP attached"
	// (DetachPolicy API reference): the replacement comes first.
	_, err := w.orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(scpProdOU)})
	if cv := wantErrAs[*orgtypes.ConstraintViolationException](t, "DetachPolicy of the last SCP", err); cv.Reason != orgtypes.ConstraintViolationExceptionReasonMinPolicyTypeAttachmentLimitExceeded {
		t.Errorf("Reason = %q, want MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", cv.Reason)
	}
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"backup:List*","Resource":"*"}]}`)
	must(w.orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: aws.String(scpProdOU)}))(t, "DetachPolicy")

	if _, err := prod.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
		t.Errorf("ListBackupVaults allowed at every level: %v", err)
	}
	_, err = prod.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("DescribeBackupVault not allowed at the OU: %v, want AccessDeniedException", err)
	}
	want := "User: arn:aws:iam::" + scpProd + ":root is not authorized to perform: backup:DescribeBackupVault on resource: arn:aws:backup:" + scpRegion + ":" + scpProd +
		":backup-vault:local because no service control policy allows the backup:DescribeBackupVault action"
	if ae.ErrorMessage() != want {
		t.Errorf("message = %q\nwant      %q", ae.ErrorMessage(), want)
	}
	if _, err := stage.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
		t.Errorf("another OU keeps FullAWSAccess: %v", err)
	}
	// The account itself is the last level of its path.
	w.attach(t, scpStage, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"backup:ListBackupVaults","Resource":"*"}]}`)
	if _, err := stage.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); errorCode(err) != "AccessDeniedException" {
		t.Errorf("ListBackupVaults denied by an SCP on the account: %v, want AccessDeniedException", err)
	}
	must(w.orgs.DisablePolicyType(ctx, &awsorgs.DisablePolicyTypeInput{RootId: aws.String(scpRoot), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}))(t, "DisablePolicyType")
	if _, err := prod.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Errorf("DescribeBackupVault with SCPs disabled: %v", err)
	}
}

// TestSCPDenyPerProtocol: each service answers an SCP deny with its
// protocol's access-denied error: AccessDenied (HTTP 403) for the query
// protocol (IAM, STS) and S3, SNS's AuthorizationError (403), AccessDeniedException for the JSON
// protocols (403 where the model says so: Organizations, AWS Backup).
// GetCallerIdentity needs no permission and is never denied
// (GetCallerIdentity API reference).
func TestSCPDenyPerProtocol(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:ListRoles","kms:ListKeys","sns:ListTopics",`+
		`"s3:ListAllMyBuckets","organizations:DescribeOrganization","tag:GetResources","backup:ListBackupVaults","sts:*"],"Resource":"*"}]}`)
	cfg := w.srv.Config(scpProd, scpRegion)
	tests := map[string]struct {
		call       func() error
		wantCode   string
		wantStatus int
	}{
		"iam": {func() error { _, err := awsiam.NewFromConfig(cfg).ListRoles(ctx, &awsiam.ListRolesInput{}); return err }, "AccessDenied", 403},
		"sns": {func() error {
			_, err := awssns.NewFromConfig(cfg).ListTopics(ctx, &awssns.ListTopicsInput{})
			return err
		}, "AuthorizationError", 403},
		"s3": {func() error {
			_, err := awss3.NewFromConfig(cfg).ListBuckets(ctx, &awss3.ListBucketsInput{})
			return err
		}, "AccessDenied", 403},
		"kms": {func() error { _, err := awskms.NewFromConfig(cfg).ListKeys(ctx, &awskms.ListKeysInput{}); return err }, "AccessDeniedException", 400},
		"tagging": {func() error {
			_, err := awstagging.NewFromConfig(cfg).GetResources(ctx, &awstagging.GetResourcesInput{})
			return err
		}, "AccessDeniedException", 400},
		"organizations": {func() error {
			_, err := awsorgs.NewFromConfig(cfg).DescribeOrganization(ctx, &awsorgs.DescribeOrganizationInput{})
			return err
		}, "AccessDeniedException", 403},
		"backup": {func() error {
			_, err := awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
			return err
		}, "AccessDeniedException", 403},
		"sts GetCallerIdentity": {func() error {
			_, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
			return err
		}, "", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			if code := errorCode(err); code != tc.wantCode || httpStatus(err) != tc.wantStatus {
				t.Fatalf("error %v (code %q, HTTP %d), want %q (%d)", err, code, httpStatus(err), tc.wantCode, tc.wantStatus)
			}
			if err != nil && !strings.Contains(err.Error(), "with an explicit deny in a service control policy: arn:aws:organizations::") {
				t.Errorf("message does not name the SCP: %v", err)
			}
		})
	}
	if _, err := awsorgs.NewFromConfig(cfg).DescribeOrganization(ctx, &awsorgs.DescribeOrganizationInput{}); err != nil {
		var ad *orgtypes.AccessDeniedException
		if !errors.As(err, &ad) {
			t.Errorf("Organizations deny is %T, want *types.AccessDeniedException", err)
		}
	}
}

// TestSCPConditions evaluates SCP statements with the condition keys and
// elements guardrails use ("AWS global condition context keys"; "SCP
// syntax": Condition, NotAction, Resource, NotResource).
func TestSCPConditions(t *testing.T) {
	t.Parallel()
	deny := func(body string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny",` + body + `}]}`
	}
	mfa := &awssts.AssumeRoleInput{SerialNumber: aws.String("arn:aws:iam::" + scpProd + ":mfa/alice"), TokenCode: aws.String("123456")}
	tests := map[string]struct {
		scp       string
		caller    string // "root" or a role name
		roleTags  map[string]string
		assume    *awssts.AssumeRoleInput
		region    string
		vault     string // default "local"
		list      bool   // call ListBackupVaults instead of DescribeBackupVault
		wantDeny  bool
		wantError string // the denial's message must contain it
	}{
		"PrincipalTag matches": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"backup"}}`),
			caller: "Operator", roleTags: map[string]string{"team": "backup"},
		},
		"PrincipalTag differs": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"backup"}}`),
			caller: "Operator", roleTags: map[string]string{"team": "app"}, wantDeny: true,
		},
		"session tag overrides the role tag": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"backup"}}`),
			caller: "Operator", roleTags: map[string]string{"team": "app"},
			assume: &awssts.AssumeRoleInput{Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("backup")}}},
		},
		"Null PrincipalTag on an untagged role": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"Null":{"aws:PrincipalTag/team":"true"}}`),
			caller: "Untagged", wantDeny: true,
		},
		"MFA absent from a session": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`),
			caller: "Operator", wantDeny: true,
		},
		"MFA present in a session": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`),
			caller: "Operator", assume: mfa,
		},
		// The guardrail pattern of "Using MFA" examples: both keys are
		// in the context of a session's direct call.
		"MFA absent and not via an AWS service": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}`),
			caller: "Operator", wantDeny: true,
		},
		"BoolIfExists denies long-term keys, which carry no MFA key": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`),
			caller: "root", wantDeny: true,
		},
		"Bool does not match long-term keys": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`),
			caller: "root",
		},
		"SourceIdentity missing": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"Null":{"aws:SourceIdentity":"true"}}`),
			caller: "Operator", wantDeny: true,
		},
		"SourceIdentity set by AssumeRole": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"Null":{"aws:SourceIdentity":"true"}}`),
			caller: "Operator", assume: &awssts.AssumeRoleInput{SourceIdentity: aws.String("alice")},
		},
		"TokenIssueTime after a cut-off": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:TokenIssueTime":"2025-12-31T00:00:00Z"}}`),
			caller: "Operator", wantDeny: true,
		},
		"TokenIssueTime before a cut-off": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2025-12-31T00:00:00Z"}}`),
			caller: "Operator",
		},
		"PrincipalArn ArnLike": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Oper*"}}`),
			caller: "Operator", wantDeny: true,
		},
		"PrincipalArn StringLike other role": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Other"}}`),
			caller: "Operator",
		},
		"PrincipalOrgID of the organization": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}`),
			caller: "root",
		},
		"RequestedRegion outside the allowed": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}`),
			caller: "root", region: "eu-west-1", list: true, wantDeny: true,
		},
		"RequestedRegion allowed": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}`),
			caller: "root", list: true,
		},
		"ResourceTag on the vault": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}`),
			caller: "root", wantDeny: true,
		},
		"ResourceTag absent from another vault": {
			scp:    deny(`"Action":"backup:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}`),
			caller: "root", vault: "scratch",
		},
		"NotAction spares the listed actions": {
			scp:    deny(`"NotAction":"backup:List*","Resource":"*"`),
			caller: "root", list: true,
		},
		"NotAction denies the others": {
			scp:    deny(`"NotAction":"backup:List*","Resource":"*"`),
			caller: "root", wantDeny: true,
		},
		"Resource names the vault": {
			scp:    deny(`"Action":"backup:DescribeBackupVault","Resource":"arn:aws:backup:*:*:backup-vault:local"`),
			caller: "root", wantDeny: true, wantError: "on resource: arn:aws:backup:us-east-1:333333333333:backup-vault:local with an explicit deny",
		},
		"Resource names another vault": {
			scp:    deny(`"Action":"backup:DescribeBackupVault","Resource":"arn:aws:backup:*:*:backup-vault:local"`),
			caller: "root", vault: "scratch",
		},
		"NotResource spares the vault": {
			scp:    deny(`"Action":"backup:DescribeBackupVault","NotResource":"arn:aws:backup:*:*:backup-vault:scratch"`),
			caller: "root", vault: "scratch",
		},
		"NotResource denies the others": {
			scp:    deny(`"Action":"backup:DescribeBackupVault","NotResource":"arn:aws:backup:*:*:backup-vault:scratch"`),
			caller: "root", wantDeny: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := scpSetup(t)
			admin := awsbackup.NewFromConfig(w.srv.Config(scpProd, scpRegion))
			must(admin.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("scratch")}))(t, "CreateBackupVault")
			must(admin.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String("arn:aws:backup:" + scpRegion + ":" + scpProd + ":backup-vault:local"),
				Tags: map[string]string{"protected": "true"}}))(t, "TagResource")
			cfg := w.srv.Config(scpProd, scpRegion)
			if tc.caller != "root" {
				cfg = w.role(t, tc.caller, tc.roleTags, tc.assume)
			}
			w.attach(t, scpProdOU, tc.scp)
			if tc.region != "" {
				cfg.Region = tc.region
			}
			c := awsbackup.NewFromConfig(cfg)
			var err error
			if tc.list {
				_, err = c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
			} else {
				vault := tc.vault
				if vault == "" {
					vault = "local"
				}
				_, err = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(vault)})
			}
			denied := errorCode(err) == "AccessDeniedException"
			if denied != tc.wantDeny || (!denied && err != nil) {
				t.Fatalf("call: %v, want denied = %v", err, tc.wantDeny)
			}
			if tc.wantError != "" && !strings.Contains(err.Error(), tc.wantError) {
				t.Errorf("error %v does not contain %q", err, tc.wantError)
			}
		})
	}
}

// TestSCPMultiFactorAuthAge: aws:MultiFactorAuthAge counts the seconds
// since MFA authenticated the session ("AWS global condition context
// keys"), on the emulator's virtual clock.
func TestSCPMultiFactorAuthAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"backup:DeleteRecoveryPoint","Resource":"*",`+
		`"Condition":{"NumericGreaterThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}}]}`)
	cfg := w.role(t, "Operator", nil, &awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("000000"), DurationSeconds: aws.Int32(3600)})
	w.srv.Advance(2 * time.Hour)
	_, err := awsbackup.NewFromConfig(cfg).DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: w.rp[scpProd]})
	if errorCode(err) != "AccessDeniedException" {
		t.Fatalf("DeleteRecoveryPoint two hours after MFA: %v, want AccessDeniedException", err)
	}
	fresh := w.role(t, "Operator", nil, &awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("000000")})
	if _, err := awsbackup.NewFromConfig(fresh).DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("local"), RecoveryPointArn: w.rp[scpProd]}); err != nil {
		t.Errorf("DeleteRecoveryPoint right after MFA: %v", err)
	}
}

// TestSCPResourcesOfOtherServices: the resource of a KMS, IAM or STS call
// is the key, role or assumed role it names, that of a Backup call naming
// another account's vault that account's vault ("Actions, resources, and
// condition keys" in the Service Authorization Reference), with the
// resource's tags as aws:ResourceTag.
func TestSCPResourcesOfOtherServices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	cfg := w.srv.Config(scpProd, scpRegion)
	kmsc := awskms.NewFromConfig(cfg)
	iamc := awsiam.NewFromConfig(cfg)
	managed := must(kmsc.CreateKey(ctx, &awskms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("orgbackup:managed"), TagValue: aws.String("true")}}}))(t, "CreateKey")
	must(kmsc.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/orgbackup"), TargetKeyId: managed.KeyMetadata.KeyId}))(t, "CreateAlias")
	other := must(kmsc.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey")
	must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("orgbackup-deploy"), AssumeRolePolicyDocument: aws.String(backupTrust),
		Tags: []iamtypes.Tag{{Key: aws.String("orgbackup:managed"), Value: aws.String("true")}}}))(t, "CreateRole")
	must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(backupTrust)}))(t, "CreateRole")
	stsRole(t, w.srv, scpProd, "BreakGlass", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+scpProd+`"},"Action":"sts:AssumeRole"}`))
	stsRole(t, w.srv, scpProd, "Reader", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+scpProd+`"},"Action":"sts:AssumeRole"}`))
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Deny","Action":["kms:ScheduleKeyDeletion","kms:DescribeKey","iam:DeleteRole"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/orgbackup:managed":"true"}}},`+
		`{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/BreakGlass"},`+
		`{"Effect":"Deny","Action":"backup:ListRecoveryPointsByBackupVault","Resource":"arn:aws:backup:*:`+emulator.BackupAccountID+`:backup-vault:*"},`+
		`{"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceOrgID":"o-orgbackup1"}}}]}`)
	tests := map[string]struct {
		call     func() error
		wantDeny bool
	}{
		"ScheduleKeyDeletion of a managed key": {func() error {
			_, err := kmsc.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: managed.KeyMetadata.KeyId})
			return err
		}, true},
		"DescribeKey of a managed key by alias": {func() error {
			_, err := kmsc.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/orgbackup")})
			return err
		}, true},
		"DescribeKey of a managed key by ARN": {func() error {
			_, err := kmsc.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: managed.KeyMetadata.Arn})
			return err
		}, true},
		"ScheduleKeyDeletion of another key": {func() error {
			_, err := kmsc.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: other.KeyMetadata.KeyId})
			return err
		}, false},
		"DeleteRole of a managed role": {func() error {
			_, err := iamc.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("orgbackup-deploy")})
			return err
		}, true},
		"DeleteRole of another role": {func() error {
			_, err := iamc.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("app")})
			return err
		}, false},
		"AssumeRole of the denied role": {func() error {
			_, err := awssts.NewFromConfig(cfg).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(scpRoleArn + "BreakGlass"), RoleSessionName: aws.String("sess")})
			return err
		}, true},
		"recovery points of a vault of another account": {func() error {
			_, err := awsbackup.NewFromConfig(cfg).ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{
				BackupVaultName: aws.String("central"), BackupVaultAccountId: aws.String(emulator.BackupAccountID)})
			return err
		}, true},
		"recovery points of the account's own vault": {func() error {
			_, err := awsbackup.NewFromConfig(cfg).ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local")})
			return err
		}, false},
		// A data perimeter: no resources outside the organization
		// (aws:ResourceOrgID, "AWS global condition context keys").
		"key of an account outside the organization": {func() error {
			_, err := kmsc.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab")})
			return err
		}, true},
		"AssumeRole of another role": {func() error {
			_, err := awssts.NewFromConfig(cfg).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(scpRoleArn + "Reader"), RoleSessionName: aws.String("sess")})
			return err
		}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			code := errorCode(err)
			denied := (code == "AccessDenied" || code == "AccessDeniedException") && strings.Contains(err.Error(), "service control policy")
			if denied != tc.wantDeny || (!denied && err != nil) {
				t.Errorf("%v, want denied = %v", err, tc.wantDeny)
			}
		})
	}
}

// TestSCPRequestTags: calls that set or remove tags carry
// aws:RequestTag/<key> and aws:TagKeys ("Controlling access during AWS
// requests", IAM User Guide), so an SCP can protect a tag such as
// orgbackup:managed whatever the service's tag shape.
func TestSCPRequestTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	cfg := w.srv.Config(scpProd, scpRegion)
	backupc, iamc, kmsc := awsbackup.NewFromConfig(cfg), awsiam.NewFromConfig(cfg), awskms.NewFromConfig(cfg)
	vault := aws.String("arn:aws:backup:" + scpRegion + ":" + scpProd + ":backup-vault:local")
	key := must(kmsc.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey").KeyMetadata.KeyId
	must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("orgbackup-deploy"), AssumeRolePolicyDocument: aws.String(backupTrust)}))(t, "CreateRole")
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Deny","Action":["backup:UntagResource","iam:UntagRole"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"orgbackup:managed"}}},`+
		`{"Effect":"Deny","Action":["backup:TagResource","iam:TagRole","kms:TagResource"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"orgbackup:managed"},"StringNotEquals":{"aws:RequestTag/orgbackup:managed":"true"}}}]}`)
	tests := map[string]struct {
		call     func() error
		wantDeny bool
	}{
		"backup UntagResource of the managed tag": {func() error {
			_, err := backupc.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: vault, TagKeyList: []string{"orgbackup:managed"}})
			return err
		}, true},
		"backup UntagResource of another tag": {func() error {
			_, err := backupc.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: vault, TagKeyList: []string{"team"}})
			return err
		}, false},
		"iam UntagRole of the managed tag": {func() error {
			_, err := iamc.UntagRole(ctx, &awsiam.UntagRoleInput{RoleName: aws.String("orgbackup-deploy"), TagKeys: []string{"orgbackup:managed"}})
			return err
		}, true},
		"backup TagResource flipping the managed tag": {func() error {
			_, err := backupc.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: vault, Tags: map[string]string{"orgbackup:managed": "false"}})
			return err
		}, true},
		"backup TagResource of another tag": {func() error {
			_, err := backupc.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: vault, Tags: map[string]string{"team": "x"}})
			return err
		}, false},
		"iam TagRole flipping the managed tag": {func() error {
			_, err := iamc.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("orgbackup-deploy"), Tags: []iamtypes.Tag{{Key: aws.String("orgbackup:managed"), Value: aws.String("false")}}})
			return err
		}, true},
		"kms TagResource flipping the managed tag": {func() error {
			_, err := kmsc.TagResource(ctx, &awskms.TagResourceInput{KeyId: key, Tags: []kmstypes.Tag{{TagKey: aws.String("orgbackup:managed"), TagValue: aws.String("no")}}})
			return err
		}, true},
		"kms TagResource setting the managed tag": {func() error {
			_, err := kmsc.TagResource(ctx, &awskms.TagResourceInput{KeyId: key, Tags: []kmstypes.Tag{{TagKey: aws.String("orgbackup:managed"), TagValue: aws.String("true")}}})
			return err
		}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			code := errorCode(err)
			denied := (code == "AccessDenied" || code == "AccessDeniedException") && strings.Contains(err.Error(), "service control policy")
			if denied != tc.wantDeny || (!denied && err != nil) {
				t.Errorf("%v, want denied = %v", err, tc.wantDeny)
			}
		})
	}
}

// TestSCPUnemulatedOperation: AWS authorizes a call before the service
// runs it, so an SCP denial shows even for an operation the emulator does
// not implement (here organizations:LeaveOrganization, which guardrails
// deny to workload accounts).
func TestSCPUnemulatedOperation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	prod := awsorgs.NewFromConfig(w.srv.Config(scpProd, scpRegion))
	stage := awsorgs.NewFromConfig(w.srv.Config(scpStage, scpRegion))
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)
	_, err := prod.LeaveOrganization(ctx, &awsorgs.LeaveOrganizationInput{})
	var ad *orgtypes.AccessDeniedException
	if !errors.As(err, &ad) || !strings.Contains(aws.ToString(ad.Message), "organizations:LeaveOrganization on resource: * with an explicit deny in a service control policy") {
		t.Errorf("LeaveOrganization under a denying SCP: %v, want AccessDeniedException naming the SCP", err)
	}
	if _, err := stage.LeaveOrganization(ctx, &awsorgs.LeaveOrganizationInput{}); errorCode(err) != "UnknownOperationException" {
		t.Errorf("LeaveOrganization without a denying SCP: %v, want the emulator's UnknownOperationException", err)
	}
}

// TestSCPPassRole: handing a role to AWS Backup is an iam:PassRole on the
// role, with iam:PassedToService ("Grant a user permissions to pass a role
// to an AWS service", IAM User Guide), which an SCP can deny.
func TestSCPPassRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/BackupRole",`+
		`"Condition":{"StringEquals":{"iam:PassedToService":"backup.amazonaws.com"}}}]}`)
	c := awsbackup.NewFromConfig(w.srv.Config(scpProd, scpRegion))
	resource := w.srv.AddResource(scpProd, scpRegion, emulator.EFSFileSystem, "", nil, 1<<30)
	_, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(resource), IamRoleArn: vtRole(scpProd)})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "iam:PassRole on resource: arn:aws:iam::"+scpProd+":role/BackupRole with an explicit deny in a service control policy") {
		t.Errorf("StartBackupJob passing a denied role: %v, want AccessDeniedException for iam:PassRole", err)
	}
	plan := must(c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{BackupPlanName: aws.String("p"),
		Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String("local")}}}}))(t, "CreateBackupPlan")
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId,
		BackupSelection: &backuptypes.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: vtRole(scpProd), Resources: []string{resource}}})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "iam:PassRole") {
		t.Errorf("CreateBackupSelection passing a denied role: %v, want AccessDeniedException for iam:PassRole", err)
	}
}

// TestSCPResourceTagsOfBucketsAndTopics: aws:ResourceTag carries the tags
// of the S3 bucket or SNS topic a call acts on ("AWS global condition
// context keys").
func TestSCPResourceTagsOfBucketsAndTopics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := scpSetup(t)
	cfg := w.srv.Config(scpProd, scpRegion)
	s3c, snsc := awss3.NewFromConfig(cfg), awssns.NewFromConfig(cfg)
	for _, b := range []string{"protected-bucket", "scratch-bucket"} {
		must(s3c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(b)}))(t, "CreateBucket")
	}
	must(s3c.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: aws.String("protected-bucket"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}}}))(t, "PutBucketTagging")
	protected := must(snsc.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("protected-topic"),
		Tags: []snstypes.Tag{{Key: aws.String("protected"), Value: aws.String("true")}}}))(t, "CreateTopic").TopicArn
	scratch := must(snsc.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("scratch-topic")}))(t, "CreateTopic").TopicArn
	w.attach(t, scpProdOU, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:DeleteBucket","sns:DeleteTopic"],"Resource":"*",`+
		`"Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}}]}`)
	tests := map[string]struct {
		call     func() error
		wantCode string
	}{
		"DeleteBucket of a protected bucket": {func() error {
			_, err := s3c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("protected-bucket")})
			return err
		}, "AccessDenied"},
		"DeleteBucket of another bucket": {func() error {
			_, err := s3c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("scratch-bucket")})
			return err
		}, ""},
		"DeleteTopic of a protected topic": {func() error {
			_, err := snsc.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: protected})
			return err
		}, "AuthorizationError"},
		"DeleteTopic of another topic": {func() error { _, err := snsc.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: scratch}); return err }, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := tc.call(); errorCode(err) != tc.wantCode {
				t.Errorf("%v, want code %q", err, tc.wantCode)
			}
		})
	}
}
