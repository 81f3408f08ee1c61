package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// AWS Budgets, the operations orgbackup's budgets use: CreateBudget,
// DescribeBudget(s), UpdateBudget, DeleteBudget, the notifications of a
// budget and their subscribers. The SDK module of this version carries no
// serialization schemas, so the awsJson1_1 wire format is handled here
// (service "budgets", target prefix AWSBudgetServiceGateway, AWS Budgets
// API Reference).
//
// Actual spend accrues in virtual time from the recovery points stored in
// the emulator, priced with SetStoragePrices: once a day the emulator adds
// the day's storage of every recovery point the budget's cost filters
// match by the point's own tags (copies in other accounts and Regions
// carry their source's, copyRecoveryPointTagsLocked), and notifies the subscribers of each ACTUAL notification whose
// threshold the month's spend passes, once a month.

const budgetsTarget = "AWSBudgetServiceGateway"

// StoragePrice is the price of a GB-month (GB = 2^30 bytes) of warm and of
// cold backup storage.
type StoragePrice struct{ Warm, Cold float64 }

// BudgetAlert is a budget notification the emulator delivered.
type BudgetAlert struct {
	Time    time.Time
	Account string
	Budget  string
	// Threshold is the notification's percentage; Actual and Limit the
	// month's spend and the budget's limit when it fired.
	Threshold, Actual, Limit float64
	// SubscriptionType is EMAIL or SNS; Address the e-mail address or
	// topic ARN.
	SubscriptionType, Address string
	// Error is why an SNS delivery failed, "" when delivered.
	Error string
}

type budgetsState struct {
	byAccount map[string]map[string]*emuBudget // account → name → budget
	prices    map[string]map[string]StoragePrice
	alerts    []BudgetAlert
}

type emuBudget struct {
	owner         string
	raw           budgetJSON
	limit         float64
	actual        float64
	month         time.Time // the first day of the month actual covers
	last          time.Time // accrued up to
	notifications []*emuNotification
	gen           int // bumped on delete, ending the budget's accrual
	tags          []resourceTagJSON
}

type emuNotification struct {
	n           notificationJSON
	subscribers []subscriberJSON
	fired       bool // this month
}

type spendJSON struct {
	Amount string `json:"Amount"`
	Unit   string `json:"Unit"`
}

type budgetJSON struct {
	BudgetName  string              `json:"BudgetName"`
	BudgetLimit *spendJSON          `json:"BudgetLimit,omitempty"`
	CostFilters map[string][]string `json:"CostFilters,omitempty"`
	TimeUnit    string              `json:"TimeUnit"`
	BudgetType  string              `json:"BudgetType"`
}

type notificationJSON struct {
	NotificationType   string  `json:"NotificationType"`
	ComparisonOperator string  `json:"ComparisonOperator"`
	Threshold          float64 `json:"Threshold"`
	ThresholdType      string  `json:"ThresholdType,omitempty"`
	NotificationState  string  `json:"NotificationState,omitempty"`
}

type subscriberJSON struct {
	SubscriptionType string `json:"SubscriptionType"`
	Address          string `json:"Address"`
}

type notificationWithSubscribers struct {
	Notification notificationJSON `json:"Notification"`
	Subscribers  []subscriberJSON `json:"Subscribers"`
}

type budgetsRequest struct {
	AccountId                    string                        `json:"AccountId"`
	BudgetName                   string                        `json:"BudgetName"`
	Budget                       *budgetJSON                   `json:"Budget"`
	NewBudget                    *budgetJSON                   `json:"NewBudget"`
	NotificationsWithSubscribers []notificationWithSubscribers `json:"NotificationsWithSubscribers"`
	Notification                 *notificationJSON             `json:"Notification"`
	Subscribers                  []subscriberJSON              `json:"Subscribers"`
	MaxResults                   int                           `json:"MaxResults"`
	NextToken                    string                        `json:"NextToken"`
	ResourceTags                 []resourceTagJSON             `json:"ResourceTags"`
	ResourceARN                  string                        `json:"ResourceARN"`
}

