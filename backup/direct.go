package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/policy"
)

// PlansAPI is the part of the Backup client that direct distribution uses.
type PlansAPI interface {
	ListBackupPlans(ctx context.Context, in *awsbackup.ListBackupPlansInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupPlansOutput, error)
	GetBackupPlan(ctx context.Context, in *awsbackup.GetBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupPlanOutput, error)
	CreateBackupPlan(ctx context.Context, in *awsbackup.CreateBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupPlanOutput, error)
	UpdateBackupPlan(ctx context.Context, in *awsbackup.UpdateBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateBackupPlanOutput, error)
	DeleteBackupPlan(ctx context.Context, in *awsbackup.DeleteBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupPlanOutput, error)
	ListBackupSelections(ctx context.Context, in *awsbackup.ListBackupSelectionsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupSelectionsOutput, error)
	GetBackupSelection(ctx context.Context, in *awsbackup.GetBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupSelectionOutput, error)
	CreateBackupSelection(ctx context.Context, in *awsbackup.CreateBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupSelectionOutput, error)
	DeleteBackupSelection(ctx context.Context, in *awsbackup.DeleteBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupSelectionOutput, error)
}

var _ PlansAPI = (*awsbackup.Client)(nil)

const (
	kindBackupPlan      = "backup_plan"
	kindBackupSelection = "backup_selection"
)

// directPlan is the desired backup plan of one account and region in
// direct distribution mode; the plan's $account variables are resolved.
type directPlan struct {
	Plan policy.Plan `json:"plan"`
}

// forAccount resolves $account in a plan meant for an Organizations policy.
func forAccount(p policy.Plan, account string) (policy.Plan, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return p, err
	}
	var out policy.Plan
	err = json.Unmarshal([]byte(strings.ReplaceAll(string(b), policy.AccountVariable, account)), &out)
	out.Regions = nil
	return out, err
}

// Values GetBackupPlan reports for a rule created without them: a start
// window of 8 hours, a completion window of 7 days (the defaults the AWS
// Backup console shows under "Backup window") and schedules in UTC
// (BackupRule.ScheduleExpressionTimezone: "By default, ScheduleExpressions
// are in UTC").
const (
	defaultStartWindowMinutes      = 480
	defaultCompletionWindowMinutes = 10080
	defaultScheduleTimezone        = "Etc/UTC"
)

// withRuleDefaults returns p with the rules' omitted windows and time zone
// set to what AWS reports for them, so a plan read back compares equal to
// the plan it was created from.
func withRuleDefaults(p policy.Plan) policy.Plan {
	p.Rules = slices.Clone(p.Rules)
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.StartWindowMinutes == 0 {
			r.StartWindowMinutes = defaultStartWindowMinutes
		}
		if r.CompletionWindowMinutes == 0 {
			r.CompletionWindowMinutes = defaultCompletionWindowMinutes
		}
		if r.ScheduleTimezone == "" || r.ScheduleTimezone == "UTC" {
			r.ScheduleTimezone = defaultScheduleTimezone
		}
	}
	return p
}

