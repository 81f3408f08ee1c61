// Package restoretesting reconciles AWS Backup restore testing in a
// workload account and Region: one restore testing plan per tier (kind
// backup_restore_testing_plan) and one restore testing selection per
// resource type it tests (kind backup_restore_testing_selection).
//
// AWS Backup runs a restore testing plan in the account and Region that
// hold it, restoring recovery points of that account's vaults
// (RestoreTestingRecoveryPointSelection.IncludeVaults, AWS Backup API
// Reference; "Restore testing", AWS Backup Developer Guide), so the tier's
// local vault is tested by plans in every workload account and Region, and
// its copies in the central and secondary vaults by plans in the backup
// account (PlanBackupAccount, named CopiesPlanName).
// The API has no sampling: a selection restores every protected resource
// it names, or all with "*"; a tier testing a count or share of its
// resources gets that many ARNs, chosen deterministically (Sample), at
// most 30 per selection (RestoreTestingSelectionForCreate). Restores run
// with the backup role, which carries AWSBackupServiceRolePolicyForRestores
// (servicerole).
package restoretesting

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// MaxResourceARNs is the most protected resource ARNs one selection lists:
// "you can include up to 30 specific protected resource ARNs in
// ProtectedResourceArns" (RestoreTestingSelectionForCreate, AWS Backup API
// Reference).
const MaxResourceARNs = 30

// Reader reads restore testing plans and selections and what they choose
// from.
type Reader interface {
	ListRestoreTestingPlans(ctx context.Context, in *awsbackup.ListRestoreTestingPlansInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRestoreTestingPlansOutput, error)
	GetRestoreTestingPlan(ctx context.Context, in *awsbackup.GetRestoreTestingPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetRestoreTestingPlanOutput, error)
	ListRestoreTestingSelections(ctx context.Context, in *awsbackup.ListRestoreTestingSelectionsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRestoreTestingSelectionsOutput, error)
	GetRestoreTestingSelection(ctx context.Context, in *awsbackup.GetRestoreTestingSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetRestoreTestingSelectionOutput, error)
	ListProtectedResourcesByBackupVault(ctx context.Context, in *awsbackup.ListProtectedResourcesByBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListProtectedResourcesByBackupVaultOutput, error)
	ListTags(ctx context.Context, in *awsbackup.ListTagsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
}

// Writer changes restore testing plans and selections.
type Writer interface {
	Reader
	CreateRestoreTestingPlan(ctx context.Context, in *awsbackup.CreateRestoreTestingPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateRestoreTestingPlanOutput, error)
	UpdateRestoreTestingPlan(ctx context.Context, in *awsbackup.UpdateRestoreTestingPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateRestoreTestingPlanOutput, error)
	DeleteRestoreTestingPlan(ctx context.Context, in *awsbackup.DeleteRestoreTestingPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteRestoreTestingPlanOutput, error)
	CreateRestoreTestingSelection(ctx context.Context, in *awsbackup.CreateRestoreTestingSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateRestoreTestingSelectionOutput, error)
	UpdateRestoreTestingSelection(ctx context.Context, in *awsbackup.UpdateRestoreTestingSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateRestoreTestingSelectionOutput, error)
	DeleteRestoreTestingSelection(ctx context.Context, in *awsbackup.DeleteRestoreTestingSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteRestoreTestingSelectionOutput, error)
	TagResource(ctx context.Context, in *awsbackup.TagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsbackup.UntagResourceInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
}

var (
	_ Reader = (*awsbackup.Client)(nil)
	_ Writer = (*awsbackup.Client)(nil)
)

// Kinds returns the kinds this package plans and applies. They come with
// the backup plans: the role and vault they name exist by then.
func Kinds() []plan.Kind {
	return []plan.Kind{
		{Name: KindPlan, Stage: plan.StageDistribution, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyPlan(ctx, awsbackup.NewFromConfig(env.Config), c)
		}, Tags: planTags},
		{Name: KindSelection, Stage: plan.StageDistribution, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applySelection(ctx, awsbackup.NewFromConfig(env.Config), c)
		}, Owner: ownedByPlan},
	}
}

// PlanName returns the restore testing plan name of a tier: AWS allows
// letters, digits and underscores only.
func PlanName(tier string) string { return "orgbackup_" + strings.ReplaceAll(tier, "-", "_") }

// SelectionName returns the name of the selection testing resourceType.
func SelectionName(resourceType string) string { return "orgbackup_" + resourceType }

