package spec

import (
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

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
		v.oneWayCopies(name, t)
	}
}

// oneWayCopies refuses a tier that copies to the secondary Region's
// central vault, in the backup account, straight from the workload
// accounts, when it can select resource types AWS Backup copies across
// accounts or across Regions but not both in one copy job (OneWayCopyTypes:
// "Copy a backup", AWS Backup Developer Guide). With a central copy, the
// secondary copy is made from the central vault instead
// (SecondaryFromCentral); without one there is no supported route.
func (v *validator) oneWayCopies(name string, t EffectiveTier) {
	if !t.CrossRegion || v.s.Organization.Regions.Secondary == "" || t.CentralRetention > 0 || t.SecondaryRetention == 0 {
		return // no copy to the secondary Region, or one from the central vault, or reported already
	}
	types := t.OneWayTypes()
	if len(types) == 0 {
		return
	}
	path := "tiers." + name + ".cross_region"
	if !v.s.pos.has(path) {
		path = "tiers." + name
	}
	v.add(path, "tier %s copies %s recovery points from the workload accounts to the backup account's vault in %s in one copy job, which AWS Backup does not support for those types (cross-account or cross-Region, not both); set central_retention so that the secondary copy is made from the central vault, or limit selection.resource_types to other types",
		name, strings.Join(types, ", "), v.s.Organization.Regions.Secondary)
}
