package backup_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/plan"
	"github.com/orgbackup/orgbackup/regionsettings"
)

// volumesSpec is baseSpec with a production tier that selects EBS volumes
// only, whose backups the workload accounts' plans copy to the secondary
// Region themselves (no RDS or Aurora to route through the central vault).
var volumesSpec = strings.Replace(baseSpec, "  production: {targets: [Production]}", "  production: {targets: [Production], selection: {resource_types: [EBS]}}", 1)

// crCopyJobs returns account's copy jobs in region of resource, oldest
// first.
func crCopyJobs(t *testing.T, srv *emulator.Server, account, region, resource string) []backuptypes.CopyJob {
	t.Helper()
	var out []backuptypes.CopyJob
	p := awsbackup.NewListCopyJobsPaginator(awsbackup.NewFromConfig(srv.Config(account, region)), &awsbackup.ListCopyJobsInput{ByResourceArn: aws.String(resource)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.CopyJobs...)
	}
	slices.SortStableFunc(out, func(a, b backuptypes.CopyJob) int { return a.CreationDate.Compare(*b.CreationDate) })
	return out
}

// crVaultHolds reports whether the vault holds a recovery point of
// resource.
func crVaultHolds(t *testing.T, srv *emulator.Server, account, region, vault, resource string) bool {
	t.Helper()
	out, err := awsbackup.NewFromConfig(srv.Config(account, region)).ListRecoveryPointsByBackupVault(context.Background(),
		&awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault), ByResourceArn: aws.String(resource)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.RecoveryPoints) > 0
}

// TestProductionRDSAndAuroraReachBothCentralVaults: AWS Backup cannot copy
// RDS or Aurora snapshots to the backup account and the secondary Region
// in one copy job, so the production plan copies them to the central vault
// in the primary Region, and the copier copies them from there to the
// secondary Region within the backup account. No copy job fails.
func TestProductionRDSAndAuroraReachBothCentralVaults(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	sp, srv, ctx := org.sp, org.srv, context.Background()
	const account = "333333333333"
	tags := map[string]string{"backup-tier": "production"}
	db := srv.AddResource(account, "us-east-1", emulator.RDSInstance, "orders", tags, 20<<30)
	cluster := srv.AddResource(account, "us-east-1", emulator.AuroraCluster, "ledger", tags, 40<<30)
	org.converge(t)
	srv.Advance(26 * time.Hour)

	backupAccount, primary, secondary := sp.Organization.BackupAccount, sp.Organization.Regions.Primary, sp.Organization.Regions.Secondary
	for _, r := range []string{db, cluster} {
		jobs := crCopyJobs(t, srv, account, primary, r)
		if len(jobs) != 1 || jobs[0].State != backuptypes.CopyJobStateCompleted || aws.ToString(jobs[0].DestinationBackupVaultArn) != sp.CentralVaultARN(primary) {
			t.Fatalf("copy jobs of %s from the workload account: %+v, want one completed to the central vault", r, jobs)
		}
	}

	topo, err := backup.DiscoverTopology(ctx, sp, org.applyFleet)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := backup.CopyRoutes(sp, topo, backup.CopyToSecondary)
	if err != nil {
		t.Fatal(err)
	}
	virtual := func(o *crossaccount.CopyOptions) {
		o.Clock = srv.Now
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			srv.Advance(d)
			return ctx.Err()
		}
	}
	rep, err := crossaccount.NewCopier(org.applyFleet, routes, virtual).Run(ctx)
	if err != nil {
		t.Fatalf("copying to the secondary Region: %v", err)
	}
	if n := rep.Count(crossaccount.CopyCopied); n != 2 {
		t.Errorf("copier copied %d recovery points to the secondary Region, want 2: %+v", n, rep.Results)
	}
	for _, r := range []string{db, cluster} {
		if !crVaultHolds(t, srv, backupAccount, primary, sp.Central.Vault, r) {
			t.Errorf("the central vault in %s holds no copy of %s", primary, r)
		}
		if !crVaultHolds(t, srv, backupAccount, secondary, sp.Central.Vault, r) {
			t.Errorf("the central vault in %s holds no copy of %s", secondary, r)
		}
		for _, j := range crCopyJobs(t, srv, backupAccount, primary, r) {
			if j.State != backuptypes.CopyJobStateCompleted {
				t.Errorf("copy job of %s from the central vault: %s (%q)", r, j.State, aws.ToString(j.StatusMessage))
			}
		}
	}
}

// TestDynamoDBCopiesNeedRegionSettings: the production plan's copy of a
// DynamoDB table's backup to the central account fails, with AWS Backup's
// reason, while advanced DynamoDB backup is off in the table's account and
// Region (as it stays when plans come from a backup policy); once apply has
// made the backup_region_settings change, the next backup is copied.
func TestDynamoDBCopiesNeedRegionSettings(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	srv := org.srv
	const account = "333333333333"
	table := srv.AddResource(account, "us-east-1", emulator.DynamoDBTable, "orders", map[string]string{"backup-tier": "production"}, 1<<30)

	// Everything but the Region settings.
	p := org.plan(t)
	var skipped int
	p.Changes = slices.DeleteFunc(p.Changes, func(c plan.Change) bool {
		if c.Kind == regionsettings.Kind {
			skipped++
			return true
		}
		return false
	})
	if skipped == 0 {
		t.Fatal("the plan turns on no Region settings")
	}
	kinds, err := backup.Kinds()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Seal(kinds); err != nil {
		t.Fatal(err)
	}
	if err := org.apply(t, p, allowAll).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Advance(20 * time.Hour) // the first day's backup and copies, not the next day's
	jobs := crCopyJobs(t, srv, account, "us-east-1", table)
	if len(jobs) == 0 {
		t.Fatal("no copy job of the table")
	}
	for _, j := range jobs {
		if j.State != backuptypes.CopyJobStateFailed || !strings.Contains(aws.ToString(j.StatusMessage), "advanced DynamoDB backup features") {
			t.Errorf("copy to %s without advanced DynamoDB backup: %s (%q), want FAILED", aws.ToString(j.DestinationBackupVaultArn), j.State, aws.ToString(j.StatusMessage))
		}
	}

	org.converge(t)
	srv.Advance(24 * time.Hour)
	after := crCopyJobs(t, srv, account, "us-east-1", table)[len(jobs):]
	if len(after) == 0 {
		t.Fatal("no copy job of the table after apply")
	}
	for _, j := range after {
		if j.State != backuptypes.CopyJobStateCompleted {
			t.Errorf("copy to %s after apply: %s (%q), want COMPLETED", aws.ToString(j.DestinationBackupVaultArn), j.State, aws.ToString(j.StatusMessage))
		}
	}
}
