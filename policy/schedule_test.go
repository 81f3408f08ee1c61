package policy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseCronValid(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		expr string
		want string // canonical String()
	}{
		"AWS Backup default":               {"cron(0 5 ? * * *)", "cron(0 5 ? * * *)"},
		"AWS Backup hourly example":        {"cron(15 * ? * * *)", "cron(15 * ? * * *)"},
		"daily at noon":                    {"cron(0 12 * * ? *)", "cron(0 12 * * ? *)"},
		"weekday names lower case":         {"cron(0 10 ? * mon-fri *)", "cron(0 10 ? * MON-FRI *)"},
		"weekday names mixed case":         {"cron(0 10 ? * Wed,fRi *)", "cron(0 10 ? * WED,FRI *)"},
		"month names and year range":       {"cron(0  8   1 jan,Jul ? 2025-2030)", "cron(0 8 1 JAN,JUL ? 2025-2030)"},
		"white space inside parentheses":   {"cron( 0 8 1 * ? *\t)", "cron(0 8 1 * ? *)"},
		"last day of month":                {"cron(0 0 L * ? *)", "cron(0 0 L * ? *)"},
		"last weekday of month":            {"cron(0 0 lw * ? *)", "cron(0 0 LW * ? *)"},
		"nearest weekday":                  {"cron(0 0 15W * ? *)", "cron(0 0 15W * ? *)"},
		"nearest weekday lower case":       {"cron(0 0 1w * ? *)", "cron(0 0 1W * ? *)"},
		"last friday":                      {"cron(0 0 ? * 6L *)", "cron(0 0 ? * 6L *)"},
		"last friday by name":              {"cron(0 0 ? * FRIL *)", "cron(0 0 ? * FRIL *)"},
		"L alone in day-of-week":           {"cron(0 0 ? * L *)", "cron(0 0 ? * L *)"},
		"first monday":                     {"cron(0 0 ? * 2#1 *)", "cron(0 0 ? * 2#1 *)"},
		"fifth monday by name":             {"cron(0 0 ? * MON#5 *)", "cron(0 0 ? * MON#5 *)"},
		"range with step of one":           {"cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)", "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)"},
		"range of one value":               {"cron(30-30 13-13 ? * 2,4,6 *)", "cron(30-30 13-13 ? * 2,4,6 *)"},
		"range with large step":            {"cron(1-31/30 1-1 ? * 1,7 *)", "cron(1-31/30 1-1 ? * 1,7 *)"},
		"increments everywhere":            {"cron(0 */2 1/5 */3 ? 2024/2)", "cron(0 */2 1/5 */3 ? 2024/2)"},
		"month increment by name":          {"cron(0 0 1 jan/3 ? *)", "cron(0 0 1 JAN/3 ? *)"},
		"every minute":                     {"cron(* * * * ? *)", "cron(* * * * ? *)"},
		"day-of-week star":                 {"cron(0 0 ? * * *)", "cron(0 0 ? * * *)"},
		"leading zeros":                    {"cron(05 07 01 01 ? 2030)", "cron(05 07 01 01 ? 2030)"},
		"year bounds":                      {"cron(0 0 1 1 ? 1970,2199)", "cron(0 0 1 1 ? 1970,2199)"},
		"maximum increments":               {"cron(0/59 0/23 1/31 1/12 ? 1970/229)", "cron(0/59 0/23 1/31 1/12 ? 1970/229)"},
		"list of ranges and single values": {"cron(0,5-7,50 1,3-4 ? * SUN,3-5 *)", "cron(0,5-7,50 1,3-4 ? * SUN,3-5 *)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseCron(tt.expr)
			if err != nil {
				t.Fatalf("ParseCron(%q): %v", tt.expr, err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			again, err := ParseCron(s.String())
			if err != nil {
				t.Fatalf("ParseCron(String()): %v", err)
			}
			if diff := cmp.Diff(s, again, cmp.AllowUnexported(Schedule{})); diff != "" {
				t.Errorf("re-parsed schedule differs (-first +again):\n%s", diff)
			}
		})
	}
}

