package emulator

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/policy"
)

// Organizations policies: create, update, delete, describe, list, attach,
// detach and effective policies.

// maxPolicyContent is the maximum size of a policy document by type, in
// characters ("Quotas and service limits for AWS Organizations", Maximum
// size of a policy document). Types not listed are not limited here.
var maxPolicyContent = map[orgtypes.PolicyType]int{
	orgtypes.PolicyTypeServiceControlPolicy:   5120,
	orgtypes.PolicyTypeBackupPolicy:           10000,
	orgtypes.PolicyTypeTagPolicy:              10000,
	orgtypes.PolicyTypeAiservicesOptOutPolicy: 2500,
}

// maxPolicyAttachments is the maximum number of policies of a type
// attached to one root, OU or account (same quotas page). Types not listed
// are not limited here.
var maxPolicyAttachments = map[orgtypes.PolicyType]int{
	orgtypes.PolicyTypeServiceControlPolicy:   5,
	orgtypes.PolicyTypeBackupPolicy:           10,
	orgtypes.PolicyTypeTagPolicy:              10,
	orgtypes.PolicyTypeAiservicesOptOutPolicy: 5,
}

// maxPoliciesPerType is the number of policies of each type an
// organization can have (same quotas page: 1000 per policy type).
const maxPoliciesPerType = 1000

// checkPolicyContent enforces the size quota and the document syntax of
// the policy type.
func checkPolicyContent(typ orgtypes.PolicyType, content string) error {
	if limit, ok := maxPolicyContent[typ]; ok && utf8.RuneCountInString(content) > limit {
		return orgConstraint(orgtypes.ConstraintViolationExceptionReasonPolicyContentLimitExceeded, "You attempted to create a policy that is larger than the maximum size.")
	}
	if typ == orgtypes.PolicyTypeServiceControlPolicy {
		return checkSCPSyntax(content)
	}
	if typ == orgtypes.PolicyTypeBackupPolicy {
		// The same parser as `orgbackup policy validate`, so the offline
		// check and the emulator cannot disagree: JSON, keys (unknown keys
		// are refused), inheritance operators, value types and the plan
		// rules AWS Backup enforces. Backup policies may be partial,
		// completed by inheritance ("Backup policies": "You can create
		// partial backup policies"), so missing settings (Incomplete) are
		// accepted here; the effective policy must be complete.
		if _, err := policy.ParseOrganizationsPolicy("PolicyContent", []byte(content)); err != nil {
			return &orgtypes.MalformedPolicyDocumentException{Message: aws.String("The provided policy document does not meet the requirements of the specified policy type: " + firstLine(err))}
		}
		return nil
	}
	if _, err := policy.ParseJSON("PolicyContent", []byte(content)); err != nil {
		return &orgtypes.MalformedPolicyDocumentException{Message: aws.String("The provided policy document does not meet the requirements of the specified policy type: " + err.Error())}
	}
	return nil
}

// firstLine is the first of the joined errors in err.
func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

func checkPolicyName(name *string) error {
	if name == nil || *name == "" {
		return orgInputRequired("Name")
	}
	if utf8.RuneCountInString(*name) > 128 {
		return orgInvalidInput(orgtypes.InvalidInputExceptionReasonMaxLengthExceeded, "You provided a string parameter that is longer than allowed.")
	}
	return nil
}

func checkPolicyDescription(d *string) error {
	if d != nil && utf8.RuneCountInString(*d) > 512 {
		return orgInvalidInput(orgtypes.InvalidInputExceptionReasonMaxLengthExceeded, "You provided a string parameter that is longer than allowed.")
	}
	return nil
}

// sameName returns another policy of typ named name.
func (o *orgState) sameName(typ orgtypes.PolicyType, name, except string) *orgPolicy {
	for _, p := range o.policies {
		if p.typ == typ && p.name == name && p.id != except {
			return p
		}
	}
	return nil
}

func (o *orgState) policyShape(p *orgPolicy) *orgtypes.Policy {
	return &orgtypes.Policy{Content: aws.String(p.content), PolicySummary: o.policySummary(p)}
}

// sortedPolicies returns the policies of typ in creation order.
func (o *orgState) sortedPolicies(typ orgtypes.PolicyType) []*orgPolicy {
	list := make([]*orgPolicy, 0, len(o.policies))
	for _, p := range o.policies {
		if p.typ == typ {
			list = append(list, p)
		}
	}
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].seq < list[j-1].seq; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return list
}

