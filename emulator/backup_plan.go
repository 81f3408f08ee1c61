package emulator

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/policy"
)

// backupPlan is a backup plan and its versions.
type backupPlan struct {
	id, arn          string
	seq              int
	creatorRequestID string
	created          time.Time
	versions         []*backupPlanVersion // oldest first; the last is current
	deleted          *time.Time
	lastExecution    *time.Time
	selections       map[string]*backupSelection // by selection ID
	// fromPolicy is the ID of the Organizations backup policy the plan was
	// materialised from ("" for plans the account created). Member
	// accounts can see such plans but not change them.
	fromPolicy string
}

type backupPlanVersion struct {
	id      string
	created time.Time
	plan    backuptypes.BackupPlan
	doc     string // canonical input document, for duplicate detection
}

func (p *backupPlan) current() *backupPlanVersion { return p.versions[len(p.versions)-1] }

func (p *backupPlan) version(id *string) *backupPlanVersion {
	if id == nil || *id == "" {
		return p.current()
	}
	for _, v := range p.versions {
		if v.id == *id {
			return v
		}
	}
	return nil
}

type backupSelection struct {
	id               string
	seq              int
	created          time.Time
	creatorRequestID string
	sel              backuptypes.BackupSelection
}

// Defaults AWS fills into rules that omit them: the schedule is documented
// on BackupRuleInput.ScheduleExpression; the windows (8 hours, 7 days) and
// the time zone are what GetBackupPlan reports for such rules.
const (
	defaultBackupSchedule   = "cron(0 5 ? * * *)"
	defaultStartWindow      = 480
	defaultCompletionWindow = 10080
	defaultScheduleTimezone = "Etc/UTC"
)

// checkLifecycle applies the Lifecycle rule: "DeleteAfterDays ... must be
// at least 90 days after the number of days specified in
// MoveToColdStorageAfterDays".
func checkLifecycle(where string, l *backuptypes.Lifecycle) error {
	if l == nil {
		return nil
	}
	if l.DeleteAfterDays != nil && *l.DeleteAfterDays < 1 {
		return bkInvalidParam("%s: DeleteAfterDays must be at least 1.", where)
	}
	if l.MoveToColdStorageAfterDays != nil && l.DeleteAfterDays != nil && *l.DeleteAfterDays < *l.MoveToColdStorageAfterDays+90 {
		return bkInvalidParam("%s: DeleteAfterDays must be at least 90 days greater than MoveToColdStorageAfterDays.", where)
	}
	return nil
}

// checkPlanRules applies the rules package policy enforces on backup plans
// (policy.ValidateBackupPlanInput, the validator of `orgbackup validate` and
// `policy validate`), so that the emulator accepts exactly the plans the
// offline checks accept: schedules at most hourly, windows, lifecycles up
// to 36,500 days with 90 days in cold storage, continuous backups kept at
// most 35 days and never in cold storage, copy destinations, advanced
// settings, index actions on EBS and S3 only. Each rule's AWS source is
// cited where policy enforces it. AWS answers the first problem with
// InvalidParameterValueException; so does the emulator.
func checkPlanRules(in *backuptypes.BackupPlanInput) error {
	fes := policy.FieldErrors(policy.ValidateBackupPlanInput(in))
	if len(fes) == 0 {
		return nil
	}
	fe := fes[0]
	if n := len(fe.Path); n > 0 && fe.Path[n-1] == "schedule_expression" {
		rule := fe.Path[1]
		for _, r := range in.Rules {
			if aws.ToString(r.RuleName) != rule {
				continue
			}
			if _, err := policy.ParseCron(aws.ToString(r.ScheduleExpression)); err == nil {
				// A valid cron expression rejected for its frequency: AWS's
				// message, as quoted in AWS re:Post "Error scheduling backup
				// every ten minutes in AWS Backup"
				// (repost.aws/questions/QUwYlivOoWTHi1nSuSGjTVFg).
				return bkInvalidParam("The interval between backup jobs shouldn't be less than 60 minutes.")
			}
		}
	}
	if msg := awsLifecycleMessage(in, fe.Path); msg != "" {
		return bkInvalidParam("%s", msg)
	}
	return bkInvalidParam("Invalid backup plan: %s", fe.Error())
}

