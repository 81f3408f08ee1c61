package emulator_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestOrgCreateAccount: CreateAccount answers IN_PROGRESS and completes
// asynchronously (DescribeCreateAccountStatus, ListCreateAccountStatus);
// the new account joins the root with OrganizationAccountAccessRole; a
// second request with the same email fails with EMAIL_ALREADY_EXISTS;
// member accounts cannot create accounts.
func TestOrgCreateAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	org := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))

	_, err := awsorgs.NewFromConfig(srv.Config(emulator.BackupAccountID, "us-east-1")).CreateAccount(ctx, &awsorgs.CreateAccountInput{Email: aws.String("x@example.com"), AccountName: aws.String("x")})
	wantErr[*orgtypes.AccessDeniedException](t, "CreateAccount from a member", err)
	_, err = org.CreateAccount(ctx, &awsorgs.CreateAccountInput{Email: aws.String("not-an-email"), AccountName: aws.String("x")})
	wantErr[*orgtypes.InvalidInputException](t, "CreateAccount with a bad email", err)

	created := must(org.CreateAccount(ctx, &awsorgs.CreateAccountInput{Email: aws.String("new@example.com"), AccountName: aws.String("new")}))(t, "CreateAccount")
	if st := created.CreateAccountStatus; st.State != orgtypes.CreateAccountStateInProgress || st.AccountId != nil {
		t.Fatalf("CreateAccount status = %s, account %v; want IN_PROGRESS and no account yet", st.State, st.AccountId)
	}
	st := must(org.DescribeCreateAccountStatus(ctx, &awsorgs.DescribeCreateAccountStatusInput{CreateAccountRequestId: created.CreateAccountStatus.Id}))(t, "DescribeCreateAccountStatus").CreateAccountStatus
	if st.State != orgtypes.CreateAccountStateSucceeded || aws.ToString(st.AccountId) == "" || st.CompletedTimestamp == nil {
		t.Fatalf("DescribeCreateAccountStatus = %+v, want SUCCEEDED with an account", st)
	}
	id := aws.ToString(st.AccountId)
	acct := must(org.DescribeAccount(ctx, &awsorgs.DescribeAccountInput{AccountId: st.AccountId}))(t, "DescribeAccount").Account
	if aws.ToString(acct.Email) != "new@example.com" || acct.JoinedMethod != orgtypes.AccountJoinedMethodCreated {
		t.Errorf("DescribeAccount = %+v", acct)
	}
	parents := must(org.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: st.AccountId}))(t, "ListParents").Parents
	if len(parents) != 1 || parents[0].Type != orgtypes.ParentTypeRoot {
		t.Errorf("new account's parents = %+v, want the root", parents)
	}
	// The management account can assume the role Organizations creates.
	must(awssts.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("admin")}))(t, "AssumeRole into the new account")

	dup := must(org.CreateAccount(ctx, &awsorgs.CreateAccountInput{Email: aws.String("NEW@example.com"), AccountName: aws.String("again")}))(t, "CreateAccount again")
	list := must(org.ListCreateAccountStatus(ctx, &awsorgs.ListCreateAccountStatusInput{States: []orgtypes.CreateAccountState{orgtypes.CreateAccountStateFailed}}))(t, "ListCreateAccountStatus")
	if len(list.CreateAccountStatuses) != 1 || aws.ToString(list.CreateAccountStatuses[0].Id) != aws.ToString(dup.CreateAccountStatus.Id) ||
		list.CreateAccountStatuses[0].FailureReason != orgtypes.CreateAccountFailureReasonEmailAlreadyExists {
		t.Errorf("failed requests = %+v, want the duplicate email", list.CreateAccountStatuses)
	}
	_, err = org.DescribeCreateAccountStatus(ctx, &awsorgs.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-00000000000000000000000000000000")})
	wantErr[*orgtypes.CreateAccountStatusNotFoundException](t, "DescribeCreateAccountStatus of an unknown request", err)
}

