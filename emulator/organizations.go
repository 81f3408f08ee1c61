package emulator

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/schemas"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/policy"
)

// backupServicePrincipal is AWS Backup's service principal, the one the
// Backup service part of the emulator asks about.
const backupServicePrincipal = "backup.amazonaws.com"

// orgState is the organization's state: its tree (root, OUs, accounts),
// the policy types enabled on the root, policies and their attachments,
// trusted service access, delegated administrators, the resource-based
// delegation policy and tags.
type orgState struct {
	id      string
	rootID  string
	mgmt    string
	created time.Time

	nodes    map[string]*orgNode // root, OUs and accounts by ID
	root     *orgNode
	accounts []*orgNode // fixture order

	enabledTypes  map[orgtypes.PolicyType]time.Time
	policies      map[string]*orgPolicy
	policySeq     int
	serviceAccess map[string]time.Time            // by service principal
	delegated     map[string]map[string]time.Time // service principal → account → date
	resPolicy     *orgResourcePolicy
	tags          map[string]map[string]string // resource ID → key → value

	createRequests map[string]*orgCreateAccountRequest // CreateAccount requests by ID
	createSeq      int
}

type orgNodeKind int

const (
	orgRoot orgNodeKind = iota
	orgOU
	orgAccount
)

// orgNode is the root, an OU or an account.
type orgNode struct {
	kind     orgNodeKind
	id       string
	name     string
	email    string // accounts only
	joined   time.Time
	parent   *orgNode
	children []*orgNode // OUs and accounts, fixture order
	attached []orgAttachment
}

// orgAttachment is one policy attached to a node.
type orgAttachment struct {
	policyID string
	at       time.Time
}

// orgPolicy is a customer-managed policy.
type orgPolicy struct {
	id          string
	seq         int
	name        string
	description string
	typ         orgtypes.PolicyType
	content     string
	updated     time.Time
	targets     []string // attachment order
	awsManaged  bool     // FullAWSAccess
}

// orgResourcePolicy is the organization's resource-based delegation policy.
type orgResourcePolicy struct {
	id      string
	content string
}

func newOrgState(s *Server, o *Organization) *orgState {
	st := &orgState{
		id:            o.ID,
		rootID:        o.RootID,
		mgmt:          o.ManagementAccount,
		created:       s.now,
		nodes:         map[string]*orgNode{},
		enabledTypes:  map[orgtypes.PolicyType]time.Time{},
		policies:      map[string]*orgPolicy{},
		serviceAccess: map[string]time.Time{},
		delegated:     map[string]map[string]time.Time{},
		tags:          map[string]map[string]string{},
	}
	if st.id == "" {
		st.id = "o-orgbackup1"
	}
	if st.rootID == "" {
		st.rootID = "r-root"
	}
	st.root = &orgNode{kind: orgRoot, id: st.rootID, name: "Root", joined: s.now}
	st.nodes[st.rootID] = st.root
	st.addAccounts(st.root, o.Accounts, s.now)
	st.addUnits(s, st.root, o.Units)
	if st.mgmt != "" && st.nodes[st.mgmt] == nil {
		st.addAccounts(st.root, []Account{{ID: st.mgmt, Name: "management"}}, s.now)
	}
	st.policies[fullAWSAccessID] = newFullAWSAccess()
	return st
}

func (o *orgState) addAccounts(parent *orgNode, accounts []Account, now time.Time) {
	for _, a := range accounts {
		if a.ID == "" || o.nodes[a.ID] != nil {
			continue // Organization.Validate reports these
		}
		n := &orgNode{kind: orgAccount, id: a.ID, name: a.Name, email: a.Email, joined: now, parent: parent}
		if n.name == "" {
			n.name = "account-" + a.ID
		}
		if n.email == "" {
			n.email = a.ID + "@example.com"
		}
		o.nodes[n.id] = n
		o.accounts = append(o.accounts, n)
		parent.children = append(parent.children, n)
	}
}

