package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// ctlCall sends a control API request and returns the status and body.
// body is sent as is when it is a string, else encoded as JSON.
func ctlCall(t *testing.T, srv *emulator.Server, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	return resp.StatusCode, data
}

// ctlOK sends a control API request that must succeed with status want
// and decodes the answer into T.
func ctlOK[T any](t *testing.T, srv *emulator.Server, method, path string, body any, want int) T {
	t.Helper()
	status, data := ctlCall(t, srv, method, path, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, data)
	}
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: decoding %s: %v", method, path, data, err)
	}
	return out
}

// ctlBackupAccount gives account a BackupRole trusting AWS Backup, a vault
// "local" and a plan backing up, daily at 05:00 UTC, the resources tagged
// backup=daily.
func ctlBackupAccount(t *testing.T, srv *emulator.Server, account string) *awsbackup.Client {
	t.Helper()
	ctx := context.Background()
	iamc := awsiam.NewFromConfig(srv.Config(account, "us-east-1"))
	if _, err := iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BackupRole"), AssumeRolePolicyDocument: aws.String(backupTrust)}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	c := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"), func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules: []backuptypes.BackupRuleInput{{RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("local"),
			ScheduleExpression: aws.String("cron(0 5 * * ? *)"), Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(2)}}}}})
	if err != nil {
		t.Fatalf("CreateBackupPlan: %v", err)
	}
	if _, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("tagged"), IamRoleArn: aws.String("arn:aws:iam::" + account + ":role/BackupRole"),
		ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
	}}); err != nil {
		t.Fatalf("CreateBackupSelection: %v", err)
	}
	return c
}

// ctlRecoveryPoints lists the resources of the recovery points in vault
// "local", sorted.
func ctlRecoveryPoints(t *testing.T, c *awsbackup.Client) []string {
	t.Helper()
	out, err := c.ListRecoveryPointsByBackupVault(context.Background(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("local")})
	if err != nil {
		t.Fatalf("ListRecoveryPointsByBackupVault: %v", err)
	}
	var arns []string
	for _, rp := range out.RecoveryPoints {
		arns = append(arns, aws.ToString(rp.ResourceArn))
	}
	sort.Strings(arns)
	return arns
}

