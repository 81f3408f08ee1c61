package backup_test

import (
	"os"
	"testing"
)

// TestPlanNeverFailsOnValidSpec: a spec that validate accepts plans and
// applies on the emulator's organization without checks, and converges.
// What AWS would refuse in a tier's plan (a policy that does not compile,
// an input CreateBackupPlan rejects) is validate's to find, at its line.
func TestPlanNeverFailsOnValidSpec(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile("../examples/central-backup/backup.yaml")
	if err != nil {
		t.Fatal(err)
	}
	prod := "  production: {targets: [Production]}"
	direct := []string{"  regions: {primary: us-east-1, secondary: us-west-2}\n", "  regions: {primary: us-east-1, secondary: us-west-2}\n  distribution: direct\n"}
	tests := map[string]struct {
		base string
		edit []string
	}{
		"base":           {baseSpec, nil},
		"example":        {string(example), nil},
		"volumes only":   {volumesSpec, nil},
		"two tag keys":   {baseSpec, []string{prod, "  production: {targets: [Production], selection: {tags: {backup-tier: production, data-class: critical}}}"}},
		"three tag keys": {baseSpec, []string{prod, "  production: {targets: [Production], selection: {tags: {a: \"1\", b: \"2\", c: \"3\"}}}"}},
		"keys and types": {baseSpec, []string{prod, "  production: {targets: [Production], selection: {tags: {backup-tier: production, data-class: critical}, resource_types: [RDS, Aurora, DynamoDB, S3]}}"}},
		"one-way types":  {baseSpec, []string{prod, "  production: {targets: [Production], selection: {resource_types: [RDS, Aurora]}}"}},
		"no central copy": {baseSpec, []string{"  development: {targets: [Development]}\n", "  development: {targets: [Development]}\n" +
			"  dr: {schedule: \"cron(0 6 * * ? *)\", local_retention: 7d, cross_region: true, secondary_retention: 30d, selection: {resource_types: [EBS, EFS]}, targets: [Staging]}\n"}},
		"direct":          {baseSpec, direct},
		"direct two keys": {editSpec(t, baseSpec, direct...), []string{prod, "  production: {targets: [Production], selection: {tags: {backup-tier: production, data-class: critical}}}"}},
		"custom tier": {baseSpec, []string{"  development: {targets: [Development]}\n", "  development: {targets: [Development]}\n" +
			"  gold: {schedule: \"cron(0 6 * * ? *)\", local_retention: 14d, central_retention: 90d, cross_region: true, selection: {tags: {gold: \"yes\", app: billing}}, targets: [\"333333333334\"]}\n"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			yaml := tc.base
			if len(tc.edit) > 0 {
				yaml = editSpec(t, yaml, tc.edit...)
			}
			org := newSpecOrg(t, parseSpec(t, yaml))
			org.converge(t)
		})
	}
}
