package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// DefaultPlanConcurrency is how many accounts PlanChanges reads at once
// by default. Each account is read under its own request quotas, and its
// reads wait on its own rate limits, so in a large organization the
// accounts read at once, not AWS, would otherwise bound a plan; the
// shared quotas (the management account's role assumption and
// Organizations calls) have their own limiters.
const DefaultPlanConcurrency = 64

// PlanOptions configure PlanChanges.
type PlanOptions struct {
	// Concurrency bounds the accounts read at once. Default
	// DefaultPlanConcurrency.
	Concurrency int
	// Logger receives progress lines. Default: discard.
	Logger *slog.Logger
	// Now returns the current time, to tell whether a compliance-mode
	// Vault Lock is past its grace period. Default time.Now; against the
	// emulator, its virtual clock (emulator.Server.Now).
	Now func() time.Time
	// OrganizationsCache answers repeated Organizations reads of the run
	// (the same operation with the same input) from the first answer.
	// Default: a new cache per call; DetectDrift shares one between its
	// plan and its own reads.
	OrganizationsCache *crossaccount.ReadCache
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
		o.Concurrency = DefaultPlanConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OrganizationsCache == nil {
		o.OrganizationsCache = crossaccount.NewReadCache()
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
	orgs := awsorgs.NewFromConfig(mgmtCfg, func(oo *awsorgs.Options) {
		oo.APIOptions = append(oo.APIOptions, o.OrganizationsCache.APIOption)
	})
	// Accounts' roles are assumed while the organization is still being
	// listed: in a large organization both take minutes, and they use
	// different quotas.
	prefetch := crossaccount.NewPrefetcher(ctx, src, org.Regions.Primary, o.Concurrency)
	defer prefetch.Close()
	topo, err := crossaccount.Discover(ctx, orgs, func(d *crossaccount.DiscoverOptions) {
		d.OnAccount = func(id string) {
			if id != org.ManagementAccount {
				prefetch.Add(id)
			}
		}
	})
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
	var orphans []plan.Check // notes of keys an interrupted apply left
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

	tierAccounts := map[string][]string{}
	for _, a := range slices.Sorted(maps.Keys(d.tierOf)) {
		for _, t := range d.tierOf[a] {
			tierAccounts[t] = append(tierAccounts[t], a)
		}
	}
	err = crossaccount.ForEach(ctx, o.Concurrency, slices.Sorted(maps.Keys(d.accounts)), func(ctx context.Context, account string) error {
		cs, err := planAccount(ctx, src, sp, account, d.accounts[account], o.Now)
		if err == nil {
			var more []plan.Change
			tier := "" // any of the account's tiers: the kinds need to know it is a workload account
			if ts := d.accounts[account].tiers; len(ts) > 0 {
				tier = ts[0]
			}
			more, err = planAccountKinds(ctx, src, sp, d.orgID, account, tier, tierAccounts)
			cs = append(cs, more...)
		}
		var are *crossaccount.AssumeRoleError
		if errors.As(err, &are) && len(d.tierOf[account]) == 0 && account != org.BackupAccount {
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
		notes, err := orphanNotes(ctx, src, sp.Name, account, d.accounts[account])
		if err != nil {
			return err
		}
		add(cs...)
		mu.Lock()
		orphans = append(orphans, notes...)
		mu.Unlock()
		o.Logger.Info("planned account", "account", account, "changes", len(cs))
		return nil
	})
	if orgErr := <-orgDone; orgErr != nil {
		return nil, orgErr
	}
	if err != nil {
		return nil, err
	}
	holds, err := planLegalHolds(ctx, sp, src, d, o.Now)
	if err != nil {
		return nil, err
	}
	p.Changes = append(p.Changes, holds...)
	p.Checks = append(p.Checks, crossChecks(sp, d, p.Changes, o.Now())...)
	var stuck, unused []plan.Check
	p.Changes, stuck, unused = unappliable(p.Changes, o.Now())
	p.Checks = append(p.Checks, stuck...)
	owned, err := ownershipChecks(ctx, src, kinds, p, o.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("checking who owns what the plan changes: %w", err)
	}
	p.Checks = append(p.Checks, owned...)
	slices.SortFunc(orphans, func(a, b plan.Check) int { return strings.Compare(a.Address, b.Address) })
	p.Notes = append(orphans, unused...)
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
	// A spec without a guardrails section leaves SCPs alone; one that
	// turns them off removes orgbackup's (destructive).
	if sp.Guardrails != nil {
		gc, err := guardrails.Plan(ctx, orgs, org.ManagementAccount, sp.Name, d.guardrails)
		if err != nil {
			return nil, err
		}
		changes = append(changes, gc...)
	}
	bc, err := planBudgets(ctx, sp, src)
	if err != nil {
		return nil, err
	}
	changes = append(changes, bc...)
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
	if len(da.tiers) > 0 {
		var layers []spec.EffectiveTier
		for _, name := range da.tiers {
			lt, err := sp.Tier(name)
			if err != nil {
				return nil, err
			}
			layers = append(layers, lt)
		}
		t := spec.Layered(layers...)
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
	if da.share != nil {
		cfg, err := src.Config(ctx, account, primary)
		if err != nil {
			return nil, err
		}
		cs, err := vault.PlanAirGappedShare(ctx, awsram.NewFromConfig(cfg), account, primary, airGappedShareName, da.share)
		if err != nil {
			return nil, err
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

// planAccountKinds runs the AccountPlanners in account.
func planAccountKinds(ctx context.Context, src crossaccount.ConfigSource, sp *spec.Spec, orgID, account, tier string, tierAccounts map[string][]string) ([]plan.Change, error) {
	env := alerting.Env{Spec: sp, OrgID: orgID, Account: account, Tier: tier, TierAccounts: tierAccounts, Config: func(region string) (aws.Config, error) {
		return src.Config(ctx, account, region)
	}}
	var out []plan.Change
	for _, planKinds := range accountPlanners() {
		cs, err := planKinds(ctx, env)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if account == sp.Organization.BackupAccount {
		// The tiers' copies are restore-tested where they are kept.
		cs, err := restoretesting.PlanBackupAccount(ctx, sp, tierAccounts, env.Config)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}