// TestControlClockAndResources drives a plan through the control API:
// resources added, tagged, untagged and removed over HTTP are backed up
// or not when the clock advances, and the reports say so.
func TestControlClockAndResources(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	const acct = "333333333333"
	c := ctlBackupAccount(t, srv, acct)

	fs := ctlOK[emulator.ResourceJSON](t, srv, "POST", "/_orgbackup/resources", map[string]any{
		"account": acct, "region": "us-east-1", "type": "EFS", "tags": map[string]string{"backup": "daily"}, "size_bytes": 1 << 20,
	}, http.StatusCreated)
	if !strings.HasPrefix(fs.ARN, "arn:aws:elasticfilesystem:us-east-1:333333333333:file-system/fs-") || fs.ID == "" || fs.Name != fs.ID {
		t.Errorf("added resource = %+v, want a generated EFS file system", fs)
	}
	table := ctlOK[emulator.ResourceJSON](t, srv, "POST", "/_orgbackup/resources", map[string]any{
		"account": acct, "region": "us-east-1", "type": "DynamoDB", "id": "orders", "name": "Orders",
	}, http.StatusCreated)
	if want := "arn:aws:dynamodb:us-east-1:333333333333:table/orders"; table.ARN != want || table.Name != "Orders" {
		t.Errorf("added table = %+v, want ARN %s named Orders", table, want)
	}
	list := ctlOK[struct{ Resources []emulator.ResourceJSON }](t, srv, "GET", "/_orgbackup/resources?account=333333333333&region=us-east-1", nil, http.StatusOK)
	if diff := cmp.Diff([]emulator.ResourceJSON{table, fs}, list.Resources); diff != "" {
		t.Errorf("GET resources (-want +got):\n%s", diff)
	}

	// Day 1: the tagged file system is backed up at 05:00.
	rep := ctlOK[emulator.AdvanceReport](t, srv, "POST", "/_orgbackup/clock/advance", map[string]string{"duration": "1d"}, http.StatusOK)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !rep.From.Equal(start) || !rep.To.Equal(start.Add(24*time.Hour)) {
		t.Errorf("advance 1d: from %s to %s, want %s to %s", rep.From, rep.To, start, start.Add(24*time.Hour))
	}
	if rep.BackupJobsCreated != 1 || rep.BackupJobsCompleted != 1 || rep.BackupJobsFailed != 0 {
		t.Errorf("advance 1d: %+v, want one backup job completed", rep)
	}
	var completed []string
	for _, ev := range rep.Events {
		if ev.Kind == "BACKUP_JOB" && ev.State == "COMPLETED" {
			completed = append(completed, ev.Account+" "+ev.Time.Format(time.RFC3339))
		}
	}
	if diff := cmp.Diff([]string{acct + " 2026-01-01T05:10:00Z"}, completed); diff != "" {
		t.Errorf("completed backup jobs (-want +got):\n%s", diff)
	}

	// Tag the table, untag the file system: day 2 backs up the table only.
	ctlOK[map[string]string](t, srv, "POST", "/_orgbackup/resources/tag", map[string]any{"arn": table.ARN, "tags": map[string]string{"backup": "daily"}}, http.StatusOK)
	ctlOK[map[string]string](t, srv, "POST", "/_orgbackup/resources/untag", map[string]any{"arn": fs.ARN, "keys": []string{"backup"}}, http.StatusOK)
	rep = ctlOK[emulator.AdvanceReport](t, srv, "POST", "/_orgbackup/clock/advance", map[string]string{"duration": "24h"}, http.StatusOK)
	if rep.BackupJobsCompleted != 1 {
		t.Errorf("advance 24h: %d backup jobs completed, want 1 (the table)", rep.BackupJobsCompleted)
	}
	if diff := cmp.Diff([]string{table.ARN, fs.ARN}, ctlRecoveryPoints(t, c)); diff != "" {
		t.Errorf("recovery points after day 2 (-want +got):\n%s", diff)
	}

	// Remove the table: day 3 backs up nothing, and the first recovery
	// point (kept 2 days) expires.
	ctlOK[map[string]string](t, srv, "POST", "/_orgbackup/resources/remove", map[string]string{"arn": table.ARN}, http.StatusOK)
	rep = ctlOK[emulator.AdvanceReport](t, srv, "POST", "/_orgbackup/clock/advance", map[string]string{"to": "2026-01-04T00:00:00Z"}, http.StatusOK)
	if rep.BackupJobsCreated != 0 || rep.Expirations != 1 {
		t.Errorf("advance to 2026-01-04: %d backup jobs, %d expirations; want 0 and 1", rep.BackupJobsCreated, rep.Expirations)
	}
	if diff := cmp.Diff([]string{table.ARN}, ctlRecoveryPoints(t, c)); diff != "" {
		t.Errorf("recovery points after day 3 (-want +got):\n%s", diff)
	}
	now := ctlOK[struct{ Now time.Time }](t, srv, "GET", "/_orgbackup/clock", nil, http.StatusOK)
	if want := start.Add(72 * time.Hour); !now.Now.Equal(want) || !srv.Now().Equal(want) {
		t.Errorf("clock = %s (Go: %s), want %s", now.Now, srv.Now(), want)
	}

	// The state endpoint is Dump, byte for byte.
	status, state := ctlCall(t, srv, "GET", "/_orgbackup/state", nil)
	if status != http.StatusOK || !bytes.Equal(bytes.TrimSpace(state), srv.Dump()) {
		t.Errorf("GET state: status %d, body differs from Dump()", status)
	}
	var dump emulator.StateDump
	if err := json.Unmarshal(state, &dump); err != nil {
		t.Fatalf("decoding state: %v", err)
	}
	var rps int
	for _, r := range dump.Regions {
		rps += len(r.RecoveryPoints)
	}
	if rps != 1 {
		t.Errorf("state holds %d recovery points, want 1", rps)
	}
}

