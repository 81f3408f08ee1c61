package distribution

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
)

// PlansReader is the part of the Backup client that planning direct
// distribution reads.
type PlansReader interface {
	managedtags.BackupTagReader
	ListBackupPlans(ctx context.Context, in *awsbackup.ListBackupPlansInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupPlansOutput, error)
	GetBackupPlan(ctx context.Context, in *awsbackup.GetBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupPlanOutput, error)
	ListBackupSelections(ctx context.Context, in *awsbackup.ListBackupSelectionsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupSelectionsOutput, error)
	GetBackupSelection(ctx context.Context, in *awsbackup.GetBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.GetBackupSelectionOutput, error)
}

// PlansWriter is the part of the Backup client that applying direct
// distribution uses (it looks plans up first).
type PlansWriter interface {
	managedtags.BackupTagWriter
	ListBackupPlans(ctx context.Context, in *awsbackup.ListBackupPlansInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupPlansOutput, error)
	ListBackupSelections(ctx context.Context, in *awsbackup.ListBackupSelectionsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupSelectionsOutput, error)
	CreateBackupPlan(ctx context.Context, in *awsbackup.CreateBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupPlanOutput, error)
	UpdateBackupPlan(ctx context.Context, in *awsbackup.UpdateBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateBackupPlanOutput, error)
	DeleteBackupPlan(ctx context.Context, in *awsbackup.DeleteBackupPlanInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupPlanOutput, error)
	CreateBackupSelection(ctx context.Context, in *awsbackup.CreateBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.CreateBackupSelectionOutput, error)
	DeleteBackupSelection(ctx context.Context, in *awsbackup.DeleteBackupSelectionInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupSelectionOutput, error)
}

var (
	_ PlansReader = (*awsbackup.Client)(nil)
	_ PlansWriter = (*awsbackup.Client)(nil)
)

// KindPlan is a backup plan orgbackup creates in an account and Region in
// direct distribution mode, with its selections.
const KindPlan = "backup_plan"

// directPlan is the desired backup plan of one account and region in
// direct distribution mode; the plan's $account variables are resolved.
type directPlan struct {
	Plan policy.Plan `json:"plan"`
	// Tags are the plan's managed tags (managedtags.View of the live
	// ones in a Before).
	Tags map[string]string `json:"tags,omitempty"`
}

