package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgbackup/orgbackup/emulator"
)

// The emulator's control API, from the shell: each command is one request
// to /_orgbackup/ on a running `orgbackup emulator serve`.

// defaultEmulatorEndpoint is where `orgbackup emulator serve` listens by
// default.
const defaultEmulatorEndpoint = "http://127.0.0.1:4577"

// ctlClient calls the control API of the emulator at endpoint.
type ctlClient struct {
	name     string // command name for messages
	endpoint string
	stderr   io.Writer
}

// ctlCommand returns a control command named name ("emulator advance"):
// setup registers its flags beside the shared --endpoint.
func ctlCommand(e *env, name, use, short, long string, setup func(fs *pflag.FlagSet, c *ctlClient) runFunc) *cobra.Command {
	return newCommand(use, short, long, func(fs *pflag.FlagSet) runFunc {
		c := &ctlClient{name: "orgbackup " + name, stderr: e.stderr}
		def := e.getenv("AWS_ENDPOINT_URL")
		if def == "" {
			def = defaultEmulatorEndpoint
		}
		fs.StringVar(&c.endpoint, "endpoint", def, "the emulator's `URL` ($AWS_ENDPOINT_URL when set)")
		return setup(fs, c)
	})
}

// newEmulatorGroup is the emulator command group: serve, and the control
// commands.
func newEmulatorGroup(e *env) *cobra.Command {
	return newGroup("emulator", "serve an emulated AWS organization and control it",
		newEmulatorServeCommand(e),
		newEmulatorAdvanceCommand(e),
		newEmulatorAddResourceCommand(e),
		newEmulatorTagResourceCommand(e),
		newEmulatorUntagResourceCommand(e),
		newEmulatorRemoveResourceCommand(e),
		newEmulatorResourcesCommand(e),
		newGroup("faults", "inject, list and clear faults in emulated calls",
			newEmulatorFaultsSetCommand(e),
			newEmulatorFaultsClearCommand(e),
			newEmulatorFaultsListCommand(e),
		),
		newEmulatorCallsCommand(e),
		newEmulatorStateCommand(e),
		newEmulatorResetCommand(e),
	)
}

// parseCtl checks a control command's positional arguments (n < 0
// accepts any number, else exactly n) and its endpoint. ok is false when
// the command should exit with code.
func parseCtl(c *ctlClient, pos []string, n int) (_ []string, code int, ok bool) {
	if n >= 0 && len(pos) != n {
		fmt.Fprintf(c.stderr, "%s: want %d argument(s), got %d (see --help)\n", c.name, n, len(pos))
		return nil, exitUsage, false
	}
	if u, err := url.Parse(c.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(c.stderr, "%s: --endpoint %q is not an http:// or https:// URL\n", c.name, c.endpoint)
		return nil, exitUsage, false
	}
	return pos, exitOK, true
}

// do sends one request and decodes the answer into out (unless nil). It
// prints the error and returns false on failure.
func (c *ctlClient) do(ctx context.Context, method, path string, in, out any) bool {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			fmt.Fprintf(c.stderr, "%s: encoding the request: %v\n", c.name, err)
			return false
		}
		body = bytes.NewReader(data)
	}
	u := strings.TrimSuffix(c.endpoint, "/") + "/_orgbackup/" + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", c.name, err)
		return false
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: calling the emulator at %s (is `orgbackup emulator serve` running?): %v\n", c.name, c.endpoint, err)
		return false
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: reading the answer of %s %s: %v\n", c.name, method, u, err)
		return false
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(data, &e) != nil || e.Error.Code == "" {
			fmt.Fprintf(c.stderr, "%s: %s %s: %s (is %s an orgbackup emulator?)\n", c.name, method, u, resp.Status, c.endpoint)
			return false
		}
		fmt.Fprintf(c.stderr, "%s: %s: %s\n", c.name, e.Error.Code, e.Error.Message)
		return false
	}
	if out == nil {
		return true
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = data
		return true
	}
	if err := json.Unmarshal(data, out); err != nil {
		fmt.Fprintf(c.stderr, "%s: decoding the answer of %s %s: %v\n", c.name, method, u, err)
		return false
	}
	return true
}

func result(ok bool) int {
	if ok {
		return exitOK
	}
	return exitProblem
}

func newEmulatorAdvanceCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator advance", "advance DURATION | --to TIME [--json]", "advance the emulator's clock (24h, 8d) and show what ran",
		"Moves the emulator's virtual clock forward by DURATION (a Go duration such as 90m or 24h,\noptionally preceded by days: 8d, 1d12h) or to TIME (RFC 3339), running the backup rules,\njobs, copies and lifecycle transitions that fall due, and shows what ran.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			to := fs.String("to", "", "advance to this RFC 3339 time instead of by a duration")
			asJSON := fs.Bool("json", false, "print the whole report as JSON, every event included")
			return func(ctx context.Context, args []string) int {
				want := 1
				if fs.Changed("to") {
					want = 0
				}
				pos, code, ok := parseCtl(c, args, want)
				if !ok {
					return code
				}
				var in emulator.AdvanceRequest
				if *to != "" {
					t, err := time.Parse(time.RFC3339, *to)
					if err != nil {
						fmt.Fprintf(e.stderr, "%s: --to %q is not an RFC 3339 time such as 2026-01-09T00:00:00Z\n", c.name, *to)
						return exitUsage
					}
					in.To = &t
				} else {
					if _, err := emulator.ParseDuration(pos[0]); err != nil {
						fmt.Fprintf(e.stderr, "%s: %v\n", c.name, err)
						return exitUsage
					}
					in.Duration = pos[0]
				}
				if *asJSON {
					return c.printRaw(ctx, e, http.MethodPost, "clock/advance", in)
				}
				var rep emulator.AdvanceReport
				if !c.do(ctx, http.MethodPost, "clock/advance", in, &rep) {
					return exitProblem
				}
				printAdvanceReport(e.stdout, rep)
				return exitOK
			}
		})
}

func printAdvanceReport(w io.Writer, r emulator.AdvanceReport) {
	fmt.Fprintf(w, "Advanced from %s to %s.\n", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  backup rules run\t%d\n", r.RulesRun)
	fmt.Fprintf(tw, "  backup jobs\t%d created, %d started, %d completed, %d failed, %d expired\n", r.BackupJobsCreated, r.BackupJobsStarted, r.BackupJobsCompleted, r.BackupJobsFailed, r.BackupJobsExpired)
	fmt.Fprintf(tw, "  copy jobs\t%d created, %d started, %d completed, %d failed\n", r.CopyJobsCreated, r.CopyJobsStarted, r.CopyJobsCompleted, r.CopyJobsFailed)
	fmt.Fprintf(tw, "  restore jobs\t%d completed\n", r.RestoreJobsCompleted)
	fmt.Fprintf(tw, "  recovery points\t%d moved to cold storage, %d expired\n", r.ColdMoves, r.Expirations)
	fmt.Fprintf(tw, "  notifications\t%d\n", r.Notifications)
	tw.Flush()
	var failed []emulator.AdvanceEvent
	for _, ev := range r.Events {
		if ev.State == "FAILED" || ev.State == "ABORTED" || (ev.State == "EXPIRED" && ev.Kind != "RECOVERY_POINT") {
			failed = append(failed, ev)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(w, "Jobs that did not complete:")
		for _, ev := range failed {
			fmt.Fprintf(w, "  %s %s %s %s/%s %s: %s\n", ev.Time.Format(time.RFC3339), ev.Kind, ev.State, ev.Account, ev.Region, ev.ID, ev.Message)
		}
	}
	if r.EventsOmitted > 0 {
		fmt.Fprintf(w, "(%d events beyond the first %d are not listed)\n", r.EventsOmitted, len(r.Events))
	}
}

// tagsFlag collects repeated KEY=VALUE flags.
type tagsFlag map[string]string

func (t tagsFlag) String() string { return "" }

// Type names the flag's value in help.
func (t tagsFlag) Type() string { return "KEY=VALUE" }

func (t tagsFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	t[k] = val
	return nil
}

func defaultRegion(e *env) string {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := e.getenv(k); v != "" {
			return v
		}
	}
	return "us-east-1"
}

func newEmulatorAddResourceCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator add-resource", "add-resource --account ID --type EC2|EBS|RDS|Aurora|EFS|DynamoDB|S3 [--region R] [--id ID] [--tag KEY=VALUE]... [--kms-key KEY] [flags]", "add a workload resource to the emulator; prints its ARN",
		"Adds (or replaces) a workload resource that AWS Backup can protect and prints its ARN.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			var in emulator.ResourceJSON
			tags := tagsFlag{}
			fs.StringVar(&in.Account, "account", "", "the account that owns the resource (12 digits; required)")
			fs.StringVar(&in.Region, "region", defaultRegion(e), "the resource's Region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)")
			typ := fs.String("type", "", "resource type: EC2, EBS, RDS, Aurora, EFS, DynamoDB or S3 (required)")
			fs.StringVar(&in.ID, "id", "", "resource ID or name (default: generated, e.g. vol-…, fs-…)")
			fs.StringVar(&in.Name, "name", "", "the name AWS Backup reports (default: the ID)")
			fs.Var(tags, "tag", "tag KEY=VALUE (repeatable)")
			fs.Int64Var(&in.SizeBytes, "size", 0, "size in bytes of a backup of the resource")
			fs.StringVar(&in.KMSKeyARN, "kms-key", "", "KMS key the resource is encrypted with: an AWS managed key's alias (aws/ebs, alias/aws/rds), a customer managed key's alias/NAME, or a key ARN")
			asJSON := fs.Bool("json", false, "print the resource as JSON instead of its ARN")
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				if in.Account == "" || *typ == "" {
					fmt.Fprintf(e.stderr, "%s: --account and --type are required\n", c.name)
					return exitUsage
				}
				in.Type = emulator.ResourceType(*typ)
				if len(tags) > 0 {
					in.Tags = tags
				}
				var out emulator.ResourceJSON
				if !c.do(ctx, http.MethodPost, "resources", in, &out) {
					return exitProblem
				}
				if *asJSON {
					return result(writeJSON(e, c, out))
				}
				fmt.Fprintln(e.stdout, out.ARN)
				return exitOK
			}
		})
}

