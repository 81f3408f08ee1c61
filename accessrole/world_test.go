package accessrole_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/orgbackup/orgbackup/accessrole"
	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/spec"
)

const (
	mgmt      = emulator.ManagementAccountID
	backupAcc = emulator.BackupAccountID
	repo      = "acme/backups"
	issuer    = "https://" + githubiam.Issuer
)

// worldSpec is a spec on the emulator's default organization with every
// team role.
const worldSpec = `version: 1
name: access-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production], restore_testing: {enabled: false}}
central:
  vault: central-backup
local:
  vault: local-backup
reports:
  bucket: org-backup-reports-222222222222
team_roles:
  operators: {principals: ["arn:aws:iam::222222222222:role/BackupOperators"], mfa: true}
  workload_restore: {principals: ["arn:aws:iam::{account}:role/WorkloadAdmin"]}
  break_glass: {principals: ["arn:aws:iam::222222222222:role/Emergency"], recipients: [security@example.com]}
`

// world is an organization bootstrapped the way the README describes:
// the GitHub roles in the backup account, one engine apply and the access
// roles through OrganizationAccountAccessRole from the management account.
type world struct {
	srv      *emulator.Server
	sp       *spec.Spec
	key      *ecdsa.PrivateKey
	accounts []string
}

func newWorld(t *testing.T, yaml string) *world {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.NewServer(func(o *emulator.Options) {
		o.OIDCIssuers = map[string]crypto.PublicKey{issuer: &key.PublicKey}
	})
	t.Cleanup(srv.Close)
	sp, err := spec.Parse("world.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{srv: srv, sp: sp, key: key, accounts: srv.OrganizationAccounts()}
	ctx := context.Background()

	// The GitHub roles, in the backup account.
	roles, err := githubiam.Roles(githubiam.Options{Repo: repo, Account: backupAcc, ExecutionRole: crossaccount.DefaultExecutionRole})
	if err != nil {
		t.Fatal(err)
	}
	iam := awsiam.NewFromConfig(srv.Config(backupAcc, "us-east-1"))
	for _, r := range roles {
		trust, _ := json.Marshal(r.Trust)
		perms, _ := json.Marshal(r.Permissions)
		if _, err := iam.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(r.Name), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
			t.Fatalf("creating %s: %v", r.Name, err)
		}
		if _, err := iam.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String("orgbackup"), PolicyDocument: aws.String(string(perms))}); err != nil {
			t.Fatalf("putting the policy of %s: %v", r.Name, err)
		}
	}

	// The first run, from the management account.
	boot := crossaccount.NewFleet(srv.Config(mgmt, "us-east-1"))
	p, err := backup.PlanChanges(ctx, sp, boot, func(o *backup.PlanOptions) { o.Now = srv.Now })
	if err != nil {
		t.Fatalf("bootstrap plan: %v", err)
	}
	if _, err := backup.Apply(ctx, boot, p, func(o *backup.ApplyOptions) { o.Now = srv.Now }); err != nil {
		t.Fatalf("bootstrap apply: %v", err)
	}
	if _, err := accessrole.Bootstrap(ctx, boot, sp, w.accounts, accessrole.Options{}); err != nil {
		t.Fatalf("bootstrap access roles: %v", err)
	}
	return w
}

// githubSession returns credentials of a GitHub role for a job whose OIDC
// token has subject sub.
func (w *world) githubSession(t *testing.T, role, sub string) aws.CredentialsProvider {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "ES256", "typ": "JWT"}) + "." + enc(map[string]any{
		"iss": issuer, "sub": sub, "aud": githubiam.Audience, "exp": time.Now().Add(10 * time.Minute).Unix(),
	})
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, w.key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	cfg := w.srv.Config(backupAcc, "us-east-1")
	cfg.Credentials = aws.AnonymousCredentials{}
	out, err := awssts.NewFromConfig(cfg).AssumeRoleWithWebIdentity(context.Background(), &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::" + backupAcc + ":role/" + role), RoleSessionName: aws.String("gh"),
		WebIdentityToken: aws.String(signing + "." + base64.RawURLEncoding.EncodeToString(sig)),
	})
	if err != nil {
		t.Fatalf("assuming %s as %s: %v", role, sub, err)
	}
	return staticCreds(out.Credentials)
}

// config returns a configuration of the emulator with the given
// credentials.
func (w *world) config(creds aws.CredentialsProvider) aws.Config {
	cfg := w.srv.Config(backupAcc, "us-east-1")
	cfg.Credentials = creds
	return cfg
}

// allRoles lists every role of every account of the organization.
func (w *world) allRoles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, a := range w.accounts {
		pages := awsiam.NewListRolesPaginator(awsiam.NewFromConfig(w.srv.Config(a, "us-east-1")), &awsiam.ListRolesInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Roles {
				out = append(out, aws.ToString(r.Arn))
			}
		}
	}
	return out
}

func accountOf(arn string) string { return strings.SplitN(arn, ":", 6)[4] }

func staticCreds(c *ststypes.Credentials) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}
