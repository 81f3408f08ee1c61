package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestVaultAccessPolicyDeny: a vault access policy's Deny binds the
// principals of the vault's own account ("Vault access policies", AWS
// Backup Developer Guide: limit users' "ability to delete recovery points
// after they're created"), with the conditions resource policies see (the
// principal's ARN, MFA from AssumeRole).
func TestVaultAccessPolicyDeny(t *testing.T) {
	t.Parallel()
	const (
		acct   = "333333333333"
		region = "us-east-1"
	)
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DenyRecoveryPointChanges","Effect":"Deny","Principal":{"AWS":"*"},` +
		`"Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle","backup:PutBackupVaultAccessPolicy","backup:DeleteBackupVaultAccessPolicy"],"Resource":"*",` +
		`"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}},` +
		`{"Sid":"BreakGlassNeedsMFA","Effect":"Deny","Principal":{"AWS":"*"},"Action":"backup:DeleteRecoveryPoint","Resource":"*",` +
		`"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	tests := map[string]struct {
		caller   string // "root", "BreakGlass", "BreakGlass+MFA"
		call     string
		wantDeny bool
	}{
		"account root deletes a recovery point":       {caller: "root", call: "DeleteRecoveryPoint", wantDeny: true},
		"account root shortens a lifecycle":           {caller: "root", call: "UpdateRecoveryPointLifecycle", wantDeny: true},
		"account root replaces the policy":            {caller: "root", call: "PutBackupVaultAccessPolicy", wantDeny: true},
		"account root deletes the policy":             {caller: "root", call: "DeleteBackupVaultAccessPolicy", wantDeny: true},
		"account root reads the vault":                {caller: "root", call: "DescribeBackupVault"},
		"break-glass without MFA deletes":             {caller: "BreakGlass", call: "DeleteRecoveryPoint", wantDeny: true},
		"break-glass with MFA deletes":                {caller: "BreakGlass+MFA", call: "DeleteRecoveryPoint"},
		"break-glass without MFA shortens lifecycles": {caller: "BreakGlass", call: "UpdateRecoveryPointLifecycle"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			admin := vtAccount(t, srv, acct, region, "local")
			id := vtOnDemand(t, admin, acct, "local", srv.AddResource(acct, region, emulator.EFSFileSystem, "", nil, 1<<30), nil)
			srv.Advance(time.Hour)
			rp := vtJob(t, admin, id).RecoveryPointArn
			must(admin.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("local"), Policy: aws.String(policy)}))(t, "PutBackupVaultAccessPolicy")
			cfg := srv.Config(acct, region)
			if tc.caller != "root" {
				trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}]}`
				must(awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("BreakGlass"), AssumeRolePolicyDocument: aws.String(trust)}))(t, "CreateRole")
				in := &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/BreakGlass"), RoleSessionName: aws.String("alice")}
				if strings.HasSuffix(tc.caller, "+MFA") {
					in.SerialNumber, in.TokenCode = aws.String("arn:aws:iam::"+acct+":mfa/alice"), aws.String("654321")
				}
				out := must(awssts.NewFromConfig(cfg).AssumeRole(ctx, in))(t, "AssumeRole")
				cfg = stsSessionConfig(srv, out.Credentials)
				cfg.Region = region
			}
			c := awsbackup.NewFromConfig(cfg)
			vault := aws.String("local")
			var err error
			switch tc.call {
			case "DeleteRecoveryPoint":
				_, err = c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: vault, RecoveryPointArn: rp})
			case "UpdateRecoveryPointLifecycle":
				_, err = c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: vault, RecoveryPointArn: rp})
			case "PutBackupVaultAccessPolicy":
				_, err = c.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: vault, Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
			case "DeleteBackupVaultAccessPolicy":
				_, err = c.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: vault})
			case "DescribeBackupVault":
				_, err = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: vault})
			}
			if !tc.wantDeny {
				if err != nil {
					t.Fatalf("%s: %v, want success", tc.call, err)
				}
				return
			}
			if errorCode(err) != "AccessDeniedException" || httpStatus(err) != 403 || !strings.Contains(err.Error(), "backup:"+tc.call+" on resource: arn:aws:backup:") ||
				!strings.HasSuffix(err.Error(), "with an explicit deny in a resource-based policy") {
				t.Errorf("%s: %v (HTTP %d), want AccessDeniedException (403) for an explicit deny in a resource-based policy", tc.call, err, httpStatus(err))
			}
		})
	}
}
