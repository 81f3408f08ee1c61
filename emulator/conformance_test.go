package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestConformanceWithMoto runs one scenario against moto_server (a
// third-party AWS emulator) and against our emulator through the same SDK
// clients, and compares what each observably did. The scenario keeps only
// the steps where moto agrees with AWS's documentation, so a difference is
// a bug in our emulator; the steps moto gets wrong are listed in comments
// with the documentation that says so.
//
// moto 5.x does not implement these operations of ours, so they are not
// compared here: AWS Backup UpdateBackupPlan, ListBackupPlanVersions,
// CreateBackupSelection/GetBackupSelection/ListBackupSelections,
// Put/Get/DeleteBackupVaultAccessPolicy, Put/Get/DeleteBackupVaultNotifications
// (moto answers 404 or 500 to them), and Organizations BACKUP_POLICY
// (moto's CreatePolicy raises NotImplementedError for that type).
func TestConformanceWithMoto(t *testing.T) {
	t.Parallel()
	motoURL := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	motoCfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint:     aws.String(motoURL),
		RetryMaxAttempts: 1,
	}
	moto := &confLog{}
	confScenario(ctx, moto, motoCfg, true)

	srv := newTestServer(t)
	ourCfg := srv.Config(emulator.ManagementAccountID, "us-east-1")
	ourCfg.RetryMaxAttempts = 1
	ours := &confLog{}
	confScenario(ctx, ours, ourCfg, false)

	if testing.Verbose() {
		t.Logf("moto observations:\n%s", strings.Join(moto.lines, "\n"))
	}
	if diff := cmp.Diff(moto.lines, ours.lines); diff != "" {
		t.Errorf("observations differ (-moto +emulator):\n%s", diff)
	}
}

// startMoto starts moto_server on a free loopback port and returns its URL.
// It skips the test when moto_server is not installed, unless CI is "true".
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server not found on PATH (required when CI=true): %v", err)
		}
		t.Skipf("moto_server not found on PATH: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatalf("releasing port %d: %v", port, err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// moto 5 loads AWS managed IAM policies only on request.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(90 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-exited:
			t.Fatalf("moto_server exited before answering: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := client.Get(u + "/moto-api/"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return u
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within 90s\n%s", u, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// confLog is a normalized record of what a scenario observed: one line per
// step with its outcome and the fields that do not depend on generated
// identifiers, timestamps or the account number (replaced by ACCOUNT).
type confLog struct {
	account string
	lines   []string
}

// step records op's outcome ("ok" or "error CODE") and key=value fields.
func (l *confLog) step(op string, err error, kv ...string) {
	line := op + ": " + confOutcome(err)
	for i := 0; i+1 < len(kv); i += 2 {
		line += " " + kv[i] + "=" + l.norm(kv[i+1])
	}
	l.lines = append(l.lines, line)
}

func (l *confLog) norm(s string) string {
	if l.account == "" {
		return s
	}
	return strings.ReplaceAll(s, l.account, "ACCOUNT")
}

// prefix reports s as "PREFIX…" when it starts with prefix (after
// normalization), else as s itself so that a difference shows.
func (l *confLog) prefix(s, prefix string) string {
	if n := l.norm(s); strings.HasPrefix(n, prefix) {
		return prefix + "…"
	}
	return s
}

func confOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return "error " + ae.ErrorCode()
	}
	return "error (not an API error) " + err.Error()
}

