package report_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/report"
)

// TestCollectNeverTagged checks that a workload resource that was never
// tagged, which the Tagging API does not list, is found through AWS Config
// and reported as needing a decision in every format, and that a Region
// whose inventory cannot be read is not proven rather than clean.
func TestCollectNeverTagged(t *testing.T) {
	t.Parallel()
	srv, sp, fleet := emulatedOrg(t, 2, 0)
	const vol = "vol-0feedfacefeedface"
	arn := srv.AddResource("333333333333", "us-east-1", emulator.EBSVolume, vol, nil, 1<<30)
	// The inventory of the staging account cannot be read.
	srv.AddFault(emulator.Fault{Service: "config", Operation: "ListDiscoveredResources", Account: "444444444444", ErrorRate: 1})
	inv, err := report.Collect(context.Background(), sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 2), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	var got *report.Resource
	for i := range rep.Resources {
		if rep.Resources[i].ARN == arn {
			got = &rep.Resources[i]
		}
	}
	if got == nil {
		t.Fatalf("the never-tagged volume %s is not in the report", arn)
	}
	reasons := strings.Join(got.Reasons, "; ")
	if got.Status != report.StatusUntiered || !got.Untagged || !strings.Contains(reasons, "untagged: needs a decision") || !strings.Contains(reasons, "fix: tag it with the selection tag") {
		t.Errorf("never-tagged volume: status %s, untagged %t, reasons %q; want untiered, untagged, needing a decision with the fix", got.Status, got.Untagged, reasons)
	}
	if rep.Compliant() {
		t.Errorf("report is compliant with an unprotected volume and an unreadable inventory")
	}
	for _, f := range []string{report.FormatMarkdown, report.FormatJSON, report.FormatCSV, report.FormatHTML} {
		b, err := report.Render(rep, f)
		if err != nil {
			t.Fatalf("Render(%s): %v", f, err)
		}
		if !strings.Contains(string(b), vol) || !strings.Contains(string(b), "needs a decision") {
			t.Errorf("%s report does not list %s as needing a decision", f, vol)
		}
	}
	why, ok := inv.Unreadable["444444444444/us-east-1"]
	if !ok || !strings.Contains(why, "listing untagged resources") {
		t.Errorf("Unreadable[444444444444/us-east-1] = %q, %t; want the inventory failure", why, ok)
	}
	if _, ok := inv.Unreadable["333333333333/us-east-1"]; ok {
		t.Errorf("the production account is unreadable: %v", inv.Unreadable)
	}
}

// TestCollectConfigRecorderOff checks that a Region whose AWS Config
// recorder is stopped, or does not record a type the report lists, is
// not proven: an empty inventory there proves nothing.
func TestCollectConfigRecorderOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, sp, fleet := emulatedOrg(t, 1, 0)
	stopped := awsconfig.NewFromConfig(srv.Config("333333333333", "us-east-1"))
	if _, err := stopped.StopConfigurationRecorder(ctx, &awsconfig.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatalf("StopConfigurationRecorder: %v", err)
	}
	partial := awsconfig.NewFromConfig(srv.Config("444444444444", "us-east-1"))
	if _, err := partial.PutConfigurationRecorder(ctx, &awsconfig.PutConfigurationRecorderInput{ConfigurationRecorder: &configtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::444444444444:role/config"),
		RecordingGroup: &configtypes.RecordingGroup{RecordingStrategy: &configtypes.RecordingStrategy{UseOnly: configtypes.RecordingStrategyTypeExclusionByResourceTypes},
			ExclusionByResourceTypes: &configtypes.ExclusionByResourceTypes{ResourceTypes: []configtypes.ResourceType{configtypes.ResourceTypeVolume}}},
	}}); err != nil {
		t.Fatalf("PutConfigurationRecorder: %v", err)
	}
	inv, err := report.Collect(ctx, sp, report.FromConfigs(fleet), report.LastDays(srv.Now(), 1), func(o *report.Options) {
		o.MonitoringAccount = sp.Organization.ManagementAccount
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	for key, want := range map[string]string{
		"333333333333/us-east-1": "recorder default is not recording",
		"444444444444/us-east-1": "does not record AWS::EC2::Volume",
	} {
		if why := inv.Unreadable[key]; !strings.Contains(why, want) {
			t.Errorf("Unreadable[%s] = %q, want it to say %q", key, why, want)
		}
	}
	if why, ok := inv.Unreadable["555555555555/us-east-1"]; ok {
		t.Errorf("an account whose recorder records everything is unreadable: %s", why)
	}
	rep, err := report.Evaluate(sp, inv)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if v := rep.Verdict.Status; v == report.VerdictProtected || v == report.VerdictNeedsDecision {
		t.Errorf("verdict %s with two Regions' inventories unproven, want not proven (or not protected)", v)
	}
}
