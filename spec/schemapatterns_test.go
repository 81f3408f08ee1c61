package spec

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

func TestIntRangePattern(t *testing.T) {
	t.Parallel()
	for _, r := range [][2]int64{{0, 0}, {0, 9}, {1, 9}, {0, 59}, {1, 31}, {7, 12}, {60, 1000}, {1, 35}, {1, 36500}, {3, 5214}, {1970, 2199}, {99, 101}, {123, 4567}} {
		re := regexp.MustCompile("^" + intRangePattern(r[0], r[1]) + "$")
		for n := int64(0); n <= r[1]*2+20; n++ {
			s := strconv.FormatInt(n, 10)
			if want := n >= r[0] && n <= r[1]; re.MatchString(s) != want {
				t.Errorf("intRangePattern(%d, %d) matches %s = %v, want %v", r[0], r[1], s, !want, want)
			}
			if re.MatchString("0" + s) {
				t.Errorf("intRangePattern(%d, %d) matches 0%s, with a leading zero", r[0], r[1], s)
			}
		}
	}
}

func TestPaddedRangePattern(t *testing.T) {
	t.Parallel()
	for _, r := range [][2]int64{{0, 59}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}} {
		re := regexp.MustCompile("^" + paddedRangePattern(r[0], r[1], 4) + "$")
		for n := int64(0); n <= 2500; n++ {
			for width := 1; width <= 5; width++ {
				s := strconv.FormatInt(n, 10)
				if len(s) > width {
					continue
				}
				s = strings.Repeat("0", width-len(s)) + s
				want := n >= r[0] && n <= r[1] && width <= 4
				if re.MatchString(s) != want {
					t.Errorf("paddedRangePattern(%d, %d, 4) matches %s = %v, want %v", r[0], r[1], s, !want, want)
				}
			}
		}
	}
}

// TestDurationPatterns compares each duration pattern of the schema with
// the parse and bound Load applies, over every unit and a spread of
// numbers, edges included.
func TestDurationPatterns(t *testing.T) {
	t.Parallel()
	retention := func(lo, hi int64) func(string) bool {
		return func(s string) bool {
			d, err := ParseRetention(s)
			return err == nil && int64(d) >= lo && (hi == 0 || int64(d) <= hi)
		}
	}
	window := func(lo, hi int64) func(string) bool {
		return func(s string) bool {
			d, err := ParseWindow(s)
			m := int64(d.Minutes())
			return err == nil && m >= lo && m <= hi
		}
	}
	tests := map[string]struct {
		pattern string
		load    func(string) bool
	}{
		"lock max":    {lockMaxPattern(), retention(1, MaxLockDays)},
		"air gap min": {airGappedMinPattern(), retention(MinAirGappedRetentionDays, 0)},
		"continuous":  {continuousRetentionPattern(), retention(1, policy.MaxContinuousRetentionDays)},
		"cold":        {coldRetentionPattern(), retention(91, 0)},
		"retention":   {retentionPattern, retention(1, 0)},
		"start":       {startWindowPattern(), window(policy.MinStartWindowMinutes, policy.MaxWindowMinutes)},
		"completion":  {completionWindowPattern(), window(1, policy.MaxWindowMinutes)},
		"lookback":    {restoreLookbackPattern(), retention(1, MaxRestoreLookbackDays)},
		"kept": {restoreKeepPattern(), func(s string) bool {
			d, err := ParseWindow(s)
			return err == nil && d <= MaxRestoreKeep && d%time.Hour == 0
		}},
	}
	var numbers []string
	for _, n := range []int64{1, 2, 4, 5, 6, 7, 8, 12, 13, 23, 24, 25, 34, 35, 36, 59, 60, 61, 90, 91, 92, 99, 100, 101, 364, 365, 876000, 876001, 5214, 5215, 36499, 36500, 36501, 36135, 52559999, 52560000, 52560001, 36500000, 999999999, 120, 167, 168, 169, 10020, 10080, 10081, 10140} {
		numbers = append(numbers, strconv.FormatInt(n, 10))
	}
	numbers = append(numbers, "0", "07", "1000000000", "", "x")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			re := regexp.MustCompile(tc.pattern)
			for _, n := range numbers {
				for _, unit := range []string{"m", "h", "d", "w", "y", "", "s"} {
					s := n + unit
					if n == "07" && tc.load(s) {
						continue // Load reads 07d as 7d; the schema wants no leading zero
					}
					if got, want := re.MatchString(s), tc.load(s); got != want {
						t.Errorf("pattern matches %q = %v, Load accepts it = %v", s, got, want)
					}
				}
			}
		})
	}
}

