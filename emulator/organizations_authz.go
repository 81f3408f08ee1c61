package emulator

import (
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// orgAccess is who may call an Organizations operation, as each
// operation's API reference page states.
type orgAccess int

const (
	// orgAnyMember: "You can call this operation from any account in a
	// organization" (DescribeOrganization).
	orgAnyMember orgAccess = iota
	// orgRead: "the management account or a member account that is a
	// delegated administrator". Registering a delegated administrator for
	// any service "grants read-only access to Organizations service data"
	// (RegisterDelegatedAdministrator); the resource-based delegation
	// policy can grant it too.
	orgRead
	// orgWrite: the management account, or a member account that the
	// organization's resource-based delegation policy allows ("Delegated
	// administrator for AWS Organizations").
	orgWrite
	// orgManagementOnly: "You can only call this operation from the
	// management account."
	orgManagementOnly
)

// orgRequest is what the delegation policy is evaluated against.
type orgRequest struct {
	// resources are the ARNs the action touches; none means "*".
	resources []string
	// policyType is the organizations:PolicyType condition key.
	policyType orgtypes.PolicyType
	// servicePrincipal is the organizations:ServicePrincipal condition key.
	servicePrincipal string
}

// authorizeLocked checks that the caller may run c.Operation: callers
// outside the organization get AWSOrganizationsNotInUseException, members
// without permission AccessDeniedException.
func (o *orgState) authorizeLocked(c *Call, access orgAccess, req orgRequest) error {
	if !o.isMemberLocked(c.Account) {
		return orgNotInUse()
	}
	if c.Account == o.mgmt || access == orgAnyMember {
		return nil
	}
	if access == orgManagementOnly {
		return orgAccessDenied()
	}
	if access == orgRead && o.isAnyDelegatedAdminLocked(c.Account) {
		return nil
	}
	if o.delegationAllowsLocked(c, req) {
		return nil
	}
	return orgAccessDenied()
}

func (o *orgState) isAnyDelegatedAdminLocked(account string) bool {
	for _, accounts := range o.delegated {
		if _, ok := accounts[account]; ok {
			return true
		}
	}
	return false
}

// delegationAllowsLocked evaluates the resource-based delegation policy
// for the caller, the action "organizations:"+c.Operation and every
// resource of req.
func (o *orgState) delegationAllowsLocked(c *Call, req orgRequest) bool {
	if o.resPolicy == nil {
		return false
	}
	ctx := map[string][]string{
		"aws:principalaccount": {c.Caller.Account},
		"aws:principalorgid":   {o.id},
	}
	if c.Caller.RoleARN != "" {
		ctx["aws:principalarn"] = []string{c.Caller.RoleARN}
	} else if c.Caller.ARN != "" {
		ctx["aws:principalarn"] = []string{c.Caller.ARN}
	}
	if req.policyType != "" {
		ctx["organizations:policytype"] = []string{string(req.policyType)}
	}
	if req.servicePrincipal != "" {
		ctx["organizations:serviceprincipal"] = []string{req.servicePrincipal}
	}
	resources := req.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	principal := &policyPrincipal{Account: c.Caller.Account, ARN: c.Caller.ARN, RoleARN: c.Caller.RoleARN}
	for _, r := range resources {
		d, err := evalPolicy(o.resPolicy.content, policyResource, policyRequest{
			Principal: principal,
			Action:    "organizations:" + c.Operation,
			Resource:  r,
			Context:   ctx,
		})
		if err != nil || d != decisionAllow {
			return false
		}
	}
	return true
}