type resourceTagJSON struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Limits of AWS Budgets ("Quotas and restrictions", AWS Billing and Cost
// Management User Guide; Subscriber and BudgetName, AWS Budgets API
// Reference).
const (
	maxBudgetNotifications = 5
	maxBudgetEmail         = 10
	maxBudgetSNS           = 1
)

// budgetNameRE is BudgetName's pattern: no ':' or '\'.
var budgetNameRE = regexp.MustCompile(`^[^:\\]{1,100}$`)

func (s *Server) budgetsService() *service {
	svc := newService("budgets", awsJSON11, nil, nil, nil)
	svc.target = budgetsTarget
	svc.serveRaw = s.serveBudgets
	svc.rawOperations = budgetsImplementedOperations
	return svc
}

// budgetsImplementedOperations lists the AWS Budgets operations
// budgetsOpLocked serves.
func budgetsImplementedOperations() []string {
	return []string{
		"CreateBudget", "CreateNotification", "DeleteBudget", "DeleteNotification", "DescribeBudget",
		"DescribeBudgets", "DescribeNotificationsForBudget", "DescribeSubscribersForNotification",
		"ListTagsForResource", "UpdateBudget",
	}
}

// SetStoragePrices sets the prices budgets accrue spend with, by region
// and resource type. A recovery point whose region and type have no price
// accrues nothing and is counted in UnpricedBudgetPoints.
func (s *Server) SetStoragePrices(prices map[string]map[string]StoragePrice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.budgetsLocked().prices = prices
}

// BudgetAlerts returns the budget notifications delivered so far, oldest
// first.
func (s *Server) BudgetAlerts() []BudgetAlert {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.budgetsLocked().alerts)
}

func (s *Server) budgetsLocked() *budgetsState {
	if s.budgetsData == nil {
		s.budgetsData = &budgetsState{byAccount: map[string]map[string]*emuBudget{}}
	}
	return s.budgetsData
}

func budgetsNotFound(format string, args ...any) error {
	return Errorf(http.StatusBadRequest, "NotFoundException", format, args...)
}

