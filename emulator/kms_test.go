package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

func kmsTestClient(t *testing.T, srv *emulator.Server, account string) *awskms.Client {
	t.Helper()
	return awskms.NewFromConfig(srv.Config(account, "us-east-1"))
}

func kmsMustCreateKey(t *testing.T, c *awskms.Client, in *awskms.CreateKeyInput) *kmstypes.KeyMetadata {
	t.Helper()
	if in == nil {
		in = &awskms.CreateKeyInput{}
	}
	out, err := c.CreateKey(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return out.KeyMetadata
}

func TestKMSCreateKeyDefaults(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, &awskms.CreateKeyInput{Description: aws.String("vault key"), Tags: []kmstypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("backup")}}})

	if got, want := aws.ToString(md.Arn), "arn:aws:kms:us-east-1:222222222222:key/"+aws.ToString(md.KeyId); got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
	if len(aws.ToString(md.KeyId)) != 36 {
		t.Errorf("KeyId %q is not a UUID", aws.ToString(md.KeyId))
	}
	type view struct {
		Account, Description        string
		Enabled                     bool
		State, Manager, Spec, Usage string
		Origin                      string
		MultiRegion                 bool
		Created                     time.Time
	}
	got := view{aws.ToString(md.AWSAccountId), aws.ToString(md.Description), md.Enabled, string(md.KeyState), string(md.KeyManager),
		string(md.KeySpec), string(md.KeyUsage), string(md.Origin), aws.ToBool(md.MultiRegion), aws.ToTime(md.CreationDate)}
	want := view{"222222222222", "vault key", true, "Enabled", "CUSTOMER", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", false, srv.Now()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KeyMetadata mismatch (-want +got):\n%s", diff)
	}

	pol, err := c.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: md.KeyId})
	if err != nil {
		t.Fatalf("GetKeyPolicy: %v", err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			Principal map[string]string
			Action    string
			Resource  string
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		t.Fatalf("default policy is not JSON: %v", err)
	}
	if len(doc.Statement) != 1 || doc.Statement[0].Principal["AWS"] != "arn:aws:iam::222222222222:root" || doc.Statement[0].Action != "kms:*" || doc.Statement[0].Effect != "Allow" || doc.Version != "2012-10-17" {
		t.Errorf("default key policy = %s", aws.ToString(pol.Policy))
	}
	if aws.ToString(pol.PolicyName) != "default" {
		t.Errorf("PolicyName = %q, want default", aws.ToString(pol.PolicyName))
	}

	tags, err := c.ListResourceTags(ctx, &awskms.ListResourceTagsInput{KeyId: md.Arn})
	if err != nil {
		t.Fatalf("ListResourceTags: %v", err)
	}
	if diff := cmp.Diff([]kmstypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("backup")}}, tags.Tags, cmp.AllowUnexported(kmstypes.Tag{})); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
}

func TestKMSCreateKeyErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   *awskms.CreateKeyInput
		code string
	}{
		"malformed policy": {&awskms.CreateKeyInput{Policy: aws.String("{not json")}, "MalformedPolicyDocumentException"},
		"reserved tag":     {&awskms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("v")}}}, "TagException"},
		"empty statements": {&awskms.CreateKeyInput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}, "MalformedPolicyDocumentException"},
		"lockout":          {&awskms.CreateKeyInput{Policy: aws.String(kmsCrossAccountPolicy("333333333333", "444444444444"))}, "MalformedPolicyDocumentException"},
		"lockout bypassed": {&awskms.CreateKeyInput{Policy: aws.String(kmsCrossAccountPolicy("333333333333", "444444444444")), BypassPolicyLockoutSafetyCheck: true}, ""},
		"policy ok":        {&awskms.CreateKeyInput{Policy: aws.String(kmsCrossAccountPolicy("222222222222", "333333333333"))}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			_, err := kmsTestClient(t, srv, "222222222222").CreateKey(context.Background(), tc.in)
			if got := errorCode(err); got != tc.code {
				t.Errorf("CreateKey error code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
}

func TestKMSDescribeKeyIdentifiers(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/vault"), TargetKeyId: md.KeyId}); err != nil {
		t.Fatalf("CreateAlias: %v", err)
	}
	for name, tc := range map[string]struct {
		id   string
		code string
	}{
		"key id":          {aws.ToString(md.KeyId), ""},
		"key arn":         {aws.ToString(md.Arn), ""},
		"alias name":      {"alias/vault", ""},
		"alias arn":       {"arn:aws:kms:us-east-1:222222222222:alias/vault", ""},
		"missing key":     {"11111111-2222-4333-a444-555555555555", "NotFoundException"},
		"missing alias":   {"alias/nope", "NotFoundException"},
		"malformed arn":   {"arn:aws:kms:us-east-1:nope", "InvalidArnException"},
		"other region":    {strings.Replace(aws.ToString(md.Arn), "us-east-1", "us-west-2", 1), "NotFoundException"},
		"bad arn service": {"arn:aws:s3:us-east-1:222222222222:key/x", "InvalidArnException"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(tc.id)})
			if got := errorCode(err); got != tc.code {
				t.Fatalf("DescribeKey(%q) error code = %q, want %q (%v)", tc.id, got, tc.code, err)
			}
			if err == nil && aws.ToString(out.KeyMetadata.KeyId) != aws.ToString(md.KeyId) {
				t.Errorf("DescribeKey(%q) = key %q, want %q", tc.id, aws.ToString(out.KeyMetadata.KeyId), aws.ToString(md.KeyId))
			}
		})
	}
}

func TestKMSAWSManagedKey(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "333333333333")
	ctx := context.Background()
	first, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/backup")})
	if err != nil {
		t.Fatalf("DescribeKey(alias/aws/backup): %v", err)
	}
	if first.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
		t.Errorf("KeyManager = %q, want AWS", first.KeyMetadata.KeyManager)
	}
	again, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:333333333333:alias/aws/backup")})
	if err != nil {
		t.Fatalf("DescribeKey(alias ARN): %v", err)
	}
	if aws.ToString(again.KeyMetadata.KeyId) != aws.ToString(first.KeyMetadata.KeyId) {
		t.Errorf("second DescribeKey created another key: %q != %q", aws.ToString(again.KeyMetadata.KeyId), aws.ToString(first.KeyMetadata.KeyId))
	}
	aliases, err := c.ListAliases(ctx, &awskms.ListAliasesInput{})
	if err != nil {
		t.Fatalf("ListAliases: %v", err)
	}
	if len(aliases.Aliases) != 1 || aws.ToString(aliases.Aliases[0].AliasName) != "alias/aws/backup" || aws.ToString(aliases.Aliases[0].TargetKeyId) != aws.ToString(first.KeyMetadata.KeyId) {
		t.Errorf("ListAliases = %+v", aliases.Aliases)
	}
	if _, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/nosuchservice")}); errorCode(err) != "NotFoundException" {
		t.Errorf("DescribeKey(alias/aws/nosuchservice) = %v, want NotFoundException", err)
	}
	// AWS managed keys cannot be used from other accounts.
	other := kmsTestClient(t, srv, "222222222222")
	if _, err := other.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: first.KeyMetadata.Arn}); errorCode(err) != "AccessDeniedException" {
		t.Errorf("cross-account DescribeKey of an AWS managed key = %v, want AccessDeniedException", err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: first.KeyMetadata.KeyId}); errorCode(err) != "AccessDeniedException" {
		t.Errorf("ScheduleKeyDeletion of an AWS managed key = %v, want AccessDeniedException", err)
	}
}

