package emulator

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/policy"
)

// The scheduler: backup plans in force in every account and region, each
// rule's next run from its cron expression and time zone, and the
// resources each run backs up.

// sortedBackupKeysLocked returns the account-regions with Backup state, in
// order.
func (s *Server) sortedBackupKeysLocked() []regionKey {
	keys := make([]regionKey, 0, len(s.backup))
	for k := range s.backup {
		if k.region != "" {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].region < keys[j].region
	})
	return keys
}

// ruleSlot is the pending run of one plan rule.
type ruleSlot struct {
	version string // plan version the run was computed from
	token   uint64 // identifies the pending event; older events are ignored
}

// scheduleRulesLocked makes sure every rule of every plan in force has its
// next run scheduled. Rules whose plan version is unchanged keep their
// pending run; rules of new or changed plans are (re)scheduled from now;
// runs of deleted plans and rules are dropped. Plans created, changed or
// deleted between advances thus take effect.
func (s *Server) scheduleRulesLocked() {
	e := s.engineLocked()
	if e.rules == nil {
		e.rules = map[string]*ruleSlot{}
	}
	seen := map[string]bool{}
	for _, k := range s.sortedBackupKeysLocked() {
		b := s.backup[k]
		for _, p := range b.sortedPlans() {
			if p.deleted != nil {
				continue
			}
			version := p.current().id
			for _, r := range p.current().plan.Rules {
				name := aws.ToString(r.RuleName)
				key := ruleKey(k.account, k.region, p.id, name)
				seen[key] = true
				if slot := e.rules[key]; slot != nil && slot.version == version {
					continue
				}
				s.scheduleRuleLocked(k.account, k.region, p.id, name, s.now)
			}
		}
	}
	for _, key := range sortedKeys(e.rules) {
		if !seen[key] {
			delete(e.rules, key)
		}
	}
}

func ruleKey(account, region, planID, rule string) string {
	return account + "|" + region + "|" + planID + "|" + rule
}

// scheduleRuleLocked schedules the first run of a rule strictly after
// after, replacing any pending one.
func (s *Server) scheduleRuleLocked(account, region, planID, ruleName string, after time.Time) {
	e := s.engineLocked()
	key := ruleKey(account, region, planID, ruleName)
	delete(e.rules, key)
	b := s.backup[regionKey{account, region}]
	p := b.plans[planID]
	rule, ok := planRule(p, ruleName)
	if !ok {
		return
	}
	sc := s.scheduleLocked(aws.ToString(rule.ScheduleExpression))
	if sc == nil {
		return
	}
	next := sc.Next(after, s.locationLocked(aws.ToString(rule.ScheduleExpressionTimezone)))
	if next.IsZero() {
		return
	}
	e.seq++
	slot := &ruleSlot{version: p.current().id, token: e.seq}
	e.rules[key] = slot
	s.atLocked(next, "rule", planID+"/"+ruleName, func() {
		if e.rules[key] != slot {
			return // superseded or dropped
		}
		p := b.plans[planID]
		if p == nil || p.deleted != nil {
			delete(e.rules, key)
			return
		}
		s.runRuleLocked(b, p, ruleName)
		s.scheduleRuleLocked(account, region, planID, ruleName, s.now)
	})
}

func planRule(p *backupPlan, name string) (backuptypes.BackupRule, bool) {
	if p == nil || p.deleted != nil {
		return backuptypes.BackupRule{}, false
	}
	for _, r := range p.current().plan.Rules {
		if aws.ToString(r.RuleName) == name {
			return r, true
		}
	}
	return backuptypes.BackupRule{}, false
}

// runRuleLocked runs one rule of a plan now: one backup job per resource
// its selections choose (a resource chosen by several selections is
// backed up once, with the role of the first selection, in creation
// order).
func (s *Server) runRuleLocked(b *backupRegion, p *backupPlan, ruleName string) {
	rule, ok := planRule(p, ruleName)
	if !ok {
		return
	}
	s.reportLocked().RulesRun++
	v := p.current()
	creator := &backuptypes.RecoveryPointCreator{
		BackupPlanArn:      aws.String(p.arn),
		BackupPlanId:       aws.String(p.id),
		BackupPlanName:     v.plan.BackupPlanName,
		BackupPlanVersion:  aws.String(v.id),
		BackupRuleCron:     rule.ScheduleExpression,
		BackupRuleId:       rule.RuleId,
		BackupRuleName:     rule.RuleName,
		BackupRuleTimezone: rule.ScheduleExpressionTimezone,
	}
	now := s.now
	p.lastExecution = &now
	seen := map[string]bool{}
	for _, sel := range sortedSelections(p) {
		for _, r := range s.selectResourcesLocked(b.account, b.region, sel.sel) {
			if seen[r.ARN] {
				continue
			}
			seen[r.ARN] = true
			// "If resource assignments are only based on tags, then
			// service opt-in settings are applied. If a resource type is
			// explicitly assigned to a backup plan ... it will be included
			// in the backup even if the opt-in is not enabled"
			// (UpdateRegionSettings API reference).
			if !b.optIn[string(r.Type)] && !explicitlyAssigned(sel.sel.Resources, r.ARN) {
				continue
			}
			s.createBackupJobLocked(backupRequest{
				account:           b.account,
				region:            b.region,
				resource:          r,
				vault:             aws.ToString(rule.TargetBackupVaultName),
				role:              aws.ToString(sel.sel.IamRoleArn),
				lifecycle:         rule.Lifecycle,
				recoveryPointTags: rule.RecoveryPointTags,
				copyActions:       rule.CopyActions,
				creator:           creator,
				startWindow:       time.Duration(aws.ToInt64(rule.StartWindowMinutes)) * time.Minute,
				completionWindow:  time.Duration(aws.ToInt64(rule.CompletionWindowMinutes)) * time.Minute,
				byPolicy:          p.fromPolicy != "",
			})
		}
	}
}

