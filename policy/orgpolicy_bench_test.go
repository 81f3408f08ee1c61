package policy

import "testing"

// BenchmarkCompile compiles a 10-plan organization, every plan with every
// field set, into compact policy documents.
func BenchmarkCompile(b *testing.B) {
	plans := namedPlans(10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompileOrganizationsPolicy(plans, CompileOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
