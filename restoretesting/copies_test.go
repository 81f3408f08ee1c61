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
)

// backupChanges lists the restore testing changes of p in the backup
// account as "ACTION REGION KIND NAME".
func backupChanges(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Account == "222222222222" && (c.Kind == restoretesting.KindPlan || c.Kind == restoretesting.KindSelection) {
			out = append(out, c.Action.String()+" "+c.Region+" "+c.Kind+" "+c.Name)
		}
	}
	slices.Sort(out)
	return out
}

// TestCentralRestoreTests deploys a tier that tests its central copies and
// checks that the backup account gets a restore testing plan of the
// central vault in the primary Region, that it converges, and that the
// emulator restores a central copy on the 1st of the month.
func TestCentralRestoreTests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	const account, backupAccount = "333333333333", "222222222222"
	tags := map[string]string{"backup-tier": "production"}
	srv.AddResource(account, "us-east-1", emulator.RDSInstance, "orders", tags, 20<<30)
	srv.AddResource(account, "us-east-1", emulator.RDSInstance, "billing", tags, 10<<30)
	sp := parse(t, ", restore_testing: {vaults: [local, central], resource_types: [RDS]}")
	name := restoretesting.CopiesPlanName("production")

	first := orgtest.Converge(t, srv, sp)
	if diff := cmp.Diff([]string{"create us-east-1 backup_restore_testing_plan " + name}, backupChanges(first)); diff != "" {
		t.Errorf("first plan's backup-account restore testing (-want +got):\n%s", diff)
	}
	api := awsbackup.NewFromConfig(srv.Config(backupAccount, "us-east-1"))
	got, err := api.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{sp.CentralVaultARN("us-east-1")}, got.RestoreTestingPlan.RecoveryPointSelection.IncludeVaults); diff != "" {
		t.Errorf("IncludeVaults (-want +got):\n%s", diff)
	}

	srv.Advance(26 * time.Hour) // the first daily backups and their central copies
	second := orgtest.Converge(t, srv, sp)
	if diff := cmp.Diff([]string{"create us-east-1 backup_restore_testing_selection " + name + "/orgbackup_RDS"}, backupChanges(second)); diff != "" {
		t.Errorf("second plan's backup-account restore testing (-want +got):\n%s", diff)
	}
	if third := orgtest.Converge(t, srv, sp); len(backupChanges(third)) > 0 {
		t.Errorf("plan after apply has backup-account restore testing changes: %v", backupChanges(third))
	}
	sel, err := api.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{
		RestoreTestingPlanName: aws.String(name), RestoreTestingSelectionName: aws.String("orgbackup_RDS"),
	})
	if err != nil {
		t.Fatal(err)
	}
	arns := sel.RestoreTestingSelection.ProtectedResourceArns
	if len(arns) != 1 || !strings.Contains(arns[0], account) {
		t.Errorf("central RDS selection lists %v, want 1 of the 2 resources of %s (count 1)", arns, account)
	}

	srv.AdvanceTo(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	jobs, err := api.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range jobs.RestoreJobs {
		if j.CreatedBy == nil || !strings.Contains(aws.ToString(j.CreatedBy.RestoreTestingPlanArn), name) {
			continue
		}
		n++
		if j.Status != backuptypes.RestoreJobStatusCompleted {
			t.Errorf("restore test %s is %s: %s", aws.ToString(j.RestoreJobId), j.Status, aws.ToString(j.StatusMessage))
		}
		if !strings.Contains(aws.ToString(j.RecoveryPointArn), backupAccount) {
			t.Errorf("restore test %s restored %s, not a recovery point of the backup account", aws.ToString(j.RestoreJobId), aws.ToString(j.RecoveryPointArn))
		}
	}
	if n == 0 {
		t.Errorf("no restore test of the central vault on February 1; jobs: %d", len(jobs.RestoreJobs))
	}
}

// TestSecondaryRestoreTests checks that a tier testing its secondary
// copies gets a plan of the secondary vault in the backup account's
// secondary Region, and that dropping the vault deletes it.
func TestSecondaryRestoreTests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	srv.AddResource("333333333333", "us-east-1", emulator.RDSInstance, "orders", map[string]string{"backup-tier": "production"}, 1<<30)
	name := restoretesting.CopiesPlanName("production")
	sp := parse(t, ", restore_testing: {vaults: [secondary], resource_types: [RDS]}")
	if diff := cmp.Diff([]string{"create us-west-2 backup_restore_testing_plan " + name}, backupChanges(orgtest.Converge(t, srv, sp))); diff != "" {
		t.Errorf("first plan (-want +got):\n%s", diff)
	}
	got, err := awsbackup.NewFromConfig(srv.Config("222222222222", "us-west-2")).GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{sp.CentralVaultARN("us-west-2")}, got.RestoreTestingPlan.RecoveryPointSelection.IncludeVaults); diff != "" {
		t.Errorf("IncludeVaults (-want +got):\n%s", diff)
	}
	want := []string{
		"delete us-west-2 backup_restore_testing_plan " + name,
	}
	if diff := cmp.Diff(want, backupChanges(orgtest.Converge(t, srv, parse(t, ", restore_testing: {vaults: [local]}")))); diff != "" {
		t.Errorf("plan without the secondary vault (-want +got):\n%s", diff)
	}
	if p := orgtest.Converge(t, srv, parse(t, ", restore_testing: {vaults: [local]}")); len(backupChanges(p)) > 0 {
		t.Errorf("plan after the deletion: %v", backupChanges(p))
	}
}
