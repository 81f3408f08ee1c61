// events_role: the IAM role EventBridge assumes to forward backup job
// failures to the backup account's alerts bus.
//
// AWS API calls: IAM GetRole and GetRolePolicy to read it; CreateRole,
// UpdateAssumeRolePolicy, PutRolePolicy and TagRole to apply it.

package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgbackup/orgbackup/plan"
)

// KindRole is the kind of the forwarding role (global).
const KindRole = "events_role"

// rolePolicyName is the role's inline policy.
const rolePolicyName = "put-events-to-alerts-bus"

// Role is the desired (or live) forwarding role.
type Role struct {
	Name        string            `json:"name"`
	TrustPolicy json.RawMessage   `json:"trust_policy"`
	Policy      json.RawMessage   `json:"policy"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// ARN is the role's ARN in account.
func (r Role) ARN(account string) string {
	return "arn:aws:iam::" + account + ":role/" + r.Name
}

// ForwarderRole is the role of account that EventBridge assumes to put
// events on the alerts buses of backupAccount.
func ForwarderRole(account, backupAccount string, tags map[string]string) Role {
	return Role{Name: RoleName, TrustPolicy: plan.Raw(forwarderTrust(account)), Policy: plan.Raw(forwarderPolicy(backupAccount)), Tags: tags}
}

// PlanRole compares the role in account with want.
func PlanRole(ctx context.Context, iam IAMReader, account string, want Role) ([]plan.Change, error) {
	addr := plan.Address{Account: account, Region: plan.Global, Kind: KindRole, Name: want.Name}
	out, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(want.Name)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return []plan.Change{plan.NewChange(addr, plan.Create, nil, want, "EventBridge assumes this role to forward backup job failures to the backup account's alerts bus")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM role %q in %s: %w", want.Name, account, err)
	}
	live := Role{Name: want.Name, TrustPolicy: plan.Document(aws.ToString(out.Role.AssumeRolePolicyDocument))}
	for _, t := range out.Role.Tags {
		if live.Tags == nil {
			live.Tags = map[string]string{}
		}
		live.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	pol, err := iam.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String(want.Name), PolicyName: aws.String(rolePolicyName)})
	switch {
	case errors.As(err, &nse):
	case err != nil:
		return nil, fmt.Errorf("reading the policy of IAM role %q in %s: %w", want.Name, account, err)
	default:
		live.Policy = plan.Document(aws.ToString(pol.PolicyDocument))
	}
	tagsDiffer := false
	for k, v := range want.Tags {
		if live.Tags[k] != v {
			tagsDiffer = true
		}
	}
	if plan.JSONEqual(live.TrustPolicy, want.TrustPolicy) && plan.JSONEqual(live.Policy, want.Policy) && !tagsDiffer {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(addr, plan.Update, live, want, "the alerts forwarding role's trust policy, permissions or tags differ from the spec")}, nil
}

// applyRole creates or updates the role; re-running converges.
func applyRole(ctx context.Context, iam IAMWriter, c plan.Change) error {
	var want Role
	if err := c.Decode(&want); err != nil {
		return err
	}
	var tags []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
	}
	_, err := iam.CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName: aws.String(want.Name), AssumeRolePolicyDocument: aws.String(string(want.TrustPolicy)),
		Description: aws.String("EventBridge forwards AWS Backup job failures to the backup account (orgbackup)"), Tags: tags,
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		_, err = iam.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String(want.Name), PolicyDocument: aws.String(string(want.TrustPolicy))})
		if err == nil && len(tags) > 0 {
			_, err = iam.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String(want.Name), Tags: tags})
		}
	}
	if err != nil {
		return fmt.Errorf("creating IAM role %q: %w", want.Name, err)
	}
	if _, err := iam.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(want.Name), PolicyName: aws.String(rolePolicyName), PolicyDocument: aws.String(string(want.Policy))}); err != nil {
		return fmt.Errorf("putting the policy of IAM role %q: %w", want.Name, err)
	}
	return nil
}
