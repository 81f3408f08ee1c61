package emulator

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// Trusted access, delegated administrators, the resource-based delegation
// policy, policy types on the root, and tags.

// servicePrincipal validates a ServicePrincipal member (pattern
// [\w+=,.@-]*, 1–128 characters). The emulator recognizes any principal
// of the form NAME.amazonaws.com.
func servicePrincipal(sp *string) (string, error) {
	if sp == nil || *sp == "" {
		return "", orgInputRequired("ServicePrincipal")
	}
	v := *sp
	if len(v) > 128 {
		return "", orgInvalidInput(orgtypes.InvalidInputExceptionReasonMaxLengthExceeded, "You provided a string parameter that is longer than allowed.")
	}
	for _, r := range v {
		if !(r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return "", orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
		}
	}
	if name, ok := strings.CutSuffix(v, ".amazonaws.com"); !ok || name == "" {
		return "", orgInvalidInput(orgtypes.InvalidInputExceptionReasonUnrecognizedServicePrincipal, "You specified a service principal that isn't recognized.")
	}
	return v, nil
}

func (s *Server) orgEnableAWSServiceAccess(c *Call, in *awsorgs.EnableAWSServiceAccessInput) (*awsorgs.EnableAWSServiceAccessOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	sp, err := servicePrincipal(in.ServicePrincipal)
	if err != nil {
		return nil, err
	}
	if _, ok := o.serviceAccess[sp]; !ok {
		o.serviceAccess[sp] = s.now
	}
	return &awsorgs.EnableAWSServiceAccessOutput{}, nil
}

func (s *Server) orgDisableAWSServiceAccess(c *Call, in *awsorgs.DisableAWSServiceAccessInput) (*awsorgs.DisableAWSServiceAccessOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	sp, err := servicePrincipal(in.ServicePrincipal)
	if err != nil {
		return nil, err
	}
	delete(o.serviceAccess, sp)
	return &awsorgs.DisableAWSServiceAccessOutput{}, nil
}

func (s *Server) orgListAWSServiceAccess(c *Call, in *awsorgs.ListAWSServiceAccessForOrganizationInput) (*awsorgs.ListAWSServiceAccessForOrganizationOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	sps := make([]string, 0, len(o.serviceAccess))
	for sp := range o.serviceAccess {
		sps = append(sps, sp)
	}
	sort.Strings(sps)
	items := make([]orgtypes.EnabledServicePrincipal, 0, len(sps))
	for _, sp := range sps {
		items = append(items, orgtypes.EnabledServicePrincipal{ServicePrincipal: aws.String(sp), DateEnabled: aws.Time(o.serviceAccess[sp])})
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListAWSServiceAccessForOrganizationOutput{EnabledServicePrincipals: page, NextToken: next}, nil
}

func (s *Server) orgRegisterDelegatedAdministrator(c *Call, in *awsorgs.RegisterDelegatedAdministratorInput) (*awsorgs.RegisterDelegatedAdministratorOutput, error) {
	o := s.org
	sp, err := o.delegatedAdminRequestLocked(c, in.AccountId, in.ServicePrincipal)
	if err != nil {
		return nil, err
	}
	if *in.AccountId == o.mgmt {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator, "You cannot register the management account of the organization as a delegated administrator.")
	}
	// ConstraintViolationException SERVICE_ACCESS_NOT_ENABLED: "You
	// attempted to register a delegated administrator before you enabled
	// service access. Call the EnableAWSServiceAccess API first."
	if !o.trustedAccessEnabledLocked(sp) {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonServiceAccessNotEnabled, "You attempted to register a delegated administrator before you enabled service access. Call the EnableAWSServiceAccess API first.")
	}
	if o.isDelegatedAdminLocked(*in.AccountId, sp) {
		return nil, &orgtypes.AccountAlreadyRegisteredException{Message: aws.String("The provided account is already a delegated administrator for your organization.")}
	}
	if o.delegated[sp] == nil {
		o.delegated[sp] = map[string]time.Time{}
	}
	o.delegated[sp][*in.AccountId] = s.now
	return &awsorgs.RegisterDelegatedAdministratorOutput{}, nil
}

func (s *Server) orgDeregisterDelegatedAdministrator(c *Call, in *awsorgs.DeregisterDelegatedAdministratorInput) (*awsorgs.DeregisterDelegatedAdministratorOutput, error) {
	o := s.org
	sp, err := o.delegatedAdminRequestLocked(c, in.AccountId, in.ServicePrincipal)
	if err != nil {
		return nil, err
	}
	if !o.isDelegatedAdminLocked(*in.AccountId, sp) {
		return nil, &orgtypes.AccountNotRegisteredException{Message: aws.String("The provided account is not a registered delegated administrator for this service.")}
	}
	delete(o.delegated[sp], *in.AccountId)
	if len(o.delegated[sp]) == 0 {
		delete(o.delegated, sp)
	}
	return &awsorgs.DeregisterDelegatedAdministratorOutput{}, nil
}

