package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/orgbackup/orgbackup/accessrole"
	"github.com/orgbackup/orgbackup/alerting"
	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/budgets"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/legalhold"
	"github.com/orgbackup/orgbackup/organization"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/regionsettings"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/servicerole"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// Kinds returns the table of every resource kind the engine plans and
// applies, gathered from the packages that own them. Adding a kind is a
// file in its package and its entry in that package's Kinds; a kind that
// follows each workload account's tier also registers its planner in
// workloadPlanners.
func Kinds() (*plan.Kinds, error) {
	return plan.NewKinds(
		organization.Kinds(),
		servicerole.Kinds(),
		vault.Kinds(),
		distribution.Kinds(),
		auditreports.Kinds(),
		regionsettings.Kinds(),
		restoretesting.Kinds(),
		guardrails.Kinds(),
		accessrole.Kinds(),
		legalhold.Kinds(),
		alerting.Kinds(),
		budgets.Kinds(),
	)
}

// DefaultApplyConcurrency is how many accounts Apply works on at once by
// default: as many as the planner reads (DefaultPlanConcurrency), for the
// same reason. Each account's changes wait on that account's own rate
// limits, so with fewer accounts at once the workers, not AWS, bound an
// apply (16 at once measured 2.0-2.1 times the ideal from 100 to 5,000
// accounts).
const DefaultApplyConcurrency = DefaultPlanConcurrency

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// AllowDestructive permits changes marked destructive (deleting vaults,
	// plans, selections or policies, detaching policies, shortening
	// retention, removing copy actions). Default false: a plan with such
	// changes is refused before anything is applied.
	AllowDestructive bool
	// AcknowledgeIrreversible permits changes marked irreversible (a
	// compliance-mode vault lock, which cannot be removed after its grace
	// period). Default false.
	AcknowledgeIrreversible bool
	// Concurrency bounds the accounts worked on at once. Default
	// DefaultApplyConcurrency.
	Concurrency int
	// Progress, if set, is called after each change with its outcome,
	// by one goroutine at a time, so it may write to a shared writer.
	Progress func(c plan.Change, err error)
	// Logger receives one line per change. Default: discard.
	Logger *slog.Logger
	// Now returns the current time, to refuse a change to a compliance-mode
	// Vault Lock past its grace period before it is sent. Default
	// time.Now; against the emulator, its virtual clock.
	Now func() time.Time
	// ExpectFingerprint, when set, is the fingerprint of the plan that was
	// reviewed: a plan with another one is refused before anything runs.
	ExpectFingerprint string
}

// Outcome is what happened to one change.
type Outcome string

// Outcomes of a change.
const (
	Applied Outcome = "applied"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped" // a change it depends on failed
)

// Result reports exactly what Apply did.
type Result struct {
	// Changes holds every change of the plan with its outcome, in plan
	// order.
	Changes []ChangeResult
}

// ChangeResult is the outcome of one change.
type ChangeResult struct {
	Address plan.Address
	Action  plan.Action
	Outcome Outcome
	// Err is why the change failed or was skipped.
	Err error
}

// Counts returns the number of applied, failed and skipped changes.
func (r *Result) Counts() (applied, failed, skipped int) {
	for _, c := range r.Changes {
		switch c.Outcome {
		case Applied:
			applied++
		case Failed:
			failed++
		case Skipped:
			skipped++
		}
	}
	return
}

// Summary says what Apply did in one line per outcome: how many changes
// were applied, which failed and why, and which were skipped and because
// of which change. Addresses and errors are escaped for terminals and
// workflow logs.
func (r *Result) Summary() string {
	applied, failed, skipped := r.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "Apply: %d applied, %d failed, %d skipped.\n", applied, failed, skipped)
	for _, want := range []Outcome{Failed, Skipped} {
		for _, c := range r.Changes {
			if c.Outcome != want {
				continue
			}
			fmt.Fprintf(&b, "  %s %s: %s\n", want, policy.EscapeControl(c.Address.String()), policy.EscapeControl(fmt.Sprint(c.Err)))
		}
	}
	return b.String()
}

