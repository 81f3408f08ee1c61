package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"

	"github.com/orgbackup/orgbackup/spec"
)

// AirGappedVault is the state of the logically air-gapped vault: whether
// it exists, its retention, the recovery points it holds, the tiers that
// copy to it and the accounts it is shared with through AWS RAM, and what
// falls short of the spec.
type AirGappedVault struct {
	Account          string   `json:"account"`
	Region           string   `json:"region"`
	Name             string   `json:"name"`
	Exists           bool     `json:"exists"`
	MinRetentionDays int64    `json:"min_retention_days,omitempty"`
	MaxRetentionDays int64    `json:"max_retention_days,omitempty"`
	RecoveryPoints   int      `json:"recovery_points"`
	CopyingTiers     []string `json:"copying_tiers"`
	// SharedWith are the principals of orgbackup's RAM share that are
	// associated (in effect); WantSharedWith those the spec names.
	SharedWith     []string `json:"shared_with"`
	WantSharedWith []string `json:"want_shared_with"`
	OK             bool     `json:"ok"`
	Problems       []string `json:"problems,omitempty"`
}

// RAMAPI is the part of the RAM client the report reads the air-gapped
// vault's share with.
type RAMAPI interface {
	GetResourceShares(ctx context.Context, in *awsram.GetResourceSharesInput, optFns ...func(*awsram.Options)) (*awsram.GetResourceSharesOutput, error)
	GetResourceShareAssociations(ctx context.Context, in *awsram.GetResourceShareAssociationsInput, optFns ...func(*awsram.Options)) (*awsram.GetResourceShareAssociationsOutput, error)
}

// RAMClients is implemented by Clients that can read AWS RAM (FromConfigs
// does); with others the air-gapped vault's sharing is not read.
type RAMClients interface {
	RAM(ctx context.Context, account, region string) (RAMAPI, error)
}

var _ RAMAPI = (*awsram.Client)(nil)

// RAM returns a RAM client of account in region.
func (c configClients) RAM(ctx context.Context, account, region string) (RAMAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awsram.NewFromConfig(cfg), nil
}

// airGapped reads the air-gapped vault, when the spec has one, into
// c.inv.AirGapped; a failed read is recorded in it.
func (c *collector) airGapped(ctx context.Context) {
	ag := c.sp.Central.AirGapped
	if ag == nil {
		return
	}
	account, region := c.sp.Organization.BackupAccount, c.sp.Organization.Regions.Primary
	a := &AirGappedVault{Account: account, Region: region, Name: ag.Vault, CopyingTiers: []string{}, SharedWith: []string{}, WantSharedWith: slices.Sorted(slices.Values(ag.ShareWith))}
	if a.WantSharedWith == nil {
		a.WantSharedWith = []string{}
	}
	for _, name := range c.sp.TierNames() {
		if c.sp.Tiers[name].AirGappedCopy {
			a.CopyingTiers = append(a.CopyingTiers, name)
		}
	}
	c.inv.AirGapped = a
	bk, err := c.clients.Backup(ctx, account, region)
	if err != nil {
		a.Problems = append(a.Problems, "cannot read the vault: "+err.Error())
		return
	}
	v := c.vault(ctx, bk, "air-gapped", account, region, ag.Vault)
	a.Exists, a.MinRetentionDays, a.MaxRetentionDays = v.Exists, v.MinRetentionDays, v.MaxRetentionDays
	if v.Error != "" {
		a.Problems = append(a.Problems, v.Error)
	}
	if a.Exists {
		pages := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(bk, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(ag.Vault)})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				a.Problems = append(a.Problems, "cannot list its recovery points: "+err.Error())
				break
			}
			a.RecoveryPoints += len(out.RecoveryPoints)
		}
	}
	rc, ok := c.clients.(RAMClients)
	if !ok || len(a.WantSharedWith) == 0 {
		return
	}
	ram, err := rc.RAM(ctx, account, region)
	if err == nil {
		a.SharedWith, err = sharedWith(ctx, ram, a.Account, a.Region, a.Name)
	}
	if err != nil {
		a.Problems = append(a.Problems, "cannot read its AWS RAM share: "+err.Error())
	}
}

