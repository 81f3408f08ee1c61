package policy

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	// Schedules carry IANA time zones (ScheduleExpressionTimezone); embed
	// the database so they resolve on hosts without one.
	_ "time/tzdata"
)

// Schedule is a parsed AWS cron expression,
// cron(minutes hours day-of-month month day-of-week year), as used by
// AWS Backup rules (ScheduleExpression) and Amazon EventBridge.
//
// The syntax follows the "Cron expressions reference" of the Amazon
// EventBridge User Guide, which the AWS Backup API reference points to for
// ScheduleExpression. Where that page is silent, the behaviour is that of
// the Quartz scheduler whose syntax it documents.
//
// A Schedule is immutable and safe for concurrent use.
type Schedule struct {
	// text holds each field as written, upper-cased.
	text [numFields]string

	minutes set // bits 0-59
	hours   set // bits 0-23
	months  set // bits 1-12
	years   set // bit i is year 1970+i

	dom    domKind
	domSet set // bits 1-31, for domValues
	domDay int // for domNearestWeekday

	dow    dowKind
	dowSet set // bits 1-7 (1 = Sunday), for dowValues
	dowDay int // weekday 1-7, for dowLast and dowNth
	dowNth int // 1-5, for dowNth
}

// ScheduleError is a problem with a cron expression. ParseSchedule and
// ParseCron return one, or several joined with errors.Join; errors.As finds
// the first.
type ScheduleError struct {
	// Expr is the expression as given.
	Expr string
	// Field is the cron field at fault: "minutes", "hours", "day-of-month",
	// "month", "day-of-week" or "year"; empty when the expression as a
	// whole is malformed.
	Field string
	// Column is the 1-based byte column in Expr where the problem starts,
	// or 0 when no single position is at fault.
	Column int
	// Message says what is wrong and what AWS accepts instead.
	Message string
}

// Error returns `schedule "cron(...)": day-of-week (column 17): message`.
func (e *ScheduleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule %q: ", e.Expr)
	switch {
	case e.Field != "" && e.Column > 0:
		fmt.Fprintf(&b, "%s (column %d): ", e.Field, e.Column)
	case e.Field != "":
		b.WriteString(e.Field + ": ")
	case e.Column > 0:
		fmt.Fprintf(&b, "column %d: ", e.Column)
	}
	b.WriteString(e.Message)
	return b.String()
}

// MinBackupInterval is the shortest time AWS Backup allows between two
// scheduled runs of a rule. "Backup plan options and configuration" (AWS
// Backup Developer Guide): a cron expression "creates snapshot backups as
// frequently as hourly"; AWS Backup rejects faster ones with "The interval
// between backup jobs shouldn't be less than 60 minutes."
const MinBackupInterval = time.Hour

// ParseSchedule parses the ScheduleExpression of an AWS Backup rule: an
// EventBridge cron expression (see ParseCron) that in addition runs at most
// once an hour. AWS Backup accepts cron expressions only ("A CRON expression
// specifying when AWS Backup initiates a backup job", BackupRuleInput in the
// AWS Backup API Reference); rate expressions are rejected.
//
// Runs of one cron expression share the minutes field and any two matching
// hours are at least an hour apart, so runs are 60 minutes or more apart
// exactly when the minutes field names a single minute. ParseSchedule
// therefore rejects any minutes field with several values, such as
// "0,30" or "0/15".
func ParseSchedule(expr string) (*Schedule, error) {
	s, err := ParseCron(expr)
	if err != nil {
		return nil, err
	}
	if n := s.minutes.count(); n != 1 {
		return nil, &ScheduleError{
			Expr: expr, Field: fieldNames[fMinutes], Column: s.columnOf(expr, fMinutes),
			Message: fmt.Sprintf("%q names %d minutes of the hour, but AWS Backup runs a rule at most once an hour "+
				"(the interval between backup jobs must be at least 60 minutes); name a single minute, for example %d",
				s.text[fMinutes], n, s.minutes.next(0)),
		}
	}
	return s, nil
}

