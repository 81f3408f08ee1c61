package backup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// Destinations of CopyRoutes.
const (
	// CopyToCentral routes every workload account's local vaults to the
	// primary Region's central vault.
	CopyToCentral = "central"
	// CopyToSecondary routes the primary Region's central vault to the
	// secondary Region's.
	CopyToSecondary = "secondary"
)

// ScopeOptions narrow CopyRoutes and RemediationTargets. Zero fields match
// everything.
type ScopeOptions struct {
	// Accounts are the workload accounts to keep, by ID.
	Accounts []string
	// Tiers are the tiers to keep, by name. A name the spec does not
	// have is an error.
	Tiers []string
}

// scope applies optFns and checks the tier names.
func scopeOf(s *spec.Spec, optFns []func(*ScopeOptions)) (ScopeOptions, error) {
	var o ScopeOptions
	for _, fn := range optFns {
		fn(&o)
	}
	var errs []error
	for _, name := range o.Tiers {
		if _, ok := s.Tiers[name]; !ok {
			errs = append(errs, fmt.Errorf("tier %q is not in the spec (tiers: %v)", name, s.TierNames()))
		}
	}
	return o, errors.Join(errs...)
}

func (o ScopeOptions) hasTier(name string) bool {
	return len(o.Tiers) == 0 || slices.Contains(o.Tiers, name)
}

func (o ScopeOptions) hasAccount(id string) bool {
	return len(o.Accounts) == 0 || slices.Contains(o.Accounts, id)
}

// DiscoverTopology reads the organization's accounts and organizational
// units through the spec's management account in the primary Region. It
// reports an error if that account does not manage the organization.
func DiscoverTopology(ctx context.Context, s *spec.Spec, src crossaccount.ConfigSource) (*crossaccount.Topology, error) {
	org := s.Organization
	cfg, err := src.Config(ctx, org.ManagementAccount, org.Regions.Primary)
	if err != nil {
		return nil, fmt.Errorf("getting credentials for the management account %s: %w", org.ManagementAccount, err)
	}
	topo, err := crossaccount.Discover(ctx, awsorgs.NewFromConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("discovering the organization: %w", err)
	}
	if m := topo.ManagementAccount(); m != "" && m != org.ManagementAccount {
		return nil, fmt.Errorf("the spec's management account %s is not the organization's (%s)", org.ManagementAccount, m)
	}
	return topo, nil
}

func days(d policy.Days) *int64 { return aws.Int64(int64(d)) }

