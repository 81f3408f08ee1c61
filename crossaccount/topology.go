// Package crossaccount knows the organization and reaches into its
// accounts: the topology (root, OUs, accounts) discovered from AWS
// Organizations, credentials per account and region by role assumption
// from the caller, bounded fan-out with per-service rate limits, and the
// read-only guard that planning clients carry.
package crossaccount

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
)

// OrganizationsAPI is the part of the AWS Organizations client that
// Discover needs.
type OrganizationsAPI interface {
	DescribeOrganization(ctx context.Context, in *awsorgs.DescribeOrganizationInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribeOrganizationOutput, error)
	ListRoots(ctx context.Context, in *awsorgs.ListRootsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListRootsOutput, error)
	ListOrganizationalUnitsForParent(ctx context.Context, in *awsorgs.ListOrganizationalUnitsForParentInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListOrganizationalUnitsForParentOutput, error)
	ListAccountsForParent(ctx context.Context, in *awsorgs.ListAccountsForParentInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListAccountsForParentOutput, error)
}

var _ OrganizationsAPI = (*awsorgs.Client)(nil)

// OU is an organizational unit.
type OU struct {
	// ID is the OU's ID ("ou-...").
	ID string
	// Name is the OU's friendly name; names are unique only among
	// siblings.
	Name string
	// Parent is the ID of the root or OU that holds it.
	Parent string
}

// Account is a member account of the organization.
type Account struct {
	// ID is the 12-digit account ID.
	ID string
	// Name is the account's friendly name.
	Name string
	// Email is the account's email address.
	Email string
	// Status is the account's lifecycle state (ACTIVE, SUSPENDED,
	// PENDING_CLOSURE, ...): the Account's State where Organizations
	// reports it, else its Status, which AWS retires in favour of State.
	Status string
	// Parent is the ID of the root or OU that holds it.
	Parent string
}

// Topology is the organization's tree: one root, OUs and accounts. It is
// immutable once built and safe for concurrent use.
type Topology struct {
	orgID, rootID, management string
	ous                       map[string]OU
	accounts                  map[string]Account
	children                  map[string][]string // parent ID -> child IDs (OUs and accounts), sorted
}

// DiscoverOptions configure Discover.
type DiscoverOptions struct {
	// OnAccount, when set, is called with each account's ID as soon as
	// its page is read, before the tree is complete, so that work per
	// account (assuming its role) can overlap the listing: an
	// organization of thousands of accounts takes hundreds of
	// ListAccountsForParent pages of at most 20. It must not block.
	OnAccount func(id string)
}

