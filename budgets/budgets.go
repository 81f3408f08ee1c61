// Package budgets reconciles the AWS Budgets of a spec's backup spend
// (kind budget): one monthly cost budget per entry of cost.budgets, in the
// management account, whose budgets see the whole organization's spend.
// A budget of a tier counts the recovery points tagged with the tier
// (orgbackup:tier, which every tier's rule puts on its recovery points);
// one of an allocation value counts those carrying the allocation tag,
// which AWS Backup copies from the resource (policy.AllocatedByResourceTags
// says for which types); one of neither counts all. Copies to the central
// and secondary vaults carry their source's tags ("Copying tags onto
// backups", AWS Backup Developer Guide), so both kinds count them. Each threshold is an ACTUAL notification to
// the budget's recipients (the spec's notification e-mails by default).
//
// Cost allocation tags must be activated in the Billing console before
// AWS Budgets can filter on them ("Activating user-defined cost allocation
// tags", AWS Billing User Guide); orgbackup cannot do it through an API it
// uses, so the plan says so in each change's reason.
package budgets

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"

	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// Kind is one AWS Budgets budget, global, in the management account.
const Kind = "budget"

// NamePrefix starts the name of every budget orgbackup manages.
const NamePrefix = "orgbackup-"

// Desired is one budget as the spec wants it.
type Desired struct {
	// Name is the budget's name (NamePrefix + the spec's name).
	Name string `json:"name"`
	// Limit and Unit are the monthly limit.
	Limit float64 `json:"limit"`
	Unit  string  `json:"unit"`
	// TagKeyValue is the cost filter ("user:KEY$VALUE"); empty for all
	// spend.
	TagKeyValue []string `json:"tag_key_value,omitempty"`
	// Thresholds are percentages of the limit, sorted; Recipients the
	// e-mail addresses each notifies, sorted.
	Thresholds []float64 `json:"thresholds"`
	Recipients []string  `json:"recipients"`
	// Tags are the budget's managed tags (managedtags.For), which say
	// which spec owns it.
	Tags map[string]string `json:"tags,omitempty"`
}

// Reader reads budgets; Writer changes them.
type Reader interface {
	DescribeBudgets(ctx context.Context, in *awsbudgets.DescribeBudgetsInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.DescribeBudgetsOutput, error)
	DescribeNotificationsForBudget(ctx context.Context, in *awsbudgets.DescribeNotificationsForBudgetInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.DescribeNotificationsForBudgetOutput, error)
	DescribeSubscribersForNotification(ctx context.Context, in *awsbudgets.DescribeSubscribersForNotificationInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.DescribeSubscribersForNotificationOutput, error)
	TagReader
}

// Writer changes budgets.
type Writer interface {
	Reader
	CreateBudget(ctx context.Context, in *awsbudgets.CreateBudgetInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.CreateBudgetOutput, error)
	UpdateBudget(ctx context.Context, in *awsbudgets.UpdateBudgetInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.UpdateBudgetOutput, error)
	DeleteBudget(ctx context.Context, in *awsbudgets.DeleteBudgetInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.DeleteBudgetOutput, error)
	CreateNotification(ctx context.Context, in *awsbudgets.CreateNotificationInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.CreateNotificationOutput, error)
	DeleteNotification(ctx context.Context, in *awsbudgets.DeleteNotificationInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.DeleteNotificationOutput, error)
}

var (
	_ Reader = (*awsbudgets.Client)(nil)
	_ Writer = (*awsbudgets.Client)(nil)
)

