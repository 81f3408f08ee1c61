package backup

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

	"github.com/orgbackup/orgbackup/policy"
)

const (
	kindBackupPolicy     = "backup_policy"
	kindPolicyAttachment = "backup_policy_attachment"
)

// desiredPolicy is one Organizations backup policy orgbackup manages.
type desiredPolicy struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Content     json.RawMessage   `json:"content"`
	Tags        map[string]string `json:"tags,omitempty"`
	// Targets are the OU and account IDs the policy is attached to.
	Targets []string `json:"-"`
}

type policyAttachment struct {
	Policy string `json:"policy"` // policy name; its ID is looked up at apply time
	Target string `json:"target"`
}

// managedPolicyPrefix starts the name of every backup policy and plan
// orgbackup manages: names starting with "orgbackup-" are reserved for it.
func managedPolicyPrefix(sp string) string { return "orgbackup-" }

// planPolicies compares the organization's backup policies with the
// desired ones. Policies whose names carry the spec's prefix but are no
// longer desired are deleted (destructive).
func planPolicies(ctx context.Context, orgs OrganizationsAPI, mgmt, sp string, want []desiredPolicy) ([]Change, error) {
	type live struct {
		id, content string
		targets     []string
		tags        map[string]string
	}
	existing := map[string]*live{}
	var token *string
	for {
		out, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy, NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("listing backup policies: %w", err)
		}
		for _, p := range out.Policies {
			name := aws.ToString(p.Name)
			if strings.HasPrefix(name, managedPolicyPrefix(sp)) {
				existing[name] = &live{id: aws.ToString(p.Id)}
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	for name, l := range existing {
		d, err := orgs.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(l.id)})
		if err != nil {
			return nil, fmt.Errorf("reading backup policy %s: %w", name, err)
		}
		l.content = aws.ToString(d.Policy.Content)
		if l.tags, err = orgTags(ctx, orgs, l.id); err != nil {
			return nil, fmt.Errorf("reading backup policy %s: %w", name, err)
		}
		var tt *string
		for {
			out, err := orgs.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(l.id), NextToken: tt})
			if err != nil {
				return nil, fmt.Errorf("listing targets of backup policy %s: %w", name, err)
			}
			for _, t := range out.Targets {
				l.targets = append(l.targets, aws.ToString(t.TargetId))
			}
			if tt = out.NextToken; tt == nil {
				break
			}
		}
		sort.Strings(l.targets)
	}

	var changes []Change
	addr := func(kind, name string) string { return mgmt + "/global/" + kind + "/" + name }
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		var deps []string
		switch {
		case l == nil:
			changes = append(changes, newChange(addr(kindBackupPolicy, w.Name), kindBackupPolicy, mgmt, "global", w.Name, Create, nil, w, "the tier's backup policy does not exist"))
			deps = []string{addr(kindBackupPolicy, w.Name)}
		case !jsonEqual(json.RawMessage(l.content), w.Content) || !maps.Equal(managedView(l.tags, w.Tags), w.Tags):
			c := newChange(addr(kindBackupPolicy, w.Name), kindBackupPolicy, mgmt, "global", w.Name, Update,
				desiredPolicy{Name: w.Name, Description: w.Description, Content: rawOrString(l.content), Tags: managedView(l.tags, w.Tags)}, w, "the tier's backup policy or its tags differ from the spec")
			if reasons := weakerPolicy(l.content, string(w.Content)); len(reasons) > 0 {
				c.Destructive = true
				c.Reason = "weakens protection: " + strings.Join(reasons, "; ")
			}
			changes = append(changes, c)
			deps = []string{addr(kindBackupPolicy, w.Name)}
		}
		var have []string
		if l != nil {
			have = l.targets
		}
		for _, t := range w.Targets {
			if slices.Contains(have, t) {
				continue
			}
			a := addr(kindPolicyAttachment, w.Name+"@"+t)
			c := newChange(a, kindPolicyAttachment, mgmt, "global", w.Name+"@"+t, Create, nil, policyAttachment{w.Name, t}, "attaches the tier's policy to "+t)
			c.DependsOn = deps
			changes = append(changes, c)
		}
		for _, t := range have {
			if slices.Contains(w.Targets, t) {
				continue
			}
			a := addr(kindPolicyAttachment, w.Name+"@"+t)
			c := newChange(a, kindPolicyAttachment, mgmt, "global", w.Name+"@"+t, Delete, policyAttachment{w.Name, t}, nil, "the spec no longer targets "+t+" with this tier; its accounts stop getting the plan")
			c.Destructive = true
			changes = append(changes, c)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if wanted[name] {
			continue
		}
		l := existing[name]
		for _, t := range l.targets {
			c := newChange(addr(kindPolicyAttachment, name+"@"+t), kindPolicyAttachment, mgmt, "global", name+"@"+t, Delete, policyAttachment{name, t}, nil, "the policy is no longer in the spec")
			c.Destructive = true
			changes = append(changes, c)
		}
		c := newChange(addr(kindBackupPolicy, name), kindBackupPolicy, mgmt, "global", name, Delete, desiredPolicy{Name: name, Content: rawOrString(l.content)}, nil,
			"the policy is no longer in the spec; accounts stop getting its plans (existing recovery points are kept)")
		c.Destructive = true
		for _, t := range l.targets {
			c.DependsOn = append(c.DependsOn, addr(kindPolicyAttachment, name+"@"+t))
		}
		changes = append(changes, c)
	}
	return changes, nil
}