// Discover reads the organization's tree from AWS Organizations:
// DescribeOrganization for the organization and management account IDs,
// ListRoots for the root, then ListOrganizationalUnitsForParent and
// ListAccountsForParent from the root down. The caller must be the
// management account or a delegated administrator, as those List
// operations require.
func Discover(ctx context.Context, api OrganizationsAPI, optFns ...func(*DiscoverOptions)) (*Topology, error) {
	var o DiscoverOptions
	for _, fn := range optFns {
		fn(&o)
	}
	org, err := api.DescribeOrganization(ctx, &awsorgs.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("describing organization: %w", err)
	}
	if org.Organization == nil {
		return nil, errors.New("describing organization: empty response")
	}
	t := newTopology(aws.ToString(org.Organization.Id), "", aws.ToString(org.Organization.MasterAccountId))

	var roots []string
	rp := awsorgs.NewListRootsPaginator(api, &awsorgs.ListRootsInput{})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing roots: %w", err)
		}
		for _, r := range page.Roots {
			roots = append(roots, aws.ToString(r.Id))
		}
	}
	// An organization has exactly one root ("Managing the root of an
	// organization", AWS Organizations User Guide).
	if len(roots) != 1 {
		return nil, fmt.Errorf("listing roots: organization %s has %d roots, want 1", t.orgID, len(roots))
	}
	t.rootID = roots[0]

	queue := []string{t.rootID}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		op := awsorgs.NewListOrganizationalUnitsForParentPaginator(api, &awsorgs.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		for op.HasMorePages() {
			page, err := op.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing OUs under %s: %w", parent, err)
			}
			for _, ou := range page.OrganizationalUnits {
				id := aws.ToString(ou.Id)
				if _, dup := t.ous[id]; dup {
					return nil, fmt.Errorf("listing OUs under %s: OU %s listed twice", parent, id)
				}
				t.ous[id] = OU{ID: id, Name: aws.ToString(ou.Name), Parent: parent}
				queue = append(queue, id)
			}
		}
		ap := awsorgs.NewListAccountsForParentPaginator(api, &awsorgs.ListAccountsForParentInput{ParentId: aws.String(parent)})
		for ap.HasMorePages() {
			page, err := ap.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing accounts under %s: %w", parent, err)
			}
			for _, a := range page.Accounts {
				id := aws.ToString(a.Id)
				if _, dup := t.accounts[id]; dup {
					return nil, fmt.Errorf("listing accounts under %s: account %s listed twice", parent, id)
				}
				status := string(a.State)
				if status == "" {
					status = string(a.Status)
				}
				t.accounts[id] = Account{ID: id, Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), Status: status, Parent: parent}
				if o.OnAccount != nil {
					o.OnAccount(id)
				}
			}
		}
	}
	t.index()
	return t, nil
}

