package emulator

// DefaultMemberRole is the role AWS Organizations creates in every account
// it creates, trusting the management account with full administrator
// access ("Accessing member accounts in your organization").
const DefaultMemberRole = "OrganizationAccountAccessRole"

// createMemberRolesLocked creates Options.MemberRole in every member
// account, as Organizations does for the accounts it creates, so that the
// management account can assume it.
func (s *Server) createMemberRolesLocked() {
	name := s.opts.MemberRole
	if name == "" || name == "-" {
		return
	}
	mgmt := s.opts.Organization.ManagementAccount
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"sts:AssumeRole"}]}`
	for _, account := range s.opts.Organization.accountIDs() {
		if account == mgmt {
			continue
		}
		if _, err := s.iamLocked(account).role(name); err == nil {
			continue
		}
		r := s.newRoleLocked(account, "/", name, trust)
		r.attached = append(r.attached, "arn:aws:iam::aws:policy/AdministratorAccess")
	}
}

// accountIDs lists every account of the fixture, in fixture order.
func (o *Organization) accountIDs() []string {
	var out []string
	for _, a := range o.Accounts {
		out = append(out, a.ID)
	}
	var walk func(us []Unit)
	walk = func(us []Unit) {
		for _, u := range us {
			for _, a := range u.Accounts {
				out = append(out, a.ID)
			}
			walk(u.Units)
		}
	}
	walk(o.Units)
	return out
}

// accountsWhere returns the IDs of the accounts for which pred is true.
func (o *Organization) accountsWhere(pred func(Account) bool) map[string]bool {
	out := map[string]bool{}
	var walk func(us []Unit)
	walk = func(us []Unit) {
		for _, u := range us {
			for _, a := range u.Accounts {
				if pred(a) {
					out[a.ID] = true
				}
			}
			walk(u.Units)
		}
	}
	for _, a := range o.Accounts {
		if pred(a) {
			out[a.ID] = true
		}
	}
	walk(o.Units)
	return out
}