// FromSpec returns the budgets of the spec's cost.budgets, by name.
func FromSpec(sp *spec.Spec, currency string) []Desired {
	if sp.Cost == nil {
		return nil
	}
	var out []Desired
	for _, b := range sp.Cost.Budgets {
		d := Desired{Name: NamePrefix + b.Name, Limit: b.MonthlyLimit, Unit: currency,
			Thresholds: b.BudgetThresholds(), Recipients: sp.BudgetRecipients(b), Tags: managedtags.For(sp.Name, nil)}
		switch {
		case b.Tier != "":
			d.TagKeyValue = []string{"user:" + policy.TierTagKey + "$" + b.Tier}
		case b.Allocation != "":
			d.TagKeyValue = []string{"user:" + sp.Cost.AllocationTag + "$" + b.Allocation}
		}
		slices.Sort(d.Thresholds)
		slices.Sort(d.Recipients)
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Desired) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Kinds returns the kind this package plans and applies.
func Kinds() []plan.Kind {
	return []plan.Kind{{Name: Kind, Stage: plan.StageOrganization, Apply: func(ctx context.Context, env plan.ApplyEnv, c plan.Change) error {
		return Apply(ctx, NewClient(env.Config), c)
	}, Tags: func(ctx context.Context, cfg aws.Config, a plan.Address) (map[string]string, bool, error) {
		return liveTags(ctx, NewClient(cfg), a.Account, a.Name)
	}}}
}

// ARN returns the ARN of account's budget name.
func ARN(account, name string) string { return "arn:aws:budgets::" + account + ":budget/" + name }

// liveTags reads a budget's tags; exists is false when there is no such
// budget.
func liveTags(ctx context.Context, r TagReader, account, name string) (map[string]string, bool, error) {
	out, err := r.ListTagsForResource(ctx, &awsbudgets.ListTagsForResourceInput{ResourceARN: aws.String(ARN(account, name))})
	var nf *budgettypes.NotFoundException
	if errors.As(err, &nf) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the tags of budget %s: %w", name, err)
	}
	tags := map[string]string{}
	for _, t := range out.ResourceTags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, true, nil
}

// TagReader reads a budget's tags.
type TagReader interface {
	ListTagsForResource(ctx context.Context, in *awsbudgets.ListTagsForResourceInput, optFns ...func(*awsbudgets.Options)) (*awsbudgets.ListTagsForResourceOutput, error)
}

var _ TagReader = (*awsbudgets.Client)(nil)

