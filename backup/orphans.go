package backup

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/vault"
)

// orphanNotes finds the KMS keys orgbackup created for the spec's aliases
// that no alias points to (keys an apply created before it crashed or lost
// CreateKey's response, when another key got the alias since) and returns
// a note for each account and Region that has some. Apply never deletes
// keys: deleting one is left to people, once they know nothing it
// encrypted is needed.
func orphanNotes(ctx context.Context, src crossaccount.ConfigSource, specName string, d *desired, concurrency int) ([]plan.Check, error) {
	type where struct{ account, region, alias string }
	var todo []where
	for _, account := range slices.Sorted(maps.Keys(d.accounts)) {
		for _, vd := range d.accounts[account].vaults {
			if vd.Key != nil {
				todo = append(todo, where{account, vd.Region, vd.Key.Alias})
			}
		}
	}
	var mu sync.Mutex
	var notes []plan.Check
	err := crossaccount.ForEach(ctx, concurrency, todo, func(ctx context.Context, w where) error {
		cfg, err := src.Config(ctx, w.account, w.region)
		if err != nil {
			return err
		}
		arns, err := vault.OrphanKeys(ctx, awskms.NewFromConfig(cfg), w.alias, specName)
		if err != nil {
			return fmt.Errorf("looking for orphan keys in %s/%s: %w", w.account, w.region, err)
		}
		if len(arns) == 0 {
			return nil
		}
		mu.Lock()
		notes = append(notes, plan.Check{Code: "orphan-kms-key", Address: w.account + "/" + w.region + "/" + vault.KindKey + "/" + w.alias,
			Message: fmt.Sprintf("%d KMS key(s) orgbackup created for %s are not used by it (an apply was interrupted): %s; "+
				"orgbackup never deletes keys: schedule their deletion (ScheduleKeyDeletion) once nothing they encrypt is needed",
				len(arns), w.alias, strings.Join(arns, ", "))})
		mu.Unlock()
		return nil
	})
	return notes, err
}