// TestControlFaults installs faults over HTTP and observes them through
// the SDK and the call counters.
func TestControlFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	c := awsbackup.NewFromConfig(srv.Config("333333333333", "us-east-1"), func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	list := func() error {
		_, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
		return err
	}

	got := ctlOK[emulator.FaultJSON](t, srv, "POST", "/_orgbackup/faults", map[string]any{
		"service": "backup", "operation": "ListBackupVaults", "fail_next": 2,
		"error": map[string]any{"code": "ThrottlingException", "message": "Rate exceeded", "status": 400},
	}, http.StatusCreated)
	want := emulator.FaultJSON{Service: "backup", Operation: "ListBackupVaults", FailNext: 2,
		Error: &emulator.FaultError{Code: "ThrottlingException", Message: "Rate exceeded", Status: 400}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST faults (-want +got):\n%s", diff)
	}
	for i := range 2 {
		var ae smithy.APIError
		if err := list(); !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
			t.Fatalf("call %d: error = %v, want ThrottlingException", i+1, err)
		}
	}
	if err := list(); err != nil {
		t.Fatalf("third call: %v, want success once the failures are used up", err)
	}
	faults := ctlOK[struct{ Faults []emulator.FaultJSON }](t, srv, "GET", "/_orgbackup/faults", nil, http.StatusOK)
	want.FailNext = 0
	if diff := cmp.Diff([]emulator.FaultJSON{want}, faults.Faults); diff != "" {
		t.Errorf("GET faults (-want +got):\n%s", diff)
	}
	calls := ctlOK[struct{ Calls []emulator.CallStatsJSON }](t, srv, "GET", "/_orgbackup/calls", nil, http.StatusOK)
	wantCalls := []emulator.CallStatsJSON{{Account: "333333333333", Region: "us-east-1", Service: "backup", Operation: "ListBackupVaults", Calls: 3, Failed: 2}}
	if diff := cmp.Diff(wantCalls, calls.Calls); diff != "" {
		t.Errorf("GET calls (-want +got):\n%s", diff)
	}

	// Clearing faults and counters.
	if got := ctlOK[struct{ Faults []emulator.FaultJSON }](t, srv, "DELETE", "/_orgbackup/faults", nil, http.StatusOK); len(got.Faults) != 0 || len(srv.Faults()) != 0 {
		t.Errorf("DELETE faults left %v", srv.Faults())
	}
	if got := ctlOK[struct{ Calls []emulator.CallStatsJSON }](t, srv, "DELETE", "/_orgbackup/calls", nil, http.StatusOK); len(got.Calls) != 0 || len(srv.CallStats()) != 0 {
		t.Errorf("DELETE calls left %v", srv.CallStats())
	}

	// An error rate of 1 fails every call with a 500 InternalFailure.
	ctlOK[emulator.FaultJSON](t, srv, "POST", "/_orgbackup/faults", map[string]any{"service": "backup", "error_rate": 1}, http.StatusCreated)
	var re *awshttp.ResponseError
	if err := list(); !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Errorf("with error_rate 1: error = %v, want an HTTP 500", err)
	}
	ctlCall(t, srv, "DELETE", "/_orgbackup/faults", nil)

	// Latency delays matching calls only.
	ctlOK[emulator.FaultJSON](t, srv, "POST", "/_orgbackup/faults", map[string]any{"service": "backup", "account": "333333333333", "latency": "150ms"}, http.StatusCreated)
	begin := time.Now()
	if err := list(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < 150*time.Millisecond {
		t.Errorf("call with 150ms latency took %s", d)
	}
	other := awsbackup.NewFromConfig(srv.Config("444444444444", "us-east-1"))
	begin = time.Now()
	if _, err := other.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d >= 150*time.Millisecond {
		t.Errorf("call from another account took %s; the fault matches 333333333333 only", d)
	}
}

// TestControlThrottling: a rate of one call per second with a burst of
// one throttles the second of two quick calls with Backup's throttling
// error.
func TestControlThrottling(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	ctlOK[emulator.FaultJSON](t, srv, "POST", "/_orgbackup/faults", map[string]any{"service": "backup", "rate_per_second": 1, "burst": 1}, http.StatusCreated)
	c := awsbackup.NewFromConfig(srv.Config("333333333333", "us-east-1"), func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	if _, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("first call: %v", err)
	}
	_, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Fatalf("second call: error = %v, want ThrottlingException", err)
	}
	calls := ctlOK[struct{ Calls []emulator.CallStatsJSON }](t, srv, "GET", "/_orgbackup/calls", nil, http.StatusOK)
	if len(calls.Calls) != 1 || calls.Calls[0].Calls != 2 || calls.Calls[0].Throttled != 1 {
		t.Errorf("calls = %+v, want 2 calls, 1 throttled", calls.Calls)
	}
}

