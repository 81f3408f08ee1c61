package emulator_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/policy"
)

const (
	orgsMgmt     = emulator.ManagementAccountID
	orgsBackup   = emulator.BackupAccountID
	orgsProd     = "333333333333"
	orgsProdData = "333333333334"
	orgsStage    = "444444444444"
	orgsDev      = "555555555555"
	orgsOutsider = "999999999999"
	orgsBackupSP = "backup.amazonaws.com"
)

// orgsClient returns an Organizations client acting as account.
func orgsClient(t *testing.T, srv *emulator.Server, account string) *awsorgs.Client {
	t.Helper()
	return awsorgs.NewFromConfig(srv.Config(account, "us-east-1"))
}

// A complete backup policy, and partial ones overriding its schedule and
// retention at lower levels.
const (
	orgsRootPolicy = `{"plans":{"daily":{
  "regions":{"@@assign":["us-east-1"]},
  "rules":{"daily_rule":{
    "schedule_expression":{"@@assign":"cron(0 5 ? * * *)"},
    "target_backup_vault_name":{"@@assign":"Default"},
    "lifecycle":{"delete_after_days":{"@@assign":"35"}}}},
  "selections":{"tags":{"all":{
    "iam_role_arn":{"@@assign":"arn:aws:iam::$account:role/Backup"},
    "tag_key":{"@@assign":"backup"},
    "tag_value":{"@@assign":["true"]}}}}}}}`
	orgsOUPolicy      = `{"plans":{"daily":{"rules":{"daily_rule":{"schedule_expression":{"@@assign":"cron(0 2 ? * * *)"}}}}}}`
	orgsAccountPolicy = `{"plans":{"daily":{"rules":{"daily_rule":{"lifecycle":{"delete_after_days":{"@@assign":"90"}}}}}}}`
)

