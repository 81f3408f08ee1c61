// Package recovery restores what orgbackup protects and proves that it can:
// one resource from a chosen vault into its own or a recovery account and
// Region (Restore), drills across the organization with measured recovery
// times (Drill), and the tiers' recovery runbooks (Runbook).
package recovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	awsrgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	rgttypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/policy"
	"github.com/orgbackup/orgbackup/spec"
)

// Vaults a restore reads from.
const (
	// FromLocal is the workload account's own vault, in the resource's
	// Region.
	FromLocal = spec.RestoreVaultLocal
	// FromCentral is the backup account's central vault in the primary
	// Region.
	FromCentral = spec.RestoreVaultCentral
	// FromSecondary is the backup account's central vault in the
	// secondary (DR) Region.
	FromSecondary = spec.RestoreVaultSecondary
)

// DefaultRecoveryVault is the vault Restore creates in a target account
// that has none to receive copies of recovery points.
const DefaultRecoveryVault = "orgbackup-recovery"

// Request says what to restore, from where, and to where.
type Request struct {
	// ResourceARN is the resource to restore. Or TagKey and TagValue
	// name exactly one resource of Account (in any workload Region).
	ResourceARN               string
	TagKey, TagValue, Account string
	// From is the vault: FromLocal (default), FromCentral, FromSecondary.
	From string
	// RecoveryPointARN pins the recovery point (of the From vault);
	// default the newest completed one.
	RecoveryPointARN string
	// TargetAccount is where the resource is restored. Default: the
	// resource's own account.
	TargetAccount string
	// TargetRegion is the Region it is restored in. Default: the
	// resource's own Region.
	TargetRegion string
	// Name names the restored resource where its type takes a name (RDS
	// and Aurora identifiers, DynamoDB tables, S3 buckets). Default: the
	// source's name with "-restored-YYYYMMDDHHMM".
	Name string
	// Metadata overrides restore metadata keys for this restore.
	Metadata map[string]string
}

// Step is a stage of a restore, reported to Options.Progress.
type Step string

// Steps of a restore.
const (
	StepLocate  Step = "locate"
	StepPrepare Step = "prepare"
	StepCopy    Step = "copy"
	StepRestore Step = "restore"
	StepDone    Step = "done"
)

// Progress is one report of a restore in flight.
type Progress struct {
	Step Step
	// Job is the copy or restore job's ID; Status and Percent its state.
	Job, Status, Percent string
	// Elapsed is the time since the restore started.
	Elapsed time.Duration
	// Message says what happens, for people.
	Message string
}

// Options configure a Restorer.
type Options struct {
	// Now returns the current time. Default time.Now; against the
	// emulator, its virtual clock.
	Now func() time.Time
	// Sleep waits d or until ctx is done. Default: a timer. Against the
	// emulator, advancing its clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// PollInterval is the time between status reads. Default 30s.
	PollInterval time.Duration
	// Progress, if set, receives each status read.
	Progress func(Progress)
	// RecoveryVault is the vault copies are received in, in a target
	// account that is not the source's. Default DefaultRecoveryVault.
	RecoveryVault string
	// Metadata overrides restore metadata per resource type (e.g. "RDS":
	// {"DBInstanceClass": "db.t3.small"}), before Request.Metadata.
	Metadata map[string]map[string]string
	// Timeout bounds each wait for a job. Default 24h.
	Timeout time.Duration
}

// Result is a completed restore.
type Result struct {
	// Source is the restored resource's ARN; ResourceType its AWS Backup
	// type.
	Source, ResourceType string
	// RecoveryPoint is the recovery point restored from, in Vault.
	RecoveryPoint, Vault string
	// Copies are the recovery points copied on the way, in order.
	Copies []string
	// Account and Region are where the resource was restored; Restored
	// its ARN; JobID the restore job.
	Account, Region, Restored, JobID string
	// Started and Finished bound the whole restore (copies included);
	// Duration is Finished-Started, CopyDuration the part spent copying.
	Started, Finished      time.Time
	Duration, CopyDuration time.Duration
}

