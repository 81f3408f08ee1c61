package organization

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindResourcePolicy is the organization's resource-based delegation
// policy, in which orgbackup owns one statement: the backup account may
// manage backup policies.
const KindResourcePolicy = "org_resource_policy"

type resourcePolicy struct {
	Policy json.RawMessage `json:"policy"`
}

// delegationSid identifies the statement orgbackup owns in the
// organization's resource policy; other statements are kept.
const delegationSid = "OrgBackupDelegateBackupPolicies"

// delegationStatement lets the backup account manage backup policies, as in
// the Organizations User Guide's "Create or update a resource-based
// delegation policy with AWS Organizations" example for backup policies.
func delegationStatement(backupAccount string) map[string]any {
	return map[string]any{
		"Sid":       delegationSid,
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + backupAccount + ":root"},
		"Action": []any{
			"organizations:DescribeOrganization",
			"organizations:ListAccounts",
			"organizations:ListAccountsForParent",
			"organizations:ListOrganizationalUnitsForParent",
			"organizations:ListRoots",
			"organizations:ListParents",
			"organizations:DescribeAccount",
			"organizations:DescribeOrganizationalUnit",
			"organizations:ListPolicies",
			"organizations:ListPoliciesForTarget",
			"organizations:ListTargetsForPolicy",
			"organizations:DescribePolicy",
			"organizations:DescribeEffectivePolicy",
			"organizations:CreatePolicy",
			"organizations:UpdatePolicy",
			"organizations:DeletePolicy",
			"organizations:AttachPolicy",
			"organizations:DetachPolicy",
			"organizations:TagResource",
			"organizations:UntagResource",
			"organizations:ListTagsForResource",
		},
		"Resource": "*",
		"Condition": map[string]any{
			"StringLikeIfExists": map[string]any{"organizations:PolicyType": "BACKUP_POLICY"},
		},
	}
}

func planResourcePolicy(ctx context.Context, orgs Reader, want Desired) ([]plan.Change, error) {
	var current map[string]any
	rp, err := orgs.DescribeResourcePolicy(ctx, &awsorgs.DescribeResourcePolicyInput{})
	var notFound *orgtypes.ResourcePolicyNotFoundException
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return nil, fmt.Errorf("reading the organization's resource policy: %w", err)
	case rp.ResourcePolicy != nil && rp.ResourcePolicy.Content != nil:
		if err := json.Unmarshal([]byte(*rp.ResourcePolicy.Content), &current); err != nil {
			return nil, fmt.Errorf("reading the organization's resource policy: %w", err)
		}
	}
	merged, changed := mergeStatement(current, delegationStatement(want.BackupAccount))
	if !changed {
		return nil, nil
	}
	action := plan.Update
	var before any
	if current == nil {
		action = plan.Create
	} else {
		before = resourcePolicy{Policy: plan.JSON(current)}
	}
	return []plan.Change{plan.NewChange(want.address(KindResourcePolicy, "delegation"), action, before,
		resourcePolicy{Policy: plan.JSON(merged)}, "lets the backup account manage backup policies (statement "+delegationSid+"; other statements are kept)")}, nil
}

func applyResourcePolicy(ctx context.Context, orgs Writer, c plan.Change) error {
	var v resourcePolicy
	if err := c.Decode(&v); err != nil {
		return err
	}
	_, err := orgs.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(string(v.Policy))})
	return err
}

// mergeStatement puts stmt into the policy document (replacing the
// statement with the same Sid) and reports whether the document changed.
func mergeStatement(doc map[string]any, stmt map[string]any) (map[string]any, bool) {
	sid := stmt["Sid"]
	out := map[string]any{"Version": "2012-10-17"}
	var stmts []any
	found, changed := false, false
	if doc != nil {
		for k, v := range doc {
			out[k] = v
		}
		switch s := doc["Statement"].(type) {
		case []any:
			stmts = append(stmts, s...)
		case map[string]any:
			stmts = append(stmts, s)
		}
	}
	for i, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok || m["Sid"] != sid {
			continue
		}
		found = true
		if !plan.JSONEqual(plan.JSON(m), plan.JSON(stmt)) {
			stmts[i] = stmt
			changed = true
		}
	}
	if !found {
		stmts = append(stmts, stmt)
		changed = true
	}
	out["Statement"] = stmts
	return out, changed
}
