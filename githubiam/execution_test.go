package githubiam

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// size counts a policy's characters as IAM quotas do, without white space.
func size(t *testing.T, p Policy) int {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func testScope() Scope {
	return Scope{BackupRole: "OrgBackupServiceRole", BackupRolePolicies: []string{"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"}, Buckets: []string{"reports"}, KeyAliases: []string{"alias/orgbackup"}}
}

// TestEveryWriteIsScoped fails when the engine gains a write action
// without a decision on how the deploy role narrows it.
func TestEveryWriteIsScoped(t *testing.T) {
	t.Parallel()
	if u := UnscopedWrites(); len(u) > 0 {
		t.Errorf("write actions without a scope in writeScopes: %v", u)
	}
	_, writes := Actions()
	for a := range writeScopes {
		if !contains(writes, a) {
			t.Errorf("writeScopes classifies %s, which no engine operation needs", a)
		}
	}
}

// TestPolicySizes keeps the generated policies within IAM's quotas:
// 10,240 characters of inline policy per role and 6,144 per managed
// policy ("IAM and AWS STS quotas").
func TestPolicySizes(t *testing.T) {
	t.Parallel()
	deploy, err := DeployPolicy(testScope())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		p     Policy
		limit int
	}{
		{"deploy", deploy, 10240},
		{"read-only", ReadOnlyPolicy(), 10240},
		{"boundary", DeployBoundary("aws"), 6144},
		{"management", ManagementDeployPolicy(), 10240},
	} {
		if n := size(t, tc.p); n > tc.limit {
			t.Errorf("%s policy is %d characters, over IAM's %d", tc.name, n, tc.limit)
		}
	}
}

// TestDeployPolicyScopes checks that no write is granted on every
// resource without a condition, except the unscoped ones, and that the
// bootstrap-only IAM actions are not granted at all.
func TestDeployPolicyScopes(t *testing.T) {
	t.Parallel()
	p, err := DeployPolicy(testScope())
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for _, st := range p.Statement {
		for _, a := range st.Action {
			granted[a] = true
			if st.Sid == "Read" || st.Sid == "Unscoped" {
				continue
			}
			if st.Resource == "*" && st.Condition == nil {
				t.Errorf("statement %s grants %s on every resource without a condition", st.Sid, a)
			}
		}
	}
	for _, a := range []string{"iam:PutRolePolicy", "iam:PutRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:UpdateRole"} {
		if granted[a] {
			t.Errorf("deploy role gets bootstrap-only %s", a)
		}
	}
	for _, a := range DeployWrites() {
		if !granted[a] {
			t.Errorf("deploy role lacks %s", a)
		}
	}
	if _, err := DeployPolicy(Scope{}); err == nil {
		t.Error("DeployPolicy without a backup role succeeded")
	}
}

// TestPlanRoleReachesOnlyReadOnlyRoles checks the GitHub roles' reach.
func TestPlanRoleReachesOnlyReadOnlyRoles(t *testing.T) {
	t.Parallel()
	roles, err := Roles(Options{Repo: "o/r", Account: "222222222222", ExecutionRole: "OrganizationAccountAccessRole"})
	if err != nil {
		t.Fatal(err)
	}
	reach := func(r Role) []string {
		var out []string
		for _, st := range r.Permissions.Statement {
			if contains(st.Action, "sts:AssumeRole") {
				switch v := st.Resource.(type) {
				case string:
					out = append(out, v)
				case []string:
					out = append(out, v...)
				}
			}
		}
		return out
	}
	if got := reach(roles[0]); len(got) != 1 || got[0] != "arn:aws:iam::*:role/orgbackup/orgbackup-read-only" {
		t.Errorf("plan role reaches %v, want only the read-only roles", got)
	}
	got := strings.Join(reach(roles[1]), " ")
	for _, want := range []string{"role/orgbackup/orgbackup-deploy", "role/OrganizationAccountAccessRole"} {
		if !strings.Contains(got, want) {
			t.Errorf("apply role reaches %s, want %s among them", got, want)
		}
	}
}
