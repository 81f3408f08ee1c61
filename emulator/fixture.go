package emulator

import (
	"bytes"
	"fmt"
	"os"

	"github.com/goccy/go-yaml"
)

// Organization describes the emulated AWS organization: a management
// account and a tree of organizational units holding member accounts.
type Organization struct {
	// ID is the organization ID, "o-" followed by 10 lower-case
	// characters. Default "o-orgbackup1".
	ID string `yaml:"id" json:"id"`
	// RootID is the root's ID, "r-" followed by 4 characters. Default
	// "r-root".
	RootID string `yaml:"root_id" json:"root_id"`
	// ManagementAccount is the management account's ID.
	ManagementAccount string `yaml:"management_account" json:"management_account"`
	// Accounts directly under the root, the management account included
	// or not (it is added when missing).
	Accounts []Account `yaml:"accounts" json:"accounts"`
	// Units are the organizational units under the root.
	Units []Unit `yaml:"units" json:"units"`
}

// Unit is an organizational unit.
type Unit struct {
	// ID is "ou-" + root suffix + "-" + 8 characters; generated when empty.
	ID string `yaml:"id" json:"id"`
	// Name is the OU's name.
	Name string `yaml:"name" json:"name"`
	// Accounts are the member accounts in the OU.
	Accounts []Account `yaml:"accounts" json:"accounts"`
	// Units are nested OUs.
	Units []Unit `yaml:"units" json:"units"`
}

// Account is a member account.
type Account struct {
	// ID is the 12-digit account ID.
	ID string `yaml:"id" json:"id"`
	// Name is the account name. Default "account-ID".
	Name string `yaml:"name" json:"name"`
	// Email is the account's email. Default "ID@example.com".
	Email string `yaml:"email" json:"email"`
}

// Well-known accounts of DefaultOrganization.
const (
	ManagementAccountID = "111111111111"
	BackupAccountID     = "222222222222"
)

// DefaultOrganization returns the default fixture: management account
// 111111111111; a Security OU holding the backup account 222222222222; and
// Production (333333333333, 333333333334), Staging (444444444444) and
// Development (555555555555) OUs of workload accounts.
func DefaultOrganization() *Organization {
	return &Organization{
		ID:                "o-orgbackup1",
		RootID:            "r-root",
		ManagementAccount: ManagementAccountID,
		Accounts:          []Account{{ID: ManagementAccountID, Name: "management"}},
		Units: []Unit{
			{ID: "ou-root-security", Name: "Security", Accounts: []Account{{ID: BackupAccountID, Name: "backup"}}},
			{ID: "ou-root-prod", Name: "Production", Accounts: []Account{{ID: "333333333333", Name: "prod-app"}, {ID: "333333333334", Name: "prod-data"}}},
			{ID: "ou-root-stage", Name: "Staging", Accounts: []Account{{ID: "444444444444", Name: "stage-app"}}},
			{ID: "ou-root-dev", Name: "Development", Accounts: []Account{{ID: "555555555555", Name: "dev-app"}}},
		},
	}
}

// LoadOrganization reads an Organization fixture from a YAML (or JSON)
// file. Unknown keys are errors.
func LoadOrganization(path string) (*Organization, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading organization fixture: %w", err)
	}
	var o Organization
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&o); err != nil {
		return nil, fmt.Errorf("parsing organization fixture %s: %w", path, err)
	}
	if !isAccountID(o.ManagementAccount) {
		return nil, fmt.Errorf("organization fixture %s: management_account %q must be a 12-digit account ID", path, o.ManagementAccount)
	}
	return &o, nil
}

// WithOrganization sets the emulated organization.
func WithOrganization(o *Organization) func(*Options) {
	return func(opts *Options) { opts.Organization = o }
}