// awsLifecycleMessage returns AWS Backup's own message for a rule's
// lifecycle that the validator rejected at path, or "" where the emulator
// knows none. AWS's API reference documents no messages; these are AWS's
// responses as quoted in public issue threads, with AWS's per-rule prefix
// "Error in rule NAME : " (error code ERROR_3015):
//   - continuous backup moved to cold storage: "Invalid lifecycle.
//     MoveToColdStorageAfterDays is unavailable"
//     (lgallard/terraform-aws-backup#40);
//   - retention outside 1 to 36,500 days: "Invalid lifecycle.
//     DeleteAfterDays cannot be less than 1 or more than 36500 days"
//     (lgallard/terraform-aws-backup#61);
//   - deletion less than 90 days after the move to cold storage: "Invalid
//     lifecycle. DeleteAfterDays cannot be less than 90 days apart from
//     MoveToColdStorageAfterDays" (hashicorp/terraform-provider-aws#7350).
//
// Copy actions' lifecycles and continuous backups kept over 35 days keep
// the validator's wording: no AWS message for them was found.
func awsLifecycleMessage(in *backuptypes.BackupPlanInput, path []string) string {
	if len(path) < 4 || path[0] != "rules" || path[2] != "lifecycle" {
		return ""
	}
	for _, r := range in.Rules {
		if aws.ToString(r.RuleName) != path[1] || r.Lifecycle == nil {
			continue
		}
		l := r.Lifecycle
		prefix := "Error in rule " + path[1] + " : Invalid lifecycle. "
		cold, del := aws.ToInt64(l.MoveToColdStorageAfterDays), aws.ToInt64(l.DeleteAfterDays)
		switch {
		case aws.ToBool(r.EnableContinuousBackup) && cold != 0:
			return prefix + "MoveToColdStorageAfterDays is unavailable"
		case l.DeleteAfterDays != nil && (del < 1 || del > policy.MaxLifecycleDays) && !aws.ToBool(r.EnableContinuousBackup):
			return prefix + "DeleteAfterDays cannot be less than 1 or more than 36500 days"
		case cold > 0 && del > 0 && del < cold+policy.MinColdStorageDays:
			return prefix + "DeleteAfterDays cannot be less than 90 days apart from MoveToColdStorageAfterDays"
		}
	}
	return ""
}

