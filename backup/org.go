package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// OrganizationsAPI is the part of the Organizations client the engine uses.
type OrganizationsAPI interface {
	ListRoots(ctx context.Context, in *awsorgs.ListRootsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListRootsOutput, error)
	ListAWSServiceAccessForOrganization(ctx context.Context, in *awsorgs.ListAWSServiceAccessForOrganizationInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListAWSServiceAccessForOrganizationOutput, error)
	EnableAWSServiceAccess(ctx context.Context, in *awsorgs.EnableAWSServiceAccessInput, optFns ...func(*awsorgs.Options)) (*awsorgs.EnableAWSServiceAccessOutput, error)
	EnablePolicyType(ctx context.Context, in *awsorgs.EnablePolicyTypeInput, optFns ...func(*awsorgs.Options)) (*awsorgs.EnablePolicyTypeOutput, error)
	ListDelegatedAdministrators(ctx context.Context, in *awsorgs.ListDelegatedAdministratorsInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListDelegatedAdministratorsOutput, error)
	RegisterDelegatedAdministrator(ctx context.Context, in *awsorgs.RegisterDelegatedAdministratorInput, optFns ...func(*awsorgs.Options)) (*awsorgs.RegisterDelegatedAdministratorOutput, error)
	DescribeResourcePolicy(ctx context.Context, in *awsorgs.DescribeResourcePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribeResourcePolicyOutput, error)
	PutResourcePolicy(ctx context.Context, in *awsorgs.PutResourcePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.PutResourcePolicyOutput, error)
	ListPolicies(ctx context.Context, in *awsorgs.ListPoliciesInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListPoliciesOutput, error)
	DescribePolicy(ctx context.Context, in *awsorgs.DescribePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribePolicyOutput, error)
	CreatePolicy(ctx context.Context, in *awsorgs.CreatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.CreatePolicyOutput, error)
	UpdatePolicy(ctx context.Context, in *awsorgs.UpdatePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UpdatePolicyOutput, error)
	DeletePolicy(ctx context.Context, in *awsorgs.DeletePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DeletePolicyOutput, error)
	ListTargetsForPolicy(ctx context.Context, in *awsorgs.ListTargetsForPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTargetsForPolicyOutput, error)
	AttachPolicy(ctx context.Context, in *awsorgs.AttachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.AttachPolicyOutput, error)
	DetachPolicy(ctx context.Context, in *awsorgs.DetachPolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DetachPolicyOutput, error)
	DescribeEffectivePolicy(ctx context.Context, in *awsorgs.DescribeEffectivePolicyInput, optFns ...func(*awsorgs.Options)) (*awsorgs.DescribeEffectivePolicyOutput, error)
	ListTagsForResource(ctx context.Context, in *awsorgs.ListTagsForResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *awsorgs.TagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *awsorgs.UntagResourceInput, optFns ...func(*awsorgs.Options)) (*awsorgs.UntagResourceOutput, error)
}

var _ OrganizationsAPI = (*awsorgs.Client)(nil)

// GlobalSettingsAPI is the part of the Backup client that manages the
// organization-wide settings.
type GlobalSettingsAPI interface {
	DescribeGlobalSettings(ctx context.Context, in *awsbackup.DescribeGlobalSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeGlobalSettingsOutput, error)
	UpdateGlobalSettings(ctx context.Context, in *awsbackup.UpdateGlobalSettingsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.UpdateGlobalSettingsOutput, error)
}

var _ GlobalSettingsAPI = (*awsbackup.Client)(nil)

// backupServicePrincipal is AWS Backup's service principal.
const backupServicePrincipal = "backup.amazonaws.com"

// Kinds of organization-level resources.
const (
	kindServiceAccess  = "org_service_access"
	kindPolicyType     = "org_policy_type"
	kindDelegatedAdmin = "org_delegated_admin"
	kindResourcePolicy = "org_resource_policy"
	kindGlobalSettings = "backup_global_settings"
)

// orgSettings is the desired organization-level state, in the management
// account.
type orgSettings struct {
	management, backupAccount string
	regions                   []string
}

type serviceAccess struct {
	ServicePrincipal string `json:"service_principal"`
}

type policyType struct {
	RootID     string `json:"root_id"`
	PolicyType string `json:"policy_type"`
}

type delegatedAdmin struct {
	AccountID        string `json:"account_id"`
	ServicePrincipal string `json:"service_principal"`
}

type resourcePolicy struct {
	Policy json.RawMessage `json:"policy"`
}

type globalSettings struct {
	Settings map[string]string `json:"settings"`
}

// delegationSid identifies the statement orgbackup owns in the
// organization's resource policy; other statements are kept.
const delegationSid = "OrgBackupDelegateBackupPolicies"

