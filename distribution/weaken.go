package distribution

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgbackup/orgbackup/policy"
)

// weakerPolicy lists how the new policy document protects less than the
// old one: removed plans, rules, copy actions or selections, selections
// that reach fewer resources, and shorter retention.
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
		reasons = append(reasons, narrowerSelections(op, *np)...)
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

// narrowerSelections lists how np's selections reach fewer resources than
// op's: a selection removed, a resource pattern or an OR-ed tag dropped,
// an exclusion or an AND-ed condition added (AWS Backup ORs Resources and
// ListOfTags and ANDs Conditions: "Assigning resources programmatically").
// Restricting a tier to some resource types is such a change: its tag
// selection becomes resource patterns with a condition.
func narrowerSelections(op, np policy.Plan) []string {
	var reasons []string
	for _, os := range op.Selections {
		var ns *policy.Selection
		for i := range np.Selections {
			if strings.EqualFold(np.Selections[i].Name, os.Name) {
				ns = &np.Selections[i]
			}
		}
		if ns == nil {
			reasons = append(reasons, "removes selection "+op.Name+"."+os.Name)
			continue
		}
		var why []string
		if missing := notIn(os.Resources, ns.Resources); len(missing) > 0 && !slices.Contains(ns.Resources, "*") {
			why = append(why, "drops resources "+strings.Join(missing, ", "))
		}
		if added := notIn(ns.NotResources, os.NotResources); len(added) > 0 {
			why = append(why, "excludes "+strings.Join(added, ", "))
		}
		if missing := notInTags(os.ListOfTags, ns.ListOfTags); len(missing) > 0 {
			why = append(why, "no longer selects by "+strings.Join(missing, ", "))
		}
		if added := notInTags(ns.Conditions, os.Conditions); len(added) > 0 {
			why = append(why, "adds conditions "+strings.Join(added, ", "))
		}
		if len(why) > 0 {
			reasons = append(reasons, "narrows selection "+op.Name+"."+os.Name+": "+strings.Join(why, "; "))
		}
	}
	return reasons
}

// notIn returns the elements of a that b lacks.
func notIn(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// notInTags returns the tag conditions of a that b lacks, as TYPE(KEY=VALUE).
func notInTags(a, b []policy.TagCondition) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			if strings.EqualFold(string(x.Type), string(y.Type)) && x.Key == y.Key && x.Value == y.Value {
				found = true
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("%s(%s=%s)", x.Type, x.Key, x.Value))
		}
	}
	return out
}
