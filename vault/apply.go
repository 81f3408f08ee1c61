package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// ErrRefused is wrapped by the errors of changes Apply never performs: a
// key deletion, a change to an immutable Vault Lock, the replacement of a
// vault that is not empty.
var ErrRefused = errors.New("refused")

// Apply performs one change planned by Plan in account and region. It
// reads the resource first and only calls what still differs, so running
// it again, or after a failure part-way, converges without duplicates.
// Options.Now tells whether a compliance-mode Vault Lock is already
// immutable, so that such a change is refused before anything is sent.
func Apply(ctx context.Context, c Writers, ch plan.Change, optFns ...func(*Options)) error {
	var fn applyFunc
	for _, k := range kinds() {
		if k.name == ch.Kind {
			fn = k.apply
		}
	}
	return apply(ctx, c, ch, fn, optFns...)
}

// apply performs ch with fn, the apply method of ch's kind (nil when the
// kind is unknown), as Apply documents.
func apply(ctx context.Context, c Writers, ch plan.Change, fn applyFunc, optFns ...func(*Options)) error {
	var o Options
	for _, opt := range optFns {
		opt(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	account, region := ch.Account, ch.Region
	a := applier{ctx: ctx, c: c, account: account, region: region, now: o.Now()}
	var err error
	if fn == nil {
		err = fmt.Errorf("unknown kind %q", ch.Kind)
	} else {
		err = fn(&a, ch)
	}
	if err != nil {
		return fmt.Errorf("applying %s %s %q in %s/%s: %w", ch.Action, ch.Kind, ch.Name, account, region, err)
	}
	return nil
}

type applier struct {
	ctx             context.Context
	c               Writers
	account, region string
	now             time.Time
}

func decodeAfter(ch plan.Change, v any) error {
	if len(ch.After) == 0 {
		return fmt.Errorf("the change has no After state")
	}
	if err := json.Unmarshal(ch.After, v); err != nil {
		return fmt.Errorf("decoding After: %w", err)
	}
	return nil
}

func (a *applier) deleteVault(v *VaultState) error {
	if v.RecoveryPoints > 0 {
		return fmt.Errorf("%w: vault %s holds %d recovery points and AWS deletes only empty vaults; orgbackup never deletes recovery points", ErrRefused, v.Name, v.RecoveryPoints)
	}
	if _, err := a.c.Backup.DeleteBackupVault(a.ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String(v.Name)}); err != nil && !isBackupNotFound(err) {
		return fmt.Errorf("deleting vault %s: %w", v.Name, err)
	}
	return nil
}

func (a *applier) tagVault(v *VaultState, want map[string]string) error {
	m := managedtags.Missing(want, v.Tags)
	if len(m) == 0 {
		return nil
	}
	tags := map[string]string{}
	for _, k := range m {
		tags[k] = want[k]
	}
	if _, err := a.c.Backup.TagResource(a.ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(v.ARN), Tags: tags}); err != nil {
		return fmt.Errorf("tagging vault %s: %w", v.Name, err)
	}
	return nil
}
