package emulator

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Recovery point lifecycle: moves to cold storage and deletion at the
// times the lifecycle sets, counted from the recovery point's creation
// date; Vault Lock and legal holds.

// rpMeta is the lifecycle state of one recovery point.
type rpMeta struct {
	account, region string
	gen             uint64 // bumped when the lifecycle changes; older events are ignored
	cold            bool
	lifecycle       rpLifecycle // the first calculated lifecycle
}

// rpLifecycle is a recovery point's calculated lifecycle and its times.
type rpLifecycle struct {
	calc             backuptypes.CalculatedLifecycle
	coldAt, deleteAt time.Time
}

// supportsCold reports whether recovery points of the resource type move
// to cold storage. UpdateRecoveryPointLifecycle: "Resource types that can
// transition to cold storage are listed in the Feature availability by
// resource table. Backup ignores this expression for other resource
// types." The fully managed types transition; EBS snapshots move to the
// archive tier only with OptInToArchiveForSupportedResources. S3 backups,
// though fully managed, are not listed as moving to cold storage in what
// this emulator could check of the table, so they stay warm: the
// stricter reading, and the cost model's (cost.Types).
func supportsCold(b *backupRegion, resourceType string, l *backuptypes.Lifecycle) bool {
	switch resourceType {
	case "EBS":
		return l != nil && aws.ToBool(l.OptInToArchiveForSupportedResources)
	case "S3":
		return false
	}
	return fullyManaged(b, resourceType)
}

// trackRecoveryPointLocked computes a new recovery point's calculated
// lifecycle and schedules its transitions.
func (s *Server) trackRecoveryPointLocked(account, region, arn string) {
	e := s.engineLocked()
	m := e.rps[arn]
	fresh := m == nil
	if fresh {
		m = &rpMeta{account: account, region: region}
		e.rps[arn] = m
	}
	m.gen++
	gen := m.gen
	b := s.backup[regionKey{account, region}]
	stored := b.recoveryPoints[arn]
	rp := &stored.rp
	l := rp.Lifecycle
	created := aws.ToTime(rp.CreationDate)
	// One allocation for the calculated lifecycle and its two times, the
	// recovery point's metadata's when it is new (a lifecycle update
	// leaves the old one to responses being written).
	mem := &m.lifecycle
	if !fresh {
		mem = &rpLifecycle{}
	}
	calc := &mem.calc
	if l != nil && l.MoveToColdStorageAfterDays != nil && *l.MoveToColdStorageAfterDays > 0 && supportsCold(b, aws.ToString(rp.ResourceType), l) {
		at := created.Add(days(*l.MoveToColdStorageAfterDays))
		mem.coldAt = at
		calc.MoveToColdStorageAt = &mem.coldAt
		if !m.cold {
			s.scheduleColdLocked(b, m, gen, arn, at)
		}
	}
	if l != nil && l.DeleteAfterDays != nil && *l.DeleteAfterDays > 0 {
		at := created.Add(days(*l.DeleteAfterDays))
		mem.deleteAt = at
		calc.DeleteAt = &mem.deleteAt
		s.scheduleExpiryLocked(b, m, gen, arn, at)
	}
	if calc.MoveToColdStorageAt != nil || calc.DeleteAt != nil {
		rp.CalculatedLifecycle = calc
	} else {
		rp.CalculatedLifecycle = nil
	}
}

// scheduleColdLocked moves the recovery point to cold storage at at. A
// point under an active legal hold stays warm and is looked at again a day
// later: "lifecycle policies that would alter the backup status (such as
// transition to cold storage) are delayed until the legal hold is
// removed" (AWS Backup API reference, LegalHold).
func (s *Server) scheduleColdLocked(b *backupRegion, m *rpMeta, gen uint64, arn string, at time.Time) {
	s.atLocked(at, "cold", arn, func() {
		if m.gen != gen || b.recoveryPoints[arn] == nil {
			return
		}
		if s.recoveryPointHeldLocked(b.account, b.region, arn) {
			s.scheduleColdLocked(b, m, gen, arn, s.now.Add(24*time.Hour))
			return
		}
		m.cold = true
		s.reportLocked().ColdMoves++
		s.logEventLocked("RECOVERY_POINT", b.account, b.region, arn, "COLD", "")
	})
}

// scheduleExpiryLocked deletes the recovery point at its expiry. A
// recovery point under an active legal hold is kept ("Legal holds": a
// held recovery point is not deleted, even at the end of its retention)
// and looked at again a day later.
func (s *Server) scheduleExpiryLocked(b *backupRegion, m *rpMeta, gen uint64, arn string, at time.Time) {
	s.atLocked(at, "expire", arn, func() {
		if m.gen != gen || b.recoveryPoints[arn] == nil {
			return
		}
		if s.recoveryPointHeldLocked(b.account, b.region, arn) {
			s.scheduleExpiryLocked(b, m, gen, arn, s.now.Add(24*time.Hour))
			return
		}
		s.removeRecoveryPointLocked(b.account, b.region, arn)
		s.reportLocked().Expirations++
		s.logEventLocked("RECOVERY_POINT", b.account, b.region, arn, "EXPIRED", "")
	})
}

func (s *Server) removeRecoveryPointLocked(account, region, arn string) {
	s.deleteRecoveryPointLocked(account, region, arn)
	if m := s.engineLocked().rps[arn]; m != nil {
		m.gen++
		delete(s.engine.rps, arn)
	}
}

