package distribution

import (
	"context"
	"strings"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// KindPolicy is a tier's Organizations backup policy, global and held by
// the management account; its attachments are KindPolicyAttachment.
const KindPolicy = "backup_policy"

// PolicyReader is the part of the Organizations client that planning
// backup policies reads.
type PolicyReader = orgpolicy.Reader

// PolicyWriter is the part of the Organizations client that applying
// backup policy changes uses (it looks policies up by name first).
type PolicyWriter = orgpolicy.Writer

// Policy is a tier's backup policy.
type Policy = orgpolicy.Policy

// policies is the backup policies' orgpolicy.Family: every policy named
// with ManagedPrefix.
func policies() orgpolicy.Family {
	return orgpolicy.Family{
		Type: orgtypes.PolicyTypeBackupPolicy, What: "backup policy", Prefix: ManagedPrefix,
		Kind: KindPolicy, AttachmentKind: KindPolicyAttachment,
		Missing: "the tier's backup policy does not exist",
		Differs: "the tier's backup policy or its tags differ from the spec",
		Gone:    "the policy is no longer in the spec; accounts stop getting its plans (existing recovery points are kept)",
		Weakens: func(l *orgpolicy.Live, w Policy) string {
			if reasons := weakerPolicy(l.Content, string(w.Content)); len(reasons) > 0 {
				return "weakens protection: " + strings.Join(reasons, "; ")
			}
			return ""
		},
		Attachments: attachmentReasons,
	}
}

// PlanPolicies compares the organization's backup policies, read through
// the management account mgmt, with the desired ones. Policies whose names
// carry ManagedPrefix but are no longer desired are deleted (destructive),
// after their attachments.
func PlanPolicies(ctx context.Context, orgs PolicyReader, mgmt string, want []Policy) ([]plan.Change, error) {
	existing, err := policies().Read(ctx, orgs)
	if err != nil {
		return nil, err
	}
	return policies().Plan(mgmt, existing, want, nil), nil
}

// applyPolicy applies a backup policy change; re-running converges.
func applyPolicy(ctx context.Context, orgs PolicyWriter, c plan.Change) error {
	return policies().Apply(ctx, orgs, c)
}
