package spec

import (
	"strconv"
	"strings"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

// The JSON Schema carries value rules as regular expressions. They use only
// what ECMA-262 and RE2 share (no lookahead, no flags), so editors and Go
// validators read them alike; the tests compare each with the Go check it
// mirrors.

// intRangePattern returns an unanchored regular expression for the whole
// numbers lo to hi (0 <= lo <= hi) written without leading zeros.
func intRangePattern(lo, hi int64) string {
	var alts []string
	for n := len(strconv.FormatInt(lo, 10)); n <= len(strconv.FormatInt(hi, 10)); n++ {
		a, b := max(lo, pow10(n-1)), min(hi, pow10(n)-1)
		if n == 1 {
			a = lo
		}
		if a <= b {
			alts = append(alts, sameLengthPattern(strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)))
		}
	}
	return group(alts)
}

// paddedRangePattern returns an unanchored regular expression for the
// whole numbers lo to hi written with at most width digits, leading zeros
// allowed, as the cron parser reads them.
func paddedRangePattern(lo, hi int64, width int) string {
	var alts []string
	for n := 1; n <= width; n++ {
		b := min(hi, pow10(n)-1)
		if lo <= b {
			alts = append(alts, sameLengthPattern(pad(lo, n), pad(b, n)))
		}
	}
	return group(alts)
}

func pad(v int64, n int) string {
	s := strconv.FormatInt(v, 10)
	return strings.Repeat("0", n-len(s)) + s
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// sameLengthPattern matches the digit strings from lo to hi, both of the
// same length, lo <= hi.
func sameLengthPattern(lo, hi string) string {
	n := len(lo)
	switch {
	case n == 0:
		return ""
	case lo == hi:
		return lo
	case lo[0] == '0' && hi[0] == '9' && strings.Trim(lo, "0") == "" && strings.Trim(hi, "9") == "":
		return anyDigits(n)
	case strings.Trim(lo[1:], "0") == "" && strings.Trim(hi[1:], "9") == "":
		return digitClass(lo[0], hi[0]) + anyDigits(n-1)
	case lo[0] == hi[0]:
		return lo[:1] + sameLengthPattern(lo[1:], hi[1:])
	}
	alts := []string{lo[:1] + sameLengthPattern(lo[1:], strings.Repeat("9", n-1))}
	if lo[0]+1 <= hi[0]-1 {
		alts = append(alts, digitClass(lo[0]+1, hi[0]-1)+anyDigits(n-1))
	}
	alts = append(alts, hi[:1]+sameLengthPattern(strings.Repeat("0", n-1), hi[1:]))
	return group(alts)
}

func digitClass(a, b byte) string {
	switch {
	case a == b:
		return string(a)
	case a == '0' && b == '9':
		return "[0-9]"
	}
	return "[" + string(a) + "-" + string(b) + "]"
}

func anyDigits(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "[0-9]"
	}
	return "[0-9]{" + strconv.Itoa(n) + "}"
}