// Restorer restores resources of an organization set up by a spec.
type Restorer struct {
	sp   *spec.Spec
	src  crossaccount.ConfigSource
	opts Options
}

// NewRestorer returns a Restorer working through src (credentials per
// account and Region).
func NewRestorer(sp *spec.Spec, src crossaccount.ConfigSource, optFns ...func(*Options)) *Restorer {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.RecoveryVault == "" {
		o.RecoveryVault = DefaultRecoveryVault
	}
	if o.Timeout <= 0 {
		o.Timeout = 24 * time.Hour
	}
	return &Restorer{sp: sp, src: src, opts: o}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ExistsError is returned when the restore would overwrite an existing
// resource.
type ExistsError struct{ ARN string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists: a restore never overwrites a resource; choose another name", e.ARN)
}

// location is a vault in an account and Region.
type location struct{ account, region, vault string }

func (l location) arn() string { return policy.NewVaultARN(l.region, l.account, l.vault) }

// Restore restores one resource as req says, copying its recovery point
// into the target account and Region first when it is elsewhere, and
// waits until the restored resource exists.
//
// AWS Backup restores a recovery point only in the account and Region
// whose vault holds it: a copy held in another account is copied back
// into the account that restores it first ("If your original backup is
// inadvertently deleted, you can copy the backup from its destination
// account to its source account, and then start the restore", "Creating
// backup copies across AWS accounts", AWS Backup Developer Guide,
// https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html),
// and a copy in another Region is copied into the Region ("Creating
// backup copies across AWS Regions"). The same page says some resource
// types (RDS, Aurora, Neptune, DocumentDB) cannot be copied across
// accounts and Regions in one copy job, so Restore always makes two
// hops when both differ: across accounts in the source Region, then
// across Regions in the target account.
func (r *Restorer) Restore(ctx context.Context, req Request) (*Result, error) {
	start := r.opts.Now()
	res := &Result{Started: start}
	report := func(p Progress) {
		if r.opts.Progress != nil {
			p.Elapsed = r.opts.Now().Sub(start)
			r.opts.Progress(p)
		}
	}
	source, err := r.locate(ctx, req)
	if err != nil {
		return nil, err
	}
	res.Source = source
	_, srcRegion, srcAccount, _, _ := splitARN(source)
	from, err := r.vaultOf(req.From, srcAccount, srcRegion)
	if err != nil {
		return nil, err
	}
	target := location{account: req.TargetAccount, region: req.TargetRegion}
	if target.account == "" {
		target.account = srcAccount
	}
	if target.region == "" {
		target.region = srcRegion
	}
	fromAPI, err := r.backupAPI(ctx, from.account, from.region)
	if err != nil {
		return nil, err
	}
	rp, err := r.recoveryPoint(ctx, fromAPI, from, source, req.RecoveryPointARN)
	if err != nil {
		return nil, err
	}
	res.RecoveryPoint, res.Vault, res.ResourceType = aws.ToString(rp.RecoveryPointArn), from.arn(), aws.ToString(rp.ResourceType)
	report(Progress{Step: StepLocate, Message: fmt.Sprintf("restoring %s from %s (recovery point %s of %s)", source, from.arn(), res.RecoveryPoint, aws.ToTime(rp.CreationDate).UTC().Format(time.RFC3339))})

	targetAPI, err := r.backupAPI(ctx, target.account, target.region)
	if err != nil {
		return nil, err
	}
	role := policy.NewRoleARN(target.account, r.sp.Local.BackupRole)
	name := req.Name
	if name == "" {
		name = restoredName(source, start)
	}
	if err := r.refuseOverwrite(ctx, target, res.ResourceType, name, req.Metadata); err != nil {
		return nil, err
	}

	// Copy back: across accounts in the vault's Region, then across
	// Regions in the target account.
	here := from
	rpARN := res.RecoveryPoint
	copyStart := r.opts.Now()
	hops := []location{}
	if here.account != target.account {
		hops = append(hops, location{account: target.account, region: here.region})
	}
	if here.region != target.region {
		hops = append(hops, location{account: target.account, region: target.region})
	}
	for _, to := range hops {
		to.vault, err = r.receivingVault(ctx, to, from)
		if err != nil {
			return nil, err
		}
		report(Progress{Step: StepPrepare, Message: fmt.Sprintf("copying into %s", to.arn())})
		api, err := r.backupAPI(ctx, here.account, here.region)
		if err != nil {
			return nil, err
		}
		rpARN, err = r.copy(ctx, api, here, to, rpARN, report)
		if err != nil {
			return nil, err
		}
		res.Copies = append(res.Copies, rpARN)
		here = to
	}
	res.CopyDuration = r.opts.Now().Sub(copyStart)

	md, err := r.metadata(ctx, targetAPI, here, rpARN, res.ResourceType, name, req.Metadata)
	if err != nil {
		return nil, err
	}
	out, err := targetAPI.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{
		RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(role), Metadata: md,
		ResourceType: aws.String(res.ResourceType), IdempotencyToken: aws.String(res.RecoveryPoint + "|" + target.account + "|" + target.region + "|" + name),
	})
	if err != nil {
		return nil, fmt.Errorf("starting the restore of %s in %s/%s: %w", rpARN, target.account, target.region, err)
	}
	res.JobID = aws.ToString(out.RestoreJobId)
	job, err := r.waitRestore(ctx, targetAPI, res.JobID, report)
	if err != nil {
		return nil, err
	}
	res.Account, res.Region, res.Restored = target.account, target.region, aws.ToString(job.CreatedResourceArn)
	res.Finished = r.opts.Now()
	res.Duration = res.Finished.Sub(start)
	report(Progress{Step: StepDone, Job: res.JobID, Status: string(job.Status), Message: fmt.Sprintf("restored %s in %s", res.Restored, res.Duration)})
	return res, nil
}

