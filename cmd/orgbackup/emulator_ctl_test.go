package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// ctlRun runs the CLI with AWS_ENDPOINT_URL set to endpoint (unless
// empty) and returns the exit code, stdout and stderr.
func ctlRun(t *testing.T, endpoint string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string {
		if k == "AWS_ENDPOINT_URL" {
			return endpoint
		}
		return ""
	}}
	code := run(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

// ctlMust runs the CLI and fails the test unless it exits 0.
func ctlMust(t *testing.T, endpoint string, args ...string) string {
	t.Helper()
	code, stdout, stderr := ctlRun(t, endpoint, args...)
	if code != exitOK {
		t.Fatalf("orgbackup %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// ctlTable splits a table's lines into fields.
func ctlTable(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		rows = append(rows, strings.Fields(line))
	}
	return rows
}

// ctlDailyPlan gives account a role AWS Backup can assume, a vault and a
// plan backing up, daily at 05:00 UTC, the resources tagged backup=daily.
func ctlDailyPlan(t *testing.T, srv *emulator.Server, account string) {
	t.Helper()
	ctx := context.Background()
	iamc := awsiam.NewFromConfig(srv.Config(account, "us-east-1"))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	c := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"))
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Fatal(err)
	}
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("local"),
			ScheduleExpression: aws.String("cron(0 5 * * ? *)")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("tagged"), IamRoleArn: aws.String("arn:aws:iam::" + account + ":role/BackupRole"),
		ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
	}}); err != nil {
		t.Fatal(err)
	}
}

