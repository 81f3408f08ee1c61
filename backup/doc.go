// Package backup is orgbackup's engine. From a resolved spec (package
// spec) and the live organization it computes the desired state of every
// account and Region (desired.go), asks the package that owns each
// resource kind to plan it (planner.go), adds the consistency checks that
// only a view across accounts reveals (checks.go), and seals a plan.Plan.
// Apply executes a plan through the kinds table (Kinds), stage by stage,
// in parallel across accounts (apply.go). DetectDrift adds every account's
// effective backup policy (drift.go); CopyRoutes and RemediationTargets
// turn the spec into the copier's and remediator's work (routes.go).
//
// The engine owns no resource kind: organization, servicerole, vault,
// distribution and auditreports do.
package backup
