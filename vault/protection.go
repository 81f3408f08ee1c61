package vault

import (
	"encoding/json"
	"slices"
)

// Protection names the roles exempt from the deny statements that keep an
// account's own administrators from deleting or weakening its backups
// (the spec's guardrails): the deploy role, which orgbackup changes its
// resources with, and the break-glass role. Roles are matched by name in
// any account, at any path, through aws:PrincipalArn (a role session's
// role ARN; "AWS global condition context keys", IAM User Guide).
type Protection struct {
	DeployRole     string
	BreakGlassRole string
}

// Sids of the protection statements, which name the rule that refused a
// call.
const (
	SidDenyRecoveryPointChanges = "DenyRecoveryPointChanges"
	SidDenyVaultChanges         = "DenyVaultChanges"
	SidDenyKeyDeletion          = "DenyKeyDeletion"
	SidDenyKeyPolicyChanges     = "DenyKeyPolicyChanges"
)

// rolePatterns are the aws:PrincipalArn patterns of a role name: at the
// root path or under any path (a role name holds no "/").
func rolePatterns(names ...string) []string {
	var out []string
	for _, n := range names {
		if n != "" {
			out = append(out, "arn:aws:iam::*:role/"+n, "arn:aws:iam::*:role/*/"+n)
		}
	}
	return out
}

// VaultStatements returns the deny statements of a vault's access policy:
// deleting recovery points or changing their lifecycle is denied to all
// but break-glass (orgbackup never does either), and deleting the vault,
// its access policy, lock or notifications, or replacing its access
// policy or lock, to all but the deploy and break-glass roles. A vault's
// access policy binds its own account's principals too ("Vault access
// policies", AWS Backup Developer Guide, example "Deny access to delete
// recovery points"); AWS Backup accepts no wildcards in its actions, so
// they are listed.
func (p Protection) VaultStatements() []Statement {
	vault := Statement{
		Sid:       SidDenyVaultChanges,
		Effect:    "Deny",
		Principal: map[string]Values{"AWS": {"*"}},
		Action: Values{"backup:DeleteBackupVault", "backup:DeleteBackupVaultAccessPolicy", "backup:DeleteBackupVaultLockConfiguration",
			"backup:DeleteBackupVaultNotifications", "backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration"},
		Resource:  "*",
		Condition: map[string]map[string]Values{"ArnNotLike": {"aws:PrincipalArn": rolePatterns(p.DeployRole, p.BreakGlassRole)}},
	}
	return []Statement{DenyRecoveryPointChanges(rolePatterns(p.BreakGlassRole)...), vault}
}

// KeyStatements returns the deny statements of a backup key's policy:
// scheduling its deletion or disabling it is denied to all but
// break-glass (a deleted key makes every recovery point it encrypts
// unreadable, and Vault Lock does not protect the key), and changing its
// policy or turning rotation off to all but the deploy and break-glass
// roles. "An explicit deny in a key policy ... overrides any allow"
// ("Key policies in AWS KMS", KMS Developer Guide).
func (p Protection) KeyStatements() []Statement {
	return []Statement{
		{
			Sid:       SidDenyKeyDeletion,
			Effect:    "Deny",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    Values{"kms:DisableKey", "kms:ScheduleKeyDeletion"},
			Resource:  "*",
			Condition: map[string]map[string]Values{"ArnNotLike": {"aws:PrincipalArn": rolePatterns(p.BreakGlassRole)}},
		},
		{
			Sid:       SidDenyKeyPolicyChanges,
			Effect:    "Deny",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    Values{"kms:DisableKeyRotation", "kms:PutKeyPolicy"},
			Resource:  "*",
			Condition: map[string]map[string]Values{"ArnNotLike": {"aws:PrincipalArn": rolePatterns(p.DeployRole, p.BreakGlassRole)}},
		},
	}
}

// WithStatements returns the policy document doc (as the policy
// functions of this package write it) with extra statements appended;
// doc itself when it does not parse.
func WithStatements(doc string, extra ...Statement) string {
	var d PolicyDocument
	if len(extra) == 0 || json.Unmarshal([]byte(doc), &d) != nil {
		return doc
	}
	d.Statement = append(d.Statement, extra...)
	return d.String()
}

// CopySources are who may copy recovery points into the central vault:
// the accounts below the tiers' OUs (aws:PrincipalOrgPaths patterns such
// as "o-abc/r-ab12/ou-ab12-prod1234/*") and the tiers' account targets
// (aws:PrincipalAccount).
type CopySources struct {
	OrgPaths []string
	Accounts []string
}

// CentralVaultCopyPolicy returns the access policy of the central vault
// that admits copies from the tiers' accounts only, not the whole
// organization: a compliance-locked vault nobody can empty for years must
// not take copies from accounts no tier covers ("Vault access policies",
// AWS Backup Developer Guide; aws:PrincipalOrgPaths and
// aws:PrincipalAccount, "AWS global condition context keys"), followed by
// the extra statements. With no sources it admits no copies.
func CentralVaultCopyPolicy(src CopySources, extra ...Statement) string {
	var st []Statement
	if paths := slices.Compact(slices.Sorted(slices.Values(src.OrgPaths))); len(paths) > 0 {
		st = append(st, Statement{
			Sid:       "AllowTierOUCopyInto",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": {"*"}},
			Action:    Values{"backup:CopyIntoBackupVault"},
			Resource:  "*",
			Condition: map[string]map[string]Values{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": paths}},
		})
	}
	if accounts := slices.Compact(slices.Sorted(slices.Values(src.Accounts))); len(accounts) > 0 {
		var roots Values
		for _, a := range accounts {
			roots = append(roots, rootARN(a))
		}
		st = append(st, Statement{
			Sid:       "AllowTierAccountCopyInto",
			Effect:    "Allow",
			Principal: map[string]Values{"AWS": roots},
			Action:    Values{"backup:CopyIntoBackupVault"},
			Resource:  "*",
		})
	}
	return PolicyDocument{Version: "2012-10-17", Statement: append(st, extra...)}.String()
}