// confJSON canonicalizes a JSON document (URL-decoding it first when it is
// URL-encoded, as IAM returns policy documents).
func confJSON(s string) string {
	if d, err := url.QueryUnescape(s); err == nil && strings.HasPrefix(strings.TrimSpace(s), "%7B") {
		s = d
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "not JSON: " + s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func confSortedJoin(items []string) string {
	items = slices.Clone(items)
	slices.Sort(items)
	return "[" + strings.Join(items, ",") + "]"
}

func confBool(b bool) string { return fmt.Sprint(b) }

// confScenario is the one scenario run against both emulators. onMoto
// marks the moto run, which must first create its organization (our
// emulator starts with a fixture organization whose management account is
// the caller).
func confScenario(ctx context.Context, l *confLog, cfg aws.Config, onMoto bool) {
	confSTS(ctx, l, cfg)
	confOrganizations(ctx, l, cfg, onMoto)
	confIAM(ctx, l, cfg)
	keyARN := confKMS(ctx, l, cfg)
	confSNS(ctx, l, cfg)
	confS3(ctx, l, cfg, keyARN)
	confBackup(ctx, l, cfg)
}

func confSTS(ctx context.Context, l *confLog, cfg aws.Config) {
	out, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err == nil {
		l.account = aws.ToString(out.Account)
	}
	// The ARN's resource differs by design: moto's caller is an IAM user,
	// ours is the account root. Its partition and account must agree.
	var arnAccount string
	if out != nil {
		if parts := strings.Split(aws.ToString(out.Arn), ":"); len(parts) == 6 {
			arnAccount = parts[0] + ":" + parts[1] + ":" + parts[4]
		}
	}
	l.step("sts.GetCallerIdentity", err, "Account", aws.ToString(out.Account), "ArnPartitionAccount", arnAccount)
}

const confSCP = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeave","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`

func confOrganizations(ctx context.Context, l *confLog, cfg aws.Config, onMoto bool) {
	orgs := awsorgs.NewFromConfig(cfg)
	if onMoto {
		if _, err := orgs.CreateOrganization(ctx, &awsorgs.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
			l.step("organizations.CreateOrganization (moto only)", err)
		}
	}

	// DescribeOrganization's AvailablePolicyTypes is deprecated ("Do not
	// use", DescribeOrganization/Organization data type); moto fills it, so
	// it is not compared.
	do, err := orgs.DescribeOrganization(ctx, &awsorgs.DescribeOrganizationInput{})
	var org orgtypes.Organization
	if err == nil {
		org = *do.Organization
	}
	l.step("organizations.DescribeOrganization", err,
		"FeatureSet", string(org.FeatureSet),
		"MasterAccountId", aws.ToString(org.MasterAccountId),
		"Id", l.prefix(aws.ToString(org.Id), "o-"),
		"Arn", l.prefix(aws.ToString(org.Arn), "arn:aws:organizations::ACCOUNT:organization/o-"),
		"MasterAccountArn", l.prefix(aws.ToString(org.MasterAccountArn), "arn:aws:organizations::ACCOUNT:account/o-"))

	lr, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	var root orgtypes.Root
	if err == nil && len(lr.Roots) == 1 {
		root = lr.Roots[0]
	}
	l.step("organizations.ListRoots", err, "Count", fmt.Sprint(len(lrRoots(lr))), "Name", aws.ToString(root.Name),
		"Id", l.prefix(aws.ToString(root.Id), "r-"),
		"Arn", l.prefix(aws.ToString(root.Arn), "arn:aws:organizations::ACCOUNT:root/o-"))
	rootID := aws.ToString(root.Id)

	// A new organization has no policy type enabled; the fixture may have
	// SCPs enabled already. Enable them when needed, then compare.
	scpEnabled := slices.ContainsFunc(root.PolicyTypes, func(p orgtypes.PolicyTypeSummary) bool {
		return p.Type == orgtypes.PolicyTypeServiceControlPolicy && p.Status == orgtypes.PolicyTypeStatusEnabled
	})
	if !scpEnabled {
		if _, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
			l.step("organizations.EnablePolicyType SCP", err)
		}
	}
	lr, err = orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	var types []string
	for _, r := range lrRoots(lr) {
		for _, p := range r.PolicyTypes {
			types = append(types, string(p.Type)+":"+string(p.Status))
		}
	}
	l.step("organizations.ListRoots after enabling SCPs", err, "RootPolicyTypes", confSortedJoin(types))
	_, err = orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
	l.step("organizations.EnablePolicyType SCP again", err)

	la, err := orgs.ListAccounts(ctx, &awsorgs.ListAccountsInput{})
	var includesCaller, allActive, arnShapes = false, true, true
	if err == nil {
		for _, a := range la.Accounts {
			if aws.ToString(a.Id) == l.account {
				includesCaller = true
			}
			if a.Status != orgtypes.AccountStatusActive {
				allActive = false
			}
			// Account ARNs are owned by the management account.
			if !strings.HasPrefix(l.norm(aws.ToString(a.Arn)), "arn:aws:organizations::ACCOUNT:account/o-") {
				arnShapes = false
			}
		}
	}
	l.step("organizations.ListAccounts", err, "IncludesCaller", confBool(includesCaller), "AllActive", confBool(allActive), "ArnShapes", confBool(arnShapes))

	cp, err := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name:        aws.String("conformance-scp"),
		Description: aws.String("deny leaving"),
		Type:        orgtypes.PolicyTypeServiceControlPolicy,
		Content:     aws.String(confSCP),
	})
	var ps orgtypes.PolicySummary
	if err == nil {
		ps = *cp.Policy.PolicySummary
	}
	policyID := aws.ToString(ps.Id)
	l.step("organizations.CreatePolicy", err, "Name", aws.ToString(ps.Name), "Type", string(ps.Type),
		"AwsManaged", confBool(ps.AwsManaged), "Id", l.prefix(policyID, "p-"),
		"Arn", l.prefix(aws.ToString(ps.Arn), "arn:aws:organizations::ACCOUNT:policy/o-"),
		"ArnPath", confPolicyArnPath(aws.ToString(ps.Arn), policyID))

	_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String("conformance-scp"), Description: aws.String("dup"),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(confSCP),
	})
	l.step("organizations.CreatePolicy duplicate name", err)

	dp, err := orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(policyID)})
	var content, desc string
	if err == nil {
		content, desc = confJSON(aws.ToString(dp.Policy.Content)), aws.ToString(dp.Policy.PolicySummary.Description)
	}
	l.step("organizations.DescribePolicy", err, "Content", content, "Description", desc)

	_, err = orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String("p-0123456789")})
	l.step("organizations.DescribePolicy missing", err)

	lp, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	var names []string
	if err == nil {
		for _, p := range lp.Policies {
			names = append(names, aws.ToString(p.Name)+":"+confBool(p.AwsManaged))
		}
	}
	l.step("organizations.ListPolicies SCP", err, "Names", confSortedJoin(names))

	_, err = orgs.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(rootID)})
	l.step("organizations.AttachPolicy root", err)
	// "AWS Organizations attaches a default SCP named FullAWSAccess to
	// every root, OU, and account" (AttachPolicy API reference).
	lpt, err := orgs.ListPoliciesForTarget(ctx, &awsorgs.ListPoliciesForTargetInput{TargetId: aws.String(rootID), Filter: orgtypes.PolicyTypeServiceControlPolicy})
	var onRoot []string
	if err == nil {
		for _, p := range lpt.Policies {
			onRoot = append(onRoot, aws.ToString(p.Name)+":"+confBool(p.AwsManaged))
		}
	}
	l.step("organizations.ListPoliciesForTarget root", err, "Names", confSortedJoin(onRoot))
	// Attaching the same policy twice is DuplicatePolicyAttachmentException
	// in AWS (AttachPolicy API reference, Errors); moto succeeds silently,
	// so the step is not compared.

	lt, err := orgs.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(policyID)})
	var targets []string
	if err == nil {
		for _, tg := range lt.Targets {
			targets = append(targets, string(tg.Type)+":"+aws.ToString(tg.Name)+":"+l.prefix(aws.ToString(tg.TargetId), "r-"))
		}
	}
	l.step("organizations.ListTargetsForPolicy", err, "Targets", confSortedJoin(targets))

	_, err = orgs.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: aws.String(policyID)})
	l.step("organizations.DeletePolicy attached", err)
	_, err = orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(rootID)})
	l.step("organizations.DetachPolicy", err)
	_, err = orgs.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: aws.String(policyID)})
	l.step("organizations.DeletePolicy", err)
	_, err = orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(policyID)})
	l.step("organizations.DescribePolicy deleted", err)
}

func lrRoots(lr *awsorgs.ListRootsOutput) []orgtypes.Root {
	if lr == nil {
		return nil
	}
	return lr.Roots
}

// confPolicyArnPath checks the documented SCP ARN layout
// arn:aws:organizations::MGMT:policy/o-ID/service_control_policy/p-ID
// (Organizations "Resource types defined by AWS Organizations").
func confPolicyArnPath(arn, id string) string {
	_, rest, ok := strings.Cut(arn, ":policy/o-")
	if !ok {
		return arn
	}
	_, typeAndID, ok := strings.Cut(rest, "/")
	if !ok {
		return arn
	}
	if typeAndID == "service_control_policy/"+id {
		return "service_control_policy/ID"
	}
	return typeAndID
}

const confInline = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"backup:DescribeBackupVault","Resource":"*"}]}`

func confIAM(ctx context.Context, l *confLog, cfg aws.Config) {
	iam := awsiam.NewFromConfig(cfg)
	const role = "conformance-role"
	const managed = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"

	cr, err := iam.CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName: aws.String(role), Path: aws.String("/service-role/"),
		AssumeRolePolicyDocument: aws.String(backupTrust), Description: aws.String("conformance"),
	})
	var arn, id, path string
	if err == nil {
		arn, id, path = aws.ToString(cr.Role.Arn), aws.ToString(cr.Role.RoleId), aws.ToString(cr.Role.Path)
	}
	l.step("iam.CreateRole", err, "Arn", arn, "Path", path, "RoleId", l.prefix(id, "AROA"))

	_, err = iam.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(backupTrust)})
	l.step("iam.CreateRole duplicate", err)

	gr, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(role)})
	var trust, gdesc, gname string
	var maxSession int32
	if err == nil {
		trust, gdesc, gname = confJSON(aws.ToString(gr.Role.AssumeRolePolicyDocument)), aws.ToString(gr.Role.Description), aws.ToString(gr.Role.RoleName)
		maxSession = aws.ToInt32(gr.Role.MaxSessionDuration)
	}
	l.step("iam.GetRole", err, "RoleName", gname, "Description", gdesc, "Trust", trust, "MaxSessionDuration", fmt.Sprint(maxSession))

	_, err = iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("conformance-missing")})
	l.step("iam.GetRole missing", err)

	_, err = iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(managed)})
	l.step("iam.AttachRolePolicy", err)
	_, err = iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String("arn:aws:iam::aws:policy/ConformanceDoesNotExist")})
	l.step("iam.AttachRolePolicy missing policy", err)
	_, err = iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("conformance-missing"), PolicyArn: aws.String(managed)})
	l.step("iam.AttachRolePolicy missing role", err)

	lap, err := iam.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	var attached []string
	if err == nil {
		for _, p := range lap.AttachedPolicies {
			attached = append(attached, aws.ToString(p.PolicyName)+"="+aws.ToString(p.PolicyArn))
		}
	}
	l.step("iam.ListAttachedRolePolicies", err, "Policies", confSortedJoin(attached))

	_, err = iam.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("inline"), PolicyDocument: aws.String(confInline)})
	l.step("iam.PutRolePolicy", err)
	grp, err := iam.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("inline")})
	var doc, pname, rname string
	if err == nil {
		doc, pname, rname = confJSON(aws.ToString(grp.PolicyDocument)), aws.ToString(grp.PolicyName), aws.ToString(grp.RoleName)
	}
	l.step("iam.GetRolePolicy", err, "RoleName", rname, "PolicyName", pname, "Document", doc)
	_, err = iam.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("missing")})
	l.step("iam.GetRolePolicy missing", err)

	// A role with attached or inline policies cannot be deleted
	// (DeleteRole API reference: DeleteConflict).
	_, err = iam.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(role)})
	l.step("iam.DeleteRole with policies", err)

	_, err = iam.DetachRolePolicy(ctx, &awsiam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(managed)})
	l.step("iam.DetachRolePolicy", err)
	_, err = iam.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("inline")})
	l.step("iam.DeleteRolePolicy", err)
	_, err = iam.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(role)})
	l.step("iam.DeleteRole", err)
	_, err = iam.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(role)})
	l.step("iam.DeleteRole missing", err)
}

