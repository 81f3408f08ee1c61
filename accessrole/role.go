// Package accessrole reconciles the IAM roles through which orgbackup and
// people reach the organization: in every account a read-only role and a
// deploy role for orgbackup itself (least privilege generated from the
// engine's operations, see githubiam), the deploy role's permissions
// boundary, and the team roles of the spec's access section (backup
// operators, workload restore, break-glass). These roles are applied by
// the bootstrap (Bootstrap), never by the deploy role, which cannot
// change roles under githubiam.RolePath.
package accessrole

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

	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
)

// Reader is the part of the IAM client that planning the roles reads.
type Reader interface {
	GetRole(ctx context.Context, in *awsiam.GetRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRoleOutput, error)
	GetRolePolicy(ctx context.Context, in *awsiam.GetRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *awsiam.ListAttachedRolePoliciesInput, optFns ...func(*awsiam.Options)) (*awsiam.ListAttachedRolePoliciesOutput, error)
	GetPolicy(ctx context.Context, in *awsiam.GetPolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *awsiam.GetPolicyVersionInput, optFns ...func(*awsiam.Options)) (*awsiam.GetPolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *awsiam.ListPolicyVersionsInput, optFns ...func(*awsiam.Options)) (*awsiam.ListPolicyVersionsOutput, error)
}

// Writer is the part of the IAM client that applying a change uses.
type Writer interface {
	Reader
	CreateRole(ctx context.Context, in *awsiam.CreateRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.CreateRoleOutput, error)
	UpdateRole(ctx context.Context, in *awsiam.UpdateRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.UpdateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *awsiam.UpdateAssumeRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.UpdateAssumeRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *awsiam.PutRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.PutRolePolicyOutput, error)
	PutRolePermissionsBoundary(ctx context.Context, in *awsiam.PutRolePermissionsBoundaryInput, optFns ...func(*awsiam.Options)) (*awsiam.PutRolePermissionsBoundaryOutput, error)
	AttachRolePolicy(ctx context.Context, in *awsiam.AttachRolePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.AttachRolePolicyOutput, error)
	TagRole(ctx context.Context, in *awsiam.TagRoleInput, optFns ...func(*awsiam.Options)) (*awsiam.TagRoleOutput, error)
	CreatePolicy(ctx context.Context, in *awsiam.CreatePolicyInput, optFns ...func(*awsiam.Options)) (*awsiam.CreatePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *awsiam.CreatePolicyVersionInput, optFns ...func(*awsiam.Options)) (*awsiam.CreatePolicyVersionOutput, error)
	DeletePolicyVersion(ctx context.Context, in *awsiam.DeletePolicyVersionInput, optFns ...func(*awsiam.Options)) (*awsiam.DeletePolicyVersionOutput, error)
}

var (
	_ Reader = (*awsiam.Client)(nil)
	_ Writer = (*awsiam.Client)(nil)
)

// Kind names. Roles and policies are global: their Region is plan.Global.
const (
	// KindRole is a role orgbackup or a team assumes.
	KindRole = "iam_access_role"
	// KindPolicy is a customer managed policy (the deploy role's
	// boundary), applied before the roles that use it.
	KindPolicy = "iam_access_policy"
)

// Kinds returns the kinds this package plans and applies.
func Kinds() []plan.Kind {
	return []plan.Kind{
		{Name: KindPolicy, Stage: plan.StageOrganization, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyPolicy(ctx, awsiam.NewFromConfig(env.Config), c)
		}, Owner: ownedByDeployRole},
		{Name: KindRole, Stage: plan.StageIdentity, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyRole(ctx, awsiam.NewFromConfig(env.Config), c)
		}, Tags: roleTags},
	}
}

// Role is the desired (or live) state of one role.
type Role struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	Description string `json:"description,omitempty"`
	// Trust is the trust policy.
	Trust json.RawMessage `json:"trust"`
	// Inline are the inline permission policies by name.
	Inline map[string]json.RawMessage `json:"inline,omitempty"`
	// Managed are the managed policies attached.
	Managed []string `json:"managed,omitempty"`
	// Boundary is the permissions boundary's policy ARN, "" for none.
	Boundary string `json:"boundary,omitempty"`
	// MaxSessionSeconds is the longest session (3600 to 43200).
	MaxSessionSeconds int32             `json:"max_session_seconds"`
	Tags              map[string]string `json:"tags,omitempty"`
}

