package crossaccount

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/orgbackup/orgbackup/policy"
)

// Defaults of Options.
const (
	// DefaultExecutionRole is the role AWS Organizations creates in the
	// accounts it creates, with full administrative permissions and a
	// trust policy that admits the management account ("Accessing a
	// member account that has OrganizationAccountAccessRole",
	// Organizations User Guide).
	DefaultExecutionRole = "OrganizationAccountAccessRole"
	// DefaultSessionName is the role session name, visible in CloudTrail.
	DefaultSessionName = "orgbackup"
	// DefaultConcurrency bounds the calls Run makes at once.
	DefaultConcurrency = 16
	// DefaultMaxAttempts is the number of attempts per request, the first
	// included.
	DefaultMaxAttempts = 5
	// DefaultSessionDuration is the role session length: AssumeRole's
	// default and the most that role chaining allows (AssumeRole API
	// reference, DurationSeconds).
	DefaultSessionDuration = time.Hour
	// DefaultExpiryWindow is how long before expiry credentials are
	// refreshed.
	DefaultExpiryWindow = 5 * time.Minute
)

// maxChainedSession is the session limit for roles assumed with the
// credentials of another role session ("role chaining", AssumeRole API
// reference).
const maxChainedSession = time.Hour

// Options configure a Fleet. Every field has a usable default.
type Options struct {
	// ExecutionRole is the name of the role assumed in each account.
	// Default DefaultExecutionRole.
	ExecutionRole string
	// ManagementAccount is the organization's management account. When it
	// is set and the caller is in another account, every account other
	// than the caller's own and the management account is reached through
	// the management account: the Fleet assumes ManagementRole there, and
	// with that session the execution role in the target, because
	// OrganizationAccountAccessRole trusts only the management account.
	// The management account itself, and every account when this is
	// empty or the caller is the management account, is reached directly
	// with the caller's credentials.
	ManagementAccount string
	// ManagementRole is the name of the role assumed in the management
	// account for chaining. Default ExecutionRole.
	ManagementRole string
	// Delegated runs the Fleet from the organization's delegated
	// administrator (the backup account) instead of through the
	// management account: with ManagementAccount set and the caller in
	// another account, every other account's ExecutionRole is assumed
	// directly from the caller, and the management account is reached
	// with the caller's own credentials, except for the operations AWS
	// reserves to the management account (IsManagementOnly), which assume
	// ManagementRole there. Planning thus never assumes a role in the
	// management account.
	Delegated bool
	// SessionName is the role session name. Default DefaultSessionName.
	SessionName string
	// SessionDuration is the requested role session length, 15 minutes
	// to the role's maximum; chained sessions are capped at one hour.
	// Default DefaultSessionDuration.
	SessionDuration time.Duration
	// ExpiryWindow is how long before expiry cached credentials are
	// refreshed. A window as long as the session makes every use refresh.
	// Default DefaultExpiryWindow.
	ExpiryWindow time.Duration
	// Concurrency bounds the calls Run makes at once. Default
	// DefaultConcurrency.
	Concurrency int
	// RatePerSecond sets the request rate per (account, service,
	// Region), every attempt counted, shared by all clients of the Fleet.
	// Zero (the default) makes it adaptive: it starts at
	// DefaultStartRate, grows while the service answers and is cut when
	// it throttles, so it follows the service's quota. Positive fixes it
	// (for a caller that knows the quota). Negative means unlimited (an
	// in-process emulator).
	RatePerSecond float64
	// Burst is a fixed rate's token bucket size. Default RatePerSecond
	// rounded up, at least 1.
	Burst int
	// MaxAttempts bounds the attempts of each request under the SDK's
	// standard retry mode. Default DefaultMaxAttempts. A throttled request
	// gets up to 15 attempts (or MaxAttempts if more, none more if
	// MaxAttempts is 1): the Fleet's rate finds a service's limit by
	// crossing it.
	MaxAttempts int
	// STSRegions, when set, spreads role assumption over the STS
	// endpoints of these Regions, each account always assumed through
	// the same one: STS request quotas are per account and Region, so a
	// fan-out over thousands of accounts is not bounded by one endpoint's
	// quota in the account that assumes the roles. Sessions from a
	// regional endpoint are valid in every Region (AWS STS regional
	// endpoints, IAM User Guide). Default: base's Region, else us-east-1.
	STSRegions []string
	// ReadOnly makes every client reject operations that are not reads
	// (see IsReadOperation) with a *MutationError before anything is
	// sent. Planning uses it.
	ReadOnly bool
	// Clock is the time source of the rate limiter. Default time.Now.
	Clock func() time.Time
	// Logger receives a debug line for each role assumption. Default:
	// discard.
	Logger *slog.Logger
}