// orgsDelegationPolicy delegates backup policy management to the backup
// account, shaped like the "Consolidated permissions to manage an
// organization's backup policies" example of the Organizations User Guide.
const orgsDelegationPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadStructure", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": ["organizations:Describe*", "organizations:List*"],
     "Resource": "*"},
    {"Sid": "ReadBackupPolicies", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": ["organizations:DescribePolicy", "organizations:ListPolicies", "organizations:ListTargetsForPolicy", "organizations:ListPoliciesForTarget", "organizations:DescribeEffectivePolicy"],
     "Resource": "*",
     "Condition": {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}},
    {"Sid": "CreateBackupPolicies", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": "organizations:CreatePolicy",
     "Resource": "*",
     "Condition": {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}},
    {"Sid": "ChangeBackupPolicies", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": ["organizations:UpdatePolicy", "organizations:DeletePolicy"],
     "Resource": "arn:aws:organizations::111111111111:policy/o-orgbackup1/backup_policy/*",
     "Condition": {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}},
    {"Sid": "AttachBackupPolicies", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": ["organizations:AttachPolicy", "organizations:DetachPolicy"],
     "Resource": [
       "arn:aws:organizations::111111111111:root/o-orgbackup1/r-root",
       "arn:aws:organizations::111111111111:ou/o-orgbackup1/*",
       "arn:aws:organizations::111111111111:account/o-orgbackup1/*",
       "arn:aws:organizations::111111111111:policy/o-orgbackup1/backup_policy/*"],
     "Condition": {"StringEquals": {"organizations:PolicyType": "BACKUP_POLICY"}}}
  ]
}`

func TestOrganizationsDescribeOrganization(t *testing.T) {
	t.Parallel()
	for name, caller := range map[string]string{"management": orgsMgmt, "member": orgsDev} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			out := must(orgsClient(t, srv, caller).DescribeOrganization(context.Background(), &awsorgs.DescribeOrganizationInput{}))(t, "DescribeOrganization")
			want := &orgtypes.Organization{
				Arn:                  aws.String("arn:aws:organizations::111111111111:organization/o-orgbackup1"),
				AvailablePolicyTypes: []orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}},
				FeatureSet:           orgtypes.OrganizationFeatureSetAll,
				Id:                   aws.String("o-orgbackup1"),
				MasterAccountArn:     aws.String("arn:aws:organizations::111111111111:account/o-orgbackup1/111111111111"),
				MasterAccountEmail:   aws.String("111111111111@example.com"),
				MasterAccountId:      aws.String(orgsMgmt),
			}
			if diff := cmp.Diff(want, out.Organization, orgsCmpOpts); diff != "" {
				t.Errorf("Organization mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("outsider", func(t *testing.T) {
		t.Parallel()
		srv := emulator.NewServer()
		defer srv.Close()
		_, err := orgsClient(t, srv, orgsOutsider).DescribeOrganization(context.Background(), &awsorgs.DescribeOrganizationInput{})
		wantErr[*orgtypes.AWSOrganizationsNotInUseException](t, "DescribeOrganization", err)
	})
}

// orgsCmpOpts lets cmp look into the SDK types' unexported (empty)
// no-serde markers.
var orgsCmpOpts = cmp.Exporter(func(reflect.Type) bool { return true })

func TestOrganizationsStructure(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)

	roots := must(mgmt.ListRoots(ctx, &awsorgs.ListRootsInput{}))(t, "ListRoots")
	wantRoots := []orgtypes.Root{{
		Arn: aws.String("arn:aws:organizations::111111111111:root/o-orgbackup1/r-root"), Id: aws.String("r-root"), Name: aws.String("Root"),
		PolicyTypes: []orgtypes.PolicyTypeSummary{},
	}}
	if diff := cmp.Diff(wantRoots, roots.Roots, orgsCmpOpts, orgsEmptyIsNil); diff != "" {
		t.Errorf("ListRoots mismatch (-want +got):\n%s", diff)
	}

	var ids []string
	for _, a := range must(mgmt.ListAccounts(ctx, &awsorgs.ListAccountsInput{}))(t, "ListAccounts").Accounts {
		ids = append(ids, *a.Id)
	}
	if diff := cmp.Diff([]string{orgsMgmt, orgsBackup, orgsProd, orgsProdData, orgsStage, orgsDev}, ids); diff != "" {
		t.Errorf("ListAccounts IDs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{orgsMgmt, orgsBackup, orgsProd, orgsProdData, orgsStage, orgsDev}, srv.OrganizationAccounts()); diff != "" {
		t.Errorf("OrganizationAccounts mismatch (-want +got):\n%s", diff)
	}

	acct := must(mgmt.DescribeAccount(ctx, &awsorgs.DescribeAccountInput{AccountId: aws.String(orgsProd)}))(t, "DescribeAccount").Account
	wantAcct := &orgtypes.Account{
		Arn: aws.String("arn:aws:organizations::111111111111:account/o-orgbackup1/333333333333"), Email: aws.String("333333333333@example.com"),
		Id: aws.String(orgsProd), JoinedMethod: orgtypes.AccountJoinedMethodCreated, JoinedTimestamp: aws.Time(srv.Now()),
		Name: aws.String("prod-app"), State: orgtypes.AccountStateActive, Status: orgtypes.AccountStatusActive,
	}
	if diff := cmp.Diff(wantAcct, acct, orgsCmpOpts); diff != "" {
		t.Errorf("DescribeAccount mismatch (-want +got):\n%s", diff)
	}

	forParent := func(parent string) []string {
		var ids []string
		for _, a := range must(mgmt.ListAccountsForParent(ctx, &awsorgs.ListAccountsForParentInput{ParentId: aws.String(parent)}))(t, "ListAccountsForParent").Accounts {
			ids = append(ids, *a.Id)
		}
		return ids
	}
	if diff := cmp.Diff([]string{orgsMgmt}, forParent("r-root")); diff != "" {
		t.Errorf("ListAccountsForParent(root) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{orgsProd, orgsProdData}, forParent("ou-root-production")); diff != "" {
		t.Errorf("ListAccountsForParent(prod) mismatch (-want +got):\n%s", diff)
	}

	var ous []string
	for _, ou := range must(mgmt.ListOrganizationalUnitsForParent(ctx, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-root")}))(t, "ListOrganizationalUnitsForParent").OrganizationalUnits {
		ous = append(ous, *ou.Id+"="+*ou.Name+"="+*ou.Arn)
	}
	wantOUs := []string{
		"ou-root-security=Security=arn:aws:organizations::111111111111:ou/o-orgbackup1/ou-root-security",
		"ou-root-production=Production=arn:aws:organizations::111111111111:ou/o-orgbackup1/ou-root-production",
		"ou-root-staging1=Staging=arn:aws:organizations::111111111111:ou/o-orgbackup1/ou-root-staging1",
		"ou-root-development=Development=arn:aws:organizations::111111111111:ou/o-orgbackup1/ou-root-development",
	}
	if diff := cmp.Diff(wantOUs, ous); diff != "" {
		t.Errorf("ListOrganizationalUnitsForParent mismatch (-want +got):\n%s", diff)
	}

	for child, want := range map[string]orgtypes.Parent{
		orgsProd:             {Id: aws.String("ou-root-production"), Type: orgtypes.ParentTypeOrganizationalUnit},
		orgsMgmt:             {Id: aws.String("r-root"), Type: orgtypes.ParentTypeRoot},
		"ou-root-production": {Id: aws.String("r-root"), Type: orgtypes.ParentTypeRoot},
	} {
		got := must(mgmt.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: aws.String(child)}))(t, "ListParents").Parents
		if diff := cmp.Diff([]orgtypes.Parent{want}, got, orgsCmpOpts); diff != "" {
			t.Errorf("ListParents(%s) mismatch (-want +got):\n%s", child, diff)
		}
	}

	tests := map[string]struct {
		call  func(*awsorgs.Client) error
		check func(*testing.T, error)
	}{
		"ListAccountsForParent unknown OU": {
			call: func(c *awsorgs.Client) error {
				_, err := c.ListAccountsForParent(ctx, &awsorgs.ListAccountsForParentInput{ParentId: aws.String("ou-root-abcdefgh")})
				return err
			},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.ParentNotFoundException](t, "ListAccountsForParent", err)
			},
		},
		"ListOrganizationalUnitsForParent unknown root": {
			call: func(c *awsorgs.Client) error {
				_, err := c.ListOrganizationalUnitsForParent(ctx, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-abcd")})
				return err
			},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.ParentNotFoundException](t, "ListOUsForParent", err)
			},
		},
		"ListParents unknown child": {
			call: func(c *awsorgs.Client) error {
				_, err := c.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: aws.String("123456789012")})
				return err
			},
			check: func(t *testing.T, err error) { wantErr[*orgtypes.ChildNotFoundException](t, "ListParents", err) },
		},
		"DescribeAccount unknown": {
			call: func(c *awsorgs.Client) error {
				_, err := c.DescribeAccount(ctx, &awsorgs.DescribeAccountInput{AccountId: aws.String("123456789012")})
				return err
			},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.AccountNotFoundException](t, "DescribeAccount", err)
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.check(t, tc.call(mgmt))
		})
	}

	// Member accounts that are not delegated administrators may not read
	// the structure; accounts outside the organization are not in one.
	for name, tc := range map[string]struct {
		account string
		check   func(*testing.T, error)
	}{
		"member": {orgsDev, func(t *testing.T, err error) { wantErr[*orgtypes.AccessDeniedException](t, "ListAccounts", err) }},
		"outsider": {orgsOutsider, func(t *testing.T, err error) {
			wantErr[*orgtypes.AWSOrganizationsNotInUseException](t, "ListAccounts", err)
		}},
	} {
		t.Run("ListAccounts as "+name, func(t *testing.T) {
			_, err := orgsClient(t, srv, tc.account).ListAccounts(ctx, &awsorgs.ListAccountsInput{})
			tc.check(t, err)
		})
	}
}

// orgsEmptyIsNil treats nil and empty slices alike.
var orgsEmptyIsNil = cmp.FilterValues(func(a, b []orgtypes.PolicyTypeSummary) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestOrganizationsPagination(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)

	var ids []string
	pages := 0
	p := awsorgs.NewListAccountsPaginator(mgmt, &awsorgs.ListAccountsInput{MaxResults: aws.Int32(4)})
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))(t, "ListAccounts page")
		pages++
		if len(out.Accounts) > 4 {
			t.Errorf("page %d has %d accounts, want at most 4", pages, len(out.Accounts))
		}
		for _, a := range out.Accounts {
			ids = append(ids, *a.Id)
		}
	}
	if pages != 2 {
		t.Errorf("pages = %d, want 2", pages)
	}
	if diff := cmp.Diff(srv.OrganizationAccounts(), ids); diff != "" {
		t.Errorf("paginated accounts mismatch (-want +got):\n%s", diff)
	}

	// Policies paginate too.
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	var created []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		out := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String(name), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsOUPolicy)}))(t, "CreatePolicy")
		created = append(created, *out.Policy.PolicySummary.Name)
		must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: out.Policy.PolicySummary.Id, TargetId: aws.String(orgsProd)}))(t, "AttachPolicy")
	}
	var listed []string
	lp := awsorgs.NewListPoliciesPaginator(mgmt, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy, MaxResults: aws.Int32(2)})
	for lp.HasMorePages() {
		for _, s := range must(lp.NextPage(ctx))(t, "ListPolicies page").Policies {
			listed = append(listed, *s.Name)
		}
	}
	if diff := cmp.Diff(created, listed); diff != "" {
		t.Errorf("ListPolicies pages mismatch (-want +got):\n%s", diff)
	}
	var forTarget []string
	tp := awsorgs.NewListPoliciesForTargetPaginator(mgmt, &awsorgs.ListPoliciesForTargetInput{TargetId: aws.String(orgsProd), Filter: orgtypes.PolicyTypeBackupPolicy, MaxResults: aws.Int32(3)})
	for tp.HasMorePages() {
		for _, s := range must(tp.NextPage(ctx))(t, "ListPoliciesForTarget page").Policies {
			forTarget = append(forTarget, *s.Name)
		}
	}
	if diff := cmp.Diff(created, forTarget); diff != "" {
		t.Errorf("ListPoliciesForTarget pages mismatch (-want +got):\n%s", diff)
	}

	for name, in := range map[string]*awsorgs.ListAccountsInput{
		"token not issued":    {NextToken: aws.String("not-a-token")},
		"MaxResults above 20": {MaxResults: aws.Int32(21)},
		"MaxResults below 1":  {MaxResults: aws.Int32(0)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := mgmt.ListAccounts(ctx, in)
			wantErr[*orgtypes.InvalidInputException](t, "ListAccounts", err)
		})
	}
}

func TestOrganizationsServiceAccessAndDelegatedAdministrators(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)
	register := func(c *awsorgs.Client, account, sp string) error {
		_, err := c.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(account), ServicePrincipal: aws.String(sp)})
		return err
	}

	cv := wantErrAs[*orgtypes.ConstraintViolationException](t, "register before trusted access", register(mgmt, orgsBackup, orgsBackupSP))
	if cv.Reason != orgtypes.ConstraintViolationExceptionReasonServiceAccessNotEnabled {
		t.Errorf("Reason = %q, want SERVICE_ACCESS_NOT_ENABLED", cv.Reason)
	}
	_, err := orgsClient(t, srv, orgsBackup).EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(orgsBackupSP)})
	wantErr[*orgtypes.AccessDeniedException](t, "EnableAWSServiceAccess by member", err)
	_, err = mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("not-a-service")})
	wantErr[*orgtypes.InvalidInputException](t, "EnableAWSServiceAccess unknown principal", err)
	must(mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(orgsBackupSP)}))(t, "EnableAWSServiceAccess")
	must(mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("config.amazonaws.com")}))(t, "EnableAWSServiceAccess")

	access := must(mgmt.ListAWSServiceAccessForOrganization(ctx, &awsorgs.ListAWSServiceAccessForOrganizationInput{}))(t, "ListAWSServiceAccessForOrganization")
	wantAccess := []orgtypes.EnabledServicePrincipal{
		{ServicePrincipal: aws.String(orgsBackupSP), DateEnabled: aws.Time(srv.Now())},
		{ServicePrincipal: aws.String("config.amazonaws.com"), DateEnabled: aws.Time(srv.Now())},
	}
	if diff := cmp.Diff(wantAccess, access.EnabledServicePrincipals, orgsCmpOpts); diff != "" {
		t.Errorf("ListAWSServiceAccessForOrganization mismatch (-want +got):\n%s", diff)
	}

	wantErr[*orgtypes.AccessDeniedException](t, "register by member", register(orgsClient(t, srv, orgsBackup), orgsBackup, orgsBackupSP))
	cv = wantErrAs[*orgtypes.ConstraintViolationException](t, "register management account", register(mgmt, orgsMgmt, orgsBackupSP))
	if cv.Reason != orgtypes.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator {
		t.Errorf("Reason = %q, want CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR", cv.Reason)
	}
	wantErr[*orgtypes.AccountNotFoundException](t, "register outsider", register(mgmt, orgsOutsider, orgsBackupSP))
	if err := register(mgmt, orgsBackup, orgsBackupSP); err != nil {
		t.Fatalf("RegisterDelegatedAdministrator: %v", err)
	}
	if err := register(mgmt, orgsStage, "config.amazonaws.com"); err != nil {
		t.Fatalf("RegisterDelegatedAdministrator: %v", err)
	}
	wantErr[*orgtypes.AccountAlreadyRegisteredException](t, "register twice", register(mgmt, orgsBackup, orgsBackupSP))
	if !srv.IsDelegatedAdministrator(orgsBackup, orgsBackupSP) || srv.IsDelegatedAdministrator(orgsStage, orgsBackupSP) {
		t.Errorf("IsDelegatedAdministrator disagrees with the registrations")
	}

	admins := func(c *awsorgs.Client, sp *string) []string {
		t.Helper()
		var ids []string
		for _, a := range must(c.ListDelegatedAdministrators(ctx, &awsorgs.ListDelegatedAdministratorsInput{ServicePrincipal: sp}))(t, "ListDelegatedAdministrators").DelegatedAdministrators {
			ids = append(ids, *a.Id)
		}
		return ids
	}
	if diff := cmp.Diff([]string{orgsBackup}, admins(mgmt, aws.String(orgsBackupSP))); diff != "" {
		t.Errorf("ListDelegatedAdministrators(backup) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{orgsBackup, orgsStage}, admins(mgmt, nil)); diff != "" {
		t.Errorf("ListDelegatedAdministrators() mismatch (-want +got):\n%s", diff)
	}
	// A delegated administrator has read-only access to Organizations data.
	if diff := cmp.Diff([]string{orgsBackup}, admins(orgsClient(t, srv, orgsBackup), aws.String(orgsBackupSP))); diff != "" {
		t.Errorf("ListDelegatedAdministrators as delegated admin mismatch (-want +got):\n%s", diff)
	}
	_, err = orgsClient(t, srv, orgsDev).ListDelegatedAdministrators(ctx, &awsorgs.ListDelegatedAdministratorsInput{})
	wantErr[*orgtypes.AccessDeniedException](t, "ListDelegatedAdministrators by member", err)

	services := must(mgmt.ListDelegatedServicesForAccount(ctx, &awsorgs.ListDelegatedServicesForAccountInput{AccountId: aws.String(orgsBackup)}))(t, "ListDelegatedServicesForAccount")
	if len(services.DelegatedServices) != 1 || *services.DelegatedServices[0].ServicePrincipal != orgsBackupSP {
		t.Errorf("ListDelegatedServicesForAccount = %+v, want backup only", services.DelegatedServices)
	}

	deregister := func(account string) error {
		_, err := mgmt.DeregisterDelegatedAdministrator(ctx, &awsorgs.DeregisterDelegatedAdministratorInput{AccountId: aws.String(account), ServicePrincipal: aws.String(orgsBackupSP)})
		return err
	}
	if err := deregister(orgsBackup); err != nil {
		t.Fatalf("DeregisterDelegatedAdministrator: %v", err)
	}
	wantErr[*orgtypes.AccountNotRegisteredException](t, "deregister twice", deregister(orgsBackup))
	if got := admins(mgmt, aws.String(orgsBackupSP)); len(got) != 0 {
		t.Errorf("ListDelegatedAdministrators after deregistering = %v, want none", got)
	}
}

func TestOrganizationsResourcePolicy(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)

	_, err := mgmt.DescribeResourcePolicy(ctx, &awsorgs.DescribeResourcePolicyInput{})
	wantErr[*orgtypes.ResourcePolicyNotFoundException](t, "DescribeResourcePolicy before any", err)
	_, err = orgsClient(t, srv, orgsBackup).PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(orgsDelegationPolicy)})
	wantErr[*orgtypes.AccessDeniedException](t, "PutResourcePolicy by member", err)
	for name, doc := range map[string]string{
		"not JSON":          `{"Version":`,
		"no statement":      `{"Version":"2012-10-17"}`,
		"bad effect":        `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"organizations:List*","Resource":"*"}]}`,
		"missing principal": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:List*","Resource":"*"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := mgmt.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(doc)})
			wantErr[*orgtypes.InvalidInputException](t, "PutResourcePolicy", err)
		})
	}

	put := must(mgmt.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{
		Content: aws.String(orgsDelegationPolicy),
		Tags:    []orgtypes.Tag{{Key: aws.String("team"), Value: aws.String("backup")}},
	}))(t, "PutResourcePolicy")
	id := *put.ResourcePolicy.ResourcePolicySummary.Id
	if !strings.HasPrefix(id, "rp-") {
		t.Errorf("resource policy ID = %q, want rp-...", id)
	}
	if got, want := *put.ResourcePolicy.ResourcePolicySummary.Arn, "arn:aws:organizations::111111111111:resourcepolicy/o-orgbackup1/"+id; got != want {
		t.Errorf("resource policy ARN = %q, want %q", got, want)
	}
	// The delegated administrator may read it once the policy lets it.
	got := must(orgsClient(t, srv, orgsBackup).DescribeResourcePolicy(ctx, &awsorgs.DescribeResourcePolicyInput{}))(t, "DescribeResourcePolicy")
	if *got.ResourcePolicy.Content != orgsDelegationPolicy || *got.ResourcePolicy.ResourcePolicySummary.Id != id {
		t.Errorf("DescribeResourcePolicy = %+v, want the stored policy", got.ResourcePolicy)
	}
	tags := must(mgmt.ListTagsForResource(ctx, &awsorgs.ListTagsForResourceInput{ResourceId: aws.String(id)}))(t, "ListTagsForResource")
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" {
		t.Errorf("resource policy tags = %+v, want team=backup", tags.Tags)
	}
	// Updating keeps the ID.
	again := must(mgmt.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(orgsDelegationPolicy)}))(t, "PutResourcePolicy")
	if *again.ResourcePolicy.ResourcePolicySummary.Id != id {
		t.Errorf("updated resource policy ID = %q, want %q", *again.ResourcePolicy.ResourcePolicySummary.Id, id)
	}
	must(mgmt.DeleteResourcePolicy(ctx, &awsorgs.DeleteResourcePolicyInput{}))(t, "DeleteResourcePolicy")
	_, err = mgmt.DescribeResourcePolicy(ctx, &awsorgs.DescribeResourcePolicyInput{})
	wantErr[*orgtypes.ResourcePolicyNotFoundException](t, "DescribeResourcePolicy after delete", err)
}

func TestOrganizationsPolicyLifecycle(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)

	created := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String("org-daily"), Description: aws.String("daily backups"), Type: orgtypes.PolicyTypeBackupPolicy,
		Content: aws.String(orgsRootPolicy), Tags: []orgtypes.Tag{{Key: aws.String("owner"), Value: aws.String("platform")}},
	}))(t, "CreatePolicy").Policy
	id := *created.PolicySummary.Id
	wantSummary := &orgtypes.PolicySummary{
		Arn: aws.String("arn:aws:organizations::111111111111:policy/o-orgbackup1/backup_policy/" + id), Description: aws.String("daily backups"),
		Id: aws.String(id), Name: aws.String("org-daily"), Type: orgtypes.PolicyTypeBackupPolicy,
	}
	if diff := cmp.Diff(wantSummary, created.PolicySummary, orgsCmpOpts); diff != "" {
		t.Errorf("CreatePolicy summary mismatch (-want +got):\n%s", diff)
	}
	described := must(mgmt.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(id)}))(t, "DescribePolicy").Policy
	if *described.Content != orgsRootPolicy {
		t.Errorf("DescribePolicy content = %q, want the created content", *described.Content)
	}
	if list := must(mgmt.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeTagPolicy}))(t, "ListPolicies").Policies; len(list) != 0 {
		t.Errorf("ListPolicies(TAG_POLICY) = %v, want none", list)
	}

	attach := func(target string) error {
		_, err := mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(target)})
		return err
	}
	detach := func(target string) error {
		_, err := mgmt.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(target)})
		return err
	}
	wantErr[*orgtypes.PolicyTypeNotEnabledException](t, "attach before enabling", attach("r-root"))
	enabled := must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	if diff := cmp.Diff([]orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeBackupPolicy, Status: orgtypes.PolicyTypeStatusEnabled}}, enabled.Root.PolicyTypes, orgsCmpOpts); diff != "" {
		t.Errorf("EnablePolicyType root policy types mismatch (-want +got):\n%s", diff)
	}
	_, err := mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy})
	wantErr[*orgtypes.PolicyTypeAlreadyEnabledException](t, "enable twice", err)
	_, err = mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-abcd"), PolicyType: orgtypes.PolicyTypeTagPolicy})
	wantErr[*orgtypes.RootNotFoundException](t, "enable on unknown root", err)
	roots := must(mgmt.ListRoots(ctx, &awsorgs.ListRootsInput{}))(t, "ListRoots").Roots
	if diff := cmp.Diff(enabled.Root.PolicyTypes, roots[0].PolicyTypes, orgsCmpOpts); diff != "" {
		t.Errorf("ListRoots policy types mismatch (-want +got):\n%s", diff)
	}

	for _, target := range []string{"r-root", "ou-root-production", orgsProd} {
		if err := attach(target); err != nil {
			t.Fatalf("AttachPolicy(%s): %v", target, err)
		}
	}
	wantErr[*orgtypes.DuplicatePolicyAttachmentException](t, "attach twice", attach(orgsProd))
	wantErr[*orgtypes.TargetNotFoundException](t, "attach to unknown account", attach("123456789012"))
	_, err = mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: aws.String("p-doesnotexist"), TargetId: aws.String("r-root")})
	wantErr[*orgtypes.PolicyNotFoundException](t, "attach unknown policy", err)

	targets := must(mgmt.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(id)}))(t, "ListTargetsForPolicy").Targets
	wantTargets := []orgtypes.PolicyTargetSummary{
		{Arn: aws.String("arn:aws:organizations::111111111111:root/o-orgbackup1/r-root"), Name: aws.String("Root"), TargetId: aws.String("r-root"), Type: orgtypes.TargetTypeRoot},
		{Arn: aws.String("arn:aws:organizations::111111111111:ou/o-orgbackup1/ou-root-production"), Name: aws.String("Production"), TargetId: aws.String("ou-root-production"), Type: orgtypes.TargetTypeOrganizationalUnit},
		{Arn: aws.String("arn:aws:organizations::111111111111:account/o-orgbackup1/333333333333"), Name: aws.String("prod-app"), TargetId: aws.String(orgsProd), Type: orgtypes.TargetTypeAccount},
	}
	if diff := cmp.Diff(wantTargets, targets, orgsCmpOpts); diff != "" {
		t.Errorf("ListTargetsForPolicy mismatch (-want +got):\n%s", diff)
	}
	forTarget := must(mgmt.ListPoliciesForTarget(ctx, &awsorgs.ListPoliciesForTargetInput{TargetId: aws.String("ou-root-production"), Filter: orgtypes.PolicyTypeBackupPolicy}))(t, "ListPoliciesForTarget").Policies
	if len(forTarget) != 1 || *forTarget[0].Id != id {
		t.Errorf("ListPoliciesForTarget = %+v, want %s", forTarget, id)
	}

	_, err = mgmt.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: aws.String(id)})
	wantErr[*orgtypes.PolicyInUseException](t, "delete while attached", err)

	updated := must(mgmt.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: aws.String(id), Name: aws.String("org-daily-v2"), Content: aws.String(orgsOUPolicy)}))(t, "UpdatePolicy").Policy
	if *updated.PolicySummary.Name != "org-daily-v2" || *updated.Content != orgsOUPolicy || *updated.PolicySummary.Description != "daily backups" {
		t.Errorf("UpdatePolicy = %+v / %q, want new name and content, old description", updated.PolicySummary, *updated.Content)
	}

	for _, target := range []string{"r-root", "ou-root-production", orgsProd} {
		if err := detach(target); err != nil {
			t.Fatalf("DetachPolicy(%s): %v", target, err)
		}
	}
	wantErr[*orgtypes.PolicyNotAttachedException](t, "detach twice", detach(orgsProd))
	must(mgmt.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: aws.String(id)}))(t, "DeletePolicy")
	_, err = mgmt.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(id)})
	wantErr[*orgtypes.PolicyNotFoundException](t, "describe deleted", err)

	must(mgmt.DisablePolicyType(ctx, &awsorgs.DisablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "DisablePolicyType")
	_, err = mgmt.DisablePolicyType(ctx, &awsorgs.DisablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy})
	wantErr[*orgtypes.PolicyTypeNotEnabledException](t, "disable twice", err)
}

func TestOrganizationsDisablePolicyTypeDetaches(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	p := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("p"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsRootPolicy)}))(t, "CreatePolicy").Policy
	must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: p.PolicySummary.Id, TargetId: aws.String("r-root")}))(t, "AttachPolicy")
	must(mgmt.DisablePolicyType(ctx, &awsorgs.DisablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "DisablePolicyType")
	if targets := must(mgmt.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: p.PolicySummary.Id}))(t, "ListTargetsForPolicy").Targets; len(targets) != 0 {
		t.Errorf("targets after DisablePolicyType = %+v, want none", targets)
	}
	must(mgmt.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: p.PolicySummary.Id}))(t, "DeletePolicy")
}

func TestOrganizationsCreatePolicyValidation(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in    *awsorgs.CreatePolicyInput
		check func(*testing.T, error)
	}{
		"malformed JSON": {
			in: &awsorgs.CreatePolicyInput{Name: aws.String("x"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"plans":`)},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.MalformedPolicyDocumentException](t, "CreatePolicy", err)
			},
		},
		"unknown operator": {
			in: &awsorgs.CreatePolicyInput{Name: aws.String("x"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"plans":{"p":{"regions":{"@@replace":["us-east-1"]}}}}`)},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.MalformedPolicyDocumentException](t, "CreatePolicy", err)
			},
		},
		"duplicate keys differing in case": {
			in: &awsorgs.CreatePolicyInput{Name: aws.String("x"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(`{"plans":{},"Plans":{}}`)},
			check: func(t *testing.T, err error) {
				wantErr[*orgtypes.MalformedPolicyDocumentException](t, "CreatePolicy", err)
			},
		},
		"over 10,000 characters": {
			in: &awsorgs.CreatePolicyInput{Name: aws.String("x"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy,
				Content: aws.String(`{"plans":{"p":{"regions":{"@@assign":["` + strings.Repeat("a", 10000) + `"]}}}}`)},
			check: func(t *testing.T, err error) {
				cv := wantErrAs[*orgtypes.ConstraintViolationException](t, "CreatePolicy", err)
				if cv.Reason != orgtypes.ConstraintViolationExceptionReasonPolicyContentLimitExceeded {
					t.Errorf("Reason = %q, want POLICY_CONTENT_LIMIT_EXCEEDED", cv.Reason)
				}
			},
		},
		"duplicate name": {
			in:    &awsorgs.CreatePolicyInput{Name: aws.String("existing"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsOUPolicy)},
			check: func(t *testing.T, err error) { wantErr[*orgtypes.DuplicatePolicyException](t, "CreatePolicy", err) },
		},
		"unknown type": {
			in:    &awsorgs.CreatePolicyInput{Name: aws.String("x"), Description: aws.String(""), Type: "BOGUS_POLICY", Content: aws.String(`{}`)},
			check: func(t *testing.T, err error) { wantErr[*orgtypes.InvalidInputException](t, "CreatePolicy", err) },
		},
		"partial policy is accepted": {
			in: &awsorgs.CreatePolicyInput{Name: aws.String("partial"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsAccountPolicy)},
			check: func(t *testing.T, err error) {
				if err != nil {
					t.Errorf("CreatePolicy: %v, want success", err)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			mgmt := orgsClient(t, srv, orgsMgmt)
			must(mgmt.CreatePolicy(context.Background(), &awsorgs.CreatePolicyInput{Name: aws.String("existing"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsOUPolicy)}))(t, "CreatePolicy")
			_, err := mgmt.CreatePolicy(context.Background(), tc.in)
			tc.check(t, err)
		})
	}
}

// TestOrganizationsBackupPolicyDelegation drives backup policy management
// from the management account, from the delegated administrator the
// delegation policy allows, and from other members.
func TestOrganizationsBackupPolicyDelegation(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		caller        string
		register      bool // register the caller as backup delegated administrator
		delegation    bool // put orgsDelegationPolicy
		wantManage    bool // create/update/attach/detach/delete backup policies
		wantRead      bool // describe/list backup policies
		wantTagPolicy bool // create a TAG_POLICY
	}{
		"management account":                      {caller: orgsMgmt, wantManage: true, wantRead: true, wantTagPolicy: true},
		"delegated administrator with delegation": {caller: orgsBackup, register: true, delegation: true, wantManage: true, wantRead: true},
		"delegation policy without registration":  {caller: orgsBackup, delegation: true, wantManage: true, wantRead: true},
		"registered without delegation policy":    {caller: orgsBackup, register: true, wantRead: true},
		"other member with delegation policy":     {caller: orgsProd, register: false, delegation: true},
		"other member":                            {caller: orgsDev},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			ctx := context.Background()
			mgmt := orgsClient(t, srv, orgsMgmt)
			must(mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(orgsBackupSP)}))(t, "EnableAWSServiceAccess")
			must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
			if tc.register {
				must(mgmt.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(tc.caller), ServicePrincipal: aws.String(orgsBackupSP)}))(t, "RegisterDelegatedAdministrator")
			}
			if tc.delegation {
				must(mgmt.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(orgsDelegationPolicy)}))(t, "PutResourcePolicy")
			}
			// A policy made by the management account, for the read checks.
			existing := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("existing"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsRootPolicy)}))(t, "CreatePolicy").Policy.PolicySummary.Id
			must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: existing, TargetId: aws.String("r-root")}))(t, "AttachPolicy")

			c := orgsClient(t, srv, tc.caller)
			check := func(what string, want bool, err error) {
				t.Helper()
				if want {
					if err != nil {
						t.Errorf("%s: %v, want success", what, err)
					}
					return
				}
				wantErr[*orgtypes.AccessDeniedException](t, what, err)
			}

			_, err := c.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: existing})
			check("DescribePolicy", tc.wantRead, err)
			_, err = c.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
			check("ListPolicies", tc.wantRead, err)
			_, err = c.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: existing})
			check("ListTargetsForPolicy", tc.wantRead, err)
			_, err = c.ListPoliciesForTarget(ctx, &awsorgs.ListPoliciesForTargetInput{TargetId: aws.String("r-root"), Filter: orgtypes.PolicyTypeBackupPolicy})
			check("ListPoliciesForTarget", tc.wantRead, err)
			_, err = c.DescribeEffectivePolicy(ctx, &awsorgs.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: aws.String(orgsStage)})
			check("DescribeEffectivePolicy(other account)", tc.wantRead, err)

			_, err = c.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("tags"), Description: aws.String(""), Type: orgtypes.PolicyTypeTagPolicy, Content: aws.String(`{"tags":{}}`)})
			check("CreatePolicy(TAG_POLICY)", tc.wantTagPolicy, err)

			created, err := c.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("mine"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsOUPolicy)})
			check("CreatePolicy", tc.wantManage, err)
			id := existing
			if err == nil {
				id = created.Policy.PolicySummary.Id
			}
			_, err = c.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: id, Description: aws.String("changed")})
			check("UpdatePolicy", tc.wantManage, err)
			_, err = c.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: id, TargetId: aws.String("ou-root-production")})
			check("AttachPolicy", tc.wantManage, err)
			_, err = c.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: existing, TargetId: aws.String("r-root")})
			check("DetachPolicy", tc.wantManage, err)
			_, err = c.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: existing})
			check("DeletePolicy", tc.wantManage, err)

			// Whatever the delegation, only the management account may
			// change the delegation itself.
			_, err = c.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(orgsDelegationPolicy)})
			check("PutResourcePolicy", tc.caller == orgsMgmt, err)
		})
	}
}

func TestOrganizationsDelegationConditionAndRole(t *testing.T) {
	t.Parallel()
	// A delegation naming a role allows that role's sessions only; the
	// condition on the policy type is evaluated against each request.
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"organizations:*Policy*","Resource":"*",
	  "Condition":{"StringEquals":{"organizations:PolicyType":"BACKUP_POLICY"}}},
	  {"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"organizations:DeletePolicy","Resource":"*"}]}`
	must(mgmt.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(doc)}))(t, "PutResourcePolicy")
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	c := orgsClient(t, srv, orgsBackup)
	p := must(c.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("b"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsRootPolicy)}))(t, "CreatePolicy").Policy
	must(c.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: p.PolicySummary.Id, TargetId: aws.String(orgsProd)}))(t, "AttachPolicy")
	must(c.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: p.PolicySummary.Id, TargetId: aws.String(orgsProd)}))(t, "DetachPolicy")
	_, err := c.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: p.PolicySummary.Id})
	wantErr[*orgtypes.AccessDeniedException](t, "DeletePolicy under explicit Deny", err)
	_, err = c.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("s"), Description: aws.String(""), Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
	wantErr[*orgtypes.AccessDeniedException](t, "CreatePolicy(SCP) outside the condition", err)
	// ListAccounts is not a *Policy* action.
	_, err = c.ListAccounts(ctx, &awsorgs.ListAccountsInput{})
	wantErr[*orgtypes.AccessDeniedException](t, "ListAccounts", err)
}