// Policy is a customer managed policy.
type Policy struct {
	Name     string          `json:"name"`
	Path     string          `json:"path"`
	Document json.RawMessage `json:"document"`
}

// doc turns a githubiam.Policy into a compact JSON document.
func doc(p githubiam.Policy) json.RawMessage { return plan.JSON(p) }

// PlanRole compares the role in account with want. Inline policies,
// managed policies and tags that others added are kept; what orgbackup
// wants is restored.
func PlanRole(ctx context.Context, iam Reader, account string, want Role) ([]plan.Change, error) {
	addr := plan.Address{Account: account, Region: plan.Global, Kind: KindRole, Name: want.Name}
	out, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(want.Name)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return []plan.Change{plan.NewChange(addr, plan.Create, nil, want, want.Description)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM role %q in %s: %w", want.Name, account, err)
	}
	r := out.Role
	live := Role{Name: want.Name, Path: aws.ToString(r.Path), Description: aws.ToString(r.Description), Trust: plan.Document(aws.ToString(r.AssumeRolePolicyDocument)), MaxSessionSeconds: aws.ToInt32(r.MaxSessionDuration)}
	if r.PermissionsBoundary != nil {
		live.Boundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
	}
	for _, t := range r.Tags {
		if live.Tags == nil {
			live.Tags = map[string]string{}
		}
		live.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	for _, name := range slices.Sorted(maps.Keys(want.Inline)) {
		p, err := iam.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String(want.Name), PolicyName: aws.String(name)})
		if errors.As(err, &nse) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading policy %s of IAM role %q in %s: %w", name, want.Name, account, err)
		}
		if live.Inline == nil {
			live.Inline = map[string]json.RawMessage{}
		}
		live.Inline[name] = plan.Document(aws.ToString(p.PolicyDocument))
	}
	pages := awsiam.NewListAttachedRolePoliciesPaginator(iam, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String(want.Name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing policies of IAM role %q in %s: %w", want.Name, account, err)
		}
		for _, p := range page.AttachedPolicies {
			live.Managed = append(live.Managed, aws.ToString(p.PolicyArn))
		}
	}
	slices.Sort(live.Managed)
	if !roleDiffers(live, want) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(addr, plan.Update, live, want, "the role's trust, permissions, boundary, session length or tags differ from what orgbackup generates")}, nil
}

func roleDiffers(live, want Role) bool {
	if !plan.JSONEqual(live.Trust, want.Trust) || live.Boundary != want.Boundary || live.MaxSessionSeconds != want.MaxSessionSeconds || live.Path != want.Path {
		return true
	}
	for name, d := range want.Inline {
		if !plan.JSONEqual(live.Inline[name], d) {
			return true
		}
	}
	for _, m := range want.Managed {
		if !slices.Contains(live.Managed, m) {
			return true
		}
	}
	for k, v := range want.Tags {
		if live.Tags[k] != v {
			return true
		}
	}
	return false
}

// applyRole creates or updates a role; re-running converges. A role that
// exists under another path cannot be moved (IAM has no such call) and is
// reported.
func applyRole(ctx context.Context, iam Writer, c plan.Change) error {
	var want Role
	if err := c.Decode(&want); err != nil {
		return err
	}
	var tags []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(want.Tags)) {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(want.Tags[k])})
	}
	in := &awsiam.CreateRoleInput{
		RoleName: aws.String(want.Name), Path: aws.String(want.Path), AssumeRolePolicyDocument: aws.String(string(want.Trust)),
		MaxSessionDuration: aws.Int32(want.MaxSessionSeconds), Tags: tags,
	}
	if want.Description != "" {
		in.Description = aws.String(want.Description)
	}
	if want.Boundary != "" {
		in.PermissionsBoundary = aws.String(want.Boundary)
	}
	_, err := iam.CreateRole(ctx, in)
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		err = updateRole(ctx, iam, want, tags)
	}
	if err != nil {
		return fmt.Errorf("creating IAM role %q: %w", want.Name, err)
	}
	for _, name := range slices.Sorted(maps.Keys(want.Inline)) {
		if _, err := iam.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(want.Name), PolicyName: aws.String(name), PolicyDocument: aws.String(string(want.Inline[name]))}); err != nil {
			return fmt.Errorf("putting policy %s on IAM role %q: %w", name, want.Name, err)
		}
	}
	for _, p := range want.Managed {
		if _, err := iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(want.Name), PolicyArn: aws.String(p)}); err != nil {
			return fmt.Errorf("attaching %s to IAM role %q: %w", p, want.Name, err)
		}
	}
	return nil
}

