package distribution

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
	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// KindPolicy is a tier's Organizations backup policy, global and held by
// the management account; its attachments are KindPolicyAttachment.
const KindPolicy = "backup_policy"

// PolicyReader is the part of the Organizations client that planning
// backup policies reads.
type PolicyReader interface {
	managedtags.OrganizationsTagReader
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
	DescribePolicy(ctx context.Context, in *awsorgs.DescribePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribePolicyOutput, error)
	ListTargetsForPolicy(ctx context.Context, in *awsorgs.ListTargetsForPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTargetsForPolicyOutput, error)
}

// PolicyWriter is the part of the Organizations client that applying
// backup policy changes uses (it looks policies up by name first).
type PolicyWriter interface {
	managedtags.OrganizationsTagWriter
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
	CreatePolicy(ctx context.Context, in *awsorgs.CreatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.CreatePolicyOutput, error)
	UpdatePolicy(ctx context.Context, in *awsorgs.UpdatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UpdatePolicyOutput, error)
	DeletePolicy(ctx context.Context, in *awsorgs.DeletePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DeletePolicyOutput, error)
	AttachPolicy(ctx context.Context, in *awsorgs.AttachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.AttachPolicyOutput, error)
	DetachPolicy(ctx context.Context, in *awsorgs.DetachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DetachPolicyOutput, error)
}

var (
	_ PolicyReader = (*awsorgs.Client)(nil)
	_ PolicyWriter = (*awsorgs.Client)(nil)
)

// Policy is one Organizations backup policy orgbackup manages.
type Policy struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Content     json.RawMessage   `json:"content"`
	Tags        map[string]string `json:"tags,omitempty"`
	// Targets are the OU and account IDs the policy is attached to.
	Targets []string `json:"-"`
}

// PlanPolicies compares the organization's backup policies, read through
// the management account mgmt, with the desired ones. Policies whose names
// carry ManagedPrefix but are no longer desired are deleted (destructive),
// after their attachments.
func PlanPolicies(ctx context.Context, orgs PolicyReader, mgmt string, want []Policy) ([]plan.Change, error) {
	type live struct {
		id, content string
		targets     []string
		tags        map[string]string
	}
	existing := map[string]*live{}
	pages := awsorgs.NewListPoliciesPaginator(orgs, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing backup policies: %w", err)
		}
		for _, p := range out.Policies {
			if name := aws.ToString(p.Name); strings.HasPrefix(name, ManagedPrefix) {
				existing[name] = &live{id: aws.ToString(p.Id)}
			}
		}
	}
	for name, l := range existing {
		d, err := orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(l.id)})
		if err != nil {
			return nil, fmt.Errorf("reading backup policy %s: %w", name, err)
		}
		l.content = aws.ToString(d.Policy.Content)
		if l.tags, err = managedtags.OrganizationsTags(ctx, orgs, l.id); err != nil {
			return nil, fmt.Errorf("reading backup policy %s: %w", name, err)
		}
		targets := awsorgs.NewListTargetsForPolicyPaginator(orgs, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(l.id)})
		for targets.HasMorePages() {
			out, err := targets.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing targets of backup policy %s: %w", name, err)
			}
			for _, t := range out.Targets {
				l.targets = append(l.targets, aws.ToString(t.TargetId))
			}
		}
		sort.Strings(l.targets)
	}

	var changes []plan.Change
	addr := func(kind, name string) plan.Address {
		return plan.Address{Account: mgmt, Region: plan.Global, Kind: kind, Name: name}
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		var deps []plan.Address
		switch {
		case l == nil:
			changes = append(changes, plan.NewChange(addr(KindPolicy, w.Name), plan.Create, nil, w, "the tier's backup policy does not exist"))
			deps = []plan.Address{addr(KindPolicy, w.Name)}
		case !plan.JSONEqual(json.RawMessage(l.content), w.Content) || !maps.Equal(managedtags.View(l.tags, w.Tags), w.Tags):
			c := plan.NewChange(addr(KindPolicy, w.Name), plan.Update, Policy{Name: w.Name, Description: w.Description, Content: plan.Raw(l.content), Tags: managedtags.View(l.tags, w.Tags)}, w, "the tier's backup policy or its tags differ from the spec")
			if reasons := weakerPolicy(l.content, string(w.Content)); len(reasons) > 0 {
				c.Destructive = true
				c.Reason = "weakens protection: " + strings.Join(reasons, "; ")
			}
			changes = append(changes, c)
			deps = []plan.Address{addr(KindPolicy, w.Name)}
		}
		var have []string
		if l != nil {
			have = l.targets
		}
		changes = append(changes, planAttachments(mgmt, w.Name, have, w.Targets, deps, false)...)
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if wanted[name] {
			continue
		}
		l := existing[name]
		detach := planAttachments(mgmt, name, l.targets, nil, nil, true)
		changes = append(changes, detach...)
		c := plan.NewChange(addr(KindPolicy, name), plan.Delete, Policy{Name: name, Content: plan.Raw(l.content)}, nil, "the policy is no longer in the spec; accounts stop getting its plans (existing recovery points are kept)")
		c.Destructive = true
		for _, d := range detach {
			c.DependsOn = append(c.DependsOn, d.Address)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// applyPolicy applies a backup policy change; re-running converges.
func applyPolicy(ctx context.Context, orgs PolicyWriter, c plan.Change) error {
	if c.Action == plan.Delete {
		var before Policy
		if err := json.Unmarshal(c.Before, &before); err != nil {
			return err
		}
		id, err := findPolicyID(ctx, orgs, before.Name)
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
	id, err := findPolicyID(ctx, orgs, w.Name)
	if err != nil {
		return err
	}
	if id != "" {
		if _, err = orgs.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: aws.String(id), Content: aws.String(string(w.Content)), Description: aws.String(w.Description)}); err != nil {
			return err
		}
		// UpdatePolicy takes no tags (AWS Organizations API
		// Reference): they are set apart.
		return managedtags.Sync(ctx, managedtags.OrganizationsTagger{API: orgs, ID: id}, w.Tags)
	}
	_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String(w.Name), Description: aws.String(w.Description), Content: aws.String(string(w.Content)),
		Type: orgtypes.PolicyTypeBackupPolicy, Tags: managedtags.OrganizationsList(w.Tags),
	})
	return err
}

// findPolicyID returns the ID of the backup policy named name, or "".
func findPolicyID(ctx context.Context, orgs PolicyWriter, name string) (string, error) {
	return orgpolicy.FindID(ctx, orgs, orgtypes.PolicyTypeBackupPolicy, name)
}
