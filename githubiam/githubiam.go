// Package githubiam writes the IAM roles a GitHub repository needs to run
// orgbackup from GitHub Actions with OpenID Connect: a read-only plan role
// that pull requests (and the default branch, for drift checks) may
// assume, and an apply role that only the default branch or one
// environment may assume, each allowed exactly the AWS actions orgbackup's
// engine calls.
package githubiam

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/servicerole"
)

// Issuer is GitHub's OIDC token issuer, without its scheme as IAM names
// the provider and its condition keys.
const Issuer = "token.actions.githubusercontent.com"

// Audience is the audience the action requests for its ID token.
const Audience = "sts.amazonaws.com"

// Options say which repository and account the roles are for.
type Options struct {
	// Repo is OWNER/NAME. Required.
	Repo string
	// Account is the account the roles and the OIDC provider are in, the
	// organization's management account. Default "ACCOUNT_ID", a
	// placeholder.
	Account string
	// Branch is the default branch. Default "main".
	Branch string
	// Environment, when set, is the deployment environment the apply job
	// runs in; the apply role then trusts only that environment.
	Environment string
	// ExecutionRole, when set, is a role name the apply role may also
	// assume in every account: OrganizationAccountAccessRole for a first
	// run before the bootstrap created the deploy roles. The plan role
	// never gets it: it reaches only the read-only roles (ReadOnlyRole).
	ExecutionRole string
	// Scope narrows the apply role's own write permissions, like the
	// deploy role's. Default: the backup role OrgBackupServiceRole with
	// its AWS managed policies, the alias alias/orgbackup, no buckets.
	Scope *Scope
	// Partition is the AWS partition. Default "aws".
	Partition string
	// PlanRole and ApplyRole are the role names. Defaults
	// "orgbackup-github-plan" and "orgbackup-github-apply".
	PlanRole, ApplyRole string
}

// Role is one role: its name and its two policies.
type Role struct {
	Name        string
	Description string
	Trust       Policy
	Permissions Policy
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Policy.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]string         `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  any                       `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

var (
	repoRE = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	// Branch and environment names end up in a trust policy condition;
	// keep to characters that need no escaping there.
	nameRE = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,255}$`)
	roleRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// Roles returns the plan role and the apply role, in that order.
func Roles(o Options) ([]Role, error) {
	if o.Account == "" {
		o.Account = "ACCOUNT_ID"
	}
	if o.Branch == "" {
		o.Branch = "main"
	}
	if o.Partition == "" {
		o.Partition = "aws"
	}
	if o.PlanRole == "" {
		o.PlanRole = "orgbackup-github-plan"
	}
	if o.ApplyRole == "" {
		o.ApplyRole = "orgbackup-github-apply"
	}
	var errs []error
	if !repoRE.MatchString(o.Repo) {
		errs = append(errs, errors.New("repo: want OWNER/NAME"))
	}
	if o.Account != "ACCOUNT_ID" && !policy.IsAccountID(o.Account) {
		errs = append(errs, errors.New("account: want a 12-digit account ID"))
	}
	if !nameRE.MatchString(o.Branch) {
		errs = append(errs, errors.New("branch: want a branch name"))
	}
	if o.Environment != "" && !nameRE.MatchString(o.Environment) {
		errs = append(errs, errors.New("environment: want an environment name"))
	}
	for _, r := range []string{o.ExecutionRole, o.PlanRole, o.ApplyRole} {
		if r != "" && !roleRE.MatchString(r) {
			errs = append(errs, fmt.Errorf("role name %q: want 1 to 64 of [A-Za-z0-9+=,.@_-]", r))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	// Subject claims as GitHub's OIDC reference gives them:
	// repo:OWNER/NAME:pull_request, repo:OWNER/NAME:ref:refs/heads/BRANCH
	// and repo:OWNER/NAME:environment:NAME (a job with an environment
	// gets the environment form, not the ref form).
	planSubjects := []string{"repo:" + o.Repo + ":pull_request", "repo:" + o.Repo + ":ref:refs/heads/" + o.Branch}
	applySubject := "repo:" + o.Repo + ":ref:refs/heads/" + o.Branch
	if o.Environment != "" {
		applySubject = "repo:" + o.Repo + ":environment:" + o.Environment
	}
	scope := Scope{Partition: o.Partition, BackupRole: policy.DefaultBackupRole, BackupRolePolicies: servicerole.BackupRolePolicies, KeyAliases: []string{"alias/orgbackup"}}
	if o.Scope != nil {
		scope = *o.Scope
		scope.Partition = o.Partition
	}
	deploy, err := DeployPolicy(scope)
	if err != nil {
		return nil, err
	}
	planPerms := ReadOnlyPolicy()
	planPerms.Statement = append(planPerms.Statement, Statement{
		Sid: "ReachReadOnlyRoles", Effect: "Allow", Action: []string{"sts:AssumeRole"},
		Resource: RoleARN(o.Partition, "*", ReadOnlyRole),
	})
	reach := []string{RoleARN(o.Partition, "*", DeployRole), RoleARN(o.Partition, "*", ReadOnlyRole)}
	if o.ExecutionRole != "" {
		reach = append(reach, fmt.Sprintf("arn:%s:iam::*:role/%s", o.Partition, o.ExecutionRole))
	}
	deploy.Statement = append(deploy.Statement, Statement{Sid: "ReachDeployRoles", Effect: "Allow", Action: []string{"sts:AssumeRole"}, Resource: reach})
	return []Role{
		{
			Name:        o.PlanRole,
			Description: "orgbackup plan and drift from GitHub Actions (pull requests and " + o.Branch + "); read-only",
			Trust:       o.trust(planSubjects),
			Permissions: planPerms,
		},
		{
			Name:        o.ApplyRole,
			Description: "orgbackup apply from GitHub Actions (" + applySubject + ")",
			Trust:       o.trust([]string{applySubject}),
			Permissions: deploy,
		},
	}, nil
}

func (o Options) trust(subjects []string) Policy {
	var sub any = subjects
	if len(subjects) == 1 {
		sub = subjects[0]
	}
	return Policy{Version: "2012-10-17", Statement: []Statement{{
		Sid:       "GitHubActions",
		Effect:    "Allow",
		Principal: map[string]string{"Federated": fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", o.Partition, o.Account, Issuer)},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			Issuer + ":aud": Audience,
			Issuer + ":sub": sub,
		}},
	}}}
}