func sortedSelections(p *backupPlan) []*backupSelection {
	out := make([]*backupSelection, 0, len(p.selections))
	for _, e := range p.selections {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// selectResourcesLocked returns the resources of an account-region that a
// selection chooses ("Assigning resources to a backup plan"): those whose
// ARN matches Resources (wildcards allowed) or that carry one of the
// ListOfTags tags (tag conditions in ListOfTags are OR-ed), less those
// matching NotResources, and only those meeting every Conditions entry
// (AND-ed). A selection with only Conditions starts from every resource.
func (s *Server) selectResourcesLocked(account, region string, sel backuptypes.BackupSelection) []*Resource {
	var out []*Resource
	all := s.storedResourcesLocked(account, region)
	conds := sel.Conditions
	hasConds := conds != nil && len(conds.StringEquals)+len(conds.StringNotEquals)+len(conds.StringLike)+len(conds.StringNotLike) > 0
	for _, r := range all {
		in := false
		for _, pat := range sel.Resources {
			if globMatch(pat, r.ARN, false) {
				in = true
				break
			}
		}
		if !in {
			for _, c := range sel.ListOfTags {
				if c.ConditionType == backuptypes.ConditionTypeStringequals && r.Tags[tagKeyOf(aws.ToString(c.ConditionKey))] == aws.ToString(c.ConditionValue) {
					if _, ok := r.Tags[tagKeyOf(aws.ToString(c.ConditionKey))]; ok {
						in = true
						break
					}
				}
			}
		}
		if !in && len(sel.Resources) == 0 && len(sel.ListOfTags) == 0 && hasConds {
			in = true
		}
		if !in {
			continue
		}
		excluded := false
		for _, pat := range sel.NotResources {
			if globMatch(pat, r.ARN, false) {
				excluded = true
				break
			}
		}
		if excluded || (hasConds && !conditionsMatch(conds, r.Tags)) {
			continue
		}
		out = append(out, r)
	}
	// The jobs keep what the resources are now (not their tags, read
	// only here): one copy of the chosen ones.
	copies := make([]Resource, len(out))
	for i, r := range out {
		copies[i] = *r
		copies[i].Tags = nil
		out[i] = &copies[i]
	}
	return out
}

// tagKeyOf strips the "aws:ResourceTag/" prefix of a condition key.
func tagKeyOf(k string) string { return strings.TrimPrefix(k, "aws:ResourceTag/") }

func conditionsMatch(c *backuptypes.Conditions, tags map[string]string) bool {
	check := func(params []backuptypes.ConditionParameter, like, negate bool) bool {
		for _, p := range params {
			v, ok := tags[tagKeyOf(aws.ToString(p.ConditionKey))]
			want := aws.ToString(p.ConditionValue)
			var m bool
			if like {
				m = ok && globMatch(want, v, false)
			} else {
				m = ok && v == want
			}
			if m == negate {
				return false
			}
		}
		return true
	}
	return check(c.StringEquals, false, false) && check(c.StringNotEquals, false, true) &&
		check(c.StringLike, true, false) && check(c.StringNotLike, true, true)
}

// Policy-materialised plans.

// SyncBackupPolicies deploys each account's effective Organizations
// backup policy as backup plans in that account, in every region the
// policy lists, as AWS Backup does ("Backup policies": the plans appear in
// the member account, which can view but not change them). Advance does
// it before running anything; call it to see the plans without moving the
// clock.
func (s *Server) SyncBackupPolicies() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncPolicyPlansLocked()
}

func (s *Server) syncPolicyPlansLocked() {
	e := s.engineLocked()
	accounts := make([]string, 0, len(s.org.accounts))
	for _, a := range s.org.accounts {
		accounts = append(accounts, a.id)
	}
	sort.Strings(accounts)
	for _, account := range accounts {
		var resolved []byte
		if eff, _, err := s.org.effectiveBackupLocked(account); err == nil {
			resolved = eff.Resolved
		}
		if string(resolved) == e.policyFP[account] {
			continue
		}
		e.policyFP[account] = string(resolved)
		s.materialisePlansLocked(account, resolved)
	}
}

// policyIDsLocked names the backup policies that apply to account.
func (s *Server) policyIDsLocked(account string) string {
	n := s.org.account(account)
	if n == nil {
		return ""
	}
	var ids []string
	for _, node := range n.path() {
		for _, a := range node.attached {
			if p := s.org.policies[a.policyID]; p != nil && p.typ == orgtypes.PolicyTypeBackupPolicy {
				ids = append(ids, p.id)
			}
		}
	}
	return strings.Join(ids, ",")
}

// materialisePlansLocked makes the policy plans of account match its
// effective policy: new plans are created, changed ones get a new version,
// plans no longer in the policy are deleted.
func (s *Server) materialisePlansLocked(account string, resolved []byte) {
	var plans []policy.Plan
	if len(resolved) > 0 {
		if op, err := parseEffectivePolicy(resolved); err == nil {
			plans = op.Plans
		}
	}
	from := s.policyIDsLocked(account)
	want := map[regionKey]map[string]policy.Plan{}
	for _, p := range plans {
		for _, region := range p.Regions {
			k := regionKey{account, region}
			if want[k] == nil {
				want[k] = map[string]policy.Plan{}
			}
			want[k][p.Name] = p
		}
	}
	// Remove or update existing policy plans.
	for _, k := range s.sortedBackupKeysLocked() {
		if k.account != account {
			continue
		}
		b := s.backup[k]
		for _, p := range b.sortedPlans() {
			if p.fromPolicy == "" || p.deleted != nil {
				continue
			}
			name := aws.ToString(p.current().plan.BackupPlanName)
			wp, ok := want[k][name]
			if !ok {
				p.deleted = timePtr(s.now)
				continue
			}
			delete(want[k], name)
			s.updatePolicyPlanLocked(b, p, wp, from)
		}
	}
	// Create the new ones.
	keys := make([]regionKey, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].region < keys[j].region })
	for _, k := range keys {
		for _, name := range sortedKeys(want[k]) {
			wp := want[k][name]
			in, err := wp.BackupPlanInput()
			if err != nil {
				continue
			}
			p, err := s.createBackupPlanLocked(k.account, k.region, in, wp.Tags, "", from)
			if err != nil {
				continue
			}
			s.setPolicySelectionsLocked(s.backup[k], p, wp)
		}
	}
}