func budgetsInvalid(format string, args ...any) error {
	return Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func (s *Server) serveBudgets(c *Call, w http.ResponseWriter, r *http.Request, body []byte) {
	svc := s.services["budgets"]
	prefix, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	if prefix != budgetsTarget {
		svc.writeError(w, c.RequestID, errUnknownOperation("budgets", r.Header.Get("X-Amz-Target")))
		return
	}
	c.Operation = op
	if err := s.applyFaults(c); err != nil {
		svc.writeError(w, c.RequestID, err)
		return
	}
	var in budgetsRequest
	if err := json.Unmarshal(body, &in); err != nil {
		svc.writeError(w, c.RequestID, errValidation("reading the request: %v", err))
		return
	}
	s.mu.Lock()
	out, err := s.budgetsOpLocked(c, op, &in)
	s.mu.Unlock()
	if err != nil {
		svc.writeError(w, c.RequestID, err)
		return
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", c.RequestID)
	w.Write(b)
}

func (s *Server) budgetsOpLocked(c *Call, op string, in *budgetsRequest) (any, error) {
	if err := s.runHooksLocked(c); err != nil {
		return nil, err
	}
	if op == "ListTagsForResource" {
		// ResourceARN arn:aws:budgets::ACCOUNT:budget/NAME (AWS Budgets
		// API Reference, ListTagsForResource).
		rest, ok := strings.CutPrefix(in.ResourceARN, "arn:aws:budgets::"+c.Account+":budget/")
		b := s.budgetsLocked().byAccount[c.Account][rest]
		if !ok || b == nil {
			return nil, budgetsNotFound("the resource %s doesn't exist", in.ResourceARN)
		}
		tags := b.tags
		if tags == nil {
			tags = []resourceTagJSON{}
		}
		return map[string]any{"ResourceTags": tags}, nil
	}
	// "AccountId: The accountId that is associated with the budget": a
	// caller manages the budgets of its own account.
	if in.AccountId != c.Account {
		return nil, Errorf(http.StatusBadRequest, "AccessDeniedException", "account %s cannot manage the budgets of account %s", c.Account, in.AccountId)
	}
	st := s.budgetsLocked()
	acct := st.byAccount[c.Account]
	if acct == nil {
		acct = map[string]*emuBudget{}
		st.byAccount[c.Account] = acct
	}
	find := func(name string) (*emuBudget, error) {
		b := acct[name]
		if b == nil {
			return nil, budgetsNotFound("Unable to get budget: %s - the budget doesn't exist.", name)
		}
		return b, nil
	}
	switch op {
	case "CreateBudget":
		if in.Budget == nil {
			return nil, budgetsInvalid("Budget is required")
		}
		if err := checkBudget(in.Budget); err != nil {
			return nil, err
		}
		if acct[in.Budget.BudgetName] != nil {
			return nil, Errorf(http.StatusBadRequest, "DuplicateRecordException", "Error creating budget: %s - the budget already exists.", in.Budget.BudgetName)
		}
		if len(in.NotificationsWithSubscribers) > maxBudgetNotifications {
			return nil, budgetsInvalid("a budget has at most %d notifications", maxBudgetNotifications)
		}
		b := &emuBudget{owner: c.Account, raw: *in.Budget, month: monthStart(s.now), last: s.now, tags: slices.Clone(in.ResourceTags)}
		b.limit, _ = strconv.ParseFloat(in.Budget.BudgetLimit.Amount, 64)
		for _, ns := range in.NotificationsWithSubscribers {
			if err := b.addNotification(ns.Notification, ns.Subscribers); err != nil {
				return nil, err
			}
		}
		acct[in.Budget.BudgetName] = b
		s.scheduleBudgetLocked(b, b.gen)
		return struct{}{}, nil
	case "DescribeBudget":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Budget": b.describe()}, nil
	case "DescribeBudgets":
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range acct {
				if !yield(n) {
					return
				}
			}
		})
		page := in.MaxResults
		if page <= 0 || page > 100 {
			page = 100
		}
		start := 0
		if in.NextToken != "" {
			start = slices.Index(names, in.NextToken)
			if start < 0 {
				return nil, Errorf(http.StatusBadRequest, "InvalidNextTokenException", "invalid next token")
			}
		}
		out := map[string]any{}
		list := []any{}
		for i := start; i < len(names) && i < start+page; i++ {
			list = append(list, acct[names[i]].describe())
		}
		out["Budgets"] = list
		if start+page < len(names) {
			out["NextToken"] = names[start+page]
		}
		return out, nil
	case "UpdateBudget":
		if in.NewBudget == nil {
			return nil, budgetsInvalid("NewBudget is required")
		}
		b, err := find(in.NewBudget.BudgetName)
		if err != nil {
			return nil, err
		}
		if err := checkBudget(in.NewBudget); err != nil {
			return nil, err
		}
		b.raw = *in.NewBudget
		b.limit, _ = strconv.ParseFloat(in.NewBudget.BudgetLimit.Amount, 64)
		return struct{}{}, nil
	case "DeleteBudget":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		b.gen++
		delete(acct, in.BudgetName)
		return struct{}{}, nil
	case "DescribeNotificationsForBudget":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		list := []any{}
		for _, n := range b.notifications {
			list = append(list, n.describe())
		}
		return map[string]any{"Notifications": list}, nil
	case "DescribeSubscribersForNotification":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		n, err := b.notification(in.Notification)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Subscribers": n.subscribers}, nil
	case "CreateNotification":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		if in.Notification == nil {
			return nil, budgetsInvalid("Notification is required")
		}
		if _, err := b.notification(in.Notification); err == nil {
			return nil, Errorf(http.StatusBadRequest, "DuplicateRecordException", "the notification already exists")
		}
		if len(b.notifications) >= maxBudgetNotifications {
			return nil, budgetsInvalid("a budget has at most %d notifications", maxBudgetNotifications)
		}
		return struct{}{}, b.addNotification(*in.Notification, in.Subscribers)
	case "DeleteNotification":
		b, err := find(in.BudgetName)
		if err != nil {
			return nil, err
		}
		n, err := b.notification(in.Notification)
		if err != nil {
			return nil, err
		}
		b.notifications = slices.DeleteFunc(b.notifications, func(x *emuNotification) bool { return x == n })
		return struct{}{}, nil
	}
	return nil, errUnknownOperation("budgets", op)
}

