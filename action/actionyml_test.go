package action

import (
	"os"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// TestActionYAML checks that action.yml declares every input the action
// reads, maps each to its INPUT_ variable, and declares every output.
func TestActionYAML(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
		Runs    struct {
			Steps []struct {
				ID  string            `yaml:"id"`
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for name := range doc.Inputs {
		if name != "version" && name != "build-from-source" { // read by the composite steps, not the binary
			inputs = append(inputs, name)
		}
	}
	if diff := cmp.Diff(sorted(inputNames), sorted(inputs)); diff != "" {
		t.Errorf("action.yml inputs (-read by the action +declared):\n%s", diff)
	}
	var outputs []string
	for name := range doc.Outputs {
		outputs = append(outputs, name)
	}
	if diff := cmp.Diff(sorted(outputNames), sorted(outputs)); diff != "" {
		t.Errorf("action.yml outputs (-set by the action +declared):\n%s", diff)
	}
	i := slices.IndexFunc(doc.Runs.Steps, func(s struct {
		ID  string            `yaml:"id"`
		Env map[string]string `yaml:"env"`
	}) bool {
		return s.ID == "run"
	})
	if i < 0 {
		t.Fatal("action.yml has no step with id run")
	}
	want := map[string]string{}
	for _, name := range inputNames {
		want[inputEnv(name)] = "${{ inputs." + name + " }}"
	}
	if diff := cmp.Diff(want, doc.Runs.Steps[i].Env); diff != "" {
		t.Errorf("env of the run step (-want +got):\n%s", diff)
	}
}