func (o *orgState) addUnits(s *Server, parent *orgNode, units []Unit) {
	for _, u := range units {
		id := u.ID
		if id == "" {
			id = "ou-" + strings.TrimPrefix(o.rootID, "r-") + "-" + s.ids.lower(8)
		}
		if o.nodes[id] != nil {
			continue
		}
		n := &orgNode{kind: orgOU, id: id, name: u.Name, joined: s.now, parent: parent}
		o.nodes[id] = n
		parent.children = append(parent.children, n)
		o.addAccounts(n, u.Accounts, s.now)
		o.addUnits(s, n, u.Units)
	}
}

func (s *Server) organizationsService() *service {
	return newService("organizations", awsJSON11, schemas.AWSOrganizationsV20161128, awsorgs.TypeRegistry, []*operation{
		handle(schemas.DescribeOrganization, nil, s.orgDescribeOrganization),
		handle(schemas.ListRoots, schemas.ListRootsRequest, s.orgListRoots),
		handle(schemas.ListAccounts, schemas.ListAccountsRequest, s.orgListAccounts),
		handle(schemas.ListAccountsForParent, schemas.ListAccountsForParentRequest, s.orgListAccountsForParent),
		handle(schemas.ListOrganizationalUnitsForParent, schemas.ListOrganizationalUnitsForParentRequest, s.orgListOrganizationalUnitsForParent),
		handle(schemas.ListChildren, schemas.ListChildrenRequest, s.orgListChildren),
		handle(schemas.ListParents, schemas.ListParentsRequest, s.orgListParents),
		handle(schemas.DescribeAccount, schemas.DescribeAccountRequest, s.orgDescribeAccount),
		handle(schemas.DescribeOrganizationalUnit, schemas.DescribeOrganizationalUnitRequest, s.orgDescribeOrganizationalUnit),
		handle(schemas.EnableAWSServiceAccess, schemas.EnableAWSServiceAccessRequest, s.orgEnableAWSServiceAccess),
		handle(schemas.DisableAWSServiceAccess, schemas.DisableAWSServiceAccessRequest, s.orgDisableAWSServiceAccess),
		handle(schemas.ListAWSServiceAccessForOrganization, schemas.ListAWSServiceAccessForOrganizationRequest, s.orgListAWSServiceAccess),
		handle(schemas.EnablePolicyType, schemas.EnablePolicyTypeRequest, s.orgEnablePolicyType),
		handle(schemas.DisablePolicyType, schemas.DisablePolicyTypeRequest, s.orgDisablePolicyType),
		handle(schemas.RegisterDelegatedAdministrator, schemas.RegisterDelegatedAdministratorRequest, s.orgRegisterDelegatedAdministrator),
		handle(schemas.DeregisterDelegatedAdministrator, schemas.DeregisterDelegatedAdministratorRequest, s.orgDeregisterDelegatedAdministrator),
		handle(schemas.ListDelegatedAdministrators, schemas.ListDelegatedAdministratorsRequest, s.orgListDelegatedAdministrators),
		handle(schemas.ListDelegatedServicesForAccount, schemas.ListDelegatedServicesForAccountRequest, s.orgListDelegatedServicesForAccount),
		handle(schemas.PutResourcePolicy, schemas.PutResourcePolicyRequest, s.orgPutResourcePolicy),
		handle(schemas.DescribeResourcePolicy, nil, s.orgDescribeResourcePolicy),
		handle(schemas.DeleteResourcePolicy, nil, s.orgDeleteResourcePolicy),
		handle(schemas.CreatePolicy, schemas.CreatePolicyRequest, s.orgCreatePolicy),
		handle(schemas.UpdatePolicy, schemas.UpdatePolicyRequest, s.orgUpdatePolicy),
		handle(schemas.DeletePolicy, schemas.DeletePolicyRequest, s.orgDeletePolicy),
		handle(schemas.DescribePolicy, schemas.DescribePolicyRequest, s.orgDescribePolicy),
		handle(schemas.ListPolicies, schemas.ListPoliciesRequest, s.orgListPolicies),
		handle(schemas.AttachPolicy, schemas.AttachPolicyRequest, s.orgAttachPolicy),
		handle(schemas.DetachPolicy, schemas.DetachPolicyRequest, s.orgDetachPolicy),
		handle(schemas.ListTargetsForPolicy, schemas.ListTargetsForPolicyRequest, s.orgListTargetsForPolicy),
		handle(schemas.ListPoliciesForTarget, schemas.ListPoliciesForTargetRequest, s.orgListPoliciesForTarget),
		handle(schemas.DescribeEffectivePolicy, schemas.DescribeEffectivePolicyRequest, s.orgDescribeEffectivePolicy),
		handle(schemas.TagResource, schemas.TagResourceRequest, s.orgTagResource),
		handle(schemas.UntagResource, schemas.UntagResourceRequest, s.orgUntagResource),
		handle(schemas.ListTagsForResource, schemas.ListTagsForResourceRequest, s.orgListTagsForResource),
		// Account and OU lifecycle (organizations_accounts.go).
		handle(schemas.CreateAccount, schemas.CreateAccountRequest, s.orgCreateAccount),
		handle(schemas.DescribeCreateAccountStatus, schemas.DescribeCreateAccountStatusRequest, s.orgDescribeCreateAccountStatus),
		handle(schemas.ListCreateAccountStatus, schemas.ListCreateAccountStatusRequest, s.orgListCreateAccountStatus),
		handle(schemas.CreateOrganizationalUnit, schemas.CreateOrganizationalUnitRequest, s.orgCreateOrganizationalUnit),
		handle(schemas.UpdateOrganizationalUnit, schemas.UpdateOrganizationalUnitRequest, s.orgUpdateOrganizationalUnit),
		handle(schemas.DeleteOrganizationalUnit, schemas.DeleteOrganizationalUnitRequest, s.orgDeleteOrganizationalUnit),
		handle(schemas.MoveAccount, schemas.MoveAccountRequest, s.orgMoveAccount),
		handle(schemas.RemoveAccountFromOrganization, schemas.RemoveAccountFromOrganizationRequest, s.orgRemoveAccountFromOrganization),
	})
}

