package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/report"
)

// TestReportFlags: a production bucket in a Region opted out of S3 and a
// production volume encrypted with the AWS managed aws/ebs key are
// flagged; the other production resources are not.
func TestReportFlags(t *testing.T) {
	t.Parallel()
	srv, sp, fleet := emulatedOrg(t, 1, 0)
	ctx := context.Background()
	const account = "333333333333"
	prod := map[string]string{"backup-tier": "production"}
	bucket := srv.AddResource(account, "us-east-1", emulator.S3Bucket, "flagged-bucket-333", prod, 1<<20)
	vol, err := srv.PutResource(emulator.Resource{Account: account, Region: "us-east-1", Type: emulator.EBSVolume, Tags: prod, KMSKeyARN: "aws/ebs", SizeBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	// Someone opts the account out of S3 after apply opted it in.
	if _, err := awsbackup.NewFromConfig(srv.Config(account, "us-east-1")).UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{
		ResourceTypeOptInPreference: map[string]bool{"S3": false}}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * 24 * time.Hour)
	inv, err := report.Collect(ctx, sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 3), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{bucket: "type-opted-out: AWS Backup is opted out of S3", vol.ARN: "aws-managed-key: its backups keep the AWS managed key"}
	seen := 0
	for _, r := range rep.Resources {
		w, flagged := want[r.ARN]
		switch {
		case flagged && (len(r.Flags) != 1 || !strings.HasPrefix(r.Flags[0], w)):
			t.Errorf("%s flags %q, want one starting %q", r.ARN, r.Flags, w)
		case !flagged && len(r.Flags) > 0:
			t.Errorf("%s flags %q, want none", r.ARN, r.Flags)
		}
		if flagged {
			seen++
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d flagged resources in the report", seen, len(want))
	}
}
