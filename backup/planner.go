package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// PlanOptions configure PlanChanges.
type PlanOptions struct {
	// Concurrency bounds the accounts read at once. Default 16.
	Concurrency int
	// Logger receives progress lines. Default: discard.
	Logger *slog.Logger
	// Now returns the current time, to tell whether a compliance-mode
	// Vault Lock is past its grace period. Default time.Now; against the
	// emulator, its virtual clock (emulator.Server.Now).
	Now func() time.Time
}

// PlanChanges reads the live state of the organization through src (which
// should be read-only: crossaccount.Options.ReadOnly) and returns the
// changes that would bring it to the spec, with the consistency checks
// that would make the architecture fail. It never mutates anything: each
// kind's planner gets read-only client interfaces.
func PlanChanges(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, optFns ...func(*PlanOptions)) (*plan.Plan, error) {
	var o PlanOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// One resolution per run, on a copy: a spec edited in code since it
	// was loaded is planned as it is now, and a spec shared by concurrent
	// runs is never written.
	sp, err := sp.Resolved()
	if err != nil {
		return nil, err
	}
	kinds, err := Kinds()
	if err != nil {
		return nil, err
	}
	org := sp.Organization
	mgmtCfg, err := src.Config(ctx, org.ManagementAccount, org.Regions.Primary)
	if err != nil {
		return nil, fmt.Errorf("getting credentials for the management account %s: %w", org.ManagementAccount, err)
	}
	orgs := awsorgs.NewFromConfig(mgmtCfg)
	topo, err := crossaccount.Discover(ctx, orgs)
	if err != nil {
		return nil, fmt.Errorf("discovering the organization: %w", err)
	}
	if topo.ManagementAccount() != "" && topo.ManagementAccount() != org.ManagementAccount {
		return nil, fmt.Errorf("the spec's management account %s is not the organization's (%s)", org.ManagementAccount, topo.ManagementAccount())
	}

	d, checks := desiredState(sp, topo)
	p := &plan.Plan{Spec: sp.Name, SpecDigest: sp.Digest(), Checks: checks}
	var mu sync.Mutex
	add := func(cs ...plan.Change) {
		mu.Lock()
		p.Changes = append(p.Changes, cs...)
		mu.Unlock()
	}
	addCheck := func(c plan.Check) {
		mu.Lock()
		p.Checks = append(p.Checks, c)
		mu.Unlock()
	}

	// Organization level, in the management account, while the accounts
	// are read: the two share nothing but the management account's
	// Organizations rate limit.
	orgDone := make(chan error, 1)
	go func() {
		cs, err := planOrganization(ctx, sp, src, orgs, d)
		add(cs...)
		orgDone <- err
	}()

	err = crossaccount.ForEach(ctx, o.Concurrency, slices.Sorted(maps.Keys(d.accounts)), func(ctx context.Context, account string) error {
		cs, err := planAccount(ctx, src, sp, account, d.accounts[account], o.Now)
		var are *crossaccount.AssumeRoleError
		if errors.As(err, &are) && d.tierOf[account] == "" && account != org.BackupAccount {
			// An account outside every tier, read only to find the
			// direct-mode plans orgbackup left there.
			o.Logger.Warn("cannot read an account outside every tier; plans orgbackup may have left there are kept", "account", account, "err", err)
			return nil
		}
		if errors.As(err, &are) {
			addCheck(plan.Check{Code: "account-unreachable", Address: account, Message: fmt.Sprintf("cannot assume %s in account %s: %v; create the execution role there (AWS creates OrganizationAccountAccessRole in accounts created by Organizations) or fix its trust policy", sp.Organization.ExecutionRole, account, are.Err)})
			return nil
		}
		if err != nil {
			return err
		}
		add(cs...)
		o.Logger.Info("planned account", "account", account, "changes", len(cs))
		return nil
	})
	if orgErr := <-orgDone; orgErr != nil {
		return nil, orgErr
	}
	if err != nil {
		return nil, err
	}
	p.Checks = append(p.Checks, crossChecks(sp, d, p.Changes, o.Now())...)
	var stuck, unused []plan.Check
	p.Changes, stuck, unused = unappliable(p.Changes, o.Now())
	p.Checks = append(p.Checks, stuck...)
	owned, err := ownershipChecks(ctx, src, p, o.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("checking who owns what the plan changes: %w", err)
	}
	p.Checks = append(p.Checks, owned...)
	if p.Notes, err = orphanNotes(ctx, src, sp.Name, d, o.Concurrency); err != nil {
		return nil, err
	}
	p.Notes = append(p.Notes, unused...)
	if err := p.Seal(kinds); err != nil {
		return nil, err
	}
	return p, nil
}

