package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAMAPI is the part of the IAM client the engine uses.
type IAMAPI interface {
	GetRole(ctx context.Context, in *awsiam.GetRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRoleOutput, error)
	CreateRole(ctx context.Context, in *awsiam.CreateRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *awsiam.UpdateAssumeRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.UpdateAssumeRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *awsiam.ListAttachedRolePoliciesInput, optFns ...func(*awsiam.Options)) (*awsiam.ListAttachedRolePoliciesOutput, error)
	AttachRolePolicy(ctx context.Context, in *awsiam.AttachRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.AttachRolePolicyOutput, error)
	TagRole(ctx context.Context, in *awsiam.TagRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.TagRoleOutput, error)
}

var _ IAMAPI = (*awsiam.Client)(nil)

const kindIAMRole = "iam_role"

// BackupRolePolicies are the AWS managed policies attached to the backup
// role in each workload account ("AWS managed policies for AWS Backup").
var BackupRolePolicies = []string{
	"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
	"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}

// roleState is the desired (or live) backup role.
type roleState struct {
	Name            string            `json:"name"`
	TrustPolicy     json.RawMessage   `json:"trust_policy"`
	ManagedPolicies []string          `json:"managed_policies"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// backupTrustPolicy lets AWS Backup assume the role.
func backupTrustPolicy() json.RawMessage {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": backupServicePrincipal},
			"Action":    "sts:AssumeRole",
		}},
	})
}

// planRole compares the backup role in one account with the desired one.
func planRole(ctx context.Context, iam IAMAPI, account string, want roleState) ([]Change, error) {
	addr := account + "/global/" + kindIAMRole + "/" + want.Name
	out, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(want.Name)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return []Change{newChange(addr, kindIAMRole, account, "global", want.Name, Create, nil, want, "AWS Backup assumes this role to back up and restore the account's resources")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM role %q in %s: %w", want.Name, account, err)
	}
	live := roleState{Name: want.Name}
	// GetRole returns the role's tags (ListRoles does not).
	for _, tag := range out.Role.Tags {
		if live.Tags == nil {
			live.Tags = map[string]string{}
		}
		live.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if doc := aws.ToString(out.Role.AssumeRolePolicyDocument); doc != "" {
		if dec, err := url.QueryUnescape(doc); err == nil {
			doc = dec
		}
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err == nil {
			live.TrustPolicy = mustJSON(v)
		} else {
			live.TrustPolicy = mustJSON(doc)
		}
	}
	var marker *string
	for {
		ap, err := iam.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(want.Name), Marker: marker})
		if err != nil {
			return nil, fmt.Errorf("listing policies of IAM role %q in %s: %w", want.Name, account, err)
		}
		for _, p := range ap.AttachedPolicies {
			live.ManagedPolicies = append(live.ManagedPolicies, aws.ToString(p.PolicyArn))
		}
		if !ap.IsTruncated {
			break
		}
		marker = ap.Marker
	}
	sort.Strings(live.ManagedPolicies)
	// Extra policies attached by others are kept: only missing ones count.
	missing := false
	for _, p := range want.ManagedPolicies {
		if !slices.Contains(live.ManagedPolicies, p) {
			missing = true
		}
	}
	trustDiffers := !jsonEqual(live.TrustPolicy, want.TrustPolicy)
	// Tags others added are kept: only missing or different ones count.
	tagsDiffer := false
	for k, v := range want.Tags {
		if live.Tags[k] != v {
			tagsDiffer = true
		}
	}
	if !missing && !trustDiffers && !tagsDiffer {
		return nil, nil
	}
	after := want
	after.ManagedPolicies = mergeSorted(live.ManagedPolicies, want.ManagedPolicies)
	return []Change{newChange(addr, kindIAMRole, account, "global", want.Name, Update, live, after, "the backup role's trust policy, managed policies or tags differ from the spec")}, nil
}

// applyRole creates or updates the backup role; re-running converges.
func applyRole(ctx context.Context, iam IAMAPI, c Change) error {
	var want roleState
	if err := json.Unmarshal(c.After, &want); err != nil {
		return err
	}
	var tags []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
	}
	_, err := iam.CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName:                 aws.String(want.Name),
		AssumeRolePolicyDocument: aws.String(string(want.TrustPolicy)),
		Description:              aws.String("AWS Backup service role managed by orgbackup"),
		Tags:                     tags,
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		_, err = iam.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String(want.Name), PolicyDocument: aws.String(string(want.TrustPolicy))})
		if err == nil && len(tags) > 0 {
			// TagRole adds tags and overwrites the values of existing keys.
			_, err = iam.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String(want.Name), Tags: tags})
		}
	}
	if err != nil {
		return err
	}
	for _, p := range want.ManagedPolicies {
		if _, err := iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(want.Name), PolicyArn: aws.String(p)}); err != nil {
			return fmt.Errorf("attaching %s: %w", p, err)
		}
	}
	return nil
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return string(mustJSON(x)) == string(mustJSON(y))
}

func mergeSorted(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	sort.Strings(out)
	return slices.Compact(out)
}
