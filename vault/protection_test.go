package vault_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/vault"
)

func TestProtectionStatements(t *testing.T) {
	t.Parallel()
	p := vault.Protection{DeployRole: "deploy", BreakGlassRole: "glass"}
	glass := vault.Values{"arn:aws:iam::*:role/glass", "arn:aws:iam::*:role/*/glass"}
	both := vault.Values{"arn:aws:iam::*:role/deploy", "arn:aws:iam::*:role/*/deploy", "arn:aws:iam::*:role/glass", "arn:aws:iam::*:role/*/glass"}
	exempt := func(st []vault.Statement) map[string]vault.Values {
		out := map[string]vault.Values{}
		for _, s := range st {
			out[s.Sid] = s.Condition["ArnNotLike"]["aws:PrincipalArn"]
		}
		return out
	}
	want := map[string]vault.Values{vault.SidDenyRecoveryPointChanges: glass, vault.SidDenyVaultChanges: both}
	if diff := cmp.Diff(want, exempt(p.VaultStatements())); diff != "" {
		t.Errorf("vault statements' exemptions (-want +got):\n%s", diff)
	}
	want = map[string]vault.Values{vault.SidDenyKeyDeletion: glass, vault.SidDenyKeyPolicyChanges: both}
	if diff := cmp.Diff(want, exempt(p.KeyStatements())); diff != "" {
		t.Errorf("key statements' exemptions (-want +got):\n%s", diff)
	}
	doc := vault.WithStatements(vault.WorkloadKeyPolicy("111111111111", "us-east-1", "222222222222"), p.KeyStatements()...)
	var d vault.PolicyDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Statement); n < 2 || d.Statement[n-1].Sid != vault.SidDenyKeyPolicyChanges || d.Statement[n-2].Sid != vault.SidDenyKeyDeletion {
		t.Errorf("WithStatements did not append the key statements:\n%s", doc)
	}
}

func TestCentralVaultCopyPolicy(t *testing.T) {
	t.Parallel()
	doc := vault.CentralVaultCopyPolicy(vault.CopySources{OrgPaths: []string{"o-a/r-b/ou-c/*", "o-a/r-b/ou-c/*"}, Accounts: []string{"333333333333"}})
	var d vault.PolicyDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	want := []vault.Statement{
		{Sid: "AllowTierOUCopyInto", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"*"}}, Action: vault.Values{"backup:CopyIntoBackupVault"}, Resource: "*",
			Condition: map[string]map[string]vault.Values{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": {"o-a/r-b/ou-c/*"}}}},
		{Sid: "AllowTierAccountCopyInto", Effect: "Allow", Principal: map[string]vault.Values{"AWS": {"arn:aws:iam::333333333333:root"}}, Action: vault.Values{"backup:CopyIntoBackupVault"}, Resource: "*"},
	}
	if diff := cmp.Diff(want, d.Statement); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}
