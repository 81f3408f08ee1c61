package restoretesting

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
)

// KindSelection is a restore testing selection, named PLAN/SELECTION.
const KindSelection = "backup_restore_testing_selection"

// selectionState is a restore testing selection's state in a change.
type selectionState struct {
	Plan         string `json:"plan"`
	Name         string `json:"name"`
	ResourceType string `json:"resource_type"`
	RoleARN      string `json:"iam_role_arn"`
	// ResourceARNs are the protected resources tested, or ["*"] for all.
	ResourceARNs []string          `json:"protected_resource_arns"`
	Metadata     map[string]string `json:"restore_metadata_overrides,omitempty"`
	// ValidationWindowHours is how long restored resources are kept.
	ValidationWindowHours int32 `json:"validation_window_hours"`
}

// planSelections plans the selections of the tier's plan, one per
// resource type tested that has protected resources in the local vault.
func (p *planner) planSelections(ctx context.Context, planAddr plan.Address, live []selectionState) error {
	rt := p.want.Testing
	byType, err := p.protected(ctx)
	if err != nil {
		return err
	}
	haveByName := map[string]selectionState{}
	for _, s := range live {
		haveByName[s.Name] = s
	}
	wanted := map[string]bool{}
	for _, typ := range rt.ResourceTypes {
		arns := byType[typ]
		if p.want.Sources != nil {
			arns = p.sourced(arns)
		}
		n := rt.Samples(len(arns))
		if n == 0 {
			continue
		}
		want := selectionState{
			Plan: planAddr.Name, Name: SelectionName(typ), ResourceType: typ,
			RoleARN:               policy.NewRoleARN(p.want.Account, rt.BackupRole),
			ResourceARNs:          []string{"*"},
			Metadata:              maps.Clone(rt.Metadata[typ]),
			ValidationWindowHours: int32(rt.KeepRestored / time.Hour),
		}
		reason := fmt.Sprintf("restore-test every %s resource of the tier (%d)", typ, len(arns))
		seed := strings.Join([]string{p.want.Account, p.want.Region, p.want.Tier, typ}, "/")
		switch {
		case p.want.Sources != nil:
			want.ResourceARNs = p.sampleSources(arns, seed)
			if len(want.ResourceARNs) == len(byType[typ]) {
				want.ResourceARNs = []string{"*"} // the vault holds the tier's resources only
			}
			reason = fmt.Sprintf("restore-test copies of %d of the tier's %d %s resources in vault %s", len(want.ResourceARNs), len(arns), typ, p.vault())
			if want.ResourceARNs[0] == "*" {
				reason = fmt.Sprintf("restore-test copies of every %s resource of the tier (%d) in vault %s", typ, len(arns), p.vault())
			}
		case n < len(arns):
			n = min(n, MaxResourceARNs)
			want.ResourceARNs = Sample(arns, n, seed)
			reason = fmt.Sprintf("restore-test %d of the tier's %d %s resources", n, len(arns), typ)
		}
		if len(want.Metadata) == 0 {
			want.Metadata = nil
		}
		wanted[want.Name] = true
		addr := p.addr(KindSelection, planAddr.Name+"/"+want.Name)
		have, ok := haveByName[want.Name]
		var c plan.Change
		switch {
		case !ok:
			c = plan.NewChange(addr, plan.Create, nil, want, reason)
		case !plan.JSONEqual(plan.JSON(have), plan.JSON(want)):
			c = plan.NewChange(addr, plan.Update, have, want, reason)
		default:
			continue
		}
		c.DependsOn = []plan.Address{planAddr}
		p.out = append(p.out, c)
	}
	for _, s := range live {
		if wanted[s.Name] || !strings.HasPrefix(s.Name, SelectionName("")) {
			continue
		}
		c := plan.NewChange(p.addr(KindSelection, planAddr.Name+"/"+s.Name), plan.Delete, s, nil, fmt.Sprintf("the tier no longer tests %s restores here", s.ResourceType))
		c.Destructive = true
		p.out = append(p.out, c)
	}
	return nil
}

// sourced returns the ARNs of arns in one of want.Sources. An ARN that
// names no account (an S3 bucket's) cannot be told to be the tier's and is
// left out.
func (p *planner) sourced(arns []string) []string {
	var out []string
	for _, a := range arns {
		if parsed, err := awsarn.Parse(a); err == nil && slices.Contains(p.want.Sources, parsed.AccountID) {
			out = append(out, a)
		}
	}
	return out
}