// authorizeLookup authorizes a request whose resource could not be
// resolved: the caller gets AccessDeniedException when not allowed on "*",
// otherwise the lookup error.
func (o *orgState) authorizeLookup(c *Call, access orgAccess, req orgRequest, lookupErr error) error {
	if err := o.authorizeLocked(c, access, req); err != nil {
		return err
	}
	return lookupErr
}

// authorizedPolicyLocked resolves the PolicyId of a request and authorizes
// the caller on the policy; an ID that resolves to nothing fails as
// authorizeLookup says.
func (o *orgState) authorizedPolicyLocked(c *Call, access orgAccess, id *string) (*orgPolicy, error) {
	p, err := o.policy(id)
	if err != nil {
		return nil, o.authorizeLookup(c, access, orgRequest{}, err)
	}
	if err := o.authorizeLocked(c, access, o.policyRequest(p)); err != nil {
		return nil, err
	}
	return p, nil
}

// policyRequest is a request on policy p alone.
func (o *orgState) policyRequest(p *orgPolicy) orgRequest {
	return orgRequest{policyType: p.typ, resources: []string{o.policyARN(p)}}
}

func (s *Server) orgCreatePolicy(c *Call, in *awsorgs.CreatePolicyInput) (*awsorgs.CreatePolicyOutput, error) {
	o := s.org
	if !o.isMemberLocked(c.Account) {
		return nil, orgNotInUse()
	}
	if err := checkPolicyType(in.Type); err != nil {
		return nil, err
	}
	p := &orgPolicy{id: "p-" + s.ids.lower(10), typ: in.Type}
	if err := o.authorizeLocked(c, orgWrite, o.policyRequest(p)); err != nil {
		return nil, err
	}
	if err := checkPolicyName(in.Name); err != nil {
		return nil, err
	}
	if in.Description == nil {
		return nil, orgInputRequired("Description")
	}
	if err := checkPolicyDescription(in.Description); err != nil {
		return nil, err
	}
	if in.Content == nil || *in.Content == "" {
		return nil, orgInputRequired("Content")
	}
	if err := checkPolicyContent(in.Type, *in.Content); err != nil {
		return nil, err
	}
	if o.sameName(in.Type, *in.Name, "") != nil {
		return nil, &orgtypes.DuplicatePolicyException{Message: aws.String("A policy with the same name already exists.")}
	}
	if len(o.sortedPolicies(in.Type)) >= maxPoliciesPerType {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonPolicyNumberLimitExceeded, "You have exceeded the number of policies that you can have in an organization.")
	}
	tags, err := o.checkTags(in.Tags, "")
	if err != nil {
		return nil, err
	}
	o.policySeq++
	p.seq = o.policySeq
	p.name = *in.Name
	p.description = *in.Description
	p.content = *in.Content
	p.updated = s.now
	o.policies[p.id] = p
	o.applyTags(p.id, tags)
	return &awsorgs.CreatePolicyOutput{Policy: o.policyShape(p)}, nil
}

func (s *Server) orgUpdatePolicy(c *Call, in *awsorgs.UpdatePolicyInput) (*awsorgs.UpdatePolicyOutput, error) {
	o := s.org
	p, err := o.authorizedPolicyLocked(c, orgWrite, in.PolicyId)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, errAWSManagedPolicy()
	}
	if in.Name != nil {
		if err := checkPolicyName(in.Name); err != nil {
			return nil, err
		}
		if o.sameName(p.typ, *in.Name, p.id) != nil {
			return nil, &orgtypes.DuplicatePolicyException{Message: aws.String("A policy with the same name already exists.")}
		}
	}
	if err := checkPolicyDescription(in.Description); err != nil {
		return nil, err
	}
	if in.Content != nil {
		if *in.Content == "" {
			return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonMinLengthExceeded, "You provided a string parameter that is shorter than allowed.")
		}
		if err := checkPolicyContent(p.typ, *in.Content); err != nil {
			return nil, err
		}
	}
	if in.Name != nil {
		p.name = *in.Name
	}
	if in.Description != nil {
		p.description = *in.Description
	}
	if in.Content != nil {
		p.content = *in.Content
	}
	p.updated = s.now
	return &awsorgs.UpdatePolicyOutput{Policy: o.policyShape(p)}, nil
}

