// Package guardrails reconciles the service control policies that keep a
// workload account's own administrators from deleting or weakening its
// backups: they deny deleting recovery points or shortening their
// lifecycle, deleting orgbackup's vaults or changing their access
// policies, locks and notifications, changing orgbackup's plans,
// selections, keys and roles, and leaving the organization, to every
// principal of the accounts below the tiers' targets except orgbackup's
// deploy role and the break-glass role. One file per kind: the policies
// (scp.go) and their attachments (attachment.go).
//
// The statements that need no name of the organization's (which actions
// only break-glass may take, which orgbackup's deploy role may too) are
// built here; the vault package adds the same protection to the vaults'
// access policies and the keys' policies, which also bind the backup
// account where no tier's SCP applies.
package guardrails

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// NamePrefix starts the name of every guardrail SCP orgbackup manages.
const NamePrefix = "orgbackup-guardrails-"

// Limits AWS Organizations puts on service control policies ("Quotas and
// service limits for AWS Organizations", AWS Organizations User Guide).
const (
	// MaxSCPSize is the largest SCP document: "Maximum size of a policy
	// document: Service control policies: 5,120 characters".
	MaxSCPSize = 5120
	// MaxSCPsPerTarget is how many SCPs a root, OU or account can have
	// attached: "Maximum number of policies attached to a root, OU, or
	// account: Service control policies: 5". FullAWSAccess, which
	// Organizations attaches everywhere, takes one of them.
	MaxSCPsPerTarget = 5
	// MaxDocuments is how many guardrail documents orgbackup writes at
	// most, leaving FullAWSAccess its place.
	MaxDocuments = MaxSCPsPerTarget - 1
)

// The Sids of the guardrail statements. The refusals a workload
// administrator meets name the SCP; its statement with this Sid is the
// rule.
const (
	SidRecoveryPoints = "DenyRecoveryPointChanges"
	SidVaults         = "DenyVaultChanges"
	SidPlans          = "DenyPlanChanges"
	SidKeyDeletion    = "DenyKeyDeletion"
	SidKeys           = "DenyKeyChanges"
	SidRoles          = "DenyRoleChanges"
	SidOrganization   = "DenyOrganizationChanges"
)

// Desired is what the spec asks of the guardrails.
type Desired struct {
	// Management is the management account, which holds the policies.
	Management string
	// Targets are the OU and account IDs the SCPs are attached to: the
	// tiers' targets, never the management account (SCPs do not bind it,
	// and orgbackup never attaches anything to it).
	Targets []string
	// Vaults are the names of orgbackup's vaults (local, central,
	// air-gapped), in every account and Region.
	Vaults []string
	// Roles are the names of the roles orgbackup owns in every account
	// (the backup role); the deploy and break-glass roles are added.
	Roles []string
	// DeployRole and BreakGlassRole are the names of the exempt roles.
	DeployRole, BreakGlassRole string
	// SpecName names the spec, for descriptions.
	SpecName string
	// Tags are the managed tags of the policies.
	Tags map[string]string
}

// RolePatterns returns the aws:PrincipalArn patterns of the role named
// name in any account: the role at the root path or under any path. A role
// name cannot hold "/", so no other role matches.
func RolePatterns(name string) []string {
	return []string{"arn:aws:iam::*:role/" + name, "arn:aws:iam::*:role/*/" + name}
}

