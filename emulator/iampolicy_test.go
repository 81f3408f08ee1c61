package emulator

import (
	"errors"
	"strings"
	"testing"
)

// polStmt wraps statements into a policy document.
func polStmt(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

var (
	polRoot111 = &policyPrincipal{Account: "111111111111", ARN: "arn:aws:iam::111111111111:root"}
	polSession = &policyPrincipal{
		Account: "222222222222",
		ARN:     "arn:aws:sts::222222222222:assumed-role/Backup/s1",
		RoleARN: "arn:aws:iam::222222222222:role/ops/Backup",
	}
	polBackupSvc = &policyPrincipal{Service: "backup.amazonaws.com"}
	polGitHub    = &policyPrincipal{Federated: "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"}
)

func TestEvalPolicy(t *testing.T) {
	t.Parallel()
	const vault = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
	copyReq := func(p *policyPrincipal, ctx map[string][]string) policyRequest {
		return policyRequest{Principal: p, Action: "backup:CopyIntoBackupVault", Resource: vault, Context: ctx}
	}
	tests := map[string]struct {
		doc  string
		kind policyKind
		req  policyRequest
		want decision
	}{
		// Effect and statement shapes.
		"allow": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:CopyIntoBackupVault","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"no matching statement is an implicit deny": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:StartBackupJob","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"explicit deny wins over allow": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"backup:Copy*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionDeny,
		},
		"deny listed first still wins": {
			doc: polStmt(`{"Effect":"Deny","Action":"backup:*","Resource":"*"}`, `{"Effect":"Allow","Action":"backup:*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionDeny,
		},
		"single statement object": {
			doc: `{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"backup:*","Resource":"*"}}`,
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"2008 version": {
			doc: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"backup:*","Resource":"*"}]}`,
			req: copyReq(nil, nil), want: decisionAllow,
		},

		// Action and NotAction.
		"action list": {
			doc: polStmt(`{"Effect":"Allow","Action":["kms:Decrypt","backup:CopyIntoBackupVault"],"Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"action wildcard *": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:Copy*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"action wildcard ?": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:CopyIntoBackupVaul?","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"action ? matches exactly one character": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:CopyIntoBackupVault?","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"action is case-insensitive": {
			doc: polStmt(`{"Effect":"Allow","Action":"BACKUP:copyintobackupvault","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"action of another service": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup-storage:*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"NotAction excludes the action": {
			doc: polStmt(`{"Effect":"Allow","NotAction":"backup:Copy*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"NotAction matches other actions": {
			doc: polStmt(`{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionDeny,
		},

		// Resource and NotResource.
		"resource exact": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"` + vault + `"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"resource wildcard": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"arn:aws:backup:*:222222222222:backup-vault:*"}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"resource is case-sensitive": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"arn:aws:backup:us-east-1:222222222222:backup-vault:CENTRAL"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"resource of another account": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"arn:aws:backup:*:333333333333:backup-vault:*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"NotResource": {
			doc: polStmt(`{"Effect":"Deny","Action":"backup:*","NotResource":"arn:aws:backup:*:*:backup-vault:central"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"resource with policy variable": {
			doc:  polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"arn:aws:backup:*:${aws:PrincipalAccount}:backup-vault:*"}`),
			req:  copyReq(nil, map[string][]string{"aws:PrincipalAccount": {"222222222222"}}),
			want: decisionAllow,
		},
		"unresolved policy variable does not match": {
			doc: polStmt(`{"Effect":"Allow","Action":"backup:*","Resource":"arn:aws:backup:*:${aws:PrincipalAccount}:backup-vault:*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},

		// Principal and NotPrincipal.
		"principal *": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*"}`),
			req: copyReq(polRoot111, nil), want: decisionAllow,
		},
		"principal AWS *": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}`),
			req: copyReq(polSession, nil), want: decisionAllow,
		},
		"principal account ID": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polRoot111, nil), want: decisionAllow,
		},
		"principal account root ARN admits the account's sessions": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polSession, nil), want: decisionAllow,
		},
		"principal of another account": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::333333333333:root","444444444444"]},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polRoot111, nil), want: decisionImplicitDeny,
		},
		"principal role ARN admits its sessions": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ops/Backup"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polSession, nil), want: decisionAllow,
		},
		"principal role ARN does not admit the account root": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/ops/Backup"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(&policyPrincipal{Account: "222222222222", ARN: "arn:aws:iam::222222222222:root"}, nil), want: decisionImplicitDeny,
		},
		"principal polSession ARN": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::222222222222:assumed-role/Backup/s1"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polSession, nil), want: decisionAllow,
		},
		"principal service": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":{"Service":["backup.amazonaws.com"]},"Action":"sts:AssumeRole"}`),
			req: policyRequest{Principal: polBackupSvc, Action: "sts:AssumeRole"}, want: decisionAllow,
		},
		"principal service does not admit accounts": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}`),
			req: policyRequest{Principal: polRoot111, Action: "sts:AssumeRole"}, want: decisionImplicitDeny,
		},
		"principal federated": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			req: policyRequest{Principal: polGitHub, Action: "sts:AssumeRoleWithWebIdentity"}, want: decisionAllow,
		},
		"principal federated, other action": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`),
			req: policyRequest{Principal: polGitHub, Action: "sts:AssumeRole"}, want: decisionImplicitDeny,
		},
		"statement with principal needs a request principal": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"NotPrincipal deny spares the listed principal": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}`,
				`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polRoot111, nil), want: decisionAllow,
		},
		"NotPrincipal deny hits others": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"backup:*","Resource":"*"}`,
				`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"backup:*","Resource":"*"}`),
			req: copyReq(polSession, nil), want: decisionDeny,
		},

		// Conditions.
		"StringEquals match": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-orgbackup1"}}), want: decisionAllow,
		},
		"StringEquals keys are case-insensitive": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"AWS:principalorgid":"o-orgbackup1"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-orgbackup1"}}), want: decisionAllow,
		},
		"StringEquals values are case-sensitive": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"O-ORGBACKUP1"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-orgbackup1"}}), want: decisionImplicitDeny,
		},
		"StringEquals any of the listed values": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":["333333333333","222222222222"]}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalAccount": {"222222222222"}}), want: decisionAllow,
		},
		"StringEquals missing key fails": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"StringEqualsIgnoreCase": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BACKUP"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalTag/team": {"backup"}}), want: decisionAllow,
		},
		"StringNotEquals on another org denies": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-other"}}), want: decisionDeny,
		},
		"StringNotEquals on the same org": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-orgbackup1"}}), want: decisionImplicitDeny,
		},
		"StringNotEquals missing key matches": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`),
			req: copyReq(nil, nil), want: decisionDeny,
		},
		"StringLike": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"backup.*.amazonaws.com"}}}`),
			req: copyReq(nil, map[string][]string{"kms:ViaService": {"backup.us-east-1.amazonaws.com"}}), want: decisionAllow,
		},
		"StringLike no match": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"backup.*.amazonaws.com"}}}`),
			req: copyReq(nil, map[string][]string{"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}), want: decisionImplicitDeny,
		},
		"StringNotLike": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotLike":{"kms:ViaService":["backup.*.amazonaws.com","s3.*.amazonaws.com"]}}}`),
			req: copyReq(nil, map[string][]string{"kms:ViaService": {"ec2.us-east-1.amazonaws.com"}}), want: decisionDeny,
		},
		"ArnEquals": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/ops/Backup"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::222222222222:role/ops/Backup"}}), want: decisionAllow,
		},
		"ArnLike wildcard in account and resource": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ops/*"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::222222222222:role/ops/Backup"}}), want: decisionAllow,
		},
		"ArnLike needs six components": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:backup:*"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SourceArn": {"arn:aws:backup:us-east-1:1:backup-vault:x"}}), want: decisionImplicitDeny,
		},
		"ArnNotLike": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ops/*"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::222222222222:role/dev/X"}}), want: decisionDeny,
		},
		"Bool true": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}`),
			req: copyReq(nil, map[string][]string{"aws:SecureTransport": {"false"}}), want: decisionDeny,
		},
		"Bool mismatch": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SecureTransport": {"true"}}), want: decisionImplicitDeny,
		},
		"NumericLessThanEquals": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanEquals":{"backup:MaxRetentionDays":365}}}`),
			req: copyReq(nil, map[string][]string{"backup:MaxRetentionDays": {"365"}}), want: decisionAllow,
		},
		"NumericGreaterThan fails": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"backup:MaxRetentionDays":"365"}}}`),
			req: copyReq(nil, map[string][]string{"backup:MaxRetentionDays": {"365"}}), want: decisionImplicitDeny,
		},
		"NumericNotEquals": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericNotEquals":{"n":"1"}}}`),
			req: copyReq(nil, map[string][]string{"n": {"2"}}), want: decisionAllow,
		},
		"DateLessThan": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-06-01T00:00:00Z"}}}`),
			req: copyReq(nil, map[string][]string{"aws:CurrentTime": {"2026-01-01T00:00:00Z"}}), want: decisionAllow,
		},
		"IpAddress": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SourceIp": {"10.1.2.3"}}), want: decisionAllow,
		},
		"NotIpAddress": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SourceIp": {"192.168.0.1"}}), want: decisionDeny,
		},
		"Null true matches a missing key": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:PrincipalOrgID":"true"}}}`),
			req: copyReq(nil, nil), want: decisionDeny,
		},
		"Null false needs the key": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:PrincipalOrgID":"false"}}}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"IfExists with a missing key": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"222222222222"}}}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"IfExists with a different value": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"222222222222"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SourceAccount": {"333333333333"}}), want: decisionImplicitDeny,
		},
		"ForAnyValue with one matching value": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-orgbackup1/r-root/ou-root-prod/*"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgPaths": {"o-orgbackup1/r-root/ou-root-dev/", "o-orgbackup1/r-root/ou-root-prod/ou-x/"}}), want: decisionAllow,
		},
		"ForAnyValue with a missing key": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}`),
			req: copyReq(nil, nil), want: decisionImplicitDeny,
		},
		"ForAllValues with all values allowed": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["owner","env"]}}}`),
			req: copyReq(nil, map[string][]string{"aws:TagKeys": {"env", "owner"}}), want: decisionAllow,
		},
		"ForAllValues with one value not allowed": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["owner","env"]}}}`),
			req: copyReq(nil, map[string][]string{"aws:TagKeys": {"env", "cost"}}), want: decisionImplicitDeny,
		},
		"ForAllValues with a missing key": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["owner"]}}}`),
			req: copyReq(nil, nil), want: decisionAllow,
		},
		"ForAnyValue:StringNotEquals": {
			doc: polStmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["owner","env"]}}}`),
			req: copyReq(nil, map[string][]string{"aws:TagKeys": {"env", "cost"}}), want: decisionDeny,
		},
		"all conditions must hold": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"},"StringLike":{"kms:ViaService":"backup.*"}}}`),
			req: copyReq(nil, map[string][]string{"aws:PrincipalOrgID": {"o-orgbackup1"}, "kms:ViaService": {"s3.us-east-1.amazonaws.com"}}), want: decisionImplicitDeny,
		},
		"condition value with a policy variable": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}}`),
			req: copyReq(nil, map[string][]string{"aws:SourceAccount": {"222222222222"}, "aws:PrincipalAccount": {"222222222222"}}), want: decisionAllow,
		},
		"sts:ExternalId": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}`),
			req: policyRequest{Principal: polRoot111, Action: "sts:AssumeRole", Context: map[string][]string{"sts:ExternalId": {"x-1"}}}, want: decisionAllow,
		},
		"GitHub OIDC sub and aud": {
			kind: policyTrust,
			doc: polStmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",` +
				`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*:ref:refs/heads/main"}}}`),
			req: policyRequest{Principal: polGitHub, Action: "sts:AssumeRoleWithWebIdentity", Context: map[string][]string{
				"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
				"token.actions.githubusercontent.com:sub": {"repo:acme/infra:ref:refs/heads/main"},
			}},
			want: decisionAllow,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if tc.req.Resource == "" {
				tc.req.Resource = "*"
			}
			got, err := evalPolicy(tc.doc, tc.kind, tc.req)
			if err != nil {
				t.Fatalf("evalPolicy: %v", err)
			}
			if got != tc.want {
				t.Errorf("evalPolicy = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc     string
		kind    policyKind
		wantMsg string
	}{
		"not JSON":             {doc: `{`, wantMsg: "Syntax errors in policy."},
		"trailing data":        {doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`) + `{}`, wantMsg: "Syntax errors in policy."},
		"no statement":         {doc: `{"Version":"2012-10-17"}`, wantMsg: "Syntax errors in policy."},
		"empty statement list": {doc: `{"Version":"2012-10-17","Statement":[]}`, wantMsg: "Syntax errors in policy."},
		"unknown version":      {doc: `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, wantMsg: "The policy failed legacy parsing"},
		"unknown top-level":    {doc: `{"Version":"2012-10-17","Statements":[]}`, wantMsg: "Syntax errors in policy."},
		"unknown element":      {doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Conditions":{}}`), wantMsg: "Syntax errors in policy."},
		"bad effect":           {doc: polStmt(`{"Effect":"allow","Action":"*","Resource":"*"}`), wantMsg: "Syntax errors in policy."},
		"no action":            {doc: polStmt(`{"Effect":"Allow","Resource":"*"}`), wantMsg: "Policy statement must contain actions."},
		"action and NotAction": {doc: polStmt(`{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}`), wantMsg: "Syntax errors in policy."},
		"action without vendor": {
			doc: polStmt(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), wantMsg: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
		},
		"identity policy with principal":   {doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`), wantMsg: "Policy document should not specify a principal."},
		"identity policy without resource": {doc: polStmt(`{"Effect":"Allow","Action":"*"}`), wantMsg: "Policy statement must contain resources."},
		"resource policy without principal": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`), wantMsg: "Missing required field Principal",
		},
		"trust policy with resource": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}`), wantMsg: "Has prohibited field Resource",
		},
		"trust policy with other action": {
			kind: policyTrust, doc: polStmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`), wantMsg: "AssumeRole policy may only specify STS AssumeRole actions.",
		},
		"principal string other than *": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":"111111111111","Action":"s3:*","Resource":"*"}`), wantMsg: `Invalid principal in policy: "111111111111"`,
		},
		"malformed AWS principal": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}`), wantMsg: `Invalid principal in policy: "AWS":"alice"`,
		},
		"unknown principal type": {
			kind: policyResource, doc: polStmt(`{"Effect":"Allow","Principal":{"Users":"x"},"Action":"s3:*","Resource":"*"}`), wantMsg: `Invalid principal in policy: "Users"`,
		},
		"unknown condition operator": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringMatches":{"a":"b"}}}`), wantMsg: "Invalid Condition type : StringMatches",
		},
		"Sid with a space in an IAM policy": {
			doc: polStmt(`{"Sid":"Allow all","Effect":"Allow","Action":"*","Resource":"*"}`), wantMsg: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
		},
		"duplicate Sid in a trust policy": {
			kind: policyTrust, doc: polStmt(`{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`, `{"Sid":"A","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}`),
			wantMsg: "Statement IDs (SID) in a single policy must be unique.",
		},
		"unknown set operator": {
			doc: polStmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"a":"b"}}}`), wantMsg: "Invalid Condition type : ForSomeValues:StringEquals",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := parsePolicy(tc.doc, tc.kind)
			var pe *policyError
			if !errors.As(err, &pe) {
				t.Fatalf("parsePolicy: %v, want a policyError", err)
			}
			if pe.msg != tc.wantMsg {
				t.Errorf("message = %q, want %q", pe.msg, tc.wantMsg)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*:*", "backup:x", false, true},
		{"a**b", "ab", false, true},
		{"ABC", "abc", true, true},
		{"ABC", "abc", false, false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", false, true},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("globMatch(%q, %q, %v) = %v, want %v", tc.pattern, tc.s, tc.fold, got, tc.want)
		}
	}
}

func TestCallerContext(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := s.callerContextLocked(Principal{
		Account: "333333333334", ARN: "arn:aws:sts::333333333334:assumed-role/R/s", UserID: "AROAX:s",
		RoleARN: "arn:aws:iam::333333333334:role/R", SessionName: "s",
	})
	want := map[string]string{
		"aws:PrincipalAccount":  "333333333334",
		"aws:PrincipalArn":      "arn:aws:iam::333333333334:role/R",
		"aws:PrincipalType":     "AssumedRole",
		"aws:PrincipalOrgID":    "o-orgbackup1",
		"aws:PrincipalOrgPaths": "o-orgbackup1/r-root/" + DefaultOrganization().Units[1].ID + "/",
		"aws:userid":            "AROAX:s",
	}
	for k, v := range want {
		if got := ctx[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %v, want %q", k, got, v)
		}
	}
	root := s.callerContextLocked(rootPrincipal("111111111111"))
	if got := root["aws:PrincipalOrgPaths"]; len(got) != 1 || got[0] != "o-orgbackup1/r-root/" {
		t.Errorf("management account aws:PrincipalOrgPaths = %v", got)
	}
	outside := s.callerContextLocked(rootPrincipal("999999999999"))
	if _, ok := outside["aws:PrincipalOrgID"]; ok {
		t.Errorf("account outside the organization has aws:PrincipalOrgID %v", outside["aws:PrincipalOrgID"])
	}
}

func TestRoleTrustsService(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.newRoleLocked("222222222222", "/", "BackupRole", polStmt(`{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}`))
	if !s.roleTrustsServiceLocked(r.arn, "backup.amazonaws.com") {
		t.Errorf("role does not trust backup.amazonaws.com")
	}
	if s.roleTrustsServiceLocked(r.arn, "ec2.amazonaws.com") {
		t.Errorf("role trusts ec2.amazonaws.com")
	}
	if s.roleTrustsServiceLocked("arn:aws:iam::222222222222:role/other/BackupRole", "backup.amazonaws.com") {
		t.Errorf("a role ARN with another path resolved")
	}
}

func TestParsePolicyResourceSids(t *testing.T) {
	t.Parallel()
	// KMS key policies use Sids with spaces.
	doc := polStmt(`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`)
	if _, err := parsePolicy(doc, policyResource); err != nil {
		t.Errorf("parsePolicy: %v", err)
	}
}

func TestResourcePolicyDecision(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	s.mu.Lock()
	defer s.mu.Unlock()
	const vault = "arn:aws:backup:us-east-1:222222222222:backup-vault:central"
	doc := polStmt(
		`{"Effect":"Allow","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-orgbackup1"}}}`,
		`{"Effect":"Deny","Principal":"*","Action":"backup:CopyIntoBackupVault","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}`,
	)
	tests := map[string]struct {
		caller Principal
		region string
		doc    string
		want   decision
	}{
		"member account":           {caller: rootPrincipal("333333333333"), region: "us-east-1", doc: doc, want: decisionAllow},
		"member account's session": {caller: Principal{Account: "444444444444", ARN: "arn:aws:sts::444444444444:assumed-role/R/s", RoleARN: "arn:aws:iam::444444444444:role/R"}, region: "us-east-1", doc: doc, want: decisionAllow},
		"outside the organization": {caller: rootPrincipal("999999999999"), region: "us-east-1", doc: doc, want: decisionImplicitDeny},
		"other region is denied":   {caller: rootPrincipal("333333333333"), region: "eu-west-1", doc: doc, want: decisionDeny},
		"malformed policy":         {caller: rootPrincipal("333333333333"), region: "us-east-1", doc: `{`, want: decisionImplicitDeny},
	}
	for name, tc := range tests {
		c := &Call{Caller: tc.caller, Account: tc.caller.Account, Region: tc.region}
		if got := s.resourcePolicyDecisionLocked(tc.doc, c, "backup:CopyIntoBackupVault", vault, nil); got != tc.want {
			t.Errorf("%s: decision %v, want %v", name, got, tc.want)
		}
	}
}

// FuzzParsePolicy checks that no document makes the parser or the
// evaluator panic, and that evaluation is deterministic.
func FuzzParsePolicy(f *testing.F) {
	f.Add(polStmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`), "backup:CopyIntoBackupVault", "arn:aws:backup:us-east-1:1:backup-vault:v")
	f.Add(polStmt(`{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111"]},"NotAction":"s3:*","NotResource":"arn:*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*","${aws:PrincipalAccount}"]},"Null":{"x":true}}}`), "s3:GetObject", "*")
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"n":[1,2.5]},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`, "sts:AssumeRole", "")
	f.Fuzz(func(t *testing.T, doc, action, resource string) {
		req := policyRequest{
			Principal: polSession, Action: action, Resource: resource,
			Context: map[string][]string{"aws:PrincipalAccount": {"222222222222"}, "aws:TagKeys": {"a", "b"}, "n": {"2"}, "aws:SourceIp": {"10.1.1.1"}},
		}
		for _, kind := range []policyKind{policyIdentity, policyResource, policyTrust} {
			p, err := parsePolicy(doc, kind)
			if err != nil {
				var pe *policyError
				if !errors.As(err, &pe) {
					t.Fatalf("parsePolicy error %T is not a policyError", err)
				}
				continue
			}
			if d1, d2 := p.eval(req), p.eval(req); d1 != d2 {
				t.Fatalf("eval not deterministic: %v then %v", d1, d2)
			}
		}
	})
}
