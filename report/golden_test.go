package report

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/google/go-cmp/cmp"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func TestRenderersGolden(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(testSpec(t), testInventory())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range AllFormats() {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			got, err := Render(rep, f)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "report."+f, got)
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(testSpec(t), testInventory())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := JSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestMarkdownCapsSize(t *testing.T) {
	t.Parallel()
	inv := testInventory()
	for i := range 2000 {
		r := inv.resource(ec2ARN(prodAccount, "i-bulk"+itoa(i)), prodAccount, "us-east-1", "EC2", "bulk")
		r.Tagged, r.Tags = true, map[string]string{"backup-tier": "production"}
	}
	rep, err := Evaluate(testSpec(t), inv)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Markdown(&b, rep, MarkdownOptions{MaxBytes: 20_000, FullReport: "report.html"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > 20_000 {
		t.Errorf("Markdown wrote %d bytes, cap 20000", len(out))
	}
	for _, want := range []string{"## ❌ Backup compliance", "more not shown", "Estimated storage cost", "Full report: report.html"} {
		if !strings.Contains(out, want) {
			t.Errorf("capped Markdown lacks %q", want)
		}
	}
	// Failures come first: the unprotected bulk resources precede the
	// noncompliant ones.
	if i, j := strings.Index(out, "| unprotected |"), strings.Index(out, "| noncompliant |"); i < 0 || (j >= 0 && j < i) {
		t.Errorf("unprotected rows (at %d) should precede noncompliant rows (at %d)", i, j)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}
