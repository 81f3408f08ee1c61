package vault_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/vault"
)

func parseDoc(t *testing.T, doc string) vault.PolicyDocument {
	t.Helper()
	var p vault.PolicyDocument
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy is not valid JSON: %v\n%s", err, doc)
	}
	return p
}

func TestPolicyBuilders(t *testing.T) {
	t.Parallel()
	use := vault.Values{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}
	grant := map[string]map[string]vault.Values{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}
	tests := []struct {
		name string
		doc  string
		want []vault.Statement
	}{
		{
			name: "workload key",
			doc:  vault.WorkloadKeyPolicy("333333333333", "eu-west-1", "222222222222"),
			want: []vault.Statement{
				{Sid: "EnableIAMPolicies", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::333333333333:root"}}, Action: vault.Values{"kms:*"}, Resource: "*"},
				{Sid: "AllowAWSBackupUse", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: use, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"kms:CallerAccount": {"333333333333"}, "kms:ViaService": {"backup.eu-west-1.amazonaws.com"}}}},
				{Sid: "AllowAWSBackupGrants", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: vault.Values{"kms:CreateGrant"}, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"kms:CallerAccount": {"333333333333"}, "kms:ViaService": {"backup.eu-west-1.amazonaws.com"}}, "Bool": grant["Bool"]}},
				{Sid: "AllowBackupAccountCopies", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::222222222222:root"}}, Action: use, Resource: "*"},
				{Sid: "AllowBackupAccountGrants", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::222222222222:root"}}, Action: vault.Values{"kms:CreateGrant"}, Resource: "*", Condition: grant},
			},
		},
		{
			name: "central key",
			doc:  vault.CentralKeyPolicy("222222222222", "us-east-1", "o-a1b2c3d4e5"),
			want: []vault.Statement{
				{Sid: "EnableIAMPolicies", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::222222222222:root"}}, Action: vault.Values{"kms:*"}, Resource: "*"},
				{Sid: "AllowAWSBackupUse", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: use, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"kms:CallerAccount": {"222222222222"}, "kms:ViaService": {"backup.us-east-1.amazonaws.com"}}}},
				{Sid: "AllowAWSBackupGrants", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: vault.Values{"kms:CreateGrant"}, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"kms:CallerAccount": {"222222222222"}, "kms:ViaService": {"backup.us-east-1.amazonaws.com"}}, "Bool": grant["Bool"]}},
				{Sid: "AllowOrganizationCopies", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: use, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"aws:PrincipalOrgID": {"o-a1b2c3d4e5"}, "kms:ViaService": {"backup.us-east-1.amazonaws.com"}}}},
				{Sid: "AllowOrganizationGrants", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: vault.Values{"kms:CreateGrant"}, Resource: "*",
					Condition: map[string]map[string]vault.Values{"StringEquals": {"aws:PrincipalOrgID": {"o-a1b2c3d4e5"}, "kms:ViaService": {"backup.us-east-1.amazonaws.com"}}, "Bool": grant["Bool"]}},
			},
		},
		{
			name: "central vault",
			doc:  vault.CentralVaultAccessPolicy("o-a1b2c3d4e5"),
			want: []vault.Statement{{Sid: "AllowOrganizationCopyInto", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}},
				Action: vault.Values{"backup:CopyIntoBackupVault"}, Resource: "*",
				Condition: map[string]map[string]vault.Values{"StringEquals": {"aws:PrincipalOrgID": {"o-a1b2c3d4e5"}}}}},
		},
		{
			name: "workload vault with deny",
			doc:  vault.WorkloadVaultAccessPolicy("222222222222", vault.DenyRecoveryPointChanges("arn:aws:iam::333333333333:role/A", "arn:aws:iam::333333333333:role/B")),
			want: []vault.Statement{
				{Sid: "AllowBackupAccountCopyInto", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::222222222222:root"}},
					Action: vault.Values{"backup:CopyIntoBackupVault"}, Resource: "*"},
				{Sid: "DenyRecoveryPointChanges", Effect: "Deny", Principal: map[string]vault.Values{"AWS": {"*"}},
					Action: vault.Values{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"}, Resource: "*",
					Condition: map[string]map[string]vault.Values{"ArnNotLike": {"aws:PrincipalArn": {"arn:aws:iam::333333333333:role/A", "arn:aws:iam::333333333333:role/B"}}}},
			},
		},
		{
			name: "deny for everyone",
			doc:  vault.PolicyDocument{Version: "2012-10-17", Statement: []vault.Statement{vault.DenyRecoveryPointChanges()}}.String(),
			want: []vault.Statement{{Sid: "DenyRecoveryPointChanges", Effect: "Deny", Principal: map[string]vault.Values{"AWS": {"*"}},
				Action: vault.Values{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"}, Resource: "*"}},
		},
		{
			name: "topic",
			doc:  vault.TopicPolicy("arn:aws:sns:us-east-1:222222222222:t"),
			want: []vault.Statement{{Sid: "__default_statement_ID", Effect: "Allow", Principal: map[string]vault.Values{"Service": {"backup.amazonaws.com"}},
				Action: vault.Values{"SNS:Publish"}, Resource: "arn:aws:sns:us-east-1:222222222222:t",
				Condition: map[string]map[string]vault.Values{"StringEquals": {"aws:SourceAccount": {"222222222222"}}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := parseDoc(t, tt.doc)
			if diff := cmp.Diff(tt.want, p.Statement); diff != "" {
				t.Errorf("statements mismatch (-want +got):\n%s", diff)
			}
			if _, err := vault.CanonicalPolicy(tt.doc); err != nil {
				t.Errorf("CanonicalPolicy() error = %v", err)
			}
		})
	}
}

func TestValuesJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    vault.Values
		want string
	}{
		{vault.Values{"a"}, `"a"`},
		{vault.Values{"a", "b"}, `["a","b"]`},
		{vault.Values{}, `[]`},
	} {
		b, err := json.Marshal(tt.v)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.v, b, err, tt.want)
		}
		var back vault.Values
		if err := json.Unmarshal(b, &back); err != nil || !slices.Equal(back, tt.v) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	var v vault.Values
	if err := json.Unmarshal([]byte(`{}`), &v); err == nil {
		t.Error("Unmarshal({}) error = nil")
	}
}

// TestWorkloadKeyPolicyCrossAccount checks the workload key policy where
// the emulator enforces key policies: the backup account may use the key,
// another account may not.
func TestWorkloadKeyPolicyCrossAccount(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	const workload = "333333333333"
	ctx := context.Background()
	owner := awskms.NewFromConfig(srv.Config(workload, testRegion))
	key, err := owner.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(vault.WorkloadKeyPolicy(workload, testRegion, emulator.BackupAccountID))})
	if err != nil {
		t.Fatalf("CreateKey() with WorkloadKeyPolicy error = %v", err)
	}
	arn := key.KeyMetadata.Arn
	// The owner can still change the policy (the lockout safety check
	// passed at creation, and passes again).
	if _, err := owner.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: arn, PolicyName: aws.String("default"),
		Policy: aws.String(vault.WorkloadKeyPolicy(workload, testRegion, emulator.BackupAccountID))}); err != nil {
		t.Errorf("PutKeyPolicy() by the owner error = %v", err)
	}
	backupAcct := awskms.NewFromConfig(srv.Config(emulator.BackupAccountID, testRegion))
	if _, err := backupAcct.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: arn}); err != nil {
		t.Errorf("DescribeKey() from the backup account error = %v", err)
	}
	other := awskms.NewFromConfig(srv.Config("444444444444", testRegion))
	_, err = other.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: arn})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("DescribeKey() from another account error = %v, want AccessDeniedException", err)
	}
}
