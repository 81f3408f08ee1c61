package emulator_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/emulator"
)

// TestJobSummaries counts jobs per resource type and state with ANY,
// sums them with AGGREGATE_ALL, filters by a value, and keeps the
// 14-day horizon.
func TestJobSummaries(t *testing.T) {
	t.Parallel()
	const acct, region = "333333333333", "us-east-1"
	ctx := context.Background()
	srv := newTestServer(t)
	c := vtAccount(t, srv, acct, region, "local")
	old := vtOnDemand(t, c, acct, "local", srv.AddResource(acct, region, emulator.EBSVolume, "", nil, 1<<30), nil)
	srv.Advance(20 * 24 * time.Hour) // the first job falls out of the 14 days
	for _, typ := range []emulator.ResourceType{emulator.EBSVolume, emulator.EBSVolume, emulator.EFSFileSystem} {
		vtOnDemand(t, c, acct, "local", srv.AddResource(acct, region, typ, "", nil, 1<<30), nil)
	}
	srv.Advance(time.Hour)
	_ = old

	summary := func(in *awsbackup.ListBackupJobSummariesInput) []string {
		t.Helper()
		out := must(c.ListBackupJobSummaries(ctx, in))(t, "ListBackupJobSummaries")
		var got []string
		for _, s := range out.BackupJobSummaries {
			got = append(got, fmt.Sprintf("%s/%s/%s=%d", aws.ToString(s.AccountId), aws.ToString(s.ResourceType), s.State, s.Count))
		}
		return got
	}
	tests := map[string]struct {
		in   *awsbackup.ListBackupJobSummariesInput
		want []string
	}{
		"per type": {
			in:   &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: backuptypes.AggregationPeriodFourteenDays, MessageCategory: aws.String("AGGREGATE_ALL")},
			want: []string{acct + "/EBS/COMPLETED=2", acct + "/EFS/COMPLETED=1"},
		},
		"all types summed": {
			in:   &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: backuptypes.AggregationPeriodSevenDays, ResourceType: aws.String("AGGREGATE_ALL"), MessageCategory: aws.String("AGGREGATE_ALL")},
			want: []string{acct + "//COMPLETED=3"},
		},
		"one type per day": {
			in:   &awsbackup.ListBackupJobSummariesInput{ResourceType: aws.String("EFS"), MessageCategory: aws.String("AGGREGATE_ALL")},
			want: []string{acct + "/EFS/COMPLETED=1"},
		},
		"no failed jobs": {
			in: &awsbackup.ListBackupJobSummariesInput{State: backuptypes.BackupJobStatusFailed},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, summary(tc.in)); diff != "" {
				t.Errorf("summaries mismatch (-want +got):\n%s", diff)
			}
		})
	}
	copies := must(c.ListCopyJobSummaries(ctx, &awsbackup.ListCopyJobSummariesInput{}))(t, "ListCopyJobSummaries")
	if len(copies.CopyJobSummaries) != 0 || aws.ToString(copies.AggregationPeriod) != "ONE_DAY" {
		t.Errorf("ListCopyJobSummaries = %d summaries, period %q; want none, ONE_DAY", len(copies.CopyJobSummaries), aws.ToString(copies.AggregationPeriod))
	}
	if _, err := c.ListBackupJobSummaries(ctx, &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: "ONE_WEEK"}); err == nil {
		t.Error("AggregationPeriod ONE_WEEK accepted")
	}
}

func TestGetSupportedResourceTypes(t *testing.T) {
	t.Parallel()
	_, c := newBackupClient(t, "222222222222")
	out := must(c.GetSupportedResourceTypes(context.Background(), &awsbackup.GetSupportedResourceTypesInput{}))(t, "GetSupportedResourceTypes")
	for _, want := range []string{"EC2", "EBS", "EFS", "RDS", "Aurora", "DynamoDB", "S3"} {
		found := false
		for _, got := range out.ResourceTypes {
			found = found || got == want
		}
		if !found {
			t.Errorf("GetSupportedResourceTypes lacks %s: %v", want, out.ResourceTypes)
		}
	}
}
