package emulator

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Restore testing in virtual time ("Restore testing", AWS Backup Developer
// Guide; RestoreTestingPlanForCreate and RestoreTestingSelectionForCreate,
// AWS Backup API Reference). Each plan runs on its ScheduleExpression in its
// ScheduleExpressionTimezone (UTC by default). A run starts, for every
// selection in name order and every protected resource the selection
// chooses, one restore job of one recovery point:
//
//   - protected resources: those of ProtectedResourceType with a recovery
//     point in the plan's account and Region; ProtectedResourceArns lists
//     them (up to 30) or is ["*"], optionally narrowed by
//     ProtectedResourceConditions on the resource's tags (StringEquals: the
//     tag has the value, "exact matching"; StringNotEquals: it does not,
//     "negated matching"; all conditions must hold, the API reference being
//     silent on how several combine). The API has no count or percentage:
//     a selection restores every resource it chooses, and choosing a sample
//     is the caller's, through ProtectedResourceArns;
//   - recovery points: COMPLETED, in a vault IncludeVaults matches ("*" or
//     ARNs, wildcards allowed) and ExcludeVaults does not, created within
//     the SelectionWindowDays before the run, of a type RecoveryPointTypes
//     lists (every emulated recovery point is a SNAPSHOT);
//     LATEST_WITHIN_WINDOW takes the newest, RANDOM_WITHIN_WINDOW one at
//     random (from the server's seed);
//   - the restore metadata is inferred as GetRecoveryPointRestoreMetadata
//     returns it, with a new name for types whose restore names the target
//     ("Restore testing inferred metadata": restore testing restores to new
//     resources), then RestoreMetadataOverrides applied ("Key values are
//     not case sensitive");
//   - the job runs with the selection's IamRoleArn, carries the plan's ARN
//     in CreatedBy.RestoreTestingPlanArn, and its restored resource is kept
//     for ValidationWindowHours and then deleted (restore.go).
//
// AWS starts the jobs within StartWindowHours of the scheduled time; the
// emulator starts them at the scheduled time.

// restoreTestingVersion changes whenever what schedules a plan's runs
// changes.
func restoreTestingVersion(p *backupRestoreTestingPlan) string {
	return p.arn + "|" + p.schedule + "|" + aws.ToString(p.timezone) + "|" + p.updated.String()
}

// scheduleRestoreTestingLocked makes sure every restore testing plan has
// its next run scheduled, as scheduleRulesLocked does for backup rules.
func (s *Server) scheduleRestoreTestingLocked() {
	e := s.engineLocked()
	if e.restoreTests == nil {
		e.restoreTests = map[string]*ruleSlot{}
	}
	seen := map[string]bool{}
	for _, k := range s.sortedBackupKeysLocked() {
		b := s.backup[k]
		for _, name := range sortedKeys(b.restoreTesting) {
			p := b.restoreTesting[name]
			seen[p.arn] = true
			if slot := e.restoreTests[p.arn]; slot != nil && slot.version == restoreTestingVersion(p) {
				continue
			}
			s.scheduleRestoreTestingPlanLocked(b, p, s.now)
		}
	}
	for _, key := range sortedKeys(e.restoreTests) {
		if !seen[key] {
			delete(e.restoreTests, key)
		}
	}
}

// scheduleRestoreTestingPlanLocked schedules a plan's first run strictly
// after after, replacing any pending one.
func (s *Server) scheduleRestoreTestingPlanLocked(b *backupRegion, p *backupRestoreTestingPlan, after time.Time) {
	e := s.engineLocked()
	key, name := p.arn, p.name
	delete(e.restoreTests, key)
	sc := s.scheduleLocked(p.schedule)
	if sc == nil {
		return
	}
	tz := aws.ToString(p.timezone)
	if tz == "" {
		tz = "UTC"
	}
	next := sc.Next(after, s.locationLocked(tz))
	if next.IsZero() {
		return
	}
	e.seq++
	slot := &ruleSlot{version: restoreTestingVersion(p), token: e.seq}
	e.restoreTests[key] = slot
	s.atLocked(next, "restore-testing", key, func() {
		if e.restoreTests[key] != slot {
			return // superseded or dropped
		}
		p := b.restoreTesting[name]
		if p == nil || p.arn != key {
			delete(e.restoreTests, key)
			return
		}
		s.runRestoreTestingPlanLocked(b, p)
		s.scheduleRestoreTestingPlanLocked(b, p, s.now)
	})
}

// runRestoreTestingPlanLocked runs a restore testing plan now.
func (s *Server) runRestoreTestingPlanLocked(b *backupRegion, p *backupRestoreTestingPlan) {
	s.logEventLocked("RESTORE_TESTING_PLAN", b.account, b.region, p.arn, "RUN", "")
	for _, name := range sortedKeys(p.selections) {
		sel := p.selections[name].sel
		for _, rp := range s.restoreTestingCandidatesLocked(b, p, sel) {
			md := restoreMetadata(b.region, rp.rp)
			typ := ResourceType(aws.ToString(rp.rp.ResourceType))
			switch typ {
			case RDSInstance:
				md["DBInstanceIdentifier"] = "awsbackup-restore-test-" + s.ids.lower(12)
			case DynamoDBTable:
				md["targetTableName"] = "awsbackup-restore-test-" + s.ids.lower(12)
			case S3Bucket:
				md["DestinationBucketName"] = "awsbackup-restore-test-" + s.ids.lower(12)
				md["NewBucket"] = "true"
			}
			for _, k := range sortedKeys(sel.RestoreMetadataOverrides) {
				for existing := range md {
					if strings.EqualFold(existing, k) {
						delete(md, existing)
					}
				}
				md[k] = sel.RestoreMetadataOverrides[k]
			}
			s.createRestoreJobLocked(restoreRequest{
				account:      b.account,
				region:       b.region,
				rpARN:        aws.ToString(rp.rp.RecoveryPointArn),
				role:         aws.ToString(sel.IamRoleArn),
				resourceType: string(typ),
				metadata:     md,
				testing: &restoreTestingRun{
					planARN:          p.arn,
					validationWindow: time.Duration(sel.ValidationWindowHours) * time.Hour,
				},
			})
		}
	}
}

// restoreTestingCandidatesLocked returns the recovery point a run restores
// for each protected resource the selection chooses, by resource ARN.
func (s *Server) restoreTestingCandidatesLocked(b *backupRegion, p *backupRestoreTestingPlan, sel backuptypes.RestoreTestingSelectionForGet) []*backupRecoveryPoint {
	rps := p.selectionRP
	snapshots := false
	for _, t := range rps.RecoveryPointTypes {
		snapshots = snapshots || t == backuptypes.RestoreTestingRecoveryPointTypeSnapshot
	}
	if !snapshots {
		return nil
	}
	from := s.now.Add(-days(int64(rps.SelectionWindowDays)))
	byResource := map[string][]*backupRecoveryPoint{}
	for _, rp := range b.recoveryPoints {
		r := rp.rp
		if r.Status != backuptypes.RecoveryPointStatusCompleted || aws.ToString(r.ResourceType) != aws.ToString(sel.ProtectedResourceType) ||
			aws.ToTime(r.CreationDate).Before(from) {
			continue
		}
		vault := b.arn("backup-vault", rp.vault)
		if !anyGlobMatch(rps.IncludeVaults, vault) || anyGlobMatch(rps.ExcludeVaults, vault) {
			continue
		}
		arn := aws.ToString(r.ResourceArn)
		if !s.restoreTestingChoosesLocked(sel, arn) {
			continue
		}
		byResource[arn] = append(byResource[arn], rp)
	}
	var out []*backupRecoveryPoint
	for _, arn := range sortedKeys(byResource) {
		cands := byResource[arn]
		sort.Slice(cands, func(i, j int) bool {
			return newestFirst(cands[i].rp.CreationDate, cands[j].rp.CreationDate, *cands[i].rp.RecoveryPointArn, *cands[j].rp.RecoveryPointArn)
		})
		pick := cands[0]
		if rps.Algorithm == backuptypes.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow {
			pick = cands[s.ids.r.IntN(len(cands))]
		}
		out = append(out, pick)
	}
	return out
}

// restoreTestingChoosesLocked reports whether a selection chooses the
// protected resource arn.
func (s *Server) restoreTestingChoosesLocked(sel backuptypes.RestoreTestingSelectionForGet, arn string) bool {
	cond := sel.ProtectedResourceConditions
	hasCond := cond != nil && len(cond.StringEquals)+len(cond.StringNotEquals) > 0
	wildcard := len(sel.ProtectedResourceArns) == 0 && hasCond
	for _, a := range sel.ProtectedResourceArns {
		if a == "*" {
			wildcard = true
		} else if a == arn {
			return true
		}
	}
	if !wildcard {
		return false
	}
	if !hasCond {
		return true
	}
	var tags map[string]string
	if r := s.resourceAnywhereLocked(arn); r != nil {
		tags = r.Tags
	}
	for _, kv := range cond.StringEquals {
		if v, ok := tags[tagKeyOf(aws.ToString(kv.Key))]; !ok || v != aws.ToString(kv.Value) {
			return false
		}
	}
	for _, kv := range cond.StringNotEquals {
		if v, ok := tags[tagKeyOf(aws.ToString(kv.Key))]; ok && v == aws.ToString(kv.Value) {
			return false
		}
	}
	return true
}

// anyGlobMatch reports whether s matches one of the patterns ("*"
// wildcards).
func anyGlobMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s, false) {
			return true
		}
	}
	return false
}
