// Package distribution reconciles how a tier's backup plan reaches the
// accounts it protects: as an AWS Organizations backup policy attached to
// the tier's targets (policy.go), or, in direct mode, as a backup plan
// created in every account and Region (backupplan.go). Both refuse to
// weaken protection silently: a change that removes plans, rules or copies,
// or shortens retention, is destructive (weaken.go).
package distribution

import (
	"context"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/orgpolicy"
	"github.com/orgbackup/orgbackup/plan"
)

// ManagedPrefix starts the name of every backup policy and plan orgbackup
// manages: names starting with it are reserved for orgbackup.
const ManagedPrefix = "orgbackup-"

// Kinds returns the kinds this package plans and applies; they come after
// the roles, keys and vaults the plans use.
func Kinds() []plan.Kind {
	orgs := func(fn func(context.Context, PolicyWriter, plan.Change) error) func(context.Context, plan.ApplyEnv, plan.Change) error {
		return func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return fn(ctx, awsorgs.NewFromConfig(env.Config), c)
		}
	}
	return []plan.Kind{
		{Name: KindPolicy, Stage: plan.StageDistribution, Apply: orgs(applyPolicy), Tags: orgpolicy.Tags(orgtypes.PolicyTypeBackupPolicy)},
		{Name: KindPolicyAttachment, Stage: plan.StageDistribution, Apply: orgs(applyAttachment), Owner: orgpolicy.OwnedBy(KindPolicy)},
		{Name: KindPlan, Stage: plan.StageDistribution, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyBackupPlan(ctx, awsbackup.NewFromConfig(env.Config), c)
		}, Tags: planTags},
	}
}