func (s *Server) orgDeletePolicy(c *Call, in *awsorgs.DeletePolicyInput) (*awsorgs.DeletePolicyOutput, error) {
	o := s.org
	p, err := o.authorizedPolicyLocked(c, orgWrite, in.PolicyId)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, errAWSManagedPolicy()
	}
	// "Before you perform this operation, you must first detach the policy
	// from all organizational units (OUs), roots, and accounts."
	if len(p.targets) > 0 {
		return nil, &orgtypes.PolicyInUseException{Message: aws.String("The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")}
	}
	delete(o.policies, p.id)
	delete(o.tags, p.id)
	return &awsorgs.DeletePolicyOutput{}, nil
}

func (s *Server) orgDescribePolicy(c *Call, in *awsorgs.DescribePolicyInput) (*awsorgs.DescribePolicyOutput, error) {
	o := s.org
	p, err := o.authorizedPolicyLocked(c, orgRead, in.PolicyId)
	if err != nil {
		return nil, err
	}
	return &awsorgs.DescribePolicyOutput{Policy: o.policyShape(p)}, nil
}

func (s *Server) orgListPolicies(c *Call, in *awsorgs.ListPoliciesInput) (*awsorgs.ListPoliciesOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{policyType: in.Filter}); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.Filter); err != nil {
		return nil, err
	}
	var items []orgtypes.PolicySummary
	for _, p := range o.sortedPolicies(in.Filter) {
		items = append(items, *o.policySummary(p))
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListPoliciesOutput{Policies: page, NextToken: next}, nil
}

func (o *orgState) isAttached(n *orgNode, policyID string) bool {
	for _, a := range n.attached {
		if a.policyID == policyID {
			return true
		}
	}
	return false
}

// policyAndTarget resolves the policy and target of AttachPolicy and
// DetachPolicy and authorizes the caller on both.
func (o *orgState) policyAndTarget(c *Call, policyID, targetID *string) (*orgPolicy, *orgNode, error) {
	p, err := o.policy(policyID)
	if err != nil {
		return nil, nil, o.authorizeLookup(c, orgWrite, orgRequest{}, err)
	}
	n, err := o.target(targetID)
	if err != nil {
		return nil, nil, o.authorizeLookup(c, orgWrite, o.policyRequest(p), err)
	}
	if err := o.authorizeLocked(c, orgWrite, orgRequest{policyType: p.typ, resources: []string{o.policyARN(p), o.nodeARN(n)}}); err != nil {
		return nil, nil, err
	}
	return p, n, nil
}

func (s *Server) orgAttachPolicy(c *Call, in *awsorgs.AttachPolicyInput) (*awsorgs.AttachPolicyOutput, error) {
	o := s.org
	p, n, err := o.policyAndTarget(c, in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	if _, ok := o.enabledTypes[p.typ]; !ok {
		return nil, &orgtypes.PolicyTypeNotEnabledException{Message: aws.String("This operation can be performed only for enabled policy types.")}
	}
	if o.isAttached(n, p.id) {
		return nil, &orgtypes.DuplicatePolicyAttachmentException{Message: aws.String("The selected policy is already attached to the specified target.")}
	}
	if limit, ok := maxPolicyAttachments[p.typ]; ok {
		count := 0
		for _, a := range n.attached {
			if q := o.policies[a.policyID]; q != nil && q.typ == p.typ {
				count++
			}
		}
		if count >= limit {
			return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonMaxPolicyTypeAttachmentLimitExceeded, "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.")
		}
	}
	n.attached = append(n.attached, orgAttachment{policyID: p.id, at: s.now})
	p.targets = append(p.targets, n.id)
	return &awsorgs.AttachPolicyOutput{}, nil
}

func (s *Server) orgDetachPolicy(c *Call, in *awsorgs.DetachPolicyInput) (*awsorgs.DetachPolicyOutput, error) {
	o := s.org
	p, n, err := o.policyAndTarget(c, in.PolicyId, in.TargetId)
	if err != nil {
		return nil, err
	}
	if !o.isAttached(n, p.id) {
		return nil, &orgtypes.PolicyNotAttachedException{Message: aws.String("The policy isn't attached to the specified target in the specified root.")}
	}
	if err := o.checkSCPDetachLocked(p, n); err != nil {
		return nil, err
	}
	kept := n.attached[:0]
	for _, a := range n.attached {
		if a.policyID != p.id {
			kept = append(kept, a)
		}
	}
	n.attached = kept
	p.targets = removeString(p.targets, n.id)
	return &awsorgs.DetachPolicyOutput{}, nil
}