// TestControlReset: after POST /_orgbackup/reset the server is a new
// server again: the same calls give the same state, byte for byte.
func TestControlReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// scenario creates a plan and resources, advances two days, and
	// returns the state.
	scenario := func(srv *emulator.Server) []byte {
		ctlBackupAccount(t, srv, "333333333333")
		ctlOK[emulator.ResourceJSON](t, srv, "POST", "/_orgbackup/resources", map[string]any{
			"account": "333333333333", "region": "us-east-1", "type": "EBS", "tags": map[string]string{"backup": "daily"}}, http.StatusCreated)
		ctlOK[emulator.AdvanceReport](t, srv, "POST", "/_orgbackup/clock/advance", map[string]string{"duration": "2d"}, http.StatusOK)
		return srv.Dump()
	}
	fresh := newTestServer(t)
	want := scenario(fresh)

	srv := newTestServer(t)
	first := scenario(srv)
	if !bytes.Equal(first, want) {
		t.Fatalf("two new servers differ after the same calls")
	}
	ctlOK[emulator.FaultJSON](t, srv, "POST", "/_orgbackup/faults", map[string]any{"service": "kms", "latency": "1ms"}, http.StatusCreated)
	orgs := awsorgs.NewFromConfig(srv.Config("111111111111", "us-east-1"))
	if _, err := orgs.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatalf("EnableAWSServiceAccess: %v", err)
	}

	got := ctlOK[struct{ Now time.Time }](t, srv, "POST", "/_orgbackup/reset", nil, http.StatusOK)
	if start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !got.Now.Equal(start) {
		t.Errorf("reset: now = %s, want %s", got.Now, start)
	}
	if len(srv.Faults()) != 0 || len(srv.CallStats()) != 0 {
		t.Errorf("reset kept faults %v or counters %v", srv.Faults(), srv.CallStats())
	}
	empty := newTestServer(t)
	if diff := cmp.Diff(string(empty.Dump()), string(srv.Dump())); diff != "" {
		t.Errorf("state after reset differs from a new server's (-new +reset):\n%s", diff)
	}
	if again := scenario(srv); !bytes.Equal(again, want) {
		t.Errorf("after reset, the scenario's state differs from a new server's:\n%s", cmp.Diff(string(want), string(again)))
	}
	// Read calls consume request IDs, so they come after the comparison.
	access, err := orgs.ListAWSServiceAccessForOrganization(ctx, &awsorgs.ListAWSServiceAccessForOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(access.EnabledServicePrincipals) != 0 {
		t.Errorf("trusted access after reset: %v, want none", access.EnabledServicePrincipals)
	}
	ous, err := orgs.ListOrganizationalUnitsForParent(ctx, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-root")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ou := range ous.OrganizationalUnits {
		names = append(names, aws.ToString(ou.Name))
	}
	if diff := cmp.Diff([]string{"Security", "Production", "Staging", "Development"}, names); diff != "" {
		t.Errorf("OUs after reset (-want +got):\n%s", diff)
	}
}