func writeJSON(e *env, c *ctlClient, v any) bool {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", c.name, err)
		return false
	}
	fmt.Fprintf(e.stdout, "%s\n", data)
	return true
}

func newEmulatorTagResourceCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator tag-resource", "tag-resource ARN KEY=VALUE...", "tag an emulated workload resource",
		"Adds or replaces tags on an emulated workload resource.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				pos, code, ok := parseCtl(c, args, -1)
				if !ok {
					return code
				}
				if len(pos) < 2 {
					fmt.Fprintf(e.stderr, "%s: give the resource ARN and at least one KEY=VALUE\n", c.name)
					return exitUsage
				}
				tags := tagsFlag{}
				for _, kv := range pos[1:] {
					if err := tags.Set(kv); err != nil {
						fmt.Fprintf(e.stderr, "%s: %v\n", c.name, err)
						return exitUsage
					}
				}
				return result(c.do(ctx, http.MethodPost, "resources/tag", map[string]any{"arn": pos[0], "tags": tags}, nil))
			}
		})
}

func newEmulatorUntagResourceCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator untag-resource", "untag-resource ARN KEY...", "remove tags from an emulated workload resource",
		"Removes tag keys from an emulated workload resource.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				pos, code, ok := parseCtl(c, args, -1)
				if !ok {
					return code
				}
				if len(pos) < 2 {
					fmt.Fprintf(e.stderr, "%s: give the resource ARN and at least one tag key\n", c.name)
					return exitUsage
				}
				return result(c.do(ctx, http.MethodPost, "resources/untag", map[string]any{"arn": pos[0], "keys": pos[1:]}, nil))
			}
		})
}

func newEmulatorRemoveResourceCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator remove-resource", "remove-resource ARN", "remove an emulated workload resource",
		"Removes an emulated workload resource (its recovery points stay).",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				pos, code, ok := parseCtl(c, args, 1)
				if !ok {
					return code
				}
				return result(c.do(ctx, http.MethodPost, "resources/remove", map[string]any{"arn": pos[0]}, nil))
			}
		})
}

func newEmulatorResourcesCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator resources", "resources --account ID [--region R] [--json]", "list an account's emulated workload resources in a region",
		"Lists an account's emulated workload resources in a Region.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			account := fs.String("account", "", "the account (12 digits; required)")
			region := fs.String("region", defaultRegion(e), "the Region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)")
			asJSON := fs.Bool("json", false, "print JSON")
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				if *account == "" {
					fmt.Fprintf(e.stderr, "%s: --account is required\n", c.name)
					return exitUsage
				}
				var out struct {
					Resources []emulator.ResourceJSON `json:"resources"`
				}
				q := url.Values{"account": {*account}, "region": {*region}}
				if !c.do(ctx, http.MethodGet, "resources?"+q.Encode(), nil, &out) {
					return exitProblem
				}
				if *asJSON {
					return result(writeJSON(e, c, out))
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ARN\tTYPE\tTAGS")
				for _, r := range out.Resources {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ARN, r.Type, formatTags(r.Tags))
				}
				tw.Flush()
				return exitOK
			}
		})
}

func formatTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ",")
}

func newEmulatorFaultsSetCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator faults set", "set [--service S] [--operation OP] [--account ID] [--latency D] [--rate N --burst N] [--error-rate P] [--fail-next N [--error-code C --error-status N --error-message M]]", "inject latency, throttling or failures into emulated calls",
		"Injects a fault into the emulated calls it matches (empty match flags match every call):\nlatency, throttling with the service's own throttling error, random 500s, or the next N\ncalls failing with a given error. Faults add up; 'faults clear' removes them.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			var in emulator.FaultJSON
			fs.StringVar(&in.Service, "service", "", "service signing name to match: backup, organizations, kms, iam, sts, sns, s3, tagging")
			fs.StringVar(&in.Operation, "operation", "", "operation to match, e.g. StartCopyJob")
			fs.StringVar(&in.Account, "account", "", "caller account to match")
			fs.StringVar(&in.Latency, "latency", "", "delay every matching call, e.g. 250ms")
			fs.Float64Var(&in.RatePerSecond, "rate", 0, "throttle matching calls above this many per second (per account, service and Region; one Region for IAM and Organizations)")
			fs.Float64Var(&in.Burst, "burst", 0, "token bucket size for --rate (default max(1, rate))")
			fs.Float64Var(&in.ErrorRate, "error-rate", 0, "fail this fraction (0..1) of matching calls with a 500 InternalFailure")
			fs.IntVar(&in.FailNext, "fail-next", 0, "fail the next N matching calls")
			code := fs.String("error-code", "", "error code for --fail-next (default: 500 InternalFailure)")
			status := fs.Int("error-status", 0, "HTTP status for --error-code (default 400)")
			msg := fs.String("error-message", "", "error message for --error-code")
			return func(ctx context.Context, args []string) int {
				if _, xcode, ok := parseCtl(c, args, 0); !ok {
					return xcode
				}
				if *code != "" || *status != 0 || *msg != "" {
					in.Error = &emulator.FaultError{Code: *code, Status: *status, Message: *msg}
				}
				var out emulator.FaultJSON
				if !c.do(ctx, http.MethodPost, "faults", in, &out) {
					return exitProblem
				}
				return result(writeJSON(e, c, out))
			}
		})
}

func newEmulatorFaultsClearCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator faults clear", "clear", "remove every injected fault",
		"Removes every injected fault.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				return result(c.do(ctx, http.MethodDelete, "faults", nil, nil))
			}
		})
}

func newEmulatorFaultsListCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator faults list", "list", "list the injected faults",
		"Prints the injected faults as JSON, in the order they were added.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				return c.printRaw(ctx, e, http.MethodGet, "faults", nil)
			}
		})
}

func newEmulatorCallsCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator calls", "calls [--json] [--reset]", "show the emulator's call counters",
		"Shows how many calls each account made to each operation, and how many were throttled or\nfailed by injected faults.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			asJSON := fs.Bool("json", false, "print JSON")
			reset := fs.Bool("reset", false, "zero the counters after printing them")
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				var out struct {
					Calls []emulator.CallStatsJSON `json:"calls"`
				}
				if !c.do(ctx, http.MethodGet, "calls", nil, &out) {
					return exitProblem
				}
				if *asJSON {
					if !writeJSON(e, c, out) {
						return exitProblem
					}
				} else {
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "ACCOUNT\tREGION\tSERVICE\tOPERATION\tCALLS\tTHROTTLED\tFAILED")
					for _, s := range out.Calls {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s.Account, s.Region, s.Service, s.Operation, s.Calls, s.Throttled, s.Failed)
					}
					tw.Flush()
				}
				if *reset {
					return result(c.do(ctx, http.MethodDelete, "calls", nil, nil))
				}
				return exitOK
			}
		})
}

func newEmulatorStateCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator state", "state", "print the emulator's whole state as JSON",
		"Prints the emulator's state as JSON: the clock, and per account and Region the workload\nresources, vaults, plans, recovery points and jobs, then the pending events. The output is\ndeterministic: the same calls give the same bytes.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				return c.printRaw(ctx, e, http.MethodGet, "state", nil)
			}
		})
}

func newEmulatorResetCommand(e *env) *cobra.Command {
	return ctlCommand(e, "emulator reset", "reset", "reset the emulator to its organization fixture",
		"Resets the emulator to its organization fixture: the state of a fresh server, the clock at\nits start, no faults, zero counters. Credentials issued before no longer work.",
		func(fs *pflag.FlagSet, c *ctlClient) runFunc {
			return func(ctx context.Context, args []string) int {
				if _, code, ok := parseCtl(c, args, 0); !ok {
					return code
				}
				var out struct{ Now time.Time }
				if !c.do(ctx, http.MethodPost, "reset", nil, &out) {
					return exitProblem
				}
				fmt.Fprintf(e.stdout, "Reset; the clock is at %s.\n", out.Now.Format(time.RFC3339))
				return exitOK
			}
		})
}

// printRaw makes a call of the emulator's control API and prints its JSON
// answer as it came.
func (c *ctlClient) printRaw(ctx context.Context, e *env, method, path string, in any) int {
	var raw json.RawMessage
	if !c.do(ctx, method, path, in, &raw) {
		return exitProblem
	}
	e.stdout.Write(raw)
	return exitOK
}
