package plan

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func samplePlan(t testing.TB) *Plan {
	p := &Plan{Spec: "orgbackup", Changes: []Change{
		{Address: Address{Account: "222222222222", Region: "us-east-1", Kind: "backup_vault", Name: "central"}, Action: Create,
			After: json.RawMessage(`{"name":"central","encryption_key":"alias/orgbackup"}`), Reason: "the spec's central vault does not exist"},
		{Address: Address{Account: "333333333333", Region: "us-east-1", Kind: "vault_access_policy", Name: "local"}, Action: Update,
			Before: json.RawMessage(`{"Statement":[{"Effect":"Allow"}]}`), After: json.RawMessage(`{"Statement":[{"Effect":"Deny"}]}`)},
		{Address: Address{Account: "333333333333", Region: "us-east-1", Kind: "backup_vault", Name: "old"}, Action: Delete,
			Before: json.RawMessage(`{"name":"old"}`), Destructive: true, Reason: "no longer in the spec"},
		{Address: Address{Account: "222222222222", Region: "us-east-1", Kind: "vault_lock", Name: "central"}, Action: Create,
			After: json.RawMessage(`{"min_retention_days":1,"changeable_for_days":3}`), Irreversible: true, Reason: "compliance lock becomes immutable after 3 days"},
	}}
	mustSeal(t, p)
	return p
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	p := samplePlan(t)
	var text, md, js bytes.Buffer
	if err := Text(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, p, MarkdownOptions{Marker: "orgbackup-plan"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&js, p); err != nil {
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
		p.Changes = append(p.Changes, Change{Address: Address{Account: "333333333333", Region: "us-east-1", Kind: "backup_vault", Name: name + "-" + strconv.Itoa(i)}, Action: Create, After: json.RawMessage(`{"a":1}`)})
	}
	mustSeal(t, p)
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
	p := samplePlan(t)
	var js bytes.Buffer
	if err := Write(&js, p); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(js.Bytes())); err != nil {
		t.Fatalf("Read(untouched) = %v", err)
	}
	edited := strings.Replace(js.String(), `"alias/orgbackup"`, `"alias/other"`, 1)
	if _, err := Read(strings.NewReader(edited)); err == nil || !strings.Contains(err.Error(), "modified") {
		t.Errorf("Read(edited) = %v, want a fingerprint mismatch", err)
	}
}
