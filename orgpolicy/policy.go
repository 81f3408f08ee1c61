package orgpolicy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// Policy is an Organizations policy as orgbackup plans it: the state of a
// policy change.
type Policy struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Content     json.RawMessage   `json:"content"`
	Tags        map[string]string `json:"tags,omitempty"`
	// Targets are the root, OU and account IDs it is attached to.
	Targets []string `json:"-"`
}

// Reader is the part of the Organizations client that reading policies
// uses.
type Reader interface {
	managedtags.OrganizationsTagReader
	Lister
	DescribePolicy(ctx context.Context, in *awsorgs.DescribePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribePolicyOutput, error)
	ListTargetsForPolicy(ctx context.Context, in *awsorgs.ListTargetsForPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTargetsForPolicyOutput, error)
}

// Writer is the part of the Organizations client that applying policy
// and attachment changes uses (it looks policies up by name first).
type Writer interface {
	managedtags.OrganizationsTagWriter
	AttachWriter
	CreatePolicy(ctx context.Context, in *awsorgs.CreatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.CreatePolicyOutput, error)
	UpdatePolicy(ctx context.Context, in *awsorgs.UpdatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UpdatePolicyOutput, error)
	DeletePolicy(ctx context.Context, in *awsorgs.DeletePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DeletePolicyOutput, error)
}

var (
	_ Reader = (*awsorgs.Client)(nil)
	_ Writer = (*awsorgs.Client)(nil)
)

// Live is a policy as read.
type Live struct {
	ID, Content string
	// Targets are sorted.
	Targets []string
	Tags    map[string]string
}

// Family is one kind of policy orgbackup plans: its type, the names it
// gives them, its kinds and what its changes say.
type Family struct {
	// Type is the Organizations policy type.
	Type orgtypes.PolicyType
	// What names a policy in errors and reasons ("backup policy").
	What string
	// Prefix starts the name of every policy of the family.
	Prefix string
	// Kind and AttachmentKind are the kinds of the policies and of their
	// attachments.
	Kind, AttachmentKind string
	// Owned tells, from its tags, whether a policy named with Prefix is
	// the family's; nil owns them all.
	Owned func(tags map[string]string) bool
	// Missing, Differs and Gone are the reasons of a policy's creation,
	// update and deletion.
	Missing, Differs, Gone string
	// Weakens returns why updating live to want weakens protection, ""
	// when it does not: such an update is destructive.
	Weakens func(live *Live, want Policy) string
	// Attachments are the reasons of attachment changes.
	Attachments Reasons
}

// Read returns the family's policies by name, with their content, tags
// and targets.
func (f Family) Read(ctx context.Context, orgs Reader) (map[string]*Live, error) {
	existing := map[string]*Live{}
	pages := awsorgs.NewListPoliciesPaginator(orgs, &awsorgs.ListPoliciesInput{Filter: f.Type})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing %ss: %w", f.What, err)
		}
		for _, p := range out.Policies {
			if name := aws.ToString(p.Name); strings.HasPrefix(name, f.Prefix) {
				existing[name] = &Live{ID: aws.ToString(p.Id)}
			}
		}
	}
	for name, l := range existing {
		var err error
		if l.Tags, err = managedtags.OrganizationsTags(ctx, orgs, l.ID); err != nil {
			return nil, fmt.Errorf("reading %s %s: %w", f.What, name, err)
		}
		if f.Owned != nil && !f.Owned(l.Tags) {
			delete(existing, name)
			continue
		}
		d, err := orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(l.ID)})
		if err != nil {
			return nil, fmt.Errorf("reading %s %s: %w", f.What, name, err)
		}
		l.Content = aws.ToString(d.Policy.Content)
		targets := awsorgs.NewListTargetsForPolicyPaginator(orgs, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(l.ID)})
		for targets.HasMorePages() {
			out, err := targets.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing targets of %s %s: %w", f.What, name, err)
			}
			for _, t := range out.Targets {
				l.Targets = append(l.Targets, aws.ToString(t.TargetId))
			}
		}
		sort.Strings(l.Targets)
	}
	return existing, nil
}