// vaultOf returns the vault kind from means for a resource of account and
// region.
func (r *Restorer) vaultOf(from, account, region string) (location, error) {
	org := r.sp.Organization
	switch from {
	case "", FromLocal:
		return location{account: account, region: region, vault: r.sp.Local.Vault}, nil
	case FromCentral:
		return location{account: org.BackupAccount, region: org.Regions.Primary, vault: r.sp.Central.Vault}, nil
	case FromSecondary:
		if org.Regions.Secondary == "" {
			return location{}, errors.New("the spec has no secondary region: there is no secondary vault to restore from")
		}
		return location{account: org.BackupAccount, region: org.Regions.Secondary, vault: r.sp.Central.Vault}, nil
	}
	return location{}, fmt.Errorf("unknown vault %q: use local, central or secondary", from)
}

func (r *Restorer) backupAPI(ctx context.Context, account, region string) (*awsbackup.Client, error) {
	cfg, err := r.src.Config(ctx, account, region)
	if err != nil {
		return nil, fmt.Errorf("getting credentials for %s in %s: %w", account, region, err)
	}
	return awsbackup.NewFromConfig(cfg), nil
}

// locate returns the ARN of the resource req names.
func (r *Restorer) locate(ctx context.Context, req Request) (string, error) {
	if req.ResourceARN != "" {
		if _, _, account, _, ok := splitARN(req.ResourceARN); !ok || (account == "" && !strings.HasPrefix(req.ResourceARN, "arn:aws:s3:::")) {
			return "", fmt.Errorf("%q is not a resource ARN", req.ResourceARN)
		}
		return req.ResourceARN, nil
	}
	if req.TagKey == "" || req.Account == "" {
		return "", errors.New("name the resource by ARN, or by tag (key and value) and account")
	}
	var found []string
	for _, region := range r.sp.WorkloadRegions() {
		cfg, err := r.src.Config(ctx, req.Account, region)
		if err != nil {
			return "", fmt.Errorf("getting credentials for %s in %s: %w", req.Account, region, err)
		}
		pg := awsrgt.NewGetResourcesPaginator(awsrgt.NewFromConfig(cfg), &awsrgt.GetResourcesInput{
			TagFilters: []rgttypes.TagFilter{{Key: aws.String(req.TagKey), Values: []string{req.TagValue}}},
		})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("finding resources tagged %s=%s in %s/%s: %w", req.TagKey, req.TagValue, req.Account, region, err)
			}
			for _, m := range page.ResourceTagMappingList {
				if arn := aws.ToString(m.ResourceARN); backupType(arn) != "" {
					found = append(found, arn)
				}
			}
		}
	}
	slices.Sort(found)
	found = slices.Compact(found)
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no resource of account %s is tagged %s=%s", req.Account, req.TagKey, req.TagValue)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%d resources of account %s are tagged %s=%s (%s); name one by ARN", len(found), req.Account, req.TagKey, req.TagValue, strings.Join(found, ", "))
}