// ARNs ("ARN formats supported by Organizations" in the Service
// Authorization Reference). Every resource ARN carries the management
// account.

func (o *orgState) orgARN() string {
	return "arn:aws:organizations::" + o.mgmt + ":organization/" + o.id
}

func (o *orgState) nodeARN(n *orgNode) string {
	switch n.kind {
	case orgRoot:
		return "arn:aws:organizations::" + o.mgmt + ":root/" + o.id + "/" + n.id
	case orgOU:
		return "arn:aws:organizations::" + o.mgmt + ":ou/" + o.id + "/" + n.id
	}
	return "arn:aws:organizations::" + o.mgmt + ":account/" + o.id + "/" + n.id
}

func (o *orgState) policyARN(p *orgPolicy) string {
	if p.awsManaged {
		return "arn:aws:organizations::aws:policy/" + strings.ToLower(string(p.typ)) + "/" + p.id
	}
	return "arn:aws:organizations::" + o.mgmt + ":policy/" + o.id + "/" + strings.ToLower(string(p.typ)) + "/" + p.id
}

func (o *orgState) resourcePolicyARN() string {
	return "arn:aws:organizations::" + o.mgmt + ":resourcepolicy/" + o.id + "/" + o.resPolicy.id
}

// Wire shapes.

func (o *orgState) accountShape(n *orgNode) orgtypes.Account {
	method := orgtypes.AccountJoinedMethodCreated
	if n.id == o.mgmt {
		method = orgtypes.AccountJoinedMethodInvited
	}
	return orgtypes.Account{
		Arn:             aws.String(o.nodeARN(n)),
		Email:           aws.String(n.email),
		Id:              aws.String(n.id),
		JoinedMethod:    method,
		JoinedTimestamp: aws.Time(n.joined),
		Name:            aws.String(n.name),
		State:           orgtypes.AccountStateActive,
		Status:          orgtypes.AccountStatusActive,
	}
}

func (o *orgState) ouShape(n *orgNode) orgtypes.OrganizationalUnit {
	return orgtypes.OrganizationalUnit{Arn: aws.String(o.nodeARN(n)), Id: aws.String(n.id), Name: aws.String(n.name)}
}

