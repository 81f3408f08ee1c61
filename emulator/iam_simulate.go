package emulator

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// awsManagedPolicyDocuments are the documents of the AWS managed policies
// whose content the emulator holds, from the "AWS Managed Policy
// Reference Guide": AdministratorAccess allows every action on every
// resource. The emulator does not hold the (long, often revised) documents
// of the others; SimulatePrincipalPolicy treats such a policy as allowing
// everything, so a check that expects a deny fails rather than passes.
var awsManagedPolicyDocuments = map[string]string{
	"AdministratorAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
}

// allowAll is what an AWS managed policy without a held document is
// simulated as.
const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// managedDocumentLocked returns the default version's document of a
// managed policy of account.
func (s *Server) managedDocumentLocked(account, arn string) string {
	if p := awsManagedPolicies[arn]; p != nil {
		if doc, ok := awsManagedPolicyDocuments[p.name]; ok {
			return doc
		}
		return allowAll
	}
	if p := s.managedPolicyLocked(account, arn); p != nil {
		return p.document
	}
	return ""
}

// iamSimulatePrincipalPolicy evaluates the identity-based policies of a
// role (inline and attached managed policies, plus PolicyInputList) and
// its permissions boundary (or PermissionsBoundaryPolicyInputList) for
// each action and resource, as the SimulatePrincipalPolicy API reference
// describes: "The simulation does not perform the API operations; it only
// checks the authorization". An explicit deny in either wins; an action
// the boundary does not allow is implicitly denied ("Permissions
// boundaries for IAM entities": the effective permissions are the
// intersection). The request context is ContextEntries only. Simplified:
// only roles are simulated (the emulator has no users or groups), and
// neither resource-based policies nor SCPs are included.
func (s *Server) iamSimulatePrincipalPolicy(c *Call, in *awsiam.SimulatePrincipalPolicyInput) (*awsiam.SimulatePrincipalPolicyOutput, error) {
	var v iamChecks
	if v.required("policySourceArn", in.PolicySourceArn) {
		v.str("policySourceArn", in.PolicySourceArn, 20, 2048, nil)
	}
	if len(in.ActionNames) == 0 {
		v.msgs = append(v.msgs, "Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	account, _, ok := parseRoleARN(*in.PolicySourceArn)
	r := s.iamRoleByARNLocked(*in.PolicySourceArn)
	// A principal of another account is not the caller's to simulate.
	if !ok || r == nil || account != c.Account {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf("Entity %s does not exist.", *in.PolicySourceArn))}
	}
	var identity []*policyDocument
	parse := func(doc string, kind policyKind) (*policyDocument, error) {
		p, err := parsePolicy(doc, kind)
		if err != nil {
			return nil, &iamtypes.InvalidInputException{Message: aws.String("Invalid policy document: " + err.Error())}
		}
		return p, nil
	}
	docs := make([]string, 0, len(r.inline)+len(r.attached)+len(in.PolicyInputList))
	for _, name := range slices.Sorted(maps.Keys(r.inline)) {
		docs = append(docs, r.inline[name])
	}
	for _, arn := range r.attached {
		if d := s.managedDocumentLocked(account, arn); d != "" {
			docs = append(docs, d)
		}
	}
	docs = append(docs, in.PolicyInputList...)
	for _, d := range docs {
		p, err := parse(d, policyIdentity)
		if err != nil {
			return nil, err
		}
		identity = append(identity, p)
	}
	var boundary []*policyDocument
	bdocs := in.PermissionsBoundaryPolicyInputList
	if len(bdocs) == 0 && r.boundary != "" {
		bdocs = []string{s.managedDocumentLocked(account, r.boundary)}
	}
	for _, d := range bdocs {
		p, err := parse(d, policyIdentity)
		if err != nil {
			return nil, err
		}
		boundary = append(boundary, p)
	}
	ctx := map[string][]string{}
	for _, e := range in.ContextEntries {
		ctx[aws.ToString(e.ContextKeyName)] = e.ContextKeyValues
	}
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	principal := &policyPrincipal{Account: account, ARN: r.arn, RoleARN: r.arn}
	var results []iamtypes.EvaluationResult
	for _, action := range in.ActionNames {
		for _, res := range resources {
			req := policyRequest{Principal: principal, Action: action, Resource: res, Context: ctx}
			d := combine(identity, req)
			out := iamtypes.EvaluationResult{EvalActionName: aws.String(action), EvalResourceName: aws.String(res)}
			if boundary != nil {
				bd := combine(boundary, req)
				out.PermissionsBoundaryDecisionDetail = &iamtypes.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: bd == decisionAllow}
				switch {
				case bd == decisionDeny:
					d = decisionDeny
				case bd != decisionAllow && d == decisionAllow:
					d = decisionImplicitDeny
				}
			}
			out.EvalDecision = simulatedDecision(d)
			results = append(results, out)
		}
	}
	page, marker, err := iamPage(results, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &awsiam.SimulatePrincipalPolicyOutput{EvaluationResults: page, Marker: marker, IsTruncated: marker != nil}, nil
}

// combine evaluates several policies of one type together: an explicit
// deny in any wins, then an allow in any.
func combine(docs []*policyDocument, req policyRequest) decision {
	d := decisionImplicitDeny
	for _, p := range docs {
		switch p.eval(req) {
		case decisionDeny:
			return decisionDeny
		case decisionAllow:
			d = decisionAllow
		}
	}
	return d
}

func simulatedDecision(d decision) iamtypes.PolicyEvaluationDecisionType {
	switch d {
	case decisionAllow:
		return iamtypes.PolicyEvaluationDecisionTypeAllowed
	case decisionDeny:
		return iamtypes.PolicyEvaluationDecisionTypeExplicitDeny
	}
	return iamtypes.PolicyEvaluationDecisionTypeImplicitDeny
}
