package guardrails

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
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// KindSCP is a guardrail service control policy, global and held by the
// management account; its attachments are KindSCPAttachment.
const KindSCP = "guardrail_scp"

// policyTypeName is the SCP policy type, which must be enabled on the root
// before an SCP can be attached ("Enabling a policy type", AWS
// Organizations User Guide).
const policyTypeName = string(orgtypes.PolicyTypeServiceControlPolicy)

// Reader is the part of the Organizations client that planning the
// guardrails reads.
type Reader interface {
	managedtags.OrganizationsTagReader
	ListRoots(ctx context.Context, in *awsorgs.ListRootsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListRootsOutput, error)
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
	DescribePolicy(ctx context.Context, in *awsorgs.DescribePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribePolicyOutput, error)
	ListTargetsForPolicy(ctx context.Context, in *awsorgs.ListTargetsForPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTargetsForPolicyOutput, error)
}

// Writer is the part of the Organizations client that applying guardrail
// changes uses (it looks policies up by name first).
type Writer interface {
	managedtags.OrganizationsTagWriter
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
	CreatePolicy(ctx context.Context, in *awsorgs.CreatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.CreatePolicyOutput, error)
	UpdatePolicy(ctx context.Context, in *awsorgs.UpdatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UpdatePolicyOutput, error)
	DeletePolicy(ctx context.Context, in *awsorgs.DeletePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DeletePolicyOutput, error)
	AttachPolicy(ctx context.Context, in *awsorgs.AttachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.AttachPolicyOutput, error)
	DetachPolicy(ctx context.Context, in *awsorgs.DetachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DetachPolicyOutput, error)
}

var (
	_ Reader = (*awsorgs.Client)(nil)
	_ Writer = (*awsorgs.Client)(nil)
)

// live is a guardrail SCP as read.
type live struct {
	id, content string
	targets     []string
	tags        map[string]string
}

// Plan compares the organization's guardrail SCPs, read through the
// management account, with want (nil when the spec has no guardrails:
// then orgbackup's guardrails are removed, destructively). It enables the
// SCP policy type on the root first when want needs it.
func Plan(ctx context.Context, orgs Reader, mgmt, specName string, want []Policy) ([]plan.Change, error) {
	existing, err := readSCPs(ctx, orgs, specName)
	if err != nil {
		return nil, err
	}
	addr := func(kind, name string) plan.Address {
		return plan.Address{Account: mgmt, Region: plan.Global, Kind: kind, Name: name}
	}
	var changes []plan.Change
	var typeDeps []plan.Address
	if len(want) > 0 {
		c, err := planPolicyType(ctx, orgs, addr(organization.KindPolicyType, policyTypeName))
		if err != nil {
			return nil, err
		}
		for _, pc := range c {
			typeDeps = append(typeDeps, pc.Address)
		}
		changes = append(changes, c...)
	}
	// What every desired document says, to tell a statement that moves
	// between documents from one that goes.
	kept := map[string]bool{}
	for _, w := range want {
		for _, st := range statementsOf(string(w.Content)) {
			kept[st] = true
		}
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		deps := slices.Clone(typeDeps)
		switch {
		case l == nil:
			changes = append(changes, plan.NewChange(addr(KindSCP, w.Name), plan.Create, nil, w, "the guardrail SCP does not exist"))
			deps = append(deps, addr(KindSCP, w.Name))
		case !plan.JSONEqual(json.RawMessage(l.content), w.Content) || !maps.Equal(managedtags.View(l.tags, w.Tags), w.Tags):
			c := plan.NewChange(addr(KindSCP, w.Name), plan.Update, Policy{Name: w.Name, Description: w.Description, Content: plan.Raw(l.content), Tags: managedtags.View(l.tags, w.Tags)}, w, "the guardrail SCP or its tags differ from the spec")
			if gone := dropped(l.content, kept); len(gone) > 0 {
				c.Destructive = true
				c.Reason = "weakens protection: removes or changes guardrail statements " + strings.Join(gone, ", ")
			}
			changes = append(changes, c)
			deps = append(deps, addr(KindSCP, w.Name))
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
		c := plan.NewChange(addr(KindSCP, name), plan.Delete, Policy{Name: name, Content: plan.Raw(l.content), Tags: l.tags}, nil, "the guardrail SCP is no longer in the spec: removing it lets the accounts' administrators delete or weaken their backups")
		c.Destructive = true
		for _, d := range detach {
			c.DependsOn = append(c.DependsOn, d.Address)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// readSCPs returns orgbackup's guardrail SCPs by name: those named with
// NamePrefix that carry this spec's ownership tags (a policy of the same
// name someone else owns is never changed).
func readSCPs(ctx context.Context, orgs Reader, specName string) (map[string]*live, error) {
	existing := map[string]*live{}
	pages := awsorgs.NewListPoliciesPaginator(orgs, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing service control policies: %w", err)
		}
		for _, p := range out.Policies {
			if name := aws.ToString(p.Name); strings.HasPrefix(name, NamePrefix) {
				existing[name] = &live{id: aws.ToString(p.Id)}
			}
		}
	}
	for name, l := range existing {
		var err error
		if l.tags, err = managedtags.OrganizationsTags(ctx, orgs, l.id); err != nil {
			return nil, fmt.Errorf("reading guardrail SCP %s: %w", name, err)
		}
		if l.tags[managedtags.Managed] != "true" || l.tags[managedtags.Spec] != specName {
			delete(existing, name)
			continue
		}
		d, err := orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(l.id)})
		if err != nil {
			return nil, fmt.Errorf("reading guardrail SCP %s: %w", name, err)
		}
		l.content = aws.ToString(d.Policy.Content)
		targets := awsorgs.NewListTargetsForPolicyPaginator(orgs, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(l.id)})
		for targets.HasMorePages() {
			out, err := targets.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing targets of guardrail SCP %s: %w", name, err)
			}
			for _, t := range out.Targets {
				l.targets = append(l.targets, aws.ToString(t.TargetId))
			}
		}
		sort.Strings(l.targets)
	}
	return existing, nil
}