func rawOrString(s string) json.RawMessage {
	if json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return mustJSON(s)
}

// weakerPolicy lists how the new policy document protects less than the
// old one: removed plans, rules or copy actions, and shorter retention.
func weakerPolicy(oldDoc, newDoc string) []string {
	oldP, err1 := policy.ParseOrganizationsPolicy("current", []byte(oldDoc))
	newP, err2 := policy.ParseOrganizationsPolicy("desired", []byte(newDoc))
	if err1 != nil || err2 != nil || oldP == nil || newP == nil {
		return nil
	}
	return weakerPlans(oldP.Plans, newP.Plans)
}

// weakerPlans compares typed plans; it is shared by policy and direct mode.
func weakerPlans(oldPlans, newPlans []policy.Plan) []string {
	var reasons []string
	find := func(plans []policy.Plan, name string) *policy.Plan {
		for i := range plans {
			if strings.EqualFold(plans[i].Name, name) {
				return &plans[i]
			}
		}
		return nil
	}
	for _, op := range oldPlans {
		np := find(newPlans, op.Name)
		if np == nil {
			reasons = append(reasons, "removes plan "+op.Name)
			continue
		}
		for _, or := range op.Rules {
			var nr *policy.Rule
			for i := range np.Rules {
				if strings.EqualFold(np.Rules[i].Name, or.Name) {
					nr = &np.Rules[i]
				}
			}
			if nr == nil {
				reasons = append(reasons, "removes rule "+op.Name+"."+or.Name)
				continue
			}
			if shorter(or.Lifecycle.DeleteAfterDays, nr.Lifecycle.DeleteAfterDays) {
				reasons = append(reasons, fmt.Sprintf("shortens %s.%s retention from %d to %d days", op.Name, or.Name, or.Lifecycle.DeleteAfterDays, nr.Lifecycle.DeleteAfterDays))
			}
			for _, oc := range or.CopyActions {
				var nc *policy.CopyAction
				for i := range nr.CopyActions {
					if strings.EqualFold(nr.CopyActions[i].DestinationVaultARN, oc.DestinationVaultARN) {
						nc = &nr.CopyActions[i]
					}
				}
				if nc == nil {
					reasons = append(reasons, "removes the copy to "+oc.DestinationVaultARN+" from "+op.Name+"."+or.Name)
					continue
				}
				if shorter(oc.Lifecycle.DeleteAfterDays, nc.Lifecycle.DeleteAfterDays) {
					reasons = append(reasons, fmt.Sprintf("shortens the retention of copies to %s from %d to %d days", oc.DestinationVaultARN, oc.Lifecycle.DeleteAfterDays, nc.Lifecycle.DeleteAfterDays))
				}
			}
		}
	}
	return reasons
}

// shorter reports whether retention goes from old to a shorter new one;
// 0 means kept forever.
func shorter(old, new int64) bool {
	if new == 0 {
		return false
	}
	return old == 0 || new < old
}

// applyPolicy applies a backup policy or attachment change; re-running
// converges.
func applyPolicy(ctx context.Context, orgs OrganizationsAPI, c Change) error {
	switch c.Kind {
	case kindBackupPolicy:
		if c.Action == Delete {
			var before desiredPolicy
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
		var w desiredPolicy
		if err := json.Unmarshal(c.After, &w); err != nil {
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
			return syncOrgTags(ctx, orgs, id, w.Tags)
		}
		var tags []orgtypes.Tag
		for _, k := range slices.Sorted(maps.Keys(w.Tags)) {
			tags = append(tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(w.Tags[k])})
		}
		_, err = orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
			Name: aws.String(w.Name), Description: aws.String(w.Description), Content: aws.String(string(w.Content)),
			Type: orgtypes.PolicyTypeBackupPolicy, Tags: tags,
		})
		return err
	case kindPolicyAttachment:
		var a policyAttachment
		raw := c.After
		if c.Action == Delete {
			raw = c.Before
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		id, err := findPolicyID(ctx, orgs, a.Policy)
		if err != nil {
			return err
		}
		if id == "" {
			if c.Action == Delete {
				return nil
			}
			return fmt.Errorf("backup policy %s does not exist", a.Policy)
		}
		if c.Action == Delete {
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
	return fmt.Errorf("unknown policy change kind %q", c.Kind)
}

// findPolicyID returns the ID of the backup policy named name, or "".
func findPolicyID(ctx context.Context, orgs OrganizationsAPI, name string) (string, error) {
	var token *string
	for {
		out, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy, NextToken: token})
		if err != nil {
			return "", fmt.Errorf("listing backup policies: %w", err)
		}
		for _, p := range out.Policies {
			if aws.ToString(p.Name) == name {
				return aws.ToString(p.Id), nil
			}
		}
		if token = out.NextToken; token == nil {
			return "", nil
		}
	}
}