// delegationStatement lets the backup account manage backup policies, as in
// the Organizations User Guide's "Create or update a resource-based
// delegation policy with AWS Organizations" example for backup policies.
func delegationStatement(orgARNPrefix, backupAccount string) map[string]any {
	return map[string]any{
		"Sid":       delegationSid,
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + backupAccount + ":root"},
		"Action": []any{
			"organizations:DescribeOrganization",
			"organizations:ListAccounts",
			"organizations:ListAccountsForParent",
			"organizations:ListOrganizationalUnitsForParent",
			"organizations:ListRoots",
			"organizations:ListParents",
			"organizations:DescribeAccount",
			"organizations:DescribeOrganizationalUnit",
			"organizations:ListPolicies",
			"organizations:ListPoliciesForTarget",
			"organizations:ListTargetsForPolicy",
			"organizations:DescribePolicy",
			"organizations:DescribeEffectivePolicy",
			"organizations:CreatePolicy",
			"organizations:UpdatePolicy",
			"organizations:DeletePolicy",
			"organizations:AttachPolicy",
			"organizations:DetachPolicy",
			"organizations:TagResource",
			"organizations:UntagResource",
			"organizations:ListTagsForResource",
		},
		"Resource": "*",
		"Condition": map[string]any{
			"StringLikeIfExists": map[string]any{"organizations:PolicyType": "BACKUP_POLICY"},
		},
	}
}

// planOrg reads the organization-level state and returns its changes.
func planOrg(ctx context.Context, orgs OrganizationsAPI, settings map[string]GlobalSettingsAPI, want orgSettings) ([]Change, string, error) {
	var changes []Change
	mgmt := want.management
	addr := func(kind, name string) string { return mgmt + "/global/" + kind + "/" + name }

	// Trusted access for AWS Backup.
	enabled := false
	var token *string
	for {
		out, err := orgs.ListAWSServiceAccessForOrganization(ctx, &awsorgs.ListAWSServiceAccessForOrganizationInput{NextToken: token})
		if err != nil {
			return nil, "", fmt.Errorf("listing trusted services of the organization: %w", err)
		}
		for _, p := range out.EnabledServicePrincipals {
			if aws.ToString(p.ServicePrincipal) == backupServicePrincipal {
				enabled = true
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !enabled {
		changes = append(changes, newChange(addr(kindServiceAccess, backupServicePrincipal), kindServiceAccess, mgmt, "global", backupServicePrincipal, Create, nil,
			serviceAccess{backupServicePrincipal}, "trusted access for AWS Backup is needed for cross-account monitoring and backup policies"))
	}

	// BACKUP_POLICY enabled on the root.
	roots, err := orgs.ListRoots(ctx, &awsorgs.ListRootsInput{})
	if err != nil {
		return nil, "", fmt.Errorf("listing organization roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, "", errors.New("listing organization roots: the organization has no root")
	}
	root := roots.Roots[0]
	rootID := aws.ToString(root.Id)
	typeEnabled := slices.ContainsFunc(root.PolicyTypes, func(p orgtypes.PolicyTypeSummary) bool {
		return p.Type == orgtypes.PolicyTypeBackupPolicy && p.Status == orgtypes.PolicyTypeStatusEnabled
	})
	if !typeEnabled {
		changes = append(changes, newChange(addr(kindPolicyType, "BACKUP_POLICY"), kindPolicyType, mgmt, "global", "BACKUP_POLICY", Create, nil,
			policyType{rootID, "BACKUP_POLICY"}, "backup policies must be enabled on the root before they can be attached"))
	}

	// The backup account as delegated administrator for AWS Backup.
	registered := false
	token = nil
	for {
		out, err := orgs.ListDelegatedAdministrators(ctx, &awsorgs.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(backupServicePrincipal), NextToken: token})
		if err != nil {
			return nil, "", fmt.Errorf("listing delegated administrators for %s: %w", backupServicePrincipal, err)
		}
		for _, a := range out.DelegatedAdministrators {
			if aws.ToString(a.Id) == want.backupAccount {
				registered = true
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !registered {
		c := newChange(addr(kindDelegatedAdmin, want.backupAccount), kindDelegatedAdmin, mgmt, "global", want.backupAccount, Create, nil,
			delegatedAdmin{want.backupAccount, backupServicePrincipal}, "the backup account administers AWS Backup for the organization")
		if !enabled {
			// Organizations registers a delegated administrator only for
			// a service with trusted access.
			c.DependsOn = []string{addr(kindServiceAccess, backupServicePrincipal)}
		}
		changes = append(changes, c)
	}

	// The resource policy letting the backup account manage backup policies.
	var current map[string]any
	rp, err := orgs.DescribeResourcePolicy(ctx, &awsorgs.DescribeResourcePolicyInput{})
	var notFound *orgtypes.ResourcePolicyNotFoundException
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return nil, "", fmt.Errorf("reading the organization's resource policy: %w", err)
	case rp.ResourcePolicy != nil && rp.ResourcePolicy.Content != nil:
		if err := json.Unmarshal([]byte(*rp.ResourcePolicy.Content), &current); err != nil {
			return nil, "", fmt.Errorf("reading the organization's resource policy: %w", err)
		}
	}
	merged, changed := mergeStatement(current, delegationStatement("", want.backupAccount))
	if changed {
		action := Update
		var before any
		if current == nil {
			action = Create
		} else {
			before = resourcePolicy{Policy: mustJSON(current)}
		}
		changes = append(changes, newChange(addr(kindResourcePolicy, "delegation"), kindResourcePolicy, mgmt, "global", "delegation", action, before,
			resourcePolicy{Policy: mustJSON(merged)}, "lets the backup account manage backup policies (statement "+delegationSid+"; other statements are kept)"))
	}

	// Cross-account backup and monitoring, in every region the spec uses.
	for _, region := range want.regions {
		api := settings[region]
		out, err := api.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
		if err != nil {
			return nil, "", fmt.Errorf("reading AWS Backup global settings in %s: %w", region, err)
		}
		wantSettings := map[string]string{"isCrossAccountBackupEnabled": "true", "isDelegatedAdministratorEnabled": "true"}
		diff := false
		for k, v := range wantSettings {
			if out.GlobalSettings[k] != v {
				diff = true
			}
		}
		if diff {
			before := map[string]string{}
			for k := range wantSettings {
				if v, ok := out.GlobalSettings[k]; ok {
					before[k] = v
				}
			}
			changes = append(changes, newChange(mgmt+"/"+region+"/"+kindGlobalSettings+"/backup", kindGlobalSettings, mgmt, region, "backup", Update,
				globalSettings{before}, globalSettings{wantSettings}, "cross-account backup lets workload accounts copy to the central vault; delegated administration enables cross-account monitoring"))
		}
	}
	return changes, rootID, nil
}

// applyOrg applies one organization-level change.
func applyOrg(ctx context.Context, orgs OrganizationsAPI, settings GlobalSettingsAPI, c Change) error {
	switch c.Kind {
	case kindServiceAccess:
		var v serviceAccess
		if err := json.Unmarshal(c.After, &v); err != nil {
			return err
		}
		_, err := orgs.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(v.ServicePrincipal)})
		return err
	case kindPolicyType:
		var v policyType
		if err := json.Unmarshal(c.After, &v); err != nil {
			return err
		}
		_, err := orgs.EnablePolicyType(ctx, &awsorgs.EnablePolicyTypeInput{RootId: aws.String(v.RootID), PolicyType: orgtypes.PolicyType(v.PolicyType)})
		var already *orgtypes.PolicyTypeAlreadyEnabledException
		if errors.As(err, &already) {
			return nil
		}
		return err
	case kindDelegatedAdmin:
		var v delegatedAdmin
		if err := json.Unmarshal(c.After, &v); err != nil {
			return err
		}
		_, err := orgs.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(v.AccountID), ServicePrincipal: aws.String(v.ServicePrincipal)})
		var already *orgtypes.AccountAlreadyRegisteredException
		if errors.As(err, &already) {
			return nil
		}
		return err
	case kindResourcePolicy:
		var v resourcePolicy
		if err := json.Unmarshal(c.After, &v); err != nil {
			return err
		}
		_, err := orgs.PutResourcePolicy(ctx, &awsorgs.PutResourcePolicyInput{Content: aws.String(string(v.Policy))})
		return err
	case kindGlobalSettings:
		var v globalSettings
		if err := json.Unmarshal(c.After, &v); err != nil {
			return err
		}
		_, err := settings.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: v.Settings})
		return err
	}
	return fmt.Errorf("unknown organization change kind %q", c.Kind)
}

