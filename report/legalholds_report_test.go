package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/report"
)

// TestReportLegalHolds renders the legal holds section as part of the
// main report in Markdown, JSON and HTML when holds were collected, and
// leaves it out when they were not.
func TestReportLegalHolds(t *testing.T) {
	t.Parallel()
	const account, region = "333333333333", "us-east-1"
	holds := legalHoldsFixture(t, account, region)
	tests := map[string]struct {
		holds *report.LegalHolds
		want  bool
	}{
		"collected":     {holds: holds, want: true},
		"not collected": {holds: nil, want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rep := &report.Report{SchemaVersion: report.SchemaVersion, Spec: "backup.yaml", LegalHolds: tc.holds}

			var md strings.Builder
			if err := report.Markdown(&md, rep, report.MarkdownOptions{}); err != nil {
				t.Fatalf("Markdown: %v", err)
			}
			for _, want := range []string{
				"## Legal holds",
				"1 active legal hold(s) keep 1 recovery point(s) past their lifecycle.",
				"| " + account + " | " + region + " | active\\|case | ACTIVE |",
			} {
				if got := strings.Contains(md.String(), want); got != tc.want {
					t.Errorf("Markdown contains %q: %v, want %v\n%s", want, got, tc.want, md.String())
				}
			}

			var js bytes.Buffer
			if err := report.JSON(&js, rep); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			var doc struct {
				LegalHolds *struct {
					Holds []struct {
						Title  string   `json:"title"`
						Status string   `json:"status"`
						Points []string `json:"recovery_points"`
					} `json:"holds"`
				} `json:"legal_holds"`
			}
			if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
				t.Fatalf("decoding JSON: %v", err)
			}
			if (doc.LegalHolds != nil) != tc.want {
				t.Fatalf("JSON legal_holds present: %v, want %v\n%s", doc.LegalHolds != nil, tc.want, js.String())
			}
			if tc.want {
				if n := len(doc.LegalHolds.Holds); n != 2 || doc.LegalHolds.Holds[0].Status != "ACTIVE" || len(doc.LegalHolds.Holds[0].Points) != 1 {
					t.Errorf("JSON legal_holds.holds = %+v, want the active hold with 1 point and the released one", doc.LegalHolds.Holds)
				}
				back, err := report.ReadJSON(&js)
				if err != nil {
					t.Fatalf("ReadJSON: %v", err)
				}
				if back.LegalHolds == nil || len(back.LegalHolds.Holds) != 2 {
					t.Errorf("ReadJSON lost the legal holds: %+v", back.LegalHolds)
				}
			}

			var h strings.Builder
			if err := report.HTML(&h, rep, report.HTMLOptions{}); err != nil {
				t.Fatalf("HTML: %v", err)
			}
			if got := strings.Contains(h.String(), "<h2>Legal holds</h2>") && strings.Contains(h.String(), "active|case"); got != tc.want {
				t.Errorf("HTML has the legal holds section: %v, want %v", got, tc.want)
			}
		})
	}
}
