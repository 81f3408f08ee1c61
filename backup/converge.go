package backup

import (
	"encoding/json"
	"time"

	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/vault"
)

// unappliable takes out of changes those that Apply would always refuse,
// so that a plan never holds a change it can never make (and the next plan
// the same one again): a change to a compliance-mode Vault Lock past its
// grace period, which AWS refuses, becomes a check, since the spec must
// change for the plan to apply; the deletion of a KMS key no longer used
// (after a key alias change), which orgbackup leaves to people, becomes a
// note. Each keeps the change's reason, which says the way forward.
func unappliable(changes []plan.Change, now time.Time) (keep []plan.Change, checks, notes []plan.Check) {
	for _, c := range changes {
		switch {
		case c.Kind == vault.KindLock && c.Before != nil && immutableLock(c.Before, now):
			checks = append(checks, plan.Check{Code: "immutable-vault-lock", Address: c.Address.String(), Message: c.Reason})
		case c.Kind == vault.KindKey && c.Action == plan.Delete:
			notes = append(notes, plan.Check{Code: "unused-kms-key", Address: c.Address.String(), Message: c.Reason})
		default:
			keep = append(keep, c)
		}
	}
	return keep, checks, notes
}

// immutableLock reports whether before, a vault_lock change's Before, is
// a lock past its grace period (a compliance-mode lock has a lock date).
func immutableLock(before json.RawMessage, now time.Time) bool {
	var l liveLock
	return json.Unmarshal(before, &l) == nil && l.LockDate != nil && !now.Before(*l.LockDate)
}