// ParseCron parses an AWS cron expression with the rules of Amazon
// EventBridge, without AWS Backup's hourly minimum (see ParseSchedule).
//
// The expression is cron( followed by six fields separated by white space
// and a closing parenthesis:
//
//	field         values           wildcards
//	minutes       0-59             , - * /
//	hours         0-23             , - * /
//	day-of-month  1-31             , - * ? / L W
//	month         1-12 or JAN-DEC  , - * /
//	day-of-week   1-7 or SUN-SAT   , - * ? L #
//	year          1970-2199        , - * /
//
// Exactly one of day-of-month and day-of-week must be ?. Month and weekday
// names are three letters and, like L and W, case-insensitive (as the
// EventBridge console accepts them). Day-of-month may instead be L (last
// day), LW (last weekday), or nW (the weekday nearest day n, within the
// month); day-of-week may be L (Saturday), nL (the last weekday n of the
// month) or n#k (the k-th weekday n of the month, k 1-5); each of these
// forms is the whole field. A range's start may not exceed its end; an
// increment a/n or a-b/n must be at least 1 and at most the field's largest
// value (minutes 59, hours 23, day-of-month 31, month 12, year 229).
func ParseCron(expr string) (*Schedule, error) {
	const prefix = "cron("
	if strings.HasPrefix(expr, "rate(") {
		return nil, &ScheduleError{Expr: expr, Column: 1, Message: "rate expressions are not accepted: " +
			"AWS Backup rules take a cron expression, for example cron(0 5 ? * * *) for 05:00 every day " +
			"or cron(0 * ? * * *) for every hour"}
	}
	if !strings.HasPrefix(expr, prefix) {
		return nil, &ScheduleError{Expr: expr, Column: 1, Message: "a schedule must be a cron expression, " +
			"cron(minutes hours day-of-month month day-of-week year), for example cron(0 5 ? * * *)"}
	}
	if !strings.HasSuffix(expr, ")") {
		return nil, &ScheduleError{Expr: expr, Column: len(expr) + 1, Message: `the expression must end with ")"`}
	}
	body := expr[len(prefix) : len(expr)-1]
	type token struct {
		text string
		col  int
	}
	var toks []token
	for i := 0; i < len(body); {
		if isSpace(body[i]) {
			i++
			continue
		}
		j := i
		for j < len(body) && !isSpace(body[j]) {
			j++
		}
		toks = append(toks, token{body[i:j], len(prefix) + i + 1})
		i = j
	}
	if len(toks) != numFields {
		col := 0
		if len(toks) > numFields {
			col = toks[numFields].col
		}
		return nil, &ScheduleError{Expr: expr, Column: col, Message: fmt.Sprintf(
			"a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(toks))}
	}

	s := &Schedule{}
	p := parser{expr: expr}
	var bad [numFields]bool
	for f := range numFields {
		p.field, p.col, p.raw = f, toks[f].col, toks[f].text
		text := asciiUpper(toks[f].text)
		s.text[f] = text
		before := len(p.errs)
		switch f {
		case fMinutes:
			s.minutes = p.list(text)
		case fHours:
			s.hours = p.list(text)
		case fDOM:
			p.dayOfMonth(s, text)
		case fMonth:
			s.months = p.list(text)
		case fDOW:
			p.dayOfWeek(s, text)
		case fYear:
			s.years = p.list(text)
		}
		bad[f] = len(p.errs) > before
	}
	switch {
	case bad[fDOM] || bad[fDOW]:
		// The two fields are checked together only once each is valid.
	case s.dom == domAny && s.dow == dowAny:
		p.field, p.col = fDOW, toks[fDOW].col
		p.fail(0, "day-of-month and day-of-week cannot both be ?; set one of them and leave ? in the other, "+
			"for example cron(0 5 * * ? *) for every day")
	case s.dom != domAny && s.dow != dowAny:
		// Blame the field written as *, which should have been ?.
		blame := fDOW
		if s.text[fDOM] == "*" && s.text[fDOW] != "*" {
			blame = fDOM
		}
		p.field, p.col = blame, toks[blame].col
		p.fail(0, fmt.Sprintf("day-of-month (%s) and day-of-week (%s) cannot both be set; one of them must be ?, "+
			"for example cron(0 5 * * ? *) or cron(0 5 ? * MON *)", s.text[fDOM], s.text[fDOW]))
	}
	if len(p.errs) == 1 {
		return nil, p.errs[0]
	}
	if len(p.errs) > 1 {
		return nil, errors.Join(p.errs...)
	}
	return s, nil
}

// String returns the expression in canonical form: "cron(" and the six
// fields upper-cased, separated by single spaces, and ")".
func (s *Schedule) String() string {
	return "cron(" + strings.Join(s.text[:], " ") + ")"
}

// Next returns the first run of the schedule strictly after after, in loc
// (UTC when nil), or the zero Time when there is none (after 2199).
//
// Runs are whole minutes of wall-clock time in loc. Across daylight saving
// transitions Next behaves as EventBridge Scheduler documents ("Daylight
// saving time on EventBridge Scheduler", Schedule types in EventBridge
// Scheduler): a run whose wall-clock time does not exist (02:30 on the
// spring-forward day in America/New_York) is skipped, and a run whose
// wall-clock time occurs twice (01:30 on the fall-back day) happens once,
// at the first occurrence.
func (s *Schedule) Next(after time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	a := after.In(loc)
	y, mo, d := a.Date()
	w := wall{y, int(mo), d, a.Hour(), a.Minute() + 1}
	for {
		var ok bool
		w, ok = s.nextWall(w)
		if !ok {
			return time.Time{}
		}
		if t, ok := resolve(w, loc); ok && t.After(after) {
			return t
		}
		w.minute++
	}
}

// NextN returns the first n runs strictly after after, in loc; fewer when
// the schedule ends first.
func (s *Schedule) NextN(after time.Time, loc *time.Location, n int) []time.Time {
	var out []time.Time
	for t := after; len(out) < n; {
		t = s.Next(t, loc)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// MaxInterval returns the longest time between one run and the next, over
// the runs from the first after from up to from+horizon, each with the run
// that follows it (which may fall beyond the horizon). It bounds the
// recovery point objective the schedule achieves in that window. It returns
// 0 when the schedule has fewer than two runs after from.
func (s *Schedule) MaxInterval(from time.Time, loc *time.Location, horizon time.Duration) time.Duration {
	var longest time.Duration
	s.intervals(from, loc, horizon, func(d time.Duration) {
		longest = max(longest, d)
	})
	return longest
}

// MinInterval returns the shortest time between one run and the next, over
// the same runs as MaxInterval, or 0 when there are fewer than two. With
// daylight saving time it can differ from the wall-clock spacing of the
// expression.
func (s *Schedule) MinInterval(from time.Time, loc *time.Location, horizon time.Duration) time.Duration {
	var shortest time.Duration
	s.intervals(from, loc, horizon, func(d time.Duration) {
		if shortest == 0 || d < shortest {
			shortest = d
		}
	})
	return shortest
}

func (s *Schedule) intervals(from time.Time, loc *time.Location, horizon time.Duration, fn func(time.Duration)) {
	end := from.Add(horizon)
	cur := s.Next(from, loc)
	for !cur.IsZero() {
		next := s.Next(cur, loc)
		if next.IsZero() {
			return
		}
		fn(next.Sub(cur))
		if next.After(end) {
			return
		}
		cur = next
	}
}

// Fields of a cron expression, in order.
const (
	fMinutes = iota
	fHours
	fDOM
	fMonth
	fDOW
	fYear
	numFields
)

var (
	fieldNames = [numFields]string{"minutes", "hours", "day-of-month", "month", "day-of-week", "year"}
	fieldMin   = [numFields]int{0, 0, 1, 1, 1, 1970}
	fieldMax   = [numFields]int{59, 23, 31, 12, 7, 2199}
	// maxStep is the largest increment accepted after "/", as in Quartz
	// (the field's largest value; for years, the span of the field).
	maxStep = [numFields]int{59, 23, 31, 12, 0, 229}

	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

type domKind uint8

const (
	domAny            domKind = iota // ?
	domValues                        // values in domSet
	domLast                          // L
	domLastWeekday                   // LW
	domNearestWeekday                // nW
)

type dowKind uint8

const (
	dowAny    dowKind = iota // ?
	dowValues                // values in dowSet
	dowLast                  // nL: the last weekday n of the month
	dowNth                   // n#k: the k-th weekday n of the month
)

// set is a bitset of small non-negative integers (below 256).
type set [4]uint64

func (b *set) add(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b *set) has(i int) bool { return i >= 0 && i < 256 && b[i>>6]&(1<<(i&63)) != 0 }

// next returns the smallest member at least i, or -1.
func (b *set) next(i int) int {
	if i < 0 {
		i = 0
	}
	for w := i >> 6; w < len(b); w++ {
		word := b[w]
		if w == i>>6 {
			word &= ^uint64(0) << (i & 63)
		}
		if word != 0 {
			return w<<6 + bits.TrailingZeros64(word)
		}
	}
	return -1
}

func (b *set) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

type parser struct {
	expr    string
	field   int
	col     int    // column of the current field in expr
	raw     string // the current field as written
	current string // the current field, upper-cased
	errs    []error
}

// fail records an error at byte offset off within the current field.
func (p *parser) fail(off int, msg string) {
	p.errs = append(p.errs, &ScheduleError{Expr: p.expr, Field: fieldNames[p.field], Column: p.col + off, Message: msg})
}

// list parses a comma-separated list of *, values, ranges and increments.
func (p *parser) list(text string) set {
	p.current = text
	var out set
	off := 0
	for part := range strings.SplitSeq(text, ",") {
		p.item(&out, part, off)
		off += len(part) + 1
	}
	return out
}

// item parses one element of a list: *, */n, a, a-b, a/n or a-b/n.
func (p *parser) item(out *set, part string, off int) {
	f := p.field
	lo, hi := fieldMin[f], fieldMax[f]
	if part == "" {
		p.fail(off, "empty value; separate values with a single comma, for example 1,15")
		return
	}
	if part == "?" {
		if f == fDOM || f == fDOW {
			p.fail(off, "? must be the whole field")
		} else {
			p.fail(off, "? is allowed only in day-of-month and day-of-week")
		}
		return
	}
	rng, step, hasStep := strings.Cut(part, "/")
	start, end := lo, hi
	if rng == "*" {
		if !hasStep && part != p.current {
			// "*" inside a list adds nothing that "*" alone does not say.
			p.fail(off, "* must be the whole field or start an increment such as */5")
			return
		}
	} else {
		a, b, isRange := strings.Cut(rng, "-")
		var ok bool
		if start, ok = p.value(a, off); !ok {
			return
		}
		end = start
		if hasStep {
			end = hi
		}
		if isRange {
			if end, ok = p.value(b, off+len(a)+1); !ok {
				return
			}
			if start > end {
				p.fail(off, fmt.Sprintf("range %s starts after it ends; write it in increasing order, "+
					"splitting a range that wraps around into two, for example 22-23,0-2", p.orig(off, rng)))
				return
			}
		}
	}
	n := 1
	if hasStep {
		if f == fDOW {
			p.fail(off+len(rng), "day-of-week does not accept / increments; list the days instead, for example MON,WED,FRI")
			return
		}
		var err error
		n, err = strconv.Atoi(step)
		if err != nil || step == "" || step[0] == '+' || step[0] == '-' {
			p.fail(off+len(rng)+1, fmt.Sprintf("increment %q after / must be a whole number", p.orig(off+len(rng)+1, step)))
			return
		}
		if n < 1 || n > maxStep[f] {
			p.fail(off+len(rng)+1, fmt.Sprintf("increment %d is out of range: %s accepts 1-%d after /", n, fieldNames[f], maxStep[f]))
			return
		}
	}
	// Years are stored from bit 0 (1970) so that they fit the set.
	base := 0
	if f == fYear {
		base = fieldMin[fYear]
	}
	for v := start; v <= end; v += n {
		out.add(v - base)
	}
}

// value parses a number or, for months and weekdays, a three-letter name,
// and checks it against the field's range.
func (p *parser) value(s string, off int) (int, bool) {
	f := p.field
	if s == "" {
		p.fail(off, "missing value")
		return 0, false
	}
	var names []string
	switch f {
	case fMonth:
		names = monthNames
	case fDOW:
		names = dayNames
	}
	for i, name := range names {
		if s == name {
			return i + 1, true
		}
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			switch {
			case names != nil:
				p.fail(off, fmt.Sprintf("%q is not a number %d-%d or a name %s-%s", p.orig(off, s), fieldMin[f], fieldMax[f], names[0], names[len(names)-1]))
			case s == "*":
				p.fail(off, "* cannot be part of a range")
			default:
				p.fail(off, fmt.Sprintf("%q is not a number %d-%d", p.orig(off, s), fieldMin[f], fieldMax[f]))
			}
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || len(s) > 4 || v < fieldMin[f] || v > fieldMax[f] {
		msg := fmt.Sprintf("%s is out of range: %s accepts %d-%d", s, fieldNames[f], fieldMin[f], fieldMax[f])
		if f == fDOW && s == "0" {
			msg += " (1 is Sunday, 7 is Saturday)"
		}
		p.fail(off, msg)
		return 0, false
	}
	return v, true
}

func (p *parser) dayOfMonth(s *Schedule, t string) {
	switch {
	case t == "?":
		s.dom = domAny
	case t == "L":
		s.dom = domLast
	case t == "LW":
		s.dom = domLastWeekday
	case strings.HasPrefix(t, "L-"):
		p.fail(0, fmt.Sprintf("%q: offsets from the last day are not part of AWS cron; use L for the last day of the month", p.raw))
	case strings.HasSuffix(t, "W") && !strings.ContainsAny(t, ",-/*"):
		n := t[:len(t)-1]
		if v, ok := p.value(n, 0); ok {
			s.dom, s.domDay = domNearestWeekday, v
		}
	case strings.ContainsAny(t, "LW"):
		p.fail(strings.IndexAny(t, "LW"), fmt.Sprintf("%q: L and W stand alone in day-of-month: L (last day), LW (last weekday) "+
			"or nW (weekday nearest day n), not in lists, ranges or increments", p.raw))
	default:
		s.dom = domValues
		s.domSet = p.list(t)
	}
}

func (p *parser) dayOfWeek(s *Schedule, t string) {
	switch {
	case t == "?":
		s.dow = dowAny
	case t == "L":
		// L alone is the last day of the week, Saturday.
		s.dow = dowValues
		s.dowSet.add(7)
	case strings.Contains(t, "#"):
		if i := strings.IndexAny(t, ",-/*"); i >= 0 || strings.Count(t, "#") > 1 {
			if i < 0 {
				i = strings.LastIndex(t, "#")
			}
			p.fail(i, fmt.Sprintf("%q: # must be the whole day-of-week field, a single day and occurrence "+
				"such as 3#2 (second Tuesday); \"3#1,6#3\" is not valid", p.raw))
			return
		}
		day, nth, _ := strings.Cut(t, "#")
		d, ok := p.value(day, 0)
		if !ok {
			return
		}
		k, err := strconv.Atoi(nth)
		if err != nil || len(nth) != 1 || k < 1 || k > 5 {
			p.fail(len(day)+1, fmt.Sprintf("%q: the occurrence after # must be 1-5", p.orig(len(day)+1, nth)))
			return
		}
		s.dow, s.dowDay, s.dowNth = dowNth, d, k
	case strings.HasSuffix(t, "L") && !strings.ContainsAny(t, ",-/*"):
		if d, ok := p.value(t[:len(t)-1], 0); ok {
			s.dow, s.dowDay = dowLast, d
		}
	default:
		// No weekday name contains an L, so any L here is misplaced.
		if i := strings.IndexByte(t, 'L'); i >= 0 {
			p.fail(i, fmt.Sprintf("%q: L in day-of-week stands alone as L (Saturday) or nL (last weekday n of the month)", p.raw))
			return
		}
		s.dow = dowValues
		s.dowSet = p.list(t)
	}
}

// orig returns the text of the current field as written at offset off,
// for the upper-cased piece str found there.
func (p *parser) orig(off int, str string) string { return p.raw[off : off+len(str)] }

// asciiUpper upper-cases ASCII letters only, keeping byte offsets intact.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// columnOf returns the 1-based column of field f in expr, a valid
// expression that s was parsed from.
func (s *Schedule) columnOf(expr string, f int) int {
	i := len("cron(")
	for k := 0; ; k++ {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if k == f {
			return i + 1
		}
		for i < len(expr) && !isSpace(expr[i]) {
			i++
		}
	}
}

// wall is a wall-clock minute; fields may overflow until normalized.
type wall struct{ year, month, day, hour, minute int }

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// nextWall returns the first wall-clock minute at or after w that the
// schedule matches, skipping whole years, months, days and hours that
// cannot match.
func (s *Schedule) nextWall(w wall) (wall, bool) {
	y, mo, d, h, mi := w.year, w.month, w.day, w.hour, w.minute
	for {
		// Carry overflowing fields upwards.
		if mi > 59 {
			mi = 0
			h++
		}
		if h > 23 {
			h = 0
			d++
		}
		if mo > 12 {
			mo, d = 1, 1
			y++
		}
		if d > daysIn(y, mo) {
			d = 1
			mo++
			if mo > 12 {
				mo = 1
				y++
			}
		}
		if y < fieldMin[fYear] {
			y, mo, d, h, mi = fieldMin[fYear], 1, 1, 0, 0
		}
		if y > fieldMax[fYear] {
			return wall{}, false
		}

		ny := s.years.next(y - fieldMin[fYear])
		if ny < 0 {
			return wall{}, false
		}
		if ny += fieldMin[fYear]; ny != y {
			y, mo, d, h, mi = ny, 1, 1, 0, 0
		}
		nm := s.months.next(mo)
		if nm < 0 {
			y, mo, d, h, mi = y+1, 1, 1, 0, 0
			continue
		}
		if nm != mo {
			mo, d, h, mi = nm, 1, 0, 0
		}
		days := s.dayMask(y, mo) >> d
		if days == 0 {
			mo, d, h, mi = mo+1, 1, 0, 0
			continue
		}
		if nd := d + bits.TrailingZeros32(days); nd != d {
			d, h, mi = nd, 0, 0
		}
		nh := s.hours.next(h)
		if nh < 0 {
			d, h, mi = d+1, 0, 0
			continue
		}
		if nh != h {
			h, mi = nh, 0
		}
		nmi := s.minutes.next(mi)
		if nmi < 0 {
			h, mi = h+1, 0
			continue
		}
		return wall{y, mo, d, h, nmi}, true
	}
}

// dayMask returns the days of the given month the schedule runs on, as bits
// 1-31.
func (s *Schedule) dayMask(year, month int) uint32 {
	n := daysIn(year, month)
	valid := uint32(1)<<(n+1) - 2
	// Weekday of the 1st, 0 = Sunday.
	wd1 := int(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC).Weekday())
	weekday := func(d int) int { return (wd1 + d - 1) % 7 } // 0 = Sunday
	switch s.dom {
	case domValues:
		return uint32(s.domSet[0]) & valid
	case domLast:
		return 1 << n
	case domLastWeekday:
		d := n
		switch weekday(n) {
		case 6:
			d = n - 1
		case 0:
			d = n - 2
		}
		return 1 << d
	case domNearestWeekday:
		d := s.domDay
		if d > n {
			// The month has no such day: like a plain 31, no run.
			return 0
		}
		switch weekday(d) {
		case 6: // Saturday: Friday before, unless that leaves the month.
			if d == 1 {
				d = 3
			} else {
				d--
			}
		case 0: // Sunday: Monday after, unless that leaves the month.
			if d == n {
				d -= 2
			} else {
				d++
			}
		}
		return 1 << d
	}
	switch s.dow {
	case dowValues:
		var m uint32
		for d := 1; d <= n; d++ {
			if s.dowSet.has(weekday(d) + 1) {
				m |= 1 << d
			}
		}
		return m
	case dowLast:
		d := n - (weekday(n)-(s.dowDay-1)+7)%7
		return 1 << d
	case dowNth:
		d := 1 + (s.dowDay-1-wd1+7)%7 + 7*(s.dowNth-1)
		if d > n {
			return 0
		}
		return 1 << d
	}
	return 0
}

// resolve returns the instant at which wall-clock time w occurs in loc: the
// earliest one if it occurs twice, and false if it does not occur (skipped
// by a daylight saving transition).
func resolve(w wall, loc *time.Location) (time.Time, bool) {
	u := time.Date(w.year, time.Month(w.month), w.day, w.hour, w.minute, 0, 0, time.UTC)
	if loc == time.UTC {
		return u, true
	}
	// The instant is u minus the UTC offset in effect then. Offsets lie
	// within -12h..+14h, so the instant lies within u-14h..u+12h; try every
	// offset in effect in that span and keep the earliest that fits.
	var best time.Time
	seen := [4]int{}
	for i, probe := range [4]time.Duration{-14 * time.Hour, -2 * time.Hour, 2 * time.Hour, 12 * time.Hour} {
		_, off := u.Add(probe).In(loc).Zone()
		seen[i] = off
		if slices.Contains(seen[:i], off) {
			continue
		}
		t := u.Add(-time.Duration(off) * time.Second).In(loc)
		if _, o := t.Zone(); o != off {
			continue
		}
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	return best, !best.IsZero()
}
