package emulator

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backupschemas "github.com/aws/aws-sdk-go-v2/service/backup/schemas"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// backupRegion is one account-region's AWS Backup state. The region key
// with an empty region holds the account's global settings.
type backupRegion struct {
	account, region string

	vaults         map[string]*backupVault // by name
	plans          map[string]*backupPlan  // by plan ID
	reportPlans    map[string]*backupReportPlan
	reportJobs     map[string]*backupReportJob // by ID; created on first use
	frameworks     map[string]*backupFramework
	legalHolds     map[string]*backupLegalHold // by ID
	restoreTesting map[string]*backupRestoreTestingPlan
	recoveryPoints map[string]*backupRecoveryPoint // by ARN
	backupJobs     map[string]*backuptypes.BackupJob
	copyJobs       map[string]*backuptypes.CopyJob
	restoreJobs    map[string]*backuptypes.RestoreJobsListMember
	tags           map[string]map[string]string // by resource ARN

	// Ordered indexes of the lists above (listindex.go).
	jobIndex     *jobIndexes
	rpByVault    map[string]*listIndex[backupRecoveryPoint] // by vault name
	rpByResource map[string]*listIndex[backupRecoveryPoint] // by resource ARN

	optIn      map[string]bool // ResourceTypeOptInPreference
	management map[string]bool // ResourceTypeManagementPreference

	// seq numbers resources in creation order: the virtual clock may not
	// move between creations, and lists keep creation order.
	seq int

	// global settings (only on the account's region-less entry)
	globalSettings map[string]string
	globalUpdated  *time.Time
}

// backupRegionLocked returns the Backup state of account in region,
// creating it on first use.
func (s *Server) backupRegionLocked(account, region string) *backupRegion {
	k := regionKey{account, region}
	b := s.backup[k]
	if b == nil {
		b = &backupRegion{
			account:        account,
			region:         region,
			vaults:         map[string]*backupVault{},
			plans:          map[string]*backupPlan{},
			reportPlans:    map[string]*backupReportPlan{},
			frameworks:     map[string]*backupFramework{},
			legalHolds:     map[string]*backupLegalHold{},
			restoreTesting: map[string]*backupRestoreTestingPlan{},
			recoveryPoints: map[string]*backupRecoveryPoint{},
			backupJobs:     map[string]*backuptypes.BackupJob{},
			copyJobs:       map[string]*backuptypes.CopyJob{},
			restoreJobs:    map[string]*backuptypes.RestoreJobsListMember{},
			tags:           map[string]map[string]string{},
			jobIndex:       newJobIndexes(),
			rpByVault:      map[string]*listIndex[backupRecoveryPoint]{},
			rpByResource:   map[string]*listIndex[backupRecoveryPoint]{},
			optIn:          defaultOptIn(),
			management:     defaultManagement(),
		}
		s.backup[k] = b
	}
	return b
}

// backupCallLocked is the Backup state of the caller's account and region.
func (s *Server) backupCallLocked(c *Call) *backupRegion {
	return s.backupRegionLocked(c.Account, c.Region)
}

// backupReadLocked is the Backup state of the caller's account and region
// for operations that only read: an empty state, not stored, when the
// account has none in the region yet, so that reads may share the lock.
func (s *Server) backupReadLocked(c *Call) *backupRegion {
	if b := s.backup[regionKey{c.Account, c.Region}]; b != nil {
		return b
	}
	return &backupRegion{account: c.Account, region: c.Region}
}

// backupDefaultKeyARNLocked returns the ARN of the AWS managed key AWS
// Backup uses for vaults created without EncryptionKeyArn (alias
// aws/backup): a KMS key ARN with a key ID, never an alias ARN.
func (s *Server) backupDefaultKeyARNLocked(account, region string) string {
	// A vault created without a key uses the AWS managed key for AWS Backup,
	// alias/aws/backup, which KMS creates on first use.
	return s.kmsAWSManagedKeyLocked(account, region, "alias/aws/backup").arn
}

func (b *backupRegion) next() int {
	b.seq++
	return b.seq
}

