package report

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/spec"
)

// synthOrg is an in-memory organization that serves list pages generated
// on demand, as the SDK clients would receive them, without holding the
// jobs: it measures the collector, not HTTP or a store.
type synthOrg struct {
	accounts   []string
	tiers      map[string]string // account → tier
	perAccount int               // resources per account
	jobsPerRes int               // backup jobs per resource in the window
	rpsPerRes  int               // recovery points per resource in the local vault
	window     Window
	monitoring string
	jobPages   atomic.Int64
	jobsServed atomic.Int64
}

func (o *synthOrg) arn(account string, i int) string {
	return "arn:aws:ec2:us-east-1:" + account + ":volume/vol-" + strconv.Itoa(i)
}

func (o *synthOrg) Backup(_ context.Context, account, region string) (BackupAPI, error) {
	return &synthBackup{org: o, account: account, region: region}, nil
}
func (o *synthOrg) KMS(context.Context, string, string) (KMSAPI, error) { return synthKMS{}, nil }
func (o *synthOrg) Tagging(_ context.Context, account, _ string) (TaggingAPI, error) {
	return &synthTagging{org: o, account: account}, nil
}
func (o *synthOrg) Config(context.Context, string, string) (ConfigAPI, error) {
	return synthConfig{}, nil
}

// synthConfig discovers nothing beyond what the Tagging API lists: every
// synthetic resource is tagged.
type synthConfig struct{}

func (synthConfig) DescribeConfigurationRecorders(context.Context, *awsconfig.DescribeConfigurationRecordersInput, ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecordersOutput, error) {
	return &awsconfig.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []configtypes.ConfigurationRecorder{{Name: aws.String("default")}}}, nil
}

func (synthConfig) DescribeConfigurationRecorderStatus(context.Context, *awsconfig.DescribeConfigurationRecorderStatusInput, ...func(*awsconfig.Options)) (*awsconfig.DescribeConfigurationRecorderStatusOutput, error) {
	return &awsconfig.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []configtypes.ConfigurationRecorderStatus{{Name: aws.String("default"), Recording: true}}}, nil
}

func (synthConfig) ListDiscoveredResources(context.Context, *awsconfig.ListDiscoveredResourcesInput, ...func(*awsconfig.Options)) (*awsconfig.ListDiscoveredResourcesOutput, error) {
	return &awsconfig.ListDiscoveredResourcesOutput{}, nil
}

func (o *synthOrg) Organizations(context.Context, string, string) (crossaccount.OrganizationsAPI, error) {
	return nil, fmt.Errorf("not used")
}

type synthBackup struct {
	org             *synthOrg
	account, region string
}

func page(token *string) int {
	if token == nil {
		return 0
	}
	n, _ := strconv.Atoi(*token)
	return n
}

func next(p, total, size int) *string {
	if (p+1)*size >= total {
		return nil
	}
	return aws.String(strconv.Itoa(p + 1))
}

func (b *synthBackup) ListBackupJobs(_ context.Context, in *awsbackup.ListBackupJobsInput, _ ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error) {
	o := b.org
	if b.account != o.monitoring || b.region != "us-east-1" {
		return &awsbackup.ListBackupJobsOutput{}, nil
	}
	size := int(aws.ToInt32(in.MaxResults))
	total := len(o.accounts) * o.perAccount * o.jobsPerRes
	p := page(in.NextToken)
	span := o.window.End.Sub(o.window.Start)
	jobs := make([]backuptypes.BackupJob, 0, size)
	for i := p * size; i < min((p+1)*size, total); i++ {
		res := i / o.jobsPerRes
		k := i % o.jobsPerRes
		account := o.accounts[res/o.perAccount]
		state := backuptypes.BackupJobStateCompleted
		if i%20 == 0 {
			state = backuptypes.BackupJobStateFailed
		}
		created := o.window.Start.Add(span / time.Duration(o.jobsPerRes+1) * time.Duration(k+1))
		jobs = append(jobs, backuptypes.BackupJob{
			AccountId:     aws.String(account),
			BackupJobId:   aws.String(strconv.Itoa(i)),
			ResourceArn:   aws.String(o.arn(account, res%o.perAccount)),
			ResourceType:  aws.String("EBS"),
			CreationDate:  aws.Time(created),
			State:         state,
			StatusMessage: aws.String("synthetic"),
		})
	}
	o.jobPages.Add(1)
	o.jobsServed.Add(int64(len(jobs)))
	return &awsbackup.ListBackupJobsOutput{BackupJobs: jobs, NextToken: next(p, total, size)}, nil
}

func (b *synthBackup) ListCopyJobs(context.Context, *awsbackup.ListCopyJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListCopyJobsOutput, error) {
	return &awsbackup.ListCopyJobsOutput{}, nil
}

func (b *synthBackup) ListRecoveryPointsByBackupVault(_ context.Context, in *awsbackup.ListRecoveryPointsByBackupVaultInput, _ ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error) {
	o := b.org
	if o.tiers[b.account] == "" {
		return &awsbackup.ListRecoveryPointsByBackupVaultOutput{}, nil
	}
	size := int(aws.ToInt32(in.MaxResults))
	total := o.perAccount * o.rpsPerRes
	p := page(in.NextToken)
	var rps []backuptypes.RecoveryPointByBackupVault
	for i := p * size; i < min((p+1)*size, total); i++ {
		rps = append(rps, backuptypes.RecoveryPointByBackupVault{
			RecoveryPointArn:  aws.String("rp-" + strconv.Itoa(i)),
			ResourceArn:       aws.String(o.arn(b.account, i/o.rpsPerRes)),
			ResourceType:      aws.String("EBS"),
			Status:            backuptypes.RecoveryPointStatusCompleted,
			CreationDate:      aws.Time(o.window.End.Add(-time.Duration(i%o.rpsPerRes+1) * 24 * time.Hour)),
			BackupSizeInBytes: aws.Int64(1 << 30),
		})
	}
	return &awsbackup.ListRecoveryPointsByBackupVaultOutput{RecoveryPoints: rps, NextToken: next(p, total, size)}, nil
}