func (s *Server) orgListTargetsForPolicy(c *Call, in *awsorgs.ListTargetsForPolicyInput) (*awsorgs.ListTargetsForPolicyOutput, error) {
	o := s.org
	p, err := o.authorizedPolicyLocked(c, orgRead, in.PolicyId)
	if err != nil {
		return nil, err
	}
	items := make([]orgtypes.PolicyTargetSummary, 0, len(p.targets))
	for _, id := range p.targets {
		n := o.nodes[id]
		typ := orgtypes.TargetTypeAccount
		switch n.kind {
		case orgRoot:
			typ = orgtypes.TargetTypeRoot
		case orgOU:
			typ = orgtypes.TargetTypeOrganizationalUnit
		}
		items = append(items, orgtypes.PolicyTargetSummary{Arn: aws.String(o.nodeARN(n)), Name: aws.String(n.name), TargetId: aws.String(n.id), Type: typ})
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListTargetsForPolicyOutput{Targets: page, NextToken: next}, nil
}

func (s *Server) orgListPoliciesForTarget(c *Call, in *awsorgs.ListPoliciesForTargetInput) (*awsorgs.ListPoliciesForTargetOutput, error) {
	o := s.org
	n, err := o.target(in.TargetId)
	if err != nil {
		return nil, o.authorizeLookup(c, orgRead, orgRequest{policyType: in.Filter}, err)
	}
	if err := o.authorizeLocked(c, orgRead, orgRequest{policyType: in.Filter, resources: []string{o.nodeARN(n)}}); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.Filter); err != nil {
		return nil, err
	}
	var items []orgtypes.PolicySummary
	for _, a := range n.attached {
		if p := o.policies[a.policyID]; p != nil && p.typ == in.Filter {
			items = append(items, *o.policySummary(p))
		}
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListPoliciesForTargetOutput{Policies: page, NextToken: next}, nil
}

func (s *Server) orgDescribeEffectivePolicy(c *Call, in *awsorgs.DescribeEffectivePolicyInput) (*awsorgs.DescribeEffectivePolicyOutput, error) {
	o := s.org
	if !o.isMemberLocked(c.Account) {
		return nil, orgNotInUse()
	}
	if in.PolicyType == "" {
		return nil, orgInputRequired("PolicyType")
	}
	known := false
	for _, v := range in.PolicyType.Values() {
		known = known || v == in.PolicyType
	}
	if !known {
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidEnumPolicyType, "You specified an invalid policy type string.")
	}
	target := c.Account
	if in.TargetId != nil && *in.TargetId != "" {
		target = *in.TargetId
	}
	n, err := o.target(&target)
	if err != nil {
		return nil, o.authorizeLookup(c, orgRead, orgRequest{policyType: orgtypes.PolicyType(in.PolicyType)}, err)
	}
	// Any account may ask for its own effective policy; asking about
	// another account takes the management account or a delegated
	// administrator.
	access := orgRead
	if target == c.Account {
		access = orgAnyMember
	}
	if err := o.authorizeLocked(c, access, orgRequest{policyType: orgtypes.PolicyType(in.PolicyType), resources: []string{o.nodeARN(n)}}); err != nil {
		return nil, err
	}
	// "Specifying an organization root or organizational unit (OU) as the
	// target is not supported."
	if n.kind != orgAccount {
		return nil, orgInvalidInput("TARGET_NOT_SUPPORTED", "You can't perform the specified operation on that target entity.")
	}
	notFound := &orgtypes.EffectivePolicyNotFoundException{Message: aws.String("We can't find an effective policy of the specified type for the target.")}
	if in.PolicyType != orgtypes.EffectivePolicyTypeBackupPolicy {
		return nil, notFound
	}
	eff, last, err := o.effectiveBackupLocked(n.id)
	if errors.Is(err, policy.ErrNoEffectivePolicy) {
		return nil, notFound
	}
	if err != nil {
		return nil, &orgtypes.ServiceException{Message: aws.String("computing the effective policy: " + err.Error())}
	}
	return &awsorgs.DescribeEffectivePolicyOutput{EffectivePolicy: &orgtypes.EffectivePolicy{
		LastUpdatedTimestamp: aws.Time(last),
		PolicyContent:        aws.String(string(eff.JSON)),
		PolicyType:           in.PolicyType,
		TargetId:             aws.String(n.id),
	}}, nil
}