func TestKMSListKeysPagination(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	want := map[string]bool{}
	for range 7 {
		want[aws.ToString(kmsMustCreateKey(t, c, nil).KeyId)] = true
	}
	got := map[string]bool{}
	pages := 0
	p := awskms.NewListKeysPaginator(c, &awskms.ListKeysInput{Limit: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListKeys: %v", err)
		}
		pages++
		if len(out.Keys) > 3 {
			t.Errorf("page has %d keys, limit 3", len(out.Keys))
		}
		if out.Truncated != (out.NextMarker != nil) {
			t.Errorf("Truncated = %v with NextMarker %v", out.Truncated, out.NextMarker)
		}
		for _, k := range out.Keys {
			got[aws.ToString(k.KeyId)] = true
			if !strings.HasSuffix(aws.ToString(k.KeyArn), aws.ToString(k.KeyId)) {
				t.Errorf("KeyArn %q does not end with KeyId %q", aws.ToString(k.KeyArn), aws.ToString(k.KeyId))
			}
		}
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("listed keys mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.ListKeys(ctx, &awskms.ListKeysInput{Marker: aws.String("bogus!")}); errorCode(err) != "InvalidMarkerException" {
		t.Errorf("ListKeys(bad marker) = %v, want InvalidMarkerException", err)
	}
	if _, err := c.ListKeys(ctx, &awskms.ListKeysInput{Limit: aws.Int32(1001)}); errorCode(err) != "ValidationException" {
		t.Errorf("ListKeys(limit 1001) = %v, want ValidationException", err)
	}
	// Keys are per account.
	out, err := kmsTestClient(t, srv, "333333333333").ListKeys(ctx, &awskms.ListKeysInput{})
	if err != nil || len(out.Keys) != 0 {
		t.Errorf("ListKeys in another account = %v, %v; want none", out, err)
	}
}

func TestKMSPutKeyPolicy(t *testing.T) {
	t.Parallel()
	const custom = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}`
	for name, tc := range map[string]struct {
		in   func(id string) *awskms.PutKeyPolicyInput
		code string
	}{
		"ok": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(custom)}
		}, ""},
		"named default": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(custom), PolicyName: aws.String("default")}
		}, ""},
		"invalid json": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(`{"Statement":`)}
		}, "MalformedPolicyDocumentException"},
		"no statement": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(`{"Version":"2012-10-17"}`)}
		}, "MalformedPolicyDocumentException"},
		"missing key": {func(string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: aws.String("11111111-2222-4333-a444-555555555555"), Policy: aws.String(custom)}
		}, "NotFoundException"},
		"other name": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(custom), PolicyName: aws.String("x")}
		}, "NotFoundException"},
		"lockout": {func(id string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: &id, Policy: aws.String(kmsCrossAccountPolicy("333333333333", "444444444444"))}
		}, "MalformedPolicyDocumentException"},
		"alias not used": {func(string) *awskms.PutKeyPolicyInput {
			return &awskms.PutKeyPolicyInput{KeyId: aws.String("alias/k"), Policy: aws.String(custom)}
		}, "NotFoundException"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			c := kmsTestClient(t, srv, "222222222222")
			ctx := context.Background()
			md := kmsMustCreateKey(t, c, nil)
			if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/k"), TargetKeyId: md.KeyId}); err != nil {
				t.Fatal(err)
			}
			in := tc.in(aws.ToString(md.KeyId))
			_, err := c.PutKeyPolicy(ctx, in)
			if got := errorCode(err); got != tc.code {
				t.Fatalf("PutKeyPolicy error code = %q, want %q (%v)", got, tc.code, err)
			}
			pol, err := c.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: md.KeyId})
			if err != nil {
				t.Fatal(err)
			}
			changed := aws.ToString(pol.Policy) == custom
			if changed != (tc.code == "") {
				t.Errorf("policy changed = %v after error %q", changed, tc.code)
			}
		})
	}
}

func TestKMSAliases(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	k1 := kmsMustCreateKey(t, c, nil)
	k2 := kmsMustCreateKey(t, c, nil)

	create := map[string]struct {
		name, target string
		code         string
	}{
		"no prefix":       {"vault", aws.ToString(k1.KeyId), "InvalidAliasNameException"},
		"reserved prefix": {"alias/aws/mine", aws.ToString(k1.KeyId), "NotAuthorizedException"},
		"bad characters":  {"alias/a b", aws.ToString(k1.KeyId), "ValidationException"},
		"missing target":  {"alias/x", "11111111-2222-4333-a444-555555555555", "NotFoundException"},
	}
	for name, tc := range create {
		if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String(tc.name), TargetKeyId: aws.String(tc.target)}); errorCode(err) != tc.code {
			t.Errorf("%s: CreateAlias(%q) = %v, want %s", name, tc.name, err, tc.code)
		}
	}
	for _, n := range []string{"alias/a", "alias/b"} {
		if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String(n), TargetKeyId: k1.Arn}); err != nil {
			t.Fatalf("CreateAlias(%s): %v", n, err)
		}
	}
	var ae *kmstypes.AlreadyExistsException
	if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/a"), TargetKeyId: k2.KeyId}); !errors.As(err, &ae) {
		t.Errorf("duplicate CreateAlias = %v, want AlreadyExistsException", err)
	}
	if _, err := c.UpdateAlias(ctx, &awskms.UpdateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: k2.KeyId}); err != nil {
		t.Fatalf("UpdateAlias: %v", err)
	}
	var nf *kmstypes.NotFoundException
	if _, err := c.UpdateAlias(ctx, &awskms.UpdateAliasInput{AliasName: aws.String("alias/none"), TargetKeyId: k2.KeyId}); !errors.As(err, &nf) {
		t.Errorf("UpdateAlias(missing) = %v, want NotFoundException", err)
	}

	list := func(in *awskms.ListAliasesInput) map[string]string {
		t.Helper()
		out, err := c.ListAliases(ctx, in)
		if err != nil {
			t.Fatalf("ListAliases: %v", err)
		}
		m := map[string]string{}
		for _, a := range out.Aliases {
			m[aws.ToString(a.AliasName)] = aws.ToString(a.TargetKeyId)
			if want := "arn:aws:kms:us-east-1:222222222222:" + aws.ToString(a.AliasName); aws.ToString(a.AliasArn) != want {
				t.Errorf("AliasArn = %q, want %q", aws.ToString(a.AliasArn), want)
			}
		}
		return m
	}
	if diff := cmp.Diff(map[string]string{"alias/a": *k1.KeyId, "alias/b": *k2.KeyId}, list(&awskms.ListAliasesInput{})); diff != "" {
		t.Errorf("ListAliases mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"alias/b": *k2.KeyId}, list(&awskms.ListAliasesInput{KeyId: k2.KeyId})); diff != "" {
		t.Errorf("ListAliases(KeyId) mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: aws.String("alias/a")}); err != nil {
		t.Fatalf("DeleteAlias: %v", err)
	}
	if _, err := c.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: aws.String("alias/a")}); !errors.As(err, &nf) {
		t.Errorf("second DeleteAlias = %v, want NotFoundException", err)
	}
	if diff := cmp.Diff(map[string]string{"alias/b": *k2.KeyId}, list(&awskms.ListAliasesInput{})); diff != "" {
		t.Errorf("ListAliases after delete mismatch (-want +got):\n%s", diff)
	}
}

func TestKMSKeyRotation(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	st, err := c.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: md.KeyId})
	if err != nil || st.KeyRotationEnabled {
		t.Fatalf("GetKeyRotationStatus before enabling = %+v, %v", st, err)
	}
	if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: md.KeyId, RotationPeriodInDays: aws.Int32(30)}); errorCode(err) != "ValidationException" {
		t.Errorf("EnableKeyRotation(30 days) = %v, want ValidationException", err)
	}
	if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: md.KeyId}); err != nil {
		t.Fatalf("EnableKeyRotation: %v", err)
	}
	st, err = c.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: md.Arn})
	if err != nil {
		t.Fatalf("GetKeyRotationStatus: %v", err)
	}
	if !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 365 || !aws.ToTime(st.NextRotationDate).Equal(srv.Now().AddDate(0, 0, 365)) || aws.ToString(st.KeyId) != aws.ToString(md.Arn) {
		t.Errorf("GetKeyRotationStatus = enabled %v, period %d, next %v, key %q", st.KeyRotationEnabled, aws.ToInt32(st.RotationPeriodInDays), st.NextRotationDate, aws.ToString(st.KeyId))
	}
	if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: aws.String("11111111-2222-4333-a444-555555555555")}); errorCode(err) != "NotFoundException" {
		t.Errorf("EnableKeyRotation(missing) = %v, want NotFoundException", err)
	}
}

func TestKMSTagResource(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, &awskms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("b"), TagValue: aws.String("1")}}})
	if _, err := c.TagResource(ctx, &awskms.TagResourceInput{KeyId: md.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("a"), TagValue: aws.String("2")}, {TagKey: aws.String("b"), TagValue: aws.String("3")}}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	var tagErr *kmstypes.TagException
	if _, err := c.TagResource(ctx, &awskms.TagResourceInput{KeyId: md.KeyId, Tags: []kmstypes.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("1")}}}); !errors.As(err, &tagErr) {
		t.Errorf("TagResource(aws:) = %v, want TagException", err)
	}
	var got []string
	p := awskms.NewListResourceTagsPaginator(c, &awskms.ListResourceTagsInput{KeyId: md.KeyId, Limit: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListResourceTags: %v", err)
		}
		for _, tg := range out.Tags {
			got = append(got, aws.ToString(tg.TagKey)+"="+aws.ToString(tg.TagValue))
		}
	}
	if diff := cmp.Diff([]string{"a=2", "b=3"}, got); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
}

func TestKMSGrants(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	g1, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.KeyId, GranteePrincipal: aws.String("arn:aws:iam::222222222222:role/backup"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationGenerateDataKey}, Name: aws.String("copy")})
	if err != nil {
		t.Fatalf("CreateGrant: %v", err)
	}
	if len(aws.ToString(g1.GrantId)) != 64 || aws.ToString(g1.GrantToken) == "" {
		t.Errorf("CreateGrant = id %q token %q", aws.ToString(g1.GrantId), aws.ToString(g1.GrantToken))
	}
	// Same name and settings: the same grant.
	again, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.KeyId, GranteePrincipal: aws.String("arn:aws:iam::222222222222:role/backup"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationGenerateDataKey}, Name: aws.String("copy")})
	if err != nil || aws.ToString(again.GrantId) != aws.ToString(g1.GrantId) {
		t.Errorf("repeated CreateGrant = %v, %v; want grant %s", again, err, aws.ToString(g1.GrantId))
	}
	if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.Arn, GranteePrincipal: aws.String("arn:aws:iam::333333333333:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationEncrypt}}); err != nil {
		t.Fatalf("CreateGrant by ARN: %v", err)
	}
	if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.KeyId, GranteePrincipal: aws.String("x"), Operations: []kmstypes.GrantOperation{"Fly"}}); errorCode(err) != "ValidationException" {
		t.Errorf("CreateGrant(bad operation) = %v, want ValidationException", err)
	}
	if _, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.KeyId, GranteePrincipal: aws.String("x"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}, DryRun: aws.Bool(true)}); errorCode(err) != "DryRunOperationException" {
		t.Errorf("CreateGrant(DryRun) = %v, want DryRunOperationException", err)
	}
	all, err := c.ListGrants(ctx, &awskms.ListGrantsInput{KeyId: md.KeyId})
	if err != nil || len(all.Grants) != 2 {
		t.Fatalf("ListGrants = %+v, %v; want 2 grants", all, err)
	}
	one, err := c.ListGrants(ctx, &awskms.ListGrantsInput{KeyId: md.KeyId, GrantId: g1.GrantId})
	if err != nil || len(one.Grants) != 1 {
		t.Fatalf("ListGrants(GrantId) = %+v, %v", one, err)
	}
	g := one.Grants[0]
	if aws.ToString(g.KeyId) != aws.ToString(md.Arn) || aws.ToString(g.Name) != "copy" || aws.ToString(g.IssuingAccount) != "arn:aws:iam::222222222222:root" || len(g.Operations) != 2 {
		t.Errorf("grant = %+v", g)
	}
	if _, err := c.ListGrants(ctx, &awskms.ListGrantsInput{KeyId: md.KeyId, GrantId: aws.String("0000")}); errorCode(err) != "InvalidGrantIdException" {
		t.Errorf("ListGrants(unknown GrantId) = %v, want InvalidGrantIdException", err)
	}
	pages := 0
	p := awskms.NewListGrantsPaginator(c, &awskms.ListGrantsInput{KeyId: md.KeyId, Limit: aws.Int32(1)})
	for p.HasMorePages() {
		if _, err := p.NextPage(ctx); err != nil {
			t.Fatalf("ListGrants page: %v", err)
		}
		pages++
	}
	if pages != 2 {
		t.Errorf("ListGrants pages = %d, want 2", pages)
	}
}

func TestKMSScheduleKeyDeletion(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		days     *int32
		code     string
		wantDays int32
	}{
		"default 30": {nil, "", 30},
		"7":          {aws.Int32(7), "", 7},
		"30":         {aws.Int32(30), "", 30},
		"6":          {aws.Int32(6), "ValidationException", 0},
		"31":         {aws.Int32(31), "ValidationException", 0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			c := kmsTestClient(t, srv, "222222222222")
			ctx := context.Background()
			md := kmsMustCreateKey(t, c, nil)
			out, err := c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: md.KeyId, PendingWindowInDays: tc.days})
			if got := errorCode(err); got != tc.code {
				t.Fatalf("ScheduleKeyDeletion error code = %q, want %q (%v)", got, tc.code, err)
			}
			if err != nil {
				return
			}
			wantDate := srv.Now().AddDate(0, 0, int(tc.wantDays))
			if out.KeyState != kmstypes.KeyStatePendingDeletion || aws.ToInt32(out.PendingWindowInDays) != tc.wantDays || !aws.ToTime(out.DeletionDate).Equal(wantDate) || aws.ToString(out.KeyId) != aws.ToString(md.Arn) {
				t.Errorf("ScheduleKeyDeletion = state %s, days %d, date %v, key %s", out.KeyState, aws.ToInt32(out.PendingWindowInDays), out.DeletionDate, aws.ToString(out.KeyId))
			}
			d, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId})
			if err != nil {
				t.Fatal(err)
			}
			if d.KeyMetadata.Enabled || d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion || !aws.ToTime(d.KeyMetadata.DeletionDate).Equal(wantDate) {
				t.Errorf("DescribeKey after scheduling = %+v", d.KeyMetadata)
			}
			var inv *kmstypes.KMSInvalidStateException
			if _, err := c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: md.KeyId}); !errors.As(err, &inv) {
				t.Errorf("second ScheduleKeyDeletion = %v, want KMSInvalidStateException", err)
			}
			if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: md.KeyId}); !errors.As(err, &inv) {
				t.Errorf("EnableKeyRotation on a key pending deletion = %v, want KMSInvalidStateException", err)
			}
		})
	}
}

// kmsCrossAccountPolicy allows account other to use the key, the way a
// central backup vault key policy does.
func kmsCrossAccountPolicy(owner, other string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"},
{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["kms:DescribeKey","kms:CreateGrant","kms:Decrypt"],"Resource":"*"}]}`, owner, other)
}

