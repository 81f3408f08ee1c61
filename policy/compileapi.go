package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// BackupPlanInput compiles p to the BackupPlan of a CreateBackupPlan or
// UpdateBackupPlan request. It validates p for TargetAPI first and returns
// the validation errors, if any. Zero fields are left out so that AWS applies
// its defaults; Regions and Tags have no place in the input (see
// CreateBackupPlanInput for the tags).
func (p *Plan) BackupPlanInput() (*backuptypes.BackupPlanInput, error) {
	if err := p.Validate(TargetAPI); err != nil {
		return nil, fmt.Errorf("compiling backup plan %q: %w", planNameOf(p), err)
	}
	in := &backuptypes.BackupPlanInput{
		BackupPlanName: apiPtr(p.Name),
		Rules:          make([]backuptypes.BackupRuleInput, 0, len(p.Rules)),
	}
	for _, r := range p.Rules {
		in.Rules = append(in.Rules, r.backupRuleInput())
	}
	for _, s := range p.AdvancedSettings {
		in.AdvancedBackupSettings = append(in.AdvancedBackupSettings, backuptypes.AdvancedBackupSetting{
			ResourceType:  apiPtr(s.ResourceType),
			BackupOptions: maps.Clone(s.Options),
		})
	}
	return in, nil
}

// CreateBackupPlanInput compiles p to a CreateBackupPlan request, with the
// plan's tags as BackupPlanTags. creatorRequestID, if not empty, makes the
// request idempotent.
func (p *Plan) CreateBackupPlanInput(creatorRequestID string) (*awsbackup.CreateBackupPlanInput, error) {
	plan, err := p.BackupPlanInput()
	if err != nil {
		return nil, err
	}
	in := &awsbackup.CreateBackupPlanInput{BackupPlan: plan}
	if len(p.Tags) > 0 {
		in.BackupPlanTags = maps.Clone(p.Tags)
	}
	if creatorRequestID != "" {
		in.CreatorRequestId = apiPtr(creatorRequestID)
	}
	return in, nil
}

func planNameOf(p *Plan) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func (r Rule) backupRuleInput() backuptypes.BackupRuleInput {
	in := backuptypes.BackupRuleInput{
		RuleName:                   apiPtr(r.Name),
		TargetBackupVaultName:      apiPtr(r.TargetVault),
		ScheduleExpression:         apiNonZero(r.Schedule),
		ScheduleExpressionTimezone: apiNonZero(r.ScheduleTimezone),
		StartWindowMinutes:         apiNonZero(r.StartWindowMinutes),
		CompletionWindowMinutes:    apiNonZero(r.CompletionWindowMinutes),
		Lifecycle:                  r.Lifecycle.api(),
	}
	if len(r.RecoveryPointTags) > 0 {
		in.RecoveryPointTags = maps.Clone(r.RecoveryPointTags)
	}
	if r.ContinuousBackup {
		in.EnableContinuousBackup = apiPtr(true)
	}
	for _, c := range r.CopyActions {
		in.CopyActions = append(in.CopyActions, backuptypes.CopyAction{
			DestinationBackupVaultArn: apiPtr(c.DestinationVaultARN),
			Lifecycle:                 c.Lifecycle.api(),
		})
	}
	return in
}

func (l Lifecycle) api() *backuptypes.Lifecycle {
	if l.IsZero() {
		return nil
	}
	out := &backuptypes.Lifecycle{
		MoveToColdStorageAfterDays: apiNonZero(l.MoveToColdStorageAfterDays),
		DeleteAfterDays:            apiNonZero(l.DeleteAfterDays),
	}
	if l.OptInToArchiveForSupportedResources {
		out.OptInToArchiveForSupportedResources = apiPtr(true)
	}
	return out
}

// BackupSelection compiles s to the BackupSelection of a
// CreateBackupSelection request. ListOfTags become STRINGEQUALS Conditions
// (Condition); Conditions become ConditionParameters grouped by operator,
// keeping their order within each operator, with keys prefixed by
// "aws:ResourceTag/". It does not validate s; Plan.Validate does.
func (s Selection) BackupSelection() backuptypes.BackupSelection {
	out := backuptypes.BackupSelection{
		SelectionName: apiPtr(s.Name),
		IamRoleArn:    apiPtr(s.IAMRoleARN),
	}
	if len(s.Resources) > 0 {
		out.Resources = slices.Clone(s.Resources)
	}
	if len(s.NotResources) > 0 {
		out.NotResources = slices.Clone(s.NotResources)
	}
	for _, c := range s.ListOfTags {
		out.ListOfTags = append(out.ListOfTags, backuptypes.Condition{
			ConditionType:  backuptypes.ConditionType(c.Type),
			ConditionKey:   apiPtr(c.Key),
			ConditionValue: apiPtr(c.Value),
		})
	}
	if len(s.Conditions) > 0 {
		conds := &backuptypes.Conditions{}
		for _, c := range s.Conditions {
			param := backuptypes.ConditionParameter{ConditionKey: apiPtr(conditionTagPrefix + c.Key), ConditionValue: apiPtr(c.Value)}
			switch c.Type {
			case StringEquals:
				conds.StringEquals = append(conds.StringEquals, param)
			case StringNotEquals:
				conds.StringNotEquals = append(conds.StringNotEquals, param)
			case StringLike:
				conds.StringLike = append(conds.StringLike, param)
			case StringNotLike:
				conds.StringNotLike = append(conds.StringNotLike, param)
			}
		}
		out.Conditions = conds
	}
	return out
}

