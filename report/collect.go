package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/spec"
)

// Defaults of Options.
const (
	DefaultConcurrency = 16
	// DefaultPageSize is the MaxResults of list calls: the largest
	// ListBackupJobs and ListCopyJobs accept (1-1000, AWS Backup API
	// Reference).
	DefaultPageSize = 1000
)

// Options configure Collect.
type Options struct {
	// MonitoringAccount is the account that lists backup and copy jobs
	// across the organization (ListBackupJobs and ListCopyJobs with
	// ByAccountId "*"). AWS allows this from the management account
	// ("If used from an Organizations management account, passing *
	// returns all jobs across the organization", ListBackupJobs) and
	// from a delegated administrator for cross-account monitoring
	// ("Managing AWS Backup resources across multiple AWS accounts",
	// AWS Backup Developer Guide). Default: the spec's backup account,
	// which orgbackup registers as delegated administrator.
	MonitoringAccount string
	// Topology is the organization; nil discovers it from the management
	// account (crossaccount.Discover).
	Topology *crossaccount.Topology
	// Concurrency bounds the accounts read at once. Default
	// DefaultConcurrency.
	Concurrency int
	// PageSize is the MaxResults of list calls. Default DefaultPageSize.
	PageSize int32
	// Logger receives progress lines. Default: discard.
	Logger *slog.Logger
}

