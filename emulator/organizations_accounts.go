package emulator

import (
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// Account and OU lifecycle: CreateAccount with its asynchronous status,
// CreateOrganizationalUnit, UpdateOrganizationalUnit,
// DeleteOrganizationalUnit, MoveAccount, RemoveAccountFromOrganization.

// orgCreateAccountRequest is one CreateAccount request.
type orgCreateAccountRequest struct {
	seq    int
	status orgtypes.CreateAccountStatus
	// pending holds what completing the request needs.
	pending *awsorgs.CreateAccountInput
}

var (
	// Email: 6 to 64 characters, "[^\s@]+@[^\s@]+\.[^\s@]+" (CreateAccount
	// in the Organizations API reference).
	orgEmailRE = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	// AccountName and OU names: 1 to 50 (account) or 128 (OU) characters
	// of "[\u0020-\u007E]+".
	orgNameRE = regexp.MustCompile(`^[\x{0020}-\x{007E}]+$`)
)

// maxOUDepth is how deep OUs nest under the root ("Quotas for AWS
// Organizations": OU maximum nesting in a root, five levels).
const maxOUDepth = 5

// orgCreateAccount answers IN_PROGRESS, as AWS does: "CreateAccount is an
// asynchronous request that AWS performs in the background"; the caller
// polls DescribeCreateAccountStatus. The emulator completes a request when
// it is first described or listed, so no clock needs to move. An email
// already in use fails the request asynchronously with
// EMAIL_ALREADY_EXISTS, as the status's FailureReason documents.
func (s *Server) orgCreateAccount(c *Call, in *awsorgs.CreateAccountInput) (*awsorgs.CreateAccountOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	email, name := aws.ToString(in.Email), aws.ToString(in.AccountName)
	switch {
	case in.Email == nil:
		return nil, orgInputRequired("Email")
	case in.AccountName == nil:
		return nil, orgInputRequired("AccountName")
	case len(email) < 6 || len(email) > 64 || !orgEmailRE.MatchString(email):
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
	case len(name) < 1 || len(name) > 50 || !orgNameRE.MatchString(name):
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
	}
	if _, err := o.checkTags(in.Tags, ""); err != nil {
		return nil, err
	}
	if o.createRequests == nil {
		o.createRequests = map[string]*orgCreateAccountRequest{}
	}
	o.createSeq++
	id := "car-" + s.ids.hex(32)
	in2 := *in
	r := &orgCreateAccountRequest{
		seq: o.createSeq,
		status: orgtypes.CreateAccountStatus{
			Id:                 aws.String(id),
			AccountName:        aws.String(name),
			State:              orgtypes.CreateAccountStateInProgress,
			RequestedTimestamp: aws.Time(s.now),
		},
		pending: &in2,
	}
	o.createRequests[id] = r
	out := r.status
	return &awsorgs.CreateAccountOutput{CreateAccountStatus: &out}, nil
}

// completeCreateAccountLocked finishes a pending request: the account
// joins the root, with the role Organizations creates in it (RoleName,
// default OrganizationAccountAccessRole, trusting the management account).
func (s *Server) completeCreateAccountLocked(r *orgCreateAccountRequest) {
	in := r.pending
	if in == nil {
		return
	}
	r.pending = nil
	o := s.org
	r.status.CompletedTimestamp = aws.Time(s.now)
	for _, a := range o.accounts {
		if strings.EqualFold(a.email, aws.ToString(in.Email)) {
			r.status.State = orgtypes.CreateAccountStateFailed
			r.status.FailureReason = orgtypes.CreateAccountFailureReasonEmailAlreadyExists
			return
		}
	}
	id := s.newAccountIDLocked()
	n := &orgNode{kind: orgAccount, id: id, name: aws.ToString(in.AccountName), email: aws.ToString(in.Email), joined: s.now, parent: o.root}
	o.nodes[id] = n
	o.accounts = append(o.accounts, n)
	o.root.children = append(o.root.children, n)
	if len(in.Tags) > 0 {
		if tags, err := o.checkTags(in.Tags, id); err == nil {
			o.applyTags(id, tags)
		}
	}
	role := aws.ToString(in.RoleName)
	if role == "" {
		role = DefaultMemberRole
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + o.mgmt + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := s.iamLocked(id).role(role); err != nil {
		r := s.newRoleLocked(id, "/", role, trust)
		r.attached = append(r.attached, "arn:aws:iam::aws:policy/AdministratorAccess")
	}
	r.status.State = orgtypes.CreateAccountStateSucceeded
	r.status.AccountId = aws.String(id)
}

// newAccountIDLocked returns a 12-digit account ID not in use.
func (s *Server) newAccountIDLocked() string {
	for {
		id := s.ids.pick("0123456789", 12)
		if id[0] != '0' && s.org.nodes[id] == nil {
			return id
		}
	}
}

func (s *Server) orgDescribeCreateAccountStatus(c *Call, in *awsorgs.DescribeCreateAccountStatusInput) (*awsorgs.DescribeCreateAccountStatusOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	if aws.ToString(in.CreateAccountRequestId) == "" {
		return nil, orgInputRequired("CreateAccountRequestId")
	}
	r := o.createRequests[*in.CreateAccountRequestId]
	if r == nil {
		return nil, &orgtypes.CreateAccountStatusNotFoundException{Message: aws.String("We can't find a create account request with the CreateAccountRequestId that you specified.")}
	}
	s.completeCreateAccountLocked(r)
	out := r.status
	return &awsorgs.DescribeCreateAccountStatusOutput{CreateAccountStatus: &out}, nil
}

func (s *Server) orgListCreateAccountStatus(c *Call, in *awsorgs.ListCreateAccountStatusInput) (*awsorgs.ListCreateAccountStatusOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	reqs := make([]*orgCreateAccountRequest, 0, len(o.createRequests))
	for _, r := range o.createRequests {
		reqs = append(reqs, r)
	}
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].seq < reqs[j].seq })
	var items []orgtypes.CreateAccountStatus
	for _, r := range reqs {
		s.completeCreateAccountLocked(r)
		if len(in.States) > 0 && !containsState(in.States, r.status.State) {
			continue
		}
		items = append(items, r.status)
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListCreateAccountStatusOutput{CreateAccountStatuses: page, NextToken: next}, nil
}

