package guardrails

import (
	"context"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// KindSCPAttachment is a guardrail SCP's attachment to one target (an
// OU, an account or the root), named POLICY@TARGET, global and held by the
// management account.
const KindSCPAttachment = "guardrail_scp_attachment"

// attachmentReasons say why a guardrail SCP is attached or detached.
var attachmentReasons = orgpolicy.Reasons{
	Attach: func(t string) string { return "attaches the guardrails to " + t },
	Detach: func(t string) string {
		return "no tier targets " + t + " any more; its accounts' administrators are no longer kept from deleting or weakening backups"
	},
	Gone: "the guardrail SCP is no longer in the spec",
}

// applyAttachment attaches or detaches a guardrail SCP; re-running
// converges.
func applyAttachment(ctx context.Context, orgs Writer, c plan.Change) error {
	return orgpolicy.ApplyAttachment(ctx, orgs, orgtypes.PolicyTypeServiceControlPolicy, c)
}
