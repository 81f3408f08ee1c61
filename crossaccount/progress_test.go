package crossaccount_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/crossaccount"
)

func TestProgressPrinterLines(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	p := crossaccount.NewProgressPrinter(&b, crossaccount.ProgressPrinterOptions{Label: "copy", Interval: 10 * time.Second, Now: func() time.Time { return now }})
	p.Event(crossaccount.Event{Kind: crossaccount.EventStarted, Total: 3})
	now = now.Add(5 * time.Second) // within the interval: no line
	p.Event(crossaccount.Event{Kind: crossaccount.EventCompleted, Done: 1, Total: 3})
	p.Event(crossaccount.Event{Kind: crossaccount.EventFailed, Retry: true, Done: 1, Total: 3})
	p.Event(crossaccount.Event{Kind: crossaccount.EventFailed, Account: "333333333333", Region: "us-east-1", Subject: "arn:rp", Reason: "Access Denied", Fix: "fix the policy", Done: 2, Total: 3})
	now = now.Add(10 * time.Second)
	p.Event(crossaccount.Event{Kind: crossaccount.EventSkipped, Done: 3, Total: 3})
	p.Close()
	want := `copy: 0/3 done (1 started, 0 completed, 0 failed, 0 skipped)
copy: FAILED 333333333333/us-east-1 arn:rp: Access Denied (fix: fix the policy)
copy: 3/3 done (1 started, 1 completed, 1 failed, 1 skipped)
copy: 3/3 done (1 started, 1 completed, 1 failed, 1 skipped)
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestProgressPrinterBar(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := crossaccount.NewProgressPrinter(&b, crossaccount.ProgressPrinterOptions{Label: "copy", Bar: true})
	p.Event(crossaccount.Event{Kind: crossaccount.EventCompleted, Done: 1, Total: 2})
	p.Close()
	out := b.String()
	if !strings.Contains(out, "\r\x1b[2Kcopy [###############...............]  50% 1/2 done") || !strings.HasSuffix(out, "\n") {
		t.Errorf("bar output %q", out)
	}
}

func TestCopyReportMarkdown(t *testing.T) {
	t.Parallel()
	route := crossaccount.CopyRoute{Account: "333333333333", Region: "us-east-1", DestinationVaultARN: "arn:aws:backup:us-east-1:222222222222:backup-vault:central", Label: "production"}
	rep := &crossaccount.CopyReport{
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC),
		Calls: map[string]int{"StartCopyJob": 2, "ListCopyJobs": 3},
		Results: []crossaccount.CopyResult{
			{Route: route, RecoveryPointARN: "arn:rp1", Outcome: crossaccount.CopyCopied},
			{Route: route, RecoveryPointARN: "arn:rp2", Outcome: crossaccount.CopyFailed, Reason: "Access Denied trying to call AWS Backup service", Fix: "allow it"},
		},
	}
	var b strings.Builder
	if err := rep.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	want := `### Copy

**Not every recovery point has its copy.** 2 recovery points: 1 copied, 0 already copied, 0 skipped, 1 failed (2h0m0s, 5 API calls).

| source | destination | tier | copied | already-copied | would-copy | pending | in-progress | skipped | failed |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 333333333333/us-east-1 | arn:aws:backup:us-east-1:222222222222:backup-vault:central | production | 1 | 0 | 0 | 0 | 0 | 0 | 1 |

#### Failed and skipped

| outcome | source | recovery point | reason | fix |
| --- | --- | --- | --- | --- |
| failed | 333333333333/us-east-1 | arn:rp2 | Access Denied trying to call AWS Backup service | allow it |
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
}
