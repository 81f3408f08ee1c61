package githubiam

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Names and path of the execution roles orgbackup assumes in every
// account once bootstrapped. Other packages (guardrails that exempt the
// deploy role, the fleet that assumes them) use these constants.
const (
	// RolePath is the IAM path of every role orgbackup creates for
	// people and for itself; the deploy role may not touch roles under
	// it.
	RolePath = "/orgbackup/"
	// ReadOnlyRole reads only: plan, drift and report assume it.
	ReadOnlyRole = "orgbackup-read-only"
	// DeployRole applies plans: exactly the engine's operations, scoped
	// to orgbackup's resources.
	DeployRole = "orgbackup-deploy"
	// BreakGlassRole is the emergency role (MFA, one-hour sessions).
	BreakGlassRole = "orgbackup-break-glass"
	// DeployBoundaryPolicy is the customer managed policy set as the
	// deploy role's permissions boundary.
	DeployBoundaryPolicy = "orgbackup-deploy-boundary"
	// BudgetPrefix starts the names of the budgets orgbackup manages.
	BudgetPrefix = "orgbackup-"
	// ManagedTag is the ownership tag whose value "true" marks what
	// orgbackup manages; the deploy role changes only resources that
	// carry it.
	ManagedTag = "orgbackup:managed"
)

// RoleARN returns the ARN of an orgbackup role (under RolePath); account
// may be "*".
func RoleARN(partition, account, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, account, RolePath, name)
}

// scope says how the deploy role's permission for one write action is
// narrowed.
type scope int

const (
	// scopeTag: only on resources tagged ManagedTag=true
	// (aws:ResourceTag), as the Service Authorization Reference lists the
	// key for the action's resource type.
	scopeTag scope = iota + 1
	// scopeCreate: creation only with the ManagedTag=true tag in the
	// request (aws:RequestTag).
	scopeCreate
	// scopeTagOrCreate: tagging, allowed on managed resources and when
	// the request adds the managed tag (a create's implied tagging).
	scopeTagOrCreate
	// scopeBackupRole: IAM changes only to the AWS Backup service role,
	// with only its AWS managed policies, passed only to AWS Backup.
	scopeBackupRole
	// scopeViaBackup: KMS data-key and grant operations only when AWS
	// Backup makes them on the caller's behalf (kms:ViaService).
	scopeViaBackup
	// scopeBackupPolicy: Organizations policy changes only to backup
	// policies and service control policies (organizations:PolicyType)
	// tagged as managed.
	scopeBackupPolicy
	// scopeBackupService: organization settings only for AWS Backup
	// (organizations:ServicePrincipal, organizations:PolicyType).
	scopeBackupService
	// scopeBucket: S3 only on the buckets of Scope.Buckets (S3 has no
	// bucket tag condition for these actions).
	scopeBucket
	// scopeKeyAlias: KMS aliases only of Scope.KeyAliases.
	scopeKeyAlias
	// scopeBudget: AWS Budgets only on budgets named with orgbackup's
	// prefix (ModifyBudget creates, changes and deletes them; a budget's
	// ARN, arn:aws:budgets::ACCOUNT:budget/NAME, is its resource).
	scopeBudget
	// scopeUnscoped: the action has no resource ARN or condition key to
	// narrow it (settings of the account, jobs, subscriptions); it
	// creates or starts and deletes nothing.
	scopeUnscoped
	// scopeBootstrap: not granted to the deploy role at all. These change
	// orgbackup's own roles and their boundary, which only the bootstrap
	// (through OrganizationAccountAccessRole) applies, so the deploy role
	// cannot widen its own permissions.
	scopeBootstrap
	// scopePeople: not granted to the deploy role: a person decides it,
	// with the break-glass role (releasing a legal hold).
	scopePeople
)