// TestControlErrors checks that bad requests answer with a JSON error, the
// right status and code, and every problem at once.
func TestControlErrors(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	srv.AddResource("333333333333", "us-east-1", emulator.S3Bucket, "taken-bucket", nil, 0)
	tests := map[string]struct {
		method, path string
		body         any
		status       int
		code         string
		message      []string // substrings
	}{
		"unknown path":          {"GET", "/_orgbackup/nope", nil, 404, "NotFound", []string{"GET /_orgbackup/nope"}},
		"wrong method":          {"PUT", "/_orgbackup/faults", nil, 405, "MethodNotAllowed", []string{"GET or POST or DELETE"}},
		"malformed JSON":        {"POST", "/_orgbackup/clock/advance", `{"duration":`, 400, "InvalidRequest", []string{"decoding the JSON request body"}},
		"unknown field":         {"POST", "/_orgbackup/clock/advance", `{"days": 8}`, 400, "InvalidRequest", []string{`unknown field "days"`}},
		"trailing data":         {"POST", "/_orgbackup/clock/advance", `{"duration":"1h"} {}`, 400, "InvalidRequest", []string{"after the JSON value"}},
		"advance nothing":       {"POST", "/_orgbackup/clock/advance", nil, 400, "InvalidRequest", []string{`give "duration"`}},
		"advance both":          {"POST", "/_orgbackup/clock/advance", `{"duration":"1h","to":"2027-01-01T00:00:00Z"}`, 400, "InvalidRequest", []string{"not both"}},
		"advance negative":      {"POST", "/_orgbackup/clock/advance", `{"duration":"-1h"}`, 400, "InvalidRequest", []string{"never goes back"}},
		"advance bad duration":  {"POST", "/_orgbackup/clock/advance", `{"duration":"a week"}`, 400, "InvalidRequest", []string{"a week"}},
		"advance into the past": {"POST", "/_orgbackup/clock/advance", `{"to":"2025-12-31T00:00:00Z"}`, 400, "InvalidRequest", []string{"before the emulator's time 2026-01-01T00:00:00Z"}},
		"add bad resource": {"POST", "/_orgbackup/resources", `{"account":"123","region":"mars","type":"EC3","size_bytes":-1,"arn":"arn:x"}`, 400, "InvalidRequest",
			[]string{`account: "123"`, `region: "mars"`, `type: "EC3" is not one of EC2, EBS, RDS, Aurora, EFS, DynamoDB, S3`, "size_bytes", "arn:"}},
		"add bucket of another account": {"POST", "/_orgbackup/resources", `{"account":"444444444444","region":"us-east-1","type":"S3","id":"taken-bucket"}`, 409, "Conflict", []string{"belongs to account 333333333333"}},
		"add resource with unknown key": {"POST", "/_orgbackup/resources", `{"account":"333333333333","region":"us-east-1","type":"EBS","kms_key_arn":"alias/aws/nosuch"}`, 400, "InvalidRequest", []string{"kms_key_arn: kms key alias/aws/nosuch: no AWS managed key"}},
		"list without location":         {"GET", "/_orgbackup/resources", nil, 400, "InvalidRequest", []string{"account:", "region:"}},
		"tag unknown":                   {"POST", "/_orgbackup/resources/tag", `{"arn":"arn:aws:ec2:us-east-1:333333333333:volume/vol-1","tags":{"a":"b"}}`, 404, "ResourceNotFound", []string{"vol-1"}},
		"tag without tags":              {"POST", "/_orgbackup/resources/tag", `{"arn":"arn:aws:ec2:us-east-1:333333333333:volume/vol-1"}`, 400, "InvalidRequest", []string{"at least one tag"}},
		"untag without keys":            {"POST", "/_orgbackup/resources/untag", `{"arn":"x"}`, 400, "InvalidRequest", []string{`"x" is not an ARN`, "at least one tag key"}},
		"remove unknown":                {"POST", "/_orgbackup/resources/remove", `{"arn":"arn:aws:s3:::nope"}`, 404, "ResourceNotFound", []string{"arn:aws:s3:::nope"}},
		"fault unknown service":         {"POST", "/_orgbackup/faults", `{"service":"ec2","latency":"1s"}`, 400, "InvalidRequest", []string{`service: "ec2" is not one of backup, budgets, config, events, iam, kms, organizations, ram, s3, sns, sts, tagging`}},
		"fault unknown operation":       {"POST", "/_orgbackup/faults", `{"service":"backup","operation":"ListVaults","latency":"1s"}`, 400, "InvalidRequest", []string{`backup has no operation "ListVaults"`}},
		"fault bad values": {"POST", "/_orgbackup/faults", `{"account":"x","latency":"1h","error_rate":2,"rate_per_second":-1,"fail_next":-1}`, 400, "InvalidRequest",
			[]string{`account: "x"`, "latency: 1h0m0s is not between 0 and 10m0s", "error_rate: 2", "rate_per_second", "fail_next"}},
		"fault that does nothing":   {"POST", "/_orgbackup/faults", `{"service":"backup"}`, 400, "InvalidRequest", []string{"does nothing"}},
		"fault error without count": {"POST", "/_orgbackup/faults", `{"error_rate":0.5,"error":{"code":"X","status":302}}`, 400, "InvalidRequest", []string{"only with fail_next", "302"}},
		"reset with a body":         {"POST", "/_orgbackup/reset", `{"seed":2}`, 400, "InvalidRequest", []string{`unknown field "seed"`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, data := ctlCall(t, srv, tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, data)
			}
			var got struct {
				Error struct{ Code, Message string }
				// Endpoints is listed for unknown paths.
				Endpoints []struct{ Method, Path string }
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("decoding %s: %v", data, err)
			}
			if got.Error.Code != tc.code {
				t.Errorf("code %q, want %q (%s)", got.Error.Code, tc.code, got.Error.Message)
			}
			for _, m := range tc.message {
				if !strings.Contains(got.Error.Message, m) {
					t.Errorf("message %q does not contain %q", got.Error.Message, m)
				}
			}
			if (tc.status == 404 && tc.code == "NotFound") != (len(got.Endpoints) > 0) {
				t.Errorf("endpoints listed: %v; want them for unknown paths only", got.Endpoints)
			}
		})
	}
	if len(srv.Faults()) != 0 {
		t.Errorf("rejected requests installed faults: %v", srv.Faults())
	}
}

