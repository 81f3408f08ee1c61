package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/orgbackup/orgbackup/internal/golden"

	"github.com/google/go-cmp/cmp"
)

// TestExamplePlanGolden pins the changes the example spec plans on a fresh
// emulated organization: addresses, actions, desired values, dependencies
// and reasons. A refactoring of the engine must leave this file unchanged;
// a change of behaviour shows here as a reviewed golden diff.
func TestExamplePlanGolden(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "plan.json")
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"plan", "--spec", seedSpec, "--emulator", "--out", out}); code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The fingerprint and the spec's digest change with any detail of the
	// spec's format; the changes themselves are what is pinned.
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "fingerprint")
	delete(doc, "spec_digest")
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	goldenfile.Check(t, filepath.Join("testdata", "example-plan.json"), got)
}

// TestPolicyCompileMatchesPlan pins that 'policy compile --tier' and
// 'plan' build a preset tier's backup policy with the same code: compiled
// with the example spec's values, each tier's policy is the content of the
// backup_policy change the example plan creates.
func TestPolicyCompileMatchesPlan(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "example-plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Changes []struct {
			Kind, Name string
			After      struct {
				Content json.RawMessage `json:"content"`
			} `json:"after"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	planned := map[string]json.RawMessage{}
	for _, c := range p.Changes {
		if c.Kind == "backup_policy" {
			planned[c.Name] = c.After.Content
		}
	}
	for _, tier := range []string{"production", "staging", "development"} {
		want, ok := planned["orgbackup-"+tier]
		if !ok {
			t.Fatalf("the example plan has no backup policy for %s", tier)
		}
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		args := []string{"policy", "compile", "--tier", tier, "--backup-account", "222222222222", "--central-vault", "central-backup",
			"--local-vault", "local-backup", "--spec-name", "central-backup", "--compact"}
		if code := run(context.Background(), e, args); code != exitOK {
			t.Fatalf("policy compile --tier %s: exit %d: %s", tier, code, stderr.String())
		}
		var got, wantV any
		if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
			t.Fatalf("policy compile output: %v", err)
		}
		if err := json.Unmarshal(want, &wantV); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantV, got); diff != "" {
			t.Errorf("policy compile --tier %s differs from the planned policy (-plan +compile):\n%s", tier, diff)
		}
	}
}