func containsState(states []orgtypes.CreateAccountState, st orgtypes.CreateAccountState) bool {
	for _, x := range states {
		if x == st {
			return true
		}
	}
	return false
}

// checkOUName checks an OU name: 1 to 128 characters of [\u0020-\u007E]
// (CreateOrganizationalUnit).
func checkOUName(name *string) error {
	if name == nil {
		return orgInputRequired("Name")
	}
	if len(*name) < 1 || len(*name) > 128 || !orgNameRE.MatchString(*name) {
		return orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
	}
	return nil
}

// orgCreateOrganizationalUnit creates an OU under a root or OU. Names are
// unique under one parent (DuplicateOrganizationalUnitException, "An OU
// with the same name already exists"), and OUs nest at most five levels
// deep (OU_DEPTH_LIMIT_EXCEEDED).
func (s *Server) orgCreateOrganizationalUnit(c *Call, in *awsorgs.CreateOrganizationalUnitInput) (*awsorgs.CreateOrganizationalUnitOutput, error) {
	o := s.org
	parent, err := o.parentNode(in.ParentId)
	if err != nil {
		return nil, o.authorizeLookup(c, orgWrite, orgRequest{}, err)
	}
	if err := o.authorizeLocked(c, orgWrite, orgRequest{resources: []string{o.nodeARN(parent)}}); err != nil {
		return nil, err
	}
	if err := checkOUName(in.Name); err != nil {
		return nil, err
	}
	for _, ch := range parent.children {
		if ch.kind == orgOU && ch.name == *in.Name {
			return nil, &orgtypes.DuplicateOrganizationalUnitException{Message: aws.String("An OU with the same name already exists.")}
		}
	}
	if depth := len(parent.path()); depth > maxOUDepth {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonOuDepthLimitExceeded, "You attempted to create an OU tree that is too many levels deep.")
	}
	id := "ou-" + strings.TrimPrefix(o.rootID, "r-") + "-" + s.ids.lower(8)
	if _, err := o.checkTags(in.Tags, id); err != nil {
		return nil, err
	}
	n := &orgNode{kind: orgOU, id: id, name: *in.Name, joined: s.now, parent: parent}
	o.nodes[id] = n
	parent.children = append(parent.children, n)
	if len(in.Tags) > 0 {
		tags, _ := o.checkTags(in.Tags, id)
		o.applyTags(id, tags)
	}
	ou := o.ouShape(n)
	return &awsorgs.CreateOrganizationalUnitOutput{OrganizationalUnit: &ou}, nil
}

// ouForWrite resolves an OU the caller changes.
func (o *orgState) ouForWrite(c *Call, id *string) (*orgNode, error) {
	if aws.ToString(id) == "" {
		return nil, orgInputRequired("OrganizationalUnitId")
	}
	n := o.nodes[*id]
	if n == nil || n.kind != orgOU {
		err := &orgtypes.OrganizationalUnitNotFoundException{Message: aws.String("We can't find an OU with the OrganizationalUnitId that you specified.")}
		return nil, o.authorizeLookup(c, orgWrite, orgRequest{}, err)
	}
	if err := o.authorizeLocked(c, orgWrite, orgRequest{resources: []string{o.nodeARN(n)}}); err != nil {
		return nil, err
	}
	return n, nil
}

func (s *Server) orgUpdateOrganizationalUnit(c *Call, in *awsorgs.UpdateOrganizationalUnitInput) (*awsorgs.UpdateOrganizationalUnitOutput, error) {
	o := s.org
	n, err := o.ouForWrite(c, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		if err := checkOUName(in.Name); err != nil {
			return nil, err
		}
		for _, ch := range n.parent.children {
			if ch != n && ch.kind == orgOU && ch.name == *in.Name {
				return nil, &orgtypes.DuplicateOrganizationalUnitException{Message: aws.String("An OU with the same name already exists.")}
			}
		}
		n.name = *in.Name
	}
	ou := o.ouShape(n)
	return &awsorgs.UpdateOrganizationalUnitOutput{OrganizationalUnit: &ou}, nil
}