// Fleet hands out SDK configurations for the accounts and regions of an
// organization: credentials by role assumption from the caller, cached
// per account and refreshed before they expire, adaptive retries, and
// client-side rate limits. It is safe for concurrent use.
type Fleet struct {
	base aws.Config
	opts Options

	callerMu  sync.Mutex // held while asking STS who the caller is
	caller    string
	callerARN string

	mu       sync.Mutex // guards below
	creds    map[string]aws.CredentialsProvider
	limiters map[limiterKey]*limiter
}

// NewFleet returns a Fleet whose caller is base's credentials. base's
// region, when set, is where STS is called; its endpoint, HTTP client
// and API options carry over to every configuration the Fleet returns.
func NewFleet(base aws.Config, optFns ...func(*Options)) *Fleet {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.ExecutionRole == "" {
		o.ExecutionRole = DefaultExecutionRole
	}
	if o.ManagementRole == "" {
		o.ManagementRole = o.ExecutionRole
	}
	if o.SessionName == "" {
		o.SessionName = DefaultSessionName
	}
	if o.SessionDuration <= 0 {
		o.SessionDuration = DefaultSessionDuration
	}
	if o.ExpiryWindow <= 0 {
		o.ExpiryWindow = DefaultExpiryWindow
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Burst <= 0 {
		o.Burst = max(1, int(math.Ceil(o.RatePerSecond)))
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Fleet{
		base:     base.Copy(),
		opts:     o,
		creds:    map[string]aws.CredentialsProvider{},
		limiters: map[limiterKey]*limiter{},
	}
}

// Options returns the Fleet's options with their defaults applied.
func (f *Fleet) Options() Options { return f.opts }

// AssumeRoleError reports that credentials for an account could not be
// obtained by assuming its role.
type AssumeRoleError struct {
	// Account is the account the credentials were for.
	Account string
	// RoleARN is the role that was assumed.
	RoleARN string
	// Via is the account whose credentials called AssumeRole.
	Via string
	// Err is the underlying error, usually the SDK's.
	Err error
}

// Error names the account, the role and the account that assumed it.
func (e *AssumeRoleError) Error() string {
	return fmt.Sprintf("assuming role %s in account %s from account %s: %v", e.RoleARN, e.Account, e.Via, e.Err)
}

// Unwrap returns the underlying error.
func (e *AssumeRoleError) Unwrap() error { return e.Err }

// CallerAccount returns the account of base's credentials, asking STS
// GetCallerIdentity the first time.
func (f *Fleet) CallerAccount(ctx context.Context) (string, error) {
	f.callerMu.Lock()
	defer f.callerMu.Unlock()
	if f.caller != "" {
		return f.caller, nil
	}
	cfg := f.stsConfig(f.base.Credentials, "")
	out, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("getting caller identity: %w", err)
	}
	if !policy.IsAccountID(aws.ToString(out.Account)) {
		return "", fmt.Errorf("getting caller identity: account %q is not 12 digits", aws.ToString(out.Account))
	}
	f.caller, f.callerARN = aws.ToString(out.Account), aws.ToString(out.Arn)
	return f.caller, nil
}

// Config returns an aws.Config for account and region. The caller's own
// account uses base's credentials; any other account uses temporary
// credentials for arn:aws:iam::ACCOUNT:role/ExecutionRole, directly or
// through the management account as Options.ManagementAccount describes,
// obtained now (so a denied assumption is reported here, as an
// *AssumeRoleError naming the account and role) and cached for the
// Fleet's lifetime, every region sharing them. Clients built from the
// Config use the SDK's standard retry mode, the (account, service,
// Region) rate shared by every client of the Fleet and, for a read-only
// Fleet, the read-only guard.
func (f *Fleet) Config(ctx context.Context, account, region string) (aws.Config, error) {
	if !policy.IsAccountID(account) {
		return aws.Config{}, fmt.Errorf("configuring account %q: account ID must be 12 digits", account)
	}
	if region == "" {
		return aws.Config{}, fmt.Errorf("configuring account %s: region is empty", account)
	}
	caller, err := f.CallerAccount(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("configuring account %s in %s: %w", account, region, err)
	}
	provider := f.credentials(caller, account)
	if provider != nil {
		if _, err := provider.Retrieve(ctx); err != nil {
			return aws.Config{}, fmt.Errorf("configuring account %s in %s: %w", account, region, err)
		}
	}
	cfg := f.clientConfig(provider, account)
	cfg.Region = region
	return cfg, nil
}

// credentials returns the cached provider for account, creating it (and
// the management account's, when chaining) on first use.
func (f *Fleet) credentials(caller, account string) aws.CredentialsProvider {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.credentialsLocked(caller, account)
}

func (f *Fleet) credentialsLocked(caller, account string) aws.CredentialsProvider {
	if account == caller {
		return f.base.Credentials
	}
	if p, ok := f.creds[account]; ok {
		return p
	}
	via, role := caller, f.opts.ExecutionRole
	source := f.base.Credentials
	chained := strings.Contains(f.callerARN, ":assumed-role/")
	if mgmt := f.opts.ManagementAccount; mgmt != "" && caller != mgmt && f.opts.Delegated && account == mgmt {
		p := &routedProvider{own: f.base.Credentials, management: f.assumeLocked(caller, mgmt, f.opts.ManagementRole, f.base.Credentials, chained)}
		f.creds[account] = p
		return p
	}
	if mgmt := f.opts.ManagementAccount; mgmt != "" && caller != mgmt && !f.opts.Delegated {
		if account == mgmt {
			role = f.opts.ManagementRole
		} else {
			via, source, chained = mgmt, f.credentialsLocked(caller, mgmt), true
		}
	}
	p := f.assumeLocked(via, account, role, source, chained)
	f.creds[account] = p
	return p
}

// assumeLocked returns a cached provider of role in account, assumed with
// source's credentials (of account via).
func (f *Fleet) assumeLocked(via, account, role string, source aws.CredentialsProvider, chained bool) aws.CredentialsProvider {
	roleARN := "arn:aws:iam::" + account + ":role/" + role
	duration := f.opts.SessionDuration
	if chained {
		duration = min(duration, maxChainedSession)
	}
	stsCfg := f.stsConfig(source, via)
	if n := len(f.opts.STSRegions); n > 0 {
		h := fnv.New32a()
		h.Write([]byte(account))
		stsCfg.Region = f.opts.STSRegions[h.Sum32()%uint32(n)]
	}
	client := awssts.NewFromConfig(stsCfg)
	assume := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = f.opts.SessionName
		o.Duration = duration
	})
	return aws.NewCredentialsCache(&namedProvider{assume: assume, err: AssumeRoleError{Account: account, RoleARN: roleARN, Via: via}, logger: f.opts.Logger},
		func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = f.opts.ExpiryWindow })
}