func TestKMSCrossAccount(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	owner := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	private := kmsMustCreateKey(t, owner, nil)
	shared := kmsMustCreateKey(t, owner, &awskms.CreateKeyInput{Policy: aws.String(kmsCrossAccountPolicy("222222222222", "333333333333"))})
	other := kmsTestClient(t, srv, "333333333333")
	for name, tc := range map[string]struct {
		call func() error
		code string
	}{
		"describe by key id is local": {func() error {
			_, err := other.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: shared.KeyId})
			return err
		}, "NotFoundException"},
		"describe private key": {func() error {
			_, err := other.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: private.Arn})
			return err
		}, "AccessDeniedException"},
		"grant on private key": {func() error {
			_, err := other.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: private.Arn, GranteePrincipal: aws.String("arn:aws:iam::333333333333:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
			return err
		}, "AccessDeniedException"},
		"get key policy is never cross-account": {func() error {
			_, err := other.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: shared.Arn})
			return err
		}, "NotFoundException"},
		"describe shared key": {func() error {
			_, err := other.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: shared.Arn})
			return err
		}, ""},
		"grant on shared key": {func() error {
			_, err := other.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: shared.Arn, GranteePrincipal: aws.String("arn:aws:iam::333333333333:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
			return err
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			if got := errorCode(tc.call()); got != tc.code {
				t.Errorf("error code = %q, want %q", got, tc.code)
			}
		})
	}
}

