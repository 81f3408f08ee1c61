package spec

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

// Durations in a spec are a whole number followed by a unit:
//
//	m  minutes   (windows only)
//	h  hours     (windows only)
//	d  days
//	w  weeks, 7 days
//	y  years, 365 days
//
// A year is 365 days because that is what AWS uses: the Lifecycle API
// reference gives its maximum as "100 years (36,500 days)" and the
// PutBackupVaultLockConfiguration reference calls 2555 days "seven years".
// Months are not accepted, having no single length.
//
// Retentions (local_retention, cold_after, central_retention,
// secondary_retention, lock and air-gapped vault retentions) are whole days,
// as AWS Backup lifecycles are; windows (start_window, completion_window)
// are whole minutes, as BackupRuleInput's StartWindowMinutes and
// CompletionWindowMinutes are.

// maxDurationDigits bounds the number part so that any accepted value fits
// in an int64 of minutes.
const maxDurationDigits = 9

// ParseRetention parses a retention such as "30d", "4w" or "7y" into days.
func ParseRetention(s string) (policy.Days, error) {
	n, unit, err := splitDuration(s)
	if err != nil {
		return 0, err
	}
	switch unit {
	case "d":
		return policy.Days(n), nil
	case "w":
		return policy.Weeks(n), nil
	case "y":
		return policy.Years(n), nil
	case "m", "h":
		return 0, fmt.Errorf("retention %q must be in days (d), weeks (w) or years (y): AWS Backup keeps recovery points for whole days", s)
	}
	return 0, fmt.Errorf("duration %q has unknown unit %q; use d (days), w (weeks) or y (years of 365 days)", s, unit)
}

// ParseWindow parses a backup window such as "90m", "8h" or "7d".
func ParseWindow(s string) (time.Duration, error) {
	n, unit, err := splitDuration(s)
	if err != nil {
		return 0, err
	}
	size := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[unit]
	if size > 0 && n > int64(math.MaxInt64/size) {
		// A time.Duration counts nanoseconds and holds about 292 years;
		// the product would wrap around to a short window.
		return 0, fmt.Errorf("window %q is too long; windows are at most 100 years", s)
	}
	switch unit {
	case "m", "h", "d", "w":
		return time.Duration(n) * size, nil
	case "y":
		return 0, fmt.Errorf("window %q is too long to be useful; use m (minutes), h (hours), d (days) or w (weeks)", s)
	}
	return 0, fmt.Errorf("duration %q has unknown unit %q; use m (minutes), h (hours), d (days) or w (weeks)", s, unit)
}

// FormatDays formats days the way a spec would write them, preferring
// years and weeks when they are exact: 2555 is "7y", 14 is "2w", 30 is
// "30d".
func FormatDays(d policy.Days) string {
	switch {
	case d != 0 && d%365 == 0:
		return strconv.FormatInt(int64(d/365), 10) + "y"
	case d != 0 && d%7 == 0:
		return strconv.FormatInt(int64(d/7), 10) + "w"
	}
	return strconv.FormatInt(int64(d), 10) + "d"
}

func splitDuration(s string) (int64, string, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	switch {
	case s == "":
		return 0, "", fmt.Errorf("duration is empty")
	case i == 0:
		return 0, "", fmt.Errorf("duration %q must start with a whole number, as in \"30d\"", s)
	case i == len(s):
		return 0, "", fmt.Errorf("duration %q needs a unit, as in \"%sd\"", s, s)
	case i > maxDurationDigits:
		return 0, "", fmt.Errorf("duration %q is too large", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("duration %q: %w", s, err)
	}
	if n == 0 {
		return 0, "", fmt.Errorf("duration %q must be positive", s)
	}
	return n, s[i:], nil
}
