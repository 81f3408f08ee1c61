package emulator_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/emulator"
)

// reportBucket creates the reports bucket of account with the policy that
// lets AWS Backup's reports role deliver, unless policy is false.
func reportBucket(t *testing.T, srv *emulator.Server, account, name string, policy bool) {
	t.Helper()
	ctx := context.Background()
	s3c := awss3.NewFromConfig(srv.Config(account, "us-east-1"))
	must(s3c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(name)}))(t, "CreateBucket")
	if !policy {
		return
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account +
		`:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + name +
		`/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`
	must(s3c.PutBucketPolicy(ctx, &awss3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(doc)}))(t, "PutBucketPolicy")
}

func readObject(t *testing.T, srv *emulator.Server, account, bucket, key string) []byte {
	t.Helper()
	out := must(awss3.NewFromConfig(srv.Config(account, "us-east-1")).GetObject(context.Background(), &awss3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}))(t, "GetObject "+key)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReportFilesOrganization: a backup job report plan of the delegated
// administrator scoped to the organization (Accounts ROOT) writes a CSV
// and a JSON file listing the jobs of every account of its Regions from
// the last 24 hours; the same plan in a member account that is not the
// delegated administrator fails, as does a bucket whose policy does not
// admit AWS Backup's reports role.
func TestReportFilesOrganization(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		delegate, policy bool
		setting          backuptypes.ReportSetting
		wantStatus       string
		wantAccounts     []string
		wantMessage      string
	}{
		"organization from the delegated administrator": {delegate: true, policy: true, wantStatus: "COMPLETED",
			setting:      backuptypes.ReportSetting{Accounts: []string{"ROOT"}, Regions: []string{"us-east-1"}},
			wantAccounts: []string{"333333333333", "444444444444"}},
		"an OU": {delegate: true, policy: true, wantStatus: "COMPLETED",
			setting:      backuptypes.ReportSetting{OrganizationUnits: []string{"ou-root-staging1"}, Regions: []string{"*"}},
			wantAccounts: []string{"444444444444"}},
		"own account only": {policy: true, wantStatus: "COMPLETED", setting: backuptypes.ReportSetting{}, wantAccounts: []string{}},
		"organization from another account": {delegate: false, policy: true, wantStatus: "FAILED", wantMessage: "delegated administrator",
			setting: backuptypes.ReportSetting{Accounts: []string{"ROOT"}}},
		"bucket policy without the reports role": {delegate: true, policy: false, wantStatus: "FAILED", wantMessage: "bucket policy",
			setting: backuptypes.ReportSetting{Accounts: []string{"ROOT"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newTestServer(t)
			const admin = emulator.BackupAccountID
			if tc.delegate {
				mgmt := awsorgs.NewFromConfig(srv.Config(emulator.ManagementAccountID, "us-east-1"))
				must(mgmt.EnableAWSServiceAccess(ctx, &awsorgs.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}))(t, "EnableAWSServiceAccess")
				must(mgmt.RegisterDelegatedAdministrator(ctx, &awsorgs.RegisterDelegatedAdministratorInput{AccountId: aws.String(admin), ServicePrincipal: aws.String("backup.amazonaws.com")}))(t, "RegisterDelegatedAdministrator")
			}
			// One failing job in each of two accounts; one older than a day.
			for _, a := range []string{"333333333333", "444444444444"} {
				c := vtAccount(t, srv, a, "us-east-1", "local")
				arn := srv.AddResource(a, "us-east-1", emulator.DynamoDBTable, "", nil, 1<<20)
				must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))(t, "StartBackupJob")
			}
			srv.Advance(25 * time.Hour)
			for _, a := range []string{"333333333333", "444444444444"} {
				c := vtAccount(t, srv, a, "us-east-1")
				arn := srv.AddResource(a, "us-east-1", emulator.DynamoDBTable, "", nil, 1<<20)
				must(c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("local"), ResourceArn: aws.String(arn), IamRoleArn: aws.String("arn:aws:iam::" + a + ":role/Missing")}))(t, "StartBackupJob")
			}
			srv.Advance(2 * time.Hour)
			reportBucket(t, srv, admin, "reports", tc.policy)
			c := backupClientFor(srv, admin)
			set := tc.setting
			set.ReportTemplate = aws.String("BACKUP_JOB_REPORT")
			must(c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"), ReportSetting: &set,
				ReportDeliveryChannel: &backuptypes.ReportDeliveryChannel{S3BucketName: aws.String("reports"), S3KeyPrefix: aws.String("org"), Formats: []string{"CSV", "JSON"}}}))(t, "CreateReportPlan")
			id := must(c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("jobs")}))(t, "StartReportJob").ReportJobId
			j := must(c.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: id}))(t, "DescribeReportJob").ReportJob
			if aws.ToString(j.Status) != tc.wantStatus || !strings.Contains(aws.ToString(j.StatusMessage), tc.wantMessage) {
				t.Fatalf("report job %s (%s), want %s (%q)", aws.ToString(j.Status), aws.ToString(j.StatusMessage), tc.wantStatus, tc.wantMessage)
			}
			if tc.wantStatus != "COMPLETED" {
				return
			}
			keys := j.ReportDestination.S3Keys
			if len(keys) != 2 || !strings.HasSuffix(keys[0], ".csv") || !strings.HasSuffix(keys[1], ".json") {
				t.Fatalf("report keys %v, want a .csv and a .json", keys)
			}
			rows, err := csv.NewReader(strings.NewReader(string(readObject(t, srv, admin, "reports", keys[0])))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[0])
				if r[3] != "FAILED" || !strings.Contains(r[4], "Unable to assume role") {
					t.Errorf("row %v", r)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.wantAccounts, " ") {
				t.Errorf("CSV accounts %v, want %v (jobs of the last 24 hours only)", got, tc.wantAccounts)
			}
			var doc struct {
				Items []map[string]string `json:"reportItems"`
			}
			if err := json.Unmarshal(readObject(t, srv, admin, "reports", keys[1]), &doc); err != nil || len(doc.Items) != len(tc.wantAccounts) {
				t.Errorf("JSON report: %v, %d items, want %d", err, len(doc.Items), len(tc.wantAccounts))
			}
		})
	}
}
