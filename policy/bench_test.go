package policy

import (
	"fmt"
	"testing"
	"time"
)

// benchOrganization returns 10 plans of 4 rules (with copy actions) and 3
// selections each, valid for an Organizations backup policy.
func benchOrganization() []*Plan {
	role := NewRoleARN(AccountVariable, "OrgBackupExecution")
	var plans []*Plan
	for i := range 10 {
		central := NewVaultARN("us-east-1", "222222222222", fmt.Sprintf("central-%d", i))
		dr := NewVaultARN("us-west-2", "222222222222", fmt.Sprintf("central-%d", i))
		local := NewVaultARN("us-west-2", AccountVariable, "local")
		p := NewPlan(fmt.Sprintf("plan-%d", i),
			Daily("daily", 2, 0).InVault("local").KeepDays(30).CopyTo(central, Years(7)).CopyTo(dr, Years(7)),
			Weekly("weekly", 0, 4, 0).InVault("local").ColdAfter(30).Keep(Years(1)).CopyTo(local, 90).Timezone("Europe/Paris"),
			Monthly("monthly", 1, 5, 0).InVault("local").ColdAfter(90).Keep(Years(10)).Windows(time.Hour, 8*time.Hour),
			Hourly("pitr", 15).InVault("local").Continuous().KeepDays(35).Tag("kind", "pitr"),
		).InRegions("us-east-1", "us-west-2", "eu-west-1").Select(
			ByTag("backup", fmt.Sprintf("tier-%d", i), role),
			ByResources(role, "arn:aws:dynamodb:us-east-1:$account:table/*", "arn:aws:s3:::data-*").Named("tables").
				Where(StringEquals, "env", "prod").Where(StringNotLike, "team", "sandbox*"),
			ByResources(role, "*").Named("everything").Except("arn:aws:ec2:us-east-1:$account:volume/vol-0"),
		).WindowsVSS(true)
		plans = append(plans, p)
	}
	return plans
}

func BenchmarkValidate(b *testing.B) {
	plans := benchOrganization()
	for _, p := range plans {
		if err := p.Validate(TargetPolicy); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range plans {
			if err := p.Validate(TargetPolicy); err != nil {
				b.Fatal(err)
			}
		}
	}
}