func (o *orgState) rootShape() *orgtypes.Root {
	types := make([]orgtypes.PolicyType, 0, len(o.enabledTypes))
	for t := range o.enabledTypes {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	summaries := make([]orgtypes.PolicyTypeSummary, 0, len(types))
	for _, t := range types {
		summaries = append(summaries, orgtypes.PolicyTypeSummary{Type: t, Status: orgtypes.PolicyTypeStatusEnabled})
	}
	return &orgtypes.Root{Arn: aws.String(o.nodeARN(o.root)), Id: aws.String(o.root.id), Name: aws.String(o.root.name), PolicyTypes: summaries}
}

func (o *orgState) policySummary(p *orgPolicy) *orgtypes.PolicySummary {
	return &orgtypes.PolicySummary{
		Arn:         aws.String(o.policyARN(p)),
		AwsManaged:  p.awsManaged,
		Description: aws.String(p.description),
		Id:          aws.String(p.id),
		Name:        aws.String(p.name),
		Type:        p.typ,
	}
}

// Lookups.

func (o *orgState) isMemberLocked(account string) bool {
	n := o.nodes[account]
	return n != nil && n.kind == orgAccount
}

func (o *orgState) account(id string) *orgNode {
	if n := o.nodes[id]; n != nil && n.kind == orgAccount {
		return n
	}
	return nil
}

// parentNode resolves a root or OU ID for the ...ForParent operations.
func (o *orgState) parentNode(id *string) (*orgNode, error) {
	if id == nil || *id == "" {
		return nil, orgInputRequired("ParentId")
	}
	if n := o.nodes[*id]; n != nil && n.kind != orgAccount {
		return n, nil
	}
	if !strings.HasPrefix(*id, "r-") && !strings.HasPrefix(*id, "ou-") {
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
	}
	return nil, &orgtypes.ParentNotFoundException{Message: aws.String("We can't find a root or OU with the ParentId that you specified.")}
}

// target resolves a policy target (root, OU or account).
func (o *orgState) target(id *string) (*orgNode, error) {
	if id == nil || *id == "" {
		return nil, orgInputRequired("TargetId")
	}
	if n := o.nodes[*id]; n != nil {
		return n, nil
	}
	if !orgTargetIDPattern(*id) {
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPatternTargetId, "You specified a policy target ID that doesn't match the required pattern.")
	}
	return nil, &orgtypes.TargetNotFoundException{Message: aws.String("We can't find a root, OU, account, or policy with the TargetId that you specified.")}
}

// orgTargetIDPattern checks ^(r-[0-9a-z]{4,32})|(\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$.
func orgTargetIDPattern(id string) bool {
	lowerAlnum := func(s string, minLen, maxLen int) bool {
		if len(s) < minLen || len(s) > maxLen {
			return false
		}
		for i := 0; i < len(s); i++ {
			if (s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') {
				return false
			}
		}
		return true
	}
	switch {
	case isAccountID(id):
		return true
	case strings.HasPrefix(id, "r-"):
		return lowerAlnum(id[2:], 4, 32)
	case strings.HasPrefix(id, "ou-"):
		a, b, ok := strings.Cut(id[3:], "-")
		return ok && lowerAlnum(a, 4, 32) && lowerAlnum(b, 8, 32)
	}
	return false
}

func (o *orgState) policy(id *string) (*orgPolicy, error) {
	if id == nil || *id == "" {
		return nil, orgInputRequired("PolicyId")
	}
	if p := o.policies[*id]; p != nil {
		return p, nil
	}
	if !strings.HasPrefix(*id, "p-") {
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidSyntaxPolicy, "You specified an invalid policy ID.")
	}
	return nil, &orgtypes.PolicyNotFoundException{Message: aws.String("We can't find a policy with the PolicyId that you specified.")}
}