// statementsOf returns the canonical JSON of each statement of an SCP.
func statementsOf(content string) []string {
	var doc struct {
		Statement []json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(content), &doc) != nil {
		return nil
	}
	var out []string
	for _, st := range doc.Statement {
		var v any
		if json.Unmarshal(st, &v) != nil {
			continue
		}
		b, err := json.Marshal(v) // maps marshal with sorted keys
		if err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// dropped returns the Sids of the statements of content that no desired
// document keeps as they are.
func dropped(content string, kept map[string]bool) []string {
	var gone []string
	for _, st := range statementsOf(content) {
		if kept[st] {
			continue
		}
		var s struct{ Sid string }
		_ = json.Unmarshal([]byte(st), &s)
		gone = append(gone, s.Sid)
	}
	return gone
}

// planPolicyType enables SCPs on the root when they are not, as a change
// of the organization package's policy-type kind.
func planPolicyType(ctx context.Context, orgs Reader, a plan.Address) ([]plan.Change, error) {
	roots, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing organization roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, errors.New("listing organization roots: the organization has no root")
	}
	root := roots.Roots[0]
	if slices.ContainsFunc(root.PolicyTypes, func(p orgtypes.PolicyTypeSummary) bool {
		return p.Type == orgtypes.PolicyTypeServiceControlPolicy && p.Status == orgtypes.PolicyTypeStatusEnabled
	}) {
		return nil, nil
	}
	after := struct {
		RootID     string `json:"root_id"`
		PolicyType string `json:"policy_type"`
	}{aws.ToString(root.Id), policyTypeName}
	return []plan.Change{plan.NewChange(a, plan.Create, nil, after, "service control policies must be enabled on the root before the guardrails can be attached; Organizations attaches FullAWSAccess everywhere, so nothing else changes")}, nil
}

// applySCP applies a guardrail SCP change; re-running converges.
func applySCP(ctx context.Context, orgs Writer, c plan.Change) error {
	if c.Action == plan.Delete {
		var before Policy
		if err := json.Unmarshal(c.Before, &before); err != nil {
			return err
		}
		id, err := findSCP(ctx, orgs, before.Name)
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
	id, err := findSCP(ctx, orgs, w.Name)
	if err != nil {
		return err
	}
	if id != "" {
		if _, err = orgs.UpdatePolicy(ctx, &awsorgs.UpdatePolicyInput{PolicyId: aws.String(id), Content: aws.String(string(w.Content)), Description: aws.String(w.Description)}); err != nil {
			return fmt.Errorf("updating guardrail SCP %s: %w", w.Name, err)
		}
		return managedtags.Sync(ctx, managedtags.OrganizationsTagger{API: orgs, ID: id}, w.Tags)
	}
	_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
		Name: aws.String(w.Name), Description: aws.String(w.Description), Content: aws.String(string(w.Content)),
		Type: orgtypes.PolicyTypeServiceControlPolicy, Tags: managedtags.OrganizationsList(w.Tags),
	})
	if err != nil {
		return fmt.Errorf("creating guardrail SCP %s: %w", w.Name, err)
	}
	return nil
}

// findSCP returns the ID of the SCP named name, or "".
func findSCP(ctx context.Context, orgs Writer, name string) (string, error) {
	return orgpolicy.FindID(ctx, orgs, orgtypes.PolicyTypeServiceControlPolicy, name)
}
