package backupwire

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/valyala/fastjson"
)

// The item decoders below fill the SDK's types member by member, under
// the names of the AWS Backup API model (service/backup/schemas): a null
// member is left unset and an unknown one ignored, as the SDK does.

func (d *decoder) backupJob(o *fastjson.Object, j *types.BackupJob) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "AccountId":
			j.AccountId = d.intern(v)
		case "BackupJobId":
			j.BackupJobId = d.unique(v)
		case "BackupOptions":
			j.BackupOptions = d.stringMap(v)
		case "BackupSizeInBytes":
			j.BackupSizeInBytes = d.int64Ptr(v)
		case "BackupType":
			j.BackupType = d.intern(v)
		case "BackupVaultArn":
			j.BackupVaultArn = d.intern(v)
		case "BackupVaultName":
			j.BackupVaultName = d.intern(v)
		case "BytesTransferred":
			j.BytesTransferred = d.int64Ptr(v)
		case "CompletionDate":
			j.CompletionDate = d.timePtr(v)
		case "CreatedBy":
			j.CreatedBy = d.creator(v)
		case "CreationDate":
			j.CreationDate = d.timePtr(v)
		case "EncryptionKeyArn":
			j.EncryptionKeyArn = d.intern(v)
		case "ExpectedCompletionDate":
			j.ExpectedCompletionDate = d.timePtr(v)
		case "IamRoleArn":
			j.IamRoleArn = d.intern(v)
		case "InitiationDate":
			j.InitiationDate = d.timePtr(v)
		case "IsEncrypted":
			j.IsEncrypted = d.boolOf(v)
		case "IsParent":
			j.IsParent = d.boolOf(v)
		case "MessageCategory":
			j.MessageCategory = d.intern(v)
		case "ParentJobId":
			j.ParentJobId = d.intern(v)
		case "PercentDone":
			j.PercentDone = d.intern(v)
		case "RecoveryPointArn":
			j.RecoveryPointArn = d.unique(v)
		case "RecoveryPointLifecycle":
			j.RecoveryPointLifecycle = d.lifecycle(v)
		case "ResourceArn":
			j.ResourceArn = d.intern(v)
		case "ResourceName":
			j.ResourceName = d.intern(v)
		case "ResourceType":
			j.ResourceType = d.intern(v)
		case "StartBy":
			j.StartBy = d.timePtr(v)
		case "State":
			j.State = types.BackupJobState(d.str(v))
		case "StatusMessage":
			j.StatusMessage = d.intern(v)
		case "VaultLockState":
			j.VaultLockState = d.intern(v)
		case "VaultType":
			j.VaultType = d.intern(v)
		}
	})
}

func (d *decoder) copyJob(o *fastjson.Object, j *types.CopyJob) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "AccountId":
			j.AccountId = d.intern(v)
		case "BackupSizeInBytes":
			j.BackupSizeInBytes = d.int64Ptr(v)
		case "ChildJobsInState":
			j.ChildJobsInState = d.int64Map(v)
		case "CompletionDate":
			j.CompletionDate = d.timePtr(v)
		case "CompositeMemberIdentifier":
			j.CompositeMemberIdentifier = d.intern(v)
		case "CopyJobId":
			j.CopyJobId = d.unique(v)
		case "CreatedBy":
			j.CreatedBy = d.creator(v)
		case "CreatedByBackupJobId":
			j.CreatedByBackupJobId = d.unique(v)
		case "CreationDate":
			j.CreationDate = d.timePtr(v)
		case "DestinationBackupVaultArn":
			j.DestinationBackupVaultArn = d.intern(v)
		case "DestinationEncryptionKeyArn":
			j.DestinationEncryptionKeyArn = d.intern(v)
		case "DestinationRecoveryPointArn":
			j.DestinationRecoveryPointArn = d.unique(v)
		case "DestinationRecoveryPointLifecycle":
			j.DestinationRecoveryPointLifecycle = d.lifecycle(v)
		case "DestinationVaultLockState":
			j.DestinationVaultLockState = d.intern(v)
		case "DestinationVaultType":
			j.DestinationVaultType = d.intern(v)
		case "IamRoleArn":
			j.IamRoleArn = d.intern(v)
		case "IsParent":
			j.IsParent = d.boolOf(v)
		case "MessageCategory":
			j.MessageCategory = d.intern(v)
		case "NumberOfChildJobs":
			j.NumberOfChildJobs = d.int64Ptr(v)
		case "ParentJobId":
			j.ParentJobId = d.intern(v)
		case "ResourceArn":
			j.ResourceArn = d.intern(v)
		case "ResourceName":
			j.ResourceName = d.intern(v)
		case "ResourceType":
			j.ResourceType = d.intern(v)
		case "SourceBackupVaultArn":
			j.SourceBackupVaultArn = d.intern(v)
		case "SourceRecoveryPointArn":
			j.SourceRecoveryPointArn = d.unique(v)
		case "State":
			j.State = types.CopyJobState(d.str(v))
		case "StatusMessage":
			j.StatusMessage = d.intern(v)
		}
	})
}