func confKMS(ctx context.Context, l *confLog, cfg aws.Config) string {
	kms := awskms.NewFromConfig(cfg)
	// KeyUsage and KeySpec default to ENCRYPT_DECRYPT and SYMMETRIC_DEFAULT
	// (CreateKey API reference); moto leaves an omitted KeyUsage empty, so
	// both are given explicitly and the defaults are not compared.
	ck, err := kms.CreateKey(ctx, &awskms.CreateKeyInput{
		Description: aws.String("conformance"), KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, KeySpec: kmstypes.KeySpecSymmetricDefault,
	})
	var md kmstypes.KeyMetadata
	if err == nil {
		md = *ck.KeyMetadata
	}
	keyID, keyARN := aws.ToString(md.KeyId), aws.ToString(md.Arn)
	l.step("kms.CreateKey", err, "Arn", l.prefix(keyARN, "arn:aws:kms:us-east-1:ACCOUNT:key/"),
		"ArnEndsWithKeyId", confBool(keyID != "" && strings.HasSuffix(keyARN, "key/"+keyID)),
		"Description", aws.ToString(md.Description), "Enabled", confBool(md.Enabled), "KeyState", string(md.KeyState),
		"KeyUsage", string(md.KeyUsage), "KeySpec", string(md.KeySpec), "KeyManager", string(md.KeyManager),
		"Origin", string(md.Origin), "MultiRegion", confBool(aws.ToBool(md.MultiRegion)),
		"AWSAccountId", aws.ToString(md.AWSAccountId))

	_, err = kms.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/conformance"), TargetKeyId: aws.String(keyID)})
	l.step("kms.CreateAlias", err)
	_, err = kms.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/conformance"), TargetKeyId: aws.String(keyID)})
	l.step("kms.CreateAlias duplicate", err)

	dk, err := kms.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/conformance")})
	var sameKey bool
	if err == nil {
		sameKey = aws.ToString(dk.KeyMetadata.KeyId) == keyID && aws.ToString(dk.KeyMetadata.Arn) == keyARN
	}
	l.step("kms.DescribeKey alias", err, "SameKey", confBool(sameKey))
	_, err = kms.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/conformance-missing")})
	l.step("kms.DescribeKey missing alias", err)
	_, err = kms.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("0b7fd7d2-4ffb-4b3c-9e0c-3b1d2f5a7c11")})
	l.step("kms.DescribeKey missing key", err)

	rotation := func(step string) {
		gs, err := kms.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: aws.String(keyID)})
		var enabled bool
		if err == nil {
			enabled = gs.KeyRotationEnabled
		}
		l.step(step, err, "KeyRotationEnabled", confBool(enabled))
	}
	rotation("kms.GetKeyRotationStatus before")
	_, err = kms.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: aws.String(keyID)})
	l.step("kms.EnableKeyRotation", err)
	rotation("kms.GetKeyRotationStatus after")

	la, err := kms.ListAliases(ctx, &awskms.ListAliasesInput{KeyId: aws.String(keyID)})
	var aliases []string
	if err == nil {
		for _, a := range la.Aliases {
			aliases = append(aliases, aws.ToString(a.AliasName)+"="+l.prefix(aws.ToString(a.AliasArn), "arn:aws:kms:us-east-1:ACCOUNT:alias/")+
				":target="+confBool(aws.ToString(a.TargetKeyId) == keyID))
		}
	}
	l.step("kms.ListAliases by key", err, "Aliases", confSortedJoin(aliases))

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + l.account + `:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Backup","Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`
	_, err = kms.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(policy)})
	l.step("kms.PutKeyPolicy", err)
	gp, err := kms.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	var got string
	if err == nil {
		got = confJSON(aws.ToString(gp.Policy))
	}
	l.step("kms.GetKeyPolicy", err, "Policy", got)

	_, err = kms.TagResource(ctx, &awskms.TagResourceInput{KeyId: aws.String(keyID), Tags: []kmstypes.Tag{
		{TagKey: aws.String("team"), TagValue: aws.String("platform")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")},
	}})
	l.step("kms.TagResource", err)
	lt, err := kms.ListResourceTags(ctx, &awskms.ListResourceTagsInput{KeyId: aws.String(keyID)})
	var tags []string
	if err == nil {
		for _, tg := range lt.Tags {
			tags = append(tags, aws.ToString(tg.TagKey)+"="+aws.ToString(tg.TagValue))
		}
	}
	l.step("kms.ListResourceTags", err, "Tags", confSortedJoin(tags))
	return keyARN
}

