package organization

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindPolicyType is the BACKUP_POLICY policy type, enabled on the root
// before backup policies can be attached.
const KindPolicyType = "org_policy_type"

type policyType struct {
	RootID     string `json:"root_id"`
	PolicyType string `json:"policy_type"`
}

func planPolicyType(ctx context.Context, orgs Reader, want Desired) ([]plan.Change, error) {
	roots, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("listing organization roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, errors.New("listing organization roots: the organization has no root")
	}
	root := roots.Roots[0]
	if slices.ContainsFunc(root.PolicyTypes, func(p orgtypes.PolicyTypeSummary) bool {
		return p.Type == orgtypes.PolicyTypeBackupPolicy && p.Status == orgtypes.PolicyTypeStatusEnabled
	}) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(want.address(KindPolicyType, "BACKUP_POLICY"), plan.Create, nil,
		policyType{aws.ToString(root.Id), "BACKUP_POLICY"}, "backup policies must be enabled on the root before they can be attached")}, nil
}

func applyPolicyType(ctx context.Context, orgs Writer, c plan.Change) error {
	var v policyType
	if err := c.Decode(&v); err != nil {
		return err
	}
	_, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String(v.RootID), PolicyType: orgtypes.PolicyType(v.PolicyType)})
	var already *orgtypes.PolicyTypeAlreadyEnabledException
	if errors.As(err, &already) {
		return nil
	}
	return err
}