// orgDeleteOrganizationalUnit deletes an empty OU: "Before you can delete
// an OU, you must first remove all accounts and child OUs"
// (OrganizationalUnitNotEmptyException).
func (s *Server) orgDeleteOrganizationalUnit(c *Call, in *awsorgs.DeleteOrganizationalUnitInput) (*awsorgs.DeleteOrganizationalUnitOutput, error) {
	o := s.org
	n, err := o.ouForWrite(c, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	if len(n.children) > 0 {
		return nil, &orgtypes.OrganizationalUnitNotEmptyException{Message: aws.String("The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")}
	}
	o.detachAllLocked(n)
	n.parent.children = removeNode(n.parent.children, n)
	delete(o.nodes, n.id)
	delete(o.tags, n.id)
	return &awsorgs.DeleteOrganizationalUnitOutput{}, nil
}

// orgMoveAccount moves an account between roots and OUs. The source must
// be the account's parent (SourceParentNotFoundException), the destination
// must exist (DestinationParentNotFoundException) and differ
// (DuplicateAccountException: "That account is already present in the
// specified destination").
func (s *Server) orgMoveAccount(c *Call, in *awsorgs.MoveAccountInput) (*awsorgs.MoveAccountOutput, error) {
	o := s.org
	switch {
	case aws.ToString(in.AccountId) == "":
		return nil, orgInputRequired("AccountId")
	case aws.ToString(in.SourceParentId) == "":
		return nil, orgInputRequired("SourceParentId")
	case aws.ToString(in.DestinationParentId) == "":
		return nil, orgInputRequired("DestinationParentId")
	}
	n := o.account(*in.AccountId)
	if n == nil {
		return nil, o.authorizeLookup(c, orgWrite, orgRequest{}, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")})
	}
	src := o.nodes[*in.SourceParentId]
	if src == nil || src.kind == orgAccount || n.parent != src {
		return nil, o.authorizeLookup(c, orgWrite, orgRequest{}, &orgtypes.SourceParentNotFoundException{Message: aws.String("We can't find a source root or OU with the ParentId that you specified.")})
	}
	dst := o.nodes[*in.DestinationParentId]
	if dst == nil || dst.kind == orgAccount {
		return nil, o.authorizeLookup(c, orgWrite, orgRequest{}, &orgtypes.DestinationParentNotFoundException{Message: aws.String("We can't find the destination container (a root or OU) with the ParentId that you specified.")})
	}
	if err := o.authorizeLocked(c, orgWrite, orgRequest{resources: []string{o.nodeARN(n), o.nodeARN(src), o.nodeARN(dst)}}); err != nil {
		return nil, err
	}
	if dst == src {
		return nil, &orgtypes.DuplicateAccountException{Message: aws.String("That account is already present in the specified destination.")}
	}
	src.children = removeNode(src.children, n)
	dst.children = append(dst.children, n)
	n.parent = dst
	return &awsorgs.MoveAccountOutput{}, nil
}

// orgRemoveAccountFromOrganization removes a member account. "You can
// only call this operation from the management account", and the
// management account cannot be removed (ConstraintViolationException
// ACCOUNT_CANNOT_LEAVE_ORGANIZATION). Its policy attachments, delegated
// administrator registrations and tags go with it.
func (s *Server) orgRemoveAccountFromOrganization(c *Call, in *awsorgs.RemoveAccountFromOrganizationInput) (*awsorgs.RemoveAccountFromOrganizationOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	if aws.ToString(in.AccountId) == "" {
		return nil, orgInputRequired("AccountId")
	}
	n := o.account(*in.AccountId)
	if n == nil {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
	}
	if n.id == o.mgmt {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonAccountCannotLeaveOrganization, "You attempted to remove the management account from the organization. You can't remove the management account.")
	}
	o.detachAllLocked(n)
	n.parent.children = removeNode(n.parent.children, n)
	for i, a := range o.accounts {
		if a == n {
			o.accounts = append(o.accounts[:i:i], o.accounts[i+1:]...)
			break
		}
	}
	for _, admins := range o.delegated {
		delete(admins, n.id)
	}
	delete(o.nodes, n.id)
	delete(o.tags, n.id)
	return &awsorgs.RemoveAccountFromOrganizationOutput{}, nil
}

// detachAllLocked detaches every policy attached to n.
func (o *orgState) detachAllLocked(n *orgNode) {
	for _, a := range n.attached {
		if p := o.policies[a.policyID]; p != nil {
			out := p.targets[:0:0]
			for _, t := range p.targets {
				if t != n.id {
					out = append(out, t)
				}
			}
			p.targets = out
		}
	}
	n.attached = nil
}

func removeNode(list []*orgNode, n *orgNode) []*orgNode {
	out := make([]*orgNode, 0, len(list))
	for _, x := range list {
		if x != n {
			out = append(out, x)
		}
	}
	return out
}
