package emulator

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/policy"
)

type backupRestoreTestingPlan struct {
	name, arn        string
	creatorRequestID string
	created, updated time.Time
	selectionRP      backuptypes.RestoreTestingRecoveryPointSelection
	schedule         string
	timezone         *string
	startWindowHours int32
	selections       map[string]*backupRestoreTestingSelection
}

type backupRestoreTestingSelection struct {
	created, updated time.Time
	creatorRequestID string
	sel              backuptypes.RestoreTestingSelectionForGet
}

// checkRestoreRecoveryPointSelection applies RestoreTestingRecoveryPointSelection's
// rules: Algorithm, IncludeVaults and RecoveryPointTypes are required;
// SelectionWindowDays is 1-365 and defaults to 30.
func checkRestoreRecoveryPointSelection(sel *backuptypes.RestoreTestingRecoveryPointSelection) (backuptypes.RestoreTestingRecoveryPointSelection, error) {
	if sel == nil {
		return backuptypes.RestoreTestingRecoveryPointSelection{}, bkMissing("RecoveryPointSelection")
	}
	out := *sel
	if out.Algorithm == "" {
		return out, bkMissing("Algorithm")
	}
	if !slices.Contains(out.Algorithm.Values(), out.Algorithm) {
		return out, bkInvalidParam("Invalid Algorithm %q: use LATEST_WITHIN_WINDOW or RANDOM_WITHIN_WINDOW.", out.Algorithm)
	}
	if len(out.IncludeVaults) == 0 {
		return out, bkMissing("IncludeVaults")
	}
	if len(out.RecoveryPointTypes) == 0 {
		return out, bkMissing("RecoveryPointTypes")
	}
	for _, t := range out.RecoveryPointTypes {
		if !slices.Contains(t.Values(), t) {
			return out, bkInvalidParam("Invalid recovery point type %q: use SNAPSHOT or CONTINUOUS.", t)
		}
	}
	if out.SelectionWindowDays == 0 {
		out.SelectionWindowDays = 30
	}
	if out.SelectionWindowDays < 1 || out.SelectionWindowDays > 365 {
		return out, bkInvalidParam("SelectionWindowDays must be between 1 and 365.")
	}
	return out, nil
}

// checkRestoreSchedule validates a restore testing schedule (a cron
// expression, like backup rules) and its time zone.
func checkRestoreSchedule(expr string, tz *string) error {
	if _, err := policy.ParseCron(expr); err != nil {
		return bkInvalidParam("Invalid ScheduleExpression %q: %v", expr, err)
	}
	if tz != nil && *tz != "" {
		if _, err := time.LoadLocation(*tz); err != nil {
			return bkInvalidParam("Invalid ScheduleExpressionTimezone %q.", *tz)
		}
	}
	return nil
}

func (s *Server) createRestoreTestingPlan(c *Call, in *awsbackup.CreateRestoreTestingPlanInput) (*awsbackup.CreateRestoreTestingPlanOutput, error) {
	if in.RestoreTestingPlan == nil {
		return nil, bkMissing("RestoreTestingPlan")
	}
	p := in.RestoreTestingPlan
	if err := bkRequire("RestoreTestingPlanName", p.RestoreTestingPlanName, "ScheduleExpression", p.ScheduleExpression); err != nil {
		return nil, err
	}
	if !backupRestoreNameRE.MatchString(*p.RestoreTestingPlanName) {
		return nil, bkInvalidParam("Invalid restore testing plan name %q: use only alphanumeric characters and underscores.", *p.RestoreTestingPlanName)
	}
	rps, err := checkRestoreRecoveryPointSelection(p.RecoveryPointSelection)
	if err != nil {
		return nil, err
	}
	if err := checkRestoreSchedule(*p.ScheduleExpression, p.ScheduleExpressionTimezone); err != nil {
		return nil, err
	}
	// StartWindowHours: defaults to 24, at most 168.
	start := p.StartWindowHours
	if start == 0 {
		start = 24
	}
	if start < 1 || start > 168 {
		return nil, bkInvalidParam("StartWindowHours must be between 1 and 168.")
	}
	b := s.backupCallLocked(c)
	if e := b.restoreTesting[*p.RestoreTestingPlanName]; e != nil {
		return nil, bkAlreadyExists(e.arn, e.creatorRequestID, "Restore testing plan %s already exists.", e.name)
	}
	rp := &backupRestoreTestingPlan{
		name:             *p.RestoreTestingPlanName,
		arn:              b.arn("restore-testing-plan", *p.RestoreTestingPlanName+"-"+s.ids.lower(6)),
		creatorRequestID: aws.ToString(in.CreatorRequestId),
		created:          s.now,
		updated:          s.now,
		selectionRP:      rps,
		schedule:         *p.ScheduleExpression,
		timezone:         p.ScheduleExpressionTimezone,
		startWindowHours: start,
		selections:       map[string]*backupRestoreTestingSelection{},
	}
	b.restoreTesting[rp.name] = rp
	if len(in.Tags) > 0 {
		b.tags[rp.arn] = copyTags(in.Tags)
	}
	return &awsbackup.CreateRestoreTestingPlanOutput{CreationTime: timePtr(rp.created), RestoreTestingPlanArn: aws.String(rp.arn), RestoreTestingPlanName: aws.String(rp.name)}, nil
}

