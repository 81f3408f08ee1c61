package action

import (
	"fmt"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"
)

// Output names, exactly as action.yml declares them.
const (
	OutHasChanges            = "has-changes"
	OutToCreate              = "to-create"
	OutToUpdate              = "to-update"
	OutToDelete              = "to-delete"
	OutHasDestructiveChanges = "has-destructive-changes"
	OutDriftDetected         = "drift-detected"
	OutPlanFingerprint       = "plan-fingerprint"
	OutPlanJSONPath          = "plan-json-path"
	OutPlanMarkdownPath      = "plan-markdown-path"
	OutFailureReason         = "failure-reason"
	OutCompliant             = "compliant"
	OutCompliancePercent     = "compliance-percent"
	OutReportMarkdownPath    = "report-markdown-path"
	OutReportJSONPath        = "report-json-path"
	OutReportCSVPath         = "report-csv-path"
	OutReportHTMLPath        = "report-html-path"
	OutProtected             = "protected"
	OutDrillDir              = "drill-dir"
	OutDrillJSONPath         = "drill-json-path"
	OutDrillMarkdownPath     = "drill-markdown-path"
	OutTiersMet              = "tiers-met"
	OutRestoresPassed        = "restores-passed"
	OutRestoresFailed        = "restores-failed"
)

// outputNames lists every output in a fixed order.
var outputNames = []string{
	OutHasChanges, OutToCreate, OutToUpdate, OutToDelete, OutHasDestructiveChanges, OutDriftDetected,
	OutPlanFingerprint, OutPlanJSONPath, OutPlanMarkdownPath, OutCompliant, OutCompliancePercent,
	OutReportMarkdownPath, OutReportJSONPath, OutReportCSVPath, OutReportHTMLPath, OutProtected,
	OutDrillDir, OutDrillJSONPath, OutDrillMarkdownPath, OutTiersMet, OutRestoresPassed, OutRestoresFailed,
	OutFailureReason,
}

// fileCommandDelimiter is the fixed heredoc delimiter go-githubactions
// writes multi-line values with; a value containing it, or a line break,
// could end the value early and set other outputs.
const fileCommandDelimiter = "_GitHubActionsFileCommandDelimeter_"

// safeValue reports whether v can go through SetOutput without changing
// the meaning of the output file. Every value the action sets is made by
// the action (counts, booleans, hex, paths it chose, fixed reasons); this
// is the second line of defence.
func safeValue(v string) bool {
	return !strings.ContainsAny(v, "\r\n") && !strings.Contains(v, fileCommandDelimiter) && len(v) <= 4096
}

// writeOutputs sets the outputs through GITHUB_OUTPUT in outputNames order.
// Without GITHUB_OUTPUT (a run outside Actions) it does nothing.
func writeOutputs(gha *githubactions.Action, getenv func(string) string, out map[string]string) (err error) {
	if getenv("GITHUB_OUTPUT") == "" {
		return nil
	}
	// SetOutput panics when it cannot write the file.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("writing outputs: %v", r)
		}
	}()
	for _, name := range outputNames {
		v, ok := out[name]
		if !ok {
			continue
		}
		if !safeValue(v) {
			return fmt.Errorf("writing output %s: the value is not a single safe line", name)
		}
		gha.SetOutput(name, v)
	}
	return nil
}