// FromAccounts builds a Topology from known parts, for tests and for
// callers that learn the tree elsewhere. Every OU's and account's Parent
// must be rootID or one of the OUs, and the OUs must form a tree under
// the root; every problem is reported.
func FromAccounts(orgID, rootID, managementAccount string, ous []OU, accounts []Account) (*Topology, error) {
	t := newTopology(orgID, rootID, managementAccount)
	var errs []error
	if rootID == "" {
		errs = append(errs, errors.New("root ID is empty"))
	}
	for i, ou := range ous {
		switch {
		case ou.ID == "" || ou.ID == rootID:
			errs = append(errs, fmt.Errorf("ous[%d]: invalid ID %q", i, ou.ID))
		case t.ous[ou.ID].ID != "":
			errs = append(errs, fmt.Errorf("ous[%d]: OU %s listed twice", i, ou.ID))
		default:
			t.ous[ou.ID] = ou
		}
	}
	for i, a := range accounts {
		switch {
		case a.ID == "":
			errs = append(errs, fmt.Errorf("accounts[%d]: empty ID", i))
		case t.accounts[a.ID].ID != "":
			errs = append(errs, fmt.Errorf("accounts[%d]: account %s listed twice", i, a.ID))
		default:
			t.accounts[a.ID] = a
		}
	}
	known := func(parent string) bool { _, ok := t.ous[parent]; return ok || parent == rootID }
	for _, id := range slices.Sorted(maps.Keys(t.ous)) {
		ou := t.ous[id]
		if !known(ou.Parent) {
			errs = append(errs, fmt.Errorf("OU %s: unknown parent %q", id, ou.Parent))
			continue
		}
		// Walk up: a cycle never reaches the root.
		seen := map[string]bool{id: true}
		for p := ou.Parent; p != rootID; p = t.ous[p].Parent {
			if seen[p] || !known(p) {
				errs = append(errs, fmt.Errorf("OU %s: not under root %s", id, rootID))
				break
			}
			seen[p] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(t.accounts)) {
		if a := t.accounts[id]; !known(a.Parent) {
			errs = append(errs, fmt.Errorf("account %s: unknown parent %q", id, a.Parent))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("building topology: %w", err)
	}
	t.index()
	return t, nil
}

func newTopology(orgID, rootID, management string) *Topology {
	return &Topology{
		orgID:      orgID,
		rootID:     rootID,
		management: management,
		ous:        map[string]OU{},
		accounts:   map[string]Account{},
		children:   map[string][]string{},
	}
}

func (t *Topology) index() {
	for id, ou := range t.ous {
		t.children[ou.Parent] = append(t.children[ou.Parent], id)
	}
	for id, a := range t.accounts {
		t.children[a.Parent] = append(t.children[a.Parent], id)
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
}

// OrganizationID returns the organization's ID ("o-...").
func (t *Topology) OrganizationID() string { return t.orgID }

// RootID returns the root's ID ("r-...").
func (t *Topology) RootID() string { return t.rootID }

// ManagementAccount returns the management account's ID.
func (t *Topology) ManagementAccount() string { return t.management }

// Accounts returns every account, sorted by ID.
func (t *Topology) Accounts() []Account {
	out := make([]Account, 0, len(t.accounts))
	for _, id := range slices.Sorted(maps.Keys(t.accounts)) {
		out = append(out, t.accounts[id])
	}
	return out
}

// OUs returns every OU, sorted by ID.
func (t *Topology) OUs() []OU {
	out := make([]OU, 0, len(t.ous))
	for _, id := range slices.Sorted(maps.Keys(t.ous)) {
		out = append(out, t.ous[id])
	}
	return out
}

// Account returns the account with the given ID.
func (t *Topology) Account(id string) (Account, bool) {
	a, ok := t.accounts[id]
	return a, ok
}

// OU returns the OU with the given ID.
func (t *Topology) OU(id string) (OU, bool) {
	ou, ok := t.ous[id]
	return ou, ok
}

// Path returns the IDs from the root down to id, both included: the
// levels at which Organizations policies can attach, in the order
// effective-policy computation reads them. It returns nil for an unknown
// ID.
func (t *Topology) Path(id string) []string {
	var parent string
	switch {
	case id == t.rootID:
		return []string{id}
	case t.accounts[id].ID != "":
		parent = t.accounts[id].Parent
	case t.ous[id].ID != "":
		parent = t.ous[id].Parent
	default:
		return nil
	}
	path := []string{id}
	for p := parent; ; p = t.ous[p].Parent {
		path = append(path, p)
		if p == t.rootID || len(path) > len(t.ous)+2 {
			break
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// ErrUnknownTarget is returned (wrapped) by Resolve when a target names
// nothing in the organization.
var ErrUnknownTarget = errors.New("unknown target")

// ErrAmbiguousTarget is returned (wrapped) by Resolve when an OU name
// matches several OUs.
var ErrAmbiguousTarget = errors.New("ambiguous target")

// Resolve returns the sorted IDs of the accounts a target names: every
// account under it, recursively, for the root ID or an OU ID; the account
// itself for an account ID; or, for any other string, the accounts under
// the one OU with that name (names are matched exactly; an error when
// several OUs share it, listing their IDs). Accounts of every Status are
// included.
func (t *Topology) Resolve(target string) ([]string, error) {
	if _, ok := t.accounts[target]; ok {
		return []string{target}, nil
	}
	node := target
	if target != t.rootID && t.ous[target].ID == "" {
		var matches []string
		for _, id := range slices.Sorted(maps.Keys(t.ous)) {
			if t.ous[id].Name == target {
				matches = append(matches, id)
			}
		}
		switch len(matches) {
		case 0:
			return nil, fmt.Errorf("resolving target %q: %w: no account, OU ID or OU name matches", target, ErrUnknownTarget)
		case 1:
			node = matches[0]
		default:
			return nil, fmt.Errorf("resolving target %q: %w: OUs %s share that name; use an OU ID", target, ErrAmbiguousTarget, strings.Join(matches, ", "))
		}
	}
	ids := []string{}
	var walk func(string)
	walk = func(n string) {
		for _, c := range t.children[n] {
			if _, ok := t.accounts[c]; ok {
				ids = append(ids, c)
			} else {
				walk(c)
			}
		}
	}
	walk(node)
	sort.Strings(ids)
	return ids, nil
}