// buildBackupPlan validates a plan document and returns the stored plan,
// keeping the rule IDs of rules of prev with the same name.
func (s *Server) buildBackupPlan(in *backuptypes.BackupPlanInput, prev *backuptypes.BackupPlan) (backuptypes.BackupPlan, string, error) {
	if in == nil {
		return backuptypes.BackupPlan{}, "", bkMissing("BackupPlan")
	}
	if err := bkRequire("BackupPlanName", in.BackupPlanName); err != nil {
		return backuptypes.BackupPlan{}, "", err
	}
	if !backupPlanNameRE.MatchString(*in.BackupPlanName) {
		return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid backup plan name %q: it must contain 1 to 50 alphanumeric or '-_.' characters.", *in.BackupPlanName)
	}
	if len(in.Rules) == 0 {
		return backuptypes.BackupPlan{}, "", bkMissing("Rules")
	}
	oldIDs := map[string]string{}
	if prev != nil {
		for _, r := range prev.Rules {
			oldIDs[aws.ToString(r.RuleName)] = aws.ToString(r.RuleId)
		}
	}
	out := backuptypes.BackupPlan{BackupPlanName: aws.String(*in.BackupPlanName)}
	seen := map[string]bool{}
	for _, r := range in.Rules {
		if err := bkRequire("RuleName", r.RuleName, "TargetBackupVaultName", r.TargetBackupVaultName); err != nil {
			return backuptypes.BackupPlan{}, "", err
		}
		if !backupRuleNameRE.MatchString(*r.RuleName) {
			return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid rule name %q: it must match ^[a-zA-Z0-9\\-\\_\\.]{1,50}$.", *r.RuleName)
		}
		if seen[*r.RuleName] {
			return backuptypes.BackupPlan{}, "", bkInvalidParam("Rule names must be unique within a backup plan; %q is repeated.", *r.RuleName)
		}
		seen[*r.RuleName] = true
		// The target vault is not checked for existence: "A backup plan
		// that points to a deleted backup vault will cause the backup
		// creation to fail" (Delete a backup vault).
		if !backupVaultNameRE.MatchString(*r.TargetBackupVaultName) {
			return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid TargetBackupVaultName %q.", *r.TargetBackupVaultName)
		}
		rule := backuptypes.BackupRule{
			RuleName:                               aws.String(*r.RuleName),
			TargetBackupVaultName:                  aws.String(*r.TargetBackupVaultName),
			TargetLogicallyAirGappedBackupVaultArn: r.TargetLogicallyAirGappedBackupVaultArn,
			ScheduleExpression:                     aws.String(defaultBackupSchedule),
			ScheduleExpressionTimezone:             aws.String(defaultScheduleTimezone),
			StartWindowMinutes:                     aws.Int64(defaultStartWindow),
			CompletionWindowMinutes:                aws.Int64(defaultCompletionWindow),
			Lifecycle:                              r.Lifecycle,
			RecoveryPointTags:                      copyTags(r.RecoveryPointTags),
			CopyActions:                            r.CopyActions,
			EnableContinuousBackup:                 r.EnableContinuousBackup,
			IndexActions:                           r.IndexActions,
			ScanActions:                            r.ScanActions,
		}
		if e := aws.ToString(r.ScheduleExpression); e != "" {
			if _, err := policy.ParseCron(e); err != nil {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid ScheduleExpression %q in rule %s: %v", e, *r.RuleName, err)
			}
			rule.ScheduleExpression = aws.String(e)
		}
		if tz := aws.ToString(r.ScheduleExpressionTimezone); tz != "" {
			if _, err := time.LoadLocation(tz); err != nil {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid ScheduleExpressionTimezone %q in rule %s.", tz, *r.RuleName)
			}
			rule.ScheduleExpressionTimezone = aws.String(tz)
		}
		// StartWindowMinutes: "If this value is included, it must be at
		// least 60 minutes"; at most 100 years (52,560,000 minutes).
		if r.StartWindowMinutes != nil {
			if *r.StartWindowMinutes < 60 || *r.StartWindowMinutes > 52560000 {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("StartWindowMinutes of rule %s must be between 60 and 52560000.", *r.RuleName)
			}
			rule.StartWindowMinutes = aws.Int64(*r.StartWindowMinutes)
		}
		if r.CompletionWindowMinutes != nil {
			if *r.CompletionWindowMinutes < 1 {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("CompletionWindowMinutes of rule %s must be positive.", *r.RuleName)
			}
			rule.CompletionWindowMinutes = aws.Int64(*r.CompletionWindowMinutes)
		}
		if err := checkLifecycle("rule "+*r.RuleName, r.Lifecycle); err != nil {
			if msg := awsLifecycleMessage(in, []string{"rules", *r.RuleName, "lifecycle", "delete_after_days"}); msg != "" {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("%s", msg)
			}
			return backuptypes.BackupPlan{}, "", err
		}
		for _, ca := range r.CopyActions {
			if err := bkRequire("DestinationBackupVaultArn", ca.DestinationBackupVaultArn); err != nil {
				return backuptypes.BackupPlan{}, "", err
			}
			svc, _, _, res, ok := arnRegionAccount(*ca.DestinationBackupVaultArn)
			if !ok || svc != "backup" || len(res) < len("backup-vault:") || res[:len("backup-vault:")] != "backup-vault:" {
				return backuptypes.BackupPlan{}, "", bkInvalidParam("Invalid DestinationBackupVaultArn %q in rule %s.", *ca.DestinationBackupVaultArn, *r.RuleName)
			}
			if err := checkLifecycle("copy action of rule "+*r.RuleName, ca.Lifecycle); err != nil {
				return backuptypes.BackupPlan{}, "", err
			}
		}
		if id, ok := oldIDs[*r.RuleName]; ok {
			rule.RuleId = aws.String(id)
		} else {
			rule.RuleId = aws.String(s.ids.uuid())
		}
		out.Rules = append(out.Rules, rule)
	}
	if err := checkPlanRules(in); err != nil {
		return backuptypes.BackupPlan{}, "", err
	}
	out.AdvancedBackupSettings = in.AdvancedBackupSettings
	out.ScanSettings = in.ScanSettings
	doc, _ := json.Marshal(in)
	return out, string(doc), nil
}

