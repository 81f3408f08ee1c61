package policy

import "testing"

func TestScheduleFrequency(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		"cron(0 * * * ? *)":    "hourly",
		"cron(0 2 * * ? *)":    "daily",
		"cron(0 2,14 * * ? *)": "daily",
		"cron(0 4 ? * SUN *)":  "weekly",
		"cron(0 4 1 * ? *)":    "monthly",
		"cron(0 4 1 1 ? *)":    "backup",
		"not cron":             "backup",
	} {
		if got := ScheduleFrequency(expr); got != want {
			t.Errorf("ScheduleFrequency(%q) = %q, want %q", expr, got, want)
		}
	}
}
