package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/vault"
)

// ConfigSource gives the aws.Config to use for an account and region;
// crossaccount.Fleet is one.
type ConfigSource interface {
	Config(ctx context.Context, account, region string) (aws.Config, error)
}

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
	// Concurrency bounds the accounts worked on at once. Default 16.
	Concurrency int
	// Progress, if set, is called after each change with its outcome.
	Progress func(c Change, err error)
	// Logger receives one line per change. Default: discard.
	Logger *slog.Logger
	// Tags are added to resources created from plan changes that carry no
	// tags of their own (backup plans in direct mode).
	Tags map[string]string
	// Now returns the current time, to refuse a change to a compliance-mode
	// Vault Lock past its grace period before it is sent. Default
	// time.Now; against the emulator, its virtual clock.
	Now func() time.Time
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
	Address string
	Action  Action
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

// RefusedError is returned when a plan cannot be applied as it is: failed
// consistency checks, or destructive or irreversible changes that were not
// allowed. Nothing has been applied.
type RefusedError struct {
	Checks       []Check
	Destructive  []string
	Irreversible []string
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
	return "refusing to apply the plan: " + strings.Join(parts, "; ") + "; nothing was applied"
}

// Apply executes a plan in dependency order (organization settings, roles
// and keys, vaults, access policies and locks, notifications, backup
// policies and plans, reports), in parallel across accounts. It never
// deletes recovery points. When a change fails, independent changes still
// run and the changes that depend on it are skipped; the Result says which.
// Every change is idempotent, so applying again after a failure converges.
func Apply(ctx context.Context, src ConfigSource, p *Plan, optFns ...func(*ApplyOptions)) (*Result, error) {
	var o ApplyOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
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
	refused := &RefusedError{Checks: p.Checks}
	for _, c := range p.Changes {
		if c.Destructive && !o.AllowDestructive {
			refused.Destructive = append(refused.Destructive, c.Address)
		}
		if c.Irreversible && !o.AcknowledgeIrreversible {
			refused.Irreversible = append(refused.Irreversible, c.Address)
		}
	}
	if len(refused.Checks)+len(refused.Destructive)+len(refused.Irreversible) > 0 {
		return nil, refused
	}

	res := &Result{Changes: make([]ChangeResult, len(p.Changes))}
	index := map[string]int{}
	for i, c := range p.Changes {
		index[c.Address] = i
		res.Changes[i] = ChangeResult{Address: c.Address, Action: c.Action}
	}
	// failedScopes records the account+region scopes ("global" for global
	// resources) in which a change failed or was skipped, so later stages
	// there are skipped.
	var mu sync.Mutex
	failedScopes := map[string]string{}
	cl := &clientCache{src: src, m: map[string]aws.Config{}}

	// Group changes by stage, then by account.
	byStage := map[int][]int{}
	var stagesSeen []int
	for i, c := range p.Changes {
		if c.Action == NoOp {
			continue
		}
		s := stageOf(c.Kind)
		if _, ok := byStage[s]; !ok {
			stagesSeen = append(stagesSeen, s)
		}
		byStage[s] = append(byStage[s], i)
	}
	sort.Ints(stagesSeen)
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
					why := blockedBy(c, res, index, failedScopes)
					mu.Unlock()
					var err error
					outcome := Applied
					if why != "" {
						outcome, err = Skipped, errors.New(why)
					} else if ctx.Err() != nil {
						outcome, err = Skipped, ctx.Err()
					} else if err = applyChange(ctx, cl, c, o.Tags, o.Now); err != nil {
						outcome = Failed
					}
					mu.Lock()
					res.Changes[i].Outcome, res.Changes[i].Err = outcome, err
					if outcome != Applied {
						// Later changes in the same account and region may
						// rely on it implicitly; a global change (an IAM
						// role, an organization setting) may be relied on
						// by every region of its account. Other regions of
						// the account are independent.
						failedScopes[c.Account+"/"+c.Region] = c.Address
					}
					mu.Unlock()
					o.Logger.Info("apply", "address", c.Address, "action", c.Action.String(), "outcome", string(outcome), "err", err)
					if o.Progress != nil {
						o.Progress(c, err)
					}
				}
			}(byAccount[a])
		}
		wg.Wait()
	}
	return res, nil
}

