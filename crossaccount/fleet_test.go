package crossaccount_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

const (
	mgmt   = emulator.ManagementAccountID
	backup = emulator.BackupAccountID
	prod   = "333333333333"
	stage  = "444444444444"
)

// newEmulator starts an emulator whose member accounts have no roles, so
// that each test creates the roles it assumes.
func newEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	srv := emulator.NewServer(func(o *emulator.Options) { o.MemberRole = "-" })
	t.Cleanup(srv.Close)
	return srv
}

// createExecutionRole creates role name in account, trusting the given
// accounts, with the account's own credentials.
func createExecutionRole(t *testing.T, srv *emulator.Server, account, name string, trusted ...string) {
	t.Helper()
	var principals []string
	for _, a := range trusted {
		principals = append(principals, `"arn:aws:iam::`+a+`:root"`)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sts:AssumeRole"}]}`
	_, err := awsiam.NewFromConfig(srv.Config(account, "us-east-1")).CreateRole(context.Background(), &awsiam.CreateRoleInput{
		RoleName:                 aws.String(name),
		AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		t.Fatalf("creating role %s in %s: %v", name, account, err)
	}
}

// callCount sums the emulator's counters of calls matching the key's
// non-empty fields.
func callCount(srv *emulator.Server, key emulator.CallKey) (calls, throttled int) {
	for _, st := range srv.CallStats() {
		if (key.Account == "" || key.Account == st.Account) &&
			(key.Region == "" || key.Region == st.Region) &&
			(key.Service == "" || key.Service == st.Service) &&
			(key.Operation == "" || key.Operation == st.Operation) {
			calls += st.Calls
			throttled += st.Throttled
		}
	}
	return calls, throttled
}

// whoAmI returns the ARN the config's credentials act as.
func whoAmI(t *testing.T, cfg aws.Config) string {
	t.Helper()
	out, err := awssts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return aws.ToString(out.Arn)
}

func TestFleetConfigAssumesExecutionRole(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	ctx := context.Background()
	var logs bytes.Buffer
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})

	tests := map[string]struct {
		account, region, wantARN string
	}{
		"member account":           {prod, "us-west-2", "arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/orgbackup"},
		"caller's own account":     {mgmt, "eu-west-1", "arn:aws:iam::111111111111:root"},
		"member in another region": {prod, "eu-central-1", "arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/orgbackup"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := fleet.Config(ctx, tc.account, tc.region)
			if err != nil {
				t.Fatalf("Config(%s, %s) error: %v", tc.account, tc.region, err)
			}
			if cfg.Region != tc.region {
				t.Errorf("Config().Region = %q, want %q", cfg.Region, tc.region)
			}
			if got := whoAmI(t, cfg); got != tc.wantARN {
				t.Errorf("caller ARN = %q, want %q", got, tc.wantARN)
			}
		})
	}
	t.Run("invalid input", func(t *testing.T) {
		t.Parallel()
		if _, err := fleet.Config(ctx, "3333", "us-east-1"); err == nil {
			t.Error("Config(short account) succeeded, want an error")
		}
		if _, err := fleet.Config(ctx, prod, ""); err == nil {
			t.Error("Config(no region) succeeded, want an error")
		}
	})
	t.Cleanup(func() {
		if !strings.Contains(logs.String(), "assumed role") || !strings.Contains(logs.String(), "account=333333333333") {
			t.Errorf("log = %q, want an assumed-role line for 333333333333", logs.String())
		}
	})
}

func TestFleetDeniedAssumption(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	// The stage account's role trusts only the backup account.
	createExecutionRole(t, srv, stage, "OrgBackupExecution", backup)
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.ExecutionRole = "OrgBackupExecution" })

	for _, account := range []string{stage, "555555555555"} { // untrusted; no role at all
		_, err := fleet.Config(context.Background(), account, "us-east-1")
		var are *crossaccount.AssumeRoleError
		if !errors.As(err, &are) {
			t.Fatalf("Config(%s) error = %v, want *AssumeRoleError", account, err)
		}
		want := crossaccount.AssumeRoleError{Account: account, RoleARN: "arn:aws:iam::" + account + ":role/OrgBackupExecution", Via: mgmt}
		if diff := cmp.Diff(want, *are, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
			t.Errorf("AssumeRoleError mismatch (-want +got):\n%s", diff)
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Errorf("Config(%s) error = %v, want the AccessDenied API error inside", account, err)
		}
		for _, s := range []string{account, "arn:aws:iam::" + account + ":role/OrgBackupExecution"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Config(%s) error %q does not name %s", account, err, s)
			}
		}
	}
}

