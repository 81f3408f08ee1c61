// air_gapped_vault: an optional logically air-gapped vault next to the
// backup vault. Its retention is fixed at creation, so other retention
// means replacing it, which AWS allows only for an empty vault.
//
// AWS API calls: Backup DescribeBackupVault and the other reads of
// readVault (read.go) to read it; CreateLogicallyAirGappedBackupVault,
// DeleteBackupVault (replacement only) and TagResource to apply it.

package vault

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

// KindAirGapped is the kind of a logically air-gapped vault.
const KindAirGapped = "air_gapped_vault"

// airGappedSpec is the JSON of an air_gapped_vault change.
type airGappedSpec struct {
	Name             string            `json:"name"`
	MinRetentionDays int64             `json:"min_retention_days"`
	MaxRetentionDays int64             `json:"max_retention_days"`
	RecoveryPoints   int64             `json:"recovery_points,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

func (p *planner) planAirGapped() error {
	a := p.d.AirGapped
	if a == nil {
		return nil
	}
	live, err := ReadAirGapped(p.ctx, p.c, p.d.Account, p.d.Region, a.Name)
	if err != nil {
		return err
	}
	var cur string
	if live != nil {
		cur = live.AccessPolicy
	}
	if err := p.planVaultPolicy(a.Name, a.AccessPolicy, cur, p.dependsOn(p.addr(KindAirGapped, a.Name))); err != nil {
		return err
	}
	after := airGappedSpec{Name: a.Name, MinRetentionDays: a.MinRetentionDays, MaxRetentionDays: a.MaxRetentionDays, Tags: p.d.Tags}
	fixed := "an air-gapped vault's retention (%d..%d days) is fixed when it is created and cannot be changed afterwards"
	if live == nil {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Create, After: plan.JSON(after), Irreversible: true,
			Reason: fmt.Sprintf("create the logically air-gapped vault "+a.Name+"; "+fixed, a.MinRetentionDays, a.MaxRetentionDays)})
		return nil
	}
	if live.VaultType != string(backuptypes.VaultTypeLogicallyAirGappedBackupVault) {
		return fmt.Errorf("vault %s exists as a %s, not a logically air-gapped vault", a.Name, live.VaultType)
	}
	before := airGappedSpec{Name: live.Name, RecoveryPoints: live.RecoveryPoints, Tags: live.Tags}
	if live.Lock != nil {
		before.MinRetentionDays, before.MaxRetentionDays = live.Lock.MinRetentionDays, live.Lock.MaxRetentionDays
	}
	if before.MinRetentionDays != a.MinRetentionDays || before.MaxRetentionDays != a.MaxRetentionDays {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Replace, Before: plan.JSON(before), After: plan.JSON(after),
			Destructive: true, Irreversible: true,
			Reason: fmt.Sprintf(fixed+": the vault is deleted and created again with %d..%d days, which AWS allows only for an empty vault (it holds %d recovery points)",
				before.MinRetentionDays, before.MaxRetentionDays, a.MinRetentionDays, a.MaxRetentionDays, live.RecoveryPoints)})
		return nil
	}
	if m := managedtags.Missing(p.d.Tags, live.Tags); len(m) > 0 {
		p.add(plan.Change{Address: p.addr(KindAirGapped, a.Name), Action: plan.Update, Before: plan.JSON(before), After: plan.JSON(after),
			Reason: "tags " + strings.Join(m, ", ") + " differ"})
	}
	return nil
}

func (a *applier) airGapped(ch plan.Change) error {
	var want airGappedSpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	live, err := readVault(a.ctx, a.c.Backup, want.Name)
	if err != nil {
		return err
	}
	if live != nil {
		if live.VaultType != string(backuptypes.VaultTypeLogicallyAirGappedBackupVault) {
			return fmt.Errorf("vault %s exists as a %s", want.Name, live.VaultType)
		}
		same := live.Lock != nil && live.Lock.MinRetentionDays == want.MinRetentionDays && live.Lock.MaxRetentionDays == want.MaxRetentionDays
		if !same {
			if ch.Action != plan.Replace {
				return fmt.Errorf("air-gapped vault %s exists with other retention: plan again", want.Name)
			}
			if err := a.deleteVault(live); err != nil {
				return err
			}
			live = nil
		}
	}
	if live == nil {
		_, err := a.c.Backup.CreateLogicallyAirGappedBackupVault(a.ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
			BackupVaultName:  aws.String(want.Name),
			MinRetentionDays: aws.Int64(want.MinRetentionDays),
			MaxRetentionDays: aws.Int64(want.MaxRetentionDays),
			BackupVaultTags:  want.Tags,
		})
		if err != nil {
			return fmt.Errorf("creating air-gapped vault: %w", err)
		}
		return nil
	}
	return a.tagVault(live, want.Tags)
}