func (s *Server) updatePolicyPlanLocked(b *backupRegion, p *backupPlan, wp policy.Plan, from string) {
	p.fromPolicy = from
	in, err := wp.BackupPlanInput()
	if err != nil {
		return
	}
	cur := p.current()
	plan, doc, err := s.buildBackupPlan(in, &cur.plan)
	if err != nil {
		return
	}
	if doc != cur.doc {
		p.versions = append(p.versions, &backupPlanVersion{id: s.backupVersionID(), created: s.now, plan: plan, doc: doc})
	}
	s.setPolicySelectionsLocked(b, p, wp)
}

// setPolicySelectionsLocked replaces a policy plan's selections with the
// policy's, keeping the IDs of unchanged ones.
func (s *Server) setPolicySelectionsLocked(b *backupRegion, p *backupPlan, wp policy.Plan) {
	old := map[string]*backupSelection{}
	for _, e := range p.selections {
		old[aws.ToString(e.sel.SelectionName)] = e
	}
	p.selections = map[string]*backupSelection{}
	for _, sel := range wp.BackupSelections() {
		if e := old[aws.ToString(sel.SelectionName)]; e != nil {
			e.sel = sel
			p.selections[e.id] = e
			continue
		}
		e := &backupSelection{id: s.ids.uuid(), seq: b.next(), created: s.now, sel: sel}
		p.selections[e.id] = e
	}
}

// parseEffectivePolicy reads an effective backup policy (plain values, as
// DescribeEffectivePolicy returns it) by wrapping each value in @@assign
// and parsing it as a policy document.
func parseEffectivePolicy(resolved []byte) (*policy.OrganizationsPolicy, error) {
	var doc map[string]any
	if err := json.Unmarshal(resolved, &doc); err != nil {
		return nil, err
	}
	var wrap func(v any) any
	wrap = func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return map[string]any{"@@assign": v}
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = wrap(x)
		}
		return out
	}
	plans, _ := doc["plans"].(map[string]any)
	out := map[string]any{"plans": map[string]any{}}
	for name, p := range plans {
		out["plans"].(map[string]any)[name] = wrap(p)
	}
	data, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	op, err := policy.ParseOrganizationsPolicy("effective policy", data)
	if err != nil {
		return nil, err
	}
	// A document may leave settings to inheritance; the effective policy
	// may not: an incomplete one deploys nothing.
	if len(op.Incomplete) > 0 {
		return nil, op.Incomplete[0]
	}
	return op, nil
}

// explicitlyAssigned reports whether a selection's Resources name the
// resource's type: a pattern other than "*" that matches its ARN.
func explicitlyAssigned(resources []string, arn string) bool {
	for _, p := range resources {
		if p != "*" && arnMatch(p, arn) {
			return true
		}
	}
	return false
}