func TestKMSDisableKeyRotation(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	must(c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: md.KeyId, RotationPeriodInDays: aws.Int32(180)}))(t, "EnableKeyRotation")
	must(c.DisableKeyRotation(ctx, &awskms.DisableKeyRotationInput{KeyId: md.Arn}))(t, "DisableKeyRotation")
	st := must(c.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: md.KeyId}))(t, "GetKeyRotationStatus")
	if st.KeyRotationEnabled || st.RotationPeriodInDays != nil || st.NextRotationDate != nil {
		t.Errorf("GetKeyRotationStatus after disabling = enabled %v, period %v, next %v; want disabled with no period or date", st.KeyRotationEnabled, st.RotationPeriodInDays, st.NextRotationDate)
	}
	// Disabling twice is not an error.
	must(c.DisableKeyRotation(ctx, &awskms.DisableKeyRotationInput{KeyId: md.KeyId}))(t, "second DisableKeyRotation")

	managed := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/backup")}))(t, "DescribeKey(alias/aws/backup)")
	pending := kmsMustCreateKey(t, c, nil)
	must(c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: pending.KeyId}))(t, "ScheduleKeyDeletion")
	other := kmsTestClient(t, srv, "333333333333")
	for name, tc := range map[string]struct {
		client *awskms.Client
		key    *string
		code   string
	}{
		"missing key":         {c, aws.String("11111111-2222-4333-a444-555555555555"), "NotFoundException"},
		"pending deletion":    {c, pending.KeyId, "KMSInvalidStateException"},
		"AWS managed key":     {c, managed.KeyMetadata.KeyId, "AccessDeniedException"},
		"other account's key": {other, md.Arn, "NotFoundException"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.client.DisableKeyRotation(ctx, &awskms.DisableKeyRotationInput{KeyId: tc.key})
			if got := errorCode(err); got != tc.code {
				t.Errorf("DisableKeyRotation error code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
	var inv *kmstypes.KMSInvalidStateException
	if _, err := c.DisableKeyRotation(ctx, &awskms.DisableKeyRotationInput{KeyId: pending.KeyId}); !errors.As(err, &inv) {
		t.Errorf("DisableKeyRotation on a key pending deletion = %v, want KMSInvalidStateException", err)
	}
}

func TestKMSUpdateKeyDescription(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, &awskms.CreateKeyInput{Description: aws.String("old")})
	for name, desc := range map[string]string{"new text": "central backup vault key", "empty": "", "8192 characters": strings.Repeat("d", 8192)} {
		t.Run(name, func(t *testing.T) {
			srv := newTestServer(t)
			c := kmsTestClient(t, srv, "222222222222")
			md := kmsMustCreateKey(t, c, &awskms.CreateKeyInput{Description: aws.String("old")})
			must(c.UpdateKeyDescription(ctx, &awskms.UpdateKeyDescriptionInput{KeyId: md.Arn, Description: aws.String(desc)}))(t, "UpdateKeyDescription")
			got := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId}))(t, "DescribeKey")
			if diff := cmp.Diff(desc, aws.ToString(got.KeyMetadata.Description)); diff != "" {
				t.Errorf("Description after UpdateKeyDescription (-want +got):\n%s", diff)
			}
		})
	}

	managed := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/backup")}))(t, "DescribeKey(alias/aws/backup)")
	pending := kmsMustCreateKey(t, c, nil)
	must(c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: pending.KeyId}))(t, "ScheduleKeyDeletion")
	other := kmsTestClient(t, srv, "333333333333")
	for name, tc := range map[string]struct {
		client *awskms.Client
		key    *string
		desc   string
		code   string
	}{
		"missing key":         {c, aws.String("11111111-2222-4333-a444-555555555555"), "x", "NotFoundException"},
		"pending deletion":    {c, pending.KeyId, "x", "KMSInvalidStateException"},
		"AWS managed key":     {c, managed.KeyMetadata.KeyId, "x", "AccessDeniedException"},
		"other account's key": {other, md.Arn, "x", "NotFoundException"},
		"too long":            {c, md.KeyId, strings.Repeat("d", 8193), "ValidationException"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.client.UpdateKeyDescription(ctx, &awskms.UpdateKeyDescriptionInput{KeyId: tc.key, Description: aws.String(tc.desc)})
			if got := errorCode(err); got != tc.code {
				t.Errorf("UpdateKeyDescription error code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}
	got := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId}))(t, "DescribeKey")
	if d := aws.ToString(got.KeyMetadata.Description); d != "old" {
		t.Errorf("Description after failed updates = %q, want %q", d, "old")
	}
}