// mergeStatement puts stmt into the policy document (replacing the
// statement with the same Sid) and reports whether the document changed.
func mergeStatement(doc map[string]any, stmt map[string]any) (map[string]any, bool) {
	sid := stmt["Sid"]
	out := map[string]any{"Version": "2012-10-17"}
	var stmts []any
	found, changed := false, false
	if doc != nil {
		for k, v := range doc {
			out[k] = v
		}
		switch s := doc["Statement"].(type) {
		case []any:
			stmts = append(stmts, s...)
		case map[string]any:
			stmts = append(stmts, s)
		}
	}
	for i, s := range stmts {
		m, ok := s.(map[string]any)
		if !ok || m["Sid"] != sid {
			continue
		}
		found = true
		if string(mustJSON(m)) != string(mustJSON(normalizeJSON(stmt))) {
			stmts[i] = stmt
			changed = true
		}
	}
	if !found {
		stmts = append(stmts, stmt)
		changed = true
	}
	out["Statement"] = stmts
	return out, changed
}

// normalizeJSON round-trips v through JSON so it compares equal to decoded
// documents.
func normalizeJSON(v any) any {
	var out any
	_ = json.Unmarshal(mustJSON(v), &out)
	return out
}

// mustJSON encodes v canonically (sorted map keys). Values built by the
// engine always encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(fmt.Sprintf("%q", err.Error()))
	}
	return b
}

// newChange builds a change with canonical JSON before/after values.
func newChange(address, kind, account, region, name string, action Action, before, after any, reason string) Change {
	c := Change{Address: address, Kind: kind, Account: account, Region: region, Name: name, Action: action, Reason: reason}
	if before != nil {
		c.Before = mustJSON(before)
	}
	if after != nil {
		c.After = mustJSON(after)
	}
	return c
}
