// air_gapped_share: the AWS RAM resource share that gives recovery
// accounts access to the logically air-gapped vault, so that they can
// restore from it when the backup account is compromised or unavailable
// ("Logically air-gapped vault", AWS Backup Developer Guide: share the
// vault through AWS Resource Access Manager, then restore in the account
// it is shared with).
//
// AWS API calls: RAM GetResourceShares and GetResourceShareAssociations to
// read it; CreateResourceShare, AssociateResourceShare,
// DisassociateResourceShare and DeleteResourceShare to apply it.

package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindAirGappedShare is the kind of the air-gapped vault's RAM share.
const KindAirGappedShare = "air_gapped_share"

// RAMReader is the part of the RAM client that planning the share reads.
type RAMReader interface {
	GetResourceShares(ctx context.Context, in *awsram.GetResourceSharesInput, optFns ...func(*awsram.Options)) (*awsram.GetResourceSharesOutput, error)
	GetResourceShareAssociations(ctx context.Context, in *awsram.GetResourceShareAssociationsInput, optFns ...func(*awsram.Options)) (*awsram.GetResourceShareAssociationsOutput, error)
}

// RAMWriter is the part of the RAM client that applying the share uses.
type RAMWriter interface {
	RAMReader
	CreateResourceShare(ctx context.Context, in *awsram.CreateResourceShareInput, optFns ...func(*awsram.Options)) (*awsram.CreateResourceShareOutput, error)
	AssociateResourceShare(ctx context.Context, in *awsram.AssociateResourceShareInput, optFns ...func(*awsram.Options)) (*awsram.AssociateResourceShareOutput, error)
	DisassociateResourceShare(ctx context.Context, in *awsram.DisassociateResourceShareInput, optFns ...func(*awsram.Options)) (*awsram.DisassociateResourceShareOutput, error)
	DeleteResourceShare(ctx context.Context, in *awsram.DeleteResourceShareInput, optFns ...func(*awsram.Options)) (*awsram.DeleteResourceShareOutput, error)
}

var (
	_ RAMReader = (*awsram.Client)(nil)
	_ RAMWriter = (*awsram.Client)(nil)
)

// Share is the desired RAM share of the air-gapped vault.
type Share struct {
	// Name is the resource share's name.
	Name string `json:"name"`
	// VaultARN is the air-gapped vault's ARN.
	VaultARN string `json:"vault_arn"`
	// Principals are the recovery accounts (or OU or organization ARNs).
	Principals []string          `json:"principals"`
	Tags       map[string]string `json:"tags,omitempty"`
}

// liveShare is a share as read.
type liveShare struct {
	arn        string
	principals []string
	resources  []string
	tags       map[string]string
}

// readShare finds the share named name that orgbackup owns (its managed
// tag); nil when there is none.
func readShare(ctx context.Context, api RAMReader, name string) (*liveShare, error) {
	out, err := api.GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerSelf, Name: aws.String(name), ResourceShareStatus: ramtypes.ResourceShareStatusActive})
	if err != nil {
		return nil, fmt.Errorf("reading resource share %s: %w", name, err)
	}
	for _, sh := range out.ResourceShares {
		tags := map[string]string{}
		for _, t := range sh.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if tags[managedtags.Managed] != "true" {
			continue
		}
		l := &liveShare{arn: aws.ToString(sh.ResourceShareArn), tags: tags}
		for _, typ := range []ramtypes.ResourceShareAssociationType{ramtypes.ResourceShareAssociationTypePrincipal, ramtypes.ResourceShareAssociationTypeResource} {
			as, err := api.GetResourceShareAssociations(ctx, &awsram.GetResourceShareAssociationsInput{AssociationType: typ, ResourceShareArns: []string{l.arn}})
			if err != nil {
				return nil, fmt.Errorf("reading the associations of resource share %s: %w", name, err)
			}
			for _, a := range as.ResourceShareAssociations {
				if a.Status != ramtypes.ResourceShareAssociationStatusAssociated && a.Status != ramtypes.ResourceShareAssociationStatusAssociating {
					continue
				}
				if typ == ramtypes.ResourceShareAssociationTypePrincipal {
					l.principals = append(l.principals, aws.ToString(a.AssociatedEntity))
				} else {
					l.resources = append(l.resources, aws.ToString(a.AssociatedEntity))
				}
			}
		}
		slices.Sort(l.principals)
		slices.Sort(l.resources)
		return l, nil
	}
	return nil, nil
}

