package distribution

import (
	"fmt"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// weakerPolicy lists how the new policy document protects less than the
// old one: removed plans, rules or copy actions, and shorter retention.
func weakerPolicy(oldDoc, newDoc string) []string {
	oldP, err1 := policy.ParseOrganizationsPolicy("current", []byte(oldDoc))
	newP, err2 := policy.ParseOrganizationsPolicy("desired", []byte(newDoc))
	if err1 != nil || err2 != nil || oldP == nil || newP == nil {
		return nil
	}
	return weakerPlans(oldP.Plans, newP.Plans)
}

// weakerPlans compares typed plans; it is shared by policy and direct mode.
func weakerPlans(oldPlans, newPlans []policy.Plan) []string {
	var reasons []string
	find := func(plans []policy.Plan, name string) *policy.Plan {
		for i := range plans {
			if strings.EqualFold(plans[i].Name, name) {
				return &plans[i]
			}
		}
		return nil
	}
	for _, op := range oldPlans {
		np := find(newPlans, op.Name)
		if np == nil {
			reasons = append(reasons, "removes plan "+op.Name)
			continue
		}
		for _, or := range op.Rules {
			var nr *policy.Rule
			for i := range np.Rules {
				if strings.EqualFold(np.Rules[i].Name, or.Name) {
					nr = &np.Rules[i]
				}
			}
			if nr == nil {
				reasons = append(reasons, "removes rule "+op.Name+"."+or.Name)
				continue
			}
			if shorter(or.Lifecycle.DeleteAfterDays, nr.Lifecycle.DeleteAfterDays) {
				reasons = append(reasons, fmt.Sprintf("shortens %s.%s retention from %d to %d days", op.Name, or.Name, or.Lifecycle.DeleteAfterDays, nr.Lifecycle.DeleteAfterDays))
			}
			for _, oc := range or.CopyActions {
				var nc *policy.CopyAction
				for i := range nr.CopyActions {
					if strings.EqualFold(nr.CopyActions[i].DestinationVaultARN, oc.DestinationVaultARN) {
						nc = &nr.CopyActions[i]
					}
				}
				if nc == nil {
					reasons = append(reasons, "removes the copy to "+oc.DestinationVaultARN+" from "+op.Name+"."+or.Name)
					continue
				}
				if shorter(oc.Lifecycle.DeleteAfterDays, nc.Lifecycle.DeleteAfterDays) {
					reasons = append(reasons, fmt.Sprintf("shortens the retention of copies to %s from %d to %d days", oc.DestinationVaultARN, oc.Lifecycle.DeleteAfterDays, nc.Lifecycle.DeleteAfterDays))
				}
			}
		}
	}
	return reasons
}

// shorter reports whether retention goes from old to a shorter new one;
// 0 means kept forever.
func shorter(old, new int64) bool {
	if new == 0 {
		return false
	}
	return old == 0 || new < old
}