// writeScopes classifies every write action of Operations. A test fails
// when a write action is missing here.
var writeScopes = map[string]scope{
	"backup:CreateBackupPlan":                      scopeCreate,
	"backup:CreateBackupVault":                     scopeCreate,
	"backup:CreateFramework":                       scopeCreate,
	"backup:CreateLogicallyAirGappedBackupVault":   scopeCreate,
	"backup:CreateReportPlan":                      scopeCreate,
	"backup:CreateRestoreTestingPlan":              scopeCreate,
	"backup:CreateRestoreTestingSelection":         scopeTag, // resource: the restore testing plan
	"backup:DeleteRestoreTestingPlan":              scopeTag,
	"backup:DeleteRestoreTestingSelection":         scopeTag,
	"backup:UpdateRestoreTestingPlan":              scopeTag,
	"backup:UpdateRestoreTestingSelection":         scopeTag,
	"backup:StartRestoreJob":                       scopeUnscoped, // restores create resources and delete nothing
	"backup:CreateLegalHold":                       scopeCreate,
	"backup:CancelLegalHold":                       scopePeople,
	"backup:CreateBackupSelection":                 scopeTag, // resource: the backup plan
	"backup:DeleteBackupPlan":                      scopeTag,
	"backup:DeleteBackupSelection":                 scopeTag,
	"backup:DeleteBackupVault":                     scopeTag,
	"backup:DeleteBackupVaultAccessPolicy":         scopeTag,
	"backup:DeleteBackupVaultLockConfiguration":    scopeTag,
	"backup:DeleteBackupVaultNotifications":        scopeTag,
	"backup:PutBackupVaultAccessPolicy":            scopeTag,
	"backup:PutBackupVaultLockConfiguration":       scopeTag,
	"backup:PutBackupVaultNotifications":           scopeTag,
	"backup:UpdateBackupPlan":                      scopeTag,
	"backup:UpdateFramework":                       scopeTag,
	"backup:UpdateReportPlan":                      scopeTag,
	"backup:UntagResource":                         scopeTag,
	"backup:TagResource":                           scopeTagOrCreate,
	"backup:StartBackupJob":                        scopeTag, // resource: the vault
	"backup:StartCopyJob":                          scopeTag, // resource: the source vault's point
	"backup:UpdateGlobalSettings":                  scopeUnscoped,
	"backup:UpdateRegionSettings":                  scopeUnscoped,
	"backup-storage:MountCapsule":                  scopeUnscoped,
	"iam:AttachRolePolicy":                         scopeBackupRole,
	"iam:CreateRole":                               scopeBackupRole,
	"iam:PassRole":                                 scopeBackupRole,
	"iam:TagRole":                                  scopeBackupRole,
	"iam:UpdateAssumeRolePolicy":                   scopeBackupRole,
	"iam:CreatePolicy":                             scopeBootstrap,
	"iam:CreatePolicyVersion":                      scopeBootstrap,
	"iam:DeletePolicyVersion":                      scopeBootstrap,
	"iam:PutRolePermissionsBoundary":               scopeBootstrap,
	"iam:PutRolePolicy":                            scopeBootstrap,
	"iam:UpdateRole":                               scopeBootstrap,
	"kms:CreateKey":                                scopeCreate,
	"kms:TagResource":                              scopeTagOrCreate,
	"kms:DisableKeyRotation":                       scopeTag,
	"kms:EnableKeyRotation":                        scopeTag,
	"kms:PutKeyPolicy":                             scopeTag,
	"kms:UpdateKeyDescription":                     scopeTag,
	"kms:CreateAlias":                              scopeKeyAlias,
	"kms:CreateGrant":                              scopeViaBackup,
	"kms:Decrypt":                                  scopeViaBackup,
	"kms:GenerateDataKey":                          scopeViaBackup,
	"kms:RetireGrant":                              scopeViaBackup,
	"organizations:AttachPolicy":                   scopeBackupPolicy,
	"organizations:CreatePolicy":                   scopeBackupPolicy,
	"organizations:DeletePolicy":                   scopeBackupPolicy,
	"organizations:DetachPolicy":                   scopeBackupPolicy,
	"organizations:UpdatePolicy":                   scopeBackupPolicy,
	"organizations:TagResource":                    scopeBackupPolicy,
	"organizations:UntagResource":                  scopeBackupPolicy,
	"organizations:EnableAWSServiceAccess":         scopeBackupService,
	"organizations:EnablePolicyType":               scopeBackupService,
	"organizations:RegisterDelegatedAdministrator": scopeBackupService,
	"organizations:PutResourcePolicy":              scopeUnscoped,
	"budgets:ModifyBudget":                         scopeBudget,
	"events:CreateEventBus":                        scopeCreate,
	"events:PutRule":                               scopeCreate,
	"events:TagResource":                           scopeTagOrCreate,
	"events:PutTargets":                            scopeTag,
	"events:RemoveTargets":                         scopeTag,
	"events:PutPermission":                         scopeUnscoped,
	"ram:CreateResourceShare":                      scopeCreate,
	"ram:TagResource":                              scopeTagOrCreate,
	"ram:AssociateResourceShare":                   scopeTag,
	"ram:DisassociateResourceShare":                scopeTag,
	"ram:DeleteResourceShare":                      scopeTag,
	"s3:CreateBucket":                              scopeBucket,
	"s3:PutBucketPolicy":                           scopeBucket,
	"s3:PutBucketPublicAccessBlock":                scopeBucket,
	"s3:PutBucketTagging":                          scopeBucket,
	"s3:PutEncryptionConfiguration":                scopeBucket,
	"s3:PutObject":                                 scopeBucket,
	"sns:CreateTopic":                              scopeCreate,
	"sns:TagResource":                              scopeTagOrCreate,
	"sns:SetTopicAttributes":                       scopeTag,
	"sns:Subscribe":                                scopeTag,
	"sns:Unsubscribe":                              scopeUnscoped,
}

