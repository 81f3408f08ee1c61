package accessrole

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
)

// Options say who runs orgbackup. Every field has a default.
type Options struct {
	// Partition is the AWS partition. Default "aws".
	Partition string
	// PlanPrincipals may assume the read-only roles. Default: the GitHub
	// plan and apply roles (githubiam) in the backup account.
	PlanPrincipals []string
	// ApplyPrincipals may assume the deploy roles. Default: the GitHub
	// apply role in the backup account.
	ApplyPrincipals []string
}

func (o Options) withDefaults(backupAccount string) Options {
	if o.Partition == "" {
		o.Partition = "aws"
	}
	gh := func(name string) string {
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", o.Partition, backupAccount, name)
	}
	if len(o.ApplyPrincipals) == 0 {
		o.ApplyPrincipals = []string{gh("orgbackup-github-apply")}
	}
	if len(o.PlanPrincipals) == 0 {
		o.PlanPrincipals = []string{gh("orgbackup-github-plan"), gh("orgbackup-github-apply")}
	}
	return o
}

// Account is what one account holds of this package's kinds.
type Account struct {
	Policies []Policy
	Roles    []Role
}

// Desired returns the roles and policies of every account: in each member
// account a read-only role and a deploy role (with its boundary); in the
// management account only a deploy role for what AWS reserves to it; and
// the spec's team roles: operators in the backup account, restore roles in
// the workload accounts (every member account but the management and
// backup accounts), break-glass in every member account. accounts are the
// organization's active accounts.
func Desired(sp *spec.Spec, accounts []string, o Options) (map[string]*Account, error) {
	org := sp.Organization
	o = o.withDefaults(org.BackupAccount)
	tags := managedtags.For(sp.Name, sp.Tags)
	scope := githubiam.Scope{Partition: o.Partition, BackupRole: sp.Local.BackupRole, BackupRolePolicies: servicerole.BackupRolePolicies, KeyAliases: []string{sp.KMS.Alias}}
	if sp.Reports != nil {
		scope.Buckets = []string{sp.Reports.Bucket}
	}
	out := map[string]*Account{}
	tr := sp.TeamRoles
	if tr == nil {
		tr = &spec.TeamRoles{}
	}
	for _, a := range accounts {
		acc := &Account{Policies: []Policy{Boundary(o.Partition)}}
		out[a] = acc
		if a == org.ManagementAccount {
			// The management account is exempt from SCPs, so a
			// break-glass role there would add nothing; orgbackup's
			// deploy role there can do only what AWS reserves to it.
			acc.Roles = append(acc.Roles, ManagementDeploy(o.Partition, a, o.ApplyPrincipals, tags))
			continue
		}
		deploy, err := Deploy(o.Partition, a, scope, o.ApplyPrincipals, tags)
		if err != nil {
			return nil, err
		}
		acc.Roles = append(acc.Roles, ReadOnly(o.PlanPrincipals, tags), deploy)
		switch {
		case a == org.BackupAccount && tr.Operators != nil:
			acc.Roles = append(acc.Roles, Operators(o.Partition, a, sp.Local.BackupRole, tr.Operators, tags))
		case a != org.BackupAccount && tr.WorkloadRestore != nil:
			acc.Roles = append(acc.Roles, WorkloadRestore(o.Partition, a, sp.Local.BackupRole, tr.WorkloadRestore, tags))
		}
		if tr.BreakGlass != nil {
			acc.Roles = append(acc.Roles, BreakGlass(o.Partition, tr.BreakGlass, tags))
		}
	}
	return out, nil
}

// Plan reads every account's roles and policies through src (read-only
// credentials suffice) and returns the changes, sorted by address.
func Plan(ctx context.Context, src crossaccount.ConfigSource, desired map[string]*Account, concurrency int) ([]plan.Change, error) {
	var mu sync.Mutex
	var out []plan.Change
	err := crossaccount.ForEach(ctx, max(concurrency, 1), slices.Sorted(maps.Keys(desired)), func(ctx context.Context, account string) error {
		cfg, err := src.Config(ctx, account, "us-east-1")
		if err != nil {
			return err
		}
		iam := awsiam.NewFromConfig(cfg)
		var cs []plan.Change
		for _, p := range desired[account].Policies {
			c, err := PlanPolicy(ctx, iam, account, p)
			if err != nil {
				return err
			}
			cs = append(cs, c...)
		}
		for _, r := range desired[account].Roles {
			c, err := PlanRole(ctx, iam, account, r)
			if err != nil {
				return err
			}
			cs = append(cs, c...)
		}
		mu.Lock()
		out = append(out, cs...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("planning access roles: %w", err)
	}
	slices.SortFunc(out, func(a, b plan.Change) int {
		switch {
		case a.Address.String() < b.Address.String():
			return -1
		case a.Address.String() > b.Address.String():
			return 1
		}
		return 0
	})
	return out, nil
}

// Apply applies changes of this package's kinds through src: policies
// first (a role's boundary must exist), then roles, account by account.
// It stops at the first error, which names the change.
func Apply(ctx context.Context, src crossaccount.ConfigSource, changes []plan.Change) error {
	kinds := map[string]plan.Kind{}
	for _, k := range Kinds() {
		kinds[k.Name] = k
	}
	ordered := slices.Clone(changes)
	slices.SortStableFunc(ordered, func(a, b plan.Change) int { return int(kinds[a.Kind].Stage) - int(kinds[b.Kind].Stage) })
	for _, c := range ordered {
		k, ok := kinds[c.Kind]
		if !ok {
			return fmt.Errorf("%s: kind %q is not an access kind", c.Address, c.Kind)
		}
		cfg, err := src.Config(ctx, c.Account, "us-east-1")
		if err != nil {
			return fmt.Errorf("%s: %w", c.Address, err)
		}
		if err := k.Apply(ctx, plan.ApplyEnv{Config: cfg}, c); err != nil {
			return fmt.Errorf("%s: %w", c.Address, err)
		}
	}
	return nil
}

// Bootstrap creates or converges every account's roles and policies
// through src, whose caller must be able to change IAM everywhere: the
// management account reaching OrganizationAccountAccessRole (a Fleet with
// its defaults, run with the management account's credentials). It is
// the one run that needs those rights; afterwards orgbackup runs from the
// backup account through the roles it created. It returns the changes it
// applied.
func Bootstrap(ctx context.Context, src crossaccount.ConfigSource, sp *spec.Spec, accounts []string, o Options) ([]plan.Change, error) {
	desired, err := Desired(sp, accounts, o)
	if err != nil {
		return nil, err
	}
	changes, err := Plan(ctx, src, desired, 8)
	if err != nil {
		return nil, err
	}
	if err := Apply(ctx, src, changes); err != nil {
		return changes, fmt.Errorf("bootstrapping access roles: %w", err)
	}
	return changes, nil
}
