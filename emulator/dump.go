package emulator

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// StateDump is the deterministic JSON form of the emulator's virtual-time
// state that Dump returns: the clock, workload resources, and per account
// and region the vaults, plans, recovery points and jobs, plus the
// pending events.
type StateDump struct {
	Now     time.Time      `json:"now"`
	Regions []RegionDump   `json:"regions"`
	Pending []PendingEvent `json:"pending"`
}

// RegionDump is one account-region.
type RegionDump struct {
	Account        string              `json:"account"`
	Region         string              `json:"region"`
	Resources      []Resource          `json:"resources,omitempty"`
	Vaults         []VaultDump         `json:"vaults,omitempty"`
	Plans          []PlanDump          `json:"plans,omitempty"`
	RecoveryPoints []RecoveryPointDump `json:"recovery_points,omitempty"`
	BackupJobs     []JobDump           `json:"backup_jobs,omitempty"`
	CopyJobs       []JobDump           `json:"copy_jobs,omitempty"`
	RestoreJobs    []JobDump           `json:"restore_jobs,omitempty"`
}

// VaultDump is one vault.
type VaultDump struct {
	Name             string `json:"name"`
	KeyARN           string `json:"key_arn,omitempty"`
	Locked           bool   `json:"locked"`
	MinRetentionDays *int64 `json:"min_retention_days,omitempty"`
	MaxRetentionDays *int64 `json:"max_retention_days,omitempty"`
	RecoveryPoints   int64  `json:"recovery_points"`
}

// PlanDump is one backup plan.
type PlanDump struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Versions   int        `json:"versions"`
	FromPolicy string     `json:"from_policy,omitempty"`
	Deleted    *time.Time `json:"deleted,omitempty"`
	LastRun    *time.Time `json:"last_run,omitempty"`
	Selections int        `json:"selections"`
}

// RecoveryPointDump is one recovery point.
type RecoveryPointDump struct {
	ARN          string     `json:"arn"`
	Vault        string     `json:"vault"`
	Resource     string     `json:"resource"`
	Created      time.Time  `json:"created"`
	StorageClass string     `json:"storage_class"`
	DeleteAt     *time.Time `json:"delete_at,omitempty"`
	KeyARN       string     `json:"key_arn,omitempty"`
	SourceVault  string     `json:"source_vault,omitempty"`
}

// JobDump is one backup, copy or restore job.
type JobDump struct {
	ID       string     `json:"id"`
	State    string     `json:"state"`
	Resource string     `json:"resource,omitempty"`
	Created  time.Time  `json:"created"`
	Done     *time.Time `json:"done,omitempty"`
	Message  string     `json:"message,omitempty"`
	Target   string     `json:"target,omitempty"`
}

// PendingEvent is an event waiting in the queue.
type PendingEvent struct {
	Time time.Time `json:"time"`
	Seq  uint64    `json:"seq"`
	Kind string    `json:"kind"`
	Ref  string    `json:"ref"`
}

// Dump returns the state as indented JSON. Two servers with the same
// seed, options and calls produce identical dumps.
func (s *Server) Dump() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, _ := json.MarshalIndent(s.dumpLocked(), "", "  ")
	return data
}

func (s *Server) dumpLocked() StateDump {
	d := StateDump{Now: s.now, Regions: []RegionDump{}, Pending: []PendingEvent{}}
	keys := map[regionKey]bool{}
	for k := range s.backup {
		if k.region != "" {
			keys[k] = true
		}
	}
	for k := range s.res {
		keys[k] = true
	}
	sorted := make([]regionKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].account != sorted[j].account {
			return sorted[i].account < sorted[j].account
		}
		return sorted[i].region < sorted[j].region
	})
	for _, k := range sorted {
		rd := RegionDump{Account: k.account, Region: k.region}
		rd.Resources, _ = s.resourcesLocked(k.account, k.region)
		if b := s.backup[k]; b != nil {
			s.dumpBackupLocked(b, &rd)
		}
		d.Regions = append(d.Regions, rd)
	}
	if s.engine != nil {
		for _, ev := range s.engine.queue {
			d.Pending = append(d.Pending, PendingEvent{Time: ev.at, Seq: ev.seq, Kind: ev.kind, Ref: ev.ref})
		}
		sort.Slice(d.Pending, func(i, j int) bool {
			if !d.Pending[i].Time.Equal(d.Pending[j].Time) {
				return d.Pending[i].Time.Before(d.Pending[j].Time)
			}
			return d.Pending[i].Seq < d.Pending[j].Seq
		})
	}
	return d
}

func (s *Server) dumpBackupLocked(b *backupRegion, rd *RegionDump) {
	counts := map[string]int64{}
	for _, arn := range sortedKeys(b.recoveryPoints) {
		rp := b.recoveryPoints[arn]
		counts[rp.vault]++
		r := rp.rp
		x := RecoveryPointDump{
			ARN: arn, Vault: rp.vault, Resource: aws.ToString(r.ResourceArn), Created: aws.ToTime(r.CreationDate),
			StorageClass: string(s.recoveryPointStorageClassLocked(arn)), KeyARN: aws.ToString(r.EncryptionKeyArn),
			SourceVault: aws.ToString(r.SourceBackupVaultArn),
		}
		if r.CalculatedLifecycle != nil {
			x.DeleteAt = r.CalculatedLifecycle.DeleteAt
		}
		rd.RecoveryPoints = append(rd.RecoveryPoints, x)
	}
	for _, name := range sortedKeys(b.vaults) {
		v := b.vaults[name]
		vd := VaultDump{Name: name, KeyARN: v.keyARN, Locked: v.lock != nil, RecoveryPoints: counts[name]}
		if v.lock != nil {
			vd.MinRetentionDays, vd.MaxRetentionDays = v.lock.min, v.lock.max
		}
		rd.Vaults = append(rd.Vaults, vd)
	}
	for _, p := range b.sortedPlans() {
		rd.Plans = append(rd.Plans, PlanDump{
			ID: p.id, Name: aws.ToString(p.current().plan.BackupPlanName), Versions: len(p.versions),
			FromPolicy: p.fromPolicy, Deleted: p.deleted, LastRun: p.lastExecution, Selections: len(p.selections),
		})
	}
	for _, id := range sortedKeys(b.backupJobs) {
		j := b.backupJobs[id]
		rd.BackupJobs = append(rd.BackupJobs, JobDump{ID: id, State: string(j.State), Resource: aws.ToString(j.ResourceArn),
			Created: aws.ToTime(j.CreationDate), Done: j.CompletionDate, Message: aws.ToString(j.StatusMessage), Target: aws.ToString(j.RecoveryPointArn)})
	}
	for _, id := range sortedKeys(b.copyJobs) {
		j := b.copyJobs[id]
		rd.CopyJobs = append(rd.CopyJobs, JobDump{ID: id, State: string(j.State), Resource: aws.ToString(j.SourceRecoveryPointArn),
			Created: aws.ToTime(j.CreationDate), Done: j.CompletionDate, Message: aws.ToString(j.StatusMessage), Target: aws.ToString(j.DestinationRecoveryPointArn)})
	}
	for _, id := range sortedKeys(b.restoreJobs) {
		j := b.restoreJobs[id]
		rd.RestoreJobs = append(rd.RestoreJobs, JobDump{ID: id, State: string(j.Status), Resource: aws.ToString(j.RecoveryPointArn),
			Created: aws.ToTime(j.CreationDate), Done: j.CompletionDate, Message: aws.ToString(j.StatusMessage), Target: aws.ToString(j.CreatedResourceArn)})
	}
}

var _ = backuptypes.StorageClassWarm
