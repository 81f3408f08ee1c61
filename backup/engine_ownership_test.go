package backup_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/distribution"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
)

// TestApplyRefusesUnownedResources checks that a plan file edited to
// touch a resource orgbackup does not own — another team's backup policy,
// or a vault the spec names that someone else created — is refused at
// apply with its fingerprint recomputed, before anything is applied, and
// that planning flags a spec resource someone else owns as a check.
func TestApplyRefusesUnownedResources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	kinds, err := backup.Kinds()
	if err != nil {
		t.Fatal(err)
	}
	legalPolicy := `{"plans":{"legal":{"regions":{"@@assign":["us-east-1"]},"rules":{"daily":{"schedule_expression":{"@@assign":"cron(0 5 ? * * *)"},"target_backup_vault_name":{"@@assign":"legal"}}},"selections":{"tags":{"all":{"iam_role_arn":{"@@assign":"arn:aws:iam::$account:role/legal"},"tag_key":{"@@assign":"legal"},"tag_value":{"@@assign":["true"]}}}}}}}`
	mgmtAddr := func(kind, name string) plan.Address {
		return plan.Address{Account: emulator.ManagementAccountID, Region: plan.Global, Kind: kind, Name: name}
	}
	tests := map[string]struct {
		setup  func(t *testing.T, srv *emulator.Server)
		change plan.Change
		owned  bool
	}{
		"someone else's backup policy deleted": {
			setup: func(t *testing.T, srv *emulator.Server) {
				orgs := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
				if _, err := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("legal-backups"), Description: aws.String("legal"),
					Content: aws.String(legalPolicy), Type: orgtypes.PolicyTypeBackupPolicy}); err != nil {
					t.Fatalf("CreatePolicy: %v", err)
				}
			},
			change: plan.NewChange(mgmtAddr(distribution.KindPolicy, "legal-backups"), plan.Delete, distribution.Policy{Name: "legal-backups"}, nil, "edited in"),
		},
		"someone else's backup policy detached": {
			setup: func(t *testing.T, srv *emulator.Server) {
				orgs := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
				if _, err := orgs.CreatePolicy(ctx, &awsorgs.CreatePolicyInput{Name: aws.String("legal-backups"), Description: aws.String("legal"),
					Content: aws.String(legalPolicy), Type: orgtypes.PolicyTypeBackupPolicy,
					Tags: []orgtypes.Tag{{Key: aws.String("orgbackup:managed"), Value: aws.String("true")}, {Key: aws.String("orgbackup:spec"), Value: aws.String("another-spec")}}}); err != nil {
					t.Fatalf("CreatePolicy: %v", err)
				}
			},
			change: plan.NewChange(mgmtAddr(distribution.KindPolicyAttachment, "legal-backups@ou-root-production"), plan.Delete,
				map[string]string{"policy": "legal-backups", "target": "ou-root-production"}, nil, "edited in"),
		},
		"a backup policy that does not exist": {
			change: plan.NewChange(mgmtAddr(distribution.KindPolicy, "legal-backups"), plan.Delete, distribution.Policy{Name: "legal-backups"}, nil, "edited in"),
			owned:  true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newSpecOrg(t, parseSpec(t, baseSpec))
			if tc.setup != nil {
				tc.setup(t, org.srv)
			}
			p := org.plan(t)
			edited := *p
			edited.Changes = append([]plan.Change{tc.change}, p.Changes...)
			if err := edited.Seal(kinds); err != nil {
				t.Fatal(err)
			}
			if err := edited.Verify(); err != nil {
				t.Fatalf("the edited plan's fingerprint does not verify: %v", err)
			}
			org.srv.ResetCallStats()
			_, err := backup.Apply(ctx, org.applyFleet, &edited, allowAll, func(o *backup.ApplyOptions) { o.Now = org.srv.Now })
			var refused *backup.RefusedError
			if tc.owned {
				if errors.As(err, &refused) {
					t.Fatalf("Apply = %v, want no refusal for a resource that does not exist", err)
				}
				return
			}
			if !errors.As(err, &refused) || len(refused.Unowned) != 1 || !strings.Contains(refused.Unowned[0], "legal-backups") {
				t.Fatalf("Apply(edited plan) = %v, want a RefusedError naming legal-backups as not orgbackup's", err)
			}
			if calls := mutatingCalls(org.srv); len(calls) > 0 {
				t.Errorf("a refused plan made mutating calls: %v", calls)
			}
		})
	}
}

// TestPlanFlagsUnownedResources checks that a resource the spec names but
// someone else created is a check in the plan, not a change apply would
// make to it.
func TestPlanFlagsUnownedResources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	bk := awsbackup.NewFromConfig(org.srv.Config("222222222222", "us-east-1"))
	if _, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("central-backup"), BackupVaultTags: map[string]string{"team": "legal"}}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	p := org.plan(t)
	var found []string
	for _, c := range p.Checks {
		if c.Code == "unowned-resource" {
			found = append(found, c.Address)
		}
	}
	if len(found) == 0 {
		t.Fatalf("plan has no unowned-resource check for the vault someone else created:\n%s", planText(p))
	}
	for _, a := range found {
		if !strings.HasPrefix(a, "222222222222/us-east-1/") {
			t.Errorf("unowned-resource check at %s, want only the central vault in 222222222222/us-east-1 and what belongs to it", a)
		}
	}
}