func TestFleetCachesCredentials(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	createExecutionRole(t, srv, stage, crossaccount.DefaultExecutionRole, mgmt)
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"))

	var wg sync.WaitGroup
	for range 5 {
		for _, account := range []string{prod, stage} {
			for _, region := range []string{"us-east-1", "us-west-2"} {
				wg.Go(func() {
					cfg, err := fleet.Config(ctx, account, region)
					if err != nil {
						t.Errorf("Config(%s, %s): %v", account, region, err)
						return
					}
					if _, err := awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
						t.Errorf("ListBackupVaults in %s/%s: %v", account, region, err)
					}
				})
			}
		}
	}
	wg.Wait()
	if got, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "AssumeRole"}); got != 2 {
		t.Errorf("AssumeRole calls = %d, want 2 (one per account)", got)
	}
	if got, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "GetCallerIdentity"}); got != 1 {
		t.Errorf("GetCallerIdentity calls = %d, want 1", got)
	}
	if got, _ := callCount(srv, emulator.CallKey{Account: prod, Service: "backup", Operation: "ListBackupVaults"}); got != 10 {
		t.Errorf("ListBackupVaults calls in %s = %d, want 10", prod, got)
	}
}

func TestFleetRefreshesBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	ctx := context.Background()
	// Sessions of 15 minutes, refreshed from 15 minutes before expiry:
	// cached credentials are never fresh enough to reuse.
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) {
		o.SessionDuration = 15 * time.Minute
		o.ExpiryWindow = 15 * time.Minute
	})
	for range 3 {
		if _, err := fleet.Config(ctx, prod, "us-east-1"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "AssumeRole"}); got != 3 {
		t.Errorf("AssumeRole calls = %d, want 3 (refreshed every time)", got)
	}
}

func TestFleetChainsThroughManagementAccount(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	ctx := context.Background()
	// The caller is the backup account. Members trust only the
	// management account, whose role trusts the backup account.
	createExecutionRole(t, srv, mgmt, "OrgBackupHub", backup)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	createExecutionRole(t, srv, stage, crossaccount.DefaultExecutionRole, mgmt)

	direct := crossaccount.NewFleet(srv.Config(backup, "us-east-1"))
	if _, err := direct.Config(ctx, prod, "us-east-1"); err == nil {
		t.Fatal("Config(prod) without chaining succeeded, want AccessDenied: the member trusts only the management account")
	}

	fleet := crossaccount.NewFleet(srv.Config(backup, "us-east-1"), func(o *crossaccount.Options) {
		o.ManagementAccount = mgmt
		o.ManagementRole = "OrgBackupHub"
	})
	srv.ResetCallStats()
	want := map[string]string{
		prod:   "arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/orgbackup",
		stage:  "arn:aws:sts::444444444444:assumed-role/OrganizationAccountAccessRole/orgbackup",
		mgmt:   "arn:aws:sts::111111111111:assumed-role/OrgBackupHub/orgbackup",
		backup: "arn:aws:iam::222222222222:root",
	}
	for _, account := range []string{prod, stage, mgmt, backup} {
		cfg, err := fleet.Config(ctx, account, "us-east-1")
		if err != nil {
			t.Fatalf("Config(%s) error: %v", account, err)
		}
		if got := whoAmI(t, cfg); got != want[account] {
			t.Errorf("Config(%s) acts as %q, want %q", account, got, want[account])
		}
	}
	// One hop into the management account, from there one per member.
	if got, _ := callCount(srv, emulator.CallKey{Account: backup, Service: "sts", Operation: "AssumeRole"}); got != 1 {
		t.Errorf("AssumeRole calls from the backup account = %d, want 1", got)
	}
	if got, _ := callCount(srv, emulator.CallKey{Account: mgmt, Service: "sts", Operation: "AssumeRole"}); got != 2 {
		t.Errorf("AssumeRole calls from the management account = %d, want 2", got)
	}

	t.Run("denied first hop names the management account", func(t *testing.T) {
		t.Parallel()
		broken := crossaccount.NewFleet(srv.Config(backup, "us-east-1"), func(o *crossaccount.Options) {
			o.ManagementAccount = mgmt // ManagementRole defaults to OrganizationAccountAccessRole, absent there
		})
		_, err := broken.Config(ctx, prod, "us-east-1")
		if err == nil {
			t.Fatal("Config(prod) succeeded, want an error")
		}
		for _, s := range []string{"arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not name %s", err, s)
			}
		}
	})
}

