package report

import (
	"time"
)

// Window is the period a report covers: jobs created in [Start, End), and
// the state of recovery points and vaults at End.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// LastDays returns the window of the n whole UTC days up to the start of
// the day of end, plus the part of end's day before end: the window a
// daily report uses.
func LastDays(end time.Time, n int) Window {
	end = end.UTC()
	day := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	return Window{Start: day.AddDate(0, 0, -n), End: end}
}

// days returns the UTC days the window touches, as "YYYY-MM-DD".
func (w Window) days() []string {
	var out []string
	s := w.Start.UTC()
	d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	for ; d.Before(w.End); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// dayIndex returns the index of t's UTC day in days(), or -1.
func (w Window) dayIndex(t time.Time) int {
	if t.Before(w.Start) || !t.Before(w.End) {
		return -1
	}
	s := w.Start.UTC()
	d0 := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.UTC().Sub(d0) / (24 * time.Hour))
}

// Inventory is what Collect gathers: per resource aggregates of jobs,
// copies and recovery points, per account and day job outcomes, and the
// posture of every vault. Its size grows with accounts × resources (and
// accounts × days), never with the number of jobs. Evaluate turns it into
// a Report.
type Inventory struct {
	Window Window
	// Accounts maps each workload account to the tiers that target it.
	Accounts map[string][]string
	// AccountNames are the accounts' friendly names, when known.
	AccountNames map[string]string
	// Resources are keyed by resource ARN.
	Resources map[string]*ResourceData
	// Days holds, per account, one DayCounts per day of Window.days().
	Days map[string][]DayCounts
	// Vaults are the local vaults (per workload account and region) and
	// the central vaults.
	Vaults []VaultData
	// AirGapped is the logically air-gapped vault as read (nil without
	// one in the spec); evaluateAirGapped judges it.
	AirGapped *AirGappedVault
	// Warnings are reads that failed without stopping the collection,
	// e.g. an account whose role could not be assumed.
	Warnings []string
	// Unreadable maps "account/region" of each workload account and region
	// that could not be read to why: its resources are not proven
	// protected.
	Unreadable map[string]string
	// Failures groups the failed, expired and aborted backup jobs of the
	// window by cause and account.
	Failures map[FailureKey]*FailureGroup
	// OptedOut maps "account/region" to the resource types AWS Backup is
	// not opted in to there (DescribeRegionSettings), sorted.
	OptedOut map[string][]string
	// AWSManagedKeys maps a resource ARN to the AWS managed KMS key that
	// encrypts its local recovery points, for resources that have one.
	AWSManagedKeys map[string]string

	ndays int
	// localKeys are the keys of local recovery points by resource ARN,
	// until collection sorts AWS managed keys into AWSManagedKeys.
	localKeys map[string]string
}

// NewInventory returns an empty inventory for window.
func NewInventory(w Window) *Inventory {
	return &Inventory{
		Window:       w,
		Accounts:     map[string][]string{},
		AccountNames: map[string]string{},
		Resources:    map[string]*ResourceData{},
		Days:         map[string][]DayCounts{},
		Unreadable:   map[string]string{},
		Failures:     map[FailureKey]*FailureGroup{},
		ndays:        len(w.days()),
	}
}

// DayCounts counts the backup jobs of one account created on one day.
type DayCounts struct {
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Running   int `json:"running,omitempty"`
}

