package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVHeader is the header row of CSV.
var CSVHeader = []string{
	"arn", "account", "region", "type", "name", "tier", "status", "rpo_met", "last_backup", "backup_age_seconds",
	"central_copy", "secondary_copy", "jobs_completed", "jobs_failed", "copies_completed", "copies_failed",
	"warm_bytes", "cold_bytes", "monthly_cost", "reasons",
}

// CSV writes one row per resource (sorted by ARN) under CSVHeader. Times
// are RFC 3339 in UTC; reasons are joined with "; ".
func CSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("writing report CSV: %w", err)
	}
	for _, res := range r.Resources {
		last, age := "", ""
		if res.LastBackup != nil {
			last = res.LastBackup.UTC().Format(time.RFC3339)
		}
		if res.BackupAgeSeconds != nil {
			age = strconv.FormatInt(*res.BackupAgeSeconds, 10)
		}
		row := []string{
			res.ARN, res.Account, res.Region, res.Type, res.Name, res.Tier, res.Status, strconv.FormatBool(res.RPOMet), last, age,
			res.CentralCopy, res.SecondaryCopy, strconv.Itoa(res.JobsCompleted), strconv.Itoa(res.JobsFailed),
			strconv.Itoa(res.CopiesCompleted), strconv.Itoa(res.CopiesFailed),
			strconv.FormatInt(res.WarmBytes, 10), strconv.FormatInt(res.ColdBytes, 10),
			strconv.FormatFloat(res.MonthlyCost, 'f', 2, 64), strings.Join(res.Reasons, "; "),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing report CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing report CSV: %w", err)
	}
	return nil
}
