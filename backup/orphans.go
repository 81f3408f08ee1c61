package backup

import (
	"context"
	"fmt"
	"strings"

	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/vault"
)

// orphanNotes finds the KMS keys orgbackup created for the spec's aliases
// in account that no alias points to (keys an apply created before it
// crashed or lost CreateKey's response, when another key got the alias
// since) and returns a note for each Region that has some. Apply never
// deletes keys: deleting one is left to people, once they know nothing it
// encrypted is needed. It runs in the account's planning pass, with the
// credentials that pass already holds, so a large organization has no
// second pass over every account.
func orphanNotes(ctx context.Context, src crossaccount.ConfigSource, specName, account string, ad *accountDesired) ([]plan.Check, error) {
	var notes []plan.Check
	for _, vd := range ad.vaults {
		if vd.Key == nil {
			continue
		}
		cfg, err := src.Config(ctx, account, vd.Region)
		if err != nil {
			return nil, err
		}
		arns, err := vault.OrphanKeys(ctx, awskms.NewFromConfig(cfg), vd.Key.Alias, specName)
		if err != nil {
			return nil, fmt.Errorf("looking for orphan keys in %s/%s: %w", account, vd.Region, err)
		}
		if len(arns) == 0 {
			continue
		}
		notes = append(notes, plan.Check{Code: "orphan-kms-key", Address: account + "/" + vd.Region + "/" + vault.KindKey + "/" + vd.Key.Alias,
			Message: fmt.Sprintf("%d KMS key(s) orgbackup created for %s are not used by it (an apply was interrupted): %s; "+
				"orgbackup never deletes keys: schedule their deletion (ScheduleKeyDeletion) once nothing they encrypt is needed",
				len(arns), vd.Key.Alias, strings.Join(arns, ", "))})
	}
	return notes, nil
}