// recoveryPoint returns the recovery point of source in vault at: pinned,
// or the newest completed one.
func (r *Restorer) recoveryPoint(ctx context.Context, api *awsbackup.Client, at location, source, pinned string) (*backuptypes.RecoveryPointByBackupVault, error) {
	var best *backuptypes.RecoveryPointByBackupVault
	pg := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, &awsbackup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(at.vault), ByResourceArn: aws.String(source),
	})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing recovery points of %s in %s: %w", source, at.arn(), err)
		}
		for i := range page.RecoveryPoints {
			rp := &page.RecoveryPoints[i]
			if pinned != "" {
				if aws.ToString(rp.RecoveryPointArn) == pinned {
					return rp, nil
				}
				continue
			}
			if rp.Status != backuptypes.RecoveryPointStatusCompleted {
				continue
			}
			if best == nil || aws.ToTime(rp.CreationDate).After(aws.ToTime(best.CreationDate)) {
				best = rp
			}
		}
	}
	if pinned != "" {
		return nil, fmt.Errorf("recovery point %s of %s is not in %s", pinned, source, at.arn())
	}
	if best == nil {
		return nil, fmt.Errorf("%s has no completed recovery point of %s", at.arn(), source)
	}
	return best, nil
}

// receivingVault returns the vault of to that receives a copy: the
// spec's vault of the same kind where the account has one (the local
// vault of a workload account, the central vault of the backup account),
// else the recovery vault, created if missing.
func (r *Restorer) receivingVault(ctx context.Context, to, from location) (string, error) {
	api, err := r.backupAPI(ctx, to.account, to.region)
	if err != nil {
		return "", err
	}
	candidates := []string{r.sp.Local.Vault, r.opts.RecoveryVault}
	if to.account == r.sp.Organization.BackupAccount {
		candidates = []string{r.sp.Central.Vault, r.opts.RecoveryVault}
	}
	for _, name := range candidates {
		_, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
		var nf *backuptypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("reading backup vault %s in %s/%s: %w", name, to.account, to.region, err)
		}
		if name == r.opts.RecoveryVault || to.account == from.account {
			return name, nil
		}
		// A vault orgbackup manages keeps its access policy; copies from
		// another account need the recovery vault's.
	}
	if err := r.ensureRecoveryVault(ctx, api, to, from.account); err != nil {
		return "", err
	}
	return r.opts.RecoveryVault, nil
}

