package emulator

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/schemas"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// iamAccount is one account's IAM state.
type iamAccount struct {
	roles    map[string]*iamRole   // by lower-case name: role names are unique regardless of case
	policies map[string]*iamPolicy // customer managed policies by ARN
}

// iamRole is an IAM role.
type iamRole struct {
	name, path, id, arn string
	created             time.Time
	trust               string // the trust policy as submitted
	description         string
	maxSession          int32
	tags                []iamtypes.Tag
	attached            []string          // managed policy ARNs, in attach order
	inline              map[string]string // inline policies by name
	serviceLinked       bool
	lastUsed            time.Time // last assumption, zero if never
	lastUsedRegion      string
	boundary            string // the permissions boundary's policy ARN, "" for none
}

// iamPolicy is a managed policy: AWS managed (a fixed catalog) or customer
// managed.
type iamPolicy struct {
	name, path, arn, id string
	description         string
	document            string
	created             time.Time
	attachable          bool
	// versions are a customer managed policy's versions once a version
	// operation touched it (until then v1 is document); defaultVersion
	// is the one in effect, nextVersion the last number handed out.
	versions       []policyVersion
	defaultVersion string
	nextVersion    int
}

// IAM quotas ("IAM and AWS STS quotas" in the IAM User Guide): default
// values of the adjustable ones.
const (
	iamMaxRoles            = 1000
	iamMaxAttachedPerRole  = 10
	iamMaxTrustPolicySize  = 2048
	iamMaxInlineRoleSize   = 10240
	iamMaxTagsPerResource  = 50
	iamMaxManagedPolicySz  = 6144
	iamDefaultMaxSession   = 3600
	iamMaxSessionDuration  = 43200
	iamDefaultListMaxItems = 100
)

// awsManagedPolicies are the AWS managed policies the emulator knows, with
// the ARNs of the "AWS Managed Policy Reference Guide" (some live under
// /service-role/, some at the root path, service-linked role policies under
// /aws-service-role/ and cannot be attached to customer roles).
var awsManagedPolicies = func() map[string]*iamPolicy {
	m := map[string]*iamPolicy{}
	add := func(path, name string, attachable bool) {
		arn := "arn:aws:iam::aws:policy" + path + name
		m[arn] = &iamPolicy{
			name: name, path: path, arn: arn, attachable: attachable,
			id:      "ANPA" + strings.ToUpper(fmt.Sprintf("%017x", len(m)+1)),
			created: time.Date(2019, 1, 10, 0, 0, 0, 0, time.UTC),
		}
	}
	add("/service-role/", "AWSBackupServiceRolePolicyForBackup", true)
	add("/service-role/", "AWSBackupServiceRolePolicyForRestores", true)
	add("/", "AWSBackupServiceRolePolicyForS3Backup", true)
	add("/", "AWSBackupServiceRolePolicyForS3Restore", true)
	add("/", "AWSBackupFullAccess", true)
	add("/", "AWSBackupOperatorAccess", true)
	add("/", "AWSBackupAuditAccess", true)
	add("/", "ReadOnlyAccess", true)
	add("/", "AdministratorAccess", true)
	add("/", "AWSOrganizationsReadOnlyAccess", true)
	add("/", "AWSOrganizationsFullAccess", true)
	add("/aws-service-role/", "AWSBackupServiceLinkedRolePolicyForBackup", false)
	add("/aws-service-role/", "AWSBackupRestoreTestingServiceLinkedRolePolicy", false)
	add("/aws-service-role/", "AWSOrganizationsServiceTrustPolicy", false)
	return m
}()

// serviceLinkedRoles maps a service principal to the service-linked role
// it creates and the role's permissions policy ("Using service-linked
// roles" pages of each service's guide).
var serviceLinkedRoles = map[string]struct{ name, policy string }{
	"backup.amazonaws.com":                 {"AWSServiceRoleForBackup", "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup"},
	"restore-testing.backup.amazonaws.com": {"AWSServiceRoleForBackupRestoreTesting", "arn:aws:iam::aws:policy/aws-service-role/AWSBackupRestoreTestingServiceLinkedRolePolicy"},
	"organizations.amazonaws.com":          {"AWSServiceRoleForOrganizations", "arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy"},
}

