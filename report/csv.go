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
	"rpo_objective_seconds", "rpo_achieved_seconds", "consecutive_failures", "failure_cause", "last_failure", "untagged",
}

// CSV writes one row per resource (sorted by ARN) under CSVHeader. Times
// are RFC 3339 in UTC; reasons are joined with "; ". The findings (failed
// jobs by cause, with their fix) and the verdict follow the resources as
// rows whose arn column is "#finding" or "#verdict": the status column
// holds the severity or verdict, name the code, reasons the message and
// fix.
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
			"", "", strconv.Itoa(res.ConsecutiveFailures), res.FailureCause, res.LastFailure, strconv.FormatBool(res.Untagged),
		}
		// The local objective: the tier's rpo and its achieved RPO.
		if len(res.Objectives) > 0 {
			o := res.Objectives[0]
			row[20] = strconv.FormatInt(o.ObjectiveSeconds, 10)
			if o.AchievedSeconds != nil {
				row[21] = strconv.FormatInt(*o.AchievedSeconds, 10)
			}
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing report CSV: %w", err)
		}
	}
	blank := func(row []string) []string {
		out := make([]string, len(CSVHeader))
		copy(out, row)
		return out
	}
	extra := [][]string{}
	v := blank([]string{"#verdict", "", "", "", "", "", r.Verdict.Status})
	v[19] = strings.Join(append([]string{r.Verdict.Headline}, r.Verdict.Reasons...), "; ")
	extra = append(extra, v)
	for _, f := range r.Findings {
		row := blank([]string{"#finding", "", "", "", f.Code, "", f.Severity})
		msg := f.Subject + ": " + f.Message
		if f.Fix != "" {
			msg += "; fix: " + f.Fix
		}
		row[19] = msg
		extra = append(extra, row)
	}
	for _, row := range extra {
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