// Err joins the errors of failed changes, nil when everything applied.
func (r *Result) Err() error {
	var errs []error
	for _, c := range r.Changes {
		if c.Outcome == Failed {
			errs = append(errs, fmt.Errorf("%s: %w", c.Address, c.Err))
		}
	}
	return errors.Join(errs...)
}

// IncompleteError is what Apply returns when a change failed or was
// skipped: the organization is not yet as the plan says. Result says
// which changes; applying again converges.
type IncompleteError struct {
	Result *Result
}

func (e *IncompleteError) Error() string {
	applied, failed, skipped := e.Result.Counts()
	msg := fmt.Sprintf("apply incomplete: %d applied, %d failed, %d skipped", applied, failed, skipped)
	if err := e.Result.Err(); err != nil {
		msg += ": " + err.Error()
	}
	return msg
}

// Unwrap returns the failed changes' errors.
func (e *IncompleteError) Unwrap() error { return e.Result.Err() }

// RefusedError is returned when a plan cannot be applied as it is: failed
// consistency checks, or destructive or irreversible changes that were not
// allowed. Nothing has been applied.
type RefusedError struct {
	Checks       []plan.Check
	Destructive  []string
	Irreversible []string
	// Unowned says, for each change that touches a live resource the
	// plan's spec does not own, why it is refused.
	Unowned []string
}

func (e *RefusedError) Error() string {
	var parts []string
	if len(e.Checks) > 0 {
		var codes []string
		for _, c := range e.Checks {
			codes = append(codes, c.Code+" ("+c.Message+")")
		}
		parts = append(parts, "consistency checks failed: "+strings.Join(codes, "; "))
	}
	if len(e.Destructive) > 0 {
		parts = append(parts, fmt.Sprintf("%d destructive change(s) need AllowDestructive (--allow-destructive): %s", len(e.Destructive), strings.Join(e.Destructive, ", ")))
	}
	if len(e.Irreversible) > 0 {
		parts = append(parts, fmt.Sprintf("%d irreversible change(s) need AcknowledgeIrreversible (--acknowledge-irreversible): %s", len(e.Irreversible), strings.Join(e.Irreversible, ", ")))
	}
	if len(e.Unowned) > 0 {
		parts = append(parts, fmt.Sprintf("%d change(s) touch resources orgbackup does not own: %s", len(e.Unowned), strings.Join(e.Unowned, "; ")))
	}
	return "refusing to apply the plan: " + strings.Join(parts, "; ") + "; nothing was applied"
}

