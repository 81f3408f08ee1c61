package accessrole

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
)

// sessionOneHour is the session length of every role here: IAM's default
// and minimum MaxSessionDuration (3600 seconds, CreateRole API
// reference), and what role chaining allows anyway.
const sessionOneHour = 3600

// trust returns a trust policy that admits the principals (ARN patterns)
// only: the accounts they are in as Principal, narrowed to the patterns by
// aws:PrincipalArn. Naming the accounts rather than the roles keeps the
// policy valid while a trusted role does not exist yet (IAM refuses a
// trust policy that names a missing role) and lets patterns match SSO
// roles, whose names carry a random suffix. With mfa, the session must
// have been authenticated with MFA (aws:MultiFactorAuthPresent).
func trust(principals []string, mfa bool) json.RawMessage {
	var accounts []string
	for _, p := range principals {
		if f := strings.SplitN(p, ":", 6); len(f) == 6 {
			accounts = append(accounts, fmt.Sprintf("arn:%s:iam::%s:root", f[1], f[4]))
		}
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	pats := slices.Sorted(slices.Values(principals))
	cond := map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": pats}}
	if mfa {
		cond["Bool"] = map[string]any{"aws:MultiFactorAuthPresent": "true"}
	}
	return plan.JSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"AWS": accounts}, "Action": "sts:AssumeRole", "Condition": cond,
		}},
	})
}

// boundaryARN is the deploy role's boundary policy in account.
func boundaryARN(partition, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy%s%s", partition, account, githubiam.RolePath, githubiam.DeployBoundaryPolicy)
}

// Boundary is the deploy role's permissions boundary policy.
func Boundary(partition string) Policy {
	return Policy{Name: githubiam.DeployBoundaryPolicy, Path: githubiam.RolePath, Document: doc(githubiam.DeployBoundary(partition))}
}

// ReadOnly is the read-only role of an account: the engine's read
// actions, assumable by the principals that plan (and those that apply,
// which plan first).
func ReadOnly(principals []string, tags map[string]string) Role {
	return Role{
		Name: githubiam.ReadOnlyRole, Path: githubiam.RolePath,
		Description:       "orgbackup plan, drift and reports: reads only",
		Trust:             trust(principals, false),
		Inline:            map[string]json.RawMessage{"read": doc(githubiam.ReadOnlyPolicy())},
		MaxSessionSeconds: sessionOneHour, Tags: tags,
	}
}

// Deploy is the deploy role of a member account: exactly the engine's
// operations, narrowed by scope, bounded by Boundary, assumable by the
// principals that apply.
func Deploy(partition, account string, scope githubiam.Scope, principals []string, tags map[string]string) (Role, error) {
	p, err := githubiam.DeployPolicy(scope)
	if err != nil {
		return Role{}, err
	}
	return Role{
		Name: githubiam.DeployRole, Path: githubiam.RolePath,
		Description: "orgbackup apply: the engine's operations on orgbackup's resources",
		Trust:       trust(principals, false),
		Inline:      map[string]json.RawMessage{"deploy": doc(p)},
		Boundary:    boundaryARN(partition, account), MaxSessionSeconds: sessionOneHour, Tags: tags,
	}, nil
}

// ManagementDeploy is the deploy role of the management account: only the
// operations AWS reserves to the management account
// (githubiam.ManagementOperations), bounded like the others.
func ManagementDeploy(partition, account string, principals []string, tags map[string]string) Role {
	return Role{
		Name: githubiam.DeployRole, Path: githubiam.RolePath,
		Description: "orgbackup apply: only what AWS reserves to the management account",
		Trust:       trust(principals, false),
		Inline:      map[string]json.RawMessage{"deploy": doc(githubiam.ManagementDeployPolicy())},
		Boundary:    boundaryARN(partition, account), MaxSessionSeconds: sessionOneHour, Tags: tags,
	}
}