func (b *backupRegion) arn(kind, id string) string {
	return "arn:aws:backup:" + b.region + ":" + b.account + ":" + kind + ":" + id
}

// backupVersionID returns a plan version ID shaped like AWS's: a
// base64-encoded random UUID string.
func (s *Server) backupVersionID() string {
	return base64.StdEncoding.EncodeToString([]byte(s.ids.uuid()))
}

func (s *Server) backupService() *service {
	sc := backupschemas.CryoControllerUserManager
	return newService("backup", restJSON1, sc, awsbackup.TypeRegistry, withUnsupported("backup", []*operation{
		// Vaults.
		handle(backupschemas.CreateBackupVault, backupschemas.CreateBackupVaultInput, s.createBackupVault),
		handle(backupschemas.CreateLogicallyAirGappedBackupVault, backupschemas.CreateLogicallyAirGappedBackupVaultInput, s.createLogicallyAirGappedBackupVault),
		handle(backupschemas.DescribeBackupVault, backupschemas.DescribeBackupVaultInput, s.describeBackupVault),
		handle(backupschemas.ListBackupVaults, backupschemas.ListBackupVaultsInput, s.listBackupVaults),
		handle(backupschemas.DeleteBackupVault, backupschemas.DeleteBackupVaultInput, s.deleteBackupVault),
		handle(backupschemas.PutBackupVaultAccessPolicy, backupschemas.PutBackupVaultAccessPolicyInput, s.putBackupVaultAccessPolicy),
		handle(backupschemas.GetBackupVaultAccessPolicy, backupschemas.GetBackupVaultAccessPolicyInput, s.getBackupVaultAccessPolicy),
		handle(backupschemas.DeleteBackupVaultAccessPolicy, backupschemas.DeleteBackupVaultAccessPolicyInput, s.deleteBackupVaultAccessPolicy),
		handle(backupschemas.PutBackupVaultLockConfiguration, backupschemas.PutBackupVaultLockConfigurationInput, s.putBackupVaultLockConfiguration),
		handle(backupschemas.DeleteBackupVaultLockConfiguration, backupschemas.DeleteBackupVaultLockConfigurationInput, s.deleteBackupVaultLockConfiguration),
		handle(backupschemas.PutBackupVaultNotifications, backupschemas.PutBackupVaultNotificationsInput, s.putBackupVaultNotifications),
		handle(backupschemas.GetBackupVaultNotifications, backupschemas.GetBackupVaultNotificationsInput, s.getBackupVaultNotifications),
		handle(backupschemas.DeleteBackupVaultNotifications, backupschemas.DeleteBackupVaultNotificationsInput, s.deleteBackupVaultNotifications),
		// Plans and selections.
		handle(backupschemas.CreateBackupPlan, backupschemas.CreateBackupPlanInput, s.createBackupPlan),
		handle(backupschemas.GetBackupPlan, backupschemas.GetBackupPlanInput, s.getBackupPlan),
		handle(backupschemas.UpdateBackupPlan, backupschemas.UpdateBackupPlanInput, s.updateBackupPlan),
		handle(backupschemas.DeleteBackupPlan, backupschemas.DeleteBackupPlanInput, s.deleteBackupPlan),
		handle(backupschemas.ListBackupPlans, backupschemas.ListBackupPlansInput, s.listBackupPlans),
		handle(backupschemas.ListBackupPlanVersions, backupschemas.ListBackupPlanVersionsInput, s.listBackupPlanVersions),
		handle(backupschemas.CreateBackupSelection, backupschemas.CreateBackupSelectionInput, s.createBackupSelection),
		handle(backupschemas.GetBackupSelection, backupschemas.GetBackupSelectionInput, s.getBackupSelection),
		handle(backupschemas.DeleteBackupSelection, backupschemas.DeleteBackupSelectionInput, s.deleteBackupSelection),
		handle(backupschemas.ListBackupSelections, backupschemas.ListBackupSelectionsInput, s.listBackupSelections),
		// Settings.
		handle(backupschemas.DescribeGlobalSettings, backupschemas.DescribeGlobalSettingsInput, s.describeGlobalSettings),
		handle(backupschemas.UpdateGlobalSettings, backupschemas.UpdateGlobalSettingsInput, s.updateGlobalSettings),
		handle(backupschemas.DescribeRegionSettings, backupschemas.DescribeRegionSettingsInput, s.describeRegionSettings),
		handle(backupschemas.UpdateRegionSettings, backupschemas.UpdateRegionSettingsInput, s.updateRegionSettings),
		// Audit Manager.
		handle(backupschemas.CreateReportPlan, backupschemas.CreateReportPlanInput, s.createReportPlan),
		handle(backupschemas.DescribeReportPlan, backupschemas.DescribeReportPlanInput, s.describeReportPlan),
		handle(backupschemas.UpdateReportPlan, backupschemas.UpdateReportPlanInput, s.updateReportPlan),
		handle(backupschemas.DeleteReportPlan, backupschemas.DeleteReportPlanInput, s.deleteReportPlan),
		handle(backupschemas.ListReportPlans, backupschemas.ListReportPlansInput, s.listReportPlans),
		handle(backupschemas.CreateFramework, backupschemas.CreateFrameworkInput, s.createFramework),
		handle(backupschemas.DescribeFramework, backupschemas.DescribeFrameworkInput, s.describeFramework),
		handle(backupschemas.UpdateFramework, backupschemas.UpdateFrameworkInput, s.updateFramework),
		handle(backupschemas.DeleteFramework, backupschemas.DeleteFrameworkInput, s.deleteFramework),
		handle(backupschemas.ListFrameworks, backupschemas.ListFrameworksInput, s.listFrameworks),
		// Legal holds.
		handle(backupschemas.CreateLegalHold, backupschemas.CreateLegalHoldInput, s.createLegalHold),
		handle(backupschemas.GetLegalHold, backupschemas.GetLegalHoldInput, s.getLegalHold),
		handle(backupschemas.ListLegalHolds, backupschemas.ListLegalHoldsInput, s.listLegalHolds),
		handle(backupschemas.CancelLegalHold, backupschemas.CancelLegalHoldInput, s.cancelLegalHold),
		handle(backupschemas.ListRecoveryPointsByLegalHold, backupschemas.ListRecoveryPointsByLegalHoldInput, s.listRecoveryPointsByLegalHold),
		// Restore testing.
		handle(backupschemas.CreateRestoreTestingPlan, backupschemas.CreateRestoreTestingPlanInput, s.createRestoreTestingPlan),
		handle(backupschemas.GetRestoreTestingPlan, backupschemas.GetRestoreTestingPlanInput, s.getRestoreTestingPlan),
		handle(backupschemas.UpdateRestoreTestingPlan, backupschemas.UpdateRestoreTestingPlanInput, s.updateRestoreTestingPlan),
		handle(backupschemas.DeleteRestoreTestingPlan, backupschemas.DeleteRestoreTestingPlanInput, s.deleteRestoreTestingPlan),
		handle(backupschemas.ListRestoreTestingPlans, backupschemas.ListRestoreTestingPlansInput, s.listRestoreTestingPlans),
		handle(backupschemas.CreateRestoreTestingSelection, backupschemas.CreateRestoreTestingSelectionInput, s.createRestoreTestingSelection),
		handle(backupschemas.GetRestoreTestingSelection, backupschemas.GetRestoreTestingSelectionInput, s.getRestoreTestingSelection),
		handle(backupschemas.UpdateRestoreTestingSelection, backupschemas.UpdateRestoreTestingSelectionInput, s.updateRestoreTestingSelection),
		handle(backupschemas.DeleteRestoreTestingSelection, backupschemas.DeleteRestoreTestingSelectionInput, s.deleteRestoreTestingSelection),
		handle(backupschemas.ListRestoreTestingSelections, backupschemas.ListRestoreTestingSelectionsInput, s.listRestoreTestingSelections),
		// Tags.
		handle(backupschemas.TagResource, backupschemas.TagResourceInput, s.tagBackupResource),
		handle(backupschemas.UntagResource, backupschemas.UntagResourceInput, s.untagBackupResource),
		handle(backupschemas.ListTags, backupschemas.ListTagsInput, s.listBackupTags),
		// Jobs and recovery points.
		// These reads change nothing, not even lazily created state, so
		// they share the server's lock.
		readOnly(handle(backupschemas.ListBackupJobs, backupschemas.ListBackupJobsInput, s.listBackupJobs)),
		readOnly(handle(backupschemas.DescribeBackupJob, backupschemas.DescribeBackupJobInput, s.describeBackupJob)),
		readOnly(handle(backupschemas.ListCopyJobs, backupschemas.ListCopyJobsInput, s.listCopyJobs)),
		readOnly(handle(backupschemas.DescribeCopyJob, backupschemas.DescribeCopyJobInput, s.describeCopyJob)),
		readOnly(handle(backupschemas.ListRestoreJobs, backupschemas.ListRestoreJobsInput, s.listRestoreJobs)),
		readOnly(handle(backupschemas.ListRecoveryPointsByBackupVault, backupschemas.ListRecoveryPointsByBackupVaultInput, s.listRecoveryPointsByBackupVault)),
		readOnly(handle(backupschemas.ListRecoveryPointsByResource, backupschemas.ListRecoveryPointsByResourceInput, s.listRecoveryPointsByResource)),
		handle(backupschemas.DescribeRecoveryPoint, backupschemas.DescribeRecoveryPointInput, s.describeRecoveryPoint),
		readOnly(handle(backupschemas.ListProtectedResources, backupschemas.ListProtectedResourcesInput, s.listProtectedResources)),
		// Job engine (jobs.go, copy.go, lifecycle.go).
		handle(backupschemas.StartBackupJob, backupschemas.StartBackupJobInput, s.startBackupJob),
		handle(backupschemas.StartCopyJob, backupschemas.StartCopyJobInput, s.startCopyJob),
		handle(backupschemas.StartRestoreJob, backupschemas.StartRestoreJobInput, s.startRestoreJob),
		// Restores (restore.go).
		handle(backupschemas.DescribeRestoreJob, backupschemas.DescribeRestoreJobInput, s.describeRestoreJob),
		handle(backupschemas.GetRecoveryPointRestoreMetadata, backupschemas.GetRecoveryPointRestoreMetadataInput, s.getRecoveryPointRestoreMetadata),
		handle(backupschemas.ListRestoreJobsByProtectedResource, backupschemas.ListRestoreJobsByProtectedResourceInput, s.listRestoreJobsByProtectedResource),
		handle(backupschemas.ListRestoreJobSummaries, backupschemas.ListRestoreJobSummariesInput, s.listRestoreJobSummaries),
		handle(backupschemas.PutRestoreValidationResult, backupschemas.PutRestoreValidationResultInput, s.putRestoreValidationResult),
		handle(backupschemas.StopBackupJob, backupschemas.StopBackupJobInput, s.stopBackupJob),
		handle(backupschemas.DeleteRecoveryPoint, backupschemas.DeleteRecoveryPointInput, s.deleteRecoveryPoint),
		handle(backupschemas.UpdateRecoveryPointLifecycle, backupschemas.UpdateRecoveryPointLifecycleInput, s.updateRecoveryPointLifecycle),
		// Job summaries (backup_summaries.go).
		handle(backupschemas.ListBackupJobSummaries, backupschemas.ListBackupJobSummariesInput, s.listBackupJobSummaries),
		handle(backupschemas.ListCopyJobSummaries, backupschemas.ListCopyJobSummariesInput, s.listCopyJobSummaries),
		handle(backupschemas.GetSupportedResourceTypes, nil, s.getSupportedResourceTypes),
		// Protected resources (backup_protected.go).
		handle(backupschemas.DescribeProtectedResource, backupschemas.DescribeProtectedResourceInput, s.describeProtectedResource),
		handle(backupschemas.ListProtectedResourcesByBackupVault, backupschemas.ListProtectedResourcesByBackupVaultInput, s.listProtectedResourcesByBackupVault),
		// Report jobs (backup_reportjobs.go).
		handle(backupschemas.StartReportJob, backupschemas.StartReportJobInput, s.startReportJob),
		handle(backupschemas.DescribeReportJob, backupschemas.DescribeReportJobInput, s.describeReportJob),
		handle(backupschemas.ListReportJobs, backupschemas.ListReportJobsInput, s.listReportJobs),
	}, backupModelOperations(), backupUnsupported))
}