func TestOrganizationsEffectivePolicy(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)

	effective := func(c *awsorgs.Client, target *string) (*orgtypes.EffectivePolicy, error) {
		out, err := c.DescribeEffectivePolicy(ctx, &awsorgs.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: target})
		if err != nil {
			return nil, err
		}
		return out.EffectivePolicy, nil
	}
	_, err := effective(mgmt, aws.String(orgsProd))
	wantErr[*orgtypes.EffectivePolicyNotFoundException](t, "before enabling", err)
	must(mgmt.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String("r-root"), PolicyType: orgtypes.PolicyTypeBackupPolicy}))(t, "EnablePolicyType")
	_, err = effective(mgmt, aws.String(orgsProd))
	wantErr[*orgtypes.EffectivePolicyNotFoundException](t, "nothing attached", err)

	create := func(name, content string) *string {
		return must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String(name), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(content)}))(t, "CreatePolicy").Policy.PolicySummary.Id
	}
	for target, id := range map[string]*string{
		"r-root":             create("root", orgsRootPolicy),
		"ou-root-production": create("prod", orgsOUPolicy),
		orgsProdData:         create("prod-data", orgsAccountPolicy),
	} {
		must(mgmt.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: id, TargetId: aws.String(target)}))(t, "AttachPolicy")
	}

	// rule reads plans.daily.rules.daily_rule from an effective policy.
	rule := func(t *testing.T, content string) (schedule, deleteAfter string) {
		t.Helper()
		var doc struct {
			Plans map[string]struct {
				Rules map[string]struct {
					Schedule  string `json:"schedule_expression"`
					Lifecycle struct {
						DeleteAfter string `json:"delete_after_days"`
					} `json:"lifecycle"`
				} `json:"rules"`
			} `json:"plans"`
		}
		if err := json.Unmarshal([]byte(content), &doc); err != nil {
			t.Fatalf("effective policy is not JSON: %v\n%s", err, content)
		}
		r := doc.Plans["daily"].Rules["daily_rule"]
		return r.Schedule, r.Lifecycle.DeleteAfter
	}
	tests := map[string]struct {
		account                   string
		wantSchedule, wantRetains string
		levels                    []string // policies by level, root first
	}{
		"root only":         {account: orgsStage, wantSchedule: "cron(0 5 ? * * *)", wantRetains: "35", levels: []string{orgsRootPolicy}},
		"root and OU":       {account: orgsProd, wantSchedule: "cron(0 2 ? * * *)", wantRetains: "35", levels: []string{orgsRootPolicy, orgsOUPolicy}},
		"root, OU, account": {account: orgsProdData, wantSchedule: "cron(0 2 ? * * *)", wantRetains: "90", levels: []string{orgsRootPolicy, orgsOUPolicy, orgsAccountPolicy}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := effective(mgmt, aws.String(tc.account))
			if err != nil {
				t.Fatalf("DescribeEffectivePolicy: %v", err)
			}
			if *got.TargetId != tc.account || got.PolicyType != orgtypes.EffectivePolicyTypeBackupPolicy || !got.LastUpdatedTimestamp.Equal(srv.Now()) {
				t.Errorf("EffectivePolicy = target %s type %s updated %v", *got.TargetId, got.PolicyType, got.LastUpdatedTimestamp)
			}
			schedule, retain := rule(t, *got.PolicyContent)
			if schedule != tc.wantSchedule || retain != tc.wantRetains {
				t.Errorf("effective rule = schedule %q, delete after %q; want %q, %q", schedule, retain, tc.wantSchedule, tc.wantRetains)
			}
			// The content is the policy package's computation over the
			// same levels.
			var levels []policy.PolicyLevel
			for i, c := range tc.levels {
				levels = append(levels, policy.PolicyLevel{Target: string(rune('a' + i)), Policies: []policy.PolicySource{{Content: []byte(c)}}})
			}
			want, err := policy.EffectivePolicy(levels, tc.account)
			if err != nil {
				t.Fatalf("policy.EffectivePolicy: %v", err)
			}
			if diff := cmp.Diff(string(want.JSON), *got.PolicyContent); diff != "" {
				t.Errorf("PolicyContent mismatch (-want +got):\n%s", diff)
			}
			fromGo, err := srv.EffectiveBackupPolicy(tc.account)
			if err != nil || string(fromGo) != *got.PolicyContent {
				t.Errorf("EffectiveBackupPolicy = %s, %v; want the API's content", fromGo, err)
			}
		})
	}

	// Members may read their own effective policy, not another account's.
	own, err := effective(orgsClient(t, srv, orgsProd), nil)
	if err != nil || *own.TargetId != orgsProd {
		t.Errorf("DescribeEffectivePolicy(own) = %v, %v", own, err)
	}
	_, err = effective(orgsClient(t, srv, orgsProd), aws.String(orgsStage))
	wantErr[*orgtypes.AccessDeniedException](t, "another account's", err)
	_, err = effective(mgmt, aws.String("ou-root-production"))
	wantErr[*orgtypes.InvalidInputException](t, "OU target", err)
	_, err = effective(mgmt, aws.String("123456789012"))
	wantErr[*orgtypes.TargetNotFoundException](t, "unknown account", err)
	_, err = effective(orgsClient(t, srv, orgsOutsider), nil)
	wantErr[*orgtypes.AWSOrganizationsNotInUseException](t, "outsider", err)
	_, err = mgmt.DescribeEffectivePolicy(ctx, &awsorgs.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeTagPolicy, TargetId: aws.String(orgsProd)})
	wantErr[*orgtypes.EffectivePolicyNotFoundException](t, "no tag policy", err)
	// Backup policies on the root apply to the management account too.
	stage, _ := srv.EffectiveBackupPolicy(orgsStage)
	if got, err := srv.EffectiveBackupPolicy(orgsMgmt); err != nil || string(got) != string(stage) {
		t.Errorf("EffectiveBackupPolicy(management) = %s, %v; want the root-only policy %s", got, err, stage)
	}
	if _, err := srv.EffectiveBackupPolicy(orgsOutsider); err == nil {
		t.Errorf("EffectiveBackupPolicy(outsider) succeeded, want an error")
	}
}