// BackupSelections compiles every selection of p, in order.
func (p *Plan) BackupSelections() []backuptypes.BackupSelection {
	out := make([]backuptypes.BackupSelection, 0, len(p.Selections))
	for _, s := range p.Selections {
		out = append(out, s.BackupSelection())
	}
	return out
}

// PlanFromAPI converts a live backup plan, as GetBackupPlan returns it
// (GetBackupPlanOutput.BackupPlan and AdvancedBackupSettings), and its
// selections (GetBackupSelectionOutput.BackupSelection) back to a Plan, so
// that drift detection can compare it with the desired one. The plan's tags
// and regions are not part of these outputs; set them from ListTags and the
// client's region if needed.
//
// Lifecycle values of -1 or less (AWS's "keep forever") become 0. Fields the
// Plan does not model (logically air-gapped target vaults, index and scan
// actions, rule IDs, DeleteAfterEvent) are dropped. Conditions come back
// grouped by operator in the order StringEquals, StringNotEquals,
// StringLike, StringNotLike, with the "aws:ResourceTag/" prefix removed.
func PlanFromAPI(plan *backuptypes.BackupPlan, advanced []backuptypes.AdvancedBackupSetting, selections ...backuptypes.BackupSelection) (*Plan, error) {
	if plan == nil {
		return nil, errors.New("converting backup plan: no plan given")
	}
	p := &Plan{Name: apiDeref(plan.BackupPlanName)}
	for _, r := range plan.Rules {
		p.Rules = append(p.Rules, ruleFromAPI(r))
	}
	if advanced == nil {
		advanced = plan.AdvancedBackupSettings
	}
	for _, s := range advanced {
		p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{
			ResourceType: apiDeref(s.ResourceType),
			Options:      maps.Clone(s.BackupOptions),
		})
	}
	var errs []error
	for _, s := range selections {
		sel, err := SelectionFromAPI(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.Selections = append(p.Selections, sel)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("converting backup plan %q: %w", p.Name, err)
	}
	return p, nil
}

func ruleFromAPI(r backuptypes.BackupRule) Rule {
	out := Rule{
		Name:                    apiDeref(r.RuleName),
		Schedule:                apiDeref(r.ScheduleExpression),
		ScheduleTimezone:        apiDeref(r.ScheduleExpressionTimezone),
		StartWindowMinutes:      apiDeref(r.StartWindowMinutes),
		CompletionWindowMinutes: apiDeref(r.CompletionWindowMinutes),
		TargetVault:             apiDeref(r.TargetBackupVaultName),
		Lifecycle:               lifecycleFromAPI(r.Lifecycle),
		ContinuousBackup:        apiDeref(r.EnableContinuousBackup),
	}
	if len(r.RecoveryPointTags) > 0 {
		out.RecoveryPointTags = maps.Clone(r.RecoveryPointTags)
	}
	for _, c := range r.CopyActions {
		out.CopyActions = append(out.CopyActions, CopyAction{
			DestinationVaultARN: apiDeref(c.DestinationBackupVaultArn),
			Lifecycle:           lifecycleFromAPI(c.Lifecycle),
		})
	}
	return out
}

func lifecycleFromAPI(l *backuptypes.Lifecycle) Lifecycle {
	if l == nil {
		return Lifecycle{}
	}
	return Lifecycle{
		MoveToColdStorageAfterDays:          max(apiDeref(l.MoveToColdStorageAfterDays), 0),
		DeleteAfterDays:                     max(apiDeref(l.DeleteAfterDays), 0),
		OptInToArchiveForSupportedResources: apiDeref(l.OptInToArchiveForSupportedResources),
	}
}

// SelectionFromAPI converts a live selection back to a Selection (see
// PlanFromAPI). It fails on a ListOfTags condition type it does not know.
func SelectionFromAPI(s backuptypes.BackupSelection) (Selection, error) {
	out := Selection{
		Name:       apiDeref(s.SelectionName),
		IAMRoleARN: apiDeref(s.IamRoleArn),
	}
	if len(s.Resources) > 0 {
		out.Resources = slices.Clone(s.Resources)
	}
	if len(s.NotResources) > 0 {
		out.NotResources = slices.Clone(s.NotResources)
	}
	for _, c := range s.ListOfTags {
		if c.ConditionType != backuptypes.ConditionTypeStringequals {
			return Selection{}, fmt.Errorf("converting selection %q: unknown ListOfTags condition type %q", out.Name, c.ConditionType)
		}
		out.ListOfTags = append(out.ListOfTags, TagCondition{Type: StringEquals, Key: apiDeref(c.ConditionKey), Value: apiDeref(c.ConditionValue)})
	}
	if c := s.Conditions; c != nil {
		for _, group := range []struct {
			op     ConditionType
			params []backuptypes.ConditionParameter
		}{
			{StringEquals, c.StringEquals},
			{StringNotEquals, c.StringNotEquals},
			{StringLike, c.StringLike},
			{StringNotLike, c.StringNotLike},
		} {
			for _, param := range group.params {
				out.Conditions = append(out.Conditions, TagCondition{
					Type:  group.op,
					Key:   strings.TrimPrefix(apiDeref(param.ConditionKey), conditionTagPrefix),
					Value: apiDeref(param.ConditionValue),
				})
			}
		}
	}
	return out, nil
}

func apiPtr[T any](v T) *T { return &v }

// apiNonZero returns a pointer to v, or nil if v is the zero value.
func apiNonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func apiDeref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
