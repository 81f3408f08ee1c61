package vault

import (
	"encoding/json"
	"strings"
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
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]Values            `json:"Principal,omitempty"`
	Action    Values                       `json:"Action"`
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]Values `json:"Condition,omitempty"`
}

// Values is a policy element that holds one or more strings. It is
// written as a plain string when it has one element, as AWS's examples
// write it, and as a list otherwise (IAM treats both alike).
type Values []string

// MarshalJSON writes a single value as a string.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON reads a string or a list of strings.
func (v *Values) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = Values{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*v = l
	return nil
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
var keyUseActions = Values{
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKey*",
	"kms:ReEncrypt*",
}

// grantForResourceCondition limits kms:CreateGrant to grants for AWS
// services ("Creating backup copies across AWS accounts" and the KMS
// Developer Guide's "kms:GrantIsForAWSResource").
var grantForResourceCondition = map[string]Values{"kms:GrantIsForAWSResource": {"true"}}

// keyAdminStatement lets the account's IAM policies control the key, as
// KMS's default key policy does ("Default key policy", KMS Developer
// Guide); it also keeps the policy lockout safety check satisfied.
func keyAdminStatement(account string) Statement {
	return Statement{
		Sid:       "EnableIAMPolicies",
		Effect:    "Allow",
		Principal: map[string]Values{"AWS": {rootARN(account)}},
		Action:    Values{"kms:*"},
		Resource:  "*",
	}
}

// backupServiceStatements let principals of account use the key through
// AWS Backup only (kms:ViaService, "AWS KMS condition keys").
func backupServiceStatements(account, region string) []Statement {
	via := map[string]Values{
		"kms:CallerAccount": {account},
		"kms:ViaService":    {"backup." + region + ".amazonaws.com"},
	}
	return []Statement{
		{
			Sid:       "AllowAWSBackupUse",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    keyUseActions,
			Resource:  "*",
			Condition: map[string]map[string]Values{"StringEquals": via},
		},
		{
			Sid:       "AllowAWSBackupGrants",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    Values{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string]Values{
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
			Principal: map[string]Values{"AWS": {rootARN(backupAccount)}},
			Action:    keyUseActions,
			Resource:  "*",
		},
		Statement{
			Sid:       "AllowBackupAccountGrants",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {rootARN(backupAccount)}},
			Action:    Values{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string]Values{"Bool": grantForResourceCondition},
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
//
// The organization's accounts may use it only through AWS Backup
// (kms:ViaService): the key policy is what stops a workload account's
// administrator from decrypting central recovery points directly.
func CentralKeyPolicy(account, region, orgID string) string {
	org := map[string]Values{"aws:PrincipalOrgID": {orgID}, "kms:ViaService": {"backup." + region + ".amazonaws.com"}}
	st := []Statement{keyAdminStatement(account)}
	st = append(st, backupServiceStatements(account, region)...)
	st = append(st,
		Statement{
			Sid:       "AllowOrganizationCopies",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    keyUseActions,
			Resource:  "*",
			Condition: map[string]map[string]Values{"StringEquals": org},
		},
		Statement{
			Sid:       "AllowOrganizationGrants",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    Values{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]map[string]Values{
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
		Principal: map[string]Values{"AWS": {"*"}},
		Action:    Values{"backup:CopyIntoBackupVault"},
		Resource:  "*",
		Condition: map[string]map[string]Values{"StringEquals": {"aws:PrincipalOrgID": {orgID}}},
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
		Principal: map[string]Values{"AWS": {rootARN(backupAccount)}},
		Action:    Values{"backup:CopyIntoBackupVault"},
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
		Principal: map[string]Values{"AWS": {"*"}},
		Action:    Values{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"},
		Resource:  "*",
	}
	if len(adminARNs) > 0 {
		s.Condition = map[string]map[string]Values{"ArnNotLike": {"aws:PrincipalArn": append(Values(nil), adminARNs...)}}
	}
	return s
}

// TopicPolicy returns the access policy of the SNS topic AWS Backup
// publishes vault events to: the service principal backup.amazonaws.com
// may SNS:Publish to topicARN ("Using Amazon SNS to track AWS Backup
// events"), on behalf of the topic's own account only (aws:SourceAccount:
// "Cross-service confused deputy prevention" in the AWS Backup Developer
// Guide), so that no account outside it can send its vault events here.
func TopicPolicy(topicARN string) string {
	st := Statement{
		Sid:       "__default_statement_ID",
		Effect:    "Allow",
		Principal: map[string]Values{"Service": {"backup.amazonaws.com"}},
		Action:    Values{"SNS:Publish"},
		Resource:  topicARN,
	}
	// arn:aws:sns:REGION:ACCOUNT:NAME
	if parts := strings.SplitN(topicARN, ":", 6); len(parts) == 6 && parts[4] != "" {
		st.Condition = map[string]map[string]Values{"StringEquals": {"aws:SourceAccount": {parts[4]}}}
	}
	return PolicyDocument{Version: "2008-10-17", ID: "__default_policy_ID", Statement: []Statement{st}}.String()
}