// ForAccount resolves $account in a plan meant for an Organizations policy.
func ForAccount(p policy.Plan, account string) (policy.Plan, error) {
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

// PlanBackupPlans compares the backup plans orgbackup manages in one
// account and Region with the desired ones (already resolved for the
// account, see ForAccount), each to carry tags.
func PlanBackupPlans(ctx context.Context, api PlansReader, account, region string, want []policy.Plan, tags map[string]string) ([]plan.Change, error) {
	type live struct {
		id   string
		plan *policy.Plan
		tags map[string]string
		sels []backuptypes.BackupSelectionsListMember
	}
	existing := map[string]*live{}
	pages := awsbackup.NewListBackupPlansPaginator(api, &awsbackup.ListBackupPlansInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing backup plans in %s/%s: %w", account, region, err)
		}
		for _, p := range out.BackupPlansList {
			if name := aws.ToString(p.BackupPlanName); strings.HasPrefix(name, ManagedPrefix) {
				existing[name] = &live{id: aws.ToString(p.BackupPlanId)}
			}
		}
	}
	for name, l := range existing {
		got, err := api.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(l.id)})
		if err != nil {
			return nil, fmt.Errorf("reading backup plan %s in %s/%s: %w", name, account, region, err)
		}
		if l.tags, err = managedtags.BackupTags(ctx, api, aws.ToString(got.BackupPlanArn)); err != nil {
			return nil, fmt.Errorf("reading backup plan %s in %s/%s: %w", name, account, region, err)
		}
		var sels []backuptypes.BackupSelection
		selPages := awsbackup.NewListBackupSelectionsPaginator(api, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(l.id)})
		for selPages.HasMorePages() {
			out, err := selPages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing selections of backup plan %s in %s/%s: %w", name, account, region, err)
			}
			l.sels = append(l.sels, out.BackupSelectionsList...)
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

	var changes []plan.Change
	addr := func(name string) plan.Address {
		return plan.Address{Account: account, Region: region, Kind: KindPlan, Name: name}
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w.Name] = true
		l := existing[w.Name]
		wantRules := w
		wantRules.Selections, wantRules.Tags, wantRules.Regions = nil, nil, nil
		if l == nil {
			changes = append(changes, plan.NewChange(addr(w.Name), plan.Create, nil, directPlan{w, tags}, "the tier's backup plan does not exist in this account"))
			continue
		}
		liveRules := *l.plan
		liveRules.Selections, liveRules.Tags, liveRules.Regions = nil, nil, nil
		if !plan.JSONEqual(plan.JSON(withRuleDefaults(liveRules)), plan.JSON(withRuleDefaults(wantRules))) {
			c := plan.NewChange(addr(w.Name), plan.Update, directPlan{liveRules, managedtags.View(l.tags, tags)}, directPlan{w, tags}, "the backup plan's rules differ from the spec")
			if reasons := weakerPlans([]policy.Plan{liveRules}, []policy.Plan{wantRules}); len(reasons) > 0 {
				c.Destructive = true
				c.Reason = "weakens protection: " + strings.Join(reasons, "; ")
			}
			changes = append(changes, c)
		} else if !plan.JSONEqual(plan.JSON(l.plan.Selections), plan.JSON(w.Selections)) {
			// Selections cannot be updated in place: the plan change
			// recreates them.
			changes = append(changes, plan.NewChange(addr(w.Name), plan.Update, directPlan{*l.plan, managedtags.View(l.tags, tags)}, directPlan{w, tags}, "the backup plan's resource selections differ from the spec (new selections are created before the old ones are deleted)"))
		} else if view := managedtags.View(l.tags, tags); !maps.Equal(view, tags) {
			changes = append(changes, plan.NewChange(addr(w.Name), plan.Update, directPlan{*l.plan, view}, directPlan{w, tags}, "the backup plan's tags differ from the spec"))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(existing)) {
		if wanted[name] {
			continue
		}
		c := plan.NewChange(addr(name), plan.Delete, directPlan{*existing[name].plan, managedtags.View(existing[name].tags, tags)}, nil, "the plan is no longer in the spec for this account; its recovery points are kept")
		c.Destructive = true
		changes = append(changes, c)
	}
	return changes, nil
}

