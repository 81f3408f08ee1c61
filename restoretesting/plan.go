package restoretesting

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
)

// KindPlan is a restore testing plan, named by PlanName.
const KindPlan = "backup_restore_testing_plan"

// planState is a restore testing plan's state in a change.
type planState struct {
	Name     string `json:"name"`
	Schedule string `json:"schedule"`
	Timezone string `json:"timezone,omitempty"`
	// Algorithm, IncludeVaults, RecoveryPointTypes and LookbackDays are
	// its RestoreTestingRecoveryPointSelection.
	Algorithm          string            `json:"algorithm"`
	IncludeVaults      []string          `json:"include_vaults"`
	RecoveryPointTypes []string          `json:"recovery_point_types"`
	LookbackDays       int32             `json:"lookback_days"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// planner plans one account and Region's restore testing of one tier.
type planner struct {
	r    Reader
	want Desired
	out  []plan.Change
}

func (p *planner) addr(kind, name string) plan.Address {
	return plan.Address{Account: p.want.Account, Region: p.want.Region, Kind: kind, Name: name}
}

// desiredPlan is the plan want asks for.
func (p *planner) desiredPlan() planState {
	rt := p.want.Testing
	tz := rt.Timezone
	if tz == "UTC" {
		tz = ""
	}
	return planState{
		Name:     p.planName(),
		Schedule: rt.Schedule, Timezone: tz,
		Algorithm:          string(backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow),
		IncludeVaults:      []string{policy.NewVaultARN(p.want.Region, p.want.Account, p.vault())},
		RecoveryPointTypes: []string{string(backuptypes.RestoreTestingRecoveryPointTypeSnapshot)},
		LookbackDays:       int32(rt.LookbackDays),
		Tags:               maps.Clone(rt.Tags),
	}
}

// planName is the name of the plan want asks for.
func (p *planner) planName() string {
	if p.want.Plan != "" {
		return p.want.Plan
	}
	return PlanName(p.want.Tier)
}

// vault is the name of the vault the plan tests.
func (p *planner) vault() string {
	if p.want.Vault != "" {
		return p.want.Vault
	}
	return p.want.Testing.LocalVault
}

// gone says why a plan or selection is deleted when want.Testing is nil.
func (p *planner) gone() string {
	if p.want.Vault != "" {
		return "the tier no longer tests restores from vault " + p.want.Vault + " here"
	}
	return "the tier no longer tests restores from its local vault"
}

func (p *planner) plan(ctx context.Context) ([]plan.Change, error) {
	name := p.planName()
	live, arn, err := p.readPlan(ctx, name)
	if err != nil {
		return nil, err
	}
	planAddr := p.addr(KindPlan, name)
	if p.want.Testing == nil {
		if live == nil || !managed(live.Tags) {
			return nil, nil
		}
		sels, err := p.readSelections(ctx, name)
		if err != nil {
			return nil, err
		}
		var deps []plan.Address
		for _, s := range sels {
			c := plan.NewChange(p.addr(KindSelection, name+"/"+s.Name), plan.Delete, s, nil, p.gone())
			c.Destructive = true
			p.out = append(p.out, c)
			deps = append(deps, c.Address)
		}
		c := plan.NewChange(planAddr, plan.Delete, live, nil, p.gone())
		c.Destructive, c.DependsOn = true, deps
		p.out = append(p.out, c)
		return p.out, nil
	}
	want := p.desiredPlan()
	switch {
	case live == nil:
		p.out = append(p.out, plan.NewChange(planAddr, plan.Create, nil, want, fmt.Sprintf("restore tests of tier %s on %s", p.want.Tier, want.Schedule)))
	case !plan.JSONEqual(plan.JSON(viewPlan(*live, want)), plan.JSON(want)):
		p.out = append(p.out, plan.NewChange(planAddr, plan.Update, viewPlan(*live, want), want, "the restore testing plan differs from the tier's restore_testing"))
	}
	var sels []selectionState
	if arn != "" {
		if sels, err = p.readSelections(ctx, name); err != nil {
			return nil, err
		}
	}
	if err := p.planSelections(ctx, planAddr, sels); err != nil {
		return nil, err
	}
	return p.out, nil
}

// viewPlan is live as far as orgbackup manages it.
func viewPlan(live, want planState) planState {
	live.Tags = managedtags.View(live.Tags, want.Tags)
	return live
}

// managed reports whether tags mark a resource orgbackup created. A tier
// without restore testing has no resolved spec tags to compare the spec
// name with; the plan's name is the tier's, which one spec owns.
func managed(tags map[string]string) bool { return tags[managedtags.Managed] == "true" }

// readPlan returns the live plan named name and its ARN, nil if absent.
func (p *planner) readPlan(ctx context.Context, name string) (*planState, string, error) {
	var arn string
	pg := awsbackup.NewListRestoreTestingPlansPaginator(p.r, &awsbackup.ListRestoreTestingPlansInput{})
	for pg.HasMorePages() && arn == "" {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("listing restore testing plans of %s in %s: %w", p.want.Account, p.want.Region, err)
		}
		for _, lp := range out.RestoreTestingPlans {
			if aws.ToString(lp.RestoreTestingPlanName) == name {
				arn = aws.ToString(lp.RestoreTestingPlanArn)
			}
		}
	}
	if arn == "" {
		return nil, "", nil
	}
	out, err := p.r.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(name)})
	var nf *backuptypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading restore testing plan %s of %s in %s: %w", name, p.want.Account, p.want.Region, err)
	}
	tags, err := managedtags.BackupTags(ctx, p.r, arn)
	if err != nil {
		return nil, "", err
	}
	g := out.RestoreTestingPlan
	s := planState{Name: name, Schedule: aws.ToString(g.ScheduleExpression), Timezone: aws.ToString(g.ScheduleExpressionTimezone), Tags: tags}
	if s.Timezone == "UTC" {
		s.Timezone = ""
	}
	if rps := g.RecoveryPointSelection; rps != nil {
		s.Algorithm = string(rps.Algorithm)
		s.IncludeVaults = slices.Clone(rps.IncludeVaults)
		for _, t := range rps.RecoveryPointTypes {
			s.RecoveryPointTypes = append(s.RecoveryPointTypes, string(t))
		}
		s.LookbackDays = rps.SelectionWindowDays
	}
	return &s, arn, nil
}

func (s planState) selection() *backuptypes.RestoreTestingRecoveryPointSelection {
	rps := &backuptypes.RestoreTestingRecoveryPointSelection{
		Algorithm:           backuptypes.RestoreTestingRecoveryPointSelectionAlgorithm(s.Algorithm),
		IncludeVaults:       slices.Clone(s.IncludeVaults),
		SelectionWindowDays: s.LookbackDays,
	}
	for _, t := range s.RecoveryPointTypes {
		rps.RecoveryPointTypes = append(rps.RecoveryPointTypes, backuptypes.RestoreTestingRecoveryPointType(t))
	}
	return rps
}

func applyPlan(ctx context.Context, w Writer, c plan.Change) error {
	if c.Action == plan.Delete {
		_, err := w.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(c.Name)})
		var nf *backuptypes.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			return fmt.Errorf("deleting restore testing plan %s: %w", c.Name, err)
		}
		return nil
	}
	var s planState
	if err := c.Decode(&s); err != nil {
		return err
	}
	var tz *string
	if s.Timezone != "" {
		tz = aws.String(s.Timezone)
	}
	if c.Action == plan.Create {
		_, err := w.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{
			CreatorRequestId: aws.String(c.Account + "-" + c.Region + "-" + s.Name),
			RestoreTestingPlan: &backuptypes.RestoreTestingPlanForCreate{
				RestoreTestingPlanName: aws.String(s.Name), ScheduleExpression: aws.String(s.Schedule),
				ScheduleExpressionTimezone: tz, RecoveryPointSelection: s.selection(),
			},
			Tags: s.Tags,
		})
		var ae *backuptypes.AlreadyExistsException
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &ae):
			return fmt.Errorf("creating restore testing plan %s: %w", s.Name, err)
		}
		// Created by an earlier, interrupted apply: converge by updating.
	}
	out, err := w.UpdateRestoreTestingPlan(ctx, &awsbackup.UpdateRestoreTestingPlanInput{
		RestoreTestingPlanName: aws.String(s.Name),
		RestoreTestingPlan: &backuptypes.RestoreTestingPlanForUpdate{
			ScheduleExpression: aws.String(s.Schedule), ScheduleExpressionTimezone: tz, RecoveryPointSelection: s.selection(),
		},
	})
	if err != nil {
		return fmt.Errorf("updating restore testing plan %s: %w", s.Name, err)
	}
	if err := managedtags.Sync(ctx, managedtags.BackupTagger{API: w, ARN: aws.ToString(out.RestoreTestingPlanArn)}, s.Tags); err != nil {
		return fmt.Errorf("tagging restore testing plan %s: %w", s.Name, err)
	}
	return nil
}