func TestFleetReadOnly(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.ReadOnly = true })
	srv.ResetCallStats()

	for _, account := range []string{prod, mgmt} {
		cfg, err := fleet.Config(ctx, account, "us-east-1")
		if err != nil {
			t.Fatalf("Config(%s) error: %v", account, err)
		}
		bk := awsbackup.NewFromConfig(cfg)
		if _, err := bk.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
			t.Errorf("ListBackupVaults in %s: %v", account, err)
		}
		_, err = bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central")})
		var me *crossaccount.MutationError
		if !errors.As(err, &me) {
			t.Fatalf("CreateBackupVault in %s error = %v, want *MutationError", account, err)
		}
		if diff := cmp.Diff(crossaccount.MutationError{Service: "Backup", Operation: "CreateBackupVault"}, *me); diff != "" {
			t.Errorf("MutationError mismatch (-want +got):\n%s", diff)
		}
		_, err = awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String("{}")})
		if !errors.As(err, &me) || me.Operation != "CreateRole" || me.Service != "IAM" {
			t.Errorf("CreateRole in %s error = %v, want *MutationError for IAM CreateRole", account, err)
		}
		if _, err := awsiam.NewFromConfig(cfg).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
			t.Errorf("ListRoles in %s: %v", account, err)
		}
	}
	for _, op := range []string{"CreateBackupVault", "CreateRole"} {
		if got, _ := callCount(srv, emulator.CallKey{Operation: op}); got != 0 {
			t.Errorf("%s reached the server %d times, want 0", op, got)
		}
	}
	if got, _ := callCount(srv, emulator.CallKey{Service: "backup", Operation: "ListBackupVaults"}); got != 2 {
		t.Errorf("ListBackupVaults calls = %d, want 2", got)
	}
	// The role assumption itself went through the guard's allow list.
	if got, _ := callCount(srv, emulator.CallKey{Service: "sts", Operation: "AssumeRole"}); got != 1 {
		t.Errorf("AssumeRole calls = %d, want 1", got)
	}
}

func TestIsReadOperation(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"GetCallerIdentity":          true,
		"AssumeRole":                 true,
		"AssumeRoleWithWebIdentity":  true,
		"DescribeBackupVault":        true,
		"ListBackupVaults":           true,
		"HeadObject":                 true,
		"LookupEvents":               true,
		"SearchResources":            true,
		"GetBackupVaultAccessPolicy": true,
		"Get":                        true,
		"CreateBackupVault":          false,
		"PutBackupVaultAccessPolicy": false,
		"DeleteBackupVault":          false,
		"StartCopyJob":               false,
		"TagResource":                false,
		"UpdateBackupPlan":           false,
		"Decrypt":                    false,
		"Listen":                     false,
		"Gettysburg":                 false,
		"":                           false,
	}
	for op, want := range tests {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			if got := crossaccount.IsReadOperation(op); got != want {
				t.Errorf("IsReadOperation(%q) = %v, want %v", op, got, want)
			}
		})
	}
}