// group joins alternatives, in a non-capturing group when there are several.
func group(alts []string) string {
	if len(alts) == 1 {
		return alts[0]
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// durationUnit is a unit of the duration syntax (see duration.go) and its
// length in the base unit (days for retentions, minutes for windows).
type durationUnit struct {
	suffix string
	size   int64
}

// retentionUnits are the units of retentions, in days.
func retentionUnits() []durationUnit { return []durationUnit{{"d", 1}, {"w", 7}, {"y", 365}} }

// windowUnits are the units of windows, in minutes.
func windowUnits() []durationUnit {
	return []durationUnit{{"m", 1}, {"h", 60}, {"d", 24 * 60}, {"w", 7 * 24 * 60}}
}

// durationRangePattern returns an anchored pattern for the durations in
// units (each a whole number of at most maxDurationDigits digits and a
// unit, as splitDuration reads them) from lo to hi base units; hi 0 means
// no upper bound.
func durationRangePattern(units []durationUnit, lo, hi int64) string {
	largest := pow10(maxDurationDigits) - 1
	var alts []string
	for _, u := range units {
		a := max(1, (lo+u.size-1)/u.size)
		b := largest
		if hi > 0 {
			b = min(b, hi/u.size)
		}
		if a <= b {
			alts = append(alts, intRangePattern(a, b)+u.suffix)
		}
	}
	return "^" + group(alts) + "$"
}

// caseless matches word in any letter case, as the cron parser reads
// names.
func caseless(word string) string {
	var b strings.Builder
	for _, c := range word {
		lo, up := strings.ToLower(string(c)), strings.ToUpper(string(c))
		if lo == up {
			b.WriteString(string(c))
		} else {
			b.WriteString("[" + up + lo + "]")
		}
	}
	return b.String()
}

func caselessWords(words ...string) string {
	alts := make([]string, len(words))
	for i, w := range words {
		alts[i] = caseless(w)
	}
	return group(alts)
}

// cronPattern is AWS Backup's schedule syntax as policy.ParseSchedule reads
// it: cron( and six fields separated by white space, each value within its
// field's range, exactly one of day-of-month and day-of-week "?", and a
// minutes field naming one minute (AWS Backup runs a rule at most hourly).
// It is stricter than ParseSchedule on one point: the minutes field must be
// written as a single number, while ParseSchedule also takes the rare
// forms that happen to name one minute (such as 5-5 or 30/45). It is
// looser on two: a range that starts after it ends, and the same value
// twice in a list, which ParseSchedule refuses.
func cronPattern() string {
	ws := `[ \t\n\r]`
	num := func(lo, hi int64) string { return paddedRangePattern(lo, hi, 4) }
	step := func(maxStep int64) string { return "/0*" + intRangePattern(1, maxStep) }
	// A list of values, ranges and increments; "*" alone, or starting an
	// increment.
	list := func(value, step string) string {
		item := value + "(?:-" + value + ")?"
		if step != "" {
			item = `(?:\*` + step + "|" + item + "(?:" + step + ")?)"
		}
		return `(?:\*|` + item + "(?:," + item + ")*)"
	}
	minutes := num(0, 59)
	hours := list(num(0, 23), step(23))
	day := num(1, 31)
	dayOfMonth := "(?:" + caseless("L") + caseless("W") + "?|" + day + caseless("W") + "|" + list(day, step(31)) + ")"
	month := list("(?:"+num(1, 12)+"|"+caselessWords("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")+")", step(12))
	weekday := "(?:" + num(1, 7) + "|" + caselessWords("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT") + ")"
	dayOfWeek := "(?:" + caseless("L") + "|" + weekday + "#[1-5]|" + weekday + caseless("L") + "|" + list(weekday, "") + ")"
	year := list(num(1970, 2199), step(229))
	sep := ws + "+"
	return `^cron\(` + ws + "*" + minutes + sep + hours + sep +
		`(?:\?` + sep + month + sep + dayOfWeek + "|" + dayOfMonth + sep + month + sep + `\?)` +
		sep + year + ws + `*\)$`
}

// lockMaxPattern bounds lock and air-gapped vault retentions: at most
// MaxLockDays.
func lockMaxPattern() string { return durationRangePattern(retentionUnits(), 1, MaxLockDays) }

// airGappedMinPattern: an air-gapped vault keeps at least
// MinAirGappedRetentionDays.
func airGappedMinPattern() string {
	return durationRangePattern(retentionUnits(), MinAirGappedRetentionDays, 0)
}

// continuousRetentionPattern: continuous backups are kept 1 to 35 days.
func continuousRetentionPattern() string {
	return durationRangePattern(retentionUnits(), 1, policy.MaxContinuousRetentionDays)
}

// coldRetentionPattern: a retention that leaves recovery points moved to
// cold storage after a day or more their 90 days there.
func coldRetentionPattern() string {
	return durationRangePattern(retentionUnits(), 1+policy.MinColdStorageDays, 0)
}

// startWindowPattern: a start window is 60 minutes to 100 years (policy's
// windows check).
func startWindowPattern() string {
	return durationRangePattern(windowUnits(), policy.MinStartWindowMinutes, policy.MaxWindowMinutes)
}

// completionWindowPattern: a completion window is at most 100 years.
func completionWindowPattern() string {
	return durationRangePattern(windowUnits(), 1, policy.MaxWindowMinutes)
}

// restoreKeepPattern: restored resources are kept whole hours, at most
// MaxRestoreKeep (AWS Backup's ValidationWindowHours).
func restoreKeepPattern() string {
	hours := int64(MaxRestoreKeep / time.Hour)
	var minutes []string
	for h := int64(1); h <= hours; h++ {
		minutes = append(minutes, strconv.FormatInt(60*h, 10))
	}
	return "^" + group([]string{
		group(minutes) + "m",
		intRangePattern(1, hours) + "h",
		intRangePattern(1, hours/24) + "d",
		intRangePattern(1, hours/(24*7)) + "w",
	}) + "$"
}

// restoreLookbackPattern: a restore test's lookback is 1 to
// MaxRestoreLookbackDays days.
func restoreLookbackPattern() string {
	return durationRangePattern(retentionUnits(), 1, MaxRestoreLookbackDays)
}