// planOrganization plans the organization-level settings and, in policy
// distribution, the tiers' backup policies, through the management account.
func planOrganization(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, orgs *awsorgs.Client, d *desired) ([]plan.Change, error) {
	org := sp.Organization
	settings := map[string]organization.SettingsReader{}
	for _, r := range sp.Regions() {
		cfg, err := src.Config(ctx, org.ManagementAccount, r)
		if err != nil {
			return nil, fmt.Errorf("getting credentials for the management account in %s: %w", r, err)
		}
		settings[r] = awsbackup.NewFromConfig(cfg)
	}
	changes, err := organization.Plan(ctx, orgs, settings, organization.Desired{Management: org.ManagementAccount, BackupAccount: org.BackupAccount, Regions: sp.Regions()})
	if err != nil {
		return nil, err
	}
	if org.Distribution == spec.DistributionDirect {
		return changes, nil
	}
	pc, err := distribution.PlanPolicies(ctx, orgs, org.ManagementAccount, d.policies)
	if err != nil {
		return nil, err
	}
	return append(changes, pc...), nil
}

// planAccount plans one account: its backup role, vaults in each region,
// direct-mode plans and reports.
func planAccount(ctx context.Context, src crossaccount.ConfigSource, sp *spec.Spec, account string, da *accountDesired, now func() time.Time) ([]plan.Change, error) {
	var out []plan.Change
	primary := sp.Organization.Regions.Primary
	if da.role != nil {
		cfg, err := src.Config(ctx, account, primary)
		if err != nil {
			return nil, err
		}
		cs, err := servicerole.Plan(ctx, awsiam.NewFromConfig(cfg), account, *da.role)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if da.tier != "" {
		t, err := sp.Tier(da.tier)
		if err != nil {
			return nil, err
		}
		for _, region := range sp.WorkloadRegions() {
			cfg, err := src.Config(ctx, account, region)
			if err != nil {
				return nil, err
			}
			for _, planWorkload := range workloadPlanners() {
				cs, err := planWorkload(ctx, cfg, t, account, region)
				if err != nil {
					return nil, err
				}
				out = append(out, cs...)
			}
		}
	}
	for _, vd := range da.vaults {
		cfg, err := src.Config(ctx, account, vd.Region)
		if err != nil {
			return nil, err
		}
		cs, err := vault.Plan(ctx, vault.NewWriters(cfg).Readers(), vd, func(vo *vault.Options) { vo.Now = now })
		if err != nil {
			return nil, fmt.Errorf("planning vault %s in %s/%s: %w", vd.Vault, account, vd.Region, err)
		}
		out = append(out, cs...)
	}
	for _, region := range slices.Sorted(maps.Keys(da.direct)) {
		cfg, err := src.Config(ctx, account, region)
		if err != nil {
			return nil, err
		}
		cs, err := distribution.PlanBackupPlans(ctx, awsbackup.NewFromConfig(cfg), account, region, da.direct[region], managedtags.For(sp.Name, sp.Tags))
		if err != nil {
			return nil, err
		}
		localVault := plan.Address{Account: account, Region: region, Kind: vault.KindVault, Name: sp.Local.Vault}
		for i := range cs {
			cs[i].DependsOn = append(cs[i].DependsOn, localVault)
		}
		out = append(out, cs...)
	}
	if da.bucket == nil && len(da.reports) == 0 && len(da.frames) == 0 {
		return out, nil
	}
	cfg, err := src.Config(ctx, account, primary)
	if err != nil {
		return nil, err
	}
	if da.bucket != nil {
		cs, err := auditreports.PlanBucket(ctx, awss3.NewFromConfig(cfg), account, *da.bucket)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	api := awsbackup.NewFromConfig(cfg)
	for _, rp := range da.reports {
		cs, err := auditreports.PlanReportPlan(ctx, api, account, primary, rp)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	for _, f := range da.frames {
		cs, err := auditreports.PlanFramework(ctx, api, account, primary, f)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