func (s *Server) iamService() *service {
	svc := newService("iam", awsQuery, schemas.AWSIdentityManagementV20100508, awsiam.TypeRegistry, []*operation{
		handle(schemas.CreateRole, schemas.CreateRoleRequest, s.iamCreateRole),
		handle(schemas.GetRole, schemas.GetRoleRequest, s.iamGetRole),
		handle(schemas.UpdateRole, schemas.UpdateRoleRequest, s.iamUpdateRole),
		handle(schemas.UpdateAssumeRolePolicy, schemas.UpdateAssumeRolePolicyRequest, s.iamUpdateAssumeRolePolicy),
		handle(schemas.DeleteRole, schemas.DeleteRoleRequest, s.iamDeleteRole),
		handle(schemas.ListRoles, schemas.ListRolesRequest, s.iamListRoles),
		handle(schemas.AttachRolePolicy, schemas.AttachRolePolicyRequest, s.iamAttachRolePolicy),
		handle(schemas.DetachRolePolicy, schemas.DetachRolePolicyRequest, s.iamDetachRolePolicy),
		handle(schemas.ListAttachedRolePolicies, schemas.ListAttachedRolePoliciesRequest, s.iamListAttachedRolePolicies),
		handle(schemas.PutRolePolicy, schemas.PutRolePolicyRequest, s.iamPutRolePolicy),
		handle(schemas.GetRolePolicy, schemas.GetRolePolicyRequest, s.iamGetRolePolicy),
		handle(schemas.DeleteRolePolicy, schemas.DeleteRolePolicyRequest, s.iamDeleteRolePolicy),
		handle(schemas.ListRolePolicies, schemas.ListRolePoliciesRequest, s.iamListRolePolicies),
		handle(schemas.TagRole, schemas.TagRoleRequest, s.iamTagRole),
		handle(schemas.UntagRole, schemas.UntagRoleRequest, s.iamUntagRole),
		handle(schemas.ListRoleTags, schemas.ListRoleTagsRequest, s.iamListRoleTags),
		handle(schemas.CreateServiceLinkedRole, schemas.CreateServiceLinkedRoleRequest, s.iamCreateServiceLinkedRole),
		handle(schemas.CreatePolicy, schemas.CreatePolicyRequest, s.iamCreatePolicy),
		handle(schemas.GetPolicy, schemas.GetPolicyRequest, s.iamGetPolicy),
		handle(schemas.DeletePolicy, schemas.DeletePolicyRequest, s.iamDeletePolicy),
		handle(schemas.CreatePolicyVersion, schemas.CreatePolicyVersionRequest, s.iamCreatePolicyVersion),
		handle(schemas.GetPolicyVersion, schemas.GetPolicyVersionRequest, s.iamGetPolicyVersion),
		handle(schemas.ListPolicyVersions, schemas.ListPolicyVersionsRequest, s.iamListPolicyVersions),
		handle(schemas.DeletePolicyVersion, schemas.DeletePolicyVersionRequest, s.iamDeletePolicyVersion),
		handle(schemas.PutRolePermissionsBoundary, schemas.PutRolePermissionsBoundaryRequest, s.iamPutRolePermissionsBoundary),
		handle(schemas.DeleteRolePermissionsBoundary, schemas.DeleteRolePermissionsBoundaryRequest, s.iamDeleteRolePermissionsBoundary),
		handle(schemas.SimulatePrincipalPolicy, schemas.SimulatePrincipalPolicyRequest, s.iamSimulatePrincipalPolicy),
	})
	svc.xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"
	return svc
}

// iamLocked returns account's IAM state, creating it on first use.
func (s *Server) iamLocked(account string) *iamAccount {
	a := s.iam[account]
	if a == nil {
		a = &iamAccount{roles: map[string]*iamRole{}, policies: map[string]*iamPolicy{}}
		s.iam[account] = a
	}
	return a
}

// iamRoleByARNLocked returns the role an ARN names (its path included), or
// nil. Other services use it to check the roles they are handed.
func (s *Server) iamRoleByARNLocked(arn string) *iamRole {
	account, name, ok := parseRoleARN(arn)
	if !ok {
		return nil
	}
	r := s.iamLocked(account).roles[strings.ToLower(name)]
	if r == nil || r.arn != arn {
		return nil
	}
	return r
}

