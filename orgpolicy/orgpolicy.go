// Package orgpolicy holds what the kinds of AWS Organizations policies
// share, whatever their type (backup policies, service control
// policies): finding a policy by name, its tags, and attaching it to the
// organization's targets (kinds POLICY@TARGET, global, held by the
// management account).
package orgpolicy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Lister lists an organization's policies.
type Lister interface {
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
}

// AttachWriter attaches and detaches policies.
type AttachWriter interface {
	Lister
	AttachPolicy(ctx context.Context, in *awsorgs.AttachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.AttachPolicyOutput, error)
	DetachPolicy(ctx context.Context, in *awsorgs.DetachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DetachPolicyOutput, error)
}

// FindID returns the ID of the policy of type typ named name, "" when
// there is none.
func FindID(ctx context.Context, orgs Lister, typ orgtypes.PolicyType, name string) (string, error) {
	pages := awsorgs.NewListPoliciesPaginator(orgs, &awsorgs.ListPoliciesInput{Filter: typ})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("listing %s policies: %w", typ, err)
		}
		for _, p := range out.Policies {
			if aws.ToString(p.Name) == name {
				return aws.ToString(p.Id), nil
			}
		}
	}
	return "", nil
}

// Tags returns a plan.Kind Tags function reading the tags of the policy
// of type typ named by the address.
func Tags(typ orgtypes.PolicyType) func(context.Context, aws.Config, plan.Address) (map[string]string, bool, error) {
	return func(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
		api := awsorgs.NewFromConfig(cfg)
		id, err := FindID(ctx, api, typ, a.Name)
		if err != nil || id == "" {
			return nil, false, err
		}
		tags, err := managedtags.OrganizationsTags(ctx, api, id)
		return tags, true, err
	}
}

// OwnedBy returns a plan.Kind Owner function: an attachment
// ("POLICY@TARGET") has no tags; the policy's, of kind policyKind, say who
// owns it.
func OwnedBy(policyKind string) func(plan.Address) plan.Address {
	return func(a plan.Address) plan.Address {
		a.Kind = policyKind
		if i := strings.LastIndex(a.Name, "@"); i >= 0 {
			a.Name = a.Name[:i]
		}
		return a
	}
}

// Attachment is the state of an attachment change.
type Attachment struct {
	Policy string `json:"policy"` // policy name; its ID is looked up at apply time
	Target string `json:"target"`
}

// Reasons say why attachments change.
type Reasons struct {
	// Attach is the reason for attaching to a target.
	Attach func(target string) string
	// Detach is the reason for detaching from a target the spec dropped.
	Detach func(target string) string
	// Gone is the reason for detaching a policy that is going.
	Gone string
}

// PlanAttachments attaches policy to the targets of want that have lacks
// (after the changes in after: the policy's own creation or update) and
// detaches it, destructively, from those of have that want lacks (all of
// them when the policy itself is going: policyGone). kind is the
// attachments' kind, held by the management account mgmt.
func PlanAttachments(kind, mgmt, policy string, have, want []string, after []plan.Address, policyGone bool, why Reasons) []plan.Change {
	addr := func(target string) plan.Address {
		return plan.Address{Account: mgmt, Region: plan.Global, Kind: kind, Name: policy + "@" + target}
	}
	var changes []plan.Change
	for _, t := range want {
		if slices.Contains(have, t) {
			continue
		}
		c := plan.NewChange(addr(t), plan.Create, nil, Attachment{policy, t}, why.Attach(t))
		c.DependsOn = after
		changes = append(changes, c)
	}
	for _, t := range have {
		if slices.Contains(want, t) {
			continue
		}
		reason := why.Detach(t)
		if policyGone {
			reason = why.Gone
		}
		c := plan.NewChange(addr(t), plan.Delete, Attachment{policy, t}, nil, reason)
		c.Destructive = true
		changes = append(changes, c)
	}
	return changes
}

// ApplyAttachment attaches or detaches a policy of type typ; re-running
// converges.
func ApplyAttachment(ctx context.Context, orgs AttachWriter, typ orgtypes.PolicyType, c plan.Change) error {
	var a Attachment
	raw := c.After
	if c.Action == plan.Delete {
		raw = c.Before
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return err
	}
	id, err := FindID(ctx, orgs, typ, a.Policy)
	if err != nil {
		return err
	}
	if id == "" {
		if c.Action == plan.Delete {
			return nil
		}
		return fmt.Errorf("%s policy %s does not exist", typ, a.Policy)
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
