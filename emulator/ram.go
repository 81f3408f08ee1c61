package emulator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	"github.com/aws/aws-sdk-go-v2/service/ram/schemas"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
)

// AWS Resource Access Manager, as far as sharing a logically air-gapped
// vault with a recovery account needs it ("Logically air-gapped vault",
// AWS Backup Developer Guide: "you can choose to integrate with AWS
// Resource Access Manager (RAM) to share a logically air-gapped vault
// with other AWS accounts"): resource shares of the caller's resources
// with accounts, OUs or the organization, and their associations.
//
// Sharing within the organization is treated as enabled in Organizations
// ("Enable resource sharing within AWS Organizations", AWS RAM User
// Guide): principals of the owner's organization are ASSOCIATED at once;
// principals outside it get an invitation, which the emulator does not
// model, so they stay ASSOCIATING. Only logically air-gapped vaults are
// shareable here (the one Backup resource type RAM shares, "Shareable AWS
// resources", AWS RAM User Guide); other ARNs are refused.

// ramShare is one resource share.
type ramShare struct {
	share      ramtypes.ResourceShare
	resources  []string
	principals []string
	external   map[string]bool
}

// ramRegion is one account's resource shares in one Region, by ARN.
type ramRegion struct {
	shares map[string]*ramShare
}

func (s *Server) ramService() *service {
	return newService("ram", restJSON1, schemas.AmazonResourceSharing, awsram.TypeRegistry, []*operation{
		handle(schemas.CreateResourceShare, schemas.CreateResourceShareRequest, s.ramCreateResourceShare),
		handle(schemas.DeleteResourceShare, schemas.DeleteResourceShareRequest, s.ramDeleteResourceShare),
		handle(schemas.AssociateResourceShare, schemas.AssociateResourceShareRequest, s.ramAssociateResourceShare),
		handle(schemas.DisassociateResourceShare, schemas.DisassociateResourceShareRequest, s.ramDisassociateResourceShare),
		readOnly(handle(schemas.GetResourceShares, schemas.GetResourceSharesRequest, s.ramGetResourceShares)),
		readOnly(handle(schemas.GetResourceShareAssociations, schemas.GetResourceShareAssociationsRequest, s.ramGetResourceShareAssociations)),
	})
}

func ramInvalid(format string, args ...any) error {
	return &ramtypes.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func (s *Server) ramRegionLocked(account, region string) *ramRegion {
	if s.ram == nil {
		s.ram = map[regionKey]*ramRegion{}
	}
	k := regionKey{account, region}
	r := s.ram[k]
	if r == nil {
		r = &ramRegion{shares: map[string]*ramShare{}}
		s.ram[k] = r
	}
	return r
}

// ramShareLocked returns the caller's share arn.
func (s *Server) ramShareLocked(c *Call, arn string) (*ramShare, error) {
	if !strings.HasPrefix(arn, "arn:aws:ram:") {
		return nil, &ramtypes.MalformedArnException{Message: aws.String("The format of ARN " + arn + " is not valid.")}
	}
	sh := s.ramRegionLocked(c.Account, c.Region).shares[arn]
	if sh == nil {
		return nil, &ramtypes.UnknownResourceException{Message: aws.String("ResourceShare " + arn + " could not be found.")}
	}
	return sh, nil
}

// ramCheckResourceLocked refuses a resource the caller cannot share: not
// its own, or not a logically air-gapped vault of its Region.
func (s *Server) ramCheckResourceLocked(c *Call, arn string) error {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return &ramtypes.MalformedArnException{Message: aws.String("The format of ARN " + arn + " is not valid.")}
	}
	if parts[4] != c.Account || parts[3] != c.Region {
		return &ramtypes.UnknownResourceException{Message: aws.String("Resource " + arn + " could not be found in account " + c.Account + " and region " + c.Region + ".")}
	}
	name, ok := strings.CutPrefix(parts[5], "backup-vault:")
	if parts[2] != "backup" || !ok {
		return ramInvalid("The resource type of %s cannot be shared by this emulator; only logically air-gapped backup vaults can.", arn)
	}
	b := s.backup[regionKey{c.Account, c.Region}]
	if b == nil || b.vaults[name] == nil {
		return &ramtypes.UnknownResourceException{Message: aws.String("Resource " + arn + " could not be found.")}
	}
	if b.vaults[name].vaultType != backuptypes.VaultTypeLogicallyAirGappedBackupVault {
		return ramInvalid("Backup vault %s is not a logically air-gapped vault; only those can be shared.", name)
	}
	return nil
}