func (b *synthBackup) ListProtectedResources(context.Context, *awsbackup.ListProtectedResourcesInput, ...func(*awsbackup.Options)) (*awsbackup.ListProtectedResourcesOutput, error) {
	return &awsbackup.ListProtectedResourcesOutput{}, nil
}

func (b *synthBackup) DescribeBackupVault(_ context.Context, in *awsbackup.DescribeBackupVaultInput, _ ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error) {
	return &awsbackup.DescribeBackupVaultOutput{BackupVaultName: in.BackupVaultName, Locked: aws.Bool(true),
		EncryptionKeyArn: aws.String("arn:aws:kms:us-east-1:" + b.account + ":key/k")}, nil
}

type synthKMS struct{}

func (synthKMS) DescribeKey(context.Context, *awskms.DescribeKeyInput, ...func(*awskms.Options)) (*awskms.DescribeKeyOutput, error) {
	return &awskms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyManager: kmstypes.KeyManagerTypeCustomer}}, nil
}

func (synthKMS) GetKeyRotationStatus(context.Context, *awskms.GetKeyRotationStatusInput, ...func(*awskms.Options)) (*awskms.GetKeyRotationStatusOutput, error) {
	return &awskms.GetKeyRotationStatusOutput{KeyRotationEnabled: true}, nil
}

type synthTagging struct {
	org     *synthOrg
	account string
}

func (t *synthTagging) GetResources(_ context.Context, in *awstagging.GetResourcesInput, _ ...func(*awstagging.Options)) (*awstagging.GetResourcesOutput, error) {
	o := t.org
	p := page(in.PaginationToken)
	const size = 100
	var out []taggingtypes.ResourceTagMapping
	for i := p * size; i < min((p+1)*size, o.perAccount); i++ {
		out = append(out, taggingtypes.ResourceTagMapping{
			ResourceARN: aws.String(o.arn(t.account, i)),
			Tags:        []taggingtypes.Tag{{Key: aws.String("backup-tier"), Value: aws.String(o.tiers[t.account])}},
		})
	}
	tok := next(p, o.perAccount, size)
	if tok == nil {
		tok = aws.String("")
	}
	return &awstagging.GetResourcesOutput{ResourceTagMappingList: out, PaginationToken: tok}, nil
}

// newSynthOrg builds an organization of n accounts under the example
// spec's OUs (60% production, 30% staging, 10% development).
func newSynthOrg(b *testing.B, n, perAccount, jobsPerRes int) (*spec.Spec, *synthOrg, *crossaccount.Topology) {
	sp, err := spec.Load("../examples/central-backup/backup.yaml")
	if err != nil {
		b.Fatal(err)
	}
	o := &synthOrg{tiers: map[string]string{}, perAccount: perAccount, jobsPerRes: jobsPerRes, rpsPerRes: 10,
		window: LastDays(time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), 30), monitoring: sp.Organization.BackupAccount}
	ous := []crossaccount.OU{{ID: "ou-prod", Name: "Production", Parent: "r-root"}, {ID: "ou-stage", Name: "Staging", Parent: "r-root"}, {ID: "ou-dev", Name: "Development", Parent: "r-root"}}
	var accounts []crossaccount.Account
	for i := range n {
		id := fmt.Sprintf("%012d", 100000000000+i)
		parent, tier := "ou-prod", "production"
		switch {
		case i%10 == 9:
			parent, tier = "ou-dev", "development"
		case i%10 >= 6:
			parent, tier = "ou-stage", "staging"
		}
		accounts = append(accounts, crossaccount.Account{ID: id, Name: "acct-" + strconv.Itoa(i), Parent: parent})
		o.accounts = append(o.accounts, id)
		o.tiers[id] = tier
	}
	topo, err := crossaccount.FromAccounts("o-bench00000", "r-root", "111111111111", ous, accounts)
	if err != nil {
		b.Fatal(err)
	}
	return sp, o, topo
}

// heapSampler records the largest HeapInuse seen while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) done() uint64 { close(h.stop); h.wg.Wait(); return h.peak.Load() }

// BenchmarkCollectEvaluate1MJobs collects and evaluates 1,000,000 backup
// jobs of 10,000 resources in 1,000 accounts (100 jobs per resource over
// 30 days) and 100,000 recovery points. Run with -benchtime=1x.
func BenchmarkCollectEvaluate1MJobs(b *testing.B) {
	sp, org, topo := newSynthOrg(b, 1000, 10, 100)
	runtime.GC()
	for b.Loop() {
		h := sampleHeap()
		start := time.Now()
		inv, err := Collect(context.Background(), sp, org, org.window, func(o *Options) { o.Topology = topo })
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Evaluate(sp, inv)
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		peak := h.done()
		if rep.Summary.JobsCompleted+rep.Summary.JobsFailed != 1_000_000 {
			b.Fatalf("evaluated %d jobs, want 1,000,000", rep.Summary.JobsCompleted+rep.Summary.JobsFailed)
		}
		b.ReportMetric(elapsed.Seconds(), "wall-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(len(rep.Resources)), "resources")
	}
}