func confSNS(ctx context.Context, l *confLog, cfg aws.Config) {
	sns := awssns.NewFromConfig(cfg)
	ct, err := sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("conformance-topic")})
	var topicARN string
	if err == nil {
		topicARN = aws.ToString(ct.TopicArn)
	}
	l.step("sns.CreateTopic", err, "TopicArn", topicARN)
	// CreateTopic is idempotent for the same name and attributes (CreateTopic
	// API reference).
	ct2, err := sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("conformance-topic")})
	l.step("sns.CreateTopic again", err, "SameArn", confBool(err == nil && aws.ToString(ct2.TopicArn) == topicARN))

	// Published before subscribing: moto answers a bare 404 when it
	// cannot deliver to a Lambda function it does not know.
	pub, err := sns.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("hello"), Subject: aws.String("conformance")})
	l.step("sns.Publish", err, "HasMessageId", confBool(err == nil && aws.ToString(pub.MessageId) != ""))

	endpoint := "arn:aws:lambda:us-east-1:" + l.account + ":function:conformance"
	sub, err := sns.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("lambda"), Endpoint: aws.String(endpoint)})
	var subARN string
	if err == nil {
		subARN = l.prefix(aws.ToString(sub.SubscriptionArn), l.norm(topicARN)+":")
	}
	l.step("sns.Subscribe lambda", err, "SubscriptionArn", subARN)

	ls, err := sns.ListSubscriptionsByTopic(ctx, &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
	var subs []string
	if err == nil {
		for _, s := range ls.Subscriptions {
			subs = append(subs, aws.ToString(s.Protocol)+":"+aws.ToString(s.Endpoint)+":owner="+aws.ToString(s.Owner)+":topic="+aws.ToString(s.TopicArn))
		}
	}
	l.step("sns.ListSubscriptionsByTopic", err, "Subscriptions", confSortedJoin(subs))

	ga, err := sns.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topicARN)})
	var attrs map[string]string
	if err == nil {
		attrs = ga.Attributes
	}
	// SubscriptionsConfirmed counts the Lambda subscription, which needs no
	// confirmation (GetTopicAttributes API reference; "Fanout to Lambda
	// functions"); moto always reports 0, so the counts are not compared.
	l.step("sns.GetTopicAttributes", err, "TopicArn", attrs["TopicArn"], "Owner", attrs["Owner"],
		"HasPolicy", confBool(attrs["Policy"] != ""))

	missing := "arn:aws:sns:us-east-1:" + l.account + ":conformance-missing"
	_, err = sns.Publish(ctx, &awssns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("hello")})
	l.step("sns.Publish missing topic", err)

	_, err = sns.DeleteTopic(ctx, &awssns.DeleteTopicInput{TopicArn: aws.String(topicARN)})
	l.step("sns.DeleteTopic", err)
	_, err = sns.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: aws.String(topicARN)})
	l.step("sns.GetTopicAttributes deleted", err)
}

