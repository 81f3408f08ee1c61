package guardrails_test

import (
	"context"
	"encoding/json"
	"errors"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awsram "github.com/aws/aws-sdk-go-v2/service/ram"
	ramtypes "github.com/aws/aws-sdk-go-v2/service/ram/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/guardrails"
	"github.com/orgbackup/orgbackup/report"
	"github.com/orgbackup/orgbackup/spec"
	"github.com/orgbackup/orgbackup/vault"
)

// The threat model: the example spec with guardrails on is applied, backups
// run for two days, then a workload account's administrator (a session of
// OrganizationAccountAccessRole in that account) tries to delete, shorten,
// decrypt, unlock, detach or re-point every backup of the account and of
// the central vaults. Every attempt must be refused, by the rule the test
// names: a guardrail SCP's statement (by Sid), a vault access policy's or
// key policy's statement (by Sid), or a trust or key policy that admits
// no workload administrator. A second round takes the SCPs away (as if
// that layer were missing) and asserts that the vault and key policies
// alone still refuse.

const (
	tmRegion    = "us-east-1"
	tmWorkload  = "333333333333"
	tmRole      = "OrganizationAccountAccessRole"
	tmAirGapped = "air-gapped"
	tmRecovery  = "666666666666"
)

// tmWorld is the applied organization and what the attacks aim at.
type tmWorld struct {
	srv                      *emulator.Server
	sp                       *spec.Spec
	mgmt                     aws.Config
	localRPs, centralRPs     map[string]int64 // recovery point ARN → DeleteAfterDays
	airRPs                   map[string]int64
	localKey, centralKey     string // key ARNs
	planID, selectionID      string
	planARN                  string
	guardSCP, backupPolicy   string // policy IDs
	targetsBefore            map[string][]string
	localVault, centralVault string
}

// assume returns a session of role in account, assumed from the
// management account.
func assume(t *testing.T, srv *emulator.Server, account, role string) aws.Config {
	t.Helper()
	out, err := awssts.NewFromConfig(srv.Config(emulator.ManagementAccountID, tmRegion)).AssumeRole(context.Background(), &awssts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + role), RoleSessionName: aws.String("threat-model")})
	if err != nil {
		t.Fatalf("assuming %s in %s: %v", role, account, err)
	}
	cfg := srv.Config(account, tmRegion)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	return cfg
}

