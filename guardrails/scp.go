package guardrails

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
	orgpolicy.Reader
	ListRoots(ctx context.Context, in *awsorgs.ListRootsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListRootsOutput, error)
}

// Writer is the part of the Organizations client that applying guardrail
// changes uses (it looks policies up by name first).
type Writer = orgpolicy.Writer

var _ Reader = (*awsorgs.Client)(nil)

// family is the guardrail SCPs' orgpolicy.Family for the spec specName:
// those named with NamePrefix that carry this spec's ownership tags (a
// policy of the same name someone else owns is never changed).
func family(specName string) orgpolicy.Family {
	return orgpolicy.Family{
		Type: orgtypes.PolicyTypeServiceControlPolicy, What: "guardrail SCP", Prefix: NamePrefix,
		Kind: KindSCP, AttachmentKind: KindSCPAttachment,
		Owned: func(tags map[string]string) bool {
			return tags[managedtags.Managed] == "true" && tags[managedtags.Spec] == specName
		},
		Missing:     "the guardrail SCP does not exist",
		Differs:     "the guardrail SCP or its tags differ from the spec",
		Gone:        "the guardrail SCP is no longer in the spec: removing it lets the accounts' administrators delete or weaken their backups",
		Attachments: attachmentReasons,
	}
}

// Plan compares the organization's guardrail SCPs, read through the
// management account, with want (nil when the spec has no guardrails:
// then orgbackup's guardrails are removed, destructively). It enables the
// SCP policy type on the root first when want needs it.
func Plan(ctx context.Context, orgs Reader, mgmt, specName string, want []Policy) ([]plan.Change, error) {
	f := family(specName)
	existing, err := f.Read(ctx, orgs)
	if err != nil {
		return nil, err
	}
	var changes []plan.Change
	var typeDeps []plan.Address
	if len(want) > 0 {
		c, err := planPolicyType(ctx, orgs, plan.Address{Account: mgmt, Region: plan.Global, Kind: organization.KindPolicyType, Name: policyTypeName})
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
	f.Weakens = func(l *orgpolicy.Live, _ Policy) string {
		if gone := dropped(l.Content, kept); len(gone) > 0 {
			return "weakens protection: removes or changes guardrail statements " + strings.Join(gone, ", ")
		}
		return ""
	}
	return append(changes, f.Plan(mgmt, existing, want, typeDeps)...), nil
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
	return family("").Apply(ctx, orgs, c)
}