func resourceTags(tags map[string]string) []budgettypes.ResourceTag {
	var out []budgettypes.ResourceTag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, budgettypes.ResourceTag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// Plan compares the managed budgets of account (NamePrefix) with want.
func Plan(ctx context.Context, r Reader, account string, want []Desired) ([]plan.Change, error) {
	live, err := read(ctx, r, account)
	if err != nil {
		return nil, err
	}
	addr := func(name string) plan.Address {
		return plan.Address{Account: account, Region: "global", Kind: Kind, Name: name}
	}
	const tagNote = "; AWS Budgets filters by a tag only once it is activated as a cost allocation tag in the Billing console"
	var out []plan.Change
	names := map[string]bool{}
	for _, w := range want {
		names[w.Name] = true
		l, ok := live[w.Name]
		switch {
		case !ok:
			out = append(out, plan.NewChange(addr(w.Name), plan.Create, nil, w, "the spec's budget does not exist"+tagNote))
		case !plan.JSONEqual(plan.JSON(l), plan.JSON(w)):
			out = append(out, plan.NewChange(addr(w.Name), plan.Update, l, w, "the budget differs from the spec"+tagNote))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(live)) {
		if !names[name] {
			c := plan.NewChange(addr(name), plan.Delete, live[name], nil, "the budget is no longer in the spec")
			out = append(out, c)
		}
	}
	return out, nil
}

// read returns account's managed budgets.
func read(ctx context.Context, r Reader, account string) (map[string]Desired, error) {
	out := map[string]Desired{}
	p := awsbudgets.NewDescribeBudgetsPaginator(r, &awsbudgets.DescribeBudgetsInput{AccountId: aws.String(account)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var nf *budgettypes.NotFoundException
		if errors.As(err, &nf) {
			break // AWS answers NotFound when an account has no budgets
		}
		if err != nil {
			return nil, fmt.Errorf("listing the budgets of %s: %w", account, err)
		}
		for _, b := range page.Budgets {
			name := aws.ToString(b.BudgetName)
			if !strings.HasPrefix(name, NamePrefix) {
				continue
			}
			//lint:ignore SA1019 orgbackup writes the tag filter as CostFilters (below) and reads it back the same way
			d := Desired{Name: name, TagKeyValue: b.CostFilters["TagKeyValue"], Thresholds: []float64{}, Recipients: []string{}}
			if l := b.BudgetLimit; l != nil {
				d.Limit, _ = strconv.ParseFloat(aws.ToString(l.Amount), 64)
				d.Unit = aws.ToString(l.Unit)
			}
			notes, err := r.DescribeNotificationsForBudget(ctx, &awsbudgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(account), BudgetName: b.BudgetName})
			if err != nil {
				return nil, fmt.Errorf("reading the notifications of budget %s: %w", name, err)
			}
			recipients := map[string]bool{}
			for _, n := range notes.Notifications {
				d.Thresholds = append(d.Thresholds, n.Threshold)
				subs, err := r.DescribeSubscribersForNotification(ctx, &awsbudgets.DescribeSubscribersForNotificationInput{AccountId: aws.String(account), BudgetName: b.BudgetName, Notification: &n})
				if err != nil {
					return nil, fmt.Errorf("reading the subscribers of budget %s: %w", name, err)
				}
				for _, s := range subs.Subscribers {
					if s.SubscriptionType == budgettypes.SubscriptionTypeEmail {
						recipients[aws.ToString(s.Address)] = true
					}
				}
			}
			slices.Sort(d.Thresholds)
			d.Recipients = slices.Sorted(maps.Keys(recipients))
			tags, _, err := liveTags(ctx, r, account, name)
			if err != nil {
				return nil, err
			}
			if len(tags) > 0 {
				d.Tags = tags
			}
			out[name] = d
		}
	}
	return out, nil
}

// Apply applies one change: creates the budget with its notifications,
// updates it and replaces its notifications, or deletes it.
func Apply(ctx context.Context, w Writer, c plan.Change) error {
	account := c.Account
	if c.Action == plan.Delete {
		_, err := w.DeleteBudget(ctx, &awsbudgets.DeleteBudgetInput{AccountId: aws.String(account), BudgetName: aws.String(c.Name)})
		var nf *budgettypes.NotFoundException
		if err != nil && !errors.As(err, &nf) {
			return fmt.Errorf("deleting budget %s of %s: %w", c.Name, account, err)
		}
		return nil
	}
	var d Desired
	if err := c.Decode(&d); err != nil {
		return err
	}
	b := &budgettypes.Budget{
		BudgetName: aws.String(d.Name), BudgetType: budgettypes.BudgetTypeCost, TimeUnit: budgettypes.TimeUnitMonthly,
		BudgetLimit: &budgettypes.Spend{Amount: aws.String(strconv.FormatFloat(d.Limit, 'f', 2, 64)), Unit: aws.String(d.Unit)},
	}
	if len(d.TagKeyValue) > 0 {
		// AWS Budgets still honours CostFilters' TagKeyValue, the filter
		// the emulator models; FilterExpression is its successor.
		//lint:ignore SA1019 see above
		b.CostFilters = map[string][]string{"TagKeyValue": d.TagKeyValue}
	}
	notification := func(t float64) *budgettypes.Notification {
		return &budgettypes.Notification{NotificationType: budgettypes.NotificationTypeActual, ComparisonOperator: budgettypes.ComparisonOperatorGreaterThan,
			Threshold: t, ThresholdType: budgettypes.ThresholdTypePercentage}
	}
	var subs []budgettypes.Subscriber
	for _, r := range d.Recipients {
		subs = append(subs, budgettypes.Subscriber{SubscriptionType: budgettypes.SubscriptionTypeEmail, Address: aws.String(r)})
	}
	if c.Action == plan.Create {
		in := &awsbudgets.CreateBudgetInput{AccountId: aws.String(account), Budget: b, ResourceTags: resourceTags(d.Tags)}
		for _, t := range d.Thresholds {
			in.NotificationsWithSubscribers = append(in.NotificationsWithSubscribers, budgettypes.NotificationWithSubscribers{Notification: notification(t), Subscribers: subs})
		}
		if _, err := w.CreateBudget(ctx, in); err != nil {
			return fmt.Errorf("creating budget %s in %s: %w", d.Name, account, err)
		}
		return nil
	}
	if _, err := w.UpdateBudget(ctx, &awsbudgets.UpdateBudgetInput{AccountId: aws.String(account), NewBudget: b}); err != nil {
		return fmt.Errorf("updating budget %s in %s: %w", d.Name, account, err)
	}
	notes, err := w.DescribeNotificationsForBudget(ctx, &awsbudgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(account), BudgetName: aws.String(d.Name)})
	if err != nil {
		return fmt.Errorf("reading the notifications of budget %s: %w", d.Name, err)
	}
	for _, n := range notes.Notifications {
		if _, err := w.DeleteNotification(ctx, &awsbudgets.DeleteNotificationInput{AccountId: aws.String(account), BudgetName: aws.String(d.Name), Notification: &n}); err != nil {
			return fmt.Errorf("replacing the notifications of budget %s: %w", d.Name, err)
		}
	}
	for _, t := range d.Thresholds {
		if _, err := w.CreateNotification(ctx, &awsbudgets.CreateNotificationInput{AccountId: aws.String(account), BudgetName: aws.String(d.Name),
			Notification: notification(t), Subscribers: subs}); err != nil {
			return fmt.Errorf("notifying at %g%% of budget %s: %w", t, d.Name, err)
		}
	}
	return nil
}
