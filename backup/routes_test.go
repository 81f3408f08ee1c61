package backup_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/google/go-cmp/cmp"

	"github.com/orgbackup/orgbackup/backup"
	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/spec"
)

const routesSpec = "../spec/testdata/spec/valid.json"

// routesTopology is valid.json's organization: the management and backup
// accounts at the root, two production accounts and one staging account.
func routesTopology(t *testing.T) *crossaccount.Topology {
	t.Helper()
	topo, err := crossaccount.FromAccounts("o-orgbackup1", "r-root", "111111111111",
		[]crossaccount.OU{{ID: "ou-root-prod", Name: "Production", Parent: "r-root"}, {ID: "ou-root-stage", Name: "Staging", Parent: "r-root"}},
		[]crossaccount.Account{
			{ID: "111111111111", Parent: "r-root"}, {ID: "222222222222", Parent: "r-root"},
			{ID: "333333333333", Parent: "ou-root-prod"}, {ID: "333333333334", Parent: "ou-root-prod"}, {ID: "444444444444", Parent: "ou-root-stage"},
		})
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func loadRoutesSpec(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.Load(routesSpec)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestTierAccounts(t *testing.T) {
	t.Parallel()
	got, err := loadRoutesSpec(t).TierAccounts(routesTopology(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"production": {"333333333333", "333333333334"}, "staging": {"444444444444"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TierAccounts() mismatch (-want +got):\n%s", diff)
	}
}

func TestCopyRoutes(t *testing.T) {
	t.Parallel()
	sp := loadRoutesSpec(t)
	topo := routesTopology(t)
	type route struct {
		Source, Dest, Tier, Accounts string
		RetentionDays                int64
		Role                         string
		Monitoring                   string // account and Regions
	}
	central, secondary := sp.CentralVaultARN("us-east-1"), sp.CentralVaultARN("us-west-2")
	prod, err := sp.Tier("production")
	if err != nil {
		t.Fatal(err)
	}
	prodCentral, prodSecondary := int64(prod.CentralRetention), int64(prod.SecondaryRetention)
	local := "/us-east-1/" + sp.Local.Vault
	tests := map[string]struct {
		to    string
		scope backup.ScopeOptions
		want  []route
	}{
		"central": {to: backup.CopyToCentral, want: []route{
			{"333333333333" + local, central, "production", "", prodCentral, sp.BackupRoleARN("333333333333"), ""},
			{"333333333334" + local, central, "production", "", prodCentral, sp.BackupRoleARN("333333333334"), ""},
			{"444444444444" + local, central, "staging", "", 730, sp.BackupRoleARN("444444444444"), ""},
		}},
		"central, one account": {to: backup.CopyToCentral, scope: backup.ScopeOptions{Accounts: []string{"333333333334"}}, want: []route{
			{"333333333334" + local, central, "production", "", prodCentral, sp.BackupRoleARN("333333333334"), ""},
		}},
		"central, one tier": {to: backup.CopyToCentral, scope: backup.ScopeOptions{Tiers: []string{"staging"}}, want: []route{
			{"444444444444" + local, central, "staging", "", 730, sp.BackupRoleARN("444444444444"), ""},
		}},
		"secondary": {to: backup.CopyToSecondary, want: []route{
			{"222222222222/us-east-1/" + sp.Central.Vault, secondary, "production", "333333333333,333333333334", prodSecondary, sp.BackupRoleARN("222222222222"), "222222222222 us-east-1"},
		}},
		"secondary, one account": {to: backup.CopyToSecondary, scope: backup.ScopeOptions{Accounts: []string{"333333333334"}}, want: []route{
			{"222222222222/us-east-1/" + sp.Central.Vault, secondary, "production", "333333333334", prodSecondary, sp.BackupRoleARN("222222222222"), "222222222222 us-east-1"},
		}},
		// Staging does not copy cross-Region.
		"secondary, staging only": {to: backup.CopyToSecondary, scope: backup.ScopeOptions{Tiers: []string{"staging"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			routes, err := backup.CopyRoutes(sp, topo, tc.to, func(o *backup.ScopeOptions) { *o = tc.scope })
			if err != nil {
				t.Fatal(err)
			}
			var got []route
			for _, r := range routes {
				got = append(got, route{r.Account + "/" + r.Region + "/" + r.Vault, r.DestinationVaultARN, r.Label, strings.Join(r.ResourceAccounts, ","),
					aws.ToInt64(r.Lifecycle.DeleteAfterDays), r.RoleARN, strings.TrimSpace(r.MonitoringAccount + " " + strings.Join(r.MonitoringRegions, ","))})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CopyRoutes(%q) mismatch (-want +got):\n%s", tc.to, diff)
			}
		})
	}
}

func TestCopyRoutesErrors(t *testing.T) {
	t.Parallel()
	sp := loadRoutesSpec(t)
	topo := routesTopology(t)
	tests := map[string]struct {
		to    string
		scope backup.ScopeOptions
		want  []string
	}{
		"unknown destination": {to: "elsewhere", want: []string{`not "elsewhere"`}},
		"unknown tiers": {to: backup.CopyToCentral, scope: backup.ScopeOptions{Tiers: []string{"gold", "staging", "silver"}},
			want: []string{`tier "gold" is not in the spec`, `tier "silver" is not in the spec`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := backup.CopyRoutes(sp, topo, tc.to, func(o *backup.ScopeOptions) { *o = tc.scope })
			if err == nil {
				t.Fatal("CopyRoutes succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CopyRoutes error %q lacks %q", err, w)
				}
			}
		})
	}
	// A target that is not in the organization.
	small, err := crossaccount.FromAccounts("o-orgbackup1", "r-root", "111111111111", nil,
		[]crossaccount.Account{{ID: "111111111111", Parent: "r-root"}, {ID: "222222222222", Parent: "r-root"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.CopyRoutes(sp, small, backup.CopyToCentral); err == nil || !strings.Contains(err.Error(), "tier production") {
		t.Errorf("CopyRoutes over an organization without the tiers' OUs = %v, want an error naming the tier", err)
	}
	// Only the tiers in scope are resolved.
	if routes, err := backup.CopyRoutes(sp, small, backup.CopyToCentral, func(o *backup.ScopeOptions) { o.Tiers = []string{"staging"} }); err == nil || !strings.Contains(err.Error(), "tier staging") {
		t.Errorf("CopyRoutes of staging = %v, %v; want an error naming the tier", routes, err)
	}
	noStaging, err := crossaccount.FromAccounts("o-orgbackup1", "r-root", "111111111111",
		[]crossaccount.OU{{ID: "ou-root-prod", Name: "Production", Parent: "r-root"}},
		[]crossaccount.Account{{ID: "111111111111", Parent: "r-root"}, {ID: "222222222222", Parent: "r-root"}, {ID: "333333333333", Parent: "ou-root-prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.CopyRoutes(sp, noStaging, backup.CopyToCentral); err == nil || !strings.Contains(err.Error(), "tier staging") {
		t.Errorf("CopyRoutes without the Staging OU = %v, want an error naming the tier", err)
	}
	if routes, err := backup.CopyRoutes(sp, noStaging, backup.CopyToCentral, func(o *backup.ScopeOptions) { o.Tiers = []string{"production"} }); err != nil || len(routes) != 1 {
		t.Errorf("CopyRoutes of production without the Staging OU = %d routes, %v; want 1, nil", len(routes), err)
	}
}

func TestRemediationTargets(t *testing.T) {
	t.Parallel()
	sp := loadRoutesSpec(t)
	prod, err := sp.Tier("production")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := backup.RemediationTargets(sp, routesTopology(t), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), func(o *backup.ScopeOptions) {
		o.Tiers = []string{"production"}
	})
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		Account, Region, Vault, Role, Label string
		DeleteAfter                         int64
		Tags                                map[string]string
		RPO                                 time.Duration
	}
	var got []target
	for _, tg := range targets {
		got = append(got, target{tg.Account, tg.Region, tg.Vault, tg.RoleARN, tg.Label, aws.ToInt64(tg.Lifecycle.DeleteAfterDays), tg.RecoveryPointTags, tg.RPO})
	}
	tags := map[string]string{"orgbackup:tier": "production"}
	// The production tier backs up daily: its RPO is a day.
	want := []target{
		{"333333333333", "us-east-1", sp.Local.Vault, sp.BackupRoleARN("333333333333"), "production", int64(prod.LocalRetention), tags, 24 * time.Hour},
		{"333333333334", "us-east-1", sp.Local.Vault, sp.BackupRoleARN("333333333334"), "production", int64(prod.LocalRetention), tags, 24 * time.Hour},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RemediationTargets() mismatch (-want +got):\n%s", diff)
	}
	if _, err := backup.RemediationTargets(sp, routesTopology(t), time.Now(), func(o *backup.ScopeOptions) { o.Tiers = []string{"gold"} }); err == nil {
		t.Error("RemediationTargets accepted an unknown tier")
	}
}

// TestDiscoverTopology reads the emulator's default organization through
// the spec's management account, and refuses an organization another
// account manages.
func TestDiscoverTopology(t *testing.T) {
	t.Parallel()
	srv := emulator.NewServer()
	defer srv.Close()
	sp := loadRoutesSpec(t)
	topo, err := backup.DiscoverTopology(context.Background(), sp, direct{srv})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sp.TierAccounts(topo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]string{"production": {"333333333333", "333333333334"}, "staging": {"444444444444"}}, got); diff != "" {
		t.Errorf("tier accounts of the discovered organization (-want +got):\n%s", diff)
	}
	other := *sp
	other.Organization.ManagementAccount = "999999999999"
	if _, err := backup.DiscoverTopology(context.Background(), &other, fixed{srv, "111111111111"}); err == nil || !strings.Contains(err.Error(), "not the organization's (111111111111)") {
		t.Errorf("DiscoverTopology with another management account = %v, want a refusal", err)
	}
}

// direct reaches each account with the emulator's account credentials.
type direct struct{ srv *emulator.Server }

func (d direct) Config(_ context.Context, account, region string) (aws.Config, error) {
	return d.srv.Config(account, region), nil
}

// fixed reaches one account whatever account is asked for.
type fixed struct {
	srv     *emulator.Server
	account string
}

func (f fixed) Config(_ context.Context, _, region string) (aws.Config, error) {
	return f.srv.Config(f.account, region), nil
}

// TestCopyRoutesAfterEightDays runs the copier over both routes of an
// applied spec after 8 days of backups, two of which failed to copy to the
// secondary region (its central vault's access policy was missing). The
// tiers' backup plans already copy every backup to the central vault and,
// from the local vault, to the secondary region's: the route to the
// central vault has nothing to do, and the route from it to the secondary
// region copies only the backups the plans failed to, once.
func TestCopyRoutesAfterEightDays(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, volumesSpec))
	org.converge(t)
	sp, srv, ctx := org.sp, org.srv, context.Background()
	var vols []string
	for _, a := range []string{"333333333333", "333333333334"} {
		v := srv.AddResource(a, "us-east-1", emulator.EBSVolume, "", map[string]string{"backup-tier": "production"}, 1<<30)
		if v == "" {
			t.Fatal("AddResource failed")
		}
		vols = append(vols, v)
	}
	secondary := awsbackup.NewFromConfig(srv.Config("222222222222", "us-west-2"))
	pol, err := secondary.GetBackupVaultAccessPolicy(ctx, &awsbackup.GetBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(3 * 24 * time.Hour)
	if _, err := secondary.DeleteBackupVaultAccessPolicy(ctx, &awsbackup.DeleteBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault)}); err != nil {
		t.Fatal(err)
	}
	if rep := srv.Advance(2 * 24 * time.Hour); rep.CopyJobsFailed != 2*len(vols) {
		t.Fatalf("%d copy jobs failed without the secondary vault's access policy, want %d (two days of two volumes)", rep.CopyJobsFailed, 2*len(vols))
	}
	if _, err := secondary.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String(sp.Central.Vault), Policy: pol.Policy}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(3 * 24 * time.Hour)

	topo, err := backup.DiscoverTopology(ctx, sp, org.applyFleet)
	if err != nil {
		t.Fatal(err)
	}
	copyAll := func() map[string]*crossaccount.CopyReport {
		t.Helper()
		out := map[string]*crossaccount.CopyReport{}
		for _, to := range []string{backup.CopyToCentral, backup.CopyToSecondary} {
			routes, err := backup.CopyRoutes(sp, topo, to)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := crossaccount.NewCopier(org.applyFleet, routes, func(o *crossaccount.CopyOptions) {
				o.Clock = srv.Now
				o.Sleep = func(ctx context.Context, d time.Duration) error {
					srv.Advance(d)
					return ctx.Err()
				}
			}).Run(ctx)
			if err != nil {
				t.Fatalf("copying to %s: %v", to, err)
			}
			out[to] = rep
		}
		return out
	}
	type counts struct{ Results, Copied, AlreadyCopied, Started int }
	count := func(rep *crossaccount.CopyReport) counts {
		return counts{len(rep.Results), rep.Count(crossaccount.CopyCopied), rep.Count(crossaccount.CopyAlreadyCopied), rep.Calls["StartCopyJob"]}
	}

	// 8 daily backups of each volume, each in the local, central and
	// secondary vaults once; the central vault's copies of the 2 days the
	// secondary missed are copied there.
	const backups = 8
	first := copyAll()
	want := map[string]counts{
		backup.CopyToCentral:   {Results: backups * len(vols), AlreadyCopied: backups * len(vols)},
		backup.CopyToSecondary: {Results: backups * len(vols), Copied: 2 * len(vols), AlreadyCopied: (backups - 2) * len(vols), Started: 2 * len(vols)},
	}
	got := map[string]counts{}
	for to, rep := range first {
		got[to] = count(rep)
		if !rep.Protected() {
			t.Errorf("copy to %s: not every recovery point has its copy", to)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("copier runs after 8 days (-want +got):\n%s", diff)
	}

	// Every vault holds each backup once: the local one's backups, no
	// more, no fewer.
	backupsIn := func(account, region, vault string) map[string]int {
		t.Helper()
		out := map[string]int{}
		p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(awsbackup.NewFromConfig(srv.Config(account, region)),
			&awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vault)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("listing %s in %s/%s: %v", vault, account, region, err)
			}
			for _, rp := range page.RecoveryPoints {
				out[aws.ToString(rp.ResourceArn)+" "+aws.ToTime(rp.CreationDate).UTC().Format(time.RFC3339)]++
			}
		}
		return out
	}
	local := map[string]int{}
	for _, a := range []string{"333333333333", "333333333334"} {
		for k, n := range backupsIn(a, "us-east-1", sp.Local.Vault) {
			local[k] += n
		}
	}
	if len(local) != backups*len(vols) {
		t.Fatalf("the local vaults hold %d backups, want %d", len(local), backups*len(vols))
	}
	for _, region := range []string{"us-east-1", "us-west-2"} {
		if diff := cmp.Diff(local, backupsIn("222222222222", region, sp.Central.Vault)); diff != "" {
			t.Errorf("backups in the central vault of %s, by resource and creation date (-local vaults +central vault):\n%s", region, diff)
		}
	}

	// Nothing left to do.
	for to, rep := range copyAll() {
		if c := count(rep); c.Started != 0 || c.AlreadyCopied != c.Results {
			t.Errorf("second copy to %s: %+v; want every recovery point already copied and no copy started", to, c)
		}
	}
}

// The copy routes of a spec with a cross-Region production tier: each
// production account's local vault to the central vault, and the central
// vault to the secondary Region's for those accounts.
func ExampleCopyRoutes() {
	sp, err := spec.Load("../spec/testdata/spec/valid.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	topo, err := crossaccount.FromAccounts("o-orgbackup1", "r-root", "111111111111",
		[]crossaccount.OU{{ID: "ou-root-prod", Name: "Production", Parent: "r-root"}},
		[]crossaccount.Account{
			{ID: "111111111111", Parent: "r-root"}, {ID: "222222222222", Parent: "r-root"},
			{ID: "333333333333", Parent: "ou-root-prod"}, {ID: "333333333334", Parent: "ou-root-prod"},
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, to := range []string{backup.CopyToCentral, backup.CopyToSecondary} {
		routes, err := backup.CopyRoutes(sp, topo, to, func(o *backup.ScopeOptions) { o.Tiers = []string{"production"} })
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range routes {
			fmt.Printf("%s/%s %s -> %s %v\n", r.Account, r.Region, r.Vault, r.DestinationVaultARN, r.ResourceAccounts)
		}
	}
	// Output:
	// 333333333333/us-east-1 orgbackup-local -> arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup []
	// 333333333334/us-east-1 orgbackup-local -> arn:aws:backup:us-east-1:222222222222:backup-vault:central-backup []
	// 222222222222/us-east-1 central-backup -> arn:aws:backup:us-west-2:222222222222:backup-vault:central-backup [333333333333 333333333334]
}

// TestSecondaryRouteWaitsForPlanCopy: a backup of a production volume is
// in the central vault while its copy from the local vault to the
// secondary Region, started in the workload account as the tier's plan
// does, still runs. The secondary route of the spec, run meanwhile, sees
// that copy through the backup account (the delegated administrator the
// apply registered) and starts none of its own.
func TestSecondaryRouteWaitsForPlanCopy(t *testing.T) {
	t.Parallel()
	org := newSpecOrg(t, parseSpec(t, baseSpec))
	org.converge(t)
	sp, srv, ctx := org.sp, org.srv, context.Background()
	const account = "333333333333"
	vol := srv.AddResource(account, "us-east-1", emulator.EBSVolume, "", nil, 1<<30)
	local := awsbackup.NewFromConfig(srv.Config(account, "us-east-1"))
	if _, err := local.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(sp.Local.Vault), ResourceArn: aws.String(vol), IamRoleArn: aws.String(sp.BackupRoleARN(account))}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * time.Hour)
	topo, err := backup.DiscoverTopology(ctx, sp, org.applyFleet)
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
	run := func(to string) *crossaccount.CopyReport {
		t.Helper()
		routes, err := backup.CopyRoutes(sp, topo, to, func(o *backup.ScopeOptions) { o.Accounts = []string{account} })
		if err != nil {
			t.Fatal(err)
		}
		rep, err := crossaccount.NewCopier(org.applyFleet, routes, virtual).Run(ctx)
		if err != nil {
			t.Fatalf("copying to %s: %v", to, err)
		}
		return rep
	}
	prod, err := sp.Tier("production")
	if err != nil {
		t.Fatal(err)
	}
	if rep := run(backup.CopyToCentral); rep.Count(crossaccount.CopyCopied) != 1 {
		t.Fatalf("copy to the central vault: %+v, want the one backup copied", rep.Results)
	}

	srv.SetJobDurations(emulator.JobDurations{Copy: 6 * time.Hour})
	rps, err := local.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(vol)})
	if err != nil || len(rps.RecoveryPoints) != 1 {
		t.Fatalf("recovery points of %s: %v %+v", vol, err, rps)
	}
	if _, err := local.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		RecoveryPointArn: rps.RecoveryPoints[0].RecoveryPointArn, SourceBackupVaultName: aws.String(sp.Local.Vault),
		DestinationBackupVaultArn: aws.String(sp.CentralVaultARN("us-west-2")), IamRoleArn: aws.String(sp.BackupRoleARN(account)),
		Lifecycle: &backuptypes.Lifecycle{DeleteAfterDays: aws.Int64(int64(prod.SecondaryRetention))},
	}); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Hour)
	rep := run(backup.CopyToSecondary)
	if rep.Calls["StartCopyJob"] != 0 || rep.Count(crossaccount.CopyAlreadyCopied) != 1 || len(rep.Results) != 1 {
		t.Errorf("copy to the secondary Region while the plan's copy runs: %d copy jobs started, results %+v; want none started, the backup already copied", rep.Calls["StartCopyJob"], rep.Results)
	}
	srv.Advance(12 * time.Hour)
	n := 0
	p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(awsbackup.NewFromConfig(srv.Config("222222222222", "us-west-2")),
		&awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(sp.Central.Vault), ByResourceArn: aws.String(vol)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.RecoveryPoints)
	}
	if n != 1 {
		t.Errorf("the secondary central vault holds %d copies of the backup, want 1", n)
	}
}