func TestParseCronFieldValues(t *testing.T) {
	t.Parallel()
	members := func(b set, lo, hi int) []int {
		var out []int
		for v := lo; v <= hi; v++ {
			if b.has(v) {
				out = append(out, v)
			}
		}
		return out
	}
	tests := map[string]struct {
		expr  string
		field func(*Schedule) set
		lo    int
		hi    int
		want  []int
	}{
		"minute step from start": {"cron(1/10 * * * ? *)", func(s *Schedule) set { return s.minutes }, 0, 59, []int{1, 11, 21, 31, 41, 51}},
		"minute star step":       {"cron(*/20 * * * ? *)", func(s *Schedule) set { return s.minutes }, 0, 59, []int{0, 20, 40}},
		"hour range step":        {"cron(0 8-18/4 * * ? *)", func(s *Schedule) set { return s.hours }, 0, 23, []int{8, 12, 16}},
		"hour list":              {"cron(0 0,12,23 * * ? *)", func(s *Schedule) set { return s.hours }, 0, 23, []int{0, 12, 23}},
		"day-of-month list":      {"cron(0 0 1,15,31 * ? *)", func(s *Schedule) set { return s.domSet }, 1, 31, []int{1, 15, 31}},
		"month names":            {"cron(0 0 1 JAN,mar,DEC ? *)", func(s *Schedule) set { return s.months }, 1, 12, []int{1, 3, 12}},
		"month name range":       {"cron(0 0 1 OCT-DEC ? *)", func(s *Schedule) set { return s.months }, 1, 12, []int{10, 11, 12}},
		"month step":             {"cron(0 0 1 2/5 ? *)", func(s *Schedule) set { return s.months }, 1, 12, []int{2, 7, 12}},
		"weekday names":          {"cron(0 0 ? * SUN,SAT *)", func(s *Schedule) set { return s.dowSet }, 1, 7, []int{1, 7}},
		"weekday mixed range":    {"cron(0 0 ? * MON-4 *)", func(s *Schedule) set { return s.dowSet }, 1, 7, []int{2, 3, 4}},
		"weekday L is saturday":  {"cron(0 0 ? * L *)", func(s *Schedule) set { return s.dowSet }, 1, 7, []int{7}},
		"weekday star":           {"cron(0 0 ? * * *)", func(s *Schedule) set { return s.dowSet }, 1, 7, []int{1, 2, 3, 4, 5, 6, 7}},
		"years from 1970":        {"cron(0 0 1 1 ? 1970,2000-2002,2199)", func(s *Schedule) set { return s.years }, 0, 229, []int{0, 30, 31, 32, 229}},
		"year step":              {"cron(0 0 1 1 ? 2190/4)", func(s *Schedule) set { return s.years }, 0, 229, []int{220, 224, 228}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseCron(tt.expr)
			if err != nil {
				t.Fatalf("ParseCron(%q): %v", tt.expr, err)
			}
			if diff := cmp.Diff(tt.want, members(tt.field(s), tt.lo, tt.hi)); diff != "" {
				t.Errorf("values mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// scheduleErrors returns the ScheduleErrors inside err, in order.
func scheduleErrors(err error) []*ScheduleError {
	var out []*ScheduleError
	switch e := err.(type) {
	case *ScheduleError:
		out = append(out, e)
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			out = append(out, scheduleErrors(inner)...)
		}
	}
	return out
}

type wantScheduleError struct {
	field  string
	column int
	msg    string // substring of Message
}

func checkScheduleErrors(t *testing.T, expr string, err error, want []wantScheduleError) {
	t.Helper()
	if err == nil {
		t.Fatalf("%q: no error, want %v", expr, want)
	}
	got := scheduleErrors(err)
	if len(got) != len(want) {
		t.Fatalf("%q: got %d errors (%v), want %d", expr, len(got), err, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Field != w.field || g.Column != w.column || !strings.Contains(g.Message, w.msg) {
			t.Errorf("%q: error %d = {field %q, column %d, %q}, want {field %q, column %d, containing %q}",
				expr, i, g.Field, g.Column, g.Message, w.field, w.column, w.msg)
		}
		if g.Expr != expr {
			t.Errorf("error %d: Expr = %q, want %q", i, g.Expr, expr)
		}
	}
	var se *ScheduleError
	if !errors.As(err, &se) {
		t.Errorf("errors.As(%v, *ScheduleError) = false", err)
	}
}

func TestParseCronInvalid(t *testing.T) {
	t.Parallel()
	type we = wantScheduleError
	tests := map[string]struct {
		expr string
		want []we
	}{
		"empty":                    {"", []we{{"", 1, "must be a cron expression"}}},
		"no cron prefix":           {"0 5 * * ? *", []we{{"", 1, "must be a cron expression"}}},
		"upper case prefix":        {"CRON(0 5 * * ? *)", []we{{"", 1, "must be a cron expression"}}},
		"rate expression":          {"rate(1 day)", []we{{"", 1, "rate expressions are not accepted"}}},
		"unclosed":                 {"cron(0 5 * * ? *", []we{{"", 17, `must end with ")"`}}},
		"five fields":              {"cron(0 5 * * ?)", []we{{"", 0, "has 6 fields (minutes hours day-of-month month day-of-week year), got 5"}}},
		"seven fields":             {"cron(0 0 5 * * ? *)", []we{{"", 18, "got 7"}}},
		"nothing":                  {"cron()", []we{{"", 0, "got 0"}}},
		"minute 60":                {"cron(60 5 * * ? *)", []we{{"minutes", 6, "60 is out of range: minutes accepts 0-59"}}},
		"hour 24":                  {"cron(0 24 * * ? *)", []we{{"hours", 8, "24 is out of range: hours accepts 0-23"}}},
		"day 0":                    {"cron(0 5 0 * ? *)", []we{{"day-of-month", 10, "0 is out of range: day-of-month accepts 1-31"}}},
		"day 32":                   {"cron(0 5 32 * ? *)", []we{{"day-of-month", 10, "32 is out of range"}}},
		"month 13":                 {"cron(0 5 1 13 ? *)", []we{{"month", 12, "13 is out of range: month accepts 1-12"}}},
		"month 0":                  {"cron(0 5 1 0 ? *)", []we{{"month", 12, "0 is out of range"}}},
		"long month name":          {"cron(0 5 1 JANUARY ? *)", []we{{"month", 12, `"JANUARY" is not a number 1-12 or a name JAN-DEC`}}},
		"weekday 0":                {"cron(0 5 ? * 0 *)", []we{{"day-of-week", 14, "1 is Sunday, 7 is Saturday"}}},
		"weekday 8":                {"cron(0 5 ? * 8 *)", []we{{"day-of-week", 14, "8 is out of range: day-of-week accepts 1-7"}}},
		"weekday bad name":         {"cron(0 5 ? * MONDAY *)", []we{{"day-of-week", 14, "not a number 1-7 or a name SUN-SAT"}}},
		"year 1969":                {"cron(0 5 * * ? 1969)", []we{{"year", 16, "1969 is out of range: year accepts 1970-2199"}}},
		"year 2200":                {"cron(0 5 * * ? 2200)", []we{{"year", 16, "2200 is out of range"}}},
		"year in second value":     {"cron(0 5 * * ? 2024,2300)", []we{{"year", 21, "2300 is out of range"}}},
		"huge number":              {"cron(99999999999999999999 5 * * ? *)", []we{{"minutes", 6, "out of range"}}},
		"both days set, dom star":  {"cron(0 5 * * MON *)", []we{{"day-of-month", 10, "cannot both be set; one of them must be ?"}}},
		"both days set, dow star":  {"cron(0 5 1 * * *)", []we{{"day-of-week", 14, "cannot both be set"}}},
		"both days set, values":    {"cron(0 5 1 * MON *)", []we{{"day-of-week", 14, "cannot both be set"}}},
		"both days star":           {"cron(0 5 * * * *)", []we{{"day-of-week", 14, "cannot both be set"}}},
		"both days ?":              {"cron(0 5 ? * ? *)", []we{{"day-of-week", 14, "cannot both be ?"}}},
		"? in minutes":             {"cron(? 5 * * ? *)", []we{{"minutes", 6, "? is allowed only in day-of-month and day-of-week"}}},
		"? in month":               {"cron(0 5 * ? ? *)", []we{{"month", 12, "? is allowed only in"}}},
		"? in a list":              {"cron(0 5 ?,1 * ? *)", []we{{"day-of-month", 10, "? must be the whole field"}}},
		"two # expressions":        {"cron(0 5 ? * 3#1,6#3 *)", []we{{"day-of-week", 17, `"3#1,6#3" is not valid`}}},
		"# occurrence 6":           {"cron(0 5 ? * 3#6 *)", []we{{"day-of-week", 16, "must be 1-5"}}},
		"# occurrence 0":           {"cron(0 5 ? * 3#0 *)", []we{{"day-of-week", 16, "must be 1-5"}}},
		"# occurrence missing":     {"cron(0 5 ? * 3# *)", []we{{"day-of-week", 16, "must be 1-5"}}},
		"# weekday 9":              {"cron(0 5 ? * 9#1 *)", []we{{"day-of-week", 14, "9 is out of range"}}},
		"# in day-of-month":        {"cron(0 5 1#2 * ? *)", []we{{"day-of-month", 10, `"1#2" is not a number 1-31`}}},
		"step in day-of-week":      {"cron(0 5 ? * */2 *)", []we{{"day-of-week", 15, "does not accept / increments"}}},
		"step from name":           {"cron(0 5 ? * MON/2 *)", []we{{"day-of-week", 17, "does not accept / increments"}}},
		"W with range":             {"cron(0 5 1-5W * ? *)", []we{{"day-of-month", 13, "L and W stand alone"}}},
		"W in list":                {"cron(0 5 1W,15 * ? *)", []we{{"day-of-month", 11, "L and W stand alone"}}},
		"L in list":                {"cron(0 5 L,15 * ? *)", []we{{"day-of-month", 10, "L and W stand alone"}}},
		"L offset":                 {"cron(0 5 L-3 * ? *)", []we{{"day-of-month", 10, "offsets from the last day"}}},
		"W day 32":                 {"cron(0 5 32W * ? *)", []we{{"day-of-month", 10, "32 is out of range"}}},
		"W alone":                  {"cron(0 5 W * ? *)", []we{{"day-of-month", 10, "missing value"}}},
		"W in day-of-week":         {"cron(0 5 ? * 2W *)", []we{{"day-of-week", 14, `"2W" is not a number 1-7`}}},
		"L in weekday range":       {"cron(0 5 ? * 1-L *)", []we{{"day-of-week", 16, "L in day-of-week stands alone"}}},
		"L in minutes":             {"cron(L 5 * * ? *)", []we{{"minutes", 6, `"L" is not a number 0-59`}}},
		"last weekday 8":           {"cron(0 5 ? * 8L *)", []we{{"day-of-week", 14, "8 is out of range"}}},
		"increment 0":              {"cron(*/0 5 * * ? *)", []we{{"minutes", 8, "increment 0 is out of range: minutes accepts 1-59"}}},
		"increment 60":             {"cron(0/60 5 * * ? *)", []we{{"minutes", 8, "increment 60 is out of range"}}},
		"month increment 13":       {"cron(0 5 1 1/13 ? *)", []we{{"month", 14, "month accepts 1-12 after /"}}},
		"increment not a number":   {"cron(0/x 5 * * ? *)", []we{{"minutes", 8, `increment "x" after / must be a whole number`}}},
		"increment missing":        {"cron(0/ 5 * * ? *)", []we{{"minutes", 8, "must be a whole number"}}},
		"increment signed":         {"cron(0/+5 5 * * ? *)", []we{{"minutes", 8, "must be a whole number"}}},
		"reversed range":           {"cron(30-10 5 * * ? *)", []we{{"minutes", 6, "starts after it ends"}}},
		"wrapping hour range":      {"cron(0 22-2 * * ? *)", []we{{"hours", 8, "22-23,0-2"}}},
		"reversed weekday names":   {"cron(0 5 ? * FRI-MON *)", []we{{"day-of-week", 14, "starts after it ends"}}},
		"star in a list":           {"cron(*,5 5 * * ? *)", []we{{"minutes", 6, "* must be the whole field"}}},
		"star in a range":          {"cron(0 5-* * * ? *)", []we{{"hours", 10, "* cannot be part of a range"}}},
		"empty list element":       {"cron(0,,5 5 * * ? *)", []we{{"minutes", 8, "empty value"}}},
		"trailing comma":           {"cron(0, 5 * * ? *)", []we{{"minutes", 8, "empty value"}}},
		"open range":               {"cron(0 5 * * ? 2024-)", []we{{"year", 21, "missing value"}}},
		"not a number":             {"cron(1x 5 * * ? *)", []we{{"minutes", 6, `"1x" is not a number 0-59`}}},
		"negative":                 {"cron(-1 5 * * ? *)", []we{{"minutes", 6, "missing value"}}},
		"several problems at once": {"cron(60 24 * * ? 1900)", []we{{"minutes", 6, "60 is out of range"}, {"hours", 9, "24 is out of range"}, {"year", 18, "1900 is out of range"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseCron(tt.expr)
			if s != nil {
				t.Errorf("ParseCron(%q) = %v, want nil", tt.expr, s)
			}
			checkScheduleErrors(t, tt.expr, err, tt.want)
		})
	}
}

func TestParseScheduleBackupRules(t *testing.T) {
	t.Parallel()
	type we = wantScheduleError
	tests := map[string]struct {
		expr string
		want []we // nil: valid
	}{
		"daily":                    {"cron(0 5 ? * * *)", nil},
		"hourly":                   {"cron(15 * ? * * *)", nil},
		"every hour listed":        {"cron(0 0-23 * * ? *)", nil},
		"twice a day":              {"cron(30 0,12 * * ? *)", nil},
		"adjacent hours":           {"cron(59 0,1 * * ? *)", nil},
		"minute range of one":      {"cron(30-30 13-13 ? * 2,4,6 *)", nil},
		"every 15 minutes":         {"cron(0/15 * * * ? *)", []we{{"minutes", 6, `"0/15" names 4 minutes of the hour, but AWS Backup runs a rule at most once an hour`}}},
		"twice an hour":            {"cron(0,30 * ? * * *)", []we{{"minutes", 6, "at least 60 minutes"}}},
		"every minute of one hour": {"cron(* 5 * * ? *)", []we{{"minutes", 6, `"*" names 60 minutes`}}},
		"minutes 59 apart":         {"cron(0,59 5 1 1 ? 2030)", []we{{"minutes", 6, "name a single minute, for example 0"}}},
		"padded expression":        {"cron(  1-2  5 * * ? *)", []we{{"minutes", 8, "names 2 minutes"}}},
		"rate":                     {"rate(1 hour)", []we{{"", 1, "rate expressions are not accepted"}}},
		"syntax still checked":     {"cron(0 5 * * * *)", []we{{"day-of-week", 14, "cannot both be set"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSchedule(tt.expr)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ParseSchedule(%q): %v", tt.expr, err)
				}
				if s == nil {
					t.Fatalf("ParseSchedule(%q) = nil", tt.expr)
				}
				return
			}
			if s != nil {
				t.Errorf("ParseSchedule(%q) = %v, want nil", tt.expr, s)
			}
			checkScheduleErrors(t, tt.expr, err, tt.want)
		})
	}
}

func TestScheduleErrorString(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err  ScheduleError
		want string
	}{
		"field and column": {ScheduleError{Expr: "cron(0 5 ? * 8 *)", Field: "day-of-week", Column: 14, Message: "bad"},
			`schedule "cron(0 5 ? * 8 *)": day-of-week (column 14): bad`},
		"field only":  {ScheduleError{Expr: "x", Field: "minutes", Message: "bad"}, `schedule "x": minutes: bad`},
		"column only": {ScheduleError{Expr: "x", Column: 1, Message: "bad"}, `schedule "x": column 1: bad`},
		"neither":     {ScheduleError{Expr: "x", Message: "bad"}, `schedule "x": bad`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	// Expected times were worked out from the calendar and checked with an
	// independent minute-by-minute search (Python zoneinfo).
	tests := map[string]struct {
		expr  string
		zone  string
		after time.Time
		want  time.Time // zero: none
	}{
		"strictly after":               {"cron(0 5 ? * * *)", "UTC", utc(2024, 1, 1, 5, 0), utc(2024, 1, 2, 5, 0)},
		"same day":                     {"cron(0 5 ? * * *)", "UTC", time.Date(2024, 1, 1, 4, 59, 59, 999, time.UTC), utc(2024, 1, 1, 5, 0)},
		"seconds ignored":              {"cron(* * ? * * *)", "UTC", time.Date(2024, 1, 1, 4, 59, 30, 0, time.UTC), utc(2024, 1, 1, 5, 0)},
		"steps":                        {"cron(5/20 */6 * * ? *)", "UTC", utc(2024, 1, 1, 0, 30), utc(2024, 1, 1, 0, 45)},
		"steps next hour":              {"cron(5/20 */6 * * ? *)", "UTC", utc(2024, 1, 1, 0, 45), utc(2024, 1, 1, 6, 5)},
		"L in leap year":               {"cron(0 0 L * ? *)", "UTC", utc(2024, 2, 1, 0, 0), utc(2024, 2, 29, 0, 0)},
		"L in common year":             {"cron(0 0 L * ? *)", "UTC", utc(2023, 2, 1, 0, 0), utc(2023, 2, 28, 0, 0)},
		"L in 2100 (not leap)":         {"cron(0 0 L * ? *)", "UTC", utc(2100, 2, 1, 0, 0), utc(2100, 2, 28, 0, 0)},
		"L in 2000 (leap)":             {"cron(0 0 L * ? *)", "UTC", utc(2000, 2, 1, 0, 0), utc(2000, 2, 29, 0, 0)},
		"L in 30-day month":            {"cron(0 0 L * ? *)", "UTC", utc(2024, 4, 1, 0, 0), utc(2024, 4, 30, 0, 0)},
		"LW on a sunday":               {"cron(0 0 LW * ? *)", "UTC", utc(2024, 3, 1, 0, 0), utc(2024, 3, 29, 0, 0)},
		"LW on a saturday":             {"cron(0 0 LW * ? *)", "UTC", utc(2024, 8, 1, 0, 0), utc(2024, 8, 30, 0, 0)},
		"LW on a weekday":              {"cron(0 0 LW * ? *)", "UTC", utc(2024, 4, 1, 0, 0), utc(2024, 4, 30, 0, 0)},
		"15W on a saturday":            {"cron(0 0 15W * ? *)", "UTC", utc(2024, 6, 1, 0, 0), utc(2024, 6, 14, 0, 0)},
		"15W on a sunday":              {"cron(0 0 15W * ? *)", "UTC", utc(2024, 9, 1, 0, 0), utc(2024, 9, 16, 0, 0)},
		"15W on a weekday":             {"cron(0 0 15W * ? *)", "UTC", utc(2024, 5, 1, 0, 0), utc(2024, 5, 15, 0, 0)},
		"1W on a saturday stays":       {"cron(0 0 1W * ? *)", "UTC", utc(2024, 5, 31, 12, 0), utc(2024, 6, 3, 0, 0)},
		"31W on a sunday stays":        {"cron(0 0 31W * ? *)", "UTC", utc(2024, 3, 1, 0, 0), utc(2024, 3, 29, 0, 0)},
		"31W skips short months":       {"cron(0 0 31W * ? *)", "UTC", utc(2024, 4, 1, 0, 0), utc(2024, 5, 31, 0, 0)},
		"30W skips february":           {"cron(0 0 30W * ? *)", "UTC", utc(2024, 2, 1, 0, 0), utc(2024, 3, 29, 0, 0)},
		"first monday, strictly after": {"cron(0 9 ? * MON#1 *)", "UTC", utc(2024, 1, 1, 9, 0), utc(2024, 2, 5, 9, 0)},
		"second tuesday":               {"cron(0 9 ? * 3#2 *)", "UTC", utc(2024, 1, 1, 0, 0), utc(2024, 1, 9, 9, 0)},
		"fifth friday":                 {"cron(0 9 ? * FRI#5 *)", "UTC", utc(2024, 1, 1, 0, 0), utc(2024, 3, 29, 9, 0)},
		"last friday":                  {"cron(0 12 ? * 6L *)", "UTC", utc(2024, 3, 1, 0, 0), utc(2024, 3, 29, 12, 0)},
		"last sunday":                  {"cron(0 12 ? * SUNL *)", "UTC", utc(2024, 3, 1, 0, 0), utc(2024, 3, 31, 12, 0)},
		"L is saturday":                {"cron(0 12 ? * L *)", "UTC", utc(2024, 1, 1, 0, 0), utc(2024, 1, 6, 12, 0)},
		"weekdays over a weekend":      {"cron(0 10 ? * MON-FRI *)", "UTC", utc(2024, 1, 5, 10, 0), utc(2024, 1, 8, 10, 0)},
		"month names":                  {"cron(0 0 1 JAN,jul ? *)", "UTC", utc(2024, 2, 1, 0, 0), utc(2024, 7, 1, 0, 0)},
		"end of year":                  {"cron(59 23 31 DEC ? *)", "UTC", utc(2024, 12, 31, 23, 59), utc(2025, 12, 31, 23, 59)},
		"new year":                     {"cron(0 0 1 1 ? *)", "UTC", time.Date(2024, 12, 31, 23, 59, 30, 0, time.UTC), utc(2025, 1, 1, 0, 0)},
		"leap day in a year range":     {"cron(0 0 29 2 ? 2025-2030)", "UTC", utc(2024, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)},
		"before 1970":                  {"cron(0 0 1 1 ? *)", "UTC", utc(1960, 6, 1, 0, 0), utc(1970, 1, 1, 0, 0)},
		"last year":                    {"cron(0 0 * * ? *)", "UTC", utc(2199, 12, 30, 12, 0), utc(2199, 12, 31, 0, 0)},
		"past 2199":                    {"cron(0 0 * * ? *)", "UTC", utc(2199, 12, 31, 0, 0), time.Time{}},
		"year list ended":              {"cron(0 0 1 1 ? 2024)", "UTC", utc(2024, 1, 1, 0, 0), time.Time{}},
		"never: 30 february":           {"cron(0 0 30 FEB ? *)", "UTC", utc(2024, 1, 1, 0, 0), time.Time{}},
		"never: 5th monday in feb":     {"cron(0 0 ? 2 MON#5 2026-2027)", "UTC", utc(2024, 1, 1, 0, 0), time.Time{}},
		"kolkata half hour offset":     {"cron(0 2 * * ? *)", "Asia/Kolkata", utc(2024, 1, 1, 0, 0), utc(2024, 1, 1, 20, 30)},
		"new york winter":              {"cron(0 5 ? * * *)", "America/New_York", utc(2024, 1, 1, 0, 0), utc(2024, 1, 1, 10, 0)},
		"new york summer":              {"cron(0 5 ? * * *)", "America/New_York", utc(2024, 7, 1, 0, 0), utc(2024, 7, 1, 9, 0)},
		"spring forward skips 02:30":   {"cron(30 2 * * ? *)", "America/New_York", utc(2024, 3, 9, 12, 0), utc(2024, 3, 11, 6, 30)},
		"spring forward hourly":        {"cron(0 * ? * * *)", "America/New_York", utc(2024, 3, 10, 6, 0), utc(2024, 3, 10, 7, 0)},
		"fall back first 01:30":        {"cron(30 1 * * ? *)", "America/New_York", utc(2024, 11, 3, 5, 0), utc(2024, 11, 3, 5, 30)},
		"fall back runs once":          {"cron(30 1 * * ? *)", "America/New_York", utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)},
		"fall back from second pass":   {"cron(30 1 * * ? *)", "America/New_York", utc(2024, 11, 3, 6, 10), utc(2024, 11, 4, 6, 30)},
		"fall back hourly":             {"cron(0 * ? * * *)", "America/New_York", utc(2024, 11, 3, 5, 0), utc(2024, 11, 3, 7, 0)},
		"london spring forward":        {"cron(30 1 * * ? *)", "Europe/London", utc(2024, 3, 30, 12, 0), utc(2024, 4, 1, 0, 30)},
		"lord howe half hour shift":    {"cron(15 2 * * ? *)", "Australia/Lord_Howe", utc(2024, 10, 5, 12, 0), utc(2024, 10, 6, 15, 15)},
		"lord howe fall back":          {"cron(45 1 * * ? *)", "Australia/Lord_Howe", utc(2024, 4, 6, 12, 0), utc(2024, 4, 6, 14, 45)},
		"nil location is UTC":          {"cron(0 5 ? * * *)", "", utc(2024, 1, 1, 0, 0), utc(2024, 1, 1, 5, 0)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseCron(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			var loc *time.Location
			if tt.zone != "" {
				loc = mustLoad(t, tt.zone)
			}
			got := s.Next(tt.after, loc)
			if !got.Equal(tt.want) {
				t.Errorf("%s.Next(%v, %s) = %v, want %v", s, tt.after, tt.zone, got.UTC(), tt.want)
			}
			if !got.IsZero() {
				if want := loc; want != nil && got.Location() != want {
					t.Errorf("Next returned a time in %v, want %v", got.Location(), want)
				}
				if got.Second() != 0 || got.Nanosecond() != 0 {
					t.Errorf("Next = %v, not a whole minute", got)
				}
			}
		})
	}
}

func TestScheduleNextN(t *testing.T) {
	t.Parallel()
	s, err := ParseSchedule("cron(0 3 ? * MON,THU *)")
	if err != nil {
		t.Fatal(err)
	}
	got := s.NextN(utc(2024, 1, 1, 0, 0), nil, 4)
	want := []time.Time{utc(2024, 1, 1, 3, 0), utc(2024, 1, 4, 3, 0), utc(2024, 1, 8, 3, 0), utc(2024, 1, 11, 3, 0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NextN mismatch (-want +got):\n%s", diff)
	}
	ended, err := ParseSchedule("cron(0 0 1 1 ? 2199)")
	if err != nil {
		t.Fatal(err)
	}
	if got := ended.NextN(utc(2198, 1, 1, 0, 0), nil, 3); len(got) != 1 || !got[0].Equal(utc(2199, 1, 1, 0, 0)) {
		t.Errorf("NextN past the end = %v, want only 2199-01-01", got)
	}
}

func TestScheduleIntervals(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		expr     string
		zone     string
		from     time.Time
		horizon  time.Duration
		wantMax  time.Duration
		wantMin  time.Duration
		wantNone bool
	}{
		"daily":                  {"cron(0 5 ? * * *)", "UTC", utc(2024, 1, 1, 0, 0), 30 * 24 * time.Hour, 24 * time.Hour, 24 * time.Hour, false},
		"weekdays":               {"cron(0 22 ? * MON-FRI *)", "UTC", utc(2024, 1, 1, 0, 0), 14 * 24 * time.Hour, 72 * time.Hour, 24 * time.Hour, false},
		"twice a day uneven":     {"cron(0 6,9 * * ? *)", "UTC", utc(2024, 1, 1, 0, 0), 7 * 24 * time.Hour, 21 * time.Hour, 3 * time.Hour, false},
		"monthly beyond horizon": {"cron(0 0 1 * ? *)", "UTC", utc(2024, 1, 15, 0, 0), 24 * time.Hour, 29 * 24 * time.Hour, 29 * 24 * time.Hour, false},
		"monthly over a year":    {"cron(0 0 1 * ? *)", "UTC", utc(2024, 1, 1, 0, 0), 365 * 24 * time.Hour, 31 * 24 * time.Hour, 29 * 24 * time.Hour, false},
		// 01:00 EST to 03:00 EDT is one hour; the 02:00 run does not exist.
		"hourly over spring forward": {"cron(0 * ? * * *)", "America/New_York", utc(2024, 3, 10, 0, 0), 12 * time.Hour, time.Hour, time.Hour, false},
		// 01:00 EDT to 02:00 EST is two hours; 01:00 EST is skipped.
		"hourly over fall back": {"cron(0 * ? * * *)", "America/New_York", utc(2024, 11, 3, 0, 0), 12 * time.Hour, 2 * time.Hour, time.Hour, false},
		"daily over spring forward": {"cron(0 12 * * ? *)", "America/New_York", utc(2024, 3, 8, 0, 0), 4 * 24 * time.Hour,
			24 * time.Hour, 23 * time.Hour, false},
		// 01:45 LHST then 02:45 LHDT, which is only 30 minutes later.
		"lord howe spring forward": {"cron(45 * ? * * *)", "Australia/Lord_Howe", utc(2024, 10, 5, 12, 0), 6 * time.Hour,
			time.Hour, 30 * time.Minute, false},
		"single run":  {"cron(0 0 1 1 ? 2199)", "UTC", utc(2198, 1, 1, 0, 0), 1000 * 24 * time.Hour, 0, 0, true},
		"no run left": {"cron(0 0 1 1 ? 2024)", "UTC", utc(2025, 1, 1, 0, 0), 24 * time.Hour, 0, 0, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSchedule(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			loc := mustLoad(t, tt.zone)
			gotMax := s.MaxInterval(tt.from, loc, tt.horizon)
			gotMin := s.MinInterval(tt.from, loc, tt.horizon)
			if gotMax != tt.wantMax || gotMin != tt.wantMin {
				t.Errorf("MaxInterval, MinInterval = %v, %v; want %v, %v", gotMax, gotMin, tt.wantMax, tt.wantMin)
			}
		})
	}
}

// naiveMatch reports whether wall-clock time w matches s, checking each
// field on its own and finding special days by walking the month, apart
// from the bitset search that Next uses.
func naiveMatch(s *Schedule, w time.Time) bool {
	y, mo, d := w.Date()
	if !s.years.has(y-1970) || !s.months.has(int(mo)) || !s.hours.has(w.Hour()) || !s.minutes.has(w.Minute()) {
		return false
	}
	last := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day()
	weekday := func(day int) time.Weekday { return time.Date(y, mo, day, 0, 0, 0, 0, time.UTC).Weekday() }
	isWeekday := func(day int) bool { return weekday(day) != time.Saturday && weekday(day) != time.Sunday }
	switch s.dom {
	case domValues:
		return s.domSet.has(d)
	case domLast:
		return d == last
	case domLastWeekday:
		lw := last
		for !isWeekday(lw) {
			lw--
		}
		return d == lw
	case domNearestWeekday:
		n := s.domDay
		if n > last || !isWeekday(d) {
			return false
		}
		if isWeekday(n) {
			return d == n
		}
		// The closest weekday within the month. A Saturday's Friday is one
		// day away and a Sunday's Monday too, so there are no ties.
		best := 0
		for c := 1; c <= last; c++ {
			if isWeekday(c) && (best == 0 || abs(c-n) < abs(best-n)) {
				best = c
			}
		}
		return d == best
	}
	wd := int(weekday(d)) + 1
	switch s.dow {
	case dowValues:
		return s.dowSet.has(wd)
	case dowLast:
		return wd == s.dowDay && d+7 > last
	case dowNth:
		return wd == s.dowDay && (d-1)/7+1 == s.dowNth
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// bruteNext steps minute by minute from after, returning runs up to end:
// instants whose wall-clock time in loc matches and occurs there for the
// first time (DST shifts in the zones used are 30 or 60 minutes).
func bruteNext(s *Schedule, after, end time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	for u := after.Truncate(time.Minute).Add(time.Minute); !u.After(end); u = u.Add(time.Minute) {
		w := u.In(loc)
		if !naiveMatch(s, w) {
			continue
		}
		first := true
		for _, back := range []time.Duration{30 * time.Minute, time.Hour} {
			p := u.Add(-back).In(loc)
			if p.Hour() == w.Hour() && p.Minute() == w.Minute() && p.Day() == w.Day() {
				first = false
			}
		}
		if first {
			out = append(out, w)
		}
	}
	return out
}

// randomCron returns a random expression exercising every syntax element.
func randomCron(r *rand.Rand) string {
	num := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	item := func(lo, hi int, names []string) string {
		v := func() string {
			x := num(lo, hi)
			if names != nil && r.IntN(2) == 0 {
				return strings.ToLower(names[x-lo])
			}
			return fmt.Sprint(x)
		}
		switch r.IntN(6) {
		case 0:
			return "*"
		case 1:
			return fmt.Sprintf("*/%d", num(1, hi))
		case 2:
			a := num(lo, hi)
			b := num(a, hi)
			return fmt.Sprintf("%d-%d", a, b)
		case 3:
			return fmt.Sprintf("%s/%d", v(), num(1, hi))
		default:
			return v()
		}
	}
	list := func(lo, hi int, names []string) string {
		n := 1 + r.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item(lo, hi, names)
			if parts[i] == "*" && n > 1 {
				parts[i] = fmt.Sprint(num(lo, hi))
			}
		}
		return strings.Join(parts, ",")
	}
	minutes := list(0, 59, nil)
	hours := list(0, 23, nil)
	month := list(1, 12, monthNames)
	if r.IntN(2) == 0 {
		month = "*"
	}
	year := "*"
	if r.IntN(4) == 0 {
		year = fmt.Sprintf("%d-%d", num(2023, 2025), num(2025, 2027))
	}
	dom, dow := "?", "?"
	if r.IntN(2) == 0 {
		switch r.IntN(5) {
		case 0:
			dom = "L"
		case 1:
			dom = "LW"
		case 2:
			dom = fmt.Sprintf("%dW", num(1, 31))
		default:
			dom = list(1, 31, nil)
		}
	} else {
		switch r.IntN(5) {
		case 0:
			dow = fmt.Sprintf("%dL", num(1, 7))
		case 1:
			dow = fmt.Sprintf("%d#%d", num(1, 7), num(1, 5))
		case 2:
			dow = "L"
		default:
			dow = strings.ReplaceAll(list(1, 7, dayNames), "/", ",")
			if strings.HasPrefix(dow, "*,") || strings.Contains(dow, ",*") {
				dow = "*"
			}
		}
	}
	return fmt.Sprintf("cron(%s %s %s %s %s %s)", minutes, hours, dom, month, dow, year)
}

func TestScheduleNextMatchesBruteForce(t *testing.T) {
	t.Parallel()
	zones := []string{"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"}
	// Start near daylight saving transitions as well as at random.
	starts := []time.Time{
		utc(2024, 3, 9, 0, 0), utc(2024, 11, 2, 0, 0), utc(2024, 3, 30, 0, 0), utc(2024, 10, 26, 0, 0),
		utc(2024, 10, 4, 0, 0), utc(2024, 4, 5, 0, 0), utc(2024, 2, 27, 0, 0), utc(2025, 12, 30, 0, 0),
	}
	r := rand.New(rand.NewPCG(1, 2))
	const runs = 300
	parsed, total := 0, 0
	for i := range runs {
		expr := randomCron(r)
		s, err := ParseCron(expr)
		if err != nil {
			continue
		}
		parsed++
		loc := mustLoad(t, zones[i%len(zones)])
		after := starts[r.IntN(len(starts))]
		if r.IntN(2) == 0 {
			after = utc(2024, time.January, 1, 0, 0).Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
		}
		after = after.Add(time.Duration(r.IntN(60)) * time.Second)
		end := after.Add(3 * 24 * time.Hour)
		want := bruteNext(s, after, end, loc)
		total += len(want)
		var got []time.Time
		for t := s.Next(after, loc); !t.IsZero() && !t.After(end); t = s.Next(t, loc) {
			got = append(got, t)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s in %s after %v: Next differs from brute force (-want +got):\n%s", expr, loc, after, diff)
		}
	}
	t.Logf("%d expressions parsed, %d runs compared", parsed, total)
	if parsed < runs/2 {
		t.Errorf("only %d of %d random expressions parsed; the generator needs fixing", parsed, runs)
	}
}

func BenchmarkScheduleNext(b *testing.B) {
	ny := mustLoad(b, "America/New_York")
	for _, expr := range []string{
		"cron(0 5 ? * * *)",
		"cron(0 * ? * * *)",
		"cron(0 3 ? * 6L *)",
		"cron(0 0 29 2 ? *)",
		"cron(0 0 ? 2 MON#5 2190-2199)",
	} {
		s, err := ParseCron(expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(expr, func(b *testing.B) {
			after := utc(2024, 6, 15, 12, 34)
			for b.Loop() {
				s.Next(after, ny)
			}
		})
	}
}

func ExampleParseSchedule() {
	s, err := ParseSchedule("cron(0 2 ? * sun *)")
	if err != nil {
		fmt.Println(err)
		return
	}
	ny, _ := time.LoadLocation("America/New_York")
	fmt.Println(s)
	for _, t := range s.NextN(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ny, 3) {
		fmt.Println(t.Format(time.RFC3339))
	}
	fmt.Println(s.MaxInterval(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ny, 30*24*time.Hour))

	_, err = ParseSchedule("cron(0/30 * ? * * *)")
	fmt.Println(err)
	// Output:
	// cron(0 2 ? * SUN *)
	// 2024-03-03T02:00:00-05:00
	// 2024-03-17T02:00:00-04:00
	// 2024-03-24T02:00:00-04:00
	// 335h0m0s
	// schedule "cron(0/30 * ? * * *)": minutes (column 6): "0/30" names 2 minutes of the hour, but AWS Backup runs a rule at most once an hour (the interval between backup jobs must be at least 60 minutes); name a single minute, for example 0
}
