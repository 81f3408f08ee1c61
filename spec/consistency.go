package spec

import "github.com/orgbackup/orgbackup/policy"

// consistency reports the problems that would make the architecture fail
// on AWS and that the spec alone reveals, so that validate finds them at
// their line rather than plan in its checks.
func (v *validator) consistency() {
	for _, name := range v.s.TierNames() {
		t, probs := v.s.effectiveTier(name, v.s.Tiers[name])
		if len(probs) > 0 {
			continue // reported with the tier's fields
		}
		// Recovery points encrypted with an AWS managed key cannot be
		// copied to another account ("Encryption for backups in AWS
		// Backup": a copy across accounts needs a customer managed key
		// the destination can use), so copies of the types AWS Backup does
		// not fully manage (EC2, EBS, RDS keep their source's key) would
		// fail.
		if t.CentralRetention > 0 && t.Encryption == policy.AWSManagedKey {
			path := "tiers." + name + ".encryption"
			if !v.s.pos.has(path) {
				path = "tiers." + name + ".central_retention"
			}
			v.add(path, "tier %s copies to the central account but uses AWS managed keys, which cannot be shared across accounts: copies of resource types not fully managed by AWS Backup (EC2, EBS, RDS) would fail; use encryption: customer-managed", name)
		}
	}
}