// sharedWith returns the principals associated with the shares of the
// vault's owner that hold the vault.
func sharedWith(ctx context.Context, ram RAMAPI, account, region, name string) ([]string, error) {
	arn := "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + name
	out, err := ram.GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerSelf, ResourceShareStatus: ramtypes.ResourceShareStatusActive})
	if err != nil {
		return nil, err
	}
	got := []string{}
	for _, sh := range out.ResourceShares {
		res, err := ram.GetResourceShareAssociations(ctx, &awsram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypeResource, ResourceShareArns: []string{aws.ToString(sh.ResourceShareArn)}, ResourceArn: aws.String(arn)})
		if err != nil {
			return nil, err
		}
		if len(res.ResourceShareAssociations) == 0 {
			continue
		}
		ps, err := ram.GetResourceShareAssociations(ctx, &awsram.GetResourceShareAssociationsInput{AssociationType: ramtypes.ResourceShareAssociationTypePrincipal, ResourceShareArns: []string{aws.ToString(sh.ResourceShareArn)}})
		if err != nil {
			return nil, err
		}
		for _, p := range ps.ResourceShareAssociations {
			if p.Status == ramtypes.ResourceShareAssociationStatusAssociated {
				got = append(got, aws.ToString(p.AssociatedEntity))
			}
		}
	}
	slices.Sort(got)
	return slices.Compact(got), nil
}

// evaluateAirGapped judges the air-gapped vault against the spec: it
// exists, holds recovery points when tiers copy to it, and is shared with
// every recovery account the spec names.
func evaluateAirGapped(sp *spec.Spec, a *AirGappedVault) *AirGappedVault {
	if a == nil {
		return nil
	}
	out := *a
	out.Problems = slices.Clone(a.Problems)
	switch {
	case !a.Exists:
		out.Problems = append(out.Problems, "the air-gapped vault does not exist")
	case len(a.CopyingTiers) > 0 && a.RecoveryPoints == 0:
		out.Problems = append(out.Problems, "tiers "+strings.Join(a.CopyingTiers, ", ")+" copy to the air-gapped vault, but it holds no recovery points")
	}
	for _, p := range a.WantSharedWith {
		if !slices.Contains(a.SharedWith, p) {
			out.Problems = append(out.Problems, "not shared with recovery account "+p+": it cannot restore from the vault")
		}
	}
	if lo, hi := sp.AirGappedDays(); a.Exists && (a.MinRetentionDays != int64(lo) || a.MaxRetentionDays != int64(hi)) {
		out.Problems = append(out.Problems, fmt.Sprintf("retention is %d..%d days; the spec says %d..%d", a.MinRetentionDays, a.MaxRetentionDays, lo, hi))
	}
	out.OK = len(out.Problems) == 0
	return &out
}

// writeAirGappedMarkdown writes the air-gapped vault's section, nothing
// when the spec has none.
func writeAirGappedMarkdown(w io.Writer, a *AirGappedVault) {
	if a == nil {
		return
	}
	mark := "✅"
	if !a.OK {
		mark = "❌"
	}
	fmt.Fprintf(w, "### Air-gapped vault %s %s\n\n", md(a.Name), mark)
	fmt.Fprintf(w, "| account | region | retention | recovery points | copied by | shared with |\n|---|---|---|---|---|---|\n")
	retention := "-"
	if a.Exists {
		retention = fmt.Sprintf("%d..%d days", a.MinRetentionDays, a.MaxRetentionDays)
	}
	fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s |\n\n", a.Account, a.Region, retention, a.RecoveryPoints, orDash(md(strings.Join(a.CopyingTiers, ", "))), orDash(strings.Join(a.SharedWith, ", ")))
	for _, p := range a.Problems {
		fmt.Fprintf(w, "- %s\n", md(p))
	}
	if len(a.Problems) > 0 {
		fmt.Fprintln(w)
	}
}