func (o *Options) defaults(sp *spec.Spec) {
	if o.MonitoringAccount == "" {
		o.MonitoringAccount = sp.Organization.BackupAccount
	}
	if o.Concurrency < 1 {
		o.Concurrency = DefaultConcurrency
	}
	if o.PageSize < 1 || o.PageSize > DefaultPageSize {
		o.PageSize = DefaultPageSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Collect reads the organization's backup state over window through
// clients (read-only calls only):
//
//   - in each workload account and region: resources and tags (Tagging
//     GetResources), resources never tagged (AWS Config
//     ListDiscoveredResources), protected resources (ListProtectedResources), the
//     local vault's recovery points and posture (DescribeBackupVault,
//     KMS DescribeKey and GetKeyRotationStatus);
//   - in the backup account, in the primary and secondary regions: the
//     central vaults' recovery points and posture;
//   - from Options.MonitoringAccount, in every region of the spec: the
//     organization's backup and copy jobs created in the window.
//
// Pages are aggregated as they arrive, per resource and per account and
// day, so memory grows with accounts × resources, not with jobs. Note that
// ListBackupJobs returns the last 30 days of jobs; recovery points and
// ListProtectedResources supply the last backup beyond that.
//
// Failures to read one account are recorded in Inventory.Warnings and the
// collection goes on; failures to list jobs, or a cancelled ctx, are
// errors.
func Collect(ctx context.Context, sp *spec.Spec, clients Clients, window Window, optFns ...func(*Options)) (*Inventory, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	o.defaults(sp)
	if !window.Start.Before(window.End) {
		return nil, fmt.Errorf("collecting report data: window start %s is not before end %s", window.Start, window.End)
	}
	inv := NewInventory(window)
	topo := o.Topology
	if topo == nil {
		api, err := clients.Organizations(ctx, sp.Organization.ManagementAccount, sp.Organization.Regions.Primary)
		if err != nil {
			return nil, fmt.Errorf("discovering the organization: %w", err)
		}
		if topo, err = crossaccount.Discover(ctx, api); err != nil {
			return nil, fmt.Errorf("discovering the organization: %w", err)
		}
	}
	if err := workloadAccounts(sp, topo, inv); err != nil {
		return nil, err
	}

	c := &collector{sp: sp, clients: clients, opts: o, inv: inv}
	if err := c.accounts(ctx); err != nil {
		return nil, err
	}
	if err := c.central(ctx); err != nil {
		return nil, err
	}
	c.airGapped(ctx)
	for _, region := range sp.Regions() {
		if err := c.backupJobs(ctx, region); err != nil {
			return nil, err
		}
		if err := c.copyJobs(ctx, region); err != nil {
			return nil, err
		}
	}
	for _, r := range inv.Resources {
		r.Local.sort()
		r.Central.sort()
		r.Secondary.sort()
	}
	return inv, nil
}

// workloadAccounts maps every account of a tier to its tiers, by the
// spec's rule (spec.Spec.TierAccounts): the management and backup
// accounts hold no workloads of a tier.
func workloadAccounts(sp *spec.Spec, topo *crossaccount.Topology, inv *Inventory) error {
	byTier, err := sp.TierAccounts(topo)
	if err != nil {
		return fmt.Errorf("finding workload accounts: %w", err)
	}
	for _, name := range sp.TierNames() {
		for _, id := range byTier[name] {
			if !slices.Contains(inv.Accounts[id], name) {
				inv.Accounts[id] = append(inv.Accounts[id], name)
			}
		}
	}
	for _, a := range topo.Accounts() {
		if a.Name != "" {
			inv.AccountNames[a.ID] = a.Name
		}
	}
	return nil
}

type collector struct {
	sp      *spec.Spec
	clients Clients
	opts    Options
	inv     *Inventory
	mu      sync.Mutex // guards inv during the parallel reads
}

func (c *collector) warn(format string, args ...any) {
	c.mu.Lock()
	c.inv.Warnings = append(c.inv.Warnings, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// accounts reads every workload account and region in parallel. Each
// target's findings are merged under the lock as soon as it is done.
func (c *collector) accounts(ctx context.Context) error {
	targets := crossaccount.Targets(slices.Sorted(maps.Keys(c.inv.Accounts)), c.sp.WorkloadRegions())
	err := crossaccount.ForEach(ctx, c.opts.Concurrency, targets, func(ctx context.Context, t crossaccount.Target) error {
		if err := c.account(ctx, t.Account, t.Region); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.warn("%s/%s: %v", t.Account, t.Region, err)
			c.mu.Lock()
			c.inv.Unreadable[t.Account+"/"+t.Region] = err.Error()
			c.mu.Unlock()
		}
		return nil
	})
	sort.Strings(c.inv.Warnings)
	return err
}

// resourceTypes are the Tagging API resource type filters of the
// resources AWS Backup protects that the report knows, with the Backup
// resource type of each ("Supported AWS resources and third-party
// applications", AWS Backup Developer Guide; ARN formats from the Service
// Authorization Reference).
var resourceTypes = []struct{ filter, backupType, arnPart string }{
	{"ec2:instance", "EC2", ":instance/"},
	{"ec2:volume", "EBS", ":volume/"},
	{"rds:db", "RDS", ":db:"},
	{"rds:cluster", "Aurora", ":cluster:"},
	{"elasticfilesystem:file-system", "EFS", ":file-system/"},
	{"dynamodb:table", "DynamoDB", ":table/"},
	{"s3", "S3", ""},
}

// backupTypeOf returns the AWS Backup resource type of a resource ARN, or
// "" when it is not one the report knows.
func backupTypeOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	service, rest := parts[2], ":"+parts[5]
	for _, rt := range resourceTypes {
		if s, _, _ := strings.Cut(rt.filter, ":"); s != service {
			continue
		}
		if rt.arnPart == "" {
			return rt.backupType
		}
		if strings.HasPrefix(rest, rt.arnPart) {
			return rt.backupType
		}
	}
	return ""
}

// accountOf returns the account field of an ARN ("" for S3 buckets).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// regionOf returns the region field of an ARN.
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

func nameOf(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func (c *collector) account(ctx context.Context, account, region string) error {
	tg, err := c.clients.Tagging(ctx, account, region)
	if err != nil {
		return err
	}
	filters := make([]string, len(resourceTypes))
	for i, rt := range resourceTypes {
		filters[i] = rt.filter
	}
	p := awstagging.NewGetResourcesPaginator(tg, &awstagging.GetResourcesInput{ResourceTypeFilters: filters})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing tagged resources: %w", err)
		}
		c.mu.Lock()
		for _, m := range page.ResourceTagMappingList {
			arn := aws.ToString(m.ResourceARN)
			typ := backupTypeOf(arn)
			if typ == "" {
				continue
			}
			r := c.inv.resource(arn, account, region, typ, nameOf(arn))
			r.Tagged = true
			if r.Tags == nil {
				r.Tags = make(map[string]string, len(m.Tags))
			}
			for _, t := range m.Tags {
				r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
		c.mu.Unlock()
	}
	if err := c.untaggedInventory(ctx, account, region); err != nil {
		// Fail closed: without the inventory, resources that were never
		// tagged cannot be ruled out.
		return fmt.Errorf("listing untagged resources: %w", err)
	}

	bk, err := c.clients.Backup(ctx, account, region)
	if err != nil {
		return err
	}
	pp := awsbackup.NewListProtectedResourcesPaginator(bk, &awsbackup.ListProtectedResourcesInput{MaxResults: aws.Int32(c.opts.PageSize)})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing protected resources: %w", err)
		}
		c.mu.Lock()
		for _, pr := range page.Results {
			arn := aws.ToString(pr.ResourceArn)
			r := c.inv.resource(arn, account, region, aws.ToString(pr.ResourceType), aws.ToString(pr.ResourceName))
			if t := aws.ToTime(pr.LastBackupTime); !t.After(c.inv.Window.End) {
				r.LastProtected = later(r.LastProtected, t)
				r.Local.add(c.inv.Window, t, t)
			}
		}
		c.mu.Unlock()
	}

	if err := c.regionSettings(ctx, bk, account, region); err != nil {
		c.warn("%s/%s: %v", account, region, err)
	}
	vault := c.vault(ctx, bk, "local", account, region, c.sp.Local.Vault)
	c.mu.Lock()
	c.inv.Vaults = append(c.inv.Vaults, vault)
	c.mu.Unlock()
	if !vault.Exists {
		return nil
	}
	if err := c.recoveryPoints(ctx, bk, account, region, c.sp.Local.Vault, "local"); err != nil {
		return err
	}
	return c.sourceKeys(ctx, account, region)
}

// central reads the backup account's central vaults.
func (c *collector) central(ctx context.Context) error {
	account := c.sp.Organization.BackupAccount
	return crossaccount.ForEach(ctx, c.opts.Concurrency, c.sp.CentralRegions(), func(ctx context.Context, region string) error {
		bk, err := c.clients.Backup(ctx, account, region)
		if err == nil {
			vault := c.vault(ctx, bk, "central", account, region, c.sp.Central.Vault)
			c.mu.Lock()
			c.inv.Vaults = append(c.inv.Vaults, vault)
			c.mu.Unlock()
			if !vault.Exists {
				return nil
			}
			role := "central"
			if region != c.sp.Organization.Regions.Primary {
				role = "secondary"
			}
			err = c.recoveryPoints(ctx, bk, account, region, c.sp.Central.Vault, role)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.warn("%s/%s: central vault: %v", account, region, err)
		}
		return nil
	})
}

// vault describes a vault and its key.
func (c *collector) vault(ctx context.Context, bk BackupAPI, role, account, region, name string) VaultData {
	v := VaultData{Role: role, Account: account, Region: region, Name: name}
	out, err := bk.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if err != nil {
		var nf *backuptypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			v.Error = fmt.Sprintf("describing vault: %v", err)
		}
		return v
	}
	v.Exists = true
	v.Locked = aws.ToBool(out.Locked)
	v.MinRetentionDays = aws.ToInt64(out.MinRetentionDays)
	v.MaxRetentionDays = aws.ToInt64(out.MaxRetentionDays)
	if out.LockDate != nil {
		t := out.LockDate.UTC()
		v.LockDate = &t
	}
	v.KeyARN = aws.ToString(out.EncryptionKeyArn)
	if v.KeyARN == "" {
		return v
	}
	km, err := c.clients.KMS(ctx, account, region)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	key, err := km.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(v.KeyARN)})
	if err != nil {
		v.Error = fmt.Sprintf("describing key %s: %v", v.KeyARN, err)
		return v
	}
	if key.KeyMetadata != nil {
		v.KeyManager = string(key.KeyMetadata.KeyManager)
	}
	// Rotation of AWS managed keys is automatic and yearly, and
	// GetKeyRotationStatus is for customer managed keys ("Rotate AWS KMS
	// keys", AWS KMS Developer Guide).
	if v.KeyManager != string(kmstypes.KeyManagerTypeCustomer) {
		v.KeyRotation = v.KeyManager == string(kmstypes.KeyManagerTypeAws)
		return v
	}
	rot, err := km.GetKeyRotationStatus(ctx, &awskms.GetKeyRotationStatusInput{KeyId: aws.String(v.KeyARN)})
	if err != nil {
		v.Error = fmt.Sprintf("getting rotation status of key %s: %v", v.KeyARN, err)
		return v
	}
	v.KeyRotation = rot.KeyRotationEnabled
	return v
}

