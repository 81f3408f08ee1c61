package backup

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func samplePlan() *Plan {
	p := &Plan{Spec: "orgbackup", Changes: []Change{
		{Address: "222222222222/us-east-1/backup_vault/central", Kind: "backup_vault", Account: "222222222222", Region: "us-east-1", Name: "central", Action: Create,
			After: json.RawMessage(`{"name":"central","encryption_key":"alias/orgbackup"}`), Reason: "the spec's central vault does not exist"},
		{Address: "333333333333/us-east-1/vault_access_policy/local", Kind: "vault_access_policy", Account: "333333333333", Region: "us-east-1", Name: "local", Action: Update,
			Before: json.RawMessage(`{"Statement":[{"Effect":"Allow"}]}`), After: json.RawMessage(`{"Statement":[{"Effect":"Deny"}]}`)},
		{Address: "333333333333/us-east-1/backup_vault/old", Kind: "backup_vault", Account: "333333333333", Region: "us-east-1", Name: "old", Action: Delete,
			Before: json.RawMessage(`{"name":"old"}`), Destructive: true, Reason: "no longer in the spec"},
		{Address: "222222222222/us-east-1/vault_lock/central", Kind: "vault_lock", Account: "222222222222", Region: "us-east-1", Name: "central", Action: Create,
			After: json.RawMessage(`{"min_retention_days":1,"changeable_for_days":3}`), Irreversible: true, Reason: "compliance lock becomes immutable after 3 days"},
	}}
	p.Seal()
	return p
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	var text, md, js bytes.Buffer
	if err := Text(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, p, MarkdownOptions{Marker: "orgbackup-plan"}); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, p); err != nil {
		t.Fatal(err)
	}
	golden(t, "render/plan.txt", text.Bytes())
	golden(t, "render/plan.md", md.Bytes())
	golden(t, "render/plan.json", js.Bytes())
}

func TestMarkdownCapped(t *testing.T) {
	t.Parallel()
	p := &Plan{Spec: "big"}
	for i := range 2000 {
		name := strings.Repeat("x", 20) + string(rune('a'+i%26))
		p.Changes = append(p.Changes, Change{Address: "333333333333/us-east-1/backup_vault/" + name + "-" + strconv.Itoa(i), Kind: "backup_vault", Account: "333333333333", Region: "us-east-1", Name: name, Action: Create, After: json.RawMessage(`{"a":1}`)})
	}
	p.Seal()
	var md bytes.Buffer
	if err := Markdown(&md, p, MarkdownOptions{MaxBytes: 60_000, FullPlanPointer: "the job summary"}); err != nil {
		t.Fatal(err)
	}
	if md.Len() > 60_000 {
		t.Errorf("Markdown length = %d, want at most 60000", md.Len())
	}
	if !strings.Contains(md.String(), "see the job summary") {
		t.Errorf("capped Markdown does not point to the full plan")
	}
	if !strings.Contains(md.String(), p.Fingerprint) {
		t.Errorf("capped Markdown lost the fingerprint")
	}
}

func TestReadPlanRejectsEditedPlan(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	var js bytes.Buffer
	if err := JSON(&js, p); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPlan(bytes.NewReader(js.Bytes())); err != nil {
		t.Fatalf("ReadPlan(untouched) = %v", err)
	}
	edited := strings.Replace(js.String(), `"central"`, `"central2"`, 1)
	if _, err := ReadPlan(strings.NewReader(edited)); err == nil || !strings.Contains(err.Error(), "modified") {
		t.Errorf("ReadPlan(edited) = %v, want a fingerprint mismatch", err)
	}
}