// checkBudget applies the Budget shape's rules the emulator knows: a
// name without ':' or '\', a COST budget with a monthly limit.
func checkBudget(b *budgetJSON) error {
	if !budgetNameRE.MatchString(b.BudgetName) {
		return budgetsInvalid("BudgetName %q must be 1 to 100 characters without ':' or '\\'", b.BudgetName)
	}
	if b.BudgetType != "COST" || b.TimeUnit != "MONTHLY" {
		return budgetsInvalid("orgbackup emulator: only MONTHLY COST budgets are emulated, not %s %s", b.TimeUnit, b.BudgetType)
	}
	if b.BudgetLimit == nil {
		return budgetsInvalid("BudgetLimit is required for a COST budget")
	}
	if v, err := strconv.ParseFloat(b.BudgetLimit.Amount, 64); err != nil || v <= 0 {
		return budgetsInvalid("BudgetLimit.Amount %q is not a positive number", b.BudgetLimit.Amount)
	}
	return nil
}

func (b *emuBudget) addNotification(n notificationJSON, subs []subscriberJSON) error {
	if n.NotificationType != "ACTUAL" && n.NotificationType != "FORECASTED" {
		return budgetsInvalid("NotificationType %q is not ACTUAL or FORECASTED", n.NotificationType)
	}
	if n.ThresholdType == "" {
		n.ThresholdType = "PERCENTAGE"
	}
	var email, sns int
	for _, sub := range subs {
		switch sub.SubscriptionType {
		case "EMAIL":
			email++
		case "SNS":
			sns++
		default:
			return budgetsInvalid("SubscriptionType %q is not EMAIL or SNS", sub.SubscriptionType)
		}
	}
	if len(subs) == 0 || email > maxBudgetEmail || sns > maxBudgetSNS {
		return budgetsInvalid("a notification needs 1 to %d e-mail subscribers and at most %d SNS topic", maxBudgetEmail, maxBudgetSNS)
	}
	b.notifications = append(b.notifications, &emuNotification{n: n, subscribers: slices.Clone(subs)})
	return nil
}

func (b *emuBudget) notification(n *notificationJSON) (*emuNotification, error) {
	if n != nil {
		for _, x := range b.notifications {
			if x.n.NotificationType == n.NotificationType && x.n.ComparisonOperator == n.ComparisonOperator && x.n.Threshold == n.Threshold {
				return x, nil
			}
		}
	}
	return nil, budgetsNotFound("the notification doesn't exist")
}

func (n *emuNotification) describe() map[string]any {
	state := "OK"
	if n.fired {
		state = "ALARM"
	}
	return map[string]any{"NotificationType": n.n.NotificationType, "ComparisonOperator": n.n.ComparisonOperator,
		"Threshold": n.n.Threshold, "ThresholdType": n.n.ThresholdType, "NotificationState": state}
}

func (b *emuBudget) describe() map[string]any {
	amount := func(v float64) map[string]string {
		return map[string]string{"Amount": strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64), "Unit": b.raw.BudgetLimit.Unit}
	}
	filters := b.raw.CostFilters
	if filters == nil {
		filters = map[string][]string{}
	}
	return map[string]any{
		"BudgetName": b.raw.BudgetName, "BudgetType": b.raw.BudgetType, "TimeUnit": b.raw.TimeUnit,
		"BudgetLimit": b.raw.BudgetLimit, "CostFilters": filters,
		"CalculatedSpend": map[string]any{"ActualSpend": amount(b.actual)},
		"TimePeriod":      map[string]any{"Start": b.month.Unix(), "End": time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC).Unix()},
		"LastUpdatedTime": b.last.Unix(),
	}
}