// Statement is one statement of an SCP.
type Statement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// document is an SCP document.
type document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statements returns the guardrail statements d implies, in a fixed order.
func (d Desired) Statements() []Statement {
	breakGlass := RolePatterns(d.BreakGlassRole)
	both := append(RolePatterns(d.DeployRole), breakGlass...)
	except := func(roles []string) map[string][]string {
		return map[string][]string{"aws:PrincipalArn": roles}
	}
	managed := map[string][]string{"aws:ResourceTag/" + managedtags.Managed: {"true"}}
	var vaults []string
	for _, v := range slices.Sorted(slices.Values(d.Vaults)) {
		vaults = append(vaults, "arn:aws:backup:*:*:backup-vault:"+v)
	}
	vaults = slices.Compact(vaults)
	var roles []string
	for _, r := range append(slices.Clone(d.Roles), d.DeployRole, d.BreakGlassRole) {
		roles = append(roles, RolePatterns(r)...)
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	return []Statement{
		// orgbackup never deletes a recovery point or shortens its
		// lifecycle: only break-glass may.
		{Sid: SidRecoveryPoints, Effect: "Deny", Resource: []string{"*"},
			Action:    []string{"backup:DeleteRecoveryPoint", "backup:DisassociateRecoveryPoint", "backup:DisassociateRecoveryPointFromParent", "backup:UpdateRecoveryPointLifecycle"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(breakGlass)}},
		{Sid: SidVaults, Effect: "Deny", Resource: vaults,
			Action:    []string{"backup:DeleteBackupVault", "backup:DeleteBackupVaultAccessPolicy", "backup:DeleteBackupVaultLockConfiguration", "backup:DeleteBackupVaultNotifications", "backup:PutBackupVaultAccessPolicy", "backup:PutBackupVaultLockConfiguration", "backup:PutBackupVaultNotifications"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(both)}},
		// Plans (and their selections, which act on the plan) have IDs,
		// not names: orgbackup's carry its managed tag, which the same
		// statement keeps anyone from removing.
		{Sid: SidPlans, Effect: "Deny", Resource: []string{"*"},
			Action:    []string{"backup:DeleteBackupPlan", "backup:DeleteBackupSelection", "backup:TagResource", "backup:UntagResource", "backup:UpdateBackupPlan"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(both), "StringEquals": managed}},
		{Sid: SidKeyDeletion, Effect: "Deny", Resource: []string{"*"},
			Action:    []string{"kms:DisableKey", "kms:ScheduleKeyDeletion"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(breakGlass), "StringEquals": managed}},
		{Sid: SidKeys, Effect: "Deny", Resource: []string{"*"},
			Action:    []string{"kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:TagResource", "kms:UntagResource"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(both), "StringEquals": managed}},
		{Sid: SidRoles, Effect: "Deny", Resource: roles,
			Action:    []string{"iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(both)}},
		{Sid: SidOrganization, Effect: "Deny", Resource: []string{"*"},
			Action:    []string{"organizations:DeletePolicy", "organizations:DetachPolicy", "organizations:DisablePolicyType", "organizations:LeaveOrganization", "organizations:UpdatePolicy"},
			Condition: map[string]map[string][]string{"ArnNotLike": except(breakGlass)}},
	}
}

// Policy is one guardrail SCP.
type Policy = orgpolicy.Policy

// Policies packs the statements of d into as few SCPs as fit AWS's size
// limit, in order, named NamePrefix1, NamePrefix2...; an error when they
// need more than MaxDocuments.
func (d Desired) Policies() ([]Policy, error) {
	var docs []document
	for _, st := range d.Statements() {
		if n := len(docs); n > 0 {
			try := document{Version: docs[n-1].Version, Statement: append(slices.Clone(docs[n-1].Statement), st)}
			if size(try) <= MaxSCPSize {
				docs[n-1] = try
				continue
			}
		}
		one := document{Version: "2012-10-17", Statement: []Statement{st}}
		if size(one) > MaxSCPSize {
			return nil, fmt.Errorf("guardrail statement %s is %d characters, over the SCP limit of %d", st.Sid, size(one), MaxSCPSize)
		}
		docs = append(docs, one)
	}
	if len(docs) > MaxDocuments {
		return nil, fmt.Errorf("the guardrails need %d SCPs; a target takes at most %d besides FullAWSAccess", len(docs), MaxDocuments)
	}
	targets := slices.Compact(slices.Sorted(slices.Values(d.Targets)))
	out := make([]Policy, len(docs))
	for i, doc := range docs {
		b, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("encoding guardrail SCP: %w", err)
		}
		out[i] = Policy{
			Name:        fmt.Sprintf("%s%d", NamePrefix, i+1),
			Description: fmt.Sprintf("orgbackup guardrails %d of %d (spec %s)", i+1, len(docs), d.SpecName),
			Content:     b, Tags: d.Tags, Targets: slices.Clone(targets),
		}
	}
	return out, nil
}

// size is the length of doc as written (compact JSON, as orgbackup sends
// it; Organizations counts the characters of the content it is given).
func size(doc document) int {
	b, err := json.Marshal(doc)
	if err != nil {
		return MaxSCPSize + 1
	}
	return len(b)
}

// Kinds returns the kinds this package plans and applies, with the
// organization's other policies.
func Kinds() []plan.Kind {
	orgs := func(fn func(context.Context, Writer, plan.Change) error) func(context.Context, plan.ApplyEnv, plan.Change) error {
		return func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return fn(ctx, awsorgs.NewFromConfig(env.Config), c)
		}
	}
	return []plan.Kind{
		{Name: KindSCP, Stage: plan.StageDistribution, Apply: orgs(applySCP), Tags: orgpolicy.Tags(orgtypes.PolicyTypeServiceControlPolicy)},
		{Name: KindSCPAttachment, Stage: plan.StageDistribution, Apply: orgs(applyAttachment), Owner: orgpolicy.OwnedBy(KindSCP)},
	}
}
