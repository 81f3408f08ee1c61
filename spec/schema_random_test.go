package spec

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestSchemaAgreesOnRandomTiers builds specs from random combinations of
// the tier, region and lock fields the schema's rules across fields read
// (presets by key and by name, null values, cross-region, retentions, keys,
// continuous backup, cold storage, one-way types, lock ranges) and checks
// that the schema, its comparisons vocabulary enforced, accepts exactly
// the specs Load accepts.
func TestSchemaAgreesOnRandomTiers(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t, false)
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(xs ...any) any { return xs[rng.IntN(len(xs))] }
	const absent = "<absent>"
	n := 600
	if testing.Short() {
		n = 100
	}
	var accepted, refused int
	for range n {
		tiers := map[string]any{}
		for _, name := range []string{"production", "staging", "development", "gold"} {
			if rng.IntN(2) == 0 {
				continue
			}
			tier := map[string]any{"targets": []any{"T" + name}}
			set := func(k string, v any) {
				if v != absent {
					tier[k] = v
				}
			}
			set("preset", pick(absent, absent, "none", "production", "staging", "development", nil))
			set("cross_region", pick(absent, absent, true, false, nil))
			set("central_retention", pick(absent, absent, "30d", "1y", "10y", nil))
			set("secondary_retention", pick(absent, absent, "30d", nil))
			set("encryption", pick(absent, absent, absent, "aws-managed", "customer-managed"))
			set("schedule", pick(absent, "cron(0 1 * * ? *)", "cron(0 1 * * ? *)"))
			set("local_retention", pick(absent, "7d", "100d", "35d", "200d"))
			set("cold_after", pick(absent, absent, absent, absent, "10d", "100d"))
			set("continuous", pick(absent, absent, true, false))
			set("cold_storage", pick(absent, absent, absent, absent, absent, absent, absent, absent,
				map[string]any{"local": "10d"}, map[string]any{"local": "100d"},
				map[string]any{"central": "30d"}, map[string]any{"central": "1y"},
				map[string]any{"central": "30d", "secondary": pick("never", "1y", nil)},
				map[string]any{"secondary": "100d"}))
			set("selection", pick(absent, absent,
				map[string]any{"resource_types": []any{"EC2"}},
				map[string]any{"resource_types": []any{"RDS"}},
				map[string]any{"tags": map[string]any{"a": "b"}}))
			tiers[name] = tier
		}
		regions := map[string]any{"primary": "us-east-1"}
		if rng.IntN(3) > 0 {
			regions["secondary"] = "us-west-2"
		}
		doc := map[string]any{
			"version":      1,
			"organization": map[string]any{"management_account": "111111111111", "backup_account": "222222222222", "regions": regions},
			"tiers":        tiers,
		}
		switch rng.IntN(5) {
		case 0:
			doc["central"] = map[string]any{"lock": map[string]any{"mode": "governance",
				"min_retention": pick("1d", "2y", "8y"), "max_retention": pick("1y", "5y", "10y", "100y")}}
		case 1:
			doc["central"] = map[string]any{"lock": map[string]any{"mode": "compliance", "changeable_for_days": 3,
				"max_retention": pick("1y", "10y")}}
		case 2:
			doc["central"] = map[string]any{"lock": map[string]any{"mode": pick("governance", "compliance"),
				"changeable_for_days": pick(nil, 3)}}
		}
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		_, loadErr := Parse("spec.json", data)
		schemaErr := validateWithSchema(sch, data)
		if loadErr == nil {
			accepted++
		} else {
			refused++
		}
		switch {
		case loadErr == nil && schemaErr != nil:
			t.Errorf("Load accepts %s, the schema refuses it: %v", data, schemaErr)
		case loadErr != nil && schemaErr == nil:
			t.Errorf("Load refuses %s, the schema accepts it: %v", data, loadErr)
		}
	}
	if accepted < n/20 || refused < n/20 {
		t.Errorf("Load accepted %d and refused %d random specs; the choices need both", accepted, refused)
	}
}