// Scope is what the deploy role's statements are narrowed to.
type Scope struct {
	// Partition is the AWS partition. Default "aws".
	Partition string
	// BackupRole is the AWS Backup service role's name (spec
	// local.backup_role). Required.
	BackupRole string
	// BackupRolePolicies are the managed policies the backup role may be
	// given. Required.
	BackupRolePolicies []string
	// Buckets are the report buckets. None: no S3 writes.
	Buckets []string
	// KeyAliases are the KMS aliases (with or without "alias/"). None: no
	// alias writes.
	KeyAliases []string
}

func (s Scope) partition() string {
	if s.Partition == "" {
		return "aws"
	}
	return s.Partition
}

// ReadOnlyPolicy is the read-only role's permission policy: every read
// action of Operations, nothing else.
func ReadOnlyPolicy() Policy {
	reads, _ := Actions()
	return Policy{Version: "2012-10-17", Statement: []Statement{{Sid: "Read", Effect: "Allow", Action: reads, Resource: "*"}}}
}

// DeployWrites returns the write actions of Operations the deploy role
// gets (those not reserved to the bootstrap), sorted.
func DeployWrites() []string {
	_, writes := Actions()
	var out []string
	for _, a := range writes {
		if s := writeScopes[a]; s != scopeBootstrap && s != scopePeople {
			out = append(out, a)
		}
	}
	return out
}

// UnscopedWrites returns the write actions of Operations that writeScopes
// does not classify; the deploy policy refuses to be built with any.
func UnscopedWrites() []string {
	_, writes := Actions()
	var out []string
	for _, a := range writes {
		if writeScopes[a] == 0 {
			out = append(out, a)
		}
	}
	return out
}

