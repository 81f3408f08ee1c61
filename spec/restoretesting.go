package spec

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/policy"
)

// RestoreTesting is a tier's restore testing: AWS Backup restores a
// sample of the tier's recovery points on a schedule, keeps the restored
// resources for a while so they can be validated, then deletes them
// ("Restore testing", AWS Backup Developer Guide).
type RestoreTesting struct {
	// Enabled turns restore testing on or off. Default: on for the
	// production preset and for any tier that has a restore_testing key;
	// off otherwise.
	Enabled *bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Schedule is an AWS cron expression. Default monthly, on the 1st at
	// 05:00 (after the production preset's 02:00 backups).
	Schedule string `json:"schedule,omitempty" yaml:"schedule,omitempty"`
	// Timezone is the schedule's IANA time zone. Default UTC.
	Timezone string `json:"timezone,omitempty" yaml:"timezone,omitempty"`
	// ResourceTypes are the resource types tested. Default: every type
	// the tier protects.
	ResourceTypes []string `json:"resource_types,omitempty" yaml:"resource_types,omitempty"`
	// Count is how many resources of each type are tested in each
	// account and Region. Default 1 (the production preset); exclusive
	// with Percent.
	Count int `json:"count,omitempty" yaml:"count,omitempty"`
	// Percent is the share (1-100) of each type's resources tested in
	// each account and Region, at least one.
	Percent int `json:"percent,omitempty" yaml:"percent,omitempty"`
	// All tests every resource of each type (neither Count nor Percent).
	All bool `json:"all,omitempty" yaml:"all,omitempty"`
	// Vaults are the vaults recovery points are restored from: local (the
	// workload account's vault), central (the backup account's vault in
	// the primary Region), secondary (its vault in the secondary Region).
	// Default [local]. AWS Backup tests only the vaults of the account
	// that holds the restore testing plan: orgbackup plans the local
	// vault's tests in every workload account and Region, and the central
	// and secondary vaults' tests in the backup account's primary and
	// secondary Regions, restoring copies of the tier's accounts'
	// resources there (Count or Percent of each account's).
	Vaults []string `json:"vaults,omitempty" yaml:"vaults,omitempty"`
	// Lookback is how old a recovery point may be to be tested, e.g. "7d"
	// (1 to 365 days). Default 7d.
	Lookback string `json:"lookback,omitempty" yaml:"lookback,omitempty"`
	// ValidationWindow is how long a validation may take after the
	// restore completes, e.g. "2h". Default 2h.
	ValidationWindow string `json:"validation_window,omitempty" yaml:"validation_window,omitempty"`
	// KeepRestored is how long restored resources live before AWS Backup
	// deletes them, at least the validation window and at most 168h.
	// Default: the validation window.
	KeepRestored string `json:"keep_restored,omitempty" yaml:"keep_restored,omitempty"`
	// Metadata overrides restore metadata per resource type, e.g.
	// {RDS: {DBInstanceClass: db.t3.small}}.
	Metadata map[string]map[string]string `json:"metadata,omitempty" yaml:"metadata,omitempty"`
}

// Restore testing vaults.
const (
	RestoreVaultLocal     = "local"
	RestoreVaultCentral   = "central"
	RestoreVaultSecondary = "secondary"
)

// Restore testing defaults (see Defaults).
const (
	DefaultRestoreTestingSchedule = "cron(0 5 1 * ? *)"
	DefaultRestoreLookbackDays    = 7
	DefaultRestoreValidation      = 2 * time.Hour
	// MaxRestoreKeep is the longest a restore test keeps its resource:
	// ValidationWindowHours is 0 to 168 (RestoreTestingSelectionForCreate,
	// AWS Backup API Reference).
	MaxRestoreKeep = 168 * time.Hour
	// MaxRestoreLookbackDays bounds SelectionWindowDays, 1 to 365
	// (RestoreTestingRecoveryPointSelection, AWS Backup API Reference).
	MaxRestoreLookbackDays = 365
)

