package spec

import "sort"

// tierEmails validates notifications.tier_emails: each key names a tier of
// the spec, each value is a list of e-mail addresses.
func (v *validator) tierEmails() {
	n := v.s.Notifications
	tiers := make([]string, 0, len(n.TierEmails))
	for t := range n.TierEmails {
		tiers = append(tiers, t)
	}
	sort.Strings(tiers)
	for _, t := range tiers {
		path := "notifications.tier_emails." + t
		if _, ok := v.s.Tiers[t]; !ok {
			v.add(path, "%q is not a tier of this spec", t)
			continue
		}
		if len(n.TierEmails[t]) == 0 {
			v.add(path, "at least one e-mail address is required")
		}
		for i, addr := range n.TierEmails[t] {
			if !emailRE.MatchString(addr) {
				v.add(indexPath(path, i), "%q is not an e-mail address", addr)
			}
		}
	}
}