func updateRole(ctx context.Context, iam Writer, want Role, tags []iamtypes.Tag) error {
	live, err := iam.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(want.Name)})
	if err != nil {
		return err
	}
	if p := aws.ToString(live.Role.Path); p != want.Path {
		return fmt.Errorf("the role exists under path %s, not %s; IAM cannot move a role: delete it and apply again", p, want.Path)
	}
	if _, err := iam.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String(want.Name), PolicyDocument: aws.String(string(want.Trust))}); err != nil {
		return err
	}
	up := &awsiam.UpdateRoleInput{RoleName: aws.String(want.Name), MaxSessionDuration: aws.Int32(want.MaxSessionSeconds)}
	if want.Description != "" {
		up.Description = aws.String(want.Description)
	}
	if _, err := iam.UpdateRole(ctx, up); err != nil {
		return err
	}
	if want.Boundary != "" {
		if _, err := iam.PutRolePermissionsBoundary(ctx, &awsiam.PutRolePermissionsBoundaryInput{RoleName: aws.String(want.Name), PermissionsBoundary: aws.String(want.Boundary)}); err != nil {
			return err
		}
	}
	if len(tags) > 0 {
		// TagRole adds tags and overwrites the values of existing keys.
		if _, err := iam.TagRole(ctx, &awsiam.TagRoleInput{RoleName: aws.String(want.Name), Tags: tags}); err != nil {
			return err
		}
	}
	return nil
}

// PlanPolicy compares a customer managed policy's default version with
// want.
func PlanPolicy(ctx context.Context, iam Reader, account string, want Policy) ([]plan.Change, error) {
	addr := plan.Address{Account: account, Region: plan.Global, Kind: KindPolicy, Name: want.Name}
	arn := policyARN(account, want)
	out, err := iam.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return []plan.Change{plan.NewChange(addr, plan.Create, nil, want, "the deploy role's permissions boundary")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading IAM policy %s: %w", arn, err)
	}
	v, err := iam.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: out.Policy.DefaultVersionId})
	if err != nil {
		return nil, fmt.Errorf("reading IAM policy %s version %s: %w", arn, aws.ToString(out.Policy.DefaultVersionId), err)
	}
	live := Policy{Name: want.Name, Path: want.Path, Document: plan.Document(aws.ToString(v.PolicyVersion.Document))}
	if plan.JSONEqual(live.Document, want.Document) {
		return nil, nil
	}
	return []plan.Change{plan.NewChange(addr, plan.Update, live, want, "the deploy role's permissions boundary differs from what orgbackup generates")}, nil
}

func policyARN(account string, p Policy) string {
	return "arn:aws:iam::" + account + ":policy" + p.Path + p.Name
}

// applyPolicy creates the policy or makes want its new default version,
// first deleting the oldest version when IAM's five are in use.
func applyPolicy(ctx context.Context, iam Writer, c plan.Change) error {
	var want Policy
	if err := c.Decode(&want); err != nil {
		return err
	}
	_, err := iam.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String(want.Name), Path: aws.String(want.Path), PolicyDocument: aws.String(string(want.Document)), Description: aws.String("orgbackup deploy role boundary")})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		if err != nil {
			return fmt.Errorf("creating IAM policy %s: %w", want.Name, err)
		}
		return nil
	}
	arn := policyARN(c.Account, want)
	versions, err := iam.ListPolicyVersions(ctx, &awsiam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("listing versions of IAM policy %s: %w", arn, err)
	}
	// IAM keeps five versions ("Versioning IAM policies"); the oldest
	// non-default one makes room.
	if len(versions.Versions) >= 5 {
		for i := len(versions.Versions) - 1; i >= 0; i-- {
			if v := versions.Versions[i]; !v.IsDefaultVersion {
				if _, err := iam.DeletePolicyVersion(ctx, &awsiam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId}); err != nil {
					return fmt.Errorf("deleting version %s of IAM policy %s: %w", aws.ToString(v.VersionId), arn, err)
				}
				break
			}
		}
	}
	if _, err := iam.CreatePolicyVersion(ctx, &awsiam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(string(want.Document)), SetAsDefault: true}); err != nil {
		return fmt.Errorf("updating IAM policy %s: %w", arn, err)
	}
	return nil
}