func (s *Server) orgListDelegatedAdministrators(c *Call, in *awsorgs.ListDelegatedAdministratorsInput) (*awsorgs.ListDelegatedAdministratorsOutput, error) {
	o := s.org
	filter := aws.ToString(in.ServicePrincipal)
	if err := o.authorizeLocked(c, orgRead, orgRequest{servicePrincipal: filter}); err != nil {
		return nil, err
	}
	since := map[string]time.Time{}
	for sp, accounts := range o.delegated {
		if filter != "" && sp != filter {
			continue
		}
		for id, at := range accounts {
			if prev, ok := since[id]; !ok || at.Before(prev) {
				since[id] = at
			}
		}
	}
	ids := make([]string, 0, len(since))
	for id := range since {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	items := make([]orgtypes.DelegatedAdministrator, 0, len(ids))
	for _, id := range ids {
		a := o.accountShape(o.account(id))
		items = append(items, orgtypes.DelegatedAdministrator{
			Arn:                   a.Arn,
			DelegationEnabledDate: aws.Time(since[id]),
			Email:                 a.Email,
			Id:                    a.Id,
			JoinedMethod:          a.JoinedMethod,
			JoinedTimestamp:       a.JoinedTimestamp,
			Name:                  a.Name,
			State:                 a.State,
			Status:                a.Status,
		})
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListDelegatedAdministratorsOutput{DelegatedAdministrators: page, NextToken: next}, nil
}

func (s *Server) orgListDelegatedServicesForAccount(c *Call, in *awsorgs.ListDelegatedServicesForAccountInput) (*awsorgs.ListDelegatedServicesForAccountOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	if in.AccountId == nil || *in.AccountId == "" {
		return nil, orgInputRequired("AccountId")
	}
	if o.account(*in.AccountId) == nil {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
	}
	var sps []string
	for sp, accounts := range o.delegated {
		if _, ok := accounts[*in.AccountId]; ok {
			sps = append(sps, sp)
		}
	}
	if len(sps) == 0 {
		return nil, &orgtypes.AccountNotRegisteredException{Message: aws.String("The provided account is not a registered delegated administrator for your organization.")}
	}
	sort.Strings(sps)
	items := make([]orgtypes.DelegatedService, 0, len(sps))
	for _, sp := range sps {
		items = append(items, orgtypes.DelegatedService{ServicePrincipal: aws.String(sp), DelegationEnabledDate: aws.Time(o.delegated[sp][*in.AccountId])})
	}
	page, next, err := orgPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListDelegatedServicesForAccountOutput{DelegatedServices: page, NextToken: next}, nil
}

// The resource-based delegation policy.

func (o *orgState) resourcePolicyShape() *orgtypes.ResourcePolicy {
	return &orgtypes.ResourcePolicy{
		Content:               aws.String(o.resPolicy.content),
		ResourcePolicySummary: &orgtypes.ResourcePolicySummary{Arn: aws.String(o.resourcePolicyARN()), Id: aws.String(o.resPolicy.id)},
	}
}

func (s *Server) orgPutResourcePolicy(c *Call, in *awsorgs.PutResourcePolicyInput) (*awsorgs.PutResourcePolicyOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	if in.Content == nil || *in.Content == "" {
		return nil, orgInputRequired("Content")
	}
	if utf8.RuneCountInString(*in.Content) > 40000 {
		return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonMaxLengthExceeded, "You provided a string parameter that is longer than allowed.")
	}
	// PutResourcePolicy models no MalformedPolicyDocumentException; an
	// invalid document is invalid input.
	if _, err := parsePolicy(*in.Content, policyResource); err != nil {
		return nil, orgInvalidInput("", "The provided policy document is not valid: "+err.Error())
	}
	tags, err := o.checkTags(in.Tags, "")
	if err != nil {
		return nil, err
	}
	if o.resPolicy == nil {
		o.resPolicy = &orgResourcePolicy{id: "rp-" + s.ids.lower(8)}
	}
	o.resPolicy.content = *in.Content
	o.applyTags(o.resPolicy.id, tags)
	return &awsorgs.PutResourcePolicyOutput{ResourcePolicy: o.resourcePolicyShape()}, nil
}

func (s *Server) orgDescribeResourcePolicy(c *Call, _ *awsorgs.DescribeResourcePolicyInput) (*awsorgs.DescribeResourcePolicyOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgRead, orgRequest{}); err != nil {
		return nil, err
	}
	if o.resPolicy == nil {
		return nil, &orgtypes.ResourcePolicyNotFoundException{Message: aws.String("We can't find a resource policy request with the parameter that you specified.")}
	}
	return &awsorgs.DescribeResourcePolicyOutput{ResourcePolicy: o.resourcePolicyShape()}, nil
}

