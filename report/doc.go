// Package report collects the backup state of an AWS organization and
// proves, or disproves, that it meets its spec: every resource of a tier
// backed up within the tier's RPO, copied to the central vault and to the
// secondary region when the tier says so, vaults locked and encrypted as
// required, with job outcomes per account and day and a storage cost
// estimate.
//
// The flow is Collect (read-only, streaming) → Inventory → Evaluate →
// Report → Markdown, JSON, CSV or HTML; WriteFiles and Upload deliver the
// rendered files.
//
// # RPO rule
//
// A tier's objective is its rpo (spec.EffectiveTier.RPO; the presets set
// one). A tier without one is judged by what its schedule guarantees: the
// largest gap between two consecutive runs of its schedule, in its time
// zone, over the year before the window's end (policy.Schedule.MaxInterval;
// daylight saving transitions, weekly and monthly schedules included),
// plus its start and completion windows (AWS's 8 hours and 7 days when the
// tier sets none). See TierRPO, RPO.Target and RPO.Limit.
//
// The achieved RPO of a resource is measured, not sampled: in each
// location the tier keeps recovery points in (local vault; central vault;
// secondary region's central vault), the largest age its newest usable
// (COMPLETED) recovery point reached at any moment of the window, a
// point counting from its completion. It is measured from the window's
// start when a point was ready by then, else from the resource's first
// backup job in the window. A copy's objective is the tier's plus
// EvaluateOptions.CopyAllowance. A resource is compliant only when every
// objective held over the whole window.
//
// # Verdict and failures
//
// Failed, expired and aborted backup jobs are grouped by cause
// (FailureCause: role-missing, key-access, vault-access, window-expired,
// other) and account into findings "job-CAUSE" that quote the newest
// status message and carry the commands that fix them (Fix); resources
// whose last DefaultConsecutiveFailures or more jobs failed are the
// finding "consecutive-failures". The verdict is protected (every tiered
// resource met every objective, nothing failed), needs-decision (the same,
// with resources that match no tier), not-protected, or not-proven (an
// account or region could not be read: never compliant); Compliant is
// true for the first two.
//
// # Organization-wide jobs
//
// Backup and copy jobs are listed with ByAccountId "*" from
// Options.MonitoringAccount: the management account or a delegated
// administrator for cross-account monitoring. ListBackupJobs returns the
// last 30 days; recovery points and ListProtectedResources give the last
// backup beyond that.
//
// # JSON schema (schema_version 1)
//
// JSON writes one object; times are RFC 3339 UTC, byte counts integers,
// costs in Cost.Currency per month, percentages 0-100 with two decimals
// and absent when their denominator is zero. Arrays are never null and
// are sorted as stated.
//
//	schema_version  integer, 1
//	spec            string, the spec's name
//	generated_at    time, the end of the window
//	window          {start, end}
//	verdict         {status (protected | needs-decision | not-protected |
//	                not-proven), headline, reasons[]}
//	summary         Stats of every resource
//	tiers[]         Stats plus name, schedule, timezone, rpo_seconds (the
//	                objective), schedule_limit_seconds, max_gap_seconds,
//	                rto_seconds, achieved {measured, p50_seconds,
//	                p95_seconds, max_seconds}, worst[] {arn, account,
//	                achieved_seconds} (at most 5, worst first); sorted by
//	                name
//	accounts[]      Stats plus account, name, tiers[]; sorted by account
//	regions[]       Stats plus region; sorted by region
//	resources[]     sorted by arn:
//	                arn, account, region, type, name,
//	                tier ("" when untiered),
//	                tiers[] (every tier selecting it, when more than one),
//	                flags[] (what AWS refuses for it: type-opted-out,
//	                aws-managed-key),
//	                status: compliant | noncompliant | unprotected | untiered |
//	                not-proven,
//	                reasons[] (absent when compliant), untagged,
//	                last_backup, backup_age_seconds (absent without backup),
//	                objectives[] {location, objective_seconds,
//	                achieved_seconds, worst_at, measured_from, met},
//	                rpo_met (every objective met),
//	                consecutive_failures, failure_cause,
//	                central_copy, secondary_copy: ok | stale | missing | not-required,
//	                last_central_copy, last_secondary_copy,
//	                jobs_completed, jobs_failed, last_failure,
//	                copies_completed, copies_failed, last_copy_failure,
//	                warm_bytes, cold_bytes, monthly_cost
//	vaults[]        role (local | central), account, region, name, exists,
//	                locked, min_retention_days, max_retention_days,
//	                lock_date (compliance mode), key_arn,
//	                key_manager (CUSTOMER | AWS), key_rotation, error,
//	                ok, problems[]; sorted by role, account, region
//	heatmap         days[] ("YYYY-MM-DD", UTC),
//	                rows[] {account, name, cells[] {completed, failed, running}},
//	                one cell per day; sorted by account
//	cost            currency, source, as_of, total,
//	                lines[] {tier, resource_type, location (local | central |
//	                secondary), region, warm_bytes, cold_bytes, monthly};
//	                sorted by tier, type, location, region
//	findings[]      {severity (fail | warn), code, subject, message, fix};
//	                failures first
//	recoverability  present when restore evidence was added
//	                (AddRecoverability): {compliant, tiers[] {tier, tested,
//	                objective_ns, period_ns, types[] {resource_type,
//	                last_success, tests, failed, p50_ns, p95_ns, max_ns},
//	                failures[] {account, region, resource_type,
//	                restore_job_id, at, cause, fix}, compliant, reasons[]}}
//	legal_holds     present when legal holds were collected
//	                (CollectLegalHolds): {holds[] {Account, Region, ID,
//	                Title, Description, Status, Created, Points[]}};
//	                sorted by account, Region and title
//
// Stats holds: resources (in a tier), untiered, untagged, compliant,
// unprotected, not_proven,
// rpo_met, central_required, central_covered, secondary_required,
// secondary_covered, jobs_completed, jobs_failed, copies_completed,
// copies_failed, warm_bytes, cold_bytes, monthly_cost,
// compliance_percent, central_coverage_percent,
// secondary_coverage_percent, job_success_percent, copy_success_percent.
//
// CSV has one row per resource, then a "#verdict" row and one "#finding"
// row per finding (see CSV).
//
// # Report files in S3
//
// Upload writes s3://BUCKET/orgbackup/reports/YYYY/MM/DD/NAME.EXT, the
// date being the report's generated_at in UTC (ObjectKey).
package report
