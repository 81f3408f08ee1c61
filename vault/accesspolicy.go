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
	var cur string
	if live != nil {
		cur = live.AccessPolicy
	}
	return p.planVaultPolicy(p.d.Vault, p.d.AccessPolicy, cur, p.dependsOn(p.addr(KindVault, p.d.Vault)))
}

// planVaultPolicy plans the access policy of the vault named name (the
// backup vault or the air-gapped vault): want is the desired policy, cur
// the live one ("" for none), dep what it waits for.
func (p *planner) planVaultPolicy(name, wantPolicy, cur string, dep []plan.Address) error {
	want, _ := compactJSON(wantPolicy)
	have, _ := compactJSON(cur)
	switch {
	case wantPolicy == "" && cur == "":
	case wantPolicy == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, name), Action: plan.Delete, Before: plan.JSON(accessPolicySpec{Vault: name, Policy: have}),
			Destructive: true, Reason: "the spec has no access policy for the vault; deleting it removes the permissions and protections it grants"})
	case cur == "":
		p.add(plan.Change{Address: p.addr(KindAccessPolicy, name), Action: plan.Create, After: plan.JSON(accessPolicySpec{Vault: name, Policy: want}),
			Reason: "set the vault access policy", DependsOn: dep})
	default:
		same, err := EqualPolicies(wantPolicy, cur)
		if err != nil {
			return fmt.Errorf("comparing access policy of vault %s: %w", name, err)
		}
		if !same {
			p.add(plan.Change{Address: p.addr(KindAccessPolicy, name), Action: plan.Update,
				Before: plan.JSON(accessPolicySpec{Vault: name, Policy: have}), After: plan.JSON(accessPolicySpec{Vault: name, Policy: want}),
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
