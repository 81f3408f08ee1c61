package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

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
	// NoConfigRecorder leaves the account without an AWS Config
	// configuration recorder in every Region; by default one records
	// every supported resource type (configrecorder.go).
	NoConfigRecorder bool `yaml:"no_config_recorder,omitempty" json:"no_config_recorder,omitempty"`
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
			{ID: "ou-root-production", Name: "Production", Accounts: []Account{{ID: "333333333333", Name: "prod-app"}, {ID: "333333333334", Name: "prod-data"}}},
			{ID: "ou-root-staging1", Name: "Staging", Accounts: []Account{{ID: "444444444444", Name: "stage-app"}}},
			{ID: "ou-root-development", Name: "Development", Accounts: []Account{{ID: "555555555555", Name: "dev-app"}}},
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
	if err := checkFixtureSize(data); err != nil {
		return nil, fmt.Errorf("parsing organization fixture %s: %w", path, err)
	}
	var o Organization
	if err := yaml.NewDecoder(bytes.NewReader(data), yaml.Strict()).Decode(&o); err != nil {
		return nil, fmt.Errorf("parsing organization fixture %s: %w", path, err)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("organization fixture %s: %w", path, err)
	}
	return &o, nil
}

// Validate reports every problem of the fixture at once: IDs that do not
// have AWS's shape (organization "o-" and 10–32 lower-case letters or
// digits, root "r-" and 4–32, account 12 digits, OU "ou-..."), accounts
// or OUs listed twice, and OUs without a name. Empty organization and
// root IDs take their defaults and OUs without an ID get one generated.
func (o *Organization) Validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	lowerAlnum := func(s string, minLen, maxLen int) bool {
		if len(s) < minLen || len(s) > maxLen {
			return false
		}
		for i := 0; i < len(s); i++ {
			if (s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') {
				return false
			}
		}
		return true
	}
	if o.ID != "" && (!strings.HasPrefix(o.ID, "o-") || !lowerAlnum(o.ID[2:], 10, 32)) {
		fail("id %q must be \"o-\" followed by 10 to 32 lower-case letters or digits", o.ID)
	}
	if o.RootID != "" && (!strings.HasPrefix(o.RootID, "r-") || !lowerAlnum(o.RootID[2:], 4, 32)) {
		fail("root_id %q must be \"r-\" followed by 4 to 32 lower-case letters or digits", o.RootID)
	}
	if !isAccountID(o.ManagementAccount) {
		fail("management_account %q must be a 12-digit account ID", o.ManagementAccount)
	}
	accounts := map[string]string{}
	units := map[string]string{}
	checkAccounts := func(where string, list []Account) {
		for i, a := range list {
			at := fmt.Sprintf("%s.accounts[%d]", where, i)
			if !isAccountID(a.ID) {
				fail("%s: id %q must be a 12-digit account ID", at, a.ID)
				continue
			}
			if prev, dup := accounts[a.ID]; dup {
				fail("%s: account %s is already listed at %s", at, a.ID, prev)
				continue
			}
			accounts[a.ID] = at
		}
	}
	var checkUnits func(where string, list []Unit)
	checkUnits = func(where string, list []Unit) {
		for i, u := range list {
			at := fmt.Sprintf("%s.units[%d]", where, i)
			if u.Name == "" {
				fail("%s: name is required", at)
			}
			if u.ID != "" {
				if !strings.HasPrefix(u.ID, "ou-") || len(u.ID) > 68 {
					fail("%s: id %q must start with \"ou-\"", at, u.ID)
				} else if prev, dup := units[u.ID]; dup {
					fail("%s: OU %s is already listed at %s", at, u.ID, prev)
				} else {
					units[u.ID] = at
				}
			}
			checkAccounts(at, u.Accounts)
			checkUnits(at, u.Units)
		}
	}
	checkAccounts("organization", o.Accounts)
	checkUnits("organization", o.Units)
	return errors.Join(errs...)
}

// WithOrganization sets the emulated organization.
func WithOrganization(o *Organization) func(*Options) {
	return func(opts *Options) { opts.Organization = o }
}