// PlanAirGappedShare plans the RAM share of the air-gapped vault in
// account and region: want nil removes orgbackup's share named name
// (destructive: recovery accounts lose access).
func PlanAirGappedShare(ctx context.Context, api RAMReader, account, region, name string, want *Share) ([]plan.Change, error) {
	live, err := readShare(ctx, api, name)
	if err != nil {
		return nil, err
	}
	addr := plan.Address{Account: account, Region: region, Kind: KindAirGappedShare, Name: name}
	var before *Share
	if live != nil {
		before = &Share{Name: name, Principals: live.principals, Tags: managedtags.View(live.tags, nil)}
		if len(live.resources) > 0 {
			before.VaultARN = live.resources[0]
		}
	}
	switch {
	case want == nil && live == nil:
		return nil, nil
	case want == nil:
		c := plan.NewChange(addr, plan.Delete, before, nil, "the spec shares the air-gapped vault with no recovery account: they lose access to restore from it")
		c.Destructive = true
		return []plan.Change{c}, nil
	}
	w := *want
	w.Principals = slices.Compact(slices.Sorted(slices.Values(w.Principals)))
	dep := []plan.Address{{Account: account, Region: region, Kind: KindAirGapped, Name: vaultNameOf(w.VaultARN)}}
	if live == nil {
		c := plan.NewChange(addr, plan.Create, nil, w, "share the air-gapped vault with the recovery accounts through AWS RAM")
		c.DependsOn = dep
		return []plan.Change{c}, nil
	}
	if slices.Equal(live.principals, w.Principals) && slices.Equal(live.resources, []string{w.VaultARN}) && maps.Equal(managedtags.View(live.tags, w.Tags), w.Tags) {
		return nil, nil
	}
	before.Tags = managedtags.View(live.tags, w.Tags)
	c := plan.NewChange(addr, plan.Update, before, w, "the recovery accounts or the shared vault differ from the spec")
	for _, p := range live.principals {
		if !slices.Contains(w.Principals, p) {
			c.Destructive = true
			c.Reason = "weakens recovery: " + p + " loses access to restore from the air-gapped vault"
		}
	}
	return []plan.Change{c}, nil
}

// vaultNameOf returns the name in a vault ARN.
func vaultNameOf(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}

// applyAirGappedShare applies a share change; re-running converges.
func applyAirGappedShare(ctx context.Context, api RAMWriter, c plan.Change) error {
	if c.Action == plan.Delete {
		var before Share
		if err := json.Unmarshal(c.Before, &before); err != nil {
			return err
		}
		live, err := readShare(ctx, api, before.Name)
		if err != nil || live == nil {
			return err
		}
		_, err = api.DeleteResourceShare(ctx, &awsram.DeleteResourceShareInput{ResourceShareArn: aws.String(live.arn)})
		var nf *ramtypes.UnknownResourceException
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	var w Share
	if err := c.Decode(&w); err != nil {
		return err
	}
	live, err := readShare(ctx, api, w.Name)
	if err != nil {
		return err
	}
	if live == nil {
		var tags []ramtypes.Tag
		for _, k := range slices.Sorted(maps.Keys(w.Tags)) {
			tags = append(tags, ramtypes.Tag{Key: aws.String(k), Value: aws.String(w.Tags[k])})
		}
		_, err := api.CreateResourceShare(ctx, &awsram.CreateResourceShareInput{Name: aws.String(w.Name), ResourceArns: []string{w.VaultARN},
			Principals: w.Principals, AllowExternalPrincipals: aws.Bool(false), Tags: tags})
		if err != nil {
			return fmt.Errorf("creating resource share %s: %w", w.Name, err)
		}
		return nil
	}
	var addP, addR, delP, delR []string
	for _, p := range w.Principals {
		if !slices.Contains(live.principals, p) {
			addP = append(addP, p)
		}
	}
	for _, p := range live.principals {
		if !slices.Contains(w.Principals, p) {
			delP = append(delP, p)
		}
	}
	if !slices.Contains(live.resources, w.VaultARN) {
		addR = []string{w.VaultARN}
	}
	for _, r := range live.resources {
		if r != w.VaultARN {
			delR = append(delR, r)
		}
	}
	if len(addP)+len(addR) > 0 {
		if _, err := api.AssociateResourceShare(ctx, &awsram.AssociateResourceShareInput{ResourceShareArn: aws.String(live.arn), Principals: addP, ResourceArns: addR}); err != nil {
			return fmt.Errorf("associating resource share %s: %w", w.Name, err)
		}
	}
	if len(delP)+len(delR) > 0 {
		if _, err := api.DisassociateResourceShare(ctx, &awsram.DisassociateResourceShareInput{ResourceShareArn: aws.String(live.arn), Principals: delP, ResourceArns: delR}); err != nil {
			return fmt.Errorf("disassociating resource share %s: %w", w.Name, err)
		}
	}
	return nil
}

// shareKind is the air-gapped share's plan.Kind, applied with the vault
// policies (after the air-gapped vault exists).
func shareKind() plan.Kind {
	return plan.Kind{Name: KindAirGappedShare, Stage: plan.StageVaultPolicy, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return applyAirGappedShare(ctx, awsram.NewFromConfig(env.Config), c)
	}, Tags: shareTags}
}

// shareTags reads the tags of the resource share named by the address.
// readShare sees only shares carrying orgbackup's managed tag, so the
// tags of any other share of that name are read here.
func shareTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	out, err := awsram.NewFromConfig(cfg).GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerSelf, Name: aws.String(a.Name), ResourceShareStatus: ramtypes.ResourceShareStatusActive})
	if err != nil {
		return nil, false, err
	}
	if len(out.ResourceShares) == 0 {
		return nil, false, nil
	}
	tags := map[string]string{}
	for _, t := range out.ResourceShares[0].Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, true, nil
}
