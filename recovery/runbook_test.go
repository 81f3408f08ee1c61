package recovery_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

// TestRunbook checks what each tier's runbook restores from: production
// from every vault, development (no central or cross-region copy) from
// its local vaults only. The commands themselves are executed against the
// emulator by cmd/orgbackup's TestRunbooksRun.
func TestRunbook(t *testing.T) {
	t.Parallel()
	sp, err := spec.Parse("inline.yaml", []byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		accounts    []string
		want, avoid []string
	}{
		"production": {
			accounts: []string{"333333333333", "333333333334"},
			want: []string{
				`orgbackup restore --spec s.yaml --resource-arn "$RESOURCE_ARN" --from central --target-account "$RECOVERY_ACCOUNT" --target-region us-west-2`,
				`orgbackup restore --spec s.yaml --account "$ACCOUNT" --all --from central --target-account "$RECOVERY_ACCOUNT"`,
				"orgbackup restore --spec s.yaml --account 333333333334 --all --from secondary --target-region us-west-2",
				"aws backup start-restore-job --profile orgbackup-target --region us-east-1",
			},
		},
		"development": {
			want:  []string{`orgbackup restore --spec s.yaml --account "$ACCOUNT" --all --from local`, "The tier makes no cross-region copy"},
			avoid: []string{"--from central", "--from secondary"},
		},
	}
	for tier, tc := range tests {
		var b bytes.Buffer
		if err := recovery.Runbook(&b, sp, tier, recovery.RunbookOptions{SpecFile: "s.yaml", Accounts: tc.accounts}); err != nil {
			t.Fatal(err)
		}
		cmds := strings.Join(recovery.RunbookCommands(b.String()), "\n")
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s runbook lacks %q:\n%s", tier, w, b.String())
			}
		}
		for _, a := range tc.avoid {
			if strings.Contains(cmds, a) {
				t.Errorf("%s runbook's commands contain %q", tier, a)
			}
		}
	}
}