func TestOrganizationsTags(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, orgsMgmt)
	p := must(mgmt.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("p"), Description: aws.String(""), Type: orgtypes.PolicyTypeBackupPolicy, Content: aws.String(orgsRootPolicy)}))(t, "CreatePolicy").Policy
	for _, id := range []string{*p.PolicySummary.Id, orgsProd, "ou-root-production", "r-root"} {
		t.Run(id, func(t *testing.T) {
			must(mgmt.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(id), Tags: []orgtypes.Tag{
				{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")},
			}}))(t, "TagResource")
			must(mgmt.UntagResource(ctx, &awsorgs.UntagResourceInput{ResourceId: aws.String(id), TagKeys: []string{"b"}}))(t, "UntagResource")
			got := must(mgmt.ListTagsForResource(ctx, &awsorgs.ListTagsForResourceInput{ResourceId: aws.String(id)}))(t, "ListTagsForResource").Tags
			if diff := cmp.Diff([]orgtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}, got, orgsCmpOpts); diff != "" {
				t.Errorf("tags mismatch (-want +got):\n%s", diff)
			}
		})
	}
	_, err := mgmt.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String("123456789012"), Tags: []orgtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	wantErr[*orgtypes.TargetNotFoundException](t, "TagResource unknown", err)
	var many []orgtypes.Tag
	for i := range 51 {
		many = append(many, orgtypes.Tag{Key: aws.String(string(rune('A'+i/26)) + string(rune('a'+i%26))), Value: aws.String("")})
	}
	_, err = mgmt.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(orgsDev), Tags: many})
	wantErr[*orgtypes.ConstraintViolationException](t, "TagResource over 50", err)
	_, err = orgsClient(t, srv, orgsDev).TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(orgsDev), Tags: []orgtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	wantErr[*orgtypes.AccessDeniedException](t, "TagResource by member", err)
}