// path returns the nodes from the root down to n.
func (n *orgNode) path() []*orgNode {
	var p []*orgNode
	for x := n; x != nil; x = x.parent {
		p = append(p, x)
	}
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Errors.

func orgInvalidInput(reason orgtypes.InvalidInputExceptionReason, msg string) error {
	return &orgtypes.InvalidInputException{Message: aws.String(msg), Reason: reason}
}

func orgInputRequired(member string) error {
	return orgInvalidInput(orgtypes.InvalidInputExceptionReasonInputRequired, "You must specify a value for "+member+".")
}

func orgConstraint(reason orgtypes.ConstraintViolationExceptionReason, msg string) error {
	return &orgtypes.ConstraintViolationException{Message: aws.String(msg), Reason: reason}
}

func orgAccessDenied() error {
	return &orgtypes.AccessDeniedException{Message: aws.String("You don't have permissions to access this resource.")}
}

func orgNotInUse() error {
	return &orgtypes.AWSOrganizationsNotInUseException{Message: aws.String("Your account is not a member of an organization.")}
}

// orgPage validates MaxResults (1–20 in the model) and returns one page.
func orgPage[T any](items []T, token *string, max *int32) ([]T, *string, error) {
	if max != nil && *max < 1 {
		return nil, nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonMinValueExceeded, "You provided a value for MaxResults that is smaller than allowed.")
	}
	if max != nil && *max > 20 {
		return nil, nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonMaxValueExceeded, "You provided a value for MaxResults that is larger than allowed.")
	}
	page, next, err := paginate(items, token, max, 20, "InvalidInputException")
	var ae *awsError
	if errors.As(err, &ae) {
		return nil, nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPaginationToken, ae.Message)
	}
	return page, next, err
}

// Go API for the rest of the emulator and for tests.

// OrganizationAccounts returns the IDs of the organization's accounts,
// sorted.
func (s *Server) OrganizationAccounts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.org.accounts))
	for _, a := range s.org.accounts {
		ids = append(ids, a.id)
	}
	sort.Strings(ids)
	return ids
}

// ManagementAccount returns the organization's management account ID.
func (s *Server) ManagementAccount() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.org.mgmt
}

// IsDelegatedAdministrator reports whether account is registered as a
// delegated administrator for servicePrincipal (for example
// "backup.amazonaws.com").
func (s *Server) IsDelegatedAdministrator(account, servicePrincipal string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.org.delegated[servicePrincipal][account]
	return ok
}

// EffectiveBackupPolicy returns the effective backup policy of account as
// DescribeEffectivePolicy returns it, or an error wrapping
// policy.ErrNoEffectivePolicy when it has none.
func (s *Server) EffectiveBackupPolicy(account string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.org.effectiveBackupPolicyLocked(account)
}

// isDelegatedAdminLocked reports whether account is a delegated
// administrator for servicePrincipal.
func (o *orgState) isDelegatedAdminLocked(account, servicePrincipal string) bool {
	_, ok := o.delegated[servicePrincipal][account]
	return ok
}

// trustedAccessEnabledLocked reports whether EnableAWSServiceAccess was
// called for servicePrincipal.
func (o *orgState) trustedAccessEnabledLocked(servicePrincipal string) bool {
	_, ok := o.serviceAccess[servicePrincipal]
	return ok
}

// effectiveBackupPolicyLocked returns the effective backup policy of
// account as DescribeEffectivePolicy returns it ($account left in place).
func (o *orgState) effectiveBackupPolicyLocked(account string) ([]byte, error) {
	eff, _, err := o.effectiveBackupLocked(account)
	if err != nil {
		return nil, err
	}
	return eff.JSON, nil
}

// effectiveBackupLocked computes account's effective backup policy and
// the time of the last change that went into it.
func (o *orgState) effectiveBackupLocked(account string) (*policy.Effective, time.Time, error) {
	n := o.account(account)
	if n == nil {
		return nil, time.Time{}, errors.New("account " + account + " is not in the organization")
	}
	if _, ok := o.enabledTypes[orgtypes.PolicyTypeBackupPolicy]; !ok {
		return nil, time.Time{}, policy.ErrNoEffectivePolicy
	}
	var levels []policy.PolicyLevel
	var last time.Time
	for _, node := range n.path() {
		lv := policy.PolicyLevel{Target: node.id}
		for _, a := range node.attached {
			p := o.policies[a.policyID]
			if p == nil || p.typ != orgtypes.PolicyTypeBackupPolicy {
				continue
			}
			lv.Policies = append(lv.Policies, policy.PolicySource{Name: p.id, Content: []byte(p.content)})
			last = maxTime(last, maxTime(a.at, p.updated))
		}
		levels = append(levels, lv)
	}
	eff, err := policy.EffectivePolicy(levels, account)
	if err != nil {
		return nil, time.Time{}, err
	}
	return eff, last, nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
