package emulator

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// fullAWSAccessID is the ID of the AWS managed service control policy
// FullAWSAccess. "AWS Organizations attaches a default SCP named
// FullAWSAccess to every root, OU, and account" (AttachPolicy, AWS
// Organizations API Reference) when service control policies are enabled.
const fullAWSAccessID = "p-FullAWSAccess"

func newFullAWSAccess() *orgPolicy {
	return &orgPolicy{
		id:          fullAWSAccessID,
		name:        "FullAWSAccess",
		description: "Allows access to every operation",
		typ:         orgtypes.PolicyTypeServiceControlPolicy,
		content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		awsManaged:  true,
	}
}

// attachFullAWSAccessLocked attaches FullAWSAccess to every root, OU and
// account, in a deterministic order, as enabling SCPs does.
func (o *orgState) attachFullAWSAccessLocked() {
	p := o.policies[fullAWSAccessID]
	if p == nil {
		return
	}
	ids := make([]string, 0, len(o.nodes))
	for id := range o.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := o.nodes[id]
		if o.isAttached(n, p.id) {
			continue
		}
		n.attached = append(n.attached, orgAttachment{policyID: p.id, at: o.created})
		p.targets = append(p.targets, n.id)
	}
}

// errAWSManagedPolicy refuses changes to AWS managed policies.
func errAWSManagedPolicy() error {
	return &orgtypes.AccessDeniedException{Message: aws.String("You can't modify or delete an AWS managed policy.")}
}

// checkSCPSyntax refuses an SCP that is not a valid policy document for
// its type ("SCP syntax", Organizations User Guide): IAM policy grammar,
// Version 2012-10-17, Action or NotAction in every statement, no Principal
// or NotPrincipal. Whether a statement may omit Resource the page does not
// say (all its examples have one); the emulator requires Resource or
// NotResource, as IAM does of identity policies, the stricter reading.
// AWS documents the rules but not the messages; the message carries the
// evaluator's reason after the sentence Organizations uses for a document
// of the wrong shape.
func checkSCPSyntax(content string) error {
	if _, err := parsePolicy(content, policySCP); err != nil {
		return &orgtypes.MalformedPolicyDocumentException{Message: aws.String("The provided policy document does not meet the requirements of the specified policy type: " + err.Error())}
	}
	return nil
}

// checkSCPDetachLocked refuses to detach the last SCP of a target: "Every
// root, OU, and account must have at least one SCP attached" (DetachPolicy,
// AWS Organizations API Reference), so FullAWSAccess can be replaced only
// after its replacement is attached.
func (o *orgState) checkSCPDetachLocked(p *orgPolicy, n *orgNode) error {
	if p.typ != orgtypes.PolicyTypeServiceControlPolicy {
		return nil
	}
	for _, a := range n.attached {
		if q := o.policies[a.policyID]; q != nil && q.id != p.id && q.typ == orgtypes.PolicyTypeServiceControlPolicy {
			return nil
		}
	}
	return orgConstraint(orgtypes.ConstraintViolationExceptionReasonMinPolicyTypeAttachmentLimitExceeded,
		"You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
}