// TestCronPattern compares the schema's schedule pattern with
// policy.ParseSchedule: on a table of expressions both must agree; on
// random expressions the pattern must accept every expression
// ParseSchedule accepts whose minutes field is a number, and may accept
// only the few invalid ones its comment names.
func TestCronPattern(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(cronPattern())
	for _, expr := range []string{
		"cron(0 2 * * ? *)", "cron(30 1 ? * MON-FRI *)", "cron(0 * * * ? *)", "cron(0 5 1 * ? *)",
		"cron(0 4 ? * SUN *)", "cron(15 2 ? * 6#3 *)", "cron(0 0/2 ? JAN-MAR MON,WED,FRI 2025-2030)",
		"cron(0 5 L * ? *)", "cron(0 5 LW * ? *)", "cron(0 5 15W * ? *)", "cron(0 5 ? * 6L *)", "cron(0 5 ? * L *)",
		"cron(05 02 * * ? *)", "cron( 0 2 * * ? * )", "cron(0\t2 * * ? *)", "cron(0 2 ? * mon-fri *)", "cron(0 2 l * ? *)",
		"cron(0 */6 * * ? *)", "cron(0 1,13 * * ? 2026/2)", "cron(59 23 31 DEC ? 2199)", "cron(0 0 1 1 ? 1970)",
		// Refused.
		"cron(0/30 1 * * ? *)", "cron(0,30 1 * * ? *)", "cron(* 1 * * ? *)", "cron(60 1 * * ? *)", "cron(0 24 * * ? *)",
		"cron(0 1 * * * *)", "cron(0 1 ? * ? *)", "cron(0 1 * *)", "cron(0 1 * * ? * *)", "rate(1 hour)", "cron 0 1 * * ? *",
		"cron(0 1 32 * ? *)", "cron(0 1 0 * ? *)", "cron(0 1 ? 13 MON *)", "cron(0 1 ? * 8 *)", "cron(0 1 ? * 0 *)",
		"cron(0 1 ? * MON/2 *)", "cron(0 1 ? * 3#6 *)", "cron(0 1 L-2 * ? *)", "cron(0 1 * * ? 1969)", "cron(0 1 * * ? 2200)",
		"cron(0 1 */0 * ? *)", "cron(0 1 ? * 1#1,2#2 *)", "cron(0 1 1,* * ? *)", "cron(0 1 ? JANUARY MON *)", "cron(00000 1 * * ? *)",
		"cron(0 1 * * ? *", "CRON(0 1 * * ? *)", "cron(0 1 5LW * ? *)",
	} {
		_, err := policy.ParseSchedule(expr)
		if got, want := re.MatchString(expr), err == nil; got != want {
			t.Errorf("pattern matches %q = %v, ParseSchedule accepts it = %v (%v)", expr, got, want, err)
		}
	}
	// Random expressions from the fields' building blocks.
	pieces := [][]string{
		{"0", "5", "59", "60", "05", "0/30", "*", "1-1", "1,2"},
		{"0", "23", "24", "*", "*/6", "0/2", "1-5", "1,13", "5-1", "007", "1,*", "*/0"},
		{"?", "*", "1", "31", "32", "L", "LW", "15W", "1-15", "1/5", "L-1", "5,L", "1,1"},
		{"*", "1", "12", "13", "JAN", "jan-mar", "*/3", "FEB,AUG", "DEC-JAN", "JANUARY"},
		{"?", "*", "MON", "mon-fri", "1", "7", "0", "8", "6L", "L", "3#2", "3#6", "MON/2", "1,7", "SUN#1"},
		{"*", "2026", "1969", "2200", "2025-2030", "*/2", "2026/2", "2030-2025"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var accepted, refused int
	for range 20000 {
		fields := make([]string, len(pieces))
		for i, p := range pieces {
			fields[i] = p[rng.IntN(len(p))]
		}
		expr := "cron(" + strings.Join(fields, " ") + ")"
		_, err := policy.ParseSchedule(expr)
		matched := re.MatchString(expr)
		if err == nil {
			accepted++
		} else {
			refused++
		}
		switch {
		case err == nil && !matched && regexp.MustCompile(`^[0-9]+$`).MatchString(fields[0]):
			t.Errorf("ParseSchedule accepts %q, the pattern refuses it", expr)
		case err != nil && matched && !looseCron(fields):
			t.Errorf("ParseSchedule refuses %q (%v), the pattern accepts it", expr, err)
		}
	}
	if accepted < 100 || refused < 100 {
		t.Errorf("ParseSchedule accepted %d and refused %d random expressions; the pieces need both", accepted, refused)
	}
}

// looseCron reports whether the fields hold one of the forms the cron
// pattern accepts and ParseSchedule refuses: a range that starts after it
// ends, a value twice in a list.
func looseCron(fields []string) bool {
	for _, f := range fields {
		switch f {
		case "5-1", "DEC-JAN", "2030-2025", "1,1":
			return true
		}
	}
	return false
}

// TestTargetAndBucketSchemas compares the target and bucket schemas with
// Load's checks on a table of values.
func TestTargetAndBucketSchemas(t *testing.T) {
	t.Parallel()
	match := func(s *schema, v string) bool {
		ok := func(p string) bool { return regexp.MustCompile(p).MatchString(v) }
		if s.Pattern != "" && !ok(s.Pattern) {
			return false
		}
		if s.Not != nil {
			for _, n := range s.Not.AnyOf {
				if ok(n.Pattern) {
					return false
				}
			}
		}
		if len(s.AnyOf) == 0 {
			return true
		}
		for _, a := range s.AnyOf {
			if a.Pattern != "" && ok(a.Pattern) {
				return true
			}
			if a.Not != nil && len(v) >= *a.MinLength && !ok(a.Not.AnyOf[0].Pattern) && !ok(a.Not.AnyOf[1].Pattern) {
				return true
			}
		}
		return false
	}
	var target, bucket schema
	targetSchema(&target)
	bucketSchema(&bucket)
	for _, v := range []string{"123456789012", "12345678901", "1234567890123", "ou-ab12-abcdefgh", "ou-root-stage", "ou-", "Production", "", "x", "0", "Root", "r-ab12"} {
		load := v != "" && !(strings.HasPrefix(v, "ou-") && !ouIDRE.MatchString(v)) && !(isDigits(v) && !policy.IsAccountID(v))
		if got := match(&target, v); got != load {
			t.Errorf("target schema matches %q = %v, Load accepts it = %v", v, got, load)
		}
	}
	for _, v := range []string{"reports", "acme.backup-reports", "a..b", "192.168.1.10", "192.168.1.256", "192.168.01.1", "1.2.3", "reports-s3alias", "x--ol-s3", "a.mrap", "b--x-s3", "c--table-s3", "xn--abc", "sthree-x", "amzn-s3-demo-x", "ab", "Reports", "-ab", "abc-"} {
		if got, load := match(&bucket, v), checkBucketName(v) == ""; got != load {
			t.Errorf("bucket schema matches %q = %v, Load accepts it = %v (%s)", v, got, load, checkBucketName(v))
		}
	}
}
