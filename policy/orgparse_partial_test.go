package policy

import (
	"strings"
	"testing"
)

// TestParseOrganizationsPolicyLimitsAndPartials checks the size quota, which
// counts whitespace, and that a policy meant to be completed by inheritance
// is accepted with its missing settings listed.
func TestParseOrganizationsPolicyLimitsAndPartials(t *testing.T) {
	t.Parallel()
	partial := `{"plans":{"prod":{"rules":{"daily":{"lifecycle":{"delete_after_days":{"@@assign":"35"}}}}}}}`
	p, err := ParseOrganizationsPolicy("partial.json", []byte(partial))
	if err != nil {
		t.Fatalf("partial policy: %v", err)
	}
	var got []string
	for _, e := range p.Incomplete {
		got = append(got, strings.Join(e.Path, "."))
	}
	want := []string{"plans.prod.regions", "plans.prod.rules.daily.target_backup_vault_name", "plans.prod.selections"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Incomplete paths = %q, want %q", got, want)
	}

	// Exactly at the quota passes; one character more (a space) fails.
	base := `{"plans":{}}`
	atLimit := base[:len(base)-1] + strings.Repeat(" ", MaxPolicySize-len(base)) + "}"
	if _, err := ParseOrganizationsPolicy("limit.json", []byte(atLimit)); err != nil {
		t.Errorf("%d characters: %v", len(atLimit), err)
	}
	over := " " + atLimit
	_, err = ParseOrganizationsPolicy("over.json", []byte(over))
	if err == nil || !strings.Contains(err.Error(), "10001 characters") {
		t.Errorf("%d characters: error = %v, want the size quota", len(over), err)
	}

	// Unknown keys and bad values stay errors in partial policies.
	bad := `{"plans":{"prod":{"rules":{"daily":{"index_actions":{"resource_types":{"@@assign":["EFS"]}},"lifecycle":{"delete_afterdays":{"@@assign":"35"}}}}}}}`
	_, err = ParseOrganizationsPolicy("bad.json", []byte(bad))
	for _, want := range []string{`not "EFS"`, `unknown key "delete_afterdays"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad partial policy: error = %v, want %q", err, want)
		}
	}
}
