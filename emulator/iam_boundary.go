package emulator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// This file holds role permissions boundaries and managed policy versions.

// iamMaxPolicyVersions is the number of versions a managed policy keeps
// ("IAM and AWS STS quotas": "Managed policy versions: 5"; "Versioning
// IAM policies": delete a version before creating a sixth).
const iamMaxPolicyVersions = 5

// policyVersion is one stored version of a customer managed policy.
type policyVersion struct {
	id       string // "v1", "v2", ...
	document string
}

// boundaryPolicyLocked returns the managed policy a permissions boundary
// names: a customer managed policy of the account or an AWS managed
// policy ("Permissions boundaries for IAM entities": a boundary is a
// managed policy).
func (s *Server) boundaryPolicyLocked(account string, arn *string) (*iamPolicy, error) {
	var v iamChecks
	v.str("permissionsBoundary", arn, 20, 2048, nil)
	if err := v.err(); err != nil {
		return nil, err
	}
	p := s.managedPolicyLocked(account, *arn)
	if p == nil || !p.attachable {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Scope ARN: %s does not exist or is not attachable.", *arn))}
	}
	return p, nil
}

// boundaryUsesLocked counts the roles of account whose boundary is arn.
func (s *Server) boundaryUsesLocked(account, arn string) int32 {
	n := int32(0)
	for _, r := range s.iamLocked(account).roles {
		if r.boundary == arn {
			n++
		}
	}
	return n
}

func (s *Server) iamPutRolePermissionsBoundary(c *Call, in *awsiam.PutRolePermissionsBoundaryInput) (*awsiam.PutRolePermissionsBoundaryOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	v.required("permissionsBoundary", in.PermissionsBoundary)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	p, err := s.boundaryPolicyLocked(c.Account, in.PermissionsBoundary)
	if err != nil {
		return nil, err
	}
	r.boundary = p.arn
	return &awsiam.PutRolePermissionsBoundaryOutput{}, nil
}

func (s *Server) iamDeleteRolePermissionsBoundary(c *Call, in *awsiam.DeleteRolePermissionsBoundaryInput) (*awsiam.DeleteRolePermissionsBoundaryOutput, error) {
	var v iamChecks
	v.roleName(in.RoleName)
	if err := v.err(); err != nil {
		return nil, err
	}
	r, err := s.iamLocked(c.Account).modifiableRole(*in.RoleName)
	if err != nil {
		return nil, err
	}
	// DeleteRolePermissionsBoundary API reference: NoSuchEntity when the
	// role has no boundary is not listed; removing none is accepted.
	r.boundary = ""
	return &awsiam.DeleteRolePermissionsBoundaryOutput{}, nil
}

// customerPolicyLocked returns a customer managed policy of the caller's
// account for the version operations, which AWS managed policies refuse.
func (s *Server) customerPolicyLocked(c *Call, arn *string) (*iamPolicy, error) {
	var v iamChecks
	v.policyArn(arn)
	if err := v.err(); err != nil {
		return nil, err
	}
	p := s.iamLocked(c.Account).policies[*arn]
	if p == nil {
		return nil, noSuchPolicy(*arn)
	}
	if len(p.versions) == 0 {
		p.versions = []policyVersion{{id: "v1", document: p.document}}
		p.defaultVersion = "v1"
	}
	return p, nil
}

