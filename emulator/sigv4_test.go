package emulator

// Signature verification tests. They live in the package to reach the
// sessions table (to expire a session without waiting for it).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// sigTestSession starts a server, creates a role in 222222222222 that
// 111111111111 may assume, and returns temporary credentials for it.
func sigTestSession(t *testing.T) (*Server, aws.Credentials) {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	_, err := awsiam.NewFromConfig(srv.Config("222222222222", "us-east-1")).CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName:                 aws.String("Signer"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	out, err := awssts.NewFromConfig(srv.Config("111111111111", "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/Signer"), RoleSessionName: aws.String("sig"),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	c := out.Credentials
	return srv, aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}
}

// sigCallerIdentity calls GetCallerIdentity through the SDK with creds.
func sigCallerIdentity(srv *Server, creds aws.Credentials) (*awssts.GetCallerIdentityOutput, error) {
	cfg := srv.Config("000000000000", "us-east-1")
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: creds}
	cfg.RetryMaxAttempts = 1
	return awssts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
}

func sigErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

func TestSignatureVerification(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		mutate   func(c aws.Credentials) aws.Credentials
		wantCode string
	}{
		"issued credentials": {mutate: func(c aws.Credentials) aws.Credentials { return c }},
		"wrong secret": {wantCode: "SignatureDoesNotMatch", mutate: func(c aws.Credentials) aws.Credentials {
			c.SecretAccessKey = strings.ToUpper(c.SecretAccessKey[:1]) + "x" + c.SecretAccessKey[2:]
			return c
		}},
		"wrong session token": {wantCode: "InvalidClientTokenId", mutate: func(c aws.Credentials) aws.Credentials {
			c.SessionToken += "x"
			return c
		}},
		"no session token": {wantCode: "InvalidClientTokenId", mutate: func(c aws.Credentials) aws.Credentials {
			c.SessionToken = ""
			return c
		}},
		"unknown ASIA key": {wantCode: "InvalidClientTokenId", mutate: func(c aws.Credentials) aws.Credentials {
			c.AccessKeyID = "ASIAUNKNOWNUNKNOWN12"
			return c
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, creds := sigTestSession(t)
			out, err := sigCallerIdentity(srv, tc.mutate(creds))
			if got := sigErrorCode(err); got != tc.wantCode {
				t.Fatalf("GetCallerIdentity error code = %q (%v), want %q", got, err, tc.wantCode)
			}
			if tc.wantCode == "" && aws.ToString(out.Arn) != "arn:aws:sts::222222222222:assumed-role/Signer/sig" {
				t.Errorf("Arn = %q", aws.ToString(out.Arn))
			}
		})
	}
}

func TestSignatureErrorCodesByProtocol(t *testing.T) {
	t.Parallel()
	srv, creds := sigTestSession(t)
	ctx := context.Background()
	cfgWith := func(c aws.Credentials) aws.Config {
		cfg := srv.Config("000000000000", "us-east-1")
		cfg.Credentials = credentials.StaticCredentialsProvider{Value: c}
		cfg.RetryMaxAttempts = 1
		return cfg
	}
	wrongSecret, unknownKey := creds, creds
	wrongSecret.SecretAccessKey = "wrong-secret"
	unknownKey.AccessKeyID = "ASIAUNKNOWNUNKNOWN12"
	iamCall := func(c aws.Credentials) error {
		_, err := awsiam.NewFromConfig(cfgWith(c)).ListRoles(ctx, &awsiam.ListRolesInput{})
		return err
	}
	kmsCall := func(c aws.Credentials) error {
		_, err := awskms.NewFromConfig(cfgWith(c)).ListKeys(ctx, &awskms.ListKeysInput{})
		return err
	}
	tests := map[string]struct {
		call     func(aws.Credentials) error
		creds    aws.Credentials
		wantCode string
	}{
		"IAM (awsQuery) with the session":   {iamCall, creds, ""},
		"IAM (awsQuery) wrong secret":       {iamCall, wrongSecret, "SignatureDoesNotMatch"},
		"IAM (awsQuery) unknown key":        {iamCall, unknownKey, "InvalidClientTokenId"},
		"KMS (awsJson1.1) with the session": {kmsCall, creds, ""},
		"KMS (awsJson1.1) wrong secret":     {kmsCall, wrongSecret, "SignatureDoesNotMatch"},
		"KMS (awsJson1.1) unknown key":      {kmsCall, unknownKey, "UnrecognizedClientException"},
	}
	for name, tc := range tests {
		if got := sigErrorCode(tc.call(tc.creds)); got != tc.wantCode {
			t.Errorf("%s: error code %q, want %q", name, got, tc.wantCode)
		}
	}
}

func TestSignatureExpiredSession(t *testing.T) {
	t.Parallel()
	srv, creds := sigTestSession(t)
	if _, err := sigCallerIdentity(srv, creds); err != nil {
		t.Fatalf("GetCallerIdentity before expiry: %v", err)
	}
	srv.mu.Lock()
	srv.sessions[creds.AccessKeyID].expires = time.Now().Add(-time.Second)
	srv.mu.Unlock()
	_, err := sigCallerIdentity(srv, creds)
	if got := sigErrorCode(err); got != "ExpiredToken" {
		t.Errorf("GetCallerIdentity after expiry: %q (%v), want ExpiredToken", got, err)
	}
}

