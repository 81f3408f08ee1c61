package auditreports_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/auditreports"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/managedtags"
	"github.com/orgbackup/orgbackup/plan"
)

const account = "222222222222"

// converge plans with planFn, applies every change through the package's
// kinds, and checks that planning again finds nothing; it returns the
// first plan's changes.
func converge(t *testing.T, cfg aws.Config, planFn func() ([]plan.Change, error)) []plan.Change {
	t.Helper()
	kinds, err := plan.NewKinds(auditreports.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	changes, err := planFn()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		k, ok := kinds.Lookup(c.Kind)
		if !ok {
			t.Fatalf("no kind %q", c.Kind)
		}
		if err := k.Apply(context.Background(), plan.ApplyEnv{Config: cfg}, c); err != nil {
			t.Fatalf("applying %s: %v", c.Address, err)
		}
	}
	again, err := planFn()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again {
		t.Errorf("second plan is not empty: %s %s: %s", c.Action, c.Address, c.Reason)
	}
	return changes
}

// TestConverge creates the reports bucket, a report plan and a framework
// on the emulator, then changes the framework's controls and the tags, and
// checks each plan converges with the changes expected.
func TestConverge(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := srv.Config(account, "us-east-1")
	bk, s3 := awsbackup.NewFromConfig(cfg), awss3.NewFromConfig(cfg)
	tags := managedtags.For("test", map[string]string{"team": "platform"})
	bucket := auditreports.Bucket{Name: "reports-" + account, Region: "us-east-1", Policy: auditreports.BucketPolicy(account, "reports-"+account), Encryption: "AES256", BlockPublicAccess: true, Tags: tags}
	rp := auditreports.ReportPlan{Name: "orgbackup_backup_job_report", Template: "BACKUP_JOB_REPORT", Bucket: bucket.Name, KeyPrefix: "orgbackup", Formats: []string{"CSV"}, Regions: []string{"us-east-1"}, Tags: tags}
	fw := auditreports.Framework{Name: "controls", Controls: []string{"BACKUP_RECOVERY_POINT_ENCRYPTED"}, Tags: tags}

	all := func() ([]plan.Change, error) {
		var out []plan.Change
		for _, f := range []func() ([]plan.Change, error){
			func() ([]plan.Change, error) { return auditreports.PlanBucket(ctx, s3, account, bucket) },
			func() ([]plan.Change, error) { return auditreports.PlanReportPlan(ctx, bk, account, "us-east-1", rp) },
			func() ([]plan.Change, error) { return auditreports.PlanFramework(ctx, bk, account, "us-east-1", fw) },
		} {
			cs, err := f()
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		return out, nil
	}
	created := converge(t, cfg, all)
	want := map[string]plan.Action{
		account + "/us-east-1/s3_bucket/" + bucket.Name: plan.Create,
		account + "/us-east-1/report_plan/" + rp.Name:   plan.Create,
		account + "/us-east-1/framework/" + fw.Name:     plan.Create,
	}
	if len(created) != len(want) {
		t.Fatalf("first plan has %d changes, want %d", len(created), len(want))
	}
	for _, c := range created {
		if want[c.Address.String()] != c.Action {
			t.Errorf("unexpected change %s %s", c.Action, c.Address)
		}
	}

	// Another control and another tag value: the framework and the report
	// plan are updated in place, the bucket too (its tags).
	fw.Controls = append(fw.Controls, "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN")
	tags["team"] = "storage"
	updated := converge(t, cfg, all)
	if len(updated) != 3 {
		t.Errorf("update plan has %d changes, want 3 (bucket tags, report plan tags, framework)", len(updated))
	}
	for _, c := range updated {
		if c.Action != plan.Update {
			t.Errorf("%s: %s, want an update", c.Address, c.Action)
		}
	}
}
