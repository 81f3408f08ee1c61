package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// AWS documents settings orgbackup's Plan does not hold; a policy using
// them is valid and the parser says what it leaves out.
func TestParseUnmodeledSettings(t *testing.T) {
	t.Parallel()
	p := Preset(Production, PresetOptions{
		CentralVaultARN: NewVaultARN("us-east-1", "222222222222", "central"), SecondaryVaultARN: NewVaultARN("us-west-2", "222222222222", "central"),
		RoleARN: NewRoleARN(AccountVariable, "backup"), Regions: []string{"us-east-1"},
	})
	docs, err := CompileOrganizationsPolicy([]Plan{*p}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(docs[0]), `"regions":`, `"scan_settings":{"malware_scanner":{"@@assign":"GUARDDUTY"}},"regions":`, 1)
	got, err := ParseOrganizationsPolicy("p.json", []byte(doc))
	if err != nil {
		t.Fatalf("ParseOrganizationsPolicy: %v", err)
	}
	want := [][]string{{"plans", p.Name, "scan_settings"}}
	if diff := cmp.Diff(want, got.Unmodeled); diff != "" {
		t.Errorf("Unmodeled mismatch (-want +got):\n%s", diff)
	}
	if len(got.Plans) != 1 || got.Plans[0].Name != p.Name {
		t.Errorf("Plans = %+v, want the production plan", got.Plans)
	}
}