// TestKMSCancelKeyDeletion: cancelling leaves the key Disabled ("When this
// operation succeeds, the key state of the KMS key is Disabled",
// CancelKeyDeletion), usable again after EnableKey and not deleted when the
// old deletion date passes; a key not pending deletion is refused.
func TestKMSCancelKeyDeletion(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	var inv *kmstypes.KMSInvalidStateException
	if _, err := c.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: md.KeyId}); !errors.As(err, &inv) {
		t.Errorf("CancelKeyDeletion of an enabled key = %v, want KMSInvalidStateException", err)
	}
	must(c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: md.KeyId, PendingWindowInDays: aws.Int32(7)}))(t, "ScheduleKeyDeletion")
	out := must(c.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: md.KeyId}))(t, "CancelKeyDeletion")
	if aws.ToString(out.KeyId) != aws.ToString(md.Arn) {
		t.Errorf("CancelKeyDeletion KeyId = %s, want %s", aws.ToString(out.KeyId), aws.ToString(md.Arn))
	}
	srv.Advance(8 * 24 * time.Hour)
	d := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId}))(t, "DescribeKey")
	if d.KeyMetadata.KeyState != kmstypes.KeyStateDisabled || d.KeyMetadata.DeletionDate != nil {
		t.Errorf("after CancelKeyDeletion: state %s, deletion date %v; want Disabled and none", d.KeyMetadata.KeyState, d.KeyMetadata.DeletionDate)
	}
	must(c.EnableKey(ctx, &awskms.EnableKeyInput{KeyId: md.KeyId}))(t, "EnableKey")
}

