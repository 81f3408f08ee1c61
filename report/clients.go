package report

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsconfig "github.com/aws/aws-sdk-go-v2/service/configservice"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	awsorgs "github.com/aws/aws-sdk-go-v2/service/organizations"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/internal/backupwire"
)

// BackupAPI is the part of the AWS Backup client the collector reads.
type BackupAPI interface {
	ListBackupJobs(ctx context.Context, in *awsbackup.ListBackupJobsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error)
	ListCopyJobs(ctx context.Context, in *awsbackup.ListCopyJobsInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListCopyJobsOutput, error)
	ListRecoveryPointsByBackupVault(ctx context.Context, in *awsbackup.ListRecoveryPointsByBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	ListProtectedResources(ctx context.Context, in *awsbackup.ListProtectedResourcesInput, optFns ...func(*awsbackup.Options)) (*awsbackup.ListProtectedResourcesOutput, error)
	DescribeBackupVault(ctx context.Context, in *awsbackup.DescribeBackupVaultInput, optFns ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupVaultOutput, error)
}

// KMSAPI is the part of the KMS client the collector reads to tell
// customer-managed keys from AWS-managed ones and to check rotation.
type KMSAPI interface {
	DescribeKey(ctx context.Context, in *awskms.DescribeKeyInput, optFns ...func(*awskms.Options)) (*awskms.DescribeKeyOutput, error)
	GetKeyRotationStatus(ctx context.Context, in *awskms.GetKeyRotationStatusInput, optFns ...func(*awskms.Options)) (*awskms.GetKeyRotationStatusOutput, error)
}

// TaggingAPI is the part of the Resource Groups Tagging API client the
// collector uses to find workload resources and their tags.
type TaggingAPI interface {
	GetResources(ctx context.Context, in *awstagging.GetResourcesInput, optFns ...func(*awstagging.Options)) (*awstagging.GetResourcesOutput, error)
}

// S3API is the part of the S3 client Upload uses.
type S3API interface {
	PutObject(ctx context.Context, in *awss3.PutObjectInput, optFns ...func(*awss3.Options)) (*awss3.PutObjectOutput, error)
}

var (
	_ BackupAPI                     = (*awsbackup.Client)(nil)
	_ KMSAPI                        = (*awskms.Client)(nil)
	_ TaggingAPI                    = (*awstagging.Client)(nil)
	_ S3API                         = (*awss3.Client)(nil)
	_ crossaccount.OrganizationsAPI = (*awsorgs.Client)(nil)
)

// Clients hands the collector its clients for an account and region.
// FromConfigs adapts a crossaccount.Fleet (or any crossaccount.ConfigSource); tests and
// benchmarks supply their own.
type Clients interface {
	Backup(ctx context.Context, account, region string) (BackupAPI, error)
	KMS(ctx context.Context, account, region string) (KMSAPI, error)
	Tagging(ctx context.Context, account, region string) (TaggingAPI, error)
	// Config lists every workload resource, tagged or not.
	Config(ctx context.Context, account, region string) (ConfigAPI, error)
	// Organizations is used to discover the organization's accounts when
	// Options.Topology is nil.
	Organizations(ctx context.Context, account, region string) (crossaccount.OrganizationsAPI, error)
}

// FromConfigs returns Clients that build SDK clients from src's
// configurations.
func FromConfigs(src crossaccount.ConfigSource) Clients {
	return configClients{src: src, lists: backupwire.NewLists()}
}

type configClients struct {
	src crossaccount.ConfigSource
	// lists decodes the AWS Backup list pages of every client: the
	// collector only reads them, so their items may share repeated
	// strings, and one pool of buffers serves all accounts.
	lists *backupwire.Lists
}

func (c configClients) cfg(ctx context.Context, account, region string) (aws.Config, error) {
	cfg, err := c.src.Config(ctx, account, region)
	if err != nil {
		return aws.Config{}, fmt.Errorf("getting credentials for %s/%s: %w", account, region, err)
	}
	return cfg, nil
}

func (c configClients) Backup(ctx context.Context, account, region string) (BackupAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awsbackup.NewFromConfig(cfg, c.lists.Option), nil
}

func (c configClients) KMS(ctx context.Context, account, region string) (KMSAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awskms.NewFromConfig(cfg), nil
}

func (c configClients) Tagging(ctx context.Context, account, region string) (TaggingAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awstagging.NewFromConfig(cfg), nil
}

func (c configClients) Config(ctx context.Context, account, region string) (ConfigAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awsconfig.NewFromConfig(cfg), nil
}

func (c configClients) Organizations(ctx context.Context, account, region string) (crossaccount.OrganizationsAPI, error) {
	cfg, err := c.cfg(ctx, account, region)
	if err != nil {
		return nil, err
	}
	return awsorgs.NewFromConfig(cfg), nil
}
