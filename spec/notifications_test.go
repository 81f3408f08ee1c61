package spec

import "testing"

func TestParseTierEmails(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		yaml string
		want []string
	}{
		"valid":         {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: [prod-team@example.com]}}\n", nil},
		"unknown tier":  {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {prod: [prod-team@example.com]}}\n", []string{"8:69 notifications.tier_emails.prod: \"prod\" is not a tier of this spec"}},
		"not an email":  {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: [prod-team]}}\n", []string{"8:76 notifications.tier_emails.production[0]: \"prod-team\" is not an e-mail address"}},
		"no recipients": {base + "notifications: {events: [BACKUP_JOB_COMPLETED], tier_emails: {production: []}}\n", []string{"8:75 notifications.tier_emails.production: at least one e-mail address is required"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("spec.yaml", []byte(tc.yaml))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			matchProblems(t, problems(t, err), tc.want)
		})
	}
}