// Apply executes a plan in dependency order (organization settings, roles
// and keys, vaults, access policies and locks, notifications, backup
// policies and plans, reports), in parallel across accounts. It never
// deletes recovery points. When a change fails, independent changes still
// run and the changes that depend on it are skipped; the Result says which,
// and the error is an *IncompleteError. Every change is idempotent, so
// applying again after a failure converges. A saved plan should be checked
// with CheckFresh first.
func Apply(ctx context.Context, src crossaccount.ConfigSource, p *plan.Plan, optFns ...func(*ApplyOptions)) (*Result, error) {
	var o ApplyOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultApplyConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := p.Verify(); err != nil {
		return nil, err
	}
	if o.ExpectFingerprint != "" && o.ExpectFingerprint != p.Fingerprint {
		return nil, fmt.Errorf("refusing to apply the plan: its fingerprint %s is not the reviewed %s; nothing was applied", p.Fingerprint, o.ExpectFingerprint)
	}
	kinds, err := Kinds()
	if err != nil {
		return nil, err
	}
	// A plan file holding a kind this build does not know is refused
	// before anything is applied.
	if err := kinds.Check(p); err != nil {
		return nil, fmt.Errorf("refusing to apply the plan: %w; nothing was applied", err)
	}
	refused := &RefusedError{Checks: p.Checks}
	for _, c := range p.Changes {
		if c.Destructive && !o.AllowDestructive {
			refused.Destructive = append(refused.Destructive, c.Address.String())
		}
		if c.Irreversible && !o.AcknowledgeIrreversible {
			refused.Irreversible = append(refused.Irreversible, c.Address.String())
		}
	}
	if len(refused.Checks)+len(refused.Destructive)+len(refused.Irreversible) > 0 {
		return nil, refused
	}
	// The live resources are looked at again, not the plan's Before: a
	// plan file can say anything about them.
	owned, err := ownershipChecks(ctx, src, kinds, p, o.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("refusing to apply the plan: %w; nothing was applied", err)
	}
	for _, c := range owned {
		refused.Unowned = append(refused.Unowned, c.Message)
	}
	if len(refused.Unowned) > 0 {
		return nil, refused
	}

	res := &Result{Changes: make([]ChangeResult, len(p.Changes))}
	index := map[plan.Address]int{}
	for i, c := range p.Changes {
		index[c.Address] = i
		res.Changes[i] = ChangeResult{Address: c.Address, Action: c.Action}
	}
	// failedScopes records the failed changes that others rely on without
	// listing them (implicitScope).
	var mu, progressMu sync.Mutex
	failedScopes := map[string]plan.Address{}

	// Group changes by stage, then by account.
	byStage := map[plan.Stage][]int{}
	var stagesSeen []plan.Stage
	for i, c := range p.Changes {
		if c.Action == plan.NoOp {
			continue
		}
		k, _ := kinds.Lookup(c.Kind)
		s := k.Stage
		if _, ok := byStage[s]; !ok {
			stagesSeen = append(stagesSeen, s)
		}
		byStage[s] = append(byStage[s], i)
	}
	slices.Sort(stagesSeen)
	for _, s := range stagesSeen {
		byAccount := map[string][]int{}
		var accounts []string
		for _, i := range byStage[s] {
			a := p.Changes[i].Account
			if _, ok := byAccount[a]; !ok {
				accounts = append(accounts, a)
			}
			byAccount[a] = append(byAccount[a], i)
		}
		sort.Strings(accounts)
		sem := make(chan struct{}, o.Concurrency)
		var wg sync.WaitGroup
		for _, a := range accounts {
			wg.Add(1)
			sem <- struct{}{}
			go func(idx []int) {
				defer wg.Done()
				defer func() { <-sem }()
				for _, i := range idx {
					c := p.Changes[i]
					mu.Lock()
					because, blocked := blockedBy(c, res, index, failedScopes)
					mu.Unlock()
					var err error
					outcome := Applied
					if blocked {
						outcome, err = Skipped, &SkippedError{Because: because}
					} else if ctx.Err() != nil {
						outcome, err = Skipped, ctx.Err()
					} else if err = applyChange(ctx, src, kinds, c, o.Now); err != nil {
						outcome = Failed
					}
					mu.Lock()
					res.Changes[i].Outcome, res.Changes[i].Err = outcome, err
					if scope := implicitScope(c, s); outcome != Applied && scope != "" {
						if _, seen := failedScopes[scope]; !seen {
							failedScopes[scope] = c.Address
						}
					}
					mu.Unlock()
					o.Logger.Info("apply", "address", c.Address, "action", c.Action.String(), "outcome", string(outcome), "err", err)
					if o.Progress != nil {
						progressMu.Lock()
						o.Progress(c, err)
						progressMu.Unlock()
					}
				}
			}(byAccount[a])
		}
		wg.Wait()
	}
	if _, failed, skipped := res.Counts(); failed+skipped > 0 {
		return res, &IncompleteError{Result: res}
	}
	return res, nil
}