// EffectiveRestoreTesting is a tier's restore testing with its defaults
// resolved.
type EffectiveRestoreTesting struct {
	// Schedule is the AWS cron expression; Timezone its zone ("" UTC).
	Schedule, Timezone string
	// ResourceTypes are the types tested, sorted.
	ResourceTypes []string
	// Count resources per type, account and Region; or Percent of them;
	// both 0: every resource.
	Count, Percent int
	// Vaults are local, central and/or secondary, in that order.
	Vaults []string
	// LookbackDays is the age limit of tested recovery points.
	LookbackDays int
	// ValidationWindow is how long validation may take; KeepRestored how
	// long restored resources live (whole hours, >= ValidationWindow).
	ValidationWindow, KeepRestored time.Duration
	// Metadata are restore metadata overrides by resource type.
	Metadata map[string]map[string]string
	// LocalVault and BackupRole are the spec's local vault and backup
	// role names (the role AWS Backup restores with); Tags are the tags
	// of what orgbackup creates for the spec.
	LocalVault, BackupRole string
	Tags                   map[string]string
}

// Period is the largest gap between two runs of the restore testing
// schedule over the year after from (2025-01-01 when zero): a tier whose
// newest restore test is older than that has missed one.
func (r *EffectiveRestoreTesting) Period(from time.Time) (time.Duration, error) {
	return EffectiveTier{Name: "restore_testing", Schedule: r.Schedule, Timezone: r.Timezone}.MaxScheduleGap(from)
}

// Samples returns how many of n resources a run tests.
func (r *EffectiveRestoreTesting) Samples(n int) int {
	switch {
	case n == 0:
		return 0
	case r.Count > 0:
		return min(r.Count, n)
	case r.Percent > 0:
		return max(1, min(n, (n*r.Percent+99)/100))
	}
	return n
}

// HasVault reports whether restore tests read the vault kind (local,
// central, secondary).
func (r *EffectiveRestoreTesting) HasVault(kind string) bool { return slices.Contains(r.Vaults, kind) }

// restoreTestingPreset reports whether a preset tests restores by default.
func restoreTestingPreset(preset string) bool { return preset == "production" }

// effectiveRestoreTesting resolves t's restore testing for tier e (whose
// other fields are resolved); nil when it has none.
func (s *Spec) effectiveRestoreTesting(e EffectiveTier, t Tier, add func(field string, err error)) *EffectiveRestoreTesting {
	rt := t.RestoreTesting
	on := restoreTestingPreset(e.Preset)
	if rt != nil {
		on = rt.Enabled == nil || *rt.Enabled
	} else {
		rt = &RestoreTesting{}
	}
	if !on {
		return nil
	}
	r := &EffectiveRestoreTesting{
		Schedule:         rt.Schedule,
		Timezone:         rt.Timezone,
		ResourceTypes:    slices.Sorted(slices.Values(rt.ResourceTypes)),
		Count:            rt.Count,
		Percent:          rt.Percent,
		LookbackDays:     DefaultRestoreLookbackDays,
		ValidationWindow: DefaultRestoreValidation,
		Metadata:         map[string]map[string]string{},
		LocalVault:       s.Local.Vault,
		BackupRole:       s.Local.BackupRole,
		Tags:             managedtags.For(s.Name, s.Tags),
	}
	if r.Schedule == "" {
		r.Schedule = DefaultRestoreTestingSchedule
	}
	if len(r.ResourceTypes) == 0 {
		r.ResourceTypes = e.SelectedTypes()
	}
	if !rt.All && r.Count == 0 && r.Percent == 0 {
		r.Count = 1
	}
	for _, v := range []string{RestoreVaultLocal, RestoreVaultCentral, RestoreVaultSecondary} {
		if slices.Contains(rt.Vaults, v) {
			r.Vaults = append(r.Vaults, v)
		}
	}
	if len(rt.Vaults) == 0 {
		r.Vaults = []string{RestoreVaultLocal}
	}
	if rt.Lookback != "" {
		d, err := ParseRetention(rt.Lookback)
		if err != nil {
			add("restore_testing.lookback", err)
		} else {
			r.LookbackDays = int(d)
		}
	}
	if rt.ValidationWindow != "" {
		d, err := ParseWindow(rt.ValidationWindow)
		if err != nil {
			add("restore_testing.validation_window", err)
		} else {
			r.ValidationWindow = d
		}
	}
	r.KeepRestored = r.ValidationWindow
	if rt.KeepRestored != "" {
		d, err := ParseWindow(rt.KeepRestored)
		if err != nil {
			add("restore_testing.keep_restored", err)
		} else {
			r.KeepRestored = d
		}
	}
	for typ, md := range rt.Metadata {
		r.Metadata[typ] = maps.Clone(md)
	}
	return r
}