// roleTrustsServiceLocked reports whether the role's trust policy lets the
// service principal (e.g. "backup.amazonaws.com") assume it.
func (s *Server) roleTrustsServiceLocked(roleARN, servicePrincipal string) bool {
	r := s.iamRoleByARNLocked(roleARN)
	if r == nil {
		return false
	}
	d, err := evalPolicy(r.trust, policyTrust, policyRequest{
		Principal: &policyPrincipal{Service: servicePrincipal},
		Action:    "sts:AssumeRole",
		Resource:  r.arn,
		Context:   serviceAssumeContext(servicePrincipal, arnAccount(r.arn)),
	})
	return err == nil && d == decisionAllow
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	account, res, ok := strings.Cut(rest, ":")
	if !ok || !isAccountID(account) {
		return "", "", false
	}
	res, ok = strings.CutPrefix(res, "role/")
	if !ok || res == "" {
		return "", "", false
	}
	return account, res[strings.LastIndexByte(res, '/')+1:], true
}

func roleARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":role" + path + name
}

// encodePolicyDocument encodes a policy document the way IAM returns it:
// URL-encoded per RFC 3986 (GetRole, GetRolePolicy... "The policy
// document returned in this structure is URL-encoded compliant with RFC
// 3986").
func encodePolicyDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// --- validation -----------------------------------------------------------

var (
	iamNameRE        = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathRE        = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	iamDescriptionRE = regexp.MustCompile(`^[\x09\x0A\x0D\x20-\x7E\x{A1}-\x{FF}]*$`)
	iamTagKeyRE      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	iamTagValueRE    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// iamChecks collects constraint violations and reports them the way AWS
// query services do: "N validation errors detected: Value 'x' at 'member'
// failed to satisfy constraint: ...".
type iamChecks struct{ msgs []string }

func (v *iamChecks) required(member string, val *string) bool {
	if val == nil {
		v.msgs = append(v.msgs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", member))
		return false
	}
	return true
}

func (v *iamChecks) str(member string, val *string, minLen, maxLen int, re *regexp.Regexp) {
	if val == nil {
		return
	}
	n := len([]rune(*val))
	switch {
	case n < minLen:
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", *val, member, minLen))
	case n > maxLen:
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", *val, member, maxLen))
	case re != nil && !re.MatchString(*val):
		pat := strings.TrimSuffix(strings.TrimPrefix(re.String(), "^"), "$")
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", *val, member, pat))
	}
}

func (v *iamChecks) intRange(member string, val *int32, lo, hi int32) {
	if val == nil {
		return
	}
	if *val < lo {
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", *val, member, lo))
	} else if *val > hi {
		v.msgs = append(v.msgs, fmt.Sprintf("Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", *val, member, hi))
	}
}

func (v *iamChecks) tags(tags []iamtypes.Tag) {
	for i, t := range tags {
		m := fmt.Sprintf("tags.%d.member", i+1)
		if v.required(m+".key", t.Key) {
			v.str(m+".key", t.Key, 1, 128, iamTagKeyRE)
		}
		if v.required(m+".value", t.Value) {
			v.str(m+".value", t.Value, 0, 256, iamTagValueRE)
		}
	}
}

func (v *iamChecks) err() error {
	if len(v.msgs) == 0 {
		return nil
	}
	word := "error"
	if len(v.msgs) > 1 {
		word = "errors"
	}
	return Errorf(400, "ValidationError", "%d validation %s detected: %s", len(v.msgs), word, strings.Join(v.msgs, "; "))
}

func (v *iamChecks) roleName(val *string) {
	if v.required("roleName", val) {
		v.str("roleName", val, 1, 64, iamNameRE)
	}
}

func (v *iamChecks) policyName(val *string) {
	if v.required("policyName", val) {
		v.str("policyName", val, 1, 128, iamNameRE)
	}
}

func (v *iamChecks) policyArn(val *string) {
	if v.required("policyArn", val) {
		v.str("policyArn", val, 20, 2048, nil)
	}
}

// policyDocument checks a required policy document member (member names
// differ by operation).
func (v *iamChecks) policyDocument(member string, val *string) {
	if v.required(member, val) {
		v.str(member, val, 1, 131072, nil)
	}
}

// policySize counts a policy's characters the way IAM quotas do: white
// space does not count.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func malformedPolicy(err error) error {
	var pe *policyError
	if errors.As(err, &pe) {
		return &iamtypes.MalformedPolicyDocumentException{Message: aws.String(pe.msg)}
	}
	return err
}

// checkTrustPolicyLocked parses a trust policy and rejects principals that
// name roles that do not exist, as IAM does ("Invalid principal in
// policy").
func (s *Server) checkTrustPolicyLocked(doc string) error {
	if policySize(doc) > iamMaxTrustPolicySize {
		return &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", iamMaxTrustPolicySize))}
	}
	p, err := parsePolicy(doc, policyTrust)
	if err != nil {
		return malformedPolicy(err)
	}
	for _, st := range p.Statements {
		for _, ps := range []*principalSet{st.Principal, st.NotPrincipal} {
			if ps == nil {
				continue
			}
			for _, a := range ps.AWS {
				if strings.Contains(a, ":role/") && s.iamRoleByARNLocked(a) == nil {
					return &iamtypes.MalformedPolicyDocumentException{Message: aws.String(fmt.Sprintf("Invalid principal in policy: \"AWS\":%q", a))}
				}
			}
		}
	}
	return nil
}

// --- roles ----------------------------------------------------------------

func (a *iamAccount) role(name string) (*iamRole, error) {
	r := a.roles[strings.ToLower(name)]
	if r == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("The role with name %s cannot be found.", name))}
	}
	return r, nil
}

