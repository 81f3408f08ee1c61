// Package regionsettings reconciles AWS Backup's settings of one account
// and Region (kind backup_region_settings): which resource types AWS
// Backup protects there, and which it fully manages.
//
// When a backup plan assigns resources by tags only, AWS Backup backs up a
// resource type in a Region only when the account is opted in to it there;
// a type named explicitly in the assignment is backed up regardless
// (UpdateRegionSettings API reference, ResourceTypeOptInPreference). Types
// added after the service launched (S3 among them) start opted out, so a
// tier selecting by tag alone would back them up nowhere, silently. Copying DynamoDB backups to another account
// needs AWS Backup's advanced DynamoDB features, that is full management
// (ResourceTypeManagementPreference "DynamoDB": true), which AWS says to
// turn on in each account when backup plans come from a backup policy
// ("Advanced DynamoDB backup", AWS Backup Developer Guide). orgbackup only
// ever turns settings on: a type another team opted in stays opted in.
package regionsettings

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// Kind is AWS Backup's settings of one account and Region, named "backup".
const Kind = "backup_region_settings"

// Desired is what one account and Region must have turned on.
type Desired struct {
	// Account and Region locate the settings.
	Account, Region string
	// OptIn are the resource types AWS Backup must protect there: every
	// type a tier selecting by tags alone may reach.
	OptIn []string
	// FullyManaged are the resource types AWS Backup must fully manage
	// ("DynamoDB" where its backups are copied to another account).
	FullyManaged []string
}

// Reader reads the settings; Writer changes them.
type Reader interface {
	DescribeRegionSettings(ctx context.Context, in *awsbackup.DescribeRegionSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeRegionSettingsOutput, error)
}

// Writer changes the settings (reading them first).
type Writer interface {
	Reader
	UpdateRegionSettings(ctx context.Context, in *awsbackup.UpdateRegionSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateRegionSettingsOutput, error)
}

var (
	_ Reader = (*awsbackup.Client)(nil)
	_ Writer = (*awsbackup.Client)(nil)
)

// Kinds returns the kind this package plans and applies; settings come
// first, before any plan could run.
func Kinds() []plan.Kind {
	// One per account and Region, managed by design: a setting.
	return []plan.Kind{{Name: Kind, Stage: plan.StageOrganization, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return apply(ctx, awsbackup.NewFromConfig(env.Config), c)
	}, Setting: true}}
}

// settings is the state of a change: only the preferences orgbackup
// manages, each true in the desired state.
type settings struct {
	OptIn        map[string]bool `json:"resource_type_opt_in_preference,omitempty"`
	FullyManaged map[string]bool `json:"resource_type_management_preference,omitempty"`
}

// PlanWorkload plans the settings a workload account's tier needs in
// region, reading them through cfg: opt-in to every type a tag-only
// selection may reach (types named in the selection need none), and full
// management of DynamoDB where its backups are copied to the backup
// account. It is the engine's whole wiring of this kind
// (backup.WorkloadPlanner).
func PlanWorkload(ctx context.Context, cfg aws.Config, t spec.EffectiveTier, account, region string) ([]plan.Change, error) {
	d := Desired{Account: account, Region: region}
	if len(t.ResourceTypes) == 0 {
		d.OptIn = t.SelectedTypes()
	}
	if t.CentralRetention > 0 && slices.Contains(t.SelectedTypes(), "DynamoDB") {
		d.FullyManaged = []string{"DynamoDB"}
	}
	return Plan(ctx, awsbackup.NewFromConfig(cfg), d)
}

// Plan reads the settings of want's account and Region and returns the
// change that turns on what is off.
func Plan(ctx context.Context, r Reader, want Desired) ([]plan.Change, error) {
	out, err := r.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		return nil, fmt.Errorf("reading AWS Backup Region settings of %s in %s: %w", want.Account, want.Region, err)
	}
	before, after := settings{}, settings{}
	var optIn, manage []string
	pick := func(live map[string]bool, types []string, b, a *map[string]bool, off *[]string) {
		for _, t := range types {
			if *a == nil {
				*a, *b = map[string]bool{}, map[string]bool{}
			}
			(*a)[t] = true
			(*b)[t] = live[t]
			if !live[t] {
				*off = append(*off, t)
			}
		}
	}
	pick(out.ResourceTypeOptInPreference, want.OptIn, &before.OptIn, &after.OptIn, &optIn)
	pick(out.ResourceTypeManagementPreference, want.FullyManaged, &before.FullyManaged, &after.FullyManaged, &manage)
	if len(optIn)+len(manage) == 0 {
		return nil, nil
	}
	var why []string
	if len(optIn) > 0 {
		why = append(why, fmt.Sprintf("opt in to %s: a tag-based selection backs a type up only where the account is opted in to it", strings.Join(optIn, ", ")))
	}
	if len(manage) > 0 {
		why = append(why, fmt.Sprintf("fully manage %s: copies of DynamoDB backups to another account need AWS Backup's advanced DynamoDB features", strings.Join(manage, ", ")))
	}
	addr := plan.Address{Account: want.Account, Region: want.Region, Kind: Kind, Name: "backup"}
	return []plan.Change{plan.NewChange(addr, plan.Update, before, after, strings.Join(why, "; "))}, nil
}

func apply(ctx context.Context, w Writer, c plan.Change) error {
	var s settings
	if err := c.Decode(&s); err != nil {
		return err
	}
	live, err := w.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		return fmt.Errorf("reading AWS Backup Region settings: %w", err)
	}
	merge := func(live, on map[string]bool) map[string]bool {
		if len(on) == 0 {
			return nil
		}
		out := maps.Clone(live)
		if out == nil {
			out = map[string]bool{}
		}
		for t := range on {
			out[t] = true
		}
		return out
	}
	_, err = w.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{
		ResourceTypeOptInPreference:      merge(live.ResourceTypeOptInPreference, s.OptIn),
		ResourceTypeManagementPreference: merge(live.ResourceTypeManagementPreference, s.FullyManaged),
	})
	return err
}
