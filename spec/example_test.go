package spec_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/orgbackup/orgbackup/spec"
)

func TestExampleSpecLoads(t *testing.T) {
	t.Parallel()
	s, err := spec.Load("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatalf("Load() error:\n%v", err)
	}
	if diff := cmp.Diff([]string{"development", "production", "staging"}, s.TierNames()); diff != "" {
		t.Errorf("tiers mismatch:\n%s", diff)
	}
	if s.Organization.ManagementAccount != "111111111111" || s.Organization.BackupAccount != "222222222222" {
		t.Errorf("accounts: %+v", s.Organization)
	}
	for _, name := range s.TierNames() {
		if _, err := s.TierPlan(name); err != nil {
			t.Errorf("TierPlan(%s): %v", name, err)
		}
	}
}

func TestJSONSpecs(t *testing.T) {
	t.Parallel()
	if _, err := spec.Load("testdata/spec/valid.json"); err != nil {
		t.Errorf("Load(valid.json) error:\n%v", err)
	}
	_, err := spec.Load("testdata/spec/invalid.json")
	var got []string
	for _, e := range spec.SpecErrors(err) {
		got = append(got, e.Error())
	}
	want := []string{
		`testdata/spec/invalid.json:9:3: tiers.production.central_retention: central_retention 2555 days (7y) is outside the central vault lock's retention range up to max_retention 1825 days (central.lock): AWS Backup would fail the copy jobs`,
		`testdata/spec/invalid.json:9:45: tiers.production.encyption: unknown key "encyption"; did you mean "encryption"?`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(invalid.json) mismatch (-want +got):\n%s", diff)
	}
}

func TestJSONSyntaxError(t *testing.T) {
	t.Parallel()
	_, err := spec.Parse("spec.json", []byte("{\n  \"version\": 1,\n  \"tiers\": {,}\n}\n"))
	errs := spec.SpecErrors(err)
	if len(errs) != 1 || errs[0].Line != 3 || errs[0].Col != 13 || !strings.Contains(errs[0].Message, "invalid JSON") {
		t.Errorf("Parse() = %v, want one JSON syntax error at 3:13", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := spec.Load("testdata/spec/missing.yaml")
	if !os.IsNotExist(unwrapAll(err)) || len(spec.SpecErrors(err)) != 0 {
		t.Errorf("Load(missing) = %v, want a not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// Every problem is reported at once, each at its line and column.
func ExampleParse() {
	_, err := spec.Parse("aws-backup.yaml", []byte(`version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: us-east-1, secondary: us-west-2}
tiers:
  production:
    local_retension: 30d
    targets: [Production]
central:
  lock: {mode: compliance, changeable_for_days: 1}
`))
	for _, e := range spec.SpecErrors(err) {
		fmt.Println(e)
	}
	// Output:
	// aws-backup.yaml:8:5: tiers.production.local_retension: unknown key "local_retension"; did you mean "local_retention"?
	// aws-backup.yaml:11:49: central.lock.changeable_for_days: 1 is less than 3: AWS Backup enforces a 72-hour cooling-off period before the lock becomes immutable
}