func (r *iamRole) sdk(withDetails bool) iamtypes.Role {
	out := iamtypes.Role{
		Arn:                      aws.String(r.arn),
		CreateDate:               aws.Time(r.created),
		Path:                     aws.String(r.path),
		RoleId:                   aws.String(r.id),
		RoleName:                 aws.String(r.name),
		AssumeRolePolicyDocument: aws.String(encodePolicyDocument(r.trust)),
		MaxSessionDuration:       aws.Int32(r.maxSession),
	}
	if r.description != "" {
		out.Description = aws.String(r.description)
	}
	if r.boundary != "" {
		out.PermissionsBoundary = &iamtypes.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(r.boundary), PermissionsBoundaryType: iamtypes.PermissionsBoundaryAttachmentTypePolicy}
	}
	// ListRoles does not return tags or last-used information (ListRoles
	// API reference); GetRole does.
	if withDetails {
		out.Tags = append([]iamtypes.Tag(nil), r.tags...)
		out.RoleLastUsed = &iamtypes.RoleLastUsed{}
		if !r.lastUsed.IsZero() {
			out.RoleLastUsed = &iamtypes.RoleLastUsed{LastUsedDate: aws.Time(r.lastUsed), Region: aws.String(r.lastUsedRegion)}
		}
	}
	return out
}

