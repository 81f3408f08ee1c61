package spec

import (
	"github.com/orgbackup/orgbackup/policy"

	"slices"
	"sort"
)

// Layered returns what several tiers that target one account need of it
// together, for the resources kinds that the account holds once whatever
// the tiers (Region settings, the local vault): a tier that selects by
// tags alone selects every type (no ResourceTypes), otherwise the union
// of the types; the longest central and secondary retentions; a copy
// across Regions if any tier makes one; customer-managed keys if any tier
// uses them. Name joins the tiers' names with "+". With one tier it
// returns that tier.
func Layered(tiers ...EffectiveTier) EffectiveTier {
	if len(tiers) == 1 {
		return tiers[0]
	}
	var out EffectiveTier
	var names, types []string
	anyType := false
	for _, t := range tiers {
		names = append(names, t.Name)
		if len(t.ResourceTypes) == 0 {
			anyType = true
		}
		types = append(types, t.ResourceTypes...)
		out.CentralRetention = max(out.CentralRetention, t.CentralRetention)
		out.SecondaryRetention = max(out.SecondaryRetention, t.SecondaryRetention)
		out.CrossRegion = out.CrossRegion || t.CrossRegion
		if out.Encryption == "" || t.Encryption == policy.CustomerManagedKey {
			out.Encryption = t.Encryption
		}
	}
	sort.Strings(names)
	for i, n := range names {
		if i > 0 {
			out.Name += "+"
		}
		out.Name += n
	}
	if !anyType {
		sort.Strings(types)
		out.ResourceTypes = slices.Compact(types)
	}
	return out
}
