package recovery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgbackup/orgbackup/emulator"
	"github.com/orgbackup/orgbackup/recovery"
	"github.com/orgbackup/orgbackup/spec"
)

// emulatorSource gives each account's own credentials on the emulator.
type emulatorSource struct{ srv *emulator.Server }

func (e emulatorSource) Config(_ context.Context, account, region string) (aws.Config, error) {
	return e.srv.Config(account, region), nil
}

const benchTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// benchOrg is an organization of accounts workload accounts, each with
// perAccount resources of mixed types backed up once into its local vault
// with the backup role.
func benchOrg(b *testing.B, accounts, perAccount int) (*emulator.Server, *spec.Spec, map[string][]string) {
	b.Helper()
	ctx := context.Background()
	org := emulator.DefaultOrganization()
	unit := emulator.Unit{ID: "ou-root-fleet0001", Name: "Fleet"}
	var ids []string
	for i := range accounts {
		id := fmt.Sprintf("7%011d", i)
		ids = append(ids, id)
		unit.Accounts = append(unit.Accounts, emulator.Account{ID: id, Name: "fleet-" + id})
	}
	org.Units = append(org.Units, unit)
	srv := emulator.NewServer(func(o *emulator.Options) { o.Organization = org })
	b.Cleanup(srv.Close)
	sp, err := spec.Parse("bench.yaml", []byte(`version: 1
organization: {management_account: "111111111111", backup_account: "222222222222", regions: {primary: us-east-1}}
tiers: {production: {targets: [Fleet], cross_region: false}}
`))
	if err != nil {
		b.Fatal(err)
	}
	types := []emulator.ResourceType{emulator.RDSInstance, emulator.EFSFileSystem, emulator.EBSVolume, emulator.DynamoDBTable}
	for _, id := range ids {
		cfg := srv.Config(id, "us-east-1")
		if _, err := awsiam.NewFromConfig(cfg).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(sp.Local.BackupRole), AssumeRolePolicyDocument: aws.String(benchTrust)}); err != nil {
			b.Fatal(err)
		}
		bk := awsbackup.NewFromConfig(cfg)
		if _, err := bk.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(sp.Local.Vault)}); err != nil {
			b.Fatal(err)
		}
		for j := range perAccount {
			typ := types[j%len(types)]
			name := ""
			if typ == emulator.RDSInstance || typ == emulator.DynamoDBTable {
				name = fmt.Sprintf("db-%d", j)
			}
			arn := srv.AddResource(id, "us-east-1", typ, name, map[string]string{"backup-tier": "production"}, int64(1+j%5)<<30)
			if _, err := bk.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(sp.Local.Vault), ResourceArn: aws.String(arn),
				IamRoleArn: aws.String("arn:aws:iam::" + id + ":role/" + sp.Local.BackupRole)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	srv.Advance(12 * time.Hour)
	return srv, sp, map[string][]string{"production": ids}
}

// BenchmarkDrill drills 100 accounts × 10 resources on the emulator with at
// most 50 restores at once and reports the drill's virtual elapsed time
// against the ideal computed from the run's own restore durations and the
// concurrency limit (recovery.IdealMakespan); it fails above 1.2×.
//
//	go test ./recovery -run '^$' -bench Drill -benchtime 1x
func BenchmarkDrill(b *testing.B) {
	const accounts, perAccount, concurrency = 100, 10, 50
	for range b.N {
		b.StopTimer()
		srv, sp, tiers := benchOrg(b, accounts, perAccount)
		b.StartTimer()
		rep, err := recovery.Drill(context.Background(), sp, emulatorSource{srv}, tiers, func(d *recovery.DrillOptions) {
			d.Concurrency = concurrency
			d.Now = srv.Now
			d.Sleep = func(context.Context, time.Duration) error { srv.Advance(time.Minute); return nil }
			d.PollInterval = time.Minute
			d.Cleanup = func(_ context.Context, r recovery.DrillResult) error { return srv.RemoveResource(r.Restored) }
		})
		if err != nil {
			b.Fatal(err)
		}
		if n, failed := len(rep.Results), len(rep.Failed()); n != accounts*perAccount || failed > 0 {
			b.Fatalf("%d resources drilled, %d failed (%v), want %d passed", n, failed, rep.Failed()[:min(3, failed)], accounts*perAccount)
		}
		ratio := float64(rep.Elapsed) / float64(rep.Ideal)
		b.ReportMetric(rep.Elapsed.Minutes(), "virtual-min")
		b.ReportMetric(rep.Ideal.Minutes(), "ideal-min")
		b.ReportMetric(rep.LowerBound.Minutes(), "lower-bound-min")
		b.ReportMetric(ratio, "x-ideal")
		b.ReportMetric(float64(rep.Tiers[0].P95)/float64(time.Minute), "p95-rto-min")
		if ratio > 1.2 {
			b.Errorf("drill took %s of virtual time, %.3f× the ideal %s (lower bound %s); want at most 1.2×", rep.Elapsed, ratio, rep.Ideal, rep.LowerBound)
		}
	}
}
