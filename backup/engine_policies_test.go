package backup_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServicePrincipalsCarrySourceConditions plans the example spec and
// checks every policy document in the plan's desired states: a statement
// that lets an AWS service principal in must bind it to a source account,
// organization or ARN ("The confused deputy problem", IAM User Guide), or
// any account's use of the service could act on orgbackup's resources.
func TestServicePrincipalsCarrySourceConditions(t *testing.T) {
	t.Parallel()
	org := newTestOrg(t, exampleSpec)
	p := org.plan(t)
	checked := 0
	for _, c := range p.Changes {
		var after any
		if err := json.Unmarshal(c.After, &after); err != nil {
			continue
		}
		for _, doc := range policyDocuments(after) {
			for _, st := range statements(doc) {
				principal, _ := st["Principal"].(map[string]any)
				if _, ok := principal["Service"]; !ok || st["Effect"] != "Allow" {
					continue
				}
				checked++
				if !hasSourceCondition(st["Condition"]) {
					t.Errorf("%s: statement %v lets service %v in with no aws:SourceAccount, aws:SourceOrgID or aws:SourceArn condition", c.Address, st["Sid"], principal["Service"])
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("the plan has no statement with a service principal; the walk is broken")
	}
}

// policyDocuments finds every policy document in a desired state: objects
// with a Statement, and strings holding one.
func policyDocuments(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["Statement"]; ok {
			out = append(out, x)
		}
		for _, e := range x {
			out = append(out, policyDocuments(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, policyDocuments(e)...)
		}
	case string:
		if strings.Contains(x, "Statement") {
			var doc any
			if json.Unmarshal([]byte(x), &doc) == nil {
				out = append(out, policyDocuments(doc)...)
			}
		}
	}
	return out
}

func statements(doc map[string]any) []map[string]any {
	switch st := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{st}
	case []any:
		var out []map[string]any
		for _, s := range st {
			if m, ok := s.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func hasSourceCondition(cond any) bool {
	ops, _ := cond.(map[string]any)
	for _, kv := range ops {
		keys, _ := kv.(map[string]any)
		for k := range keys {
			switch strings.ToLower(k) {
			case "aws:sourceaccount", "aws:sourceorgid", "aws:sourcearn", "aws:sourceorgpaths":
				return true
			}
		}
	}
	return false
}