func TestFleetRateLimit(t *testing.T) {
	t.Parallel()
	const calls = 80
	run := func(t *testing.T, optFns ...func(*crossaccount.Options)) (throttled int, elapsed time.Duration, err error) {
		t.Helper()
		srv := newEmulator(t)
		createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
		srv.AddFault(emulator.Fault{Service: "backup", RatePerSecond: 10})
		ctx := context.Background()
		fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), optFns...)
		// Spread over two regions: the buckets, the emulator's and the
		// Fleet's, are per account, service and Region.
		regions := []string{"us-east-1", "us-west-2"}
		items := make([]int, calls)
		for i := range items {
			items[i] = i
		}
		start := time.Now()
		err = crossaccount.ForEach(ctx, fleet.Options().Concurrency, items, func(ctx context.Context, i int) error {
			cfg, err := fleet.Config(ctx, prod, regions[i%2])
			if err != nil {
				return err
			}
			_, err = awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
			return err
		})
		elapsed = time.Since(start)
		n, throttled := callCount(srv, emulator.CallKey{Account: prod, Service: "backup"})
		if n < calls {
			t.Errorf("backup calls = %d, want at least %d", n, calls)
		}
		return throttled, elapsed, err
	}

	t.Run("default rate follows the service", func(t *testing.T) {
		t.Parallel()
		// The adaptive rate starts at 8 per second in each Region, grows
		// to the emulator's 10 and is cut back when it throttles; every
		// call succeeds.
		throttled, elapsed, err := run(t)
		if err != nil {
			t.Errorf("a throttled call reached the caller: %v", err)
		}
		// In each Region, 10 at once (the emulator's burst), then 10
		// per second: the service's bound.
		if min := time.Duration(float64(calls/2-10) / 10 * float64(time.Second)); elapsed < min-100*time.Millisecond {
			t.Errorf("%d calls took %v, less than the service allows (%v)", calls, elapsed, min)
		}
		// Starting at 8 per second, never faster than the service: at
		// worst the start rate all along.
		if max := time.Duration(float64(calls/2-crossaccount.DefaultStartRate) / crossaccount.DefaultStartRate * float64(time.Second)); elapsed > max+time.Second {
			t.Errorf("%d calls took %v, more than at the start rate (%v)", calls, elapsed, max)
		}
		t.Logf("%d calls in %v, %d attempts throttled and retried", calls, elapsed, throttled)
	})
	t.Run("a cap stays under the API's", func(t *testing.T) {
		t.Parallel()
		throttled, elapsed, err := run(t, func(o *crossaccount.Options) { o.RatePerSecond = 8 })
		if err != nil {
			t.Errorf("ForEach() error: %v", err)
		}
		if throttled != 0 {
			t.Errorf("throttled calls = %d, want 0", throttled)
		}
		// In each Region, 8 at once, then 8 per second.
		if min := time.Duration(float64(calls/2-8) / 8 * float64(time.Second)); elapsed < min-100*time.Millisecond {
			t.Errorf("%d calls took %v, want at least %v at the cap", calls, elapsed, min)
		}
	})
	t.Run("unlimited is throttled", func(t *testing.T) {
		t.Parallel()
		throttled, _, err := run(t, func(o *crossaccount.Options) { o.RatePerSecond = -1; o.MaxAttempts = 1 })
		if throttled == 0 || err == nil {
			t.Error("throttled calls = 0 without a client-side limit; the emulator's limit is not exercised")
		}
	})
}

// errStackSeen stops a request once its middleware stack is recorded.
var errStackSeen = errors.New("stack recorded")

func TestFleetClientStack(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) {
		o.ReadOnly = true
		o.MaxAttempts = 7
	})
	cfg, err := fleet.Config(ctx, mgmt, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	r, ok := cfg.Retryer().(aws.RetryerV2)
	if !ok {
		t.Fatalf("Retryer() is %T, want an aws.RetryerV2 that can pace attempts", cfg.Retryer())
	}
	// The retry loop's bound is the throttles'; other errors stop at 7
	// (TestFleetOutlastsThrottling).
	if got := r.MaxAttempts(); got != 15 {
		t.Errorf("MaxAttempts() = %d, want 15 for throttles", got)
	}

	var initialize, finalize []string
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		initialize, finalize = stack.Initialize.List(), stack.Finalize.List()
		return errStackSeen
	})
	if _, err := awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); !errors.Is(err, errStackSeen) {
		t.Fatalf("ListBackupVaults error = %v, want the recording option's", err)
	}
	if len(initialize) == 0 || initialize[0] != "orgbackup.ReadOnly" {
		t.Errorf("Initialize step = %v, want the read-only guard first", initialize)
	}
	// The rate limit runs once per attempt: inside the retry loop, before
	// signing.
	i := slices.Index(finalize, "Retry")
	if i < 0 || i+1 >= len(finalize) || finalize[i+1] != "orgbackup.RateLimit" {
		t.Errorf("Finalize step = %v, want orgbackup.RateLimit right after Retry", finalize)
	}
	if j := slices.Index(finalize, "Signing"); j < i {
		t.Errorf("Finalize step = %v, want Signing after the rate limit", finalize)
	}
}