func (s *Server) orgDeleteResourcePolicy(c *Call, _ *awsorgs.DeleteResourcePolicyInput) (*awsorgs.DeleteResourcePolicyOutput, error) {
	o := s.org
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{}); err != nil {
		return nil, err
	}
	if o.resPolicy == nil {
		return nil, &orgtypes.ResourcePolicyNotFoundException{Message: aws.String("We can't find a resource policy request with the parameter that you specified.")}
	}
	delete(o.tags, o.resPolicy.id)
	o.resPolicy = nil
	return &awsorgs.DeleteResourcePolicyOutput{}, nil
}

// Policy types on the root.

// checkPolicyType validates a PolicyType member.
func checkPolicyType(t orgtypes.PolicyType) error {
	if t == "" {
		return orgInputRequired("PolicyType")
	}
	for _, v := range t.Values() {
		if v == t {
			return nil
		}
	}
	return orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidEnumPolicyType, "You specified an invalid policy type string.")
}

func (o *orgState) rootFor(id *string) (*orgNode, error) {
	if id == nil || *id == "" {
		return nil, orgInputRequired("RootId")
	}
	if *id != o.root.id {
		return nil, &orgtypes.RootNotFoundException{Message: aws.String("We can't find a root with the RootId that you specified.")}
	}
	return o.root, nil
}

func (s *Server) orgEnablePolicyType(c *Call, in *awsorgs.EnablePolicyTypeInput) (*awsorgs.EnablePolicyTypeOutput, error) {
	o := s.org
	req := orgRequest{policyType: in.PolicyType, resources: []string{o.nodeARN(o.root)}}
	if err := o.authorizeLocked(c, orgWrite, req); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.PolicyType); err != nil {
		return nil, err
	}
	if _, err := o.rootFor(in.RootId); err != nil {
		return nil, err
	}
	if _, ok := o.enabledTypes[in.PolicyType]; ok {
		return nil, &orgtypes.PolicyTypeAlreadyEnabledException{Message: aws.String("The specified policy type is already enabled.")}
	}
	// AWS enables policy types asynchronously (PENDING_ENABLE); the
	// emulator enables them at once.
	o.enabledTypes[in.PolicyType] = s.now
	if in.PolicyType == orgtypes.PolicyTypeServiceControlPolicy {
		o.attachFullAWSAccessLocked()
	}
	return &awsorgs.EnablePolicyTypeOutput{Root: o.rootShape()}, nil
}

func (s *Server) orgDisablePolicyType(c *Call, in *awsorgs.DisablePolicyTypeInput) (*awsorgs.DisablePolicyTypeOutput, error) {
	o := s.org
	req := orgRequest{policyType: in.PolicyType, resources: []string{o.nodeARN(o.root)}}
	if err := o.authorizeLocked(c, orgWrite, req); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.PolicyType); err != nil {
		return nil, err
	}
	if _, err := o.rootFor(in.RootId); err != nil {
		return nil, err
	}
	if _, ok := o.enabledTypes[in.PolicyType]; !ok {
		return nil, &orgtypes.PolicyTypeNotEnabledException{Message: aws.String("This operation can be performed only for enabled policy types.")}
	}
	delete(o.enabledTypes, in.PolicyType)
	// Disabling a policy type detaches every policy of that type from the
	// root, its OUs and accounts ("Disabling a policy type").
	for _, n := range o.nodes {
		kept := n.attached[:0]
		for _, a := range n.attached {
			if p := o.policies[a.policyID]; p != nil && p.typ == in.PolicyType {
				p.targets = removeString(p.targets, n.id)
				continue
			}
			kept = append(kept, a)
		}
		n.attached = kept
	}
	return &awsorgs.DisablePolicyTypeOutput{Root: o.rootShape()}, nil
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// Tags.

// taggable resolves a TaggableResourceId to its ARN.
func (o *orgState) taggable(id *string) (string, error) {
	if id == nil || *id == "" {
		return "", orgInputRequired("ResourceId")
	}
	if n := o.nodes[*id]; n != nil {
		return o.nodeARN(n), nil
	}
	if p := o.policies[*id]; p != nil {
		return o.policyARN(p), nil
	}
	if o.resPolicy != nil && *id == o.resPolicy.id {
		return o.resourcePolicyARN(), nil
	}
	return "", &orgtypes.TargetNotFoundException{Message: aws.String("We can't find a root, OU, account, or policy with the TargetId that you specified.")}
}

// maxOrgTags is the tag quota per resource ("Tagging AWS Organizations
// resources": up to 50 tags).
const maxOrgTags = 50