// modifiableRole returns the named role for an operation that changes it,
// rejecting service-linked roles.
func (a *iamAccount) modifiableRole(name string) (*iamRole, error) {
	r, err := a.role(name)
	if err != nil {
		return nil, err
	}
	if r.serviceLinked {
		return nil, &iamtypes.UnmodifiableEntityException{Message: aws.String(fmt.Sprintf("Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.name))}
	}
	return r, nil
}

func (s *Server) iamCreateRole(c *Call, in *awsiam.CreateRoleInput) (*awsiam.CreateRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.str("path", in.Path, 1, 512, iamPathRE)
	v.str("description", in.Description, 0, 1000, iamDescriptionRE)
	v.policyDocument("assumeRolePolicyDocument", in.AssumeRolePolicyDocument)
	v.intRange("maxSessionDuration", in.MaxSessionDuration, iamDefaultMaxSession, iamMaxSessionDuration)
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	a := s.iamLocked(c.Account)
	if _, ok := a.roles[strings.ToLower(*in.RoleName)]; ok {
		return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String(fmt.Sprintf("Role with name %s already exists.", *in.RoleName))}
	}
	if len(a.roles) >= iamMaxRoles {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for RolesPerAccount: %d", iamMaxRoles))}
	}
	if len(in.Tags) > iamMaxTagsPerResource {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", iamMaxTagsPerResource))}
	}
	if err := s.checkTrustPolicyLocked(*in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	var boundary string
	if in.PermissionsBoundary != nil {
		p, err := s.boundaryPolicyLocked(c.Account, in.PermissionsBoundary)
		if err != nil {
			return nil, err
		}
		boundary = p.arn
	}
	r := s.newRoleLocked(c.Account, aws.ToString(in.Path), *in.RoleName, *in.AssumeRolePolicyDocument)
	r.description = aws.ToString(in.Description)
	if in.MaxSessionDuration != nil {
		r.maxSession = *in.MaxSessionDuration
	}
	r.tags = mergeTags(nil, in.Tags)
	r.boundary = boundary
	out := r.sdk(false)
	out.Tags = append([]iamtypes.Tag(nil), r.tags...)
	return &awsiam.CreateRoleOutput{Role: &out}, nil
}

func (s *Server) newRoleLocked(account, path, name, trust string) *iamRole {
	if path == "" {
		path = "/"
	}
	r := &iamRole{
		name: name, path: path, arn: roleARN(account, path, name),
		id:      "AROA" + s.ids.upper(17),
		created: s.now, trust: trust, maxSession: iamDefaultMaxSession,
		inline: map[string]string{},
	}
	s.iamLocked(account).roles[strings.ToLower(name)] = r
	return r
}

func (s *Server) iamGetRole(c *Call, in *awsiam.GetRoleInput) (*awsiam.GetRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	out := r.sdk(true)
	return &awsiam.GetRoleOutput{Role: &out}, nil
}

func (s *Server) iamUpdateRole(c *Call, in *awsiam.UpdateRoleInput) (*awsiam.UpdateRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.str("description", in.Description, 0, 1000, iamDescriptionRE)
	v.intRange("maxSessionDuration", in.MaxSessionDuration, iamDefaultMaxSession, iamMaxSessionDuration)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	if in.Description != nil {
		r.description = *in.Description
	}
	if in.MaxSessionDuration != nil {
		r.maxSession = *in.MaxSessionDuration
	}
	return &awsiam.UpdateRoleOutput{}, nil
}

func (s *Server) iamUpdateAssumeRolePolicy(c *Call, in *awsiam.UpdateAssumeRolePolicyInput) (*awsiam.UpdateAssumeRolePolicyOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.policyDocument("policyDocument", in.PolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrustPolicyLocked(*in.PolicyDocument); err != nil {
		return nil, err
	}
	r.trust = *in.PolicyDocument
	return &awsiam.UpdateAssumeRolePolicyOutput{}, nil
}

func (s *Server) iamDeleteRole(c *Call, in *awsiam.DeleteRoleInput) (*awsiam.DeleteRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	a := s.iamLocked(c.Account)
	r, err := a.modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	// DeleteRole: "you must first remove those items": attached managed
	// policies and inline policies.
	if len(r.attached) > 0 {
		return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
	}
	if len(r.inline) > 0 {
		return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must delete policies first.")}
	}
	delete(a.roles, strings.ToLower(r.name))
	return &awsiam.DeleteRoleOutput{}, nil
}

func (s *Server) iamListRoles(c *Call, in *awsiam.ListRolesInput) (*awsiam.ListRolesOutput, error) {
	var v iamChecks
	v.str("pathPrefix", in.PathPrefix, 1, 512, nil)
	v.intRange("maxItems", in.MaxItems, 1, 1000)
	if err := v.err(); err != nil {
		return nil, err
	}
	roles := []iamtypes.Role{} // a required member: present even when empty
	for _, r := range sortedRoles(s.iamLocked(c.Account)) {
		if in.PathPrefix == nil || strings.HasPrefix(r.path, *in.PathPrefix) {
			roles = append(roles, r.sdk(false))
		}
	}
	page, marker, err := iamPage(roles, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &awsiam.ListRolesOutput{Roles: page, Marker: marker, IsTruncated: marker != nil}, nil
}

func sortedRoles(a *iamAccount) []*iamRole {
	out := make([]*iamRole, 0, len(a.roles))
	for _, r := range a.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].name) < strings.ToLower(out[j].name) })
	return out
}

// iamPage is IAM's pagination: Marker and MaxItems in, Marker and
// IsTruncated out (default page size 100).
func iamPage[T any](items []T, marker *string, maxItems *int32) ([]T, *string, error) {
	return paginate(items, marker, maxItems, iamDefaultListMaxItems, "ValidationError")
}

// --- managed policies -------------------------------------------------------

func (s *Server) managedPolicyLocked(account, arn string) *iamPolicy {
	if p := awsManagedPolicies[arn]; p != nil {
		return p
	}
	if acct, _, ok := strings.Cut(strings.TrimPrefix(arn, "arn:aws:iam::"), ":"); ok && isAccountID(acct) {
		return s.iamLocked(acct).policies[arn]
	}
	return nil
}

// attachmentRoleLocked validates the members AttachRolePolicy and
// DetachRolePolicy share and returns the role whose attachments change.
func (s *Server) attachmentRoleLocked(account string, roleName, policyArn *string) (*iamRole, error) {
	var v iamChecks
	v.roleName(roleName)
	v.policyArn(policyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.iamLocked(account).modifiableRole(*roleName)
}

func noSuchPolicy(arn string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Policy %s was not found.", arn))}
}

func noSuchRolePolicy(name string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("The role policy with name %s cannot be found.", name))}
}

