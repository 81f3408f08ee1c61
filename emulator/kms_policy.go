package emulator

import "strings"

// kmsPolicyAllows reports whether the key policy doc explicitly allows
// principal p to perform action on the key resourceARN (IAM User Guide,
// "Policy evaluation logic"; the key policy is the only resource policy of a
// KMS key, and KMS passes kms:CallerAccount to it, see "AWS KMS condition
// keys").
func kmsPolicyAllows(doc, resourceARN string, p Principal, action string) bool {
	d, err := evalPolicy(doc, policyResource, policyRequest{
		Principal: &policyPrincipal{Account: p.Account, ARN: p.ARN, RoleARN: p.RoleARN},
		Action:    action,
		Resource:  resourceARN,
		Context:   principalContext(p, map[string][]string{"kms:CallerAccount": {p.Account}}),
	})
	return err == nil && d == decisionAllow
}

// principalContext adds the global aws:Principal* condition keys of p to ctx.
func principalContext(p Principal, ctx map[string][]string) map[string][]string {
	if ctx == nil {
		ctx = map[string][]string{}
	}
	ctx["aws:PrincipalAccount"] = []string{p.Account}
	arn := p.ARN
	if p.RoleARN != "" {
		// aws:PrincipalArn of a role session is the role's ARN.
		arn = p.RoleARN
	}
	ctx["aws:PrincipalArn"] = []string{arn}
	return ctx
}

// arnAccount returns the account field of an ARN ("" when absent).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