// ramPrincipalInOrgLocked reports whether a principal (an account ID, or
// the ARN of the organization or of one of its OUs) belongs to the
// owner's organization.
func (s *Server) ramPrincipalInOrgLocked(owner, principal string) (bool, error) {
	switch {
	case isAccountID(principal):
		return s.org != nil && s.org.account(owner) != nil && s.org.account(principal) != nil, nil
	case strings.HasPrefix(principal, "arn:aws:organizations::"):
		return s.org != nil && s.org.account(owner) != nil && strings.Contains(principal, "/"+s.org.id), nil
	}
	return false, ramInvalid("Principal %s is not an account ID or the ARN of an organization or organizational unit.", principal)
}

func (s *Server) ramAddPrincipalsLocked(c *Call, sh *ramShare, principals []string) error {
	for _, p := range principals {
		in, err := s.ramPrincipalInOrgLocked(c.Account, p)
		if err != nil {
			return err
		}
		if !in && !aws.ToBool(sh.share.AllowExternalPrincipals) {
			return &ramtypes.OperationNotPermittedException{Message: aws.String("Principal " + p + " is outside your organization and the resource share does not allow external principals.")}
		}
		if !slices.Contains(sh.principals, p) {
			sh.principals = append(sh.principals, p)
			sh.external[p] = !in
		}
	}
	return nil
}

func (s *Server) ramCreateResourceShare(c *Call, in *awsram.CreateResourceShareInput) (*awsram.CreateResourceShareOutput, error) {
	if aws.ToString(in.Name) == "" {
		return nil, ramInvalid("Name is required.")
	}
	for _, r := range in.ResourceArns {
		if err := s.ramCheckResourceLocked(c, r); err != nil {
			return nil, err
		}
	}
	allowExternal := true // the API's documented default
	if in.AllowExternalPrincipals != nil {
		allowExternal = *in.AllowExternalPrincipals
	}
	now := s.now
	sh := &ramShare{external: map[string]bool{}, share: ramtypes.ResourceShare{
		ResourceShareArn:        aws.String("arn:aws:ram:" + c.Region + ":" + c.Account + ":resource-share/" + s.ids.uuid()),
		Name:                    in.Name,
		OwningAccountId:         aws.String(c.Account),
		AllowExternalPrincipals: aws.Bool(allowExternal),
		Status:                  ramtypes.ResourceShareStatusActive,
		FeatureSet:              ramtypes.ResourceShareFeatureSetStandard,
		Tags:                    slices.Clone(in.Tags),
		CreationTime:            &now,
		LastUpdatedTime:         &now,
	}}
	if err := s.ramAddPrincipalsLocked(c, sh, in.Principals); err != nil {
		return nil, err
	}
	sh.resources = slices.Compact(slices.Sorted(slices.Values(in.ResourceArns)))
	s.ramRegionLocked(c.Account, c.Region).shares[*sh.share.ResourceShareArn] = sh
	out := sh.share
	return &awsram.CreateResourceShareOutput{ResourceShare: &out, ClientToken: in.ClientToken}, nil
}

func (s *Server) ramDeleteResourceShare(c *Call, in *awsram.DeleteResourceShareInput) (*awsram.DeleteResourceShareOutput, error) {
	sh, err := s.ramShareLocked(c, aws.ToString(in.ResourceShareArn))
	if err != nil {
		return nil, err
	}
	delete(s.ramRegionLocked(c.Account, c.Region).shares, *sh.share.ResourceShareArn)
	return &awsram.DeleteResourceShareOutput{ReturnValue: aws.Bool(true), ClientToken: in.ClientToken}, nil
}

func (s *Server) ramAssociateResourceShare(c *Call, in *awsram.AssociateResourceShareInput) (*awsram.AssociateResourceShareOutput, error) {
	sh, err := s.ramShareLocked(c, aws.ToString(in.ResourceShareArn))
	if err != nil {
		return nil, err
	}
	for _, r := range in.ResourceArns {
		if err := s.ramCheckResourceLocked(c, r); err != nil {
			return nil, err
		}
	}
	if err := s.ramAddPrincipalsLocked(c, sh, in.Principals); err != nil {
		return nil, err
	}
	sh.resources = slices.Compact(slices.Sorted(slices.Values(append(sh.resources, in.ResourceArns...))))
	now := s.now
	sh.share.LastUpdatedTime = &now
	return &awsram.AssociateResourceShareOutput{ResourceShareAssociations: s.ramAssociations(sh, in.ResourceArns, in.Principals), ClientToken: in.ClientToken}, nil
}

func (s *Server) ramDisassociateResourceShare(c *Call, in *awsram.DisassociateResourceShareInput) (*awsram.DisassociateResourceShareOutput, error) {
	sh, err := s.ramShareLocked(c, aws.ToString(in.ResourceShareArn))
	if err != nil {
		return nil, err
	}
	out := s.ramAssociations(sh, in.ResourceArns, in.Principals)
	for i := range out {
		out[i].Status = ramtypes.ResourceShareAssociationStatusDisassociated
	}
	sh.resources = slices.DeleteFunc(sh.resources, func(r string) bool { return slices.Contains(in.ResourceArns, r) })
	sh.principals = slices.DeleteFunc(sh.principals, func(p string) bool { return slices.Contains(in.Principals, p) })
	return &awsram.DisassociateResourceShareOutput{ResourceShareAssociations: out, ClientToken: in.ClientToken}, nil
}