// checkTags validates tags to add to resource id ("" for a new resource)
// and returns them as a map.
func (o *orgState) checkTags(tags []orgtypes.Tag, id string) (map[string]string, error) {
	m := map[string]string{}
	for _, t := range tags {
		if t.Key == nil || t.Value == nil {
			return nil, orgInputRequired("Tag Key and Value")
		}
		k := *t.Key
		if k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(*t.Value) > 256 {
			return nil, orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidListMember, "You provided a list to a parameter that contains at least one invalid value.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, orgInvalidInput("INVALID_SYSTEM_TAGS_PARAMETER", "You specified a tag key that is a system tag.")
		}
		if _, dup := m[k]; dup {
			return nil, orgInvalidInput("DUPLICATE_TAG_KEY", "Tag keys must be unique among the tags attached to the same entity.")
		}
		m[k] = *t.Value
	}
	n := len(m)
	for k := range o.tags[id] {
		if _, ok := m[k]; !ok {
			n++
		}
	}
	if n > maxOrgTags {
		return nil, orgConstraint(orgtypes.ConstraintViolationExceptionReasonMaxTagLimitExceeded, "You have exceeded the number of tags allowed on this resource.")
	}
	return m, nil
}

func (o *orgState) applyTags(id string, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	if o.tags[id] == nil {
		o.tags[id] = map[string]string{}
	}
	for k, v := range tags {
		o.tags[id][k] = v
	}
}

// authorizeTaggableLocked resolves the ResourceId of TagResource,
// UntagResource or ListTagsForResource and authorizes access to it; an ID
// that resolves to nothing fails as authorizeLookup says.
func (o *orgState) authorizeTaggableLocked(c *Call, access orgAccess, id *string) error {
	arn, err := o.taggable(id)
	if err != nil {
		return o.authorizeLookup(c, access, orgRequest{}, err)
	}
	return o.authorizeLocked(c, access, orgRequest{resources: []string{arn}})
}

func (s *Server) orgTagResource(c *Call, in *awsorgs.TagResourceInput) (*awsorgs.TagResourceOutput, error) {
	o := s.org
	if err := o.authorizeTaggableLocked(c, orgWrite, in.ResourceId); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, orgInputRequired("Tags")
	}
	tags, err := o.checkTags(in.Tags, *in.ResourceId)
	if err != nil {
		return nil, err
	}
	o.applyTags(*in.ResourceId, tags)
	return &awsorgs.TagResourceOutput{}, nil
}

func (s *Server) orgUntagResource(c *Call, in *awsorgs.UntagResourceInput) (*awsorgs.UntagResourceOutput, error) {
	o := s.org
	if err := o.authorizeTaggableLocked(c, orgWrite, in.ResourceId); err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, orgInputRequired("TagKeys")
	}
	for _, k := range in.TagKeys {
		delete(o.tags[*in.ResourceId], k)
	}
	if len(o.tags[*in.ResourceId]) == 0 {
		delete(o.tags, *in.ResourceId)
	}
	return &awsorgs.UntagResourceOutput{}, nil
}

func (s *Server) orgListTagsForResource(c *Call, in *awsorgs.ListTagsForResourceInput) (*awsorgs.ListTagsForResourceOutput, error) {
	o := s.org
	if err := o.authorizeTaggableLocked(c, orgRead, in.ResourceId); err != nil {
		return nil, err
	}
	m := o.tags[*in.ResourceId]
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]orgtypes.Tag, 0, len(keys))
	for _, k := range keys {
		tags = append(tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	page, next, err := orgPage(tags, in.NextToken, nil)
	if err != nil {
		return nil, err
	}
	return &awsorgs.ListTagsForResourceOutput{Tags: page, NextToken: next}, nil
}

// delegatedAdminRequestLocked checks what RegisterDelegatedAdministrator
// and DeregisterDelegatedAdministrator share: the caller is the management
// account, AccountId is a 12-digit ID (its pattern in the model) of an
// account of the organization, and the service principal is valid. It
// returns the service principal.
func (o *orgState) delegatedAdminRequestLocked(c *Call, accountID, principal *string) (string, error) {
	if err := o.authorizeLocked(c, orgManagementOnly, orgRequest{servicePrincipal: aws.ToString(principal)}); err != nil {
		return "", err
	}
	if accountID == nil || *accountID == "" {
		return "", orgInputRequired("AccountId")
	}
	sp, err := servicePrincipal(principal)
	if err != nil {
		return "", err
	}
	if !isAccountID(*accountID) {
		return "", orgInvalidInput(orgtypes.InvalidInputExceptionReasonInvalidPattern, "You provided a value that does not match the required pattern.")
	}
	if o.account(*accountID) == nil {
		return "", &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
	}
	return sp, nil
}
