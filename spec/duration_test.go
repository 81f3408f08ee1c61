package spec

import (
	"testing"
	"time"

	"github.com/orgbackup/orgbackup/policy"
)

func TestParseRetention(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		want    policy.Days
		wantErr bool
	}{
		"days":          {in: "30d", want: 30},
		"weeks":         {in: "2w", want: 14},
		"seven years":   {in: "7y", want: 2555},
		"one year":      {in: "1y", want: 365},
		"hours":         {in: "12h", wantErr: true},
		"minutes":       {in: "90m", wantErr: true},
		"no unit":       {in: "30", wantErr: true},
		"no number":     {in: "d", wantErr: true},
		"zero":          {in: "0d", wantErr: true},
		"negative":      {in: "-1d", wantErr: true},
		"unknown unit":  {in: "3mo", wantErr: true},
		"too large":     {in: "9999999999d", wantErr: true},
		"empty":         {in: "", wantErr: true},
		"space":         {in: "30 d", wantErr: true},
		"largest":       {in: "999999999d", want: 999999999},
		"uppercase day": {in: "30D", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRetention(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseRetention(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseWindow(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		"minutes": {in: "90m", want: 90 * time.Minute},
		"hours":   {in: "12h", want: 12 * time.Hour},
		"days":    {in: "7d", want: 7 * 24 * time.Hour},
		"weeks":   {in: "1w", want: 7 * 24 * time.Hour},
		"years":   {in: "1y", wantErr: true},
		"seconds": {in: "30s", wantErr: true},
		"go form": {in: "1h30m", wantErr: true},
		// 876000 days overflow a time.Duration's nanoseconds.
		"past time.Duration": {in: "876000d", wantErr: true},
		"many minutes":       {in: "100000000m", want: 100000000 * time.Minute},
		"past in minutes":    {in: "999999999m", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWindow(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseWindow(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestFormatDays(t *testing.T) {
	t.Parallel()
	for in, want := range map[policy.Days]string{2555: "7y", 14: "2w", 30: "30d", 365: "1y", 0: "0d", 1: "1d"} {
		if got := FormatDays(in); got != want {
			t.Errorf("FormatDays(%d) = %q, want %q", in, got, want)
		}
		if in == 0 {
			continue
		}
		if back, err := ParseRetention(FormatDays(in)); err != nil || back != in {
			t.Errorf("ParseRetention(FormatDays(%d)) = %d, %v", in, back, err)
		}
	}
}
