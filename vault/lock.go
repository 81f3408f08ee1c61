// vault_lock: the backup vault's Vault Lock, in governance or compliance
// mode; a compliance-mode lock past its grace period is immutable.
//
// AWS API calls: Backup DescribeBackupVault to read it (readVault,
// read.go, which Apply also uses); PutBackupVaultLockConfiguration and
// DeleteBackupVaultLockConfiguration to apply it.

package vault

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/orgbackup/orgbackup/plan"
)

// KindLock is the kind of a vault's Vault Lock.
const KindLock = "vault_lock"

// lockSpec is the JSON of a vault_lock change.
type lockSpec struct {
	Vault             string     `json:"vault"`
	MinRetentionDays  int64      `json:"min_retention_days,omitempty"`
	MaxRetentionDays  int64      `json:"max_retention_days,omitempty"`
	ChangeableForDays int64      `json:"changeable_for_days,omitempty"`
	LockDate          *time.Time `json:"lock_date,omitempty"`
}

// LockState is a Vault Lock as AWS reports it.
type LockState struct {
	MinRetentionDays, MaxRetentionDays int64
	// LockDate is when a compliance-mode lock becomes immutable; nil for
	// governance mode.
	LockDate *time.Time
}

// Immutable reports whether a compliance-mode lock is past its grace
// period at now ("AWS Backup Vault Lock": "On and after the lock date, the
// Vault Lock becomes immutable and cannot be changed or deleted").
func (l *LockState) Immutable(now time.Time) bool {
	return l != nil && l.LockDate != nil && !now.Before(*l.LockDate)
}

// lockEqual reports whether the live lock is the desired one: same
// retention bounds and same mode. A compliance lock's grace period is not
// compared: re-putting it would restart the grace period.
func lockEqual(want *Lock, have *LockState) bool {
	return want.MinRetentionDays == have.MinRetentionDays &&
		want.MaxRetentionDays == have.MaxRetentionDays &&
		want.Compliance() == (have.LockDate != nil)
}

func (p *planner) planLock(live *VaultState) {
	d := p.d
	var have *LockState
	if live != nil {
		have = live.Lock
	}
	want := d.Lock
	var before json.RawMessage
	if have != nil {
		before = plan.JSON(lockSpec{Vault: d.Vault, MinRetentionDays: have.MinRetentionDays, MaxRetentionDays: have.MaxRetentionDays, LockDate: have.LockDate})
	}
	immutable := func() string {
		return "the vault's Vault Lock is in compliance mode and immutable since " + have.LockDate.UTC().Format(time.RFC3339) +
			" (its grace period has ended): AWS refuses to change or delete it, so this change cannot be applied; change the spec back to the lock as it is"
	}
	switch {
	case want == nil && have == nil:
	case want == nil:
		ch := plan.Change{Address: p.addr(KindLock, d.Vault), Action: plan.Delete, Before: before, Destructive: true,
			Reason: "the spec has no Vault Lock for the vault; deleting it lets recovery points be deleted before their minimum retention"}
		if have.Immutable(p.now) {
			ch.Irreversible, ch.Reason = true, immutable()
		}
		p.add(ch)
	case have != nil && lockEqual(want, have):
	default:
		after := plan.JSON(lockSpec{Vault: d.Vault, MinRetentionDays: want.MinRetentionDays, MaxRetentionDays: want.MaxRetentionDays, ChangeableForDays: want.ChangeableForDays})
		ch := plan.Change{Address: p.addr(KindLock, d.Vault), Action: plan.Create, Before: before, After: after, DependsOn: p.dependsOn(p.addr(KindVault, d.Vault))}
		if have != nil {
			ch.Action = plan.Update
		}
		switch {
		case have.Immutable(p.now):
			ch.Destructive, ch.Irreversible, ch.Reason = true, true, immutable()
		case want.Compliance():
			ch.Irreversible = true
			ch.Reason = fmt.Sprintf("compliance-mode Vault Lock: it can be changed or removed for %d days after it is applied, then it becomes immutable "+
				"and neither the lock nor the vault can ever be changed or deleted", want.ChangeableForDays)
		default:
			ch.Reason = "governance-mode Vault Lock"
		}
		if have != nil && !want.Compliance() && have.LockDate != nil && !have.Immutable(p.now) {
			ch.Destructive = true
			ch.Reason += "; it replaces a compliance-mode lock still in its grace period (until " + have.LockDate.UTC().Format(time.RFC3339) + ")"
		}
		// A lower (or no) minimum lets recovery points be deleted sooner;
		// a higher maximum loses nothing.
		if have != nil && !have.Immutable(p.now) && want.MinRetentionDays < have.MinRetentionDays {
			ch.Destructive = true
			ch.Reason += fmt.Sprintf("; it lowers the minimum retention from %d to %d days", have.MinRetentionDays, want.MinRetentionDays)
		}
		p.add(ch)
	}
}

func (a *applier) lock(ch plan.Change) error {
	live, err := readVault(a.ctx, a.c.Backup, ch.Name)
	if err != nil {
		return err
	}
	if live == nil {
		if ch.Action == plan.Delete {
			return nil
		}
		return fmt.Errorf("vault %s does not exist", ch.Name)
	}
	// A compliance lock whose lock date has passed is immutable; AWS
	// refuses, and so does Apply, before sending anything.
	immutable := func() error {
		return fmt.Errorf("%w: the Vault Lock of %s is in compliance mode and immutable since %s", ErrRefused, ch.Name, live.Lock.LockDate.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if ch.Action == plan.Delete {
		if live.Lock == nil {
			return nil
		}
		if live.Lock.Immutable(a.now) {
			return immutable()
		}
		if _, err := a.c.Backup.DeleteBackupVaultLockConfiguration(a.ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String(ch.Name)}); err != nil && !isBackupNotFound(err) {
			return fmt.Errorf("deleting Vault Lock: %w", err)
		}
		return nil
	}
	var want lockSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	wl := &Lock{MinRetentionDays: want.MinRetentionDays, MaxRetentionDays: want.MaxRetentionDays, ChangeableForDays: want.ChangeableForDays}
	if live.Lock != nil && lockEqual(wl, live.Lock) {
		// Already applied: putting it again would restart a compliance
		// lock's grace period.
		return nil
	}
	if live.Lock != nil && live.Lock.Immutable(a.now) {
		return immutable()
	}
	in := &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String(ch.Name)}
	if want.MinRetentionDays > 0 {
		in.MinRetentionDays = aws.Int64(want.MinRetentionDays)
	}
	if want.MaxRetentionDays > 0 {
		in.MaxRetentionDays = aws.Int64(want.MaxRetentionDays)
	}
	if want.ChangeableForDays > 0 {
		in.ChangeableForDays = aws.Int64(want.ChangeableForDays)
	}
	if _, err := a.c.Backup.PutBackupVaultLockConfiguration(a.ctx, in); err != nil {
		return fmt.Errorf("putting Vault Lock: %w", err)
	}
	return nil
}