// TestKMSDisableEnableKey: a disabled key cannot take grants (DisabledException).
func TestKMSDisableEnableKey(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	c := kmsTestClient(t, srv, "222222222222")
	ctx := context.Background()
	md := kmsMustCreateKey(t, c, nil)
	must(c.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: md.KeyId}))(t, "DisableKey")
	d := must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId}))(t, "DescribeKey")
	if d.KeyMetadata.Enabled || d.KeyMetadata.KeyState != kmstypes.KeyStateDisabled {
		t.Errorf("after DisableKey: enabled %v, state %s", d.KeyMetadata.Enabled, d.KeyMetadata.KeyState)
	}
	var disabled *kmstypes.DisabledException
	_, err := c.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: md.KeyId, GranteePrincipal: aws.String("arn:aws:iam::222222222222:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
	if !errors.As(err, &disabled) {
		t.Errorf("CreateGrant on a disabled key = %v, want DisabledException", err)
	}
	must(c.EnableKey(ctx, &awskms.EnableKeyInput{KeyId: md.KeyId}))(t, "EnableKey")
	d = must(c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: md.KeyId}))(t, "DescribeKey")
	if !d.KeyMetadata.Enabled {
		t.Errorf("after EnableKey: state %s", d.KeyMetadata.KeyState)
	}
}