// copy copies rpARN from here to to and waits; it returns the copy's ARN.
func (r *Restorer) copy(ctx context.Context, api *awsbackup.Client, here, to location, rpARN string, report func(Progress)) (string, error) {
	out, err := api.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		RecoveryPointArn: aws.String(rpARN), SourceBackupVaultName: aws.String(here.vault),
		DestinationBackupVaultArn: aws.String(to.arn()), IamRoleArn: aws.String(policy.NewRoleARN(here.account, r.sp.Local.BackupRole)),
		IdempotencyToken: aws.String(rpARN + "|" + to.arn()),
	})
	if err != nil {
		return "", fmt.Errorf("copying %s into %s: %w", rpARN, to.arn(), err)
	}
	id := aws.ToString(out.CopyJobId)
	deadline := r.opts.Now().Add(r.opts.Timeout)
	for {
		d, err := api.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: aws.String(id)})
		if err != nil {
			return "", fmt.Errorf("reading copy job %s: %w", id, err)
		}
		j := d.CopyJob
		report(Progress{Step: StepCopy, Job: id, Status: string(j.State), Message: fmt.Sprintf("copy %s → %s", here.arn(), to.arn())})
		switch j.State {
		case backuptypes.CopyJobStateCompleted:
			return aws.ToString(j.DestinationRecoveryPointArn), nil
		case backuptypes.CopyJobStateFailed, backuptypes.CopyJobStatePartial:
			return "", fmt.Errorf("copy job %s into %s %s: %s", id, to.arn(), j.State, aws.ToString(j.StatusMessage))
		}
		if r.opts.Now().After(deadline) {
			return "", fmt.Errorf("copy job %s still %s after %s", id, j.State, r.opts.Timeout)
		}
		if err := r.opts.Sleep(ctx, r.opts.PollInterval); err != nil {
			return "", err
		}
	}
}

// waitRestore waits for a restore job to complete.
func (r *Restorer) waitRestore(ctx context.Context, api *awsbackup.Client, id string, report func(Progress)) (*awsbackup.DescribeRestoreJobOutput, error) {
	deadline := r.opts.Now().Add(r.opts.Timeout)
	for {
		j, err := api.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("reading restore job %s: %w", id, err)
		}
		report(Progress{Step: StepRestore, Job: id, Status: string(j.Status), Percent: aws.ToString(j.PercentDone)})
		switch j.Status {
		case backuptypes.RestoreJobStatusCompleted:
			return j, nil
		case backuptypes.RestoreJobStatusFailed, backuptypes.RestoreJobStatusAborted:
			return nil, &JobError{JobID: id, Status: string(j.Status), Message: aws.ToString(j.StatusMessage)}
		}
		if r.opts.Now().After(deadline) {
			return nil, fmt.Errorf("restore job %s still %s after %s", id, j.Status, r.opts.Timeout)
		}
		if err := r.opts.Sleep(ctx, r.opts.PollInterval); err != nil {
			return nil, err
		}
	}
}

// JobError is a restore job that failed, with AWS's message.
type JobError struct{ JobID, Status, Message string }

func (e *JobError) Error() string {
	return fmt.Sprintf("restore job %s %s: %s", e.JobID, e.Status, e.Message)
}

// metadata is the restore metadata of rpARN: what AWS Backup returns for
// it, a new resource with name, then the type's overrides and the
// request's.
func (r *Restorer) metadata(ctx context.Context, api *awsbackup.Client, at location, rpARN, typ, name string, extra map[string]string) (map[string]string, error) {
	out, err := api.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{
		BackupVaultName: aws.String(at.vault), RecoveryPointArn: aws.String(rpARN),
	})
	if err != nil {
		return nil, fmt.Errorf("reading the restore metadata of %s: %w", rpARN, err)
	}
	md := maps.Clone(out.RestoreMetadata)
	if md == nil {
		md = map[string]string{}
	}
	for k, v := range newResourceMetadata(typ, name) {
		setFold(md, k, v)
	}
	for _, over := range []map[string]string{r.opts.Metadata[typ], extra} {
		for _, k := range slices.Sorted(maps.Keys(over)) {
			setFold(md, k, over[k])
		}
	}
	if typ == "EFS" && strings.EqualFold(getFold(md, "newFileSystem"), "false") {
		return nil, errors.New("newFileSystem false restores into an existing file system: a restore never overwrites a resource")
	}
	return md, nil
}

