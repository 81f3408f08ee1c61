package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// PlanOptions configure Plan.
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

// Plan reads the live state of the organization through src (which should
// be read-only: crossaccount.Options.ReadOnly) and returns the changes that
// would bring it to spec, with the consistency checks that would make the
// architecture fail. It never mutates anything.
func PlanChanges(ctx context.Context, sp *spec.Spec, src ConfigSource, optFns ...func(*PlanOptions)) (*Plan, error) {
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
	// One resolution per run: a spec edited in code since it was loaded
	// is planned as it is now.
	if err := sp.Resolve(); err != nil {
		return nil, err
	}
	org := sp.Organization
	primary := org.Regions.Primary
	mgmtCfg, err := src.Config(ctx, org.ManagementAccount, primary)
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
	plan := &Plan{Spec: sp.Name, Checks: checks}
	var mu sync.Mutex
	add := func(cs ...Change) {
		mu.Lock()
		plan.Changes = append(plan.Changes, cs...)
		mu.Unlock()
	}
	addCheck := func(c Check) {
		mu.Lock()
		plan.Checks = append(plan.Checks, c)
		mu.Unlock()
	}

	// Organization level, in the management account, while the accounts
	// are read: the two share nothing but the management account's
	// Organizations rate limit.
	orgDone := make(chan error, 1)
	go func() {
		orgDone <- func() error {
			settings := map[string]GlobalSettingsAPI{}
			for _, r := range sp.Regions() {
				cfg, err := src.Config(ctx, org.ManagementAccount, r)
				if err != nil {
					return fmt.Errorf("getting credentials for the management account in %s: %w", r, err)
				}
				settings[r] = awsbackup.NewFromConfig(cfg)
			}
			orgChanges, _, err := planOrg(ctx, orgs, settings, orgSettings{management: org.ManagementAccount, backupAccount: org.BackupAccount, regions: sp.Regions()})
			if err != nil {
				return err
			}
			add(orgChanges...)
			if sp.Organization.Distribution != spec.DistributionDirect {
				pc, err := planPolicies(ctx, orgs, org.ManagementAccount, sp.Name, d.policies)
				if err != nil {
					return err
				}
				add(pc...)
			}
			return nil
		}()
	}()

	// Accounts, in parallel.
	var accounts []string
	for a := range d.accounts {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	err = crossaccount.ForEach(ctx, o.Concurrency, accounts, func(ctx context.Context, account string) error {
		da := d.accounts[account]
		cs, err := planAccount(ctx, src, sp, account, da, o.Now)
		var are *crossaccount.AssumeRoleError
		if errors.As(err, &are) && d.tierOf[account] == "" && account != org.BackupAccount {
			// An account outside every tier, read only to find the
			// direct-mode plans orgbackup left there.
			o.Logger.Warn("cannot read an account outside every tier; plans orgbackup may have left there are kept", "account", account, "err", err)
			return nil
		}
		if errors.As(err, &are) {
			addCheck(Check{Code: "account-unreachable", Address: account, Message: fmt.Sprintf("cannot assume %s in account %s: %v; create the execution role there (AWS creates OrganizationAccountAccessRole in accounts created by Organizations) or fix its trust policy", sp.Organization.ExecutionRole, account, are.Err)})
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
	plan.Checks = append(plan.Checks, crossChecks(sp, d, plan.Changes, o.Now())...)
	plan.Seal()
	return plan, nil
}

// desired is everything the spec implies, per account.
type desired struct {
	orgID    string
	accounts map[string]*accountDesired
	policies []desiredPolicy
	// tierOf maps workload accounts to their tier.
	tierOf map[string]string
	// uncovered maps the accounts a tier's backup policy reaches but
	// that get no local vault or backup role (the management and backup
	// accounts) to that tier.
	uncovered map[string]string
}

type accountDesired struct {
	role    *roleState
	vaults  []vault.Desired
	direct  map[string][]policy.Plan // region → plans (direct mode)
	bucket  *reportsBucket
	reports []reportPlan
	frames  []framework
}

// managedTags are the tags on everything orgbackup creates.
func managedTags(sp *spec.Spec) map[string]string {
	tags := map[string]string{}
	for k, v := range sp.Tags {
		tags[k] = v
	}
	tags[vault.TagManaged] = "true"
	tags[vault.TagSpec] = sp.Name
	return tags
}

// desiredState computes the desired state from the spec and the
// organization's topology. Problems that only the topology reveals (unknown
// targets) become checks.
func desiredState(sp *spec.Spec, topo *crossaccount.Topology) (*desired, []Check) {
	var checks []Check
	org := sp.Organization
	tags := managedTags(sp)
	d := &desired{orgID: topo.OrganizationID(), accounts: map[string]*accountDesired{}, tierOf: map[string]string{}, uncovered: map[string]string{}}
	acct := func(id string) *accountDesired {
		a := d.accounts[id]
		if a == nil {
			a = &accountDesired{direct: map[string][]policy.Plan{}}
			d.accounts[id] = a
		}
		return a
	}

	// The backup account: central vaults, reports.
	b := acct(org.BackupAccount)
	// The backup account needs the backup role too: AWS Backup assumes it
	// to copy central recovery points to the secondary region and to
	// restore from the central vaults.
	b.role = &roleState{Name: sp.Local.BackupRole, TrustPolicy: backupTrustPolicy(), ManagedPolicies: slices.Clone(BackupRolePolicies), Tags: tags}
	for _, region := range sp.CentralRegions() {
		vd := vault.Desired{
			Account: org.BackupAccount, Region: region, Vault: sp.Central.Vault,
			Key:          &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup central vault key", Policy: vault.CentralKeyPolicy(org.BackupAccount, region, d.orgID), Rotation: sp.KMSRotation()},
			AccessPolicy: vault.CentralVaultAccessPolicy(d.orgID),
			Tags:         tags,
		}
		if l := sp.Central.Lock; l != nil {
			lo, hi := sp.CentralLockDays()
			vd.Lock = &vault.Lock{MinRetentionDays: int64(lo), MaxRetentionDays: int64(hi)}
			if l.Mode == "compliance" {
				vd.Lock.ChangeableForDays = int64(l.ChangeableForDays)
			}
		}
		if ag := sp.Central.AirGapped; ag != nil && region == org.Regions.Primary {
			lo, hi := sp.AirGappedDays()
			vd.AirGapped = &vault.AirGapped{Name: ag.Vault, MinRetentionDays: int64(lo), MaxRetentionDays: int64(hi)}
		}
		if n := sp.Notifications; n != nil {
			vd.Notifications = &vault.Notifications{Topic: n.Topic, Events: slices.Clone(n.Events), Emails: slices.Clone(n.Emails)}
		}
		b.vaults = append(b.vaults, vd)
	}
	if r := sp.Reports; r != nil {
		primary := org.Regions.Primary
		b.bucket = &reportsBucket{Name: r.Bucket, Region: primary, Policy: reportsBucketPolicy(org.BackupAccount, r.Bucket), Encryption: "AES256", BlockPublicAccess: true, Tags: tags}
		formats := slices.Clone(r.Formats)
		sort.Strings(formats)
		for _, tmpl := range r.Templates {
			b.reports = append(b.reports, reportPlan{
				Name: "orgbackup_" + strings.ToLower(tmpl), Template: tmpl, Bucket: r.Bucket, KeyPrefix: "orgbackup",
				Formats: formats, Regions: sp.WorkloadRegions(), Tags: tags,
			})
		}
		for _, f := range r.Frameworks {
			controls := slices.Clone(f.Controls)
			sort.Strings(controls)
			b.frames = append(b.frames, framework{Name: f.Name, Controls: controls, Tags: tags})
		}
	}

	// Workload accounts, per tier.
	for _, tierName := range sp.TierNames() {
		t, err := sp.Tier(tierName)
		if err != nil {
			checks = append(checks, Check{Code: "tier-invalid", Address: "tiers." + tierName, Message: err.Error()})
			continue
		}
		var attach []string
		for _, target := range t.Targets {
			ids, err := topo.Resolve(target)
			if err != nil {
				checks = append(checks, Check{Code: "target-not-in-organization", Address: "tiers." + tierName, Message: err.Error()})
				continue
			}
			attach = append(attach, targetID(topo, target))
			for _, a := range ids {
				if a == org.ManagementAccount || a == org.BackupAccount {
					if org.Distribution != spec.DistributionDirect {
						d.uncovered[a] = tierName
					}
					continue
				}
				if other, ok := d.tierOf[a]; ok && other != tierName {
					checks = append(checks, Check{Code: "account-in-two-tiers", Address: a, Message: fmt.Sprintf("account %s is targeted by tiers %s and %s; an account gets one tier", a, other, tierName)})
					continue
				}
				d.tierOf[a] = tierName
			}
		}
		if org.Distribution != spec.DistributionDirect {
			p, err := sp.TierPlan(tierName)
			if err != nil {
				checks = append(checks, Check{Code: "tier-invalid", Address: "tiers." + tierName, Message: err.Error()})
				continue
			}
			docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{*p}, policy.CompileOptions{})
			if err != nil {
				checks = append(checks, Check{Code: "policy-compile", Address: "tiers." + tierName, Message: err.Error()})
				continue
			}
			sort.Strings(attach)
			for i, doc := range docs {
				name := spec.PlanName(tierName)
				if len(docs) > 1 {
					name = fmt.Sprintf("%s-%d", name, i+1)
				}
				d.policies = append(d.policies, desiredPolicy{
					Name: name, Description: "Backup policy of tier " + tierName + ", managed by orgbackup (spec " + sp.Name + ")",
					Content: doc, Tags: tags, Targets: slices.Compact(attach),
				})
			}
		}
	}
	if org.Distribution == spec.DistributionDirect {
		// Accounts that left every tier still hold the plans orgbackup
		// created there; planning them with no desired plans deletes them.
		for _, a := range topo.Accounts() {
			if _, ok := d.tierOf[a.ID]; ok || a.ID == org.ManagementAccount || a.ID == org.BackupAccount || a.Status != "ACTIVE" {
				continue
			}
			da := acct(a.ID)
			for _, region := range sp.WorkloadRegions() {
				da.direct[region] = nil
			}
		}
	}
	for a, tierName := range d.tierOf {
		t, _ := sp.Tier(tierName)
		da := acct(a)
		da.role = &roleState{Name: sp.Local.BackupRole, TrustPolicy: backupTrustPolicy(), ManagedPolicies: slices.Clone(BackupRolePolicies), Tags: tags}
		for _, region := range sp.WorkloadRegions() {
			vd := vault.Desired{Account: a, Region: region, Vault: sp.Local.Vault, AccessPolicy: vault.WorkloadVaultAccessPolicy(org.BackupAccount), Tags: tags}
			if t.Encryption == policy.CustomerManagedKey {
				vd.Key = &vault.Key{Alias: sp.KMS.Alias, Description: "orgbackup local vault key", Policy: vault.WorkloadKeyPolicy(a, region, org.BackupAccount), Rotation: sp.KMSRotation()}
			}
			if n := sp.Notifications; n != nil {
				vd.Notifications = &vault.Notifications{Topic: n.Topic, Events: slices.Clone(n.Events)}
			}
			da.vaults = append(da.vaults, vd)
			if org.Distribution == spec.DistributionDirect {
				p, err := sp.TierPlanForAccount(tierName, a)
				if err == nil {
					rp, err := forAccount(*p, a)
					if err == nil {
						da.direct[region] = append(da.direct[region], rp)
					}
				}
			}
		}
	}
	return d, checks
}

// targetID turns a tier target (account ID, OU ID or OU name) into the ID
// a policy is attached to.
func targetID(topo *crossaccount.Topology, target string) string {
	if _, ok := topo.Account(target); ok {
		return target
	}
	if _, ok := topo.OU(target); ok || target == topo.RootID() {
		return target
	}
	for _, ou := range topo.OUs() {
		if ou.Name == target {
			return ou.ID
		}
	}
	return target
}

// planAccount plans one account: its backup role, vaults in each region,
// direct-mode plans and reports.
func planAccount(ctx context.Context, src ConfigSource, sp *spec.Spec, account string, da *accountDesired, now func() time.Time) ([]Change, error) {
	var out []Change
	if da.role != nil {
		cfg, err := src.Config(ctx, account, sp.Organization.Regions.Primary)
		if err != nil {
			return nil, err
		}
		cs, err := planRole(ctx, awsiam.NewFromConfig(cfg), account, *da.role)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	for _, vd := range da.vaults {
		cfg, err := src.Config(ctx, account, vd.Region)
		if err != nil {
			return nil, err
		}
		vcs, err := vault.Plan(ctx, vaultClients(cfg), vd, func(vo *vault.Options) { vo.Now = now })
		if err != nil {
			return nil, fmt.Errorf("planning vault %s in %s/%s: %w", vd.Vault, account, vd.Region, err)
		}
		for _, vc := range vcs {
			out = append(out, fromVaultChange(account, vd.Region, vc))
		}
	}
	for _, region := range slices.Sorted(maps.Keys(da.direct)) {
		cfg, err := src.Config(ctx, account, region)
		if err != nil {
			return nil, err
		}
		cs, err := planDirect(ctx, awsbackup.NewFromConfig(cfg), account, region, sp.Name, da.direct[region])
		if err != nil {
			return nil, err
		}
		for i := range cs {
			cs[i].DependsOn = append(cs[i].DependsOn, account+"/"+region+"/"+vault.KindVault+"/"+sp.Local.Vault)
		}
		out = append(out, cs...)
	}
	if da.bucket != nil || len(da.reports) > 0 || len(da.frames) > 0 {
		region := sp.Organization.Regions.Primary
		cfg, err := src.Config(ctx, account, region)
		if err != nil {
			return nil, err
		}
		if da.bucket != nil {
			cs, err := planBucket(ctx, awss3.NewFromConfig(cfg), account, *da.bucket)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		api := awsbackup.NewFromConfig(cfg)
		for _, rp := range da.reports {
			cs, err := planReportPlan(ctx, api, account, region, rp)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		for _, f := range da.frames {
			cs, err := planFramework(ctx, api, account, region, f)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	}
	return out, nil
}

func fromVaultChange(account, region string, vc vault.Change) Change {
	c := Change{
		Address: account + "/" + region + "/" + vc.Kind + "/" + vc.Name,
		Kind:    vc.Kind, Account: account, Region: region, Name: vc.Name,
		Before: vc.Before, After: vc.After, Destructive: vc.Destructive, Irreversible: vc.Irreversible, Reason: vc.Reason,
	}
	switch vc.Action {
	case vault.ActionCreate:
		c.Action = Create
	case vault.ActionUpdate:
		c.Action = Update
	case vault.ActionReplace:
		c.Action = Replace
	case vault.ActionDelete:
		c.Action = Delete
	}
	for _, dep := range vc.DependsOn {
		c.DependsOn = append(c.DependsOn, account+"/"+region+"/"+dep)
	}
	return c
}

// crossChecks are the consistency checks across accounts that block a plan
// that cannot work.
func crossChecks(sp *spec.Spec, d *desired, changes []Change, now time.Time) []Check {
	var checks []Check
	// Tiers that copy to the central account need keys the backup account
	// can use: AWS managed keys cannot be shared across accounts, so copies
	// of resource types that keep their source key (EC2, EBS, RDS...) fail.
	for _, name := range sp.TierNames() {
		t, err := sp.Tier(name)
		if err != nil {
			continue
		}
		if t.CentralRetention > 0 && t.Encryption == policy.AWSManagedKey {
			checks = append(checks, Check{Code: "aws-managed-key-cross-account-copy", Address: "tiers." + name,
				Message: fmt.Sprintf("tier %s copies to the central account but uses AWS managed keys, which cannot be shared across accounts: copies of resource types that are not fully managed by AWS Backup (EC2, EBS, RDS) would fail; use encryption: customer-managed", name)})
		}
		if (t.CentralRetention > 0 || t.CrossRegion) && d.orgID == "" {
			checks = append(checks, Check{Code: "no-organization-id", Address: "tiers." + name, Message: "the organization's ID is unknown, so the central vault access policy cannot admit its accounts"})
		}
	}
	// A policy region without a vault or role in a target account.
	for account, tierName := range d.tierOf {
		da := d.accounts[account]
		if da.role == nil {
			checks = append(checks, Check{Code: "missing-backup-role", Address: account, Message: "tier " + tierName + " has no backup role in " + account})
		}
		for _, region := range sp.WorkloadRegions() {
			if !slices.ContainsFunc(da.vaults, func(v vault.Desired) bool { return v.Region == region }) {
				checks = append(checks, Check{Code: "missing-local-vault", Address: account + "/" + region, Message: "the tier's plan runs in " + region + " but account " + account + " has no local vault there"})
			}
		}
	}
	// A backup policy inherited by the management or backup account: its
	// plan runs there too (management policies apply to every account
	// they are attached to or inherited by, "Understanding management
	// policy inheritance"), but orgbackup creates no local vault in those
	// accounts, so every job would fail.
	for _, account := range slices.Sorted(maps.Keys(d.uncovered)) {
		tierName := d.uncovered[account]
		role := "management"
		if account == sp.Organization.BackupAccount {
			role = "backup"
		}
		checks = append(checks, Check{Code: "policy-target-without-vault", Address: account,
			Message: fmt.Sprintf("tier %s's backup policy reaches the %s account %s (through its targets %v), which has no local vault %s in %v: its backup jobs would fail; target OUs or accounts that do not contain it",
				tierName, role, account, d.tierTargets(sp, tierName), sp.Local.Vault, sp.WorkloadRegions())})
	}
	checks = append(checks, immutableLockChecks(sp, changes, now)...)
	return checks
}

// configFor is used by drift and tests: the aws.Config of the management
// account in the primary region.
func configFor(ctx context.Context, src ConfigSource, sp *spec.Spec) (aws.Config, error) {
	return src.Config(ctx, sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
}

// tierTargets returns a tier's targets as written in the spec.
func (d *desired) tierTargets(sp *spec.Spec, tierName string) []string {
	return sp.Tiers[tierName].Targets
}

// liveLock is the Before of a vault_lock change: the lock as it is.
type liveLock struct {
	MinRetentionDays int64      `json:"min_retention_days"`
	MaxRetentionDays int64      `json:"max_retention_days"`
	LockDate         *time.Time `json:"lock_date"`
}

// immutableLockChecks finds the central vaults whose compliance-mode lock
// is past its grace period and differs from the spec: AWS refuses to
// change it, so its bounds stay, and a tier whose copies to that vault
// are kept for a retention outside them would have every copy job fail
// (PutBackupVaultLockConfiguration: a lock's minimum and maximum
// retention apply to every recovery point copied into the vault). Spec
// validation already checks the spec's own lock.
func immutableLockChecks(sp *spec.Spec, changes []Change, now time.Time) []Check {
	var checks []Check
	org := sp.Organization
	for _, c := range changes {
		if c.Kind != vault.KindLock || c.Account != org.BackupAccount || c.Name != sp.Central.Vault || c.Before == nil {
			continue
		}
		var l liveLock
		if err := json.Unmarshal(c.Before, &l); err != nil || l.LockDate == nil || now.Before(*l.LockDate) {
			continue
		}
		for _, name := range sp.TierNames() {
			t, err := sp.Tier(name)
			if err != nil {
				continue
			}
			var days policy.Days
			switch {
			case c.Region == org.Regions.Primary:
				days = t.CentralRetention
			case c.Region == org.Regions.Secondary && t.CrossRegion:
				days = t.SecondaryRetention
			}
			if days <= 0 {
				continue
			}
			if (l.MinRetentionDays > 0 && int64(days) < l.MinRetentionDays) || (l.MaxRetentionDays > 0 && int64(days) > l.MaxRetentionDays) {
				checks = append(checks, Check{Code: "central-retention-outside-lock", Address: "tiers." + name,
					Message: fmt.Sprintf("tier %s keeps copies in %s for %d days, outside the %d..%d days of the compliance-mode Vault Lock of %s in %s, which is immutable since %s: AWS Backup would fail every copy job; keep the tier's retention within the lock's bounds",
						name, c.Address, days, l.MinRetentionDays, l.MaxRetentionDays, sp.Central.Vault, c.Region, l.LockDate.UTC().Format(time.RFC3339))})
			}
		}
	}
	return checks
}
