package distribution

import (
	"context"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// KindPolicyAttachment is a backup policy's attachment to one target (an
// OU, an account or the root), named POLICY@TARGET, global and held by the
// management account.
const KindPolicyAttachment = "backup_policy_attachment"

// attachmentReasons say why a tier's policy is attached or detached.
var attachmentReasons = orgpolicy.Reasons{
	Attach: func(t string) string { return "attaches the tier's policy to " + t },
	Detach: func(t string) string {
		return "the spec no longer targets " + t + " with this tier; its accounts stop getting the plan"
	},
	Gone: "the policy is no longer in the spec",
}

// applyAttachment attaches or detaches a backup policy; re-running
// converges.
func applyAttachment(ctx context.Context, orgs PolicyWriter, c plan.Change) error {
	return orgpolicy.ApplyAttachment(ctx, orgs, orgtypes.PolicyTypeBackupPolicy, c)
}
