package main

import (
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"+ 111111111111/global/backup_policy/orgbackup-production",
		"+ 222222222222/us-west-2/backup_vault/central-backup",
		"+ 555555555555/us-east-1/backup_vault/orgbackup-local",
		"Applied ",
		"No changes. The organization matches the spec.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