func tmSetup(t *testing.T) *tmWorld {
	t.Helper()
	ctx := context.Background()
	sp, err := spec.Load("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sp.Guardrails = &spec.Guardrails{}
	sp.Organization.ExecutionRole = spec.DefaultDeployRole
	// The logically air-gapped vault in use: production copies there.
	sp.Central.AirGapped = &spec.AirGapped{Vault: tmAirGapped, MinRetention: "7d", MaxRetention: "3650d", ShareWith: []string{tmRecovery}}
	prod := sp.Tiers["production"]
	prod.AirGappedCopy = true
	sp.Tiers["production"] = prod
	sp.SetDefaults()
	if err := sp.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := sp.Resolve(); err != nil {
		t.Fatal(err)
	}
	// A recovery account the air-gapped vault is shared with.
	org := emulator.DefaultOrganization()
	org.Units = append(org.Units, emulator.Unit{ID: "ou-root-recovery1", Name: "Recovery", Accounts: []emulator.Account{{ID: tmRecovery, Name: "recovery"}}})
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = org })
	t.Cleanup(srv.Close)
	// The deploy and break-glass roles, trusted by the management
	// account, in every account orgbackup works in.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + emulator.ManagementAccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	for _, a := range []string{emulator.BackupAccountID, "333333333333", "333333333334", "444444444444", "555555555555"} {
		iamc := awsiam.NewFromConfig(assume(t, srv, a, tmRole))
		for _, r := range []string{spec.DefaultDeployRole, spec.DefaultBreakGlassRole} {
			if _, err := iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
				t.Fatalf("creating %s in %s: %v", r, a, err)
			}
		}
	}
	base := srv.Config(emulator.ManagementAccountID, tmRegion)
	fleet := func(readOnly bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = readOnly
		})
	}
	p, err := backup.PlanChanges(ctx, sp, fleet(true), func(o *backup.PlanOptions) { o.Now = srv.Now })
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Checks) > 0 {
		t.Fatalf("plan checks: %+v", p.Checks)
	}
	res, err := backup.Apply(ctx, fleet(false), p, func(o *backup.ApplyOptions) { o.Now = srv.Now; o.AcknowledgeIrreversible = true })
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	again, err := backup.PlanChanges(ctx, sp, fleet(true), func(o *backup.PlanOptions) { o.Now = srv.Now })
	if err != nil {
		t.Fatal(err)
	}
	if again.HasChanges() {
		t.Fatalf("not converged after apply: %d changes, first %s", len(again.Changes), again.Changes[0].Address)
	}
	srv.AddResource(tmWorkload, tmRegion, emulator.EBSVolume, "", map[string]string{"backup-tier": "production"}, 8<<30)
	srv.Advance(50 * time.Hour)

	wantSharedWithRecovery(t, srv)
	wantAirGappedReported(t, srv, sp, fleet(true))
	w := &tmWorld{srv: srv, sp: sp, mgmt: base, localVault: sp.Local.Vault, centralVault: sp.Central.Vault}
	w.localRPs = recoveryPoints(t, assume(t, srv, tmWorkload, tmRole), w.localVault)
	w.centralRPs = recoveryPoints(t, assume(t, srv, emulator.BackupAccountID, tmRole), w.centralVault)
	w.airRPs = recoveryPoints(t, assume(t, srv, emulator.BackupAccountID, tmRole), tmAirGapped)
	if len(w.localRPs) == 0 || len(w.centralRPs) == 0 || len(w.airRPs) == 0 {
		t.Fatalf("after two days: %d local, %d central and %d air-gapped recovery points, want some of each", len(w.localRPs), len(w.centralRPs), len(w.airRPs))
	}
	w.localKey = keyARN(t, assume(t, srv, tmWorkload, tmRole), sp.KMS.Alias)
	w.centralKey = keyARN(t, assume(t, srv, emulator.BackupAccountID, tmRole), sp.KMS.Alias)
	bc := awsbackup.NewFromConfig(assume(t, srv, tmWorkload, tmRole))
	plans, err := bc.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	if err != nil || len(plans.BackupPlansList) == 0 {
		t.Fatalf("ListBackupPlans: %v %+v", err, plans)
	}
	w.planID, w.planARN = aws.ToString(plans.BackupPlansList[0].BackupPlanId), aws.ToString(plans.BackupPlansList[0].BackupPlanArn)
	sels, err := bc.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(w.planID)})
	if err != nil || len(sels.BackupSelectionsList) == 0 {
		t.Fatalf("ListBackupSelections: %v %+v", err, sels)
	}
	w.selectionID = aws.ToString(sels.BackupSelectionsList[0].SelectionId)
	orgs := awsorgs.NewFromConfig(base)
	w.targetsBefore = map[string][]string{}
	for _, typ := range []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeBackupPolicy} {
		out, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: typ})
		if err != nil {
			t.Fatal(err)
		}
		for _, pol := range out.Policies {
			name, id := aws.ToString(pol.Name), aws.ToString(pol.Id)
			switch {
			case name == guardrails.NamePrefix+"1":
				w.guardSCP = id
			case name == "orgbackup-production":
				w.backupPolicy = id
			}
			w.targetsBefore[id] = policyTargets(t, orgs, id)
		}
	}
	if w.guardSCP == "" || w.backupPolicy == "" {
		t.Fatalf("guardrail SCP %q, production backup policy %q", w.guardSCP, w.backupPolicy)
	}
	return w
}

func recoveryPoints(t *testing.T, cfg aws.Config, vaultName string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	pages := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(awsbackup.NewFromConfig(cfg), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vaultName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatalf("listing recovery points of %s: %v", vaultName, err)
		}
		for _, rp := range page.RecoveryPoints {
			var days int64
			if rp.Lifecycle != nil {
				days = aws.ToInt64(rp.Lifecycle.DeleteAfterDays)
			}
			out[aws.ToString(rp.RecoveryPointArn)] = days
		}
	}
	return out
}

