package report

import "slices"

// tiersOf returns every tier of the resource's account that selects it,
// sorted: several tiers may target one account (a base tier and a
// data-class tier), and a resource can be in more than one. A tier
// selects a resource of one of its resource types (any, when it names
// none) that carries one of its selection tags.
func (e *evaluator) tiersOf(d *ResourceData) []string {
	var out []string
	for _, name := range slices.Sorted(slices.Values(e.inv.Accounts[d.Account])) {
		t := e.tiers[name]
		if len(t.ResourceTypes) > 0 && !slices.Contains(t.ResourceTypes, d.Type) {
			continue
		}
		for k, v := range t.SelectionTags {
			if got, ok := d.Tags[k]; ok && got == v {
				out = append(out, name)
				break
			}
		}
	}
	return out
}