// DeployPolicy is the deploy role's permission policy: the read actions,
// and each write action of Operations narrowed as writeScopes says.
func DeployPolicy(s Scope) (Policy, error) {
	if s.BackupRole == "" || len(s.BackupRolePolicies) == 0 {
		return Policy{}, fmt.Errorf("building the deploy policy: the backup role and its policies are required")
	}
	if u := UnscopedWrites(); len(u) > 0 {
		return Policy{}, fmt.Errorf("building the deploy policy: write actions without a scope: %s", strings.Join(u, ", "))
	}
	p := s.partition()
	reads, _ := Actions()
	by := map[scope][]string{}
	for _, a := range DeployWrites() {
		by[writeScopes[a]] = append(by[writeScopes[a]], a)
	}
	managed := map[string]map[string]any{"StringEquals": {"aws:ResourceTag/" + ManagedTag: "true"}}
	requested := map[string]map[string]any{"StringEquals": {"aws:RequestTag/" + ManagedTag: "true"}}
	backupRole := fmt.Sprintf("arn:%s:iam::*:role/%s", p, s.BackupRole)
	st := []Statement{{Sid: "Read", Effect: "Allow", Action: reads, Resource: "*"}}
	add := func(sid string, actions []string, resource any, cond map[string]map[string]any) {
		if len(actions) == 0 {
			return
		}
		sort.Strings(actions)
		st = append(st, Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resource, Condition: cond})
	}
	add("ChangeManaged", append(slices.Clone(by[scopeTag]), by[scopeTagOrCreate]...), "*", managed)
	add("CreateManaged", append(slices.Clone(by[scopeCreate]), by[scopeTagOrCreate]...), "*", requested)
	var roleActions, passRole []string
	for _, a := range by[scopeBackupRole] {
		if a == "iam:PassRole" {
			passRole = append(passRole, a)
		} else if a != "iam:AttachRolePolicy" {
			roleActions = append(roleActions, a)
		}
	}
	add("BackupRole", roleActions, backupRole, nil)
	if slices.Contains(by[scopeBackupRole], "iam:AttachRolePolicy") {
		add("BackupRolePolicies", []string{"iam:AttachRolePolicy"}, backupRole, map[string]map[string]any{"ArnEquals": {"iam:PolicyARN": slices.Sorted(slices.Values(s.BackupRolePolicies))}})
	}
	add("PassBackupRole", passRole, backupRole, map[string]map[string]any{"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}})
	add("KeysViaBackup", by[scopeViaBackup], "*", map[string]map[string]any{"StringLike": {"kms:ViaService": "backup.*.amazonaws.com"}})
	// The policy types orgbackup manages: backup policies, and the
	// guardrails' service control policies (which only the deploy role
	// may change while guardrails are on).
	policyTypes := []string{"BACKUP_POLICY", "SERVICE_CONTROL_POLICY"}
	var policyOps, tagOps []string
	for _, a := range by[scopeBackupPolicy] {
		if a == "organizations:TagResource" || a == "organizations:UntagResource" || a == "organizations:CreatePolicy" {
			tagOps = append(tagOps, a)
		} else {
			policyOps = append(policyOps, a)
		}
	}
	add("BackupPolicies", policyOps, "*", map[string]map[string]any{
		"StringEquals": {"organizations:PolicyType": policyTypes, "aws:ResourceTag/" + ManagedTag: "true"},
	})
	add("CreateBackupPolicies", tagOps, "*", map[string]map[string]any{
		"StringEquals": {"organizations:PolicyType": policyTypes, "aws:RequestTag/" + ManagedTag: "true"},
	})
	var service, policyType []string
	for _, a := range by[scopeBackupService] {
		if a == "organizations:EnablePolicyType" {
			policyType = append(policyType, a)
		} else {
			service = append(service, a)
		}
	}
	add("BackupService", service, "*", map[string]map[string]any{"StringEquals": {"organizations:ServicePrincipal": "backup.amazonaws.com"}})
	add("BackupPolicyType", policyType, "*", map[string]map[string]any{"StringEquals": {"organizations:PolicyType": policyTypes}})
	if len(s.Buckets) > 0 {
		var res []string
		for _, b := range slices.Sorted(slices.Values(s.Buckets)) {
			res = append(res, fmt.Sprintf("arn:%s:s3:::%s", p, b), fmt.Sprintf("arn:%s:s3:::%s/*", p, b))
		}
		add("ReportBuckets", by[scopeBucket], res, nil)
	}
	if len(s.KeyAliases) > 0 {
		var res []string
		for _, a := range slices.Sorted(slices.Values(s.KeyAliases)) {
			res = append(res, fmt.Sprintf("arn:%s:kms:*:*:%s", p, "alias/"+strings.TrimPrefix(a, "alias/")))
		}
		// CreateAlias is authorized on the alias and on the key; the key
		// must be a managed one.
		add("KeyAliases", by[scopeKeyAlias], res, nil)
		add("KeyAliasTargets", by[scopeKeyAlias], fmt.Sprintf("arn:%s:kms:*:*:key/*", p), managed)
	}
	add("OrgbackupBudgets", by[scopeBudget], fmt.Sprintf("arn:%s:budgets::*:budget/%s*", p, BudgetPrefix), nil)
	add("Unscoped", by[scopeUnscoped], "*", nil)
	return Policy{Version: "2012-10-17", Statement: st}, nil
}

// DeployBoundary is the deploy role's permissions boundary: at most the
// engine's actions, and never a change to orgbackup's own roles (under
// RolePath) or to any role's boundary, so neither an added policy nor a
// changed inline policy can lift the deploy role above it.
func DeployBoundary(partition string) Policy {
	if partition == "" {
		partition = "aws"
	}
	reads, _ := Actions()
	all := append(slices.Clone(reads), DeployWrites()...)
	sort.Strings(all)
	return Policy{Version: "2012-10-17", Statement: []Statement{
		{Sid: "Engine", Effect: "Allow", Action: all, Resource: "*"},
		{Sid: "OwnRoles", Effect: "Deny", Action: []string{"iam:*"}, Resource: fmt.Sprintf("arn:%s:iam::*:role%s*", partition, RolePath)},
		{Sid: "Boundaries", Effect: "Deny", Action: []string{"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"}, Resource: "*"},
	}}
}

// managementOperations are the write actions the deploy role keeps in the
// management account: those AWS lets only the management account call.
// Organizations' API reference says "You can only call this operation from
// the management account" for EnableAWSServiceAccess,
// RegisterDelegatedAdministrator and PutResourcePolicy (EnablePolicyType
// also admits a delegated administrator);
// AWS Backup's UpdateGlobalSettings "Returns an error if the account is not
// an Organizations management account" (UpdateGlobalSettings API
// reference). Everything else orgbackup does there, it does from the
// delegated administrator (the backup account).
var managementOperations = []string{
	"backup:UpdateGlobalSettings",
	"organizations:EnableAWSServiceAccess",
	"organizations:PutResourcePolicy",
	"organizations:RegisterDelegatedAdministrator",
}

// ManagementOperations returns the management-account-only write actions,
// sorted.
func ManagementOperations() []string { return slices.Clone(managementOperations) }

// ManagementDeployPolicy is the deploy role's permission policy in the
// management account: only ManagementOperations, each narrowed to AWS
// Backup where Organizations offers a condition key.
func ManagementDeployPolicy() Policy {
	return Policy{Version: "2012-10-17", Statement: []Statement{
		{Sid: "BackupService", Effect: "Allow", Action: []string{"organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"}, Resource: "*",
			Condition: map[string]map[string]any{"StringEquals": {"organizations:ServicePrincipal": "backup.amazonaws.com"}}},
		{Sid: "Reserved", Effect: "Allow", Action: []string{"backup:UpdateGlobalSettings", "organizations:PutResourcePolicy"}, Resource: "*"},
	}}
}