// sampleSources samples arns (all of want.Sources) account by account, as
// the tier's Count or Percent asks for each account, then at most
// MaxResourceARNs of them, sorted.
func (p *planner) sampleSources(arns []string, seed string) []string {
	byAccount := map[string][]string{}
	for _, a := range arns {
		parsed, _ := awsarn.Parse(a)
		byAccount[parsed.AccountID] = append(byAccount[parsed.AccountID], a)
	}
	var out []string
	for _, account := range slices.Sorted(maps.Keys(byAccount)) {
		as := byAccount[account]
		out = append(out, Sample(as, p.want.Testing.Samples(len(as)), seed+"/"+account)...)
	}
	return Sample(out, MaxResourceARNs, seed)
}

// protected returns the ARNs of the resources with recovery points in the
// vault tested, by resource type.
func (p *planner) protected(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	pg := awsbackup.NewListProtectedResourcesByBackupVaultPaginator(p.r, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String(p.vault())})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return out, nil // the vault comes with this plan's apply
		}
		if err != nil {
			return nil, fmt.Errorf("listing protected resources of vault %s in %s/%s: %w", p.vault(), p.want.Account, p.want.Region, err)
		}
		for _, r := range page.Results {
			typ := aws.ToString(r.ResourceType)
			out[typ] = append(out[typ], aws.ToString(r.ResourceArn))
		}
	}
	return out, nil
}

// readSelections returns the live selections of plan name, by name.
func (p *planner) readSelections(ctx context.Context, name string) ([]selectionState, error) {
	var out []selectionState
	pg := awsbackup.NewListRestoreTestingSelectionsPaginator(p.r, &awsbackup.ListRestoreTestingSelectionsInput{RestoreTestingPlanName: aws.String(name)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing restore testing selections of %s in %s/%s: %w", name, p.want.Account, p.want.Region, err)
		}
		for _, ls := range page.RestoreTestingSelections {
			g, err := p.r.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String(name), RestoreTestingSelectionName: ls.RestoreTestingSelectionName})
			if err != nil {
				return nil, fmt.Errorf("reading restore testing selection %s/%s in %s/%s: %w", name, aws.ToString(ls.RestoreTestingSelectionName), p.want.Account, p.want.Region, err)
			}
			s := g.RestoreTestingSelection
			st := selectionState{
				Plan: name, Name: aws.ToString(s.RestoreTestingSelectionName), ResourceType: aws.ToString(s.ProtectedResourceType),
				RoleARN: aws.ToString(s.IamRoleArn), ResourceARNs: slices.Clone(s.ProtectedResourceArns),
				ValidationWindowHours: s.ValidationWindowHours,
			}
			if len(s.RestoreMetadataOverrides) > 0 {
				st.Metadata = maps.Clone(s.RestoreMetadataOverrides)
			}
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b selectionState) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func applySelection(ctx context.Context, w Writer, c plan.Change) error {
	planName, selName, _ := strings.Cut(c.Name, "/")
	if c.Action == plan.Delete {
		_, err := w.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String(planName), RestoreTestingSelectionName: aws.String(selName)})
		var nf *backuptypes.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			return fmt.Errorf("deleting restore testing selection %s: %w", c.Name, err)
		}
		return nil
	}
	var s selectionState
	if err := c.Decode(&s); err != nil {
		return err
	}
	if c.Action == plan.Create {
		_, err := w.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
			RestoreTestingPlanName: aws.String(s.Plan),
			CreatorRequestId:       aws.String(c.Account + "-" + c.Region + "-" + c.Name),
			RestoreTestingSelection: &backuptypes.RestoreTestingSelectionForCreate{
				RestoreTestingSelectionName: aws.String(s.Name), ProtectedResourceType: aws.String(s.ResourceType),
				IamRoleArn: aws.String(s.RoleARN), ProtectedResourceArns: slices.Clone(s.ResourceARNs),
				RestoreMetadataOverrides: maps.Clone(s.Metadata), ValidationWindowHours: aws.Int32(s.ValidationWindowHours),
			},
		})
		var ae *backuptypes.AlreadyExistsException
		switch {
		case err == nil:
			return nil
		case !errors.As(err, &ae):
			return fmt.Errorf("creating restore testing selection %s: %w", c.Name, err)
		}
	}
	_, err := w.UpdateRestoreTestingSelection(ctx, &awsbackup.UpdateRestoreTestingSelectionInput{
		RestoreTestingPlanName: aws.String(s.Plan), RestoreTestingSelectionName: aws.String(s.Name),
		RestoreTestingSelection: &backuptypes.RestoreTestingSelectionForUpdate{
			IamRoleArn: aws.String(s.RoleARN), ProtectedResourceArns: slices.Clone(s.ResourceARNs),
			RestoreMetadataOverrides: maps.Clone(s.Metadata), ValidationWindowHours: aws.Int32(s.ValidationWindowHours),
		},
	})
	if err != nil {
		return fmt.Errorf("updating restore testing selection %s: %w", c.Name, err)
	}
	return nil
}
