package main

import (
	"github.com/orgbackup/orgbackup/crossaccount"
)

// progress returns src watched for progress on stderr, and the printer
// to feed a Copier's or Remediator's events and to Close when the work
// ends: on a terminal a status line redrawn in place with the account the
// work is in, otherwise (CI logs) a line every 10 seconds; nothing with
// --quiet. It is the one call a long-running command makes.
func (e *env) progress(label string, src crossaccount.ConfigSource, optFns ...func(*crossaccount.ProgressPrinterOptions)) (crossaccount.ConfigSource, *crossaccount.ProgressPrinter) {
	o := crossaccount.ProgressPrinterOptions{Label: label, Bar: isTerminal(e.stderr), Interval: e.progressInterval}
	for _, fn := range optFns {
		fn(&o)
	}
	return crossaccount.WatchProgress(progressOut(e), src, o)
}