// TestEmulatorCtlScenario drives a running emulator with the emulator
// sub-commands only, as a shell script would, and checks each effect
// through the emulator's Go API.
func TestEmulatorCtlScenario(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const acct = "333333333333"
	ctlDailyPlan(t, srv, acct)
	ep := srv.URL // as AWS_ENDPOINT_URL

	arn := strings.TrimSpace(ctlMust(t, ep, "emulator", "add-resource", "--account", acct, "--type", "EFS", "--id", "fs-0123", "--tag", "backup=daily", "--tag", "team=data", "--size", "1048576"))
	if want := "arn:aws:elasticfilesystem:us-east-1:333333333333:file-system/fs-0123"; arn != want {
		t.Fatalf("add-resource printed %q, want %q", arn, want)
	}
	got := srv.Resources(acct, "us-east-1")
	if len(got) != 1 || got[0].SizeBytes != 1<<20 || !cmp.Equal(got[0].Tags, map[string]string{"backup": "daily", "team": "data"}) {
		t.Fatalf("resources = %+v", got)
	}
	// An Aurora cluster encrypted with the AWS managed key aws/rds.
	var aurora emulator.ResourceJSON
	if err := json.Unmarshal([]byte(ctlMust(t, ep, "emulator", "add-resource", "--account", acct, "--type", "Aurora", "--id", "ledger", "--kms-key", "aws/rds", "--json")), &aurora); err != nil {
		t.Fatal(err)
	}
	if aurora.ARN != "arn:aws:rds:us-east-1:333333333333:cluster:ledger" || !strings.HasPrefix(aurora.KMSKeyARN, "arn:aws:kms:us-east-1:333333333333:key/") {
		t.Errorf("add-resource --type Aurora --kms-key aws/rds = %+v", aurora)
	}
	if err := srv.RemoveResource(aurora.ARN); err != nil {
		t.Fatal(err)
	}
	// --endpoint overrides AWS_ENDPOINT_URL.
	out := ctlMust(t, "http://127.0.0.1:1", "emulator", "resources", "--endpoint", srv.URL, "--account", acct)
	if diff := cmp.Diff([][]string{{"ARN", "TYPE", "TAGS"}, {arn, "EFS", "backup=daily,team=data"}}, ctlTable(out)); diff != "" {
		t.Errorf("resources printed (-want +got):\n%s", diff)
	}

	out = ctlMust(t, ep, "emulator", "advance", "1d")
	for _, want := range []string{
		"Advanced from 2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z.\n",
		"backup jobs       1 created, 1 started, 1 completed, 0 failed, 0 expired\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("advance 1d printed:\n%s\nwant it to contain %q", out, want)
		}
	}

	ctlMust(t, ep, "emulator", "untag-resource", arn, "backup")
	var rep emulator.AdvanceReport
	if err := json.Unmarshal([]byte(ctlMust(t, ep, "emulator", "advance", "--json", "24h")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.RulesRun != 1 || rep.BackupJobsCreated != 0 {
		t.Errorf("after untagging: %d rules run, %d backup jobs; want 1 and 0", rep.RulesRun, rep.BackupJobsCreated)
	}
	ctlMust(t, ep, "emulator", "tag-resource", arn, "backup=daily")
	ctlMust(t, ep, "emulator", "advance", "--to", "2026-01-04T00:00:00Z")
	if want := time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC); !srv.Now().Equal(want) {
		t.Errorf("clock = %s, want %s", srv.Now(), want)
	}

	// Faults: the next ListBackupVaults fails with the given error.
	ctlMust(t, ep, "emulator", "faults", "set", "--service", "backup", "--operation", "ListBackupVaults", "--fail-next", "1", "--error-code", "ThrottlingException", "--error-message", "Rate exceeded")
	want := []emulator.Fault{{Service: "backup", Operation: "ListBackupVaults", FailNext: 1, Err: emulator.Errorf(400, "ThrottlingException", "Rate exceeded")}}
	if diff := cmp.Diff(want, srv.Faults(), cmp.Comparer(func(a, b error) bool { return a.Error() == b.Error() })); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	c := awsbackup.NewFromConfig(srv.Config(acct, "us-east-1"), func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	_, err := c.ListBackupVaults(context.Background(), &awsbackup.ListBackupVaultsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Errorf("ListBackupVaults: error = %v, want ThrottlingException", err)
	}
	if out := ctlMust(t, ep, "emulator", "faults", "list"); !strings.Contains(out, `"operation": "ListBackupVaults"`) {
		t.Errorf("faults list printed:\n%s", out)
	}
	out = ctlMust(t, ep, "emulator", "calls", "--reset")
	rows := ctlTable(out)
	if diff := cmp.Diff([]string{"ACCOUNT", "REGION", "SERVICE", "OPERATION", "CALLS", "THROTTLED", "FAILED"}, rows[0]); diff != "" {
		t.Errorf("calls header (-want +got):\n%s", diff)
	}
	var found bool
	for _, row := range rows {
		found = found || cmp.Equal(row, []string{acct, "us-east-1", "backup", "ListBackupVaults", "1", "0", "1"})
	}
	if !found {
		t.Errorf("calls printed:\n%s\nwant a row for the failed ListBackupVaults", out)
	}
	if len(srv.CallStats()) != 0 {
		t.Errorf("calls --reset left %v", srv.CallStats())
	}
	ctlMust(t, ep, "emulator", "faults", "clear")
	if len(srv.Faults()) != 0 {
		t.Errorf("faults clear left %v", srv.Faults())
	}

	// The state is the emulator's dump: two recovery points (days 1 and
	// 3).
	state := ctlMust(t, ep, "emulator", "state")
	if state != string(srv.Dump())+"\n" {
		t.Errorf("state differs from Dump()")
	}
	if n := strings.Count(state, `"storage_class"`); n != 2 {
		t.Errorf("state holds %d recovery points, want 2", n)
	}

	ctlMust(t, ep, "emulator", "remove-resource", arn)
	if got := srv.Resources(acct, "us-east-1"); len(got) != 0 {
		t.Errorf("after remove-resource: %v", got)
	}
	if out := ctlMust(t, ep, "emulator", "reset"); out != "Reset; the clock is at 2026-01-01T00:00:00Z.\n" {
		t.Errorf("reset printed %q", out)
	}
	if !strings.Contains(string(srv.Dump()), `"regions": []`) {
		t.Errorf("state after reset:\n%s", srv.Dump())
	}
}

func TestEmulatorCtlErrors(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	notEmulator := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notEmulator.Close)
	tests := map[string]struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		"advance without duration":  {args: []string{"emulator", "advance"}, code: exitUsage, stderr: "want 1 argument(s), got 0"},
		"advance bad duration":      {args: []string{"emulator", "advance", "1week"}, code: exitUsage, stderr: `invalid duration "1week"`},
		"advance bad time":          {args: []string{"emulator", "advance", "--to", "tomorrow"}, code: exitUsage, stderr: "not an RFC 3339 time"},
		"advance into the past":     {args: []string{"emulator", "advance", "--to", "2025-01-01T00:00:00Z"}, code: exitProblem, stderr: "InvalidRequest: to: 2025-01-01T00:00:00Z is before"},
		"advance help":              {args: []string{"emulator", "advance", "--help"}, code: exitOK, stdout: "orgbackup emulator advance DURATION"},
		"add without account":       {args: []string{"emulator", "add-resource", "--type", "EFS"}, code: exitUsage, stderr: "--account and --type are required"},
		"add invalid":               {args: []string{"emulator", "add-resource", "--account", "12", "--type", "EC3"}, code: exitProblem, stderr: `InvalidRequest: account: "12" is not a 12-digit account ID; type: "EC3"`},
		"add bad tag":               {args: []string{"emulator", "add-resource", "--account", "333333333333", "--type", "EFS", "--tag", "novalue"}, code: exitUsage, stderr: `"novalue" is not KEY=VALUE`},
		"tag unknown resource":      {args: []string{"emulator", "tag-resource", "arn:aws:ec2:us-east-1:333333333333:volume/vol-9", "a=b"}, code: exitProblem, stderr: "ResourceNotFound: tagging arn:aws:ec2:us-east-1:333333333333:volume/vol-9"},
		"tag without tags":          {args: []string{"emulator", "tag-resource", "arn:aws:ec2:us-east-1:333333333333:volume/vol-9"}, code: exitUsage, stderr: "at least one KEY=VALUE"},
		"untag without keys":        {args: []string{"emulator", "untag-resource", "arn:aws:ec2:us-east-1:333333333333:volume/vol-9"}, code: exitUsage, stderr: "at least one tag key"},
		"remove two":                {args: []string{"emulator", "remove-resource", "a", "b"}, code: exitUsage, stderr: "want 1 argument(s), got 2"},
		"resources without account": {args: []string{"emulator", "resources"}, code: exitUsage, stderr: "--account is required"},
		"fault unknown service":     {args: []string{"emulator", "faults", "set", "--service", "ec2", "--latency", "1s"}, code: exitProblem, stderr: `InvalidRequest: service: "ec2" is not one of`},
		"fault that does nothing":   {args: []string{"emulator", "faults", "set", "--service", "backup"}, code: exitProblem, stderr: "the fault does nothing"},
		"state extra argument":      {args: []string{"emulator", "state", "now"}, code: exitUsage, stderr: "want 0 argument(s), got 1"},
		"bad endpoint":              {args: []string{"emulator", "state", "--endpoint", "127.0.0.1:4577"}, code: exitUsage, stderr: "is not an http:// or https:// URL"},
		"nothing listening":         {args: []string{"emulator", "state", "--endpoint", "http://127.0.0.1:1"}, code: exitProblem, stderr: "is `orgbackup emulator serve` running?"},
		"not an emulator":           {args: []string{"emulator", "reset", "--endpoint", notEmulator.URL}, code: exitProblem, stderr: "404 Not Found (is " + notEmulator.URL + " an orgbackup emulator?)"},
		"flags after arguments":     {args: []string{"emulator", "advance", "0s", "--json"}, code: exitOK, stdout: `"rules_run": 0`},
		"double dash":               {args: []string{"emulator", "untag-resource", "--", "arn:aws:s3:::nope", "--json"}, code: exitProblem, stderr: "ResourceNotFound"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := ctlRun(t, srv.URL, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.stderr, stderr)
			}
		})
	}
	if !srv.Now().Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || len(srv.Faults()) != 0 || len(srv.Resources("333333333333", "us-east-1")) != 0 {
		t.Errorf("failed commands changed the emulator: now %s, faults %v", srv.Now(), srv.Faults())
	}
}

