package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/emulator"
)

// rawRecorder is an HTTP client that keeps the body of the last response.
type rawRecorder struct {
	mu   sync.Mutex
	last []byte
}

func (r *rawRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.last = body
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (r *rawRecorder) body() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// TestResponsesKeepZeroValues checks the raw wire body, as boto3 reads it:
// members AWS always returns are present even when empty, 0 or false.
func TestResponsesKeepZeroValues(t *testing.T) {
	t.Parallel()
	const mgmt, acct, region = emulator.ManagementAccountID, emulator.BackupAccountID, "eu-west-1"
	ctx := context.Background()
	type check struct {
		name string
		call func(t *testing.T, cfg aws.Config)
		// json: top-level (or dotted) member -> raw JSON value wanted.
		json map[string]string
		// xml: substrings wanted in an awsQuery body.
		xml []string
	}
	checks := []check{
		{
			name: "backup ListBackupVaults empty",
			call: func(t *testing.T, cfg aws.Config) {
				must(awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}))(t, "ListBackupVaults")
			},
			json: map[string]string{"BackupVaultList": "[]"},
		},
		{
			name: "backup ListBackupJobs empty",
			call: func(t *testing.T, cfg aws.Config) {
				must(awsbackup.NewFromConfig(cfg).ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{}))(t, "ListBackupJobs")
			},
			json: map[string]string{"BackupJobs": "[]"},
		},
		{
			name: "backup DescribeBackupVault empty vault",
			call: func(t *testing.T, cfg aws.Config) {
				c := awsbackup.NewFromConfig(cfg)
				must(c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("zero")}))(t, "CreateBackupVault")
				must(c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("zero")}))(t, "DescribeBackupVault")
			},
			json: map[string]string{"NumberOfRecoveryPoints": "0"},
		},
		{
			name: "backup ListBackupVaults member",
			call: func(t *testing.T, cfg aws.Config) {
				must(awsbackup.NewFromConfig(cfg).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}))(t, "ListBackupVaults")
			},
			json: map[string]string{"BackupVaultList.0.NumberOfRecoveryPoints": "0"},
		},
		{
			name: "kms GetKeyRotationStatus off",
			call: func(t *testing.T, cfg aws.Config) {
				c := awskms.NewFromConfig(cfg)
				key := must(c.CreateKey(ctx, &awskms.CreateKeyInput{}))(t, "CreateKey")
				must(c.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: key.KeyMetadata.KeyId}))(t, "GetKeyRotationStatus")
			},
			json: map[string]string{"KeyRotationEnabled": "false"},
		},
		{
			name: "kms ListAliases truncated false",
			call: func(t *testing.T, cfg aws.Config) {
				must(awskms.NewFromConfig(cfg).ListResourceTags(ctx, &awskms.ListResourceTagsInput{KeyId: firstKey(t, cfg)}))(t, "ListResourceTags")
			},
			json: map[string]string{"Truncated": "false", "Tags": "[]"},
		},
		{
			name: "organizations ListPolicies empty and AwsManaged false",
			call: func(t *testing.T, cfg aws.Config) {
				c := awsorgs.NewFromConfig(cfg)
				must(c.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeTagPolicy}))(t, "ListPolicies")
			},
			json: map[string]string{"Policies": "[]"},
		},
		{
			name: "organizations DescribePolicy AwsManaged false",
			call: func(t *testing.T, cfg aws.Config) {
				c := awsorgs.NewFromConfig(cfg)
				p := must(c.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{
					Name: aws.String("p"), Description: aws.String("d"), Type: orgtypes.PolicyTypeBackupPolicy,
					Content: aws.String(`{"plans":{}}`),
				}))(t, "CreatePolicy")
				must(c.DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: p.Policy.PolicySummary.Id}))(t, "DescribePolicy")
			},
			json: map[string]string{"Policy.PolicySummary.AwsManaged": "false"},
		},
		{
			name: "tagging GetResources empty",
			call: func(t *testing.T, cfg aws.Config) {
				must(tagging.NewFromConfig(cfg).GetResources(ctx, &tagging.GetResourcesInput{}))(t, "GetResources")
			},
			json: map[string]string{"ResourceTagMappingList": "[]"},
		},
		{
			name: "iam ListRoles IsTruncated false",
			call: func(t *testing.T, cfg aws.Config) {
				must(awsiam.NewFromConfig(cfg).ListRoles(ctx, &awsiam.ListRolesInput{PathPrefix: aws.String("/none/")}))(t, "ListRoles")
			},
			xml: []string{"<IsTruncated>false</IsTruncated>", "<Roles></Roles>"},
		},
		{
			name: "sns ListTopics empty",
			call: func(t *testing.T, cfg aws.Config) {
				must(awssns.NewFromConfig(cfg).ListTopics(ctx, &awssns.ListTopicsInput{}))(t, "ListTopics")
			},
			xml: []string{"<Topics></Topics>"},
		},
	}
	srv := newTestServer(t)
	_, _ = awsorgs.NewFromConfig(srv.Config(mgmt, "us-east-1")).EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{PolicyType: orgtypes.PolicyTypeBackupPolicy, RootId: rootID(t, srv, mgmt)})
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			rec := &rawRecorder{}
			account := acct
			if strings.HasPrefix(c.name, "organizations") {
				account = mgmt
			}
			cfg := srv.Config(account, region)
			cfg.HTTPClient = rec
			c.call(t, cfg)
			raw := rec.body()
			for _, sub := range c.xml {
				if !bytes.Contains(raw, []byte(sub)) {
					t.Errorf("body lacks %s:\n%s", sub, raw)
				}
			}
			if len(c.json) == 0 {
				return
			}
			var doc any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("decoding %s: %v", raw, err)
			}
			for path, want := range c.json {
				got, ok := jsonPath(doc, path)
				if !ok {
					t.Errorf("%s missing from %s", path, raw)
					continue
				}
				if gotRaw, _ := json.Marshal(got); string(gotRaw) != want {
					t.Errorf("%s = %s, want %s", path, gotRaw, want)
				}
			}
		})
	}
}

