// Package organization reconciles what the management account sets up once
// for the whole organization so that AWS Backup can be run centrally:
// trusted access for AWS Backup, the BACKUP_POLICY type on the root, the
// backup account as delegated administrator, the resource-based delegation
// policy that lets it manage backup policies, and AWS Backup's
// cross-account settings in every Region in use. One file per kind.
package organization

import (
	"context"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/plan"
)

// backupServicePrincipal is AWS Backup's service principal.
const backupServicePrincipal = "backup.amazonaws.com"

// Desired is the organization-level state the spec implies.
type Desired struct {
	// Management is the management account, where every change is made.
	Management string
	// BackupAccount is the account that administers AWS Backup.
	BackupAccount string
	// Regions are every Region the architecture uses.
	Regions []string
}

// Reader is the part of the Organizations client that planning reads.
type Reader interface {
	ListRoots(ctx context.Context, in *awsorgs.ListRootsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListRootsOutput, error)
	ListAWSServiceAccessForOrganization(ctx context.Context, in *awsorgs.ListAWSServiceAccessForOrganizationInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListAWSServiceAccessForOrganizationOutput, error)
	ListDelegatedAdministrators(ctx context.Context, in *awsorgs.ListDelegatedAdministratorsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListDelegatedAdministratorsOutput, error)
	DescribeResourcePolicy(ctx context.Context, in *awsorgs.DescribeResourcePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribeResourcePolicyOutput, error)
}

// Writer is the part of the Organizations client that applying uses.
type Writer interface {
	EnableAWSServiceAccess(ctx context.Context, in *awsorgs.EnableAWSServiceAccessInput, optFns ...func(*awsorgs.Options)) (*awsorgs.EnableAWSServiceAccessOutput, error)
	EnablePolicyType(ctx context.Context, in *awsorgs.EnablePolicyTypeInput, optFns ...func(*awsorgs.Options)) (*awsorgs.EnablePolicyTypeOutput, error)
	RegisterDelegatedAdministrator(ctx context.Context, in *awsorgs.RegisterDelegatedAdministratorInput, optFns ...func(*awsorgs.Options)) (*awsorgs.RegisterDelegatedAdministratorOutput, error)
	PutResourcePolicy(ctx context.Context, in *awsorgs.PutResourcePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.PutResourcePolicyOutput, error)
}

// SettingsReader is the part of the Backup client that reads the
// organization-wide settings of one Region.
type SettingsReader interface {
	DescribeGlobalSettings(ctx context.Context, in *awsbackup.DescribeGlobalSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeGlobalSettingsOutput, error)
}

// SettingsWriter is the part of the Backup client that changes them.
type SettingsWriter interface {
	UpdateGlobalSettings(ctx context.Context, in *awsbackup.UpdateGlobalSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateGlobalSettingsOutput, error)
}

var (
	_ Reader         = (*awsorgs.Client)(nil)
	_ Writer         = (*awsorgs.Client)(nil)
	_ SettingsReader = (*awsbackup.Client)(nil)
	_ SettingsWriter = (*awsbackup.Client)(nil)
)

// Kinds returns the kinds this package plans and applies; organization
// settings come first in every plan.
func Kinds() []plan.Kind {
	orgs := func(fn func(context.Context, Writer, plan.Change) error) func(context.Context, plan.ApplyEnv, plan.Change) error {
		return func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return fn(ctx, awsorgs.NewFromConfig(env.Config), c)
		}
	}
	return []plan.Kind{
		// Each is a setting of the organization, one of its kind,
		// which orgbackup manages by design.
		{Name: KindServiceAccess, Stage: plan.StageOrganization, Apply: orgs(applyServiceAccess), Setting: true},
		{Name: KindPolicyType, Stage: plan.StageOrganization, Apply: orgs(applyPolicyType), Setting: true},
		{Name: KindDelegatedAdmin, Stage: plan.StageOrganization, Apply: orgs(applyDelegatedAdmin), Setting: true},
		{Name: KindResourcePolicy, Stage: plan.StageOrganization, Apply: orgs(applyResourcePolicy), Setting: true},
		{Name: KindGlobalSettings, Stage: plan.StageOrganization, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
			return applyGlobalSettings(ctx, awsbackup.NewFromConfig(env.Config), c)
		}, Setting: true},
	}
}

// Plan reads the organization-level state through the management account
// (orgs, and settings by Region) and returns the changes that bring it to
// want.
func Plan(ctx context.Context, orgs Reader, settings map[string]SettingsReader, want Desired) ([]plan.Change, error) {
	var changes []plan.Change
	access, err := planServiceAccess(ctx, orgs, want)
	if err != nil {
		return nil, err
	}
	changes = append(changes, access...)
	pt, err := planPolicyType(ctx, orgs, want)
	if err != nil {
		return nil, err
	}
	changes = append(changes, pt...)
	// Organizations registers a delegated administrator only for a
	// service with trusted access.
	var after []plan.Address
	for _, c := range access {
		after = append(after, c.Address)
	}
	da, err := planDelegatedAdmin(ctx, orgs, want, after)
	if err != nil {
		return nil, err
	}
	changes = append(changes, da...)
	rp, err := planResourcePolicy(ctx, orgs, want)
	if err != nil {
		return nil, err
	}
	changes = append(changes, rp...)
	gs, err := planGlobalSettings(ctx, settings, want)
	if err != nil {
		return nil, err
	}
	return append(changes, gs...), nil
}

// address is the address of an organization-level resource, held by the
// management account and global.
func (d Desired) address(kind, name string) plan.Address {
	return plan.Address{Account: d.Management, Region: plan.Global, Kind: kind, Name: name}
}