// SkippedError is the Err of a change that was not attempted because a
// change it depends on was not applied.
type SkippedError struct {
	// Because is the address of the change that was not applied.
	Because plan.Address
}

func (e *SkippedError) Error() string {
	return "skipped: " + e.Because.String() + " was not applied"
}

// blockedBy returns the change that keeps c from being applied, if any: a
// change c depends on that was not applied, or, for what the plan does
// not list as dependencies, a failed setting or role in c's account that
// everything there may rely on (an organization setting, the backup role).
// A failure skips
// nothing else: other changes in the same account and Region still run.
func blockedBy(c plan.Change, res *Result, index map[plan.Address]int, failed map[string]plan.Address) (plan.Address, bool) {
	for _, d := range c.DependsOn {
		if i, ok := index[d]; ok && res.Changes[i].Outcome != Applied && res.Changes[i].Outcome != "" {
			return d, true
		}
	}
	if a, ok := failed[c.Account+"/global"]; ok && a != c.Address {
		return a, true
	}
	return plan.Address{}, false
}

// implicitScope returns the key under which a failure of c blocks the
// changes that rely on it without listing it, "" when nothing does.
func implicitScope(c plan.Change, stage plan.Stage) string {
	switch {
	case stage == plan.StageOrganization && c.Region == plan.Global, c.Kind == servicerole.KindRole:
		return c.Account + "/global"
	}
	return ""
}

// applyChange applies one change through its kind, with the credentials
// of its account in its Region (us-east-1 for global resources, where
// IAM and Organizations answer).
func applyChange(ctx context.Context, src crossaccount.ConfigSource, kinds *plan.Kinds, c plan.Change, now func() time.Time) error {
	region := c.Region
	if region == plan.Global {
		region = "us-east-1"
	}
	cfg, err := src.Config(ctx, c.Account, region)
	if err != nil {
		return fmt.Errorf("getting credentials for %s in %s: %w", c.Account, region, err)
	}
	k, _ := kinds.Lookup(c.Kind)
	return k.Apply(ctx, plan.ApplyEnv{Config: cfg, Now: now}, c)
}

// A WorkloadPlanner plans one kind's resources in a workload account and
// Region from the account's resolved tier, reading through cfg (planning
// gives it read-only credentials). It is how a kind that follows the tiers
// plugs into the engine: one entry in workloadPlanners, no desired state
// of its own in the engine.
type WorkloadPlanner func(ctx context.Context, cfg aws.Config, t spec.EffectiveTier, account, region string) ([]plan.Change, error)

// workloadPlanners are the WorkloadPlanners of the registered kinds.
func workloadPlanners() []WorkloadPlanner {
	return []WorkloadPlanner{regionsettings.PlanWorkload, restoretesting.PlanWorkload}
}

// An AccountPlanner plans one kind's resources in one account of the
// plan, workload or not, reading through env.Config (read-only during
// planning). It is how a kind that spans the organization (the alert
// path: forwarding rules in workload accounts, a bus in the backup
// account) plugs into the engine: one entry in accountPlanners.
type AccountPlanner func(ctx context.Context, env alerting.Env) ([]plan.Change, error)

// accountPlanners are the AccountPlanners of the registered kinds.
func accountPlanners() []AccountPlanner {
	return []AccountPlanner{alerting.PlanAccount, planFrameworks}
}

// planFrameworks plans the spec's frameworks in every workload account's
// workload Regions and in the backup account's central Regions.
func planFrameworks(ctx context.Context, env alerting.Env) ([]plan.Change, error) {
	sp := env.Spec
	workload := env.Tier != "" && env.Account != sp.Organization.BackupAccount
	if !workload && env.Account != sp.Organization.BackupAccount {
		return nil, nil
	}
	regions := auditreports.FrameworkRegions(workload, sp.WorkloadRegions(), sp.CentralRegions())
	return auditreports.PlanFrameworks(ctx, env.Account, regions, frameworks(sp), env.Config)
}
