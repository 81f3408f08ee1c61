package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/orgbackup/orgbackup/policy"
)

// A preset tier without overrides compiles to exactly the policy
// package's preset plan, with the windows of its objectives.
func TestTierPlanMatchesPreset(t *testing.T) {
	t.Parallel()
	s, err := Parse("spec.yaml", []byte(base+"  staging: {targets: [Staging]}\n  development: {targets: [Development]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range policy.Tiers() {
		t.Run(pt.String(), func(t *testing.T) {
			t.Parallel()
			got, err := s.TierPlan(pt.String())
			if err != nil {
				t.Fatal(err)
			}
			o, ok := PresetObjectives(pt.String())
			if !ok || o.StartWindow == 0 || o.CompletionWindow == 0 {
				t.Fatalf("PresetObjectives(%s) = %+v, %v; want explicit windows", pt, o, ok)
			}
			want := policy.Preset(pt, policy.PresetOptions{
				StartWindow:       o.StartWindow,
				CompletionWindow:  o.CompletionWindow,
				LocalVault:        DefaultLocalVault,
				CentralVaultARN:   "arn:aws:backup:us-east-1:222222222222:backup-vault:orgbackup-central",
				SecondaryVaultARN: "arn:aws:backup:us-west-2:222222222222:backup-vault:orgbackup-central",
				RoleARN:           "arn:aws:iam::$account:role/OrgBackupServiceRole",
				Regions:           []string{"us-east-1"},
				SelectionTagKey:   DefaultSelectionTagKey,
			}).Tag("orgbackup:managed", "true").Tag("orgbackup:spec", "orgbackup")
			// The preset's copy to the secondary Region goes from the
			// central vault when the tier can select RDS or Aurora.
			if et, err := s.Tier(pt.String()); err == nil && s.SecondaryFromCentral(et) {
				r := &want.Rules[0]
				r.CopyActions = r.CopyActions[:len(r.CopyActions)-1]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("TierPlan(%s) mismatch (-want +got):\n%s", pt, diff)
			}
			if err := got.Validate(policy.TargetPolicy); err != nil {
				t.Errorf("plan does not validate as a policy: %v", err)
			}
		})
	}
}

func TestTierPlanCustom(t *testing.T) {
	t.Parallel()
	s, err := Parse("spec.yaml", []byte(`version: 1
organization:
  management_account: "111111111111"
  backup_account: "222222222222"
  regions: {primary: eu-west-1, secondary: eu-central-1, additional: [eu-west-2]}
tiers:
  gold:
    schedule: "cron(15 * * * ? *)"
    timezone: Europe/Paris
    start_window: 1h
    completion_window: 3h
    local_retention: 1y
    cold_after: 30d
    central_retention: 7y
    cross_region: true
    secondary_retention: 1y
    selection: {tags: {tier: gold, app: billing}, resource_types: [RDS, EBS]}
    targets: ["333333333333"]
local: {vault: local-vault, backup_role: BackupRole}
central: {vault: central-vault}
`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TierPlanForAccount("gold", "333333333333")
	if err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::333333333333:role/BackupRole"
	arns := []string{"arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"}
	want := policy.NewPlan("orgbackup-gold",
		policy.Cron("gold-hourly", "cron(15 * * * ? *)").
			InVault("local-vault").Keep(365).ColdAfter(30).
			Timezone("Europe/Paris").Windows(time.Hour, 3*time.Hour).
			Tag("orgbackup:tier", "gold").
			// No copy to eu-central-1: RDS snapshots go there from the
			// central vault (SecondaryFromCentral).
			CopyTo("arn:aws:backup:eu-west-1:222222222222:backup-vault:central-vault", 2555)).
		InRegions("eu-west-1", "eu-west-2").
		Select(
			policy.ByResources(role, arns...).Where(policy.StringEquals, "app", "billing").Named("app-billing"),
			policy.ByResources(role, arns...).Where(policy.StringEquals, "tier", "gold").Named("tier-gold"),
		).
		Tag("orgbackup:managed", "true").Tag("orgbackup:spec", "orgbackup")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TierPlanForAccount mismatch (-want +got):\n%s", diff)
	}
	if err := got.Validate(policy.TargetAPI); err != nil {
		t.Errorf("plan does not validate for the API: %v", err)
	}
	if diff := cmp.Diff([]string{"eu-west-1", "eu-central-1", "eu-west-2"}, s.Regions()); diff != "" {
		t.Errorf("Regions() mismatch:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"eu-west-1", "eu-central-1"}, s.CentralRegions()); diff != "" {
		t.Errorf("CentralRegions() mismatch:\n%s", diff)
	}
	if _, err := s.Tier("silver"); err == nil {
		t.Error("Tier(silver) succeeded for a missing tier")
	}
}

// TestTierPlanSecondaryCopy: the workload plans copy to the secondary
// Region themselves unless the tier can select a type AWS Backup cannot
// copy cross-account and cross-Region in one copy job.
func TestTierPlanSecondaryCopy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		types string
		want  int // copy actions
	}{
		{"[EBS, EFS, DynamoDB, S3, EC2]", 2},
		{"[EBS, RDS]", 1},
		{"[Aurora]", 1},
		{"[]", 1}, // any type
	}
	for _, tc := range tests {
		t.Run(tc.types, func(t *testing.T) {
			t.Parallel()
			sel := ""
			if tc.types != "[]" {
				sel = ", selection: {resource_types: " + tc.types + "}"
			}
			s, err := Parse("spec.yaml", []byte(strings.Replace(base, "{targets: [Production]}", "{targets: [Production]"+sel+"}", 1)))
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.TierPlan("production")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(p.Rules[0].CopyActions); got != tc.want {
				t.Errorf("%d copy actions, want %d: %+v", got, tc.want, p.Rules[0].CopyActions)
			}
		})
	}
}
