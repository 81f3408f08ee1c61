package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// iamTestClient starts a server and returns an IAM client for account.
func iamTestClient(t *testing.T, account string) (*emulator.Server, *awsiam.Client) {
	t.Helper()
	srv := newTestServer(t)
	return srv, awsiam.NewFromConfig(srv.Config(account, "us-east-1"))
}

func iamCreateRole(t *testing.T, c *awsiam.Client, name, trust string) *iamtypes.Role {
	t.Helper()
	out, err := c.CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("CreateRole(%s): %v", name, err)
	}
	return out.Role
}

func TestIAMCreateAndGetRole(t *testing.T) {
	t.Parallel()
	srv, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	created, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName:                 aws.String("BackupRole"),
		Path:                     aws.String("/orgbackup/"),
		AssumeRolePolicyDocument: aws.String(backupTrust),
		Description:              aws.String("AWS Backup service role"),
		MaxSessionDuration:       aws.Int32(7200),
		Tags:                     []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("platform")}},
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	got, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("BackupRole")})
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	r := got.Role
	if want := "arn:aws:iam::222222222222:role/orgbackup/BackupRole"; aws.ToString(r.Arn) != want || aws.ToString(created.Role.Arn) != want {
		t.Errorf("Arn = %q (create %q), want %q", aws.ToString(r.Arn), aws.ToString(created.Role.Arn), want)
	}
	if id := aws.ToString(r.RoleId); !strings.HasPrefix(id, "AROA") || len(id) != 21 || id != aws.ToString(created.Role.RoleId) {
		t.Errorf("RoleId = %q, want AROA + 17 characters, same as CreateRole's %q", id, aws.ToString(created.Role.RoleId))
	}
	if r.CreateDate == nil || !r.CreateDate.Equal(srv.Now()) {
		t.Errorf("CreateDate = %v, want the virtual clock %v", r.CreateDate, srv.Now())
	}
	// IAM returns policy documents URL-encoded (RFC 3986) and the SDK does
	// not decode them.
	if enc := aws.ToString(r.AssumeRolePolicyDocument); strings.Contains(enc, "{") || enc == backupTrust {
		t.Errorf("AssumeRolePolicyDocument = %q, want it URL-encoded", enc)
	} else if dec, err := url.QueryUnescape(enc); err != nil || dec != backupTrust {
		t.Errorf("decoded AssumeRolePolicyDocument = %q, %v; want %q", dec, err, backupTrust)
	}
	if aws.ToString(r.Path) != "/orgbackup/" || aws.ToString(r.Description) != "AWS Backup service role" || aws.ToInt32(r.MaxSessionDuration) != 7200 {
		t.Errorf("Path, Description, MaxSessionDuration = %q, %q, %d", aws.ToString(r.Path), aws.ToString(r.Description), aws.ToInt32(r.MaxSessionDuration))
	}
	if diff := cmp.Diff([]iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("platform")}}, r.Tags, cmp.AllowUnexported(iamtypes.Tag{})); diff != "" {
		t.Errorf("Tags mismatch (-want +got):\n%s", diff)
	}
	if r.RoleLastUsed == nil {
		t.Errorf("RoleLastUsed is nil; GetRole returns it")
	}
}

func TestIAMCreateRoleErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 65)
	tests := map[string]struct {
		in   awsiam.CreateRoleInput
		code string
	}{
		"duplicate name differing in case": {awsiam.CreateRoleInput{RoleName: aws.String("EXISTING")}, "EntityAlreadyExists"},
		"name too long":                    {awsiam.CreateRoleInput{RoleName: aws.String(long)}, "ValidationError"},
		"name with invalid character":      {awsiam.CreateRoleInput{RoleName: aws.String("bad/name")}, "ValidationError"},
		"path without trailing slash":      {awsiam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("/a")}, "ValidationError"},
		"session duration below 1h":        {awsiam.CreateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(1800)}, "ValidationError"},
		"trust policy not JSON":            {awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{not json")}, "MalformedPolicyDocument"},
		"trust policy with Resource": {awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`)}, "MalformedPolicyDocument"},
		"trust policy with non-STS action": {awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject"}]}`)}, "MalformedPolicyDocument"},
		"trust policy naming a missing role": {awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/nope"},"Action":"sts:AssumeRole"}]}`)}, "MalformedPolicyDocument"},
		"trust policy too large": {awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2100) + `","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}`)}, "LimitExceeded"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c := iamTestClient(t, "222222222222")
			iamCreateRole(t, c, "existing", backupTrust)
			in := tc.in
			if in.AssumeRolePolicyDocument == nil {
				in.AssumeRolePolicyDocument = aws.String(backupTrust)
			}
			_, err := c.CreateRole(context.Background(), &in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("CreateRole error code = %q (%v), want %q", got, err, tc.code)
			}
		})
	}
}

