package emulator

import (
	"testing"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// TestSCPApplies checks who SCPs bind, including the principals the API
// cannot produce: sessions of service-linked roles ("SCPs do not affect
// any service-linked role", "Service control policies (SCPs)").
func TestSCPApplies(t *testing.T) {
	t.Parallel()
	session := func(account, role string) Principal {
		return Principal{Account: account, ARN: "arn:aws:sts::" + account + ":assumed-role/x/s", RoleARN: "arn:aws:iam::" + account + ":role/" + role}
	}
	tests := map[string]struct {
		p       Principal
		enabled bool
		want    bool
	}{
		"member role session":              {p: session("333333333333", "Admin"), enabled: true, want: true},
		"member role session with a path":  {p: session("333333333333", "team/Admin"), enabled: true, want: true},
		"member root user":                 {p: rootPrincipal("333333333333"), enabled: true, want: true},
		"SCPs not enabled":                 {p: rootPrincipal("333333333333")},
		"management account":               {p: rootPrincipal(ManagementAccountID), enabled: true},
		"account outside the organization": {p: rootPrincipal("999999999999"), enabled: true},
		"unauthenticated":                  {p: Principal{}, enabled: true},
		"service-linked role session": {p: session("333333333333", "aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"),
			enabled: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := NewUnstartedServer()
			if tc.enabled {
				s.org.enabledTypes[orgtypes.PolicyTypeServiceControlPolicy] = s.now
			}
			if got := s.scpAppliesLocked(tc.p); got != tc.want {
				t.Errorf("scpAppliesLocked(%+v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

// BenchmarkSCPDecision measures one SCP evaluation of a member account's
// call with SCPs on every level of its path (FullAWSAccess at the root,
// the OU and the account, and two guardrails on the OU), without HTTP.
func BenchmarkSCPDecision(b *testing.B) {
	s := NewUnstartedServer()
	o := s.org
	o.enabledTypes[orgtypes.PolicyTypeServiceControlPolicy] = s.now
	o.attachFullAWSAccessLocked()
	ou := o.nodes["ou-root-production"]
	for i, content := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`,
	} {
		p := &orgPolicy{id: "p-guardrail" + string(rune('a'+i)), typ: orgtypes.PolicyTypeServiceControlPolicy, content: content}
		o.policies[p.id] = p
		ou.attached = append(ou.attached, orgAttachment{policyID: p.id})
	}
	c := &Call{Service: "backup", Operation: "DeleteRecoveryPoint", Account: "333333333333", Region: "us-east-1", Caller: rootPrincipal("333333333333")}
	resources := []string{"arn:aws:backup:us-east-1:333333333333:recovery-point:x"}
	if d := s.scpDecisionLocked(c, "backup:DeleteRecoveryPoint", resources, nil); d.decision != decisionDeny {
		b.Fatalf("decision = %v, want an explicit deny", d.decision)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.scpDecisionLocked(c, "backup:DeleteRecoveryPoint", resources, nil)
	}
}

// Principal stays comparable (it is exported), whatever sessions carry.
var _ = Principal{} == Principal{}