func (b *backupRegion) plan(id *string, includeDeleted bool) (*backupPlan, error) {
	if err := bkRequire("BackupPlanId", id); err != nil {
		return nil, err
	}
	p := b.plans[*id]
	if p == nil || (p.deleted != nil && !includeDeleted) {
		return nil, bkNotFound("Failed reading Backup plan with provided version")
	}
	return p, nil
}

// errPolicyPlan is the answer to changes of a plan that an Organizations
// backup policy manages: member accounts can view such plans but not
// modify or delete them.
func errPolicyPlan(p *backupPlan) error {
	return bkInvalidRequest("Backup plan %s is managed by the AWS Organizations backup policy %s and cannot be modified.", p.id, p.fromPolicy)
}

// createBackupPlanLocked creates a plan in account and region. fromPolicy
// marks plans materialised from an Organizations backup policy.
func (s *Server) createBackupPlanLocked(account, region string, in *backuptypes.BackupPlanInput, tags map[string]string, creatorRequestID, fromPolicy string) (*backupPlan, error) {
	b := s.backupRegionLocked(account, region)
	plan, doc, err := s.buildBackupPlan(in, nil)
	if err != nil {
		return nil, err
	}
	for _, id := range sortedKeys(b.plans) {
		p := b.plans[id]
		if p.deleted == nil && p.current().doc == doc {
			// CreateBackupPlan: "If you call CreateBackupPlan with a plan
			// that already exists, you receive an AlreadyExistsException".
			return nil, bkAlreadyExists(p.arn, p.creatorRequestID, "Backup plan with the same plan document already exists")
		}
	}
	id := s.ids.uuid()
	p := &backupPlan{
		id:               id,
		seq:              b.next(),
		arn:              b.arn("backup-plan", id),
		creatorRequestID: creatorRequestID,
		created:          s.now,
		selections:       map[string]*backupSelection{},
		fromPolicy:       fromPolicy,
	}
	p.versions = []*backupPlanVersion{{id: s.backupVersionID(), created: s.now, plan: plan, doc: doc}}
	b.plans[id] = p
	if len(tags) > 0 {
		b.tags[p.arn] = copyTags(tags)
	}
	return p, nil
}

func (s *Server) createBackupPlan(c *Call, in *awsbackup.CreateBackupPlanInput) (*awsbackup.CreateBackupPlanOutput, error) {
	b := s.backupCallLocked(c)
	if rid := aws.ToString(in.CreatorRequestId); rid != "" {
		// "If the request includes a CreatorRequestId that matches an
		// existing backup plan, that plan is returned."
		for _, id := range sortedKeys(b.plans) {
			if p := b.plans[id]; p.deleted == nil && p.creatorRequestID == rid {
				return createPlanOutput(p), nil
			}
		}
	}
	p, err := s.createBackupPlanLocked(c.Account, c.Region, in.BackupPlan, in.BackupPlanTags, aws.ToString(in.CreatorRequestId), "")
	if err != nil {
		return nil, err
	}
	return createPlanOutput(p), nil
}

func createPlanOutput(p *backupPlan) *awsbackup.CreateBackupPlanOutput {
	v := p.current()
	return &awsbackup.CreateBackupPlanOutput{
		AdvancedBackupSettings: v.plan.AdvancedBackupSettings,
		BackupPlanArn:          aws.String(p.arn),
		BackupPlanId:           aws.String(p.id),
		CreationDate:           timePtr(v.created),
		VersionId:              aws.String(v.id),
	}
}

func (s *Server) getBackupPlan(c *Call, in *awsbackup.GetBackupPlanInput) (*awsbackup.GetBackupPlanOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, true)
	if err != nil {
		return nil, err
	}
	v := p.version(in.VersionId)
	if v == nil {
		return nil, bkNotFound("Failed reading Backup plan with provided version")
	}
	plan := v.plan
	out := &awsbackup.GetBackupPlanOutput{
		AdvancedBackupSettings: plan.AdvancedBackupSettings,
		BackupPlan:             &plan,
		BackupPlanArn:          aws.String(p.arn),
		BackupPlanId:           aws.String(p.id),
		CreationDate:           timePtr(v.created),
		LastExecutionDate:      p.lastExecution,
		VersionId:              aws.String(v.id),
	}
	if p.creatorRequestID != "" {
		out.CreatorRequestId = aws.String(p.creatorRequestID)
	}
	if p.deleted != nil && v == p.current() {
		out.DeletionDate = p.deleted
	}
	return out, nil
}

