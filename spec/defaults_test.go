package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDefaultsDocumented checks that the table in the Defaults doc comment
// is exactly what Defaults returns.
func TestDefaultsDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("defaults.go")
	if err != nil {
		t.Fatal(err)
	}
	_, doc, ok := strings.Cut(string(src), "// Defaults lists")
	doc, _, ok2 := strings.Cut(doc, "func Defaults()")
	if !ok || !ok2 {
		t.Fatal("Defaults doc comment not found")
	}
	var got []string
	for _, line := range strings.Split(doc, "\n") {
		if row, ok := strings.CutPrefix(line, "//\t"); ok {
			got = append(got, strings.Join(strings.Fields(row), " "))
		}
	}
	var want []string
	for _, d := range Defaults() {
		want = append(want, d.Path+" "+d.Value)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Defaults doc comment table mismatch (-Defaults() +comment):\n%s", diff)
	}
}

// TestDefaultsApplied loads a minimal spec and checks every default that
// names a concrete value, through SetDefaults or Spec.Tier.
func TestDefaultsApplied(t *testing.T) {
	t.Parallel()
	s, err := Parse("spec.yaml", []byte(base+"  gold: {schedule: \"cron(0 1 * * ? *)\", local_retention: 7d, targets: [Gold]}\nnotifications: {events: [BACKUP_JOB_COMPLETED]}\nreports: {bucket: reports}\n"))
	if err != nil {
		t.Fatal(err)
	}
	gold, err := s.Tier("gold")
	if err != nil {
		t.Fatal(err)
	}
	prod, err := s.Tier("production")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"name":                             s.Name,
		"organization.execution_role":      s.Organization.ExecutionRole,
		"organization.distribution":        s.Organization.Distribution,
		"central.vault":                    s.Central.Vault,
		"local.vault":                      s.Local.Vault,
		"local.backup_role":                s.Local.BackupRole,
		"kms.alias":                        s.KMS.Alias,
		"kms.rotation":                     fmt.Sprint(*s.KMS.Rotation),
		"notifications.topic":              s.Notifications.Topic,
		"reports.formats":                  "[" + strings.Join(s.Reports.Formats, ", ") + "]",
		"reports.templates":                "[" + strings.Join(s.Reports.Templates, ", ") + "]",
		"tiers.*.timezone":                 "UTC",
		"tiers.*.continuous":               fmt.Sprint(gold.Continuous),
		"tiers.*.cold_after":               "never",
		"tiers.*.selection.tags":           fmt.Sprintf("{%s: TIER}", slices.Sorted(maps.Keys(gold.SelectionTags))[0]),
		"tiers.*.selection.resource_types": "all resource types",
	}
	if gold.Timezone != "" || gold.ColdAfter != 0 || gold.SelectionTags[DefaultSelectionTagKey] != "gold" || len(gold.ResourceTypes) != 0 {
		t.Errorf("custom tier defaults: %+v", gold)
	}
	if gold.Preset != PresetNone || prod.Preset != "production" || s.Tiers["gold"].Preset != PresetNone {
		t.Errorf("presets: gold %q, production %q", gold.Preset, prod.Preset)
	}
	if gold.Encryption != DefaultCustomEncryption || gold.CrossRegion || gold.CentralRetention != 0 {
		t.Errorf("custom tier: encryption %q, cross-region %v, central %d", gold.Encryption, gold.CrossRegion, gold.CentralRetention)
	}
	if prod.SecondaryRetention != prod.CentralRetention || prod.CentralRetention != 2555 {
		t.Errorf("production: secondary %d, central %d", prod.SecondaryRetention, prod.CentralRetention)
	}
	for _, d := range Defaults() {
		g, ok := got[d.Path]
		if !ok {
			continue
		}
		if g != d.Value {
			t.Errorf("default %s = %q, documented %q", d.Path, g, d.Value)
		}
	}
	// SetDefaults is idempotent.
	before, _ := json.Marshal(s)
	s.SetDefaults()
	after, _ := json.Marshal(s)
	if diff := cmp.Diff(string(before), string(after)); diff != "" {
		t.Errorf("SetDefaults changed a defaulted spec:\n%s", diff)
	}
}
