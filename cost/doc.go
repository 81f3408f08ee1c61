// Package cost is the steady-state cost model of a backup architecture:
// what its recovery points cost per month once the longest retention has
// filled, and the monthly curve that gets there, per tier, account,
// region, vault role, resource type and allocation tag value.
//
// The model (Model) takes the tiers' rules (Tier, built from a
// policy.Plan by TierFromPlan), the workloads they back up (Workload:
// count, size, change rate, tags) and a price file (Prices). Per resource
// type a backup is full at first and incremental after by a daily change
// rate (Types gives the defaults; ChangeRate overrides them per tier, type
// or tag); recovery points move to cold storage only for the types AWS
// Backup moves (SupportsCold), stay there at least 90 days, and an
// archived EBS snapshot is stored in full. Copies to another region pay
// data transfer from the source region; restores and restore tests pay
// per GB and per job.
//
// Prices come from a versioned, dated price file per region; the embedded
// DefaultPrices covers the example spec's regions, and LoadPrices reads
// another (the CLI's --prices). A region the file does not price is an
// error: one region's prices are never used for another.
//
// The package reads and computes; it makes no AWS calls.
package cost