// blockedBy returns why c must be skipped, or "".
func blockedBy(c Change, res *Result, index map[string]int, failedScopes map[string]string) string {
	for _, d := range c.DependsOn {
		if i, ok := index[d]; ok && res.Changes[i].Outcome != Applied && res.Changes[i].Outcome != "" {
			return "skipped: " + d + " was not applied"
		}
	}
	if addr, ok := failedScopes[c.Account+"/"+c.Region]; ok {
		return "skipped: an earlier change in " + c.Account + "/" + c.Region + " failed (" + addr + ")"
	}
	if c.Region != "global" {
		if addr, ok := failedScopes[c.Account+"/global"]; ok {
			return "skipped: an earlier change in " + c.Account + " failed (" + addr + ")"
		}
	}
	return ""
}

// clientCache keeps one aws.Config per account and region.
type clientCache struct {
	src ConfigSource
	mu  sync.Mutex
	m   map[string]aws.Config
}

func (cc *clientCache) config(ctx context.Context, account, region string) (aws.Config, error) {
	key := account + "/" + region
	cc.mu.Lock()
	cfg, ok := cc.m[key]
	cc.mu.Unlock()
	if ok {
		return cfg, nil
	}
	cfg, err := cc.src.Config(ctx, account, region)
	if err != nil {
		return cfg, fmt.Errorf("getting credentials for %s in %s: %w", account, region, err)
	}
	cc.mu.Lock()
	cc.m[key] = cfg
	cc.mu.Unlock()
	return cfg, nil
}

// applyChange dispatches one change to the code that owns its kind.
func applyChange(ctx context.Context, cl *clientCache, c Change, tags map[string]string, now func() time.Time) error {
	region := c.Region
	if region == "global" {
		region = "us-east-1"
	}
	cfg, err := cl.config(ctx, c.Account, region)
	if err != nil {
		return err
	}
	switch c.Kind {
	case kindServiceAccess, kindPolicyType, kindDelegatedAdmin, kindResourcePolicy, kindGlobalSettings:
		return applyOrg(ctx, awsorgs.NewFromConfig(cfg), awsbackup.NewFromConfig(cfg), c)
	case kindBackupPolicy, kindPolicyAttachment:
		return applyPolicy(ctx, awsorgs.NewFromConfig(cfg), c)
	case kindIAMRole:
		return applyRole(ctx, awsiam.NewFromConfig(cfg), c)
	case kindBackupPlan:
		return applyDirect(ctx, awsbackup.NewFromConfig(cfg), c, tags)
	case kindS3Bucket:
		return applyBucket(ctx, awss3.NewFromConfig(cfg), c)
	case kindReportPlan:
		return applyReportPlan(ctx, awsbackup.NewFromConfig(cfg), c)
	case kindFramework:
		return applyFramework(ctx, awsbackup.NewFromConfig(cfg), c)
	default:
		return vault.Apply(ctx, vaultClients(cfg), c.Account, c.Region, vault.Change{
			Kind: c.Kind, Name: c.Name, Action: c.Action.String(), Before: c.Before, After: c.After,
			Destructive: c.Destructive, Irreversible: c.Irreversible, Reason: c.Reason,
		}, func(vo *vault.Options) { vo.Now = now })
	}
}

func vaultClients(cfg aws.Config) vault.Clients {
	return vault.Clients{Backup: awsbackup.NewFromConfig(cfg), KMS: awskms.NewFromConfig(cfg), SNS: awssns.NewFromConfig(cfg)}
}
