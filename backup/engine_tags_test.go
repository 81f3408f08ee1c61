package backup_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"
)

// TestTagsConverge changes a spec tag's value on a converged organization
// whose report plan, framework and backup policy carry a tag someone else
// added and a stale tag in orgbackup's namespace: the plan updates exactly
// those kinds' tags, apply sets the new value, keeps the other tag and
// removes the stale one, and the next plan is empty.
func TestTagsConverge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	org.converge(t)

	bk := awsbackup.NewFromConfig(org.srv.Config("222222222222", "us-east-1"))
	orgs := awsorgs.NewFromConfig(org.srv.Config("111111111111", "us-east-1"))
	rp, err := bk.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String("orgbackup_backup_job_report")})
	if err != nil {
		t.Fatal(err)
	}
	fw, err := bk.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("orgbackup_controls")})
	if err != nil {
		t.Fatal(err)
	}
	policies, err := orgs.ListPolicies(ctx, &awsorgs.ListPoliciesInput{Filter: orgtypes.PolicyTypeBackupPolicy})
	if err != nil {
		t.Fatal(err)
	}
	var policyID string
	for _, p := range policies.Policies {
		if aws.ToString(p.Name) == "orgbackup-production" {
			policyID = aws.ToString(p.Id)
		}
	}
	if policyID == "" {
		t.Fatalf("no orgbackup-production policy in %+v", policies.Policies)
	}
	others := map[string]string{"owner": "finance", "orgbackup:stale": "x"}
	for _, arn := range []string{aws.ToString(rp.ReportPlan.ReportPlanArn), aws.ToString(fw.FrameworkArn)} {
		if _, err := bk.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(arn), Tags: others}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := orgs.TagResource(ctx, &awsorgs.TagResourceInput{ResourceId: aws.String(policyID), Tags: []orgtypes.Tag{
		{Key: aws.String("owner"), Value: aws.String("finance")}, {Key: aws.String("orgbackup:stale"), Value: aws.String("x")},
	}}); err != nil {
		t.Fatal(err)
	}

	org.respec(t, editSpec(t, baseSpec, "  cost-center: platform\n", "  cost-center: storage\n"))
	p := org.plan(t)
	got := map[string]bool{}
	for _, c := range p.Changes {
		if c.Kind == "report_plan" || c.Kind == "framework" || c.Kind == "backup_policy" {
			got[c.Address.String()] = true
		}
	}
	for _, addr := range []string{
		"222222222222/us-east-1/report_plan/orgbackup_backup_job_report",
		"222222222222/us-east-1/report_plan/orgbackup_copy_job_report",
		"222222222222/us-east-1/report_plan/orgbackup_resource_compliance_report",
		"222222222222/us-east-1/framework/orgbackup_controls",
		mgmt + "backup_policy/orgbackup-production",
		mgmt + "backup_policy/orgbackup-development",
	} {
		if !got[addr] {
			t.Errorf("plan does not update %s:\n%s", addr, planText(p))
		}
	}
	if res := org.apply(t, p, allowAll); res.Err() != nil {
		t.Fatalf("Apply: %v", res.Err())
	}
	org.wantConverged(t)

	want := map[string]string{"cost-center": "storage", "owner": "finance", "orgbackup:managed": "true", "orgbackup:spec": "engine-test"}
	for _, arn := range []string{aws.ToString(rp.ReportPlan.ReportPlanArn), aws.ToString(fw.FrameworkArn)} {
		out, err := bk.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, out.Tags); diff != "" {
			t.Errorf("tags of %s (-want +got):\n%s", arn, diff)
		}
	}
	out, err := orgs.ListTagsForResource(ctx, &awsorgs.ListTagsForResourceInput{ResourceId: aws.String(policyID)})
	if err != nil {
		t.Fatal(err)
	}
	gotPolicy := map[string]string{}
	for _, tag := range out.Tags {
		gotPolicy[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if diff := cmp.Diff(want, gotPolicy); diff != "" {
		t.Errorf("tags of policy %s (-want +got):\n%s", policyID, diff)
	}
}