func TestOrganizationValidate(t *testing.T) {
	t.Parallel()
	o := &emulator.Organization{
		ID:                "o-BAD",
		RootID:            "r-x",
		ManagementAccount: "1234",
		Accounts:          []emulator.Account{{ID: "111111111111"}, {ID: "111111111111"}},
		Units:             []emulator.Unit{{ID: "x-1", Name: ""}, {Name: "ok", Accounts: []emulator.Account{{ID: "12"}}}},
	}
	err := o.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want errors")
	}
	for _, want := range []string{`id "o-BAD"`, `root_id "r-x"`, `management_account "1234"`, "account 111111111111 is already listed", "units[0]: name is required", `units[0]: id "x-1"`, `units[1].accounts[0]: id "12"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to mention %s", err, want)
		}
	}
	if err := emulator.DefaultOrganization().Validate(); err != nil {
		t.Errorf("DefaultOrganization().Validate() = %v", err)
	}
}

func TestOrganizationsGeneratedOUIDs(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer(emulator.WithOrganization(&emulator.Organization{
		ID: "o-abcdefghij", RootID: "r-ab12", ManagementAccount: "123456789012",
		Units: []emulator.Unit{{Name: "Workloads", Accounts: []emulator.Account{{ID: "210987654321"}}}},
	}))
	defer srv.Close()
	ctx := context.Background()
	mgmt := orgsClient(t, srv, "123456789012")
	ous := must(mgmt.ListOrganizationalUnitsForParent(ctx, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-ab12")}))(t, "ListOrganizationalUnitsForParent").OrganizationalUnits
	if len(ous) != 1 {
		t.Fatalf("OUs = %+v, want one", ous)
	}
	id := *ous[0].Id
	if !regexp.MustCompile(`^ou-ab12-[a-z0-9]{8}$`).MatchString(id) {
		t.Errorf("generated OU ID = %q, want ou-ab12-XXXXXXXX", id)
	}
	parents := must(mgmt.ListParents(ctx, &awsorgs.ListParentsInput{ChildId: aws.String("210987654321")}))(t, "ListParents").Parents
	if len(parents) != 1 || *parents[0].Id != id {
		t.Errorf("ListParents = %+v, want %s", parents, id)
	}
	// The management account is added under the root when the fixture
	// does not list it.
	accounts := must(mgmt.ListAccountsForParent(ctx, &awsorgs.ListAccountsForParentInput{ParentId: aws.String("r-ab12")}))(t, "ListAccountsForParent").Accounts
	if len(accounts) != 1 || *accounts[0].Id != "123456789012" {
		t.Errorf("root accounts = %+v, want the management account", accounts)
	}
}
