package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/legalhold"
)

// LegalHolds is the report's section on legal holds: every hold of the
// organization's accounts, active or released, and the recovery points
// each active hold keeps past their lifecycle.
type LegalHolds struct {
	// Holds are sorted by account, Region and title.
	Holds []legalhold.Held `json:"holds"`
}

// Active returns the number of active holds and of the points they keep
// (a point kept by two holds counts once).
func (l *LegalHolds) Active() (holds, points int) {
	seen := map[string]bool{}
	for _, h := range l.Holds {
		if h.Status != "ACTIVE" {
			continue
		}
		holds++
		for _, p := range h.Points {
			if !seen[p] {
				seen[p] = true
				points++
			}
		}
	}
	return holds, points
}

// CollectLegalHolds reads the legal holds of the accounts in the Regions
// through src (read-only credentials suffice).
func CollectLegalHolds(ctx context.Context, src crossaccount.ConfigSource, accounts, regions []string) (*LegalHolds, error) {
	holds, err := legalhold.List(ctx, src, accounts, regions)
	if err != nil {
		return nil, fmt.Errorf("collecting legal holds: %w", err)
	}
	return &LegalHolds{Holds: holds}, nil
}

// Markdown writes the section: a summary line, then one table row per
// hold and, under each active hold, the points it keeps.
func (l *LegalHolds) Markdown(w io.Writer) error {
	holds, points := l.Active()
	var b strings.Builder
	b.WriteString("## Legal holds\n\n")
	fmt.Fprintf(&b, "%d active legal hold(s) keep %d recovery point(s) past their lifecycle.\n\n", holds, points)
	if len(l.Holds) > 0 {
		b.WriteString("| Account | Region | Title | Status | Created | Points kept |\n|---|---|---|---|---|--:|\n")
		for _, h := range l.Holds {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d |\n", h.Account, h.Region, mdCell(h.Title), h.Status, h.Created.UTC().Format("2006-01-02"), len(h.Points))
		}
		for _, h := range l.Holds {
			if len(h.Points) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n### %s in %s/%s\n\n", mdCell(h.Title), h.Account, h.Region)
			for _, p := range h.Points {
				fmt.Fprintf(&b, "- `%s`\n", p)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell keeps a value from breaking a Markdown table row.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}