// recoveryPointStorageClass is WARM or COLD.
func (s *Server) recoveryPointStorageClassLocked(arn string) backuptypes.StorageClass {
	if m := s.engineLocked().rps[arn]; m != nil && m.cold {
		return backuptypes.StorageClassCold
	}
	return backuptypes.StorageClassWarm
}

// deleteRecoveryPoint is DeleteRecoveryPoint.
func (s *Server) deleteRecoveryPoint(c *Call, in *awsbackup.DeleteRecoveryPointInput) (*awsbackup.DeleteRecoveryPointOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("RecoveryPointArn", in.RecoveryPointArn); err != nil {
		return nil, err
	}
	if _, err := b.recoveryPointIn(v, *in.RecoveryPointArn); err != nil {
		return nil, err
	}
	// "AWS Backup Vault Lock": a locked vault prevents "deletion of the
	// backups in the vault" before their retention ends.
	if v.lock != nil {
		return nil, bkInvalidRequest("Backup vault %s is locked: recovery point %s cannot be deleted before the end of its retention period.", v.name, *in.RecoveryPointArn)
	}
	if s.recoveryPointHeldLocked(c.Account, c.Region, *in.RecoveryPointArn) {
		return nil, &backuptypes.InvalidResourceStateException{Message: aws.String(fmt.Sprintf("Recovery point %s is under a legal hold and cannot be deleted.", *in.RecoveryPointArn))}
	}
	s.removeRecoveryPointLocked(c.Account, c.Region, *in.RecoveryPointArn)
	return &awsbackup.DeleteRecoveryPointOutput{}, nil
}

// updateRecoveryPointLifecycle is UpdateRecoveryPointLifecycle.
func (s *Server) updateRecoveryPointLifecycle(c *Call, in *awsbackup.UpdateRecoveryPointLifecycleInput) (*awsbackup.UpdateRecoveryPointLifecycleOutput, error) {
	b := s.backupCallLocked(c)
	v, err := b.vault(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if err := bkRequire("RecoveryPointArn", in.RecoveryPointArn); err != nil {
		return nil, err
	}
	arn := *in.RecoveryPointArn
	stored, err := b.recoveryPointIn(v, arn)
	if err != nil {
		return nil, err
	}
	in.Lifecycle = keepIndefinitely(in.Lifecycle)
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	old := stored.rp.Lifecycle
	m := s.engineLocked().rps[arn]
	// "The “transition to cold after days” setting cannot be changed
	// after a backup has been transitioned to cold."
	if m != nil && m.cold && aws.ToInt64(lifecycleCold(in.Lifecycle)) != aws.ToInt64(lifecycleCold(old)) {
		return nil, bkInvalidParam("MoveToColdStorageAfterDays cannot be changed after the recovery point has moved to cold storage.")
	}
	if v.lock != nil {
		// Vault Lock refuses lifecycle changes that would delete a
		// recovery point earlier, and retention outside its range.
		if retention(in.Lifecycle) < retention(old) {
			return nil, bkInvalidRequest("Backup vault %s is locked: the retention of recovery point %s cannot be shortened.", v.name, arn)
		}
		if msg := lockRetentionViolation(v, in.Lifecycle); msg != "" {
			return nil, bkInvalidRequest("%s", msg)
		}
	}
	stored.rp.Lifecycle = in.Lifecycle
	s.trackRecoveryPointLocked(c.Account, c.Region, arn)
	s.notifyJobLocked(c.Account, c.Region, v.name, backuptypes.BackupVaultEventRecoveryPointModified, "RECOVERY_POINT", "MODIFIED", arn, s.now,
		func() string {
			return fmt.Sprintf("An AWS Backup recovery point was modified. Recovery point ARN: %s", arn)
		})
	return &awsbackup.UpdateRecoveryPointLifecycleOutput{
		BackupVaultArn:      aws.String(v.arn),
		RecoveryPointArn:    aws.String(arn),
		Lifecycle:           stored.rp.Lifecycle,
		CalculatedLifecycle: stored.rp.CalculatedLifecycle,
	}, nil
}

// keepIndefinitely applies the Lifecycle API reference's -1: "To remove
// the existing lifecycle and retention periods and keep your recovery points
// indefinitely, specify -1 for MoveToColdStorageAfterDays and
// DeleteAfterDays." A -1 removes that setting; other values are returned
// as given, for checkLifecycle.
func keepIndefinitely(l *backuptypes.Lifecycle) *backuptypes.Lifecycle {
	if l == nil {
		return nil
	}
	out := *l
	if out.MoveToColdStorageAfterDays != nil && *out.MoveToColdStorageAfterDays == -1 {
		out.MoveToColdStorageAfterDays = nil
	}
	if out.DeleteAfterDays != nil && *out.DeleteAfterDays == -1 {
		out.DeleteAfterDays = nil
	}
	return &out
}

func lifecycleCold(l *backuptypes.Lifecycle) *int64 {
	if l == nil {
		return nil
	}
	return l.MoveToColdStorageAfterDays
}

// retention is a lifecycle's DeleteAfterDays, with "never" as the longest.
func retention(l *backuptypes.Lifecycle) int64 {
	if l == nil || l.DeleteAfterDays == nil || *l.DeleteAfterDays <= 0 {
		return 1 << 62
	}
	return *l.DeleteAfterDays
}