// jsonPath resolves a dotted path of object keys and list indexes.
func jsonPath(doc any, path string) (any, bool) {
	cur := doc
	for part := range strings.SplitSeq(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i := 0
			for _, r := range part {
				i = i*10 + int(r-'0')
			}
			if i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func firstKey(t *testing.T, cfg aws.Config) *string {
	t.Helper()
	c := awskms.NewFromConfig(aws.Config{Region: cfg.Region, Credentials: cfg.Credentials, BaseEndpoint: cfg.BaseEndpoint, HTTPClient: http.DefaultClient})
	k := must(c.CreateKey(context.Background(), &awskms.CreateKeyInput{}))(t, "CreateKey")
	return k.KeyMetadata.KeyId
}

func rootID(t *testing.T, srv interface {
	Config(string, string) aws.Config
}, mgmt string) *string {
	t.Helper()
	roots := must(awsorgs.NewFromConfig(srv.Config(mgmt, "us-east-1")).ListRoots(context.Background(), &awsorgs.ListRootsInput{}))(t, "ListRoots")
	return roots.Roots[0].Id
}

// TestQueryUnitOutputHasNoResult: an awsQuery operation whose output is
// Unit (IAM DeleteRole) answers with ResponseMetadata only, as AWS does;
// botocore's model has no DeleteRoleResult.
func TestQueryUnitOutputHasNoResult(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := newTestServer(t)
	rec := &rawRecorder{}
	cfg := srv.Config(emulator.BackupAccountID, "us-east-1")
	cfg.HTTPClient = rec
	c := awsiam.NewFromConfig(cfg)
	must(c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(backupTrust)}))(t, "CreateRole")
	if !bytes.Contains(rec.body(), []byte("<CreateRoleResult>")) {
		t.Errorf("CreateRole body lacks CreateRoleResult:\n%s", rec.body())
	}
	must(c.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("r")}))(t, "DeleteRole")
	if body := rec.body(); bytes.Contains(body, []byte("DeleteRoleResult")) || !bytes.Contains(body, []byte("<ResponseMetadata>")) {
		t.Errorf("DeleteRole body:\n%s\nwant ResponseMetadata only", body)
	}
}