func confS3(ctx context.Context, l *confLog, cfg aws.Config, keyARN string) {
	s3 := awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
	bucket := aws.String("orgbackup-conformance-bucket")

	_, err := s3.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: bucket})
	l.step("s3.CreateBucket", err)
	_, err = s3.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: bucket})
	l.step("s3.HeadBucket", err)
	_, err = s3.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("orgbackup-conformance-missing")})
	l.step("s3.HeadBucket missing", err)

	po, err := s3.PutObject(ctx, &awss3.PutObjectInput{Bucket: bucket, Key: aws.String("reports/a.json"), Body: strings.NewReader(`{"a":1}`)})
	var etag string
	if err == nil {
		etag = aws.ToString(po.ETag)
	}
	l.step("s3.PutObject", err, "ETag", etag)
	go1, err := s3.GetObject(ctx, &awss3.GetObjectInput{Bucket: bucket, Key: aws.String("reports/a.json")})
	var body, getETag string
	var length int64
	if err == nil {
		b, rerr := io.ReadAll(go1.Body)
		_ = go1.Body.Close()
		if rerr != nil {
			err = rerr
		}
		body, getETag, length = string(b), aws.ToString(go1.ETag), aws.ToInt64(go1.ContentLength)
	}
	l.step("s3.GetObject", err, "Body", body, "ETag", getETag, "ContentLength", fmt.Sprint(length))
	_, err = s3.GetObject(ctx, &awss3.GetObjectInput{Bucket: bucket, Key: aws.String("reports/missing.json")})
	l.step("s3.GetObject missing", err)
	_, err = s3.PutObject(ctx, &awss3.PutObjectInput{Bucket: bucket, Key: aws.String("reports/b.json"), Body: strings.NewReader(`{}`)})
	l.step("s3.PutObject second", err)

	lo, err := s3.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: bucket, Prefix: aws.String("reports/")})
	var keys []string
	var keyCount int32
	if err == nil {
		keyCount = aws.ToInt32(lo.KeyCount)
		for _, o := range lo.Contents {
			keys = append(keys, aws.ToString(o.Key)+":"+fmt.Sprint(aws.ToInt64(o.Size)))
		}
	}
	l.step("s3.ListObjectsV2", err, "KeyCount", fmt.Sprint(keyCount), "Keys", confSortedJoin(keys))

	_, err = s3.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: bucket})
	l.step("s3.GetBucketPolicy none", err)
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"Org","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + l.account + `:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::orgbackup-conformance-bucket/*"}]}`
	_, err = s3.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(policy)})
	l.step("s3.PutBucketPolicy", err)
	gbp, err := s3.GetBucketPolicy(ctx, &awss3.GetBucketPolicyInput{Bucket: bucket})
	var gotPolicy string
	if err == nil {
		gotPolicy = confJSON(aws.ToString(gbp.Policy))
	}
	l.step("s3.GetBucketPolicy", err, "Policy", gotPolicy)

	// Since January 2023 every bucket is encrypted with SSE-S3 by default
	// and GetBucketEncryption reports it ("Setting default server-side
	// encryption behavior for Amazon S3 buckets"); moto 5 answers
	// ServerSideEncryptionConfigurationNotFoundError, so the default is not
	// compared.
	_, err = s3.PutBucketEncryption(ctx, &awss3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
			BucketKeyEnabled:                   aws.Bool(true),
		}},
	}})
	l.step("s3.PutBucketEncryption", err)
	ge, err := s3.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: bucket})
	var rules []string
	if err == nil && ge.ServerSideEncryptionConfiguration != nil {
		for _, r := range ge.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				rules = append(rules, string(d.SSEAlgorithm)+":"+confBool(aws.ToString(d.KMSMasterKeyID) == keyARN)+":bucketKey="+confBool(aws.ToBool(r.BucketKeyEnabled)))
			}
		}
	}
	l.step("s3.GetBucketEncryption", err, "Rules", confSortedJoin(rules))

	versioning := func(step string) {
		gv, err := s3.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: bucket})
		var status string
		if err == nil {
			status = string(gv.Status)
		}
		l.step(step, err, "Status", status)
	}
	versioning("s3.GetBucketVersioning before")
	_, err = s3.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: bucket, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	l.step("s3.PutBucketVersioning", err)
	versioning("s3.GetBucketVersioning after")

	_, err = s3.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: bucket})
	l.step("s3.GetBucketTagging none", err)
	_, err = s3.PutBucketTagging(ctx, &awss3.PutBucketTaggingInput{Bucket: bucket, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{
		{Key: aws.String("purpose"), Value: aws.String("reports")}, {Key: aws.String("env"), Value: aws.String("prod")},
	}}})
	l.step("s3.PutBucketTagging", err)
	gt, err := s3.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: bucket})
	var tags []string
	if err == nil {
		for _, tg := range gt.TagSet {
			tags = append(tags, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
	}
	l.step("s3.GetBucketTagging", err, "Tags", confSortedJoin(tags))

	_, err = s3.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: bucket})
	l.step("s3.DeleteBucket not empty", err)
}

func confBackup(ctx context.Context, l *confLog, cfg aws.Config) {
	bk := awsbackup.NewFromConfig(cfg)
	vault := aws.String("conformance-vault")
	vaultARN := "arn:aws:backup:us-east-1:" + l.account + ":backup-vault:conformance-vault"

	cv, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
		BackupVaultName: vault, BackupVaultTags: map[string]string{"team": "platform"},
	})
	var name, arn string
	if err == nil {
		name, arn = aws.ToString(cv.BackupVaultName), aws.ToString(cv.BackupVaultArn)
	}
	l.step("backup.CreateBackupVault", err, "BackupVaultName", name, "BackupVaultArn", arn)
	_, err = bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: vault})
	l.step("backup.CreateBackupVault duplicate", err)

	// DescribeBackupVault reports the default key (aws/backup) as
	// EncryptionKeyArn when none was given (CreateBackupVault API
	// reference: "If this value is not specified, the default key is
	// used"), and VaultType BACKUP_VAULT; moto omits both, so neither is
	// compared.
	describe := func(step string) {
		dv, err := bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: vault})
		var v awsbackup.DescribeBackupVaultOutput
		if err == nil {
			v = *dv
		}
		l.step(step, err, "BackupVaultName", aws.ToString(v.BackupVaultName), "BackupVaultArn", aws.ToString(v.BackupVaultArn),
			"NumberOfRecoveryPoints", fmt.Sprint(v.NumberOfRecoveryPoints), "Locked", confBool(aws.ToBool(v.Locked)),
			"MinRetentionDays", confInt64(v.MinRetentionDays), "MaxRetentionDays", confInt64(v.MaxRetentionDays),
			"HasLockDate", confBool(v.LockDate != nil))
	}
	describe("backup.DescribeBackupVault")
	_, err = bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("conformance-missing")})
	l.step("backup.DescribeBackupVault missing", err)

	lv, err := bk.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
	var vaults []string
	if err == nil {
		for _, v := range lv.BackupVaultList {
			vaults = append(vaults, aws.ToString(v.BackupVaultName)+"="+aws.ToString(v.BackupVaultArn))
		}
	}
	l.step("backup.ListBackupVaults", err, "Vaults", confSortedJoin(vaults))

	// Tags are not compared: moto finds none for the ARN label the Go SDK
	// sends (percent-encoded, /tags/arn%3Aaws%3Abackup...), though AWS
	// returns the tags given at creation and by TagResource (ListTags API
	// reference). The AWS CLI's request, with the colons unescaped, works
	// with moto.
	_, err = bk.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(vaultARN), Tags: map[string]string{"env": "prod", "owner": "sec"}})
	l.step("backup.TagResource vault", err)
	_, err = bk.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(vaultARN), TagKeyList: []string{"owner"}})
	l.step("backup.UntagResource vault", err)

	// Governance mode (no ChangeableForDays) applies at once and has no
	// LockDate (PutBackupVaultLockConfiguration API reference).
	_, err = bk.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: vault, MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(35),
	})
	l.step("backup.PutBackupVaultLockConfiguration", err)
	describe("backup.DescribeBackupVault locked")
	_, err = bk.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("conformance-missing"), MinRetentionDays: aws.Int64(7)})
	l.step("backup.PutBackupVaultLockConfiguration missing vault", err)
	_, err = bk.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: vault})
	l.step("backup.DeleteBackupVaultLockConfiguration", err)
	describe("backup.DescribeBackupVault unlocked")

	plan := &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("conformance-plan"),
		Rules: []backuptypes.BackupRuleInput{{
			RuleName:                aws.String("daily"),
			TargetBackupVaultName:   vault,
			ScheduleExpression:      aws.String("cron(0 5 ? * * *)"),
			StartWindowMinutes:      aws.Int64(60),
			CompletionWindowMinutes: aws.Int64(180),
			Lifecycle:               &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
		}},
	}
	cp, err := bk.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: plan, BackupPlanTags: map[string]string{"team": "platform"}})
	var planID, planARN, version string
	if err == nil {
		planID, planARN, version = aws.ToString(cp.BackupPlanId), aws.ToString(cp.BackupPlanArn), aws.ToString(cp.VersionId)
	}
	l.step("backup.CreateBackupPlan", err, "BackupPlanArn", l.prefix(planARN, "arn:aws:backup:us-east-1:ACCOUNT:backup-plan:"),
		"ArnEndsWithId", confBool(planID != "" && strings.HasSuffix(planARN, ":"+planID)), "HasVersionId", confBool(version != ""))

	gp, err := bk.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(planID)})
	var planName, sameVersion string
	var rules []string
	if err == nil {
		planName, sameVersion = aws.ToString(gp.BackupPlan.BackupPlanName), confBool(aws.ToString(gp.VersionId) == version)
		for _, r := range gp.BackupPlan.Rules {
			var del int64
			if r.Lifecycle != nil {
				del = aws.ToInt64(r.Lifecycle.DeleteAfterDays)
			}
			rules = append(rules, fmt.Sprintf("%s:%s:%s:start=%d:complete=%d:delete=%d:hasRuleId=%t",
				aws.ToString(r.RuleName), aws.ToString(r.TargetBackupVaultName), aws.ToString(r.ScheduleExpression),
				aws.ToInt64(r.StartWindowMinutes), aws.ToInt64(r.CompletionWindowMinutes), del, aws.ToString(r.RuleId) != ""))
		}
	}
	l.step("backup.GetBackupPlan", err, "BackupPlanName", planName, "SameVersion", sameVersion, "Rules", confSortedJoin(rules))
	_, err = bk.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String("00000000-0000-4000-8000-000000000000")})
	l.step("backup.GetBackupPlan missing", err)

	listPlans := func(step string, includeDeleted bool) {
		in := &awsbackup.ListBackupPlansInput{}
		if includeDeleted {
			// moto reads any IncludeDeleted value, "false" too, as true.
			in.IncludeDeleted = aws.Bool(true)
		}
		lp, err := bk.ListBackupPlans(ctx, in)
		var plans []string
		if err == nil {
			for _, p := range lp.BackupPlansList {
				plans = append(plans, aws.ToString(p.BackupPlanName)+":deleted="+confBool(p.DeletionDate != nil)+":sameId="+confBool(aws.ToString(p.BackupPlanId) == planID))
			}
		}
		l.step(step, err, "Plans", confSortedJoin(plans))
	}
	listPlans("backup.ListBackupPlans", false)

	dp, err := bk.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(planID)})
	var delID, hasDate string
	if err == nil {
		delID, hasDate = confBool(aws.ToString(dp.BackupPlanId) == planID), confBool(dp.DeletionDate != nil)
	}
	l.step("backup.DeleteBackupPlan", err, "SameId", delID, "HasDeletionDate", hasDate)
	listPlans("backup.ListBackupPlans after delete", false)
	listPlans("backup.ListBackupPlans include deleted", true)

	_, err = bk.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: vault})
	l.step("backup.DeleteBackupVault", err)
	_, err = bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: vault})
	l.step("backup.DescribeBackupVault deleted", err)
}

func confInt64(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// TestConformanceWhereMotoDiffers checks our emulator alone on the steps
// left out of TestConformanceWithMoto because moto disagrees with AWS's
// documentation there; each case names the documentation it follows.
func TestConformanceWhereMotoDiffers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const account = emulator.ManagementAccountID
	tests := []struct {
		name string
		run  func(t *testing.T, cfg aws.Config)
	}{
		{
			// CreateKey API reference: KeyUsage "Default: ENCRYPT_DECRYPT".
			name: "kms CreateKey defaults KeyUsage",
			run: func(t *testing.T, cfg aws.Config) {
				out, err := awskms.NewFromConfig(cfg).CreateKey(ctx, &awskms.CreateKeyInput{})
				if err != nil {
					t.Fatalf("CreateKey: %v", err)
				}
				if got := out.KeyMetadata.KeyUsage; got != kmstypes.KeyUsageTypeEncryptDecrypt {
					t.Errorf("KeyUsage = %q, want ENCRYPT_DECRYPT", got)
				}
			},
		},
		{
			// GetTopicAttributes API reference: SubscriptionsConfirmed is
			// the number of confirmed subscriptions; Lambda endpoints need
			// no confirmation.
			name: "sns lambda subscription counts as confirmed",
			run: func(t *testing.T, cfg aws.Config) {
				sns := awssns.NewFromConfig(cfg)
				ct, err := sns.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String("t")})
				if err != nil {
					t.Fatalf("CreateTopic: %v", err)
				}
				if _, err := sns.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("lambda"),
					Endpoint: aws.String("arn:aws:lambda:us-east-1:" + account + ":function:f")}); err != nil {
					t.Fatalf("Subscribe: %v", err)
				}
				ga, err := sns.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: ct.TopicArn})
				if err != nil {
					t.Fatalf("GetTopicAttributes: %v", err)
				}
				got := map[string]string{"SubscriptionsConfirmed": ga.Attributes["SubscriptionsConfirmed"], "SubscriptionsPending": ga.Attributes["SubscriptionsPending"]}
				if diff := cmp.Diff(map[string]string{"SubscriptionsConfirmed": "1", "SubscriptionsPending": "0"}, got); diff != "" {
					t.Errorf("subscription counts (-want +got):\n%s", diff)
				}
			},
		},
		{
			// ListTags API reference: the tags of the resource, those given
			// at creation included.
			name: "backup ListTags on a vault",
			run: func(t *testing.T, cfg aws.Config) {
				bk := awsbackup.NewFromConfig(cfg)
				cv, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault"), BackupVaultTags: map[string]string{"team": "platform"}})
				if err != nil {
					t.Fatalf("CreateBackupVault: %v", err)
				}
				if _, err := bk.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: cv.BackupVaultArn, Tags: map[string]string{"env": "prod", "owner": "sec"}}); err != nil {
					t.Fatalf("TagResource: %v", err)
				}
				if _, err := bk.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: cv.BackupVaultArn, TagKeyList: []string{"owner"}}); err != nil {
					t.Fatalf("UntagResource: %v", err)
				}
				lt, err := bk.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: cv.BackupVaultArn})
				if err != nil {
					t.Fatalf("ListTags: %v", err)
				}
				if diff := cmp.Diff(map[string]string{"team": "platform", "env": "prod"}, lt.Tags); diff != "" {
					t.Errorf("ListTags (-want +got):\n%s", diff)
				}
			},
		},
		{
			// CreateBackupVault API reference: without EncryptionKeyArn
			// "the default key is used" — the AWS managed key aws/backup,
			// which KMS resolves by that alias; DescribeBackupVault reports
			// VaultType BACKUP_VAULT.
			name: "backup vault default key is aws/backup",
			run: func(t *testing.T, cfg aws.Config) {
				bk := awsbackup.NewFromConfig(cfg)
				if _, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault")}); err != nil {
					t.Fatalf("CreateBackupVault: %v", err)
				}
				dv, err := bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("vault")})
				if err != nil {
					t.Fatalf("DescribeBackupVault: %v", err)
				}
				dk, err := awskms.NewFromConfig(cfg).DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/backup")})
				if err != nil {
					t.Fatalf("DescribeKey alias/aws/backup: %v", err)
				}
				got := []string{aws.ToString(dv.EncryptionKeyArn), string(dv.VaultType)}
				want := []string{aws.ToString(dk.KeyMetadata.Arn), string(backuptypes.VaultTypeBackupVault)}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("[EncryptionKeyArn VaultType] (-want +got):\n%s", diff)
				}
			},
		},
		{
			// ListBackupPlans API reference: IncludeDeleted "with a default
			// value of FALSE"; an explicit false hides deleted plans too.
			name: "backup ListBackupPlans IncludeDeleted false",
			run: func(t *testing.T, cfg aws.Config) {
				bk := awsbackup.NewFromConfig(cfg)
				if _, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("vault")}); err != nil {
					t.Fatalf("CreateBackupVault: %v", err)
				}
				cp, err := bk.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
					BackupPlanName: aws.String("p"),
					Rules:          []backuptypes.BackupRuleInput{{RuleName: aws.String("r"), TargetBackupVaultName: aws.String("vault")}},
				}})
				if err != nil {
					t.Fatalf("CreateBackupPlan: %v", err)
				}
				if _, err := bk.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: cp.BackupPlanId}); err != nil {
					t.Fatalf("DeleteBackupPlan: %v", err)
				}
				lp, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{IncludeDeleted: aws.Bool(false)})
				if err != nil {
					t.Fatalf("ListBackupPlans: %v", err)
				}
				if n := len(lp.BackupPlansList); n != 0 {
					t.Errorf("ListBackupPlans(IncludeDeleted=false) returned %d plans, want 0", n)
				}
			},
		},
		{
			// "Setting default server-side encryption behavior for Amazon S3
			// buckets": every bucket has SSE-S3 (AES256) by default.
			name: "s3 default bucket encryption",
			run: func(t *testing.T, cfg aws.Config) {
				s3 := awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
				if _, err := s3.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("orgbackup-default-enc")}); err != nil {
					t.Fatalf("CreateBucket: %v", err)
				}
				ge, err := s3.GetBucketEncryption(ctx, &awss3.GetBucketEncryptionInput{Bucket: aws.String("orgbackup-default-enc")})
				if err != nil {
					t.Fatalf("GetBucketEncryption: %v", err)
				}
				var algs []string
				for _, r := range ge.ServerSideEncryptionConfiguration.Rules {
					if r.ApplyServerSideEncryptionByDefault != nil {
						algs = append(algs, string(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm))
					}
				}
				if diff := cmp.Diff([]string{"AES256"}, algs); diff != "" {
					t.Errorf("default algorithms (-want +got):\n%s", diff)
				}
			},
		},
		{
			// AttachPolicy API reference, Errors:
			// DuplicatePolicyAttachmentException when the policy is
			// already attached to the target.
			name: "organizations AttachPolicy twice",
			run: func(t *testing.T, cfg aws.Config) {
				orgs := awsorgs.NewFromConfig(cfg)
				lr, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
				if err != nil || len(lr.Roots) != 1 {
					t.Fatalf("ListRoots: %v, %d roots", err, len(lrRoots(lr)))
				}
				root := lr.Roots[0]
				if !slices.ContainsFunc(root.PolicyTypes, func(p orgtypes.PolicyTypeSummary) bool { return p.Type == orgtypes.PolicyTypeServiceControlPolicy }) {
					if _, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: root.Id, PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
						t.Fatalf("EnablePolicyType: %v", err)
					}
				}
				cp, err := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("p"), Description: aws.String("d"),
					Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(confSCP)})
				if err != nil {
					t.Fatalf("CreatePolicy: %v", err)
				}
				in := &awsorgs.AttachPolicyInput{PolicyId: cp.Policy.PolicySummary.Id, TargetId: root.Id}
				if _, err := orgs.AttachPolicy(ctx, in); err != nil {
					t.Fatalf("AttachPolicy: %v", err)
				}
				_, err = orgs.AttachPolicy(ctx, in)
				var dup *orgtypes.DuplicatePolicyAttachmentException
				if !errors.As(err, &dup) {
					t.Errorf("second AttachPolicy error = %v, want DuplicatePolicyAttachmentException", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			tt.run(t, srv.Config(account, "us-east-1"))
		})
	}
}