func (d *decoder) recoveryPoint(o *fastjson.Object, r *types.RecoveryPointByBackupVault) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "AggregatedScanResult":
			r.AggregatedScanResult = d.scanResult(v)
		case "BackupSizeInBytes":
			r.BackupSizeInBytes = d.int64Ptr(v)
		case "BackupVaultArn":
			r.BackupVaultArn = d.intern(v)
		case "BackupVaultName":
			r.BackupVaultName = d.intern(v)
		case "CalculatedLifecycle":
			r.CalculatedLifecycle = d.calculatedLifecycle(v)
		case "CompletionDate":
			r.CompletionDate = d.timePtr(v)
		case "CompositeMemberIdentifier":
			r.CompositeMemberIdentifier = d.intern(v)
		case "CreatedBy":
			r.CreatedBy = d.creator(v)
		case "CreationDate":
			r.CreationDate = d.timePtr(v)
		case "EncryptionKeyArn":
			r.EncryptionKeyArn = d.intern(v)
		case "EncryptionKeyType":
			r.EncryptionKeyType = types.EncryptionKeyType(d.str(v))
		case "IamRoleArn":
			r.IamRoleArn = d.intern(v)
		case "IndexStatus":
			r.IndexStatus = types.IndexStatus(d.str(v))
		case "IndexStatusMessage":
			r.IndexStatusMessage = d.intern(v)
		case "InitiationDate":
			r.InitiationDate = d.timePtr(v)
		case "IsEncrypted":
			r.IsEncrypted = d.boolOf(v)
		case "IsParent":
			r.IsParent = d.boolOf(v)
		case "LastRestoreTime":
			r.LastRestoreTime = d.timePtr(v)
		case "Lifecycle":
			r.Lifecycle = d.lifecycle(v)
		case "ParentRecoveryPointArn":
			r.ParentRecoveryPointArn = d.intern(v)
		case "RecoveryPointArn":
			r.RecoveryPointArn = d.unique(v)
		case "ResourceArn":
			r.ResourceArn = d.intern(v)
		case "ResourceName":
			r.ResourceName = d.intern(v)
		case "ResourceType":
			r.ResourceType = d.intern(v)
		case "SourceBackupVaultArn":
			r.SourceBackupVaultArn = d.intern(v)
		case "Status":
			r.Status = types.RecoveryPointStatus(d.str(v))
		case "StatusMessage":
			r.StatusMessage = d.intern(v)
		case "VaultType":
			r.VaultType = types.VaultType(d.str(v))
		}
	})
}

func (d *decoder) protectedResource(o *fastjson.Object, r *types.ProtectedResource) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "LastBackupTime":
			r.LastBackupTime = d.timePtr(v)
		case "LastBackupVaultArn":
			r.LastBackupVaultArn = d.intern(v)
		case "LastRecoveryPointArn":
			r.LastRecoveryPointArn = d.unique(v)
		case "ResourceArn":
			r.ResourceArn = d.intern(v)
		case "ResourceName":
			r.ResourceName = d.intern(v)
		case "ResourceType":
			r.ResourceType = d.intern(v)
		}
	})
}

// object returns v as an object, or nil (and the page not decoded) when
// it is not one.
func (d *decoder) object(v *fastjson.Value) *fastjson.Object {
	o, err := v.Object()
	if err != nil {
		d.ok = false
		return nil
	}
	return o
}

// creatorKey identifies a RecoveryPointCreator by its interned members.
type creatorKey struct {
	planArn, planID, planName, planVersion, cron, ruleID, ruleName, timezone *string
}

// creator decodes a RecoveryPointCreator, shared by equal creators: the
// jobs of one backup rule all have the same.
func (d *decoder) creator(v *fastjson.Value) *types.RecoveryPointCreator {
	o := d.object(v)
	if o == nil {
		return nil
	}
	// c is scratch: a new creator is allocated only when none equal is
	// interned.
	c := &d.creatorScratch
	*c = types.RecoveryPointCreator{}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "BackupPlanArn":
			c.BackupPlanArn = d.intern(v)
		case "BackupPlanId":
			c.BackupPlanId = d.intern(v)
		case "BackupPlanName":
			c.BackupPlanName = d.intern(v)
		case "BackupPlanVersion":
			c.BackupPlanVersion = d.intern(v)
		case "BackupRuleCron":
			c.BackupRuleCron = d.intern(v)
		case "BackupRuleId":
			c.BackupRuleId = d.intern(v)
		case "BackupRuleName":
			c.BackupRuleName = d.intern(v)
		case "BackupRuleTimezone":
			c.BackupRuleTimezone = d.intern(v)
		}
	})
	if !d.ok {
		return nil
	}
	key := creatorKey{c.BackupPlanArn, c.BackupPlanId, c.BackupPlanName, c.BackupPlanVersion, c.BackupRuleCron, c.BackupRuleId, c.BackupRuleName, c.BackupRuleTimezone}
	if p, ok := d.creators[key]; ok {
		return p
	}
	p := new(types.RecoveryPointCreator)
	*p = *c
	d.creators[key] = p
	return p
}

