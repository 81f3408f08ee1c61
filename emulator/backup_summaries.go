package emulator

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Job summaries (ListBackupJobSummaries, ListCopyJobSummaries in the AWS
// Backup API reference): job counts over the prior 14 days, per day
// (ONE_DAY) or over the whole of the prior 7 or 14 days, grouped by account,
// resource type, state and message category. For each of these a request
// names one value (count only it), ANY (one count per value) or
// AGGREGATE_ALL (one count over all values). The reference is silent on an
// omitted filter; the emulator treats it as ANY, and an omitted period as
// ONE_DAY, the first the reference lists.

const (
	summaryAny          = "ANY"
	summaryAggregateAll = "AGGREGATE_ALL"
)

// jobFact is what a summary counts of one job.
type jobFact struct {
	account, resourceType, state, category string
	created                                time.Time
}

// summaryKey is one group of a summary.
type summaryKey struct {
	account, resourceType, state, category string
	start, end                             time.Time
}

// summaryFilter is one dimension's request value.
type summaryFilter string

// group returns the key value of v for this dimension, and whether v counts.
func (f summaryFilter) group(v string) (string, bool) {
	switch string(f) {
	case "", summaryAny:
		return v, true
	case summaryAggregateAll:
		return "", true
	default:
		return v, strings.EqualFold(string(f), v)
	}
}

// summaryWindows returns the periods the summary counts in, oldest first.
func summaryWindows(now time.Time, period backuptypes.AggregationPeriod) ([][2]time.Time, error) {
	switch period {
	case "", backuptypes.AggregationPeriodOneDay:
		today := now.UTC().Truncate(24 * time.Hour)
		var out [][2]time.Time
		for d := 13; d >= 0; d-- {
			start := today.AddDate(0, 0, -d)
			out = append(out, [2]time.Time{start, start.Add(24 * time.Hour)})
		}
		return out, nil
	case backuptypes.AggregationPeriodSevenDays:
		return [][2]time.Time{{now.AddDate(0, 0, -7), now}}, nil
	case backuptypes.AggregationPeriodFourteenDays:
		return [][2]time.Time{{now.AddDate(0, 0, -14), now}}, nil
	}
	return nil, bkInvalidParam("Invalid AggregationPeriod %q: it must be ONE_DAY, SEVEN_DAYS or FOURTEEN_DAYS.", period)
}

// summaryAccountsLocked returns the accounts whose jobs a summary counts:
// the caller's own, or for ANY and AGGREGATE_ALL from the management
// account or a delegated administrator, every account of the organization
// ("Root, admin, and delegated administrator accounts can use the value
// ANY", AccountId).
func (s *Server) summaryAccountsLocked(c *Call, accountID *string) []string {
	switch want := aws.ToString(accountID); want {
	case summaryAny, summaryAggregateAll:
		return s.jobAccountsLocked(c, aws.String("*"))
	default:
		return s.jobAccountsLocked(c, accountID)
	}
}

// summarize counts facts into groups, sorted by window, account, resource
// type, state and category.
func summarize(facts []jobFact, windows [][2]time.Time, account, resourceType, state, category summaryFilter) ([]summaryKey, map[summaryKey]int32) {
	counts := map[summaryKey]int32{}
	for _, f := range facts {
		var k summaryKey
		var ok bool
		if k.account, ok = account.group(f.account); !ok {
			continue
		}
		if k.resourceType, ok = resourceType.group(f.resourceType); !ok {
			continue
		}
		if k.state, ok = state.group(f.state); !ok {
			continue
		}
		if k.category, ok = category.group(f.category); !ok {
			continue
		}
		for _, w := range windows {
			if !f.created.Before(w[0]) && f.created.Before(w[1]) {
				k.start, k.end = w[0], w[1]
				counts[k]++
			}
		}
	}
	keys := make([]summaryKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if !a.start.Equal(b.start) {
			return a.start.Before(b.start)
		}
		return a.account+"\x00"+a.resourceType+"\x00"+a.state+"\x00"+a.category < b.account+"\x00"+b.resourceType+"\x00"+b.state+"\x00"+b.category
	})
	return keys, counts
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func periodName(p backuptypes.AggregationPeriod) *string {
	if p == "" {
		p = backuptypes.AggregationPeriodOneDay
	}
	return aws.String(string(p))
}

// jobSummariesLocked counts one kind of job of the accounts a summary
// request covers, in the caller's Region, per account, resource type,
// state, message category and window of the aggregation period.
func jobSummariesLocked[J any](s *Server, c *Call, accountID, resourceType *string, state, category string, period backuptypes.AggregationPeriod,
	jobs func(*backupRegion) map[string]*J, fact func(account string, j *J) jobFact) ([]summaryKey, map[summaryKey]int32, error) {
	windows, err := summaryWindows(s.now, period)
	if err != nil {
		return nil, nil, err
	}
	var facts []jobFact
	for _, account := range s.summaryAccountsLocked(c, accountID) {
		if b := s.backup[regionKey{account, c.Region}]; b != nil {
			for _, j := range jobs(b) {
				facts = append(facts, fact(account, j))
			}
		}
	}
	keys, counts := summarize(facts, windows, summaryFilter(aws.ToString(accountID)), summaryFilter(aws.ToString(resourceType)), summaryFilter(state), summaryFilter(category))
	return keys, counts, nil
}

func (s *Server) listBackupJobSummaries(c *Call, in *awsbackup.ListBackupJobSummariesInput) (*awsbackup.ListBackupJobSummariesOutput, error) {
	keys, counts, err := jobSummariesLocked(s, c, in.AccountId, in.ResourceType, string(in.State), aws.ToString(in.MessageCategory), in.AggregationPeriod,
		func(b *backupRegion) map[string]*backuptypes.BackupJob { return b.backupJobs },
		func(account string, j *backuptypes.BackupJob) jobFact {
			return jobFact{account, aws.ToString(j.ResourceType), string(j.State), aws.ToString(j.MessageCategory), aws.ToTime(j.CreationDate)}
		})
	if err != nil {
		return nil, err
	}
	items := make([]backuptypes.BackupJobSummary, 0, len(keys))
	for _, k := range keys {
		items = append(items, backuptypes.BackupJobSummary{
			AccountId: optString(k.account), Region: aws.String(c.Region), ResourceType: optString(k.resourceType),
			State: backuptypes.BackupJobStatus(k.state), MessageCategory: optString(k.category),
			Count: counts[k], StartTime: timePtr(k.start), EndTime: timePtr(k.end),
		})
	}
	page, next, err := summaryPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListBackupJobSummariesOutput{AggregationPeriod: periodName(in.AggregationPeriod), BackupJobSummaries: page, NextToken: next}, nil
}

func (s *Server) listCopyJobSummaries(c *Call, in *awsbackup.ListCopyJobSummariesInput) (*awsbackup.ListCopyJobSummariesOutput, error) {
	keys, counts, err := jobSummariesLocked(s, c, in.AccountId, in.ResourceType, string(in.State), aws.ToString(in.MessageCategory), in.AggregationPeriod,
		func(b *backupRegion) map[string]*backuptypes.CopyJob { return b.copyJobs },
		func(account string, j *backuptypes.CopyJob) jobFact {
			return jobFact{account, aws.ToString(j.ResourceType), string(j.State), aws.ToString(j.MessageCategory), aws.ToTime(j.CreationDate)}
		})
	if err != nil {
		return nil, err
	}
	items := make([]backuptypes.CopyJobSummary, 0, len(keys))
	for _, k := range keys {
		items = append(items, backuptypes.CopyJobSummary{
			AccountId: optString(k.account), Region: aws.String(c.Region), ResourceType: optString(k.resourceType),
			State: backuptypes.CopyJobStatus(k.state), MessageCategory: optString(k.category),
			Count: counts[k], StartTime: timePtr(k.start), EndTime: timePtr(k.end),
		})
	}
	page, next, err := summaryPage(items, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListCopyJobSummariesOutput{AggregationPeriod: periodName(in.AggregationPeriod), CopyJobSummaries: page, NextToken: next}, nil
}

// summaryPage pages summaries: MaxResults 1 to 500 (the reference's range).
func summaryPage[T any](items []T, token *string, max *int32) ([]T, *string, error) {
	if max != nil && (*max < 1 || *max > 500) {
		return nil, nil, bkInvalidParam("MaxResults must be between 1 and 500.")
	}
	return backupPage(items, token, max)
}

// supportedResourceTypes is GetSupportedResourceTypes's answer: the list in
// the API reference's GetSupportedResourceTypes response (SDK model
// documentation of ResourceTypes), in its order.
var supportedResourceTypes = []string{
	"Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "EKS", "FSx", "Neptune",
	"RDS", "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine",
}

func (s *Server) getSupportedResourceTypes(c *Call, _ *awsbackup.GetSupportedResourceTypesInput) (*awsbackup.GetSupportedResourceTypesOutput, error) {
	return &awsbackup.GetSupportedResourceTypesOutput{ResourceTypes: append([]string(nil), supportedResourceTypes...)}, nil
}
