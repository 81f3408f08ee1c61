package spec

import "slices"

// OneWayCopyTypes are the resource types whose recovery points AWS Backup
// copies to another account or to another Region, but not to both in one
// copy job ("Copy a backup": "For Amazon RDS and Aurora snapshots, AWS
// Backup only supports automating either cross-account or cross-Region
// copies"; the "Feature availability by resource" table marks DocumentDB
// and Neptune alike). Sorted.
func OneWayCopyTypes() []string { return []string{"Aurora", "DocumentDB", "Neptune", "RDS"} }

// OneWayTypes returns the resource types the tier can select whose
// recovery points cannot be copied cross-account and cross-Region in one
// copy job, sorted.
func (t EffectiveTier) OneWayTypes() []string {
	var out []string
	for _, rt := range t.SelectedTypes() {
		if slices.Contains(OneWayCopyTypes(), rt) {
			out = append(out, rt)
		}
	}
	return out
}

// SecondaryFromCentral reports whether the tier's copies to the secondary
// Region are made from the central vault in the primary Region (a
// same-account, cross-Region copy the copier starts: CopyRoutes with
// CopyToSecondary) rather than by a copy action of the workload accounts'
// backup plans. That is so when the tier keeps a central copy and can
// select a type that AWS Backup cannot copy to the backup account and the
// secondary Region in one copy job (OneWayTypes): the plan's copy would
// fail for those resources.
func (s *Spec) SecondaryFromCentral(t EffectiveTier) bool {
	return t.CrossRegion && s.Organization.Regions.Secondary != "" && t.CentralRetention > 0 && len(t.OneWayTypes()) > 0
}