func keyARN(t *testing.T, cfg aws.Config, alias string) string {
	t.Helper()
	out, err := awskms.NewFromConfig(cfg).DescribeKey(context.Background(), &awskms.DescribeKeyInput{KeyId: aws.String(alias)})
	if err != nil {
		t.Fatalf("describing %s: %v", alias, err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

func policyTargets(t *testing.T, orgs *awsorgs.Client, id string) []string {
	t.Helper()
	out, err := orgs.ListTargetsForPolicy(context.Background(), &awsorgs.ListTargetsForPolicyInput{PolicyId: aws.String(id)})
	if err != nil {
		t.Fatalf("listing targets of %s: %v", id, err)
	}
	var ids []string
	for _, tg := range out.Targets {
		ids = append(ids, aws.ToString(tg.TargetId))
	}
	slices.Sort(ids)
	return ids
}

// rule is what refused an attack.
type rule struct {
	// kind is "scp", "vault policy", "key policy" or "trust policy".
	kind string
	// sid is the refusing statement's Sid (scp, vault and key policy).
	sid string
}

func (r rule) String() string { return r.kind + " " + r.sid }

var scpARN = regexp.MustCompile(`explicit deny in a service control policy: arn:aws:organizations::\d{12}:policy/o-[a-z0-9]+/service_control_policy/(p-[a-zA-Z0-9]+)`)

// refusedBy names the rule behind err, a refusal of action: for an SCP,
// the guardrail SCP the message names and its Deny statement for action;
// for a resource-based policy, the Deny statement for action of doc (the
// vault's or key's policy); for no allowing policy, kind alone.
func (w *tmWorld) refusedBy(t *testing.T, err error, action, kind, doc string) rule {
	t.Helper()
	var ae smithy.APIError
	var nf *kmstypes.NotFoundException
	if errors.As(err, &nf) {
		return rule{kind: "no cross-account use"}
	}
	if !errors.As(err, &ae) || !strings.Contains(ae.ErrorCode(), "AccessDenied") {
		t.Fatalf("%s: %v, want an access denied error", action, err)
	}
	msg := ae.ErrorMessage()
	if m := scpARN.FindStringSubmatch(msg); m != nil {
		d, err := awsorgs.NewFromConfig(w.mgmt).DescribePolicy(context.Background(), &awsorgs.DescribePolicyInput{PolicyId: aws.String(m[1])})
		if err != nil {
			t.Fatal(err)
		}
		if name := aws.ToString(d.Policy.PolicySummary.Name); !strings.HasPrefix(name, guardrails.NamePrefix) {
			t.Fatalf("%s refused by SCP %s, not a guardrail", action, name)
		}
		return rule{"scp", denyingSid(t, aws.ToString(d.Policy.Content), action)}
	}
	if strings.Contains(msg, "explicit deny in a resource-based policy") {
		return rule{kind, denyingSid(t, doc, action)}
	}
	return rule{kind: kind}
}

// denyingSid returns the Sid of doc's first Deny statement that names
// action (exactly or by a wildcard).
func denyingSid(t *testing.T, doc, action string) string {
	t.Helper()
	var d struct {
		Statement []struct {
			Sid    string
			Effect string
			Action vault.Values
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatalf("parsing policy: %v", err)
	}
	for _, st := range d.Statement {
		if st.Effect != "Deny" {
			continue
		}
		for _, a := range st.Action {
			if ok, _ := path.Match(strings.ToLower(a), strings.ToLower(action)); ok {
				return st.Sid
			}
		}
	}
	return ""
}

// attack is one attempt of a workload administrator.
type attack struct {
	name   string
	action string
	// on says which policy document refuses it when not an SCP:
	// "vault policy" (the local vault's), "key policy" (the local key's)
	// or "trust policy", "central key policy".
	on   string
	call func(ctx context.Context, c clients) error
	want rule
}

// clients are the attacker's clients, in the workload account.
type clients struct {
	backup *awsbackup.Client
	kms    *awskms.Client
	iam    *awsiam.Client
	orgs   *awsorgs.Client
	sts    *awssts.Client
}

func (w *tmWorld) attacks() []attack {
	anyRP := func(m map[string]int64) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys[0]
	}
	local := anyRP(w.localRPs)
	lv := aws.String(w.localVault)
	open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"backup:*","Resource":"*"}]}`
	trustMe := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + tmWorkload + `:root"},"Action":"sts:AssumeRole"}]}`
	scp := func(sid string) rule { return rule{"scp", sid} }
	return []attack{
		{"delete a local recovery point", "backup:DeleteRecoveryPoint", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: lv, RecoveryPointArn: aws.String(local)})
			return err
		}, scp(guardrails.SidRecoveryPoints)},
		{"shorten a local recovery point", "backup:UpdateRecoveryPointLifecycle", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: lv, RecoveryPointArn: aws.String(local), Lifecycle: lifecycle(1)})
			return err
		}, scp(guardrails.SidRecoveryPoints)},
		{"delete the local vault", "backup:DeleteBackupVault", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: lv})
			return err
		}, scp(guardrails.SidVaults)},
		{"delete the local vault's access policy", "backup:DeleteBackupVaultAccessPolicy", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: lv})
			return err
		}, scp(guardrails.SidVaults)},
		{"re-point the local vault's access policy", "backup:PutBackupVaultAccessPolicy", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: lv, Policy: aws.String(open)})
			return err
		}, scp(guardrails.SidVaults)},
		{"unlock the local vault", "backup:DeleteBackupVaultLockConfiguration", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: lv})
			return err
		}, scp(guardrails.SidVaults)},
		{"silence the local vault", "backup:DeleteBackupVaultNotifications", "vault policy", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupVaultNotifications(ctx, &awsbackup.DeleteBackupVaultNotificationsInput{BackupVaultName: lv})
			return err
		}, scp(guardrails.SidVaults)},
		{"delete the backup plan", "backup:DeleteBackupPlan", "", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(w.planID)})
			return err
		}, scp(guardrails.SidPlans)},
		{"delete the backup selection", "backup:DeleteBackupSelection", "", func(ctx context.Context, c clients) error {
			_, err := c.backup.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: aws.String(w.planID), SelectionId: aws.String(w.selectionID)})
			return err
		}, scp(guardrails.SidPlans)},
		{"untag the backup plan", "backup:UntagResource", "", func(ctx context.Context, c clients) error {
			_, err := c.backup.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(w.planARN), TagKeyList: []string{"orgbackup:managed"}})
			return err
		}, scp(guardrails.SidPlans)},
		{"schedule the local key's deletion", "kms:ScheduleKeyDeletion", "key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: aws.String(w.localKey), PendingWindowInDays: aws.Int32(7)})
			return err
		}, scp(guardrails.SidKeyDeletion)},
		{"disable the local key", "kms:DisableKey", "key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: aws.String(w.localKey)})
			return err
		}, scp(guardrails.SidKeyDeletion)},
		{"re-point the local key's policy", "kms:PutKeyPolicy", "key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: aws.String(w.localKey), PolicyName: aws.String("default"),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + tmWorkload + `:root"},"Action":"kms:*","Resource":"*"}]}`)})
			return err
		}, scp(guardrails.SidKeys)},
		{"schedule the central key's deletion", "kms:ScheduleKeyDeletion", "central key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: aws.String(w.centralKey), PendingWindowInDays: aws.Int32(7)})
			return err
		}, scp(guardrails.SidKeyDeletion)},
		// The emulator has no Decrypt; a grant for Decrypt is how the
		// key would be used, and the same key policy statements decide.
		{"read the central key", "kms:DescribeKey", "central key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(w.centralKey)})
			return err
		}, rule{kind: "central key policy"}},
		{"grant itself the central key", "kms:CreateGrant", "central key policy", func(ctx context.Context, c clients) error {
			_, err := c.kms.CreateGrant(ctx, &awskms.CreateGrantInput{KeyId: aws.String(w.centralKey), GranteePrincipal: aws.String("arn:aws:iam::" + tmWorkload + ":root"),
				Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
			return err
		}, rule{kind: "central key policy"}},
		{"delete the backup role", "iam:DeleteRole", "", func(ctx context.Context, c clients) error {
			_, err := c.iam.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String(w.sp.Local.BackupRole)})
			return err
		}, scp(guardrails.SidRoles)},
		{"widen the backup role", "iam:AttachRolePolicy", "", func(ctx context.Context, c clients) error {
			_, err := c.iam.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String(w.sp.Local.BackupRole), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}, scp(guardrails.SidRoles)},
		{"trust itself with the deploy role", "iam:UpdateAssumeRolePolicy", "", func(ctx context.Context, c clients) error {
			_, err := c.iam.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String(spec.DefaultDeployRole), PolicyDocument: aws.String(trustMe)})
			return err
		}, scp(guardrails.SidRoles)},
		{"create a look-alike break-glass role", "iam:CreateRole", "", func(ctx context.Context, c clients) error {
			_, err := c.iam.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(spec.DefaultBreakGlassRole), Path: aws.String("/evil/"), AssumeRolePolicyDocument: aws.String(trustMe)})
			return err
		}, scp(guardrails.SidRoles)},
		{"assume the deploy role", "sts:AssumeRole", "trust policy", func(ctx context.Context, c clients) error {
			_, err := c.sts.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + tmWorkload + ":role/" + spec.DefaultDeployRole), RoleSessionName: aws.String("attacker")})
			return err
		}, rule{kind: "trust policy"}},
		{"assume the backup account's administrator role", "sts:AssumeRole", "trust policy", func(ctx context.Context, c clients) error {
			_, err := c.sts.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + emulator.BackupAccountID + ":role/" + tmRole), RoleSessionName: aws.String("attacker")})
			return err
		}, rule{kind: "trust policy"}},
		{"detach the guardrail SCP", "organizations:DetachPolicy", "", func(ctx context.Context, c clients) error {
			_, err := c.orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String(w.guardSCP), TargetId: aws.String("ou-root-production")})
			return err
		}, scp(guardrails.SidOrganization)},
		{"detach the tier's backup policy", "organizations:DetachPolicy", "", func(ctx context.Context, c clients) error {
			_, err := c.orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: aws.String(w.backupPolicy), TargetId: aws.String("ou-root-production")})
			return err
		}, scp(guardrails.SidOrganization)},
		{"leave the organization", "organizations:LeaveOrganization", "", func(ctx context.Context, c clients) error {
			_, err := c.orgs.LeaveOrganization(ctx, &awsorgs.LeaveOrganizationInput{})
			return err
		}, scp(guardrails.SidOrganization)},
	}
}

func lifecycle(days int64) *backuptypes.Lifecycle {
	return &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(days)}
}

func (w *tmWorld) attacker(t *testing.T) clients {
	cfg := assume(t, w.srv, tmWorkload, tmRole)
	return clients{awsbackup.NewFromConfig(cfg), awskms.NewFromConfig(cfg), awsiam.NewFromConfig(cfg), awsorgs.NewFromConfig(cfg), awssts.NewFromConfig(cfg)}
}

// document returns the policy that refuses an attack besides the SCPs.
func (w *tmWorld) document(t *testing.T, on string) string {
	t.Helper()
	ctx := context.Background()
	switch on {
	case "vault policy":
		out, err := awsbackup.NewFromConfig(assume(t, w.srv, tmWorkload, tmRole)).GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String(w.localVault)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy)
	case "key policy":
		out, err := awskms.NewFromConfig(assume(t, w.srv, tmWorkload, tmRole)).GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: aws.String(w.localKey), PolicyName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy)
	}
	return ""
}

// wantIntact asserts that no recovery point was deleted or shortened, no
// key scheduled for deletion or disabled, and no policy detached.
func (w *tmWorld) wantIntact(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	deleted, shortened := 0, 0
	for _, c := range []struct {
		before  map[string]int64
		account string
		vault   string
	}{{w.localRPs, tmWorkload, w.localVault}, {w.centralRPs, emulator.BackupAccountID, w.centralVault}, {w.airRPs, emulator.BackupAccountID, tmAirGapped}} {
		now := recoveryPoints(t, assume(t, w.srv, c.account, tmRole), c.vault)
		for arn, days := range c.before {
			got, ok := now[arn]
			switch {
			case !ok:
				deleted++
			case got != 0 && (days == 0 || got < days):
				shortened++
			}
		}
	}
	keys := 0
	for _, k := range []struct{ account, arn string }{{tmWorkload, w.localKey}, {emulator.BackupAccountID, w.centralKey}} {
		out, err := awskms.NewFromConfig(assume(t, w.srv, k.account, tmRole)).DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(k.arn)})
		if err != nil {
			t.Fatal(err)
		}
		if out.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
			keys++
		}
	}
	detached := 0
	orgs := awsorgs.NewFromConfig(w.mgmt)
	for id, before := range w.targetsBefore {
		now := policyTargets(t, orgs, id)
		for _, tg := range before {
			if !slices.Contains(now, tg) {
				detached++
			}
		}
	}
	if deleted+shortened+keys+detached > 0 {
		t.Errorf("after the attacks: %d recovery points deleted, %d shortened, %d keys scheduled for deletion or disabled, %d policies detached; want 0", deleted, shortened, keys, detached)
	}
	t.Logf("after the attacks: %d local, %d central and %d air-gapped recovery points, 2 keys and the attachments of %d policies intact", len(w.localRPs), len(w.centralRPs), len(w.airRPs), len(w.targetsBefore))
}

func TestThreatModelWorkloadAdministrator(t *testing.T) {
	w := tmSetup(t)
	ctx := context.Background()
	c := w.attacker(t)
	for _, a := range w.attacks() {
		t.Run(a.name, func(t *testing.T) {
			err := a.call(ctx, c)
			if err == nil {
				t.Fatalf("%s succeeded", a.action)
			}
			if got := w.refusedBy(t, err, a.action, a.on, w.document(t, a.on)); got != a.want {
				t.Errorf("%s refused by %s, want %s (%v)", a.action, got, a.want, err)
			}
		})
	}
	w.wantIntact(t)
	w.childPolicyCannotShorten(t)

	// Without the SCPs (detached by the management account, as if that
	// layer were missing), the vault and key policies alone refuse.
	orgs := awsorgs.NewFromConfig(w.mgmt)
	scps, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range scps.Policies {
		if !strings.HasPrefix(aws.ToString(p.Name), guardrails.NamePrefix) {
			continue
		}
		for _, tg := range policyTargets(t, orgs, aws.ToString(p.Id)) {
			if _, err := orgs.DetachPolicy(ctx, &awsorgs.DetachPolicyInput{PolicyId: p.Id, TargetId: aws.String(tg)}); err != nil {
				t.Fatal(err)
			}
		}
		w.targetsBefore[aws.ToString(p.Id)] = nil
	}
	second := map[string]rule{
		"delete a local recovery point":            {"vault policy", vault.SidDenyRecoveryPointChanges},
		"shorten a local recovery point":           {"vault policy", vault.SidDenyRecoveryPointChanges},
		"delete the local vault":                   {"vault policy", vault.SidDenyVaultChanges},
		"delete the local vault's access policy":   {"vault policy", vault.SidDenyVaultChanges},
		"re-point the local vault's access policy": {"vault policy", vault.SidDenyVaultChanges},
		"unlock the local vault":                   {"vault policy", vault.SidDenyVaultChanges},
		"silence the local vault":                  {"vault policy", vault.SidDenyVaultChanges},
		"schedule the local key's deletion":        {"key policy", vault.SidDenyKeyDeletion},
		"disable the local key":                    {"key policy", vault.SidDenyKeyDeletion},
		"re-point the local key's policy":          {"key policy", vault.SidDenyKeyPolicyChanges},
		// ScheduleKeyDeletion takes no key of another account
		// ("Cross-account use: No", AWS KMS API Reference).
		"schedule the central key's deletion": {kind: "no cross-account use"},
		"read the central key":                {kind: "central key policy"},
		"grant itself the central key":        {kind: "central key policy"},
	}
	for _, a := range w.attacks() {
		want, ok := second[a.name]
		if !ok {
			continue
		}
		t.Run("without SCPs/"+a.name, func(t *testing.T) {
			err := a.call(ctx, c)
			if err == nil {
				t.Fatalf("%s succeeded", a.action)
			}
			if got := w.refusedBy(t, err, a.action, a.on, w.document(t, a.on)); got != want {
				t.Errorf("%s refused by %s, want %s (%v)", a.action, got, want, err)
			}
		})
	}
	w.wantIntact(t)
}

// childPolicyCannotShorten: the backup account's administrator (the
// delegated administrator for backup policies, where no tier's SCP
// applies) attaches below the production OU a backup policy that keeps
// the tier's recovery points one day; the tier's child-policy lock
// (lock-plan, the default with guardrails) keeps the effective policy's
// retention.
func (w *tmWorld) childPolicyCannotShorten(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	rule := `"rules":{"production-daily":{"lifecycle":{"delete_after_days":{"@@assign":"1"}}}}`
	child := `{"plans":{"orgbackup-production":{` + rule + `}}}`
	before, err := w.srv.EffectiveBackupPolicy(tmWorkload)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(before), `"lifecycle":{"delete_after_days":"30"}`) {
		t.Fatalf("effective policy before: %s", before)
	}
	orgs := awsorgs.NewFromConfig(assume(t, w.srv, emulator.BackupAccountID, tmRole))
	created, err := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("shorter"), Description: aws.String("x"), Content: aws.String(child), Type: orgtypes.PolicyTypeBackupPolicy})
	if err != nil {
		t.Logf("the backup account cannot create the child policy: %v", err)
		return
	}
	if _, err := orgs.AttachPolicy(ctx, &awsorgs.AttachPolicyInput{PolicyId: created.Policy.PolicySummary.Id, TargetId: aws.String(tmWorkload)}); err != nil {
		t.Logf("the backup account cannot attach the child policy: %v", err)
		return
	}
	after, err := w.srv.EffectiveBackupPolicy(tmWorkload)
	if err != nil {
		t.Fatalf("effective policy with the child policy: %v", err)
	}
	var eff struct {
		Plans map[string]struct {
			Rules map[string]struct {
				Lifecycle struct {
					DeleteAfterDays json.RawMessage `json:"delete_after_days"`
				} `json:"lifecycle"`
			} `json:"rules"`
		} `json:"plans"`
	}
	if err := json.Unmarshal(after, &eff); err != nil {
		t.Fatal(err)
	}
	got := string(eff.Plans["orgbackup-production"].Rules["production-daily"].Lifecycle.DeleteAfterDays)
	if got != `"30"` {
		t.Errorf("a child policy shortened production's local retention to %s: %s", got, after)
	}
	// Without the lock (child_policies: free) the same child policy
	// shortens it to one day; the lock is in the tier's policy.
	d, err := awsorgs.NewFromConfig(w.mgmt).DescribePolicy(ctx, &awsorgs.DescribePolicyInput{PolicyId: aws.String(w.backupPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(d.Policy.Content), "@@operators_allowed_for_child_policies") {
		t.Errorf("the production backup policy has no child-policy lock: %s", aws.ToString(d.Policy.Content))
	}
}

// wantSharedWithRecovery asserts that the recovery account sees the
// air-gapped vault's RAM share, associated.
func wantSharedWithRecovery(t *testing.T, srv *emulator.Server) {
	t.Helper()
	ctx := context.Background()
	out, err := awsram.NewFromConfig(srv.Config(tmRecovery, tmRegion)).GetResourceShares(ctx, &awsram.GetResourceSharesInput{ResourceOwner: ramtypes.ResourceOwnerOtherAccounts})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ResourceShares) != 1 || aws.ToString(out.ResourceShares[0].OwningAccountId) != emulator.BackupAccountID {
		t.Fatalf("the recovery account sees shares %+v, want the backup account's air-gapped share", out.ResourceShares)
	}
	as, err := awsram.NewFromConfig(srv.Config(emulator.BackupAccountID, tmRegion)).GetResourceShareAssociations(ctx, &awsram.GetResourceShareAssociationsInput{
		AssociationType: ramtypes.ResourceShareAssociationTypeResource, ResourceShareArns: []string{aws.ToString(out.ResourceShares[0].ResourceShareArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(as.ResourceShareAssociations) != 1 || aws.ToString(as.ResourceShareAssociations[0].AssociatedEntity) != "arn:aws:backup:us-east-1:222222222222:backup-vault:"+tmAirGapped {
		t.Fatalf("the share holds %+v, want the air-gapped vault", as.ResourceShareAssociations)
	}
}

// wantAirGappedReported asserts the report's air-gapped section: the
// vault holds production's copies and is shared with the recovery
// account.
func wantAirGappedReported(t *testing.T, srv *emulator.Server, sp *spec.Spec, fleet *crossaccount.Fleet) {
	t.Helper()
	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 3))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatal(err)
	}
	a := rep.AirGapped
	if a == nil || !a.OK || a.RecoveryPoints == 0 || !slices.Equal(a.CopyingTiers, []string{"production"}) || !slices.Equal(a.SharedWith, []string{tmRecovery}) {
		t.Fatalf("report's air-gapped vault: %+v", a)
	}
	var md strings.Builder
	if err := report.Markdown(&md, rep, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "### Air-gapped vault "+tmAirGapped+" ✅") {
		t.Errorf("the Markdown report has no air-gapped section:\n%s", md.String())
	}
}