// lifecycleKey identifies a Lifecycle by its values.
type lifecycleKey struct {
	deleteAfter, coldAfter       int64
	hasDeleteAfter, hasColdAfter bool
	event                        string
	archive                      int8 // 0 unset, 1 false, 2 true
}

// lifecycle decodes a Lifecycle, shared by equal lifecycles.
func (d *decoder) lifecycle(v *fastjson.Value) *types.Lifecycle {
	o := d.object(v)
	if o == nil {
		return nil
	}
	l := &d.lifecycleScratch
	*l = types.Lifecycle{}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "DeleteAfterDays":
			l.DeleteAfterDays = d.int64Ptr(v)
		case "DeleteAfterEvent":
			l.DeleteAfterEvent = types.LifecycleDeleteAfterEvent(d.str(v))
		case "MoveToColdStorageAfterDays":
			l.MoveToColdStorageAfterDays = d.int64Ptr(v)
		case "OptInToArchiveForSupportedResources":
			l.OptInToArchiveForSupportedResources = d.boolPtr(v)
		}
	})
	if !d.ok {
		return nil
	}
	key := lifecycleKey{event: string(l.DeleteAfterEvent)}
	if l.DeleteAfterDays != nil {
		key.deleteAfter, key.hasDeleteAfter = *l.DeleteAfterDays, true
	}
	if l.MoveToColdStorageAfterDays != nil {
		key.coldAfter, key.hasColdAfter = *l.MoveToColdStorageAfterDays, true
	}
	if b := l.OptInToArchiveForSupportedResources; b != nil {
		key.archive = 1
		if *b {
			key.archive = 2
		}
	}
	if p, ok := d.lifecycles[key]; ok {
		return p
	}
	p := new(types.Lifecycle)
	*p = *l
	d.lifecycles[key] = p
	return p
}

// calcScratch holds a CalculatedLifecycle being decoded.
type calcScratch struct {
	deleteAt, coldAt time.Time
	key              calculatedKey
}

// calculatedKey identifies a CalculatedLifecycle by its dates.
type calculatedKey struct {
	deleteSec, coldSec     int64
	deleteNsec, coldNsec   int
	hasDeleteAt, hasColdAt bool
}

// calculatedLifecycle decodes a CalculatedLifecycle, shared by equal ones
// (recovery points made at one instant by one rule).
func (d *decoder) calculatedLifecycle(v *fastjson.Value) *types.CalculatedLifecycle {
	o := d.object(v)
	if o == nil {
		return nil
	}
	s := &d.calcScratch
	*s = calcScratch{}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "DeleteAt":
			s.deleteAt, s.key.hasDeleteAt = d.timeOf(v)
		case "MoveToColdStorageAt":
			s.coldAt, s.key.hasColdAt = d.timeOf(v)
		}
	})
	deleteAt, coldAt, key := s.deleteAt, s.coldAt, s.key
	if !d.ok {
		return nil
	}
	key.deleteSec, key.deleteNsec = deleteAt.Unix(), deleteAt.Nanosecond()
	key.coldSec, key.coldNsec = coldAt.Unix(), coldAt.Nanosecond()
	if p, ok := d.calculated[key]; ok {
		return p
	}
	var c types.CalculatedLifecycle
	if key.hasDeleteAt {
		c.DeleteAt = d.times.new(deleteAt)
	}
	if key.hasColdAt {
		c.MoveToColdStorageAt = d.times.new(coldAt)
	}
	p := &c
	d.calculated[key] = p
	return p
}

// scanResult decodes an AggregatedScanResult.
func (d *decoder) scanResult(v *fastjson.Value) *types.AggregatedScanResult {
	o := d.object(v)
	if o == nil {
		return nil
	}
	r := &types.AggregatedScanResult{}
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !d.ok || isNull(v) {
			return
		}
		switch string(k) {
		case "FailedScan":
			r.FailedScan = d.boolPtr(v)
		case "Findings":
			a, err := v.Array()
			if err != nil {
				d.ok = false
				return
			}
			r.Findings = make([]types.ScanFinding, len(a))
			for i, v := range a {
				if !isNull(v) {
					r.Findings[i] = types.ScanFinding(d.str(v))
				}
			}
		case "LastComputed":
			r.LastComputed = d.timePtr(v)
		}
	})
	return r
}