func (s *Server) iamCreatePolicyVersion(c *Call, in *awsiam.CreatePolicyVersionInput) (*awsiam.CreatePolicyVersionOutput, error) {
	var v iamChecks
	v.policyDocument("policyDocument", in.PolicyDocument)
	if err := v.err(); err != nil {
		return nil, err
	}
	p, err := s.customerPolicyLocked(c, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	if len(p.versions) >= iamMaxPolicyVersions {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", iamMaxPolicyVersions))}
	}
	if policySize(*in.PolicyDocument) > iamMaxManagedPolicySz {
		return nil, &iamtypes.LimitExceededException{Message: aws.String(fmt.Sprintf("Cannot exceed quota for PolicySize: %d", iamMaxManagedPolicySz))}
	}
	if _, err := parsePolicy(*in.PolicyDocument, policyIdentity); err != nil {
		return nil, malformedPolicy(err)
	}
	// Version IDs keep counting up; a deleted ID is not reused.
	p.nextVersion = max(p.nextVersion, len(p.versions)) + 1
	id := "v" + strconv.Itoa(p.nextVersion)
	p.versions = append(p.versions, policyVersion{id: id, document: *in.PolicyDocument})
	if in.SetAsDefault {
		p.defaultVersion, p.document = id, *in.PolicyDocument
	}
	return &awsiam.CreatePolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{VersionId: aws.String(id), IsDefaultVersion: in.SetAsDefault, CreateDate: aws.Time(s.now)}}, nil
}

func (s *Server) iamGetPolicyVersion(c *Call, in *awsiam.GetPolicyVersionInput) (*awsiam.GetPolicyVersionOutput, error) {
	var v iamChecks
	v.policyArn(in.PolicyArn)
	v.required("versionId", in.VersionId)
	if err := v.err(); err != nil {
		return nil, err
	}
	if p := awsManagedPolicies[*in.PolicyArn]; p != nil {
		doc, ok := awsManagedPolicyDocuments[p.name]
		if !ok || *in.VersionId != "v1" {
			return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Policy %s version %s does not exist or is not attachable.", *in.PolicyArn, *in.VersionId))}
		}
		return &awsiam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{VersionId: aws.String("v1"), IsDefaultVersion: true, Document: aws.String(encodePolicyDocument(doc)), CreateDate: aws.Time(p.created)}}, nil
	}
	p, err := s.customerPolicyLocked(c, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	for _, pv := range p.versions {
		if pv.id == *in.VersionId {
			// "The policy document returned in this structure is
			// URL-encoded compliant with RFC 3986" (PolicyVersion).
			return &awsiam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{VersionId: aws.String(pv.id), IsDefaultVersion: pv.id == p.defaultVersion, Document: aws.String(encodePolicyDocument(pv.document)), CreateDate: aws.Time(p.created)}}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Policy %s version %s does not exist or is not attachable.", *in.PolicyArn, *in.VersionId))}
}

func (s *Server) iamListPolicyVersions(c *Call, in *awsiam.ListPolicyVersionsInput) (*awsiam.ListPolicyVersionsOutput, error) {
	p, err := s.customerPolicyLocked(c, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	list := make([]iamtypes.PolicyVersion, 0, len(p.versions))
	for _, pv := range p.versions {
		list = append(list, iamtypes.PolicyVersion{VersionId: aws.String(pv.id), IsDefaultVersion: pv.id == p.defaultVersion, CreateDate: aws.Time(p.created)})
	}
	// Newest first, as IAM lists them.
	sort.SliceStable(list, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(*list[i].VersionId, "v"))
		b, _ := strconv.Atoi(strings.TrimPrefix(*list[j].VersionId, "v"))
		return a > b
	})
	page, marker, err := iamPage(list, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &awsiam.ListPolicyVersionsOutput{Versions: page, Marker: marker, IsTruncated: marker != nil}, nil
}

func (s *Server) iamDeletePolicyVersion(c *Call, in *awsiam.DeletePolicyVersionInput) (*awsiam.DeletePolicyVersionOutput, error) {
	var v iamChecks
	v.required("versionId", in.VersionId)
	if err := v.err(); err != nil {
		return nil, err
	}
	p, err := s.customerPolicyLocked(c, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	for i, pv := range p.versions {
		if pv.id != *in.VersionId {
			continue
		}
		// "You cannot delete the default version of a policy"
		// (DeletePolicyVersion API reference).
		if pv.id == p.defaultVersion {
			return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete the default version of a policy.")}
		}
		p.versions = append(p.versions[:i], p.versions[i+1:]...)
		return &awsiam.DeletePolicyVersionOutput{}, nil
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Policy %s version %s does not exist.", *in.PolicyArn, *in.VersionId))}
}