// TestControlIndex lists every endpoint, and every listed endpoint
// answers (none is a 404 or 405).
func TestControlIndex(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	index := ctlOK[struct {
		Endpoints []struct{ Method, Path, Summary string }
	}](t, srv, "GET", "/_orgbackup/", nil, http.StatusOK)
	if len(index.Endpoints) < 15 {
		t.Fatalf("index lists %d endpoints", len(index.Endpoints))
	}
	for _, ep := range index.Endpoints {
		if ep.Summary == "" || !strings.HasPrefix(ep.Path, "/_orgbackup/") {
			t.Errorf("endpoint %+v", ep)
		}
		status, data := ctlCall(t, srv, ep.Method, ep.Path, "{}")
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status >= 500 {
			t.Errorf("%s %s: status %d: %s", ep.Method, ep.Path, status, data)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in   string
		want time.Duration
		err  bool
	}{
		"hours":         {in: "24h", want: 24 * time.Hour},
		"days":          {in: "8d", want: 8 * 24 * time.Hour},
		"days and more": {in: "1d12h30m", want: 36*time.Hour + 30*time.Minute},
		"zero":          {in: "0s", want: 0},
		"zero days":     {in: "0d", want: 0},
		"empty":         {in: "", err: true},
		"negative":      {in: "-1h", err: true},
		"negative days": {in: "-1d", err: true},
		"fraction days": {in: "1.5d", err: true},
		"days last":     {in: "1h2d", err: true},
		"bare d":        {in: "d", err: true},
		"words":         {in: "week", err: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := emulator.ParseDuration(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("ParseDuration(%q) error = %v, want error %v", tc.in, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("ParseDuration(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func ExampleParseDuration() {
	d, _ := emulator.ParseDuration("1d12h")
	fmt.Println(d)
	// Output: 36h0m0s
}

// Example_controlAPI drives the emulator over HTTP, as a client in any
// language would.
func Example_controlAPI() {
	srv := emulator.NewServer()
	defer srv.Close()
	post := func(path, body string) map[string]any {
		resp, err := http.Post(srv.URL+"/_orgbackup/"+path, "application/json", strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	r := post("resources", `{"account":"333333333333","region":"us-east-1","type":"DynamoDB","id":"orders","tags":{"backup-tier":"production"}}`)
	fmt.Println(r["arn"])
	rep := post("clock/advance", `{"duration":"8d"}`)
	fmt.Println(rep["from"], "->", rep["to"])
	fmt.Println(post("clock/advance", `{"duration":"soon"}`)["error"])
	// Output:
	// arn:aws:dynamodb:us-east-1:333333333333:table/orders
	// 2026-01-01T00:00:00Z -> 2026-01-09T00:00:00Z
	// map[code:InvalidRequest message:duration: invalid duration "soon": use a Go duration such as 90m or 24h, optionally preceded by days (8d, 1d12h)]
}

// TestControlOperations lists implemented and deliberately unsupported
// operations per model-driven service.
func TestControlOperations(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	status, body := ctlCall(t, srv, "GET", "/_orgbackup/operations", nil)
	if status != 200 {
		t.Fatalf("GET operations: %d %s", status, body)
	}
	var out struct {
		Services []struct {
			Service     string            `json:"service"`
			Implemented []string          `json:"implemented"`
			Unsupported map[string]string `json:"unsupported"`
		} `json:"services"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range out.Services {
		names = append(names, s.Service)
		if s.Service == "backup" {
			if !slices.Contains(s.Implemented, "CreateBackupVault") || s.Unsupported["StartScanJob"] == "" {
				t.Errorf("backup: implemented %v, unsupported %v", s.Implemented, s.Unsupported)
			}
		}
	}
	if want := []string{"backup", "budgets", "config", "events", "iam", "kms", "organizations", "ram", "s3", "sns", "sts", "tagging"}; !slices.Equal(names, want) {
		t.Errorf("services = %v, want %v", names, want)
	}
}