func (s *Server) iamAttachRolePolicy(c *Call, in *awsiam.AttachRolePolicyInput) (*awsiam.AttachRolePolicyOutput, error) {
	r, err := s.attachmentRoleLocked(c.Account, in.RoleName, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	p := s.managedPolicyLocked(c.Account, *in.PolicyArn)
	if p == nil {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Policy %s does not exist or is not attachable.", *in.PolicyArn))}
	}
	if !p.attachable {
		return nil, &iamtypes.PolicyNotAttachableException{Message: aws.String("Cannot attach a Service Role Policy to a Customer Role.")}
	}
	for _, a := range r.attached {
		if a == p.arn {
			return &awsiam.AttachRolePolicyOutput{}, nil // attaching twice is a no-op
		}
	}
	if len(r.attached) >= iamMaxAttachedPerRole {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for PoliciesPerRole: %d", iamMaxAttachedPerRole))}
	}
	r.attached = append(r.attached, p.arn)
	return &awsiam.AttachRolePolicyOutput{}, nil
}

func (s *Server) iamDetachRolePolicy(c *Call, in *awsiam.DetachRolePolicyInput) (*awsiam.DetachRolePolicyOutput, error) {
	r, err := s.attachmentRoleLocked(c.Account, in.RoleName, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	for i, a := range r.attached {
		if a == *in.PolicyArn {
			r.attached = append(r.attached[:i], r.attached[i+1:]...)
			return &awsiam.DetachRolePolicyOutput{}, nil
		}
	}
	return nil, noSuchPolicy(*in.PolicyArn)
}

func (s *Server) iamListAttachedRolePolicies(c *Call, in *awsiam.ListAttachedRolePoliciesInput) (*awsiam.ListAttachedRolePoliciesOutput, error) {
	r, err := s.listedRoleLocked(c, in.RoleName, in.MaxItems)
	if err != nil {
		return nil, err
	}
	list := []iamtypes.AttachedPolicy{}
	for _, arn := range r.attached {
		p := s.managedPolicyLocked(c.Account, arn)
		if p == nil || in.PathPrefix != nil && !strings.HasPrefix(p.path, *in.PathPrefix) {
			continue
		}
		list = append(list, iamtypes.AttachedPolicy{PolicyArn: aws.String(p.arn), PolicyName: aws.String(p.name)})
	}
	page, marker, err := iamPage(list, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &awsiam.ListAttachedRolePoliciesOutput{AttachedPolicies: page, Marker: marker, IsTruncated: marker != nil}, nil
}

func (s *Server) iamCreatePolicy(c *Call, in *awsiam.CreatePolicyInput) (*awsiam.CreatePolicyOutput, error) {
	var v iamChecks
	v.policyName(in.PolicyName)
	v.str("path", in.Path, 1, 512, iamPathRE)
	v.str("description", in.Description, 0, 1000, nil)
	v.required("policyDocument", in.PolicyDocument)
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	path := aws.ToString(in.Path)
	if path == "" {
		path = "/"
	}
	arn := "arn:aws:iam::" + c.Account + ":policy" + path + *in.PolicyName
	a := s.iamLocked(c.Account)
	for _, p := range a.policies {
		if strings.EqualFold(p.name, *in.PolicyName) {
			return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String(fmt.Sprintf("A policy called %s already exists. Duplicate names are not allowed.", *in.PolicyName))}
		}
	}
	if policySize(*in.PolicyDocument) > iamMaxManagedPolicySz {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for PolicySize: %d", iamMaxManagedPolicySz))}
	}
	if _, err := parsePolicy(*in.PolicyDocument, policyIdentity); err != nil {
		return nil, malformedPolicy(err)
	}
	p := &iamPolicy{
		name: *in.PolicyName, path: path, arn: arn, id: "ANPA" + s.ids.upper(17),
		description: aws.ToString(in.Description), document: *in.PolicyDocument, created: s.now, attachable: true,
	}
	a.policies[arn] = p
	return &awsiam.CreatePolicyOutput{Policy: s.policySDKLocked(c.Account, p)}, nil
}

func (s *Server) policySDKLocked(account string, p *iamPolicy) *iamtypes.Policy {
	n := int32(0)
	for _, r := range s.iamLocked(account).roles {
		for _, a := range r.attached {
			if a == p.arn {
				n++
			}
		}
	}
	out := &iamtypes.Policy{
		Arn: aws.String(p.arn), PolicyName: aws.String(p.name), PolicyId: aws.String(p.id), Path: aws.String(p.path),
		DefaultVersionId: aws.String("v1"), AttachmentCount: aws.Int32(n), PermissionsBoundaryUsageCount: aws.Int32(s.boundaryUsesLocked(account, p.arn)),
		IsAttachable: p.attachable, CreateDate: aws.Time(p.created), UpdateDate: aws.Time(p.created),
	}
	if p.description != "" {
		out.Description = aws.String(p.description)
	}
	if p.defaultVersion != "" {
		out.DefaultVersionId = aws.String(p.defaultVersion)
	}
	return out
}

func (s *Server) iamGetPolicy(c *Call, in *awsiam.GetPolicyInput) (*awsiam.GetPolicyOutput, error) {
	var v iamChecks
	v.policyArn(in.PolicyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	p := s.managedPolicyLocked(c.Account, *in.PolicyArn)
	if p == nil {
		return nil, noSuchPolicy(*in.PolicyArn)
	}
	return &awsiam.GetPolicyOutput{Policy: s.policySDKLocked(c.Account, p)}, nil
}

func (s *Server) iamDeletePolicy(c *Call, in *awsiam.DeletePolicyInput) (*awsiam.DeletePolicyOutput, error) {
	var v iamChecks
	v.policyArn(in.PolicyArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	a := s.iamLocked(c.Account)
	p := a.policies[*in.PolicyArn]
	if p == nil {
		return nil, noSuchPolicy(*in.PolicyArn)
	}
	if n := aws.ToInt32(s.policySDKLocked(c.Account, p).AttachmentCount); n > 0 {
		return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete a policy attached to entities.")}
	}
	delete(a.policies, p.arn)
	return &awsiam.DeletePolicyOutput{}, nil
}

// --- inline policies --------------------------------------------------------

func (s *Server) iamPutRolePolicy(c *Call, in *awsiam.PutRolePolicyInput) (*awsiam.PutRolePolicyOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.policyName(in.PolicyName)
	v.policyDocument("policyDocument", in.PolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	if _, err := parsePolicy(*in.PolicyDocument, policyIdentity); err != nil {
		return nil, malformedPolicy(err)
	}
	// The quota is on the aggregate size of a role's inline policies.
	total := policySize(*in.PolicyDocument)
	for name, doc := range r.inline {
		if name != *in.PolicyName {
			total += policySize(doc)
		}
	}
	if total > iamMaxInlineRoleSize {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Maximum policy size of %d bytes exceeded for role %s", iamMaxInlineRoleSize, r.name))}
	}
	r.inline[*in.PolicyName] = *in.PolicyDocument
	return &awsiam.PutRolePolicyOutput{}, nil
}

func (s *Server) iamGetRolePolicy(c *Call, in *awsiam.GetRolePolicyInput) (*awsiam.GetRolePolicyOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.policyName(in.PolicyName)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	doc, ok := r.inline[*in.PolicyName]
	if !ok {
		return nil, noSuchRolePolicy(*in.PolicyName)
	}
	return &awsiam.GetRolePolicyOutput{RoleName: aws.String(r.name), PolicyName: in.PolicyName, PolicyDocument: aws.String(encodePolicyDocument(doc))}, nil
}

func (s *Server) iamDeleteRolePolicy(c *Call, in *awsiam.DeleteRolePolicyInput) (*awsiam.DeleteRolePolicyOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.policyName(in.PolicyName)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	if _, ok := r.inline[*in.PolicyName]; !ok {
		return nil, noSuchRolePolicy(*in.PolicyName)
	}
	delete(r.inline, *in.PolicyName)
	return &awsiam.DeleteRolePolicyOutput{}, nil
}

func (s *Server) iamListRolePolicies(c *Call, in *awsiam.ListRolePoliciesInput) (*awsiam.ListRolePoliciesOutput, error) {
	r, err := s.listedRoleLocked(c, in.RoleName, in.MaxItems)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(r.inline))
	for n := range r.inline {
		names = append(names, n)
	}
	sort.Strings(names)
	page, marker, err := iamPage(names, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &awsiam.ListRolePoliciesOutput{PolicyNames: page, Marker: marker, IsTruncated: marker != nil}, nil
}

// --- tags -------------------------------------------------------------------

// mergeTags adds tags to existing ones, replacing values of existing keys
// (TagRole: "If a tag with the same key name already exists, then that tag
// is overwritten with the new value").
func mergeTags(existing, add []iamtypes.Tag) []iamtypes.Tag {
	out := append([]iamtypes.Tag(nil), existing...)
next:
	for _, t := range add {
		for i := range out {
			if aws.ToString(out[i].Key) == aws.ToString(t.Key) {
				out[i].Value = t.Value
				continue next
			}
		}
		out = append(out, iamtypes.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func (s *Server) iamTagRole(c *Call, in *awsiam.TagRoleInput) (*awsiam.TagRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	if in.Tags == nil {
		v.msgs = append(v.msgs, "Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	v.tags(in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	merged := mergeTags(r.tags, in.Tags)
	if len(merged) > iamMaxTagsPerResource {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", iamMaxTagsPerResource))}
	}
	r.tags = merged
	return &awsiam.TagRoleOutput{}, nil
}

func (s *Server) iamUntagRole(c *Call, in *awsiam.UntagRoleInput) (*awsiam.UntagRoleOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).role(*in.RoleName)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	var kept []iamtypes.Tag
	for _, t := range r.tags {
		if !drop[aws.ToString(t.Key)] {
			kept = append(kept, t)
		}
	}
	r.tags = kept
	return &awsiam.UntagRoleOutput{}, nil
}

func (s *Server) iamListRoleTags(c *Call, in *awsiam.ListRoleTagsInput) (*awsiam.ListRoleTagsOutput, error) {
	r, err := s.listedRoleLocked(c, in.RoleName, in.MaxItems)
	if err != nil {
		return nil, err
	}
	page, marker, err := iamPage(append([]iamtypes.Tag(nil), r.tags...), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []iamtypes.Tag{}
	}
	return &awsiam.ListRoleTagsOutput{Tags: page, Marker: marker, IsTruncated: marker != nil}, nil
}

// --- service-linked roles ---------------------------------------------------

func (s *Server) iamCreateServiceLinkedRole(c *Call, in *awsiam.CreateServiceLinkedRoleInput) (*awsiam.CreateServiceLinkedRoleOutput, error) {
	var v iamChecks
	if v.required("aWSServiceName", in.AWSServiceName) {
		v.str("aWSServiceName", in.AWSServiceName, 1, 128, iamNameRE)
	}
	v.str("customSuffix", in.CustomSuffix, 1, 64, iamNameRE)
	v.str("description", in.Description, 0, 1000, iamDescriptionRE)
	if err := v.err(); err != nil {
		return nil, err
	}
	svc := *in.AWSServiceName
	slr, ok := serviceLinkedRoles[svc]
	if !ok {
		return nil, &iamtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("Service name %s is not recognized or does not support service-linked roles.", svc))}
	}
	if in.CustomSuffix != nil {
		// Only some services accept a suffix; those the emulator knows do
		// not ("Creating a service-linked role").
		return nil, &iamtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("Custom suffix is not allowed for %s", svc))}
	}
	a := s.iamLocked(c.Account)
	if _, ok := a.roles[strings.ToLower(slr.name)]; ok {
		return nil, &iamtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("Service role name %s has been taken in this account, please try a different suffix.", slr.name))}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"}]}`
	r := s.newRoleLocked(c.Account, "/aws-service-role/"+svc+"/", slr.name, trust)
	r.serviceLinked = true
	r.description = aws.ToString(in.Description)
	r.attached = []string{slr.policy}
	out := r.sdk(false)
	return &awsiam.CreateServiceLinkedRoleOutput{Role: &out}, nil
}

// listedRoleLocked validates the RoleName and MaxItems of a role's list
// operation (ListAttachedRolePolicies, ListRolePolicies, ListRoleTags) and
// returns the role.
func (s *Server) listedRoleLocked(c *Call, name *string, maxItems *int32) (*iamRole, error) {
	var v iamChecks
	v.roleName(name)
	v.intRange("maxItems", maxItems, 1, 1000)
	if err := v.err(); err != nil {
		return nil, err
	}
	return s.iamLocked(c.Account).role(*name)
}
