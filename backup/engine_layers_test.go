package backup_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestTiersSideBySide: a base tier and a data-class tier target the same
// OU; their plans run side by side in its accounts, in both distributions,
// and a resource each selects is backed up by each.
func TestTiersSideBySide(t *testing.T) {
	t.Parallel()
	layered := editSpec(t, baseSpec, "  development: {targets: [Development]}\n", "  development: {targets: [Development]}\n"+
		"  critical: {schedule: \"cron(0 6 * * ? *)\", local_retention: 14d, selection: {tags: {data-class: critical}}, targets: [Production]}\n")
	direct := editSpec(t, layered, "  regions: {primary: us-east-1, secondary: us-west-2}\n", "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: direct\n")
	for name, yaml := range map[string]string{"policies": layered, "direct": direct} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := newSpecOrg(t, parseSpec(t, yaml))
			srv, ctx := org.srv, context.Background()
			const account = "333333333333"
			both := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": "production", "data-class": "critical"}, 1<<30)
			org.converge(t)

			if name == "policies" {
				out, err := awsorgs.NewFromConfig(srv.Config("111111111111", "us-east-1")).DescribeEffectivePolicy(ctx, &awsorgs.DescribeEffectivePolicyInput{
					PolicyType: orgtypes.EffectivePolicyTypeBackupPolicy, TargetId: aws.String(account)})
				if err != nil {
					t.Fatal(err)
				}
				doc := aws.ToString(out.EffectivePolicy.PolicyContent)
				for _, p := range []string{"orgbackup-production", "orgbackup-critical"} {
					if !strings.Contains(doc, `"`+p+`"`) {
						t.Errorf("effective policy of %s has no plan %s: %s", account, p, doc)
					}
				}
			}
			bk := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"))
			if name == "direct" {
				plans, err := bk.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
				if err != nil || len(plans.BackupPlansList) != 2 {
					t.Fatalf("ListBackupPlans in %s: %v, %d plans; want the two tiers' plans", account, err, len(plans.BackupPlansList))
				}
			}
			srv.Advance(24 * time.Hour)
			jobs, err := bk.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByResourceArn: aws.String(both)})
			if err != nil {
				t.Fatal(err)
			}
			byPlan := map[string]int{}
			for _, j := range jobs.BackupJobs {
				if j.CreatedBy != nil {
					byPlan[aws.ToString(j.CreatedBy.BackupPlanId)]++
				}
			}
			if len(byPlan) != 2 {
				t.Errorf("backup jobs of %s by plan: %v, want jobs from both tiers' plans", both, byPlan)
			}
		})
	}
}