// Plan compares the family's policies in the organization, existing (as
// Read returns them), with want, held by the management account mgmt.
// Every change to a wanted policy or its attachments waits for after.
// Policies no longer wanted are deleted, destructively, after their
// attachments.
func (f Family) Plan(mgmt string, existing map[string]*Live, want []Policy, after []plan.Address) []plan.Change {
	addr := func(kind, name string) plan.Address {
		return plan.Address{Account: mgmt, Region: plan.Global, Kind: kind, Name: name}
	}
	var changes []plan.Change
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		deps := slices.Clone(after)
		switch {
		case l == nil:
			changes = append(changes, plan.NewChange(addr(f.Kind, w.Name), plan.Create, nil, w, f.Missing))
			deps = append(deps, addr(f.Kind, w.Name))
		case !plan.JSONEqual(json.RawMessage(l.Content), w.Content) || !maps.Equal(managedtags.View(l.Tags, w.Tags), w.Tags):
			c := plan.NewChange(addr(f.Kind, w.Name), plan.Update, Policy{Name: w.Name, Description: w.Description, Content: plan.Raw(l.Content), Tags: managedtags.View(l.Tags, w.Tags)}, w, f.Differs)
			if f.Weakens != nil {
				if reason := f.Weakens(l, w); reason != "" {
					c.Destructive = true
					c.Reason = reason
				}
			}
			changes = append(changes, c)
			deps = append(deps, addr(f.Kind, w.Name))
		}
		var have []string
		if l != nil {
			have = l.Targets
		}
		changes = append(changes, PlanAttachments(f.AttachmentKind, mgmt, w.Name, have, w.Targets, deps, false, f.Attachments)...)
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if wanted[name] {
			continue
		}
		l := existing[name]
		detach := PlanAttachments(f.AttachmentKind, mgmt, name, l.Targets, nil, nil, true, f.Attachments)
		changes = append(changes, detach...)
		c := plan.NewChange(addr(f.Kind, name), plan.Delete, Policy{Name: name, Content: plan.Raw(l.Content), Tags: l.Tags}, nil, f.Gone)
		c.Destructive = true
		for _, d := range detach {
			c.DependsOn = append(c.DependsOn, d.Address)
		}
		changes = append(changes, c)
	}
	return changes
}

// Apply applies a change of one of the family's policies; re-running
// converges.
func (f Family) Apply(ctx context.Context, orgs Writer, c plan.Change) error {
	if c.Action == plan.Delete {
		var before Policy
		if err := json.Unmarshal(c.Before, &before); err != nil {
			return err
		}
		id, err := FindID(ctx, orgs, f.Type, before.Name)
		if err != nil || id == "" {
			return err
		}
		_, err = orgs.DeletePolicy(ctx, &awsorgs.DeletePolicyInput{PolicyId: aws.String(id)})
		var nf *orgtypes.PolicyNotFoundException
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	var w Policy
	if err := c.Decode(&w); err != nil {
		return err
	}
	id, err := FindID(ctx, orgs, f.Type, w.Name)
	if err != nil {
		return err
	}
	if id != "" {
		if _, err = orgs.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: aws.String(id), Content: aws.String(string(w.Content)), Description: aws.String(w.Description)}); err != nil {
			return fmt.Errorf("updating %s %s: %w", f.What, w.Name, err)
		}
		// UpdatePolicy takes no tags (AWS Organizations API
		// Reference): they are set apart.
		return managedtags.Sync(ctx, managedtags.OrganizationsTagger{API: orgs, ID: id}, w.Tags)
	}
	_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String(w.Name), Description: aws.String(w.Description), Content: aws.String(string(w.Content)),
		Type: f.Type, Tags: managedtags.OrganizationsList(w.Tags),
	})
	if err != nil {
		return fmt.Errorf("creating %s %s: %w", f.What, w.Name, err)
	}
	return nil
}

// ApplyAttachment attaches or detaches one of the family's policies;
// re-running converges.
func (f Family) ApplyAttachment(ctx context.Context, orgs AttachWriter, c plan.Change) error {
	return ApplyAttachment(ctx, orgs, f.Type, c)
}
