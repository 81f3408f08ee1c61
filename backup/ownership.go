package backup

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/regionsettings"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/vault"
)

// Ownership: orgbackup touches only what it owns. A change to a resource
// that exists is allowed only when the resource (or, for what has no tags
// of its own — a vault's access policy, lock and notifications, a policy's
// attachments — the resource it belongs to) carries managedtags.Managed
// "true" and managedtags.Spec naming the plan's spec; organization and
// Region settings, of which there is one each and which orgbackup manages
// by design, are exempt. Planning flags a change to a resource someone
// else owns as a check; Apply looks at the live resource again and refuses
// the whole plan, so an edited plan file cannot reach a resource orgbackup
// does not own.

// isSetting reports whether kind is a setting of the organization or of
// an account and Region, not a resource anyone owns.
func isSetting(kind string) bool {
	switch kind {
	case organization.KindServiceAccess, organization.KindPolicyType, organization.KindDelegatedAdmin,
		organization.KindResourcePolicy, organization.KindGlobalSettings, regionsettings.Kind:
		return true
	}
	return false
}

// ownerOf returns the address of the resource whose tags say who owns the
// resource at a: a itself, or the vault or policy it belongs to.
func ownerOf(a plan.Address) plan.Address {
	switch a.Kind {
	case vault.KindAccessPolicy, vault.KindLock, vault.KindNotifications:
		a.Kind = vault.KindVault
	case restoretesting.KindSelection:
		a.Kind = restoretesting.KindPlan
		if i := strings.Index(a.Name, "/"); i >= 0 {
			a.Name = a.Name[:i]
		}
	case distribution.KindPolicyAttachment:
		a.Kind = distribution.KindPolicy
		if i := strings.LastIndex(a.Name, "@"); i >= 0 {
			a.Name = a.Name[:i]
		}
	}
	return a
}

// liveTags returns the tags of the live resource at a (a kind that carries
// tags), and false when it does not exist.
func liveTags(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
	switch a.Kind {
	case vault.KindVault, vault.KindAirGapped:
		api := awsbackup.NewFromConfig(cfg)
		out, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(a.Name)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.BackupVaultArn))
		return tags, true, err
	case distribution.KindPlan:
		api := awsbackup.NewFromConfig(cfg)
		pages := awsbackup.NewListBackupPlansPaginator(api, &awsbackup.ListBackupPlansInput{})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return nil, false, err
			}
			for _, p := range out.BackupPlansList {
				if aws.ToString(p.BackupPlanName) == a.Name {
					tags, err := managedtags.BackupTags(ctx, api, aws.ToString(p.BackupPlanArn))
					return tags, true, err
				}
			}
		}
		return nil, false, nil
	case auditreports.KindReportPlan:
		api := awsbackup.NewFromConfig(cfg)
		out, err := api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(a.Name)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.ReportPlan.ReportPlanArn))
		return tags, true, err
	case auditreports.KindFramework:
		api := awsbackup.NewFromConfig(cfg)
		out, err := api.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String(a.Name)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.FrameworkArn))
		return tags, true, err
	case distribution.KindPolicy:
		api := awsorgs.NewFromConfig(cfg)
		pages := awsorgs.NewListPoliciesPaginator(api, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return nil, false, err
			}
			for _, p := range out.Policies {
				if aws.ToString(p.Name) == a.Name {
					tags, err := managedtags.OrganizationsTags(ctx, api, aws.ToString(p.Id))
					return tags, true, err
				}
			}
		}
		return nil, false, nil
	case vault.KindKey:
		api := awskms.NewFromConfig(cfg)
		out, err := api.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(a.Name)})
		var nf *kmstypes.NotFoundException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		pages := awskms.NewListResourceTagsPaginator(api, &awskms.ListResourceTagsInput{KeyId: out.KeyMetadata.KeyId})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, false, err
			}
			for _, t := range page.Tags {
				tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
			}
		}
		return tags, true, nil
	case vault.KindTopic:
		api := awssns.NewFromConfig(cfg)
		out, err := api.ListTagsForResource(ctx, &awssns.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:sns:" + a.Region + ":" + a.Account + ":" + a.Name)})
		var nf *snstypes.NotFoundException
		var rnf *snstypes.ResourceNotFoundException
		if errors.As(err, &nf) || errors.As(err, &rnf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return tags, true, nil
	case servicerole.KindRole:
		api := awsiam.NewFromConfig(cfg)
		out, err := api.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String(a.Name)})
		var nf *iamtypes.NoSuchEntityException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		for _, t := range out.Role.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return tags, true, nil
	case auditreports.KindBucket:
		api := awss3.NewFromConfig(cfg)
		out, err := api.GetBucketTagging(ctx, &awss3.GetBucketTaggingInput{Bucket: aws.String(a.Name)})
		var ae smithy.APIError
		if errors.As(err, &ae) {
			switch ae.ErrorCode() {
			case "NoSuchBucket":
				return nil, false, nil
			case "NoSuchTagSet", "NoSuchTagSetError":
				return map[string]string{}, true, nil
			}
		}
		if err != nil {
			return nil, false, err
		}
		tags := map[string]string{}
		for _, t := range out.TagSet {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return tags, true, nil
	}
	if a.Kind == restoretesting.KindPlan {
		api := awsbackup.NewFromConfig(cfg)
		out, err := api.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(a.Name)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		tags, err := managedtags.BackupTags(ctx, api, aws.ToString(out.RestoreTestingPlan.RestoreTestingPlanArn))
		return tags, true, err
	}
	if a.Kind == alerting.KindBus || a.Kind == alerting.KindRule || a.Kind == alerting.KindRole || a.Kind == alerting.KindTopic {
		return alerting.LiveTags(ctx, cfg, a)
	}
	return nil, false, fmt.Errorf("orgbackup cannot tell who owns a %s", a.Kind)
}