// TestEmulatorServeBinding: serve listens on loopback by default; any
// other address needs --allow-remote and prints a warning.
func TestEmulatorServeBinding(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args    []string
		code    int
		stdout  string
		warning bool
		stderr  string
	}{
		"loopback by default":       {args: []string{"--port", "0"}, code: exitOK, stdout: "orgbackup emulator listening on http://127.0.0.1:"},
		"localhost":                 {args: []string{"--host", "localhost", "--port", "0"}, code: exitOK, stdout: "orgbackup emulator listening on http://"},
		"all interfaces refused":    {args: []string{"--host", "0.0.0.0", "--port", "0"}, code: exitUsage, stderr: "refusing to bind 0.0.0.0: the emulator has no real authentication; pass --allow-remote"},
		"other address refused":     {args: []string{"--host", "192.0.2.10", "--port", "0"}, code: exitUsage, stderr: "refusing to bind 192.0.2.10"},
		"host name refused":         {args: []string{"--host", "emulator.example.com", "--port", "0"}, code: exitUsage, stderr: "refusing to bind emulator.example.com"},
		"all interfaces when asked": {args: []string{"--host", "0.0.0.0", "--port", "0", "--allow-remote"}, code: exitOK, stdout: "orgbackup emulator listening on", warning: true},
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	tests["port in use"] = struct {
		args    []string
		code    int
		stdout  string
		warning bool
		stderr  string
	}{args: []string{"--port", busyPort}, code: exitProblem, stderr: "orgbackup emulator serve: listening on 127.0.0.1:" + busyPort + ":"}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			// A cancelled context makes serve stop right after it starts.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			code := run(ctx, e, append([]string{"emulator", "serve"}, tc.args...))
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tc.stdout, &stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tc.stderr, &stderr)
			}
			if got := strings.Contains(stderr.String(), "WARNING"); got != tc.warning {
				t.Errorf("warning printed: %v, want %v\nstderr:\n%s", got, tc.warning, &stderr)
			}
			if tc.code != exitOK && stdout.Len() > 0 {
				t.Errorf("a refused bind printed %q", &stdout)
			}
		})
	}
}
