package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// DriftReport says how the organization differs from its spec.
type DriftReport struct {
	// Plan holds the changes that would repair managed resources; it is
	// empty when they match the spec.
	Plan *plan.Plan `json:"plan"`
	// Policies lists workload accounts whose effective backup policy
	// (what AWS actually gives them, after inheritance) differs from what
	// their tier implies.
	Policies []PolicyDrift `json:"policies,omitempty"`
}

// PolicyDrift is one account whose effective backup plan differs from its
// tier's plan.
type PolicyDrift struct {
	Account string `json:"account"`
	Tier    string `json:"tier"`
	// Plan is the plan key in the effective policy.
	Plan string `json:"plan"`
	// Reason says what differs.
	Reason string `json:"reason"`
	// Expected and Actual are the plan's entries in the expected and the
	// actual effective policy (nil when absent).
	Expected json.RawMessage `json:"expected,omitempty"`
	Actual   json.RawMessage `json:"actual,omitempty"`
}

// Drifted reports whether anything differs from the spec, orphans (the
// plan's notes) included.
func (r *DriftReport) Drifted() bool {
	return r.Plan.HasChanges() || len(r.Policies) > 0 || len(r.Plan.Checks) > 0 || len(r.Plan.Notes) > 0
}

// DetectDrift plans against the live organization (read-only) and compares
// every workload account's effective backup policy (DescribeEffectivePolicy)
// with the plan of its tier.
func DetectDrift(ctx context.Context, sp *spec.Spec, src crossaccount.ConfigSource, optFns ...func(*PlanOptions)) (*DriftReport, error) {
	var o PlanOptions
	for _, fn := range optFns {
		fn(&o)
	}
	cache := o.OrganizationsCache
	if cache == nil {
		cache = crossaccount.NewReadCache()
		optFns = append(slices.Clip(optFns), func(o *PlanOptions) { o.OrganizationsCache = cache })
	}
	p, err := PlanChanges(ctx, sp, src, optFns...)
	if err != nil {
		return nil, err
	}
	rep := &DriftReport{Plan: p}
	if sp.Organization.Distribution == spec.DistributionDirect {
		return rep, nil
	}
	cfg, err := src.Config(ctx, sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	if err != nil {
		return nil, err
	}
	orgs := awsorgs.NewFromConfig(cfg, func(o *awsorgs.Options) { o.APIOptions = append(o.APIOptions, cache.APIOption) })
	topo, err := crossaccount.Discover(ctx, orgs)
	if err != nil {
		return nil, err
	}
	d, _ := desiredState(sp, topo)
	accounts := slices.Sorted(maps.Keys(d.tierOf))
	type accountTier struct{ account, tier string }
	var pairs []accountTier
	for _, account := range accounts {
		for _, tierName := range d.tierOf[account] {
			pairs = append(pairs, accountTier{account, tierName})
		}
	}
	for _, at := range pairs {
		account, tierName := at.account, at.tier
		p, err := sp.TierPlan(tierName)
		if err != nil {
			continue
		}
		docs, err := policy.CompileOrganizationsPolicy([]policy.Plan{*p}, policy.CompileOptions{})
		if err != nil || len(docs) == 0 {
			continue
		}
		want, err := policy.EffectivePolicy([]policy.PolicyLevel{{Target: account, Policies: []policy.PolicySource{{Name: spec.PlanName(tierName), Content: docs[0]}}}}, account)
		if err != nil {
			return nil, fmt.Errorf("computing the expected effective policy of %s: %w", account, err)
		}
		key := strings.ToLower(p.Name)
		expected := planEntry(want.JSON, key)
		out, err := orgs.DescribeEffectivePolicy(ctx, &awsorgs.DescribeEffectivePolicyInput{PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: aws.String(account)})
		var nf *orgtypes.EffectivePolicyNotFoundException
		var actual json.RawMessage
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return nil, fmt.Errorf("reading the effective backup policy of %s: %w", account, err)
		default:
			actual = planEntry([]byte(aws.ToString(out.EffectivePolicy.PolicyContent)), key)
		}
		switch {
		case actual == nil:
			rep.Policies = append(rep.Policies, PolicyDrift{Account: account, Tier: tierName, Plan: key, Reason: "the account's effective backup policy has no plan " + key, Expected: expected})
		case !plan.JSONEqual(expected, actual):
			rep.Policies = append(rep.Policies, PolicyDrift{Account: account, Tier: tierName, Plan: key, Reason: "the account's effective plan differs from its tier's plan (a policy attached elsewhere in the organization changes it)", Expected: expected, Actual: actual})
		}
	}
	sort.SliceStable(rep.Policies, func(i, j int) bool { return rep.Policies[i].Account < rep.Policies[j].Account })
	return rep, nil
}

// planEntry returns plans.<key> of an effective policy, or nil.
func planEntry(doc []byte, key string) json.RawMessage {
	var v struct {
		Plans map[string]json.RawMessage `json:"plans"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	for k, e := range v.Plans {
		if strings.EqualFold(k, key) {
			return e
		}
	}
	return nil
}