// applyBackupPlan creates, updates or deletes one backup plan with its
// selections and tags; re-running converges.
func applyBackupPlan(ctx context.Context, api PlansWriter, c plan.Change) error {
	// findID returns the ID and ARN of the plan named name, or "".
	findID := func(name string) (string, string, error) {
		pages := awsbackup.NewListBackupPlansPaginator(api, &awsbackup.ListBackupPlansInput{})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return "", "", err
			}
			for _, p := range out.BackupPlansList {
				if aws.ToString(p.BackupPlanName) == name {
					return aws.ToString(p.BackupPlanId), aws.ToString(p.BackupPlanArn), nil
				}
			}
		}
		return "", "", nil
	}
	// listSelections returns the plan's selections: their IDs and the
	// idempotency tokens they were created with.
	listSelections := func(id string) ([]backuptypes.BackupSelectionsListMember, error) {
		var out []backuptypes.BackupSelectionsListMember
		pages := awsbackup.NewListBackupSelectionsPaginator(api, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(id)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			out = append(out, page.BackupSelectionsList...)
		}
		return out, nil
	}
	deleteSelection := func(planID string, sel *string) error {
		_, err := api.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: sel})
		var nf *backuptypes.ResourceNotFoundException
		if err != nil && !errors.As(err, &nf) {
			return err
		}
		return nil
	}
	deleteSelections := func(id string) error {
		sels, err := listSelections(id)
		if err != nil {
			return err
		}
		for _, s := range sels {
			if err := deleteSelection(id, s.SelectionId); err != nil {
				return err
			}
		}
		return nil
	}
	if c.Action == plan.Delete {
		id, _, err := findID(c.Name)
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
	if err := c.Decode(&d); err != nil {
		return err
	}
	input, err := d.Plan.BackupPlanInput()
	if err != nil {
		return err
	}
	input.BackupPlanName = aws.String(d.Plan.Name)
	id, arn, err := findID(d.Plan.Name)
	if err != nil {
		return err
	}
	created := id == ""
	if created {
		out, err := api.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: input, BackupPlanTags: d.Tags, CreatorRequestId: aws.String(creatorRequestID(c.Address))})
		if err != nil {
			return err
		}
		id = aws.ToString(out.BackupPlanId)
	} else {
		if err := managedtags.Sync(ctx, managedtags.BackupTagger{API: api, ARN: arn}, d.Tags); err != nil {
			return err
		}
		if _, err := api.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: input}); err != nil {
			return err
		}
	}
	if created {
		// A plan created just now has no selections to keep.
		listSelections = func(string) ([]backuptypes.BackupSelectionsListMember, error) { return nil, nil }
	}
	return syncSelections(ctx, api, c.Address, id, d.Plan.Selections, listSelections, deleteSelection)
}

// syncSelections gives the plan id exactly the selections want, without a
// moment where a resource loses its coverage: each wanted selection is
// created first (with an idempotency token derived from its content, so a
// selection that exists already is kept, and a retry after a lost response
// does not duplicate it), and only then are the selections that are no
// longer wanted deleted. Selections cannot be updated in place
// (the Backup API has no UpdateBackupSelection).
func syncSelections(ctx context.Context, api PlansWriter, addr plan.Address, id string, want []policy.Selection,
	list func(string) ([]backuptypes.BackupSelectionsListMember, error), del func(string, *string) error) error {
	have, err := list(id)
	if err != nil {
		return err
	}
	byToken := map[string]bool{}
	for _, s := range have {
		byToken[aws.ToString(s.CreatorRequestId)] = true
	}
	keep := map[string]bool{}
	for _, s := range want {
		tok := selectionRequestID(addr, s)
		keep[tok] = true
		if byToken[tok] {
			continue
		}
		sel := s.BackupSelection()
		sel.SelectionName = aws.String(s.Name)
		if _, err := api.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: aws.String(id), BackupSelection: &sel, CreatorRequestId: aws.String(tok)}); err != nil {
			return fmt.Errorf("creating selection %s: %w", s.Name, err)
		}
	}
	for _, s := range have {
		if keep[aws.ToString(s.CreatorRequestId)] {
			continue
		}
		if err := del(id, s.SelectionId); err != nil {
			return fmt.Errorf("deleting selection %s: %w", aws.ToString(s.SelectionName), err)
		}
	}
	return nil
}

// selectionRequestID is CreateBackupSelection's idempotency token for the
// selection s of the plan at addr: it changes exactly when the selection
// does, in the format of creatorRequestID.
func selectionRequestID(addr plan.Address, s policy.Selection) string {
	sum := sha256.Sum256(append([]byte(addr.String()+"\n"), plan.JSON(s)...))
	return "orgbackup-" + hex.EncodeToString(sum[:])[:40]
}

// creatorRequestID is CreateBackupPlan's idempotency token for a plan at
// addr: the same on every retry of the change, and in the format the API
// reference gives ("must contain 1 to 50 alphanumeric or '-_.'
// characters"), which an address with its slashes is not.
func creatorRequestID(addr plan.Address) string {
	sum := sha256.Sum256([]byte(addr.String()))
	return "orgbackup-" + hex.EncodeToString(sum[:])[:40]
}