// ramAssociations returns the associations of sh with resources and
// principals.
func (s *Server) ramAssociations(sh *ramShare, resources, principals []string) []ramtypes.ResourceShareAssociation {
	var out []ramtypes.ResourceShareAssociation
	add := func(entity string, typ ramtypes.ResourceShareAssociationType, external bool) {
		status := ramtypes.ResourceShareAssociationStatusAssociated
		if external {
			status = ramtypes.ResourceShareAssociationStatusAssociating
		}
		out = append(out, ramtypes.ResourceShareAssociation{
			ResourceShareArn: sh.share.ResourceShareArn, ResourceShareName: sh.share.Name, AssociatedEntity: aws.String(entity),
			AssociationType: typ, Status: status, External: aws.Bool(external),
			CreationTime: sh.share.CreationTime, LastUpdatedTime: sh.share.LastUpdatedTime,
		})
	}
	for _, r := range resources {
		add(r, ramtypes.ResourceShareAssociationTypeResource, false)
	}
	for _, p := range principals {
		add(p, ramtypes.ResourceShareAssociationTypePrincipal, sh.external[p])
	}
	return out
}

func (s *Server) ramGetResourceShares(c *Call, in *awsram.GetResourceSharesInput) (*awsram.GetResourceSharesOutput, error) {
	if in.ResourceOwner != ramtypes.ResourceOwnerSelf && in.ResourceOwner != ramtypes.ResourceOwnerOtherAccounts {
		return nil, ramInvalid("ResourceOwner must be SELF or OTHER-ACCOUNTS.")
	}
	var out []ramtypes.ResourceShare
	for k, r := range s.ram {
		if k.region != c.Region {
			continue
		}
		for _, sh := range r.shares {
			mine := k.account == c.Account
			if mine != (in.ResourceOwner == ramtypes.ResourceOwnerSelf) || !mine && !s.ramSharedWithLocked(sh, c.Account) {
				continue
			}
			if n := aws.ToString(in.Name); n != "" && n != aws.ToString(sh.share.Name) {
				continue
			}
			if len(in.ResourceShareArns) > 0 && !slices.Contains(in.ResourceShareArns, *sh.share.ResourceShareArn) {
				continue
			}
			out = append(out, sh.share)
		}
	}
	slices.SortFunc(out, func(a, b ramtypes.ResourceShare) int {
		return strings.Compare(*a.ResourceShareArn, *b.ResourceShareArn)
	})
	return &awsram.GetResourceSharesOutput{ResourceShares: out}, nil
}

func (s *Server) ramGetResourceShareAssociations(c *Call, in *awsram.GetResourceShareAssociationsInput) (*awsram.GetResourceShareAssociationsOutput, error) {
	var out []ramtypes.ResourceShareAssociation
	r := s.ramRegionLocked(c.Account, c.Region)
	arns := make([]string, 0, len(r.shares))
	for arn := range r.shares {
		arns = append(arns, arn)
	}
	slices.Sort(arns)
	for _, arn := range arns {
		if len(in.ResourceShareArns) > 0 && !slices.Contains(in.ResourceShareArns, arn) {
			continue
		}
		sh := r.shares[arn]
		switch in.AssociationType {
		case ramtypes.ResourceShareAssociationTypePrincipal:
			for _, a := range s.ramAssociations(sh, nil, sh.principals) {
				if p := aws.ToString(in.Principal); p == "" || p == aws.ToString(a.AssociatedEntity) {
					out = append(out, a)
				}
			}
		case ramtypes.ResourceShareAssociationTypeResource:
			for _, a := range s.ramAssociations(sh, sh.resources, nil) {
				if ra := aws.ToString(in.ResourceArn); ra == "" || ra == aws.ToString(a.AssociatedEntity) {
					out = append(out, a)
				}
			}
		default:
			return nil, ramInvalid("AssociationType must be PRINCIPAL or RESOURCE.")
		}
	}
	return &awsram.GetResourceShareAssociationsOutput{ResourceShareAssociations: out}, nil
}

// ramSharedWithLocked reports whether sh reaches account with an
// association in effect: the account itself, an OU above it or its
// organization.
func (s *Server) ramSharedWithLocked(sh *ramShare, account string) bool {
	for _, p := range sh.principals {
		if sh.external[p] {
			continue
		}
		if p == account {
			return true
		}
		if s.org == nil || s.org.account(account) == nil {
			continue
		}
		for n := s.org.account(account); n != nil; n = n.parent {
			if strings.HasSuffix(p, "/"+n.id) {
				return true
			}
		}
		if strings.HasSuffix(p, "/"+s.org.id) {
			return true
		}
	}
	return false
}