// newResourceMetadata makes a restore create a new resource named name
// ("Restore metadata" of each type, AWS Backup Developer Guide).
func newResourceMetadata(typ, name string) map[string]string {
	switch typ {
	case "RDS":
		return map[string]string{"DBInstanceIdentifier": name}
	case "Aurora":
		return map[string]string{"DBClusterIdentifier": name}
	case "DynamoDB":
		return map[string]string{"targetTableName": name}
	case "S3":
		return map[string]string{"DestinationBucketName": name, "NewBucket": "true"}
	case "EFS":
		return map[string]string{"newFileSystem": "true", "CreationToken": name}
	}
	return nil
}

// setFold sets key, replacing a key equal under case folding: restore
// metadata keys are not case sensitive (RestoreMetadataOverrides).
func setFold(md map[string]string, key, value string) {
	for k := range md {
		if strings.EqualFold(k, key) {
			delete(md, k)
		}
	}
	md[key] = value
}

func getFold(md map[string]string, key string) string {
	for k, v := range md {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// restoredName is the default name of a restored resource: the source's
// with the restore's minute, within RDS's 63 characters.
func restoredName(source string, at time.Time) string {
	id := resourceID(source)
	suffix := "-restored-" + at.UTC().Format("200601021504")
	if len(id)+len(suffix) > 63 {
		id = id[:63-len(suffix)]
	}
	return strings.ToLower(id) + suffix
}

// refuseOverwrite fails when the resource a named restore creates exists.
func (r *Restorer) refuseOverwrite(ctx context.Context, target location, typ, name string, extra map[string]string) error {
	for k, v := range extra {
		switch strings.ToLower(k) {
		case "dbinstanceidentifier", "dbclusteridentifier", "targettablename", "destinationbucketname":
			name = v
		}
	}
	arn := namedARN(typ, target.account, target.region, name)
	if arn == "" {
		return nil
	}
	cfg, err := r.src.Config(ctx, target.account, target.region)
	if err != nil {
		return fmt.Errorf("getting credentials for %s in %s: %w", target.account, target.region, err)
	}
	out, err := awsrgt.NewFromConfig(cfg).GetResources(ctx, &awsrgt.GetResourcesInput{ResourceARNList: []string{arn}})
	if err != nil {
		return fmt.Errorf("checking whether %s exists: %w", arn, err)
	}
	if len(out.ResourceTagMappingList) > 0 {
		return &ExistsError{ARN: arn}
	}
	return nil
}

// namedARN is the ARN of the resource a restore of typ named name
// creates, "" for types whose restores create new IDs.
func namedARN(typ, account, region, name string) string {
	switch typ {
	case "RDS":
		return "arn:aws:rds:" + region + ":" + account + ":db:" + name
	case "Aurora":
		return "arn:aws:rds:" + region + ":" + account + ":cluster:" + name
	case "DynamoDB":
		return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name
	case "S3":
		return "arn:aws:s3:::" + name
	}
	return ""
}

// splitARN returns an ARN's service, Region, account and resource.
func splitARN(arn string) (service, region, account, resource string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", "", "", false
	}
	return parts[2], parts[3], parts[4], parts[5], true
}

// resourceID is the last part of an ARN's resource.
func resourceID(arn string) string {
	_, _, _, res, _ := splitARN(arn)
	if i := strings.LastIndexAny(res, "/:"); i >= 0 {
		return res[i+1:]
	}
	return res
}

// backupType returns the AWS Backup resource type of an ARN, "" if AWS
// Backup does not protect it.
func backupType(arn string) string {
	svc, _, _, res, _ := splitARN(arn)
	switch {
	case svc == "rds" && strings.HasPrefix(res, "db:"):
		return "RDS"
	case svc == "rds" && strings.HasPrefix(res, "cluster:"):
		return "Aurora"
	case svc == "dynamodb" && strings.HasPrefix(res, "table/"):
		return "DynamoDB"
	case svc == "elasticfilesystem":
		return "EFS"
	case svc == "ec2" && strings.HasPrefix(res, "volume/"):
		return "EBS"
	case svc == "ec2" && strings.HasPrefix(res, "instance/"):
		return "EC2"
	case svc == "s3":
		return "S3"
	case svc == "fsx":
		return "FSx"
	}
	return ""
}