func (s *Server) updateBackupPlan(c *Call, in *awsbackup.UpdateBackupPlanInput) (*awsbackup.UpdateBackupPlanOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, false)
	if err != nil {
		return nil, err
	}
	if p.fromPolicy != "" {
		return nil, errPolicyPlan(p)
	}
	cur := p.current()
	plan, doc, err := s.buildBackupPlan(in.BackupPlan, &cur.plan)
	if err != nil {
		return nil, err
	}
	v := &backupPlanVersion{id: s.backupVersionID(), created: s.now, plan: plan, doc: doc}
	p.versions = append(p.versions, v)
	return &awsbackup.UpdateBackupPlanOutput{
		AdvancedBackupSettings: plan.AdvancedBackupSettings,
		BackupPlanArn:          aws.String(p.arn),
		BackupPlanId:           aws.String(p.id),
		CreationDate:           timePtr(v.created),
		ScanSettings:           plan.ScanSettings,
		VersionId:              aws.String(v.id),
	}, nil
}

func (s *Server) deleteBackupPlan(c *Call, in *awsbackup.DeleteBackupPlanInput) (*awsbackup.DeleteBackupPlanOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, false)
	if err != nil {
		return nil, err
	}
	if p.fromPolicy != "" {
		return nil, errPolicyPlan(p)
	}
	// DeleteBackupPlan: "A backup plan can only be deleted after all
	// associated selections of resources have been deleted."
	if len(p.selections) > 0 {
		return nil, bkInvalidRequest("Related backup plan selections must be deleted prior to backup plan deletion.")
	}
	p.deleted = timePtr(s.now)
	return &awsbackup.DeleteBackupPlanOutput{
		BackupPlanArn: aws.String(p.arn),
		BackupPlanId:  aws.String(p.id),
		DeletionDate:  p.deleted,
		VersionId:     aws.String(p.current().id),
	}, nil
}

func planListMember(p *backupPlan, v *backupPlanVersion) backuptypes.BackupPlansListMember {
	m := backuptypes.BackupPlansListMember{
		AdvancedBackupSettings: v.plan.AdvancedBackupSettings,
		BackupPlanArn:          aws.String(p.arn),
		BackupPlanId:           aws.String(p.id),
		BackupPlanName:         v.plan.BackupPlanName,
		CreationDate:           timePtr(v.created),
		LastExecutionDate:      p.lastExecution,
		VersionId:              aws.String(v.id),
	}
	if p.creatorRequestID != "" {
		m.CreatorRequestId = aws.String(p.creatorRequestID)
	}
	if p.deleted != nil && v == p.current() {
		m.DeletionDate = p.deleted
	}
	return m
}