func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// scheduleBudgetLocked accrues b's spend once a day from now on. AWS
// Budgets updates spend "up to three times a day" ("Best practices for
// AWS Budgets"); a day is the stricter, later one.
func (s *Server) scheduleBudgetLocked(b *emuBudget, gen int) {
	s.atLocked(s.now.Add(24*time.Hour), "budget", b.raw.BudgetName, func() {
		if b.gen != gen {
			return // deleted
		}
		s.accrueBudgetLocked(b)
		s.scheduleBudgetLocked(b, gen)
	})
}

// accrueBudgetLocked adds the storage b's filters match since the last
// accrual to the month's spend, then notifies.
func (s *Server) accrueBudgetLocked(b *emuBudget) {
	st := s.budgetsLocked()
	if m := monthStart(s.now); !m.Equal(b.month) {
		// A new month: spend starts again and notifications re-arm.
		b.month, b.actual = m, 0
		if b.last.Before(m) {
			b.last = m
		}
		for _, n := range b.notifications {
			n.fired = false
		}
	}
	hours := s.now.Sub(b.last).Hours()
	b.last = s.now
	if hours <= 0 {
		return
	}
	// The management account's budgets see the whole organization's
	// spend; another account's, its own.
	all := s.org != nil && b.owner == s.org.mgmt
	engine := s.engineLocked()
	for key, br := range s.backup {
		if !all && key.account != b.owner {
			continue
		}
		for arn, rp := range br.recoveryPoints {
			if !budgetFilterMatches(b.raw.CostFilters, br.tags[arn]) {
				continue
			}
			price, ok := st.prices[key.region][aws.ToString(rp.rp.ResourceType)]
			if !ok {
				continue
			}
			p := price.Warm
			if m := engine.rps[arn]; m != nil && m.cold {
				p = price.Cold
			}
			gb := float64(aws.ToInt64(rp.rp.BackupSizeInBytes)) / (1 << 30)
			b.actual += gb * p * hours / 730
		}
	}
	for _, n := range b.notifications {
		if n.fired || n.n.NotificationType != "ACTUAL" || b.limit <= 0 {
			continue
		}
		threshold := n.n.Threshold
		if n.n.ThresholdType == "PERCENTAGE" {
			threshold = b.limit * n.n.Threshold / 100
		}
		if b.actual <= threshold {
			continue
		}
		n.fired = true
		for _, sub := range n.subscribers {
			a := BudgetAlert{Time: s.now, Account: b.owner, Budget: b.raw.BudgetName, Threshold: n.n.Threshold,
				Actual: b.actual, Limit: b.limit, SubscriptionType: sub.SubscriptionType, Address: sub.Address}
			if sub.SubscriptionType == "SNS" {
				msg := fmt.Sprintf("AWS Budget Notification: budget %s, actual spend %.2f is over %.0f%% of the limit %.2f", b.raw.BudgetName, b.actual, n.n.Threshold, b.limit)
				if _, err := s.snsServicePublishLocked(sub.Address, "budgets.amazonaws.com", b.owner, "AWS Budgets: "+b.raw.BudgetName+" has exceeded your alert threshold", msg); err != nil {
					a.Error = err.Error()
				}
			}
			st.alerts = append(st.alerts, a)
		}
	}
}

// budgetFilterMatches applies a budget's TagKeyValue cost filter
// ("user:KEY$VALUE", CostFilters, AWS Budgets API Reference) to a recovery
// point's tags; other filters are not emulated and match everything.
func budgetFilterMatches(filters map[string][]string, tags map[string]string) bool {
	values, ok := filters["TagKeyValue"]
	if !ok {
		return true
	}
	for _, v := range values {
		kv := strings.TrimPrefix(v, "user:")
		k, val, _ := strings.Cut(kv, "$")
		if got, ok := tags[k]; ok && got == val {
			return true
		}
	}
	return false
}
