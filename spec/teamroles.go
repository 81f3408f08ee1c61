package spec

import (
	"fmt"
	"regexp"
)

// TeamRoles configures the IAM roles people use to reach the backups: backup
// operators in the backup account, a restore role in each workload
// account and a break-glass role in every member account. Each role trusts
// only the principals listed (IAM role or user ARN patterns, "*"
// allowed); a role without principals is not created.
type TeamRoles struct {
	// Operators may operate backup, copy and restore jobs and read
	// everything in the backup account, and delete nothing.
	Operators *AccessRole `json:"operators,omitempty" yaml:"operators,omitempty"`
	// WorkloadRestore may restore a workload account's recovery points
	// in that account. "{account}" in a principal stands for the
	// workload account's ID.
	WorkloadRestore *AccessRole `json:"workload_restore,omitempty" yaml:"workload_restore,omitempty"`
	// BreakGlass is the emergency role: MFA required, one-hour sessions,
	// exempt from the guardrails; its use is alerted to Recipients.
	BreakGlass *BreakGlass `json:"break_glass,omitempty" yaml:"break_glass,omitempty"`
}

// AccessRole lists who may assume a team role.
type AccessRole struct {
	// Principals are ARN patterns of the IAM roles or users that may
	// assume the role, e.g.
	// arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BackupOperators_*.
	Principals []string `json:"principals" yaml:"principals"`
	// MFA requires multi-factor authentication to assume the role.
	MFA bool `json:"mfa,omitempty" yaml:"mfa,omitempty"`
}

// BreakGlass configures the break-glass role.
type BreakGlass struct {
	// Principals are ARN patterns of who may assume it (with MFA).
	Principals []string `json:"principals" yaml:"principals"`
	// Recipients are e-mail addresses alerted when it is assumed.
	Recipients []string `json:"recipients,omitempty" yaml:"recipients,omitempty"`
}

// accessPrincipalRE is an IAM principal ARN pattern: an account ID (or
// {account}) and a role or user, wildcards allowed in the name.
var accessPrincipalRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}|\{account\}):(role|user)/[\w+=,.@/*?-]+$`)

// teamRoles validates team_roles.
func (v *validator) teamRoles() {
	a := v.s.TeamRoles
	if a == nil {
		return
	}
	principals := func(path string, ps []string, placeholder bool) {
		if len(ps) == 0 {
			v.add(path, "list at least one principal, or leave the role out")
		}
		for i, p := range ps {
			m := accessPrincipalRE.FindStringSubmatch(p)
			switch {
			case m == nil:
				v.add(fmt.Sprintf("%s[%d]", path, i), "%q is not an IAM role or user ARN pattern (arn:aws:iam::ACCOUNT:role/NAME)", p)
			case m[1] == "{account}" && !placeholder:
				v.add(fmt.Sprintf("%s[%d]", path, i), "{account} stands for a workload account and is allowed only in workload_restore")
			}
		}
	}
	if a.Operators != nil {
		principals("team_roles.operators.principals", a.Operators.Principals, false)
	}
	if a.WorkloadRestore != nil {
		principals("team_roles.workload_restore.principals", a.WorkloadRestore.Principals, true)
	}
	if b := a.BreakGlass; b != nil {
		principals("team_roles.break_glass.principals", b.Principals, false)
		for i, r := range b.Recipients {
			if !emailRE.MatchString(r) {
				v.add(fmt.Sprintf("team_roles.break_glass.recipients[%d]", i), "%q is not an e-mail address", r)
			}
		}
	}
}
