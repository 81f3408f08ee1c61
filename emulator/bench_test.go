//go:build unix

package emulator_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/orgbackup/orgbackup/emulator"
)

// benchCPU reports, besides wall-clock req/s, the process CPU time per
// request (client, server and GC together, from getrusage) and the
// throughput that one fully available core would sustain at that cost:
// on a shared machine wall-clock figures drift with load, CPU time much
// less.
type benchCPU struct{ start time.Duration }

func benchCPUTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startBenchCPU(b *testing.B) *benchCPU { return &benchCPU{start: benchCPUTime(b)} }

func (c *benchCPU) report(b *testing.B) {
	cpu := benchCPUTime(b) - c.start
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "req/cpu-s")
	}
}

// benchBackupClient returns an AWS Backup client for the backup account of
// a fresh emulator: the real SDK over loopback HTTP, or through the
// in-process transport when inProcess.
func benchBackupClient(b *testing.B, inProcess bool) *awsbackup.Client {
	b.Helper()
	srv := emulator.NewServer()
	b.Cleanup(srv.Close)
	if inProcess {
		return awsbackup.NewFromConfig(srv.InProcessConfig(emulator.BackupAccountID, "us-east-1"))
	}
	return awsbackup.NewFromConfig(srv.Config(emulator.BackupAccountID, "us-east-1"))
}

// BenchmarkDescribeBackupVault measures a simple read: one
// DescribeBackupVault request per iteration.
func BenchmarkDescribeBackupVault(b *testing.B) { benchTransports(b, benchDescribeBackupVault) }

func benchDescribeBackupVault(b *testing.B, inProcess bool) {
	client := benchBackupClient(b, inProcess)
	ctx := context.Background()
	if _, err := client.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("bench")}); err != nil {
		b.Fatalf("CreateBackupVault: %v", err)
	}
	in := &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bench")}
	b.ReportAllocs()
	cpu := startBenchCPU(b)
	for b.Loop() {
		out, err := client.DescribeBackupVault(ctx, in)
		if err != nil {
			b.Fatalf("DescribeBackupVault: %v", err)
		}
		if aws.ToString(out.BackupVaultName) != "bench" {
			b.Fatalf("DescribeBackupVault name = %q, want bench", aws.ToString(out.BackupVaultName))
		}
	}
	cpu.report(b)
}

// BenchmarkCreateBackupVault measures a write: one CreateBackupVault of a
// new vault per iteration.
func BenchmarkCreateBackupVault(b *testing.B) { benchTransports(b, benchCreateBackupVault) }

func benchCreateBackupVault(b *testing.B, inProcess bool) {
	client := benchBackupClient(b, inProcess)
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startBenchCPU(b)
	i := 0
	for b.Loop() {
		i++
		name := fmt.Sprintf("bench-%d", i)
		if _, err := client.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
			BackupVaultName: aws.String(name),
			BackupVaultTags: map[string]string{"bench": "true"},
		}); err != nil {
			b.Fatalf("CreateBackupVault %s: %v", name, err)
		}
	}
	cpu.report(b)
}

// benchTransports runs a request benchmark over loopback HTTP (Config) and
// through the in-process transport (InProcessConfig).
func benchTransports(b *testing.B, run func(b *testing.B, inProcess bool)) {
	b.Run("transport=http", func(b *testing.B) { run(b, false) })
	b.Run("transport=in-process", func(b *testing.B) { run(b, true) })
}