// Owns reports whether tags mark a resource as managed by the spec named
// specName.
func Owns(tags map[string]string, specName string) bool {
	return tags[managedtags.Managed] == "true" && tags[managedtags.Spec] == specName
}

// unowned returns why change c touches a live resource the spec specName
// does not own, or "" when it may proceed: its kind is a setting, the
// resource it concerns does not exist, or carries the spec's ownership
// tags.
func unowned(ctx context.Context, src crossaccount.ConfigSource, specName string, c plan.Change) (string, error) {
	if c.Action == plan.NoOp || isSetting(c.Kind) {
		return "", nil
	}
	owner := ownerOf(c.Address)
	region := owner.Region
	if region == plan.Global {
		region = "us-east-1"
	}
	cfg, err := src.Config(ctx, owner.Account, region)
	if err != nil {
		return "", fmt.Errorf("getting credentials for %s in %s: %w", owner.Account, region, err)
	}
	tags, exists, err := liveTags(ctx, cfg, owner)
	if err != nil {
		return "", fmt.Errorf("%s: reading who owns %s: %w", c.Address, owner, err)
	}
	if !exists || Owns(tags, specName) {
		return "", nil
	}
	who := "no owner tags"
	if tags[managedtags.Spec] != "" {
		who = fmt.Sprintf("%s=%s", managedtags.Spec, tags[managedtags.Spec])
	}
	return fmt.Sprintf("%s exists and is not orgbackup's for spec %q (%s); orgbackup will not %s it: "+
		"rename it in the spec, or, if it is meant to be orgbackup's, tag it %s=true and %s=%s",
		owner, specName, who, c.Action, managedtags.Managed, managedtags.Spec, specName), nil
}

// ownershipChecks returns a check for every change of p that touches a
// resource p's spec does not own.
func ownershipChecks(ctx context.Context, src crossaccount.ConfigSource, p *plan.Plan, concurrency int) ([]plan.Check, error) {
	found := make([]string, len(p.Changes))
	idx := make([]int, len(p.Changes))
	for i := range idx {
		idx[i] = i
	}
	err := crossaccount.ForEach(ctx, concurrency, idx, func(ctx context.Context, i int) error {
		why, err := unowned(ctx, src, p.Spec, p.Changes[i])
		found[i] = why
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []plan.Check
	for i, why := range found {
		if why != "" {
			out = append(out, plan.Check{Code: "unowned-resource", Address: p.Changes[i].Address.String(), Message: why})
		}
	}
	return out, nil
}
