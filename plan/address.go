package plan

import (
	"fmt"
	"strings"
)

// Global is the Region of resources that belong to no region (IAM roles,
// organization settings).
const Global = "global"

// Address names one resource uniquely across the organization.
type Address struct {
	// Account is the 12-digit ID of the account that holds the resource.
	Account string
	// Region is the resource's Region, or Global.
	Region string
	// Kind is the resource kind, e.g. "backup_vault"; see Kind.
	Kind string
	// Name is the resource's name within its kind, account and region.
	Name string
}

// String returns "ACCOUNT/REGION/KIND/NAME", the form plans show and
// DependsOn lists.
func (a Address) String() string {
	return a.Account + "/" + a.Region + "/" + a.Kind + "/" + a.Name
}

// Scope returns "ACCOUNT/REGION": changes in one scope are applied in
// order by one worker.
func (a Address) Scope() string { return a.Account + "/" + a.Region }

// Sibling returns the address of another resource in the same account and
// region.
func (a Address) Sibling(kind, name string) Address {
	return Address{Account: a.Account, Region: a.Region, Kind: kind, Name: name}
}

// ParseAddress reads the form String writes. The name is everything after
// the third slash, so names may hold slashes.
func ParseAddress(s string) (Address, error) {
	parts := strings.SplitN(s, "/", 4)
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
		return Address{}, fmt.Errorf("address %q is not ACCOUNT/REGION/KIND/NAME", s)
	}
	return Address{Account: parts[0], Region: parts[1], Kind: parts[2], Name: parts[3]}, nil
}

// MarshalText writes String.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (a *Address) UnmarshalText(b []byte) error {
	x, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = x
	return nil
}
