package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Report files. A report job of a job report plan (BACKUP_JOB_REPORT,
// COPY_JOB_REPORT, RESTORE_JOB_REPORT) writes one file per format of the
// plan's delivery channel (CSV, JSON) to its bucket, at the virtual moment
// the job runs, listing the jobs of the plan's scope created in the 24
// hours before. The scope is the report setting's Accounts ("ROOT" for
// every account of the organization) and OrganizationUnits (the accounts
// under them), in its Regions ("*" for all); without either, the plan's
// own account ("ReportSetting", AWS Backup API Reference). Reports across
// accounts can be created "only by the management account or the
// delegated administrator" ("Creating report plans", AWS Backup Developer
// Guide, cross-account reports); from another account the job fails.
// AWS Backup writes through its service-linked role
// AWSServiceRoleForBackupReports with the bucket-owner-full-control ACL,
// so the bucket policy must allow that role s3:PutObject ("Creating
// report plans": the bucket policy); otherwise the job fails. AWS does not
// document the files' exact columns or JSON layout; the emulator writes
// the job's fields under their API names. Other templates (compliance
// reports) produce no file, as before.

// reportJobWindow is the period a job report covers.
const reportJobWindow = 24 * time.Hour

// reportJobTemplates maps the job report templates to their job kind.
var reportJobTemplates = map[string]string{"BACKUP_JOB_REPORT": "BACKUP_JOB", "COPY_JOB_REPORT": "COPY_JOB", "RESTORE_JOB_REPORT": "RESTORE_JOB"}

// reportColumns are the report files' columns, per job kind.
var reportColumns = map[string][]string{
	"BACKUP_JOB":  {"AccountId", "Region", "BackupJobId", "State", "StatusMessage", "ResourceType", "ResourceArn", "BackupVaultName", "RecoveryPointArn", "IamRoleArn", "CreationDate", "CompletionDate", "BackupSizeInBytes"},
	"COPY_JOB":    {"AccountId", "Region", "CopyJobId", "State", "StatusMessage", "ResourceType", "ResourceArn", "SourceBackupVaultArn", "DestinationBackupVaultArn", "DestinationRecoveryPointArn", "IamRoleArn", "CreationDate", "CompletionDate", "BackupSizeInBytes"},
	"RESTORE_JOB": {"AccountId", "Region", "RestoreJobId", "Status", "StatusMessage", "ResourceType", "RecoveryPointArn", "CreatedResourceArn", "IamRoleArn", "CreationDate", "CompletionDate", "BackupSizeInBytes"},
}

// reportScopeLocked returns the accounts and Regions a report plan of
// owner in region covers, or why it may not cover them.
func (s *Server) reportScopeLocked(owner, region string, set backuptypes.ReportSetting) ([]string, []string, string) {
	var accounts []string
	cross := len(set.Accounts)+len(set.OrganizationUnits) > 0
	if cross && owner != s.org.mgmt && !s.org.isDelegatedAdminLocked(owner, backupServicePrincipal) {
		return nil, nil, "Cross-account reports can be created only by the management account or the delegated administrator for AWS Backup."
	}
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			accounts = append(accounts, a)
		}
	}
	var walk func(n *orgNode)
	walk = func(n *orgNode) {
		if n.kind == orgAccount {
			add(n.id)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	for _, a := range set.Accounts {
		if a == "ROOT" {
			for id, n := range s.org.nodes {
				if n.kind == orgAccount {
					add(id)
				}
			}
		} else {
			add(a)
		}
	}
	for _, ou := range set.OrganizationUnits {
		if n := s.org.nodes[ou]; n != nil && n.kind != orgAccount {
			walk(n)
		}
	}
	if !cross {
		add(owner)
	}
	sort.Strings(accounts)
	regions := slices.Clone(set.Regions)
	if len(regions) == 0 {
		regions = []string{region}
	}
	if slices.Contains(regions, "*") {
		regions = nil
		for k := range s.backup {
			if !slices.Contains(regions, k.region) {
				regions = append(regions, k.region)
			}
		}
	}
	sort.Strings(regions)
	return accounts, regions, ""
}

// reportRowsLocked lists the jobs of kind in scope created in
// [from, to), as rows of reportColumns[kind].
func (s *Server) reportRowsLocked(kind string, accounts, regions []string, from, to time.Time) [][]string {
	var rows [][]string
	in := func(t *time.Time) bool { return t != nil && !t.Before(from) && t.Before(to) }
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	size := func(n *int64) string { return strconv.FormatInt(aws.ToInt64(n), 10) }
	for _, a := range accounts {
		for _, r := range regions {
			b := s.backup[regionKey{a, r}]
			if b == nil {
				continue
			}
			switch kind {
			case "BACKUP_JOB":
				for id, j := range b.backupJobs {
					if in(j.CreationDate) {
						rows = append(rows, []string{a, r, id, string(j.State), aws.ToString(j.StatusMessage), aws.ToString(j.ResourceType), aws.ToString(j.ResourceArn),
							aws.ToString(j.BackupVaultName), aws.ToString(j.RecoveryPointArn), aws.ToString(j.IamRoleArn), date(j.CreationDate), date(j.CompletionDate), size(j.BackupSizeInBytes)})
					}
				}
			case "COPY_JOB":
				for id, j := range b.copyJobs {
					if in(j.CreationDate) {
						rows = append(rows, []string{a, r, id, string(j.State), aws.ToString(j.StatusMessage), aws.ToString(j.ResourceType), aws.ToString(j.ResourceArn),
							aws.ToString(j.SourceBackupVaultArn), aws.ToString(j.DestinationBackupVaultArn), aws.ToString(j.DestinationRecoveryPointArn), aws.ToString(j.IamRoleArn),
							date(j.CreationDate), date(j.CompletionDate), size(j.BackupSizeInBytes)})
					}
				}
			case "RESTORE_JOB":
				for id, j := range b.restoreJobs {
					if in(j.CreationDate) {
						rows = append(rows, []string{a, r, id, string(j.Status), aws.ToString(j.StatusMessage), aws.ToString(j.ResourceType), aws.ToString(j.RecoveryPointArn),
							aws.ToString(j.CreatedResourceArn), aws.ToString(j.IamRoleArn), date(j.CreationDate), date(j.CompletionDate), size(j.BackupSizeInBytes)})
					}
				}
			}
		}
	}
	// Oldest first, then by account, Region and job ID.
	created := len(reportColumns[kind]) - 3
	sort.Slice(rows, func(i, j int) bool {
		x, y := rows[i], rows[j]
		if x[created] != y[created] {
			return x[created] < y[created]
		}
		return strings.Join(x[:3], "\x00") < strings.Join(y[:3], "\x00")
	})
	return rows
}

// reportFile renders rows in format ("CSV" or "JSON").
func reportFile(format string, columns []string, rows [][]string, from, to time.Time) ([]byte, string) {
	if format == "JSON" {
		items := make([]map[string]string, 0, len(rows))
		for _, r := range rows {
			m := map[string]string{}
			for i, c := range columns {
				m[c] = r[i]
			}
			items = append(items, m)
		}
		b, _ := json.Marshal(map[string]any{
			"reportTimePeriodStart": from.UTC().Format(time.RFC3339), "reportTimePeriodEnd": to.UTC().Format(time.RFC3339), "reportItems": items,
		})
		return b, "application/json"
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(columns)
	_ = w.WriteAll(rows)
	return buf.Bytes(), "text/csv"
}

// writeReportFilesLocked runs a report job of plan p owned by account in
// region: it writes the report files and sets the job's status, keys and
// status message.
func (s *Server) writeReportFilesLocked(account, region string, p *backupReportPlan, j *backuptypes.ReportJob) {
	kind, ok := reportJobTemplates[aws.ToString(p.setting.ReportTemplate)]
	fail := func(msg string) {
		j.Status, j.StatusMessage, j.ReportDestination.S3Keys = aws.String("FAILED"), aws.String(msg), []string{}
	}
	if !ok {
		return
	}
	accounts, regions, why := s.reportScopeLocked(account, region, p.setting)
	if why != "" {
		fail(why)
		return
	}
	bucket := s.s3.buckets[aws.ToString(p.channel.S3BucketName)]
	if bucket == nil {
		fail(fmt.Sprintf("The S3 bucket %s does not exist.", aws.ToString(p.channel.S3BucketName)))
		return
	}
	role := "arn:aws:iam::" + account + ":role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports"
	to := s.now
	from := to.Add(-reportJobWindow)
	rows := s.reportRowsLocked(kind, accounts, regions, from, to)
	formats := p.channel.Formats
	if len(formats) == 0 {
		formats = []string{"CSV"} // Formats' default ("ReportDeliveryChannel")
	}
	base := strings.TrimSuffix(j.ReportDestination.S3Keys[0], ".csv")
	var keys []string
	for _, f := range formats {
		key := base + "." + strings.ToLower(f)
		d, err := evalPolicy(bucket.policy, policyResource, policyRequest{
			Principal: &policyPrincipal{Account: account, ARN: "arn:aws:sts::" + account + ":assumed-role/AWSServiceRoleForBackupReports/backup-reports", RoleARN: role},
			Action:    "s3:PutObject",
			Resource:  "arn:aws:s3:::" + bucket.name + "/" + key,
			Context:   map[string][]string{"s3:x-amz-acl": {"bucket-owner-full-control"}, "aws:SecureTransport": {"true"}, "aws:PrincipalAccount": {account}},
		})
		if bucket.policy == "" || err != nil || d != decisionAllow {
			fail(fmt.Sprintf("AWS Backup cannot write to the S3 bucket %s: its bucket policy does not allow %s s3:PutObject.", bucket.name, role))
			return
		}
		data, ctype := reportFile(f, reportColumns[kind], rows, from, to)
		sum := md5.Sum(data)
		bucket.objects[key] = &s3Object{key: key, data: data, etag: `"` + hex.EncodeToString(sum[:]) + `"`, contentType: ctype, modified: s.now}
		keys = append(keys, key)
	}
	j.ReportDestination.S3Keys = keys
}