func (b *backupRegion) restoreTestingPlan(name *string) (*backupRestoreTestingPlan, error) {
	if err := bkRequire("RestoreTestingPlanName", name); err != nil {
		return nil, err
	}
	p := b.restoreTesting[*name]
	if p == nil {
		return nil, bkNotFound("Restore testing plan %s does not exist.", *name)
	}
	return p, nil
}

func (s *Server) getRestoreTestingPlan(c *Call, in *awsbackup.GetRestoreTestingPlanInput) (*awsbackup.GetRestoreTestingPlanOutput, error) {
	p, err := s.backupCallLocked(c).restoreTestingPlan(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	rps := p.selectionRP
	out := &backuptypes.RestoreTestingPlanForGet{
		CreationTime:               timePtr(p.created),
		RecoveryPointSelection:     &rps,
		RestoreTestingPlanArn:      aws.String(p.arn),
		RestoreTestingPlanName:     aws.String(p.name),
		ScheduleExpression:         aws.String(p.schedule),
		ScheduleExpressionTimezone: p.timezone,
		StartWindowHours:           p.startWindowHours,
		LastUpdateTime:             timePtr(p.updated),
	}
	if p.creatorRequestID != "" {
		out.CreatorRequestId = aws.String(p.creatorRequestID)
	}
	return &awsbackup.GetRestoreTestingPlanOutput{RestoreTestingPlan: out}, nil
}

func (s *Server) updateRestoreTestingPlan(c *Call, in *awsbackup.UpdateRestoreTestingPlanInput) (*awsbackup.UpdateRestoreTestingPlanOutput, error) {
	p, err := s.backupCallLocked(c).restoreTestingPlan(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	if in.RestoreTestingPlan == nil {
		return nil, bkMissing("RestoreTestingPlan")
	}
	u := in.RestoreTestingPlan
	schedule, tz := p.schedule, p.timezone
	if u.ScheduleExpression != nil {
		schedule = *u.ScheduleExpression
	}
	if u.ScheduleExpressionTimezone != nil {
		tz = u.ScheduleExpressionTimezone
	}
	if err := checkRestoreSchedule(schedule, tz); err != nil {
		return nil, err
	}
	rps := p.selectionRP
	if u.RecoveryPointSelection != nil {
		if rps, err = checkRestoreRecoveryPointSelection(u.RecoveryPointSelection); err != nil {
			return nil, err
		}
	}
	start := p.startWindowHours
	if u.StartWindowHours != 0 {
		if u.StartWindowHours < 1 || u.StartWindowHours > 168 {
			return nil, bkInvalidParam("StartWindowHours must be between 1 and 168.")
		}
		start = u.StartWindowHours
	}
	p.schedule, p.timezone, p.selectionRP, p.startWindowHours, p.updated = schedule, tz, rps, start, s.now
	return &awsbackup.UpdateRestoreTestingPlanOutput{CreationTime: timePtr(p.created), RestoreTestingPlanArn: aws.String(p.arn), RestoreTestingPlanName: aws.String(p.name), UpdateTime: timePtr(p.updated)}, nil
}

func (s *Server) deleteRestoreTestingPlan(c *Call, in *awsbackup.DeleteRestoreTestingPlanInput) (*awsbackup.DeleteRestoreTestingPlanOutput, error) {
	b := s.backupCallLocked(c)
	p, err := b.restoreTestingPlan(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	// "Deletion can only successfully occur if all associated restore
	// testing selections are deleted first."
	if len(p.selections) > 0 {
		return nil, bkInvalidRequest("Restore testing plan %s still has restore testing selections; delete them first.", p.name)
	}
	delete(b.restoreTesting, p.name)
	delete(b.tags, p.arn)
	return &awsbackup.DeleteRestoreTestingPlanOutput{}, nil
}

func (s *Server) listRestoreTestingPlans(c *Call, in *awsbackup.ListRestoreTestingPlansInput) (*awsbackup.ListRestoreTestingPlansOutput, error) {
	b := s.backupCallLocked(c)
	var items []backuptypes.RestoreTestingPlanForList
	for _, name := range sortedKeys(b.restoreTesting) {
		p := b.restoreTesting[name]
		items = append(items, backuptypes.RestoreTestingPlanForList{
			CreationTime:               timePtr(p.created),
			RestoreTestingPlanArn:      aws.String(p.arn),
			RestoreTestingPlanName:     aws.String(p.name),
			ScheduleExpression:         aws.String(p.schedule),
			ScheduleExpressionTimezone: p.timezone,
			StartWindowHours:           p.startWindowHours,
			LastUpdateTime:             timePtr(p.updated),
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListRestoreTestingPlansOutput{RestoreTestingPlans: page, NextToken: next}, nil
}

// checkRestoreSelectionTargets applies RestoreTestingSelectionForCreate's
// rules (AWS Backup API Reference): "A restore testing selection can
// include a wildcard value ("*") for ProtectedResourceArns along with
// ProtectedResourceConditions. Alternatively, you can include up to 30
// specific protected resource ARNs in ProtectedResourceArns. Cannot select
// by both protected resource types AND specific ARNs"; and
// ValidationWindowHours 0-168.
func checkRestoreSelectionTargets(arns []string, cond *backuptypes.ProtectedResourceConditions, window *int32) error {
	specific := 0
	for _, a := range arns {
		if a != "*" {
			specific++
		}
	}
	if specific > 0 && cond != nil && (len(cond.StringEquals) > 0 || len(cond.StringNotEquals) > 0) {
		return bkInvalidParam("Specify either specific ProtectedResourceArns or the wildcard \"*\" with ProtectedResourceConditions, not both.")
	}
	if specific > 30 {
		return bkInvalidParam("ProtectedResourceArns can list at most 30 protected resources.")
	}
	if window != nil && (*window < 0 || *window > 168) {
		return bkInvalidParam("ValidationWindowHours must be between 0 and 168.")
	}
	return nil
}

func (s *Server) createRestoreTestingSelection(c *Call, in *awsbackup.CreateRestoreTestingSelectionInput) (*awsbackup.CreateRestoreTestingSelectionOutput, error) {
	p, err := s.backupCallLocked(c).restoreTestingPlan(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	if in.RestoreTestingSelection == nil {
		return nil, bkMissing("RestoreTestingSelection")
	}
	r := in.RestoreTestingSelection
	if err := bkRequire("RestoreTestingSelectionName", r.RestoreTestingSelectionName, "IamRoleArn", r.IamRoleArn, "ProtectedResourceType", r.ProtectedResourceType); err != nil {
		return nil, err
	}
	if !backupRestoreNameRE.MatchString(*r.RestoreTestingSelectionName) {
		return nil, bkInvalidParam("Invalid restore testing selection name %q: use only alphanumeric characters and underscores, at most 50.", *r.RestoreTestingSelectionName)
	}
	if !iamRoleARNRE.MatchString(*r.IamRoleArn) {
		return nil, bkInvalidParam("Invalid IamRoleArn %q.", *r.IamRoleArn)
	}
	if err := checkRestoreSelectionTargets(r.ProtectedResourceArns, r.ProtectedResourceConditions, r.ValidationWindowHours); err != nil {
		return nil, err
	}
	if e := p.selections[*r.RestoreTestingSelectionName]; e != nil {
		return nil, bkAlreadyExists("", e.creatorRequestID, "Restore testing selection %s already exists.", *r.RestoreTestingSelectionName)
	}
	e := &backupRestoreTestingSelection{
		created:          s.now,
		updated:          s.now,
		creatorRequestID: aws.ToString(in.CreatorRequestId),
		sel: backuptypes.RestoreTestingSelectionForGet{
			IamRoleArn:                  aws.String(*r.IamRoleArn),
			ProtectedResourceType:       aws.String(*r.ProtectedResourceType),
			RestoreTestingPlanName:      aws.String(p.name),
			RestoreTestingSelectionName: aws.String(*r.RestoreTestingSelectionName),
			ProtectedResourceArns:       slices.Clone(r.ProtectedResourceArns),
			ProtectedResourceConditions: r.ProtectedResourceConditions,
			RestoreMetadataOverrides:    copyTags(r.RestoreMetadataOverrides),
			ValidationWindowHours:       aws.ToInt32(r.ValidationWindowHours),
		},
	}
	e.sel.CreationTime = timePtr(e.created)
	if e.creatorRequestID != "" {
		e.sel.CreatorRequestId = aws.String(e.creatorRequestID)
	}
	p.selections[*r.RestoreTestingSelectionName] = e
	return &awsbackup.CreateRestoreTestingSelectionOutput{
		CreationTime:                timePtr(e.created),
		RestoreTestingPlanArn:       aws.String(p.arn),
		RestoreTestingPlanName:      aws.String(p.name),
		RestoreTestingSelectionName: aws.String(*r.RestoreTestingSelectionName),
	}, nil
}

func (b *backupRegion) restoreTestingSelection(plan, name *string) (*backupRestoreTestingPlan, *backupRestoreTestingSelection, error) {
	p, err := b.restoreTestingPlan(plan)
	if err != nil {
		return nil, nil, err
	}
	if err := bkRequire("RestoreTestingSelectionName", name); err != nil {
		return nil, nil, err
	}
	e := p.selections[*name]
	if e == nil {
		return nil, nil, bkNotFound("Restore testing selection %s does not exist in restore testing plan %s.", *name, p.name)
	}
	return p, e, nil
}

func (s *Server) getRestoreTestingSelection(c *Call, in *awsbackup.GetRestoreTestingSelectionInput) (*awsbackup.GetRestoreTestingSelectionOutput, error) {
	_, e, err := s.backupCallLocked(c).restoreTestingSelection(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	sel := e.sel
	return &awsbackup.GetRestoreTestingSelectionOutput{RestoreTestingSelection: &sel}, nil
}

func (s *Server) updateRestoreTestingSelection(c *Call, in *awsbackup.UpdateRestoreTestingSelectionInput) (*awsbackup.UpdateRestoreTestingSelectionOutput, error) {
	p, e, err := s.backupCallLocked(c).restoreTestingSelection(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	if in.RestoreTestingSelection == nil {
		return nil, bkMissing("RestoreTestingSelection")
	}
	u := in.RestoreTestingSelection
	next := e.sel
	if u.IamRoleArn != nil {
		if !iamRoleARNRE.MatchString(*u.IamRoleArn) {
			return nil, bkInvalidParam("Invalid IamRoleArn %q.", *u.IamRoleArn)
		}
		next.IamRoleArn = aws.String(*u.IamRoleArn)
	}
	if u.ProtectedResourceArns != nil {
		next.ProtectedResourceArns = slices.Clone(u.ProtectedResourceArns)
		next.ProtectedResourceConditions = nil
	}
	if u.ProtectedResourceConditions != nil {
		next.ProtectedResourceConditions = u.ProtectedResourceConditions
		if u.ProtectedResourceArns == nil {
			next.ProtectedResourceArns = nil
		}
	}
	if u.RestoreMetadataOverrides != nil {
		next.RestoreMetadataOverrides = copyTags(u.RestoreMetadataOverrides)
	}
	if u.ValidationWindowHours != nil {
		next.ValidationWindowHours = *u.ValidationWindowHours
	}
	if err := checkRestoreSelectionTargets(next.ProtectedResourceArns, next.ProtectedResourceConditions, u.ValidationWindowHours); err != nil {
		return nil, err
	}
	e.sel, e.updated = next, s.now
	return &awsbackup.UpdateRestoreTestingSelectionOutput{
		CreationTime:                timePtr(e.created),
		RestoreTestingPlanArn:       aws.String(p.arn),
		RestoreTestingPlanName:      aws.String(p.name),
		RestoreTestingSelectionName: e.sel.RestoreTestingSelectionName,
		UpdateTime:                  timePtr(e.updated),
	}, nil
}

func (s *Server) deleteRestoreTestingSelection(c *Call, in *awsbackup.DeleteRestoreTestingSelectionInput) (*awsbackup.DeleteRestoreTestingSelectionOutput, error) {
	p, e, err := s.backupCallLocked(c).restoreTestingSelection(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	delete(p.selections, aws.ToString(e.sel.RestoreTestingSelectionName))
	return &awsbackup.DeleteRestoreTestingSelectionOutput{}, nil
}

func (s *Server) listRestoreTestingSelections(c *Call, in *awsbackup.ListRestoreTestingSelectionsInput) (*awsbackup.ListRestoreTestingSelectionsOutput, error) {
	p, err := s.backupCallLocked(c).restoreTestingPlan(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	var items []backuptypes.RestoreTestingSelectionForList
	for _, name := range sortedKeys(p.selections) {
		e := p.selections[name]
		items = append(items, backuptypes.RestoreTestingSelectionForList{
			CreationTime:                timePtr(e.created),
			IamRoleArn:                  e.sel.IamRoleArn,
			ProtectedResourceType:       e.sel.ProtectedResourceType,
			RestoreTestingPlanName:      aws.String(p.name),
			RestoreTestingSelectionName: e.sel.RestoreTestingSelectionName,
			ValidationWindowHours:       e.sel.ValidationWindowHours,
		})
	}
	page, next, err := backupPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListRestoreTestingSelectionsOutput{RestoreTestingSelections: page, NextToken: next}, nil
}