// CopyRoutes returns the routes a crossaccount.Copier needs to give every
// recovery point of the spec the copy to (CopyToCentral or
// CopyToSecondary) that the tiers' backup plans make, so that a copy the
// plan failed to make can be made again.
//
// To CopyToCentral: every workload Region's local vault of every account
// of a tier with a central retention, to the primary Region's central
// vault, the copies kept for the tier's central_retention. To
// CopyToSecondary: the primary Region's central vault to the secondary
// Region's, limited to the accounts of the tiers that copy cross-Region
// (for a tier whose plans leave that copy to it, spec.SecondaryFromCentral,
// this route is how its recovery points reach the secondary Region),
// kept for the tier's secondary_retention, looking through the backup
// account at the organization's copy jobs so that no backup a plan is
// copying there is copied twice; none when the spec has no secondary
// Region.
//
// Routes are in tier order, then account, then Region.
func CopyRoutes(s *spec.Spec, topo *crossaccount.Topology, to string, optFns ...func(*ScopeOptions)) ([]crossaccount.CopyRoute, error) {
	if to != CopyToCentral && to != CopyToSecondary {
		return nil, fmt.Errorf("copies go to %q or %q, not %q", CopyToCentral, CopyToSecondary, to)
	}
	scope, err := scopeOf(s, optFns)
	if err != nil {
		return nil, err
	}
	byTier, err := s.TierAccountsIn(topo, scope.Tiers)
	if err != nil {
		return nil, err
	}
	org := s.Organization
	var routes []crossaccount.CopyRoute
	for _, name := range s.TierNames() {
		if !scope.hasTier(name) {
			continue
		}
		t, err := s.Tier(name)
		if err != nil {
			return nil, err
		}
		var accounts []string
		for _, a := range byTier[name] {
			if scope.hasAccount(a) {
				accounts = append(accounts, a)
			}
		}
		switch to {
		case CopyToCentral:
			if t.CentralRetention == 0 {
				continue
			}
			for _, a := range accounts {
				for _, region := range s.WorkloadRegions() {
					routes = append(routes, crossaccount.CopyRoute{
						Account: a, Region: region, Vault: s.Local.Vault, RoleARN: s.BackupRoleARN(a),
						DestinationVaultARN: s.CentralVaultARN(org.Regions.Primary),
						Lifecycle:           &backuptypes.Lifecycle{DeleteAfterDays: days(t.CentralRetention)},
						Label:               name,
					})
				}
			}
		case CopyToSecondary:
			if !t.CrossRegion || org.Regions.Secondary == "" || len(accounts) == 0 {
				continue
			}
			routes = append(routes, crossaccount.CopyRoute{
				Account: org.BackupAccount, Region: org.Regions.Primary, Vault: s.Central.Vault, RoleARN: s.BackupRoleARN(org.BackupAccount),
				DestinationVaultARN: s.CentralVaultARN(org.Regions.Secondary),
				Lifecycle:           &backuptypes.Lifecycle{DeleteAfterDays: days(t.SecondaryRetention)},
				ResourceAccounts:    accounts,
				Label:               name,
				// The backup plans' own copies to the secondary Region
				// run in the workload accounts; the backup account, the
				// delegated administrator for AWS Backup, sees them.
				MonitoringAccount: org.BackupAccount,
				MonitoringRegions: s.WorkloadRegions(),
			})
		}
	}
	return routes, nil
}

// RemediationTargets returns the targets a crossaccount.Remediator needs:
// every account of a tier in every workload Region, with the tier's local
// vault, backup role, lifecycle and an orgbackup:tier recovery point tag.
// A target's RPO is the longest gap between two runs of the tier's
// schedule in the year before now.
//
// Targets are in tier order, then account, then Region.
func RemediationTargets(s *spec.Spec, topo *crossaccount.Topology, now time.Time, optFns ...func(*ScopeOptions)) ([]crossaccount.RemediationTarget, error) {
	scope, err := scopeOf(s, optFns)
	if err != nil {
		return nil, err
	}
	byTier, err := s.TierAccountsIn(topo, scope.Tiers)
	if err != nil {
		return nil, err
	}
	var targets []crossaccount.RemediationTarget
	for _, name := range s.TierNames() {
		if !scope.hasTier(name) {
			continue
		}
		t, err := s.Tier(name)
		if err != nil {
			return nil, err
		}
		sched, err := policy.ParseSchedule(t.Schedule)
		if err != nil {
			return nil, fmt.Errorf("tier %s: %w", name, err)
		}
		loc := time.UTC
		if t.Timezone != "" {
			if loc, err = time.LoadLocation(t.Timezone); err != nil {
				return nil, fmt.Errorf("tier %s: %w", name, err)
			}
		}
		const year = 366 * 24 * time.Hour
		rpo := sched.MaxInterval(now.Add(-year), loc, year)
		l := &backuptypes.Lifecycle{DeleteAfterDays: days(t.LocalRetention)}
		if t.ColdAfter > 0 {
			l.MoveToColdStorageAfterDays = days(t.ColdAfter)
		}
		for _, a := range byTier[name] {
			if !scope.hasAccount(a) {
				continue
			}
			for _, region := range s.WorkloadRegions() {
				targets = append(targets, crossaccount.RemediationTarget{
					Account: a, Region: region, Vault: s.Local.Vault, RoleARN: s.BackupRoleARN(a),
					Lifecycle: l, RecoveryPointTags: map[string]string{"orgbackup:tier": name}, RPO: rpo, Label: name,
				})
			}
		}
	}
	return targets, nil
}
