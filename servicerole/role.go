// Package servicerole reconciles the IAM role AWS Backup assumes in each
// account to back up and restore its resources (kind iam_role).
package servicerole

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/orgbackup/orgbackup/plan"
)

// Reader is the part of the IAM client that planning a role reads.
type Reader interface {
	GetRole(ctx context.Context, in *awsiam.GetRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *awsiam.ListAttachedRolePoliciesInput, optFns ...func(*awsiam.Options)) (*awsiam.ListAttachedRolePoliciesOutput, error)
}

// Writer is the part of the IAM client that applying a role change uses.
type Writer interface {
	CreateRole(ctx context.Context, in *awsiam.CreateRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *awsiam.UpdateAssumeRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(ctx context.Context, in *awsiam.AttachRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.AttachRolePolicyOutput, error)
	TagRole(ctx context.Context, in *awsiam.TagRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.TagRoleOutput, error)
}

var (
	_ Reader = (*awsiam.Client)(nil)
	_ Writer = (*awsiam.Client)(nil)
)

// KindRole is the kind of a backup role; roles are global, so their
// address's Region is plan.Global.
const KindRole = "iam_role"

// Kinds returns the kinds this package plans and applies.
func Kinds() []plan.Kind {
	return []plan.Kind{{Name: KindRole, Stage: plan.StageIdentity, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return apply(ctx, awsiam.NewFromConfig(env.Config), c)
	}, Tags: roleTags}}
}

// BackupRolePolicies are the AWS managed policies attached to the backup
// role in each workload account ("AWS managed policies for AWS Backup").
var BackupRolePolicies = []string{
	"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
	"arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}

// Role is the desired (or live) backup role.
type Role struct {
	Name            string            `json:"name"`
	TrustPolicy     json.RawMessage   `json:"trust_policy"`
	ManagedPolicies []string          `json:"managed_policies"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// backupServicePrincipal is AWS Backup's service principal.
const backupServicePrincipal = "backup.amazonaws.com"

// BackupRole returns the desired backup role of account named name,
// tagged tags: AWS Backup may assume it, with the AWS managed policies for
// backing up and restoring (BackupRolePolicies).
func BackupRole(account, name string, tags map[string]string) Role {
	return Role{Name: name, TrustPolicy: backupTrustPolicy(account), ManagedPolicies: slices.Clone(BackupRolePolicies), Tags: tags}
}

// backupTrustPolicy lets AWS Backup assume the role for account's own
// jobs only: aws:SourceAccount binds the service principal to the account
// ("Cross-service confused deputy prevention", AWS Backup Developer
// Guide), so AWS Backup acting for another account cannot use the role.
func backupTrustPolicy(account string) json.RawMessage {
	return plan.JSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": backupServicePrincipal},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
		}},
	})
}

// Plan compares the role in account with want and returns the change that
// brings it there, if any. Extra managed policies and tags others attached
// are kept.
func Plan(ctx context.Context, iam Reader, account string, want Role) ([]plan.Change, error) {
	out, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(want.Name)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: plan.Global, Kind: KindRole, Name: want.Name}, plan.Create, nil, want, "AWS Backup assumes this role to back up and restore the account's resources")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM role %q in %s: %w", want.Name, account, err)
	}
	live := Role{Name: want.Name}
	// GetRole returns the role's tags (ListRoles does not).
	for _, tag := range out.Role.Tags {
		if live.Tags == nil {
			live.Tags = map[string]string{}
		}
		live.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if doc := aws.ToString(out.Role.AssumeRolePolicyDocument); doc != "" {
		live.TrustPolicy = plan.Document(doc)
	}
	pages := awsiam.NewListAttachedRolePoliciesPaginator(iam, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(want.Name)})
	for pages.HasMorePages() {
		ap, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing policies of IAM role %q in %s: %w", want.Name, account, err)
		}
		for _, p := range ap.AttachedPolicies {
			live.ManagedPolicies = append(live.ManagedPolicies, aws.ToString(p.PolicyArn))
		}
	}
	sort.Strings(live.ManagedPolicies)
	// Extra policies attached by others are kept: only missing ones count.
	missing := false
	for _, p := range want.ManagedPolicies {
		if !slices.Contains(live.ManagedPolicies, p) {
			missing = true
		}
	}
	trustDiffers := !plan.JSONEqual(live.TrustPolicy, want.TrustPolicy)
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
	return []plan.Change{plan.NewChange(plan.Address{Account: account, Region: plan.Global, Kind: KindRole, Name: want.Name}, plan.Update, live, after, "the backup role's trust policy, managed policies or tags differ from the spec")}, nil
}

// apply creates or updates the role; re-running converges.
func apply(ctx context.Context, iam Writer, c plan.Change) error {
	var want Role
	if err := c.Decode(&want); err != nil {
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

func mergeSorted(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	sort.Strings(out)
	return slices.Compact(out)
}