// restoreTesting checks a tier's restore_testing against the format's and
// AWS's rules.
func (v *validator) restoreTesting(base string, t Tier, e EffectiveTier) {
	rt := t.RestoreTesting
	if rt == nil {
		return
	}
	base += ".restore_testing"
	if rt.Schedule != "" {
		if _, err := policy.ParseSchedule(rt.Schedule); err != nil {
			v.add(base+".schedule", "%v", err)
		}
	}
	if rt.Timezone != "" {
		// "Local" loads as the host's zone, not an IANA name (as policy
		// refuses it in a plan's ScheduleExpressionTimezone).
		if _, err := time.LoadLocation(rt.Timezone); err != nil || rt.Timezone == "Local" {
			v.add(base+".timezone", "%q is not an IANA time zone", rt.Timezone)
		}
	}
	for i, typ := range rt.ResourceTypes {
		path := indexPath(base+".resource_types", i)
		if v.oneOf(path, typ, knownResourceTypes()) && !slices.Contains(e.SelectedTypes(), typ) {
			v.add(path, "%s is not a resource type the tier protects (%s)", typ, strings.Join(e.SelectedTypes(), ", "))
		}
	}
	n := 0
	for _, set := range []bool{rt.Count != 0, rt.Percent != 0, rt.All} {
		if set {
			n++
		}
	}
	if n > 1 {
		v.add(base, "count, percent and all are exclusive: choose how many resources to test with one of them")
	}
	if rt.Count < 0 {
		v.add(base+".count", "%d must be at least 1", rt.Count)
	}
	if rt.Percent < 0 || rt.Percent > 100 {
		v.add(base+".percent", "%d must be between 1 and 100", rt.Percent)
	}
	seen := map[string]bool{}
	for i, vault := range rt.Vaults {
		path := indexPath(base+".vaults", i)
		if !v.oneOf(path, vault, []string{RestoreVaultLocal, RestoreVaultCentral, RestoreVaultSecondary}) {
			continue
		}
		if seen[vault] {
			v.add(path, "%s is listed twice", vault)
		}
		seen[vault] = true
		switch {
		case vault == RestoreVaultCentral && e.CentralRetention == 0:
			v.add(path, "the tier keeps no central copy (central_retention): there is nothing to test in the central vault")
		case vault == RestoreVaultSecondary && (!e.CrossRegion || v.s.Organization.Regions.Secondary == ""):
			v.add(path, "the tier makes no cross-region copy (cross_region): there is nothing to test in the secondary vault")
		}
	}
	r := e.RestoreTesting
	if r == nil {
		return
	}
	if rt.Lookback != "" && (r.LookbackDays < 1 || r.LookbackDays > MaxRestoreLookbackDays) {
		v.add(base+".lookback", "%s must be 1 to %d days (AWS Backup's SelectionWindowDays)", rt.Lookback, MaxRestoreLookbackDays)
	}
	if r.KeepRestored > MaxRestoreKeep {
		v.add(v.written(base+".keep_restored", base+".validation_window"), "restored resources can be kept at most 168h (AWS Backup's ValidationWindowHours)")
	}
	if r.KeepRestored%time.Hour != 0 {
		v.add(v.written(base+".keep_restored", base+".validation_window"), "%s is not whole hours: AWS Backup keeps restored resources for whole hours", formatWindow(r.KeepRestored))
	}
	if rt.KeepRestored != "" && r.KeepRestored < r.ValidationWindow {
		v.add(base+".keep_restored", "%s is shorter than the validation window %s: restored resources would be deleted before validation ends", rt.KeepRestored, formatWindow(r.ValidationWindow))
	}
	for _, typ := range slices.Sorted(maps.Keys(rt.Metadata)) {
		path := base + ".metadata." + typ
		if !slices.Contains(knownResourceTypes(), typ) {
			v.addKey(path, "%q is not a resource type (%s)", typ, strings.Join(knownResourceTypes(), ", "))
		}
	}
}
