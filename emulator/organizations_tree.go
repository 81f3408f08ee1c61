package emulator

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// The organization's structure: DescribeOrganization, roots, OUs,
// accounts, parents and children.

func (s *Server) orgDescribeOrganization(c *Call, _ *awsorgs.DescribeOrganizationInput) (*awsorgs.DescribeOrganizationOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgAnyMember, orgRequest{resources: []string{o.orgARN()}}); err != nil {
		return nil, err
	}
	mgmt := o.account(o.mgmt)
	out := &orgtypes.Organization{
		Arn: aws.String(o.orgARN()),
		// AvailablePolicyTypes is deprecated ("Do not use"); AWS still
		// reports the service control policy type in it.
		AvailablePolicyTypes: []orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}},
		FeatureSet:           orgtypes.OrganizationFeatureSetAll,
		Id:                   aws.String(o.id),
		MasterAccountId:      aws.String(o.mgmt),
	}
	if mgmt != nil {
		out.MasterAccountArn = aws.String(o.nodeARN(mgmt))
		out.MasterAccountEmail = aws.String(mgmt.email)
	}
	return &awsorgs.DescribeOrganizationOutput{Organization: out}, nil
}

func (s *Server) orgListRoots(c *Call, in *awsorgs.ListRootsInput) (*awsorgs.ListRootsOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	page, next, err := orgPage([]orgtypes.Root{*o.rootShape()}, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListRootsOutput{Roots: page, NextToken: next}, nil
}

func (s *Server) orgListAccounts(c *Call, in *awsorgs.ListAccountsInput) (*awsorgs.ListAccountsOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	nodes := append([]*orgNode(nil), o.accounts...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].id < nodes[j].id })
	accounts := make([]orgtypes.Account, 0, len(nodes))
	for _, n := range nodes {
		accounts = append(accounts, o.accountShape(n))
	}
	page, next, err := orgPage(accounts, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListAccountsOutput{Accounts: page, NextToken: next}, nil
}

// childrenLocked resolves the ParentId of ListAccountsForParent,
// ListOrganizationalUnitsForParent or ListChildren and returns the parent's
// children of one kind, in the parent's order, shaped for the response.
func childrenLocked[T any](o *orgState, parentID *string, kind orgNodeKind, shape func(*orgNode) T) ([]T, error) {
	parent, err := o.parentNode(parentID)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, n := range parent.children {
		if n.kind == kind {
			out = append(out, shape(n))
		}
	}
	return out, nil
}

func (s *Server) orgListAccountsForParent(c *Call, in *awsorgs.ListAccountsForParentInput) (*awsorgs.ListAccountsForParentOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	accounts, err := childrenLocked(o, in.ParentId, orgAccount, o.accountShape)
	if err != nil {
		return nil, err
	}
	page, next, err := orgPage(accounts, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListAccountsForParentOutput{Accounts: page, NextToken: next}, nil
}

func (s *Server) orgListOrganizationalUnitsForParent(c *Call, in *awsorgs.ListOrganizationalUnitsForParentInput) (*awsorgs.ListOrganizationalUnitsForParentOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	ous, err := childrenLocked(o, in.ParentId, orgOU, o.ouShape)
	if err != nil {
		return nil, err
	}
	page, next, err := orgPage(ous, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: page, NextToken: next}, nil
}

func (s *Server) orgListChildren(c *Call, in *awsorgs.ListChildrenInput) (*awsorgs.ListChildrenOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	var want orgNodeKind
	switch in.ChildType {
	case orgtypes.ChildTypeAccount:
		want = orgAccount
	case orgtypes.ChildTypeOrganizationalUnit:
		want = orgOU
	case "":
		return nil, orgInputRequired("ChildType")
	default:
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidEnum, "You specified an invalid value for ChildType.")
	}
	children, err := childrenLocked(o, in.ParentId, want, func(n *orgNode) orgtypes.Child {
		return orgtypes.Child{Id: aws.String(n.id), Type: in.ChildType}
	})
	if err != nil {
		return nil, err
	}
	page, next, err := orgPage(children, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListChildrenOutput{Children: page, NextToken: next}, nil
}

func (s *Server) orgListParents(c *Call, in *awsorgs.ListParentsInput) (*awsorgs.ListParentsOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	if in.ChildId == nil || *in.ChildId == "" {
		return nil, orgInputRequired("ChildId")
	}
	n := o.nodes[*in.ChildId]
	if n == nil || n.kind == orgRoot {
		return nil, &orgtypes.ChildNotFoundException{Message: aws.String("We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")}
	}
	typ := orgtypes.ParentTypeOrganizationalUnit
	if n.parent.kind == orgRoot {
		typ = orgtypes.ParentTypeRoot
	}
	page, next, err := orgPage([]orgtypes.Parent{{Id: aws.String(n.parent.id), Type: typ}}, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListParentsOutput{Parents: page, NextToken: next}, nil
}

// authorizeNodeReadLocked authorizes reading n, the account or OU a
// Describe... request names; nil when none exists, and the request then
// names no resource.
func (o *orgState) authorizeNodeReadLocked(c *Call, n *orgNode) error {
	req := orgRequest{}
	if n != nil {
		req.resources = []string{o.nodeARN(n)}
	}
	return o.authorizeLocked(c, orgRead, req)
}

func (s *Server) orgDescribeAccount(c *Call, in *awsorgs.DescribeAccountInput) (*awsorgs.DescribeAccountOutput, error) {
	o := s.org
	if in.AccountId == nil || *in.AccountId == "" {
		return nil, orgInputRequired("AccountId")
	}
	n := o.account(*in.AccountId)
	if err := o.authorizeNodeReadLocked(c, n); err != nil {
		return nil, err
	}
	if n == nil {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
	}
	acct := o.accountShape(n)
	return &awsorgs.DescribeAccountOutput{Account: &acct}, nil
}

func (s *Server) orgDescribeOrganizationalUnit(c *Call, in *awsorgs.DescribeOrganizationalUnitInput) (*awsorgs.DescribeOrganizationalUnitOutput, error) {
	o := s.org
	if in.OrganizationalUnitId == nil || *in.OrganizationalUnitId == "" {
		return nil, orgInputRequired("OrganizationalUnitId")
	}
	n := o.nodes[*in.OrganizationalUnitId]
	if n != nil && n.kind != orgOU {
		n = nil
	}
	if err := o.authorizeNodeReadLocked(c, n); err != nil {
		return nil, err
	}
	if n == nil {
		return nil, &orgtypes.OrganizationalUnitNotFoundException{Message: aws.String("We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.")}
	}
	ou := o.ouShape(n)
	return &awsorgs.DescribeOrganizationalUnitOutput{OrganizationalUnit: &ou}, nil
}