// sortedPlans returns the plans in creation order.
func (b *backupRegion) sortedPlans() []*backupPlan {
	out := make([]*backupPlan, 0, len(b.plans))
	for _, p := range b.plans {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (s *Server) listBackupPlans(c *Call, in *awsbackup.ListBackupPlansInput) (*awsbackup.ListBackupPlansOutput, error) {
	b := s.backupCallLocked(c)
	var items []backuptypes.BackupPlansListMember
	for _, p := range b.sortedPlans() {
		if p.deleted != nil && !aws.ToBool(in.IncludeDeleted) {
			continue
		}
		items = append(items, planListMember(p, p.current()))
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupPlansOutput{BackupPlansList: page, NextToken: next}, nil
}

func (s *Server) listBackupPlanVersions(c *Call, in *awsbackup.ListBackupPlanVersionsInput) (*awsbackup.ListBackupPlanVersionsOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, true)
	if err != nil {
		return nil, err
	}
	var items []backuptypes.BackupPlansListMember
	for _, v := range p.versions {
		items = append(items, planListMember(p, v))
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupPlanVersionsOutput{BackupPlanVersionsList: page, NextToken: next}, nil
}

func (s *Server) createBackupSelection(c *Call, in *awsbackup.CreateBackupSelectionInput) (*awsbackup.CreateBackupSelectionOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, false)
	if err != nil {
		return nil, err
	}
	if p.fromPolicy != "" {
		return nil, errPolicyPlan(p)
	}
	if in.BackupSelection == nil {
		return nil, bkMissing("BackupSelection")
	}
	sel := *in.BackupSelection
	if err := bkRequire("SelectionName", sel.SelectionName, "IamRoleArn", sel.IamRoleArn); err != nil {
		return nil, err
	}
	if !backupRuleNameRE.MatchString(*sel.SelectionName) {
		return nil, bkInvalidParam("Invalid selection name %q: it must match ^[a-zA-Z0-9\\-\\_\\.]{1,50}$.", *sel.SelectionName)
	}
	if !iamRoleARNRE.MatchString(*sel.IamRoleArn) {
		return nil, bkInvalidParam("Invalid IamRoleArn %q: expected arn:aws:iam::ACCOUNT:role/NAME.", *sel.IamRoleArn)
	}
	if rid := aws.ToString(in.CreatorRequestId); rid != "" {
		for _, id := range sortedKeys(p.selections) {
			if e := p.selections[id]; e.creatorRequestID == rid {
				return &awsbackup.CreateBackupSelectionOutput{BackupPlanId: aws.String(p.id), CreationDate: timePtr(e.created), SelectionId: aws.String(e.id)}, nil
			}
		}
	}
	e := &backupSelection{id: s.ids.uuid(), seq: b.next(), created: s.now, creatorRequestID: aws.ToString(in.CreatorRequestId), sel: sel}
	p.selections[e.id] = e
	return &awsbackup.CreateBackupSelectionOutput{BackupPlanId: aws.String(p.id), CreationDate: timePtr(e.created), SelectionId: aws.String(e.id)}, nil
}

func (b *backupRegion) selection(planID, selID *string) (*backupPlan, *backupSelection, error) {
	p, err := b.plan(planID, false)
	if err != nil {
		return nil, nil, err
	}
	if err := bkRequire("SelectionId", selID); err != nil {
		return nil, nil, err
	}
	e := p.selections[*selID]
	if e == nil {
		return nil, nil, bkNotFound("Backup selection %s does not exist in backup plan %s.", *selID, p.id)
	}
	return p, e, nil
}

func (s *Server) getBackupSelection(c *Call, in *awsbackup.GetBackupSelectionInput) (*awsbackup.GetBackupSelectionOutput, error) {
	p, e, err := s.backupCallLocked(c).selection(in.BackupPlanId, in.SelectionId)
	if err != nil {
		return nil, err
	}
	sel := e.sel
	out := &awsbackup.GetBackupSelectionOutput{
		BackupPlanId:    aws.String(p.id),
		BackupSelection: &sel,
		CreationDate:    timePtr(e.created),
		SelectionId:     aws.String(e.id),
	}
	if e.creatorRequestID != "" {
		out.CreatorRequestId = aws.String(e.creatorRequestID)
	}
	return out, nil
}

func (s *Server) deleteBackupSelection(c *Call, in *awsbackup.DeleteBackupSelectionInput) (*awsbackup.DeleteBackupSelectionOutput, error) {
	p, e, err := s.backupCallLocked(c).selection(in.BackupPlanId, in.SelectionId)
	if err != nil {
		return nil, err
	}
	if p.fromPolicy != "" {
		return nil, errPolicyPlan(p)
	}
	delete(p.selections, e.id)
	return &awsbackup.DeleteBackupSelectionOutput{}, nil
}

func (s *Server) listBackupSelections(c *Call, in *awsbackup.ListBackupSelectionsInput) (*awsbackup.ListBackupSelectionsOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.plan(in.BackupPlanId, false)
	if err != nil {
		return nil, err
	}
	sels := make([]*backupSelection, 0, len(p.selections))
	for _, e := range p.selections {
		sels = append(sels, e)
	}
	sort.Slice(sels, func(i, j int) bool { return sels[i].seq < sels[j].seq })
	var items []backuptypes.BackupSelectionsListMember
	for _, e := range sels {
		m := backuptypes.BackupSelectionsListMember{
			BackupPlanId:  aws.String(p.id),
			CreationDate:  timePtr(e.created),
			IamRoleArn:    e.sel.IamRoleArn,
			SelectionId:   aws.String(e.id),
			SelectionName: e.sel.SelectionName,
		}
		if e.creatorRequestID != "" {
			m.CreatorRequestId = aws.String(e.creatorRequestID)
		}
		items = append(items, m)
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupSelectionsOutput{BackupSelectionsList: page, NextToken: next}, nil
}