// recoveryPoints aggregates a vault's recovery points per source resource.
func (c *collector) recoveryPoints(ctx context.Context, bk BackupAPI, account, region, vault, role string) error {
	end := c.inv.Window.End
	p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(bk, &awsbackup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(vault),
		MaxResults:      aws.Int32(c.opts.PageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing recovery points of vault %q: %w", vault, err)
		}
		c.mu.Lock()
		for _, rp := range page.RecoveryPoints {
			created := aws.ToTime(rp.CreationDate)
			if created.After(end) {
				continue
			}
			arn := aws.ToString(rp.ResourceArn)
			rAccount, rRegion := account, region
			if role != "local" {
				rAccount, rRegion = accountOf(arn), regionOf(arn)
			}
			r := c.inv.resource(arn, rAccount, rRegion, aws.ToString(rp.ResourceType), aws.ToString(rp.ResourceName))
			size := aws.ToInt64(rp.BackupSizeInBytes)
			cold := false
			if lc := rp.CalculatedLifecycle; lc != nil && lc.MoveToColdStorageAt != nil {
				cold = !lc.MoveToColdStorageAt.After(end)
			}
			// Only a COMPLETED recovery point can be restored; PARTIAL,
			// EXPIRED and DELETING ones cannot be relied on
			// (RecoveryPointByBackupVault Status, AWS Backup API
			// Reference).
			good := rp.Status == backuptypes.RecoveryPointStatusCompleted
			ready := aws.ToTime(rp.CompletionDate)
			switch role {
			case "local":
				c.noteKeyLocked(arn, aws.ToString(rp.EncryptionKeyArn))
				addBytes(&r.LocalWarm, &r.LocalCold, size, cold)
				if good {
					r.LastRecoveryPoint = later(r.LastRecoveryPoint, created)
					r.Local.add(c.inv.Window, created, ready)
				}
			case "central":
				addBytes(&r.CentralWarm, &r.CentralCold, size, cold)
				if good {
					r.LastCentralCopy = later(r.LastCentralCopy, created)
					r.Central.add(c.inv.Window, created, ready)
				}
			default:
				addBytes(&r.SecondaryWarm, &r.SecondaryCold, size, cold)
				if good {
					r.LastSecondaryCopy = later(r.LastSecondaryCopy, created)
					r.Secondary.add(c.inv.Window, created, ready)
				}
			}
		}
		c.mu.Unlock()
	}
	return nil
}