// ResourceData is everything collected about one resource.
type ResourceData struct {
	ARN, Account, Region, Type, Name string
	// Tags are the resource's tags from the Tagging API; Tagged says the
	// Tagging API listed it (resources known only from jobs or recovery
	// points have no tags).
	Tags   map[string]string
	Tagged bool
	// NeverTagged says AWS Config listed the resource but the Tagging API
	// did not: it has never had a tag, so no tier selects it.
	NeverTagged bool

	// Backup jobs created in the window, by outcome.
	JobsCompleted, JobsFailed, JobsRunning int
	// LastJobSuccess is the creation time of the newest COMPLETED job.
	LastJobSuccess time.Time
	// LastFailure and LastFailureMessage describe the newest failed job
	// (FAILED, EXPIRED, ABORTED or PARTIAL).
	LastFailure        time.Time
	LastFailureMessage string
	LastFailureState   string

	// FirstJob is the creation time of the resource's first backup job
	// in the window, whatever its outcome: from then on the resource was
	// meant to be backed up.
	FirstJob time.Time
	// failures are the creation times (Unix seconds) of the failed,
	// expired and aborted backup jobs of the window.
	failures []int64
	// Local, Central and Secondary are the usable recovery points of the
	// resource in its local vault, in the central vault and in the
	// secondary region's central vault.
	Local, Central, Secondary points

	// LastRecoveryPoint is the creation time of the newest COMPLETED
	// recovery point in the local vault; LastProtected the resource's
	// LastBackupTime from ListProtectedResources.
	LastRecoveryPoint time.Time
	LastProtected     time.Time

	// Copies to the central vault in the primary region and to the
	// central vault in the secondary region: the newest completed copy
	// (copy job completion or central recovery point creation).
	LastCentralCopy, LastSecondaryCopy time.Time
	CopiesCompleted, CopiesFailed      int
	LastCopyFailureMessage             string

	// Stored bytes by location and storage class.
	LocalWarm, LocalCold         int64
	CentralWarm, CentralCold     int64
	SecondaryWarm, SecondaryCold int64
}

// FailureKey identifies a group of failed backup jobs.
type FailureKey struct{ Cause, Account string }

// FailureGroup is the failed, expired and aborted backup jobs of one
// account with one cause (see FailureCause).
type FailureGroup struct {
	Cause, Account string
	// Jobs counts the jobs; States counts them by state.
	Jobs   int
	States map[string]int
	// Resources are the ARNs of the resources whose jobs failed.
	Resources map[string]bool
	// Last is the creation time of the newest job, LastState its state
	// and LastMessage its status message.
	Last        time.Time
	LastState   string
	LastMessage string
	// Role is a backup role ARN the jobs named, when known.
	Role string
}

// VaultData is the posture of one backup vault.
type VaultData struct {
	// Role is "local" or "central".
	Role    string `json:"role"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	// Exists is false when DescribeBackupVault found no such vault.
	Exists bool `json:"exists"`
	// Locked, MinRetentionDays, MaxRetentionDays and LockDate are from
	// DescribeBackupVault. A vault lock with a LockDate is in compliance
	// mode; without one, in governance mode ("AWS Backup Vault Lock",
	// AWS Backup Developer Guide).
	Locked           bool       `json:"locked"`
	MinRetentionDays int64      `json:"min_retention_days,omitempty"`
	MaxRetentionDays int64      `json:"max_retention_days,omitempty"`
	LockDate         *time.Time `json:"lock_date,omitempty"`
	// KeyARN is the vault's encryption key; KeyManager is "CUSTOMER" or
	// "AWS" (DescribeKey KeyMetadata.KeyManager); KeyRotation is from
	// GetKeyRotationStatus (customer-managed keys only).
	KeyARN      string `json:"key_arn,omitempty"`
	KeyManager  string `json:"key_manager,omitempty"`
	KeyRotation bool   `json:"key_rotation"`
	// Error is a read that failed, "" when none.
	Error string `json:"error,omitempty"`
}

// resource returns the entry for arn, creating it with the given location.
func (inv *Inventory) resource(arn, account, region, typ, name string) *ResourceData {
	r := inv.Resources[arn]
	if r == nil {
		r = &ResourceData{ARN: arn, Account: account, Region: region, Type: typ, Name: name}
		inv.Resources[arn] = r
	}
	if r.Account == "" {
		r.Account = account
	}
	if r.Region == "" {
		r.Region = region
	}
	if r.Type == "" {
		r.Type = typ
	}
	if r.Name == "" {
		r.Name = name
	}
	return r
}

// day returns the counters of account's day i.
func (inv *Inventory) day(account string, i int) *DayCounts {
	d := inv.Days[account]
	if d == nil {
		d = make([]DayCounts, inv.ndays)
		inv.Days[account] = d
	}
	if i < 0 || i >= len(d) {
		return nil
	}
	return &d[i]
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
