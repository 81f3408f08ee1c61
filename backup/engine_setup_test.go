package backup_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/spec"
)

// baseSpec is the spec most engine tests start from, on the emulator's
// default organization: production (central and cross-region copies,
// customer-managed keys) and development (local only, AWS-managed keys),
// a compliance lock still in its grace period, notifications and reports.
const baseSpec = `version: 1
name: engine-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]}
  development: {targets: [Development]}
central:
  vault: central-backup
  lock: {mode: compliance, min_retention: 1d, max_retention: 3650d, changeable_for_days: 30}
local:
  vault: local-backup
kms:
  alias: alias/orgbackup
notifications:
  events: [BACKUP_JOB_COMPLETED, COPY_JOB_FAILED]
  emails: [backup-team@example.com]
reports:
  bucket: org-backup-reports-222222222222
  formats: [CSV]
  frameworks:
    - name: orgbackup_controls
      controls: [BACKUP_RECOVERY_POINT_ENCRYPTED]
tags:
  cost-center: platform
`

// parseSpec parses an inline spec, failing the test on any problem.
func parseSpec(t testing.TB, yaml string) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse("inline.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return sp
}

// editSpec returns yaml with each old string replaced by its new one,
// failing when one is missing (so a test cannot silently edit nothing).
func editSpec(t testing.TB, yaml string, oldNew ...string) string {
	t.Helper()
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(yaml, oldNew[i]) {
			t.Fatalf("editSpec: %q not in the spec", oldNew[i])
		}
		yaml = strings.Replace(yaml, oldNew[i], oldNew[i+1], 1)
	}
	return yaml
}

// newSpecOrg is newTestOrg for a spec built in the test, on a fresh
// emulator of the default organization. fleetOpts adjust both fleets.
func newSpecOrg(t testing.TB, sp *spec.Spec, fleetOpts ...func(*crossaccount.Options)) *testOrg {
	t.Helper()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	return newOrgOn(srv, sp, fleetOpts...)
}

