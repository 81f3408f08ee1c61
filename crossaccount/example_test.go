package crossaccount_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgbackup/orgbackup/crossaccount"
	"github.com/orgbackup/orgbackup/emulator"
)

func ExampleFleet_Config() {
	srv := emulator.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// The emulator creates OrganizationAccountAccessRole in every member
	// account, trusting the management account, as Organizations does.
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
