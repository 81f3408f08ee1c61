// vault_access_policy: the backup vault's resource-based access policy.
//
// AWS API calls: Backup GetBackupVaultAccessPolicy to read it (readVault,
// read.go); PutBackupVaultAccessPolicy and DeleteBackupVaultAccessPolicy to
// apply it.

package vault

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/orgbackup/orgbackup/plan"
)

// KindAccessPolicy is the kind of a vault's access policy.
const KindAccessPolicy = "vault_access_policy"

// accessPolicySpec is the JSON of a vault_access_policy change.
type accessPolicySpec struct {
	Vault  string          `json:"vault"`
	Policy json.RawMessage `json:"policy,omitempty"`
}

func (p *planner) planAccessPolicy(live *VaultState) error {
	d := p.d
	var cur string
	if live != nil {
		cur = live.AccessPolicy
	}
	dep := p.dependsOn(p.addr(KindVault, d.Vault))
	want, _ := compactJSON(d.AccessPolicy)
	have, _ := compactJSON(cur)
	switch {
	case d.AccessPolicy == "" && cur == "":
	case d.AccessPolicy == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Delete, Before: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: have}),
			Destructive: true, Reason: "the spec has no access policy for the vault; deleting it removes the permissions and protections it grants"})
	case cur == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Create, After: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: want}),
			Reason: "set the vault access policy", DependsOn: dep})
	default:
		same, err := EqualPolicies(d.AccessPolicy, cur)
		if err != nil {
			return fmt.Errorf("comparing access policy of vault %s: %w", d.Vault, err)
		}
		if !same {
			p.add(plan.Change{Address: p.addr(KindAccessPolicy, d.Vault), Action: plan.Update,
				Before: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: have}), After: plan.JSON(accessPolicySpec{Vault: d.Vault, Policy: want}),
				Reason: "the vault access policy differs", DependsOn: dep})
		}
	}
	return nil
}

func (a *applier) accessPolicy(ch plan.Change) error {
	if ch.Action == plan.Delete {
		_, err := a.c.Backup.DeleteBackupVaultAccessPolicy(a.ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(ch.Name)})
		if err != nil && !isBackupNotFound(err) {
			return fmt.Errorf("deleting access policy: %w", err)
		}
		return nil
	}
	var want accessPolicySpec
	if err := decodeAfter(ch, &want); err != nil {
		return err
	}
	// Putting the same policy again is harmless: no read needed.
	if _, err := a.c.Backup.PutBackupVaultAccessPolicy(a.ctx, &awsbackup.PutBackupVaultAccessPolicyInput{
		BackupVaultName: aws.String(want.Vault), Policy: aws.String(string(want.Policy)),
	}); err != nil {
		return fmt.Errorf("putting access policy: %w", err)
	}
	return nil
}