func newOrgOn(srv *emulator.Server, sp *spec.Spec, fleetOpts ...func(*crossaccount.Options)) *testOrg {
	base := srv.Config(sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
	fleet := func(ro bool) *crossaccount.Fleet {
		return crossaccount.NewFleet(base, func(o *crossaccount.Options) {
			o.ExecutionRole = sp.Organization.ExecutionRole
			o.ManagementAccount = sp.Organization.ManagementAccount
			o.ReadOnly = ro
			o.RatePerSecond = -1
			for _, fn := range fleetOpts {
				fn(o)
			}
		})
	}
	return &testOrg{srv: srv, sp: sp, planFleet: fleet(true), applyFleet: fleet(false)}
}

// allowAll applies destructive and irreversible changes.
func allowAll(o *backup.ApplyOptions) { o.AllowDestructive, o.AcknowledgeIrreversible = true, true }

// converge plans, applies everything and checks that the next plan is
// empty; it returns the plan it applied.
func (o *testOrg) converge(t testing.TB) *plan.Plan {
	t.Helper()
	p := o.plan(t)
	if len(p.Checks) > 0 {
		t.Fatalf("plan has checks: %+v", p.Checks)
	}
	res := o.apply(t, p, allowAll)
	if err := res.Err(); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	o.wantConverged(t)
	return p
}

// wantConverged fails the test when the plan is not empty.
func (o *testOrg) wantConverged(t testing.TB) {
	t.Helper()
	if again := o.plan(t); again.HasChanges() || len(again.Checks) > 0 {
		t.Fatalf("plan after apply is not empty:\n%s", planText(again))
	}
}

// respec replaces the org's spec.
func (o *testOrg) respec(t testing.TB, yaml string) {
	t.Helper()
	o.sp = parseSpec(t, yaml)
}

func planText(p *plan.Plan) string {
	var b strings.Builder
	_ = plan.Text(&b, p, plan.TextOptions{})
	for _, c := range p.Checks {
		fmt.Fprintf(&b, "check %s at %s: %s\n", c.Code, c.Address, c.Message)
	}
	return b.String()
}

// isMutation reports whether an emulator call changes state.
func isMutation(op string) bool {
	return !crossaccount.IsReadOperation(op) && op != "AssumeRole" && op != "GetCallerIdentity"
}

// mutatingCalls returns the "service:Operation" of every mutating call
// the emulator received since its counters were last reset, with counts.
func mutatingCalls(srv *emulator.Server) map[string]int {
	out := map[string]int{}
	for _, st := range srv.CallStats() {
		if isMutation(st.Operation) {
			out[st.Service+":"+st.Operation] += st.Calls
		}
	}
	return out
}

// changeSummary is what the tests assert about a change.
type changeSummary struct {
	Address      string
	Action       string
	Destructive  bool
	Irreversible bool
}

// summarize lists the plan's changes, sorted by address.
func summarize(p *plan.Plan) []changeSummary {
	var out []changeSummary
	for _, c := range p.Changes {
		out = append(out, changeSummary{c.Address.String(), c.Action.String(), c.Destructive, c.Irreversible})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// inventory counts the resources orgbackup creates, through the list APIs
// of every account and region of the default organization, so that a
// duplicate anywhere shows.
func inventory(t testing.TB, srv *emulator.Server) map[string]int {
	t.Helper()
	ctx := context.Background()
	inv := map[string]int{}
	mgmt := srv.Config(emulator.ManagementAccountID, "us-east-1")
	orgs := awsorgs.NewFromConfig(mgmt)
	pols, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
	if err != nil {
		t.Fatalf("ListPolicies: %v", err)
	}
	for _, p := range pols.Policies {
		inv["backup_policy"]++
		tg, err := orgs.ListTargetsForPolicy(ctx, &awsorgs.ListTargetsForPolicyInput{PolicyId: p.Id})
		if err != nil {
			t.Fatalf("ListTargetsForPolicy: %v", err)
		}
		inv["backup_policy_attachment"] += len(tg.Targets)
	}
	for _, account := range srv.OrganizationAccounts() {
		roles, err := awsiam.NewFromConfig(srv.Config(account, "us-east-1")).ListRoles(ctx, &awsiam.ListRolesInput{})
		if err != nil {
			t.Fatalf("ListRoles in %s: %v", account, err)
		}
		inv["iam_role"] += len(roles.Roles)
		buckets, err := awss3.NewFromConfig(srv.Config(account, "us-east-1")).ListBuckets(ctx, &awss3.ListBucketsInput{})
		if err != nil {
			t.Fatalf("ListBuckets in %s: %v", account, err)
		}
		inv["s3_bucket"] += len(buckets.Buckets)
		for _, region := range []string{"us-east-1", "us-west-2"} {
			cfg := srv.Config(account, region)
			bk := awsbackup.NewFromConfig(cfg)
			vaults, err := bk.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
			if err != nil {
				t.Fatalf("ListBackupVaults in %s/%s: %v", account, region, err)
			}
			inv["backup_vault"] += len(vaults.BackupVaultList)
			plans, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
			if err != nil {
				t.Fatalf("ListBackupPlans in %s/%s: %v", account, region, err)
			}
			for _, p := range plans.BackupPlansList {
				if strings.HasPrefix(aws.ToString(p.BackupPlanName), "orgbackup-") && aws.ToString(p.CreatorRequestId) != "" {
					inv["backup_plan"]++
				}
			}
			rps, err := bk.ListReportPlans(ctx, &awsbackup.ListReportPlansInput{})
			if err != nil {
				t.Fatalf("ListReportPlans in %s/%s: %v", account, region, err)
			}
			inv["report_plan"] += len(rps.ReportPlans)
			fws, err := bk.ListFrameworks(ctx, &awsbackup.ListFrameworksInput{})
			if err != nil {
				t.Fatalf("ListFrameworks in %s/%s: %v", account, region, err)
			}
			inv["framework"] += len(fws.Frameworks)
			km := awskms.NewFromConfig(cfg)
			keys, err := km.ListKeys(ctx, &awskms.ListKeysInput{})
			if err != nil {
				t.Fatalf("ListKeys in %s/%s: %v", account, region, err)
			}
			for _, k := range keys.Keys {
				d, err := km.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: k.KeyId})
				if err == nil && d.KeyMetadata.KeyManager == "CUSTOMER" {
					inv["kms_key"]++
				}
			}
			aliases, err := km.ListAliases(ctx, &awskms.ListAliasesInput{})
			if err != nil {
				t.Fatalf("ListAliases in %s/%s: %v", account, region, err)
			}
			for _, a := range aliases.Aliases {
				if !strings.HasPrefix(aws.ToString(a.AliasName), "alias/aws/") {
					inv["kms_alias"]++
				}
			}
			sn := awssns.NewFromConfig(cfg)
			topics, err := sn.ListTopics(ctx, &awssns.ListTopicsInput{})
			if err != nil {
				t.Fatalf("ListTopics in %s/%s: %v", account, region, err)
			}
			inv["sns_topic"] += len(topics.Topics)
			// The emulator does not implement ListSubscriptions.
			for _, tp := range topics.Topics {
				subs, err := sn.ListSubscriptionsByTopic(ctx, &awssns.ListSubscriptionsByTopicInput{TopicArn: tp.TopicArn})
				if err != nil {
					t.Fatalf("ListSubscriptionsByTopic in %s/%s: %v", account, region, err)
				}
				inv["sns_subscription"] += len(subs.Subscriptions)
			}
		}
	}
	return inv
}
