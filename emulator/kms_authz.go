package emulator

// kmsKeyPolicyDenyLocked refuses a call of the key's own account that the
// key policy explicitly denies. "Every KMS key must have exactly one key
// policy ... no AWS principal, including the account root user or key
// creator, has any permissions to a KMS key unless they are explicitly
// allowed in a key policy" ("Key policies in AWS KMS", KMS Developer
// Guide), and an explicit deny in it overrides any allow; that is how a
// key policy keeps an account's own administrators from scheduling the
// deletion of a key. The emulator does not evaluate identity policies, so
// within the account only an explicit Deny decides (the default key
// policy's statement for the account root stands for IAM's allow).
func (s *Server) kmsKeyPolicyDenyLocked(c *Call, k *kmsKey, action string) error {
	if k.account != c.Account || k.policy == "" {
		return nil
	}
	doc := s.parsedPolicyLocked(k.policy, policyResource)
	if doc == nil {
		return nil
	}
	ctx := s.requestContextLocked(c, k.arn)
	ctx["kms:CallerAccount"] = []string{c.Caller.Account}
	if doc.eval(policyRequest{Principal: callerPolicyPrincipal(c.Caller), Action: action, Resource: k.arn, Context: ctx}) != decisionDeny {
		return nil
	}
	return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s with an explicit deny in a resource-based policy", c.Caller.ARN, action, k.arn)
}