// Backup's modeled errors. AWS sends the message in "Message".

func bkNotFound(format string, args ...any) error {
	return &backuptypes.ResourceNotFoundException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func bkInvalidParam(format string, args ...any) error {
	return &backuptypes.InvalidParameterValueException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func bkInvalidRequest(format string, args ...any) error {
	return &backuptypes.InvalidRequestException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func bkMissing(name string) error {
	return &backuptypes.MissingParameterValueException{Message: aws.String(name + " is required.")}
}

func bkAlreadyExists(arn, creatorRequestID, format string, args ...any) error {
	e := &backuptypes.AlreadyExistsException{Message: aws.String(fmt.Sprintf(format, args...))}
	if arn != "" {
		e.Arn = aws.String(arn)
	}
	if creatorRequestID != "" {
		e.CreatorRequestId = aws.String(creatorRequestID)
	}
	return e
}

// bkRequire returns MissingParameterValueException for the first absent
// required member; pairs alternate name and value (*string, or any
// pointer/slice/map, absent when nil or an empty string).
func bkRequire(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		if isAbsent(pairs[i+1]) {
			return bkMissing(name)
		}
	}
	return nil
}

func isAbsent(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case *string:
		return x == nil || *x == ""
	case *int64:
		return x == nil
	case *int32:
		return x == nil
	case *bool:
		return x == nil
	case []string:
		return len(x) == 0
	}
	return isNilPointer(v)
}

// Name rules from the Backup API model's patterns.
var (
	backupVaultNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-\_]{2,50}$`)
	backupRuleNameRE  = regexp.MustCompile(`^[a-zA-Z0-9\-\_\.]{1,50}$`)
	backupPlanNameRE  = regexp.MustCompile(`^[a-zA-Z0-9\-\_\.]{1,50}$`)
	// ReportPlanName and FrameworkName: [a-zA-Z][_a-zA-Z0-9]*, 1-256.
	backupAuditNameRE = regexp.MustCompile(`^[a-zA-Z][_a-zA-Z0-9]{0,255}$`)
	// Restore testing plan and selection names: alphanumerics and
	// underscores, at most 50 (CreateRestoreTestingPlan /
	// CreateRestoreTestingSelection API reference).
	backupRestoreNameRE = regexp.MustCompile(`^[a-zA-Z0-9_]{1,50}$`)
	iamRoleARNRE        = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	snsTopicARNRE       = regexp.MustCompile(`^arn:aws:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
	kmsKeyARNRE         = regexp.MustCompile(`^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
)

func checkVaultName(name *string) error {
	if err := bkRequire("BackupVaultName", name); err != nil {
		return err
	}
	if !backupVaultNameRE.MatchString(*name) {
		return bkInvalidParam("Invalid backup vault name %q: it must match ^[a-zA-Z0-9\\-\\_]{2,50}$.", *name)
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func copyTags(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// backupPage paginates with Backup's error code for foreign tokens.
func backupPage[T any](items []T, token *string, max *int32) ([]T, *string, error) {
	page, next, err := paginate(items, token, max, 1000, "InvalidParameterValueException")
	if err != nil {
		return nil, nil, bkInvalidParam("The specified pagination token is invalid.")
	}
	return page, next, nil
}

func timePtr(t time.Time) *time.Time { return &t }

// arnRegionAccount splits an ARN into its region and account.
func arnRegionAccount(arn string) (service, region, account, resource string, ok bool) {
	// arn:partition:service:region:account:resource, without allocating.
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", "", "", "", false
	}
	var parts [4]string
	_, rest, ok = strings.Cut(rest, ":") // partition
	for i := 0; ok && i < 3; i++ {
		parts[i], rest, ok = strings.Cut(rest, ":")
	}
	if !ok {
		return "", "", "", "", false
	}
	return parts[0], parts[1], parts[2], rest, true
}