func addBytes(warm, cold *int64, n int64, isCold bool) {
	if isCold {
		*cold += n
	} else {
		*warm += n
	}
}

// inWindow reports whether t is in [Start, End).
func (w Window) contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// backupJobs streams the organization's backup jobs in region.
func (c *collector) backupJobs(ctx context.Context, region string) error {
	bk, err := c.clients.Backup(ctx, c.opts.MonitoringAccount, region)
	if err != nil {
		return fmt.Errorf("listing backup jobs in %s: %w", region, err)
	}
	w := c.inv.Window
	p := awsbackup.NewListBackupJobsPaginator(bk, &awsbackup.ListBackupJobsInput{
		ByAccountId:     aws.String("*"),
		ByCreatedAfter:  aws.Time(w.Start.Add(-time.Second)),
		ByCreatedBefore: aws.Time(w.End.Add(time.Second)),
		MaxResults:      aws.Int32(c.opts.PageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing backup jobs in %s from %s: %w", region, c.opts.MonitoringAccount, err)
		}
		for i := range page.BackupJobs {
			c.inv.addBackupJob(region, &page.BackupJobs[i])
		}
	}
	return nil
}

// addBackupJob aggregates one backup job.
func (inv *Inventory) addBackupJob(region string, j *backuptypes.BackupJob) {
	created := aws.ToTime(j.CreationDate)
	if !inv.Window.contains(created) {
		return
	}
	account := aws.ToString(j.AccountId)
	arn := aws.ToString(j.ResourceArn)
	r := inv.resource(arn, account, region, aws.ToString(j.ResourceType), aws.ToString(j.ResourceName))
	day := inv.day(account, inv.Window.dayIndex(created))
	if r.FirstJob.IsZero() || created.Before(r.FirstJob) {
		r.FirstJob = created
	}
	switch j.State {
	case backuptypes.BackupJobStateCompleted:
		r.JobsCompleted++
		r.LastJobSuccess = later(r.LastJobSuccess, created)
		r.Local.add(inv.Window, created, aws.ToTime(j.CompletionDate))
		if day != nil {
			day.Completed++
		}
	case backuptypes.BackupJobStateFailed, backuptypes.BackupJobStateExpired,
		backuptypes.BackupJobStateAborted, backuptypes.BackupJobStatePartial:
		r.JobsFailed++
		msg := aws.ToString(j.StatusMessage)
		if !created.Before(r.LastFailure) {
			r.LastFailure = created
			r.LastFailureState = string(j.State)
			r.LastFailureMessage = msg
		}
		r.failures = append(r.failures, created.Unix())
		inv.addFailure(account, arn, string(j.State), msg, aws.ToString(j.IamRoleArn), created)
		if day != nil {
			day.Failed++
		}
	default:
		r.JobsRunning++
		if day != nil {
			day.Running++
		}
	}
}

// copyJobs streams the organization's copy jobs in region.
func (c *collector) copyJobs(ctx context.Context, region string) error {
	bk, err := c.clients.Backup(ctx, c.opts.MonitoringAccount, region)
	if err != nil {
		return fmt.Errorf("listing copy jobs in %s: %w", region, err)
	}
	w := c.inv.Window
	central := c.sp.CentralVaultARN(c.sp.Organization.Regions.Primary)
	secondary := ""
	if c.sp.Organization.Regions.Secondary != "" {
		secondary = c.sp.CentralVaultARN(c.sp.Organization.Regions.Secondary)
	}
	p := awsbackup.NewListCopyJobsPaginator(bk, &awsbackup.ListCopyJobsInput{
		ByAccountId:     aws.String("*"),
		ByCreatedAfter:  aws.Time(w.Start.Add(-time.Second)),
		ByCreatedBefore: aws.Time(w.End.Add(time.Second)),
		MaxResults:      aws.Int32(c.opts.PageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing copy jobs in %s from %s: %w", region, c.opts.MonitoringAccount, err)
		}
		for i := range page.CopyJobs {
			c.inv.addCopyJob(region, central, secondary, &page.CopyJobs[i])
		}
	}
	return nil
}

// addCopyJob aggregates one copy job into its source resource.
func (inv *Inventory) addCopyJob(region, central, secondary string, j *backuptypes.CopyJob) {
	created := aws.ToTime(j.CreationDate)
	if !inv.Window.contains(created) {
		return
	}
	dest := aws.ToString(j.DestinationBackupVaultArn)
	if dest != central && dest != secondary {
		return
	}
	arn := aws.ToString(j.ResourceArn)
	account := accountOf(arn)
	if account == "" {
		account = aws.ToString(j.AccountId)
	}
	r := inv.resource(arn, account, region, aws.ToString(j.ResourceType), aws.ToString(j.ResourceName))
	switch j.State {
	case backuptypes.CopyJobStateCompleted:
		r.CopiesCompleted++
		done := aws.ToTime(j.CompletionDate)
		if done.IsZero() || done.After(inv.Window.End) {
			done = created
		}
		if dest == central {
			r.LastCentralCopy = later(r.LastCentralCopy, done)
			r.Central.add(inv.Window, created, done)
		} else {
			r.LastSecondaryCopy = later(r.LastSecondaryCopy, done)
			r.Secondary.add(inv.Window, created, done)
		}
	case backuptypes.CopyJobStateFailed, backuptypes.CopyJobStatePartial:
		r.CopiesFailed++
		r.LastCopyFailureMessage = aws.ToString(j.StatusMessage)
	}
}