// sigRawRequest signs a GetCallerIdentity POST, then sends body instead of
// the signed body.
func sigRawRequest(t *testing.T, srv *Server, creds aws.Credentials, signedBody, sentBody string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(signedBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(signedBody))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	req.Body = io.NopCloser(strings.NewReader(sentBody))
	req.ContentLength = int64(len(sentBody))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSignatureTamperedBody(t *testing.T) {
	t.Parallel()
	srv, creds := sigTestSession(t)
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	if status, resp := sigRawRequest(t, srv, creds, body, body); status != http.StatusOK || !strings.Contains(resp, "assumed-role/Signer/sig") {
		t.Fatalf("untampered request: %d %s", status, resp)
	}
	tampered := "Action=GetCallerIdentity&Version=2011-06-15&Extra=1"
	status, resp := sigRawRequest(t, srv, creds, body, tampered)
	if status != http.StatusForbidden || !strings.Contains(resp, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered body: %d %s, want 403 SignatureDoesNotMatch", status, resp)
	}
}

func TestSignaturePresignedURL(t *testing.T) {
	t.Parallel()
	srv, creds := sigTestSession(t)
	ctx := context.Background()

	// The SDK's own presigner (the request EKS and Vault use to prove an
	// identity).
	cfg := srv.Config("000000000000", "us-east-1")
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: creds}
	pre, err := awssts.NewPresignClient(awssts.NewFromConfig(cfg)).PresignGetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("PresignGetCallerIdentity: %v", err)
	}
	get := func(method, u string, h http.Header) (int, string) {
		req, err := http.NewRequest(method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(pre.Method, pre.URL, pre.SignedHeader)
	if status != http.StatusOK || !strings.Contains(body, "<Arn>arn:aws:sts::222222222222:assumed-role/Signer/sig</Arn>") {
		t.Fatalf("presigned GetCallerIdentity: %d %s", status, body)
	}

	// A hand-presigned GET.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	signed, hdr, err := v4.NewSigner().PresignHTTP(ctx, creds, req, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sts", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, body := get(http.MethodGet, signed, hdr); status != http.StatusOK || !strings.Contains(body, "assumed-role/Signer/sig") {
		t.Fatalf("hand-presigned GET: %d %s", status, body)
	}
	// Changing a signed query parameter breaks the signature.
	u, _ := url.Parse(signed)
	q := u.Query()
	q.Set("Extra", "1")
	u.RawQuery = q.Encode()
	if status, body := get(http.MethodGet, u.String(), hdr); status != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Errorf("tampered presigned URL: %d %s, want 403 SignatureDoesNotMatch", status, body)
	}
}

// TestAWSCLISignatures drives botocore's signer: the AWS CLI assumes a role
// and calls get-caller-identity with the temporary credentials it got.
func TestAWSCLISignatures(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts the AWS CLI (seconds per call)")
	}
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := NewServer()
	defer srv.Close()
	_, err = awsiam.NewFromConfig(srv.Config("222222222222", "us-east-1")).CreateRole(context.Background(), &awsiam.CreateRoleInput{
		RoleName:                 aws.String("cli"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	run := func(env []string, args ...string) ([]byte, error) {
		cmd := exec.Command(awsCLI, append([]string{"--endpoint-url", srv.URL, "--output", "json"}, args...)...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		cmd.Env = append(cmd.Env, env...)
		return cmd.CombinedOutput()
	}
	out, err := run([]string{"AWS_ACCESS_KEY_ID=111111111111", "AWS_SECRET_ACCESS_KEY=" + DefaultSecretKey},
		"sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/cli", "--role-session-name", "cli-session")
	if err != nil {
		t.Fatalf("aws sts assume-role: %v\n%s", err, out)
	}
	var assumed struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if err := json.Unmarshal(out, &assumed); err != nil {
		t.Fatalf("parsing assume-role output: %v\n%s", err, out)
	}
	c := assumed.Credentials
	session := []string{"AWS_ACCESS_KEY_ID=" + c.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey, "AWS_SESSION_TOKEN=" + c.SessionToken}
	out, err = run(session, "sts", "get-caller-identity")
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "arn:aws:sts::222222222222:assumed-role/cli/cli-session") {
		t.Errorf("get-caller-identity = %s", out)
	}
	// IAM through the CLI with the session (a second awsQuery service).
	out, err = run(session, "iam", "get-role", "--role-name", "cli")
	if err != nil || !strings.Contains(string(out), `"RoleName": "cli"`) {
		t.Errorf("aws iam get-role: %v\n%s", err, out)
	}
	// A wrong secret is caught.
	bad := []string{"AWS_ACCESS_KEY_ID=" + c.AccessKeyId, "AWS_SECRET_ACCESS_KEY=wrong", "AWS_SESSION_TOKEN=" + c.SessionToken}
	out, err = run(bad, "sts", "get-caller-identity")
	if err == nil || !strings.Contains(string(out), "SignatureDoesNotMatch") {
		t.Errorf("get-caller-identity with a wrong secret: %v\n%s", err, out)
	}
}