func TestFleetRun(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.Concurrency = 3 })

	targets := crossaccount.Targets([]string{prod, stage}, []string{"us-east-1", "us-west-2"})
	wantTargets := []crossaccount.Target{{prod, "us-east-1"}, {prod, "us-west-2"}, {stage, "us-east-1"}, {stage, "us-west-2"}}
	if diff := cmp.Diff(wantTargets, targets); diff != "" {
		t.Fatalf("Targets() mismatch (-want +got):\n%s", diff)
	}
	var mu sync.Mutex
	var ran []crossaccount.Target
	err := fleet.Run(context.Background(), targets, func(ctx context.Context, tg crossaccount.Target, cfg aws.Config) error {
		if cfg.Region != tg.Region {
			return errors.New("wrong region")
		}
		_, err := awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
		mu.Lock()
		ran = append(ran, tg)
		mu.Unlock()
		return err
	})
	slices.SortFunc(ran, func(a, b crossaccount.Target) int { return strings.Compare(a.Account+a.Region, b.Account+b.Region) })
	if diff := cmp.Diff(wantTargets[:2], ran); diff != "" {
		t.Errorf("fn ran for (-want +got):\n%s", diff)
	}
	// The stage account has no role: one error per region, in order.
	var are *crossaccount.AssumeRoleError
	if !errors.As(err, &are) || are.Account != stage {
		t.Fatalf("Run() error = %v, want an AssumeRoleError for %s", err, stage)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], stage+"/us-east-1: ") || !strings.HasPrefix(lines[1], stage+"/us-west-2: ") {
		t.Errorf("Run() error lines = %q, want one per stage region, in order", lines)
	}
}