// namedProvider labels role-assumption failures with the account and role
// and logs each assumption (every cache refresh).
type namedProvider struct {
	assume aws.CredentialsProvider
	err    AssumeRoleError
	logger *slog.Logger
}

func (p *namedProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.assume.Retrieve(ctx)
	if err != nil {
		e := p.err
		e.Err = err
		return aws.Credentials{}, &e
	}
	p.logger.DebugContext(ctx, "assumed role", "account", p.err.Account, "role", p.err.RoleARN, "via", p.err.Via, "expires", creds.Expires)
	return creds, nil
}

// stsConfig is the configuration of the STS clients that assume roles with
// source credentials; via is their account ("" for the caller before it is
// known, which goes unlimited).
func (f *Fleet) stsConfig(source aws.CredentialsProvider, via string) aws.Config {
	cfg := f.clientConfig(source, via)
	if cfg.Region == "" {
		// Sessions from any STS endpoint work in every enabled region;
		// us-east-1 hosts the global endpoint.
		cfg.Region = "us-east-1"
	}
	return cfg
}

// extraThrottleCodes are throttling errors the SDK's retryer does not
// know: Amazon SNS answers "Throttled" (ThrottledException in the SNS API
// reference, "Indicates that the rate at which requests have been
// submitted for this action exceeds the limit for your Amazon Web
// Services account"), which is not among retry.DefaultThrottleErrorCodes,
// so one throttled SNS read used to abort a whole plan.
var extraThrottleCodes = map[string]struct{}{"Throttled": {}}