// Desired is the restore testing of one tier in one account and Region.
type Desired struct {
	Account, Region, Tier string
	// Testing is the tier's resolved restore testing.
	Testing *spec.EffectiveRestoreTesting
	// Plan names the restore testing plan; default PlanName(Tier).
	Plan string
	// Vault is the vault tested, in Account and Region; default the
	// tier's local vault.
	Vault string
	// Sources, when set, are the accounts whose resources the vault's
	// recovery points may be restore-tested: a vault that holds copies
	// of several tiers' resources (the central and secondary vaults)
	// tests only those of the tier's accounts, Count or Percent of them
	// in each account.
	Sources []string
}

// PlanWorkload plans the restore testing of a workload account's tier in
// region, reading through cfg. It is the engine's whole wiring of these
// kinds (backup.WorkloadPlanner).
func PlanWorkload(ctx context.Context, cfg aws.Config, t spec.EffectiveTier, account, region string) ([]plan.Change, error) {
	var rt *spec.EffectiveRestoreTesting
	if t.RestoreTesting != nil && t.RestoreTesting.HasVault(spec.RestoreVaultLocal) {
		rt = t.RestoreTesting
	}
	return Plan(ctx, awsbackup.NewFromConfig(cfg), Desired{Account: account, Region: region, Tier: t.Name, Testing: rt})
}

// Plan reads the restore testing of want's account and Region and returns
// the changes that make it want's: the tier's plan and its selections,
// created, updated, or (when want.Testing is nil, or a type is no longer
// tested) deleted if orgbackup manages them.
func Plan(ctx context.Context, r Reader, want Desired) ([]plan.Change, error) {
	p := planner{r: r, want: want}
	return p.plan(ctx)
}

// Sample returns n of arns, chosen by a stable hash of seed and each ARN,
// sorted: the same resources while they exist, a fresh choice only for
// what changed.
func Sample(arns []string, n int, seed string) []string {
	if n >= len(arns) {
		return slices.Sorted(slices.Values(arns))
	}
	type ranked struct {
		arn  string
		rank uint64
	}
	rs := make([]ranked, 0, len(arns))
	for _, a := range arns {
		h := fnv.New64a()
		h.Write([]byte(seed))
		h.Write([]byte{0})
		h.Write([]byte(a))
		rs = append(rs, ranked{a, binary.BigEndian.Uint64(h.Sum(nil))})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank < b.rank {
				return -1
			}
			return 1
		}
		return strings.Compare(a.arn, b.arn)
	})
	out := make([]string, 0, n)
	for _, r := range rs[:n] {
		out = append(out, r.arn)
	}
	slices.Sort(out)
	return out
}

// CopiesPlanName returns the name of the backup account's restore testing
// plan of a tier, which tests the tier's copies in the central or the
// secondary vault.
func CopiesPlanName(tier string) string { return PlanName("copies_" + tier) }

// PlanBackupAccount plans, in the backup account, the restore testing of
// the tiers' copies: a restore testing plan runs in the account and Region
// that hold it and chooses recovery points from the vaults IncludeVaults
// names ("Use the wildcard ["*"] or specific ARNs",
// RestoreTestingRecoveryPointSelection, AWS Backup API Reference), so a
// tier whose restore_testing.vaults include central (secondary) gets a
// plan in the backup account's primary (secondary) Region that tests the
// central vault there, with selections of the copies of the tier's
// accounts' resources (tierAccounts, by tier). config returns the backup
// account's configuration in a Region.
func PlanBackupAccount(ctx context.Context, sp *spec.Spec, tierAccounts map[string][]string, config func(region string) (aws.Config, error)) ([]plan.Change, error) {
	org := sp.Organization
	regions := map[string]string{spec.RestoreVaultCentral: org.Regions.Primary, spec.RestoreVaultSecondary: org.Regions.Secondary}
	var out []plan.Change
	for _, kind := range []string{spec.RestoreVaultCentral, spec.RestoreVaultSecondary} {
		region := regions[kind]
		if region == "" {
			continue
		}
		cfg, err := config(region)
		if err != nil {
			return nil, err
		}
		api := awsbackup.NewFromConfig(cfg)
		for _, name := range sp.TierNames() {
			t, err := sp.Tier(name)
			if err != nil {
				return nil, err
			}
			want := Desired{Account: org.BackupAccount, Region: region, Tier: name, Plan: CopiesPlanName(name), Vault: sp.Central.Vault, Sources: tierAccounts[name]}
			if t.RestoreTesting != nil && t.RestoreTesting.HasVault(kind) {
				want.Testing = t.RestoreTesting
				if want.Sources == nil {
					want.Sources = []string{}
				}
			}
			cs, err := Plan(ctx, api, want)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}
