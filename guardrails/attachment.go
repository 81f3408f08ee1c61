package guardrails

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindSCPAttachment is a guardrail SCP's attachment to one target (an
// OU, an account or the root), named POLICY@TARGET, global and held by the
// management account.
const KindSCPAttachment = "guardrail_scp_attachment"

// attachment is the state of a KindSCPAttachment.
type attachment struct {
	Policy string `json:"policy"` // policy name; its ID is looked up at apply time
	Target string `json:"target"`
}

// planAttachments attaches policy to the targets of want that have lacks
// (after the changes in after: the policy's own creation or update) and
// detaches it, destructively, from those of have that want lacks
// (all of them when the policy itself is going: policyGone).
func planAttachments(mgmt, policy string, have, want []string, after []plan.Address, policyGone bool) []plan.Change {
	addr := func(target string) plan.Address {
		return plan.Address{Account: mgmt, Region: plan.Global, Kind: KindSCPAttachment, Name: policy + "@" + target}
	}
	var changes []plan.Change
	for _, t := range want {
		if slices.Contains(have, t) {
			continue
		}
		c := plan.NewChange(addr(t), plan.Create, nil, attachment{policy, t}, "attaches the guardrails to "+t)
		c.DependsOn = after
		changes = append(changes, c)
	}
	for _, t := range have {
		if slices.Contains(want, t) {
			continue
		}
		reason := "no tier targets " + t + " any more; its accounts' administrators are no longer kept from deleting or weakening backups"
		if policyGone {
			reason = "the guardrail SCP is no longer in the spec"
		}
		c := plan.NewChange(addr(t), plan.Delete, attachment{policy, t}, nil, reason)
		c.Destructive = true
		changes = append(changes, c)
	}
	return changes
}

// applyAttachment attaches or detaches a guardrail SCP; re-running
// converges.
func applyAttachment(ctx context.Context, orgs Writer, c plan.Change) error {
	var a attachment
	raw := c.After
	if c.Action == plan.Delete {
		raw = c.Before
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return err
	}
	id, err := findSCP(ctx, orgs, a.Policy)
	if err != nil {
		return err
	}
	if id == "" {
		if c.Action == plan.Delete {
			return nil
		}
		return fmt.Errorf("guardrail SCP %s does not exist", a.Policy)
	}
	if c.Action == plan.Delete {
		_, err = orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(a.Target)})
		var nf *orgtypes.PolicyNotAttachedException
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	_, err = orgs.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: aws.String(id), TargetId: aws.String(a.Target)})
	var dup *orgtypes.DuplicatePolicyAttachmentException
	if errors.As(err, &dup) {
		return nil
	}
	return err
}