func TestFleetCapsChainedSessions(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	ctx := context.Background()
	// The caller is itself a role session in the management account (as
	// in CI), so every assumption is role chaining.
	createExecutionRole(t, srv, mgmt, "Deployer", mgmt)
	out, err := awssts.NewFromConfig(srv.Config(mgmt, "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/Deployer"), RoleSessionName: aws.String("ci"),
	})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.Config(mgmt, "us-east-1")
	base.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	// The member role allows two-hour sessions, which chaining does not.
	_, err = awsiam.NewFromConfig(srv.Config(prod, "us-east-1")).CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName:                 aws.String(crossaccount.DefaultExecutionRole),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`),
		MaxSessionDuration:       aws.Int32(7200),
	})
	if err != nil {
		t.Fatal(err)
	}

	fleet := crossaccount.NewFleet(base, func(o *crossaccount.Options) { o.SessionDuration = 2 * time.Hour })
	cfg, err := fleet.Config(ctx, prod, "us-east-1")
	if err != nil {
		t.Fatalf("Config(prod) error: %v", err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Cached expiry is the session's end less the expiry window.
	if left := time.Until(creds.Expires); left > time.Hour-crossaccount.DefaultExpiryWindow || left < 50*time.Minute {
		t.Errorf("credentials expire in %v, want a one-hour session less the %v window", left, crossaccount.DefaultExpiryWindow)
	}
	if got := whoAmI(t, cfg); got != "arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/orgbackup" {
		t.Errorf("caller ARN = %q", got)
	}
}

func TestFleetWithOrganizationsMemberRoles(t *testing.T) {
	t.Parallel()
	// The default emulator has the role Organizations creates in each
	// account it creates; the default Fleet reaches every member with it.
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	topo := discoverTopology(t, srv)
	fleet := crossaccount.NewFleet(srv.Config(topo.ManagementAccount(), "us-east-1"), func(o *crossaccount.Options) { o.ReadOnly = true })
	var accounts []string
	for _, a := range topo.Accounts() {
		accounts = append(accounts, a.ID)
	}
	var mu sync.Mutex
	got := map[string]string{}
	err := fleet.Run(ctx, crossaccount.Targets(accounts, []string{"us-east-1"}), func(ctx context.Context, tg crossaccount.Target, cfg aws.Config) error {
		out, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
		if err != nil {
			return err
		}
		mu.Lock()
		got[tg.Account] = aws.ToString(out.Arn)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatalf("Run() error: %v", err)
	}
	want := map[string]string{}
	for _, a := range accounts {
		want[a] = "arn:aws:sts::" + a + ":assumed-role/OrganizationAccountAccessRole/orgbackup"
	}
	want[mgmt] = "arn:aws:iam::111111111111:root"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identities mismatch (-want +got):\n%s", diff)
	}
}

// TestFleetRetriesSNSThrottling checks that a fleet's clients retry Amazon
// SNS's own throttling error ("Throttled", which the SDK's retryer does
// not list): a read throttled twice still succeeds.
func TestFleetRetriesSNSThrottling(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	srv.AddFault(emulator.Fault{Service: "sns", Operation: "ListTopics", Account: prod, FailNext: 2,
		Err: &smithy.GenericAPIError{Code: "Throttled", Message: "Rate exceeded", Fault: smithy.FaultClient}})
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.RatePerSecond = -1 })
	cfg, err := fleet.Config(ctx, prod, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := awssns.NewFromConfig(cfg).ListTopics(ctx, &awssns.ListTopicsInput{}); err != nil {
		t.Fatalf("ListTopics after two throttled attempts: %v", err)
	}
	if calls, _ := callCount(srv, emulator.CallKey{Account: prod, Service: "sns"}); calls < 3 {
		t.Errorf("SNS calls = %d, want the two throttled ones retried", calls)
	}
}

// TestFleetSTSRegions checks that role assumption is spread over the STS
// endpoints of Options.STSRegions, each account always through the same
// one, and that the sessions work in every Region.
func TestFleetSTSRegions(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	regions := []string{"us-east-1", "us-west-2"}
	accounts := []string{backup, prod, "333333333334", stage, "555555555555"}
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.STSRegions = regions })
	for _, a := range accounts {
		for _, r := range []string{"us-east-1", "eu-west-1"} {
			cfg, err := fleet.Config(ctx, a, r)
			if err != nil {
				t.Fatalf("Config(%s, %s): %v", a, r, err)
			}
			if got := whoAmI(t, cfg); !strings.Contains(got, ":"+a+":") {
				t.Errorf("Config(%s, %s) acts as %s", a, r, got)
			}
		}
	}
	total := 0
	for _, r := range regions {
		n, _ := callCount(srv, emulator.CallKey{Account: mgmt, Region: r, Service: "sts", Operation: "AssumeRole"})
		if n == 0 {
			t.Errorf("no AssumeRole through %s's STS endpoint; want the %d accounts spread over %v", r, len(accounts), regions)
		}
		total += n
	}
	if total != len(accounts) {
		t.Errorf("%d AssumeRole calls, want one per account (%d): credentials are shared by an account's Regions", total, len(accounts))
	}
}

// TestFleetOutlastsThrottling checks that a throttled request is retried
// beyond MaxAttempts, so that a rate finding the service's limit never
// fails a caller, while other errors still stop at MaxAttempts.
func TestFleetOutlastsThrottling(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t)
	createExecutionRole(t, srv, prod, crossaccount.DefaultExecutionRole, mgmt)
	srv.AddFault(emulator.Fault{Service: "sns", Operation: "ListTopics", Account: prod, FailNext: crossaccount.DefaultMaxAttempts + 2,
		Err: &smithy.GenericAPIError{Code: "Throttled", Message: "Rate exceeded", Fault: smithy.FaultClient}})
	srv.AddFault(emulator.Fault{Service: "sns", Operation: "ListSubscriptions", Account: prod, FailNext: crossaccount.DefaultMaxAttempts + 2})
	ctx := context.Background()
	fleet := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"), func(o *crossaccount.Options) { o.RatePerSecond = -1 })
	cfg, err := fleet.Config(ctx, prod, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	sns := awssns.NewFromConfig(cfg)
	if _, err := sns.ListTopics(ctx, &awssns.ListTopicsInput{}); err != nil {
		t.Errorf("ListTopics after %d throttled attempts: %v", crossaccount.DefaultMaxAttempts+2, err)
	}
	_, err = sns.ListSubscriptions(ctx, &awssns.ListSubscriptionsInput{})
	var exhausted *retry.MaxAttemptsError
	if !errors.As(err, &exhausted) || exhausted.Attempt != crossaccount.DefaultMaxAttempts {
		t.Errorf("ListSubscriptions failing with 500s: %v, want the attempts exhausted after %d", err, crossaccount.DefaultMaxAttempts)
	}
}
