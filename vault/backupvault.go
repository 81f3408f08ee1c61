// backup_vault: the AWS Backup vault, with its encryption key and tags. A
// vault's key cannot change, so a vault on another key is replaced, which
// AWS allows only for an empty vault.
//
// AWS API calls: Backup DescribeBackupVault, GetBackupVaultAccessPolicy,
// GetBackupVaultNotifications and ListTags to read it (readVault, read.go)
// and KMS DescribeKey to resolve and classify its key; CreateBackupVault,
// DeleteBackupVault (replacement only) and TagResource to apply it.

package vault

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindVault is the kind of a backup vault.
const KindVault = "backup_vault"

// vaultSpec is the JSON of a backup_vault change.
type vaultSpec struct {
	Name string `json:"name"`
	// KeyAlias is the alias of the key to create the vault with; "" means
	// the AWS managed key for AWS Backup.
	KeyAlias         string            `json:"key_alias,omitempty"`
	EncryptionKeyARN string            `json:"encryption_key_arn,omitempty"`
	RecoveryPoints   int64             `json:"recovery_points,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// planVault plans the vault and returns its live state as the vault's
// sub-resources should be compared with: nil when the vault is created or
// replaced.
func (p *planner) planVault() (*VaultState, error) {
	d := p.d
	after := vaultSpec{Name: d.Vault, Tags: d.Tags}
	var keyRef plan.Address
	if d.Key != nil {
		after.KeyAlias = aliasName(d.Key.Alias)
		keyRef = p.addr(KindKey, after.KeyAlias)
	}
	live := p.st.Vault
	if live == nil {
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Create, After: plan.JSON(after),
			Reason: "create the backup vault " + d.Vault + " encrypted with " + keyLabel(after.KeyAlias), DependsOn: p.dependsOn(keyRef)})
		return nil, nil
	}
	if live.VaultType != string(backuptypes.VaultTypeBackupVault) {
		return nil, fmt.Errorf("vault %s exists as a %s, not a backup vault", d.Vault, live.VaultType)
	}
	before := vaultSpec{Name: live.Name, EncryptionKeyARN: live.EncryptionKeyARN, RecoveryPoints: live.RecoveryPoints, Tags: live.Tags}
	keyDiffers, err := p.vaultKeyDiffers(live)
	if err != nil {
		return nil, err
	}
	if keyDiffers {
		reason := fmt.Sprintf("the vault is encrypted with %s and must be encrypted with %s; AWS Backup cannot change a vault's encryption key, "+
			"so the vault is deleted and created again, which AWS allows only for an empty vault (it holds %d recovery points)",
			live.EncryptionKeyARN, keyLabel(after.KeyAlias), live.RecoveryPoints)
		if live.Lock.Immutable(p.now) {
			reason += "; its compliance-mode Vault Lock is immutable since " + live.Lock.LockDate.UTC().Format(time.RFC3339) + ", so AWS refuses to delete it"
		}
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Replace, Before: plan.JSON(before), After: plan.JSON(after),
			Destructive: true, Reason: reason, DependsOn: p.dependsOn(keyRef)})
		p.planOldKeyDeletion(live.EncryptionKeyARN)
		return nil, nil
	}
	if m := managedtags.Missing(d.Tags, live.Tags); len(m) > 0 {
		p.add(plan.Change{Address: p.addr(KindVault, d.Vault), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after),
			Reason: "tags " + strings.Join(m, ", ") + " differ"})
	}
	return live, nil
}

func keyLabel(alias string) string {
	if alias == "" {
		return "the AWS managed key aws/backup"
	}
	return "the key " + alias
}

// vaultKeyDiffers reports whether the vault is encrypted with another key
// than the desired one.
func (p *planner) vaultKeyDiffers(live *VaultState) (bool, error) {
	if p.d.Key != nil {
		// A key that does not exist yet cannot encrypt the vault.
		return p.st.Key == nil || p.st.Key.ARN != live.EncryptionKeyARN, nil
	}
	// Desired: the AWS managed key. A customer managed key differs; an
	// AWS managed key, or one KMS does not describe, does not.
	m, err := keyManager(p.ctx, p.c.KMS, live.EncryptionKeyARN)
	if err != nil {
		return false, err
	}
	return m == string(kmstypes.KeyManagerTypeCustomer), nil
}

func (a *applier) vault(ch plan.Change) error {
	var want vaultSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	keyARN, err := a.resolveKeyARN(want.KeyAlias)
	if err != nil {
		return err
	}
	live, err := readVault(a.ctx, a.c.Backup, want.Name)
	if err != nil {
		return err
	}
	if live != nil {
		ok, err := a.vaultKeyMatches(live, keyARN)
		if err != nil {
			return err
		}
		if !ok {
			if ch.Action != plan.Replace {
				return fmt.Errorf("vault %s exists encrypted with %s, not %s: plan again", want.Name, live.EncryptionKeyARN, keyLabel(want.KeyAlias))
			}
			if err := a.deleteVault(live); err != nil {
				return err
			}
			live = nil
		}
	}
	if live == nil {
		in := &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(want.Name), BackupVaultTags: want.Tags}
		if keyARN != "" {
			in.EncryptionKeyArn = aws.String(keyARN)
		}
		if _, err := a.c.Backup.CreateBackupVault(a.ctx, in); err != nil {
			return fmt.Errorf("creating vault: %w", err)
		}
		return nil
	}
	return a.tagVault(live, want.Tags)
}

// vaultKeyMatches reports whether a live vault is encrypted with keyARN
// ("" meaning the AWS managed key).
func (a *applier) vaultKeyMatches(v *VaultState, keyARN string) (bool, error) {
	if keyARN != "" {
		return v.EncryptionKeyARN == keyARN, nil
	}
	m, err := keyManager(a.ctx, a.c.KMS, v.EncryptionKeyARN)
	if err != nil {
		return false, err
	}
	return m != string(kmstypes.KeyManagerTypeCustomer), nil
}