// TestOrgOUsAndMoves: OUs are created (unique names per parent, five
// levels deep at most), renamed, deleted only when empty; accounts move
// between parents with AWS's errors, and leave the organization except the
// management account.
func TestOrgOUsAndMoves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	org := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
	root := must(org.ListRoots(ctx, &awsorgs.ListRootsInput{}))(t, "ListRoots").Roots[0].Id

	ou := must(org.CreateOrganizationalUnit(ctx, &awsorgs.CreateOrganizationalUnitInput{ParentId: root, Name: aws.String("Data")}))(t, "CreateOrganizationalUnit").OrganizationalUnit
	_, err := org.CreateOrganizationalUnit(ctx, &awsorgs.CreateOrganizationalUnitInput{ParentId: root, Name: aws.String("Data")})
	wantErr[*orgtypes.DuplicateOrganizationalUnitException](t, "CreateOrganizationalUnit with a taken name", err)
	parent := ou.Id
	for level := 2; level <= 5; level++ {
		parent = must(org.CreateOrganizationalUnit(ctx, &awsorgs.CreateOrganizationalUnitInput{ParentId: parent, Name: aws.String(fmt.Sprintf("L%d", level))}))(t, "CreateOrganizationalUnit").OrganizationalUnit.Id
	}
	_, err = org.CreateOrganizationalUnit(ctx, &awsorgs.CreateOrganizationalUnitInput{ParentId: parent, Name: aws.String("L6")})
	if e := wantErrAs[*orgtypes.ConstraintViolationException](t, "a sixth OU level", err); e.Reason != orgtypes.ConstraintViolationExceptionReasonOuDepthLimitExceeded {
		t.Errorf("sixth OU level: reason %s", e.Reason)
	}
	renamed := must(org.UpdateOrganizationalUnit(ctx, &awsorgs.UpdateOrganizationalUnitInput{OrganizationalUnitId: ou.Id, Name: aws.String("Data-Platform")}))(t, "UpdateOrganizationalUnit")
	if aws.ToString(renamed.OrganizationalUnit.Name) != "Data-Platform" {
		t.Errorf("renamed OU = %+v", renamed.OrganizationalUnit)
	}

	const acct = "555555555555" // in the Development OU of the default fixture
	src := must(org.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: aws.String(acct)}))(t, "ListParents").Parents[0].Id
	_, err = org.MoveAccount(ctx, &awsorgs.MoveAccountInput{AccountId: aws.String(acct), SourceParentId: root, DestinationParentId: ou.Id})
	wantErr[*orgtypes.SourceParentNotFoundException](t, "MoveAccount from a parent it is not in", err)
	_, err = org.MoveAccount(ctx, &awsorgs.MoveAccountInput{AccountId: aws.String(acct), SourceParentId: src, DestinationParentId: src})
	wantErr[*orgtypes.DuplicateAccountException](t, "MoveAccount to where it is", err)
	_, err = org.MoveAccount(ctx, &awsorgs.MoveAccountInput{AccountId: aws.String(acct), SourceParentId: src, DestinationParentId: aws.String("ou-root-nowhere1")})
	wantErr[*orgtypes.DestinationParentNotFoundException](t, "MoveAccount to no OU", err)
	must(org.MoveAccount(ctx, &awsorgs.MoveAccountInput{AccountId: aws.String(acct), SourceParentId: src, DestinationParentId: ou.Id}))(t, "MoveAccount")
	if got := must(org.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: aws.String(acct)}))(t, "ListParents").Parents[0].Id; aws.ToString(got) != aws.ToString(ou.Id) {
		t.Errorf("after MoveAccount the parent is %s, want %s", aws.ToString(got), aws.ToString(ou.Id))
	}

	_, err = org.DeleteOrganizationalUnit(ctx, &awsorgs.DeleteOrganizationalUnitInput{OrganizationalUnitId: ou.Id})
	wantErr[*orgtypes.OrganizationalUnitNotEmptyException](t, "DeleteOrganizationalUnit of a non-empty OU", err)
	must(org.DeleteOrganizationalUnit(ctx, &awsorgs.DeleteOrganizationalUnitInput{OrganizationalUnitId: parent}))(t, "DeleteOrganizationalUnit of the empty fifth level")

	_, err = org.RemoveAccountFromOrganization(ctx, &awsorgs.RemoveAccountFromOrganizationInput{AccountId: aws.String(emulator.ManagementAccountID)})
	if e := wantErrAs[*orgtypes.ConstraintViolationException](t, "removing the management account", err); e.Reason != orgtypes.ConstraintViolationExceptionReasonAccountCannotLeaveOrganization {
		t.Errorf("removing the management account: reason %s", e.Reason)
	}
	must(org.RemoveAccountFromOrganization(ctx, &awsorgs.RemoveAccountFromOrganizationInput{AccountId: aws.String(acct)}))(t, "RemoveAccountFromOrganization")
	_, err = org.DescribeAccount(ctx, &awsorgs.DescribeAccountInput{AccountId: aws.String(acct)})
	wantErr[*orgtypes.AccountNotFoundException](t, "DescribeAccount of a removed account", err)
}
