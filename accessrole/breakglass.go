package accessrole

import (
	"github.com/orgbackup/orgbackup/githubiam"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// administratorAccess is the AWS managed policy that allows every action
// ("AWS managed policies for job functions").
const administratorAccess = "AdministratorAccess"

// BreakGlass is the break-glass role of an account: administrator, exempt
// from orgbackup's guardrails (which exempt githubiam.BreakGlassRole by
// name), assumable only with MFA and for one hour at most
// (MaxSessionDuration 3600, the least IAM allows).
func BreakGlass(partition string, b *spec.BreakGlass, tags map[string]string) Role {
	return Role{
		Name: githubiam.BreakGlassRole, Path: githubiam.RolePath,
		Description:       "Break-glass: emergency administrator, MFA required, one-hour sessions",
		Trust:             trust(b.Principals, true),
		Managed:           []string{"arn:" + partition + ":iam::aws:policy/" + administratorAccess},
		MaxSessionSeconds: sessionOneHour, Tags: tags,
	}
}

// doc2 marshals a policy document given as a map.
func doc2(v map[string]any) []byte { return plan.JSON(v) }
