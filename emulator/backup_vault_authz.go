package emulator

// Vault access policies bind the callers of the vault's own account too:
// "Assigning policies allows you to do things like grant access to users
// to create backup plans and on-demand backups, but limit their ability to
// delete recovery points after they're created" ("Vault access policies",
// AWS Backup Developer Guide, with its example "Deny access to delete
// recovery points"). The emulator does not evaluate identity policies, so
// within the account only an explicit Deny of the vault's policy decides;
// copies from other accounts are authorized by copy.go.

// vaultPolicyDenyLocked refuses a Backup call that names a vault of the
// caller's account whose access policy explicitly denies the action on
// the resource the call acts on (a recovery point, else the vault), with
// AWS's message for a resource-based policy deny ("Troubleshoot access
// denied error messages", IAM User Guide).
func (s *Server) vaultPolicyDenyLocked(c *Call, in any) error {
	if c.Service != "backup" || c.Account == "" {
		return nil
	}
	name := inputString(in, "BackupVaultName")
	if name == "" {
		name = inputString(in, "SourceBackupVaultName")
	}
	if name == "" {
		return nil
	}
	if acct := inputString(in, "BackupVaultAccountId"); acct != "" && acct != c.Account {
		return nil
	}
	b := s.backup[regionKey{c.Account, c.Region}]
	if b == nil {
		return nil
	}
	v := b.vaults[name]
	if v == nil || v.policy == nil {
		return nil
	}
	action := "backup:" + c.Operation
	resource := v.arn
	if rp := inputString(in, "RecoveryPointArn"); rp != "" {
		resource = rp
	}
	if s.resourcePolicyDecisionLocked(*v.policy, c, action, resource, nil) != decisionDeny {
		return nil
	}
	return s.accessDenied(c, "User: "+c.Caller.ARN+" is not authorized to perform: "+action+" on resource: "+resource+
		" with an explicit deny in a resource-based policy")
}
