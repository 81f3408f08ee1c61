package emulator_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/emulator"
)

// stsRole creates role name in account with the given trust policy and
// returns its ARN.
func stsRole(t *testing.T, srv *emulator.Server, account, name, trust string) string {
	t.Helper()
	out, err := awsiam.NewFromConfig(srv.Config(account, "us-east-1")).CreateRole(context.Background(), &awsiam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		t.Fatalf("CreateRole(%s/%s): %v", account, name, err)
	}
	return aws.ToString(out.Role.Arn)
}

// stsSessionConfig is a config that signs with temporary credentials.
func stsSessionConfig(srv *emulator.Server, c *ststypes.Credentials) aws.Config {
	cfg := srv.Config("000000000000", "us-east-1")
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return cfg
}

func trustPolicy(statement string) string {
	return `{"Version":"2012-10-17","Statement":[` + statement + `]}`
}

func TestAssumeRoleAcrossAccounts(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()
	roleARN := stsRole(t, srv, "222222222222", "OrgBackupRole", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}`))
	role, err := awsiam.NewFromConfig(srv.Config("222222222222", "us-east-1")).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("OrgBackupRole")})
	if err != nil {
		t.Fatal(err)
	}
	mgmt := awssts.NewFromConfig(srv.Config("111111111111", "us-east-1"))
	out, err := mgmt.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("orgbackup"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::222222222222:assumed-role/OrgBackupRole/orgbackup"; got != want {
		t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, want)
	}
	wantID := aws.ToString(role.Role.RoleId) + ":orgbackup"
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != wantID {
		t.Errorf("AssumedRoleId = %q, want %q", got, wantID)
	}
	if k := aws.ToString(out.Credentials.AccessKeyId); !strings.HasPrefix(k, "ASIA") {
		t.Errorf("AccessKeyId = %q, want an ASIA key", k)
	}
	if exp := time.Until(aws.ToTime(out.Credentials.Expiration)); exp < 14*time.Minute || exp > 16*time.Minute {
		t.Errorf("credentials expire in %v, want 15 minutes", exp)
	}

	// The new credentials act as the role in the role's account.
	cfg := stsSessionConfig(srv, out.Credentials)
	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with session: %v", err)
	}
	if aws.ToString(id.Account) != "222222222222" || aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(id.UserId) != wantID {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(id.Account), aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	used, err := awsiam.NewFromConfig(cfg).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("OrgBackupRole")})
	if err != nil {
		t.Fatalf("IAM GetRole in the role's account with session credentials: %v", err)
	}
	if lu := used.Role.RoleLastUsed; lu == nil || lu.LastUsedDate == nil || !lu.LastUsedDate.Equal(srv.Now()) || aws.ToString(lu.Region) != "us-east-1" {
		t.Errorf("RoleLastUsed = %+v, want the assumption's time and region", lu)
	}
	if role.Role.RoleLastUsed == nil || role.Role.RoleLastUsed.LastUsedDate != nil {
		t.Errorf("RoleLastUsed before any assumption = %+v, want empty", role.Role.RoleLastUsed)
	}

	// Another account is not trusted.
	_, err = awssts.NewFromConfig(srv.Config("333333333333", "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("x1")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("AssumeRole from an untrusted account: %v, want AccessDenied", err)
	}
	if want := "User: arn:aws:iam::333333333333:root is not authorized to perform: sts:AssumeRole on resource: " + roleARN; ae.ErrorMessage() != want {
		t.Errorf("AccessDenied message = %q, want %q", ae.ErrorMessage(), want)
	}
}

func TestAssumeRoleTrustPolicies(t *testing.T) {
	t.Parallel()
	const (
		mgmt    = "111111111111"
		backup  = "222222222222"
		prod    = "333333333333"
		outside = "999999999999"
	)
	tests := map[string]struct {
		trust    string
		caller   string // account key; or "role:NAME" for a session of mgmt's role NAME
		in       awssts.AssumeRoleInput
		wantCode string
	}{
		"account ID principal": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`), caller: mgmt,
		},
		"list of principals": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444444444444:root","arn:aws:iam::333333333333:root"]},"Action":"sts:AssumeRole"}`), caller: prod,
		},
		"wildcard principal": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`), caller: outside,
		},
		"service principal does not admit accounts": {
			trust: backupTrust, caller: mgmt, wantCode: "AccessDenied",
		},
		"same account root not trusted": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`), caller: backup, wantCode: "AccessDenied",
		},
		"external ID matches": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-1"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{ExternalId: aws.String("secret-1")},
		},
		"external ID missing": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-1"}}}`),
			caller: mgmt, wantCode: "AccessDenied",
		},
		"external ID wrong": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-1"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{ExternalId: aws.String("secret-2")}, wantCode: "AccessDenied",
		},
		"organization member by aws:PrincipalOrgID": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			caller: prod,
		},
		"outside the organization by aws:PrincipalOrgID": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			caller: outside, wantCode: "AccessDenied",
		},
		"OU path by aws:PrincipalOrgPaths": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-orgbackup1/r-root/ou-root-production/*"}}}`),
			caller: prod,
		},
		"other OU by aws:PrincipalOrgPaths": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-orgbackup1/r-root/ou-root-production/*"}}}`),
			caller: "555555555555", wantCode: "AccessDenied",
		},
		"explicit deny wins": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},` +
				`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:RoleSessionName":"blocked*"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{RoleSessionName: aws.String("blocked-session")}, wantCode: "AccessDenied",
		},
		"role principal admits its sessions": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Deployer"},"Action":"sts:AssumeRole"}`),
			caller: "role:Deployer",
		},
		"role principal does not admit the account root": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Deployer"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, wantCode: "AccessDenied",
		},
		"role chaining limited to one hour": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: "role:Deployer", in: awssts.AssumeRoleInput{DurationSeconds: aws.Int32(3601)}, wantCode: "ValidationError",
		},
		"duration over the role's maximum": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{DurationSeconds: aws.Int32(7200)}, wantCode: "ValidationError",
		},
		"duration under 900 seconds": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{DurationSeconds: aws.Int32(899)}, wantCode: "ValidationError",
		},
		"session name with invalid characters": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{RoleSessionName: aws.String("bad name")}, wantCode: "ValidationError",
		},
		"session tags without sts:TagSession": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("backup")}}}, wantCode: "AccessDenied",
		},
		"session tags with sts:TagSession": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["sts:AssumeRole","sts:TagSession"],` +
				`"Condition":{"StringEqualsIfExists":{"aws:RequestTag/team":"backup"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("backup")}}},
		},
		"session tag value the trust policy refuses": {
			trust: trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["sts:AssumeRole","sts:TagSession"],` +
				`"Condition":{"StringEqualsIfExists":{"aws:RequestTag/team":"backup"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("other")}}}, wantCode: "AccessDenied",
		},
		"source identity without sts:SetSourceIdentity": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SourceIdentity: aws.String("alice")}, wantCode: "AccessDenied",
		},
		"source identity with sts:SetSourceIdentity": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SourceIdentity: aws.String("alice")},
		},
		"role does not exist": {
			caller: mgmt, wantCode: "AccessDenied",
		},
		// MFA: SerialNumber and TokenCode authenticate the request, which
		// a trust policy tests with aws:MultiFactorAuthPresent and
		// aws:MultiFactorAuthAge (AssumeRole API reference, "Using
		// MFA"); the model bounds both parameters (serialNumberType,
		// tokenCodeType).
		"MFA required by the trust policy, none given": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`),
			caller: mgmt, wantCode: "AccessDenied",
		},
		"MFA required by the trust policy, given": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/alice"), TokenCode: aws.String("123456")},
		},
		"MFA age within the trust policy's limit": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"300"}}}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("000000")},
		},
		"MFA required by the trust policy, chained session without MFA": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`),
			caller: "role:Deployer", wantCode: "AccessDenied",
		},
		"token code of five digits": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("12345")}, wantCode: "ValidationError",
		},
		"token code with a letter": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("12345a")}, wantCode: "ValidationError",
		},
		"serial number of eight characters": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT1234"), TokenCode: aws.String("123456")}, wantCode: "ValidationError",
		},
		"serial number without token code": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{SerialNumber: aws.String("GAHT12345678")}, wantCode: "AccessDenied",
		},
		"token code without serial number": {
			trust:  trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			caller: mgmt, in: awssts.AssumeRoleInput{TokenCode: aws.String("123456")}, wantCode: "AccessDenied",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer()
			defer srv.Close()
			ctx := context.Background()
			roleARN := "arn:aws:iam::222222222222:role/Target"
			// The Deployer role exists before trust policies name it.
			deployer := stsRole(t, srv, mgmt, "Deployer", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`))
			if tc.trust != "" {
				roleARN = stsRole(t, srv, backup, "Target", tc.trust)
			}
			cfg := srv.Config(tc.caller, "us-east-1")
			if strings.HasPrefix(tc.caller, "role:") {
				out, err := awssts.NewFromConfig(srv.Config(mgmt, "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(deployer), RoleSessionName: aws.String("deploy")})
				if err != nil {
					t.Fatalf("AssumeRole(Deployer): %v", err)
				}
				cfg = stsSessionConfig(srv, out.Credentials)
			}
			in := tc.in
			in.RoleArn = aws.String(roleARN)
			if in.RoleSessionName == nil {
				in.RoleSessionName = aws.String("session")
			}
			out, err := awssts.NewFromConfig(cfg).AssumeRole(ctx, &in)
			var ae smithy.APIError
			switch {
			case tc.wantCode == "" && err != nil:
				t.Fatalf("AssumeRole: %v, want success", err)
			case tc.wantCode == "":
				if !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::222222222222:assumed-role/Target/") {
					t.Errorf("AssumedRoleUser.Arn = %q", aws.ToString(out.AssumedRoleUser.Arn))
				}
			case !errors.As(err, &ae) || ae.ErrorCode() != tc.wantCode:
				t.Errorf("AssumeRole: %v, want error code %s", err, tc.wantCode)
			}
		})
	}
}

func TestAssumeRoleCredentialsProvider(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	roleARN := stsRole(t, srv, "333333333333", "CrossAccountAdmin", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}`))
	cfg := srv.Config("111111111111", "us-east-1")
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(awssts.NewFromConfig(srv.Config("111111111111", "us-east-1")), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "orgbackup-cli"
	}))
	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity through stscreds: %v", err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::333333333333:assumed-role/CrossAccountAdmin/orgbackup-cli"; got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
}

// oidcIssuer signs GitHub Actions-shaped ID tokens for tests.
type oidcIssuer struct {
	url string
	key crypto.Signer
	alg string
}

func (o *oidcIssuer) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	claims = mergeClaims(map[string]any{
		"iss": o.url, "aud": "sts.amazonaws.com", "sub": "repo:acme/infra:ref:refs/heads/main",
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
	}, claims)
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]string{"alg": o.alg, "typ": "JWT", "kid": "test"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := o.key.(type) {
	case *rsa.PrivateKey:
		s, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = s
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func mergeClaims(base, over map[string]any) map[string]any {
	for k, v := range over {
		if v == nil {
			delete(base, k)
			continue
		}
		base[k] = v
	}
	return base
}

const githubIssuer = "https://token.actions.githubusercontent.com"

const githubTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},
  "Action":"sts:AssumeRoleWithWebIdentity",
  "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
               "StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/infra:*"}}}]}`

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	gh := &oidcIssuer{url: githubIssuer, key: rsaKey, alg: "RS256"}
	ec := &oidcIssuer{url: "https://oidc.example.com", key: ecKey, alg: "ES256"}
	forged := &oidcIssuer{url: githubIssuer, key: otherKey, alg: "RS256"}
	unknown := &oidcIssuer{url: "https://unknown.example.com", key: rsaKey, alg: "RS256"}

	tests := map[string]struct {
		token    func(t *testing.T) string
		role     string
		duration *int32
		wantCode string
		wantErr  any // pointer to the SDK error type, when modeled
	}{
		"main branch of the trusted repository": {token: func(t *testing.T) string { return gh.token(t, nil) }},
		"pull request of the trusted repository": {token: func(t *testing.T) string {
			return gh.token(t, map[string]any{"sub": "repo:acme/infra:pull_request"})
		}},
		"ES256 token from another issuer": {role: "ec", token: func(t *testing.T) string { return ec.token(t, nil) }},
		"other repository": {wantCode: "AccessDenied", token: func(t *testing.T) string {
			return gh.token(t, map[string]any{"sub": "repo:evil/infra:ref:refs/heads/main"})
		}},
		"wrong audience": {wantCode: "AccessDenied", token: func(t *testing.T) string {
			return gh.token(t, map[string]any{"aud": "https://github.com/acme"})
		}},
		"audience list containing sts": {token: func(t *testing.T) string {
			return gh.token(t, map[string]any{"aud": []string{"sts.amazonaws.com"}})
		}},
		"expired token": {wantErr: new(*ststypes.ExpiredTokenException), token: func(t *testing.T) string {
			return gh.token(t, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})
		}},
		"signed with another key":        {wantErr: new(*ststypes.InvalidIdentityTokenException), token: func(t *testing.T) string { return forged.token(t, nil) }},
		"unknown issuer":                 {wantErr: new(*ststypes.InvalidIdentityTokenException), token: func(t *testing.T) string { return unknown.token(t, nil) }},
		"not a JWT":                      {wantErr: new(*ststypes.InvalidIdentityTokenException), token: func(t *testing.T) string { return "not-a-jwt" }},
		"role trusting another provider": {role: "ec", wantCode: "AccessDenied", token: func(t *testing.T) string { return gh.token(t, nil) }},
		"missing role":                   {role: "missing", wantCode: "AccessDenied", token: func(t *testing.T) string { return gh.token(t, nil) }},
		"duration over the maximum":      {duration: aws.Int32(7200), wantCode: "ValidationError", token: func(t *testing.T) string { return gh.token(t, nil) }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewServer(func(o *emulator.Options) {
				o.OIDCIssuers = map[string]crypto.PublicKey{githubIssuer: &rsaKey.PublicKey, ec.url: &ecKey.PublicKey}
			})
			defer srv.Close()
			ctx := context.Background()
			stsRole(t, srv, "222222222222", "gha", githubTrust)
			stsRole(t, srv, "222222222222", "ec", trustPolicy(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/oidc.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`))
			role := tc.role
			if role == "" {
				role = "gha"
			}
			// The call is unsigned, as AWS allows for this operation.
			client := awssts.NewFromConfig(srv.Config("222222222222", "us-east-1"), func(o *awssts.Options) { o.Credentials = aws.AnonymousCredentials{} })
			out, err := client.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
				RoleArn:          aws.String("arn:aws:iam::222222222222:role/" + role),
				RoleSessionName:  aws.String("gha-run-1"),
				WebIdentityToken: aws.String(tc.token(t)),
				DurationSeconds:  tc.duration,
			})
			switch {
			case tc.wantErr != nil:
				if !errors.As(err, tc.wantErr) {
					t.Errorf("AssumeRoleWithWebIdentity: %v, want %T", err, tc.wantErr)
				}
				return
			case tc.wantCode != "":
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != tc.wantCode {
					t.Errorf("AssumeRoleWithWebIdentity: %v, want code %s", err, tc.wantCode)
				}
				return
			case err != nil:
				t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
			}
			wantARN := "arn:aws:sts::222222222222:assumed-role/" + role + "/gha-run-1"
			if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
				t.Errorf("AssumedRoleUser.Arn = %q, want %q", got, wantARN)
			}
			if aws.ToString(out.SubjectFromWebIdentityToken) == "" || aws.ToString(out.Provider) == "" || aws.ToString(out.Audience) == "" {
				t.Errorf("Subject/Provider/Audience = %q/%q/%q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Provider), aws.ToString(out.Audience))
			}
			id, err := awssts.NewFromConfig(stsSessionConfig(srv, out.Credentials)).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity with web identity session: %v", err)
			}
			if aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != "222222222222" {
				t.Errorf("GetCallerIdentity = %s %s, want %s", aws.ToString(id.Account), aws.ToString(id.Arn), wantARN)
			}
		})
	}
}

func TestWebIdentityRoleProvider(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer(func(o *emulator.Options) {
		o.OIDCIssuers = map[string]crypto.PublicKey{githubIssuer: &key.PublicKey}
	})
	defer srv.Close()
	roleARN := stsRole(t, srv, "222222222222", "gha", githubTrust)
	gh := &oidcIssuer{url: githubIssuer, key: key, alg: "RS256"}
	tok := gh.token(t, nil)
	cfg := srv.Config("222222222222", "us-east-1")
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(
		awssts.NewFromConfig(srv.Config("222222222222", "us-east-1")), roleARN, stscredsToken(tok),
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = "gha" }))
	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity through the web identity provider: %v", err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::222222222222:assumed-role/gha/gha"; got != want {
		t.Errorf("Arn = %q, want %q", got, want)
	}
}

type stscredsToken string

func (s stscredsToken) GetIdentityToken() ([]byte, error) { return []byte(s), nil }

// A GitHub Actions workflow exchanges its OIDC token for credentials of a
// role that trusts the repository. The emulator verifies tokens with the
// keys of Options.OIDCIssuers.
func Example_gitHubActionsOIDC() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	srv := emulator.NewServer(func(o *emulator.Options) {
		o.OIDCIssuers = map[string]crypto.PublicKey{"https://token.actions.githubusercontent.com": &key.PublicKey}
	})
	defer srv.Close()
	ctx := context.Background()

	// The role the workflow assumes, created in the backup account.
	_, err = awsiam.NewFromConfig(srv.Config("222222222222", "us-east-1")).CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName: aws.String("github-deploy"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},
			"Action":"sts:AssumeRoleWithWebIdentity",
			"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
			             "StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/backup-config:*"}}}]}`),
	})
	if err != nil {
		panic(err)
	}

	// The token GitHub would issue to the workflow.
	seg := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	input := seg(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + seg(map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
		"sub": "repo:acme/backup-config:ref:refs/heads/main", "exp": time.Now().Add(5 * time.Minute).Unix(),
	})
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	token := input + "." + base64.RawURLEncoding.EncodeToString(sig)

	cfg := srv.Config("222222222222", "us-east-1")
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(awssts.NewFromConfig(cfg),
		"arn:aws:iam::222222222222:role/github-deploy", stscredsToken(token)))
	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		panic(err)
	}
	fmt.Println(aws.ToString(id.Account), strings.HasPrefix(aws.ToString(id.Arn), "arn:aws:sts::222222222222:assumed-role/github-deploy/"))
	// Output: 222222222222 true
}

// TestAssumeRoleSessionDuration: DurationSeconds runs from 900 seconds to
// the role's MaxSessionDuration (default one hour, at most 12 hours), and
// the credentials expire that long after they are issued (AssumeRole API
// reference, DurationSeconds; IAM CreateRole, MaxSessionDuration).
func TestAssumeRoleSessionDuration(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		maxSession *int32
		update     *int32 // UpdateRole's MaxSessionDuration after creation
		duration   *int32
		want       time.Duration
		wantCode   string
	}{
		"default duration":                    {want: time.Hour},
		"default maximum":                     {duration: aws.Int32(3600), want: time.Hour},
		"over the default maximum":            {duration: aws.Int32(3601), wantCode: "ValidationError"},
		"role allowing two hours":             {maxSession: aws.Int32(7200), duration: aws.Int32(7200), want: 2 * time.Hour},
		"over the role's two hours":           {maxSession: aws.Int32(7200), duration: aws.Int32(7201), wantCode: "ValidationError"},
		"maximum lowered by UpdateRole":       {maxSession: aws.Int32(7200), update: aws.Int32(3600), duration: aws.Int32(7200), wantCode: "ValidationError"},
		"over twelve hours":                   {maxSession: aws.Int32(43200), duration: aws.Int32(43201), wantCode: "ValidationError"},
		"fifteen minutes":                     {duration: aws.Int32(900), want: 15 * time.Minute},
		"twelve hours on a twelve-hour role":  {maxSession: aws.Int32(43200), duration: aws.Int32(43200), want: 12 * time.Hour},
		"one-hour break-glass role, one hour": {maxSession: aws.Int32(3600), duration: aws.Int32(3600), want: time.Hour},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			ctx := context.Background()
			iamc := awsiam.NewFromConfig(srv.Config("222222222222", "us-east-1"))
			must(iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Target"), MaxSessionDuration: tc.maxSession,
				AssumeRolePolicyDocument: aws.String(trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`))}))(t, "CreateRole")
			if tc.update != nil {
				must(iamc.UpdateRole(ctx, &awsiam.UpdateRoleInput{RoleName: aws.String("Target"), MaxSessionDuration: tc.update}))(t, "UpdateRole")
			}
			before := time.Now()
			out, err := awssts.NewFromConfig(srv.Config("111111111111", "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
				RoleArn: aws.String("arn:aws:iam::222222222222:role/Target"), RoleSessionName: aws.String("sess"), DurationSeconds: tc.duration})
			if tc.wantCode != "" {
				if errorCode(err) != tc.wantCode {
					t.Fatalf("AssumeRole: %v, want %s", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("AssumeRole: %v", err)
			}
			got := aws.ToTime(out.Credentials.Expiration).Sub(before)
			if got < tc.want-time.Minute || got > tc.want+time.Minute {
				t.Errorf("credentials expire after %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAssumeRoleSourceIdentityPersists: "The source identity value
// persists across chained role sessions" (AssumeRole API reference,
// SourceIdentity), and policies see it as aws:SourceIdentity.
func TestAssumeRoleSourceIdentityPersists(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	ctx := context.Background()
	const acct = "222222222222"
	first := stsRole(t, srv, acct, "First", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}`))
	second := stsRole(t, srv, acct, "Second", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"sts:AssumeRole"}`))
	third := stsRole(t, srv, acct, "Third", trustPolicy(`{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceIdentity":"alice"}}}`))
	out := must(awssts.NewFromConfig(srv.Config("111111111111", "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String(first), RoleSessionName: aws.String("s1"), SourceIdentity: aws.String("alice")}))(t, "AssumeRole First")
	out = must(awssts.NewFromConfig(stsSessionConfig(srv, out.Credentials)).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String(second), RoleSessionName: aws.String("s2")}))(t, "AssumeRole Second")
	if _, err := awssts.NewFromConfig(stsSessionConfig(srv, out.Credentials)).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String(third), RoleSessionName: aws.String("s3")}); err != nil {
		t.Errorf("AssumeRole Third, whose trust policy requires the source identity set two hops before: %v", err)
	}
	if _, err := awssts.NewFromConfig(srv.Config(acct, "us-east-1")).AssumeRole(ctx, &awssts.AssumeRoleInput{
		RoleArn: aws.String(third), RoleSessionName: aws.String("s4")}); errorCode(err) != "AccessDenied" {
		t.Errorf("AssumeRole Third without a source identity: %v, want AccessDenied", err)
	}
}