// planDirect compares the backup plans orgbackup manages in one account and
// region with the desired ones (already resolved for the account).
func planDirect(ctx context.Context, api PlansAPI, account, region, sp string, want []policy.Plan) ([]Change, error) {
	type live struct {
		id   string
		plan *policy.Plan
		sels []backuptypes.BackupSelectionsListMember
	}
	existing := map[string]*live{}
	var token *string
	for {
		out, err := api.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("listing backup plans in %s/%s: %w", account, region, err)
		}
		for _, p := range out.BackupPlansList {
			name := aws.ToString(p.BackupPlanName)
			if strings.HasPrefix(name, managedPolicyPrefix(sp)) {
				existing[name] = &live{id: aws.ToString(p.BackupPlanId)}
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	for name, l := range existing {
		got, err := api.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(l.id)})
		if err != nil {
			return nil, fmt.Errorf("reading backup plan %s in %s/%s: %w", name, account, region, err)
		}
		var sels []backuptypes.BackupSelection
		var st *string
		for {
			out, err := api.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(l.id), NextToken: st})
			if err != nil {
				return nil, fmt.Errorf("listing selections of backup plan %s in %s/%s: %w", name, account, region, err)
			}
			l.sels = append(l.sels, out.BackupSelectionsList...)
			if st = out.NextToken; st == nil {
				break
			}
		}
		for _, s := range l.sels {
			gs, err := api.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: aws.String(l.id), SelectionId: s.SelectionId})
			if err != nil {
				return nil, fmt.Errorf("reading selection %s of backup plan %s: %w", aws.ToString(s.SelectionName), name, err)
			}
			sels = append(sels, *gs.BackupSelection)
		}
		p, err := policy.PlanFromAPI(got.BackupPlan, got.AdvancedBackupSettings, sels...)
		if err != nil {
			return nil, fmt.Errorf("reading backup plan %s in %s/%s: %w", name, account, region, err)
		}
		l.plan = p
	}

	var changes []Change
	addr := func(kind, name string) string { return account + "/" + region + "/" + kind + "/" + name }
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		wantRules := w
		wantRules.Selections, wantRules.Tags, wantRules.Regions = nil, nil, nil
		if l == nil {
			changes = append(changes, newChange(addr(kindBackupPlan, w.Name), kindBackupPlan, account, region, w.Name, Create, nil, directPlan{w}, "the tier's backup plan does not exist in this account"))
			continue
		}
		liveRules := *l.plan
		liveRules.Selections, liveRules.Tags, liveRules.Regions = nil, nil, nil
		if !jsonEqual(mustJSON(withRuleDefaults(liveRules)), mustJSON(withRuleDefaults(wantRules))) {
			c := newChange(addr(kindBackupPlan, w.Name), kindBackupPlan, account, region, w.Name, Update, directPlan{liveRules}, directPlan{w}, "the backup plan's rules differ from the spec")
			if reasons := weakerPlans([]policy.Plan{liveRules}, []policy.Plan{wantRules}); len(reasons) > 0 {
				c.Destructive = true
				c.Reason = "weakens protection: " + strings.Join(reasons, "; ")
			}
			changes = append(changes, c)
		} else if !jsonEqual(mustJSON(l.plan.Selections), mustJSON(w.Selections)) {
			// Selections cannot be updated in place: the plan change
			// recreates them.
			changes = append(changes, newChange(addr(kindBackupPlan, w.Name), kindBackupPlan, account, region, w.Name, Update,
				directPlan{*l.plan}, directPlan{w}, "the backup plan's resource selections differ from the spec (selections are replaced)"))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if wanted[name] {
			continue
		}
		c := newChange(addr(kindBackupPlan, name), kindBackupPlan, account, region, name, Delete, directPlan{*existing[name].plan}, nil,
			"the plan is no longer in the spec for this account; its recovery points are kept")
		c.Destructive = true
		changes = append(changes, c)
	}
	return changes, nil
}

// applyDirect creates, updates or deletes one backup plan with its
// selections; re-running converges.
func applyDirect(ctx context.Context, api PlansAPI, c Change, tags map[string]string) error {
	findID := func(name string) (string, error) {
		var token *string
		for {
			out, err := api.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{NextToken: token})
			if err != nil {
				return "", err
			}
			for _, p := range out.BackupPlansList {
				if aws.ToString(p.BackupPlanName) == name {
					return aws.ToString(p.BackupPlanId), nil
				}
			}
			if token = out.NextToken; token == nil {
				return "", nil
			}
		}
	}
	deleteSelections := func(id string) error {
		out, err := api.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(id)})
		if err != nil {
			return err
		}
		for _, s := range out.BackupSelectionsList {
			_, err := api.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: aws.String(id), SelectionId: s.SelectionId})
			var nf *backuptypes.ResourceNotFoundException
			if err != nil && !errors.As(err, &nf) {
				return err
			}
		}
		return nil
	}
	if c.Action == Delete {
		id, err := findID(c.Name)
		if err != nil || id == "" {
			return err
		}
		if err := deleteSelections(id); err != nil {
			return err
		}
		_, err = api.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(id)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	var d directPlan
	if err := json.Unmarshal(c.After, &d); err != nil {
		return err
	}
	input, err := d.Plan.BackupPlanInput()
	if err != nil {
		return err
	}
	input.BackupPlanName = aws.String(d.Plan.Name)
	id, err := findID(d.Plan.Name)
	if err != nil {
		return err
	}
	if id == "" {
		out, err := api.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: input, BackupPlanTags: tags, CreatorRequestId: aws.String(c.Address)})
		if err != nil {
			return err
		}
		id = aws.ToString(out.BackupPlanId)
	} else {
		if _, err := api.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: input}); err != nil {
			return err
		}
		if err := deleteSelections(id); err != nil {
			return err
		}
	}
	for _, s := range d.Plan.Selections {
		sel := s.BackupSelection()
		sel.SelectionName = aws.String(s.Name)
		if _, err := api.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: aws.String(id), BackupSelection: &sel}); err != nil {
			return fmt.Errorf("creating selection %s: %w", s.Name, err)
		}
	}
	return nil
}
