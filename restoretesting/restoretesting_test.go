package restoretesting_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/internal/orgtest"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/restoretesting"
	"github.com/orgbackup/orgbackup/spec"
)

const testSpec = `version: 1
name: rt-test
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production: {targets: [Production]RESTORE}
local:
  vault: local-backup
`

func parse(t *testing.T, restore string) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse("inline.yaml", []byte(strings.Replace(testSpec, "RESTORE", restore, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// kindChanges lists the restore testing changes of p in account as
// "ACTION ADDRESS-NAME".
func kindChanges(p *plan.Plan, account string) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Account == account && c.Region == "us-east-1" && (c.Kind == restoretesting.KindPlan || c.Kind == restoretesting.KindSelection) {
			out = append(out, c.Action.String()+" "+c.Kind+" "+c.Name)
		}
	}
	slices.Sort(out)
	return out
}

// TestProductionRestoreTests deploys the production preset's restore
// testing and checks that the emulator runs it on the 1st of the month:
// one of the two databases and the one file system restored from the local
// vault with the backup role, then deleted after the validation window.
func TestProductionRestoreTests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const account = "333333333333"
	tags := map[string]string{"backup-tier": "production"}
	srv.AddResource(account, "us-east-1", emulator.RDSInstance, "orders", tags, 20<<30)
	srv.AddResource(account, "us-east-1", emulator.RDSInstance, "billing", tags, 10<<30)
	srv.AddResource(account, "us-east-1", emulator.EFSFileSystem, "", tags, 5<<30)
	sp := parse(t, "")

	first := orgtest.Converge(t, srv, sp)
	if diff := cmp.Diff([]string{"create backup_restore_testing_plan orgbackup_production"}, kindChanges(first, account)); diff != "" {
		t.Errorf("first plan's restore testing (-want +got):\n%s", diff)
	}
	srv.Advance(26 * time.Hour) // the first daily backups
	second := orgtest.Converge(t, srv, sp)
	want := []string{
		"create backup_restore_testing_selection orgbackup_production/orgbackup_EFS",
		"create backup_restore_testing_selection orgbackup_production/orgbackup_RDS",
	}
	if diff := cmp.Diff(want, kindChanges(second, account)); diff != "" {
		t.Errorf("second plan's restore testing (-want +got):\n%s", diff)
	}
	if third := orgtest.Converge(t, srv, sp); len(kindChanges(third, account)) > 0 {
		t.Errorf("plan after apply has restore testing changes: %v", kindChanges(third, account))
	}

	api := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"))
	sel, err := api.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{
		RestoreTestingPlanName: aws.String("orgbackup_production"), RestoreTestingSelectionName: aws.String("orgbackup_RDS"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sel.RestoreTestingSelection.ProtectedResourceArns); n != 1 {
		t.Errorf("RDS selection lists %d resources, want 1 of 2 (count 1)", n)
	}

	srv.AdvanceTo(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	jobs, err := api.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]int{}
	for _, j := range jobs.RestoreJobs {
		if j.CreatedBy == nil || !strings.Contains(aws.ToString(j.CreatedBy.RestoreTestingPlanArn), "orgbackup_production") {
			continue
		}
		if j.Status != backuptypes.RestoreJobStatusCompleted {
			t.Errorf("restore test %s is %s: %s", aws.ToString(j.RestoreJobId), j.Status, aws.ToString(j.StatusMessage))
		}
		if j.DeletionStatus != backuptypes.RestoreDeletionStatusSuccessful {
			t.Errorf("restored resource of %s not deleted after the validation window: %q", aws.ToString(j.RestoreJobId), j.DeletionStatus)
		}
		byType[aws.ToString(j.ResourceType)]++
	}
	if diff := cmp.Diff(map[string]int{"RDS": 1, "EFS": 1}, byType); diff != "" {
		t.Errorf("restore tests on February 1 by type (-want +got):\n%s", diff)
	}
}

// TestDisabledRemovesRestoreTesting checks that turning restore testing
// off deletes the plan and its selections orgbackup created.
func TestDisabledRemovesRestoreTesting(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const account = "333333333333"
	srv.AddResource(account, "us-east-1", emulator.RDSInstance, "orders", map[string]string{"backup-tier": "production"}, 1<<30)
	orgtest.Converge(t, srv, parse(t, ""))
	srv.Advance(26 * time.Hour)
	orgtest.Converge(t, srv, parse(t, ""))
	p := orgtest.Converge(t, srv, parse(t, ", restore_testing: {enabled: false}"))
	want := []string{
		"delete backup_restore_testing_plan orgbackup_production",
		"delete backup_restore_testing_selection orgbackup_production/orgbackup_RDS",
	}
	if diff := cmp.Diff(want, kindChanges(p, account)); diff != "" {
		t.Errorf("plan's restore testing (-want +got):\n%s", diff)
	}
	out, err := awsbackup.NewFromConfig(srv.Config(account, "us-east-1")).ListRestoreTestingPlans(context.Background(), &awsbackup.ListRestoreTestingPlansInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RestoreTestingPlans) != 0 {
		t.Errorf("restore testing plans left: %d", len(out.RestoreTestingPlans))
	}
}

// TestSample checks that a sample is stable, sized and sorted.
func TestSample(t *testing.T) {
	t.Parallel()
	arns := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	got := restoretesting.Sample(arns, 3, "seed")
	if len(got) != 3 || !slices.IsSorted(got) {
		t.Fatalf("Sample = %v, want 3 sorted", got)
	}
	if again := restoretesting.Sample(reversed(arns), 3, "seed"); !slices.Equal(got, again) {
		t.Errorf("Sample depends on input order: %v, %v", got, again)
	}
	if other := restoretesting.Sample(arns, 3, "other"); slices.Equal(got, other) {
		t.Logf("seeds chose the same sample %v (possible, unlikely)", got)
	}
	if all := restoretesting.Sample(arns, 10, "seed"); !slices.Equal(all, arns) {
		t.Errorf("Sample of more than there are = %v, want all", all)
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
