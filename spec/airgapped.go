package spec

import (
	"github.com/orgbackup/orgbackup/policy"
)

// AirGappedVaultARN returns the ARN of the backup account's logically
// air-gapped vault (in the primary region), "" when the spec has none.
func (s *Spec) AirGappedVaultARN() string {
	ag := s.Central.AirGapped
	if ag == nil {
		return ""
	}
	return policy.NewVaultARN(s.Organization.Regions.Primary, s.Organization.BackupAccount, ag.Vault)
}

// airGappedCopies is the copy action of a tier that asks for a copy in
// the air-gapped vault: kept as long as its central copy.
func (s *Spec) airGappedCopies(name string, t EffectiveTier) []policy.TierCopy {
	if !s.Tiers[name].AirGappedCopy || s.Central.AirGapped == nil {
		return nil
	}
	return []policy.TierCopy{{VaultARN: s.AirGappedVaultARN(), Keep: t.CentralRetention}}
}

// airGapped validates the tiers' copies to the air-gapped vault: the
// vault must exist in the spec, and the copies' retention must lie within
// its retention, which AWS Backup enforces on every recovery point a
// logically air-gapped vault receives (its vault lock,
// CreateLogicallyAirGappedBackupVault, AWS Backup API Reference).
func (v *validator) airGapped() {
	s := v.s
	if ag := s.Central.AirGapped; ag != nil {
		for i, a := range ag.ShareWith {
			path := indexPath("central.air_gapped.share_with", i)
			if v.accountID(path, a) && a == s.Organization.BackupAccount {
				v.add(path, "the backup account owns the air-gapped vault; share it with another (recovery) account")
			}
		}
	}
	for _, name := range s.TierNames() {
		if !s.Tiers[name].AirGappedCopy {
			continue
		}
		path := "tiers." + name + ".air_gapped_copy"
		if s.Central.AirGapped == nil {
			v.add(path, "there is no air-gapped vault: add central.air_gapped")
			continue
		}
		t, err := s.Tier(name)
		if err != nil {
			continue // reported with the tier
		}
		lo, hi := s.AirGappedDays()
		if keep := t.CentralRetention; keep == 0 || keep < lo || (hi > 0 && keep > hi) {
			v.add(path, "the copy is kept central_retention (%s), which must lie within the air-gapped vault's retention %s", daysText(keep), lockRangeText(lo, hi))
		}
	}
}
