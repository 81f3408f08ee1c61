package crossaccount_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

func ExampleFleet_Config() {
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// The member account's execution role trusts the management account.
	_, err := awsiam.NewFromConfig(srv.Config("333333333333", "us-east-1")).CreateRole(ctx, &awsiam.CreateRoleInput{
		RoleName:                 aws.String("OrganizationAccountAccessRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// A planning fleet: the management account's credentials, read-only.
	fleet := crossaccount.NewFleet(srv.Config("111111111111", "us-east-1"), func(o *crossaccount.Options) {
		o.ReadOnly = true
	})
	cfg, err := fleet.Config(ctx, "333333333333", "eu-west-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(aws.ToString(id.Arn))

	_, err = awsbackup.NewFromConfig(cfg).CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("local")})
	if me := (*crossaccount.MutationError)(nil); errors.As(err, &me) {
		fmt.Println(me)
	}
	// Output:
	// arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/orgbackup
	// Backup CreateBackupVault is not a read operation and this client is read-only
}
