package vault

import (
	"encoding/json"
)

// PolicyDocument is an IAM-style policy document: a KMS key policy, a
// backup vault access policy or an SNS topic policy.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a PolicyDocument.
type Statement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    string                         `json:"Effect"`
	Principal map[string][]string            `json:"Principal,omitempty"`
	Action    []string                       `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// String returns the document as indented JSON with a stable key order.
func (p PolicyDocument) String() string {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		// Only strings, slices and maps of strings: cannot fail.
		return ""
	}
	return string(b)
}

func rootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// keyUseActions are what a principal needs to encrypt and decrypt backups
// with a customer managed key ("Encryption for backups in AWS Backup";
// "Creating backup copies across AWS accounts": the source key must allow
// the destination account kms:Decrypt, kms:Encrypt, kms:ReEncrypt*,
// kms:GenerateDataKey* and kms:DescribeKey).
var keyUseActions = []string{
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKey*",
	"kms:ReEncrypt*",
}

// grantForResourceCondition limits kms:CreateGrant to grants for AWS
// services ("Creating backup copies across AWS accounts" and the KMS
// Developer Guide's "kms:GrantIsForAWSResource").
var grantForResourceCondition = map[string][]string{"kms:GrantIsForAWSResource": {"true"}}

// keyAdminStatement lets the account's IAM policies control the key, as
// KMS's default key policy does ("Default key policy", KMS Developer
// Guide); it also keeps the policy lockout safety check satisfied.
func keyAdminStatement(account string) Statement {
	return Statement{
		Sid:       "EnableIAMPolicies",
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {rootARN(account)}},
		Action:    []string{"kms:*"},
		Resource:  "*",
	}
}

// backupServiceStatements let principals of account use the key through
// AWS Backup only (kms:ViaService, "AWS KMS condition keys").
func backupServiceStatements(account, region string) []Statement {
	via := map[string][]string{
		"kms:CallerAccount": {account},
		"kms:ViaService":    {"backup." + region + ".amazonaws.com"},
	}
	return []Statement{
		{
			Sid:       "AllowAWSBackupUse",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    keyUseActions,
			Resource:  "*",
			Condition: map[string]map[string][]string{"StringEquals": via},
		},
		{
			Sid:       "AllowAWSBackupGrants",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    []string{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string][]string{
				"StringEquals": via,
				"Bool":         grantForResourceCondition,
			},
		},
	}
}

// WorkloadKeyPolicy returns the key policy of a workload account's backup
// key: the account's IAM policies administer it, AWS Backup uses it in the
// account (kms:ViaService backup.REGION.amazonaws.com), and the backup
// account may use it to copy recovery points to and from the central vault
// ("Encryption for backups in AWS Backup"; "Creating backup copies across
// AWS accounts").
func WorkloadKeyPolicy(account, region, backupAccount string) string {
	st := []Statement{keyAdminStatement(account)}
	st = append(st, backupServiceStatements(account, region)...)
	st = append(st,
		Statement{
			Sid:       "AllowBackupAccountCopies",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {rootARN(backupAccount)}},
			Action:    keyUseActions,
			Resource:  "*",
		},
		Statement{
			Sid:       "AllowBackupAccountGrants",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {rootARN(backupAccount)}},
			Action:    []string{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string][]string{"Bool": grantForResourceCondition},
		},
	)
	return PolicyDocument{Version: "2012-10-17", Statement: st}.String()
}

// CentralKeyPolicy returns the key policy of the backup account's central
// vault key: the account's IAM policies administer it, AWS Backup uses it
// in the account, and every account of the organization orgID may use it
// to copy recovery points into the central vault (aws:PrincipalOrgID,
// "AWS global condition context keys"; "Creating backup copies across AWS
// accounts").
func CentralKeyPolicy(account, region, orgID string) string {
	org := map[string][]string{"aws:PrincipalOrgID": {orgID}}
	st := []Statement{keyAdminStatement(account)}
	st = append(st, backupServiceStatements(account, region)...)
	st = append(st,
		Statement{
			Sid:       "AllowOrganizationCopies",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    keyUseActions,
			Resource:  "*",
			Condition: map[string]map[string][]string{"StringEquals": org},
		},
		Statement{
			Sid:       "AllowOrganizationGrants",
			Effect:    "Allow",
			Principal: map[string][]string{"AWS": {"*"}},
			Action:    []string{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string][]string{
				"StringEquals": org,
				"Bool":         grantForResourceCondition,
			},
		},
	)
	return PolicyDocument{Version: "2012-10-17", Statement: st}.String()
}

// CentralVaultAccessPolicy returns the access policy of the central
// vault: any principal of the organization orgID may copy recovery points
// into it ("Vault access policies", example "Allow access to a backup
// vault from an organization"), followed by the extra statements (for
// instance DenyRecoveryPointChanges).
func CentralVaultAccessPolicy(orgID string, extra ...Statement) string {
	st := []Statement{{
		Sid:       "AllowOrganizationCopyInto",
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {"*"}},
		Action:    []string{"backup:CopyIntoBackupVault"},
		Resource:  "*",
		Condition: map[string]map[string][]string{"StringEquals": {"aws:PrincipalOrgID": {orgID}}},
	}}
	return PolicyDocument{Version: "2012-10-17", Statement: append(st, extra...)}.String()
}

// WorkloadVaultAccessPolicy returns the access policy of a workload
// account's vault: the backup account may copy recovery points back into
// it for restores ("Creating backup copies across AWS accounts": the
// destination vault must allow backup:CopyIntoBackupVault), followed by
// the extra statements.
func WorkloadVaultAccessPolicy(backupAccount string, extra ...Statement) string {
	st := []Statement{{
		Sid:       "AllowBackupAccountCopyInto",
		Effect:    "Allow",
		Principal: map[string][]string{"AWS": {rootARN(backupAccount)}},
		Action:    []string{"backup:CopyIntoBackupVault"},
		Resource:  "*",
	}}
	return PolicyDocument{Version: "2012-10-17", Statement: append(st, extra...)}.String()
}

// DenyRecoveryPointChanges returns a vault access policy statement that
// denies deleting recovery points and changing their lifecycle to every
// principal except adminARNs (compared with aws:PrincipalArn, which is a
// role's ARN for a role session; ArnNotLike allows wildcards). With no
// adminARNs it denies everyone. ("Vault access policies", example "Deny
// access to delete recovery points"; AWS Backup access policies do not
// accept wildcards in Action, so the actions are listed.)
func DenyRecoveryPointChanges(adminARNs ...string) Statement {
	s := Statement{
		Sid:       "DenyRecoveryPointChanges",
		Effect:    "Deny",
		Principal: map[string][]string{"AWS": {"*"}},
		Action:    []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"},
		Resource:  "*",
	}
	if len(adminARNs) > 0 {
		s.Condition = map[string]map[string][]string{"ArnNotLike": {"aws:PrincipalArn": append([]string(nil), adminARNs...)}}
	}
	return s
}

// TopicPolicy returns the access policy of the SNS topic AWS Backup
// publishes vault events to: the service principal backup.amazonaws.com
// may SNS:Publish to topicARN ("Using Amazon SNS to track AWS Backup
// events").
func TopicPolicy(topicARN string) string {
	return PolicyDocument{
		Version: "2008-10-17",
		ID:      "__default_policy_ID",
		Statement: []Statement{{
			Sid:       "__default_statement_ID",
			Effect:    "Allow",
			Principal: map[string][]string{"Service": {"backup.amazonaws.com"}},
			Action:    []string{"SNS:Publish"},
			Resource:  topicARN,
		}},
	}.String()
}