// throttleMaxAttempts bounds the attempts of a request the service keeps
// throttling. An adaptive rate finds a service's limit by crossing it, so
// about one attempt in ten at a saturated bucket is throttled (role
// assumption at 5,000 accounts); with MaxAttempts for every error, one
// role assumption in a few thousand failed five times in a row and
// stopped an apply.
const throttleMaxAttempts = 15

// throttleTolerant is the Fleet's retryer: a throttled request is retried
// up to throttleMaxAttempts times (the Fleet's rate paces the attempts),
// any other retryable error up to maxAttempts times.
type throttleTolerant struct {
	aws.RetryerV2
	maxAttempts int
}

// throttleMaxDelay caps the back-off before retrying a throttled
// request: the Fleet's rate, cut by the throttle, paces the attempt.
const throttleMaxDelay = time.Second

// RetryDelay ends the retries of an error that is not a throttle once
// maxAttempts attempts were made, with the error the SDK gives when
// attempts run out, and backs off at most throttleMaxDelay after a
// throttle.
func (r throttleTolerant) RetryDelay(attempt int, err error) (time.Duration, error) {
	throttled := throttles.IsErrorThrottle(err) == aws.TrueTernary
	if attempt >= r.maxAttempts && !throttled {
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	d, err := r.RetryerV2.RetryDelay(attempt, err)
	if throttled {
		d = min(d, throttleMaxDelay)
	}
	return d, err
}

// clientConfig copies base with provider, the retryer and the Fleet's API
// options. The retryer is the SDK's standard mode without its retry
// quota: the Fleet's rate paces the attempts, and a quota shared by a
// fan-out's retries would fail requests the rate is already pacing.
func (f *Fleet) clientConfig(provider aws.CredentialsProvider, account string) aws.Config {
	cfg := f.base.Copy()
	cfg.Credentials = provider
	maxAttempts := f.opts.MaxAttempts
	cfg.Retryer = func() aws.Retryer {
		throttleAttempts := max(maxAttempts, throttleMaxAttempts)
		if maxAttempts <= 1 {
			throttleAttempts = maxAttempts // no retries asked for
		}
		return throttleTolerant{RetryerV2: retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = throttleAttempts
			so.RateLimiter = ratelimit.None
			so.Retryables = append(so.Retryables, retry.RetryableErrorCode{Codes: extraThrottleCodes})
		}), maxAttempts: maxAttempts}
	}
	// RetryMaxAttempts and RetryMode on base would override the retryer.
	cfg.RetryMaxAttempts, cfg.RetryMode = 0, ""
	cfg.APIOptions = append([]func(*middleware.Stack) error(nil), f.base.APIOptions...)
	if f.opts.RatePerSecond >= 0 && account != "" {
		cfg.APIOptions = append(cfg.APIOptions, f.addRateLimit(account))
	}
	if f.opts.ReadOnly {
		cfg.APIOptions = append(cfg.APIOptions, addReadOnly)
	}
	return cfg
}

// Target is one account in one region.
type Target struct {
	// Account is the 12-digit account ID.
	Account string
	// Region is the AWS Region ("us-east-1").
	Region string
}

// Targets returns every pair of accounts and regions, accounts first, in
// the order given.
func Targets(accounts, regions []string) []Target {
	out := make([]Target, 0, len(accounts)*len(regions))
	for _, a := range accounts {
		for _, r := range regions {
			out = append(out, Target{Account: a, Region: r})
		}
	}
	return out
}

// Run calls fn for every target with its Config, at most
// Options.Concurrency at once (see ForEach). Errors are prefixed with
// "ACCOUNT/REGION: " and joined in target order.
func (f *Fleet) Run(ctx context.Context, targets []Target, fn func(ctx context.Context, t Target, cfg aws.Config) error) error {
	return ForEach(ctx, f.opts.Concurrency, targets, func(ctx context.Context, t Target) error {
		cfg, err := f.Config(ctx, t.Account, t.Region)
		if err == nil {
			err = fn(ctx, t, cfg)
		}
		if err != nil {
			return fmt.Errorf("%s/%s: %w", t.Account, t.Region, err)
		}
		return nil
	})
}