func TestIAMCreateRoleModeledErrors(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	iamCreateRole(t, c, "dup", backupTrust)
	_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("dup"), AssumeRolePolicyDocument: aws.String(backupTrust)})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("CreateRole duplicate: %v, want EntityAlreadyExistsException", err)
	}
	_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("missing")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) || aws.ToString(nse.Message) != "The role with name missing cannot be found." {
		t.Errorf("GetRole missing: %v, want NoSuchEntityException", err)
	}
	_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(`{"Statement":[]}`)})
	var mal *iamtypes.MalformedPolicyDocumentException
	if !errors.As(err, &mal) {
		t.Errorf("CreateRole with empty statement list: %v, want MalformedPolicyDocumentException", err)
	}
}

func TestIAMUpdateAssumeRolePolicyAndUpdateRole(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	iamCreateRole(t, c, "r", backupTrust)
	newTrust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}}`
	if _, err := c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(newTrust)}); err != nil {
		t.Fatalf("UpdateAssumeRolePolicy: %v", err)
	}
	if _, err := c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(43200), Description: aws.String("d")}); err != nil {
		t.Fatalf("UpdateRole: %v", err)
	}
	got, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if dec, _ := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument)); dec != newTrust {
		t.Errorf("trust policy = %q, want %q", dec, newTrust)
	}
	if aws.ToInt32(got.Role.MaxSessionDuration) != 43200 || aws.ToString(got.Role.Description) != "d" {
		t.Errorf("MaxSessionDuration, Description = %d, %q", aws.ToInt32(got.Role.MaxSessionDuration), aws.ToString(got.Role.Description))
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
	if code := errorCode(err); code != "MalformedPolicyDocument" {
		t.Errorf("UpdateAssumeRolePolicy without principal: %q, want MalformedPolicyDocument", code)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("nope"), PolicyDocument: aws.String(newTrust)})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("UpdateAssumeRolePolicy on missing role: %q, want NoSuchEntity", code)
	}
}

func TestIAMManagedPolicies(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	iamCreateRole(t, c, "r", backupTrust)
	arns := []string{
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
		"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
		"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
		"arn:aws:iam::aws:policy/AWSBackupFullAccess",
		"arn:aws:iam::aws:policy/AWSBackupOperatorAccess",
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/AWSOrganizationsReadOnlyAccess",
	}
	for _, arn := range arns {
		if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatalf("AttachRolePolicy(%s): %v", arn, err)
		}
	}
	tests := map[string]struct {
		arn  string
		code string
	}{
		"unknown AWS managed policy":   {"arn:aws:iam::aws:policy/NoSuchPolicy", "NoSuchEntity"},
		"wrong path":                   {"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForBackup", "NoSuchEntity"},
		"service-linked role policy":   {"arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup", "PolicyNotAttachable"},
		"missing customer policy":      {"arn:aws:iam::222222222222:policy/nope", "NoSuchEntity"},
		"attaching again is a no-op":   {arns[0], ""},
		"attaching again, other order": {arns[3], ""},
	}
	for name, tc := range tests {
		_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(tc.arn)})
		if got := errorCode(err); got != tc.code {
			t.Errorf("%s: AttachRolePolicy error code = %q (%v), want %q", name, got, err, tc.code)
		}
	}
	// A tenth policy fits.
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSBackupAuditAccess")}); err != nil {
		t.Fatalf("AttachRolePolicy tenth: %v", err)
	}
	_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSOrganizationsFullAccess")})
	var limit *iamtypes.LimitExceededException
	if !errors.As(err, &limit) {
		t.Errorf("AttachRolePolicy eleventh: %v, want LimitExceededException (quota of 10)", err)
	}

	// Pagination: 10 attached policies in pages of 4.
	var got []string
	var marker *string
	pages := 0
	for {
		out, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(4), Marker: marker})
		if err != nil {
			t.Fatalf("ListAttachedRolePolicies: %v", err)
		}
		pages++
		for _, p := range out.AttachedPolicies {
			got = append(got, aws.ToString(p.PolicyArn))
			if !strings.HasSuffix(aws.ToString(p.PolicyArn), "/"+aws.ToString(p.PolicyName)) {
				t.Errorf("PolicyName %q does not end %q", aws.ToString(p.PolicyName), aws.ToString(p.PolicyArn))
			}
		}
		if out.IsTruncated != (out.Marker != nil) {
			t.Errorf("IsTruncated = %v with Marker %v", out.IsTruncated, out.Marker)
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	want := append(append([]string(nil), arns...), "arn:aws:iam::aws:policy/AWSBackupAuditAccess")
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("ListAttachedRolePolicies in %d pages, mismatch (-want +got):\n%s", pages, diff)
	}
	// The paginator of the SDK agrees.
	pg := awsiam.NewListAttachedRolePoliciesPaginator(c, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(3)})
	n := 0
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatalf("paginator: %v", err)
		}
		n += len(out.AttachedPolicies)
	}
	if n != 10 {
		t.Errorf("paginator saw %d policies, want 10", n)
	}
	prefixed, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), PathPrefix: aws.String("/service-role/")})
	if err != nil || len(prefixed.AttachedPolicies) != 2 {
		t.Errorf("ListAttachedRolePolicies /service-role/: %v, %v; want 2 policies", prefixed, err)
	}

	// Delete conflicts while attached; detach all, then delete.
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")})
	var conflict *iamtypes.DeleteConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("DeleteRole with attached policies: %v, want DeleteConflictException", err)
	}
	for _, arn := range want {
		if _, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatalf("DetachRolePolicy(%s): %v", arn, err)
		}
	}
	_, err = c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arns[0])})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("DetachRolePolicy not attached: %q, want NoSuchEntity", code)
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")}); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	_, err = c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("r")})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("GetRole after delete: %q, want NoSuchEntity", code)
	}
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("DeleteRole twice: %q, want NoSuchEntity", code)
	}
}

func TestIAMCustomerManagedPolicy(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "333333333333")
	ctx := context.Background()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`
	out, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("kms-decrypt"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	arn := aws.ToString(out.Policy.Arn)
	if arn != "arn:aws:iam::333333333333:policy/kms-decrypt" {
		t.Errorf("policy ARN = %q", arn)
	}
	_, err = c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`)})
	if code := errorCode(err); code != "MalformedPolicyDocument" {
		t.Errorf("CreatePolicy with Principal: %q, want MalformedPolicyDocument", code)
	}
	iamCreateRole(t, c, "r", backupTrust)
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
	got, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Fatalf("GetPolicy: %v, AttachmentCount %v; want 1", err, got)
	}
	_, err = c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	if code := errorCode(err); code != "DeleteConflict" {
		t.Errorf("DeletePolicy while attached: %q, want DeleteConflict", code)
	}
	if _, err := c.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatalf("DetachRolePolicy: %v", err)
	}
	if _, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatalf("DeletePolicy: %v", err)
	}
	_, err = c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("GetPolicy after DeletePolicy: %q, want NoSuchEntity", code)
	}
	aws1, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup")})
	if err != nil || aws.ToString(aws1.Policy.Path) != "/service-role/" || !aws1.Policy.IsAttachable {
		t.Errorf("GetPolicy AWS managed: %+v, %v", aws1, err)
	}
}

func TestIAMInlinePolicies(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	iamCreateRole(t, c, "r", backupTrust)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["backup:StartBackupJob"],"Resource":"*"}]}`
	for i := 5; i >= 1; i-- {
		if _, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(fmt.Sprintf("p%d", i)), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatalf("PutRolePolicy: %v", err)
		}
	}
	got, err := c.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p3")})
	if err != nil {
		t.Fatalf("GetRolePolicy: %v", err)
	}
	if dec, _ := url.QueryUnescape(aws.ToString(got.PolicyDocument)); dec != doc || aws.ToString(got.PolicyDocument) == doc {
		t.Errorf("GetRolePolicy document = %q, want URL-encoded %q", aws.ToString(got.PolicyDocument), doc)
	}
	var names []string
	pg := awsiam.NewListRolePoliciesPaginator(c, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r"), MaxItems: aws.Int32(2)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListRolePolicies: %v", err)
		}
		names = append(names, out.PolicyNames...)
	}
	if diff := cmp.Diff([]string{"p1", "p2", "p3", "p4", "p5"}, names); diff != "" {
		t.Errorf("ListRolePolicies mismatch (-want +got):\n%s", diff)
	}

	errTests := map[string]struct {
		call func() error
		code string
	}{
		"identity policy with Principal": {func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("x"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument"},
		"identity policy without Resource": {func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("x"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
			return err
		}, "MalformedPolicyDocument"},
		"aggregate size over 10240": {func() error {
			big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("s", 10200) + `","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"), PolicyDocument: aws.String(big)})
			return err
		}, "LimitExceeded"},
		"put on missing role": {func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("x"), PolicyDocument: aws.String(doc)})
			return err
		}, "NoSuchEntity"},
		"get missing policy": {func() error {
			_, err := c.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"delete missing policy": {func() error {
			_, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"list on missing role": {func() error {
			_, err := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"delete role with inline policies": {func() error {
			_, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")})
			return err
		}, "DeleteConflict"},
	}
	for name, tc := range errTests {
		if got := errorCode(tc.call()); got != tc.code {
			t.Errorf("%s: error code %q, want %q", name, got, tc.code)
		}
	}
	for i := 1; i <= 5; i++ {
		if _, err := c.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String(fmt.Sprintf("p%d", i))}); err != nil {
			t.Fatalf("DeleteRolePolicy: %v", err)
		}
	}
	if _, err := c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")}); err != nil {
		t.Fatalf("DeleteRole after deleting inline policies: %v", err)
	}
}

func TestIAMTags(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "222222222222")
	ctx := context.Background()
	iamCreateRole(t, c, "r", backupTrust)
	tag := func(k, v string) iamtypes.Tag { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{tag("a", "1"), tag("b", "2")}}); err != nil {
		t.Fatalf("TagRole: %v", err)
	}
	if _, err := c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{tag("a", "3"), tag("c", "")}}); err != nil {
		t.Fatalf("TagRole overwrite: %v", err)
	}
	if _, err := c.UntagRole(ctx, &awsiam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"b"}}); err != nil {
		t.Fatalf("UntagRole: %v", err)
	}
	out, err := c.ListRoleTags(ctx, &awsiam.ListRoleTagsInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatalf("ListRoleTags: %v", err)
	}
	if diff := cmp.Diff([]iamtypes.Tag{tag("a", "3"), tag("c", "")}, out.Tags, cmp.AllowUnexported(iamtypes.Tag{})); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	var many []iamtypes.Tag
	for i := range 49 {
		many = append(many, tag(fmt.Sprintf("k%d", i), "v"))
	}
	_, err = c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: many})
	if code := errorCode(err); code != "LimitExceeded" {
		t.Errorf("TagRole over 50 tags: %q, want LimitExceeded", code)
	}
	_, err = c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("nope"), Tags: []iamtypes.Tag{tag("a", "1")}})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("TagRole missing role: %q, want NoSuchEntity", code)
	}
	_, err = c.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{tag("bad*key", "1")}})
	if code := errorCode(err); code != "ValidationError" {
		t.Errorf("TagRole invalid key: %q, want ValidationError", code)
	}
}

func TestIAMListRolesPagination(t *testing.T) {
	t.Parallel()
	// An account outside the organization has no member role.
	_, c := iamTestClient(t, "777777777777")
	ctx := context.Background()
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("role-%02d", i)
		want = append(want, name)
		in := &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(backupTrust)}
		if i%2 == 0 {
			in.Path = aws.String("/even/")
		}
		if _, err := c.CreateRole(ctx, in); err != nil {
			t.Fatalf("CreateRole: %v", err)
		}
	}
	var got []string
	pages := 0
	pg := awsiam.NewListRolesPaginator(c, &awsiam.ListRolesInput{MaxItems: aws.Int32(3)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListRoles: %v", err)
		}
		pages++
		for _, r := range out.Roles {
			got = append(got, aws.ToString(r.RoleName))
			if r.Tags != nil || r.RoleLastUsed != nil {
				t.Errorf("ListRoles returned tags or last-used data for %s", aws.ToString(r.RoleName))
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("ListRoles in %d pages (want 3), mismatch (-want +got):\n%s", pages, diff)
	}
	even, err := c.ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/even/")})
	if err != nil || len(even.Roles) != 4 || even.IsTruncated {
		t.Errorf("ListRoles /even/: %d roles truncated=%v, %v; want 4", len(even.Roles), even.IsTruncated, err)
	}
	_, err = c.ListRoles(ctx, &awsiam.ListRolesInput{Marker: aws.String("garbage")})
	if err == nil {
		t.Errorf("ListRoles with a foreign marker succeeded")
	}
	_, err = c.ListRoles(ctx, &awsiam.ListRolesInput{MaxItems: aws.Int32(1001)})
	if code := errorCode(err); code != "ValidationError" {
		t.Errorf("ListRoles MaxItems 1001: %q, want ValidationError", code)
	}
}

func TestIAMCreateServiceLinkedRole(t *testing.T) {
	t.Parallel()
	_, c := iamTestClient(t, "333333333333")
	ctx := context.Background()
	out, err := c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("backup.amazonaws.com")})
	if err != nil {
		t.Fatalf("CreateServiceLinkedRole: %v", err)
	}
	r := out.Role
	if aws.ToString(r.RoleName) != "AWSServiceRoleForBackup" ||
		aws.ToString(r.Path) != "/aws-service-role/backup.amazonaws.com/" ||
		aws.ToString(r.Arn) != "arn:aws:iam::333333333333:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup" {
		t.Errorf("service-linked role = %s %s %s", aws.ToString(r.RoleName), aws.ToString(r.Path), aws.ToString(r.Arn))
	}
	att, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: r.RoleName})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup" {
		t.Errorf("attached policies of the service-linked role: %+v, %v", att, err)
	}
	_, err = c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("backup.amazonaws.com")})
	var inv *iamtypes.InvalidInputException
	if !errors.As(err, &inv) {
		t.Errorf("second CreateServiceLinkedRole: %v, want InvalidInputException", err)
	}
	_, err = c.CreateServiceLinkedRole(ctx, &awsiam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("nosuch.amazonaws.com")})
	if !errors.As(err, &inv) {
		t.Errorf("unknown service: %v, want InvalidInputException", err)
	}
	_, err = c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: r.RoleName})
	var unmod *iamtypes.UnmodifiableEntityException
	if !errors.As(err, &unmod) {
		t.Errorf("DeleteRole on a service-linked role: %v, want UnmodifiableEntityException", err)
	}
	_, err = c.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: r.RoleName, Description: aws.String("mine now")})
	if !errors.As(err, &unmod) {
		t.Errorf("UpdateRole on a service-linked role: %v, want UnmodifiableEntityException", err)
	}
	_, err = c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String("x"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	if !errors.As(err, &unmod) {
		t.Errorf("PutRolePolicy on a service-linked role: %v, want UnmodifiableEntityException", err)
	}
}

func TestIAMAccountsAreSeparate(t *testing.T) {
	t.Parallel()
	srv, c := iamTestClient(t, "222222222222")
	iamCreateRole(t, c, "shared-name", backupTrust)
	other := awsiam.NewFromConfig(srv.Config("333333333333", "us-east-1"))
	_, err := other.GetRole(context.Background(), &awsiam.GetRoleInput{RoleName: aws.String("shared-name")})
	if code := errorCode(err); code != "NoSuchEntity" {
		t.Errorf("GetRole from another account: %q, want NoSuchEntity", code)
	}
	iamCreateRole(t, other, "shared-name", backupTrust)
}
